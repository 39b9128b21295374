"""Supervision, management oversight and the actions they set.

The inspections found managers' oversight invisible on children's records and actions from
supervision and meetings never followed up. Here a supervision record belongs to the worker
supervised; each child discussed in it is a `CaseDiscussion` with the decision, written to the
child's journey as management oversight; and every action agreed (what, who, by when) is an
`Action` tracked to done, so an overdue one is a query away from a worklist.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Supervision(models.Model):
    supervisee = models.ForeignKey(
        "workforce.Worker", on_delete=models.PROTECT, related_name="supervisions"
    )
    supervisor = models.ForeignKey(
        "workforce.Worker", on_delete=models.PROTECT, related_name="supervisions_given"
    )
    held_on = models.DateField()
    # About the worker: wellbeing, workload, learning. Not shown on children's records.
    notes = models.TextField(blank=True, max_length=20000)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["supervisee", "held_on"])]

    def __str__(self) -> str:
        return f"Supervision of {self.supervisee} on {self.held_on:%d %b %Y}"


class CaseDiscussion(models.Model):
    """One child discussed in supervision (or a manager's oversight outside it)."""

    supervision = models.ForeignKey(
        Supervision, null=True, blank=True, on_delete=models.PROTECT, related_name="discussions"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="case_discussions"
    )
    held_on = models.DateField()
    discussion = models.TextField(max_length=20000)
    decision = models.TextField(max_length=20000)
    manager = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["person", "held_on"])]

    def __str__(self) -> str:
        return f"Oversight of {self.person_id} on {self.held_on:%d %b %Y}"


class Action(models.Model):
    """Something agreed that someone must do by a date: from a case discussion, a meeting, a
    core group. Tracked to done; overdue when open past its due date."""

    description = models.CharField("What", max_length=500)
    owner = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="actions")
    due_date = models.DateField("By when")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    set_on = models.DateField()
    set_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # "My work": open actions of one owner, soonest first.
            models.Index(
                fields=["owner", "due_date"],
                condition=Q(completed_at__isnull=True),
                name="open_actions_by_owner",
            ),
            models.Index(fields=["person", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("set_on")), name="action_due_after_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.owner}, by {self.due_date:%d %b %Y})"

    def is_overdue(self, today=None) -> bool:
        return self.completed_at is None and self.due_date < (today or timezone.localdate())
