"""The dashboards that ship with the product (X-1): the Central Overview and the built-ins.

They are defined here, in code, not as rows: they ship with the product and change with it, are
the same for every customer and are read-only (a built-in becomes editable by copying it)."""

from __future__ import annotations

from dataclasses import dataclass

from partnerdesk.reports.layout import Placement

OVERVIEW = "overview"


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
