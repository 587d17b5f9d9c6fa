"""Sign-in and sign-out (S-4): Argon2, throttling, security headers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_s4_passwords_are_hashed_with_argon2_in_production() -> None:
    assert settings.PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=settings.PRODUCTION_PASSWORD_HASHERS):
        assert make_password("correct horse").startswith("argon2$")


def test_sign_in_leads_to_customers_and_sign_out_ends_the_session(super_admin):
    client = Client()
    response = client.post(LOGIN, {"username": super_admin.username, "password": PASSWORD})
    assert response.status_code == 302
    # Sign-in lands on "/", which sends partner users to their customers.
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("customers:list")
    assert client.get(reverse("customers:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("customers:list")).status_code == 302


def test_wrong_password_is_refused_with_a_message(super_admin):
    response = Client().post(LOGIN, {"username": super_admin.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_s4_sign_in_is_throttled_after_repeated_failures(super_admin):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(LOGIN, {"username": super_admin.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": super_admin.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed sign-ins. Try again in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_s4_pages_carry_strict_security_headers(super_admin):
    response = Client().get(LOGIN)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies.get("csrftoken") is not None or "csrfmiddlewaretoken" in (
        response.content.decode()
    )


def test_s4_pages_contain_no_inline_script(super_admin, client_for):
    html = client_for(super_admin).get(reverse("customers:list")).content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag
    assert " on" + "click=" not in html
