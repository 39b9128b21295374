"""Annex A list 4: assessments — every single assessment open on any day of the twelve months
before the as-at date: started by the as-at date and not authorised before the twelve months
began, those started and not yet completed among them (kinfold.assessments: Assessment).

An assessment is finished, for Annex A, when a manager authorises it: "Continuous Assessment
Date of Authorisation" is its last column of dates. A row is read as it stood on the as-at
date: a completion, authorisation or child seen after that date had not happened then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from kinfold.assessments.codes import Outcome
from kinfold.assessments.models import Assessment
from kinfold.people.models import Person

from ..periods import Period, months_to
from .casework import DISABILITY, Worked, disabilities, disability_cell
from .common import CHILD_HEADERS, NO, YES, Sheet, child_cells, kept

NUMBER = 4
SHEET = "List 4"
TITLE = "Assessments"
MONTHS = 12
SUPPORT = "Was the child assessed as requiring LA children's social care support?"
HEADERS = (
    *CHILD_HEADERS,
    DISABILITY,
    "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment",
    "Continuous Assessment Date of Authorisation",
    SUPPORT,
    "Allocated Team",
    "Allocated Worker",
)
# The outcomes that mean the child needs the local authority's children's social care.
NEEDS_SUPPORT = {
    Outcome.CIN_PLAN: True,
    Outcome.STRATEGY: True,
    Outcome.CHILD_IN_CARE: True,
    Outcome.EXISTING_PLAN: True,
    Outcome.NFA: False,
    Outcome.EARLY_HELP: False,
}


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


@dataclass
class Item:
    assessment: Assessment
    person: Person
    disability: set[str]


def select(window: Period) -> list[Item]:
    assessments = list(
        Assessment.objects.filter(started_on__lte=window.end)
        .filter(Q(authorised_on__isnull=True) | Q(authorised_on__gte=window.start))
        .select_related("person", "person__merged_into", "team", "social_worker")
        .order_by("started_on", "id")
    )
    people = {a.pk: kept(a.person) for a in assessments}
    codes = disabilities(p.pk for p in people.values() if p is not None)
    items = []
    for assessment in assessments:
        person = people[assessment.pk]
        assert person is not None
        items.append(Item(assessment, person, codes.get(person.pk, set())))
    return items


def _by(day: dt.date | None, as_at: dt.date) -> dt.date | None:
    return day if day is not None and day <= as_at else None


def row(sheet: Sheet, item: Item) -> list[Any]:
    as_at = sheet.period.as_at
    assessment = item.assessment
    child = child_cells(sheet, item.person, assessment.started_on)
    seen = YES if _by(assessment.child_seen_on, as_at) else NO
    authorised = _by(assessment.authorised_on, as_at)
    support = None
    if authorised is not None:
        needed = NEEDS_SUPPORT.get(assessment.outcome)  # type: ignore[call-overload]
        if needed is None:
            sheet.problem(
                f"The authorised assessment's outcome {assessment.outcome!r} does not say "
                "whether the child needs children's social care",
                person=item.person,
                column=SUPPORT,
            )
        else:
            support = YES if needed else NO
    allocated = Worked(assessment.team.name, str(assessment.social_worker))
    return [
        *child,
        disability_cell(item.disability),
        assessment.started_on,
        seen,
        authorised,
        support,
        *allocated.cells(sheet, item.person),
    ]
