"""Daily jobs, run by the background worker.

`daily_jobs` is a task that runs every registered job once per day and then enqueues itself for
the next day. Each day's run is claimed by inserting a `PeriodicRun` row, so when several
schedulers or workers race, exactly one does the day's work. `python manage.py schedule_daily`
(run by `make run`, and safe to run on every host at start) makes sure a next run is queued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from partnerdesk.core.models import PeriodicRun

log = logging.getLogger(__name__)
DAILY_JOBS: dict[str, Callable[[dt.date], str]] = {}
DAILY_AT = dt.time(0, 5, tzinfo=dt.UTC)


def daily(name: str) -> Callable[[Callable[[dt.date], str]], Callable[[dt.date], str]]:
    """Register `fn(today) -> outcome text` to run once a day. The apps import their job
    modules when Django starts (`AppConfig.ready`), so core imports none of them; the jobs
    do not depend on each other's order."""

    def register(fn: Callable[[dt.date], str]) -> Callable[[dt.date], str]:
        DAILY_JOBS[name] = fn
        return fn

    return register


def run_daily_jobs(today: dt.date) -> dict[str, str]:
    """Run each job not yet run for `today`; returns what each job reported (or 'skipped')."""
    outcomes = {}
    for name, fn in DAILY_JOBS.items():
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=name, run_on=today)
        except IntegrityError:
            outcomes[name] = "skipped: already run today"
            continue
        outcome = fn(today)
        PeriodicRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), outcome=outcome)
        outcomes[name] = outcome
    return outcomes


def next_run_at(now: dt.datetime) -> dt.datetime:
    tomorrow = (now.astimezone(dt.UTC) + dt.timedelta(days=1)).date()
    return dt.datetime.combine(tomorrow, DAILY_AT)


@task()
def daily_jobs() -> dict[str, str]:
    outcomes = run_daily_jobs(timezone.now().date())
    ensure_scheduled()
    return outcomes


def ensure_scheduled() -> bool:
    """Queue the next `daily_jobs` run unless one is already waiting; True when it queued one."""
    if DBTaskResult.objects.filter(status="READY", task_path=daily_jobs.module_path).exists():
        return False
    daily_jobs.using(run_after=next_run_at(timezone.now())).enqueue()
    return True
