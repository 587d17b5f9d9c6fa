"""A-7 / B-4: device check-in with a customer's enrollment token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from partnerdesk.console.models import Device, DeviceDay, EnrollmentToken
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser, _clear_cache, api_user, make_api_user
from tests.console.helpers import check_in, device, enrollment_secret
from tests.factories import CustomerFactory, product

__all__ = ["_clear_cache", "api_user", "make_api_user"]


@pytest.fixture
def customer(partner: Partner) -> Customer:
    product("endpoint", code="endpoint-test")
    product("server", code="server-test")
    return CustomerFactory(partner=partner, billing_type="usage")


@pytest.fixture
def secret(customer: Customer) -> str:
    return enrollment_secret(customer)


def _nothing_written() -> None:
    assert Device.objects.count() == 0
    assert DeviceDay.objects.count() == 0


def test_a7_single_device_check_in_records_device_and_todays_products(
    customer: Customer, secret: str
) -> None:
    response = check_in(secret, device(1, products=["endpoint-test", "server-test"]))
    assert response.status_code == 200, response.content
    assert response.json() == {"customerId": str(customer.uuid), "created": 1, "updated": 0}
    d = Device.objects.get()
    assert (d.customer_id, d.partner_id, d.hostname, d.os, d.health) == (
        customer.pk,
        customer.partner_id,
        "pc-0001",
        "Windows 11",
        "good",
    )
    assert d.products == ["endpoint-test", "server-test"]
    today = timezone.now().astimezone(dt.UTC).date()
    assert set(DeviceDay.objects.values_list("day", "product__code")) == {
        (today, "endpoint-test"),
        (today, "server-test"),
    }


def test_a7_batch_check_in_is_idempotent_on_device_id(customer: Customer, secret: str) -> None:
    batch = {"devices": [device(n) for n in range(1, 4)]}
    assert check_in(secret, batch).json()["created"] == 3
    batch["devices"][0]["hostname"] = "renamed"
    again = check_in(secret, batch)
    assert again.status_code == 200
    assert again.json() == {"customerId": str(customer.uuid), "created": 0, "updated": 3}
    assert Device.objects.count() == 3
    assert DeviceDay.objects.count() == 3
    assert Device.objects.get(device_id="agent-0001").hostname == "renamed"


def test_a7_batch_with_one_bad_device_is_refused_whole_and_names_it(secret: str) -> None:
    batch = {"devices": [device(1), device(2, hostname=""), device(3)]}
    response = check_in(secret, batch)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "message", "correlationId", "requestId", "createdAt"}
    assert "devices[1].hostname" in body["message"]
    _nothing_written()


def test_a7_unknown_product_refused_naming_the_entry(secret: str) -> None:
    batch = {"devices": [device(1), device(2), device(3, products=["no-such-product"])]}
    response = check_in(secret, batch)
    assert response.status_code == 400
    assert "devices[2].products" in response.json()["message"]
    assert "no-such-product" in response.json()["message"]
    _nothing_written()


def test_a7_duplicate_device_id_in_one_batch_refused(secret: str) -> None:
    response = check_in(secret, {"devices": [device(1), device(1)]})
    assert response.status_code == 400
    assert "devices[1].deviceId" in response.json()["message"]
    _nothing_written()


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "one device object"),
        ('{"devices": []}', "devices"),
        ('{"devices": [{"deviceId": "x"}]}', "devices[0].hostname"),
        ('{"deviceId": "x", "hostname": "h", "products": [], "color": "red"}', "color"),
        ('{"deviceId": "x", "hostname": "h", "products": [], "health": "great"}', "health"),
        ('{"deviceId": "x", "hostname": "h\\u0000", "products": []}', "hostname"),
        ('{"deviceId": "x", "hostname": "h", "products": "endpoint-test"}', "products"),
        (
            '{"deviceId": "x", "hostname": "h", "products": [], "lastSeen": "2026-01-01T00:00:00"}',
            "lastSeen",
        ),
    ],
)
def test_a7_malformed_payloads_refused_with_clear_errors(
    secret: str, body: str, needle: str
) -> None:
    response = check_in(secret, body, raw=True)
    assert response.status_code == 400, response.content
    assert needle in response.json()["message"]
    _nothing_written()


def test_a7_batch_over_1000_devices_refused(secret: str) -> None:
    response = check_in(secret, {"devices": [device(n) for n in range(1001)]})
    assert response.status_code == 400
    assert "devices" in response.json()["message"]
    _nothing_written()


def test_a7_last_seen_in_the_future_or_too_old_refused(secret: str) -> None:
    now = timezone.now()
    for when in (now + dt.timedelta(hours=1), now - dt.timedelta(days=8)):
        response = check_in(secret, device(1, lastSeen=when.isoformat()))
        assert response.status_code == 400
        assert "devices[0].lastSeen" in response.json()["message"]
    _nothing_written()


def test_s1_enrollment_token_checks_devices_into_its_own_customer_only(
    partner: Partner, other_partner: Partner, customer: Customer, secret: str
) -> None:
    other = CustomerFactory(partner=other_partner, billing_type="usage")
    other_secret = enrollment_secret(other)
    assert check_in(secret, device(1)).status_code == 200
    assert check_in(other_secret, device(1)).status_code == 200
    assert Device.objects.filter(customer=customer).count() == 1
    assert Device.objects.filter(customer=other, partner=other_partner).count() == 1
    # The body cannot name another customer.
    response = check_in(secret, device(2, customerId=str(other.uuid)))
    assert response.status_code == 400
    assert Device.objects.filter(customer=other).count() == 1


def test_s1_check_in_refused_without_a_valid_enrollment_token(
    customer: Customer, secret: str, api_user: ApiUser
) -> None:
    for token in (None, "pdenr_wrong", api_user.token):
        response = check_in(token, device(1))
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    EnrollmentToken.objects.update(revoked_at=timezone.now())
    assert check_in(secret, device(1)).status_code == 401
    _nothing_written()


def test_a5_super_admin_credential_creates_an_enrollment_token_shown_once(
    customer: Customer, api_user: ApiUser
) -> None:
    response = api_user.post(f"/partnerdesk/v1/customers/{customer.uuid}/enrollment-tokens", {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"customerId", "token", "createdAt"}
    assert body["customerId"] == str(customer.uuid)
    stored = EnrollmentToken.objects.get()
    assert body["token"] not in stored.token_hash
    assert check_in(body["token"], device(1)).status_code == 200
    assert Device.objects.get().customer_id == customer.pk


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_a5_enrollment_token_refused_below_super_admin(
    partner: Partner,
    customer: Customer,
    make_api_user: Callable[..., ApiUser],
    role: PartnerRole,
) -> None:
    user = make_api_user(partner, role)
    response = user.post(f"/partnerdesk/v1/customers/{customer.uuid}/enrollment-tokens", {})
    assert response.status_code in (403, 404)
    assert not EnrollmentToken.objects.exists()


def test_s1_enrollment_token_for_another_partners_customer_is_not_found(
    other_partner: Partner, api_user: ApiUser
) -> None:
    other = CustomerFactory(partner=other_partner)
    response = api_user.post(f"/partnerdesk/v1/customers/{other.uuid}/enrollment-tokens", {})
    assert response.status_code == 404
    assert not EnrollmentToken.objects.exists()
