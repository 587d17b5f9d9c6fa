"""Background tasks of the outbound app: send one delivery; sweep up lost ones.

core/periodic.py runs jobs once a day only, too rarely for a sweeper, so `deliveries_sweep`
queues itself again a minute later for as long as deliveries are pending; emitting an event
(and `python manage.py outbound_sweep`) starts it when none is queued."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from partnerdesk.outbound.delivery import deliver, due_delivery_ids
from partnerdesk.outbound.models import Delivery, DeliveryStatus

SWEEP_EVERY = dt.timedelta(minutes=1)


@task()
def delivery_send(delivery_id: int) -> str:
    return send_now(delivery_id)


def send_now(delivery_id: int) -> str:
    """One attempt in this process, as the task makes it; a retry is queued as a task."""
    return deliver(delivery_id, retry=_send_later)


def _send_later(delivery_id: int, at: dt.datetime) -> None:
    delivery_send.using(run_after=at).enqueue(delivery_id)


@task()
def deliveries_sweep() -> int:
    """Re-queue overdue deliveries; queues the next sweep while any delivery is pending."""
    ids = sweep()
    if Delivery.objects.filter(status=DeliveryStatus.PENDING).exists():
        ensure_sweep_scheduled()
    return len(ids)


def sweep() -> list[int]:
    ids = due_delivery_ids(timezone.now())
    for delivery_id in ids:
        # A duplicate of a task that is still queued is harmless: the lease and the due time
        # make the second one skip.
        delivery_send.enqueue(delivery_id)
    return ids


def ensure_sweep_scheduled() -> bool:
    """Queue a sweep a minute from now unless one is already waiting; True when it queued."""
    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=deliveries_sweep.module_path
    ).exists()
    if waiting:
        return False
    deliveries_sweep.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()
    return True
