"""Selectors of the billing-usage report (B-5): one line per customer and product for a month.

Billable quantity is the month's highest daily count, actual quantity the count on the month's
last metered day (0 for a product no device ran that day). Lines come in (customer, product)
order and are read a page at a time from a key, so a page costs the same at any depth."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    DateField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)

from partnerdesk.billing.models import DailyUsage, ManagedOrder
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import Product

KEY_RE = re.compile(r"^(\d{1,18})-(\d{1,18})$")
NO_DATA = "No usage was recorded for this partner in {month}."


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        return self.first.strftime("%B %Y")

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Month:
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise ValidationFailed("The month must look like 2026-11.", fields={"month": "format"})
        return cls(int(match[1]), int(match[2]))


@dataclass(frozen=True, slots=True)
class UsageLine:
    key: str
    customer_uuid: uuid.UUID
    customer_name: str
    managed_order: bool
    product_code: str
    product_name: str
    billable: int
    actual: int
    # B-5: the order number of a managed customer order (B-6); None for other customers.
    order_number: str | None = None


@dataclass(frozen=True, slots=True)
class ReportPage:
    month: Month
    last_day: dt.date
    lines: list[UsageLine]
    next_key: str | None


@dataclass(frozen=True, slots=True)
class ProductTotal:
    code: str
    name: str
    billable: int
    actual: int
    customers: int


def parse_key(key: str) -> tuple[int, int]:
    match = KEY_RE.fullmatch(key.strip())
    if not match:
        raise ValidationFailed(
            "pageFromKey is not a key this API returned.", fields={"pageFromKey": "format"}
        )
    return int(match[1]), int(match[2])


def last_metered_day(*, actor: Actor, month: Month) -> dt.date:
    """The month's last day with usage for the actor's partner; NotFound when there is none."""
    actor.require(Action.BILLING_REPORTS)
    last = DailyUsage.objects.filter(
        partner_id=actor.partner_pk, day__range=(month.first, month.last)
    ).aggregate(last=Max("day"))["last"]
    if last is None:
        raise NotFound(NO_DATA.format(month=month.label))
    return last


class Unindexed(Func):
    """`+day` on SQLite: the same value, but the planner may not seek an index by it. Keyset
    pages then read the (partner, customer, product, day) index from the key onward instead of
    a skip-scan over the month's days, which SQLite's statistics otherwise prefer."""

    template = "%(expressions)s"
    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _grouped(
    actor: Actor,
    month: Month,
    last_day: dt.date,
    where: Q | None = None,
    *,
    seek_by_day: bool = True,
) -> QuerySet[DailyUsage, dict[str, Any]]:
    rows = DailyUsage.objects.filter(partner_id=actor.partner_pk)
    if seek_by_day:
        rows = rows.filter(day__range=(month.first, month.last))
    else:
        rows = rows.alias(month_day=Unindexed("day")).filter(
            month_day__range=(month.first, month.last)
        )
    if where is not None:
        rows = rows.filter(where)
    return (
        rows.values("customer_id", "product_id")
        .annotate(
            billable=Max("devices"),
            actual=Max(
                Case(
                    When(day=last_day, then="devices"),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
        )
        .order_by("customer_id", "product_id")
    )


def _rows_after(
    actor: Actor, month: Month, last_day: dt.date, after: tuple[int, int] | None, limit: int
) -> list[dict[str, Any]]:
    """Up to `limit` grouped rows after the key. The key's own customer and the customers after
    it are two index range reads: one `OR` of the two would scan the whole month on SQLite."""
    if after is None:
        return list(_grouped(actor, month, last_day)[:limit])
    customer_id, product_id = after
    same = Q(customer_id=customer_id, product_id__gt=product_id)
    rows = list(_grouped(actor, month, last_day, same, seek_by_day=False)[:limit])
    if len(rows) < limit:
        later = Q(customer_id__gt=customer_id)
        rows += _grouped(actor, month, last_day, later, seek_by_day=False)[: limit - len(rows)]
    return rows


def _lines(rows: list[dict[str, Any]]) -> list[UsageLine]:
    customers = {
        c.pk: c
        for c in Customer.objects.filter(pk__in={r["customer_id"] for r in rows}).only(
            "uuid", "show_as", "managed_order"
        )
    }
    products = {p.pk: p for p in Product.objects.filter(pk__in={r["product_id"] for r in rows})}
    orders = dict(
        ManagedOrder.objects.filter(
            customer_id__in=[pk for pk, c in customers.items() if c.managed_order]
        ).values_list("customer_id", "order_number")
    )
    lines = []
    for r in rows:
        customer, product = customers[r["customer_id"]], products[r["product_id"]]
        lines.append(
            UsageLine(
                key=f"{r['customer_id']}-{r['product_id']}",
                customer_uuid=customer.uuid,
                customer_name=customer.show_as,
                managed_order=customer.managed_order,
                product_code=product.code,
                product_name=product.name,
                billable=r["billable"],
                actual=r["actual"],
                order_number=orders.get(customer.pk),
            )
        )
    return lines


def usage_report_page(
    *, actor: Actor, month: Month, page_from_key: str | None = None, size: int = 50
) -> ReportPage:
    """One page of the month's lines, starting after `page_from_key`."""
    after = parse_key(page_from_key) if page_from_key else None
    last_day = last_metered_day(actor=actor, month=month)
    rows = _rows_after(actor, month, last_day, after, size + 1)
    more = len(rows) > size
    lines = _lines(rows[:size])
    return ReportPage(
        month=month,
        last_day=last_day,
        lines=lines,
        next_key=lines[-1].key if more and lines else None,
    )


def usage_report_lines(*, actor: Actor, month: Month, chunk: int = 2000) -> Iterator[UsageLine]:
    """Every line of the month in one ordered pass, names looked up a chunk at a time (CSV)."""
    last_day = last_metered_day(actor=actor, month=month)
    batch: list[dict[str, Any]] = []
    for row in _grouped(actor, month, last_day).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _lines(batch)
            batch = []
    if batch:
        yield from _lines(batch)


def usage_report_totals(*, actor: Actor, month: Month) -> list[ProductTotal]:
    """Per product: the sum over customers of billable and actual quantities, in one query that
    aggregates the per-customer lines in the database."""
    last_day = last_metered_day(actor=actor, month=month)
    lines = _grouped(actor, month, last_day).order_by()
    sql, params = lines.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT product_id, SUM(billable), SUM(actual), COUNT(*) "  # noqa: S608 (ORM-built)
            f"FROM ({sql}) AS lines GROUP BY product_id",
            params,
        )
        sums = {pid: (int(b), int(a), int(n)) for pid, b, a, n in cursor.fetchall()}
    products = {p.pk: p for p in Product.objects.filter(pk__in=sums)}
    totals = [
        ProductTotal(products[pid].code, products[pid].name, b, a, n)
        for pid, (b, a, n) in sums.items()
    ]
    return sorted(totals, key=lambda t: t.code)
