"""A statutory return built for a period, and what stopped a child from being expressed in it.

A build replays stored facts; it never asks for data entry. It runs in the background
(kinfold.returns.runner) and keeps its progress on its row, so the build page can show it. Its
file is stored under MEDIA_ROOT at a path of the date and a random name (no personal data), as
documents are, and is never served from there: the download view reads it and audits it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

# A running build whose progress has not moved for this long has stopped (its process ended).
STALLED_AFTER = dt.timedelta(minutes=10)


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Building"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


def build_path(instance: ReturnBuild, filename: str) -> str:
    """returns/2026/03/<random hex>: nothing from the return's content."""
    now = timezone.localtime()
    return f"returns/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


class ReturnBuild(models.Model):
    kind = models.CharField(max_length=30, help_text="A code from kinfold.returns.kinds")
    # As the kind normalised them (ISO dates, sorted lists): what the build was asked for.
    parameters = models.JSONField(default=dict)
    as_at = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    # None: asked for from the command line.
    requested_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=build_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=100, blank=True, help_text="Offered on download")
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Rows written, by part of the return: {"List 1": 120, ...}.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Finished with no problems: every child selected was expressed in full.
    ready_to_send = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-requested_at"]),
            models.Index(
                fields=["heartbeat_at"],
                condition=Q(status__in=["queued", "running"]),
                name="return_build_unfinished",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ready_to_send=False) | Q(status="finished"),
                name="return_build_ready_only_when_finished",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="return_build_done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} as at {self.as_at:%d/%m/%Y} ({self.get_status_display()})"

    @property
    def unfinished(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)

    @property
    def stalled(self) -> bool:
        """Unfinished and not moved for STALLED_AFTER: the process running it has stopped."""
        last = self.heartbeat_at or self.requested_at
        return self.unfinished and timezone.now() - last > STALLED_AFTER

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def has_file(self) -> bool:
        return self.status == BuildStatus.FINISHED and bool(self.file)


class ReturnProblem(models.Model):
    """A child (or a column of a child's row) the return could not express, and why."""

    build = models.ForeignKey(ReturnBuild, on_delete=models.CASCADE, related_name="problems")
    part = models.CharField(max_length=40, help_text="The list or table, e.g. 'List 1'")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The LA child ID, or the record's own reference when there is no child (C0000012).
    reference = models.CharField(max_length=40, blank=True)
    column = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["part", "id"]
        indexes = [models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"{self.part}: {self.reference} {self.reason}"


class CensusProblem(models.Model):
    """A CIN census rule a child's record breaks, as Kinfold's own checks found it
    (kinfold.returns.census_checks): replaced each time the child is checked."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The census year's end, e.g. 2025")
    # The DfE validator's rule code (8606, 8770Q); blank: the record cannot be written at all.
    rule = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=10, help_text="ERROR or QUERY, as the DfE types the rule")
    message = models.CharField(max_length=400)
    field = models.CharField(max_length=40, help_text="The census item to fix")
    found_at = models.DateField(help_text="The day the problem was first found")
    # The child's allocated worker when checked: the problem is on their work list.
    owner = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "year", "rule", "id"]
        indexes = [models.Index(fields=["person", "year"]), models.Index(fields=["owner"])]

    def __str__(self) -> str:
        return f"{self.rule or 'not written'} {self.field}: {self.message}"
