"""The Customers page, rule by rule (C-1 .. C-7, C-9)."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerdesk.core.permissions import PartnerRole
from tests.factories import CustomerFactory, GroupFactory, add_to_group, assign, license_for

pytestmark = pytest.mark.django_db
LIST = reverse("customers:list")


def rows(response) -> list[str]:
    return [row.customer.show_as for row in response.context["result"].rows]


def test_c1_lists_linked_customers_with_billing_status_assistance_groups_and_dollar_tag(
    partner, super_admin, client_for
):
    acme = CustomerFactory(
        partner=partner,
        show_as="Acme Dental",
        partner_assistance=True,
        billing_type="usage",
        managed_order=True,
    )
    group = GroupFactory(partner=partner, name="Healthcare")
    add_to_group(acme, group)
    license_for(acme, category="endpoint", license_type="usage")
    license_for(acme, category="email", ends_in=10)
    response = client_for(super_admin).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme Dental" in html
    assert "Monthly usage" in html
    assert "Healthcare" in html
    assert 'class="tag-dollar"' in html
    row = response.context["result"].rows[0]
    assert row.statuses["endpoint"].key == "active"
    assert row.statuses["email"].key == "expiring"
    assert row.statuses["server"].key == "none"
    assert [g.name for g in row.groups] == ["Healthcare"]


def test_c1_unlinked_customers_leave_the_list(partner, super_admin, client_for):
    from django.utils import timezone

    CustomerFactory(partner=partner, show_as="Gone Ltd", unlinked_at=timezone.now())
    CustomerFactory(partner=partner, show_as="Here Ltd")
    assert rows(client_for(super_admin).get(LIST)) == ["Here Ltd"]


def test_c3_show_my_protection_only_hides_categories_nobody_holds(partner, super_admin, client_for):
    a = CustomerFactory(partner=partner)
    b = CustomerFactory(partner=partner)
    license_for(a, category="endpoint")
    license_for(b, category="mdr", license_type="trial", ends_in=10)
    license_for(b, category="email", ends_in=-20)  # expired: not protection sold today
    license_for(b, category="server", revoked=True)
    client = client_for(super_admin)
    shown = [v for v, _ in client.get(LIST, {"protection": "on"}).context["result"].categories]
    assert shown == ["endpoint", "mdr"]
    every = [v for v, _ in client.get(LIST).context["result"].categories]
    assert every == ["endpoint", "server", "mobile", "email", "firewall", "mdr"]


def test_c3_toggle_is_kept_in_the_url_of_links(partner, super_admin, client_for):
    for _ in range(3):
        CustomerFactory(partner=partner)
    html = client_for(super_admin).get(LIST, {"protection": "on", "page_size": 1}).content
    assert b"protection=on" in html  # next page, sort links and export keep the toggle


@pytest.mark.parametrize("term", ["DENT", "dent", "ent", "De", "Acme Den"])
def test_c4_search_is_case_insensitive_substring_on_shown_name(
    partner, super_admin, client_for, term
):
    CustomerFactory(partner=partner, show_as="Acme Dental", legal_name="Acme Holdings")
    CustomerFactory(partner=partner, show_as="Zeta Farms", legal_name="Zeta Agrar GmbH")
    assert rows(client_for(super_admin).get(LIST, {"q": term})) == ["Acme Dental"]


@pytest.mark.parametrize("term", ["agrar", "Ag", "GMBH"])
def test_c4_search_matches_legal_name(partner, super_admin, client_for, term):
    CustomerFactory(partner=partner, show_as="Acme Dental", legal_name="Acme Holdings")
    CustomerFactory(partner=partner, show_as="Zeta Farms", legal_name="Zeta Agrar GmbH")
    assert rows(client_for(super_admin).get(LIST, {"q": term})) == ["Zeta Farms"]


def test_c4_search_follows_renames_and_handles_quotes(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner, show_as="Old Name", legal_name="Renamed Ltd")
    c.show_as = 'New "Quoted" Name'
    c.save()
    client = client_for(super_admin)
    assert rows(client.get(LIST, {"q": "old"})) == []
    assert rows(client.get(LIST, {"q": '"quoted"'})) == ['New "Quoted" Name']
    assert rows(client.get(LIST, {"q": "%"})) == []


def test_c4_clearing_the_search_shows_every_record_again(partner, super_admin, client_for):
    for name in ("Alpha", "Beta", "Gamma"):
        CustomerFactory(partner=partner, show_as=name)
    client = client_for(super_admin)
    assert rows(client.get(LIST, {"q": "bet"})) == ["Beta"]
    assert rows(client.get(LIST, {"q": ""})) == ["Alpha", "Beta", "Gamma"]


def test_c4_no_match_explains_and_offers_to_clear(partner, super_admin, client_for):
    CustomerFactory(partner=partner, show_as="Alpha")
    html = client_for(super_admin).get(LIST, {"q": "acm"}).content.decode()
    assert "No customers match “acm”." in html
    assert "Clear search" in html


def test_c4_htmx_search_returns_only_the_table(partner, super_admin, client_for):
    CustomerFactory(partner=partner, show_as="Alpha")
    response = client_for(super_admin).get(
        LIST, {"q": "alp"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-results"
    )
    html = response.content.decode()
    assert "Alpha" in html
    assert "<html" not in html


def test_c4_filters_by_billing_group_assistance_and_license_state(partner, super_admin, client_for):
    a = CustomerFactory(partner=partner, show_as="A", billing_type="trial")
    b = CustomerFactory(partner=partner, show_as="B", partner_assistance=True)
    c = CustomerFactory(partner=partner, show_as="C")
    group = GroupFactory(partner=partner)
    add_to_group(b, group)
    license_for(a, license_type="trial", ends_in=5)
    license_for(b, category="server", ends_in=-10)
    license_for(c, category="server", ends_in=-10)
    license_for(c, category="server", ends_in=400)
    client = client_for(super_admin)
    assert rows(client.get(LIST, {"billing": "trial"})) == ["A"]
    assert rows(client.get(LIST, {"group": group.id})) == ["B"]
    assert rows(client.get(LIST, {"assistance": "on"})) == ["B"]
    assert rows(client.get(LIST, {"license": "trial"})) == ["A"]
    # C has an expired and an active Server license: its Server status is active (C-2).
    assert rows(client.get(LIST, {"license": "expired", "category": "server"})) == ["B"]
    assert rows(client.get(LIST, {"license": "active", "category": "server"})) == ["C"]


def test_c4_sort_is_in_the_url(partner, super_admin, client_for):
    CustomerFactory(partner=partner, show_as="beta", billing_type="trial")
    CustomerFactory(partner=partner, show_as="Alpha", billing_type="usage")
    client = client_for(super_admin)
    assert rows(client.get(LIST)) == ["Alpha", "beta"]  # case-insensitive name order
    assert rows(client.get(LIST, {"sort": "-name"})) == ["beta", "Alpha"]
    assert rows(client.get(LIST, {"sort": "billing"})) == ["beta", "Alpha"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "price"}, "'sort' must be one of"),
        ({"page_size": "500"}, "'page_size' must be a whole number from 1 to 100"),
        ({"page": "0"}, "'page' must be a whole number"),
        ({"billing": "free"}, "'billing' must be one of"),
        ({"group": "x"}, "'group' must be a group id"),
        ({"q": "x" * 101}, "at most 100 characters"),
    ],
)
def test_c4_bad_view_parameters_are_explained_not_crashed(
    partner, super_admin, client_for, params, message
):
    CustomerFactory(partner=partner)
    response = client_for(super_admin).get(LIST, params)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_c5_pages_of_50_by_default_with_total_and_up_to_100(partner, super_admin, client_for):
    CustomerFactory.create_batch(120, partner=partner)
    client = client_for(super_admin)
    page = client.get(LIST).context["result"].page
    assert (page.size, page.total, page.pages) == (50, 120, 3)
    last = client.get(LIST, {"page": 3}).context["result"]
    assert len(last.rows) == 20
    assert len(client.get(LIST, {"page_size": 100}).context["result"].rows) == 100
    assert "1\u201350 of <strong>120</strong> customers" in client.get(LIST).content.decode()


def test_c5_page_past_the_end_shows_the_last_page(partner, super_admin, client_for):
    CustomerFactory.create_batch(3, partner=partner)
    result = client_for(super_admin).get(LIST, {"page": 9}).context["result"]
    assert result.page.number == 1
    assert len(result.rows) == 3


def test_c5_query_count_does_not_grow_with_rows(partner, super_admin, client_for):
    client = client_for(super_admin)
    group = GroupFactory(partner=partner)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"protection": "on"}).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        c = CustomerFactory(partner=partner)
        license_for(c)
        add_to_group(c, group)
    few = count_queries()
    for _ in range(40):
        c = CustomerFactory(partner=partner)
        license_for(c)
        license_for(c, category="server")
        add_to_group(c, group)
    assert count_queries() == few
    assert few <= 10


def test_c6_contact_popup_shows_every_contact_field(partner, super_admin, client_for):
    c = CustomerFactory(
        partner=partner,
        show_as="Acme",
        legal_name="Acme Corp Ltd",
        data_region="eu02",
        billing_type="trial",
        partner_assistance=True,
        contact_mobile="+49 151 000",
    )
    add_to_group(c, GroupFactory(partner=partner, name="VIP"))
    url = reverse("customers:contact", args=[c.uuid])
    html = client_for(super_admin).get(url, HTTP_HX_REQUEST="true").content.decode()
    for text in (
        "Acme",
        "Acme Corp Ltd",
        "Ada Lovelace",
        "ada@example.com",
        "+44 20 7946 0000",
        "+49 151 000",
        "1 High Street",
        "LS1 4AP Leeds",
        "GB",
        "eu02 (DE)",
        "Trial",
        "Partner Assistance",
        "On",
        "VIP",
    ):
        assert text in html, text
    assert "<html" not in html


def test_c6_contact_works_as_a_page_without_javascript(partner, super_admin, client_for):
    c = CustomerFactory(partner=partner, show_as="Acme")
    html = client_for(super_admin).get(reverse("customers:contact", args=[c.uuid])).content
    assert b"<html" in html and b"Acme" in html


def test_c7_row_actions_follow_the_role_and_only_those_that_work(partner, make_user, client_for):
    c = CustomerFactory(partner=partner, partner_assistance=False)
    may_apply = {PartnerRole.SUPER_ADMIN, PartnerRole.ADMIN, PartnerRole.BUSINESS_ADMIN}
    for role in PartnerRole:
        user = make_user(partner, role)
        assign(user, c)
        html = client_for(user).get(LIST).content.decode()
        assert reverse("customers:detail", args=[c.uuid]) in html
        assert ("Apply license key" in html) == (role in may_apply), role
        assert ("Unlink selected" in html) == (role is PartnerRole.SUPER_ADMIN), role
        # B-3: Update billing for the roles that manage billing, in an MSP Flex partner.
        may_bill = role in {PartnerRole.SUPER_ADMIN, PartnerRole.BUSINESS_ADMIN}
        assert ("Update billing" in html) == may_bill, role
        assert ("Create trial customer" in html) == (role is PartnerRole.SUPER_ADMIN), role
        assert ("Create monthly account" in html) == may_bill, role
        # The secondary actions fold into a "More" menu that exists only when it has one.
        assert ('<details class="row-menu">' in html) == (role in may_apply or may_bill), role
        # P-4: no Launch while Partner Assistance is off; renaming lives in the contact pop-up.
        for missing in ("Launch customer", "Rename"):
            assert missing not in html


@pytest.mark.parametrize("role", list(PartnerRole))
def test_c7_launch_row_action_for_roles_that_launch_when_partner_assistance_is_on(
    partner, make_user, client_for, role
):
    on = CustomerFactory(partner=partner, show_as="Assisted Alpha", partner_assistance=True)
    off = CustomerFactory(partner=partner, show_as="Unassisted Beta", partner_assistance=False)
    user = make_user(partner, role)
    assign(user, on)
    assign(user, off)
    html = client_for(user).get(LIST).content.decode()
    launches = role is not PartnerRole.BUSINESS_ADMIN
    assert (reverse("customers:launch", args=[on.uuid]) in html) == launches, role
    assert ('Launch<span class="visually-hidden"> customer Assisted Alpha' in html) == launches
    assert reverse("customers:launch", args=[off.uuid]) not in html


def test_c9_csv_export_streams_the_current_view_every_page(partner, super_admin, client_for):
    for i in range(130):
        CustomerFactory(partner=partner, show_as=f"Dental {i:03d}" if i % 2 else f"Farm {i:03d}")
    response = client_for(super_admin).get(reverse("customers:export"), {"q": "dental", "page": 2})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    records = list(csv.reader(io.StringIO(body)))
    assert records[0][:3] == ["Customer ID", "Name shown as", "Legal name"]
    assert "Endpoint license" in records[0]
    assert len(records) == 1 + 65
    assert all(r[1].startswith("Dental") for r in records[1:])


def test_c9_csv_neutralises_formulas(partner, super_admin, client_for):
    CustomerFactory(partner=partner, show_as='=HYPERLINK("x")')
    body = b"".join(
        client_for(super_admin).get(reverse("customers:export")).streaming_content
    ).decode()
    assert "'=HYPERLINK" in body


def test_c9_csv_refuses_bad_parameters_with_a_message(partner, super_admin, client_for):
    response = client_for(super_admin).get(reverse("customers:export"), {"sort": "nope"})
    assert response.status_code == 400
    assert "'sort' must be one of" in html.unescape(response.content.decode())


def test_c7_update_billing_is_offered_only_for_trial_and_term_customers(
    partner, super_admin, client_for
):
    usage = CustomerFactory(partner=partner, billing_type="usage")
    term = CustomerFactory(partner=partner, billing_type="term")
    client = client_for(super_admin)
    html = client.get(LIST).content.decode()
    assert reverse("billing:update", args=[term.uuid]) in html
    assert reverse("billing:update", args=[usage.uuid]) not in html
    detail = client.get(reverse("customers:detail", args=[usage.uuid])).content.decode()
    assert "Update billing" not in detail
