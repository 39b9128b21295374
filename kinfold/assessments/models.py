"""The single assessment (Working Together 2023, chapter 3): started for a referral in the
child's CIN episode, completed within 45 working days of the referral (rule
`assessment.single`, the due date stored on the row), and authorised by a manager.

Each part — factors, the child seen, views, analysis, outcome — keeps the moment it was first
recorded, so an assessment written up in one sitting, or started and finished on the same day
(seed 000), shows as such and can be counted.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .codes import Factor, Outcome


class Assessment(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    referral = models.ForeignKey(
        "front_door.Referral", on_delete=models.PROTECT, related_name="assessments"
    )
    # The involvement open when it started (the CIN episode's, or a later one in its chain).
    involvement = models.ForeignKey(
        "journey.Involvement", on_delete=models.PROTECT, related_name="assessments"
    )
    team = models.ForeignKey(
        "workforce.OrgUnit", on_delete=models.PROTECT, related_name="assessments"
    )
    social_worker = models.ForeignKey(
        "workforce.Worker", on_delete=models.PROTECT, related_name="assessments"
    )
    # The clock: the referral date, or the start of a reassessment for the same referral.
    clock_from = models.DateField(help_text="Day 0 of the 45 working days")
    started_on = models.DateField()
    due_on = models.DateField()

    # The child seen, and seen alone: dates, from a linked visit or entered.
    child_seen_on = models.DateField(null=True, blank=True)
    seen_alone_on = models.DateField(null=True, blank=True)
    seen_note = models.ForeignKey(
        "journey.CaseNote", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_seen_reason = models.TextField(blank=True, max_length=5000)
    # Views: the child's, and their parents' or carers', or why they are not recorded.
    child_views = models.TextField(blank=True, max_length=20000)
    child_views_reason = models.TextField(blank=True, max_length=5000)
    parents_views = models.TextField(blank=True, max_length=20000)
    parents_views_reason = models.TextField(blank=True, max_length=5000)
    analysis = models.TextField(blank=True, max_length=50000)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True, max_length=10000)

    # When each part was first recorded.
    factors_recorded_at = models.DateTimeField(null=True, blank=True)
    seen_recorded_at = models.DateTimeField(null=True, blank=True)
    views_recorded_at = models.DateTimeField(null=True, blank=True)
    analysis_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_recorded_at = models.DateTimeField(null=True, blank=True)
    authorised_on = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorisation_comment = models.TextField(blank=True, max_length=5000)
    authorised_recorded_at = models.DateTimeField(null=True, blank=True)

    started_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["person", "started_on"]),
            models.Index(
                fields=["social_worker", "due_on"],
                condition=Q(completed_on__isnull=True),
                name="assessment_open_by_worker",
            ),
            models.Index(
                fields=["team", "clock_from"],
                condition=Q(completed_on__isnull=True),
                name="assessment_open_by_team",
            ),
            models.Index(fields=["completed_on"]),
        ]
        constraints = [
            # Several assessments in an episode, one after another: never two open at once.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(completed_on__isnull=True),
                name="one_open_assessment_per_child",
            ),
            models.CheckConstraint(
                condition=Q(started_on__gte=F("clock_from")), name="assessment_starts_after_clock"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="assessment_completed_after_start",
            ),
            models.CheckConstraint(
                condition=Q(authorised_on__isnull=True)
                | (Q(completed_on__isnull=False) & Q(authorised_on__gte=F("completed_on"))),
                name="assessment_authorised_after_completion",
            ),
            models.CheckConstraint(
                condition=Q(authorised_by__isnull=True) | ~Q(authorised_by=F("social_worker")),
                name="assessment_not_authorised_by_author",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | ~Q(outcome=""),
                name="assessment_completed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.person} started {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None

    @property
    def same_day(self) -> bool:
        """Started and completed on the same day (seed 000's finding)."""
        return self.completed_on is not None and self.completed_on == self.started_on

    @property
    def late(self) -> bool:
        """Completed after its due date, or still open past it."""
        return (self.completed_on or timezone.localdate()) > self.due_on


class AssessmentFactor(models.Model):
    """One factor identified at assessment (a CIN census code)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="factors")
    code = models.CharField(max_length=3, choices=Factor.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="assessment_factor_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} on assessment {self.assessment_id}"
