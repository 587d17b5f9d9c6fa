"""Reads of a console's dashboards (X-1): `Board`, a dashboard as the console shows it (the
Central Overview, a built-in or a custom one), its `PlacedWidget`s, and the list and lookup."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Prefetch
from django.db.models.functions import Lower

from partnerdesk.console.dashboards.access import DASHBOARD_NOT_FOUND, _require
from partnerdesk.console.dashboards.builtins import BUILT_INS, CENTRAL_OVERVIEW, OVERVIEW, BuiltIn
from partnerdesk.console.models import Dashboard, DashboardWidget
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.customers.models import Customer
from partnerdesk.reports.layout import Placement

Kind = Literal["overview", "builtin", "custom"]


@dataclass(frozen=True, slots=True)
class PlacedWidget:
    """A widget where a dashboard puts it; `id` only for the widgets of custom dashboards."""

    id: int | None
    key: str
    x: int
    y: int
    w: int
    h: int

    @property
    def title(self) -> str:
        widget = WIDGET_TYPES.get(self.key)
        return widget.title if widget else f"Unknown widget ({self.key})"

    @property
    def placement(self) -> Placement:
        return Placement(key=self.key, x=self.x, y=self.y, w=self.w, h=self.h)


@dataclass(frozen=True, slots=True)
class Board:
    """A dashboard as the console shows it: the Central Overview, a built-in, or a custom one."""

    ref: str
    name: str
    kind: Kind
    description: str
    widgets: tuple[PlacedWidget, ...]
    widget_count: int
    dashboard: Dashboard | None = None

    @property
    def exportable(self) -> bool:
        return self.kind != "overview"

    @property
    def editable(self) -> bool:
        return self.kind == "custom"

    @property
    def source(self) -> str:
        return f"{'custom' if self.kind == 'custom' else 'builtin'}:{self.ref}"

    @property
    def placements(self) -> list[Placement]:
        return [w.placement for w in self.widgets]


def _built_in_board(b: BuiltIn) -> Board:
    widgets = tuple(PlacedWidget(None, p.key, p.x, p.y, p.w, p.h) for p in b.placements)
    kind: Kind = "overview" if b.slug == OVERVIEW else "builtin"
    return Board(b.slug, b.name, kind, b.description, widgets, len(widgets))


def _custom_board(d: Dashboard, widgets: Iterable[DashboardWidget], count: int) -> Board:
    placed = tuple(
        sorted(
            (PlacedWidget(w.pk, w.widget_key, w.x, w.y, w.w, w.h) for w in widgets),
            key=lambda w: (w.y, w.x),
        )
    )
    return Board(str(d.uuid), d.name, "custom", "", placed, count, d)


def _ordered_widgets() -> Prefetch[Any]:
    return Prefetch("widgets", queryset=DashboardWidget.objects.order_by("y", "x", "id"))


def dashboard_list(actor: Actor, customer: Customer, *, with_widgets: bool = False) -> list[Board]:
    """The console's dashboards: the Central Overview first, the built-ins, then custom ones by
    name. One query (two with the widgets of the custom ones)."""
    _require(actor, customer, ConsoleAction.VIEW)
    custom = Dashboard.objects.filter(customer=customer).order_by(Lower("name"), "id")
    custom = custom.annotate(widget_total=Count("widgets"))
    if with_widgets:
        custom = custom.prefetch_related(_ordered_widgets())
    boards = [_built_in_board(CENTRAL_OVERVIEW), *(_built_in_board(b) for b in BUILT_INS.values())]
    for d in custom:
        widgets = d.widgets.all() if with_widgets else ()
        boards.append(_custom_board(d, widgets, d.widget_total))  # type: ignore[attr-defined]
    return boards


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _custom_for(customer: Customer, ref: str) -> Dashboard:
    key = _as_uuid(ref)
    found = Dashboard.objects.filter(customer=customer, uuid=key).first() if key else None
    if found is None:
        raise NotFound(DASHBOARD_NOT_FOUND)
    return found


def dashboard_get(actor: Actor, customer: Customer, ref: str) -> Board:
    """One dashboard by its id ("overview", a built-in's slug, a custom one's uuid), or
    NotFound: a custom dashboard of another customer answers as a missing one (S-1)."""
    _require(actor, customer, ConsoleAction.VIEW)
    if ref == OVERVIEW:
        return _built_in_board(CENTRAL_OVERVIEW)
    if ref in BUILT_INS:
        return _built_in_board(BUILT_INS[ref])
    key = _as_uuid(ref)
    found = (
        Dashboard.objects.filter(customer=customer, uuid=key)
        .prefetch_related(_ordered_widgets())
        .first()
        if key
        else None
    )
    if found is None:
        raise NotFound(DASHBOARD_NOT_FOUND)
    widgets = list(found.widgets.all())
    return _custom_board(found, widgets, len(widgets))
