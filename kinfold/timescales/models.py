"""Timescales as data: the rules that make things due, and the LA's closure days.

A rule is never edited. An LA's change to a timescale is a new row for the same code with a
later `effective_from`, who changed it and why; `rule_for(code, on=date)` picks the row in force.
The defaults come from the guidance (data migration 0002, with their sources).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

# The seeded defaults are in force for every date before an LA's first change of a rule.
DEFAULTS_FROM = dt.date(1970, 1, 1)


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"
    WORKING_HOURS = "working_hours", "working hours"
    # Clock hours: "a return home interview within 72 hours" counts nights and weekends.
    HOURS = "hours", "hours"


# Units whose due moment has a time of day; the others give a date.
TIMED_UNITS = frozenset({Unit.WORKING_HOURS, Unit.HOURS})
# Units counted on the working-day calendar: a new closure day can move what they make due.
WORKING_UNITS = frozenset({Unit.WORKING_DAYS, Unit.WORKING_HOURS})
MAX_AMOUNT = 1000


class RuleQuerySet(models.QuerySet["Rule"]):
    def in_force(self, on: dt.date | None = None) -> list[Rule]:
        """One row per code: the version in force on `on` (today by default)."""
        on = on or timezone.localdate()
        latest: dict[str, Rule] = {}
        for rule in self.filter(effective_from__lte=on).order_by(
            "code", "effective_from", "recorded_at", "pk"
        ):
            latest[rule.code] = rule
        return sorted(latest.values(), key=lambda r: r.code)


class Rule(models.Model):
    """A timescale: the trigger event, what it makes due, how long after, and the guidance."""

    code = models.CharField(max_length=60, help_text="e.g. assessment.single")
    trigger = models.CharField(
        max_length=80, help_text="The event type that starts the clock, e.g. referral.received"
    )
    item = models.CharField(max_length=200, help_text="What becomes due, in practitioners' words")
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    repeats = models.BooleanField(default=False)
    repeat_amount = models.PositiveIntegerField(null=True, blank=True)
    repeat_unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    source = models.CharField(max_length=200, help_text="The guidance or regulations")
    source_reference = models.CharField(
        max_length=100, blank=True, help_text="Chapter, regulation or paragraph"
    )
    note = models.CharField(max_length=500, blank=True)
    effective_from = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the defaults from the guidance",
    )
    change_reason = models.CharField(max_length=500, blank=True)
    # When open items were last recomputed for this version (a change dated in the future is
    # applied by `manage.py apply_timescale_changes` on the day it comes into force).
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-effective_from", "-recorded_at"]
        indexes = [models.Index(fields=["code", "effective_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=1), name="timescale_rule_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=Unit.values), name="timescale_rule_unit_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(repeats=False, repeat_amount__isnull=True, repeat_unit="")
                    | Q(repeats=True, repeat_amount__gte=1, repeat_unit__in=Unit.values)
                ),
                name="timescale_rule_repeat_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.describe()} (from {self.effective_from:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("A timescale rule is never edited: add a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("A timescale rule is never deleted: add a new version")

    @property
    def is_default(self) -> bool:
        return self.changed_by_id is None

    def describe(self) -> str:
        text = f"{self.amount} {Unit(self.unit).label}"
        if self.repeats and self.repeat_amount:
            text += f", then every {self.repeat_amount} {Unit(self.repeat_unit).label}"
        return text


def rule_for(code: str, on: dt.date | None = None) -> Rule:
    """The version of a rule in force on a date (today by default).

    Raises Rule.DoesNotExist for an unknown code or a date before the rule existed.
    """
    on = on or timezone.localdate()
    rule = (
        Rule.objects.filter(code=code, effective_from__lte=on)
        .order_by("-effective_from", "-recorded_at", "-pk")
        .first()
    )
    if rule is None:
        raise Rule.DoesNotExist(f"No timescale rule {code!r} in force on {on:%d/%m/%Y}")
    return rule


class ClosureDay(models.Model):
    """A day the LA's offices are closed (not a weekend or bank holiday), e.g. a snow day or
    an extra day at Christmas. Working days skip it."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    added_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.reason}"
