"""D-2: Super Admins create, rename and delete groups and manage their members."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import CustomerGroup, GroupMembership
from tests.factories import CustomerFactory, GroupFactory, add_to_group

pytestmark = pytest.mark.django_db
GROUPS = reverse("groups:list")


def test_d2_super_admin_creates_a_group_and_it_is_audited(partner, super_admin, client_for):
    response = client_for(super_admin).post(
        GROUPS, {"name": "  Dentists ", "description": "Dental practices"}, follow=True
    )
    assert "Group “Dentists” created." in response.content.decode()
    group = CustomerGroup.objects.get(partner=partner)
    assert (group.name, group.description) == ("Dentists", "Dental practices")
    assert AuditEvent.objects.get().action == "group.created"


@pytest.mark.parametrize("name", ["dentists", "DENTISTS", "Dentists"])
def test_d2_group_names_are_unique_per_partner_whatever_the_case(
    partner, super_admin, client_for, name
):
    GroupFactory(partner=partner, name="Dentists")
    response = client_for(super_admin).post(GROUPS, {"name": name})
    assert response.status_code == 409
    assert f"A group named “{name}” already exists." in response.content.decode()
    assert CustomerGroup.objects.filter(partner=partner).count() == 1


def test_d2_the_same_name_is_fine_for_another_partner(
    partner, other_partner, super_admin, client_for
):
    GroupFactory(partner=other_partner, name="Dentists")
    assert client_for(super_admin).post(GROUPS, {"name": "Dentists"}).status_code == 302


def test_d2_database_refuses_duplicate_names_in_any_case(partner):
    from django.db import IntegrityError, transaction

    GroupFactory(partner=partner, name="Dentists")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerGroup.objects.create(partner=partner, name="DENTISTS")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the group."),
        ("   ", "Enter a name for the group."),
        ("x" * 81, "at most 80 characters"),
        ("bad\x07name", "control characters"),
    ],
)
def test_d2_bad_group_names_are_refused_with_a_message(
    partner, super_admin, client_for, name, message
):
    response = client_for(super_admin).post(GROUPS, {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CustomerGroup.objects.exists()


def test_d2_rename_keeps_members_and_records_before_and_after(partner, super_admin, client_for):
    group = GroupFactory(partner=partner, name="Old")
    add_to_group(CustomerFactory(partner=partner), group)
    client_for(super_admin).post(
        reverse("groups:edit", args=[group.id]), {"name": "New", "description": "d"}
    )
    group.refresh_from_db()
    assert group.name == "New"
    assert GroupMembership.objects.filter(group=group).count() == 1
    event = AuditEvent.objects.get(action="group.renamed")
    assert event.before["name"] == "Old" and event.after["name"] == "New"


def test_d2_rename_to_a_taken_name_is_refused(partner, super_admin, client_for):
    GroupFactory(partner=partner, name="Taken")
    group = GroupFactory(partner=partner, name="Mine")
    response = client_for(super_admin).post(
        reverse("groups:edit", args=[group.id]), {"name": "taken"}
    )
    assert response.status_code == 409
    group.refresh_from_db()
    assert group.name == "Mine"


def test_d2_delete_asks_first_then_removes_group_but_keeps_customers(
    partner, super_admin, client_for
):
    group = GroupFactory(partner=partner, name="Temp")
    customer = CustomerFactory(partner=partner)
    add_to_group(customer, group)
    client = client_for(super_admin)
    confirm = client.get(reverse("groups:delete", args=[group.id])).content.decode()
    assert "Delete the group “Temp”?" in confirm and "1 customer stays" in confirm
    response = client.post(reverse("groups:delete", args=[group.id]), follow=True)
    assert "Group “Temp” deleted." in response.content.decode()
    assert not CustomerGroup.objects.exists()
    customer.refresh_from_db()
    assert AuditEvent.objects.get(action="group.deleted").before["members"] == 1


def test_d2_members_are_added_from_the_group_page(partner, super_admin, client_for):
    group = GroupFactory(partner=partner, name="VIP")
    inside = CustomerFactory(partner=partner, show_as="Acme Inside")
    add_to_group(inside, group)
    outside = CustomerFactory(partner=partner, show_as="Acme Outside")
    client = client_for(super_admin)
    page = client.get(reverse("groups:edit", args=[group.id]), {"q": "acme"})
    assert [c.show_as for c in page.context["candidates"]] == ["Acme Outside"]
    client.post(reverse("groups:member_add", args=[group.id]), {"customer": str(outside.uuid)})
    assert GroupMembership.objects.filter(group=group, customer=outside).exists()


def test_d2_groups_page_shows_member_counts(partner, super_admin, client_for):
    group = GroupFactory(partner=partner, name="VIP")
    for _ in range(3):
        add_to_group(CustomerFactory(partner=partner), group)
    page = client_for(super_admin).get(GROUPS)
    assert [(s.group.name, s.members) for s in page.context["groups"]] == [("VIP", 3)]


@pytest.mark.parametrize(
    "role",
    [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY, PartnerRole.BUSINESS_ADMIN],
)
def test_d2_only_super_admins_manage_groups(partner, make_user, client_for, role):
    client = client_for(make_user(partner, role))
    group = GroupFactory(partner=partner, name="Keep")
    customer = CustomerFactory(partner=partner)
    assert client.get(GROUPS).status_code == 403
    assert client.post(GROUPS, {"name": "New"}).status_code == 403
    assert client.post(reverse("groups:edit", args=[group.id]), {"name": "X"}).status_code == 403
    assert client.post(reverse("groups:delete", args=[group.id])).status_code == 403
    member_add = client.post(
        reverse("groups:member_add", args=[group.id]), {"customer": str(customer.uuid)}
    )
    assert member_add.status_code in (403, 404)
    assert list(CustomerGroup.objects.values_list("name", flat=True)) == ["Keep"]
    assert not GroupMembership.objects.exists()


def test_s1_another_partners_group_is_not_found(partner, other_partner, make_user, client_for):
    group = GroupFactory(partner=partner, name="Secret")
    client = client_for(make_user(other_partner))
    for url in (reverse("groups:edit", args=[group.id]), reverse("groups:delete", args=[group.id])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Hijack"}).status_code == 404
    assert "Secret" not in client.get(GROUPS).content.decode()
    group.refresh_from_db()
    assert group.name == "Secret"
