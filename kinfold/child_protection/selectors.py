"""Reads of child protection: a child's record of it, and the team manager's lists (the
enquiries without an outcome, the ICPCs at risk of being late). The team lists are one query
each, on the partial indexes over open rows (team, …); the page that shows them decides which
children the viewer may see named."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from kinfold.people.models import Person
from kinfold.plans.models import Plan, PlanKind
from kinfold.timescales.worklists import Clock

from .models import (
    ActionReview,
    CoreGroup,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)

# "At risk": not held and due within this many working days (or already overdue).
AT_RISK_WORKING_DAYS = 5


def s47s_without_outcome(unit_ids: Collection[int]) -> QuerySet[Section47Enquiry]:
    """The teams' section 47 enquiries still open (no outcome recorded), oldest first."""
    return (
        Section47Enquiry.objects.filter(team_id__in=unit_ids, completed_on__isnull=True)
        .select_related("person", "social_worker", "team")
        .order_by("started_on", "pk")
    )


def icpcs_at_risk(
    unit_ids: Collection[int], clock: Clock, within: int = AT_RISK_WORKING_DAYS
) -> QuerySet[Section47Enquiry]:
    """The teams' enquiries whose ICPC is not yet held and is due within `within` working
    days of today, or overdue; soonest due first."""
    by = clock.calendar.add_working_days(clock.today, within)
    return (
        Section47Enquiry.objects.filter(
            team_id__in=unit_ids,
            icpc_held_on__isnull=True,
            icpc_due_on__isnull=False,
            icpc_due_on__lte=by,
        )
        .select_related("person", "social_worker", "team")
        .order_by("icpc_due_on", "pk")
    )


@dataclass
class ChildProtectionRecord:
    discussions: list[StrategyDiscussion]
    enquiries: list[Section47Enquiry]
    conferences: list[InitialConference]
    plans: list[Plan]
    core_groups: dict[int, list[CoreGroup]]
    reviews: dict[int, list[ReviewConference]]

    @property
    def open_plan(self) -> Plan | None:
        return next((p for p in self.plans if p.is_open), None)


def record_of(person: Person) -> ChildProtectionRecord:
    """Everything of child protection on a child's record, latest first."""
    discussions = list(
        StrategyDiscussion.objects.filter(person=person)
        .select_related("recorded_by")
        .prefetch_related("participants", "enquiries")
    )
    enquiries = list(
        Section47Enquiry.objects.filter(person=person).select_related(
            "social_worker", "discussion", "conference"
        )
    )
    conferences = list(
        InitialConference.objects.filter(person=person)
        .select_related("chair", "plan")
        .prefetch_related("attendees")
    )
    plans = list(
        Plan.objects.filter(person=person, kind=PlanKind.CHILD_PROTECTION).select_related(
            "owner", "cp_schedule"
        )
    )
    plan_ids = [p.pk for p in plans]
    core_groups: dict[int, list[CoreGroup]] = {pk: [] for pk in plan_ids}
    for meeting in CoreGroup.objects.filter(plan_id__in=plan_ids).prefetch_related(
        Prefetch(
            "progress",
            queryset=ActionReview.objects.select_related("action"),
            to_attr="progress_rows",
        )
    ):
        core_groups[meeting.plan_id].append(meeting)
    reviews: dict[int, list[ReviewConference]] = {pk: [] for pk in plan_ids}
    for review in (
        ReviewConference.objects.filter(plan_id__in=plan_ids)
        .select_related("chair")
        .prefetch_related("attendees")
    ):
        reviews[review.plan_id].append(review)
    for plan in plans:  # for the page: each plan with its own meetings
        plan.core_group_list = core_groups[plan.pk]  # type: ignore[attr-defined]
        plan.review_list = reviews[plan.pk]  # type: ignore[attr-defined]
    return ChildProtectionRecord(discussions, enquiries, conferences, plans, core_groups, reviews)
