"""Objects of the Sophos Central conventions (SPEC A-2), shaped exactly, with examples."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

EXAMPLE_TIME = "2026-12-03T10:15:00.123456Z"
EXAMPLE_UUID = "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11"


class Error(Schema):
    """Every refusal of the API (except the token endpoint's own shape)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "error": "notFound",
                "message": "No such customer.",
                "correlationId": EXAMPLE_UUID,
                "requestId": "0d1f6f7e-9d0c-4c43-8f5e-1b6a2b3c4d5e",
                "createdAt": EXAMPLE_TIME,
            }
        }
    )

    error: str
    message: str
    correlationId: str
    requestId: str
    createdAt: str


ERRORS: dict[int, type[Error]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    429: Error,
}


def errors(*codes: int) -> dict[int, type[Error]]:
    """Error responses of a route: always 401 and 429, plus the codes given."""
    return {code: Error for code in sorted({401, 429, *codes})}


class TokenOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "kHq1m0bD0Xb1K2dCw7s6yX3Yq8Zr4u5v6w7x8y9z0A1",
                "errorCode": "success",
                "expires_in": 3600,
                "message": "OK",
                "refresh_token": "Jm3n4o5p6q7r8s9t0u1v2w3x4y5z6A7B8C9D0E1F2G3",
                "token_type": "bearer",
                "trackingId": EXAMPLE_UUID,
            }
        }
    )

    access_token: str
    errorCode: Literal["success"]
    expires_in: int
    message: Literal["OK"]
    refresh_token: str
    token_type: Literal["bearer"]
    trackingId: str


class TokenError(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "errorCode": "oauth.invalid_client_secret",
                "message": "The client secret is not valid.",
                "trackingId": EXAMPLE_UUID,
            }
        }
    )

    errorCode: str
    message: str
    trackingId: str


class ApiHosts(Schema):
    model_config = ConfigDict(extra="forbid")
    global_: str = Field(alias="global")
    dataRegion: str | None = Field(
        None, description="Tenant credentials only: where the tenant's routes answer."
    )


class WhoAmI(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "12",
                "idType": "partner",
                "apiHosts": {"global": "https://partnerdesk.example.com"},
            }
        }
    )

    id: str
    idType: Literal["partner", "tenant"]
    apiHosts: ApiHosts


class PageInfo(Schema):
    """`total` and `items` are present only when the call asked for `pageTotal=true`."""

    current: int
    size: int
    maxSize: int
    total: int | None = None
    items: int | None = None


class Ref(Schema):
    id: str


class Address(Schema):
    address1: str | None
    address2: str | None
    address3: str | None
    city: str | None
    state: str | None
    countryCode: str | None
    postalCode: str | None


class Contact(Schema):
    firstName: str | None
    lastName: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    fax: str | None
    address: Address


TENANT_EXAMPLE: dict[str, Any] = {
    "id": EXAMPLE_UUID,
    "showAs": "Cedar Dental",
    "name": "Cedar Dental Ltd",
    "dataGeography": "IE",
    "dataRegion": "eu01",
    "billingType": "term",
    "partner": {"id": "12"},
    "organization": None,
    "apiHost": "https://partnerdesk.example.com",
    "status": "active",
    "contact": {
        "firstName": "Aoife",
        "lastName": "Murphy",
        "email": "aoife.murphy@cedardental.example",
        "phone": "+353 21 4567890",
        "mobile": None,
        "fax": None,
        "address": {
            "address1": "12 Harbour Way",
            "address2": None,
            "address3": None,
            "city": "Cork",
            "state": None,
            "countryCode": "IE",
            "postalCode": "T12 X70A",
        },
    },
}


class Tenant(Schema):
    """A tenant object: exactly the keys of SPEC A-2, no more."""

    model_config = ConfigDict(json_schema_extra={"example": TENANT_EXAMPLE})

    id: str
    showAs: str
    name: str
    dataGeography: str
    dataRegion: str
    billingType: Literal["trial", "term", "usage"]
    partner: Ref
    organization: Ref | None
    apiHost: str
    status: str
    contact: Contact


class TenantPage(Schema):
    items: list[Tenant]
    pages: PageInfo


# Inputs are plain pydantic models, not ninja Schemas: a Schema reads any value (a list, a
# number) by attribute, so an object whose fields all have defaults would accept anything.
# A required text: something other than spaces, and no control characters.
TEXT = r"^[^\x00-\x1f]*[^\x00-\x20][^\x00-\x1f]*$"
REGIONS = Literal["us01", "us03", "eu01", "eu02", "ca01", "au01", "jp01", "br01", "in01"]
GEOGRAPHIES = Literal["US", "IE", "DE", "CA", "AU", "JP", "BR", "IN"]


class AddressIn(BaseModel):
    address1: str = Field(default="", max_length=200)
    address2: str = Field(default="", max_length=200)
    address3: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=100)
    countryCode: str = Field(default="", max_length=2)
    postalCode: str = Field(default="", max_length=20)


class ContactIn(BaseModel):
    firstName: str = Field(default="", max_length=100)
    lastName: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    mobile: str = Field(default="", max_length=40)
    fax: str = Field(default="", max_length=40)
    address: AddressIn = Field(default_factory=lambda: AddressIn())


class ProductIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class TenantIn(BaseModel):
    """A new tenant. `dataRegion` wins over `dataGeography`; one of them is needed."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "Cedar Dental Ltd",
                "showAs": "Cedar Dental",
                "dataRegion": "eu01",
                "billingType": "trial",
                "contact": {
                    "firstName": "Aoife",
                    "lastName": "Murphy",
                    "email": "aoife.murphy@cedardental.example",
                    "address": {"city": "Cork", "countryCode": "IE"},
                },
                "products": [{"code": "endpoint-advanced"}],
            }
        },
    )

    name: str = Field(max_length=200, pattern=TEXT)
    showAs: str | None = Field(None, max_length=100, pattern=TEXT)
    dataRegion: REGIONS | None = None
    dataGeography: GEOGRAPHIES | None = None
    billingType: Literal["trial", "term", "usage"]
    contact: ContactIn = Field(default_factory=lambda: ContactIn())
    products: list[ProductIn] = Field(default_factory=list, max_length=20)


class RoleAssignment(Schema):
    roleId: str
    roleName: str


class AdminProfile(Schema):
    firstName: str
    lastName: str
    email: str


class Admin(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "42",
                "profile": {
                    "firstName": "Priya",
                    "lastName": "Sharma",
                    "email": "priya.sharma@northbridge.example",
                },
                "roleAssignments": [{"roleId": "super_admin", "roleName": "Super Admin"}],
            }
        }
    )

    id: str
    profile: AdminProfile
    roleAssignments: list[RoleAssignment]


class AdminPage(Schema):
    items: list[Admin]
    pages: PageInfo


class Role(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "help_desk",
                "name": "Help Desk",
                "description": "Sees assigned customers; launches them as console Help Desk.",
                "type": "predefined",
                "principalType": "user",
            }
        }
    )

    id: str
    name: str
    description: str
    type: Literal["predefined"]
    principalType: Literal["user"]


class RolePage(Schema):
    items: list[Role]
    pages: PageInfo


class LicenseProduct(Schema):
    code: str
    name: str
    genericCode: str


class LicenseOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "381",
                "licenseIdentifier": "K7Q2P",
                "product": {
                    "code": "endpoint-advanced",
                    "name": "Endpoint Protection Advanced",
                    "genericCode": "endpoint",
                },
                "startDate": "2026-01-01",
                "endDate": "2026-12-31",
                "perpetual": False,
                "type": "term",
                "quantity": 25,
                "state": "active",
            }
        }
    )

    id: str
    licenseIdentifier: str | None
    product: LicenseProduct
    startDate: str
    endDate: str | None
    perpetual: bool
    type: Literal["trial", "term", "usage"]
    quantity: int | None
    state: Literal["active", "expiring", "trial", "expired", "revoked", "none"]


class LicenseList(Schema):
    items: list[LicenseOut]
