"""Realistic demo data: partners, users per role, customers, licenses in every state, groups.

Deterministic (seeded) so that screenshots and sign-ins are the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from partnerdesk.accounts.models import User
from partnerdesk.billing.models import ManagedOrder
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import (
    BillingType,
    Customer,
    CustomerAssignment,
    CustomerGroup,
    GroupMembership,
)
from partnerdesk.licensing.models import Category, License, LicenseType, Product
from partnerdesk.partners.models import Partner

PRODUCTS = [
    ("endpoint-advanced", "Endpoint Protection Advanced", Category.ENDPOINT, True),
    ("endpoint-edr", "Endpoint Detection and Response", Category.ENDPOINT, True),
    ("server-protection", "Server Protection", Category.SERVER, True),
    ("server-edr", "Server Detection and Response", Category.SERVER, True),
    ("mobile-uem", "Mobile Device Management (UEM)", Category.MOBILE, True),
    ("email-security", "Email Security", Category.EMAIL, False),
    ("firewall-standard", "Firewall Standard Protection", Category.FIREWALL, False),
    ("firewall-xstream", "Firewall Xstream Protection", Category.FIREWALL, False),
    ("mdr-essentials", "Managed Detection and Response Essentials", Category.MDR, False),
    ("mdr-complete", "Managed Detection and Response Complete", Category.MDR, False),
]

DEMO_PASSWORD = "Demo-partnerdesk-2026"
OPERATOR = ("operator", "Operator-partnerdesk-2026")
PARTNER_A = "Northbridge IT Services"
PARTNER_B = "Lakeside Computer Resellers"
ROLE_SLUGS = {
    PartnerRole.SUPER_ADMIN: "super",
    PartnerRole.ADMIN: "admin",
    PartnerRole.HELP_DESK: "helpdesk",
    PartnerRole.READ_ONLY: "readonly",
    PartnerRole.BUSINESS_ADMIN: "business",
}

# (country, regions, cities with postal codes and states, phone prefix)
COUNTRIES = [
    (
        "US",
        ["us01", "us03"],
        [
            ("Austin", "78701", "TX"),
            ("Denver", "80202", "CO"),
            ("Columbus", "43215", "OH"),
            ("Portland", "97204", "OR"),
        ],
        "+1",
    ),
    ("GB", ["eu01"], [("Leeds", "LS1 4AP", ""), ("Bristol", "BS1 5TR", "")], "+44"),
    ("IE", ["eu01"], [("Cork", "T12 X70A", ""), ("Galway", "H91 E2K5", "")], "+353"),
    ("DE", ["eu02"], [("Hamburg", "20095", ""), ("Leipzig", "04109", "")], "+49"),
    ("FR", ["eu02"], [("Lyon", "69002", ""), ("Nantes", "44000", "")], "+33"),
    ("CA", ["ca01"], [("Calgary", "T2P 1J9", "AB"), ("Halifax", "B3J 1S9", "NS")], "+1"),
    ("AU", ["au01"], [("Brisbane", "4000", "QLD"), ("Perth", "6000", "WA")], "+61"),
    ("JP", ["jp01"], [("Osaka", "530-0001", ""), ("Fukuoka", "810-0001", "")], "+81"),
    ("BR", ["br01"], [("Curitiba", "80010-000", "PR"), ("Recife", "50030-000", "PE")], "+55"),
    ("IN", ["in01"], [("Pune", "411001", "MH"), ("Kochi", "682001", "KL")], "+91"),
]
NAME_FIRST = [
    "Alder",
    "Bayside",
    "Beacon",
    "Birch",
    "Blue Harbor",
    "Bright",
    "Cedar",
    "Clearwater",
    "Cobalt",
    "Copper",
    "Crescent",
    "Eastgate",
    "Evergreen",
    "Fairview",
    "Foxglove",
    "Granite",
    "Harbor",
    "Hillcrest",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeshore",
    "Lantern",
    "Maple",
    "Meridian",
    "Millbrook",
    "Northfield",
    "Oakridge",
    "Orchard",
    "Pinecrest",
    "Prairie",
    "Quarry",
    "Redwood",
    "Riverside",
    "Rosewood",
    "Sagebrush",
    "Silverline",
    "Stonebridge",
    "Summit",
    "Sunrise",
    "Thornbury",
    "Timberline",
    "Union",
    "Valley",
    "Westbrook",
    "Willow",
]
NAME_SECOND = [
    "Dental",
    "Logistics",
    "Accounting",
    "Veterinary Clinic",
    "Law Group",
    "Architects",
    "Engineering",
    "Family Practice",
    "Bakery",
    "Brewing",
    "Construction",
    "Insurance",
    "Realty",
    "Pharmacy",
    "Hotels",
    "Manufacturing",
    "Motors",
    "Foods",
    "Print & Design",
    "Physiotherapy",
    "Credit Union",
    "School District",
    "Library",
    "Charities",
    "Farms",
    "Marine",
    "Outfitters",
    "Opticians",
    "Wealth Partners",
    "Studios",
]
LEGAL_SUFFIX = {
    "US": "LLC",
    "GB": "Ltd",
    "IE": "Ltd",
    "DE": "GmbH",
    "FR": "SARL",
    "CA": "Inc.",
    "AU": "Pty Ltd",
    "JP": "K.K.",
    "BR": "Ltda",
    "IN": "Pvt Ltd",
}
FIRST_NAMES = [
    "Ava",
    "Noah",
    "Mia",
    "Liam",
    "Sofia",
    "Lukas",
    "Chloé",
    "Aoife",
    "Hiroshi",
    "Priya",
    "João",
    "Olivia",
    "Mateo",
    "Hannah",
    "Arjun",
    "Yuki",
    "Emma",
    "Oscar",
    "Léa",
    "Finn",
    "Isabela",
    "Ravi",
    "Grace",
    "Jonas",
]
LAST_NAMES = [
    "Walker",
    "Müller",
    "Dubois",
    "O'Brien",
    "Tanaka",
    "Sharma",
    "Silva",
    "Nguyen",
    "Murphy",
    "Schmidt",
    "Martin",
    "Kowalski",
    "Patel",
    "Costa",
    "Smith",
    "Brown",
    "Fischer",
    "Sato",
    "Rossi",
    "Kelly",
    "Lefèvre",
    "Iyer",
    "Santos",
    "Jensen",
]
STREETS = [
    "Market Street",
    "High Street",
    "Station Road",
    "Harbour Way",
    "Mill Lane",
    "Park Avenue",
    "Church Road",
    "King Street",
    "Queen's Road",
    "Elm Street",
]
GROUP_NAMES = [
    ("Healthcare", "Clinics, practices and pharmacies"),
    ("Key accounts", "Customers with a named account manager"),
    ("Legal & finance", "Law firms, accountants, insurers"),
    ("Education", "Schools and libraries"),
    ("Renewals Q1", "Term renewals due in the first quarter"),
    ("Onboarding", "New customers still being rolled out"),
]

# Every license state of C-2, by weight.
LICENSE_PLANS = ["active"] * 5 + ["expiring"] * 2 + ["expired_recent", "expired_old", "revoked"]


@dataclass(frozen=True)
class DemoResult:
    created: bool
    customers: int


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace("'", "")


def _products() -> dict[str, list[Product]]:
    by_category: dict[str, list[Product]] = {c.value: [] for c in Category}
    for code, name, category, usage in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "usage_billable": usage}
        )
        by_category[product.category].append(product)
    return by_category


class CustomerFactory:
    """Builds unsaved customers and their licenses from a seeded random source."""

    def __init__(self, partner: Partner, seed: int, products: dict[str, list[Product]]) -> None:
        self.partner = partner
        self.rnd = random.Random(seed)
        self.products = products
        self.today = timezone.localdate()

    def customer_values(self, serial: int | None = None) -> dict[str, Any]:
        """The fields of one new customer, as plain values (the bulk path skips the ORM)."""
        r = self.rnd
        country, regions, cities, phone = r.choice(COUNTRIES)
        city, postal, state = r.choice(cities)
        base = f"{r.choice(NAME_FIRST)} {r.choice(NAME_SECOND)}"
        show_as = base if serial is None else f"{base} {serial}"
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        domain = base.lower().replace(" & ", "-").replace(" ", "") + ".example"
        billing = r.choices(
            [BillingType.TERM, BillingType.TRIAL, BillingType.USAGE], weights=[6, 2, 2]
        )[0]
        if billing == BillingType.USAGE and not self.partner.msp_flex:
            billing = BillingType.TERM
        managed = self.partner.msp_flex_connect and billing == BillingType.TERM and r.random() < 0.1
        return {
            "uuid": uuid.UUID(int=r.getrandbits(128), version=4),
            "partner_id": self.partner.pk,
            "show_as": show_as,
            "legal_name": f"{base} {LEGAL_SUFFIX[country]}",
            "data_region": r.choice(regions),
            "billing_type": billing,
            "partner_assistance": billing != BillingType.TRIAL or r.random() < 0.5,
            "managed_order": managed,
            "contact_first_name": first,
            "contact_last_name": last,
            "contact_email": f"{_ascii(first)}.{_ascii(last)}@{domain}",
            "contact_phone": f"{phone} {r.randint(200, 999)} {r.randint(1000000, 9999999)}",
            "address1": f"{r.randint(1, 240)} {r.choice(STREETS)}",
            "city": city,
            "state": state,
            "country_code": country,
            "postal_code": postal,
        }

    def customer(self, serial: int | None = None) -> Customer:
        values = self.customer_values(serial)
        del values["partner_id"]
        return Customer(partner=self.partner, **values)

    def license_values(self, billing_type: str) -> list[dict[str, Any]]:
        """The fields (without partner and customer) of a new customer's licenses."""
        r, today = self.rnd, self.today
        categories = r.sample(list(self.products), k=r.randint(1, 4))
        result = []
        for category in categories:
            product = r.choice(self.products[category])
            plan = r.choice(LICENSE_PLANS)
            lic: dict[str, Any] = {
                "product_id": product.pk,
                "quantity": r.choice([5, 10, 25, 50, 100, 250]),
                "revoked_at": None,
            }
            if billing_type == BillingType.TRIAL:
                lic["license_type"] = LicenseType.TRIAL
                end = today + dt.timedelta(days=r.randint(-40, 29))
                lic["starts_on"], lic["ends_on"] = end - dt.timedelta(days=30), end
            elif billing_type == BillingType.USAGE and product.usage_billable:
                lic["license_type"], lic["quantity"] = LicenseType.USAGE, None
                lic["starts_on"] = today - dt.timedelta(days=r.randint(30, 700))
                lic["ends_on"] = None
            else:
                lic["license_type"] = LicenseType.TERM
                end = {
                    "active": today + dt.timedelta(days=r.randint(45, 700)),
                    "expiring": today + dt.timedelta(days=r.randint(0, 29)),
                    "expired_recent": today - dt.timedelta(days=r.randint(1, 59)),
                    "expired_old": today - dt.timedelta(days=r.randint(70, 400)),
                    "revoked": today + dt.timedelta(days=r.randint(10, 300)),
                }[plan]
                # Terms run a year or more and have started: a renewal that starts later is
                # the only future license, and the demo shows none.
                start = min(
                    end - dt.timedelta(days=365), today - dt.timedelta(days=r.randint(1, 90))
                )
                lic["starts_on"], lic["ends_on"] = start, end
                if plan == "revoked":
                    lic["revoked_at"] = timezone.now() - dt.timedelta(days=r.randint(1, 90))
            result.append(lic)
        return result

    def licenses(self, customer: Customer) -> list[License]:
        return [
            License(partner_id=customer.partner_id, customer=customer, **values)
            for values in self.license_values(customer.billing_type)
        ]


def _user(
    username: str,
    password: str,
    partner: Partner | None,
    role: PartnerRole | None,
    first: str,
    last: str,
    *,
    superuser: bool = False,
) -> User:
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.com",
        partner=partner,
        partner_role=role.value if role else "",
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.set_password(password)
    user.save()
    return user


def sign_ins() -> list[tuple[str, str, str]]:
    rows = [("Operator (administration site /admin/)", OPERATOR[0], OPERATOR[1])]
    for partner_name, prefix in ((PARTNER_A, "northbridge"), (PARTNER_B, "lakeside")):
        for role, slug in ROLE_SLUGS.items():
            rows.append((f"{partner_name}: {role.label}", f"{prefix}-{slug}", DEMO_PASSWORD))
    return rows


def _managed_orders(
    partner: Partner, customers: list[Customer], licenses: list[License]
) -> list[ManagedOrder]:
    """The "$" customers get a real order (B-6): an order number that their term licenses
    carry as their source."""
    orders = []
    for n, customer in enumerate(c for c in customers if c.managed_order):
        number = f"PO-{partner.pk:02d}{n + 1:04d}"
        orders.append(ManagedOrder(partner=partner, customer=customer, order_number=number))
        for lic in licenses:
            if lic.customer is customer and lic.license_type == LicenseType.TERM:
                lic.source_order = number
    return orders


def _partner_with_customers(
    name: str,
    prefix: str,
    *,
    msp: bool,
    count: int,
    seed: int,
    products: dict[str, list[Product]],
) -> None:
    partner = Partner.objects.create(name=name, msp_flex=msp, msp_flex_connect=msp)
    users = {
        role: _user(
            f"{prefix}-{slug}",
            DEMO_PASSWORD,
            partner,
            role,
            random.Random(seed + i).choice(FIRST_NAMES),
            role.label.replace("-", " "),
        )
        for i, (role, slug) in enumerate(ROLE_SLUGS.items())
    }
    factory = CustomerFactory(partner, seed, products)
    customers: list[Customer] = []
    seen: set[str] = set()
    while len(customers) < count:
        c = factory.customer()
        if c.show_as in seen:
            continue
        seen.add(c.show_as)
        customers.append(c)
    Customer.objects.bulk_create(customers)
    licenses = [lic for c in customers for lic in factory.licenses(c)]
    orders = _managed_orders(partner, customers, licenses)
    License.objects.bulk_create(licenses)
    ManagedOrder.objects.bulk_create(orders)
    groups = [
        CustomerGroup.objects.create(partner=partner, name=n, description=d) for n, d in GROUP_NAMES
    ]
    r = random.Random(seed)
    GroupMembership.objects.bulk_create(
        GroupMembership(partner=partner, group=g, customer=c)
        for c in customers
        for g in r.sample(groups, k=r.choice([0, 0, 1, 1, 2]))
    )
    # Roles below Super Admin see only what is assigned to them (SPEC section 1).
    assigned = customers[: max(1, count // 6)]
    CustomerAssignment.objects.bulk_create(
        CustomerAssignment(partner=partner, user=users[role], customer=c)
        for role in (PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY)
        for c in assigned
    )


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo data once; a second run keeps what is there."""
    if Partner.objects.filter(name=PARTNER_A).exists():
        return DemoResult(created=False, customers=Customer.objects.count())
    products = _products()
    if not User.objects.filter(username=OPERATOR[0]).exists():
        _user(OPERATOR[0], OPERATOR[1], None, None, "Olive", "Operator", superuser=True)
    _partner_with_customers(
        PARTNER_A, "northbridge", msp=True, count=240, seed=7, products=products
    )
    _partner_with_customers(PARTNER_B, "lakeside", msp=False, count=60, seed=11, products=products)
    return DemoResult(created=True, customers=Customer.objects.count())


class _RawInsert:
    """Multi-row INSERTs of plain values for one model, without building model instances.

    Columns the caller does not give take the field's default (or `now` for auto_now fields);
    values are adapted for the database once per type, not through each field's save path,
    which is what made bulk loads of a million customers slow."""

    def __init__(self, model: type[models.Model], given: list[str]) -> None:
        ops = connection.ops
        now = timezone.now()
        self.sql_head = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        columns: list[str] = []
        self.getters: list[tuple[str | None, Any]] = []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(ops.quote_name(f.column))
            if f.attname in given:
                self.getters.append((f.attname, self._adapter(f)))
            else:
                auto_now = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                value = now if auto_now else f.get_default()
                self.getters.append((None, f.get_db_prep_save(value, connection)))
        self.columns = columns

    @staticmethod
    def _adapter(f: models.Field) -> Callable[[Any], Any] | None:
        ops = connection.ops
        if isinstance(f, models.UUIDField) and not connection.features.has_native_uuid_field:
            return lambda v: v.hex
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        return None

    def insert(self, rows: list[dict[str, Any]], per_statement: int = 500) -> None:
        width = len(self.columns)
        values: list[Any] = []
        for row in rows:
            for key, how in self.getters:
                if key is None:
                    values.append(how)
                else:
                    value = row[key]
                    values.append(how(value) if how is not None and value is not None else value)
        placeholder = "(" + ", ".join(["%s"] * width) + ")"
        head = self.sql_head + "(" + ", ".join(self.columns) + ") VALUES "
        with connection.cursor() as cursor:
            for i in range(0, len(rows), per_statement):
                chunk = values[i * width : (i + per_statement) * width]
                n = len(chunk) // width
                cursor.execute(head + ", ".join([placeholder] * n), chunk)


def _insert(
    inserts: dict[type[models.Model], _RawInsert],
    model: type[models.Model],
    rows: list[dict[str, Any]],
) -> None:
    if rows:
        if model not in inserts:
            inserts[model] = _RawInsert(model, list(rows[0]))
        inserts[model].insert(rows)


def _ids_by_uuid(uuids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Ids the database gave to just-inserted customers, found through their unique uuid."""
    native = connection.features.has_native_uuid_field
    found: dict[uuid.UUID, int] = {}
    with connection.cursor() as cursor:
        for i in range(0, len(uuids), 500):
            chunk = uuids[i : i + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT uuid, id FROM customers_customer WHERE uuid IN ({marks})",  # noqa: S608
                [u if native else u.hex for u in chunk],
            )
            for value, pk in cursor.fetchall():
                found[value if isinstance(value, uuid.UUID) else uuid.UUID(value)] = pk
    return found


def bulk_customers(
    partner: Partner, count: int, *, seed: int = 99, batch: int = 5000, with_licenses: bool = True
) -> Iterator[int]:
    """Add `count` customers (and their licenses) with bulk inserts; yields progress.

    Fast enough for a million customers in a few minutes: rows are generated as plain values
    and inserted with multi-row INSERTs (the search index triggers still run for each row).
    Runs again on the same partner continue the serial numbers with fresh random values."""
    products = _products()
    start = Customer.objects.filter(partner=partner).count()
    factory = CustomerFactory(partner, seed + start, products)
    inserts: dict[type[models.Model], _RawInsert] = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Keeps the indexes being filled (random uuids, trigrams) in memory: this
            # connection only, up to 1 GiB.
            cursor.execute("PRAGMA cache_size = -1048576")
    done = 0
    while done < count:
        size = min(batch, count - done)
        with transaction.atomic():
            customers = [factory.customer_values(serial=start + done + i + 1) for i in range(size)]
            _insert(inserts, Customer, customers)
            if with_licenses:
                ids = _ids_by_uuid([c["uuid"] for c in customers])
                licenses = []
                for c in customers:
                    for lic in factory.license_values(c["billing_type"]):
                        lic["partner_id"], lic["customer_id"] = partner.pk, ids[c["uuid"]]
                        licenses.append(lic)
                _insert(inserts, License, licenses)
        done += size
        if done == count and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Fresh statistics for the query planner (see customers/search.py).
                cursor.execute("ANALYZE customers_customer")
        yield done
