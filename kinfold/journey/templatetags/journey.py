"""The child's journey on their page: `{% journey_summary person %}` shows where the child is
on the journey (the stage now and the steps of the CIN episode), what is due, the latest plan
and when the child was last seen (and seen alone), the team around the child, the latest
events and the links to the rest of the record, for the worker looking (the page itself is
behind person_view, which checked and audited the view)."""

from __future__ import annotations

from django import template

from kinfold.access.permissions import can_record
from kinfold.journey import selectors
from kinfold.workforce.services import can_allocate

register = template.Library()


@register.inclusion_tag("journey/_summary.html", takes_context=True)
def journey_summary(context, person):
    # The stage apps' records are read by kinfold.quality (which knows them): the spine does
    # not import the stage apps at module level.
    from kinfold.quality.selectors import child_stage

    request = context["request"]
    worker = request.user
    # The page's guard (person_view) decided for this child: not asked twice.
    decision = getattr(request, "access_decision", None)
    checked = (
        decision is not None
        and decision.allowed
        and getattr(request, "access_person_id", None) == person.pk
    )
    summary = selectors.journey_summary(worker=worker, person_id=person.pk, checked=checked)
    return {
        "person": person,
        "summary": summary,
        "stage": (child_stage(person_id=person.pk, allocations=summary.team) if summary else None),
        "can_record": can_record(worker),
        "can_allocate": can_allocate(worker),
    }
