"""Dashboards and their PDF exports for the tenant's own credentials (X-1, X-2, A-4): the
routes under /partnerdesk/v1/tenant, with the credential's console role and nothing of any
other tenant."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from partnerdesk.accounts.services import credential_create_for_partner
from partnerdesk.audit.models import AuditEvent
from partnerdesk.console.dashboards import OVERVIEW_NOT_EXPORTABLE, STALE
from partnerdesk.console.models import Dashboard
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.reports.models import DashboardExport
from tests.compat.conftest import get_token
from tests.console.test_tenant_api import tenant_client
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

BASE = "/partnerdesk/v1/tenant/"
FRONT_DESK = {
    "name": "Front desk",
    "widgets": [
        {"type": "devices-by-health", "x": 0, "y": 0, "w": 2, "h": 1},
        {"type": "alerts-by-severity", "x": 2, "y": 0, "w": 2, "h": 1},
    ],
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> None:
    cache.clear()


@pytest.fixture
def customer(partner: Partner) -> Customer:
    # Partner Assistance off: the tenant's own credentials do not depend on it.
    return CustomerFactory(partner=partner, show_as="Harbour Dental", partner_assistance=False)


def call(method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    if method == "get":
        return Client().get(BASE + path, body or {}, headers=headers)
    return getattr(Client(), method)(
        BASE + path,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=headers,
    )


def test_x1_tenant_admin_lists_creates_changes_and_deletes(customer: Customer) -> None:
    admin = tenant_client(customer, "admin")
    listed = call("get", "dashboards", admin, {"pageTotal": "true"}).json()
    assert [d["id"] for d in listed["items"]][:2] == ["overview", "threat-overview"]
    assert listed["pages"]["items"] == 4
    types = call("get", "widget-types", admin).json()
    assert [t["type"] for t in types["items"]] == list(WIDGET_TYPES)

    created = call("post", "dashboards", admin, FRONT_DESK)
    assert created.status_code == 201, created.content
    board = created.json()
    assert (board["kind"], board["version"], len(board["widgets"])) == ("custom", 1, 2)
    assert Dashboard.objects.get(uuid=board["id"]).customer == customer

    moved = [{"id": w["id"], "x": w["x"], "y": 1, "w": w["w"], "h": 1} for w in board["widgets"]]
    changed = call("patch", f"dashboards/{board['id']}", admin, {"widgets": moved, "version": 1})
    assert changed.status_code == 200, changed.content
    assert [w["y"] for w in changed.json()["widgets"]] == [1, 1]

    stale = call("patch", f"dashboards/{board['id']}", admin, {"name": "Late", "version": 1})
    assert stale.status_code == 409 and stale.json()["message"] == STALE
    assert Dashboard.objects.get(uuid=board["id"]).name == "Front desk"

    event = AuditEvent.objects.filter(action="dashboard.created").get()
    assert event.customer_id == customer.pk and "admin script" in event.actor_label

    assert call("delete", f"dashboards/{board['id']}", admin).status_code == 204
    assert not Dashboard.objects.filter(customer=customer).exists()


def test_x1_read_only_tenant_credential_reads_and_exports_but_cannot_edit(
    customer: Customer,
) -> None:
    reader = tenant_client(customer, "read_only")
    assert call("get", "dashboards", reader).status_code == 200
    refused = call("post", "dashboards", reader, FRONT_DESK)
    assert refused.status_code == 403, refused.content
    assert not Dashboard.objects.exists()
    started = call("post", "dashboards/device-health/export", reader)
    assert started.status_code == 202, started.content


def test_x2_export_of_a_builtin_downloads_under_tenant(customer: Customer) -> None:
    admin = tenant_client(customer)
    started = call("post", "dashboards/device-health/export", admin)
    assert started.status_code == 202, started.content
    export = started.json()
    assert export["status"] == "done", export  # 3 widgets: drawn in the request
    assert export["downloadUrl"] == f"/partnerdesk/v1/tenant/exports/{export['id']}/pdf"
    status = call("get", f"exports/{export['id']}", admin).json()
    assert (status["status"], status["progress"], status["customerId"]) == (
        "done",
        100,
        str(customer.uuid),
    )
    pdf = Client().get(export["downloadUrl"], headers=admin)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")


def test_x2_overview_export_is_refused_for_the_tenant_too(customer: Customer) -> None:
    response = call("post", "dashboards/overview/export", tenant_client(customer))
    assert response.status_code == 409
    assert response.json()["message"] == OVERVIEW_NOT_EXPORTABLE
    assert not DashboardExport.objects.exists()


def test_s1_another_tenants_dashboards_and_exports_answer_as_missing(
    customer: Customer, partner: Partner
) -> None:
    other = CustomerFactory(partner=partner, show_as="Other Clinic", partner_assistance=True)
    theirs = call("post", "dashboards", tenant_client(other), FRONT_DESK).json()
    their_export = call("post", "dashboards/device-health/export", tenant_client(other)).json()
    mine = tenant_client(customer)
    for method, path in (
        ("get", f"dashboards/{theirs['id']}"),
        ("patch", f"dashboards/{theirs['id']}"),
        ("delete", f"dashboards/{theirs['id']}"),
        ("post", f"dashboards/{theirs['id']}/export"),
        ("get", f"exports/{their_export['id']}"),
        ("get", f"exports/{their_export['id']}/pdf"),
    ):
        body = {"name": "Mine now"} if method == "patch" else None
        response = call(method, path, mine, body)
        assert response.status_code == 404, (method, path, response.content)
    assert Dashboard.objects.get(uuid=theirs["id"]).name == "Front desk"
    assert DashboardExport.objects.filter(customer=customer).count() == 0
    # Naming the other tenant in the header does not help either.
    pointed = call("get", "dashboards", {**mine, "X-Tenant-ID": str(other.uuid)})
    assert pointed.status_code == 404


def test_a5_partner_credentials_are_refused_the_tenant_routes(
    partner: Partner, customer: Customer
) -> None:
    new = credential_create_for_partner(
        partner=partner, name="Partner script", role=PartnerRole.SUPER_ADMIN
    )
    token = get_token(Client(), new.client_id, new.client_secret).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Tenant-ID": str(customer.uuid)}
    for method, path in (("get", "dashboards"), ("post", "dashboards/device-health/export")):
        response = call(method, path, headers)
        assert response.status_code == 403, (path, response.content)
    assert not DashboardExport.objects.exists()
