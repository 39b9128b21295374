"""What a search shows of each person found, as far as the worker may see it.

The same decision as access.visibility.check_person, taken for a page of results at once:
- FULL: name, date of birth, age, current postcode, allocated social worker and team;
- RESTRICTED (a restricted record the worker is not named on): only that a restricted record
  exists, its LA child ID, and who to ask;
- OUT_OF_REACH (held by a team outside the worker's reach): name, age and the team holding it;
  the person page then offers the no-access page with break glass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kinfold.access.guards import record_managers
from kinfold.access.models import BreakGlass, RestrictedAccess
from kinfold.access.visibility import Access, visible_persons
from kinfold.workforce.models import AllocationRole, Worker
from kinfold.workforce.selectors import current_allocations

from .models import Address, Person


@dataclass(frozen=True)
class SearchResult:
    person_id: int
    la_child_id: str
    access: Access
    score: float = 1.0
    exact: bool = True
    name: str = ""
    date_of_birth: dt.date | None = None
    age: str = ""
    postcode: str = ""
    social_worker: str = ""
    team: str = ""
    held_by: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse("people:detail", args=[self.person_id])

    @property
    def is_restricted(self) -> bool:
        return self.access is Access.RESTRICTED

    @property
    def is_out_of_reach(self) -> bool:
        return self.access is Access.OUT_OF_REACH


def access_for(worker: Worker, persons: list[Person]) -> dict[int, Access]:
    """check_person for many persons in four queries."""
    ids = [p.pk for p in persons]
    now = timezone.now()
    visible = set(
        visible_persons(worker, Person.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
    glass = set(
        BreakGlass.objects.filter(worker=worker, person_id__in=ids, expires_at__gt=now).values_list(
            "person_id", flat=True
        )
    )
    restricted_ids = [p.pk for p in persons if p.restricted]
    named = set(
        RestrictedAccess.objects.filter(
            worker=worker, person_id__in=restricted_ids, revoked_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    decided: dict[int, Access] = {}
    for p in persons:
        if p.restricted:
            allowed = p.restriction_manager_id == worker.pk or p.pk in named or p.pk in glass
            decided[p.pk] = Access.FULL if allowed else Access.RESTRICTED
        else:
            decided[p.pk] = Access.FULL if p.pk in visible or p.pk in glass else Access.OUT_OF_REACH
    return decided


def _current_postcodes(ids: list[int], today: dt.date) -> dict[int, str]:
    postcodes: dict[int, str] = {}
    for pid, postcode in (
        Address.objects.filter(person_id__in=ids, from_date__lte=today)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
        .order_by("person_id", "-from_date", "-pk")
        .values_list("person_id", "postcode")
    ):
        postcodes.setdefault(pid, postcode)
    return postcodes


def build_results(
    *, worker: Worker, found: list[tuple[int, float, bool]], today: dt.date
) -> list[SearchResult]:
    """Results in the order found ([(person id, score, exact)]), each shown as far as allowed."""
    ids = [pid for pid, _s, _e in found]
    persons = {
        p.pk: p
        for p in Person.objects.filter(pk__in=ids, merged_into__isnull=True).select_related(
            "restriction_manager"
        )
    }
    access = access_for(worker, list(persons.values()))
    allocations = list(
        current_allocations()
        .filter(person_id__in=ids)
        .select_related("worker", "team")
        .order_by("-start_date", "-pk")
    )
    social_worker: dict[int, tuple[str, str]] = {}
    held_by: dict[int, list[str]] = {}
    for a in allocations:
        if a.role == AllocationRole.SOCIAL_WORKER:
            social_worker.setdefault(a.person_id, (str(a.worker), a.team.name))
        teams = held_by.setdefault(a.person_id, [])
        if a.team.name not in teams:
            teams.append(a.team.name)
    postcodes = _current_postcodes([pid for pid in ids if access.get(pid) is Access.FULL], today)
    results = []
    for pid, score, exact in found:
        person = persons.get(pid)
        if person is None:
            continue
        seen = access[pid]
        base: dict[str, Any] = {
            "person_id": pid,
            "la_child_id": person.la_child_id,
            "access": seen,
            "score": score,
            "exact": exact,
        }
        if seen is Access.RESTRICTED:
            asked = tuple(str(m) for m in record_managers(person))
            results.append(SearchResult(**base, ask=asked))
        elif seen is Access.OUT_OF_REACH:
            results.append(
                SearchResult(
                    **base,
                    name=person.full_name,
                    age=person.age_display(today),
                    held_by=tuple(held_by.get(pid, ())),
                )
            )
        else:
            worker_name, team = social_worker.get(pid, ("", ""))
            results.append(
                SearchResult(
                    **base,
                    name=person.full_name,
                    date_of_birth=person.date_of_birth,
                    age=person.age_display(today),
                    postcode=postcodes.get(pid, ""),
                    social_worker=worker_name,
                    team=team,
                )
            )
    return results
