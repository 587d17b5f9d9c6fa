"""Run today's daily jobs now (each job still runs at most once per day)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from partnerdesk.core.periodic import run_daily_jobs


class Command(BaseCommand):
    help = "Run the daily jobs for today (or --date YYYY-MM-DD) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to run the jobs for (default: today, UTC)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.now().date()
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must look like 2026-12-31.") from None
        for job, outcome in run_daily_jobs(day).items():
            self.stdout.write(f"{job}: {outcome}")
