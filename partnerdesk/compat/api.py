"""Routes that follow the Sophos Central API conventions (SPEC A-2, A-3).

Scripts written for those APIs work against a partnerdesk host: token, whoami, the partner
routes with X-Partner-ID and the tenant routes with X-Tenant-ID."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.accounts import services as credentials
from partnerdesk.accounts.selectors import partner_user_for, partner_users
from partnerdesk.billing.billing_types import customer_monthly_create
from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import (
    Admin,
    AdminPage,
    LicenseList,
    RolePage,
    Tenant,
    TenantIn,
    TenantPage,
    TokenError,
    TokenOut,
    WhoAmI,
    errors,
)
from partnerdesk.compat.serialize import (
    admin_dict,
    base_url,
    license_dict,
    page_dict,
    role_items,
    tenant_dict,
)
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound, ValidationFailed
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.customers.trials import TrialRequest, customer_trial_create
from partnerdesk.licensing.models import License

TENANT_HEADER = Header(..., alias="X-Tenant-ID", description="The tenant's (customer's) id.")


class Paging(Schema):
    page: int = Field(1, ge=1, le=10_000_000, description="Page number, from 1.")
    pageSize: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page: default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE} "
        "(larger sizes are refused with 400).",
    )
    pageTotal: bool = Field(False, description="Also return `total` pages and `items` count.")


# --- token -------------------------------------------------------------------------------------

token_router = Router(tags=["Authentication"])

TOKEN_FORM = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["grant_type", "client_id", "client_secret"],
                "additionalProperties": False,
                "properties": {
                    "grant_type": {
                        "type": "string",
                        "enum": ["client_credentials", "refresh_token"],
                    },
                    "client_id": {"type": "string", "minLength": 1},
                    "client_secret": {"type": "string", "minLength": 1},
                    "scope": {"type": "string", "enum": ["token"]},
                    "refresh_token": {
                        "type": "string",
                        "description": "With grant_type=refresh_token.",
                    },
                },
            },
            "example": {
                "grant_type": "client_credentials",
                "client_id": "6c1e8a1b-1f0e-4a7e-9a44-1c2b3d4e5f60",
                "client_secret": "your-client-secret",
                "scope": "token",
            },
        }
    },
}


def _token_error(status: int, code: str, message: str) -> Status:
    return Status(status, {"errorCode": code, "message": message, "trackingId": str(uuid.uuid4())})


@token_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: TokenError, 401: TokenError, 429: errors()[429]},
    summary="Get an access token (client credentials)",
    openapi_extra={"requestBody": TOKEN_FORM},
)
def token(request: HttpRequest, response: HttpResponse) -> Any:
    """Form-encoded `grant_type=client_credentials`, `client_id`, `client_secret`,
    `scope=token`. The access token is valid for 3600 seconds; send it as
    `Authorization: Bearer <access_token>`."""
    # Token answers are never cached (RFC 6749, 5.1).
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    form = request.POST
    grant = form.get("grant_type", "")
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if not client_id or not secret or not grant:
        return _token_error(
            400, "oauth.missing_param", "grant_type, client_id and client_secret are required."
        )
    if form.get("scope", "token") != "token":
        return _token_error(400, "oauth.invalid_scope", "The only scope is 'token'.")
    try:
        if grant == "client_credentials":
            issued = credentials.token_issue(client_id=client_id, client_secret=secret)
        elif grant == "refresh_token":
            issued = credentials.token_refresh(
                client_id=client_id,
                client_secret=secret,
                refresh_token=form.get("refresh_token", ""),
            )
        else:
            return _token_error(
                400,
                "oauth.unsupported_grant_type",
                "grant_type must be client_credentials or refresh_token.",
            )
    except credentials.TokenError as exc:
        return _token_error(exc.status, exc.code, exc.message)
    return Status(
        200,
        {
            "access_token": issued.access_token,
            "errorCode": "success",
            "expires_in": issued.expires_in,
            "message": "OK",
            "refresh_token": issued.refresh_token,
            "token_type": "bearer",
            "trackingId": str(uuid.uuid4()),
        },
    )


# --- whoami ------------------------------------------------------------------------------------

whoami_router = Router(tags=["Who am I"])


@whoami_router.get(
    "", response={200: WhoAmI, **errors()}, by_alias=True, exclude_none=True, summary="Who am I"
)
def whoami(request: HttpRequest) -> Any:
    """The credential's partner id and the API host to call (built from this request's host)."""
    actor = api_actor(request)
    if actor.customer_id is not None:
        # A tenant credential: its tenant, and the host its tenant routes answer at.
        tenant = Customer.objects.get(pk=actor.customer_id)
        return {
            "id": str(tenant.uuid),
            "idType": "tenant",
            "apiHosts": {"global": base_url(request), "dataRegion": base_url(request)},
        }
    return {
        "id": str(actor.partner_id),
        "idType": "partner",
        "apiHosts": {"global": base_url(request)},
    }


# --- partner routes ----------------------------------------------------------------------------

partner_router = Router(tags=["Partner"])


@partner_router.get(
    "/tenants",
    response={200: TenantPage, **errors(400, 403)},
    exclude_unset=True,
    summary="List tenants",
)
def tenant_list(
    request: HttpRequest,
    paging: Query[Paging],
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """The partner's customers this credential may see, oldest first (stable across pages)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    qs = Customer.objects.visible_to(actor).order_by("created_at", "id")
    offset = (paging.page - 1) * paging.pageSize
    customers = list(qs[offset : offset + paging.pageSize])
    total = qs.count() if paging.pageTotal else None
    host = base_url(request)
    return {
        "items": [tenant_dict(c, host) for c in customers],
        "pages": page_dict(paging.page, paging.pageSize, total),
    }


@partner_router.get(
    "/tenants/{tenant_id}",
    response={200: Tenant, **errors(400, 403, 404)},
    summary="Get a tenant",
)
def tenant_get(request: HttpRequest, tenant_id: str, x_partner_id: str = PARTNER_HEADER) -> Any:
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    return tenant_dict(customer_for(actor, tenant_id), base_url(request))


@partner_router.post(
    "/tenants",
    response={201: Tenant, **errors(400, 403)},
    summary="Create a tenant",
)
def tenant_create(request: HttpRequest, body: TenantIn, x_partner_id: str = PARTNER_HEADER) -> Any:
    """`billingType: trial` creates a trial customer with 30-day trial licenses of the products
    named and Partner Assistance on (Super Admin credentials only). `usage` creates a monthly
    usage account (B-2: MSP Flex partners only, Super Admin or Business Admin credentials;
    contact name, email, address1, city and countryCode required; Endpoint, Mobile/UEM or
    Server products; creating it through the API accepts the current terms). `term` is
    refused with 400: term customers come from applying a license key."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    if body.billingType == "term":
        raise ValidationFailed(
            "Term tenants are not created directly: create a trial or a monthly account, then "
            "apply a license key (POST /partnerdesk/v1/customers/{id}/license-keys).",
            code="billingTypeNotSupported",
        )
    c, a = body.contact, body.contact.address
    details = TrialRequest(
        show_as=body.showAs or body.name,
        legal_name=body.name,
        data_region=body.dataRegion or "",
        data_geography=body.dataGeography or "",
        product_codes=[p.code for p in body.products],
        contact={
            "contact_first_name": c.firstName,
            "contact_last_name": c.lastName,
            "contact_email": c.email,
            "contact_phone": c.phone,
            "contact_mobile": c.mobile,
            "contact_fax": c.fax,
            "address1": a.address1,
            "address2": a.address2,
            "address3": a.address3,
            "city": a.city,
            "state": a.state,
            "country_code": a.countryCode,
            "postal_code": a.postalCode,
        },
    )
    if body.billingType == "usage":
        customer = customer_monthly_create(actor=actor, request=details, terms_accepted=True)
    else:
        customer = customer_trial_create(actor=actor, request=details)
    return Status(201, tenant_dict(customer, base_url(request)))


@partner_router.get(
    "/admins",
    response={200: AdminPage, **errors(400, 403)},
    exclude_unset=True,
    summary="List partner admins",
)
def admin_list(
    request: HttpRequest, paging: Query[Paging], x_partner_id: str = PARTNER_HEADER
) -> Any:
    """The partner's users and their roles (Super Admin credentials only)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    actor.require(Action.MANAGE_PARTNER)
    qs = partner_users(actor)
    offset = (paging.page - 1) * paging.pageSize
    users = list(qs[offset : offset + paging.pageSize])
    total = qs.count() if paging.pageTotal else None
    return {
        "items": [admin_dict(u) for u in users],
        "pages": page_dict(paging.page, paging.pageSize, total),
    }


@partner_router.get(
    "/admins/{admin_id}",
    response={200: Admin, **errors(400, 403, 404)},
    summary="Get a partner admin",
)
def admin_get(request: HttpRequest, admin_id: str, x_partner_id: str = PARTNER_HEADER) -> Any:
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    actor.require(Action.MANAGE_PARTNER)
    return admin_dict(partner_user_for(actor, admin_id))


@partner_router.get(
    "/roles",
    response={200: RolePage, **errors(400, 403)},
    exclude_unset=True,
    summary="List partner roles",
)
def role_list(
    request: HttpRequest, paging: Query[Paging], x_partner_id: str = PARTNER_HEADER
) -> Any:
    """The five partner roles of SPEC section 1."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    items = role_items()
    offset = (paging.page - 1) * paging.pageSize
    total = len(items) if paging.pageTotal else None
    return {
        "items": items[offset : offset + paging.pageSize],
        "pages": page_dict(paging.page, paging.pageSize, total),
    }


# --- tenant routes -----------------------------------------------------------------------------

licenses_router = Router(tags=["Licenses"])


def tenant_for(actor: Actor, tenant_id: str) -> Customer:
    """X-Tenant-ID: a tenant credential reaches its own tenant only; a partner credential any
    customer it may see. Anything else answers as missing."""
    if actor.customer_id is not None:
        customer = Customer.objects.filter(pk=actor.customer_id, unlinked_at__isnull=True).first()
        if customer is None or str(customer.uuid) != tenant_id.strip().lower():
            raise NotFound("No such tenant.")
        return customer
    return customer_for(actor, tenant_id)


@licenses_router.get(
    "/licenses", response={200: LicenseList, **errors(400, 404)}, summary="List licenses"
)
def license_list(request: HttpRequest, x_tenant_id: str = TENANT_HEADER) -> Any:
    """Every license of the tenant named by X-Tenant-ID (a customer this credential may see)."""
    customer = tenant_for(api_actor(request), x_tenant_id)
    licenses = (
        License.objects.filter(customer=customer)
        .select_related("product", "source_key")
        .order_by("product__category", "product__code", "starts_on", "id")
    )
    return {"items": [license_dict(lic) for lic in licenses]}
