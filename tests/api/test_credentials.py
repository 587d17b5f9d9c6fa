"""A-5: Super Admins create credentials (secret shown once, stored hashed), see them with
last use, and revoke them; operators use `manage.py api_credential`."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from partnerdesk.accounts.models import APICredential, User
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner
from tests.compat.conftest import get_token
from tests.factories import CustomerFactory

PAGE = "/accounts/credentials/"


def test_super_admin_creates_a_credential_and_sees_the_secret_once(
    client_for: Callable[[User], Client], super_admin: User
) -> None:
    client = client_for(super_admin)
    response = client.post(PAGE, {"name": "RMM sync", "role": "read_only"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new = response.context["new"]
    assert new.client_secret in response.content.decode()
    credential = APICredential.objects.get()
    assert credential.partner == super_admin.partner
    assert credential.role == "read_only"
    assert new.client_secret not in credential.secret_hash
    # Shown once: the list page afterwards names the credential but not the secret.
    listing = client.get(PAGE).content.decode()
    assert "RMM sync" in listing and new.client_secret not in listing
    assert get_token(Client(), new.client_id, new.client_secret).status_code == 200


def test_empty_name_is_refused(client_for: Callable[[User], Client], super_admin: User) -> None:
    response = client_for(super_admin).post(PAGE, {"name": "  ", "role": "admin"})
    assert response.status_code == 400
    assert not APICredential.objects.exists()


@pytest.mark.parametrize(
    "role",
    [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY, PartnerRole.BUSINESS_ADMIN],
)
def test_other_roles_cannot_manage_credentials(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    partner: Partner,
    role: PartnerRole,
) -> None:
    client = client_for(make_user(partner, role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "x", "role": "super_admin"}).status_code == 403
    assert not APICredential.objects.exists()


def test_revoke_stops_the_credential_and_is_scoped_to_the_partner(
    client_for: Callable[[User], Client],
    super_admin: User,
    make_user: Callable[..., User],
    other_partner: Partner,
) -> None:
    client = client_for(super_admin)
    new = client.post(PAGE, {"name": "Old script", "role": "admin"}).context["new"]
    token = get_token(Client(), new.client_id, new.client_secret).json()["access_token"]
    url = f"/accounts/credentials/{new.credential.pk}/revoke/"
    # Another partner's Super Admin cannot even see it.
    stranger = client_for(make_user(other_partner))
    assert stranger.get(url).status_code == 404
    assert stranger.post(url).status_code == 404
    assert "Old script" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert APICredential.objects.get().revoked_at is not None
    refused = Client().get("/whoami/v1", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def test_command_creates_lists_assigns_and_revokes(partner: Partner) -> None:
    out = io.StringIO()
    call_command(
        "api_credential", "create", "--partner", partner.name, "--role", "help_desk",
        "--name", "PSA", stdout=out,
    )  # fmt: skip
    printed = json.loads(out.getvalue())
    assert set(printed) == {"client_id", "client_secret"}
    assert get_token(Client(), printed["client_id"], printed["client_secret"]).status_code == 200
    customer = CustomerFactory(partner=partner)
    call_command("api_credential", "assign", printed["client_id"], str(customer.uuid), stdout=out)
    assert APICredential.objects.get().assignments.count() == 1
    listing = io.StringIO()
    call_command("api_credential", "list", "--partner", str(partner.pk), stdout=listing)
    assert json.loads(listing.getvalue())[0]["client_id"] == printed["client_id"]
    call_command("api_credential", "revoke", printed["client_id"], stdout=out)
    assert get_token(Client(), printed["client_id"], printed["client_secret"]).status_code == 401


def test_command_refuses_unknown_partner_and_role(partner: Partner) -> None:
    with pytest.raises(CommandError):
        call_command("api_credential", "create", "--partner", "Nobody", "--role", "admin",
                     "--name", "x")  # fmt: skip
    with pytest.raises(CommandError):
        call_command("api_credential", "create", "--partner", partner.name, "--role", "boss",
                     "--name", "x")  # fmt: skip


def test_super_admin_assigns_customers_to_a_credential_by_name(
    client_for: Callable[[User], Client],
    super_admin: User,
    partner: Partner,
    other_partner: Partner,
) -> None:
    client = client_for(super_admin)
    new = client.post(PAGE, {"name": "Help desk bot", "role": "help_desk"}).context["new"]
    mine = CustomerFactory(partner=partner, show_as="Harbor Dental")
    CustomerFactory(partner=other_partner, show_as="Harbor Logistics")
    url = f"/accounts/credentials/{new.credential.pk}/customers/"
    found = client.get(url, {"q": "harbor"})
    assert [c.show_as for c in found.context["found"]] == ["Harbor Dental"]
    assert client.post(url, {"customer": str(mine.uuid)}).status_code == 302
    assert [c.show_as for c in client.get(url).context["assigned"]] == ["Harbor Dental"]
    token = get_token(Client(), new.client_id, new.client_secret).json()["access_token"]
    tenants = Client().get(
        "/partner/v1/tenants",
        headers={"Authorization": f"Bearer {token}", "X-Partner-ID": str(partner.pk)},
    )
    assert [t["showAs"] for t in tenants.json()["items"]] == ["Harbor Dental"]
    client.post(url, {"customer": str(mine.uuid), "action": "remove"})
    assert not APICredential.objects.get().assignments.exists()
    assert client.get(url, {"q": "bad\x01"}).status_code == 400


def test_assignment_refuses_foreign_customers_and_all_seeing_roles(
    client_for: Callable[[User], Client],
    super_admin: User,
    partner: Partner,
    other_partner: Partner,
    make_user: Callable[..., User],
) -> None:
    client = client_for(super_admin)
    helper = client.post(PAGE, {"name": "Bot", "role": "read_only"}).context["new"]
    boss = client.post(PAGE, {"name": "Boss", "role": "business_admin"}).context["new"]
    theirs = CustomerFactory(partner=other_partner)
    mine = CustomerFactory(partner=partner)
    helper_url = f"/accounts/credentials/{helper.credential.pk}/customers/"
    assert client.post(helper_url, {"customer": str(theirs.uuid)}).status_code == 404
    boss_url = f"/accounts/credentials/{boss.credential.pk}/customers/"
    client.post(boss_url, {"customer": str(mine.uuid)})
    assert not APICredential.objects.filter(assignments__isnull=False).exists()
    stranger = client_for(make_user(other_partner))
    assert stranger.get(helper_url).status_code == 404
    assert stranger.post(helper_url, {"customer": str(mine.uuid)}).status_code == 404


def test_credential_changes_are_audited(
    client_for: Callable[[User], Client], super_admin: User, partner: Partner
) -> None:
    from partnerdesk.audit.models import AuditEvent

    client = client_for(super_admin)
    new = client.post(PAGE, {"name": "Audited", "role": "help_desk"}).context["new"]
    customer = CustomerFactory(partner=partner)
    url = f"/accounts/credentials/{new.credential.pk}/customers/"
    client.post(url, {"customer": str(customer.uuid)})
    client.post(url, {"customer": str(customer.uuid), "action": "remove"})
    client.post(f"/accounts/credentials/{new.credential.pk}/revoke/")
    events = list(AuditEvent.objects.order_by("id").values_list("action", "user_id", "partner_id"))
    assert events == [
        ("api_credential.created", super_admin.pk, partner.pk),
        ("api_credential.customer_assigned", super_admin.pk, partner.pk),
        ("api_credential.customer_unassigned", super_admin.pk, partner.pk),
        ("api_credential.revoked", super_admin.pk, partner.pk),
    ]
    assert new.client_secret not in str(list(AuditEvent.objects.values()))
