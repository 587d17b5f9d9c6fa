"""The grid of an export: placements, their checks, and the bands a page may break between."""

from __future__ import annotations

import pytest

from partnerdesk.core.errors import ValidationFailed
from partnerdesk.reports.layout import Band, Placement, bands, check_layout


def test_placements_are_checked_against_the_four_column_grid() -> None:
    Placement("summary", 0, 0, 4, 2)
    for bad in [(0, 0, 5, 1), (0, 0, 0, 1), (0, 0, 1, 3), (3, 0, 2, 1), (-1, 0, 1, 1)]:
        with pytest.raises(ValidationFailed):
            Placement("summary", *bad)
    with pytest.raises(ValidationFailed, match="needs key"):
        Placement.from_dict({"key": "summary", "x": 0})
    p = Placement("summary", 1, 2, 2, 1)
    assert Placement.from_dict(p.as_dict()) == p


def test_overlapping_or_empty_layouts_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="no widgets"):
        check_layout([])
    with pytest.raises(ValidationFailed, match="overlaps"):
        check_layout([Placement("a", 0, 0, 2, 2), Placement("b", 1, 1, 1, 1)])
    check_layout([Placement("a", 0, 0, 2, 2), Placement("b", 2, 1, 2, 1)])


def test_bands_keep_rows_a_tall_widget_joins_together() -> None:
    a = Placement("a", 0, 0, 2, 1)
    b = Placement("b", 2, 0, 2, 1)
    tall = Placement("tall", 0, 1, 2, 2)
    beside = Placement("beside", 2, 2, 2, 1)
    last = Placement("last", 0, 5, 4, 1)  # rows 3 and 4 are empty and dropped
    assert bands([last, beside, tall, b, a]) == [
        Band(0, 1, (a, b)),
        Band(1, 2, (tall, beside)),
        Band(5, 1, (last,)),
    ]
