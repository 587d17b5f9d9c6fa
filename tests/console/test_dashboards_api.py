"""Dashboards through the API (X-1, X-2, A-4): partner credentials, in customers that have
Partner Assistance on, with the conventions of the other partnerdesk routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from partnerdesk.accounts.models import CredentialAssignment
from partnerdesk.accounts.services import credential_create_for_partner
from partnerdesk.audit.models import AuditEvent
from partnerdesk.console.dashboards import OVERVIEW_NOT_EXPORTABLE, STALE
from partnerdesk.console.models import Dashboard, DashboardWidget
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.reports.models import DashboardExport
from tests.compat.conftest import ApiUser, get_token
from tests.console.helpers import make_dashboard as make
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> None:
    cache.clear()


@pytest.fixture
def api_for(db: None) -> Callable[..., ApiUser]:
    """A credential of `partner` with `role`, and a client that calls with its token."""

    def make(partner: Partner, role: PartnerRole = PartnerRole.SUPER_ADMIN) -> ApiUser:
        new = credential_create_for_partner(partner=partner, name=f"{role.value} script", role=role)
        client = Client()
        token = get_token(client, new.client_id, new.client_secret).json()["access_token"]
        return ApiUser(new.client_id, new.client_secret, token, partner, new.credential.pk, client)

    return make


@pytest.fixture
def api(partner: Partner, api_for: Callable[..., ApiUser]) -> ApiUser:
    return api_for(partner)


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Harbour Dental", partner_assistance=True)


QUERIES = 10


def base(customer: Customer) -> str:
    return f"/partnerdesk/v1/customers/{customer.uuid}/dashboards"


def patch(api: ApiUser, path: str, body: Any) -> Any:
    return api.client.patch(
        path, json.dumps(body), content_type="application/json", headers=api.partner_headers()
    )


def delete(api: ApiUser, path: str) -> Any:
    return api.client.delete(path, headers=api.partner_headers())


def state(d: Dashboard) -> tuple[Any, ...]:
    d.refresh_from_db()
    rows = d.widgets.order_by("y", "x").values_list("widget_key", "x", "y", "w", "h")
    return (d.name, d.version, tuple(rows))


def assert_error(response: Any, status: int, message: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "correlationId", "requestId", "createdAt"}
    assert message in body["message"], body


# --- reading ---------------------------------------------------------------------------------


def test_list_overview_first_then_builtins_then_custom_by_name(
    api: ApiUser, customer: Customer
) -> None:
    make(customer, "zebra", ("summary", 0, 0, 2, 1))
    make(customer, "Alpha")
    response = api.get(base(customer), {"pageTotal": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    names = [d["name"] for d in body["items"]]
    assert names == [
        "Central Overview",
        "Threat overview",
        "Device health",
        "Licensing and usage",
        "Alpha",
        "zebra",
    ]
    overview = body["items"][0]
    assert (overview["id"], overview["kind"], overview["exportable"], overview["editable"]) == (
        "overview",
        "overview",
        False,
        False,
    )
    zebra = body["items"][-1]
    assert zebra["kind"] == "custom" and zebra["editable"] and zebra["exportable"]
    assert zebra["widgets"][0]["type"] == "summary" and zebra["widgets"][0]["id"]
    assert body["pages"] == {"current": 1, "size": 50, "maxSize": 100, "total": 1, "items": 6}
    second = api.get(base(customer), {"page": 2, "pageSize": 4}).json()
    assert [d["name"] for d in second["items"]] == ["Alpha", "zebra"]
    assert "total" not in second["pages"]


def test_list_query_count_is_pinned(
    api: ApiUser, customer: Customer, django_assert_num_queries: Any
) -> None:
    for n in range(5):
        make(customer, f"Board {n}", ("summary", 0, 0, 2, 1), ("devices-by-os", 2, 0, 2, 1))
    assert api.get(base(customer)).status_code == 200  # the rate-limit window exists
    # token, the rate-limit counter (five, with its transaction), customer, dashboards, widgets
    with django_assert_num_queries(QUERIES):
        assert api.get(base(customer)).status_code == 200
    for n in range(5, 15):
        make(customer, f"Board {n}", ("summary", 0, 0, 2, 1))
    with django_assert_num_queries(QUERIES):
        assert len(api.get(base(customer)).json()["items"]) == 19


def test_get_one_by_id_builtin_slug_or_overview(api: ApiUser, customer: Customer) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    custom = api.get(f"{base(customer)}/{d.uuid}").json()
    assert (custom["id"], custom["name"], custom["version"]) == (str(d.uuid), "Front desk", 1)
    assert custom["widgets"][0] | {"id": 0} == {
        "id": 0,
        "type": "summary",
        "title": "Summary",
        "x": 0,
        "y": 0,
        "w": 2,
        "h": 1,
    }
    builtin = api.get(f"{base(customer)}/device-health").json()
    assert builtin["kind"] == "builtin" and builtin["version"] is None
    assert api.get(f"{base(customer)}/overview").json()["name"] == "Central Overview"
    assert_error(api.get(f"{base(customer)}/nope"), 404, "No such dashboard.")


def test_widget_types_lists_the_library(api: ApiUser) -> None:
    body = api.get("/partnerdesk/v1/widget-types", {"pageTotal": "true"}).json()
    assert [t["type"] for t in body["items"]] == list(WIDGET_TYPES)
    first = body["items"][0]
    assert set(first) == {"type", "title", "description", "defaultWidth", "defaultHeight"}
    assert body["pages"]["items"] == len(WIDGET_TYPES)


# --- creating, changing, deleting -------------------------------------------------------------


def test_create_with_widgets_is_audited_as_the_credential(api: ApiUser, customer: Customer) -> None:
    body = {
        "name": "Front desk",
        "widgets": [
            {"type": "devices-by-health", "x": 0, "y": 0, "w": 2, "h": 1},
            {"type": "open-alerts", "x": 0, "y": 1, "w": 4, "h": 2},
        ],
    }
    response = api.post(base(customer), body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["name"] == "Front desk" and out["kind"] == "custom" and out["version"] == 1
    assert [(w["type"], w["x"], w["y"]) for w in out["widgets"]] == [
        ("devices-by-health", 0, 0),
        ("open-alerts", 0, 1),
    ]
    d = Dashboard.objects.get(uuid=out["id"])
    assert d.customer == customer and d.widgets.count() == 2
    event = AuditEvent.objects.get(action="dashboard.created")
    assert event.actor_kind == "credential"
    assert (event.partner_id, event.customer_id) == (customer.partner_id, customer.pk)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"name": ""}, 400, "Enter a name for the dashboard."),
        ({"name": "x" * 81}, 400, "name"),
        ({"name": "front DESK"}, 409, "already has a dashboard named “front DESK”"),
        ({"name": "Device Health"}, 400, "is the name of a built-in dashboard"),
        (
            {"name": "B", "widgets": [{"type": "nope", "x": 0, "y": 0, "w": 1, "h": 1}]},
            400,
            "There is no widget “nope” in the widget library",
        ),
        (
            {
                "name": "B",
                "widgets": [
                    {"type": "summary", "x": 0, "y": 0, "w": 2, "h": 1},
                    {"type": "devices-by-os", "x": 1, "y": 0, "w": 2, "h": 1},
                ],
            },
            400,
            "“Devices by operating system” overlaps “Summary” in column 2, row 1",
        ),
        (
            {"name": "B", "widgets": [{"type": "summary", "x": 3, "y": 0, "w": 2, "h": 1}]},
            400,
            "“Summary” is outside the grid",
        ),
        (
            {"name": "B", "widgets": [{"type": "summary", "x": 0, "y": 0, "w": 2, "h": 3}]},
            400,
            "h",
        ),
        ({"name": "B", "colour": "red"}, 400, "colour"),
        ({"name": "B", "copyOf": "overview"}, 409, "The Central Overview cannot be copied"),
    ],
)
def test_create_refusals_say_why_and_create_nothing(
    api: ApiUser, customer: Customer, body: dict[str, Any], status: int, message: str
) -> None:
    make(customer, "Front desk")
    assert_error(api.post(base(customer), body), status, message)
    assert Dashboard.objects.count() == 1
    assert not DashboardWidget.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dashboard.").exists()


def test_create_as_a_copy_of_a_builtin(api: ApiUser, customer: Customer) -> None:
    response = api.post(base(customer), {"copyOf": "licensing-and-usage"})
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["name"] == "Copy of Licensing and usage"
    builtin = api.get(f"{base(customer)}/licensing-and-usage").json()
    strip = [{k: v for k, v in w.items() if k != "id"} for w in out["widgets"]]
    assert strip == [{k: v for k, v in w.items() if k != "id"} for w in builtin["widgets"]]


def test_patch_renames_and_sets_widgets_in_one_go(api: ApiUser, customer: Customer) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-os", 2, 0, 2, 1))
    keep = d.widgets.get(widget_key="summary").pk
    response = patch(
        api,
        f"{base(customer)}/{d.uuid}",
        {
            "name": "Reception",
            "version": 1,
            "widgets": [
                {"id": keep, "x": 2, "y": 0, "w": 2, "h": 2},
                {"type": "alerts-by-severity", "x": 0, "y": 0, "w": 1, "h": 1},
            ],
        },
    )
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["name"] == "Reception" and out["version"] == 2
    assert state(d) == (
        "Reception",
        2,
        (("alerts-by-severity", 0, 0, 1, 1), ("summary", 2, 0, 2, 2)),
    )
    actions = set(
        AuditEvent.objects.filter(action__startswith="dashboard.").values_list("action", flat=True)
    )
    assert actions == {"dashboard.renamed", "dashboard.layout_saved"}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            lambda a, b: {
                "widgets": [
                    {"id": a, "x": 0, "y": 0, "w": 3, "h": 1},
                    {"id": b, "x": 2, "y": 0, "w": 2, "h": 1},
                ]
            },
            400,
            "overlaps",
        ),
        (
            lambda a, b: {"widgets": [{"id": a, "x": 3, "y": 0, "w": 2, "h": 1}]},
            400,
            "outside the grid",
        ),
        (
            lambda a, b: {"widgets": [{"type": "nope", "x": 0, "y": 0, "w": 1, "h": 1}]},
            400,
            "There is no widget “nope”",
        ),
        (
            lambda a, b: {"widgets": [{"id": a + b + 1000, "x": 0, "y": 0, "w": 1, "h": 1}]},
            400,
            "is not on this dashboard",
        ),
        (
            lambda a, b: {
                "widgets": [{"id": a, "type": "open-alerts", "x": 0, "y": 0, "w": 1, "h": 1}]
            },
            400,
            "a widget's type cannot change",
        ),
        (lambda a, b: {"widgets": [{"x": 0, "y": 0, "w": 1, "h": 1}]}, 400, "needs a `type`"),
        (lambda a, b: {"name": "Reception", "version": 7, "widgets": []}, 409, STALE),
        (lambda a, b: {"name": "Reception", "version": 7}, 409, STALE),
        (lambda a, b: {"name": "Back office"}, 409, "already has a dashboard named"),
        (
            lambda a, b: {
                "name": "Ok",
                "widgets": [
                    {"id": a, "x": 0, "y": 0, "w": 2, "h": 1},
                    {"id": b, "x": 1, "y": 0, "w": 2, "h": 1},
                ],
            },
            400,
            "overlaps",
        ),
    ],
)
def test_patch_refusals_say_why_and_change_nothing(
    api: ApiUser,
    customer: Customer,
    body: Callable[[int, int], dict[str, Any]],
    status: int,
    message: str,
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1), ("devices-by-os", 2, 0, 2, 1))
    make(customer, "Back office")
    a, b = (d.widgets.get(widget_key=k).pk for k in ("summary", "devices-by-os"))
    before = state(d)
    assert_error(patch(api, f"{base(customer)}/{d.uuid}", body(a, b)), status, message)
    assert state(d) == before
    assert not AuditEvent.objects.filter(action__startswith="dashboard.").exists()


def test_patch_with_an_empty_widget_list_removes_every_widget(
    api: ApiUser, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    response = patch(api, f"{base(customer)}/{d.uuid}", {"widgets": [], "version": 1})
    assert response.status_code == 200 and response.json()["widgets"] == []
    assert not DashboardWidget.objects.exists()


def test_builtins_cannot_be_changed_or_deleted(api: ApiUser, customer: Customer) -> None:
    for ref in ("overview", "threat-overview"):
        assert_error(
            patch(api, f"{base(customer)}/{ref}", {"name": "Mine"}),
            409,
            "Built-in dashboards cannot be changed",
        )
        assert_error(delete(api, f"{base(customer)}/{ref}"), 409, "cannot be changed")


def test_delete_custom(api: ApiUser, customer: Customer) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    assert delete(api, f"{base(customer)}/{d.uuid}").status_code == 204
    assert not Dashboard.objects.exists() and not DashboardWidget.objects.exists()
    assert_error(delete(api, f"{base(customer)}/{d.uuid}"), 404, "No such dashboard.")
    assert AuditEvent.objects.filter(action="dashboard.deleted").count() == 1


# --- X-2 through the API --------------------------------------------------------------------


def test_x2_overview_export_is_refused(api: ApiUser, customer: Customer) -> None:
    response = api.post(f"{base(customer)}/overview/export", {})
    assert_error(response, 409, OVERVIEW_NOT_EXPORTABLE)
    assert not DashboardExport.objects.exists()


def test_x2_builtin_export_starts(api: ApiUser, customer: Customer) -> None:
    response = api.post(f"{base(customer)}/device-health/export", {})
    assert response.status_code == 202, response.content
    export = DashboardExport.objects.get()
    assert response.json()["id"] == str(export.uuid)
    assert (export.customer, export.source, export.title) == (
        customer,
        "builtin:device-health",
        "Device health",
    )


# --- who may: Partner Assistance, roles, isolation -------------------------------------------


def test_partner_assistance_off_answers_409_and_changes_nothing(
    api: ApiUser, customer: Customer
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=False)
    before = state(d)
    message = "Partner Assistance is off for Harbour Dental"
    assert_error(api.get(base(customer)), 409, message)
    assert_error(api.get(f"{base(customer)}/{d.uuid}"), 409, message)
    assert_error(api.post(base(customer), {"name": "New"}), 409, message)
    assert_error(patch(api, f"{base(customer)}/{d.uuid}", {"name": "X"}), 409, message)
    assert_error(delete(api, f"{base(customer)}/{d.uuid}"), 409, message)
    assert state(d) == before and Dashboard.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "reads", "edits"),
    [
        (PartnerRole.SUPER_ADMIN, True, True),
        (PartnerRole.ADMIN, True, True),
        (PartnerRole.HELP_DESK, True, False),
        (PartnerRole.READ_ONLY, True, False),
        (PartnerRole.BUSINESS_ADMIN, False, False),
    ],
)
def test_roles_map_as_launch_customer_does(
    api_for: Callable[..., ApiUser],
    customer: Customer,
    role: PartnerRole,
    reads: bool,
    edits: bool,
) -> None:
    api = api_for(customer.partner, role)
    if role not in (PartnerRole.SUPER_ADMIN, PartnerRole.BUSINESS_ADMIN):
        CredentialAssignment.objects.create(
            partner=customer.partner, credential_id=api.credential_pk, customer=customer
        )
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    before = state(d)
    assert api.get(base(customer)).status_code == (200 if reads else 403)
    created = api.post(base(customer), {"name": "Mine"})
    renamed = patch(api, f"{base(customer)}/{d.uuid}", {"name": "Renamed"})
    if edits:
        assert (created.status_code, renamed.status_code) == (201, 200)
        return
    assert (created.status_code, renamed.status_code) == (403, 403)
    assert delete(api, f"{base(customer)}/{d.uuid}").status_code == 403
    assert state(d) == before and Dashboard.objects.count() == 1


def test_unassigned_customer_answers_as_missing(
    api_for: Callable[..., ApiUser], customer: Customer
) -> None:
    api = api_for(customer.partner, PartnerRole.ADMIN)
    assert_error(api.get(base(customer)), 404, "No such customer.")


def test_another_partners_credential_gets_404_and_changes_nothing(
    api_for: Callable[..., ApiUser], customer: Customer, other_partner: Partner
) -> None:
    d = make(customer, "Front desk", ("summary", 0, 0, 2, 1))
    before = state(d)
    other = api_for(other_partner)
    assert_error(other.get(base(customer)), 404, "No such customer.")
    assert_error(other.get(f"{base(customer)}/{d.uuid}"), 404, "No such customer.")
    assert_error(other.post(base(customer), {"name": "Theirs"}), 404, "No such customer.")
    assert_error(patch(other, f"{base(customer)}/{d.uuid}", {"name": "X"}), 404, "No such")
    assert_error(delete(other, f"{base(customer)}/{d.uuid}"), 404, "No such customer.")
    assert_error(other.post(f"{base(customer)}/threat-overview/export", {}), 404, "No such")
    assert state(d) == before and Dashboard.objects.count() == 1


def test_a_dashboard_of_another_customer_answers_as_missing(
    api: ApiUser, customer: Customer
) -> None:
    sibling = CustomerFactory(partner=customer.partner, partner_assistance=True)
    theirs = make(sibling, "Sibling board", ("summary", 0, 0, 2, 1))
    before = state(theirs)
    path = f"{base(customer)}/{theirs.uuid}"
    assert_error(api.get(path), 404, "No such dashboard.")
    assert_error(patch(api, path, {"name": "Moved"}), 404, "No such dashboard.")
    assert_error(delete(api, path), 404, "No such dashboard.")
    assert state(theirs) == before


def test_partner_header_must_match_the_credential(api: ApiUser, customer: Customer) -> None:
    response = api.client.get(base(customer), headers=api.partner_headers(999999))
    assert_error(response, 403, "X-Partner-ID does not match")
    assert api.client.get(base(customer)).status_code == 401
