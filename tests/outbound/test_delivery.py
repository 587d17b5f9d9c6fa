"""N-2, N-3: events written with the change, delivered signed, retried with back-off, given up
after the window, and never lost while the receiver is down."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.errors import Conflict
from partnerdesk.outbound import services
from partnerdesk.outbound.delivery import LEASE, backoff
from partnerdesk.outbound.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    OutboundEvent,
    Target,
    WebhookEndpoint,
)
from partnerdesk.outbound.signing import secret_generate, signed_headers
from partnerdesk.outbound.tasks import deliveries_sweep, delivery_send, send_now
from tests.factories import CustomerFactory

CRM_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="


def endpoint(partner, url: str, events=("customer.renamed",), active=True) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        partner=partner, url=url, events=list(events), active=active, secret=secret_generate()
    )


def emit_rename(customer, name: str = "Cedar Dental Group") -> OutboundEvent:
    with transaction.atomic():
        return services.event_emit(
            event_type="customer.renamed",
            partner_id=customer.partner_id,
            customer_id=customer.pk,
            payload={"customerId": str(customer.uuid), "showAs": name},
        )


def verify(secret: str, received) -> dict:
    """The independent check: the standardwebhooks package's own verifier."""
    return Webhook(secret).verify(received.body, received.headers)


# Signing


def test_signature_verifies_with_the_standard_webhooks_library():
    secret = secret_generate()
    body = json.dumps({"type": "customer.renamed", "data": {"showAs": "Ünïcode Ltd"}})
    headers = signed_headers(secret, "msg_1", int(timezone.now().timestamp()), body)
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(secret_generate()).verify(body, headers)


# Emitting (the outbox)


@pytest.mark.django_db
def test_emit_creates_one_delivery_per_subscribed_active_endpoint(
    partner, other_partner, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(partner=partner)
    wanted = endpoint(partner, "https://a.example/hook")
    endpoint(partner, "https://b.example/hook", events=["customer.created"])
    endpoint(partner, "https://c.example/hook", active=False)
    endpoint(other_partner, "https://d.example/hook")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = emit_rename(customer)
    [delivery] = Delivery.objects.all()
    assert (delivery.endpoint, delivery.target, delivery.partner) == (wanted, "webhook", partner)
    body = json.loads(delivery.body)
    assert body == {
        "type": "customer.renamed",
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": {"customerId": str(customer.uuid), "showAs": "Cedar Dental Group"},
    }
    # The worker is woken only once the change commits.
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.filter(status="READY")
    assert [r.args_kwargs["args"] for r in queued.filter(task_path=delivery_send.module_path)] == [
        [delivery.pk]
    ]
    assert queued.filter(task_path=deliveries_sweep.module_path).count() == 1


@pytest.mark.django_db
def test_a_rename_goes_to_the_crm_as_the_cloud_account_name(partner, settings):
    settings.CRM_ENDPOINT_URL = "https://crm.vendor.example/accounts"
    customer = CustomerFactory(partner=partner)
    emit_rename(customer, "Cedar Dental Group")
    [crm] = Delivery.objects.filter(target=Target.CRM)
    assert crm.url == "https://crm.vendor.example/accounts" and crm.partner == partner
    assert json.loads(crm.body) == {"accountId": str(customer.uuid), "name": "Cedar Dental Group"}
    # Other events do not go to the CRM.
    with transaction.atomic():
        services.event_emit(
            event_type="customer.created",
            partner_id=partner.pk,
            customer_id=customer.pk,
            payload={},
        )
    assert Delivery.objects.filter(target=Target.CRM).count() == 1


@pytest.mark.django_db
def test_no_crm_delivery_without_a_crm_address(partner, settings):
    settings.CRM_ENDPOINT_URL = ""
    emit_rename(CustomerFactory(partner=partner))
    assert OutboundEvent.objects.count() == 1 and not Delivery.objects.exists()


@pytest.mark.django_db
def test_unknown_event_types_are_a_programming_error(partner):
    with pytest.raises(ValueError, match="Unknown outbound event type"), transaction.atomic():
        services.event_emit(event_type="nope", partner_id=partner.pk, customer_id=None, payload={})


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused(partner):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services.event_emit(
            event_type="customer.created", partner_id=partner.pk, customer_id=None, payload={}
        )
    assert not OutboundEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_is_rolled_back_with_its_change(partner):
    endpoint(partner, "https://a.example/hook")
    customer = CustomerFactory(partner=partner)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.event_emit(
            event_type="customer.renamed",
            partner_id=partner.pk,
            customer_id=customer.pk,
            payload={"showAs": "x"},
        )
        1 / 0  # noqa: B018 - the change fails after the event was written
    assert not OutboundEvent.objects.exists() and not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()


# Back-off and giving up


def test_backoff_doubles_from_the_base_with_at_most_ten_percent_jitter():
    assert [backoff(n, base=30, jitter=0) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 480]
    for n in range(1, 8):
        assert 30 * 2 ** (n - 1) <= backoff(n, base=30) <= 30 * 2 ** (n - 1) * 1.1


@pytest.mark.django_db
def test_a_failed_attempt_schedules_the_next_one_with_backoff(
    partner, receiver, local_delivery, settings
):
    settings.OUTBOUND_RETRY_BASE_SECONDS = 30
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    delivery = Delivery.objects.get()
    before = timezone.now()
    assert send_now(delivery.pk) == "retry"
    after = timezone.now()
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.claimed_until is None and delivery.last_status_code is None
    assert "Connection refused" in delivery.last_error or "URLError" in delivery.last_error
    assert before + dt.timedelta(seconds=30) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= after + dt.timedelta(seconds=33)
    # The retry is a task row in the database, due when the attempt is.
    [retry] = DBTaskResult.objects.filter(task_path=delivery_send.module_path, status="READY")
    assert retry.run_after == delivery.next_attempt_at
    # Not due yet: running the task early sends nothing.
    assert send_now(delivery.pk) == "skipped"
    [attempt] = DeliveryAttempt.objects.all()
    assert attempt.partner == partner and attempt.status_code is None


@pytest.mark.django_db
def test_non_2xx_answers_are_failed_attempts(partner, receiver, local_delivery):
    receiver.status = 503
    receiver.up()
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    delivery = Delivery.objects.get()
    assert send_now(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_status_code == 503 and delivery.status == "pending"
    assert DeliveryAttempt.objects.get().status_code == 503


@pytest.mark.django_db
def test_redirects_are_not_followed(partner, receiver, local_delivery):
    receiver.status = 307
    receiver.up()
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    delivery = Delivery.objects.get()
    assert send_now(delivery.pk) == "retry"
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.last_status_code == 307


@pytest.mark.django_db
def test_gives_up_once_the_next_attempt_would_fall_after_24_hours(
    partner, receiver, local_delivery, settings
):
    settings.OUTBOUND_RETRY_BASE_SECONDS = 3600
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    delivery = Delivery.objects.get()
    # The event is 23 hours old: the next attempt (in an hour or more) would be too late.
    Delivery.objects.filter(pk=delivery.pk).update(
        window_starts_at=timezone.now() - dt.timedelta(hours=23)
    )
    DBTaskResult.objects.all().delete()
    assert send_now(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert delivery.attempts == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db
def test_a_delivery_held_by_another_worker_is_not_sent(partner, receiver, local_delivery):
    receiver.up()
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() + LEASE)
    assert send_now(delivery.pk) == "skipped"
    assert receiver.requests == []
    # A lease that ran out (its worker died) is taken over.
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert send_now(delivery.pk) == "delivered"
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_deleted_endpoints_waiting_deliveries_are_given_up(partner, sa_actor):
    target = endpoint(partner, "https://a.example/hook")
    emit_rename(CustomerFactory(partner=partner))
    assert services.webhook_endpoint_delete(actor=sa_actor, endpoint_id=target.pk) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.endpoint is None
    assert delivery.last_error == "The endpoint was deleted."
    assert send_now(delivery.pk) == "skipped"


# Nothing lost


@pytest.mark.django_db(transaction=True)
def test_nothing_lost_while_the_receiver_is_down(partner, receiver, local_delivery, settings):
    settings.OUTBOUND_RETRY_BASE_SECONDS = 0
    settings.CRM_ENDPOINT_URL = receiver.url("/crm")
    settings.CRM_SECRET = CRM_SECRET
    hook = endpoint(partner, receiver.url("/hook"))
    customer = CustomerFactory(partner=partner)

    # Receiver down: the change commits with its event; the first attempts fail.
    event = emit_rename(customer, "Cedar Dental Group")
    tasks = DBTaskResult.objects.filter(task_path=delivery_send.module_path, status="READY")
    assert tasks.count() == 2
    for delivery in Delivery.objects.all():
        assert delivery_send.call(delivery.pk) == "retry"
    assert set(Delivery.objects.values_list("status", "attempts")) == {("pending", 1)}
    assert receiver.requests == []

    # Receiver up: the retries deliver, each exactly once, however often the task runs.
    receiver.up()
    for delivery in Delivery.objects.all():
        assert delivery_send.call(delivery.pk) == "delivered"
        assert delivery_send.call(delivery.pk) == "skipped"
    assert set(Delivery.objects.values_list("status", "attempts")) == {("delivered", 2)}
    assert sorted(r.path for r in receiver.requests) == ["/crm", "/hook"]
    by_path = {r.path: r for r in receiver.requests}
    assert verify(hook.secret, by_path["/hook"])["data"]["showAs"] == "Cedar Dental Group"
    assert verify(CRM_SECRET, by_path["/crm"]) == {
        "accountId": str(customer.uuid),
        "name": "Cedar Dental Group",
    }
    # The message id is the event's, the same on every attempt, so receivers can deduplicate.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {str(event.uuid)}
    assert DeliveryAttempt.objects.filter(status_code=204).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_requeues_deliveries_whose_task_was_lost(partner, receiver, local_delivery):
    receiver.up()
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    # The worker crashed: its task rows are gone and the delivery is long overdue.
    DBTaskResult.objects.all().delete()
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))
    assert deliveries_sweep.call() == 1
    [task] = DBTaskResult.objects.filter(task_path=delivery_send.module_path, status="READY")
    assert delivery_send.call(*task.args_kwargs["args"]) == "delivered"
    assert len(receiver.requests) == 1
    # Nothing pending any more: the sweeper stops queuing itself.
    DBTaskResult.objects.all().delete()
    assert deliveries_sweep.call() == 0
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_redeliver_starts_a_fresh_cycle(partner, receiver, local_delivery, sa_actor):
    receiver.up()
    endpoint(partner, receiver.url())
    emit_rename(CustomerFactory(partner=partner))
    delivery = Delivery.objects.get()
    with pytest.raises(Conflict, match="already waiting"):
        services.delivery_redeliver(actor=sa_actor, delivery_id=delivery.pk)
    assert send_now(delivery.pk) == "delivered"
    Delivery.objects.update(status=DeliveryStatus.FAILED)
    again = services.delivery_redeliver(actor=sa_actor, delivery_id=delivery.pk)
    assert (again.status, again.attempts, again.delivered_at) == ("pending", 0, None)
    assert send_now(delivery.pk) == "delivered"
    assert len(receiver.requests) == 2
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 2
    assert AuditEvent.objects.filter(action="webhook_delivery.redelivered").count() == 1


@pytest.mark.django_db
def test_a_webhook_whose_host_now_resolves_privately_is_not_sent(partner, receiver, settings):
    # Saved while allowed (or before its DNS changed); checked again at every send.
    receiver.up()
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.CRM_ENDPOINT_URL = receiver.url("/crm")
    settings.CRM_SECRET = CRM_SECRET
    endpoint(partner, receiver.url("/hook"))
    emit_rename(CustomerFactory(partner=partner))
    hook = Delivery.objects.get(target=Target.WEBHOOK)
    assert send_now(hook.pk) == "retry"
    hook.refresh_from_db()
    assert hook.last_error == "Refused: 127.0.0.1 resolves to 127.0.0.1."
    # The CRM is the operator's own address and may be on a private network.
    assert send_now(Delivery.objects.get(target=Target.CRM).pk) == "delivered"
    assert [r.path for r in receiver.requests] == ["/crm"]
