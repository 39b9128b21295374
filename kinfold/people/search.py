"""Finding a person: by any name they have or had (tolerant of misspellings, accents, swapped
and hyphenated names), date of birth, NHS number, UPN and postcode.

Each name token of every person is stored as a PersonNameKey with its phonetic code (this
module keeps them in step); search_ranking finds and orders the persons, search_results shows
each as far as the worker may see it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.workforce.models import Worker

from . import names
from .models import Person, PersonName, PersonNameKey
from .search_ranking import Criteria, rank
from .search_results import SearchResult, build_results

__all__ = [
    "SearchResult",
    "SearchResults",
    "build_search_keys",
    "refresh_search_keys",
    "search_persons",
]

SEARCH_TEXT_MAX = 400


# ---- keys ----------------------------------------------------------------------------------


def _keys_for(person: Person, other_names: Iterable[PersonName]) -> list[PersonNameKey]:
    seen: dict[tuple[str, bool], PersonNameKey] = {}

    def add(text: str, *, is_family: bool, is_current: bool) -> None:
        for token in names.tokens(text):
            key = (token, is_family)
            if key in seen:
                seen[key].is_current = seen[key].is_current or is_current
                continue
            seen[key] = PersonNameKey(
                person=person,
                token=token,
                phonetic=names.phonetic(token),
                is_family=is_family,
                is_current=is_current,
            )

    add(person.given_name, is_family=False, is_current=True)
    add(person.preferred_name, is_family=False, is_current=True)
    add(person.family_name, is_family=True, is_current=True)
    for other in other_names:
        add(other.given_name, is_family=False, is_current=False)
        add(other.family_name, is_family=True, is_current=False)
    return list(seen.values())


def _search_text(keys: list[PersonNameKey]) -> str:
    return " ".join(dict.fromkeys(k.token for k in keys))[:SEARCH_TEXT_MAX]


def build_search_keys(
    persons: Iterable[Person], other_names: Iterable[PersonName] = ()
) -> list[PersonNameKey]:
    """Unsaved keys for many persons at once (for bulk loading), from their names and the
    given other names (matched to their person by person_id).

    Each person object also gets its `search_text` set in memory; the caller saves both:

        keys = build_search_keys(persons, other_names)
        PersonNameKey.objects.bulk_create(keys, batch_size=5000)
        Person.objects.bulk_update(persons, ["search_text"], batch_size=5000)

    Persons must already have primary keys. Merged persons get no keys.
    """
    by_person: dict[int, list[PersonName]] = defaultdict(list)
    for other in other_names:
        by_person[other.person_id].append(other)
    built: list[PersonNameKey] = []
    for person in persons:
        if person.pk is None:
            raise ValueError("build_search_keys needs saved persons (with primary keys)")
        if person.merged_into_id:
            person.search_text = ""
            continue
        keys = _keys_for(person, by_person.get(person.pk, []))
        person.search_text = _search_text(keys)
        built.extend(keys)
    return built


@transaction.atomic
def refresh_search_keys(person: Person) -> None:
    """Rebuild one person's keys and search text from their names and every other name.
    Call after any change to a name; a merged record's keys are dropped."""
    PersonNameKey.objects.filter(person_id=person.pk).delete()
    if person.merged_into_id:
        Person.objects.filter(pk=person.pk).update(search_text="")
        person.search_text = ""
        return
    keys = _keys_for(person, PersonName.objects.filter(person_id=person.pk))
    PersonNameKey.objects.bulk_create(keys)
    person.search_text = _search_text(keys)
    Person.objects.filter(pk=person.pk).update(search_text=person.search_text)


# ---- the search ----------------------------------------------------------------------------


class SearchResults(list):
    """The results shown, best first; `more` is true when more persons matched than shown."""

    more: bool = False


def search_persons(
    *,
    worker: Worker,
    q: str = "",
    date_of_birth: dt.date | None = None,
    nhs_number: str = "",
    upn: str = "",
    postcode: str = "",
    limit: int = 50,
) -> SearchResults:
    """Persons matching every criterion given, exact matches first, then by similarity.

    Shows each result only as far as the worker may see it (see search_results). Every search
    is written to the audit log with its criteria, the count and the ids returned. Nothing to
    search for (no name of two letters or more and no other criterion) returns no results.
    """
    crit = Criteria.build(
        q=q, date_of_birth=date_of_birth, nhs_number=nhs_number, upn=upn, postcode=postcode
    )
    results = SearchResults()
    if crit.is_empty:
        return results
    found, results.more = rank(crit, limit)
    results.extend(build_results(worker=worker, found=found, today=timezone.localdate()))
    audit.record(
        worker=worker,
        action=AuditAction.SEARCH,
        object_type="people.search",
        detail={
            "criteria": crit.for_audit(),
            "count": len(results),
            "ids": [r.person_id for r in results],
        },
    )
    return results


def has_something_to_search(*, q: str = "", **criteria) -> bool:
    """Whether a query names at least one thing to search for (for the form's message)."""
    crit = Criteria.build(
        q=q,
        date_of_birth=criteria.get("date_of_birth"),
        nhs_number=criteria.get("nhs_number", ""),
        upn=criteria.get("upn", ""),
        postcode=criteria.get("postcode", ""),
    )
    return not crit.is_empty
