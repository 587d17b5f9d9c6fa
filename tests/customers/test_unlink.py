"""Unlinking, rule by rule (U-1 .. U-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer, ScheduledUnlink
from partnerdesk.customers.unlink import (
    carry_out_due_unlinks,
    customer_unlink,
    first_of_next_month,
)
from tests.factories import CustomerFactory, license_for

pytestmark = pytest.mark.django_db
UNLINK = reverse("customers:unlink")


def actor_of(user) -> Actor:
    return Actor(
        partner_id=user.partner_id, role=user.role, user_id=user.id, display_name=user.username
    )


def unlink(user, *customers, confirmed=True):
    return customer_unlink(
        actor=actor_of(user), customer_ids=[str(c.uuid) for c in customers], confirmed=confirmed
    )


def test_u1_customer_whose_licenses_expired_over_60_days_ago_is_unlinked(partner, super_admin):
    c = CustomerFactory(partner=partner)
    license_for(c, ends_in=-61, started_days_ago=400)
    license_for(c, category="server", revoked=True)
    [outcome] = unlink(super_admin, c)
    assert outcome.result == "done"
    c.refresh_from_db()
    assert c.unlinked_at is not None
    assert AuditEvent.objects.get(action="customer.unlinked").customer_id == c.id


def test_u1_free_trial_account_without_term_license_is_unlinked(partner, super_admin):
    c = CustomerFactory(partner=partner, billing_type="trial")
    license_for(c, license_type="trial", ends_in=20)
    assert unlink(super_admin, c)[0].result == "done"


def test_u2_refused_with_an_active_license(partner, super_admin):
    c = CustomerFactory(partner=partner)
    license_for(c, ends_in=100)
    [outcome] = unlink(super_admin, c)
    assert outcome.result == "refused"
    assert "It holds an active license: Endpoint Test" in outcome.message
    c.refresh_from_db()
    assert c.unlinked_at is None
    assert not AuditEvent.objects.exists()


def test_u2_refused_when_license_expired_less_than_60_days_ago_with_the_date(partner, super_admin):
    c = CustomerFactory(partner=partner)
    license_for(c, ends_in=-10, started_days_ago=400)
    [outcome] = unlink(super_admin, c)
    possible = timezone.localdate() - dt.timedelta(days=10) + dt.timedelta(days=61)
    assert outcome.result == "refused"
    assert outcome.on == possible
    assert f"unlinking is possible from {possible:%d %b %Y}" in outcome.message


def test_u2_trial_customer_holding_a_term_license_follows_the_license_rules(partner, super_admin):
    c = CustomerFactory(partner=partner, billing_type="trial")
    license_for(c, ends_in=30)
    assert unlink(super_admin, c)[0].result == "refused"


def test_u3_usage_customer_is_scheduled_for_the_first_of_next_month(partner, super_admin):
    c = CustomerFactory(partner=partner, billing_type="usage")
    license_for(c, license_type="usage")
    [outcome] = unlink(super_admin, c)
    due = first_of_next_month(timezone.localdate())
    assert (outcome.result, outcome.on) == ("scheduled", due)
    c.refresh_from_db()
    assert c.unlinked_at is None
    assert ScheduledUnlink.objects.get(customer=c).due_on == due


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 12, 3), dt.date(2027, 1, 1)),
        (dt.date(2027, 1, 31), dt.date(2027, 2, 1)),
        (dt.date(2028, 2, 29), dt.date(2028, 3, 1)),
    ],
)
def test_u3_first_day_of_next_month(today, expected):
    assert first_of_next_month(today) == expected


def test_u3_scheduled_unlink_is_shown_and_can_be_cancelled(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner, billing_type="usage", show_as="Meter Co")
    unlink(super_admin, c)
    client = client_for(super_admin)
    assert "Unlink on" in client.get(reverse("customers:list")).content.decode()
    detail = client.get(reverse("customers:detail", args=[c.uuid])).content.decode()
    assert "Unlink scheduled for" in detail
    response = client.post(reverse("customers:unlink_cancel", args=[c.uuid]), follow=True)
    assert "The scheduled unlink is cancelled" in response.content.decode()
    assert ScheduledUnlink.objects.get(customer=c).status == "cancelled"
    assert carry_out_due_unlinks(first_of_next_month(timezone.localdate())) == 0
    c.refresh_from_db()
    assert c.unlinked_at is None


def test_u3_cancelling_when_nothing_is_scheduled_says_so(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    response = client_for(super_admin).post(
        reverse("customers:unlink_cancel", args=[c.uuid]), follow=True
    )
    assert "nothing to cancel" in response.content.decode()


def test_u3_due_unlinks_are_carried_out_once(partner, super_admin):
    c = CustomerFactory(partner=partner, billing_type="usage")
    unlink(super_admin, c)
    due = first_of_next_month(timezone.localdate())
    assert carry_out_due_unlinks(due - dt.timedelta(days=1)) == 0
    assert carry_out_due_unlinks(due) == 1
    assert carry_out_due_unlinks(due) == 0
    c.refresh_from_db()
    assert c.unlinked_at is not None
    assert AuditEvent.objects.filter(action="customer.unlinked").count() == 1


def test_u3_scheduling_twice_keeps_one_schedule(partner, super_admin):
    c = CustomerFactory(partner=partner, billing_type="usage")
    unlink(super_admin, c)
    [again] = unlink(super_admin, c)
    assert again.result == "scheduled" and "Already scheduled" in again.message
    assert ScheduledUnlink.objects.filter(customer=c).count() == 1


def test_u4_several_customers_in_one_action_each_with_its_result(partner, super_admin, client_for):
    gone = CustomerFactory(partner=partner, show_as="Gone Co")
    later = CustomerFactory(partner=partner, show_as="Later Co", billing_type="usage")
    kept = CustomerFactory(partner=partner, show_as="Kept Co")
    license_for(kept, ends_in=50)
    client = client_for(super_admin)
    ids = [str(c.uuid) for c in (gone, later, kept)]
    confirm = client.post(UNLINK, {"customer": ids}).content.decode()
    due = first_of_next_month(timezone.localdate())
    assert f"Unlink 2 customers: 1 now, 1 on {due:%d %B %Y}, 1 cannot be unlinked yet" in confirm
    assert "Yes, make unlinking effective immediately" in confirm
    assert Customer.objects.filter(unlinked_at__isnull=False).count() == 0
    result = client.post(
        UNLINK, {"customer": ids, "step": "confirm", "confirmed": "yes"}
    ).content.decode()
    for text in (
        "Gone Co",
        "Done",
        "Later Co",
        "Scheduled",
        "Kept Co",
        "Refused",
        "It holds an active license",
    ):
        assert text in result
    listing = client.get(reverse("customers:list")).content.decode()
    assert "Gone Co" not in listing and "Later Co" in listing and "Kept Co" in listing
    gone.refresh_from_db()
    assert gone.unlinked_at is not None  # the record stays


def test_u4_unconfirmed_unlink_changes_nothing(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    response = client_for(super_admin).post(UNLINK, {"customer": [str(c.uuid)], "step": "confirm"})
    assert response.status_code == 400
    assert "Tick “Yes, make unlinking effective immediately”" in response.content.decode()
    c.refresh_from_db()
    assert c.unlinked_at is None


def test_u4_selection_is_required(super_admin, client_for):
    response = client_for(super_admin).post(UNLINK, {}, follow=True)
    assert "Select the customers to unlink first." in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY, PartnerRole.BUSINESS_ADMIN],
)
def test_u4_only_super_admins_unlink_and_see_the_action(partner, make_user, client_for, role):
    from tests.factories import assign

    user = make_user(partner, role)
    c = CustomerFactory(partner=partner)
    assign(user, c)
    client = client_for(user)
    assert "Unlink selected" not in client.get(reverse("customers:list")).content.decode()
    response = client.post(
        UNLINK, {"customer": [str(c.uuid)], "step": "confirm", "confirmed": "yes"}
    )
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.unlinked_at is None


def test_s1_another_partners_customer_cannot_be_unlinked(
    partner, other_partner, make_user, client_for
):
    c = CustomerFactory(partner=partner, show_as="Not Yours")
    client = client_for(make_user(other_partner))
    result = client.post(
        UNLINK, {"customer": [str(c.uuid)], "step": "confirm", "confirmed": "yes"}
    ).content.decode()
    assert "Not Yours" not in result
    assert client.post(reverse("customers:unlink_cancel", args=[c.uuid])).status_code == 404
    c.refresh_from_db()
    assert c.unlinked_at is None
