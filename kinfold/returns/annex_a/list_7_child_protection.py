"""Annex A list 7: child protection — one row for each child protection plan open on the as-at
date or ended in the twelve months before it (kinfold.plans: Plan of kind "cp"; its review
conferences from kinfold.child_protection). A child whose plan ended and who has a new one
appears once for each plan.

Read as at the as-at date: the latest category is the one the plan had then (the last
category change on or before it), and a visit, review or end after it had not happened.
"Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months" is
`a) Yes` when the child (or a record merged into theirs) has police protection or an
emergency protection order (kinfold.child_protection.EmergencyProtection) that started on or
before the as-at date and had not ended before the first day of the six months ending on it;
otherwise `b) No`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from kinfold.child_protection.models import ReviewConference
from kinfold.child_protection.selectors import protected_in
from kinfold.journey.models import Event
from kinfold.people.models import Person
from kinfold.plans.models import Plan, PlanKind

from ..periods import Period, months_to
from .casework import (
    DISABILITY,
    UNKNOWN,
    Seen,
    Worked,
    allocated,
    allocations,
    day_after,
    disabilities,
    disability_cell,
    earlier,
    last_seen,
    owners,
    seen,
)
from .common import CHILD_HEADERS, NO, YES, Sheet, child_cells

NUMBER = 7
SHEET = "List 7"
TITLE = "Child protection"
MONTHS = 12
# "in Last Six Months": the six months ending on the as-at date.
PROTECTION_MONTHS = 6
PROTECTION = (
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months "
    "(Y/N)"
)
HEADERS = (
    *CHILD_HEADERS,
    DISABILITY,
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    PROTECTION,
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
)
CATEGORY = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
CATEGORY_CHANGED = "plan.category_changed"


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


@dataclass
class Item:
    plan: Plan
    person: Person
    disability: set[str]
    category: str
    visit: Seen | None
    review_on: dt.date | None
    previous: int
    worked: Worked
    protected: bool


def select(window: Period) -> list[Item]:
    as_at = window.as_at
    plans = list(
        Plan.objects.filter(kind=PlanKind.CHILD_PROTECTION, started_on__lte=window.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window.start))
        .select_related("person", "person__merged_into", "involvement__team")
        .order_by("started_on", "id")
    )
    if not plans:
        return []
    mapping = owners(p.person for p in plans)
    mapping.update(
        owners(
            Person.objects.filter(
                Q(pk__in=set(mapping)) | Q(merged_into__in=set(mapping))
            ).select_related("merged_into")
        )
    )
    ids = set(mapping)
    kept_ids = {p.pk for p in mapping.values()}

    # Every child protection plan of these children, for the number of previous plans.
    begun: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for person_id, started_on, pk in Plan.objects.filter(
        kind=PlanKind.CHILD_PROTECTION, person_id__in=ids, started_on__lte=as_at
    ).values_list("person_id", "started_on", "pk"):
        begun[mapping[person_id].pk].append((started_on, pk))

    plan_ids = {p.pk for p in plans}
    reviews: dict[int, dt.date] = {}
    for plan_id, held_on in ReviewConference.objects.filter(
        plan_id__in=plan_ids, held_on__lte=as_at
    ).values_list("plan_id", "held_on"):
        reviews[plan_id] = max(held_on, reviews.get(plan_id, held_on))

    # The category each plan had on the as-at date: the last change on or before it.
    changes: dict[int, tuple[dt.datetime, int, str]] = {}
    for pk, occurred_at, detail in Event.objects.filter(
        type=CATEGORY_CHANGED, person_id__in=ids, occurred_at__lt=day_after(as_at)
    ).values_list("pk", "occurred_at", "detail"):
        changed = (detail or {}).get("plan")
        if changed in plan_ids:
            change = (occurred_at, pk, str(detail.get("to", "")))
            if changed not in changes or change[:2] > changes[changed][:2]:
                changes[changed] = change
    changed_plans = set(
        Event.objects.filter(type=CATEGORY_CHANGED, person_id__in=ids).values_list(
            "detail__plan", flat=True
        )
    )

    # Police protection or an emergency protection order in the six months to the as-at date,
    # on the child's record or one merged into it.
    six_months = months_to(as_at, PROTECTION_MONTHS)
    protected = {
        mapping[person_id].pk for person_id in protected_in(ids, six_months.start, six_months.end)
    }

    codes = disabilities(kept_ids)
    workers = allocations(kept_ids, as_at)
    notes = seen(ids, as_at, mapping)
    items = []
    for plan in plans:
        person = mapping[plan.person_id]
        ended = plan.ended_on if plan.ended_on and plan.ended_on <= as_at else None
        until = ended or as_at
        if plan.pk in changes:
            category = changes[plan.pk][2]
        elif plan.pk in changed_plans:
            category = plan.initial_category  # changed only after the as-at date
        else:
            category = plan.category or plan.initial_category
        items.append(
            Item(
                plan=plan,
                person=person,
                disability=codes.get(person.pk, set()),
                category=category,
                visit=last_seen(notes[person.pk], plan.started_on, until, visits_only=True),
                review_on=reviews.get(plan.pk),
                previous=earlier(begun[person.pk], (plan.started_on, plan.pk), dt.date.min),
                worked=Worked.of(
                    allocated(workers[person.pk], plan.started_on, until), plan.involvement.team
                ),
                protected=person.pk in protected,
            )
        )
    return items


def _category(sheet: Sheet, code: str, person: Person, column: str) -> str | None:
    value = CATEGORY.get(code)
    if value is None:
        sheet.problem(
            f"Category {code!r} is not a CIN census category of abuse",
            person=person,
            column=column,
        )
    return value


def row(sheet: Sheet, item: Item) -> list[Any]:
    as_at = sheet.period.as_at
    plan = item.plan
    person = item.person
    child = child_cells(sheet, person, plan.started_on)
    alone = None
    if item.visit is not None:
        alone = {True: YES, False: NO}.get(item.visit.alone, UNKNOWN)  # type: ignore[arg-type]
    ended = plan.ended_on if plan.ended_on and plan.ended_on <= as_at else None
    return [
        *child,
        disability_cell(item.disability),
        plan.started_on,
        _category(
            sheet, plan.initial_category or plan.category, person, "Initial Category of Abuse"
        ),
        _category(sheet, item.category, person, "Latest Category of Abuse"),
        item.visit.on if item.visit else None,
        alone,
        item.review_on,
        ended,
        YES if item.protected else NO,
        item.previous,
        *item.worked.cells(sheet, person),
    ]
