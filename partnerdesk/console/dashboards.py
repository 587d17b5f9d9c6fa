"""Dashboards of a customer's console (X-1) and the export rule (X-2).

The Central Overview and the built-in dashboards are defined here, in code: they ship with the
product and change with it. Custom dashboards are rows (`Dashboard`, `DashboardWidget`) on a
grid of 4 columns; every change of their widgets goes through `_change_widgets`, which locks
the dashboard, checks the version the page was drawn from, validates the whole layout and
saves it in one transaction. Readers are console actors (customer admins, delegated sessions)
and, through the API, partner credentials that the API has already let in."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower

from partnerdesk.audit.services import audit_record
from partnerdesk.console.models import Dashboard, DashboardWidget
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import (
    CONSOLE_ROLE_FOR_PARTNER_ROLE,
    ConsoleAction,
    console_role_allows,
)
from partnerdesk.customers.models import Customer
from partnerdesk.reports.layout import Placement

if TYPE_CHECKING:
    from partnerdesk.reports.models import DashboardExport

GRID_COLUMNS = 4
MAX_HEIGHT = 2
MAX_ROWS = 48
MAX_WIDGETS = 24
MAX_DASHBOARDS = 50
NAME_MAX = 80
OVERVIEW = "overview"

DASHBOARD_NOT_FOUND = "No such dashboard."
OVERVIEW_NOT_EXPORTABLE = (
    "The Central Overview cannot be exported; export a built-in or custom dashboard."
)
STALE = (
    "This dashboard was changed by someone else since you opened it, so nothing was saved. "
    "Reload it and make your change again."
)

Kind = Literal["overview", "builtin", "custom"]
Direction = Literal["left", "right", "up", "down", "wider", "narrower", "taller", "shorter"]
DIRECTIONS: dict[str, tuple[int, int, int, int]] = {
    "left": (-1, 0, 0, 0),
    "right": (1, 0, 0, 0),
    "up": (0, -1, 0, 0),
    "down": (0, 1, 0, 0),
    "wider": (0, 0, 1, 0),
    "narrower": (0, 0, -1, 0),
    "taller": (0, 0, 0, 1),
    "shorter": (0, 0, 0, -1),
}


def _p(key: str, x: int, y: int, w: int, h: int) -> Placement:
    return Placement(key=key, x=x, y=y, w=w, h=h)


@dataclass(frozen=True, slots=True)
class BuiltIn:
    """A dashboard that ships with the product: the same for every customer, read-only."""

    slug: str
    name: str
    description: str
    placements: tuple[Placement, ...]


CENTRAL_OVERVIEW = BuiltIn(
    OVERVIEW,
    "Central Overview",
    "The state of your estate at a glance. It is fixed and cannot be exported.",
    (
        _p("summary", 0, 0, 2, 1),
        _p("devices-by-health", 2, 0, 2, 1),
        _p("alerts-over-time", 0, 1, 2, 1),
        _p("alerts-by-severity", 2, 1, 2, 1),
        _p("license-usage", 0, 2, 2, 1),
        _p("devices-by-os", 2, 2, 2, 1),
        _p("open-alerts", 0, 3, 4, 2),
    ),
)
BUILT_INS: dict[str, BuiltIn] = {
    b.slug: b
    for b in (
        BuiltIn(
            "threat-overview",
            "Threat overview",
            "Alerts over time, by severity and category, and the devices raising them.",
            (
                _p("alerts-over-time", 0, 0, 3, 1),
                _p("alerts-by-severity", 3, 0, 1, 1),
                _p("alerts-by-category", 0, 1, 2, 1),
                _p("most-alerting-devices", 2, 1, 2, 2),
                _p("devices-by-health", 0, 2, 2, 1),
                _p("open-alerts", 0, 3, 4, 2),
            ),
        ),
        BuiltIn(
            "device-health",
            "Device health",
            "Health, operating systems, protection and the devices that stopped checking in.",
            (
                _p("devices-by-health", 0, 0, 2, 1),
                _p("devices-by-os", 2, 0, 2, 1),
                _p("stale-devices", 0, 1, 2, 2),
                _p("product-coverage", 2, 1, 2, 1),
                _p("usage-trend", 2, 2, 2, 1),
            ),
        ),
        BuiltIn(
            "licensing-and-usage",
            "Licensing and usage",
            "Devices running each product against what is licensed, and usage over time.",
            (
                _p("license-usage", 0, 0, 4, 1),
                _p("usage-trend", 0, 1, 2, 1),
                _p("product-coverage", 2, 1, 2, 1),
                _p("summary", 0, 2, 2, 1),
                _p("devices-by-os", 2, 2, 2, 1),
            ),
        ),
    )
}


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


@dataclass(frozen=True, slots=True)
class Spot:
    """A widget's wanted place: an existing widget by `widget_id`, or (None) a new one."""

    widget_id: int | None
    key: str
    x: int
    y: int
    w: int
    h: int


# --- who may ------------------------------------------------------------------------------


def _require(actor: Actor, customer: Customer, action: ConsoleAction) -> None:
    """The actor works in this customer's console: one of its console actors, or a partner
    credential the API let in (customer visible to it, Partner Assistance on), whose partner
    role maps to a console role as Launch customer maps it (SPEC section 1)."""
    if actor.is_console_actor:
        if actor.customer_id != customer.pk:
            raise NotFound(DASHBOARD_NOT_FOUND)
        actor.console_require(action)
        return
    if not actor.is_partner_actor or actor.partner_id != customer.partner_id:
        raise NotFound(DASHBOARD_NOT_FOUND)
    if not customer.partner_assistance:
        raise Conflict(
            f"Partner Assistance is off for {customer.show_as}: a partner works in a customer's "
            "console only while the customer has turned it on.",
            code="partnerAssistanceOff",
        )
    role = CONSOLE_ROLE_FOR_PARTNER_ROLE.get(actor.role) if actor.role else None
    if not console_role_allows(role, action, delegated=True):
        raise PermissionDenied(
            "Your role does not allow this action.", code="forbidden.console." + action.value
        )


# --- reads --------------------------------------------------------------------------------


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


# --- validation -----------------------------------------------------------------------------


def clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ValidationFailed("Enter a name for the dashboard.", fields={"name": "required"})
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            f"A dashboard name can be at most {NAME_MAX} characters; this one has {len(name)}.",
            fields={"name": "too long"},
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValidationFailed(
            "A dashboard name cannot contain control characters.", fields={"name": "invalid"}
        )
    if name.lower() in {b.name.lower() for b in (CENTRAL_OVERVIEW, *BUILT_INS.values())}:
        raise ValidationFailed(
            f"“{name}” is the name of a built-in dashboard; choose another name.",
            fields={"name": "taken"},
        )
    return name


def _name_taken(name: str) -> Conflict:
    return Conflict(f"This console already has a dashboard named “{name}”; choose another name.")


def _title(key: str) -> str:
    widget = WIDGET_TYPES.get(key)
    return f"“{widget.title}”" if widget else f"“{key}”"


def _cells(s: Spot | Placement) -> Iterable[tuple[int, int]]:
    return ((cx, cy) for cx in range(s.x, s.x + s.w) for cy in range(s.y, s.y + s.h))


def check_layout(spots: Sequence[Spot]) -> None:
    """X-1's grid: every widget known, 1-4 columns wide and 1-2 rows high, inside the 4
    columns and the first MAX_ROWS rows, and no two widgets sharing a cell."""
    if len(spots) > MAX_WIDGETS:
        raise ValidationFailed(f"A dashboard holds at most {MAX_WIDGETS} widgets.")
    taken: dict[tuple[int, int], Spot] = {}
    for s in spots:
        name = _title(s.key)
        if s.key not in WIDGET_TYPES:
            raise ValidationFailed(
                f"There is no widget {name} in the widget library; choose one from the list."
            )
        if not 1 <= s.w <= GRID_COLUMNS:
            raise ValidationFailed(f"{name} must be 1 to {GRID_COLUMNS} columns wide.")
        if not 1 <= s.h <= MAX_HEIGHT:
            raise ValidationFailed(f"{name} must be 1 or {MAX_HEIGHT} rows high.")
        if s.x < 0 or s.y < 0:
            raise ValidationFailed(f"{name} is outside the grid: columns and rows start at 0.")
        if s.x + s.w > GRID_COLUMNS:
            raise ValidationFailed(
                f"{name} is outside the grid: starting in column {s.x + 1} and {s.w} columns "
                f"wide, it goes past column {GRID_COLUMNS}."
            )
        if s.y + s.h > MAX_ROWS:
            raise ValidationFailed(f"{name} is outside the grid: it goes below row {MAX_ROWS}.")
        for cell in _cells(s):
            other = taken.get(cell)
            if other is not None:
                raise ValidationFailed(
                    f"{name} overlaps {_title(other.key)} in column {cell[0] + 1}, "
                    f"row {cell[1] + 1}: widgets cannot share a place on the grid."
                )
            taken[cell] = s


def first_free_slot(spots: Sequence[Spot | Placement], w: int, h: int) -> tuple[int, int]:
    """The first place, row by row from the top left, where a w x h widget fits."""
    taken = {cell for s in spots for cell in _cells(s)}
    y = 0
    while True:
        for x in range(GRID_COLUMNS - w + 1):
            if not any((x + dx, y + dy) in taken for dx in range(w) for dy in range(h)):
                return x, y
        y += 1


def _spot_of(w: DashboardWidget) -> Spot:
    return Spot(w.pk, w.widget_key, w.x, w.y, w.w, w.h)


def _layout_json(spots: Iterable[Spot]) -> list[dict[str, Any]]:
    return [
        {"id": s.widget_id, "key": s.key, "x": s.x, "y": s.y, "w": s.w, "h": s.h} for s in spots
    ]


# --- writes -------------------------------------------------------------------------------

Plan = Callable[[list[Spot]], list[Spot]]


def _change_widgets(
    *,
    actor: Actor,
    customer: Customer,
    dashboard: Dashboard,
    plan: Plan,
    version: int | None,
    action: str,
) -> list[Spot]:
    """Inside the caller's transaction: lock the dashboard, refuse a stale version, turn the
    current widgets into the planned ones (validated as a whole) and audit the change."""
    locked = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
    if version is not None and version != locked.version:
        raise Conflict(STALE, code="dashboardStale")
    current = [_spot_of(w) for w in locked.widgets.order_by("y", "x", "id")]
    wanted = plan(current)
    check_layout(wanted)
    kept = {s.widget_id for s in wanted if s.widget_id is not None}
    known = {s.widget_id: s for s in current}
    unknown = kept - set(known)
    if unknown or len(kept) != sum(1 for s in wanted if s.widget_id is not None):
        raise ValidationFailed(
            "The layout names a widget that is not on this dashboard, or one widget twice."
        )
    DashboardWidget.objects.filter(dashboard=locked).exclude(pk__in=kept).delete()
    for s in wanted:
        if s.widget_id is None:
            DashboardWidget.objects.create(
                partner_id=customer.partner_id,
                customer=customer,
                dashboard=locked,
                widget_key=s.key,
                x=s.x,
                y=s.y,
                w=s.w,
                h=s.h,
            )
        elif s != known[s.widget_id]:
            DashboardWidget.objects.filter(pk=s.widget_id).update(x=s.x, y=s.y, w=s.w, h=s.h)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    dashboard.version = locked.version
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        customer_id=customer.pk,
        before={"widgets": _layout_json(current)},
        after={"widgets": _layout_json(wanted)},
    )
    return wanted


def _editable(actor: Actor, customer: Customer, ref: str) -> Dashboard:
    _require(actor, customer, ConsoleAction.EDIT_DASHBOARDS)
    if ref == OVERVIEW or ref in BUILT_INS:
        raise Conflict(
            "Built-in dashboards cannot be changed; copy one to a custom dashboard and change "
            "the copy.",
            code="dashboardReadOnly",
        )
    return _custom_for(customer, ref)


def dashboard_create(
    *, actor: Actor, customer: Customer, name: str, spots: Sequence[Spot] = ()
) -> Dashboard:
    """A new custom dashboard, empty or with the given widgets (all new)."""
    _require(actor, customer, ConsoleAction.EDIT_DASHBOARDS)
    name = clean_name(name)
    if any(s.widget_id is not None for s in spots):
        raise ValidationFailed("Widgets of a new dashboard cannot name an existing widget id.")
    check_layout(spots)
    if Dashboard.objects.filter(customer=customer, name__iexact=name).exists():
        raise _name_taken(name)
    if Dashboard.objects.filter(customer=customer).count() >= MAX_DASHBOARDS:
        raise Conflict(f"A console holds at most {MAX_DASHBOARDS} custom dashboards.")
    try:
        with transaction.atomic():
            dashboard = Dashboard.objects.create(
                partner_id=customer.partner_id,
                customer=customer,
                name=name,
                created_by=(actor.display_name or "partnerdesk")[:200],
            )
            DashboardWidget.objects.bulk_create(
                DashboardWidget(
                    partner_id=customer.partner_id,
                    customer=customer,
                    dashboard=dashboard,
                    widget_key=s.key,
                    x=s.x,
                    y=s.y,
                    w=s.w,
                    h=s.h,
                )
                for s in spots
            )
            audit_record(
                actor=actor,
                action="dashboard.created",
                target=dashboard,
                customer_id=customer.pk,
                after={"name": name, "widgets": _layout_json(spots)},
            )
            return dashboard
    except IntegrityError:  # a concurrent create of the same name won the race
        raise _name_taken(name) from None


def dashboard_copy(*, actor: Actor, customer: Customer, ref: str, name: str = "") -> Dashboard:
    """A custom dashboard with the widgets of a built-in (or another custom) one; the Central
    Overview is fixed and stays the one overview. Without a name: "Copy of …", numbered."""
    source = dashboard_get(actor, customer, ref)
    if source.kind == "overview":
        raise Conflict(
            "The Central Overview cannot be copied; copy a built-in dashboard instead.",
            code="dashboardNotCopyable",
        )
    if not name.strip():
        base = f"Copy of {source.name}"[:NAME_MAX]
        names = {
            n.lower()
            for n in Dashboard.objects.filter(customer=customer, name__istartswith=base[:40])
            .values_list("name", flat=True)
            .iterator()
        }
        name, n = base, 2
        while name.lower() in names:
            suffix = f" ({n})"
            name, n = base[: NAME_MAX - len(suffix)] + suffix, n + 1
    spots = [Spot(None, w.key, w.x, w.y, w.w, w.h) for w in source.widgets]
    return dashboard_create(actor=actor, customer=customer, name=name, spots=spots)


def dashboard_rename(*, actor: Actor, customer: Customer, ref: str, name: str) -> Dashboard:
    dashboard = _editable(actor, customer, ref)
    name = clean_name(name)
    if name == dashboard.name:
        return dashboard
    taken = Dashboard.objects.filter(customer=customer, name__iexact=name).exclude(pk=dashboard.pk)
    if taken.exists():
        raise _name_taken(name)
    before = dashboard.name
    try:
        with transaction.atomic():
            dashboard.name = name
            dashboard.save(update_fields=["name", "updated_at"])
            audit_record(
                actor=actor,
                action="dashboard.renamed",
                target=dashboard,
                customer_id=customer.pk,
                before={"name": before},
                after={"name": name},
            )
    except IntegrityError:
        raise _name_taken(name) from None
    return dashboard


def dashboard_delete(*, actor: Actor, customer: Customer, ref: str) -> str:
    """Delete a custom dashboard and its widgets; returns its name for the message."""
    dashboard = _editable(actor, customer, ref)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dashboard.deleted",
            target=dashboard,
            customer_id=customer.pk,
            before={"name": dashboard.name},
        )
        dashboard.delete()
    return dashboard.name


def dashboard_widget_add(
    *, actor: Actor, customer: Customer, ref: str, key: str, version: int | None = None
) -> Spot:
    """Add a widget of the library at its default size in the first free place of the grid."""
    dashboard = _editable(actor, customer, ref)
    widget = WIDGET_TYPES.get(key)
    if widget is None:
        raise ValidationFailed(
            f"There is no widget “{key}” in the widget library; choose one from the list."
        )
    added: list[Spot] = []

    def plan(current: list[Spot]) -> list[Spot]:
        if len(current) >= MAX_WIDGETS:
            raise ValidationFailed(f"A dashboard holds at most {MAX_WIDGETS} widgets.")
        x, y = first_free_slot(current, widget.default_w, widget.default_h)
        added.append(Spot(None, key, x, y, widget.default_w, widget.default_h))
        return [*current, *added]

    with transaction.atomic():
        _change_widgets(
            actor=actor,
            customer=customer,
            dashboard=dashboard,
            plan=plan,
            version=version,
            action="dashboard.widget_added",
        )
    return added[0]


def dashboard_widget_remove(
    *, actor: Actor, customer: Customer, ref: str, widget_id: int, version: int | None = None
) -> str:
    """Remove one widget; returns its title for the message."""
    dashboard = _editable(actor, customer, ref)
    removed: list[Spot] = []

    def plan(current: list[Spot]) -> list[Spot]:
        removed.extend(s for s in current if s.widget_id == widget_id)
        if not removed:
            raise NotFound("That widget is no longer on this dashboard.")
        return [s for s in current if s.widget_id != widget_id]

    with transaction.atomic():
        _change_widgets(
            actor=actor,
            customer=customer,
            dashboard=dashboard,
            plan=plan,
            version=version,
            action="dashboard.widget_removed",
        )
    return WIDGET_TYPES[removed[0].key].title if removed[0].key in WIDGET_TYPES else "widget"


def dashboard_layout_save(
    *,
    actor: Actor,
    customer: Customer,
    ref: str,
    layout: Sequence[tuple[int, int, int, int, int]],
    version: int,
) -> list[Spot]:
    """Save the places of a dashboard's widgets: `layout` holds (widget id, x, y, w, h) for
    every widget of the dashboard, each once; a layout drawn from an older version is
    refused, and so is any layout off the grid or with overlaps; nothing is half saved."""
    dashboard = _editable(actor, customer, ref)

    def plan(current: list[Spot]) -> list[Spot]:
        by_id = {s.widget_id: s for s in current}
        ids = [item[0] for item in layout]
        if len(set(ids)) != len(ids) or set(ids) != set(by_id):
            raise ValidationFailed(
                "The layout must place every widget of this dashboard exactly once."
            )
        return [replace(by_id[wid], x=x, y=y, w=w, h=h) for wid, x, y, w, h in layout]

    with transaction.atomic():
        return _change_widgets(
            actor=actor,
            customer=customer,
            dashboard=dashboard,
            plan=plan,
            version=version,
            action="dashboard.layout_saved",
        )


def _pushed(fixed: Spot, others: Sequence[Spot], *, vacated_y: int | None = None) -> list[Spot]:
    """`fixed` where it is; each other widget, top to bottom, moved down until it is clear. A
    widget that a downward move lands on first tries the row the moved widget left (a swap)."""
    placed = [fixed]
    taken = set(_cells(fixed))
    for s in sorted(others, key=lambda s: (s.y, s.x)):
        if vacated_y is not None and any(cell in taken for cell in _cells(s)):
            lifted = replace(s, y=vacated_y)
            elsewhere = {c for o in others if o.widget_id != s.widget_id for c in _cells(o)}
            if not any(c in taken or c in elsewhere for c in _cells(lifted)):
                s = lifted
        while any(cell in taken for cell in _cells(s)):
            s = replace(s, y=s.y + 1)
        placed.append(s)
        taken.update(_cells(s))
    return placed


def _move_refusal(s: Spot, direction: str) -> str | None:
    name = _title(s.key)
    refusals = {
        "left": (s.x == 0, f"{name} is already in the first column."),
        "right": (s.x + s.w >= GRID_COLUMNS, f"{name} already reaches the right edge."),
        "up": (s.y == 0, f"{name} is already in the top row."),
        "down": (s.y + s.h >= MAX_ROWS, f"{name} is already in the last row."),
        "wider": (
            s.x + s.w >= GRID_COLUMNS,
            f"{name} cannot be wider here: it reaches the right edge. Move it left first.",
        ),
        "narrower": (s.w <= 1, f"{name} is already 1 column wide."),
        "taller": (s.h >= MAX_HEIGHT, f"{name} is already {MAX_HEIGHT} rows high, the most."),
        "shorter": (s.h <= 1, f"{name} is already 1 row high."),
    }
    refused, message = refusals[direction]
    return message if refused else None


def dashboard_widget_move(
    *,
    actor: Actor,
    customer: Customer,
    ref: str,
    widget_id: int,
    direction: str,
    version: int,
) -> list[str]:
    """Move or resize one widget by one cell; widgets in the way make room (moving down, or
    into the row a widget moved down from). Returns the quoted titles of the widget and of
    the widgets that made room."""
    if direction not in DIRECTIONS:
        raise ValidationFailed("Choose a direction: left, right, up, down, wider, narrower, ...")
    dashboard = _editable(actor, customer, ref)
    dx, dy, dw, dh = DIRECTIONS[direction]
    moves: list[str] = []

    def plan(current: list[Spot]) -> list[Spot]:
        target = next((s for s in current if s.widget_id == widget_id), None)
        if target is None:
            raise NotFound("That widget is no longer on this dashboard.")
        refusal = _move_refusal(target, direction)
        if refusal:
            raise ValidationFailed(refusal)
        moved = replace(target, x=target.x + dx, y=target.y + dy, w=target.w + dw, h=target.h + dh)
        others = [s for s in current if s.widget_id != widget_id]
        wanted = _pushed(moved, others, vacated_y=target.y if direction == "down" else None)
        before = {s.widget_id: s for s in others}
        moves.append(_title(target.key))
        moves.extend(_title(s.key) for s in wanted[1:] if s != before[s.widget_id])
        return wanted

    with transaction.atomic():
        _change_widgets(
            actor=actor,
            customer=customer,
            dashboard=dashboard,
            plan=plan,
            version=version,
            action="dashboard.layout_saved",
        )
    return moves


def dashboard_update(
    *,
    actor: Actor,
    customer: Customer,
    ref: str,
    name: str | None = None,
    spots: Sequence[Spot] | None = None,
    version: int | None = None,
) -> Dashboard:
    """The API's change: a new name and/or the whole list of widgets (existing ones by id, their
    type optional; new ones without id), saved together or not at all."""
    dashboard = _editable(actor, customer, ref)

    def plan(current: list[Spot]) -> list[Spot]:
        keys = {s.widget_id: s.key for s in current}
        wanted = []
        for s in spots or ():
            if s.widget_id is None:
                wanted.append(s)
                continue
            key = keys.get(s.widget_id)
            if key is None:
                raise ValidationFailed(f"Widget {s.widget_id} is not on this dashboard.")
            if s.key and s.key != key:
                raise ValidationFailed(
                    f"Widget {s.widget_id} is {_title(key)}; a widget's type cannot change. "
                    "Remove it and add a new one."
                )
            wanted.append(replace(s, key=key))
        return wanted

    with transaction.atomic():
        if spots is not None:
            _change_widgets(
                actor=actor,
                customer=customer,
                dashboard=dashboard,
                plan=plan,
                version=version,
                action="dashboard.layout_saved",
            )
        elif version is not None:
            locked = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
            if locked.version != version:
                raise Conflict(STALE, code="dashboardStale")
        if name is not None:
            dashboard = dashboard_rename(actor=actor, customer=customer, ref=ref, name=name)
    dashboard.refresh_from_db()
    return dashboard


# --- export (X-2) ---------------------------------------------------------------------------


def dashboard_export_request(
    *, actor: Actor, customer: Customer, dashboard_ref: str
) -> DashboardExport:
    """Start the PDF export of a built-in or custom dashboard; the Central Overview is refused
    (X-2), and so is a dashboard with nothing on it."""
    board = dashboard_get(actor, customer, dashboard_ref)
    if not board.exportable:
        raise Conflict(OVERVIEW_NOT_EXPORTABLE, code="dashboardNotExportable")
    _require(actor, customer, ConsoleAction.EXPORT_DASHBOARDS)
    if not board.widgets:
        raise Conflict(
            f"“{board.name}” has no widgets yet, so there is nothing to export. Add one first.",
            code="dashboardEmpty",
        )
    # Imported here: the PDF renderer is heavy, and only an export needs it.
    from partnerdesk.reports import exports

    start = (
        exports.dashboard_export_start
        if actor.is_console_actor
        else exports.export_start_for_partner
    )
    return start(
        actor=actor,
        customer=customer,
        title=board.name,
        placements=board.placements,
        source=board.source,
    )
