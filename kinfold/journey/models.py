"""The spine: a child's involvements with the service and the append-only log of events.

An involvement is a period at one stage (DESIGN.md, "The journey"); stage apps hang their own
records on it. An event is a dated fact with who recorded it and when; it is never changed or
deleted (the database refuses): a wrong entry gets an `EventRetraction` with the reason and
stays visible, marked "entered in error".
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .stages import stage_label


class Involvement(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="involvements"
    )
    stage = models.CharField(max_length=30, help_text="A code from journey.stages.STAGES")
    team = models.ForeignKey(
        "workforce.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
        help_text="The team responsible",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    stepped_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="stepped_to"
    )
    opened_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["person", "ended_on"]),
            models.Index(fields=["stage", "ended_on"]),
            models.Index(fields=["team", "ended_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_start",
            ),
            # A child is at a stage once at a time: a second referral joins the open episode.
            models.UniqueConstraint(
                fields=["person", "stage"],
                condition=Q(ended_on__isnull=True),
                name="one_open_involvement_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage_label} from {self.started_on:%d %b %Y}"

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Event(models.Model):
    """One thing that happened in a child's journey. Insert only."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="events")
    involvement = models.ForeignKey(
        Involvement, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(max_length=50, help_text="A code from journey.events.EVENT_TYPES")
    occurred_at = models.DateTimeField(help_text="When it happened")
    # Many facts are known to the day only (a referral date): the time is then not shown.
    date_only = models.BooleanField(default=False)
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    significant = models.BooleanField(
        default=False, help_text="Shown in the chronology's significant events"
    )
    # The record the event is about (a case note, an assessment…), when there is one.
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    recorded_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_at"]),
            models.Index(fields=["type", "occurred_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.occurred_at:%Y-%m-%d} {self.summary[:40]}"

    @property
    def occurred_on(self):
        return timezone.localtime(self.occurred_at).date()

    @property
    def entered_in_error(self) -> bool:
        return hasattr(self, "retraction")


class EventRetraction(models.Model):
    """An event marked as entered in error: who said so, when and why. Insert only."""

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="retraction")
    reason = models.CharField(max_length=300)
    retracted_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    retracted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Event {self.event_id} entered in error"


# Case notes live in their own module; imported here so Django registers them with the app.
from .documents import Document  # noqa: E402, F401
from .notes import CaseNote, CaseNoteVersion  # noqa: E402, F401
from .oversight import Action, CaseDiscussion, Supervision  # noqa: E402, F401
