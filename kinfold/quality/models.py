"""The plan-quality checks as data: which checks run, on which kind of plan, with the LA's
parameter (the most actions a plan may have, the days after which an action is overdue), and
why each exists (seed 000: plans "excessively lengthy", "too many actions", "unclear regarding
outcomes", contingencies "too general", "actions … did not have set timescales").

The rows are seeded by a data migration; an administrator changes a rule's parameter, severity
and whether it runs (audited). The code that evaluates a rule is registered under its code in
`kinfold.quality.checks`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class AppliesTo(models.TextChoices):
    CHILD_PROTECTION = "cp", "Child protection plans"
    CHILD_IN_NEED = "cin", "Child in need plans"
    BOTH = "both", "Child protection and child in need plans"


class Severity(models.TextChoices):
    HIGH = "high", "Must be put right"
    MEDIUM = "medium", "Should be put right"


class CheckRule(models.Model):
    code = models.CharField(max_length=60, unique=True, help_text="e.g. action.no_owner")
    applies_to = models.CharField(max_length=4, choices=AppliesTo.choices)
    title = models.CharField(max_length=200)
    reason = models.TextField(help_text="Why the check exists, with the finding it answers")
    parameter = models.PositiveIntegerField(null=True, blank=True)
    parameter_label = models.CharField(
        max_length=150, blank=True, help_text="What the parameter means; empty: no parameter"
    )
    active = models.BooleanField(default=True)
    severity = models.CharField(max_length=6, choices=Severity.choices, default=Severity.HIGH)
    version = models.PositiveIntegerField(default=1)
    changed_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_to__in=["cp", "cin", "both"]), name="check_rule_applies_to"
            ),
            models.CheckConstraint(
                condition=Q(parameter_label="") | Q(parameter__isnull=False),
                name="check_rule_parameter_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def applies(self, kind: str) -> bool:
        return self.applies_to in (AppliesTo.BOTH, kind)

    def touch(self, worker) -> None:
        self.version += 1
        self.changed_by = worker
        self.changed_at = timezone.now()
