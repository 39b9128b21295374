"""The child's journey on their page: `{% journey_summary person %}` shows the team around
the child, changes of social worker, open involvements, the latest events and visit, for the
worker looking (the page itself is behind person_view, which checked and audited the view)."""

from __future__ import annotations

from django import template

from kinfold.access.permissions import can_record
from kinfold.journey import selectors
from kinfold.workforce.services import can_allocate

register = template.Library()


@register.inclusion_tag("journey/_summary.html", takes_context=True)
def journey_summary(context, person):
    worker = context["request"].user
    return {
        "person": person,
        "summary": selectors.journey_summary(worker=worker, person_id=person.pk),
        "can_record": can_record(worker),
        "can_allocate": can_allocate(worker),
    }
