"""X-2: starting an export, in the request or through the worker, its status page, download
and API, and who may reach them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from partnerdesk.accounts.models import User
from partnerdesk.audit.models import AuditEvent
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from partnerdesk.core.permissions import ConsoleRole, PartnerRole
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.reports.exports import (
    INLINE_MAX_WIDGETS,
    dashboard_export_run,
    dashboard_export_start,
    export_run,
    export_start_for_partner,
)
from partnerdesk.reports.layout import Placement
from partnerdesk.reports.models import DashboardExport, ExportStatus
from tests.compat.conftest import ApiUser
from tests.factories import CustomerFactory, customer_admin
from tests.reports.helpers import every_widget, pdf_pages_text, populate

SMALL = [Placement("summary", 0, 0, 2, 1), Placement("devices-by-health", 2, 0, 2, 1)]


def console_actor(customer: Customer, user: User, role: str = "super_admin") -> Actor:
    return Actor(
        partner_id=None,
        role=None,
        user_id=user.pk,
        display_name="Ada Admin",
        customer_id=customer.pk,
        console_role=ConsoleRole(role),
    )


@pytest.fixture
def customer(partner: Partner) -> Customer:
    customer = CustomerFactory(partner=partner, show_as="Acme Widgets", partner_assistance=True)
    populate(customer, timezone.now())
    return customer


@pytest.fixture
def admin(customer: Customer) -> User:
    return customer_admin(customer, first_name="Ada", last_name="Admin")


@pytest.fixture
def actor(customer: Customer, admin: User) -> Actor:
    return console_actor(customer, admin)


def start(actor: Actor, customer: Customer, placements: list[Placement]) -> DashboardExport:
    return dashboard_export_start(
        actor=actor,
        customer=customer,
        title="Security overview",
        placements=placements,
        source="builtin:security-overview",
    )


def test_x2_a_small_export_renders_in_the_request(customer: Customer, actor: Actor) -> None:
    export = start(actor, customer, SMALL)
    assert export.status == ExportStatus.DONE and export.progress == 100
    assert export.size == len(bytes(export.pdf)) > 1000
    assert export.requested_by == "Ada Admin"
    assert export.expires_at - export.requested_at == dt.timedelta(hours=24)
    assert export.placements == [p.as_dict() for p in SMALL]
    text = "\n".join(pdf_pages_text(bytes(export.pdf)))
    assert "Exported by Ada Admin" in text and "Devices by health" in text
    assert not DBTaskResult.objects.exists()
    event = AuditEvent.objects.get(action="dashboard.exported")
    assert (event.customer_id, event.actor_kind) == (customer.pk, "customer_admin")
    assert event.object_id == str(export.uuid)
    assert event.after == {
        "title": "Security overview",
        "source": "builtin:security-overview",
        "widgets": 2,
    }


def test_x2_a_large_export_is_queued_then_the_task_draws_it(
    customer: Customer, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    placements = every_widget()
    assert len(placements) > INLINE_MAX_WIDGETS
    export = start(actor, customer, placements)
    assert (export.status, export.progress, export.pdf) == (ExportStatus.QUEUED, 0, None)
    task = DBTaskResult.objects.get()
    assert task.task_path == dashboard_export_run.module_path
    assert task.args_kwargs["args"] == [str(export.uuid)]

    import partnerdesk.reports.pdf as pdf

    seen: list[tuple[str, int]] = []
    real = pdf.render_dashboard_pdf

    def watching(**kwargs: Any) -> bytes:
        inner = kwargs["progress"]

        def progress(done: int, total: int) -> None:
            inner(done, total)
            row = DashboardExport.objects.listed().get(pk=export.pk)
            seen.append((row.status, row.progress))

        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(pdf, "render_dashboard_pdf", watching)
    assert export_run(str(export.uuid)).startswith("done")
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.progress == 100
    assert export.finished_at is not None
    # Running, and the percentage grows as each widget is drawn, below 100 until stored.
    assert len(seen) == len(placements) + 1
    assert {status for status, _ in seen} == {"running"}
    percents = [percent for _, percent in seen]
    assert percents == sorted(percents) and percents[0] > 0 and percents[-1] == 99
    reader = PdfReader(io.BytesIO(bytes(export.pdf)))
    assert len(reader.pages) >= 2
    # A second run of the same task (a retry) changes nothing.
    assert export_run(str(export.uuid)) == "skipped: not queued"


def test_x2_a_failed_render_is_recorded_with_a_readable_message(
    customer: Customer, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import partnerdesk.reports.pdf as pdf

    def broken(**kwargs: Any) -> bytes:
        raise RuntimeError("font cache is gone")

    monkeypatch.setattr(pdf, "render_dashboard_pdf", broken)
    export = start(actor, customer, SMALL)
    assert export.status == ExportStatus.FAILED
    assert export.error == "The PDF could not be made because of an error on our side."
    assert "font cache" not in export.error


def test_x2_export_refuses_bad_layouts_and_unknown_widgets(
    customer: Customer, actor: Actor
) -> None:
    with pytest.raises(ValidationFailed, match="Unknown widget type: nope"):
        start(actor, customer, [Placement("nope", 0, 0, 1, 1)])
    with pytest.raises(ValidationFailed, match="overlaps"):
        start(actor, customer, [Placement("summary", 0, 0, 2, 1)] * 2)
    with pytest.raises(ValidationFailed, match="title"):
        dashboard_export_start(
            actor=actor, customer=customer, title="  ", placements=SMALL, source="x"
        )
    assert not DashboardExport.objects.exists()
    assert not AuditEvent.objects.filter(action="dashboard.exported").exists()


def test_x2_only_a_console_actor_of_that_customer_may_export(
    customer: Customer, actor: Actor, partner: Partner
) -> None:
    other = CustomerFactory(partner=partner)
    with pytest.raises(NotFound):
        start(actor, other, SMALL)
    partner_actor = Actor(partner_id=partner.pk, role=PartnerRole.SUPER_ADMIN, user_id=1)
    with pytest.raises(NotFound):
        start(partner_actor, customer, SMALL)
    assert not DashboardExport.objects.exists()


def test_x2_partner_credential_export_needs_partner_assistance(
    customer: Customer, partner: Partner, other_partner: Partner
) -> None:
    actor = Actor(
        partner_id=partner.pk,
        role=PartnerRole.SUPER_ADMIN,
        credential_id=7,
        display_name="Reporting script",
    )
    export = export_start_for_partner(
        actor=actor, customer=customer, title="Ops", placements=SMALL, source="builtin:ops"
    )
    assert export.status == ExportStatus.DONE and export.requested_by == "Reporting script"
    event = AuditEvent.objects.get(action="dashboard.exported")
    assert (event.partner_id, event.customer_id, event.actor_kind) == (
        partner.pk,
        customer.pk,
        "credential",
    )
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=False)
    customer.refresh_from_db()
    with pytest.raises(Conflict, match="Partner Assistance is off"):
        export_start_for_partner(
            actor=actor, customer=customer, title="Ops", placements=SMALL, source="x"
        )
    business = Actor(partner_id=partner.pk, role=PartnerRole.BUSINESS_ADMIN, credential_id=8)
    with pytest.raises(PermissionDenied):
        export_start_for_partner(
            actor=business, customer=customer, title="Ops", placements=SMALL, source="x"
        )
    stranger = Actor(partner_id=other_partner.pk, role=PartnerRole.SUPER_ADMIN, credential_id=9)
    with pytest.raises(NotFound):
        export_start_for_partner(
            actor=stranger, customer=customer, title="Ops", placements=SMALL, source="x"
        )


def test_expired_exports_are_removed_at_the_next_export(customer: Customer, actor: Actor) -> None:
    old = start(actor, customer, SMALL)
    DashboardExport.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    start(actor, customer, SMALL)
    assert not DashboardExport.objects.filter(pk=old.pk).exists()
    assert DashboardExport.objects.count() == 1


# The console pages ------------------------------------------------------------------------


def status_url(export: DashboardExport, customer: Customer | None = None) -> str:
    c = customer or export.customer
    return reverse("console:export", args=[c.uuid, export.uuid])


def download_url(export: DashboardExport, customer: Customer | None = None) -> str:
    c = customer or export.customer
    return reverse("console:export_download", args=[c.uuid, export.uuid])


def test_status_page_polls_while_queued_and_offers_download_when_done(
    customer: Customer, actor: Actor, admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(admin)
    export = start(actor, customer, every_widget())
    page = client.get(status_url(export))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    assert "Download PDF" not in html
    assert "<script>" not in html.split("</head>")[1]  # no inline script in the body

    DashboardExport.objects.filter(pk=export.pk).update(status="running", progress=42)
    partial = client.get(status_url(export), headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body and "42%" in body and 'hx-trigger="every 1s"' in body

    export_run_anyway(export)
    done = client.get(status_url(export), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done  # polling stops
    assert "Download PDF" in done and download_url(export) in done

    response = client.get(download_url(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = export.requested_at.strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="security-overview-{day}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def export_run_anyway(export: DashboardExport) -> None:
    DashboardExport.objects.filter(pk=export.pk).update(status="queued")
    assert export_run(str(export.uuid)).startswith("done")


def test_status_page_shows_a_readable_failure(
    customer: Customer, actor: Actor, admin: User, client_for: Callable[[User], Client]
) -> None:
    export = start(actor, customer, SMALL)
    DashboardExport.objects.filter(pk=export.pk).update(
        status="failed", error="The PDF could not be made because of an error on our side."
    )
    html = client_for(admin).get(status_url(export)).content.decode()
    assert "could not be made" in html and 'role="alert"' in html
    assert "hx-trigger" not in html and "Download PDF" not in html
    assert client_for(admin).get(download_url(export)).status_code == 409


def test_download_before_done_is_409_and_after_expiry_404(
    customer: Customer, actor: Actor, admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(admin)
    export = start(actor, customer, every_widget())
    assert client.get(download_url(export)).status_code == 409
    export_run_anyway(export)
    assert client.get(download_url(export)).status_code == 200
    DashboardExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert client.get(download_url(export)).status_code == 404
    assert "expired" in client.get(status_url(export)).content.decode()


def test_another_customers_console_gets_404_for_the_export(
    customer: Customer,
    actor: Actor,
    partner: Partner,
    client_for: Callable[[User], Client],
) -> None:
    export = start(actor, customer, SMALL)
    other = CustomerFactory(partner=partner)
    stranger = customer_admin(other)
    client = client_for(stranger)
    # Through its own console, naming the other customer's export ...
    assert client.get(status_url(export, other)).status_code == 404
    assert client.get(download_url(export, other)).status_code == 404
    # ... and through the other customer's console, which it cannot open.
    assert client.get(status_url(export)).status_code == 404
    response = client.get(download_url(export))
    assert response.status_code == 404 and b"%PDF" not in response.content
    assert client.get(status_url(export).replace(str(export.uuid), "nope")).status_code == 404


def test_anonymous_is_sent_to_sign_in(customer: Customer, actor: Actor) -> None:
    export = start(actor, customer, SMALL)
    response = Client().get(download_url(export))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_every_console_role_may_export_even_read_only(customer: Customer) -> None:
    actor = console_actor(customer, customer_admin(customer, role="read_only"), "read_only")
    assert start(actor, customer, SMALL).status == ExportStatus.DONE


# The API ----------------------------------------------------------------------------------


def api_path(customer: Customer, export: DashboardExport) -> str:
    return f"/partnerdesk/v1/customers/{customer.uuid}/exports/{export.uuid}"


def test_api_status_and_pdf_for_a_partner_credential(
    customer: Customer, actor: Actor, api_user: ApiUser
) -> None:
    export = start(actor, customer, every_widget())
    queued = api_user.get(api_path(customer, export))
    assert queued.status_code == 200, queued.content
    body = queued.json()
    assert (body["status"], body["progress"], body["downloadUrl"]) == ("queued", 0, None)
    assert api_user.get(api_path(customer, export) + "/pdf").status_code == 409

    export_run_anyway(export)
    body = api_user.get(api_path(customer, export)).json()
    assert body["status"] == "done" and body["progress"] == 100 and body["size"] > 0
    assert body["downloadUrl"] == api_path(customer, export) + "/pdf"
    pdf = api_user.get(body["downloadUrl"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and "attachment" in pdf["Content-Disposition"]


def test_api_refuses_without_partner_assistance_and_for_other_partners(
    customer: Customer,
    actor: Actor,
    api_user: ApiUser,
    make_api_user: Callable[..., ApiUser],
    other_partner: Partner,
) -> None:
    export = start(actor, customer, SMALL)
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=False)
    off = api_user.get(api_path(customer, export))
    assert off.status_code == 409 and "Partner Assistance" in off.json()["message"]
    assert api_user.get(api_path(customer, export) + "/pdf").status_code == 409
    Customer.objects.filter(pk=customer.pk).update(partner_assistance=True)

    stranger = make_api_user(other_partner)
    assert stranger.get(api_path(customer, export)).status_code == 404
    assert stranger.get(api_path(customer, export) + "/pdf").status_code == 404
    business = make_api_user(customer.partner, PartnerRole.BUSINESS_ADMIN)
    assert business.get(api_path(customer, export)).status_code == 403
    other_customer = CustomerFactory(partner=customer.partner, partner_assistance=True)
    assert api_user.get(api_path(other_customer, export)).status_code == 404
    no_token = Client().get(api_path(customer, export))
    assert no_token.status_code == 401
