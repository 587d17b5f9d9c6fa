"""N-3: registering webhook endpoints: who may, and which addresses are refused and why."""

from __future__ import annotations

import pytest

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.outbound import services
from partnerdesk.outbound.models import WebhookEndpoint
from partnerdesk.outbound.signing import secret_key
from tests.outbound.conftest import actor_for

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.215.14/partnerdesk"  # an address literal: no DNS needed in tests


def create(actor, url=PUBLIC, events=("customer.renamed",), **kw):
    return services.webhook_endpoint_create(actor=actor, url=url, events=list(events), **kw)


def test_created_endpoint_has_a_standard_webhooks_secret_and_an_audit_event(sa_actor):
    endpoint = create(sa_actor, description="Ticketing")
    assert endpoint.secret.startswith("whsec_")
    assert len(secret_key(endpoint.secret)) == 32
    assert endpoint.created_by == sa_actor.display_name
    event = AuditEvent.objects.get(action="webhook_endpoint.created")
    assert event.after == {
        "url": PUBLIC,
        "description": "Ticketing",
        "events": ["customer.renamed"],
        "active": True,
    }


def test_secret_never_reaches_the_audit_log(sa_actor):
    endpoint = create(sa_actor)
    old = endpoint.secret
    endpoint = services.webhook_endpoint_rotate_secret(actor=sa_actor, endpoint_id=endpoint.pk)
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    services.webhook_endpoint_update(actor=sa_actor, endpoint_id=endpoint.pk, active=False)
    services.webhook_endpoint_delete(actor=sa_actor, endpoint_id=endpoint.pk)
    for event in AuditEvent.objects.all():
        text = f"{event.before} {event.after} {event.object_label}"
        assert old not in text and endpoint.secret not in text
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "webhook_endpoint.created",
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint.updated",
        "webhook_endpoint.deleted",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the endpoint's URL."),
        ("http://93.184.215.14/hook", "must start with https://"),
        ("ftp://93.184.215.14/hook", "must start with https://"),
        ("https:///hook", "must name a host"),
        ("https://user:pw@93.184.215.14/hook", "must not contain a user name or password"),
        ("https://93.184.215.14:99999/hook", "port must be a number from 1 to 65535"),
        ("https://93.184.215.14/a b", "cannot contain spaces or control characters"),
        ("https://93.184.215.14/hook#x", "must not contain a fragment"),
        ("https://127.0.0.1/hook", "127.0.0.1, a private, loopback or link-local address"),
        ("https://localhost/hook", "localhost resolves to 127.0.0.1"),
        ("https://10.1.2.3/hook", "10.1.2.3, a private"),
        ("https://192.168.0.10/hook", "192.168.0.10, a private"),
        ("https://169.254.169.254/latest", "169.254.169.254, a private"),
        ("https://[::1]/hook", "::1, a private"),
        ("https://[::ffff:10.0.0.1]/hook", "a private, loopback or link-local address"),
        ("https://" + "a" * 2000 + ".com/", "at most 2000 characters"),
    ],
)
def test_refused_urls_say_why(sa_actor, url, message):
    with pytest.raises(ValidationFailed) as refused:
        create(sa_actor, url=url)
    assert message in refused.value.message
    assert refused.value.fields == {"url": refused.value.message}
    assert not WebhookEndpoint.objects.exists()


def test_http_and_private_hosts_only_when_the_settings_allow_them(sa_actor, settings):
    settings.OUTBOUND_ALLOW_HTTP = True
    with pytest.raises(ValidationFailed, match="private, loopback"):
        create(sa_actor, url="http://127.0.0.1:8080/hook")
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = True
    assert create(sa_actor, url="http://127.0.0.1:8080/hook").url == "http://127.0.0.1:8080/hook"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "Choose at least one event"),
        (["customer.deleted"], "Unknown event type: customer.deleted."),
        (["customer.created", "nope"], "Unknown event type: nope."),
    ],
)
def test_events_must_be_given_and_known(sa_actor, events, message):
    with pytest.raises(ValidationFailed, match=message):
        create(sa_actor, events=events)


def test_events_are_stored_once_in_the_list_order(sa_actor):
    endpoint = create(sa_actor, events=["customer.renamed", "customer.created", "customer.renamed"])
    assert endpoint.events == ["customer.created", "customer.renamed"]


def test_descriptions_are_checked(sa_actor):
    with pytest.raises(ValidationFailed, match="at most 200 characters"):
        create(sa_actor, description="x" * 201)
    with pytest.raises(ValidationFailed, match="control characters"):
        create(sa_actor, description="a\x07b")


def test_at_most_20_endpoints_per_partner(sa_actor):
    for _ in range(20):
        create(sa_actor)
    with pytest.raises(Conflict, match="at most 20 webhook endpoints") as refused:
        create(sa_actor)
    assert refused.value.code == "tooManyEndpoints"


@pytest.mark.parametrize(
    "role",
    [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY, PartnerRole.BUSINESS_ADMIN],
)
def test_only_super_admins_manage_webhooks(partner, make_user, sa_actor, role):
    endpoint = create(sa_actor)
    actor = actor_for(make_user(partner, role))
    calls = [
        lambda: create(actor),
        lambda: services.webhook_endpoint_update(
            actor=actor, endpoint_id=endpoint.pk, active=False
        ),
        lambda: services.webhook_endpoint_rotate_secret(actor=actor, endpoint_id=endpoint.pk),
        lambda: services.webhook_endpoint_delete(actor=actor, endpoint_id=endpoint.pk),
        lambda: services.delivery_redeliver(actor=actor, delivery_id=1),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    endpoint.refresh_from_db()
    assert endpoint.active and WebhookEndpoint.objects.count() == 1


def test_another_partners_endpoint_is_not_found_like_a_missing_one(
    other_partner, make_user, sa_actor
):
    mine = create(sa_actor)
    outsider = actor_for(make_user(other_partner, PartnerRole.SUPER_ADMIN))
    for endpoint_id in (mine.pk, 999_999):
        with pytest.raises(NotFound) as missing:
            services.webhook_endpoint_update(actor=outsider, endpoint_id=endpoint_id, active=False)
        assert missing.value.message == "No such webhook endpoint."
        with pytest.raises(NotFound):
            services.webhook_endpoint_delete(actor=outsider, endpoint_id=endpoint_id)
        with pytest.raises(NotFound):
            services.webhook_endpoint_rotate_secret(actor=outsider, endpoint_id=endpoint_id)
    mine.refresh_from_db()
    assert mine.active
