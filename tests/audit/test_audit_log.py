"""S-2: every change is in the audit log, readable by the roles that may read it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.permissions import PartnerRole
from tests.factories import CustomerFactory, GroupFactory, add_to_group, assign

pytestmark = pytest.mark.django_db
LOG = reverse("audit:list")


def add_member(client, customer, group):
    return client.post(
        reverse("customers:group_add", args=[customer.uuid]),
        {"group": group.id},
        REMOTE_ADDR="198.51.100.7",
    )


def test_s2_group_change_records_who_when_where_what_before_and_after(
    partner, super_admin, client_for
):
    c = CustomerFactory(partner=partner, show_as="Acme")
    group = GroupFactory(partner=partner, name="VIP")
    add_member(client_for(super_admin), c, group)
    event = AuditEvent.objects.get()
    assert event.action == "group.member_added"
    assert event.user_id == super_admin.id
    assert event.actor_kind == "user"
    assert event.address == "198.51.100.7"
    assert event.customer_id == c.id and event.partner_id == partner.id
    assert event.before == {"member": False}
    assert event.after == {"member": True, "group": "VIP"}
    assert event.occurred_at is not None


def test_s2_refused_change_writes_no_event(partner, make_user, client_for):
    user = make_user(partner, PartnerRole.READ_ONLY)
    c = CustomerFactory(partner=partner)
    assign(user, c)
    add_member(client_for(user), c, GroupFactory(partner=partner))
    assert not AuditEvent.objects.exists()


def test_s2_removal_is_recorded(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner)
    group = GroupFactory(partner=partner)
    add_to_group(c, group)
    client_for(super_admin).post(reverse("customers:group_remove", args=[c.uuid, group.id]))
    assert AuditEvent.objects.get().action == "group.member_removed"


def test_s2_audit_page_lists_and_filters_events(partner, super_admin, client_for):
    client = client_for(super_admin)
    a = CustomerFactory(partner=partner, show_as="Acme")
    b = CustomerFactory(partner=partner, show_as="Beta")
    group = GroupFactory(partner=partner, name="VIP")
    add_member(client, a, group)
    add_member(client, b, group)
    client.post(reverse("customers:group_remove", args=[b.uuid, group.id]))
    page = client.get(LOG)
    assert page.status_code == 200
    assert len(page.context["events"]) == 3
    assert "Customer added to group" in page.content.decode()
    only_a = client.get(LOG, {"customer": str(a.uuid)}).context["events"]
    assert [e.customer_id for e in only_a] == [a.id]
    removed = client.get(LOG, {"action": "group.member_removed"}).context["events"]
    assert [e.customer_id for e in removed] == [b.id]
    assert len(client.get(LOG, {"user": super_admin.id}).context["events"]) == 3
    assert len(client.get(LOG, {"since": "2999-01-01"}).context["events"]) == 0


def test_s2_audit_filters_refuse_bad_input_with_a_message(super_admin, client_for):
    response = client_for(super_admin).get(LOG, {"since": "yesterday"})
    assert response.status_code == 400
    assert "must be a date like 2026-12-31" in response.content.decode()


def test_s2_audit_csv_export(partner, super_admin, client_for):
    client = client_for(super_admin)
    add_member(
        client, CustomerFactory(partner=partner, show_as="Acme"), GroupFactory(partner=partner)
    )
    response = client.get(reverse("audit:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "When (UTC)"
    assert rows[1][4] == "Customer added to group"
    assert rows[1][6] == "Acme"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (PartnerRole.SUPER_ADMIN, 200),
        (PartnerRole.BUSINESS_ADMIN, 200),
        (PartnerRole.ADMIN, 200),
        (PartnerRole.HELP_DESK, 403),
        (PartnerRole.READ_ONLY, 403),
    ],
)
def test_s2_audit_log_readable_by_the_roles_of_the_table(
    partner, make_user, client_for, role, status
):
    assert client_for(make_user(partner, role)).get(LOG).status_code == status
    assert client_for(make_user(partner, role)).get(reverse("audit:export")).status_code == status


def test_s2_admins_read_only_events_of_their_own_customers(
    partner, super_admin, make_user, client_for
):
    admin = make_user(partner, PartnerRole.ADMIN)
    mine = CustomerFactory(partner=partner, show_as="Mine")
    theirs = CustomerFactory(partner=partner, show_as="Theirs")
    assign(admin, mine)
    group = GroupFactory(partner=partner)
    add_member(client_for(super_admin), mine, group)
    add_member(client_for(super_admin), theirs, group)
    events = client_for(admin).get(LOG).context["events"]
    assert [e.customer_id for e in events] == [mine.id]
    hidden = client_for(admin).get(LOG, {"customer": str(theirs.uuid)})
    assert hidden.status_code == 404


def test_s1_another_partner_reads_nothing_of_this_log(
    partner, other_partner, super_admin, make_user, client_for
):
    add_member(
        client_for(super_admin),
        CustomerFactory(partner=partner, show_as="Secret Co"),
        GroupFactory(partner=partner),
    )
    outsider = client_for(make_user(other_partner))
    body = outsider.get(LOG).content.decode()
    assert "Secret Co" not in body
    csv_body = b"".join(outsider.get(reverse("audit:export")).streaming_content).decode()
    assert "Secret Co" not in csv_body


def test_anonymous_users_are_sent_to_sign_in_from_the_log(client):
    for url in (LOG, reverse("audit:export")):
        assert client.get(url).status_code == 302
