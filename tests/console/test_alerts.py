"""A-7: alerts ingest with a customer's enrollment token."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from partnerdesk.console.alerts import AlertReport, alerts_ingest
from partnerdesk.console.models import Alert, Device, EnrollmentToken
from partnerdesk.console.services import token_hash
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser, _clear_cache, api_user, make_api_user
from tests.console.helpers import check_in, device, enrollment_secret
from tests.factories import CustomerFactory, product

__all__ = ["_clear_cache", "api_user", "make_api_user"]

INGEST = "/partnerdesk/v1/alerts/ingest"


def ingest(secret: str | None, body: Any, *, raw: bool = False) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    data = body if raw else json.dumps(body)
    return Client().post(INGEST, data, content_type="application/json", headers=headers)


def alert(n: int = 1, **extra: Any) -> dict[str, Any]:
    raised = timezone.now() - dt.timedelta(hours=2)
    return {
        "alertId": f"alert-{n:04d}",
        "severity": "high",
        "category": "malware",
        "description": f"Malware detected: Troj/Test-{n}",
        "raisedAt": raised.isoformat(),
        **extra,
    }


@pytest.fixture
def customer(partner: Partner) -> Customer:
    product("endpoint", code="endpoint-test")
    return CustomerFactory(partner=partner, billing_type="usage")


@pytest.fixture
def secret(customer: Customer) -> str:
    secret = enrollment_secret(customer)
    assert check_in(secret, {"devices": [device(1), device(2)]}).status_code == 200
    return secret


def test_a7_single_alert_is_stored_for_the_tokens_customer_and_linked_to_its_device(
    customer: Customer, secret: str
) -> None:
    resolved = timezone.now() - dt.timedelta(hours=1)
    response = ingest(secret, alert(1, deviceId="agent-0001", resolvedAt=resolved.isoformat()))
    assert response.status_code == 200, response.content
    assert response.json() == {"customerId": str(customer.uuid), "created": 1, "updated": 0}
    a = Alert.objects.get()
    assert (a.customer_id, a.partner_id, a.alert_id, a.severity, a.category) == (
        customer.pk,
        customer.partner_id,
        "alert-0001",
        "high",
        "malware",
    )
    assert a.device == Device.objects.get(customer=customer, device_id="agent-0001")
    assert a.resolved_at == resolved


def test_a7_alert_without_device_id_is_stored_without_a_device(secret: str) -> None:
    assert ingest(secret, alert(1)).status_code == 200
    assert Alert.objects.get().device is None


def test_a7_batch_is_idempotent_on_alert_id_and_updates_in_place(
    customer: Customer, secret: str
) -> None:
    batch = {"alerts": [alert(n, deviceId="agent-0002") for n in range(1, 4)]}
    assert ingest(secret, batch).json() == {
        "customerId": str(customer.uuid),
        "created": 3,
        "updated": 0,
    }
    resolved = timezone.now().isoformat()
    batch["alerts"][0]["resolvedAt"] = resolved
    batch["alerts"].append(alert(4))
    again = ingest(secret, batch)
    assert again.status_code == 200
    assert again.json() == {"customerId": str(customer.uuid), "created": 1, "updated": 3}
    assert Alert.objects.count() == 4
    assert Alert.objects.get(alert_id="alert-0001").resolved_at is not None
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 3


def _nothing_written() -> None:
    assert Alert.objects.count() == 0


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ({"severity": "critical"}, "alerts[1].severity"),
        ({"category": ""}, "alerts[1].category"),
        ({"category": "Malware!"}, "alerts[1].category"),
        ({"description": ""}, "alerts[1].description"),
        ({"description": "x" * 501}, "alerts[1].description"),
        ({"alertId": "a" * 101}, "alerts[1].alertId"),
        ({"raisedAt": "2026-12-01T10:00:00"}, "alerts[1].raisedAt"),
        ({"deviceId": "no-such-agent"}, "alerts[1].deviceId: no device 'no-such-agent'"),
        ({"alertId": "alert-0001"}, "alerts[1].alertId: 'alert-0001' also appears at alerts[0]"),
        ({"customerId": "someone-else"}, "alerts[1].customerId"),
    ],
)
def test_a7_batch_with_one_bad_alert_is_refused_whole_and_names_it(
    secret: str, entry: dict[str, Any], needle: str
) -> None:
    batch = {"alerts": [alert(1), alert(2, **entry), alert(3)]}
    response = ingest(secret, batch)
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "message", "correlationId", "requestId", "createdAt"}
    assert needle in body["message"]
    _nothing_written()


def test_a7_times_are_checked_each_with_its_message(secret: str) -> None:
    now = timezone.now()
    cases = [
        ({"raisedAt": (now + dt.timedelta(hours=1)).isoformat()}, "raisedAt: is in the future."),
        (
            {"raisedAt": (now - dt.timedelta(days=366)).isoformat()},
            "raisedAt: is more than 365 days ago.",
        ),
        (
            {
                "raisedAt": (now - dt.timedelta(hours=1)).isoformat(),
                "resolvedAt": (now - dt.timedelta(hours=2)).isoformat(),
            },
            "alerts[0].resolvedAt: is before raisedAt.",
        ),
        (
            {"resolvedAt": (now + dt.timedelta(hours=1)).isoformat()},
            "resolvedAt: is in the future.",
        ),
    ]
    for extra, needle in cases:
        response = ingest(secret, {"alerts": [alert(1, **extra)]})
        assert response.status_code == 400, extra
        assert needle in response.json()["message"], response.json()["message"]
    _nothing_written()


def test_a7_resolved_at_equal_to_raised_at_is_accepted(secret: str) -> None:
    when = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    assert ingest(secret, alert(1, raisedAt=when, resolvedAt=when)).status_code == 200


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "one alert object"),
        ('{"alerts": []}', "alerts"),
        ('{"alerts": [{"alertId": "x"}]}', "alerts[0].severity"),
        ('{"alertId": "x", "severity": "low"}', "category"),
        ('{"alerts": "x"}', "alerts"),
    ],
)
def test_a7_malformed_payloads_refused_with_clear_errors(
    secret: str, body: str, needle: str
) -> None:
    response = ingest(secret, body, raw=True)
    assert response.status_code == 400, response.content
    assert needle in response.json()["message"]
    _nothing_written()


def test_a7_batch_over_1000_alerts_refused(secret: str) -> None:
    response = ingest(secret, {"alerts": [alert(n) for n in range(1001)]})
    assert response.status_code == 400
    assert "alerts" in response.json()["message"]
    _nothing_written()


def test_a7_batch_of_1000_alerts_is_accepted(secret: str) -> None:
    response = ingest(secret, {"alerts": [alert(n, deviceId="agent-0001") for n in range(1000)]})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1000
    assert Alert.objects.filter(device__device_id="agent-0001").count() == 1000


def test_a7_service_refuses_an_unknown_severity_even_past_the_schema(customer: Customer) -> None:
    enrollment_secret(customer)
    token = EnrollmentToken.objects.get()
    report = AlertReport(
        alert_id="x",
        severity="critical",
        category="malware",
        description="d",
        raised_at=timezone.now(),
    )
    with pytest.raises(ValidationFailed, match=r"alerts\[0\]\.severity"):
        alerts_ingest(token=token, reports=[report])
    _nothing_written()


def test_s1_token_of_one_customer_cannot_write_or_link_alerts_into_another(
    partner: Partner, other_partner: Partner, customer: Customer, secret: str
) -> None:
    other = CustomerFactory(partner=other_partner, billing_type="usage")
    other_secret = enrollment_secret(other)
    assert check_in(other_secret, device(9)).status_code == 200
    assert ingest(other_secret, alert(1, deviceId="agent-0009")).status_code == 200
    # Same alert id through this customer's token: a new alert of its own, not an update.
    mine = ingest(secret, alert(1, description="mine"))
    assert mine.json() == {"customerId": str(customer.uuid), "created": 1, "updated": 0}
    theirs = Alert.objects.get(customer=other)
    assert theirs.description != "mine" and theirs.partner_id == other_partner.pk
    # Another customer's device id is unknown here.
    response = ingest(secret, alert(2, deviceId="agent-0009"))
    assert response.status_code == 400
    assert "alerts[0].deviceId" in response.json()["message"]
    # The body cannot name another customer.
    assert ingest(secret, alert(3, customerId=str(other.uuid))).status_code == 400
    assert Alert.objects.filter(customer=other).count() == 1
    assert Alert.objects.filter(customer=customer).count() == 1


def test_s1_ingest_refused_without_a_valid_enrollment_token(
    customer: Customer, secret: str, api_user: ApiUser
) -> None:
    for token in (None, "pdenr_wrong", api_user.token):
        response = ingest(token, alert(1))
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    EnrollmentToken.objects.update(revoked_at=timezone.now())
    assert ingest(secret, alert(1)).status_code == 401
    _nothing_written()


def test_a7_ingest_runs_a_fixed_number_of_queries(
    secret: str, django_assert_max_num_queries: Any
) -> None:
    # Token, rate limit and cache (7), device ids, count, the insert: SQLite splits 200 rows
    # into two statements (its variable limit), PostgreSQL sends one.
    batch = {"alerts": [alert(n, deviceId=f"agent-000{1 + n % 2}") for n in range(200)]}
    with django_assert_max_num_queries(14):
        assert ingest(secret, batch).status_code == 200


# Schemathesis over this one route with a real enrollment token (the suite-wide run in
# tests/compat only has a partner API token, which this route answers with 401).
ingest_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(
    path=INGEST, method="POST"
)
FUZZ_SECRET = "pdenr_fuzz-" + "e" * 30
STATUSES: set[int] = set()


@ingest_schema.auth(refresh_interval=None)
class FuzzEnrollmentToken:
    def get(self, case: Any, ctx: Any) -> str:
        return FUZZ_SECRET

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def fuzz_customer(customer: Customer, settings: Any) -> Iterator[Customer]:
    settings.API_RATE_LIMIT = 1_000_000
    EnrollmentToken.objects.create(
        partner_id=customer.partner_id,
        customer=customer,
        token_hash=token_hash(FUZZ_SECRET),
        suffix=FUZZ_SECRET[-6:],
    )
    # The device the documented examples name, so they are accepted.
    assert check_in(FUZZ_SECRET, device(1, deviceId="8c2f0b6e-agent-0001")).status_code == 200
    # Keep the test's connection (and transaction) across WSGI requests, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield customer
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@ingest_schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_a7_ingest_conforms_to_its_openapi_description_with_a_real_token(
    case: Any, fuzz_customer: Customer
) -> None:
    # Schema-valid bodies may still be refused by rules beyond the schema (a deviceId that has
    # not checked in, raisedAt older than a year or in the future): 400 by design.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    STATUSES.add(response.status_code)
    assert Alert.objects.exclude(customer=fuzz_customer).count() == 0


def test_a7_fuzzing_reached_both_acceptance_and_refusal() -> None:
    # Runs after the fuzz test above (file order); alone, there is nothing to check.
    if STATUSES:
        assert {200, 400} <= STATUSES, STATUSES
