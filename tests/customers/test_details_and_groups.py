"""Customer details (D-1) and group membership from the details page (D-2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import GroupMembership
from tests.factories import CustomerFactory, GroupFactory, add_to_group, assign, license_for

pytestmark = pytest.mark.django_db


def test_d1_details_list_groups_and_every_license_with_its_state(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner, show_as="Acme")
    add_to_group(c, GroupFactory(partner=partner, name="Key accounts"))
    license_for(c, category="endpoint", ends_in=400, quantity=25)
    license_for(c, category="server", ends_in=-12)
    license_for(c, category="mdr", license_type="trial", ends_in=6)
    license_for(c, category="email", revoked=True)
    response = client_for(super_admin).get(reverse("customers:detail", args=[c.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Key accounts" in html
    states = sorted(line.status.key for line in response.context["details"].licenses)
    assert states == ["active", "expired", "revoked", "trial"]
    for text in ("Endpoint Test", "Server Test", "Mdr Test", "Email Test", "25", "Trial, 6 days"):
        assert text in html, text


def test_d1_details_of_a_customer_without_licenses_says_so(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    html = client_for(super_admin).get(reverse("customers:detail", args=[c.uuid])).content
    assert b"holds no licenses yet" in html


def test_d2_super_admin_adds_customer_to_an_existing_group(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    group = GroupFactory(partner=partner, name="Education")
    client = client_for(super_admin)
    page = client.get(reverse("customers:detail", args=[c.uuid])).content.decode()
    assert "Add to group" in page and "Education" in page
    response = client.post(
        reverse("customers:group_add", args=[c.uuid]), {"group": group.id}, follow=True
    )
    assert "Added to the group Education." in response.content.decode()
    assert GroupMembership.objects.filter(group=group, customer=c).exists()


def test_d2_adding_twice_is_refused_with_a_message(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner, show_as="Acme")
    group = GroupFactory(partner=partner, name="Education")
    add_to_group(c, group)
    response = client_for(super_admin).post(
        reverse("customers:group_add", args=[c.uuid]), {"group": group.id}, follow=True
    )
    assert "Acme is already in the group Education." in response.content.decode()
    assert GroupMembership.objects.filter(customer=c).count() == 1


def test_d2_saving_without_picking_a_group_asks_for_one(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    response = client_for(super_admin).post(
        reverse("customers:group_add", args=[c.uuid]), {"group": ""}, follow=True
    )
    assert "Pick a group" in response.content.decode()


def test_d2_super_admin_takes_customer_out_of_a_group(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    group = GroupFactory(partner=partner, name="Education")
    add_to_group(c, group)
    response = client_for(super_admin).post(
        reverse("customers:group_remove", args=[c.uuid, group.id]), follow=True
    )
    assert "Removed from the group." in response.content.decode()
    assert not GroupMembership.objects.filter(customer=c).exists()


def test_d2_another_partners_group_is_not_found(partner, other_partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    foreign = GroupFactory(partner=other_partner)
    response = client_for(super_admin).post(
        reverse("customers:group_add", args=[c.uuid]), {"group": foreign.id}
    )
    assert response.status_code == 404
    assert not GroupMembership.objects.exists()


@pytest.mark.parametrize(
    "role",
    [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY, PartnerRole.BUSINESS_ADMIN],
)
def test_d2_only_super_admins_change_membership(partner, make_user, client_for, role):
    user = make_user(partner, role)
    c = CustomerFactory(partner=partner)
    assign(user, c)
    group = GroupFactory(partner=partner)
    member = GroupFactory(partner=partner)
    add_to_group(c, member)
    client = client_for(user)
    page = client.get(reverse("customers:detail", args=[c.uuid])).content.decode()
    assert "Add to group" not in page and "Remove" not in page
    add = client.post(reverse("customers:group_add", args=[c.uuid]), {"group": group.id})
    remove = client.post(reverse("customers:group_remove", args=[c.uuid, member.id]))
    assert add.status_code == remove.status_code == 403
    assert list(GroupMembership.objects.values_list("group_id", flat=True)) == [member.id]
