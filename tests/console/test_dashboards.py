"""Console dashboards (X-1) and the export rule (X-2) in the console's pages, rule by rule."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from partnerdesk.audit.models import AuditEvent
from partnerdesk.console import dashboard_views
from partnerdesk.console.dashboards import (
    BUILT_INS,
    CENTRAL_OVERVIEW,
    MAX_ROWS,
    OVERVIEW_NOT_EXPORTABLE,
    STALE,
    Spot,
    check_layout,
    dashboard_layout_save,
    first_free_slot,
    free_cells,
)
from partnerdesk.console.models import Dashboard, DashboardWidget
from partnerdesk.console.widgets import WIDGET_TYPES, WidgetDrawing
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, ValidationFailed
from partnerdesk.core.permissions import ConsoleRole, PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.reports.models import DashboardExport
from tests.console.helpers import make_dashboard as make
from tests.factories import CustomerFactory, assign, customer_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental", partner_assistance=False)


@pytest.fixture
def admin_client(customer: Customer) -> Client:
    c = Client()
    c.force_login(customer_admin(customer, "super_admin", first_name="Aoife", last_name="Murphy"))
    return c


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def plain(response: Any) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split()).replace(" .", ".")


def url(customer: Customer, rest: str = "") -> str:
    return f"/console/{customer.uuid}/dashboards/{rest}"


def launch(client: Client, customer: Customer) -> None:
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=True)
    response = client.post(f"/customers/{customer.uuid}/launch/")
    assert response.status_code == 302, response.content


def layout(d: Dashboard) -> list[tuple[str, int, int, int, int]]:
    return list(d.widgets.order_by("y", "x").values_list("widget_key", "x", "y", "w", "h"))


def state(d: Dashboard) -> tuple[Any, ...]:
    d.refresh_from_db()
    return (d.name, d.version, tuple(layout(d)))


def console_actor(customer: Customer, role: ConsoleRole = ConsoleRole.ADMIN) -> Actor:
    return Actor(
        partner_id=None,
        role=None,
        user_id=None,
        display_name="Test admin",
        customer_id=customer.pk,
        console_role=role,
    )


# --- the Central Overview, built-ins and custom dashboards ------------------------------


def test_x1_builtins_are_defined_in_code_and_fit_the_grid() -> None:
    assert 6 <= len(CENTRAL_OVERVIEW.placements) <= 8
    assert {"Threat overview", "Device health", "Licensing and usage"} <= {
        b.name for b in BUILT_INS.values()
    }
    for b in (CENTRAL_OVERVIEW, *BUILT_INS.values()):
        assert b.placements, b.slug
        assert all(p.key in WIDGET_TYPES for p in b.placements), b.slug
        check_layout([Spot(None, p.key, p.x, p.y, p.w, p.h) for p in b.placements])
    assert not Dashboard.objects.exists()


def test_x1_list_shows_overview_first_then_builtins_then_custom_by_name(
    admin_client: Client, customer: Customer
) -> None:
    make(customer, "zebra board")
    make(customer, "Alpha board")
    page = text(admin_client.get(url(customer)))
    names = [
        "Central Overview",
        "Threat overview",
        "Device health",
        "Licensing and usage",
        "Alpha board",
        "zebra board",
    ]
    positions = [page.index(n) for n in names]
    assert positions == sorted(positions)


def test_x1_console_nav_links_to_dashboards_and_home_keeps_its_view(
    admin_client: Client, customer: Customer
) -> None:
    home = text(admin_client.get(f"/console/{customer.uuid}/"))
    assert f'href="{url(customer)}"' in home
    assert "Licenses" in home and "Devices" in home


def test_x1_overview_page_draws_its_widgets_on_the_grid_without_export(
    admin_client: Client, customer: Customer
) -> None:
    response = admin_client.get(url(customer, "overview/"))
    assert response.status_code == 200
    page = text(response)
    for p in CENTRAL_OVERVIEW.placements:
        assert WIDGET_TYPES[p.key].title in page
        assert f"dash-card gx-{p.x} gy-{p.y} gw-{p.w} gh-{p.h}" in page
    assert page.count('class="visually-hidden"') >= len(CENTRAL_OVERVIEW.placements)
    assert "<svg" in page
    assert "Export PDF" not in page
    assert "css/dashboards.css" in page and "css/console.css" in page
    assert "<script>" not in page and " style=" not in page


def test_x1_builtin_page_offers_export_and_copy_but_no_edit(
    admin_client: Client, customer: Customer
) -> None:
    page = text(admin_client.get(url(customer, "threat-overview/")))
    assert "Threat overview" in page
    assert "Export PDF" in page
    assert url(customer, "threat-overview/export/") in page
    assert "Copy to custom" in page
    assert "Edit dashboard" not in page


def test_x1_unknown_dashboard_is_not_found(admin_client: Client, customer: Customer) -> None:
    assert admin_client.get(url(customer, "no-such-board/")).status_code == 404
    assert (
        admin_client.get(url(customer, "0c6f3a52-8d1e-4b7a-9f2c-3e4d5a6b7c8d/")).status_code == 404
    )


def test_x1_customer_admin_creates_a_custom_dashboard(
    admin_client: Client, customer: Customer
) -> None:
    form = text(admin_client.get(url(customer, "new/")))
    assert '<label for="dashboard-name">Name</label>' in form
    response = admin_client.post(url(customer, "new/"), {"name": "  Front   desk "})
    d = Dashboard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(customer, f"{d.uuid}/edit/")
    assert (d.name, d.customer, d.partner, d.created_by) == (
        "Front desk",
        customer,
        customer.partner,
        "Aoife Murphy",
    )
    event = AuditEvent.objects.get(action="dashboard.created")
    assert (event.customer_id, event.partner_id, event.actor_kind) == (
        customer.pk,
        None,
        "customer_admin",
    )
    page = plain(admin_client.get(url(customer, f"{d.uuid}/")))
    assert "This dashboard has no widgets yet. Add one." in page


@pytest.mark.parametrize(
    ("name", "message", "status"),
    [
        ("", "Enter a name for the dashboard.", 400),
        ("   ", "Enter a name for the dashboard.", 400),
        ("x" * 81, "at most 80 characters; this one has 81", 400),
        ("FRONT DESK", "already has a dashboard named “FRONT DESK”", 409),
        ("threat OVERVIEW", "is the name of a built-in dashboard", 400),
        ("bad\x00name", "cannot contain control characters", 400),
    ],
)
def test_x1_dashboard_name_is_validated_with_a_message(
    admin_client: Client, customer: Customer, name: str, message: str, status: int
) -> None:
    make(customer, "Front desk")
    response = admin_client.post(url(customer, "new/"), {"name": name})
    assert response.status_code == status
    assert message in text(response)
    assert Dashboard.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_x1_eighty_character_name_is_accepted(admin_client: Client, customer: Customer) -> None:
    assert admin_client.post(url(customer, "new/"), {"name": "n" * 80}).status_code == 302
    assert Dashboard.objects.get().name == "n" * 80


def test_x1_same_name_in_another_customers_console_is_fine(
    admin_client: Client, customer: Customer
) -> None:
    make(CustomerFactory(partner=customer.partner), "Front desk")
    assert admin_client.post(url(customer, "new/"), {"name": "Front desk"}).status_code == 302


def test_x1_rename_and_rename_to_a_taken_name_is_refused(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk")
    make(customer, "Back office")
    response = admin_client.post(url(customer, f"{d.uuid}/edit/"), {"name": "Reception"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.name == "Reception"
    response = admin_client.post(url(customer, f"{d.uuid}/edit/"), {"name": "back OFFICE"})
    assert response.status_code == 409
    assert "already has a dashboard named “back OFFICE”" in text(response)
    d.refresh_from_db()
    assert d.name == "Reception"
    renamed = AuditEvent.objects.get(action="dashboard.renamed")
    assert (renamed.before, renamed.after) == ({"name": "Front desk"}, {"name": "Reception"})


def test_x1_add_widget_goes_to_the_first_free_place(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("devices-by-health", 0, 0, 2, 1), ("open-alerts", 0, 1, 4, 2))
    page = text(admin_client.get(url(customer, f"{d.uuid}/edit/")))
    assert '<label for="widget-type">Widget</label>' in page
    for t in WIDGET_TYPES.values():
        assert f'<option value="{t.key}">' in page
    response = admin_client.post(url(customer, f"{d.uuid}/widgets/"), {"widget": "summary"})
    assert response.status_code == 302
    assert ("summary", 2, 0, 2, 1) in layout(d)
    admin_client.post(url(customer, f"{d.uuid}/widgets/"), {"widget": "devices-by-os"})
    assert ("devices-by-os", 0, 3, 2, 1) in layout(d)
    d.refresh_from_db()
    assert d.version == 3
    assert AuditEvent.objects.filter(action="dashboard.widget_added").count() == 2


def test_x1_unknown_widget_is_refused_and_nothing_changes(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    before = state(d)
    response = admin_client.post(url(customer, f"{d.uuid}/widgets/"), {"widget": "crypto-miner"})
    assert response.status_code == 400
    assert "There is no widget “crypto-miner” in the widget library" in text(response)
    assert state(d) == before
    assert not AuditEvent.objects.exists()


def test_x1_move_and_resize_buttons_save_the_layout(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    w = d.widgets.get()
    page = text(admin_client.get(url(customer, f"{d.uuid}/edit/")))
    assert 'aria-label="Left: Summary" disabled' in page
    assert 'aria-label="Right: Summary">' in page
    for direction, expected in [
        ("right", (1, 0, 2, 1)),
        ("wider", (1, 0, 3, 1)),
        ("taller", (1, 0, 3, 2)),
        ("down", (1, 1, 3, 2)),
        ("left", (0, 1, 3, 2)),
        ("up", (0, 0, 3, 2)),
        ("shorter", (0, 0, 3, 1)),
        ("narrower", (0, 0, 2, 1)),
    ]:
        d.refresh_from_db()
        response = admin_client.post(
            url(customer, f"{d.uuid}/widgets/{w.pk}/move/"),
            {"direction": direction, "version": d.version},
        )
        assert response.status_code == 302, (direction, text(response))
        assert response["Location"].endswith(f"#widget-{w.pk}")
        w.refresh_from_db()
        assert (w.x, w.y, w.w, w.h) == expected, direction
    assert AuditEvent.objects.filter(action="dashboard.layout_saved").count() == 8


def test_x1_a_move_pushes_the_widgets_in_the_way_down(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-health", 2, 0, 2, 1))
    moved = d.widgets.get(widget_key="summary")
    response = admin_client.post(
        url(customer, f"{d.uuid}/widgets/{moved.pk}/move/"),
        {"direction": "right", "version": d.version},
        follow=True,
    )
    assert "Moved “Summary” right. “Devices by health” was moved to make room." in text(response)
    assert layout(d) == [("summary", 1, 0, 2, 1), ("devices-by-health", 2, 1, 2, 1)]


def test_x1_moving_down_onto_a_widget_swaps_rows_with_it(
    admin_client: Client, customer: Customer
) -> None:
    d = make(
        customer,
        "Front desk",
        ("summary", 0, 0, 2, 1),
        ("devices-by-os", 2, 0, 2, 1),
        ("devices-by-health", 0, 1, 2, 1),
    )
    moved = d.widgets.get(widget_key="summary")
    admin_client.post(
        url(customer, f"{d.uuid}/widgets/{moved.pk}/move/"),
        {"direction": "down", "version": d.version},
    )
    assert layout(d) == [
        ("devices-by-health", 0, 0, 2, 1),
        ("devices-by-os", 2, 0, 2, 1),
        ("summary", 0, 1, 2, 1),
    ]


def test_x1_move_past_the_edge_is_refused_with_a_message(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    w = d.widgets.get()
    before = state(d)
    response = admin_client.post(
        url(customer, f"{d.uuid}/widgets/{w.pk}/move/"), {"direction": "left", "version": 1}
    )
    assert response.status_code == 400
    assert "“Summary” is already in the first column." in text(response)
    assert state(d) == before


def test_x1_move_without_a_version_is_refused_and_nothing_changes(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    w = d.widgets.get()
    before = state(d)
    response = admin_client.post(
        url(customer, f"{d.uuid}/widgets/{w.pk}/move/"), {"direction": "right"}
    )
    assert response.status_code == 400
    assert "The form is missing the dashboard version; reload the page." in text(response)
    assert state(d) == before


def test_x1_move_from_a_stale_page_is_refused_and_nothing_changes(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    Dashboard.objects.filter(pk=d.pk).update(version=5)
    w = d.widgets.get()
    before = state(d)
    response = admin_client.post(
        url(customer, f"{d.uuid}/widgets/{w.pk}/move/"), {"direction": "right", "version": 4}
    )
    assert response.status_code == 409
    assert STALE in text(response)
    assert state(d) == before


def place(client: Client, customer: Customer, d: Dashboard, key: str, **form: Any) -> Any:
    d.refresh_from_db()
    widget = d.widgets.get(widget_key=key)
    return client.post(
        url(customer, f"{d.uuid}/widgets/{widget.pk}/place/"),
        {"version": d.version, **form},
        follow=True,
    )


def test_x1_edit_page_offers_drag_and_drop_with_the_free_cells(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    w = d.widgets.get()
    page = text(admin_client.get(url(customer, f"{d.uuid}/edit/")))
    assert 'draggable="true"' in page and 'id="place-form"' in page
    assert (
        f'data-place="/console/{customer.uuid}/dashboards/{d.uuid}/widgets/{w.pk}/place/"' in page
    )
    # Row 1 has two free cells; the whole row below is offered while dragging.
    assert page.count('class="dash-slot ') == 2 + 4
    assert page.count('class="dash-slot gx-0 gy-1 extra"') == 1
    # Nothing to drag: no slots and no form on an empty dashboard or a read-only page.
    empty = make(customer, "Empty")
    assert "dash-slot" not in text(admin_client.get(url(customer, f"{empty.uuid}/edit/")))
    assert "draggable" not in text(admin_client.get(url(customer, f"{d.uuid}/")))


def test_x1_dropping_a_widget_onto_another_swaps_them(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-health", 2, 0, 2, 1))
    response = place(admin_client, customer, d, "summary", x=2, y=0)
    assert "Moved “Summary” to column 3, row 1. “Devices by health” was moved to make room." in (
        text(response)
    )
    assert layout(d) == [("devices-by-health", 0, 0, 2, 1), ("summary", 2, 0, 2, 1)]
    assert AuditEvent.objects.filter(action="dashboard.layout_saved").count() == 1


def test_x1_dropping_where_the_old_place_does_not_fit_pushes_down(
    admin_client: Client, customer: Customer
) -> None:
    d = make(
        customer,
        "Front desk",
        ("summary", 0, 0, 2, 1),
        ("devices-by-os", 2, 0, 2, 1),
        ("open-alerts", 0, 1, 4, 2),
    )
    place(admin_client, customer, d, "open-alerts", x=0, y=0)
    # The summary cannot take the 4-wide widget's old place without overlapping it, so both
    # widgets of the first row move below it.
    assert layout(d) == [
        ("open-alerts", 0, 0, 4, 2),
        ("summary", 0, 2, 2, 1),
        ("devices-by-os", 2, 2, 2, 1),
    ]


def test_x1_dropping_into_a_free_cell_of_a_new_row(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-os", 2, 0, 2, 1))
    place(admin_client, customer, d, "devices-by-os", x=1, y=1)
    assert layout(d) == [("summary", 0, 0, 2, 1), ("devices-by-os", 1, 1, 2, 1)]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"x": 3, "y": 0}, "“Summary” is 2 columns wide: it can start in columns 1 to 3 only."),
        ({"x": -1, "y": 0}, "Choose a place on the grid."),
        ({"x": "left", "y": 0}, "Choose a place on the grid."),
        ({"y": 0}, "Choose a place on the grid."),
        ({"x": 0, "y": 47}, "“Summary” would reach past row 48, the last row."),
        ({"x": 0, "y": 0}, "“Summary” is already there."),
        ({"x": 2, "y": 0, "version": ""}, "The form is missing the dashboard version"),
    ],
)
def test_x1_drop_refusals_say_why_and_change_nothing(
    admin_client: Client, customer: Customer, form: dict[str, Any], message: str
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 2))
    before = state(d)
    response = place(admin_client, customer, d, "summary", **form)
    assert response.status_code == 400
    assert message in text(response)
    assert state(d) == before


def test_x1_drop_from_a_stale_page_is_refused(admin_client: Client, customer: Customer) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    w = d.widgets.get()
    Dashboard.objects.filter(pk=d.pk).update(version=5)
    before = state(d)
    response = admin_client.post(
        url(customer, f"{d.uuid}/widgets/{w.pk}/place/"), {"x": 2, "y": 0, "version": 4}
    )
    assert response.status_code == 409 and STALE in text(response)
    assert state(d) == before
    assert admin_client.get(url(customer, f"{d.uuid}/widgets/{w.pk}/place/")).status_code == 405


def test_x1_remove_widget(admin_client: Client, customer: Customer) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-os", 2, 0, 2, 1))
    w = d.widgets.get(widget_key="summary")
    response = admin_client.post(url(customer, f"{d.uuid}/widgets/{w.pk}/remove/"), follow=True)
    assert "Removed “Summary”." in text(response)
    assert layout(d) == [("devices-by-os", 2, 0, 2, 1)]
    again = admin_client.post(url(customer, f"{d.uuid}/widgets/{w.pk}/remove/"))
    assert again.status_code == 404


def test_x1_delete_asks_for_confirmation_then_deletes(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    confirm = text(admin_client.get(url(customer, f"{d.uuid}/delete/")))
    assert "Delete the dashboard “Front desk”?" in confirm
    assert "its 1 widget for everyone" in confirm
    assert Dashboard.objects.exists()
    response = admin_client.post(url(customer, f"{d.uuid}/delete/"))
    assert response.status_code == 302
    assert response["Location"] == url(customer)
    assert not Dashboard.objects.exists() and not DashboardWidget.objects.exists()
    assert AuditEvent.objects.filter(action="dashboard.deleted", object_id=str(d.uuid)).exists()


def test_x1_copy_a_builtin_to_a_custom_dashboard(admin_client: Client, customer: Customer) -> None:
    for expected in ("Copy of Threat overview", "Copy of Threat overview (2)"):
        response = admin_client.post(url(customer, "threat-overview/copy/"))
        assert response.status_code == 302
        d = Dashboard.objects.get(name=expected)
        assert response["Location"] == url(customer, f"{d.uuid}/edit/")
        assert layout(d) == sorted(
            ((p.key, p.x, p.y, p.w, p.h) for p in BUILT_INS["threat-overview"].placements),
            key=lambda r: (r[2], r[1]),
        )


def test_x1_builtins_and_the_overview_cannot_be_changed(
    admin_client: Client, customer: Customer
) -> None:
    for ref in ("overview", "device-health"):
        assert admin_client.get(url(customer, f"{ref}/edit/")).status_code == 409
        response = admin_client.post(url(customer, f"{ref}/widgets/"), {"widget": "summary"})
        assert response.status_code == 409
        assert "Built-in dashboards cannot be changed" in text(response)
        assert admin_client.post(url(customer, f"{ref}/delete/")).status_code == 409
    response = admin_client.post(url(customer, "overview/copy/"))
    assert response.status_code == 409
    assert "The Central Overview cannot be copied" in text(response)
    assert not Dashboard.objects.exists()


# --- the grid: validation of a saved layout ---------------------------------------------------


@pytest.fixture
def board(customer: Customer) -> Dashboard:
    return make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-os", 2, 0, 2, 1))


def _save(customer: Customer, d: Dashboard, items: list[tuple[int, int, int, int, int]], **kw: Any):
    return dashboard_layout_save(
        actor=console_actor(customer),
        customer=customer,
        ref=str(d.uuid),
        layout=items,
        version=kw.get("version", d.version),
    )


def _ids(d: Dashboard) -> tuple[int, int]:
    summary = d.widgets.get(widget_key="summary").pk
    return summary, d.widgets.get(widget_key="devices-by-os").pk


def test_grid_layout_save_moves_every_widget_at_once(customer: Customer, board: Dashboard) -> None:
    a, b = _ids(board)
    _save(customer, board, [(a, 2, 0, 2, 2), (b, 0, 0, 2, 1)])
    assert layout(board) == [("devices-by-os", 0, 0, 2, 1), ("summary", 2, 0, 2, 2)]
    board.refresh_from_db()
    assert board.version == 2
    event = AuditEvent.objects.get(action="dashboard.layout_saved")
    assert len(event.before["widgets"]) == len(event.after["widgets"]) == 2


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            lambda a, b: [(a, 0, 0, 3, 1), (b, 2, 0, 2, 1)],
            "“Devices by operating system” overlaps “Summary” in column 3, row 1",
        ),
        (
            lambda a, b: [(a, 3, 0, 2, 1), (b, 0, 1, 2, 1)],
            "“Summary” is outside the grid: starting in column 4 and 2 columns wide",
        ),
        (lambda a, b: [(a, 0, 0, 5, 1), (b, 0, 1, 2, 1)], "“Summary” must be 1 to 4 columns wide"),
        (lambda a, b: [(a, 0, 0, 2, 3), (b, 2, 0, 2, 1)], "“Summary” must be 1 or 2 rows high"),
        (lambda a, b: [(a, -1, 0, 2, 1), (b, 2, 0, 2, 1)], "columns and rows start at 0"),
        (
            lambda a, b: [(a, 0, MAX_ROWS - 1, 2, 2), (b, 2, 0, 2, 1)],
            f"goes below row {MAX_ROWS}",
        ),
        (lambda a, b: [(a, 0, 0, 2, 1)], "must place every widget of this dashboard exactly once"),
        (
            lambda a, b: [(a, 0, 0, 2, 1), (b, 2, 0, 2, 1), (b + 999, 0, 1, 2, 1)],
            "must place every widget of this dashboard exactly once",
        ),
        (
            lambda a, b: [(a, 0, 0, 2, 1), (a, 0, 1, 2, 1), (b, 2, 0, 2, 1)],
            "must place every widget of this dashboard exactly once",
        ),
    ],
)
def test_grid_layout_refusals_say_why_and_change_nothing(
    customer: Customer, board: Dashboard, items: Callable[[int, int], Any], message: str
) -> None:
    a, b = _ids(board)
    before = state(board)
    with pytest.raises(ValidationFailed) as refused:
        _save(customer, board, items(a, b))
    assert message in refused.value.message
    assert state(board) == before
    assert not AuditEvent.objects.exists()


def test_grid_unknown_widget_in_a_layout_is_refused(customer: Customer) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_layout([Spot(None, "crypto-miner", 0, 0, 1, 1)])
    assert "There is no widget “crypto-miner” in the widget library" in refused.value.message


def test_grid_stale_layout_is_refused_and_changes_nothing(
    customer: Customer, board: Dashboard
) -> None:
    a, b = _ids(board)
    _save(customer, board, [(a, 0, 1, 2, 1), (b, 2, 0, 2, 1)])  # someone else's save: version 2
    before = state(board)
    with pytest.raises(Conflict) as refused:
        _save(customer, board, [(a, 2, 1, 2, 1), (b, 0, 0, 2, 1)], version=1)
    assert refused.value.message == STALE
    assert state(board) == before


def test_grid_free_cells_are_the_empty_cells_and_one_row_below() -> None:
    """X-1 drag and drop: where a widget can be dropped, never past the last row."""
    spots = [Spot(1, "summary", 0, 0, 2, 1), Spot(2, "open-alerts", 0, 1, 4, 2)]
    assert free_cells(spots) == [(2, 0, False), (3, 0, False)] + [(x, 3, True) for x in range(4)]
    assert free_cells([]) == []
    bottom = [Spot(1, "summary", 0, MAX_ROWS - 1, 1, 1)]
    assert all(y < MAX_ROWS for _, y, _ in free_cells(bottom))


def test_grid_first_free_slot_reads_row_by_row() -> None:
    taken = [Spot(1, "summary", 0, 0, 2, 1), Spot(2, "open-alerts", 0, 1, 4, 2)]
    assert first_free_slot(taken, 2, 1) == (2, 0)
    assert first_free_slot(taken, 3, 1) == (0, 3)
    assert first_free_slot([], 4, 2) == (0, 0)


def test_grid_database_refuses_a_widget_past_the_right_edge(board: Dashboard) -> None:
    from django.db import IntegrityError, transaction

    w = board.widgets.get(widget_key="summary")
    with pytest.raises(IntegrityError), transaction.atomic():
        DashboardWidget.objects.filter(pk=w.pk).update(x=3, w=2)


# --- who may edit: the role matrix ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [("super_admin", True), ("admin", True), ("help_desk", False), ("read_only", False)],
)
def test_roles_customer_admins(customer: Customer, role: str, may_edit: bool) -> None:
    c = Client()
    c.force_login(customer_admin(customer, role))
    _check_role(c, customer, may_edit)


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        (PartnerRole.SUPER_ADMIN, True),
        (PartnerRole.ADMIN, True),
        (PartnerRole.HELP_DESK, False),
        (PartnerRole.READ_ONLY, False),
    ],
)
def test_roles_delegated_sessions(
    customer: Customer,
    make_user: Callable[..., Any],
    client_for: Callable[..., Client],
    role: PartnerRole,
    may_edit: bool,
) -> None:
    user = make_user(customer.partner, role)
    assign(user, customer)
    c = client_for(user)
    launch(c, customer)
    _check_role(c, customer, may_edit)


def _check_role(c: Client, customer: Customer, may_edit: bool) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    w = d.widgets.get()
    before = state(d)
    listing = text(c.get(url(customer)))
    assert ("New dashboard" in listing) == may_edit
    page = text(c.get(url(customer, f"{d.uuid}/")))
    assert ("Edit dashboard" in page) == may_edit
    assert "Export PDF" in page  # every console role may export
    expected = 302 if may_edit else 403
    assert c.post(url(customer, "new/"), {"name": "Mine"}).status_code == expected
    assert Dashboard.objects.filter(name="Mine").exists() == may_edit
    if may_edit:
        return
    assert c.get(url(customer, f"{d.uuid}/edit/")).status_code == 403
    refused = [
        c.post(url(customer, f"{d.uuid}/edit/"), {"name": "Renamed"}),
        c.post(url(customer, f"{d.uuid}/widgets/"), {"widget": "devices-by-os"}),
        c.post(
            url(customer, f"{d.uuid}/widgets/{w.pk}/move/"), {"direction": "right", "version": 1}
        ),
        c.post(url(customer, f"{d.uuid}/widgets/{w.pk}/place/"), {"x": 2, "y": 0, "version": 1}),
        c.post(url(customer, f"{d.uuid}/widgets/{w.pk}/remove/")),
        c.post(url(customer, f"{d.uuid}/delete/")),
        c.post(url(customer, "threat-overview/copy/")),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "Your console role does not allow this action." in text(refused[0])
    assert state(d) == before
    assert Dashboard.objects.count() == 1


def test_roles_delegated_admin_edits_are_audited_as_the_partner_user(
    customer: Customer, super_admin: Any, client_for: Callable[..., Client]
) -> None:
    c = client_for(super_admin)
    launch(c, customer)
    assert c.post(url(customer, "new/"), {"name": "Partner board"}).status_code == 302
    event = AuditEvent.objects.get(action="dashboard.created")
    assert event.actor_kind == "delegated"
    assert event.partner_id == customer.partner_id and event.customer_id == customer.pk
    assert "via Northwind MSP" in event.actor_label


# --- export, and never of the Central Overview ----------------------------------------------


def test_x2_overview_has_no_export_button_and_its_export_is_refused(
    admin_client: Client, customer: Customer
) -> None:
    assert "Export PDF" not in text(admin_client.get(url(customer, "overview/")))
    response = admin_client.post(url(customer, "overview/export/"))
    assert response.status_code == 409
    assert OVERVIEW_NOT_EXPORTABLE in text(response)
    assert not AuditEvent.objects.exists()
    assert not DashboardExport.objects.exists()


def test_x2_export_is_a_post(admin_client: Client, customer: Customer) -> None:
    assert admin_client.get(url(customer, "threat-overview/export/")).status_code == 405


def test_x2_an_empty_custom_dashboard_has_nothing_to_export(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Front desk")
    response = admin_client.post(url(customer, f"{d.uuid}/export/"))
    assert response.status_code == 409
    assert "“Front desk” has no widgets yet, so there is nothing to export" in text(response)


@pytest.mark.parametrize("ref", ["threat-overview", "custom"])
def test_x2_builtin_and_custom_dashboards_export_to_the_status_page(
    customer: Customer, ref: str
) -> None:
    c = Client()
    c.force_login(customer_admin(customer, "read_only"))
    if ref == "custom":
        ref = str(make(customer, "Front desk", ("summary", 0, 0, 2, 1)).uuid)
    response = c.post(url(customer, f"{ref}/export/"))
    assert response.status_code == 302, text(response)
    export = DashboardExport.objects.get()
    assert response["Location"] == reverse("console:export", args=[customer.uuid, export.uuid])
    assert export.customer == customer
    assert export.placements
    assert export.source in (f"builtin:{ref}", f"custom:{ref}")


# --- S-1: one console never reaches another customer's dashboards --------------------------------


def test_isolation_another_customers_dashboard_answers_as_missing(
    admin_client: Client, customer: Customer, other_partner: Partner
) -> None:
    for other in (
        CustomerFactory(partner=customer.partner),
        CustomerFactory(partner=other_partner),
    ):
        theirs = make(other, "Secret board", ("summary", 0, 0, 2, 1))
        w = theirs.widgets.get()
        before = state(theirs)
        for path in (f"{theirs.uuid}/", f"{theirs.uuid}/edit/", f"{theirs.uuid}/delete/"):
            response = admin_client.get(url(customer, path))
            assert response.status_code == 404, path
            assert "Secret board" not in text(response)
        posts = [
            (f"{theirs.uuid}/edit/", {"name": "Mine now"}),
            (f"{theirs.uuid}/widgets/", {"widget": "devices-by-os"}),
            (f"{theirs.uuid}/widgets/{w.pk}/move/", {"direction": "right", "version": 1}),
            (f"{theirs.uuid}/widgets/{w.pk}/remove/", {}),
            (f"{theirs.uuid}/delete/", {}),
            (f"{theirs.uuid}/copy/", {}),
            (f"{theirs.uuid}/export/", {}),
        ]
        for path, data in posts:
            assert admin_client.post(url(customer, path), data).status_code == 404, path
        # Their own console is closed to this admin altogether.
        assert admin_client.get(url(other, f"{theirs.uuid}/")).status_code == 404
        assert admin_client.get(url(other)).status_code == 404
        assert state(theirs) == before
    assert Dashboard.objects.filter(customer=customer).count() == 0
    assert "Secret board" not in text(admin_client.get(url(customer)))


def test_isolation_anonymous_users_are_sent_to_sign_in(customer: Customer) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    c = Client()
    for path in ("", "overview/", f"{d.uuid}/", f"{d.uuid}/edit/", "new/"):
        response = c.get(url(customer, path))
        assert response.status_code == 302 and "/login" in response["Location"], path
    assert c.post(url(customer, f"{d.uuid}/delete/")).status_code == 302
    assert Dashboard.objects.count() == 1


# --- the page's queries are pinned (no N+1) ------------------------------------------------------


def test_dashboard_page_query_count_is_pinned(
    admin_client: Client,
    customer: Customer,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The widgets' own queries belong to the widget library; here the page's own are counted.
    def fake(key: str, *, customer: Customer, now: Any) -> WidgetDrawing:
        return WidgetDrawing(key=key, title=WIDGET_TYPES[key].title, html="<svg></svg>", summary="")

    monkeypatch.setattr(dashboard_views, "render_widget", fake)
    small = make(customer, "Small", ("summary", 0, 0, 2, 1))
    big = make(customer, "Big", *[("summary", x, y, 1, 1) for x in range(4) for y in range(6)])
    admin_client.get(url(customer, "overview/"))  # the session is warm
    # session, user, customer, membership, dashboard, its widgets
    for d in (small, big):
        with django_assert_num_queries(6):
            assert admin_client.get(url(customer, f"{d.uuid}/")).status_code == 200
    with django_assert_num_queries(4):
        assert admin_client.get(url(customer, "overview/")).status_code == 200
    make(customer, "Third")
    # session, user, customer, membership, custom dashboards with their widget counts
    with django_assert_num_queries(5):
        assert admin_client.get(url(customer)).status_code == 200


def test_dashboard_page_draws_real_widgets_for_the_customers_data(
    admin_client: Client, customer: Customer
) -> None:
    d = make(customer, "Everything", *[(k, 0, i * 2, 4, 2) for i, k in enumerate(WIDGET_TYPES)])
    page = text(admin_client.get(url(customer, f"{d.uuid}/")))
    for t in WIDGET_TYPES.values():
        assert t.title in page
    assert re.search(r'<p class="visually-hidden">[^<]+</p>', page)
