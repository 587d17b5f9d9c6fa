"""Drive the API the way an MSP's script does, over real HTTP with the standard library only:
token, whoami, every page of tenants, one tenant, its licenses."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest

from partnerdesk.accounts.demo import DEMO_CREDENTIALS, ensure_demo_credentials
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, PartnerFactory, license_for


def _call(url: str, *, data: dict[str, str] | None = None, headers: dict[str, str]) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.headers["RateLimit-Limit"]
        return json.loads(response.read())


@pytest.fixture
def demo_partner(transactional_db: None) -> Partner:
    partner = PartnerFactory(name=DEMO_CREDENTIALS[0][0])
    customers = CustomerFactory.create_batch(130, partner=partner)
    license_for(customers[0])
    CustomerFactory.create_batch(5, partner=PartnerFactory())  # someone else's
    ensure_demo_credentials()
    return partner


def test_a_script_walks_the_api(live_server: Any, demo_partner: Partner) -> None:
    _, client_id, secret = DEMO_CREDENTIALS[0]
    token = _call(
        f"{live_server.url}/api/v2/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "token",
        },
        headers={},
    )
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    whoami = _call(f"{live_server.url}/whoami/v1", headers=auth)
    assert whoami["idType"] == "partner"
    host = whoami["apiHosts"]["global"]
    assert host == live_server.url
    partner_headers = auth | {"X-Partner-ID": whoami["id"]}
    first = _call(f"{host}/partner/v1/tenants?pageTotal=true", headers=partner_headers)
    tenants = list(first["items"])
    for page in range(2, first["pages"]["total"] + 1):
        tenants += _call(f"{host}/partner/v1/tenants?page={page}", headers=partner_headers)["items"]
    assert first["pages"]["total"] == 3
    assert len(tenants) == first["pages"]["items"] == 130
    assert len({t["id"] for t in tenants}) == 130
    one = tenants[0]
    again = _call(f"{host}/partner/v1/tenants/{one['id']}", headers=partner_headers)
    assert again == one
    licenses = _call(
        f"{one['apiHost']}/licenses/v1/licenses", headers=auth | {"X-Tenant-ID": one["id"]}
    )
    assert len(licenses["items"]) == 1


def test_demo_credentials_are_fixed_and_restored(db: None) -> None:
    PartnerFactory(name=DEMO_CREDENTIALS[1][0])
    rows = ensure_demo_credentials()
    assert [r[1] for r in rows] == [DEMO_CREDENTIALS[1][1]]
    assert ensure_demo_credentials() == rows
