"""Reads of child protection: a child's record of it, the team manager's lists (the
enquiries without an outcome, the ICPCs at risk of being late), and which children were in
police protection or under an emergency protection order in a period (for the returns). The
team lists are one query each, on the partial indexes over open rows (team, …); the page that
shows them decides which children the viewer may see named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from kinfold.people.models import Person
from kinfold.plans.models import Plan, PlanKind
from kinfold.timescales.worklists import Clock

from .codes import MAX_PROTECTION_DAYS
from .models import (
    ActionReview,
    CoreGroup,
    EmergencyProtection,
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
    protections: list[EmergencyProtection]

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
    protections = list(
        EmergencyProtection.objects.filter(person=person).select_related("discussion")
    )
    return ChildProtectionRecord(
        discussions, enquiries, conferences, plans, core_groups, reviews, protections
    )


def protected_in(person_ids: Iterable[int], start: dt.date, end: dt.date) -> set[int]:
    """The ids (of those given) of the children in police protection or under an emergency
    protection order on any day from `start` to `end` (both included): one that started by
    `end` and had not ended before `start`. One with no end date is taken to have lasted as
    long as the law allows (72 hours; an order 8 days and its extension of 7), so a record
    never given its end does not count for ever."""
    ids = set(person_ids)
    if not ids:
        return set()
    no_end = Q()
    for kind, days in MAX_PROTECTION_DAYS.items():
        no_end |= Q(kind=kind, started_on__gte=start - dt.timedelta(days=days))
    return set(
        EmergencyProtection.objects.filter(person_id__in=ids, started_on__lte=end)
        .filter(Q(ended_on__gte=start) | (Q(ended_on__isnull=True) & no_end))
        .values_list("person_id", flat=True)
        .distinct()
    )
