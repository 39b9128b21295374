"""Annex A list 5: section 47 enquiries and initial child protection conferences — one row for
each section 47 enquiry open on any day of the twelve months before the as-at date (those
still open without an outcome among them), or whose initial conference was held in them
(kinfold.child_protection: Section47Enquiry, InitialConference).

The counts are of the child's other records in the twelve months before this enquiry began
(from the same day a year before): earlier enquiries (one begun the same day counts when it
was recorded first), and initial conferences held up to the day it began. Like every list,
the row is read as it stood on the as-at date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from kinfold.child_protection.codes import IcpcDecision
from kinfold.child_protection.models import InitialConference, Section47Enquiry
from kinfold.people.models import Person

from ..periods import Period, months_back, months_to
from .casework import (
    DISABILITY,
    Worked,
    allocated,
    allocations,
    disabilities,
    disability_cell,
    earlier,
    owners,
)
from .common import CHILD_HEADERS, NO, YES, Sheet, child_cells

NUMBER = 5
SHEET = "List 5"
TITLE = "Section 47 enquiries and initial child protection conferences"
MONTHS = 12
UNNECESSARY = "Was an Initial Child Protection Conference deemed unnecessary?"
HEADERS = (
    *CHILD_HEADERS,
    DISABILITY,
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    UNNECESSARY,
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
)


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


@dataclass
class Item:
    enquiry: Section47Enquiry
    person: Person
    disability: set[str]
    conference: InitialConference | None
    enquiries_before: int
    conferences_before: int
    worked: Worked


def select(window: Period) -> list[Item]:
    as_at = window.as_at
    enquiries = list(
        Section47Enquiry.objects.filter(started_on__lte=window.end)
        .filter(
            Q(completed_on__isnull=True)
            | Q(completed_on__gte=window.start)
            | Q(icpc_held_on__gte=window.start, icpc_held_on__lte=window.end)
        )
        .select_related(
            "person",
            "person__merged_into",
            "team",
            "social_worker",
            "discussion__involvement__team",
        )
        .order_by("discussion_on", "started_on", "id")
    )
    if not enquiries:
        return []
    mapping = owners(e.person for e in enquiries)
    since = months_back(window.start, 12)

    # The children's other enquiries and conferences, merged records under the record kept.
    history_people = Person.objects.filter(
        Q(pk__in=set(mapping)) | Q(merged_into__in=set(mapping))
    ).select_related("merged_into")
    mapping.update(owners(history_people))
    ids = set(mapping)
    begun: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for person_id, started_on, pk in Section47Enquiry.objects.filter(
        person_id__in=ids, started_on__gte=since, started_on__lte=as_at
    ).values_list("person_id", "started_on", "pk"):
        begun[mapping[person_id].pk].append((started_on, pk))
    held: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for person_id, held_on, enquiry_id in InitialConference.objects.filter(
        person_id__in=ids, held_on__gte=since, held_on__lte=as_at
    ).values_list("person_id", "held_on", "enquiry_id"):
        held[mapping[person_id].pk].append((held_on, enquiry_id))
    conferences = {
        c.enquiry_id: c
        for c in InitialConference.objects.filter(
            enquiry_id__in=[e.pk for e in enquiries], held_on__lte=as_at
        )
    }

    kept_ids = {p.pk for p in mapping.values()}
    codes = disabilities(kept_ids)
    workers = allocations(kept_ids, as_at)
    items = []
    for enquiry in enquiries:
        person = mapping[enquiry.person_id]
        year_before = months_back(enquiry.started_on, 12)
        conferences_before = sum(
            1
            for day, enquiry_id in held[person.pk]
            if year_before <= day <= enquiry.started_on and enquiry_id != enquiry.pk
        )
        items.append(
            Item(
                enquiry=enquiry,
                person=person,
                disability=codes.get(person.pk, set()),
                conference=conferences.get(enquiry.pk),
                enquiries_before=earlier(
                    begun[person.pk], (enquiry.started_on, enquiry.pk), year_before
                ),
                conferences_before=conferences_before,
                worked=_worked(enquiry, workers[person.pk], as_at),
            )
        )
    return items


def _worked(enquiry: Section47Enquiry, candidates: list, as_at: dt.date) -> Worked:
    """The enquiry's own social worker and team; else the child's allocated worker while it
    was open; else the team of the episode the strategy discussion was held in."""
    team = enquiry.team or enquiry.discussion.involvement.team
    if enquiry.social_worker is not None:
        fallback = team.name if team is not None else None
        return Worked(fallback, str(enquiry.social_worker))
    ended = enquiry.completed_on if enquiry.completed_on and enquiry.completed_on <= as_at else None
    return Worked.of(allocated(candidates, enquiry.started_on, ended or as_at), team)


def row(sheet: Sheet, item: Item) -> list[Any]:
    as_at = sheet.period.as_at
    enquiry = item.enquiry
    child = child_cells(sheet, item.person, enquiry.discussion_on)
    unnecessary = None
    if enquiry.completed_on is not None and enquiry.completed_on <= as_at:
        if enquiry.icpc_needed is None:
            sheet.problem(
                "The completed section 47 enquiry does not say whether an initial child "
                "protection conference is needed",
                person=item.person,
                column=UNNECESSARY,
            )
        else:
            unnecessary = NO if enquiry.icpc_needed else YES
    conference = item.conference
    held_on = result = None
    if conference is not None:
        held_on = conference.held_on
        result = YES if conference.decision == IcpcDecision.PLAN else NO
    return [
        *child,
        disability_cell(item.disability),
        enquiry.discussion_on,
        unnecessary,
        held_on,
        result,
        item.enquiries_before,
        item.conferences_before,
        *item.worked.cells(sheet, item.person),
    ]
