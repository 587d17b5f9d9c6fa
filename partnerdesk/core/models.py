"""Infrastructure rows (no domain data): the record of periodic jobs that have run."""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """One run of a periodic job for one day; the unique key makes each day's run happen once,
    however many workers or schedulers race for it."""

    job = models.CharField(max_length=60)
    run_on = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("job", "run_on", name="periodic_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.job} on {self.run_on}"


class StoredImage(models.Model):
    """A logo stored in the database, already decoded, checked and re-encoded (G-1).

    Kept in the database rather than on a local disk so that web processes on many machines
    serve the same image without shared storage.
    """

    image = models.BinaryField()
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True
