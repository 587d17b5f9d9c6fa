"""L-3..L-5 through the pages: the apply form, its refusals, the renew / co-term step, and who
may see and use it (S-1, C-7)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from partnerdesk.core.permissions import PartnerRole
from partnerdesk.licensing import keys
from partnerdesk.licensing.models import License, LicenseKey
from tests.factories import CustomerFactory, assign, license_for


def url(customer) -> str:
    return reverse("licensing:apply", args=[customer.uuid])


def post(client: Client, customer, key: str, terms: bool = True, **extra):
    data = {"key": key, **extra}
    if terms:
        data["terms"] = "on"
    return client.post(url(customer), data)


def test_l3_apply_page_shows_customer_key_terms_and_apply(client_for, super_admin, customer):
    response = client_for(super_admin).get(url(customer))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Contoso Dental" in html
    assert '<label for="id_key">License key</label>' in html
    assert '<label for="id_terms">I accept the terms</label>' in html
    assert 'class="terms-box"' in html
    assert "Activation is final" in html
    assert ">Apply</button>" in html


def test_l3_apply_redirects_to_details_with_product_quantity_and_end(
    client_for, super_admin, customer, make_key
):
    client = client_for(super_admin)
    response = post(client, customer, make_key(quantity=25))
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.uuid])
    page = client.get(response["Location"]).content.decode()
    lic = License.objects.get(customer=customer)
    assert f"License key applied to Contoso Dental: {lic.product.name}, quantity 25" in page
    assert f"ends {lic.ends_on.day} {lic.ends_on:%b %Y}" in page
    assert f"Key …{lic.source_key.suffix}" in page


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("malformed", 400, "typing error"),
        ("unknown", 400, "No license key matches"),
        ("used", 409, "already been used"),
        ("revoked", 409, "revoked"),
        ("bound", 403, "another partner"),
        ("terms", 400, "I accept the terms"),
    ],
)
def test_l4_refusal_rerenders_the_form_with_its_message_and_keeps_the_key(
    client_for, super_admin, other_partner, customer, make_key, case, status, message
):
    key = {
        "malformed": lambda: make_key()[:-1] + "*",
        "unknown": keys.generate,
        "used": lambda: make_key(used=True),
        "revoked": lambda: make_key(revoked=True),
        "bound": lambda: make_key(partner=other_partner),
        "terms": make_key,
    }[case]()
    if case == "malformed" and keys._check_char(key.replace("-", "")[:-1]) == "*":
        key = key[:-1] + "~"
    response = post(client_for(super_admin), customer, key, terms=case != "terms")
    assert response.status_code == status
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert f'value="{key}"' in html
    assert not License.objects.filter(customer=customer).exists()


def test_l4_product_not_allowed_page_says_why(client_for, super_admin, partner, make_key):
    monthly = CustomerFactory(partner=partner, billing_type="usage")
    response = post(client_for(super_admin), monthly, make_key(category="firewall"))
    assert response.status_code == 409
    assert "billed monthly by usage" in response.content.decode()


def test_l4_throttled_page_answers_429_with_retry_after(client_for, super_admin, customer):
    client = client_for(super_admin)
    for _ in range(10):
        assert post(client, customer, keys.generate()).status_code == 400
    response = post(client, customer, keys.generate())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many license keys were refused" in response.content.decode()


def test_l5_overlap_asks_then_renews(client_for, super_admin, customer, make_key):
    license_for(customer, category="endpoint", ends_in=100, quantity=10)
    client = client_for(super_admin)
    key = make_key(quantity=5)
    first = post(client, customer, key)
    assert first.status_code == 200
    html = first.content.decode()
    assert "This key overlaps an active term license" in html
    assert 'name="overlap" value="renew"' in html
    assert 'name="overlap" value="coterm"' in html
    assert "(15 in total) both end on" in html
    assert "no day is lost" in html
    assert f'value="{key}"' in html
    assert "checked" in html  # the accepted terms stay accepted
    assert LicenseKey.objects.get().used_at is None
    second = post(client, customer, key, overlap="renew")
    assert second.status_code == 302
    assert License.objects.filter(customer=customer).count() == 2


# -- who may see and use it (S-1, section 1, C-7) ----------------------------------------------


def test_s1_another_partners_user_gets_404_for_the_apply_page(
    client_for, other_partner, make_user, customer, make_key
):
    client = client_for(make_user(other_partner))
    assert client.get(url(customer)).status_code == 404
    response = post(client, customer, make_key())
    assert response.status_code == 404
    assert "Contoso" not in response.content.decode()
    assert not License.objects.exists()


def test_s1_unassigned_admin_gets_404(client_for, partner, make_user, customer):
    admin = make_user(partner, PartnerRole.ADMIN)
    assert client_for(admin).get(url(customer)).status_code == 404


def test_s1_anonymous_is_sent_to_sign_in(customer):
    response = Client().get(url(customer))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_s1_missing_customer_is_404(client_for, super_admin):
    assert client_for(super_admin).get("/licenses/apply/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("role", [PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_c7_help_desk_and_read_only_get_403_and_see_no_action(
    client_for, partner, make_user, customer, make_key, role
):
    user = make_user(partner, role)
    assign(user, customer)
    client = client_for(user)
    assert client.get(url(customer)).status_code == 403
    assert post(client, customer, make_key()).status_code == 403
    assert not License.objects.exists()
    listing = client.get(reverse("customers:list")).content.decode()
    details = client.get(reverse("customers:detail", args=[customer.uuid])).content.decode()
    assert "Contoso Dental" in listing
    assert "Apply license key" not in listing
    assert "Apply license key" not in details


@pytest.mark.parametrize(
    "role", [PartnerRole.SUPER_ADMIN, PartnerRole.ADMIN, PartnerRole.BUSINESS_ADMIN]
)
def test_c7_roles_that_may_apply_see_the_action_on_row_and_details(
    client_for, partner, make_user, customer, role
):
    user = make_user(partner, role)
    assign(user, customer)
    client = client_for(user)
    apply_url = url(customer)
    listing = client.get(reverse("customers:list")).content.decode()
    details = client.get(reverse("customers:detail", args=[customer.uuid])).content.decode()
    assert f'href="{apply_url}"' in listing
    assert f'href="{apply_url}"' in details
    assert client.get(apply_url).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": "A" * 5000, "terms": "on"}, "this one has 5000"),
        ({"key": "", "terms": "on"}, "Enter the license key"),
        ({"terms": "on"}, "Enter the license key"),
        ({"key": "ABCDE-FGHJK-MNPQR-STVWX-YZ012", "terms": "on", "overlap": "x"}, "Choose renew"),
    ],
)
def test_s3_bad_input_is_refused_with_a_message_not_an_error(
    client_for, super_admin, customer, data, message
):
    response = client_for(super_admin).post(url(customer), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not License.objects.exists()


def test_l3_page_says_what_a_key_does_to_a_trial_customer(client_for, super_admin, partner):
    trial = CustomerFactory(partner=partner, billing_type="trial")
    html = client_for(super_admin).get(url(trial)).content.decode()
    assert "applying a key makes it a term customer" in html
