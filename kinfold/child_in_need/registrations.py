"""What children in need add to the spine and the timescales: event types, the transitions
that close the CIN episode (from child in need or child protection), the due dates of a child
in need plan's visits and reviews (stored on the plan, on its owner's My work), and the
receivers that keep them up to date (a new plan, a visit recorded)."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from kinfold.journey.events import EventType, register_category, register_event_type
from kinfold.journey.notes import CaseNote
from kinfold.journey.stages import Transition, TransitionContext, register_transition
from kinfold.plans.models import Plan
from kinfold.timescales.registry import register

from .codes import ReasonForClosure

register_category("child_in_need", "Children in need")

register_event_type(
    EventType("cin.review_held", "Child in need review held", "child_in_need", significant=True)
)


def _closure_reason_given(context: TransitionContext) -> list[str]:
    if context.facts.get("closure_reason") not in ReasonForClosure.values:
        return ["Choose the reason the child in need episode closes (RC1 to RC9)"]
    return []


for _stage, _label in (
    ("child_in_need", "Child in need episode closed"),
    ("child_protection", "Child in need episode closed from child protection"),
):
    register_transition(
        Transition(f"{_stage}.close", _label, _stage, None, preconditions=(_closure_reason_given,))
    )

CIN_OPEN = Q(ended_on__isnull=True, kind="cin")

register(
    Plan,
    rule_code="cin.visit",
    trigger_field="visit_from",
    due_field="next_visit_due_on",
    open_q=CIN_OPEN,
    repeat_q=Q(last_visit_on__isnull=False),
    owner_field="owner",
    person_field="person",
    title="Child in need visit",
    url="plans:plan",
)
register(
    Plan,
    rule_code="cin.review",
    trigger_field="review_from",
    due_field="next_review_due_on",
    open_q=CIN_OPEN,
    repeat_q=Q(last_review_on__isnull=False),
    owner_field="owner",
    person_field="person",
    title="Review the child in need plan",
    url="plans:plan",
)


@receiver(post_save, sender=Plan, dispatch_uid="child_in_need.schedule_new_plan")
def _new_plan(sender, instance: Plan, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.kind == "cin":
        from .services import schedule_new_plan

        schedule_new_plan(instance)


@receiver(post_save, sender=CaseNote, dispatch_uid="child_in_need.visit_recorded")
def _visit_recorded(sender, instance: CaseNote, raw: bool = False, **kwargs) -> None:
    if not raw and instance.is_visit:
        from .services import refresh_visits

        refresh_visits(instance.person_id)
