"""A dashboard as PDF (X-2): the widgets' own drawings (X-3) on the 4-column grid, with the
co-branded header (G-1) and the page footer, laid out by WeasyPrint (HTML + CSS paged media).

Nothing is fetched while rendering: logos are embedded as data: URIs and the fetcher given to
WeasyPrint refuses every other URL, so a drawing or a stored string can never make the server
reach the network or read a local file."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from partnerdesk.console.models import CustomerLogo
from partnerdesk.console.widgets import WidgetDrawing, render_widget
from partnerdesk.core.models import StoredImage
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import PartnerLogo
from partnerdesk.reports.layout import GRID_COLUMNS, Band, Placement, bands, reading_order

Progress = Callable[[int, int], None]
LOGO_TYPES = frozenset({"image/png", "image/jpeg"})


class URLRefused(ValueError):
    """A URL other than data: asked for while rendering an export."""


class DataOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to data: URIs; anything else is refused (and remembered,
    so tests can see what was asked for)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["data"], allow_redirects=False, timeout=1)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            self.refused.append(url)
            raise URLRefused(f"Exports fetch nothing: {url[:80]} refused.")
        return super().fetch(url, headers)


def logo_data_uri(image: StoredImage | None) -> str | None:
    """The stored (already checked and re-encoded) logo as a data: URI, or None."""
    if image is None or image.content_type not in LOGO_TYPES:
        return None
    data = base64.b64encode(bytes(image.image)).decode("ascii")
    return f"data:{image.content_type};base64,{data}"


@dataclass(frozen=True, slots=True)
class Cell:
    """A drawn widget, placed in its band's table (colspan w, rowspan h)."""

    placement: Placement
    drawing: WidgetDrawing
    rowspan: int = 1

    @property
    def html(self) -> str:
        """The widget's own markup (X-3). A chart goes in as an SVG image (a data: URI of
        the very same SVG): WeasyPrint then draws it with its SVG renderer instead of running
        every shape through the HTML style cascade, about a third less work, and the summary
        becomes the image's text alternative. Tables stay HTML."""
        markup = self.drawing.html
        if markup.lstrip().startswith("<svg"):
            data = base64.b64encode(markup.encode()).decode("ascii")
            return format_html(
                '<img class="chart" src="data:image/svg+xml;base64,{}" alt="{}">',
                data,
                self.drawing.summary,
            )
        # The widget library escapes every data string; its markup is safe as it is.
        return mark_safe(markup)  # noqa: S308


@dataclass(frozen=True, slots=True)
class Blank:
    """A grid cell no widget covers (kept so the columns stay where the screen has them)."""


@dataclass(frozen=True, slots=True)
class BandRow:
    """One table row of a band: its cells and its height in grid rows (a row that only
    continues taller widgets is folded into the row above it)."""

    cells: list[Cell | Blank]
    units: int = 1


def _band_rows(band: Band, drawn: dict[Placement, WidgetDrawing]) -> list[BandRow]:
    """The band as table rows: each widget once, at its top-left cell; cells it covers by
    colspan or rowspan are left out, cells nothing covers are blanks."""
    covered: set[tuple[int, int]] = set()
    origin = {(p.y - band.first, p.x): p for p in band.placements}
    grid: list[list[Cell | Blank]] = []
    for r in range(band.rows):
        row: list[Cell | Blank] = []
        for c in range(GRID_COLUMNS):
            p = origin.get((r, c))
            if p is not None and (r, c) not in covered:
                row.append(Cell(p, drawn[p], rowspan=p.h))
                covered.update(
                    (r + dr, c + dc) for dr in range(p.h) for dc in range(p.w) if dr or dc
                )
            elif (r, c) not in covered:
                row.append(Blank())
        grid.append(row)
    rows: list[BandRow] = []
    for r, cells in enumerate(grid):
        if cells or not rows:
            rows.append(BandRow(cells))
            continue
        # Every cell of this row belongs to a widget above: a table row with no cells of its
        # own confuses fixed table layout, so the row above grows instead.
        above = rows[-1]
        rows[-1] = BandRow(
            [
                Cell(c.placement, c.drawing, rowspan=c.rowspan - 1)
                if isinstance(c, Cell) and c.placement.y - band.first + c.rowspan > r
                else c
                for c in above.cells
            ],
            above.units + 1,
        )
    return rows


def draw(
    customer: Customer,
    placements: Sequence[Placement],
    now: dt.datetime,
    progress: Progress | None = None,
) -> list[list[BandRow]]:
    """Every widget drawn once, in reading order, grouped into bands of table rows;
    `progress(done, total)` after each (total counts one more step: laying out and writing
    the PDF). One after another on the caller's connection: drawing them in threads was
    measured slower on SQLite (docs/performance.md)."""
    total = len(placements) + 1
    drawn: dict[Placement, WidgetDrawing] = {}
    for done, p in enumerate(reading_order(placements), start=1):
        drawn[p] = render_widget(p.key, customer=customer, now=now)
        if progress is not None:
            progress(done, total)
    return [_band_rows(band, drawn) for band in bands(placements)]


def dashboard_html(
    *,
    customer: Customer,
    title: str,
    placements: Sequence[Placement],
    exported_by: str,
    now: dt.datetime,
    progress: Progress | None = None,
) -> str:
    """The print page of one dashboard, self-contained (logos inline, styles inline)."""
    partner_logo = PartnerLogo.objects.filter(partner_id=customer.partner_id).first()
    customer_logo = CustomerLogo.objects.filter(customer_id=customer.pk).first()
    utc = now.astimezone(dt.UTC)
    return render_to_string(
        "reports/dashboard_pdf.html",
        {
            "title": title,
            "customer_name": customer.show_as,
            "date": f"{utc.day} {utc:%B %Y}",
            "time": f"{utc:%H:%M} UTC",
            "exported_by": exported_by,
            "partner_logo": logo_data_uri(partner_logo),
            "customer_logo": logo_data_uri(customer_logo),
            "bands": draw(customer, placements, now, progress),
        },
    )


def html_document(html: str, fetcher: URLFetcher | None = None) -> Document:
    """WeasyPrint's laid-out pages of `html` (the PDF is written from them)."""
    return HTML(string=html, url_fetcher=fetcher or DataOnlyFetcher(), base_url=None).render()


def html_pdf(html: str) -> bytes:
    pdf = html_document(html).write_pdf()
    assert pdf is not None  # with no target, write_pdf returns the bytes
    return pdf


def render_dashboard_pdf(
    *,
    customer: Customer,
    title: str,
    placements: list[Placement],
    exported_by: str,
    now: dt.datetime,
    progress: Progress | None = None,
) -> bytes:
    """The dashboard as PDF bytes. The caller has checked that its actor may export this
    customer's dashboards; widgets read only this customer's rows."""
    html = dashboard_html(
        customer=customer,
        title=title,
        placements=placements,
        exported_by=exported_by,
        now=now,
        progress=progress,
    )
    pdf = html_pdf(html)
    if progress is not None:
        progress(len(placements) + 1, len(placements) + 1)
    return pdf
