"""X-2 / X-3 / G-1: a dashboard rendered to PDF, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.reports.layout import Placement
from partnerdesk.reports.pdf import (
    DataOnlyFetcher,
    URLRefused,
    dashboard_html,
    html_document,
    html_pdf,
    render_dashboard_pdf,
)
from tests.factories import CustomerFactory
from tests.reports.helpers import (
    add_logos,
    every_widget,
    flow,
    image_count,
    pdf_pages_text,
    populate,
)


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def customer(partner: Partner, now: dt.datetime) -> Customer:
    customer = CustomerFactory(partner=partner, show_as="Acme Widgets", billing_type="usage")
    populate(customer, now)
    return customer


def render(customer: Customer, now: dt.datetime, placements: list[Placement], **kw: Any) -> bytes:
    return render_dashboard_pdf(
        customer=customer,
        title=kw.get("title", "Security overview"),
        placements=placements,
        exported_by=kw.get("exported_by", "Ada Admin"),
        now=now,
        progress=kw.get("progress"),
    )


def outline_titles(pdf: bytes) -> list[tuple[str, int]]:
    """The PDF's bookmarks (one per widget heading) with the page each points to."""
    reader = PdfReader(io.BytesIO(pdf))

    def walk(items: list[Any]) -> Iterator[tuple[str, int]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title, reader.get_destination_page_number(item)

    return list(walk(reader.outline))


def test_x2_pdf_has_header_footer_and_every_widget(customer: Customer, now: dt.datetime) -> None:
    placements = every_widget()
    pdf = render(customer, now, placements)
    assert pdf.startswith(b"%PDF-")
    pages = pdf_pages_text(pdf)
    assert len(pages) >= 2
    date = f"{now.astimezone(dt.UTC).day} {now.astimezone(dt.UTC):%B %Y}"
    for number, text in enumerate(pages, start=1):
        # The running header and footer are on every page.
        assert "Security overview" in text
        assert "Acme Widgets" in text
        assert date in text
        assert f"Page {number} of {len(pages)}" in text
        assert "Exported by Ada Admin" in text
    everything = "\n".join(pages)
    for p in placements:
        assert WIDGET_TYPES[p.key].title in everything, p.key
    # Data drawn by the widgets is text in the PDF, not a picture of text.
    assert "host-0" in everything and "Windows 11" in everything


def test_x2_every_widget_title_appears_once_and_no_widget_is_cut(
    customer: Customer, now: dt.datetime
) -> None:
    placements = every_widget()
    pdf = render(customer, now, placements)
    titles = outline_titles(pdf)
    counted = Counter(title for title, _ in titles)
    assert counted == Counter(WIDGET_TYPES[p.key].title for p in placements)
    pages = pdf_pages_text(pdf)
    for title, page in titles:
        assert title in pages[page]
    assert len({page for _, page in titles}) >= 2, "the dashboard spans several pages"
    assert_no_widget_is_cut(customer, now, placements)


def assert_no_widget_is_cut(
    customer: Customer, now: dt.datetime, placements: list[Placement]
) -> None:
    """Every widget's box is laid out on exactly one page (a widget broken across a page
    would have a fragment on two)."""
    html = dashboard_html(
        customer=customer, title="T", placements=placements, exported_by="x", now=now
    )
    document = html_document(html)
    on_page: dict[str, list[int]] = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident.startswith("widget-") and box.element_tag == "section":
                pages = on_page.setdefault(ident, [])
                if number not in pages:
                    pages.append(number)
    assert set(on_page) == {f"widget-{p.x}-{p.y}" for p in placements}
    assert all(len(pages) == 1 for pages in on_page.values()), on_page


def test_x2_a_big_dashboard_spans_pages_between_widgets(
    customer: Customer, now: dt.datetime
) -> None:
    keys = list(WIDGET_TYPES) * 3
    placements = flow(keys)
    pdf = render(customer, now, placements, title="Everything three times")
    pages = pdf_pages_text(pdf)
    assert len(pages) >= 6
    counted = Counter(title for title, _ in outline_titles(pdf))
    assert counted == Counter({wt.title: 3 for wt in WIDGET_TYPES.values()})
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert_no_widget_is_cut(customer, now, placements)


def test_g1_both_logos_are_embedded_as_images(customer: Customer, now: dt.datetime) -> None:
    add_logos(customer)
    pdf = render(customer, now, [Placement("summary", 0, 0, 2, 1)])
    assert image_count(pdf) == 2
    html = dashboard_html(
        customer=customer,
        title="T",
        placements=[Placement("summary", 0, 0, 2, 1)],
        exported_by="x",
        now=now,
    )
    assert html.count('src="data:image/png;base64,') == 1  # the partner's, left
    assert html.count('src="data:image/jpeg;base64,') == 1  # the customer's, right
    assert html.index("data:image/png") < html.index("data:image/jpeg")


def test_g1_no_logos_no_images(customer: Customer, now: dt.datetime) -> None:
    pdf = render(customer, now, [Placement("summary", 0, 0, 2, 1)])
    assert image_count(pdf) == 0
    assert "Security overview" in pdf_pages_text(pdf)[0]


def test_x2_progress_is_reported_per_widget_then_for_the_pdf(
    customer: Customer, now: dt.datetime
) -> None:
    calls: list[tuple[int, int]] = []
    placements = every_widget()[:4]
    render(customer, now, placements, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 5) for n in range(1, 6)]


def test_s3_hostile_title_and_names_are_escaped(partner: Partner, now: dt.datetime) -> None:
    customer = CustomerFactory(partner=partner, show_as="<b>Evil</b> & Co")
    html = dashboard_html(
        customer=customer,
        title='<img src="http://attacker.example/x.png">',
        placements=[Placement("summary", 0, 0, 2, 1)],
        exported_by="<script>x</script>",
        now=now,
    )
    assert '<img src="http://' not in html and "<script>x" not in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html


def test_url_fetcher_refuses_everything_but_data_urls() -> None:
    fetcher = DataOnlyFetcher()
    for url in (
        "http://127.0.0.1:8000/console/logo/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ):
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4
    ok = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert ok is not None


def test_rendering_never_opens_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        opened.append(args)
        raise AssertionError("network use while rendering")

    monkeypatch.setattr(socket, "create_connection", refuse)
    fetcher = DataOnlyFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="http://example.com/s.css"></head><body>'
        '<img src="http://example.com/a.png"><img src="file:///etc/hostname">'
        '<p style="background: url(https://example.com/b.png)">text</p></body></html>'
    )
    pdf = html_document(html, fetcher).write_pdf()
    assert pdf and pdf.startswith(b"%PDF-")
    assert opened == []
    assert sorted(fetcher.refused) == sorted(
        [
            "http://example.com/s.css",
            "http://example.com/a.png",
            "file:///etc/hostname",
            "https://example.com/b.png",
        ]
    )
    assert html_pdf("<p>plain</p>").startswith(b"%PDF-")
