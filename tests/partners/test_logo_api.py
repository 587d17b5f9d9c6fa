"""G-1 over the API: GET, PUT (multipart `file`) and DELETE /partnerdesk/v1/partner/logo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart

from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner, PartnerLogo
from tests.compat.conftest import ApiUser, _clear_cache, api_user, make_api_user  # noqa: F401
from tests.core import logo_files as files

URL = "/partnerdesk/v1/partner/logo"
BOUNDARY = "logo-test-boundary"


def put(user: ApiUser, data: bytes, name: str = "logo.png", **headers: str) -> Any:
    body = encode_multipart(BOUNDARY, {"file": _Upload(name, data)})
    return user.client.put(
        URL,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=user.partner_headers() | headers,
    )


class _Upload:
    """What encode_multipart needs of a file: a name and read()."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def read(self) -> bytes:
        return self._data


def test_put_get_and_delete_the_logo(api_user: ApiUser) -> None:  # noqa: F811
    assert api_user.get(URL).status_code == 404
    response = put(api_user, files.png(40, 20, text="secret"))
    assert response.status_code == 200, response.content
    body = response.json()
    logo = PartnerLogo.objects.get(partner=api_user.partner)
    assert body["contentType"] == "image/png" and (body["width"], body["height"]) == (40, 20)
    assert body["sha256"] == logo.sha256 and body["size"] == len(bytes(logo.image))

    image = api_user.get(URL)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png" and image["X-Content-Type-Options"] == "nosniff"
    assert image["ETag"] == f'"{logo.sha256}"' and b"secret" not in image.content

    assert api_user.client.delete(URL, headers=api_user.partner_headers()).status_code == 204
    assert not PartnerLogo.objects.exists()
    assert api_user.client.delete(URL, headers=api_user.partner_headers()).status_code == 404
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["partner_logo.set", "partner_logo.removed"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (files.PDF, "logo.wrongType"),
        (files.SVG_WITH_SCRIPT, "logo.svg"),
        (files.png_declaring(60000, 60000), "logo.tooManyPixels"),
        (files.truncated_jpeg(), "logo.damaged"),
        (b"", "logo.empty"),
    ],
)
def test_hostile_upload_is_refused_with_the_error_shape(
    api_user: ApiUser,  # noqa: F811
    data: bytes,
    code: str,
) -> None:
    response = put(api_user, data)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == code and body["message"] and body["correlationId"]
    assert not PartnerLogo.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="partner_logo").exists()


def test_put_without_a_file_or_not_multipart_is_refused(api_user: ApiUser) -> None:  # noqa: F811
    json_body = api_user.client.put(
        URL, {"file": "x"}, content_type="application/json", headers=api_user.partner_headers()
    )
    assert json_body.status_code == 400 and "multipart/form-data" in json_body.json()["message"]
    empty = api_user.client.put(
        URL,
        encode_multipart(BOUNDARY, {"other": "x"}),
        content_type=MULTIPART_CONTENT,
        headers=api_user.partner_headers(),
    )
    assert empty.status_code == 400 and "`file`" in empty.json()["message"]


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.READ_ONLY])
def test_credentials_of_other_roles_may_read_but_not_change_it(
    role: PartnerRole,
    partner: Partner,
    api_user: ApiUser,  # noqa: F811
    make_api_user: Callable[..., ApiUser],  # noqa: F811
) -> None:
    assert put(api_user, files.png()).status_code == 200
    limited = make_api_user(partner, role)
    assert limited.get(URL).status_code == 200
    assert put(limited, files.jpeg()).status_code == 403
    assert limited.client.delete(URL, headers=limited.partner_headers()).status_code == 403
    assert PartnerLogo.objects.get().content_type == "image/png"


def test_another_partner_cannot_read_or_change_it(
    api_user: ApiUser,  # noqa: F811
    other_partner: Partner,
    make_api_user: Callable[..., ApiUser],  # noqa: F811
) -> None:
    assert put(api_user, files.png()).status_code == 200
    outsider = make_api_user(other_partner)
    assert outsider.get(URL).status_code == 404
    mismatched = {"X-Partner-ID": str(api_user.partner.pk)}
    assert outsider.get(URL, **mismatched).status_code == 403
    assert put(outsider, files.jpeg(), **mismatched).status_code == 403
    assert PartnerLogo.objects.get().partner_id == api_user.partner.pk
