"""Reads of customers for the Customers page, details, CSV export and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageInfo
from partnerdesk.customers.models import (
    BillingType,
    Customer,
    CustomerGroup,
    CustomerQuerySet,
    GroupMembership,
)
from partnerdesk.customers.search import count_linked_matches, search_customers
from partnerdesk.licensing.models import Category, License, Product
from partnerdesk.licensing.status import (
    STATE_BY_KEY,
    State,
    Status,
    category_statuses,
    license_status,
    state_q,
)

SORTS: dict[str, tuple[str, tuple]] = {
    "name": ("Name", (Lower("show_as").asc(), "id")),
    "-name": ("Name, Z to A", (Lower("show_as").desc(), "-id")),
    "billing": ("Billing type", ("billing_type", Lower("show_as").asc(), "id")),
    "-billing": ("Billing type, reversed", ("-billing_type", Lower("show_as").asc(), "id")),
    "assistance": ("Partner Assistance", ("-partner_assistance", Lower("show_as").asc(), "id")),
    "created": ("Oldest first", ("created_at", "id")),
    "-created": ("Newest first", ("-created_at", "-id")),
}


@dataclass(frozen=True, slots=True)
class CustomerFilters:
    """What the Customers view shows: every field round-trips through the URL (C-4)."""

    q: str = ""
    billing: str = ""
    group: int | None = None
    license: str = ""
    category: str = ""
    assistance: str = ""
    sort: str = "name"
    protection_only: bool = False
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    def as_query(self, **changes: object) -> dict[str, str]:
        """URL parameters for this view (defaults left out), with `changes` applied."""
        view = replace(self, **changes)  # type: ignore[arg-type]
        params = {
            "q": view.q,
            "billing": view.billing,
            "group": str(view.group) if view.group else "",
            "license": view.license,
            "category": view.category,
            "assistance": view.assistance,
            "sort": "" if view.sort == "name" else view.sort,
            "protection": "on" if view.protection_only else "",
            "page": "" if view.page == 1 else str(view.page),
            "page_size": "" if view.page_size == DEFAULT_PAGE_SIZE else str(view.page_size),
        }
        return {k: v for k, v in params.items() if v}

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.q or self.billing or self.group or self.license or self.category or self.assistance
        )


def _int_param(data: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = (data.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise ValidationFailed(
            f"'{name}' must be a whole number from {lo} to {hi}.", fields={name: raw}
        )
    return int(raw)


def _choice_param(data: Mapping[str, str], name: str, allowed: list[str]) -> str:
    raw = (data.get(name) or "").strip()
    if raw and raw not in allowed:
        raise ValidationFailed(
            f"'{name}' must be one of: {', '.join(allowed)}.", fields={name: raw}
        )
    return raw


def parse_filters(data: Mapping[str, str]) -> CustomerFilters:
    """Validate view parameters; a bad one raises ValidationFailed naming it."""
    q = (data.get("q") or "").strip()
    if len(q) > 100:
        raise ValidationFailed("Search terms are at most 100 characters.", fields={"q": q[:20]})
    if any(ord(c) < 32 for c in q):
        raise ValidationFailed("Search terms cannot contain control characters.")
    group_raw = (data.get("group") or "").strip()
    if group_raw and not group_raw.isdigit():
        raise ValidationFailed("'group' must be a group id.", fields={"group": group_raw})
    return CustomerFilters(
        q=q,
        billing=_choice_param(data, "billing", BillingType.values),
        group=int(group_raw) if group_raw else None,
        license=_choice_param(data, "license", list(STATE_BY_KEY)),
        category=_choice_param(data, "category", Category.values),
        assistance=_choice_param(data, "assistance", ["on", "off"]),
        sort=_choice_param(data, "sort", list(SORTS)) or "name",
        protection_only=(data.get("protection") or "") in {"on", "1", "true"},
        page=_int_param(data, "page", 1, 1, 10_000_000),
        page_size=_int_param(data, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )


def _category_state_q(category: str, state: State, today: dt.date) -> Q:
    """Customers whose derived status in `category` is `state` (C-2 precedence)."""

    def licenses_in(s: State) -> Exists:
        return Exists(
            License.objects.filter(customer=OuterRef("pk"), product__category=category).filter(
                state_q(s, today)
            )
        )

    better = [s for s in State if s < state and s is not State.NONE]
    if state is State.NONE:
        better = [s for s in State if s is not State.NONE]
        cond = Q()
    else:
        cond = Q(licenses_in(state))
    for s in better:
        cond &= ~Q(licenses_in(s))
    return cond


def customer_queryset(
    actor: Actor, filters: CustomerFilters, today: dt.date | None = None
) -> CustomerQuerySet:
    """The actor's customers narrowed by the view's filters, in the view's order."""
    today = today or timezone.localdate()
    qs: CustomerQuerySet = Customer.objects.visible_to(actor)
    if filters.q:
        qs = search_customers(qs, filters.q)  # type: ignore[assignment]
    if filters.billing:
        qs = qs.filter(billing_type=filters.billing)
    if filters.assistance:
        qs = qs.filter(partner_assistance=filters.assistance == "on")
    if filters.group:
        qs = qs.filter(
            id__in=GroupMembership.objects.filter(
                group_id=filters.group, partner_id=actor.partner_pk
            ).values("customer_id")
        )
    if filters.license:
        state = STATE_BY_KEY[filters.license]
        categories = [filters.category] if filters.category else Category.values
        cond = Q()
        for category in categories:
            cond |= _category_state_q(category, state, today)
        qs = qs.filter(cond)
    return qs.order_by(*SORTS[filters.sort][1])


@dataclass(slots=True)
class CustomerRow:
    customer: Customer
    statuses: dict[str, Status]
    groups: list[CustomerGroup] = field(default_factory=list)


@dataclass(slots=True)
class CustomerPage:
    rows: list[CustomerRow]
    page: PageInfo
    categories: list[tuple[str, str]]
    groups: list[CustomerGroup]


def _live_licenses_q(today: dt.date) -> Q:
    return Q(revoked_at__isnull=True, starts_on__lte=today) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def protected_categories(actor: Actor, view: QuerySet, today: dt.date) -> set[str]:
    """C-3: categories in which some customer of the view holds an active or trial license.
    One EXISTS per product, each stopping at its first match."""
    live = License.objects.filter(product=OuterRef("pk"), customer__in=view.order_by()).filter(
        _live_licenses_q(today)
    )
    return set(Product.objects.filter(Exists(live)).values_list("category", flat=True).distinct())


def rows_for(customers: list[Customer], today: dt.date) -> list[CustomerRow]:
    """License statuses and groups for a page of customers: two queries, not one per row."""
    ids = [c.id for c in customers]
    licenses: dict[int, list] = defaultdict(list)
    for values in License.objects.filter(customer_id__in=ids).values(
        "customer_id", "product__category", "license_type", "starts_on", "ends_on", "revoked_at"
    ):
        lic = SimpleNamespace(**values)
        licenses[values["customer_id"]].append((values["product__category"], lic))
    groups: dict[int, list[CustomerGroup]] = defaultdict(list)
    for membership in (
        GroupMembership.objects.filter(customer_id__in=ids)
        .select_related("group")
        .order_by(Lower("group__name"))
    ):
        groups[membership.customer_id].append(membership.group)
    return [
        CustomerRow(c, category_statuses(licenses[c.id], today), groups[c.id]) for c in customers
    ]


def partner_groups(actor: Actor) -> list[CustomerGroup]:
    if not actor.is_partner_actor:
        return []
    return list(CustomerGroup.objects.filter(partner_id=actor.partner_pk).order_by(Lower("name")))


def _total(actor: Actor, filters: CustomerFilters, qs: QuerySet) -> int:
    """qs.count(); the partner's whole list, or one search of it, seen by a role that sees
    every customer, is counted through search.py's faster paths instead (S-5)."""
    other_filters = filters.billing or filters.group or filters.license or filters.assistance
    if actor.is_partner_actor and actor.sees_all_customers and not other_filters:
        total = count_linked_matches(actor.partner_pk, filters.q)
        if total is not None:
            return total
    return qs.count()


def customer_page(
    actor: Actor, filters: CustomerFilters, today: dt.date | None = None
) -> CustomerPage:
    """One page of the Customers table with its total, statuses, groups and visible columns."""
    today = today or timezone.localdate()
    qs = customer_queryset(actor, filters, today)
    total = _total(actor, filters, qs)
    page = PageInfo(number=filters.page, size=filters.page_size, total=total)
    if page.number > page.pages:
        page = PageInfo(number=page.pages, size=filters.page_size, total=total)
    customers = list(qs[page.offset : page.offset + page.size])
    categories = list(Category.choices)
    if filters.protection_only:
        shown = protected_categories(actor, qs, today)
        categories = [(value, label) for value, label in categories if value in shown]
    return CustomerPage(rows_for(customers, today), page, categories, partner_groups(actor))


def iter_customer_rows(
    actor: Actor, filters: CustomerFilters, today: dt.date | None = None, chunk: int = 500
) -> Iterator[CustomerRow]:
    """Every row of the view, in order, a chunk at a time (C-9's streamed export)."""
    today = today or timezone.localdate()
    qs = customer_queryset(actor, filters, today)
    offset = 0
    while True:
        customers = list(qs[offset : offset + chunk])
        if not customers:
            return
        yield from rows_for(customers, today)
        offset += chunk


@dataclass(slots=True)
class LicenseLine:
    license: License
    status: Status


@dataclass(slots=True)
class CustomerDetails:
    customer: Customer
    groups: list[CustomerGroup]
    licenses: list[LicenseLine]
    statuses: dict[str, Status]


def customer_details(customer: Customer, today: dt.date | None = None) -> CustomerDetails:
    """D-1: groups and every license of one customer (already reached through access.py)."""
    today = today or timezone.localdate()
    licenses = list(
        License.objects.filter(customer=customer)
        .select_related("product", "source_key")
        .order_by("product__category", "product__name", "-starts_on")
    )
    lines = [LicenseLine(lic, license_status(lic, today)) for lic in licenses]
    groups = [
        m.group
        for m in GroupMembership.objects.filter(customer=customer)
        .select_related("group")
        .order_by(Lower("group__name"))
    ]
    statuses = category_statuses([(lic.product.category, lic) for lic in licenses], today)
    return CustomerDetails(customer, groups, lines, statuses)
