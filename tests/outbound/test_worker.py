"""N-2 end to end with a real `db_worker` process and a real HTTP receiver: the CRM and a
webhook are down, the worker is stopped and restarted, and each delivery still arrives exactly
once with a valid signature."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from standardwebhooks.webhooks import Webhook

from partnerdesk.outbound import services
from partnerdesk.outbound.models import Delivery, DeliveryAttempt, WebhookEndpoint
from partnerdesk.outbound.signing import secret_generate
from tests.factories import CustomerFactory

ROOT = Path(__file__).resolve().parents[2]
CRM_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PARTNERDESK_OUTBOUND_RETRY_BASE_SECONDS": "0.5",
        "PARTNERDESK_OUTBOUND_ALLOW_HTTP": "1",
        "PARTNERDESK_OUTBOUND_ALLOW_PRIVATE_HOSTS": "1",
        "PARTNERDESK_CRM_SECRET": CRM_SECRET,
    }


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--no-reload",
        ],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGINT)
    worker.wait(timeout=30)


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_n2_nothing_lost_when_the_receivers_and_the_worker_are_down(
    partner, receiver, local_delivery, settings
):
    settings.CRM_ENDPOINT_URL = receiver.url("/crm")
    settings.CRM_SECRET = CRM_SECRET
    hook = WebhookEndpoint.objects.create(
        partner=partner,
        url=receiver.url("/hook"),
        events=["customer.renamed"],
        secret=secret_generate(),
    )
    customer = CustomerFactory(partner=partner, show_as="Cedar Dental")

    # The receivers are down; the worker tries and fails, then is stopped.
    first = start_worker()
    try:
        with transaction.atomic():
            event = services.event_emit(
                event_type="customer.renamed",
                partner_id=partner.pk,
                customer_id=customer.pk,
                payload={"customerId": str(customer.uuid), "showAs": "Cedar Dental Group"},
            )
        assert wait_for(
            lambda: (
                set(Delivery.objects.values_list("target", flat=True).filter(attempts__gte=1))
                == {"crm", "webhook"}
            )
        )
    finally:
        stop(first)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    assert receiver.requests == []

    # The receivers come back while no worker runs: nothing can be sent yet, nothing is lost.
    receiver.up()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}

    # Restarted, the worker retries and delivers each exactly once.
    second = start_worker()
    try:
        assert wait_for(
            lambda: set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
        )
    finally:
        stop(second)

    assert sorted(r.path for r in receiver.requests) == ["/crm", "/hook"]
    by_path = {r.path: r for r in receiver.requests}
    assert Webhook(hook.secret).verify(by_path["/hook"].body, by_path["/hook"].headers) == {
        "type": "customer.renamed",
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": {"customerId": str(customer.uuid), "showAs": "Cedar Dental Group"},
    }
    assert Webhook(CRM_SECRET).verify(by_path["/crm"].body, by_path["/crm"].headers) == {
        "accountId": str(customer.uuid),
        "name": "Cedar Dental Group",
    }
    for delivery in Delivery.objects.all():
        attempts = DeliveryAttempt.objects.filter(delivery=delivery)
        assert attempts.count() == delivery.attempts >= 2
        assert attempts.filter(status_code=204).count() == 1
