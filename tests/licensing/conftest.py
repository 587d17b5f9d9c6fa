from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.licensing import keys
from partnerdesk.licensing.models import LicenseKey
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, product


@pytest.fixture(autouse=True)
def _clear_throttle(db: None) -> Iterator[None]:
    # The throttle counts in the database cache, which transactional tests do not flush.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_key() -> Callable[..., str]:
    """Issue a key straight into the table and return its text (services are tested apart)."""

    def make(
        *,
        category: str = "endpoint",
        quantity: int = 25,
        months: int = 12,
        partner: Partner | None = None,
        revoked: bool = False,
        used: bool = False,
    ) -> str:
        from django.utils import timezone

        text = keys.generate()
        LicenseKey.objects.create(
            key_hash=keys.key_hash(text),
            suffix=keys.suffix(text),
            product=product(category),
            quantity=quantity,
            term_months=months,
            partner=partner,
            revoked_at=timezone.now() if revoked else None,
            used_at=timezone.now() if used else None,
        )
        return text

    return make


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, show_as="Contoso Dental", billing_type="term")


def actor_of(user) -> Actor:
    return Actor(
        partner_id=user.partner_id,
        role=user.role,
        user_id=user.pk,
        display_name=user.username,
        address="192.0.2.10",
    )
