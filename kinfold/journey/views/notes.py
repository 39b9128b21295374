"""Case notes: a child's notes, recording one, reading one with its earlier versions, and
changing it (a new version with the reason once it is locked; a change made meanwhile by
someone else is refused with what changed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as format_date

from kinfold.access.guards import person_view
from kinfold.access.permissions import can_record
from kinfold.journey import selectors, services
from kinfold.journey.forms import CaseNoteEditForm, CaseNoteForm
from kinfold.journey.models import Event
from kinfold.journey.notes import CONTENT_FIELDS, CaseNote, CaseNoteVersion, NoteType

from .common import read_only, record_of_person

LABELS = {name: str(CaseNote._meta.get_field(name).verbose_name) for name in CONTENT_FIELDS}
LABELS.update(type="Type", title="Title", purpose="Purpose")


def shown(field: str, value: Any) -> str:
    """A note's value as a worker reads it (stored versions hold ISO dates and codes)."""
    if value is None or value == "":
        return "Not answered" if field in ("child_seen", "seen_alone") else "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "type":
        return NoteType(value).label if value in NoteType.values else str(value)
    if field == "occurred_at":
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_date(timezone.localtime(when), "j F Y, H:i")
    return str(value)


@dataclass(frozen=True)
class Difference:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Revision:
    """One change of a note: who, when, why, and what changed."""

    version: CaseNoteVersion
    changes: list[Difference]


def _differences(before: dict, after: dict) -> list[Difference]:
    return [
        Difference(LABELS.get(f, f), shown(f, before.get(f)), shown(f, after.get(f)))
        for f in CONTENT_FIELDS
        if before.get(f) != after.get(f)
    ]


def revisions(note: CaseNote) -> list[Revision]:
    """Each earlier version, latest first, against the content that replaced it."""
    versions = list(note.versions.select_related("changed_by").order_by("version"))
    current = {f: services._shown(v) for f, v in note.content().items()}
    found = []
    for i, version in enumerate(versions):
        after = versions[i + 1].content if i + 1 < len(versions) else current
        found.append(Revision(version, _differences(version.content, after)))
    return list(reversed(found))


def _recording_event(note: CaseNote) -> Event | None:
    return (
        Event.objects.filter(
            subject_type=ContentType.objects.get_for_model(CaseNote),
            subject_id=note.pk,
            type__in=("note.recorded", "visit.recorded"),
        )
        .select_related("retraction", "retraction__retracted_by")
        .first()
    )


@person_view()
def notes(request, person):
    return render(
        request,
        "journey/notes.html",
        {
            "person": person,
            "notes": selectors.notes_for_person(worker=request.user, person_id=person.pk),
            "can_record": can_record(request.user),
        },
    )


@person_view()
def add_note(request, person):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    form = CaseNoteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            note = services.record_note(actor=worker, person=person, data=form.note_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The note '{note.title}' was saved")
            return redirect("journey:note", note.pk)
    return render(request, "journey/add_note.html", {"form": form, "person": person})


@record_of_person(CaseNote.objects.select_related("person", "author"), "note_pk", "note")
def note(request, person, note):
    worker = request.user
    event = _recording_event(note)
    return render(
        request,
        "journey/note.html",
        {
            "person": person,
            "note": note,
            "event": event,
            "revisions": revisions(note),
            "locked": note.is_locked(),
            "can_record": can_record(worker),
            "can_retract": event is not None
            and not event.entered_in_error
            and can_record(worker)
            and services.can_retract(worker, event),
        },
    )


def _stale_rows(changed: dict[str, list]) -> list[Difference]:
    return [
        Difference(LABELS.get(f, f), shown(f, then), shown(f, now))
        for f, (then, now) in changed.items()
    ]


@record_of_person(CaseNote.objects.select_related("person", "author"), "note_pk", "note")
def edit_note(request, person, note):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    options = {
        "locked": note.is_locked() or worker.pk != note.author_id,
        "locks_at": note.locks_at,
        "is_author": worker.pk == note.author_id,
    }
    stale = None
    if request.method != "POST":
        form = CaseNoteEditForm(initial=CaseNoteForm.initial_for(note), **options)
    else:
        form = CaseNoteEditForm(request.POST, **options)
        if form.is_valid():
            try:
                revised = services.revise_note(
                    actor=worker,
                    note_id=note.pk,
                    data=form.note_data(),
                    version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except services.StaleNote as error:
                # Keep what the worker typed, at the version now saved, so that saving again
                # is a deliberate choice over the changes listed.
                resubmit = request.POST.copy()
                resubmit["version"] = str(CaseNote.objects.get(pk=note.pk).version)
                form = CaseNoteEditForm(resubmit, **options)
                form.is_valid()
                form.add_error(None, error.messages)
                stale = _stale_rows(error.changed)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if revised.version == form.cleaned_data["version"]:
                    messages.info(request, "You did not change anything, so nothing was saved")
                else:
                    messages.success(request, "The changes to the note were saved")
                return redirect("journey:note", note.pk)
    return render(
        request,
        "journey/edit_note.html",
        {"form": form, "person": person, "note": note, "stale": stale, **options},
    )
