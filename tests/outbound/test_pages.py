"""N-3 pages: Super Admins manage endpoints and see deliveries; everyone else is refused, and
another partner's rows answer like missing ones."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from partnerdesk.core.permissions import PartnerRole
from partnerdesk.outbound import services
from partnerdesk.outbound.models import Delivery, DeliveryStatus, WebhookEndpoint
from partnerdesk.outbound.signing import secret_generate
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.215.14/hook"


def make_endpoint(partner, url=PUBLIC, events=("customer.renamed",)) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        partner=partner, url=url, events=list(events), secret=secret_generate()
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
    return Delivery.objects.filter(partner=partner, target="webhook").latest("id")


def test_create_shows_the_secret_once(super_admin, client_for):
    client = client_for(super_admin)
    response = client.post(
        reverse("webhooks:list"),
        {"url": PUBLIC, "description": "Ticketing", "events": ["customer.renamed"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    html = response.content.decode()
    assert endpoint.secret in html and "shown only this once" in html
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("webhooks:list")).content.decode()
    assert endpoint.secret not in again and PUBLIC in again


def test_create_refusal_shows_the_message(super_admin, client_for):
    response = client_for(super_admin).post(
        reverse("webhooks:list"), {"url": "http://93.184.215.14/x", "events": ["customer.renamed"]}
    )
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_page_has_labelled_inputs_and_no_inline_script(super_admin, client_for):
    html = client_for(super_admin).get(reverse("webhooks:list")).content.decode()
    assert '<label for="w-url">URL</label>' in html
    assert '<label for="new-ev-1">Customer created' in html
    assert "<script>" not in html and "onclick" not in html


def test_edit_delete_and_rotate(partner, super_admin, client_for):
    endpoint = make_endpoint(partner)
    old_secret = endpoint.secret
    client = client_for(super_admin)
    response = client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": PUBLIC, "events": ["customer.created", "license.applied"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["customer.created", "license.applied"] and not endpoint.active

    confirm = client.get(reverse("webhooks:rotate", args=[endpoint.pk])).content.decode()
    assert "Replace the signing secret" in confirm
    rotated = client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret and endpoint.secret in rotated.content.decode()

    confirm = client.get(reverse("webhooks:delete", args=[endpoint.pk])).content.decode()
    assert "Delete the endpoint" in confirm
    assert client.post(reverse("webhooks:delete", args=[endpoint.pk])).status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_list_detail_and_redeliver(partner, super_admin, client_for):
    delivery = make_delivery(partner)
    client = client_for(super_admin)
    listing = client.get(reverse("webhooks:deliveries")).content.decode()
    assert "customer.renamed" in listing and "Pending" in listing
    detail = client.get(reverse("webhooks:delivery", args=[delivery.pk])).content.decode()
    assert str(delivery.event.uuid) in detail and "No attempts yet" in detail
    assert "Redeliver" not in detail  # still pending
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    detail = client.get(reverse("webhooks:delivery", args=[delivery.pk])).content.decode()
    assert "Redeliver" in detail
    response = client.post(reverse("webhooks:redeliver", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_deliveries_page_is_paged(partner, super_admin, client_for):
    make_endpoint(partner)
    customer = CustomerFactory(partner=partner)
    with transaction.atomic():
        for _ in range(51):
            services.event_emit(
                event_type="customer.renamed",
                partner_id=partner.pk,
                customer_id=customer.pk,
                payload={"showAs": "x"},
            )
    client = client_for(super_admin)
    first = client.get(reverse("webhooks:deliveries")).content.decode()
    assert "Page 1 of 2" in first and "1\u201350 of <strong>51</strong>" in first
    second = client.get(reverse("webhooks:deliveries"), {"page": "2"}).content.decode()
    assert "51\u201351 of" in second


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.BUSINESS_ADMIN])
def test_pages_refuse_other_roles(partner, make_user, client_for, role):
    endpoint = make_endpoint(partner)
    delivery = make_delivery(partner)
    client = client_for(make_user(partner, role))
    urls = [
        ("get", reverse("webhooks:list")),
        ("post", reverse("webhooks:list")),
        ("get", reverse("webhooks:edit", args=[endpoint.pk])),
        ("post", reverse("webhooks:delete", args=[endpoint.pk])),
        ("post", reverse("webhooks:rotate", args=[endpoint.pk])),
        ("get", reverse("webhooks:deliveries")),
        ("get", reverse("webhooks:delivery", args=[delivery.pk])),
        ("post", reverse("webhooks:redeliver", args=[delivery.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert endpoint.secret not in response.content.decode()
    assert WebhookEndpoint.objects.filter(partner=partner).count() == 2


def test_anonymous_is_sent_to_sign_in(partner, client):
    response = client.get(reverse("webhooks:list"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_another_partners_rows_answer_like_missing_ones(
    partner, other_partner, make_user, client_for
):
    endpoint = make_endpoint(partner)
    delivery = make_delivery(partner)
    client = client_for(make_user(other_partner, PartnerRole.SUPER_ADMIN))
    for endpoint_id, delivery_id in ((endpoint.pk, delivery.pk), (999_999, 999_999)):
        urls = [
            ("get", reverse("webhooks:edit", args=[endpoint_id])),
            ("post", reverse("webhooks:edit", args=[endpoint_id])),
            ("post", reverse("webhooks:delete", args=[endpoint_id])),
            ("post", reverse("webhooks:rotate", args=[endpoint_id])),
            ("get", reverse("webhooks:delivery", args=[delivery_id])),
        ]
        for method, url in urls:
            response = getattr(client, method)(url)
            assert response.status_code == 404, url
            body = response.content.decode()
            assert endpoint.secret not in body and PUBLIC not in body
        redeliver = client.post(reverse("webhooks:redeliver", args=[delivery_id]))
        assert redeliver.status_code == 404
    for url in (reverse("webhooks:list"), reverse("webhooks:deliveries")):
        assert PUBLIC not in client.get(url).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.events == ["customer.renamed"]
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"


def test_crm_deliveries_are_not_listed_to_partners(partner, super_admin, client_for, settings):
    settings.CRM_ENDPOINT_URL = "https://crm.vendor.example/accounts"
    make_delivery(partner)
    crm = Delivery.objects.get(target="crm")
    client = client_for(super_admin)
    assert "crm.vendor.example" not in client.get(reverse("webhooks:deliveries")).content.decode()
    assert client.get(reverse("webhooks:delivery", args=[crm.pk])).status_code == 404


def test_operator_admin_shows_deliveries_read_only(partner, client, settings):
    from partnerdesk.accounts.models import User

    settings.CRM_ENDPOINT_URL = "https://crm.vendor.example/accounts"
    delivery = make_delivery(partner)
    operator = User.objects.create_superuser("operator", "op@example.com", "pw")
    client.force_login(operator)
    listing = client.get("/admin/outbound/delivery/", {"status__exact": "pending"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "crm.vendor.example" in html and "customer.renamed" in html
    page = client.get(f"/admin/outbound/delivery/{delivery.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/outbound/outboundevent/").status_code == 200
    endpoint_page = client.get(f"/admin/outbound/webhookendpoint/{delivery.endpoint_id}/change/")
    assert delivery.endpoint.secret not in endpoint_page.content.decode()


def test_list_pages_use_a_fixed_number_of_queries(partner, super_admin, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(super_admin)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_delivery(partner)
    few = (queries(reverse("webhooks:deliveries")), queries(reverse("webhooks:list")))
    for _ in range(5):
        make_delivery(partner)
    many = (queries(reverse("webhooks:deliveries")), queries(reverse("webhooks:list")))
    assert few == many
