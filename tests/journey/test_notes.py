"""Case notes: a visit says whether the child was seen and seen alone, and what they said;
a note locks after a while and is then changed only as a new version with the reason."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinfold.journey import services
from kinfold.journey.models import Event
from kinfold.journey.notes import CaseNote, CaseNoteVersion, NoteType

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 14, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(timezone.make_aware(NOW), tick=False) as traveller:
        yield traveller


def visit(**overrides):
    return {
        "type": NoteType.HOME_VISIT,
        "occurred_at": timezone.make_aware(dt.datetime(2026, 3, 10, 10, 30)),
        "title": "Statutory visit",
        "child_seen": True,
        "seen_alone": True,
        "child_views": "Maisie said she likes her new school and wants to see her dad more.",
        "purpose": "Review the plan with Maisie",
        "observation": "Home warm and tidy; Maisie relaxed with her mother.",
        "analysis": "Progress against the plan; contact with father to be explored.",
        "actions": "",
    } | overrides


def test_a_home_visit_with_the_child_seen_alone_is_written_to_the_journey(child, personas):
    worker = personas["allocated_worker"]
    note = services.record_note(actor=worker, person=child, data=visit())
    assert note.child_seen and note.seen_alone and "new school" in note.child_views
    event = Event.objects.get(subject_id=note.pk, type="visit.recorded")
    assert event.summary == "Home visit: Statutory visit — child seen alone"
    assert event.significant and event.detail["seen_alone"] is True


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"child_seen": False, "seen_alone": True}, "seen_alone", "must also be recorded as seen"),
        ({"child_seen": None, "seen_alone": None}, "child_seen", "Say whether the child was seen"),
        ({"seen_alone": None}, "seen_alone", "Say whether the child was seen alone"),
        (
            {"occurred_at": timezone.make_aware(dt.datetime(2026, 3, 10, 15, 0))},
            "occurred_at",
            "now or in the past",
        ),
        ({"title": " "}, "title", "Enter a short title"),
        ({"type": "seance"}, "type", "Choose the type"),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
    ],
)
def test_bad_notes_are_refused_beside_the_field_and_nothing_is_saved(
    child, personas, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        services.record_note(
            actor=personas["allocated_worker"], person=child, data=visit(**overrides)
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not CaseNote.objects.exists() and not Event.objects.exists()


def test_a_phone_call_need_not_say_whether_the_child_was_seen(child, personas):
    note = services.record_note(
        actor=personas["allocated_worker"],
        person=child,
        data=visit(type=NoteType.PHONE, child_seen=None, seen_alone=None, title="Call to school"),
    )
    assert Event.objects.get(subject_id=note.pk).type == "note.recorded"


def test_the_author_corrects_a_note_before_it_locks_and_the_earlier_text_is_kept(child, personas):
    worker = personas["allocated_worker"]
    note = services.record_note(actor=worker, person=child, data=visit())
    services.revise_note(
        actor=worker,
        note_id=note.pk,
        version=1,
        data=visit(analysis="Progress; father's contact to be assessed."),
    )
    note.refresh_from_db()
    assert note.version == 2 and note.analysis.startswith("Progress; father")
    old = CaseNoteVersion.objects.get(note=note)
    assert old.version == 1 and old.content["analysis"].startswith("Progress against the plan")


def test_after_it_locks_a_change_needs_a_reason(child, personas, _clock):
    worker = personas["allocated_worker"]
    note = services.record_note(actor=worker, person=child, data=visit())
    _clock.shift(dt.timedelta(hours=49))
    with pytest.raises(ValidationError, match="locked note"):
        services.revise_note(
            actor=worker, note_id=note.pk, version=1, data=visit(title="Statutory visit (CP)")
        )
    note.refresh_from_db()
    assert note.version == 1 and note.title == "Statutory visit"
    services.revise_note(
        actor=worker,
        note_id=note.pk,
        version=1,
        reason="Plan type was wrong",
        data=visit(title="Statutory visit (CP)"),
    )
    assert CaseNoteVersion.objects.get(note=note).reason == "Plan type was wrong"


def test_a_stale_edit_is_refused_with_what_changed(child, personas):
    worker, manager = personas["allocated_worker"], personas["team_manager"]
    note = services.record_note(actor=worker, person=child, data=visit())
    services.revise_note(
        actor=manager,
        note_id=note.pk,
        version=1,
        reason="Typo",
        data=visit(title="Statutory CP visit"),
    )
    with pytest.raises(services.StaleNote) as stale:
        services.revise_note(actor=worker, note_id=note.pk, version=1, data=visit(analysis="Mine"))
    assert stale.value.changed == {"title": ["Statutory visit", "Statutory CP visit"]}
    note.refresh_from_db()
    assert note.analysis.startswith("Progress against the plan")


def test_a_worker_outside_the_team_cannot_record_on_the_child(child, personas):
    with pytest.raises(PermissionDenied):
        services.record_note(actor=personas["other_team_worker"], person=child, data=visit())
