"""Issue 4: the demo prints a few unused keys for each demo partner, and they apply."""

from __future__ import annotations

import pytest

from partnerdesk.core import demo_data
from partnerdesk.licensing import keys
from partnerdesk.licensing.demo import DEMO_KEYS, demo_key_text, ensure_demo_keys
from partnerdesk.licensing.models import LicenseKey
from tests.factories import CustomerFactory, PartnerFactory, UserFactory, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_partners():
    for code, *_ in DEMO_KEYS:
        product("endpoint", code=code)
    return [PartnerFactory(name=demo_data.PARTNER_A), PartnerFactory(name=demo_data.PARTNER_B)]


def test_demo_keys_are_valid_and_stable() -> None:
    text = demo_key_text("A", "endpoint-advanced", 0)
    assert keys.normalize(text) == text
    assert demo_key_text("A", "endpoint-advanced", 0) == text
    assert demo_key_text("A", "endpoint-advanced", 1) != text


def test_demo_prints_unused_keys_bound_to_each_demo_partner(demo_partners) -> None:
    rows = ensure_demo_keys()
    assert len(rows) == 2 * len(DEMO_KEYS)
    for partner_name, _product, _qty, _months, text in rows:
        key = LicenseKey.objects.get(key_hash=keys.key_hash(text))
        assert key.partner is not None and key.partner.name == partner_name
        assert key.used_at is None
    assert ensure_demo_keys() == rows  # a second run prints the same keys


def test_demo_prints_the_next_key_once_one_is_applied(demo_partners) -> None:
    from partnerdesk.licensing.services import license_key_apply
    from tests.licensing.conftest import actor_of

    rows = ensure_demo_keys()
    partner = demo_partners[0]
    user = UserFactory(partner=partner)
    customer = CustomerFactory(partner=partner)
    first = rows[0][4]
    license_key_apply(
        actor=actor_of(user), customer_id=str(customer.uuid), key_text=first, terms_accepted=True
    )
    again = ensure_demo_keys()
    assert first not in [r[4] for r in again]
    assert len(again) == len(rows)
