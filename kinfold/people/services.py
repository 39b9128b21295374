"""Writes to a person's record: one function per practitioner action, each in one transaction.

Every write leaves a PersonChange (who, when, why, each field's old and new value) and moves
the person's version on, so an edit made from an older version is refused and the second
writer sees what changed (DESIGN.md, "Nothing is deleted"). Values in a PersonChange are
stored as text: dates as ISO 8601, coded values as their DfE code, nothing as "".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.access.permissions import can_record
from kinfold.access.visibility import check_person
from kinfold.workforce.models import Worker

from . import codes
from .models import Address, Person, PersonChange, PersonDisability, PersonName, Relationship
from .search import refresh_search_keys
from .validators import normalise_nhs_number, normalise_postcode

# The person's own facts a worker records and edits, in the order the forms ask for them.
PERSON_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "gender",
    "ethnicity",
    "first_language",
    "religion",
    "immigration_status",
    "nhs_number",
    "upn",
    "former_upn",
]
NAME_FIELDS = {"given_name", "family_name", "preferred_name"}
DISABILITIES = "disabilities"

# What a PersonChange records (PersonChange.what).
CREATED = "created"
EDITED = "edit"
NAME_ADDED = "name added"
ADDRESS_ADDED = "address added"
RELATIONSHIP_ADDED = "relationship added"
RELATIONSHIP_ENDED = "relationship ended"


class RecordError(Exception):
    """A write refused for a reason the worker can act on; `field_errors` places it."""

    def __init__(self, message: str, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


class NotAllowed(RecordError):
    pass


@dataclass
class StaleEdit(Exception):
    """The record was changed since the worker opened it: what changed, newest last."""

    current_version: int
    changes: list[PersonChange] = field(default_factory=list)

    def __str__(self) -> str:
        return f"The record is at version {self.current_version}"


@dataclass(frozen=True)
class AddressDetails:
    line_1: str
    town: str
    postcode: str
    from_date: dt.date
    line_2: str = ""
    to_date: dt.date | None = None


def _require_recorder(worker: Worker) -> None:
    if not can_record(worker):
        raise NotAllowed("Performance officers can read records but not change them")


def _require_full_access(worker: Worker, person: Person) -> None:
    if not check_person(worker, person).allowed:
        raise NotAllowed(f"You do not have access to the record {person.la_child_id}")


def stored(value: Any) -> str:
    """A value as a PersonChange keeps it."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _normalise(person: Person) -> None:
    for name in ("given_name", "family_name", "preferred_name"):
        setattr(person, name, (getattr(person, name) or "").strip())
    person.nhs_number = normalise_nhs_number(person.nhs_number)
    person.upn = (person.upn or "").replace(" ", "").strip().upper()
    person.former_upn = (person.former_upn or "").replace(" ", "").strip().upper()


def _validate_person(person: Person) -> None:
    """The model's own checks (lengths, codes, identifiers, Person.clean). One of the two
    names may be blank (an unborn baby is often recorded by family name only)."""
    errors: dict[str, list[str]] = {}
    if not (person.given_name or person.family_name):
        errors["given_name"] = ["Enter a given name or a family name"]
    for name in ("nhs_number", "upn", "former_upn"):
        if not getattr(person, name).isascii():  # the validators' \d takes any script's digits
            errors[name] = ["Use the digits 0 to 9"]
    blank_names = [n for n in ("given_name", "family_name") if not getattr(person, n)]
    try:
        person.full_clean(exclude=blank_names, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _validate_disabilities(chosen: Iterable[str]) -> list[str]:
    chosen = sorted(set(chosen))
    unknown = [c for c in chosen if c not in codes.Disability.values]
    if unknown:
        raise ValidationError({DISABILITIES: [f"Unknown disability code: {', '.join(unknown)}"]})
    if codes.Disability.NONE in chosen and len(chosen) > 1:
        raise ValidationError(
            {DISABILITIES: ["Choose 'No disability' or the disabilities they have, not both"]}
        )
    return chosen


def _validate_address(address: Address, *, exclude: list[str] | None = None) -> None:
    if not address.postcode.isascii():  # the validator's \d takes any script's digits
        raise ValidationError({"postcode": ["Enter a real postcode, like CB3 0AP"]})
    address.full_clean(exclude=exclude)


def _lock(*persons: Person) -> list[Person]:
    """The persons' rows, locked in primary key order (two writers never wait on each other
    crosswise), returned in the order asked."""
    ids = [p.pk for p in persons]
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    for person in locked.values():
        if person.merged_into_id:
            raise RecordError(
                f"The record {person.la_child_id} was merged into another record: "
                "make the change there"
            )
    return [locked[pk] for pk in ids]


def _record_change(
    person: Person, worker: Worker, what: str, changes: dict[str, list[str]], reason: str = ""
) -> PersonChange:
    """Move the (locked) person's version on and write what changed."""
    now = timezone.now()
    person.version += 1
    person.updated_at = now
    Person.objects.filter(pk=person.pk).update(version=person.version, updated_at=now)
    return PersonChange.objects.create(
        person=person,
        changed_by=worker,
        changed_at=now,
        version=person.version,
        what=what,
        reason=reason,
        changes=changes,
    )


# ---- the person ----------------------------------------------------------------------------


@transaction.atomic
def create_person(
    *,
    worker: Worker,
    details: Mapping[str, Any],
    disabilities: Iterable[str] = (),
    address: AddressDetails | None = None,
    duplicates_checked: Iterable[Person] = (),
) -> Person:
    """Record a new person, with their disabilities and first address.

    The worker has been shown the likely duplicates first (`duplicates_checked`, recorded
    with the change) and decided this is a new person.
    """
    _require_recorder(worker)
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not a person's field: {', '.join(sorted(unknown))}")
    person = Person(**dict(details))
    _normalise(person)
    _validate_person(person)
    chosen = _validate_disabilities(disabilities)
    new_address = None
    if address is not None:
        new_address = Address(
            line_1=address.line_1.strip(),
            line_2=address.line_2.strip(),
            town=address.town.strip(),
            postcode=normalise_postcode(address.postcode),
            from_date=address.from_date,
            to_date=address.to_date,
        )
        try:
            _validate_address(new_address, exclude=["person"])
        except ValidationError as error:
            raise ValidationError(
                {f"address_{k}": v for k, v in error.message_dict.items()}
            ) from error

    now = timezone.now()
    person.created_by = worker
    person.created_at = person.updated_at = now
    person.version = 1
    person.save()
    PersonDisability.objects.bulk_create(PersonDisability(person=person, code=c) for c in chosen)
    changes = {
        name: ["", stored(getattr(person, name))]
        for name in PERSON_FIELDS
        if stored(getattr(person, name))
    }
    if chosen:
        changes[DISABILITIES] = ["", ",".join(chosen)]
    if new_address is not None:
        new_address.person = person
        new_address.save()
        changes["address"] = ["", _address_text(new_address)]
    refresh_search_keys(person)
    checked = [p.la_child_id for p in duplicates_checked]
    PersonChange.objects.create(
        person=person,
        changed_by=worker,
        changed_at=now,
        version=person.version,
        what=CREATED,
        reason=(
            f"Checked {len(checked)} likely duplicate{'s' if len(checked) != 1 else ''} "
            f"first: {', '.join(checked)}"
            if checked
            else ""
        ),
        changes=changes,
    )
    audit.record(
        worker=worker,
        action=AuditAction.CREATE,
        obj=person,
        detail={"duplicates_checked": checked},
    )
    return person


@transaction.atomic
def update_person(
    *, person: Person, worker: Worker, data: Mapping[str, Any], version: int, reason: str = ""
) -> PersonChange | None:
    """Change the person's own facts (and disabilities, if `data` has them) from the version
    the worker opened. A change made meanwhile refuses the edit (StaleEdit, with what changed);
    nothing changed saves nothing and returns None."""
    _require_recorder(worker)
    _require_full_access(worker, person)
    (locked,) = _lock(person)
    if locked.version != version:
        raise StaleEdit(
            current_version=locked.version,
            changes=list(
                PersonChange.objects.filter(person=locked, version__gt=version)
                .select_related("changed_by")
                .order_by("version", "pk")
            ),
        )
    before = {name: stored(getattr(locked, name)) for name in PERSON_FIELDS}
    for name in PERSON_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    _normalise(locked)
    _validate_person(locked)
    changes = {
        name: [before[name], stored(getattr(locked, name))]
        for name in PERSON_FIELDS
        if before[name] != stored(getattr(locked, name))
    }
    if DISABILITIES in data:
        chosen = _validate_disabilities(data[DISABILITIES])
        held = sorted(locked.disabilities.values_list("code", flat=True))
        if chosen != held:
            changes[DISABILITIES] = [",".join(held), ",".join(chosen)]
            locked.disabilities.exclude(code__in=chosen).delete()
            PersonDisability.objects.bulk_create(
                PersonDisability(person=locked, code=c) for c in chosen if c not in held
            )
    if not changes:
        return None
    locked.save(update_fields=[*PERSON_FIELDS])
    change = _record_change(locked, worker, EDITED, changes, reason.strip())
    if NAME_FIELDS & set(changes):
        refresh_search_keys(locked)
    audit.record(
        worker=worker, action=AuditAction.EDIT, obj=locked, detail={"fields": sorted(changes)}
    )
    for name in [*PERSON_FIELDS, "version", "updated_at", "search_text"]:
        setattr(person, name, getattr(locked, name))
    return change


# ---- names and addresses -------------------------------------------------------------------


def _dates_text(from_date: dt.date | None, to_date: dt.date | None) -> str:
    parts = []
    if from_date:
        parts.append(f"from {from_date.isoformat()}")
    if to_date:
        parts.append(f"to {to_date.isoformat()}")
    return f" ({' '.join(parts)})" if parts else ""


def _address_text(address: Address) -> str:
    return f"{address}{_dates_text(address.from_date, address.to_date)}"


@transaction.atomic
def add_name(
    *,
    worker: Worker,
    person: Person,
    kind: str,
    given_name: str = "",
    family_name: str = "",
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
) -> PersonName:
    """Record another name the person has or had (an alias, a previous name, their name at
    birth), so a search by that name finds them."""
    _require_recorder(worker)
    _require_full_access(worker, person)
    (locked,) = _lock(person)
    name = PersonName(
        person=locked,
        kind=kind,
        given_name=(given_name or "").strip(),
        family_name=(family_name or "").strip(),
        from_date=from_date,
        to_date=to_date,
    )
    name.full_clean(exclude=[f for f in ("given_name", "family_name") if not getattr(name, f)])
    name.save()
    label = codes.NameKind(kind).label
    _record_change(
        locked,
        worker,
        NAME_ADDED,
        {"other_name": ["", f"{label}: {name}{_dates_text(from_date, to_date)}"]},
    )
    refresh_search_keys(locked)
    person.version = locked.version
    return name


@transaction.atomic
def add_address(
    *, worker: Worker, person: Person, address: AddressDetails
) -> tuple[Address, list[Address]]:
    """Record an address. A current one (no end date) ends each address still open the day
    before it starts. Returns the new address and the addresses it ended."""
    _require_recorder(worker)
    _require_full_access(worker, person)
    (locked,) = _lock(person)
    new = Address(
        person=locked,
        line_1=address.line_1.strip(),
        line_2=address.line_2.strip(),
        town=address.town.strip(),
        postcode=normalise_postcode(address.postcode),
        from_date=address.from_date,
        to_date=address.to_date,
    )
    _validate_address(new)
    ended: list[Address] = []
    changes = {"address": ["", _address_text(new)]}
    if new.to_date is None:
        for previous in locked.addresses.filter(to_date__isnull=True).order_by("from_date"):
            if previous.from_date >= new.from_date:
                raise RecordError(
                    "The new address starts before the current address did",
                    {
                        "from_date": [
                            f"The current address ({previous}) started on "
                            f"{previous.from_date:%-d %B %Y}: a new address must start after that"
                        ]
                    },
                )
            before = _address_text(previous)
            previous.to_date = new.from_date - dt.timedelta(days=1)
            previous.save(update_fields=["to_date"])
            changes[f"address_ended_{previous.pk}"] = [before, _address_text(previous)]
            ended.append(previous)
    new.save()
    _record_change(locked, worker, ADDRESS_ADDED, changes)
    person.version = locked.version
    return new, ended


# ---- relationships -------------------------------------------------------------------------


def current_q() -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())


def _relationship_text(relationship: Relationship, other: Person) -> str:
    """On `relationship.person`'s record: who the other person is to them."""
    role = codes.RelationshipType(codes.RECIPROCAL[relationship.type]).label
    return f"{other.full_name} ({other.la_child_id}): {role}"


@transaction.atomic
def add_relationship(
    *,
    worker: Worker,
    person: Person,
    other: Person,
    other_is: str,
    start_date: dt.date | None = None,
    lives_with: bool = False,
    parental_responsibility: bool = False,
) -> Relationship:
    """Record that `other` is `other_is` of `person` (e.g. other is the parent of person).

    Both directions are stored, each pointing at the other (`reciprocal`), with the type read
    the other way (codes.RECIPROCAL). Returns the row on `person`'s record.
    """
    _require_recorder(worker)
    if other_is not in codes.RelationshipType.values:
        raise RecordError("Choose a relationship from the list", {"type": ["Choose from the list"]})
    if person.pk == other.pk:
        raise RecordError(
            "A person cannot be related to themselves",
            {"other": ["Choose someone other than this person"]},
        )
    _require_full_access(worker, person)
    if not check_person(worker, other).allowed:
        raise RecordError(
            "You do not have access to that person's record",
            {"other": ["You do not have access to that person's record"]},
        )
    if start_date and start_date > timezone.localdate():
        raise RecordError(
            "The start date is in the future",
            {"start_date": ["The start date must be today or in the past"]},
        )
    mine, theirs = _lock(person, other)
    label = codes.RelationshipType(other_is).label
    if (
        Relationship.objects.filter(person=theirs, other=mine, type=other_is)
        .filter(current_q())
        .exists()
    ):
        raise RecordError(
            "This relationship is already recorded",
            {
                "type": [
                    f"{theirs.full_name} is already recorded as {label.lower()} of {mine.full_name}"
                ]
            },
        )
    now = timezone.now()
    common = {
        "start_date": start_date,
        "lives_with": lives_with,
        "parental_responsibility": parental_responsibility,
        "recorded_by": worker,
        "recorded_at": now,
    }
    their_row = Relationship.objects.create(person=theirs, other=mine, type=other_is, **common)
    my_row = Relationship.objects.create(
        person=mine,
        other=theirs,
        type=codes.RECIPROCAL[other_is],
        reciprocal=their_row,
        **common,
    )
    their_row.reciprocal = my_row
    their_row.save(update_fields=["reciprocal"])
    for row, on, about in ((my_row, mine, theirs), (their_row, theirs, mine)):
        _record_change(
            on, worker, RELATIONSHIP_ADDED, {"relationship": ["", _relationship_text(row, about)]}
        )
    person.version, other.version = mine.version, theirs.version
    return my_row


@transaction.atomic
def end_relationship(
    *, worker: Worker, relationship: Relationship, end_date: dt.date, reason: str = ""
) -> Relationship:
    """End a relationship on both records (the row and its reciprocal) from `end_date`."""
    _require_recorder(worker)
    _require_full_access(worker, relationship.person)
    mine, theirs = _lock(relationship.person, relationship.other)
    row = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if not row.is_current:
        raise RecordError(
            "This relationship has already ended",
            {"end_date": ["This relationship has already ended"]},
        )
    if end_date > timezone.localdate():
        raise RecordError(
            "The end date is in the future",
            {"end_date": ["The end date must be today or in the past"]},
        )
    if row.start_date and end_date < row.start_date:
        raise RecordError(
            "The end date is before the start date",
            {
                "end_date": [
                    f"The end date must be on or after the start date, {row.start_date:%-d %B %Y}"
                ]
            },
        )
    rows = [row]
    if row.reciprocal_id:
        rows.append(Relationship.objects.select_for_update().get(pk=row.reciprocal_id))
    Relationship.objects.filter(pk__in=[r.pk for r in rows]).update(end_date=end_date)
    for r in rows:
        r.end_date = end_date
        on, about = (mine, theirs) if r.person_id == mine.pk else (theirs, mine)
        text = _relationship_text(r, about)
        _record_change(
            on,
            worker,
            RELATIONSHIP_ENDED,
            {"relationship": [text, f"{text}, ended {end_date.isoformat()}"]},
            reason.strip(),
        )
    relationship.end_date = end_date
    relationship.person.version = mine.version
    return row
