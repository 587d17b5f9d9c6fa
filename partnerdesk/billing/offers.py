"""Which billing actions the partner's programs and the actor's role offer (B-2, B-3, B-6).

The services enforce the same rules (`require_msp_flex`, `require_msp_flex_connect`); this
selector lets pages show only the actions that will work (C-7), from one place."""

from __future__ import annotations

from dataclasses import dataclass

from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import Action
from partnerdesk.customers.models import BillingType, Customer
from partnerdesk.partners.models import Partner

# B-3: trial and term customers change to monthly usage here; usage -> term is by a key.
UPDATABLE_BILLING = (BillingType.TRIAL, BillingType.TERM)


@dataclass(frozen=True, slots=True)
class BillingOffers:
    create_trial: bool = False
    monthly_account: bool = False
    managed_order: bool = False
    update_billing: bool = False

    @property
    def any_creation(self) -> bool:
        return self.create_trial or self.monthly_account or self.managed_order

    def may_update(self, customer: Customer) -> bool:
        return self.update_billing and customer.billing_type in UPDATABLE_BILLING


def billing_offers(actor: Actor, partner: Partner | None = None) -> BillingOffers:
    """`partner` may be passed when the caller holds it already (the signed-in user's)."""
    if not actor.is_partner_actor:
        return BillingOffers()
    if partner is None or partner.pk != actor.partner_id:
        partner = Partner.objects.only("msp_flex", "msp_flex_connect").get(pk=actor.partner_pk)
    flex = actor.can(Action.MANAGE_BILLING) and partner.msp_flex
    return BillingOffers(
        create_trial=actor.can(Action.CREATE_TRIAL),
        monthly_account=flex,
        managed_order=actor.can(Action.CREATE_MANAGED_ORDER) and partner.msp_flex_connect,
        update_billing=flex,
    )
