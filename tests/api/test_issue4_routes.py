"""A-4 for the licensing issue: groups, apply key, unlink and the audit log through the API."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer, CustomerGroup, ScheduledUnlink
from partnerdesk.licensing import keys
from partnerdesk.licensing.models import License, LicenseKey
from tests.compat.conftest import ApiUser
from tests.factories import CustomerFactory, GroupFactory, license_for, product

pytestmark = pytest.mark.django_db


def send(api: ApiUser, method: str, path: str, body=None):
    return getattr(api.client, method)(
        path,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=api.partner_headers(),
    )


def issue_key(partner=None, code="endpoint-test") -> str:
    product("endpoint", code)
    key = keys.generate()
    LicenseKey.objects.create(
        key_hash=keys.key_hash(key),
        suffix=keys.suffix(key),
        product_id=None
        or LicenseKey._meta.get_field("product").related_model.objects.get(code=code).pk,
        quantity=5,
        term_months=12,
        partner=partner,
    )
    return key


def test_d2_groups_are_created_renamed_and_deleted_through_the_api(partner, make_api_user):
    api = make_api_user(partner)
    created = send(api, "post", "/partnerdesk/v1/groups", {"name": "Clinics"})
    assert created.status_code == 201
    gid = created.json()["id"]
    assert set(created.json()) == {"id", "name", "description"}
    dup = send(api, "post", "/partnerdesk/v1/groups", {"name": "CLINICS"})
    assert dup.status_code == 409
    assert set(dup.json()) == {"error", "message", "correlationId", "requestId", "createdAt"}
    renamed = send(api, "put", f"/partnerdesk/v1/groups/{gid}", {"name": "Health"})
    assert renamed.json()["name"] == "Health"
    assert send(api, "delete", f"/partnerdesk/v1/groups/{gid}").status_code == 204
    assert not CustomerGroup.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="group.")
        .order_by("id")
        .values_list("action", "credential_id")
    )
    assert actions == [
        ("group.created", api.credential_pk),
        ("group.renamed", api.credential_pk),
        ("group.deleted", api.credential_pk),
    ]


def test_d2_empty_group_name_is_refused_with_a_message(partner, make_api_user):
    response = send(make_api_user(partner), "post", "/partnerdesk/v1/groups", {"name": "  "})
    assert response.status_code == 400
    assert (
        "name: is blank or contains characters that are not allowed" in (response.json()["message"])
    )
    assert not CustomerGroup.objects.exists()


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.READ_ONLY])
def test_d2_groups_change_only_with_super_admin_credentials(partner, make_api_user, role):
    group = GroupFactory(partner=partner)
    api = make_api_user(partner, role)
    assert send(api, "post", "/partnerdesk/v1/groups", {"name": "X"}).status_code == 403
    assert send(api, "delete", f"/partnerdesk/v1/groups/{group.id}").status_code == 403
    assert CustomerGroup.objects.count() == 1


def test_l3_key_applied_through_the_api(partner, make_api_user):
    api = make_api_user(partner)
    customer = CustomerFactory(partner=partner)
    key = issue_key(partner)
    response = send(
        api,
        "post",
        f"/partnerdesk/v1/customers/{customer.uuid}/license-keys",
        {"key": key.lower(), "acceptTerms": True},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["license"]["quantity"] == 5 and body["license"]["type"] == "term"
    assert License.objects.get(customer=customer).source_key.suffix == key[-5:]
    again = send(
        api,
        "post",
        f"/partnerdesk/v1/customers/{customer.uuid}/license-keys",
        {"key": key, "acceptTerms": True},
    )
    assert again.status_code == 409 and again.json()["error"] == "keyAlreadyUsed"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"key": "ABCDE", "acceptTerms": True}, 400, "malformedKey"),
        ({"key": "@KEY", "acceptTerms": False}, 400, "termsNotAccepted"),
    ],
)
def test_l4_api_refusals_carry_their_own_code(partner, make_api_user, body, status, code):
    api = make_api_user(partner)
    customer = CustomerFactory(partner=partner)
    if body["key"] == "@KEY":
        body = {**body, "key": issue_key(partner)}
    response = send(api, "post", f"/partnerdesk/v1/customers/{customer.uuid}/license-keys", body)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert not License.objects.exists()


def test_l3_key_for_another_partners_customer_is_not_found(partner, other_partner, make_api_user):
    outsider = make_api_user(other_partner)
    customer = CustomerFactory(partner=partner)
    key = issue_key()
    response = send(
        outsider,
        "post",
        f"/partnerdesk/v1/customers/{customer.uuid}/license-keys",
        {"key": key, "acceptTerms": True},
    )
    assert response.status_code == 404
    assert not License.objects.exists()


def test_u4_unlink_through_the_api_reports_each_customer(partner, make_api_user):
    api = make_api_user(partner)
    gone = CustomerFactory(partner=partner)
    usage = CustomerFactory(partner=partner, billing_type="usage")
    kept = CustomerFactory(partner=partner)
    license_for(kept, ends_in=20)
    refused = send(
        api,
        "post",
        "/partnerdesk/v1/unlinks",
        {"customerIds": [str(gone.uuid)], "confirm": False},
    )
    assert refused.status_code == 409
    response = send(
        api,
        "post",
        "/partnerdesk/v1/unlinks",
        {"customerIds": [str(c.uuid) for c in (gone, usage, kept)], "confirm": True},
    )
    assert response.status_code == 200
    results = {item["id"]: item["result"] for item in response.json()["items"]}
    assert results == {
        str(gone.uuid): "done",
        str(usage.uuid): "scheduled",
        str(kept.uuid): "refused",
    }
    cancel = send(api, "delete", f"/partnerdesk/v1/customers/{usage.uuid}/scheduled-unlink")
    assert cancel.status_code == 204
    assert ScheduledUnlink.objects.get().status == "cancelled"
    assert Customer.objects.get(pk=gone.pk).unlinked_at is not None


def test_u4_unlink_ignores_customers_of_another_partner(partner, other_partner, make_api_user):
    outsider = make_api_user(other_partner)
    c = CustomerFactory(partner=partner)
    response = send(
        outsider,
        "post",
        "/partnerdesk/v1/unlinks",
        {"customerIds": [str(c.uuid)], "confirm": True},
    )
    assert response.json()["items"] == []
    assert Customer.objects.get(pk=c.pk).unlinked_at is None


def test_s2_audit_log_through_the_api(partner, other_partner, make_api_user):
    api = make_api_user(partner)
    send(api, "post", "/partnerdesk/v1/groups", {"name": "Clinics"})
    response = api.get(
        "/partnerdesk/v1/audit-events", {"pageTotal": "true", "action": "group.created"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["pages"]["items"] == 1
    event = body["items"][0]
    assert event["action"] == "group.created" and event["actorKind"] == "credential"
    assert event["after"] == {"name": "Clinics", "description": ""}
    outsider = make_api_user(other_partner)
    seen = outsider.get("/partnerdesk/v1/audit-events").json()["items"]
    assert seen and all(e["action"].startswith("api_credential.") for e in seen)
    readonly = make_api_user(partner, PartnerRole.READ_ONLY)
    assert readonly.get("/partnerdesk/v1/audit-events").status_code == 403


def test_operator_issue_keys_command_is_still_the_way_keys_are_made(tmp_path):
    product("endpoint", "endpoint-test")
    out = tmp_path / "keys.csv"
    call_command(
        "issue_keys",
        "--product",
        "endpoint-test",
        "--quantity",
        "5",
        "--months",
        "12",
        "--count",
        "2",
        "--output",
        str(out),
    )
    assert LicenseKey.objects.count() == 2
