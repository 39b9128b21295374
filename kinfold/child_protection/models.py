"""Child protection: the strategy discussion, the section 47 enquiry it starts, the initial
child protection conference, and — once a child has a plan (kinfold.plans) — its core groups
and review conferences.

Seed 000 found strategy discussion notes not on file, s47 outcomes not recorded and core groups
not recorded. So each is a row of its own with the facts the guidance asks for (who took part,
for which agency; what was found; what was decided and why), and each due date is stored on
the row it belongs to (the ICPC's on the enquiry, the core group's and review's on the plan's
`CPPlanSchedule`), indexed, so what is late is one query.

Police protection and emergency protection orders (`EmergencyProtection`) are rows of their
own too: Annex A list 7 asks whether a child on a plan had either in the last six months, and
the children in care returns (SSDA903 legal statuses L1 and L2) will read the same rows.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from kinfold.plans.models import CPCategory

from .codes import (
    ActionProgress,
    Agency,
    Attendance,
    DiscussionType,
    IcpcDecision,
    ProtectionKind,
    ReviewDecision,
    S47Outcome,
)


class StrategyDiscussion(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    # The child in need episode's involvement (child in need, or child protection already).
    involvement = models.ForeignKey(
        "journey.Involvement", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_at = models.DateTimeField()
    type = models.CharField(max_length=12, choices=DiscussionType.choices)
    information = models.TextField("Information shared")
    s47_decided = models.BooleanField("A section 47 enquiry is to start")
    other_actions = models.TextField("Other actions agreed", blank=True)
    reasons = models.TextField("Reasons for the decision")
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["person", "held_at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {timezone.localtime(self.held_at):%d %b %Y}"

    @property
    def held_on(self):
        return timezone.localdate(self.held_at)


class StrategyParticipant(models.Model):
    """Who took part, for which agency: a partner agency's practitioner or a Kinfold worker."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="participants"
    )
    agency = models.CharField(max_length=20, choices=Agency.choices)
    organisation = models.ForeignKey(
        "front_door.PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class Section47Enquiry(models.Model):
    """A section 47 enquiry (Children Act 1989), started by a strategy discussion. It stays
    open — and shows on the team manager's list — until its outcome is recorded."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="section47_enquiries"
    )
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiries"
    )
    # The strategy discussion's date: the trigger of the ICPC's due date (rule s47.icpc).
    discussion_on = models.DateField()
    team = models.ForeignKey(
        "workforce.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    social_worker = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    outcome = models.CharField(max_length=30, choices=S47Outcome.choices, blank=True)
    icpc_needed = models.BooleanField("An initial child protection conference is needed", null=True)
    findings = models.TextField("What the enquiry found", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    # Stored from rule s47.icpc while an ICPC may be needed; cleared when the outcome says not.
    icpc_due_on = models.DateField(null=True, blank=True)
    icpc_held_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        indexes = [
            models.Index(
                fields=["team", "started_on"],
                condition=Q(completed_on__isnull=True),
                name="s47_open_by_team",
            ),
            models.Index(
                fields=["team", "icpc_due_on"],
                condition=Q(icpc_held_on__isnull=True, icpc_due_on__isnull=False),
                name="s47_icpc_due_by_team",
            ),
            models.Index(
                fields=["social_worker", "icpc_due_on"],
                condition=Q(icpc_held_on__isnull=True),
                name="s47_icpc_due_by_worker",
            ),
            models.Index(fields=["person", "started_on"]),
        ]
        constraints = [
            # Closed only with its outcome (seed 000: "s47 outcomes not recorded").
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | ~Q(outcome=""),
                name="s47_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(started_on__gte=models.F("discussion_on")),
                name="s47_starts_after_discussion",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="s47_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None


class InitialConference(models.Model):
    """The initial child protection conference (ICPC), chaired by an IRO."""

    enquiry = models.OneToOneField(
        Section47Enquiry, on_delete=models.PROTECT, related_name="conference"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=IcpcDecision.choices)
    category = models.CharField(max_length=3, choices=CPCategory.choices, blank=True)
    reasons = models.TextField("Reasons for the decision")
    chair = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    plan = models.OneToOneField(
        "plans.Plan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initial_conference",
    )
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "initial child protection conference"
        indexes = [models.Index(fields=["person", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="no_plan") | ~Q(category=""),
                name="icpc_plan_has_category",
            )
        ]

    def __str__(self) -> str:
        return f"Initial child protection conference {self.held_on:%d %b %Y}"

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.held_on > self.due_on


class CPPlanSchedule(models.Model):
    """A child protection plan's conference dates: the next core group and the next review
    conference, each stored from its rule (cp.core_group, cp.review_conference) and moved on
    by each meeting held."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.PROTECT, related_name="cp_schedule")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    conference = models.OneToOneField(
        InitialConference, on_delete=models.PROTECT, related_name="schedule"
    )
    # The ICPC or the last core group held; how many have been held since.
    core_group_from = models.DateField()
    core_groups_held = models.PositiveIntegerField(default=0)
    core_group_due_on = models.DateField()
    review_from = models.DateField()
    reviews_held = models.PositiveIntegerField(default=0)
    review_due_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["core_group_due_on"], name="cp_core_group_due"),
            models.Index(fields=["review_due_on"], name="cp_review_due"),
        ]

    def __str__(self) -> str:
        return f"Schedule of {self.plan}"


class ConferenceAttendee(models.Model):
    """Who was invited to a conference (initial or review), and whether they came."""

    initial = models.ForeignKey(
        InitialConference,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendees",
    )
    review = models.ForeignKey(
        "ReviewConference",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendees",
    )
    name = models.CharField(max_length=150)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    role = models.CharField(max_length=150, blank=True)
    attendance = models.CharField(max_length=12, choices=Attendance.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(initial__isnull=True, review__isnull=False)
                | Q(initial__isnull=False, review__isnull=True),
                name="attendee_of_one_conference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_attendance_display().lower()})"


class CoreGroup(models.Model):
    """A core group meeting: who came, what was said, and progress on each action."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="core_groups")
    held_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(help_text="One person on each line, with their agency")
    minutes = models.TextField()
    next_due_on = models.DateField()
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["plan", "held_on"])]

    def __str__(self) -> str:
        return f"Core group {self.held_on:%d %b %Y}"

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.held_on > self.due_on


class ActionReview(models.Model):
    """Progress on one action of the plan at a core group."""

    core_group = models.ForeignKey(CoreGroup, on_delete=models.PROTECT, related_name="progress")
    action = models.ForeignKey("plans.PlanAction", on_delete=models.PROTECT, related_name="+")
    progress = models.TextField()
    status = models.CharField(max_length=15, choices=ActionProgress.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["core_group", "action"], name="one_review_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_status_display()}"


class ReviewConference(models.Model):
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, related_name="review_conferences"
    )
    held_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    end_reason = models.CharField(max_length=300, blank=True)
    category_before = models.CharField(max_length=3, choices=CPCategory.choices)
    category_after = models.CharField(max_length=3, choices=CPCategory.choices, blank=True)
    summary = models.TextField("Summary of the conference")
    chair = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    next_due_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["plan", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="continue") | ~Q(end_reason=""),
                name="review_ending_plan_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Review child protection conference {self.held_on:%d %b %Y}"

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.held_on > self.due_on


class EmergencyProtection(models.Model):
    """Police protection (Children Act 1989 s46, up to 72 hours) or an emergency protection
    order (s44, made by a court for up to 8 days, extendable once by up to 7). No end date:
    it was still in force, or its end is not known, when it was recorded."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="emergency_protections"
    )
    # The child in need or child protection involvement open at the time, if there was one.
    involvement = models.ForeignKey(
        "journey.Involvement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_protections",
    )
    # The strategy discussion it followed or led to, if any.
    discussion = models.ForeignKey(
        StrategyDiscussion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_protections",
    )
    kind = models.CharField(max_length=10, choices=ProtectionKind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    court = models.CharField("Court that made the order", max_length=150, blank=True)
    circumstances = models.TextField("What happened and why")
    recorded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "police protection or emergency protection order"
        verbose_name_plural = "police protection and emergency protection orders"
        indexes = [models.Index(fields=["person", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="protection_ends_after_start",
            ),
            # An emergency protection order is made by a court (police protection is not).
            models.CheckConstraint(
                condition=~Q(kind=ProtectionKind.EPO) | ~Q(court=""),
                name="protection_order_names_court",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d %b %Y}"
