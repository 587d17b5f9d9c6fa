"""Sending one delivery: claim it under a lease, POST the signed body, record the attempt, and
either finish it or schedule the next attempt with exponential back-off."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partnerdesk.outbound.destinations import private_address
from partnerdesk.outbound.models import Delivery, DeliveryAttempt, DeliveryStatus, Target
from partnerdesk.outbound.signing import signed_headers

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Longer than a send can take (the timeout applies per socket operation), so a lease only
# runs out when the worker holding it died.
LEASE = dt.timedelta(seconds=120)
JITTER = 0.1
MAX_ERROR = 500
USER_AGENT = "partnerdesk-webhooks/1.0"


def retry_base() -> float:
    return float(getattr(settings, "OUTBOUND_RETRY_BASE_SECONDS", 30))


def retry_window() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "OUTBOUND_RETRY_WINDOW_HOURS", 24)))


def backoff(attempts: int, *, base: float | None = None, jitter: float | None = None) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base, 2x base, 4x base, ...
    plus up to 10% jitter so deliveries that failed together do not retry together."""
    base = retry_base() if base is None else base
    spread = random.uniform(0, JITTER) if jitter is None else jitter
    return float(base * 2 ** max(0, attempts - 1) * (1 + spread))


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int | None
    error: str
    duration_ms: int


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is the receiver's answer, not an instruction: redirects could lead anywhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# No proxies from the environment, no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def _secret(delivery: Delivery) -> str | None:
    if delivery.target == Target.CRM:
        return str(getattr(settings, "CRM_SECRET", "")) or None
    return delivery.endpoint.secret if delivery.endpoint is not None else None


def post(url: str, body: str, headers: dict[str, str], *, public_only: bool = True) -> Response:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = private_address(parts.hostname or "", port) if public_only else None
    if address is not None:
        return Response(None, f"Refused: {parts.hostname} resolves to {address}.", elapsed())
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked when saved
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            answer.read(65536)
            return Response(answer.status, "", elapsed())
    except urllib.error.HTTPError as exc:
        exc.close()
        return Response(exc.code, f"HTTP {exc.code} {exc.reason}"[:MAX_ERROR], elapsed())
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Response(None, f"{type(exc).__name__}: {reason}"[:MAX_ERROR], elapsed())


def _claim(delivery_id: int, now: dt.datetime) -> dt.datetime | None:
    """Take the lease with one conditional UPDATE; None when the delivery is not due, already
    finished, or held by another worker."""
    until = now + LEASE
    taken = (
        Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=until)
    )
    return until if taken else None


Retry = Callable[[int, dt.datetime], None]


def deliver(delivery_id: int, *, retry: Retry) -> str:
    """Send one delivery if it is due and free; returns what happened: delivered, retry,
    failed or skipped. `retry(delivery_id, at)` queues the next attempt (the worker's task,
    outbound/tasks.py); it is called inside the transaction that records the attempt."""
    now = timezone.now()
    lease = _claim(delivery_id, now)
    if lease is None:
        return "skipped"
    delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    secret = _secret(delivery)
    if delivery.target == Target.WEBHOOK and (
        delivery.endpoint is None or not delivery.endpoint.active
    ):
        response = Response(None, "The endpoint was deleted or made inactive.", 0)
        return _record(delivery, lease, now, response, retry, give_up=True)
    if secret is None:
        response = Response(None, "No signing secret is configured (CRM_SECRET).", 0)
        return _record(delivery, lease, now, response, retry, give_up=False)
    headers = signed_headers(secret, str(delivery.event.uuid), int(now.timestamp()), delivery.body)
    # The CRM's address is the operator's own setting and may well be on a private network;
    # partners' addresses must stay public.
    public_only = delivery.target == Target.WEBHOOK
    response = post(delivery.url, delivery.body, headers, public_only=public_only)
    return _record(delivery, lease, now, response, retry)


def _record(
    delivery: Delivery,
    lease: dt.datetime,
    now: dt.datetime,
    response: Response,
    retry: Retry,
    *,
    give_up: bool = False,
) -> str:
    attempts = delivery.attempts + 1
    ok = response.status_code is not None and 200 <= response.status_code < 300
    fields: dict[str, object] = {
        "attempts": attempts,
        "claimed_until": None,
        "last_status_code": response.status_code,
        "last_error": response.error[:MAX_ERROR],
    }
    next_at = None
    if ok:
        outcome = "delivered"
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    else:
        next_at = timezone.now() + dt.timedelta(seconds=backoff(attempts))
        if give_up or next_at > delivery.window_starts_at + retry_window():
            outcome, next_at = "failed", None
            fields |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
        else:
            outcome = "retry"
            fields |= {"next_attempt_at": next_at}
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            partner_id=delivery.partner_id,
            delivery_id=delivery.pk,
            attempted_at=now,
            status_code=response.status_code,
            error=response.error[:MAX_ERROR],
            duration_ms=response.duration_ms,
        )
        # Only the lease holder writes: if the lease had run out and another worker took the
        # delivery, this worker's late result does not overwrite the other's.
        Delivery.objects.filter(pk=delivery.pk, claimed_until=lease).update(**fields)
        if next_at is not None:
            # The task row is written in this transaction: the retry cannot be lost.
            retry(delivery.pk, next_at)
    if outcome != "delivered":
        log.info("delivery %s attempt %s: %s", delivery.pk, attempts, response.error or outcome)
    return outcome


SWEEP_GRACE = dt.timedelta(minutes=2)
SWEEP_BATCH = 500


def due_delivery_ids(now: dt.datetime) -> list[int]:
    """Pending deliveries whose attempt is overdue and whose lease is free: their task was
    lost (a crash between commit and enqueue, a killed worker)."""
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )
