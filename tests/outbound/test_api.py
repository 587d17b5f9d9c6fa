"""N-3 through the API: the partnerdesk/v1 conventions, Super Admin credentials only, and
another partner's rows answering like missing ones."""

from __future__ import annotations

import pytest
from django.db import transaction

from partnerdesk.core.permissions import PartnerRole
from partnerdesk.outbound import services
from partnerdesk.outbound.models import Delivery, DeliveryStatus, WebhookEndpoint
from partnerdesk.outbound.signing import secret_generate
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "https://hooks.partnerdesk-tests.invalid/hook"
BASE = "/partnerdesk/v1/webhooks"


def make_endpoint(partner) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        partner=partner, url=URL, events=["customer.renamed"], secret=secret_generate()
    )


def make_delivery(partner) -> Delivery:
    make_endpoint(partner)
    customer = CustomerFactory(partner=partner)
    with transaction.atomic():
        services.event_emit(
            event_type="customer.renamed",
            partner_id=partner.pk,
            customer_id=customer.pk,
            payload={"showAs": "Renamed Co"},
        )
    return Delivery.objects.filter(partner=partner).latest("id")


def call(api_user, method: str, path: str, body=None, partner_id=None):
    return getattr(api_user.client, method)(
        path,
        body,
        content_type="application/json",
        headers=api_user.partner_headers(partner_id),
    )


def test_create_returns_the_secret_once_and_lists_without_it(api_user):
    created = api_user.post(BASE, {"url": URL, "events": ["customer.renamed"]})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["secret"].startswith("whsec_") and data["events"] == ["customer.renamed"]
    listed = api_user.get(BASE, {"pageTotal": "true"}).json()
    assert listed["pages"] == {"current": 1, "size": 50, "maxSize": 100, "total": 1, "items": 1}
    assert "secret" not in listed["items"][0]
    one = api_user.get(f"{BASE}/{data['id']}").json()
    assert one["url"] == URL and "secret" not in one


def test_patch_rotate_and_delete(api_user):
    endpoint = make_endpoint(api_user.partner)
    patched = call(api_user, "patch", f"{BASE}/{endpoint.pk}", {"active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    rotated = call(api_user, "post", f"{BASE}/{endpoint.pk}/rotate-secret")
    assert rotated.status_code == 200
    endpoint.refresh_from_db()
    assert rotated.json()["secret"] == endpoint.secret
    assert call(api_user, "delete", f"{BASE}/{endpoint.pk}").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_refusals_use_the_error_shape(api_user):
    response = api_user.post(BASE, {"url": "https://localhost.", "events": ["customer.renamed"]})
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message", "correlationId", "requestId", "createdAt"}
    response = api_user.post(BASE, {"url": URL, "events": []})
    assert response.status_code == 400
    response = api_user.post(BASE, {"url": "https://10.0.0.8/x", "events": ["customer.renamed"]})
    assert response.status_code == 400


def test_deliveries_and_redeliver(api_user):
    delivery = make_delivery(api_user.partner)
    listed = api_user.get(f"{BASE}/deliveries").json()
    [item] = listed["items"]
    assert item["id"] == delivery.pk and item["status"] == "pending"
    assert item["eventId"] == str(delivery.event.uuid) and item["attempts"] == 0
    assert api_user.get(f"{BASE}/deliveries", {"status": "failed"}).json()["items"] == []
    conflict = call(api_user, "post", f"{BASE}/deliveries/{delivery.pk}/redeliver")
    assert conflict.status_code == 409
    Delivery.objects.update(status=DeliveryStatus.FAILED)
    again = call(api_user, "post", f"{BASE}/deliveries/{delivery.pk}/redeliver")
    assert again.status_code == 200 and again.json()["status"] == "pending"


def test_other_roles_are_refused(partner, make_api_user):
    endpoint = make_endpoint(partner)
    admin = make_api_user(partner, PartnerRole.ADMIN)
    assert admin.get(BASE).status_code == 403
    assert admin.get(f"{BASE}/deliveries").status_code == 403
    assert admin.get(f"{BASE}/{endpoint.pk}").status_code == 403
    assert admin.post(BASE, {"url": URL, "events": ["customer.renamed"]}).status_code == 403
    assert call(admin, "delete", f"{BASE}/{endpoint.pk}").status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_another_partners_rows_answer_like_missing_ones(partner, other_partner, make_api_user):
    endpoint = make_endpoint(partner)
    delivery = make_delivery(partner)
    outsider = make_api_user(other_partner)
    for endpoint_id, delivery_id in ((endpoint.pk, delivery.pk), (999_999, 999_999)):
        answers = [
            outsider.get(f"{BASE}/{endpoint_id}"),
            call(outsider, "patch", f"{BASE}/{endpoint_id}", {"active": False}),
            call(outsider, "delete", f"{BASE}/{endpoint_id}"),
            call(outsider, "post", f"{BASE}/{endpoint_id}/rotate-secret"),
            call(outsider, "post", f"{BASE}/deliveries/{delivery_id}/redeliver"),
        ]
        for response in answers:
            assert response.status_code == 404
            assert endpoint.secret not in response.content.decode()
    assert outsider.get(BASE).json()["items"] == []
    assert outsider.get(f"{BASE}/deliveries").json()["items"] == []
    # Naming the other partner in X-Partner-ID is refused outright.
    assert call(outsider, "get", BASE, partner_id=partner.pk).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.active and WebhookEndpoint.objects.count() == 2


def test_delivery_list_uses_a_fixed_number_of_queries(api_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api_user.get(f"{BASE}/deliveries", {"pageTotal": "true"}).status_code == 200
        return len(ctx.captured_queries)

    make_delivery(api_user.partner)
    few = queries()
    for _ in range(5):
        make_delivery(api_user.partner)
    assert queries() == few
