"""A-2, A-3: tenants, admins, roles and licenses, object by object and key by key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerdesk.accounts.models import User
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import License
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser
from tests.factories import CustomerFactory, license_for, product

TENANT_KEYS = {
    "id",
    "showAs",
    "name",
    "dataGeography",
    "dataRegion",
    "billingType",
    "partner",
    "organization",
    "apiHost",
    "status",
    "contact",
}
CONTACT_KEYS = {"firstName", "lastName", "email", "phone", "mobile", "fax", "address"}
ADDRESS_KEYS = {"address1", "address2", "address3", "city", "state", "countryCode", "postalCode"}
ERROR_KEYS = {"error", "message", "correlationId", "requestId", "createdAt"}


@pytest.fixture
def customers(partner: Partner) -> list[Customer]:
    return CustomerFactory.create_batch(120, partner=partner)


def test_tenant_object_has_exactly_the_keys_of_a2(
    api_user: ApiUser, customers: list[Customer]
) -> None:
    c = customers[0]
    body = api_user.get(f"/partner/v1/tenants/{c.uuid}", Host="localhost:8123").json()
    assert set(body) == TENANT_KEYS
    assert set(body["contact"]) == CONTACT_KEYS
    assert set(body["contact"]["address"]) == ADDRESS_KEYS
    assert set(body["partner"]) == {"id"}
    assert body["id"] == str(c.uuid)
    assert body["showAs"] == c.show_as
    assert body["name"] == c.legal_name
    assert body["dataRegion"] == "eu01"
    assert body["dataGeography"] == "IE"
    assert body["billingType"] == "term"
    assert body["partner"] == {"id": str(api_user.partner.pk)}
    assert body["organization"] is None
    assert body["apiHost"] == "http://localhost:8123"
    assert body["status"] == "active"
    assert body["contact"]["email"] == "ada@example.com"
    assert body["contact"]["mobile"] is None
    assert body["contact"]["address"]["countryCode"] == "GB"


def test_tenant_list_pages_as_a2(api_user: ApiUser, customers: list[Customer]) -> None:
    first = api_user.get("/partner/v1/tenants", {"pageTotal": "true"}).json()
    assert set(first) == {"items", "pages"}
    assert first["pages"] == {"current": 1, "size": 50, "maxSize": 100, "total": 3, "items": 120}
    assert all(set(t) == TENANT_KEYS for t in first["items"])
    # Without pageTotal, `total` and `items` are absent (not null).
    second = api_user.get("/partner/v1/tenants", {"page": 2}).json()
    assert second["pages"] == {"current": 2, "size": 50, "maxSize": 100}
    last = api_user.get("/partner/v1/tenants", {"page": 3}).json()
    assert len(last["items"]) == 20
    seen = [t["id"] for p in (first, second, last) for t in p["items"]]
    assert sorted(seen) == sorted(str(c.uuid) for c in customers)
    beyond = api_user.get("/partner/v1/tenants", {"page": 4}).json()
    assert beyond["items"] == []


def test_page_size_up_to_100_and_larger_refused(
    api_user: ApiUser, customers: list[Customer]
) -> None:
    body = api_user.get("/partner/v1/tenants", {"pageSize": 100, "pageTotal": "true"}).json()
    assert len(body["items"]) == 100
    assert body["pages"]["total"] == 2
    for bad in ({"pageSize": 101}, {"pageSize": 0}, {"page": 0}, {"page": "x"}):
        response = api_user.get("/partner/v1/tenants", bad)
        assert response.status_code == 400
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["error"] == "badRequest"


def test_tenant_list_query_count_does_not_grow_with_the_page(
    api_user: ApiUser, customers: list[Customer]
) -> None:
    api_user.get("/partner/v1/tenants")  # the rate-limit window exists from here on
    counts = []
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            api_user.get("/partner/v1/tenants", {"pageTotal": "true", "pageSize": size})
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # token, page, count, and the rate-limit counter in the database cache.
    assert counts[1] <= 10


def test_x_partner_id_must_match(api_user: ApiUser, other_partner: Partner) -> None:
    for forged in (other_partner.pk, "999999", "nonsense"):
        response = api_user.client.get(
            "/partner/v1/tenants", headers=api_user.partner_headers(forged)
        )
        assert response.status_code == 403
        assert set(response.json()) == ERROR_KEYS
    missing = api_user.client.get("/partner/v1/tenants", headers=api_user.headers())
    assert missing.status_code == 400


def test_create_trial_tenant(api_user: ApiUser) -> None:
    product("endpoint", code="endpoint-advanced")
    body = {
        "name": "Cedar Dental Ltd",
        "showAs": "Cedar Dental",
        "dataGeography": "DE",
        "billingType": "trial",
        "contact": {"firstName": "Aoife", "email": "aoife@cedar.example"},
        "products": [{"code": "endpoint-advanced"}],
    }
    response = api_user.post("/partner/v1/tenants", body)
    assert response.status_code == 201, response.content
    tenant = response.json()
    assert set(tenant) == TENANT_KEYS
    assert tenant["billingType"] == "trial"
    assert tenant["dataRegion"] == "eu02"
    customer = Customer.objects.get(uuid=tenant["id"])
    assert customer.partner_assistance is True
    lic = License.objects.get(customer=customer)
    assert lic.license_type == "trial"
    assert lic.ends_on - lic.starts_on == dt.timedelta(days=30)
    assert lic.starts_on == timezone.localdate()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"billingType": "usage"}, "badRequest"),  # B-2: contact details are required
        ({"billingType": "term"}, "billingTypeNotSupported"),
        ({"products": [{"code": "nope"}]}, "badRequest"),
        ({"products": []}, "badRequest"),
        ({"dataRegion": "xx01"}, "badRequest"),
        ({"contact": {"email": "not-an-email"}}, "badRequest"),
        ({"name": ""}, "badRequest"),
    ],
)
def test_create_tenant_refusals_change_nothing(api_user: ApiUser, change: dict, error: str) -> None:
    product("endpoint", code="endpoint-advanced")
    body = {
        "name": "Cedar Dental Ltd",
        "dataRegion": "eu01",
        "billingType": "trial",
        "products": [{"code": "endpoint-advanced"}],
    } | change
    response = api_user.post("/partner/v1/tenants", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert Customer.objects.count() == 0


def test_admins_and_roles(
    api_user: ApiUser, make_user: Callable[..., User], other_partner: Partner
) -> None:
    mine = make_user(api_user.partner)
    make_user(other_partner)
    admins = api_user.get("/partner/v1/admins", {"pageTotal": "true"}).json()
    assert [a["id"] for a in admins["items"]] == [str(mine.pk)]
    assert set(admins["items"][0]) == {"id", "profile", "roleAssignments"}
    assert admins["pages"]["items"] == 1
    one = api_user.get(f"/partner/v1/admins/{mine.pk}").json()
    assert one["roleAssignments"] == [{"roleId": "super_admin", "roleName": "Super Admin"}]
    roles = api_user.get("/partner/v1/roles").json()
    assert {r["id"] for r in roles["items"]} == {
        "super_admin",
        "admin",
        "help_desk",
        "read_only",
        "business_admin",
    }
    assert all(
        set(r) == {"id", "name", "description", "type", "principalType"} for r in roles["items"]
    )


def test_licenses_of_a_tenant(api_user: ApiUser, customers: list[Customer]) -> None:
    c = customers[0]
    license_for(c, ends_in=10)
    license_for(c, category="server", license_type="usage")
    response = api_user.client.get(
        "/licenses/v1/licenses", headers=api_user.headers(**{"X-Tenant-ID": str(c.uuid)})
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["state"] for i in items] == ["expiring", "active"]
    assert set(items[0]) == {
        "id",
        "licenseIdentifier",
        "product",
        "startDate",
        "endDate",
        "perpetual",
        "type",
        "quantity",
        "state",
    }
    assert items[1]["endDate"] is None and items[1]["quantity"] is None


def test_rate_limit_headers_and_429(api_user: ApiUser, settings: object) -> None:
    settings.API_RATE_LIMIT = 3  # type: ignore[attr-defined]
    # A long window, so that no window boundary falls between the calls of the test.
    settings.API_RATE_WINDOW_SECONDS = 3600  # type: ignore[attr-defined]
    remaining = []
    for _ in range(3):
        response = api_user.client.get("/whoami/v1", headers=api_user.headers())
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3"
        assert 1 <= int(response["RateLimit-Reset"]) <= 3600
        assert response["RateLimit-Policy"] == "3;w=3600"
        remaining.append(response["RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    refused = api_user.client.get("/whoami/v1", headers=api_user.headers())
    assert refused.status_code == 429
    assert set(refused.json()) == ERROR_KEYS
    assert refused.json()["error"] == "tooManyRequests"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused["RateLimit-Remaining"] == "0"


def test_rate_limit_is_per_credential(
    api_user: ApiUser, make_api_user: Callable[..., ApiUser], settings: object
) -> None:
    other = make_api_user(api_user.partner)
    settings.API_RATE_LIMIT = 1  # type: ignore[attr-defined]
    settings.API_RATE_WINDOW_SECONDS = 3600  # type: ignore[attr-defined]
    assert api_user.client.get("/whoami/v1", headers=api_user.headers()).status_code == 200
    assert api_user.client.get("/whoami/v1", headers=api_user.headers()).status_code == 429
    assert other.client.get("/whoami/v1", headers=other.headers()).status_code == 200


def test_errors_carry_the_callers_correlation_id(api_user: ApiUser) -> None:
    response = api_user.get("/partner/v1/tenants/nope", **{"X-Correlation-ID": "abc-123"})
    assert response.status_code == 404
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["correlationId"] == "abc-123"
    assert body["createdAt"].endswith("Z")


def test_calls_without_a_token_are_limited_per_address(api_user: ApiUser, settings: object) -> None:
    settings.API_RATE_LIMIT = 2  # type: ignore[attr-defined]
    settings.API_RATE_WINDOW_SECONDS = 3600  # type: ignore[attr-defined]
    anonymous = Client()
    first = anonymous.post("/api/v2/oauth2/token", {"grant_type": "client_credentials"})
    assert first.status_code == 400
    assert first["RateLimit-Remaining"] == "1"
    refused_token = anonymous.get("/whoami/v1", headers={"Authorization": "Bearer nope"})
    assert refused_token.status_code == 401
    assert refused_token["RateLimit-Remaining"] == "0"
    third = anonymous.post("/api/v2/oauth2/token", {"grant_type": "client_credentials"})
    assert third.status_code == 429
    assert third["Retry-After"]
    # The credential's own budget is separate.
    assert api_user.client.get("/whoami/v1", headers=api_user.headers()).status_code == 200


def test_trial_created_through_the_api_is_audited_as_the_credential(api_user: ApiUser) -> None:
    from partnerdesk.audit.models import AuditEvent

    product("endpoint", code="endpoint-advanced")
    body = {
        "name": "Audit Trail Ltd",
        "dataRegion": "eu01",
        "billingType": "trial",
        "products": [{"code": "endpoint-advanced"}],
    }
    assert api_user.post("/partner/v1/tenants", body).status_code == 201
    event = AuditEvent.objects.get(action="customer.created")
    assert event.credential_id == api_user.credential_pk
    assert event.actor_kind == "credential"
    assert event.after is not None
    assert event.after["trial_products"] == ["endpoint-advanced"]
