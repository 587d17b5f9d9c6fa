"""A-1: the OpenAPI 3 description covers every route, declares every status it answers with
examples, and the interactive docs come from the portal itself (no outside network)."""

from __future__ import annotations

import re

from django.test import Client

ROUTES = {
    ("get", "/partnerdesk/v1/tenant/partner-assistance"),
    ("put", "/partnerdesk/v1/tenant/partner-assistance"),
    ("get", "/partnerdesk/v1/tenant/approval-requests"),
    ("post", "/partnerdesk/v1/tenant/approval-requests/{request_id}/answer"),
    ("get", "/partnerdesk/v1/tenant/logo"),
    ("put", "/partnerdesk/v1/tenant/logo"),
    ("delete", "/partnerdesk/v1/tenant/logo"),
    ("get", "/partnerdesk/v1/tenant/early-access-programs"),
    ("post", "/partnerdesk/v1/tenant/early-access-programs/{program_id}/enrollment"),
    ("delete", "/partnerdesk/v1/tenant/early-access-programs/{program_id}/enrollment"),
    ("get", "/partnerdesk/v1/tenant/widget-types"),
    ("get", "/partnerdesk/v1/tenant/dashboards"),
    ("post", "/partnerdesk/v1/tenant/dashboards"),
    ("get", "/partnerdesk/v1/tenant/dashboards/{dashboard_id}"),
    ("patch", "/partnerdesk/v1/tenant/dashboards/{dashboard_id}"),
    ("delete", "/partnerdesk/v1/tenant/dashboards/{dashboard_id}"),
    ("post", "/partnerdesk/v1/tenant/dashboards/{dashboard_id}/export"),
    ("get", "/partnerdesk/v1/tenant/exports/{export_id}"),
    ("get", "/partnerdesk/v1/tenant/exports/{export_id}/pdf"),
    ("patch", "/partnerdesk/v1/customers/{customer_id}"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/approval-requests"),
    ("get", "/partnerdesk/v1/customers/{customer_id}/approval-requests"),
    ("post", "/api/v2/oauth2/token"),
    ("get", "/whoami/v1"),
    ("get", "/partner/v1/tenants"),
    ("post", "/partner/v1/tenants"),
    ("get", "/partner/v1/tenants/{tenant_id}"),
    ("get", "/partner/v1/admins"),
    ("get", "/partner/v1/admins/{admin_id}"),
    ("get", "/partner/v1/roles"),
    ("get", "/licenses/v1/licenses"),
    ("get", "/partnerdesk/v1/customers"),
    ("get", "/partnerdesk/v1/customers/export.csv"),
    ("get", "/partnerdesk/v1/customers/{customer_id}"),
    ("get", "/partnerdesk/v1/groups"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/groups"),
    ("delete", "/partnerdesk/v1/customers/{customer_id}/groups/{group_id}"),
    ("post", "/partnerdesk/v1/groups"),
    ("put", "/partnerdesk/v1/groups/{group_id}"),
    ("delete", "/partnerdesk/v1/groups/{group_id}"),
    ("post", "/partnerdesk/v1/unlinks"),
    ("delete", "/partnerdesk/v1/customers/{customer_id}/scheduled-unlink"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/license-keys"),
    ("get", "/partnerdesk/v1/audit-events"),
    ("get", "/partner/v1/billing/usage/{year}/{month}"),
    ("post", "/partnerdesk/v1/devices/check-in"),
    ("post", "/partnerdesk/v1/alerts/ingest"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/enrollment-tokens"),
    ("post", "/partnerdesk/v1/trial-customers"),
    ("post", "/partnerdesk/v1/monthly-accounts"),
    ("post", "/partnerdesk/v1/managed-orders"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/billing-type"),
    ("get", "/partnerdesk/v1/webhooks"),
    ("post", "/partnerdesk/v1/webhooks"),
    ("get", "/partnerdesk/v1/webhooks/{webhook_id}"),
    ("patch", "/partnerdesk/v1/webhooks/{webhook_id}"),
    ("delete", "/partnerdesk/v1/webhooks/{webhook_id}"),
    ("post", "/partnerdesk/v1/webhooks/{webhook_id}/rotate-secret"),
    ("get", "/partnerdesk/v1/webhooks/deliveries"),
    ("post", "/partnerdesk/v1/webhooks/deliveries/{delivery_id}/redeliver"),
    ("get", "/partnerdesk/v1/partner/logo"),
    ("put", "/partnerdesk/v1/partner/logo"),
    ("delete", "/partnerdesk/v1/partner/logo"),
    ("get", "/partnerdesk/v1/customers/{customer_id}/exports/{export_id}"),
    ("get", "/partnerdesk/v1/customers/{customer_id}/exports/{export_id}/pdf"),
    ("get", "/partnerdesk/v1/customers/{customer_id}/dashboards"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/dashboards"),
    ("get", "/partnerdesk/v1/customers/{customer_id}/dashboards/{dashboard_id}"),
    ("patch", "/partnerdesk/v1/customers/{customer_id}/dashboards/{dashboard_id}"),
    ("delete", "/partnerdesk/v1/customers/{customer_id}/dashboards/{dashboard_id}"),
    ("post", "/partnerdesk/v1/customers/{customer_id}/dashboards/{dashboard_id}/export"),
    ("get", "/partnerdesk/v1/widget-types"),
}


def _description() -> dict:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_route_with_its_statuses(db: None) -> None:
    doc = _description()
    assert doc["openapi"].startswith("3.")
    found = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert found == ROUTES
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            statuses = set(op["responses"])
            assert "429" in statuses, (method, path)
            assert "Retry-After" in op["responses"]["429"]["headers"]
            for response in op["responses"].values():
                assert "RateLimit-Remaining" in response["headers"], (method, path)
            if path != "/api/v2/oauth2/token":
                assert {"401", "429"} <= statuses, (method, path)
                # Agents check devices in and send alerts with a customer's enrollment token.
                agent = path.endswith(("/check-in", "/alerts/ingest"))
                expected = "EnrollmentTokenAuth" if agent else "BearerToken"
                assert op["security"] == [{expected: []}], (method, path)


def test_schemas_carry_examples(db: None) -> None:
    schemas = _description()["components"]["schemas"]
    for name in ("Error", "Tenant", "TokenOut", "TokenError", "WhoAmI", "Admin", "Role"):
        assert "example" in schemas[name], name
    assert set(schemas["Tenant"]["properties"]) == set(schemas["Tenant"]["example"])


def test_docs_page_uses_local_assets_only_and_no_inline_script(db: None) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in html.lower()
    # The only <script> without src is the JSON settings block, which is data, not script.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "https:" not in csp
    for asset in sources:
        assert Client().get(asset).status_code == 200, asset
