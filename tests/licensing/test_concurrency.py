"""L-6: the same key applied twice at the same moment succeeds exactly once.

Two real clients in two threads, each with its own database connection, released together by a
barrier; runs on SQLite (BEGIN IMMEDIATE) and PostgreSQL (row locks) alike."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from partnerdesk.audit.models import AuditEvent
from partnerdesk.licensing.models import License, LicenseKey
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # reported by the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("same_customer", [True, False], ids=["same-customer", "two-customers"])
def test_l6_same_key_applied_twice_at_once_succeeds_exactly_once(
    partner, make_user, make_key, same_customer
):
    first = CustomerFactory(partner=partner, show_as="Fabrikam")
    second = first if same_customer else CustomerFactory(partner=partner, show_as="Tailspin")
    key = make_key(quantity=10)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(make_user(partner))
        clients.append(client)

    def apply(client: Client, customer) -> tuple[int, str]:
        response = client.post(
            reverse("licensing:apply", args=[customer.uuid]), {"key": key, "terms": "on"}
        )
        return response.status_code, response.content.decode()

    results = run_together(lambda: apply(clients[0], first), lambda: apply(clients[1], second))
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 409]
    loser = next(body for status, body in results if status == 409)
    assert "already been used" in loser
    assert License.objects.count() == 1
    assert LicenseKey.objects.get().used_at is not None
    assert AuditEvent.objects.filter(action="license_key.applied").count() == 1


def test_l5_two_keys_of_one_product_applied_at_once_cannot_both_skip_the_overlap_choice(
    partner, make_user, make_key
):
    """The customer is locked while a key is applied: the second key sees the first one's term
    and asks renew or co-term instead of silently starting a second term."""
    customer = CustomerFactory(partner=partner, show_as="Fabrikam")
    first_key, second_key = make_key(quantity=5), make_key(quantity=7)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(make_user(partner))
        clients.append(client)

    def apply(client: Client, key: str) -> tuple[int, str]:
        response = client.post(
            reverse("licensing:apply", args=[customer.uuid]), {"key": key, "terms": "on"}
        )
        return response.status_code, response.content.decode()

    results = run_together(
        lambda: apply(clients[0], first_key), lambda: apply(clients[1], second_key)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(status for status, _ in results) == [200, 302]
    asked = next(body for status, body in results if status == 200)
    assert "This key overlaps an active term license" in asked
    assert License.objects.filter(customer=customer).count() == 1
    assert LicenseKey.objects.filter(used_at__isnull=False).count() == 1
