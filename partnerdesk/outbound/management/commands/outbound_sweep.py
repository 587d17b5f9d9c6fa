from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partnerdesk.outbound.tasks import ensure_sweep_scheduled, sweep


class Command(BaseCommand):
    help = (
        "Re-queue overdue outbound deliveries and make sure the sweeper is queued "
        "(safe to run at every start, on every host)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = sweep()
        queued = ensure_sweep_scheduled()
        self.stdout.write(
            f"{len(ids)} overdue deliveries re-queued; sweeper "
            f"{'queued' if queued else 'already queued'}."
        )
