"""Reads for a person's record pages: the summary, relationships, history, and the people a
worker may pick (likely duplicates, relatives), each within what the worker may see."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.access.visibility import Access, visible_persons
from kinfold.workforce.models import Allocation, Worker
from kinfold.workforce.selectors import allocations_for_person

from . import codes
from .matching import likely_duplicates
from .models import Address, Person, PersonChange, PersonName, Relationship
from .search import search_persons
from .search_results import SearchResult, access_for, build_results

NOT_RECORDED = "Not recorded"
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

CHANGE_KINDS = {
    "created": "Record created",
    "edit": "Details changed",
    "name added": "Name added",
    "address added": "Address added",
    "relationship added": "Relationship added",
    "relationship ended": "Relationship ended",
    "merge": "Another record merged into this one",
    "merged": "Merged into another record",
}
OTHER_LABELS = {
    "disabilities": "Disabilities",
    "address": "Address",
    "other_name": "Other name",
    "relationship": "Relationship",
    "merged_from": "Merged from record",
    "merged_into": "Merged into record",
    "restricted": "Restricted",
}


# ---- the record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationshipRow:
    """A relationship as seen from the record's person: who the other person is to them."""

    relationship: Relationship
    other: Person
    role: str

    @property
    def is_current(self) -> bool:
        return self.relationship.is_current


@dataclass
class PersonRecord:
    person: Person
    other_names: list[PersonName]
    disabilities: list[str]
    current_addresses: list[Address]
    past_addresses: list[Address]
    current_relationships: list[RelationshipRow]
    past_relationships: list[RelationshipRow]
    allocations: list[Allocation] = field(default_factory=list)


def role_label(relationship_type: str) -> str:
    """Who the other person is, for a row `person` is `relationship_type` of `other`."""
    return codes.RelationshipType(codes.RECIPROCAL[relationship_type]).label


def relationship_rows(person: Person) -> tuple[list[RelationshipRow], list[RelationshipRow]]:
    """The person's relationships, current and past, each with who the other person is."""
    rows = [
        RelationshipRow(relationship=r, other=r.other, role=role_label(r.type))
        for r in Relationship.objects.filter(person=person)
        .select_related("other")
        .order_by("end_date", "type", "other__family_name", "pk")
    ]
    return [r for r in rows if r.is_current], [r for r in rows if not r.is_current]


def person_record(person: Person) -> PersonRecord:
    today = timezone.localdate()
    addresses = list(person.addresses.order_by("-from_date", "-pk"))
    current, past = relationship_rows(person)
    return PersonRecord(
        person=person,
        other_names=list(person.other_names.order_by("kind", "-from_date", "pk")),
        disabilities=[d.get_code_display() for d in person.disabilities.order_by("code")],
        current_addresses=[a for a in addresses if a.is_current and a.from_date <= today],
        past_addresses=[a for a in addresses if not (a.is_current and a.from_date <= today)],
        current_relationships=current,
        past_relationships=past,
        allocations=list(allocations_for_person(person_id=person.pk)),
    )


# ---- history -------------------------------------------------------------------------------


def _nice_dates(text: str) -> str:
    def replace(match: re.Match) -> str:
        try:
            return format_date(dt.date(*map(int, match.groups())), "j F Y")
        except ValueError:
            return match.group(0)

    return ISO_DATE.sub(replace, text)


def _person_field(name: str) -> models.Field | None:
    try:
        found = Person._meta.get_field(name)
    except FieldDoesNotExist:  # a key that is not one of the person's own fields
        return None
    return found if isinstance(found, models.Field) else None


def change_label(name: str) -> str:
    if name.startswith("address_ended"):
        return "Previous address"
    if name in OTHER_LABELS:
        return OTHER_LABELS[name]
    model_field = _person_field(name)
    label = str(model_field.verbose_name) if model_field else name.replace("_", " ")
    return label[0].upper() + label[1:]


def change_value(name: str, value: Any) -> str:
    """A value as stored in a PersonChange, in words."""
    value = "" if value is None else str(value)
    if value == "":
        return NOT_RECORDED
    if name == "disabilities":
        labels = dict(codes.Disability.choices)
        return ", ".join(str(labels.get(c, c)) for c in value.split(","))
    model_field = _person_field(name)
    if model_field is None:
        return _nice_dates(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateField):
        return _nice_dates(value)
    return value


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    change: PersonChange
    kind: str
    who: str
    rows: list[ChangeRow]


def describe(change: PersonChange) -> HistoryEntry:
    rows = []
    for name, pair in (change.changes or {}).items():
        old, new = [*pair, "", ""][:2] if isinstance(pair, list | tuple) else ("", pair)
        rows.append(
            ChangeRow(
                label=change_label(name), old=change_value(name, old), new=change_value(name, new)
            )
        )
    who = ""
    if change.changed_by is not None:
        who = change.changed_by.get_full_name() or change.changed_by.username
    return HistoryEntry(
        change=change,
        kind=CHANGE_KINDS.get(change.what, change.what.capitalize()),
        who=who or "Kinfold",
        rows=rows,
    )


def history(person: Person) -> list[HistoryEntry]:
    """Every change to the person's record, newest first."""
    changes = PersonChange.objects.filter(person=person).select_related("changed_by")
    return [describe(c) for c in changes.order_by("-changed_at", "-version", "-pk")]


# ---- picking people ------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    """A likely duplicate, shown as far as the worker may see it, with the reasons."""

    result: SearchResult
    reasons: list[str]
    score: float
    person: Person


def duplicate_candidates(
    *, worker: Worker, details: Mapping[str, Any], postcode: str = "", record: bool = True
) -> list[DuplicateCandidate]:
    """Records that may already be the person about to be added. `record` writes the look to
    the audit log (it shows other people's details)."""
    found = likely_duplicates(
        given_name=details.get("given_name") or "",
        family_name=details.get("family_name") or "",
        date_of_birth=details.get("date_of_birth"),
        nhs_number=details.get("nhs_number") or "",
        postcode=postcode or "",
        sex=details.get("sex") or "",
        limit=10,
    )
    if not found:
        return []
    results = {
        r.person_id: r
        for r in build_results(
            worker=worker,
            found=[(c.person.pk, c.score, True) for c in found],
            today=timezone.localdate(),
        )
    }
    shown = [
        DuplicateCandidate(
            result=results[c.person.pk], reasons=c.reasons, score=c.score, person=c.person
        )
        for c in found
        if c.person.pk in results
    ]
    if record and shown:
        audit.record(
            worker=worker,
            action=AuditAction.SEARCH,
            object_type="people.duplicate_check",
            detail={"count": len(shown), "ids": [c.person.pk for c in shown]},
        )
    return shown


def find_relatives(
    *,
    worker: Worker,
    person: Person,
    la_child_id: str = "",
    name: str = "",
    date_of_birth: dt.date | None = None,
) -> list[Person]:
    """People the worker may link to `person`: found by LA child ID or by name (and date of
    birth), only those whose record the worker may see in full, never `person` themselves."""
    if la_child_id:
        found = list(
            visible_persons(worker, Person.objects.filter(la_child_id=la_child_id.upper()))
        )
        audit.record(
            worker=worker,
            action=AuditAction.SEARCH,
            object_type="people.search",
            detail={
                "criteria": {"la_child_id": la_child_id},
                "count": len(found),
                "ids": [p.pk for p in found],
            },
        )
    else:
        results = search_persons(worker=worker, q=name, date_of_birth=date_of_birth, limit=25)
        ids = [r.person_id for r in results if r.access is Access.FULL]
        by_id = Person.objects.in_bulk(ids)
        found = [by_id[pk] for pk in ids if pk in by_id]
    allowed = access_for(worker, found)
    return [p for p in found if p.pk != person.pk and allowed.get(p.pk) is Access.FULL]


def relationship_of(person: Person, rel_pk: int) -> Relationship | None:
    return (
        Relationship.objects.filter(Q(pk=rel_pk) & Q(person=person))
        .select_related("other", "person")
        .first()
    )
