"""X-2 end to end: a large export queued by the request is drawn by a real worker process."""

from __future__ import annotations

import pytest
from django.utils import timezone

from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import ConsoleRole
from partnerdesk.partners.models import Partner
from partnerdesk.reports.exports import dashboard_export_start
from partnerdesk.reports.models import DashboardExport, ExportStatus
from tests.customers.test_unlink_worker import start_worker
from tests.factories import CustomerFactory, customer_admin
from tests.reports.helpers import every_widget, pdf_pages_text, populate


@pytest.mark.django_db(transaction=True)
def test_x2_worker_takes_a_queued_export_to_done(partner: Partner) -> None:
    customer = CustomerFactory(partner=partner, show_as="Acme Widgets")
    populate(customer, timezone.now())
    admin = customer_admin(customer)
    actor = Actor(
        partner_id=None,
        role=None,
        user_id=admin.pk,
        display_name="Ada Admin",
        customer_id=customer.pk,
        console_role=ConsoleRole.ADMIN,
    )
    export = dashboard_export_start(
        actor=actor,
        customer=customer,
        title="Everything",
        placements=every_widget(),
        source="custom:test",
    )
    assert export.status == ExportStatus.QUEUED

    worker = start_worker("--batch")
    output = worker.communicate(timeout=180)[0]
    assert worker.returncode == 0, output.decode() if output else ""

    export = DashboardExport.objects.get(pk=export.pk)
    assert export.status == ExportStatus.DONE, export.error
    assert export.progress == 100 and export.finished_at is not None
    pages = pdf_pages_text(bytes(export.pdf))
    assert len(pages) >= 2 and "Exported by Ada Admin" in pages[0]
