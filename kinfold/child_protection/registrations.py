"""What child protection adds to the spine and the timescales: its event types, the step up
from child in need to child protection (an ICPC's plan) and the step down (a review
conference ending the plan), and its due dates — the ICPC, core groups, review conferences
and visits to a child on a plan — on the worklists."""

from __future__ import annotations

from django.db.models import Model, Q
from django.urls import reverse

from kinfold.journey.events import EventType, register_category, register_event_type
from kinfold.journey.stages import Transition, register_transition
from kinfold.plans.models import Plan, PlanKind
from kinfold.timescales.registry import register

from .models import CPPlanSchedule, Section47Enquiry

CATEGORY = "child_protection"
register_category(CATEGORY, "Child protection")

for _t in [
    EventType("strategy_discussion.held", "Strategy discussion", CATEGORY, significant=True),
    EventType("s47.started", "Section 47 enquiry started", CATEGORY, significant=True),
    EventType("s47.completed", "Section 47 enquiry outcome", CATEGORY, significant=True),
    EventType("icpc.held", "Initial child protection conference", CATEGORY, significant=True),
    EventType("core_group.held", "Core group meeting", CATEGORY),
    EventType("review_conference.held", "Review child protection conference", CATEGORY, True),
    EventType(
        "emergency_protection.started",
        "Police protection or emergency protection order",
        CATEGORY,
        significant=True,
    ),
]:
    register_event_type(_t)

STEP_UP = "child_in_need.child_protection"
STEP_DOWN = "child_protection.child_in_need"
register_transition(
    Transition(STEP_UP, "Child protection plan agreed", "child_in_need", "child_protection")
)
register_transition(
    Transition(STEP_DOWN, "Child protection plan ended", "child_protection", "child_in_need")
)


def _overview_of(person_id: int) -> str:
    return reverse("child_protection:overview", args=[person_id])


def _item_overview(item: Model) -> str:
    """The child's child protection page (every item here has the child's `person_id`)."""
    return _overview_of(item.person_id)  # type: ignore[attr-defined]


register(
    Section47Enquiry,
    rule_code="s47.icpc",
    trigger_field="discussion_on",
    due_field="icpc_due_on",
    # Open until the ICPC is held, unless the enquiry's outcome says none is needed.
    open_q=Q(icpc_held_on__isnull=True) & ~Q(icpc_needed=False),
    owner_field="social_worker",
    person_field="person",
    title="Hold the initial child protection conference",
    url=_item_overview,
)
register(
    CPPlanSchedule,
    rule_code="cp.core_group",
    trigger_field="core_group_from",
    due_field="core_group_due_on",
    open_q=Q(plan__ended_on__isnull=True),
    repeat_q=Q(core_groups_held__gt=0),
    owner_field="plan__owner",
    person_field="person",
    title="Hold and record the core group meeting",
    url=_item_overview,
)
register(
    CPPlanSchedule,
    rule_code="cp.review_conference",
    trigger_field="review_from",
    due_field="review_due_on",
    open_q=Q(plan__ended_on__isnull=True),
    repeat_q=Q(reviews_held__gt=0),
    owner_field="plan__owner",
    person_field="person",
    title="Review child protection conference",
    url=_item_overview,
)
# Visits to a child on a plan: from the plan's start, then from the last visit the child was
# seen (Plan.visit_from, kept by .visits with last_visit_on).
register(
    Plan,
    rule_code="cp.visit",
    trigger_field="visit_from",
    due_field="next_visit_due_on",
    open_q=Q(kind=PlanKind.CHILD_PROTECTION, ended_on__isnull=True),
    repeat_q=Q(last_visit_on__isnull=False),
    owner_field="owner",
    person_field="person",
    title="Visit the child on a child protection plan (seen, and seen alone)",
    url=_item_overview,
)
