"""Finding records that are probably the same person.

Two steps, as in record linkage generally: blocking (only records sharing an indexed key are
compared: NHS number; a name's sound with the date of birth; date of birth with postcode; the
sounds of both names), then a Fellegi-Sunter score: each field's agreement level has a weight
log2(m/u) (m: how often true duplicates agree at that level, u: how often unrelated records
do), summed with the prior odds and turned into a probability. Exact name agreement is weighted
by how common the name is in the register (a shared rare name says more than "Smith").
`likely_duplicates` checks one new record (the create flow); `find_duplicate_pairs` the whole
register. The weights live in matching_weights.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from . import names
from .matching_weights import MatchRecord, NameFrequencies, score_pair
from .models import Address, Person, PersonName, PersonNameKey
from .validators import normalise_nhs_number, normalise_postcode

__all__ = ["Candidate", "Pair", "find_duplicate_pairs", "likely_duplicates", "load_records"]

# Probability at which a pair is shown as a likely duplicate.
DEFAULT_THRESHOLD = 0.8
# Candidates worth showing in the create flow: a missed duplicate costs more than a glance,
# so the floor is low; the worker decides. A shared NHS number is always shown.
CANDIDATE_FLOOR = 0.05
# A blocking bucket larger than this is split by year of birth (no n² within common names).
MAX_BUCKET = 60


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class Pair:
    """Two records that are probably one person; `first_id` < `second_id`."""

    first_id: int
    second_id: int
    score: float
    reasons: list[str]


# ---- loading records -----------------------------------------------------------------------


def load_records(person_ids: Iterable[int] | None = None) -> dict[int, MatchRecord]:
    """Records ready to compare: names, other names, date of birth, sex, NHS number and every
    postcode, for the given persons (or the whole register), merged records left out."""
    persons = Person.objects.filter(merged_into__isnull=True)
    ids = None if person_ids is None else list(person_ids)
    if ids is not None:
        persons = persons.filter(pk__in=ids)
    records: dict[int, MatchRecord] = {}
    for pk, given, family, preferred, dob, sex, nhs in persons.values_list(
        "pk", "given_name", "family_name", "preferred_name", "date_of_birth", "sex", "nhs_number"
    ).iterator(chunk_size=20000):
        records[pk] = MatchRecord.build(
            pk=pk,
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            date_of_birth=dob,
            sex=sex,
            nhs_number=nhs,
        )
    others = PersonName.objects.all()
    addresses = Address.objects.all()
    if ids is not None:
        others = others.filter(person_id__in=ids)
        addresses = addresses.filter(person_id__in=ids)
    for pid, given, family in others.values_list("person_id", "given_name", "family_name").iterator(
        chunk_size=20000
    ):
        if pid in records:
            records[pid].add_other_name(given, family)
    today = dt.date.today()
    for pid, postcode, to_date in addresses.values_list(
        "person_id", "postcode", "to_date"
    ).iterator(chunk_size=20000):
        if pid in records:
            records[pid].add_postcode(postcode, current=to_date is None or to_date >= today)
    return records


def _frequencies(records: Iterable[MatchRecord]) -> NameFrequencies:
    family: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)
    dob: dict[dt.date, int] = defaultdict(int)
    total = 0
    for r in records:
        total += 1
        family[r.family] += 1
        given[r.given] += 1
        if r.date_of_birth:
            dob[r.date_of_birth] += 1
    return NameFrequencies(total=total, family=dict(family), given=dict(given), dob=dict(dob))


# ---- the create flow -----------------------------------------------------------------------


def _blocked_ids(probe: MatchRecord, exclude_pk: int | None) -> set[int]:
    keys = PersonNameKey.objects.filter(person__merged_into__isnull=True)
    family_codes = {names.phonetic(t) for t in probe.family_tokens}
    given_codes = {names.phonetic(t) for t in probe.given_tokens}
    ids: set[int] = set()
    if probe.nhs_number:
        ids |= set(
            Person.objects.filter(
                nhs_number=probe.nhs_number, merged_into__isnull=True
            ).values_list("pk", flat=True)[:50]
        )
    if probe.date_of_birth:
        # Either name's sound, in either place (names are sometimes recorded swapped).
        ids |= set(
            keys.filter(
                phonetic__in=family_codes | given_codes, person__date_of_birth=probe.date_of_birth
            ).values_list("person_id", flat=True)[:500]
        )
        for postcode in probe.postcodes:
            ids |= set(
                Address.objects.filter(
                    postcode=postcode, person__date_of_birth=probe.date_of_birth
                ).values_list("person_id", flat=True)[:200]
            )
    if family_codes and given_codes:
        with_family = keys.filter(phonetic__in=family_codes, is_family=True).values("person_id")
        both = keys.filter(
            phonetic__in=given_codes, is_family=False, person_id__in=with_family
        ).values_list("person_id", flat=True)
        ids |= set(both[:500])
    ids.discard(exclude_pk)
    return ids


def _probe_frequencies(probe: MatchRecord) -> NameFrequencies:
    """How common the probe's names and birthday are, counted from the indexed keys."""
    total = max(Person.objects.filter(merged_into__isnull=True).count(), 1)
    family = {
        probe.family: PersonNameKey.objects.filter(
            token=probe.family_tokens[-1] if probe.family_tokens else "", is_family=True
        ).count()
    }
    given = {
        probe.given: PersonNameKey.objects.filter(
            token=probe.given_tokens[0] if probe.given_tokens else "", is_family=False
        ).count()
    }
    dob = {}
    if probe.date_of_birth:
        dob[probe.date_of_birth] = Person.objects.filter(date_of_birth=probe.date_of_birth).count()
    return NameFrequencies(total=total, family=family, given=given, dob=dob)


def likely_duplicates(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    nhs_number: str = "",
    postcode: str = "",
    sex: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Records that may be the person about to be added, most likely first, each with the
    reasons a worker can check ("Same date of birth", "Family name sounds the same")."""
    probe = MatchRecord.build(
        pk=0,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        nhs_number=normalise_nhs_number(nhs_number),
    )
    if postcode.strip():
        probe.add_postcode(normalise_postcode(postcode), current=True)
    ids = _blocked_ids(probe, exclude_pk)
    if not ids:
        return []
    records = load_records(ids)
    frequencies = _probe_frequencies(probe)
    scored = []
    for pk, record in records.items():
        probability, reasons = score_pair(probe, record, frequencies)
        same_nhs = bool(probe.nhs_number) and probe.nhs_number == record.nhs_number
        if probability >= CANDIDATE_FLOOR or same_nhs:
            scored.append((probability, pk, reasons))
    scored.sort(key=lambda s: (-s[0], s[1]))
    scored = scored[:limit]
    persons = Person.objects.in_bulk([pk for _p, pk, _r in scored])
    return [Candidate(persons[pk], round(p, 4), reasons) for p, pk, reasons in scored]


# ---- the whole register --------------------------------------------------------------------


def _blocking_keys(r: MatchRecord) -> set[tuple]:
    keys: set[tuple] = set()
    if r.nhs_number:
        keys.add(("nhs", r.nhs_number))
    family_codes = {names.phonetic(t) for t in r.all_family_tokens}
    given_codes = {names.phonetic(t) for t in r.all_given_tokens}
    if r.date_of_birth:
        for code in family_codes | given_codes:
            keys.add(("name-dob", code, r.date_of_birth))
        for postcode in r.postcodes:
            keys.add(("dob-postcode", r.date_of_birth, postcode))
    for f in family_codes:
        for g in given_codes:
            keys.add(("names", f, g))
        for postcode in r.postcodes:
            keys.add(("family-postcode", f, postcode))
    return keys


def _candidate_pairs(records: dict[int, MatchRecord]) -> set[tuple[int, int]]:
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for pk, record in records.items():
        for key in _blocking_keys(record):
            buckets[key].append(pk)
    pairs: set[tuple[int, int]] = set()
    for key, members in buckets.items():
        if len(members) < 2:
            continue
        groups = [members]
        if len(members) > MAX_BUCKET:
            if key[0] in {"names", "family-postcode"}:
                # Common names: compare only within a year of birth.
                by_year: dict[int | None, list[int]] = defaultdict(list)
                for pk in members:
                    born = records[pk].date_of_birth
                    by_year[born.year if born else None].append(pk)
                groups = [g for g in by_year.values() if len(g) <= MAX_BUCKET * 4]
            else:
                groups = [members] if len(members) <= MAX_BUCKET * 4 else []
        for group in groups:
            ordered = sorted(group)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    pairs.add((a, b))
    return pairs


def find_duplicate_pairs(
    *, person_ids: Iterable[int] | None = None, threshold: float = DEFAULT_THRESHOLD
) -> list[Pair]:
    """Pairs of records in the register (or among `person_ids`) that are probably one person,
    most likely first. Blocking keeps the comparisons to records sharing a key."""
    records = load_records(person_ids)
    frequencies = _frequencies(records.values())
    found = []
    for a, b in _candidate_pairs(records):
        probability, reasons = score_pair(records[a], records[b], frequencies)
        if probability >= threshold:
            found.append(Pair(a, b, round(probability, 4), reasons))
    found.sort(key=lambda p: (-p.score, p.first_id, p.second_id))
    return found
