"""Adding to a child's chronology what the events do not already say.

Most of a chronology writes itself from the journey's events. A worker adds the significant
events that reach the service in other ways (a police notification, a school's report, a
hospital attendance), each with its source, as the chronology guidance asks: "what happened,
when, and how we know".
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from kinfold.access.permissions import require_write_access
from kinfold.people.models import Person
from kinfold.workforce.models import Worker

from .events import check_not_future, record_event
from .models import Event

SUMMARY_MAX = 500
SOURCE_MAX = 200


@transaction.atomic
def add_chronology_entry(
    *, actor: Worker, person: Person, occurred_on: dt.date, summary: str, source: str
) -> Event:
    """A significant event on the child's chronology: the date it happened, what happened,
    and where the information came from."""
    require_write_access(actor, person)
    summary, source = summary.strip(), source.strip()
    errors: dict[str, str] = {}
    try:
        check_not_future(occurred_on, "occurred_on")
    except ValidationError:
        errors["occurred_on"] = "The date must be today or in the past"
    if person.date_of_birth and occurred_on < person.date_of_birth - dt.timedelta(days=280):
        errors["occurred_on"] = "The date is long before the child was born"
    if not summary:
        errors["summary"] = "Enter what happened"
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = f"What happened must be {SUMMARY_MAX} characters or fewer"
    if not source:
        errors["source"] = "Enter where the information came from"
    elif len(source) > SOURCE_MAX:
        errors["source"] = f"The source must be {SOURCE_MAX} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return record_event(
        person_id=person.pk,
        type="chronology.entry",
        occurred=occurred_on,
        summary=summary,
        recorded_by=actor,
        detail={"source": source},
        significant=True,
    )
