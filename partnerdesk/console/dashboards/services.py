"""Writes of custom dashboards (X-1): create, copy, rename, delete, and every change of their
widgets. Each widget change goes through `_change_widgets`, which locks the dashboard, checks
the version the page was drawn from, validates the whole layout and saves it in one
transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction

from partnerdesk.audit.services import audit_record
from partnerdesk.console.dashboards.access import _require
from partnerdesk.console.dashboards.builtins import BUILT_INS, CENTRAL_OVERVIEW, OVERVIEW
from partnerdesk.console.dashboards.grid import (
    DIRECTIONS,
    MAX_WIDGETS,
    Spot,
    _dropped,
    _place_refusal,
    _pushed,
    _title,
    check_layout,
    first_free_slot,
    move_refusal,
)
from partnerdesk.console.dashboards.selectors import _custom_for, dashboard_get
from partnerdesk.console.models import Dashboard, DashboardWidget
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound, ValidationFailed
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.customers.models import Customer

MAX_DASHBOARDS = 50
NAME_MAX = 80

STALE = (
    "This dashboard was changed by someone else since you opened it, so nothing was saved. "
    "Reload it and make your change again."
)


# --- names ----------------------------------------------------------------------------------


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
    """In one transaction (a savepoint inside the caller's): lock the dashboard, refuse a stale
    version, turn the current widgets into the planned ones (validated as a whole) and audit
    the change."""
    with transaction.atomic():
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
        DashboardWidget.objects.bulk_create(
            _widget(customer, locked, s) for s in wanted if s.widget_id is None
        )
        for s in wanted:
            if s.widget_id is not None and s != known[s.widget_id]:
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


def _widget(customer: Customer, dashboard: Dashboard, s: Spot) -> DashboardWidget:
    """A new widget row for a spot of the layout (not saved)."""
    return DashboardWidget(
        partner_id=customer.partner_id,
        customer=customer,
        dashboard=dashboard,
        widget_key=s.key,
        x=s.x,
        y=s.y,
        w=s.w,
        h=s.h,
    )


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
            DashboardWidget.objects.bulk_create(_widget(customer, dashboard, s) for s in spots)
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

    return _change_widgets(
        actor=actor,
        customer=customer,
        dashboard=dashboard,
        plan=plan,
        version=version,
        action="dashboard.layout_saved",
    )


def _move_one(
    *,
    actor: Actor,
    customer: Customer,
    ref: str,
    widget_id: int,
    version: int,
    arrange: Callable[[Spot, list[Spot]], list[Spot]],
) -> list[str]:
    """Change the place of one widget: `arrange(target, others)` returns the whole new layout
    (the target first) or raises the refusal. Returns the quoted titles of the widget and of
    the widgets that made room."""
    dashboard = _editable(actor, customer, ref)
    moves: list[str] = []

    def plan(current: list[Spot]) -> list[Spot]:
        target = next((s for s in current if s.widget_id == widget_id), None)
        if target is None:
            raise NotFound("That widget is no longer on this dashboard.")
        others = [s for s in current if s.widget_id != widget_id]
        wanted = arrange(target, others)
        before = {s.widget_id: s for s in others}
        moves.append(_title(target.key))
        moves.extend(_title(s.key) for s in wanted[1:] if s != before[s.widget_id])
        return wanted

    _change_widgets(
        actor=actor,
        customer=customer,
        dashboard=dashboard,
        plan=plan,
        version=version,
        action="dashboard.layout_saved",
    )
    return moves


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
    dx, dy, dw, dh = DIRECTIONS[direction]

    def arrange(target: Spot, others: list[Spot]) -> list[Spot]:
        refusal = move_refusal(target, direction)
        if refusal:
            raise ValidationFailed(refusal)
        moved = replace(target, x=target.x + dx, y=target.y + dy, w=target.w + dw, h=target.h + dh)
        return _pushed(moved, others, vacated_y=target.y if direction == "down" else None)

    return _move_one(
        actor=actor,
        customer=customer,
        ref=ref,
        widget_id=widget_id,
        version=version,
        arrange=arrange,
    )


def dashboard_widget_place(
    *,
    actor: Actor,
    customer: Customer,
    ref: str,
    widget_id: int,
    x: int,
    y: int,
    version: int,
) -> list[str]:
    """Put one widget with its top-left cell at column `x`, row `y` (a drag and drop): the
    widget it lands on takes its old place when it fits there, others in the way move down.
    Returns the quoted titles of the widget and of the widgets that made room."""

    def arrange(target: Spot, others: list[Spot]) -> list[Spot]:
        refusal = _place_refusal(target, x, y)
        if refusal:
            raise ValidationFailed(refusal)
        return _dropped(replace(target, x=x, y=y), target, others)

    return _move_one(
        actor=actor,
        customer=customer,
        ref=ref,
        widget_id=widget_id,
        version=version,
        arrange=arrange,
    )


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
