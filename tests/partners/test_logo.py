"""G-1 on the partner side: who may set the partner logo, the settings page, and serving it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from partnerdesk.accounts.models import User
from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner, PartnerLogo
from partnerdesk.partners.services import partner_logo_remove, partner_logo_set
from tests.core import logo_files as files

PAGE = "/settings/logo/"
REMOVE = "/settings/logo/remove/"
IMAGE = "/settings/logo/image/"
MAY = [PartnerRole.SUPER_ADMIN, PartnerRole.HELP_DESK]
MAY_NOT = [PartnerRole.ADMIN, PartnerRole.READ_ONLY, PartnerRole.BUSINESS_ADMIN]

HOSTILE = {
    "pdf named png": (files.PDF, "is a PDF document"),
    "text named png": (files.TEXT, "is a text file"),
    "png declaring 60000 x 60000": (files.png_declaring(60000, 60000), "60000 x 60000"),
    "truncated jpeg": (files.truncated_jpeg(), "truncated or damaged"),
    "svg with script": (files.SVG_WITH_SCRIPT, "SVG images are not accepted"),
    "gif": (files.gif(), "GIF images are not accepted"),
    "empty": (b"", "empty"),
}


def actor_for(user: User) -> Actor:
    return Actor(partner_id=user.partner_id, role=user.role, user_id=user.pk, display_name="T")


def upload(client: Client, data: bytes, name: str = "logo.png") -> object:
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data, "image/png")})


def nothing_stored() -> None:
    assert not PartnerLogo.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="partner_logo").exists()


@pytest.mark.parametrize("role", MAY)
def test_super_admin_and_help_desk_may_set_and_remove_the_logo(
    role: PartnerRole, partner: Partner, make_user: Callable[..., User]
) -> None:
    actor = actor_for(make_user(partner, role))
    logo = partner_logo_set(actor=actor, upload=files.png(), filename="logo.png")
    assert logo.partner_id == partner.pk and logo.content_type == "image/png"
    partner_logo_remove(actor=actor)
    assert not PartnerLogo.objects.exists()


@pytest.mark.parametrize("role", MAY_NOT)
def test_other_roles_may_not_set_or_remove_the_logo(
    role: PartnerRole, partner: Partner, make_user: Callable[..., User]
) -> None:
    actor = actor_for(make_user(partner, role))
    with pytest.raises(PermissionDenied):
        partner_logo_set(actor=actor, upload=files.png(), filename="logo.png")
    nothing_stored()
    PartnerLogo.objects.create(
        partner=partner, image=b"x", content_type="image/png", width=1, height=1, sha256="0"
    )
    with pytest.raises(PermissionDenied):
        partner_logo_remove(actor=actor)
    assert PartnerLogo.objects.count() == 1


def test_set_is_audited_with_facts_not_bytes(super_admin: User) -> None:
    actor = actor_for(super_admin)
    first = partner_logo_set(actor=actor, upload=files.png(40, 20), filename="a.png")
    second = partner_logo_set(actor=actor, upload=files.jpeg(30, 30), filename="b.jpg")
    assert PartnerLogo.objects.count() == 1 and second.pk == first.pk
    created, replaced = AuditEvent.objects.filter(action="partner_logo.set").order_by("id")
    assert created.before is None
    assert created.after["sha256"] == first.sha256 and created.after["width"] == 40
    assert replaced.before["contentType"] == "image/png"
    assert replaced.after["contentType"] == "image/jpeg"
    assert set(replaced.after) == {"contentType", "width", "height", "size", "sha256"}
    assert created.partner_id == super_admin.partner_id and created.customer_id is None
    partner_logo_remove(actor=actor)
    removed = AuditEvent.objects.get(action="partner_logo.removed")
    assert removed.before["sha256"] == second.sha256 and removed.after is None


def test_removing_when_there_is_no_logo_is_not_found(super_admin: User) -> None:
    with pytest.raises(NotFound):
        partner_logo_remove(actor=actor_for(super_admin))
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_upload_is_refused_by_the_service_and_nothing_is_stored(
    case: str, super_admin: User
) -> None:
    data, message = HOSTILE[case]
    with pytest.raises(ValidationFailed, match=re.escape(message)):
        partner_logo_set(actor=actor_for(super_admin), upload=data, filename="logo.png")
    nothing_stored()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_upload_is_refused_on_the_page_with_its_message(
    case: str, super_admin: User, client_for: Callable[[User], Client]
) -> None:
    data, message = HOSTILE[case]
    response = upload(client_for(super_admin), data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert 'role="alert"' in html and message in html
    assert 'aria-invalid="true"' in html
    nothing_stored()


def test_5_mb_image_is_refused_on_the_page(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    response = upload(client_for(super_admin), files.noisy_png(1300, 1300))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "larger than 1 MB" in response.content.decode()  # type: ignore[attr-defined]
    nothing_stored()


def test_page_uploads_shows_and_removes_the_logo(
    super_admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(super_admin)
    page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200 and "No logo yet" in html
    assert '<label for="logo-file">' in html and 'id="logo-file"' in html
    assert 'accept="image/png,image/jpeg"' in html
    assert "PNG or JPEG, at most 1 MB and 2000 x 2000 pixels" in html
    assert not re.findall(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert re.search(r'<a href="/settings/logo/"[^>]*>Logo</a>', html)

    response = upload(client, files.png(40, 20, text="secret"), "logo.png")
    assert response.status_code == 302  # type: ignore[attr-defined]
    logo = PartnerLogo.objects.get()
    html = client.get(PAGE).content.decode()
    assert f'src="{IMAGE}?v={logo.sha256[:16]}"' in html and 'alt="Your partner logo"' in html
    assert '<label for="logo-remove-confirm">' in html

    unconfirmed = client.post(REMOVE, {})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert PartnerLogo.objects.exists()
    assert client.post(REMOVE, {"confirm": "yes"}).status_code == 302
    assert not PartnerLogo.objects.exists()


def test_image_is_served_with_its_type_etag_and_nosniff(
    partner: Partner, super_admin: User, make_user: Callable[..., User], client_for: Callable
) -> None:
    logo = partner_logo_set(actor=actor_for(super_admin), upload=files.jpeg(), filename="x.png")
    reader = client_for(make_user(partner, PartnerRole.READ_ONLY))
    response = reader.get(IMAGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{logo.sha256}"'
    assert response["Cache-Control"].startswith("private")
    assert response.content == bytes(logo.image)
    again = reader.get(IMAGE, headers={"If-None-Match": f'"{logo.sha256}"'})
    assert again.status_code == 304 and again.content == b""


def test_another_partner_cannot_read_the_logo(
    super_admin: User,
    other_partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    partner_logo_set(actor=actor_for(super_admin), upload=files.png(), filename="x.png")
    outsider = client_for(make_user(other_partner, PartnerRole.SUPER_ADMIN))
    assert outsider.get(IMAGE).status_code == 404
    assert Client().get(IMAGE).status_code == 302  # anonymous: to the sign-in page


@pytest.mark.parametrize("role", MAY_NOT)
def test_roles_without_the_right_see_no_link_and_are_refused_the_page(
    role: PartnerRole,
    partner: Partner,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(make_user(partner, role))
    assert 'href="/settings/logo/"' not in client.get("/customers/").content.decode()
    assert client.get(PAGE).status_code == 403
    assert upload(client, files.png()).status_code == 403
    assert client.post(REMOVE, {"confirm": "yes"}).status_code == 403
    nothing_stored()
