"""B-5: the billing-usage report — page, CSV and `GET /partner/v1/billing/usage/{year}/{month}`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client

from partnerdesk.accounts.models import User
from partnerdesk.billing.models import DailyUsage
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import Product
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser, _clear_cache, api_user, make_api_user
from tests.factories import CustomerFactory, product

__all__ = ["_clear_cache", "api_user", "make_api_user"]

URL = "/partner/v1/billing/usage/2026/11"
PAGE = "/billing/usage/"
ERROR_KEYS = {"error", "message", "correlationId", "requestId", "createdAt"}
ITEM_KEYS = {
    "account",
    "product",
    "billableQuantity",
    "actualQuantity",
    "billingPeriod",
    "orderNumber",
}


def usage(customer: Customer, prod: Product, day: dt.date, devices: int) -> None:
    DailyUsage.objects.create(
        partner_id=customer.partner_id, customer=customer, product=prod, day=day, devices=devices
    )


@pytest.fixture
def seeded(partner: Partner, other_partner: Partner) -> list[Customer]:
    endpoint = product("endpoint", code="endpoint-test")
    server = product("server", code="server-test")
    customers = [
        CustomerFactory(partner=partner, billing_type="usage", show_as=f"Usage {n}")
        for n in range(3)
    ]
    customers[2].managed_order = True
    customers[2].save()
    for c in customers:
        usage(c, endpoint, dt.date(2026, 11, 1), 5)
        usage(c, endpoint, dt.date(2026, 11, 15), 9)
        usage(c, endpoint, dt.date(2026, 11, 30), 6)
        usage(c, server, dt.date(2026, 11, 30), 2)
        usage(c, endpoint, dt.date(2026, 12, 1), 50)  # next month, not counted
    foreign = CustomerFactory(partner=other_partner, billing_type="usage", show_as="Foreign")
    usage(foreign, endpoint, dt.date(2026, 11, 30), 99)
    return customers


def test_b5_api_items_have_the_exact_keys_and_quantities(
    seeded: list[Customer], api_user: ApiUser
) -> None:
    response = api_user.get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"items", "pages"}
    assert body["pages"] == {"nextKey": None, "size": 50, "maxSize": 100}
    assert len(body["items"]) == 6
    first = body["items"][0]
    assert set(first) == ITEM_KEYS
    assert first == {
        "account": {"id": str(seeded[0].uuid), "name": "Usage 0"},
        "product": {"code": "endpoint-test", "name": "Endpoint Test"},
        "billableQuantity": 9,
        "actualQuantity": 6,
        "billingPeriod": {"from": "2026-11-01", "to": "2026-11-30"},
        "orderNumber": None,
    }
    assert "Foreign" not in response.content.decode()


def test_b5_api_pages_with_page_from_key(seeded: list[Customer], api_user: ApiUser) -> None:
    seen: list[tuple[str, str]] = []
    key = None
    calls = 0
    while True:
        params = {"pageSize": 4} | ({"pageFromKey": key} if key else {})
        body = api_user.get(URL, params).json()
        seen += [(i["account"]["id"], i["product"]["code"]) for i in body["items"]]
        key = body["pages"]["nextKey"]
        calls += 1
        if key is None:
            break
    assert calls == 2
    assert len(seen) == len(set(seen)) == 6


def test_b5_api_month_without_data_is_404_with_the_error_shape(
    seeded: list[Customer], api_user: ApiUser
) -> None:
    response = api_user.get("/partner/v1/billing/usage/2026/10")
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/partner/v1/billing/usage/2026/13", {}),
        (URL, {"pageFromKey": "nonsense"}),
        (URL, {"pageSize": 101}),
    ],
)
def test_b5_api_bad_input_is_400(
    seeded: list[Customer], api_user: ApiUser, path: str, params: dict[str, object]
) -> None:
    response = api_user.get(path, params)
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS


def test_s1_another_partners_credential_gets_nothing(
    seeded: list[Customer], other_partner: Partner, make_api_user: Callable[..., ApiUser]
) -> None:
    other = make_api_user(other_partner)
    body = other.get(URL).json()
    assert [i["account"]["name"] for i in body["items"]] == ["Foreign"]
    # Naming our partner in X-Partner-ID is refused.
    response = other.get(URL, **{"X-Partner-ID": str(seeded[0].partner_id)})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (PartnerRole.BUSINESS_ADMIN, 200),
        (PartnerRole.ADMIN, 403),
        (PartnerRole.HELP_DESK, 403),
        (PartnerRole.READ_ONLY, 403),
    ],
)
def test_b5_api_only_super_and_business_admins(
    seeded: list[Customer],
    partner: Partner,
    make_api_user: Callable[..., ApiUser],
    role: PartnerRole,
    status: int,
) -> None:
    assert make_api_user(partner, role).get(URL).status_code == status


def test_b5_report_page_lines_and_totals_per_product(
    seeded: list[Customer], super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).get(PAGE, {"month": "2026-11"})
    assert response.status_code == 200
    page, totals = response.context["page"], response.context["totals"]
    assert len(page.lines) == 6
    got = {(t.code, t.billable, t.actual, t.customers) for t in totals}
    assert got == {("endpoint-test", 27, 18, 3), ("server-test", 6, 6, 3)}
    html = response.content.decode()
    assert "Usage 0" in html and "Foreign" not in html
    assert 'title="Managed customer order">$' in html
    assert "Billing report" in html


def test_b5_report_page_empty_month_says_so(
    seeded: list[Customer], super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).get(PAGE, {"month": "2026-10"})
    assert response.status_code == 200
    assert "No usage was recorded in October 2026" in response.content.decode()


def test_b5_report_page_bad_month_is_a_readable_400(
    seeded: list[Customer], super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).get(PAGE, {"month": "2026-13"})
    assert response.status_code == 400
    assert "2026-11" in response.content.decode()


def test_b5_csv_export_has_the_exact_columns(
    seeded: list[Customer], super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).get(PAGE + "export.csv", {"month": "2026-11"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="billing-usage-2026-11.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Account ID",
        "Account name",
        "Product code",
        "Product name",
        "Billable quantity",
        "Actual quantity",
        "Billing period start",
        "Billing period end",
        "Order number",
    ]
    assert rows[1] == [
        str(seeded[0].uuid),
        "Usage 0",
        "endpoint-test",
        "Endpoint Test",
        "9",
        "6",
        "2026-11-01",
        "2026-11-30",
        "",
    ]
    assert len(rows) == 7


def test_b5_csv_for_a_month_without_data_is_404(
    seeded: list[Customer], super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(super_admin).get(PAGE + "export.csv", {"month": "2026-10"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_b5_page_and_csv_refused_below_business_admin(
    seeded: list[Customer],
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    role: PartnerRole,
) -> None:
    client = client_for(make_user(partner, role))
    assert client.get(PAGE, {"month": "2026-11"}).status_code == 403
    assert client.get(PAGE + "export.csv", {"month": "2026-11"}).status_code == 403
    assert "Billing report" not in client.get("/audit/").content.decode()


def test_b5_business_admin_sees_the_page(
    seeded: list[Customer],
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(make_user(partner, PartnerRole.BUSINESS_ADMIN))
    assert client.get(PAGE, {"month": "2026-11"}).status_code == 200


def test_s1_another_partners_user_sees_none_of_our_lines(
    seeded: list[Customer],
    other_partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(make_user(other_partner, PartnerRole.SUPER_ADMIN))
    html = client.get(PAGE, {"month": "2026-11"}).content.decode()
    assert "Foreign" in html and "Usage 0" not in html
    csv_text = b"".join(
        client.get(PAGE + "export.csv", {"month": "2026-11"}).streaming_content
    ).decode()
    assert "Usage 0" not in csv_text


def test_b5_anonymous_is_sent_to_sign_in(seeded: list[Customer]) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
