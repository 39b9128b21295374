"""Practitioner actions on the spine: start and end an involvement, move a child between
stages by a named transition, mark an event as entered in error. One transaction each; each
writes its event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.guards import is_administrator
from kinfold.access.models import AuditAction
from kinfold.access.permissions import require_write_access
from kinfold.people.models import Person
from kinfold.workforce.models import OrgUnit, Role, Worker

from .events import check_not_future, record_event
from .models import Event, EventRetraction, Involvement
from .notes import CONTENT_FIELDS, VISIT_TYPES, CaseNote, CaseNoteVersion, NoteType
from .stages import STAGES, TRANSITIONS, TransitionContext, stage_label


class TransitionRefused(ValidationError):
    """The transition's preconditions do not hold; `messages` says which."""


class StaleInvolvement(ValidationError):
    """The involvement changed since the worker opened it."""


def _locked_involvement(involvement_id: int, version: int | None) -> Involvement:
    inv = Involvement.objects.select_for_update().get(pk=involvement_id)
    if version is not None and inv.version != version:
        raise StaleInvolvement(
            f"This {inv.stage_label.lower()} involvement was changed since you opened it: "
            "check it again"
        )
    return inv


@transaction.atomic
def open_involvement(
    *,
    actor: Worker,
    person: Person,
    stage: str,
    started_on: dt.date,
    team: OrgUnit | None = None,
    stepped_from: Involvement | None = None,
    summary: str = "",
) -> Involvement:
    """Start a period at a stage. A child is at each stage once at a time."""
    require_write_access(actor, person)
    if stage not in STAGES:
        raise ValidationError({"stage": f"Unknown stage {stage!r}"})
    check_not_future(started_on, "started_on")
    if person.date_of_death and started_on > person.date_of_death:
        raise ValidationError({"started_on": "The start date is after the child's death"})
    if Involvement.objects.filter(person=person, stage=stage, ended_on__isnull=True).exists():
        raise ValidationError(
            {
                "stage": f"{person.full_name} already has an open {stage_label(stage).lower()} "
                "involvement"
            }
        )
    try:
        with transaction.atomic():
            inv = Involvement.objects.create(
                person=person,
                stage=stage,
                team=team,
                started_on=started_on,
                stepped_from=stepped_from,
                opened_by=actor,
            )
    except IntegrityError as error:  # a concurrent open of the same stage
        raise ValidationError(
            {"stage": f"{person.full_name} already has an open involvement at this stage"}
        ) from error
    record_event(
        person_id=person.pk,
        type="involvement.opened",
        occurred=started_on,
        summary=summary or f"{stage_label(stage)} started",
        recorded_by=actor,
        involvement=inv,
        detail={"stage": stage, "team": team.pk if team else None},
    )
    return inv


def _close(inv: Involvement, *, actor: Worker, ended_on: dt.date, reason: str) -> None:
    check_not_future(ended_on, "ended_on")
    if ended_on < inv.started_on:
        raise ValidationError({"ended_on": "The end date must be on or after the start date"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the involvement is ending"})
    inv.ended_on = ended_on
    inv.end_reason = reason.strip()[:300]
    inv.closed_by = actor
    inv.version += 1
    inv.save(update_fields=["ended_on", "end_reason", "closed_by", "version"])


@transaction.atomic
def close_involvement(
    *,
    actor: Worker,
    involvement_id: int,
    ended_on: dt.date,
    reason: str,
    version: int | None = None,
) -> Involvement:
    """End an involvement with the reason (a stage app may require its closure code first)."""
    inv = _locked_involvement(involvement_id, version)
    require_write_access(actor, inv.person)
    if not inv.is_open:
        raise ValidationError(f"This involvement already ended on {inv.ended_on:%d %B %Y}")
    _close(inv, actor=actor, ended_on=ended_on, reason=reason)
    record_event(
        person_id=inv.person_id,
        type="involvement.closed",
        occurred=ended_on,
        summary=f"{inv.stage_label} ended: {inv.end_reason}",
        recorded_by=actor,
        involvement=inv,
        detail={"stage": inv.stage, "reason": inv.end_reason},
    )
    return inv


@transaction.atomic
def run_transition(
    *,
    actor: Worker,
    involvement_id: int,
    name: str,
    on: dt.date,
    reason: str = "",
    team: OrgUnit | None = None,
    version: int | None = None,
    facts: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> Involvement | None:
    """Move a child by the named transition: check its preconditions, end the involvement it
    leaves (when the transition says so), start the one it enters, and write the event (with
    `detail` added to its detail, e.g. a closure reason code).
    Returns the new involvement (None when the transition only closes)."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(f"Unknown transition {name!r}")
    inv = _locked_involvement(involvement_id, version)
    require_write_access(actor, inv.person)
    problems: list[str] = []
    if inv.stage != transition.from_stage:
        problems.append(
            f"{transition.label} starts from {stage_label(transition.from_stage).lower()}, "
            f"not {inv.stage_label.lower()}"
        )
    if not inv.is_open:
        problems.append("The involvement has already ended")
    check_not_future(on, "on")
    if on < inv.started_on:
        problems.append("The date is before the involvement started")
    if not problems:
        context = TransitionContext(involvement=inv, on=on, facts=dict(facts or {}))
        for precondition in transition.preconditions:
            problems.extend(precondition(context))
    if problems:
        raise TransitionRefused(problems)
    if transition.closes_from:
        _close(inv, actor=actor, ended_on=on, reason=reason or transition.label)
    new = None
    if transition.to_stage is not None:
        new = open_involvement(
            actor=actor,
            person=inv.person,
            stage=transition.to_stage,
            started_on=on,
            team=team or inv.team,
            stepped_from=inv,
            summary=f"{transition.label}: {stage_label(transition.to_stage)} started",
        )
    record_event(
        person_id=inv.person_id,
        type="involvement.transition",
        occurred=on,
        summary=transition.label + (f": {reason.strip()}" if reason.strip() else ""),
        recorded_by=actor,
        involvement=new or inv,
        detail={
            **(detail or {}),
            "transition": name,
            "from": inv.pk,
            "to": new.pk if new else None,
        },
    )
    return new


def can_retract(worker: Worker, event: Event) -> bool:
    """The worker who recorded it, a team manager or an administrator may say it was wrong."""
    return (
        event.recorded_by_id == worker.pk
        or worker.role == Role.TEAM_MANAGER
        or is_administrator(worker)
    )


@transaction.atomic
def mark_entered_in_error(*, actor: Worker, event_id: int, reason: str) -> EventRetraction:
    """A wrong entry stays, marked as entered in error with the reason; nothing is deleted."""
    event = Event.objects.select_for_update().select_related("person").get(pk=event_id)
    require_write_access(actor, event.person)
    if not can_retract(actor, event):
        raise PermissionDenied(
            "Only the worker who recorded it, a team manager or an administrator can do this"
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this entry is wrong"})
    if EventRetraction.objects.filter(event=event).exists():
        raise ValidationError("This entry is already marked as entered in error")
    retraction = EventRetraction.objects.create(
        event=event, reason=reason.strip()[:300], retracted_by=actor
    )
    record_event(
        person_id=event.person_id,
        type="event.entered_in_error",
        occurred=retraction.retracted_at,
        summary=f"Marked as entered in error: {event.summary[:200]}",
        recorded_by=actor,
        involvement=event.involvement,
        subject=event,
        detail={"event": event.pk, "reason": retraction.reason},
    )
    audit.record(
        worker=actor,
        action=AuditAction.EDIT,
        obj=event,
        reason=retraction.reason,
        detail={"entered_in_error": True},
    )
    return retraction


# ---- case notes ----------------------------------------------------------------------------


class StaleNote(ValidationError):
    """Someone changed the note since the worker opened it; `changed` lists what."""

    def __init__(self, message: str, changed: dict[str, list]):
        super().__init__(message)
        self.changed = changed


def _check_note(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("type") not in NoteType.values:
        errors["type"] = "Choose the type of note"
    if not (data.get("title") or "").strip():
        errors["title"] = "Enter a short title"
    occurred = data.get("occurred_at")
    if occurred is None:
        errors["occurred_at"] = "Enter when it happened"
    else:
        try:
            check_not_future(occurred, "occurred_at")
        except ValidationError:
            errors["occurred_at"] = "When it happened must be now or in the past"
    if data.get("seen_alone") and not data.get("child_seen"):
        errors["seen_alone"] = "A child seen alone must also be recorded as seen"
    if data.get("type") in VISIT_TYPES and data.get("child_seen") is None:
        errors["child_seen"] = "Say whether the child was seen"
    if (
        data.get("child_seen")
        and data.get("type") in VISIT_TYPES
        and data.get("seen_alone") is None
    ):
        errors["seen_alone"] = "Say whether the child was seen alone"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_note(
    *, actor: Worker, person: Person, data: dict[str, Any], involvement: Involvement | None = None
) -> CaseNote:
    """Record a case note (a visit asks whether the child was seen, seen alone, and their
    views) and write it to the child's journey."""
    require_write_access(actor, person)
    _check_note(data)
    fields = {f: data.get(f) for f in CONTENT_FIELDS}
    for text in ("title", "child_views", "purpose", "observation", "analysis", "actions"):
        fields[text] = (fields[text] or "").strip()
    note = CaseNote(person=person, involvement=involvement, author=actor, **fields)
    note.full_clean(exclude=["person", "involvement", "author"])
    note.save()
    visit = note.is_visit
    seen = (
        " — child seen alone"
        if note.seen_alone
        else " — child seen"
        if note.child_seen
        else " — child not seen"
        if visit
        else ""
    )
    record_event(
        person_id=person.pk,
        type="visit.recorded" if visit else "note.recorded",
        occurred=note.occurred_at,
        summary=f"{note.get_type_display()}: {note.title}{seen}",
        recorded_by=actor,
        involvement=involvement,
        subject=note,
        detail={
            "note_type": note.type,
            "child_seen": note.child_seen,
            "seen_alone": note.seen_alone,
        },
    )
    return note


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


@transaction.atomic
def revise_note(
    *, actor: Worker, note_id: int, data: dict[str, Any], version: int, reason: str = ""
) -> CaseNote:
    """Change a note. The author may correct it until it locks; after that anyone recording
    on the child changes it only as a new version with the reason. The earlier content is
    kept either way. A change made meanwhile by someone else is refused with what changed."""
    note = CaseNote.objects.select_for_update().select_related("person").get(pk=note_id)
    require_write_access(actor, note.person)
    if note.version != version:
        changed = {}
        seen = note.versions.filter(version=version).first()  # the content the worker opened
        for field, value in (seen.content if seen else {}).items():
            now = _shown(getattr(note, field))
            if value != now:
                changed[field] = [value, now]
        raise StaleNote(
            "This note was changed since you opened it: check the changes, then save again",
            changed,
        )
    locked = note.is_locked() or actor.pk != note.author_id
    reason = reason.strip()
    if locked and not reason:
        raise ValidationError({"reason": "Enter why you are changing a locked note"})
    _check_note(data)
    before = {f: _shown(v) for f, v in note.content().items()}
    for field in CONTENT_FIELDS:
        value = data.get(field)
        setattr(note, field, value.strip() if isinstance(value, str) else value)
    after = {f: _shown(v) for f, v in note.content().items()}
    if before == after:
        return note
    note.full_clean(exclude=["person", "involvement", "author"])
    CaseNoteVersion.objects.create(
        note=note, version=note.version, content=before, changed_by=actor, reason=reason
    )
    note.version += 1
    note.updated_at = timezone.now()
    note.save()
    record_event(
        person_id=note.person_id,
        type="note.revised",
        occurred=note.updated_at,
        summary=f"{note.get_type_display()} '{note.title}' changed"
        + (f": {reason}" if reason else ""),
        recorded_by=actor,
        involvement=note.involvement,
        subject=note,
        detail={"fields": sorted(f for f in after if after[f] != before[f]), "reason": reason},
    )
    return note
