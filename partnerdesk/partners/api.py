"""The partner's logo (G-1) over the API: read it, replace it, remove it."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any, cast

from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import errors
from partnerdesk.core.errors import NotFound, ValidationFailed
from partnerdesk.core.images import RULES, logo_response, read_upload
from partnerdesk.partners import services
from partnerdesk.partners.models import PartnerLogo

router = Router(tags=["Partner settings"])

NO_LOGO = "The partner has no logo."


class LogoOut(Schema):
    """The stored logo's facts (the image itself is at GET /partnerdesk/v1/partner/logo)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "contentType": "image/png",
                "width": 480,
                "height": 120,
                "size": 18342,
                "sha256": "9f2c4e0b7d1a5c3e8f6b2d4a0c9e7f1b3d5a7c9e1f3b5d7a9c1e3f5b7d9a1c3e",
                "updatedAt": "2026-12-03T10:15:00Z",
            }
        }
    )

    contentType: str = Field(description="image/png or image/jpeg, as stored after re-encoding.")
    width: int
    height: int
    size: int = Field(description="Bytes of the stored (re-encoded) image.")
    sha256: str = Field(description="Hex SHA-256 of the stored image; also its ETag.")
    updatedAt: dt.datetime


def _out(logo: PartnerLogo) -> dict[str, Any]:
    return {
        "contentType": logo.content_type,
        "width": logo.width,
        "height": logo.height,
        "size": len(bytes(logo.image)),
        "sha256": logo.sha256,
        "updatedAt": logo.updated_at,
    }


IMAGE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The logo as stored: PNG or JPEG, with an ETag of its SHA-256.",
            "content": {
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": f"Multipart form with the image in the `file` field. {RULES}",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": f"The logo: {RULES} Checked by its content.",
                        }
                    },
                },
                "encoding": {"file": {"contentType": "image/png, image/jpeg"}},
            }
        },
    }
}


def _uploaded_file(request: HttpRequest) -> UploadedFile:
    """The `file` part of a multipart PUT. Django parses form bodies of POST only, and the
    body is described in OpenAPI by UPLOAD_BODY, so the route reads it here."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValidationFailed(
            "Send the logo as multipart/form-data, with the image in the `file` field.",
            code="badRequest",
        )
    try:
        parser = MultiPartParser(
            request.META, cast(IO[bytes], request), request.upload_handlers, request.encoding
        )
        _, files = parser.parse()
    except (MultiPartParserError, SuspiciousOperation, ValueError) as exc:
        raise ValidationFailed("The multipart body could not be read.") from exc
    upload = files.get("file")
    if not isinstance(upload, UploadedFile):
        raise ValidationFailed("The `file` field with the image is missing.", code="badRequest")
    return upload


@router.get(
    "/partner/logo",
    response={**errors(400, 403, 404)},
    openapi_extra=IMAGE_RESPONSE,
    summary="Get the partner's logo",
)
def partner_logo_get(request: HttpRequest, x_partner_id: str = PARTNER_HEADER) -> HttpResponse:
    """G-1: the co-branding logo as stored, for any credential of the partner; 404 when there
    is none."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    logo = services.partner_logo(actor)
    if logo is None:
        raise NotFound(NO_LOGO, code="notFound")
    return logo_response(logo, request)


@router.put(
    "/partner/logo",
    response={200: LogoOut, **errors(400, 403)},
    openapi_extra=UPLOAD_BODY,
    summary="Upload or replace the partner's logo",
)
def partner_logo_put(request: HttpRequest, x_partner_id: str = PARTNER_HEADER) -> Any:
    """G-1 (Super Admin and Help Desk credentials): the image is decoded, checked and
    re-encoded, metadata stripped. Anything else (another type whatever its name, over 1 MB,
    over 2000 x 2000 pixels, truncated) is refused with 400 and a message, and nothing is
    stored."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    file = _uploaded_file(request)
    logo = services.partner_logo_set(
        actor=actor, upload=read_upload(file), filename=file.name or ""
    )
    return _out(logo)


@router.delete(
    "/partner/logo",
    response={204: None, **errors(400, 403, 404)},
    summary="Remove the partner's logo",
)
def partner_logo_delete(request: HttpRequest, x_partner_id: str = PARTNER_HEADER) -> Any:
    """G-1 (Super Admin and Help Desk credentials); 404 when there is no logo."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    services.partner_logo_remove(actor=actor)
    return Status(204, None)
