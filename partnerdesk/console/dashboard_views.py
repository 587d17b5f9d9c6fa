"""Dashboard pages of the console (X-1, X-2): the list, one dashboard drawn on its grid, the
edit mode of custom dashboards (every change a plain POST, so it works without JavaScript),
deletion with confirmation, copies of built-ins, and the Export PDF button."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from partnerdesk.console.access import Console
from partnerdesk.console.dashboards import (
    GRID_COLUMNS,
    NAME_MAX,
    PLACE_OFF_GRID,
    Board,
    PlacedWidget,
    Spot,
    dashboard_copy,
    dashboard_create,
    dashboard_delete,
    dashboard_export_request,
    dashboard_get,
    dashboard_list,
    dashboard_rename,
    dashboard_widget_add,
    dashboard_widget_move,
    dashboard_widget_place,
    dashboard_widget_remove,
    free_cells,
    move_refusal,
)
from partnerdesk.console.views import _context, console_view
from partnerdesk.console.widgets import WIDGET_TYPES, render_widget
from partnerdesk.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from partnerdesk.core.permissions import ConsoleAction

# Refusals an edit form shows next to the form (the page stays); the rest are error pages.
FORM_ERRORS = (ValidationFailed, Conflict)
MOVED = {
    "left": "Moved {} left.",
    "right": "Moved {} right.",
    "up": "Moved {} up.",
    "down": "Moved {} down.",
    "narrower": "Made {} narrower.",
    "wider": "Made {} wider.",
    "shorter": "Made {} shorter.",
    "taller": "Made {} taller.",
}
MOVE_LABELS = {
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "narrower": "Narrower",
    "wider": "Wider",
    "shorter": "Shorter",
    "taller": "Taller",
}


@dataclass(frozen=True, slots=True)
class Card:
    """One widget drawn for the page, with where it sits and which moves it can make."""

    widget: PlacedWidget
    title: str
    html: SafeString
    summary: str

    def can(self, direction: str) -> bool:
        """The grid's own rule for the move: its button is disabled when it would be refused."""
        w = self.widget
        return move_refusal(Spot(w.id, w.key, w.x, w.y, w.w, w.h), direction) is None

    @property
    def moves(self) -> list[tuple[str, str, bool]]:
        return [(d, MOVE_LABELS[d], self.can(d)) for d in MOVE_LABELS]


def _cards(board: Board, console: Console) -> list[Card]:
    now = timezone.now()
    cards = []
    for w in board.widgets:
        try:
            drawing = render_widget(w.key, customer=console.customer, now=now)
        except NotFound:
            message = "This widget is no longer in the widget library; remove it."
            cards.append(Card(w, w.title, mark_safe(f'<p class="widget-empty">{message}</p>'), ""))  # noqa: S308
            continue
        # render_widget returns self-contained SVG or a table with every data string escaped.
        cards.append(Card(w, drawing.title, mark_safe(drawing.html), drawing.summary))  # noqa: S308
    return cards


def _board_context(console: Console, board: Board, **extra: Any) -> dict[str, Any]:
    actor = console.actor
    return _context(
        console,
        board=board,
        cards=_cards(board, console),
        may_edit=actor.console_can(ConsoleAction.EDIT_DASHBOARDS),
        may_export=actor.console_can(ConsoleAction.EXPORT_DASHBOARDS),
        **extra,
    )


@console_view
def dashboards(request: HttpRequest, console: Console) -> HttpResponse:
    boards = dashboard_list(console.actor, console.customer)
    return render(
        request,
        "console/dashboards.html",
        _context(
            console,
            built_in=[b for b in boards if b.kind != "custom"],
            custom=[b for b in boards if b.kind == "custom"],
            may_edit=console.actor.console_can(ConsoleAction.EDIT_DASHBOARDS),
        ),
    )


@console_view
def dashboard_new(request: HttpRequest, console: Console) -> HttpResponse:
    console.actor.console_require(ConsoleAction.EDIT_DASHBOARDS)
    name, error, status = "", "", 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            created = dashboard_create(actor=console.actor, customer=console.customer, name=name)
        except FORM_ERRORS as refusal:
            error, status = refusal.message, refusal.status
        else:
            messages.success(request, f"Dashboard “{created.name}” created. Add widgets to it.")
            return redirect("console:dashboard_edit", console.customer.uuid, created.uuid)
    return render(
        request,
        "console/dashboard_new.html",
        _context(console, name=name, error=error, name_max=NAME_MAX),
        status=status,
    )


@console_view
def dashboard(request: HttpRequest, console: Console, ref: str) -> HttpResponse:
    board = dashboard_get(console.actor, console.customer, ref)
    return render(request, "console/dashboard.html", _board_context(console, board))


def _edit_page(
    request: HttpRequest, console: Console, ref: str, *, error: DomainError | None = None
) -> HttpResponse:
    console.actor.console_require(ConsoleAction.EDIT_DASHBOARDS)
    board = dashboard_get(console.actor, console.customer, ref)
    if not board.editable:
        raise Conflict(
            "Built-in dashboards cannot be changed; copy one to a custom dashboard and change "
            "the copy."
        )
    return render(
        request,
        "console/dashboard_edit.html",
        _board_context(
            console,
            board,
            error=error.message if error else "",
            name=request.POST.get("name", board.name) if error else board.name,
            name_max=NAME_MAX,
            widget_types=sorted(WIDGET_TYPES.values(), key=lambda t: t.title),
            slots=free_cells(board.widgets),
            grid_columns=GRID_COLUMNS,
        ),
        status=error.status if error else 200,
    )


def _back_to_edit(console: Console, ref: str) -> HttpResponse:
    return redirect(reverse("console:dashboard_edit", args=[console.customer.uuid, ref]))


def _moved(
    request: HttpRequest,
    console: Console,
    ref: str,
    widget_id: int,
    done: str,
    made_room: list[str],
) -> HttpResponse:
    """Back to the edit page at the moved widget, saying what moved to make room."""
    if made_room:
        verb = "was" if len(made_room) == 1 else "were"
        done += f" {', '.join(made_room)} {verb} moved to make room."
    messages.success(request, done)
    response = _back_to_edit(console, ref)
    response["Location"] += f"#widget-{widget_id}"
    return response


def _posted_int(request: HttpRequest, name: str, missing: str) -> int:
    """An integer field of the posted form, or the refusal `missing` for the form."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValidationFailed(missing) from None


def _version(request: HttpRequest) -> int:
    return _posted_int(
        request, "version", "The form is missing the dashboard version; reload the page."
    )


@console_view
def dashboard_edit(request: HttpRequest, console: Console, ref: str) -> HttpResponse:
    """The edit mode of a custom dashboard; a POST here renames it."""
    if request.method != "POST":
        return _edit_page(request, console, ref)
    try:
        renamed = dashboard_rename(
            actor=console.actor,
            customer=console.customer,
            ref=ref,
            name=request.POST.get("name", ""),
        )
    except FORM_ERRORS as refusal:
        return _edit_page(request, console, ref, error=refusal)
    messages.success(request, f"The dashboard is now named “{renamed.name}”.")
    return _back_to_edit(console, ref)


@require_POST
@console_view
def dashboard_widget_add_view(request: HttpRequest, console: Console, ref: str) -> HttpResponse:
    key = request.POST.get("widget", "")
    try:
        spot = dashboard_widget_add(
            actor=console.actor, customer=console.customer, ref=ref, key=key
        )
    except FORM_ERRORS as refusal:
        return _edit_page(request, console, ref, error=refusal)
    messages.success(
        request,
        f"Added “{WIDGET_TYPES[spot.key].title}” in column {spot.x + 1}, row {spot.y + 1}.",
    )
    return _back_to_edit(console, ref)


@require_POST
@console_view
def dashboard_widget_remove_view(
    request: HttpRequest, console: Console, ref: str, widget_id: int
) -> HttpResponse:
    try:
        title = dashboard_widget_remove(
            actor=console.actor, customer=console.customer, ref=ref, widget_id=widget_id
        )
    except FORM_ERRORS as refusal:
        return _edit_page(request, console, ref, error=refusal)
    messages.success(request, f"Removed “{title}”.")
    return _back_to_edit(console, ref)


@require_POST
@console_view
def dashboard_widget_move_view(
    request: HttpRequest, console: Console, ref: str, widget_id: int
) -> HttpResponse:
    direction = request.POST.get("direction", "")
    try:
        version = _version(request)
        moved, *made_room = dashboard_widget_move(
            actor=console.actor,
            customer=console.customer,
            ref=ref,
            widget_id=widget_id,
            direction=direction,
            version=version,
        )
    except FORM_ERRORS as refusal:
        return _edit_page(request, console, ref, error=refusal)
    return _moved(request, console, ref, widget_id, MOVED[direction].format(moved), made_room)


@require_POST
@console_view
def dashboard_widget_place_view(
    request: HttpRequest, console: Console, ref: str, widget_id: int
) -> HttpResponse:
    """A widget dragged to another place (app.js posts the cell it was dropped on)."""
    try:
        version = _version(request)
        x = _posted_int(request, "x", PLACE_OFF_GRID)
        y = _posted_int(request, "y", PLACE_OFF_GRID)
        moved, *made_room = dashboard_widget_place(
            actor=console.actor,
            customer=console.customer,
            ref=ref,
            widget_id=widget_id,
            x=x,
            y=y,
            version=version,
        )
    except FORM_ERRORS as refusal:
        return _edit_page(request, console, ref, error=refusal)
    done = f"Moved {moved} to column {x + 1}, row {y + 1}."
    return _moved(request, console, ref, widget_id, done, made_room)


@console_view
def dashboard_delete_view(request: HttpRequest, console: Console, ref: str) -> HttpResponse:
    console.actor.console_require(ConsoleAction.EDIT_DASHBOARDS)
    board = dashboard_get(console.actor, console.customer, ref)
    if request.method == "POST":
        name = dashboard_delete(actor=console.actor, customer=console.customer, ref=ref)
        messages.success(request, f"Dashboard “{name}” deleted.")
        return redirect("console:dashboards", console.customer.uuid)
    if not board.editable:
        raise Conflict("Built-in dashboards cannot be deleted.")
    return render(request, "console/dashboard_delete.html", _context(console, board=board))


@require_POST
@console_view
def dashboard_copy_view(request: HttpRequest, console: Console, ref: str) -> HttpResponse:
    copy = dashboard_copy(
        actor=console.actor, customer=console.customer, ref=ref, name=request.POST.get("name", "")
    )
    messages.success(request, f"Copied to the custom dashboard “{copy.name}”; change it here.")
    return redirect("console:dashboard_edit", console.customer.uuid, copy.uuid)


@require_POST
@console_view
def dashboard_export(request: HttpRequest, console: Console, ref: str) -> HttpResponse:
    """X-2: the Central Overview has no Export button, and a POST for it is refused here."""
    export = dashboard_export_request(
        actor=console.actor, customer=console.customer, dashboard_ref=ref
    )
    return redirect(reverse("console:export", args=[console.customer.uuid, export.uuid]))
