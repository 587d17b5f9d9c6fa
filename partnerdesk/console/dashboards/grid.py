"""The grid of custom dashboards (X-1): 4 columns, widgets 1-4 columns wide and 1-2 rows high.

`Spot` is a widget's wanted place; `check_layout` validates a whole layout, `first_free_slot`
finds room for a new widget, `_pushed` / `move_refusal` plan a one-cell move or resize, and
`_dropped` / `_place_refusal` a widget dragged to another place.
Pure functions of the places, without the database, so the writes and the tests share them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.errors import ValidationFailed

GRID_COLUMNS = 4
MAX_HEIGHT = 2
MAX_ROWS = 48
MAX_WIDGETS = 24
PLACE_OFF_GRID = "Choose a place on the grid."

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


@dataclass(frozen=True, slots=True)
class Spot:
    """A widget's wanted place: an existing widget by `widget_id`, or (None) a new one."""

    widget_id: int | None
    key: str
    x: int
    y: int
    w: int
    h: int


def _title(key: str) -> str:
    widget = WIDGET_TYPES.get(key)
    return f"“{widget.title}”" if widget else f"“{key}”"


class Box(Protocol):
    """Anything with a place on the grid: a Spot, a Placement, a drawn widget."""

    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    @property
    def w(self) -> int: ...
    @property
    def h(self) -> int: ...


def _cells(s: Box) -> Iterable[tuple[int, int]]:
    return ((cx, cy) for cx in range(s.x, s.x + s.w) for cy in range(s.y, s.y + s.h))


def free_cells(boxes: Sequence[Box]) -> list[tuple[int, int, bool]]:
    """Where a dragged widget can be dropped: every empty cell of the rows in use, then each
    cell of the row below them (x, y, True), none past the last row."""
    if not boxes:
        return []
    taken = {cell for b in boxes for cell in _cells(b)}
    rows = max(b.y + b.h for b in boxes)
    return [
        (x, y, y >= rows)
        for y in range(min(rows + 1, MAX_ROWS))
        for x in range(GRID_COLUMNS)
        if (x, y) not in taken
    ]


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


def first_free_slot(spots: Sequence[Box], w: int, h: int) -> tuple[int, int]:
    """The first place, row by row from the top left, where a w x h widget fits."""
    taken = {cell for s in spots for cell in _cells(s)}
    y = 0
    while True:
        for x in range(GRID_COLUMNS - w + 1):
            if not any((x + dx, y + dy) in taken for dx in range(w) for dy in range(h)):
                return x, y
        y += 1


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


def _dropped(moved: Spot, origin: Spot, others: Sequence[Spot]) -> list[Spot]:
    """`moved` where it was dropped; the first widget it lands on takes the place it left when
    it fits there (a swap); every other widget in the way moves down until it is clear."""
    placed = [moved]
    taken = set(_cells(moved))
    for s in sorted(others, key=lambda s: (s.y, s.x)):
        if any(cell in taken for cell in _cells(s)):
            swapped = replace(s, x=origin.x, y=origin.y)
            rest = {c for o in others if o.widget_id != s.widget_id for c in _cells(o)}
            fits = swapped.x + swapped.w <= GRID_COLUMNS and swapped.y + swapped.h <= MAX_ROWS
            if fits and not any(c in taken or c in rest for c in _cells(swapped)):
                s = swapped
        while any(cell in taken for cell in _cells(s)):
            s = replace(s, y=s.y + 1)
        placed.append(s)
        taken.update(_cells(s))
    return placed


def _place_refusal(s: Spot, x: int, y: int) -> str | None:
    name = _title(s.key)
    if x < 0 or y < 0:
        return PLACE_OFF_GRID
    if x + s.w > GRID_COLUMNS:
        last = GRID_COLUMNS - s.w + 1
        where = "column 1" if last == 1 else f"columns 1 to {last}"
        return f"{name} is {s.w} columns wide: it can start in {where} only."
    if y + s.h > MAX_ROWS:
        return f"{name} would reach past row {MAX_ROWS}, the last row."
    if (x, y) == (s.x, s.y):
        return f"{name} is already there."
    return None


def move_refusal(s: Spot, direction: str) -> str | None:
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
