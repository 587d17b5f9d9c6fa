"""A-2: the token endpoint and whoami, and what makes a token stop working."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from partnerdesk.accounts.models import APICredential, APIToken, User
from partnerdesk.accounts.services import credential_revoke, secret_hash
from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner
from tests.compat.conftest import TOKEN_URL, ApiUser, get_token

TOKEN_KEYS = {
    "access_token",
    "errorCode",
    "expires_in",
    "message",
    "refresh_token",
    "token_type",
    "trackingId",
}
TOKEN_ERROR_KEYS = {"errorCode", "message", "trackingId"}
ERROR_KEYS = {"error", "message", "correlationId", "requestId", "createdAt"}


def test_token_answers_exactly_the_keys_of_a2(api_user: ApiUser) -> None:
    response = get_token(Client(), api_user.client_id, api_user.client_secret)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == TOKEN_KEYS
    assert body["errorCode"] == "success"
    assert body["message"] == "OK"
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store"


def test_secret_and_token_are_stored_hashed_only(api_user: ApiUser) -> None:
    credential = APICredential.objects.get(client_id=api_user.client_id)
    assert credential.secret_hash == secret_hash(api_user.client_secret)
    assert api_user.client_secret not in credential.secret_hash
    stored = APIToken.objects.get(credential=credential)
    assert stored.token_hash == secret_hash(api_user.token)
    lifetime = (stored.expires_at - stored.created_at).total_seconds()
    assert abs(lifetime - 3600) < 1


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"client_id": "unknown", "client_secret": "x"}, 401, "oauth.invalid_client_id"),
        ({"client_secret": "wrong"}, 401, "oauth.invalid_client_secret"),
        ({"client_secret": ""}, 400, "oauth.missing_param"),
        ({"client_id": ""}, 400, "oauth.missing_param"),
        ({"grant_type": ""}, 400, "oauth.missing_param"),
        ({"grant_type": "password"}, 400, "oauth.unsupported_grant_type"),
        ({"scope": "admin"}, 400, "oauth.invalid_scope"),
    ],
)
def test_token_failures_answer_the_oauth_error_shape(
    api_user: ApiUser, form: dict[str, str], status: int, code: str
) -> None:
    data = {
        "grant_type": "client_credentials",
        "client_id": api_user.client_id,
        "client_secret": api_user.client_secret,
        "scope": "token",
    } | form
    response = Client().post(TOKEN_URL, data)
    assert response.status_code == status
    body = response.json()
    assert set(body) == TOKEN_ERROR_KEYS
    assert body["errorCode"] == code


def test_token_refuses_a_json_body(api_user: ApiUser) -> None:
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": api_user.client_id},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errorCode"] == "oauth.missing_param"


def test_revoked_credential_gets_no_token_and_its_tokens_stop_at_once(
    api_user: ApiUser, super_admin: User
) -> None:
    assert api_user.client.get("/whoami/v1", headers=api_user.headers()).status_code == 200
    admin = Actor(
        partner_id=api_user.partner.pk, role=PartnerRole.SUPER_ADMIN, user_id=super_admin.pk
    )
    credential_revoke(actor=admin, credential_id=api_user.credential_pk)
    response = api_user.client.get("/whoami/v1", headers=api_user.headers())
    assert response.status_code == 401
    assert set(response.json()) == ERROR_KEYS
    again = get_token(Client(), api_user.client_id, api_user.client_secret)
    assert again.status_code == 401
    assert again.json()["errorCode"] == "oauth.invalid_client_id"


def test_expired_token_is_refused(api_user: ApiUser) -> None:
    APIToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api_user.client.get("/whoami/v1", headers=api_user.headers())
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "authorization", ["", "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "bearer " + "x" * 300]
)
def test_missing_or_malformed_bearer_is_refused(api_user: ApiUser, authorization: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = Client().get("/whoami/v1", headers=headers)
    assert response.status_code == 401
    assert set(response.json()) == ERROR_KEYS


def test_refresh_token_gives_a_new_pair_once(api_user: ApiUser) -> None:
    first = get_token(Client(), api_user.client_id, api_user.client_secret).json()
    form = {
        "grant_type": "refresh_token",
        "client_id": api_user.client_id,
        "client_secret": api_user.client_secret,
        "refresh_token": first["refresh_token"],
    }
    second = Client().post(TOKEN_URL, form)
    assert second.status_code == 200
    assert set(second.json()) == TOKEN_KEYS
    # The old pair is gone: neither the access token nor the refresh token works again.
    old = Client().get("/whoami/v1", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert old.status_code == 401
    assert Client().post(TOKEN_URL, form).json()["errorCode"] == "oauth.invalid_refresh_token"


def test_whoami_gives_the_partner_and_absolute_urls_from_the_request_host(
    api_user: ApiUser,
) -> None:
    response = api_user.client.get(
        "/whoami/v1", headers=api_user.headers(), HTTP_HOST="localhost:8123"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "idType", "apiHosts"}
    assert body == {
        "id": str(api_user.partner.pk),
        "idType": "partner",
        "apiHosts": {"global": "http://localhost:8123"},
    }


def test_browser_session_is_not_an_api_credential(
    client_for: Callable[..., Client], super_admin: object
) -> None:
    response = client_for(super_admin).get("/whoami/v1")
    assert response.status_code == 401


def test_token_use_records_last_use(api_user: ApiUser, partner: Partner) -> None:
    credential = APICredential.objects.get(client_id=api_user.client_id)
    assert credential.last_used_at is not None


def test_bearer_calls_need_no_csrf_token(api_user: ApiUser) -> None:
    strict = Client(enforce_csrf_checks=True)
    token = strict.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": api_user.client_id,
            "client_secret": api_user.client_secret,
        },
    )
    assert token.status_code == 200
    created = strict.post(
        "/partner/v1/tenants",
        {"name": "X", "dataRegion": "eu01", "billingType": "term"},
        content_type="application/json",
        headers=api_user.partner_headers(),
    )
    # Refused by the API's own rule (400), not by CSRF (403).
    assert created.status_code == 400
    assert created.json()["error"] == "billingTypeNotSupported"


@pytest.mark.django_db
def test_unknown_api_routes_and_wrong_methods_answer_in_the_error_shape():
    client = Client()
    missing = client.get("/partner/v1/no-such-thing")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "message", "correlationId", "requestId", "createdAt"}
    wrong = client.patch("/whoami/v1")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "methodNotAllowed"
    assert "GET" in wrong["Allow"]
    page = client.get("/customers/no-such-page/extra/")
    assert page.status_code in (302, 404)  # portal pages keep their HTML responses
