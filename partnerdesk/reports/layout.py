"""Where each widget of a dashboard sits (X-1, X-2): cells of a 4-column grid.

The dashboards own the grid on screen; an export receives the same placements and lays the
PDF out from them. Rows that a 2-high widget joins travel together: `bands` cuts the grid
into runs of rows with no widget across their edges, which is where a page may break."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from partnerdesk.core.errors import ValidationFailed

GRID_COLUMNS = 4
MAX_HEIGHT = 2
MAX_ROW = 1000


@dataclass(frozen=True, slots=True)
class Placement:
    """One widget on the grid: columns x .. x+w-1 (0-based, w 1-4) and rows y .. y+h-1 (h 1-2)."""

    key: str
    x: int
    y: int
    w: int
    h: int

    def __post_init__(self) -> None:
        if not (1 <= self.w <= GRID_COLUMNS and 1 <= self.h <= MAX_HEIGHT):
            raise ValidationFailed(f"{self.key}: widgets are 1-4 columns wide and 1-2 rows high.")
        if not (self.x >= 0 and self.x + self.w <= GRID_COLUMNS and 0 <= self.y <= MAX_ROW):
            raise ValidationFailed(f"{self.key}: the widget does not fit the 4-column grid.")

    @property
    def bottom(self) -> int:
        """The first row below the widget."""
        return self.y + self.h

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "x": self.x, "y": self.y, "w": self.w, "h": self.h}

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Placement:
        try:
            return cls(
                key=str(value["key"]),
                x=int(value["x"]),
                y=int(value["y"]),
                w=int(value["w"]),
                h=int(value["h"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed("A widget placement needs key, x, y, w and h.") from exc


@dataclass(frozen=True, slots=True)
class Band:
    """Grid rows `first` .. `first + rows - 1` and the widgets in them, in reading order."""

    first: int
    rows: int
    placements: tuple[Placement, ...]


def reading_order(placements: Iterable[Placement]) -> list[Placement]:
    return sorted(placements, key=lambda p: (p.y, p.x))


def bands(placements: Sequence[Placement]) -> list[Band]:
    """Runs of rows that no widget crosses the edge of: rows are taken from the top, and a
    2-high widget pulls its second row into the run. Empty rows between widgets are dropped,
    as the screen shows nothing there either."""
    ordered = reading_order(placements)
    out: list[Band] = []
    current: list[Placement] = []
    first = end = 0
    for p in ordered:
        if current and p.y >= end:
            out.append(Band(first, end - first, tuple(current)))
            current = []
        if not current:
            first, end = p.y, p.bottom
        current.append(p)
        end = max(end, p.bottom)
    if current:
        out.append(Band(first, end - first, tuple(current)))
    return out


MAX_WIDGETS = 60


def check_layout(placements: Sequence[Placement]) -> None:
    """At least one widget, at most MAX_WIDGETS, no two on the same cell."""
    if not placements:
        raise ValidationFailed("The dashboard has no widgets to export.")
    if len(placements) > MAX_WIDGETS:
        raise ValidationFailed(f"A dashboard holds at most {MAX_WIDGETS} widgets.")
    taken: dict[tuple[int, int], str] = {}
    for p in placements:
        for cell in ((p.x + dx, p.y + dy) for dx in range(p.w) for dy in range(p.h)):
            if cell in taken:
                raise ValidationFailed(f"{p.key} overlaps {taken[cell]} on the grid.")
            taken[cell] = p.key
