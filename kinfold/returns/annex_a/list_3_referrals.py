"""Annex A list 3: referrals — every referral accepted in the twelve months before the as-at
date, a child appearing once for each referral (kinfold.front_door: Referral).

"Number of Referrals in Last 12 Months" counts the child's earlier referrals in the twelve
months before this one (from the same day a year before, up to the day before; an earlier
referral on the same day counts), not this referral itself. "Referral NFA?" is "a) Yes" when, by
the as-at date, the child in need episode the referral opened or joined has closed with no
assessment and no strategy discussion after the referral.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kinfold.assessments.models import Assessment
from kinfold.child_protection.models import StrategyDiscussion
from kinfold.front_door.models import Referral
from kinfold.people.models import Person
from kinfold.workforce.models import Allocation, AllocationRole

from ..periods import Period, months_back, months_to
from .common import CHILD_HEADERS, NO, YES, Sheet, child_cells, kept, source_cell

NUMBER = 3
SHEET = "List 3"
TITLE = "Referrals"
MONTHS = 12
HEADERS = (
    *CHILD_HEADERS,
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
)
UNALLOCATED = "Unallocated"
# Who counts as the referral's allocated worker (not a team manager or an IRO).
WORKER_ROLES = (AllocationRole.SOCIAL_WORKER, AllocationRole.CONSULTANT)


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


@dataclass
class Item:
    referral: Referral
    person: Person
    earlier: int
    nfa: bool
    allocation: Allocation | None


def _referrals(start: dt.date, end: dt.date):
    return Referral.objects.filter(referral_date__gte=start, referral_date__lte=end).select_related(
        "person", "person__merged_into"
    )


def select(window: Period) -> list[Item]:
    referrals = list(
        _referrals(window.start, window.end)
        .select_related("team", "involvement")
        .order_by("referral_date", "id")
    )
    if not referrals:
        return []
    people = {r.pk: kept(r.person) for r in referrals}

    # Earlier referrals of the same child (merged records counted as the record kept).
    history: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for earlier in _referrals(months_back(window.start, 12), window.end):
        owner = kept(earlier.person)
        if owner is not None:
            history[owner.pk].append((earlier.referral_date, earlier.pk))

    # What followed each referral by the as-at date: assessments and strategy discussions.
    involvement_ids = {r.involvement_id for r in referrals}
    referral_ids = [r.pk for r in referrals]
    assessed = list(
        Assessment.objects.filter(started_on__lte=window.as_at)
        .filter(Q(involvement_id__in=involvement_ids) | Q(referral_id__in=referral_ids))
        .values_list("referral_id", "involvement_id", "started_on")
    )
    discussed = list(
        StrategyDiscussion.objects.filter(involvement_id__in=involvement_ids).values_list(
            "involvement_id", "held_at"
        )
    )

    person_ids = {p.pk for p in people.values() if p is not None}
    allocations: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in (
        Allocation.objects.filter(person_id__in=person_ids, role__in=WORKER_ROLES)
        .filter(start_date__lte=window.as_at)
        .select_related("worker", "team")
        .order_by("-start_date", "-id")
    ):
        allocations[allocation.person_id].append(allocation)

    items = []
    for referral in referrals:
        person = people[referral.pk]
        assert person is not None
        since = months_back(referral.referral_date, 12)
        this = (referral.referral_date, referral.pk)
        earlier = sum(1 for key in history[person.pk] if since <= key[0] and key < this)
        followed = any(
            ref_id == referral.pk
            or (inv_id == referral.involvement_id and started >= referral.referral_date)
            for ref_id, inv_id, started in assessed
        ) or any(
            inv_id == referral.involvement_id
            and referral.referral_date <= timezone.localdate(held) <= window.as_at
            for inv_id, held in discussed
        )
        ended = referral.involvement.ended_on
        nfa = ended is not None and ended <= window.as_at and not followed
        items.append(
            Item(
                referral=referral,
                person=person,
                earlier=earlier,
                nfa=nfa,
                allocation=_allocation(referral, allocations[person.pk], window.as_at),
            )
        )
    return items


def _allocation(
    referral: Referral, candidates: list[Allocation], as_at: dt.date
) -> Allocation | None:
    """The worker allocated for this referral: an allocation running at some time while its
    episode was open (from the referral to the episode's end or the as-at date), in the
    referral's team if there is one, the latest first."""
    ended = referral.involvement.ended_on
    until = min(ended, as_at) if ended is not None else as_at
    running = [
        a
        for a in candidates
        if a.start_date <= until and (a.end_date is None or a.end_date >= referral.referral_date)
    ]
    in_team = [a for a in running if a.team_id == referral.team_id]
    return (in_team or running or [None])[0]


def row(sheet: Sheet, item: Item) -> list[Any]:
    referral = item.referral
    child = child_cells(sheet, item.person, referral.referral_date)
    source = source_cell(
        sheet, referral.source, item.person, item.person.la_child_id, "Referral Source"
    )
    if item.allocation is not None:
        team = item.allocation.team.name
        worker = str(item.allocation.worker)
    else:
        team, worker = referral.team.name, UNALLOCATED
    return [
        *child,
        referral.referral_date,
        source,
        YES if item.nfa else NO,
        item.earlier,
        team,
        worker,
    ]
