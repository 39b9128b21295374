"""Merging two records found to be one person.

The retired record is kept, pointing at the record kept (`merged_into`), and every fact moves
to the record kept: other names, addresses, relationships, allocations, disabilities, and any
record of a later stage that refers to the person (found through Person's reverse relations).
History stays where it was written: each record's changes, merges, break-glass views and the
audit log. The PersonMerge row says who merged, when, why, which value was chosen for each
field that differed, and which rows moved, so the merge can be explained afterwards. Nothing is
deleted. Only team managers and administrators merge, and only records they may both see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.access.visibility import check_person
from kinfold.workforce.models import Role, Worker

from . import codes, names
from .models import (
    Person,
    PersonChange,
    PersonDisability,
    PersonMerge,
    PersonName,
    PersonNameKey,
    Relationship,
)
from .search import refresh_search_keys
from .services import PERSON_FIELDS

# The person's own facts a worker chooses between, in the order the comparison shows them:
# the same facts a worker records.
MERGEABLE_FIELDS = PERSON_FIELDS
KEPT, RETIRED = "kept", "retired"
# Rows that record history where it happened: they stay with the record they were written on.
STAYS = {
    "people.personchange",
    "people.personmerge",
    "people.personnamekey",
    "people.person",
    "access.breakglass",
    # The synthetic county's ground truth names the records it planted, merged or not.
    "synthetic.plantedduplicate",
}
HANDLED = {"people.relationship", "people.persondisability"}


class MergeError(Exception):
    """The merge cannot be done; the message says why, in words for the worker."""

    def __init__(self, message: str, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


class MergeNotAllowed(MergeError):
    pass


def can_merge(worker: Worker) -> bool:
    return worker.is_authenticated and (
        worker.role in {Role.TEAM_MANAGER, Role.ADMINISTRATOR} or worker.is_superuser
    )


def differing_fields(kept: Person, retired: Person) -> list[str]:
    return [f for f in MERGEABLE_FIELDS if getattr(kept, f) != getattr(retired, f)]


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _reverse_foreign_keys() -> list[models.ForeignKey]:
    """Every foreign key to Person from another model, hidden ones ('+') included."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        field = rel.field  # type: ignore[union-attr]
        if field.model._meta.label_lower in STAYS | HANDLED:
            continue
        if isinstance(field, models.ForeignKey):
            found.append(field)
    return found


def _move_rows(field: models.ForeignKey, kept: Person, retired: Person) -> list[int]:
    model = field.model
    manager = model._base_manager
    ids = list(manager.filter(**{field.name: retired}).values_list("pk", flat=True))
    if not ids:
        return []
    if isinstance(field, models.OneToOneField) and manager.filter(**{field.name: kept}).exists():
        raise MergeError(
            f"Both records have a {model._meta.verbose_name}: only one can be kept. "
            "Close or correct one of them first."
        )
    try:
        with transaction.atomic():
            manager.filter(pk__in=ids).update(**{field.name: kept})
    except IntegrityError as error:
        raise MergeError(
            f"The {model._meta.verbose_name_plural} of the two records conflict: "
            "correct them before merging."
        ) from error
    return ids


def _move_disabilities(kept: Person, retired: Person, left: dict[str, list[int]]) -> list[int]:
    """The union of both records' codes. 'No disability' gives way to a real code."""
    held = set(PersonDisability.objects.filter(person=kept).values_list("code", flat=True))
    incoming = list(PersonDisability.objects.filter(person=retired))
    real_incoming = {d.code for d in incoming if d.code != codes.Disability.NONE}
    moved, kept_none = [], None
    if real_incoming and codes.Disability.NONE in held:
        # The kept record's "no disability" is superseded: it moves to the retired record.
        kept_none = PersonDisability.objects.get(person=kept, code=codes.Disability.NONE)
        held.discard(codes.Disability.NONE)
    for row in incoming:
        if row.code in held or (row.code == codes.Disability.NONE and (held or real_incoming)):
            left.setdefault("people.persondisability", []).append(row.pk)
            continue
        moved.append(row.pk)
        held.add(row.code)
    if kept_none is not None:
        stays = PersonDisability.objects.filter(person=retired, code=codes.Disability.NONE)
        if stays.exists():
            left.setdefault("people.persondisability", []).append(kept_none.pk)
        else:
            PersonDisability.objects.filter(pk=kept_none.pk).update(person=retired)
            left.setdefault("people.persondisability (superseded)", []).append(kept_none.pk)
    PersonDisability.objects.filter(pk__in=moved).update(person=kept)
    return moved


def _move_relationships(kept: Person, retired: Person, ended: list[int]) -> list[int]:
    """Repoint both directions; a relationship between the two records ends (it would be a
    relationship with oneself); a relationship the kept record already has ends too."""
    today = timezone.localdate()
    between = Relationship.objects.filter(
        Q(person=retired, other=kept) | Q(person=kept, other=retired)
    )
    for rel in between.filter(Q(end_date__isnull=True) | Q(end_date__gt=today)):
        ended.append(rel.pk)
    between.filter(Q(end_date__isnull=True) | Q(end_date__gt=today)).update(end_date=today)
    outgoing = list(
        Relationship.objects.filter(person=retired).exclude(other=kept).values_list("pk", flat=True)
    )
    incoming = list(
        Relationship.objects.filter(other=retired).exclude(person=kept).values_list("pk", flat=True)
    )
    Relationship.objects.filter(pk__in=outgoing).update(person=kept)
    Relationship.objects.filter(pk__in=incoming).update(other=kept)
    moved = set(outgoing) | set(incoming)
    current = (
        Relationship.objects.filter(person=kept)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("pk")
    )
    by_key: dict[tuple[int, str], list[Relationship]] = {}
    for rel in current:
        by_key.setdefault((rel.other_id, rel.type), []).append(rel)
    for same in by_key.values():
        if len(same) < 2:
            continue
        # Keep the kept record's own relationship; end the copies that came with the merge.
        same.sort(key=lambda r: (r.pk in moved, r.pk))
        for twin in same[1:]:
            for pk in (twin.pk, twin.reciprocal_id):
                if pk is not None and pk not in ended:
                    ended.append(pk)
                    Relationship.objects.filter(pk=pk).update(end_date=today)
    return sorted(moved)


def _add_alias(kept: Person, given: str, family: str, added: list[int]) -> None:
    """Record a name the kept record no longer shows, unless it has it already."""

    def same(a: tuple[str, str], b: tuple[str, str]) -> bool:
        return names.parts(a[0]) == names.parts(b[0]) and names.parts(a[1]) == names.parts(b[1])

    wanted = (given, family)
    if not (given or family) or same(wanted, (kept.given_name, kept.family_name)):
        return
    for other in PersonName.objects.filter(person=kept):
        if same(wanted, (other.given_name, other.family_name)):
            return
    alias = PersonName.objects.create(
        person=kept, kind=codes.NameKind.ALIAS, given_name=given, family_name=family
    )
    added.append(alias.pk)


def _lock(kept_id: int, retired_id: int) -> tuple[Person, Person]:
    rows = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[kept_id, retired_id])
        .order_by("pk")
    }
    if kept_id not in rows or retired_id not in rows:
        raise MergeError("One of the records does not exist")
    return rows[kept_id], rows[retired_id]


def _check(worker, kept, retired, kept_version, retired_version) -> None:
    for person in (kept, retired):
        if person.merged_into_id:
            raise MergeError(
                f"The record {person.la_child_id} has already been merged into another record: "
                "merge the record it was merged into instead"
            )
        if not check_person(worker, person).allowed:
            raise MergeNotAllowed("You can only merge records you have full access to")
    if (kept_version is not None and kept.version != kept_version) or (
        retired_version is not None and retired.version != retired_version
    ):
        raise MergeError(
            "One of the records was changed while you were comparing them: check them again"
        )


@transaction.atomic
def merge_persons(
    *,
    worker: Worker,
    kept_id: int,
    retired_id: int,
    reason: str,
    choices: dict[str, str],
    kept_version: int | None = None,
    retired_version: int | None = None,
) -> PersonMerge:
    """Merge `retired_id` into `kept_id`. `choices` maps each differing field to "kept" or
    "retired" (whose value to keep; a field not named keeps the kept record's value). Pass the
    versions the worker compared to refuse a merge over a change made meanwhile."""
    if not can_merge(worker):
        raise MergeNotAllowed("Only team managers and system administrators can merge records")
    if kept_id == retired_id:
        raise MergeError("A record cannot be merged into itself")
    reason = (reason or "").strip()
    if not reason:
        raise MergeError("Enter why these records are the same person", {"reason": ["Enter why"]})
    unknown = {f for f in choices if f not in MERGEABLE_FIELDS} | {
        v for v in choices.values() if v not in {KEPT, RETIRED}
    }
    if unknown:
        raise MergeError(f"Unknown choice: {', '.join(sorted(unknown))}")
    kept, retired = _lock(kept_id, retired_id)
    _check(worker, kept, retired, kept_version, retired_version)

    old_names = (kept.given_name, kept.family_name)
    field_record: dict[str, dict[str, str]] = {}
    changes: dict[str, list[str]] = {}
    for name in differing_fields(kept, retired):
        chosen = choices.get(name, KEPT)
        kept_value, retired_value = getattr(kept, name), getattr(retired, name)
        field_record[name] = {
            "chosen": chosen,
            KEPT: _shown(kept_value),
            RETIRED: _shown(retired_value),
        }
        if chosen == RETIRED:
            setattr(kept, name, retired_value)
            changes[name] = [_shown(kept_value), _shown(retired_value)]
    try:
        kept.clean()
    except ValidationError as error:
        raise MergeError(
            "The values chosen do not fit together: " + "; ".join(error.messages),
            {k: list(v) for k, v in error.message_dict.items()},
        ) from error
    if retired.restricted and not kept.restricted:
        kept.restricted = True
        kept.restriction_reason = retired.restriction_reason
        kept.restriction_manager_id = retired.restriction_manager_id
        changes["restricted"] = ["False", "True"]

    moved: dict[str, Any] = {}
    left: dict[str, list[int]] = {}
    ended: list[int] = []
    added: list[int] = []
    for label, ids in (
        ("people.relationship", _move_relationships(kept, retired, ended)),
        ("people.persondisability", _move_disabilities(kept, retired, left)),
    ):
        if ids:
            moved[label] = ids
    for field in _reverse_foreign_keys():
        ids = _move_rows(field, kept, retired)
        if ids:
            label = field.model._meta.label_lower
            key = label if field.name == "person" else f"{label}.{field.name}"
            moved.setdefault(key, []).extend(ids)
    _add_alias(kept, *old_names, added)
    _add_alias(kept, retired.given_name, retired.family_name, added)
    if retired.preferred_name and retired.preferred_name != kept.preferred_name:
        _add_alias(kept, retired.preferred_name, retired.family_name, added)

    now = timezone.now()
    kept.version += 1
    kept.updated_at = now
    kept.save()
    Person.objects.filter(pk=retired.pk).update(
        merged_into=kept, version=retired.version + 1, updated_at=now
    )
    retired.merged_into, retired.version = kept, retired.version + 1
    moved.update({"fields": field_record, "ended": {"people.relationship": ended}})
    moved["created"] = {"people.personname": added}
    if left:
        moved["left"] = left
    merge = PersonMerge.objects.create(
        kept=kept, retired=retired, merged_by=worker, reason=reason, moved=moved, merged_at=now
    )
    changes["merged_from"] = ["", retired.la_child_id]
    PersonChange.objects.create(
        person=kept,
        changed_by=worker,
        changed_at=now,
        version=kept.version,
        what="merge",
        reason=reason,
        changes=changes,
    )
    PersonChange.objects.create(
        person=retired,
        changed_by=worker,
        changed_at=now,
        version=retired.version,
        what="merged",
        reason=reason,
        changes={"merged_into": ["", kept.la_child_id]},
    )
    audit.record(
        worker=worker,
        action=AuditAction.MERGE,
        obj=kept,
        detail={"retired": retired.pk, "merge": merge.pk, "moved": _counts(moved)},
        reason=reason,
    )
    refresh_search_keys(kept)
    PersonNameKey.objects.filter(person=retired).delete()
    Person.objects.filter(pk=retired.pk).update(search_text="")
    return merge


def _counts(moved: dict[str, Any]) -> dict[str, int]:
    return {label: len(ids) for label, ids in moved.items() if "." in label}
