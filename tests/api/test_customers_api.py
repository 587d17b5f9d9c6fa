"""A-4: partnerdesk's own customer routes: details, groups and membership, the Customers
page's search and filters, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerdesk.customers.models import Customer, GroupMembership
from partnerdesk.partners.models import Partner
from tests.compat.conftest import ApiUser
from tests.factories import CustomerFactory, GroupFactory, add_to_group, license_for

SUMMARY_KEYS = {
    "id",
    "showAs",
    "legalName",
    "billingType",
    "dataRegion",
    "status",
    "partnerAssistance",
    "managedOrder",
    "groups",
    "licenseStatus",
}


@pytest.fixture
def view(partner: Partner) -> dict[str, Customer]:
    names = ["Zephyr Dental", "Acme Logistics", "Zephyrine Bakery", "Cobalt Law"]
    made = {n: CustomerFactory(partner=partner, show_as=n) for n in names}
    made["Acme Logistics"].billing_type = "trial"
    made["Acme Logistics"].save()
    license_for(made["Zephyr Dental"], ends_in=10)
    return made


def test_search_filter_and_sort_like_the_customers_page(
    api_user: ApiUser, view: dict[str, Customer]
) -> None:
    body = api_user.get("/partnerdesk/v1/customers", {"q": "zephyr", "pageTotal": "true"}).json()
    assert [c["showAs"] for c in body["items"]] == ["Zephyr Dental", "Zephyrine Bakery"]
    assert body["pages"] == {"current": 1, "size": 50, "maxSize": 100, "total": 1, "items": 2}
    assert all(set(c) == SUMMARY_KEYS for c in body["items"])
    trial = api_user.get("/partnerdesk/v1/customers", {"billing": "trial"}).json()
    assert [c["showAs"] for c in trial["items"]] == ["Acme Logistics"]
    expiring = api_user.get("/partnerdesk/v1/customers", {"license": "expiring"}).json()
    assert [c["showAs"] for c in expiring["items"]] == ["Zephyr Dental"]
    status = {s["category"]: s for s in expiring["items"][0]["licenseStatus"]}
    assert status["endpoint"]["state"] == "expiring"
    assert status["endpoint"]["daysLeft"] == 10
    backwards = api_user.get("/partnerdesk/v1/customers", {"sort": "-name"}).json()
    assert backwards["items"][0]["showAs"] == "Zephyrine Bakery"


@pytest.mark.parametrize(
    "params", [{"sort": "price"}, {"billing": "free"}, {"pageSize": 101}, {"q": "x" * 101}]
)
def test_bad_filters_are_refused_with_the_error_shape(
    api_user: ApiUser, view: dict[str, Customer], params: dict
) -> None:
    response = api_user.get("/partnerdesk/v1/customers", params)
    assert response.status_code == 400
    assert response.json()["error"] == "badRequest"


def test_details_list_groups_and_licenses(api_user: ApiUser, view: dict[str, Customer]) -> None:
    customer = view["Zephyr Dental"]
    group = GroupFactory(partner=customer.partner, name="Healthcare")
    add_to_group(customer, group)
    body = api_user.get(f"/partnerdesk/v1/customers/{customer.uuid}").json()
    assert body["groups"] == [{"id": group.id, "name": "Healthcare"}]
    assert [lic["state"] for lic in body["licenses"]] == ["expiring"]
    assert body["contactEmail"] == "ada@example.com"


def test_group_membership_add_and_remove(api_user: ApiUser, view: dict[str, Customer]) -> None:
    customer = view["Cobalt Law"]
    group = GroupFactory(partner=customer.partner, name="Legal")
    url = f"/partnerdesk/v1/customers/{customer.uuid}/groups"
    added = api_user.post(url, {"groupId": group.id})
    assert added.status_code == 201
    assert added.json() == [{"id": group.id, "name": "Legal"}]
    again = api_user.post(url, {"groupId": group.id})
    assert again.status_code == 409
    assert again.json()["error"] == "alreadyMember"
    removed = api_user.client.delete(f"{url}/{group.id}", headers=api_user.partner_headers())
    assert removed.status_code == 204
    assert not GroupMembership.objects.exists()
    gone = api_user.client.delete(f"{url}/{group.id}", headers=api_user.partner_headers())
    assert gone.status_code == 409
    listed = api_user.get("/partnerdesk/v1/groups", {"pageTotal": "true"}).json()
    assert listed["items"] == [{"id": group.id, "name": "Legal", "description": ""}]
    assert listed["pages"]["items"] == 1


def test_csv_export_has_every_row_of_the_view(api_user: ApiUser, view: dict[str, Customer]) -> None:
    response = api_user.get("/partnerdesk/v1/customers/export.csv", {"q": "zephyr", "page": 2})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["RateLimit-Limit"]
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Customer ID"
    assert [r[1] for r in rows[1:]] == ["Zephyr Dental", "Zephyrine Bakery"]


def test_customer_list_query_count_does_not_grow_with_the_page(
    api_user: ApiUser, partner: Partner
) -> None:
    for customer in CustomerFactory.create_batch(30, partner=partner):
        license_for(customer)
        add_to_group(customer, GroupFactory(partner=partner))
    api_user.get("/partnerdesk/v1/customers")  # the rate-limit window exists from here on
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            response = api_user.get("/partnerdesk/v1/customers", {"pageSize": size})
        assert len(response.json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
