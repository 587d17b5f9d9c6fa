"""The demo data: created once, kept on a second run, every license state present."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnerdesk.accounts.models import CustomerAdmin, User
from partnerdesk.console.models import CustomerLogo
from partnerdesk.core.images import validate_logo
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import Customer, CustomerGroup
from partnerdesk.licensing.models import Category, License, Product
from partnerdesk.licensing.status import State, license_status
from partnerdesk.partners.models import Partner, PartnerLogo

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_prints_sign_ins():
    out = io.StringIO()
    call_command("demo", stdout=out)
    first = Customer.objects.count()
    assert 250 <= first <= 350
    assert "northbridge-super" in out.getvalue() and "Demo-partnerdesk-2026" in out.getvalue()
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert Customer.objects.count() == first
    assert "kept" in again.getvalue()


def test_demo_has_two_partners_every_role_groups_and_every_state():
    call_command("demo", "--quiet", stdout=io.StringIO())
    msp, reseller = Partner.objects.order_by("-msp_flex")
    assert msp.msp_flex and msp.msp_flex_connect
    assert not reseller.msp_flex and not reseller.msp_flex_connect
    for partner in (msp, reseller):
        roles = set(User.objects.filter(partner=partner).values_list("partner_role", flat=True))
        assert roles == {r.value for r in PartnerRole}
    assert User.objects.filter(is_superuser=True, partner__isnull=True).exists()
    assert CustomerGroup.objects.filter(partner=msp).count() >= 3
    assert Product.objects.count() >= 8
    assert set(Product.objects.values_list("category", flat=True)) == set(Category.values)
    today = timezone.localdate()
    states = {license_status(lic, today).state for lic in License.objects.all()}
    assert {State.ACTIVE, State.EXPIRING, State.TRIAL, State.EXPIRED, State.REVOKED} <= states
    ended = [lic.ends_on for lic in License.objects.filter(ends_on__lt=today, revoked_at=None)]
    assert any((today - end).days < 60 for end in ended)
    assert any((today - end).days > 60 for end in ended)
    assert len(set(Customer.objects.values_list("data_region", flat=True))) >= 6
    assert len(set(Customer.objects.values_list("country_code", flat=True))) >= 6


def test_demo_bulk_customers_adds_the_requested_number():
    call_command("demo", "--quiet", stdout=io.StringIO())
    before = Customer.objects.count()
    call_command("demo", "--quiet", "--customers", "1200", stdout=io.StringIO())
    assert Customer.objects.count() == before + 1200


def test_demo_managed_order_customers_have_their_order_and_subscriptions():
    from partnerdesk.billing.models import ManagedOrder

    call_command("demo", "--quiet", stdout=io.StringIO())
    managed = Customer.objects.filter(managed_order=True)
    assert managed.exists()
    for customer in managed:
        order = ManagedOrder.objects.get(customer=customer)
        assert License.objects.filter(customer=customer, source_order=order.order_number).exists()


def test_g1_demo_logos_for_northbridge_and_the_console_customers_only_once():
    """G-1, X-2: the demo's exports are co-branded from the start; Lakeside has no logo, and a
    logo someone replaced is kept by the next run."""
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo logos" in out.getvalue()
    northbridge = PartnerLogo.objects.get(partner__name="Northbridge IT Services")
    assert northbridge.content_type == "image/png" and northbridge.height == 160
    # Each stored logo passes the upload check as it stands.
    validate_logo(bytes(northbridge.image))
    consoles = set(CustomerAdmin.objects.values_list("customer_id", flat=True))
    assert consoles and set(CustomerLogo.objects.values_list("customer_id", flat=True)) == consoles
    assert not PartnerLogo.objects.filter(partner__name="Lakeside Computer Resellers").exists()

    PartnerLogo.objects.filter(pk=northbridge.pk).update(sha256="replaced")
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "Demo logos" not in again.getvalue()
    assert PartnerLogo.objects.get(pk=northbridge.pk).sha256 == "replaced"
    assert CustomerLogo.objects.count() == len(consoles)
