"""U-3 end to end: a scheduled unlink carried out by a real worker process against the database,
with the worker stopped and restarted in between; the unlink happens exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.actor import Actor
from partnerdesk.core.models import PeriodicRun
from partnerdesk.core.periodic import daily_jobs
from partnerdesk.customers.models import Customer, ScheduledUnlink
from partnerdesk.customers.unlink import customer_unlink
from tests.factories import CustomerFactory, license_for

ROOT = Path(__file__).resolve().parents[2]


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}


def start_worker(*extra: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--no-reload",
            *extra,
        ],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_u3_worker_carries_out_a_due_unlink_once_across_a_restart(partner, super_admin):
    customer = CustomerFactory(partner=partner, billing_type="usage", show_as="Meter Co")
    license_for(customer, license_type="usage")
    actor = Actor(
        partner_id=partner.id, role=super_admin.role, user_id=super_admin.id, display_name="tester"
    )
    [outcome] = customer_unlink(actor=actor, customer_ids=[str(customer.uuid)], confirmed=True)
    assert outcome.result == "scheduled"
    # The first day of next month has come.
    ScheduledUnlink.objects.update(due_on=timezone.now().date())

    # A worker runs, is stopped before any work is queued, and the work waits for it.
    first = start_worker()
    time.sleep(1.0)
    first.send_signal(signal.SIGINT)
    first.wait(timeout=30)
    daily_jobs.enqueue()
    assert Customer.objects.get(pk=customer.pk).unlinked_at is None

    # Restarted, the worker picks the job up and unlinks the customer.
    second = start_worker()
    try:
        assert wait_for(lambda: Customer.objects.get(pk=customer.pk).unlinked_at is not None)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)

    # Another run of the daily jobs (a second scheduler, a retry) changes nothing.
    daily_jobs.enqueue()
    batch = start_worker("--batch")
    assert batch.wait(timeout=60) == 0, batch.stdout.read().decode() if batch.stdout else ""

    assert AuditEvent.objects.filter(action="customer.unlinked").count() == 1
    assert ScheduledUnlink.objects.get().status == "done"
    assert PeriodicRun.objects.filter(job="scheduled_unlinks").count() == 1
    finished = DBTaskResult.objects.filter(task_path=daily_jobs.module_path, status="SUCCESSFUL")
    assert finished.count() == 2
    # Each run queued the next day's run; only one waits.
    assert (
        DBTaskResult.objects.filter(task_path=daily_jobs.module_path, status="READY").count() == 1
    )
