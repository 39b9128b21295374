"""An early help episode: the record the Early Help Hub keeps of a child's early help
involvement (seed 004: the Integrated Front Door's Early Help Hub) — who leads it (a Kinfold
worker or a named practitioner at a partner agency), the family members in the plan, the
plan's outcomes and actions, its reviews, and how it ended.

The next review's due date is stored on the episode (registered with the timescales, rule
`early_help.review`), so the lead worker's My work and the hub's list are indexed queries.
A plan is never changed in place: a revision is a new version, the earlier ones are kept.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .codes import EndReason, FamilyRole


class EarlyHelpEpisode(models.Model):
    involvement = models.OneToOneField(
        "journey.Involvement", on_delete=models.PROTECT, related_name="early_help_episode"
    )
    # The child (the involvement's person), kept here for the worklist and the indexes.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="early_help_episodes"
    )
    started_on = models.DateField()
    reason = models.TextField(help_text="Why the family needs early help")
    # The lead practitioner: a Kinfold worker, or a named person at a partner agency. Empty
    # until the hub sets the episode up (a step down opens the episode before a lead is found).
    lead_worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_organisation = models.ForeignKey(
        "front_door.PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="early_help_episodes",
    )
    lead_name = models.CharField(max_length=150, blank=True)
    lead_role = models.CharField(max_length=150, blank=True)
    lead_since = models.DateField(null=True, blank=True)
    # Reviews: the next is due a rule's interval after the start, then after each review.
    review_from = models.DateField(help_text="The start, then the date of the last review")
    review_due_on = models.DateField(null=True, blank=True)
    reviews_held = models.PositiveIntegerField(default=0)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_detail = models.TextField(blank=True)
    set_up_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(
                fields=["lead_worker", "review_due_on"],
                condition=Q(ended_on__isnull=True),
                name="eh_open_by_lead",
            ),
            models.Index(
                fields=["review_due_on"],
                condition=Q(ended_on__isnull=True),
                name="eh_open_by_review_due",
            ),
            models.Index(fields=["person", "started_on"]),
            models.Index(fields=["ended_on", "end_reason"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_worker__isnull=True) | Q(lead_organisation__isnull=True),
                name="eh_lead_is_worker_or_partner",
            ),
            models.CheckConstraint(
                condition=Q(lead_organisation__isnull=True) | ~Q(lead_name=""),
                name="eh_partner_lead_is_named",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="eh_end_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="eh_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Early help for {self.person_id} from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def has_lead(self) -> bool:
        return self.lead_worker_id is not None or self.lead_organisation_id is not None

    @property
    def lead_label(self) -> str:
        if self.lead_worker_id is not None:
            assert self.lead_worker is not None
            return str(self.lead_worker)
        if self.lead_organisation_id is not None:
            role = f", {self.lead_role}" if self.lead_role else ""
            return f"{self.lead_name}{role} ({self.lead_organisation})"
        return ""

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.review_due_on is not None and self.review_due_on < today


class FamilyMember(models.Model):
    """A family member involved in the plan, with their part in it."""

    episode = models.ForeignKey(
        EarlyHelpEpisode, on_delete=models.PROTECT, related_name="family_members"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=FamilyRole.choices)
    added_on = models.DateField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["episode", "person"], name="eh_member_once")]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.get_role_display()}) in episode {self.episode_id}"


class EarlyHelpPlan(models.Model):
    """One version of the family's plan: the outcomes wanted and the actions (what, who, by
    when). A revision is a new version with the reason; earlier versions are kept."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField()
    agreed_on = models.DateField()
    outcomes = models.JSONField(default=list, help_text="The outcomes wanted, in order")
    change_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="eh_plan_number_once")
        ]

    def __str__(self) -> str:
        return f"Plan {self.number} of episode {self.episode_id}"


class PlanAction(models.Model):
    plan = models.ForeignKey(EarlyHelpPlan, on_delete=models.PROTECT, related_name="actions")
    what = models.CharField(max_length=300)
    who = models.CharField(max_length=150)
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.what} ({self.who}, by {self.due_on:%d %b %Y})"


class EarlyHelpReview(models.Model):
    """A review of the plan: when it was held, the progress, and the next review's due date
    as it stood then."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    was_due_on = models.DateField(null=True, blank=True)
    progress = models.TextField()
    next_review_due_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["episode", "held_on"])]

    def __str__(self) -> str:
        return f"Review of episode {self.episode_id} on {self.held_on:%d %b %Y}"

    @property
    def late(self) -> bool:
        return self.was_due_on is not None and self.held_on > self.was_due_on
