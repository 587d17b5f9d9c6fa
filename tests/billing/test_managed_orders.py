# ruff: noqa: F811  (fixtures imported from tests.compat.conftest)
"""Managed customer orders (B-6, C-8): service, page, details, API, report (B-5), S-1..S-3."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnerdesk.accounts.models import User
from partnerdesk.audit.models import AuditEvent
from partnerdesk.billing import orders
from partnerdesk.billing.models import DailyUsage, ManagedOrder
from partnerdesk.billing.orders import Subscription, managed_order_create
from partnerdesk.billing.report import Month, usage_report_page
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.customers.trials import TrialRequest
from partnerdesk.licensing.models import License
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser, _clear_cache, api_user, make_api_user  # noqa: F401
from tests.factories import product

PAGE = reverse("billing:managed_order")
API = "/partnerdesk/v1/managed-orders"
ERROR_KEYS = {"error", "message", "correlationId", "requestId", "createdAt"}
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=10)
END = TODAY + dt.timedelta(days=355)


def actor_of(user: User) -> Actor:
    return Actor(
        partner_id=user.partner_id,
        role=user.role,
        user_id=user.pk,
        display_name=user.username,
        address="192.0.2.10",
    )


def details(**change: Any) -> TrialRequest:
    values: dict[str, Any] = {
        "show_as": "Cedar Dental",
        "legal_name": "Cedar Dental Ltd",
        "data_region": "eu01",
        "contact": {"contact_email": "aoife@cedar.example", "country_code": "ie"},
    }
    return TrialRequest(**(values | change))


def subs(*codes: str, quantity: int = 250) -> list[Subscription]:
    return [Subscription(code, quantity, START, END) for code in codes]


def create(user: User, **change: Any) -> ManagedOrder:
    values: dict[str, Any] = {
        "details": details(),
        "order_number": "PO-1",
        "subscriptions": subs("endpoint-test", "server-test"),
    }
    return managed_order_create(actor=actor_of(user), **(values | change))


def nothing_written() -> bool:
    return not (
        Customer.objects.exists()
        or ManagedOrder.objects.exists()
        or License.objects.exists()
        or AuditEvent.objects.filter(action="managed_order.created").exists()
    )


PAGE_POST = {
    "show_as": "Cedar Dental",
    "legal_name": "Cedar Dental Ltd",
    "data_region": "eu01",
    "email": "aoife@cedar.example",
    "order_number": "PO-7",
    "sub-1-product": "endpoint-test",
    "sub-1-quantity": "250",
    "sub-1-starts_on": START.isoformat(),
    "sub-1-ends_on": END.isoformat(),
    "sub-3-product": "server-test",
    "sub-3-quantity": "20",
    "sub-3-starts_on": START.isoformat(),
    "sub-3-ends_on": END.isoformat(),
}
API_BODY: dict[str, Any] = {
    "showAs": "Cedar Dental",
    "name": "Cedar Dental Ltd",
    "dataRegion": "eu01",
    "orderNumber": "PO-9",
    "subscriptions": [
        {
            "productCode": "endpoint-test",
            "quantity": 250,
            "startsOn": START.isoformat(),
            "endsOn": END.isoformat(),
        }
    ],
}


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for category in ("endpoint", "server", "email"):
        product(category)


# --- B-6 creation ---------------------------------------------------------------------------


def test_b6_creates_customer_order_and_term_licenses(super_admin: User) -> None:
    order = create(super_admin)
    customer = order.customer
    assert (customer.billing_type, customer.partner_assistance, customer.managed_order) == (
        "term",
        True,
        True,
    )
    assert customer.contact_email == "aoife@cedar.example"
    assert (order.order_number, order.partner_id, order.created_by_id) == (
        "PO-1",
        super_admin.partner_id,
        super_admin.pk,
    )
    licenses = sorted(
        License.objects.filter(customer=customer).values_list(
            "product__code", "license_type", "quantity", "starts_on", "ends_on", "source_order"
        )
    )
    assert licenses == [
        ("endpoint-test", "term", 250, START, END, "PO-1"),
        ("server-test", "term", 250, START, END, "PO-1"),
    ]
    event = AuditEvent.objects.get(action="managed_order.created")
    assert event.after["order_number"] == "PO-1"
    assert len(event.after["subscriptions"]) == 2


def test_b6_business_admin_may_create(make_user: Callable[..., User], partner: Partner) -> None:
    order = create(make_user(partner, PartnerRole.BUSINESS_ADMIN))
    assert order.customer.managed_order


def test_b6_page_creates_and_details_show_order_and_license_state(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(super_admin)
    listing = client.get(reverse("customers:list")).content.decode()
    assert "Create managed order" in listing
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, PAGE_POST)  # rows 2, 4 and 5 blank: ignored
    assert response.status_code == 302, response.content.decode()
    customer = Customer.objects.get()
    assert response["Location"] == reverse("customers:detail", args=[customer.uuid])
    detail = client.get(response["Location"]).content.decode()
    assert "Managed order PO-7 created for Cedar Dental." in detail
    assert "Managed order PO-7" in detail
    assert 'class="tag-dollar"' in detail
    assert detail.count("Order PO-7") == 2  # the Source column of both subscriptions
    assert detail.count('class="pill pill-active"') >= 2  # each subscription's license state
    # C-1 / C-8: the "$" tag in the Customers list.
    listing = client.get(reverse("customers:list")).content.decode()
    assert "Cedar Dental" in listing
    assert 'class="tag-dollar"' in listing


# --- refusals, each by its message -----------------------------------------------------------


def test_b6_refused_outside_msp_flex_connect(
    other_partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    user = make_user(other_partner)
    with pytest.raises(PermissionDenied, match="MSP Flex Connect program") as refused:
        create(user)
    assert refused.value.code == "notMspFlexConnect"
    client = client_for(user)
    assert client.get(PAGE).status_code == 403
    assert "MSP Flex Connect" in client.get(PAGE).content.decode()
    assert client.post(PAGE, PAGE_POST).status_code == 403
    assert "Create managed order" not in client.get(reverse("customers:list")).content.decode()
    assert nothing_written()


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_b6_roles_not_allowed(
    role: PartnerRole,
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    user = make_user(partner, role)
    with pytest.raises(PermissionDenied):
        create(user)
    client = client_for(user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, PAGE_POST).status_code == 403
    assert "Create managed order" not in client.get(reverse("customers:list")).content.decode()
    assert nothing_written()


def test_b6_duplicate_order_number_refused(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    create(super_admin)
    with pytest.raises(Conflict, match="Order number PO-1 is already used") as refused:
        create(super_admin, details=details(show_as="Other"))
    assert refused.value.code == "orderNumberTaken"
    response = client_for(super_admin).post(PAGE, PAGE_POST | {"order_number": " PO-1 "})
    assert response.status_code == 409
    assert "Order number PO-1 is already used" in response.content.decode()
    assert Customer.objects.count() == ManagedOrder.objects.count() == 1


def test_b6_same_order_number_allowed_for_another_partner(
    super_admin: User, other_partner: Partner, make_user: Callable[..., User]
) -> None:
    Partner.objects.filter(pk=other_partner.pk).update(msp_flex_connect=True)
    create(super_admin)
    create(make_user(other_partner))
    assert ManagedOrder.objects.filter(order_number="PO-1").count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"order_number": "  "}, "'orderNumber' is required."),
        ({"order_number": "P" * 61}, "'orderNumber' is at most 60 characters"),
        ({"subscriptions": []}, "Add at least one subscription"),
        ({"subscriptions": subs(*["endpoint-test"] * 21)}, "at most 20 subscriptions"),
        ({"subscriptions": subs("nope")}, "Subscription 1: unknown product code 'nope'."),
        ({"subscriptions": subs("endpoint-test", quantity=0)}, "from 1 to 100,000"),
        ({"subscriptions": subs("endpoint-test", quantity=100_001)}, "from 1 to 100,000"),
        (
            {"subscriptions": subs("server-test", "endpoint-test", "server-test")},
            "Subscription 3: Server Test is already in this order",
        ),
        (
            {"subscriptions": [Subscription("endpoint-test", 5, END, START)]},
            "the start is after the end",
        ),
        (
            {"subscriptions": [Subscription("endpoint-test", 5, START, TODAY - dt.timedelta(1))]},
            "the end is in the past",
        ),
        ({"details": details(show_as="")}, "'showAs' is required."),
        ({"details": details(data_region="")}, "Give 'dataRegion'"),
        (
            {"details": details(contact={"contact_email": "not-an-email"})},
            "'email' is not an email address.",
        ),
    ],
)
def test_b6_bad_input_refused_by_message(
    super_admin: User, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create(super_admin, **change)
    assert message in refused.value.message
    assert nothing_written()


def test_b6_page_refuses_malformed_row_and_missing_details(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(super_admin)
    response = client.post(PAGE, PAGE_POST | {"sub-1-quantity": "many"})
    assert response.status_code == 400
    assert "Row 1: give a product, a whole-number quantity" in response.content.decode()
    response = client.post(PAGE, PAGE_POST | {"show_as": ""})
    assert response.status_code == 400
    assert "&#x27;showAs&#x27; is required." in response.content.decode()
    response = client.post(PAGE, {k: v for k, v in PAGE_POST.items() if "sub-" not in k})
    assert response.status_code == 400
    assert "Add at least one subscription" in response.content.decode()
    assert nothing_written()


# --- S-2 / S-3: atomic with its audit event -----------------------------------------------------


def test_b6_s3_nothing_written_when_the_audit_write_fails(
    super_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(orders, "audit_record", broken)
    with pytest.raises(RuntimeError):
        create(super_admin)
    assert nothing_written()


# --- the API ------------------------------------------------------------------------------


def test_b6_api_creates_the_order(api_user: ApiUser) -> None:
    response = api_user.post(API, API_BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "showAs",
        "billingType",
        "partnerAssistance",
        "managedOrder",
        "orderNumber",
        "licenses",
        "message",
    }
    assert (body["billingType"], body["partnerAssistance"], body["managedOrder"]) == (
        "term",
        True,
        True,
    )
    assert body["orderNumber"] == "PO-9"
    assert body["licenses"] == [
        {
            "id": body["licenses"][0]["id"],
            "productCode": "endpoint-test",
            "productName": "Endpoint Test",
            "type": "term",
            "quantity": 250,
            "startsOn": START.isoformat(),
            "endsOn": END.isoformat(),
        }
    ]
    assert Customer.objects.get().uuid.hex == body["id"].replace("-", "")


def test_b6_api_refusals_have_the_error_shape(
    api_user: ApiUser, other_partner: Partner, make_api_user: Callable[..., ApiUser]
) -> None:
    assert api_user.post(API, API_BODY).status_code == 201
    again = api_user.post(API, API_BODY | {"showAs": "Another"})
    assert again.status_code == 409
    assert set(again.json()) == ERROR_KEYS
    assert again.json()["error"] == "orderNumberTaken"
    bad = api_user.post(API, API_BODY | {"orderNumber": "PO-10", "subscriptions": []})
    assert bad.status_code == 400
    assert set(bad.json()) == ERROR_KEYS
    outsider = make_api_user(other_partner)
    refused = outsider.post(API, API_BODY | {"orderNumber": "PO-11"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "notMspFlexConnect"
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_b6_api_roles_not_allowed(
    role: PartnerRole, partner: Partner, make_api_user: Callable[..., ApiUser]
) -> None:
    response = make_api_user(partner, role).post(API, API_BODY)
    assert response.status_code == 403
    assert set(response.json()) == ERROR_KEYS
    assert nothing_written()


# --- S-1: isolation ----------------------------------------------------------------------------


def test_b6_s1_other_partner_cannot_see_or_create_for_this_partner(
    super_admin: User,
    partner: Partner,
    other_partner: Partner,
    make_user: Callable[..., User],
    make_api_user: Callable[..., ApiUser],
    client_for: Callable[[User], Client],
) -> None:
    Partner.objects.filter(pk=other_partner.pk).update(msp_flex_connect=True)
    order = create(super_admin)
    outsider_user = make_user(other_partner)
    outsider = client_for(outsider_user)
    detail = reverse("customers:detail", args=[order.customer.uuid])
    assert outsider.get(detail).status_code == 404
    assert "Cedar Dental" not in outsider.get(reverse("customers:list")).content.decode()
    # A credential of the other partner cannot name this partner.
    foreign = make_api_user(other_partner)
    forged = foreign.post(API, API_BODY, **{"X-Partner-ID": str(partner.pk)})
    assert forged.status_code == 403
    # What the other partner creates is its own.
    assert outsider.post(PAGE, PAGE_POST).status_code == 302
    theirs = Customer.objects.get(show_as="Cedar Dental", partner=other_partner)
    assert ManagedOrder.objects.get(customer=theirs).partner_id == other_partner.pk
    assert Customer.objects.filter(partner=partner).count() == 1


# --- B-5: the billing report carries the order number -------------------------------------------


def test_b5_report_lines_carry_the_order_number(super_admin: User) -> None:
    order = create(super_admin)
    day = dt.date(2026, 11, 30)
    prod = License.objects.filter(customer=order.customer).first()
    assert prod is not None
    DailyUsage.objects.create(
        partner_id=order.partner_id,
        customer=order.customer,
        product_id=prod.product_id,
        day=day,
        devices=3,
    )
    page = usage_report_page(actor=actor_of(super_admin), month=Month(2026, 11))
    assert [(line.managed_order, line.order_number) for line in page.lines] == [(True, "PO-1")]
