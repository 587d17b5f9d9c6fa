"""Fixtures for API tests: credentials, tokens and a client that sends the bearer header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from partnerdesk.accounts.services import credential_create_for_partner
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner

TOKEN_URL = "/api/v2/oauth2/token"


@dataclass
class ApiUser:
    """A credential with a fresh token, and a Django test client that calls as it."""

    client_id: str
    client_secret: str
    token: str
    partner: Partner
    credential_pk: int
    client: Client

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def partner_headers(self, partner_id: Any = None) -> dict[str, str]:
        pid = self.partner.pk if partner_id is None else partner_id
        return self.headers(**{"X-Partner-ID": str(pid)})

    def get(self, path: str, data: Any = None, **headers: str) -> Any:
        return self.client.get(path, data, headers=self.partner_headers() | headers)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post(
            path, body, content_type="application/json", headers=self.partner_headers() | headers
        )


def get_token(client: Client, client_id: str, secret: str) -> Any:
    return client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "token",
        },
    )


@pytest.fixture(autouse=True)
def _clear_cache(db: None) -> None:
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()


@pytest.fixture
def make_api_user(db: None) -> Callable[..., ApiUser]:
    def make(partner: Partner, role: PartnerRole = PartnerRole.SUPER_ADMIN) -> ApiUser:
        new = credential_create_for_partner(partner=partner, name=f"{role.value} script", role=role)
        client = Client()
        response = get_token(client, new.client_id, new.client_secret)
        assert response.status_code == 200, response.content
        return ApiUser(
            new.client_id,
            new.client_secret,
            response.json()["access_token"],
            partner,
            new.credential.pk,
            client,
        )

    return make


@pytest.fixture
def api_user(partner: Partner, make_api_user: Callable[..., ApiUser]) -> ApiUser:
    return make_api_user(partner)
