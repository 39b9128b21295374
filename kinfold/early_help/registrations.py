"""What early help adds to the spine and the timescales: its event types, the transitions in
and out of early help (a step up to children's social care, a close, a step down from a child
in need episode), and the review due dates (on the lead worker's My work)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from kinfold.journey.events import EventType, register_category, register_event_type
from kinfold.journey.stages import Transition, TransitionContext, register_transition
from kinfold.timescales.registry import register

from .codes import CinClosureReason
from .models import EarlyHelpEpisode

register_category("early_help", "Early help")

for _t in [
    EventType("early_help.set_up", "Early help episode set up", "early_help", significant=True),
    EventType("early_help.lead_changed", "Early help lead practitioner changed", "early_help"),
    EventType("early_help.plan_recorded", "Early help plan recorded", "early_help", True),
    EventType("early_help.plan_revised", "Early help plan revised", "early_help"),
    EventType("early_help.review_held", "Early help review held", "early_help", True),
    EventType("early_help.ended", "Early help episode ended", "early_help", significant=True),
]:
    register_event_type(_t)


def _closure_code_given(context: TransitionContext) -> list[str]:
    code = context.facts.get("closure_reason")
    if code not in CinClosureReason.values:
        return ["Choose the reason the child in need episode closes (RC9 or RC7)"]
    return []


register_transition(
    Transition(
        "early_help.step_up",
        "Stepped up to children's social care",
        "early_help",
        "child_in_need",
    )
)
register_transition(Transition("early_help.close", "Early help ended", "early_help", None))
register_transition(
    Transition(
        "child_in_need.step_down",
        "Stepped down to early help",
        "child_in_need",
        "early_help",
        preconditions=(_closure_code_given,),
    )
)


def _episode_url(episode: EarlyHelpEpisode) -> str:
    return reverse("early_help:episode", args=[episode.involvement_id])


register(
    EarlyHelpEpisode,
    rule_code="early_help.review",
    trigger_field="review_from",
    due_field="review_due_on",
    open_q=Q(ended_on__isnull=True),
    repeat_q=Q(reviews_held__gt=0),
    owner_field="lead_worker",
    person_field="person",
    title="Review the early help plan",
    url=_episode_url,
)
