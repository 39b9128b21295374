"""What lists 4 to 7 share: whether the child has a disability, the allocated worker and team,
the visits at which the child was seen, and counting a child's earlier records.

Each reader takes the records' people as the record kept after any merge (common.kept), so a
merged child's facts are listed and counted under one Child Unique ID.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.people.codes import Disability
from kinfold.people.models import Person, PersonDisability
from kinfold.workforce.models import Allocation, AllocationRole, OrgUnit

from .common import NO, YES, Sheet, kept

DISABILITY = "Does the Child have a Disability"
UNKNOWN = "c) Unknown"
UNALLOCATED = "Unallocated"
# Who counts as the child's allocated worker (not a team manager, an IRO or a family worker).
WORKER_ROLES = (AllocationRole.SOCIAL_WORKER, AllocationRole.CONSULTANT)


def owners(people: Iterable[Person | None]) -> dict[int, Person]:
    """Each record's id (merged or not) → the record kept."""
    found: dict[int, Person] = {}
    for person in people:
        owner = kept(person)
        if person is not None and owner is not None:
            found[person.pk] = owner
            found[owner.pk] = owner
    return found


def disabilities(person_ids: Iterable[int]) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = defaultdict(set)
    for person_id, code in PersonDisability.objects.filter(
        person_id__in=set(person_ids)
    ).values_list("person_id", "code"):
        codes[person_id].add(code)
    return codes


def disability_cell(codes: set[str]) -> str:
    """a) Yes for any census disability code; b) No when recorded as none (NONE only);
    c) Unknown when nothing is recorded."""
    if codes - {Disability.NONE}:
        return YES
    return NO if codes else UNKNOWN


def allocations(person_ids: Iterable[int], as_at: dt.date) -> dict[int, list[Allocation]]:
    """The allocated workers (social worker or consultant) of each child begun by the as-at
    date, the latest begun first."""
    found: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in (
        Allocation.objects.filter(person_id__in=set(person_ids), role__in=WORKER_ROLES)
        .filter(start_date__lte=as_at)
        .select_related("worker", "team")
        .order_by("-start_date", "-id")
    ):
        found[allocation.person_id].append(allocation)
    return found


def allocated(candidates: list[Allocation], start: dt.date, until: dt.date) -> Allocation | None:
    """The allocation of the child's worker from `start` to `until` (both included): one
    still running on `until` first, else the one that began latest. An allocation ended on
    `until` or later was still running then (the as-at date replays the past)."""
    running = [
        a
        for a in candidates
        if a.start_date <= until and (a.end_date is None or a.end_date >= start)
    ]
    if not running:
        return None
    return max(
        running,
        key=lambda a: (a.end_date is None or a.end_date >= until, a.start_date, a.pk),
    )


@dataclass(frozen=True)
class Worked:
    """The Allocated Team and Allocated Worker cells."""

    team: str | None
    worker: str

    @classmethod
    def of(cls, allocation: Allocation | None, fallback: OrgUnit | None) -> Worked:
        if allocation is not None:
            return cls(allocation.team.name, str(allocation.worker))
        return cls(fallback.name if fallback is not None else None, UNALLOCATED)

    def cells(self, sheet: Sheet, person: Person) -> list[str | None]:
        if self.team is None:
            sheet.problem(
                "Nobody was allocated and the record names no team, so there is no team to give",
                person=person,
                column="Allocated Team",
            )
        return [self.team, self.worker]


@dataclass(frozen=True)
class Seen:
    """A case note at which the child was seen."""

    on: dt.date
    alone: bool | None
    visit: bool
    note_id: int


def day_after(day: dt.date) -> dt.datetime:
    """The first moment after a day ends (local time): for `occurred_at < day_after(d)`."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def seen(person_ids: Iterable[int], as_at: dt.date, mapping: dict[int, Person]) -> dict[int, list]:
    """Each child's case notes recording the child seen, up to the as-at date, by the kept
    record's id."""
    found: dict[int, list[Seen]] = defaultdict(list)
    for note_id, person_id, occurred_at, alone, kind in CaseNote.objects.filter(
        person_id__in=set(person_ids), child_seen=True, occurred_at__lt=day_after(as_at)
    ).values_list("id", "person_id", "occurred_at", "seen_alone", "type"):
        owner = mapping.get(person_id)
        key = owner.pk if owner is not None else person_id
        found[key].append(
            Seen(timezone.localdate(occurred_at), alone, kind in VISIT_TYPES, note_id)
        )
    return found


def last_seen(
    notes: list[Seen], start: dt.date, until: dt.date, *, visits_only: bool = False
) -> Seen | None:
    within = [n for n in notes if start <= n.on <= until and (n.visit or not visits_only)]
    return max(within, key=lambda n: (n.on, n.note_id)) if within else None


def earlier(history: list[tuple[dt.date, int]], this: tuple[dt.date, int], since: dt.date) -> int:
    """How many of a child's records (date, id) came before this one, from `since` on; one on
    the same day counts when it was recorded first."""
    return sum(1 for key in history if since <= key[0] and key < this)
