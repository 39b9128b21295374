"""Children in need: the reviews of a child's child in need plan, and the closure of the CIN
episode with its census reason.

The plan itself is a `plans.Plan` of kind "cin" (its visits and reviews are due by the rules
`cin.visit` and `cin.review`, stored on the plan). A review records who was there, the child's
and the family's views (seed 000: "the views of parents and children" too variable), the
progress, and what was decided. The episode closes once, for the referral that started it:
the census closure date and reason (RC1 to RC9), after everything still open was finished.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .codes import ReasonForClosure, ReviewDecision


class CINPlanReview(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="cin_reviews")
    held_on = models.DateField()
    was_due_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(help_text="Who was there, with their role or agency")
    child_views = models.TextField("The child's views")
    family_views = models.TextField("The parents' and family's views")
    progress = models.TextField(help_text="Progress against the plan's outcomes and actions")
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    next_review_due_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["plan", "held_on"])]

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} on {self.held_on:%d %b %Y}"

    @property
    def late(self) -> bool:
        return self.was_due_on is not None and self.held_on > self.was_due_on


class CINClosure(models.Model):
    """The close of a CIN episode: the referral that started it, the census closure date and
    reason, and the involvement that ended with it."""

    referral = models.OneToOneField(
        "front_door.Referral", on_delete=models.PROTECT, related_name="cin_closure"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    involvement = models.ForeignKey(
        "journey.Involvement", on_delete=models.PROTECT, related_name="cin_closures"
    )
    closed_on = models.DateField()
    reason = models.CharField(max_length=3, choices=ReasonForClosure.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-closed_on", "-id"]
        indexes = [
            models.Index(fields=["closed_on", "reason"]),
            models.Index(fields=["person", "closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=ReasonForClosure.values),
                name="cin_closure_reason_known",
            )
        ]

    def __str__(self) -> str:
        return f"CIN episode of {self.person_id} closed {self.closed_on:%d %b %Y} ({self.reason})"
