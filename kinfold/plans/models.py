"""A child's plan — child protection or child in need — with the structure the inspections
asked for (seed 000: plans "excessively long", "too many actions", "no measurable outcomes",
"vague contingency plans"): outcomes for the child with how we will know, actions each with
what / who / by when / how we will know it is done, and a contingency saying what will happen,
by when, if things do not change.

Nothing is deleted: an action no longer needed is withdrawn with the reason; each change to
the plan keeps the plan as it was (PlanRevision). The quality checks (kinfold.quality) read
these rows.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PlanKind(models.TextChoices):
    CHILD_PROTECTION = "cp", "Child protection plan"
    CHILD_IN_NEED = "cin", "Child in need plan"


class CPCategory(models.TextChoices):
    """The CIN census category of abuse of a child protection plan."""

    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    SEXUAL = "SAB", "Sexual abuse"
    MULTIPLE = "MUL", "Multiple"


class Plan(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="plans")
    involvement = models.ForeignKey(
        "journey.Involvement", on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(max_length=3, choices=PlanKind.choices)
    # Child protection plans only: the category at the start, and as it is now.
    initial_category = models.CharField(max_length=3, choices=CPCategory.choices, blank=True)
    category = models.CharField(max_length=3, choices=CPCategory.choices, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    # The social worker who holds the plan (visits and reviews appear on their worklist).
    owner = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Stored due dates (timescales registry): the next visit, the next review.
    next_visit_due_on = models.DateField(null=True, blank=True)
    last_visit_on = models.DateField(null=True, blank=True)
    next_review_due_on = models.DateField(null=True, blank=True)
    last_review_on = models.DateField(null=True, blank=True)
    # What the next visit and review are counted from (the timescales registry's triggers):
    # the plan's start, then the last visit (child seen) or review.
    visit_from = models.DateField(null=True, blank=True)
    review_from = models.DateField(null=True, blank=True)
    # The quality checks' findings as last computed (kinfold.quality), for the team's view.
    flag_count = models.PositiveSmallIntegerField(default=0)
    flags = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["person", "kind", "ended_on"]),
            models.Index(fields=["kind", "ended_on"]),
            models.Index(
                fields=["owner", "next_visit_due_on"],
                condition=Q(ended_on__isnull=True),
                name="plan_open_visit_by_owner",
            ),
            models.Index(
                fields=["owner", "next_review_due_on"],
                condition=Q(ended_on__isnull=True),
                name="plan_open_review_by_owner",
            ),
            # The team manager's view: open plans with findings, visits overdue.
            models.Index(
                fields=["involvement", "flag_count"],
                condition=Q(ended_on__isnull=True),
                name="plan_open_flags",
            ),
            models.Index(
                fields=["involvement", "next_visit_due_on"],
                condition=Q(ended_on__isnull=True),
                name="plan_open_visit_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="cin") | ~Q(category=""),
                name="cp_plan_has_category",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(ended_on__isnull=True),
                name="one_open_plan_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class PlanOutcome(models.Model):
    """What should be different for the child, and how we will know."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="outcomes")
    text = models.TextField()
    indicator = models.TextField(blank=True, help_text="How we will know it has been achieved")
    target_date = models.DateField(null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanAction(models.Model):
    """What will be done, by whom, by when, and how we will know it is done."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    what = models.TextField()
    # Who: a worker, a family member or another person, or an agency (one of them).
    owner_worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey(
        "front_door.PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_text = models.CharField(
        max_length=150, blank=True, help_text="The person's role, when they are not on Kinfold"
    )
    due_on = models.DateField(null=True, blank=True)
    measure = models.TextField(blank=True, help_text="How we will know it is done")
    done_on = models.DateField(null=True, blank=True)
    done_note = models.TextField(blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def has_owner(self) -> bool:
        return bool(
            self.owner_worker_id or self.owner_person_id or self.owner_agency_id or self.owner_text
        )

    @property
    def is_live(self) -> bool:
        return not self.withdrawn_reason and self.done_on is None


class Contingency(models.Model):
    """What will happen, and when, if things do not change."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="contingencies")
    trigger = models.TextField(blank=True, help_text="What would have to happen (or not)")
    trigger_by = models.DateField(null=True, blank=True, help_text="By when")
    action = models.TextField(blank=True, help_text="What we will do then")
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "contingencies"

    def __str__(self) -> str:
        return self.action[:60]


class PlanRevision(models.Model):
    """The plan as it was before a change: its outcomes, actions and contingency as JSON."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan} version {self.version}"
