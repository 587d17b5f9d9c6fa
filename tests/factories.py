"""Test data builders."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from partnerdesk.accounts.models import User
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import (
    Customer,
    CustomerAssignment,
    CustomerGroup,
    GroupMembership,
)
from partnerdesk.licensing.models import Category, License, LicenseType, Product
from partnerdesk.partners.models import Partner

PASSWORD = "Test-password-123"


class PartnerFactory(factory.django.DjangoModelFactory[Partner]):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    partner = factory.SubFactory(PartnerFactory)
    partner_role = PartnerRole.SUPER_ADMIN.value
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    partner = factory.SubFactory(PartnerFactory)
    show_as = factory.Sequence(lambda n: f"Customer {n:04d}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.show_as} Ltd")
    data_region = "eu01"
    billing_type = "term"
    contact_first_name = "Ada"
    contact_last_name = "Lovelace"
    contact_email = "ada@example.com"
    contact_phone = "+44 20 7946 0000"
    address1 = "1 High Street"
    city = "Leeds"
    postal_code = "LS1 4AP"
    country_code = "GB"


class GroupFactory(factory.django.DjangoModelFactory[CustomerGroup]):
    class Meta:
        model = CustomerGroup

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


def product(category: str = Category.ENDPOINT, code: str | None = None) -> Product:
    code = code or f"{category}-test"
    obj, _ = Product.objects.get_or_create(
        code=code,
        defaults={
            "name": f"{category.title()} Test",
            "category": category,
            "usage_billable": category in ("endpoint", "server", "mobile"),
        },
    )
    return obj


def license_for(
    customer: Customer,
    *,
    category: str = Category.ENDPOINT,
    license_type: str = LicenseType.TERM,
    ends_in: int | None = 365,
    started_days_ago: int = 30,
    revoked: bool = False,
    quantity: int | None = 10,
) -> License:
    today = timezone.localdate()
    is_usage = license_type == LicenseType.USAGE
    return License.objects.create(
        partner_id=customer.partner_id,
        customer=customer,
        product=product(category),
        license_type=license_type,
        quantity=None if is_usage else quantity,
        starts_on=today - dt.timedelta(days=started_days_ago),
        ends_on=None if is_usage or ends_in is None else today + dt.timedelta(days=ends_in),
        revoked_at=timezone.now() if revoked else None,
    )


def add_to_group(customer: Customer, group: CustomerGroup) -> GroupMembership:
    return GroupMembership.objects.create(partner=group.partner, group=group, customer=customer)


def assign(user: User, customer: Customer) -> CustomerAssignment:
    return CustomerAssignment.objects.create(partner=user.partner, user=user, customer=customer)


def customer_admin(customer: Customer, role: str = "super_admin", **fields: object) -> User:
    """A user who administers `customer`'s console (and nothing on the partner side)."""
    from partnerdesk.accounts.models import CustomerAdmin

    user = UserFactory(partner=None, partner_role="", **fields)
    CustomerAdmin.objects.create(
        user=user, partner_id=customer.partner_id, customer=customer, role=role
    )
    return user
