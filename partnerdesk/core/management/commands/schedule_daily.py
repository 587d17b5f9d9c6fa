"""Queue the next run of the daily jobs unless one is waiting (safe to run on every start)."""

from typing import Any

from django.core.management.base import BaseCommand

from partnerdesk.core.periodic import ensure_scheduled, next_run_at


class Command(BaseCommand):
    help = "Make sure the daily jobs are queued for the background worker."

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        if ensure_scheduled():
            self.stdout.write(
                f"Daily jobs queued for {next_run_at(timezone.now()):%Y-%m-%d %H:%M} UTC."
            )
        else:
            self.stdout.write("Daily jobs already queued.")
