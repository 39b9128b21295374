"""The pages of a child's journey, driven as a worker would: record a visit and see it in the
chronology and on the child's page; bad input refused beside the field with nothing saved; a
stale edit refused with what changed; entries in error struck through; the chronology filtered
and exported (audited); supervision actions followed to done; and the access rules."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import zlib

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.journey import services
from kinfold.journey.chronology_services import add_chronology_entry
from kinfold.journey.events import record_event
from kinfold.journey.models import Event, EventRetraction
from kinfold.journey.notes import CaseNote, NoteType
from kinfold.journey.oversight import Action, CaseDiscussion, Supervision
from kinfold.workforce.models import AllocationRole
from kinfold.workforce.services import allocate
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 14, 0)
FUTURE = "When it happened must be now or in the past"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(timezone.make_aware(NOW), tick=False) as traveller:
        yield traveller


def visit_form(**overrides) -> dict[str, str]:
    """The add-note form as a worker fills it for a home visit with the child seen alone."""
    return {
        "type": NoteType.HOME_VISIT,
        "occurred_on_0": "10",
        "occurred_on_1": "3",
        "occurred_on_2": "2026",
        "occurred_time": "10:30",
        "title": "Statutory visit",
        "child_seen": "yes",
        "seen_alone": "yes",
        "child_views": "Maisie said she likes her new school and wants to see her dad more.",
        "purpose": "Review the plan with Maisie",
        "observation": "Home warm and tidy; Maisie relaxed with her mother.",
        "analysis": "Progress against the plan; contact with father to be explored.",
        "actions": "",
    } | overrides


def visit_data(**overrides):
    """The same visit as the service takes it."""
    return {
        "type": NoteType.HOME_VISIT,
        "occurred_at": timezone.make_aware(dt.datetime(2026, 3, 10, 10, 30)),
        "title": "Statutory visit",
        "child_seen": True,
        "seen_alone": True,
        "child_views": "Maisie said she likes her new school.",
        "purpose": "Review the plan",
        "observation": "Home warm and tidy.",
        "analysis": "Progress against the plan.",
        "actions": "",
    } | overrides


def page(response) -> str:
    return html.unescape(response.content.decode())


def error_beside(response, field_id: str, message: str) -> bool:
    """Whether the GOV.UK error message for the field (its id) says `message`."""
    pattern = (
        rf'id="{re.escape(field_id)}_\d+_error"[^>]*>\s*<span[^>]*>Error:</span>\s*'
        rf"[^<]*{re.escape(message)}"
    )
    return re.search(pattern, page(response)) is not None


def pdf_text(content: bytes) -> str:
    """The text a PDF made by reportlab draws (its streams are ASCII85 then Flate), without
    spaces: lines wrap where the column ends, so compare with `squeezed`."""
    assert content.startswith(b"%PDF-")
    strings = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", content, re.S):
        head, data = match.groups()
        if b"/ASCII85Decode" in head:
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        for text in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", data):
            strings.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return squeezed("".join(strings))


def squeezed(text: str) -> str:
    return "".join(text.split())


# ---- case notes ----------------------------------------------------------------------------


def test_a_home_visit_with_the_child_seen_alone_shows_in_the_chronology_and_on_the_record(
    child, personas, client_for
):
    worker = personas["allocated_worker"]
    client = client_for(worker)
    form = client.get(reverse("journey:add-note", args=[child.pk]))
    assert form.status_code == 200
    assert "Was the child seen alone?" in page(form)

    saved = client.post(reverse("journey:add-note", args=[child.pk]), visit_form())

    note = CaseNote.objects.get(person=child)
    assert saved.status_code == 302 and saved["Location"] == reverse("journey:note", args=[note.pk])
    assert note.child_seen is True and note.seen_alone is True
    assert "wants to see her dad more" in note.child_views
    assert timezone.localtime(note.occurred_at) == timezone.make_aware(
        dt.datetime(2026, 3, 10, 10, 30)
    )
    assert note.author == worker

    chronology = page(client.get(reverse("journey:chronology", args=[child.pk])))
    assert "Home visit: Statutory visit — child seen alone" in chronology
    assert "10 March 2026, 10:30" in chronology

    record = client.get(reverse("people:detail", args=[child.pk]))
    last_visit = re.search(r'id="last-visit">(.*?)</dd>', page(record), re.S).group(1)
    assert "Home visit, 10 March 2026" in last_visit and "child seen alone" in last_visit
    assert "Home visit: Statutory visit — child seen alone" in page(record)

    shown = page(client.get(reverse("journey:note", args=[note.pk])))
    assert "wants to see her dad more" in shown and "Progress against the plan" in shown
    # Every look at the child's pages is audited against the child.
    paths = [
        e.detail["path"]
        for e in AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="people.person", object_id=str(child.pk)
        )
    ]
    assert reverse("journey:chronology", args=[child.pk]) in paths
    assert reverse("journey:note", args=[note.pk]) in paths


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        (
            {"child_seen": "no", "seen_alone": "yes"},
            "id_seen_alone",
            "A child seen alone must also be recorded as seen",
        ),
        ({"child_seen": ""}, "id_child_seen", "Say whether the child was seen"),
        (
            {"occurred_time": "15:00"},
            "id_occurred_on",
            "When it happened must be now or in the past",
        ),
        ({"occurred_on_0": "11"}, "id_occurred_on", "When it happened must be now or in the past"),
        ({"occurred_on_0": "31", "occurred_on_1": "2"}, "id_occurred_on", "must be a real date"),
        ({"occurred_time": "25:00"}, "id_occurred_time", "Enter the time as hours and minutes"),
        ({"title": "   "}, "id_title", "Enter a short title"),
        ({"title": "x" * 201}, "id_title", "The title must be 200 characters or fewer"),
        ({"type": ""}, "id_type", "Choose the type of note"),
    ],
)
def test_bad_notes_are_refused_beside_the_field_and_nothing_is_saved(
    child, personas, client_for, overrides, field_id, message
):
    client = client_for(personas["allocated_worker"])
    response = client.post(reverse("journey:add-note", args=[child.pk]), visit_form(**overrides))
    assert response.status_code == 200
    assert error_beside(response, field_id, message), message
    assert "There is a problem" in page(response)
    # What the worker typed is kept.
    assert "wants to see her dad more" in page(response)
    assert not CaseNote.objects.exists() and not Event.objects.exists()


def test_a_stale_edit_is_refused_with_what_changed_and_keeps_the_workers_input(
    child, personas, client_for
):
    worker, manager = personas["allocated_worker"], personas["team_manager"]
    note = services.record_note(actor=worker, person=child, data=visit_data())
    client = client_for(worker)
    opened = client.get(reverse("journey:edit-note", args=[note.pk]))
    assert 'name="version" value="1"' in page(opened)
    # Meanwhile the manager corrects the title.
    services.revise_note(
        actor=manager,
        note_id=note.pk,
        version=1,
        reason="Plan type",
        data=visit_data(title="Statutory CP visit"),
    )
    mine = visit_form(version="1", analysis="My own analysis of the visit", title="Statutory visit")
    response = client.post(reverse("journey:edit-note", args=[note.pk]), mine)

    assert response.status_code == 200
    text = page(response)
    assert "This note was changed since you opened it" in text
    changed = re.search(r'id="changed-since">(.*?)Your changes have not been saved', text, re.S)
    rows = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", changed.group(1), re.S)
    assert rows == [("Title", "Statutory visit → Statutory CP visit")]
    assert "My own analysis of the visit" in text  # kept
    assert 'name="version" value="2"' in text  # saving again is a deliberate choice
    note.refresh_from_db()
    assert note.version == 2 and note.analysis == "Progress against the plan."


def test_a_locked_note_says_when_it_locked_and_needs_a_reason(child, personas, client_for, _clock):
    worker = personas["allocated_worker"]
    note = services.record_note(actor=worker, person=child, data=visit_data())
    _clock.shift(dt.timedelta(hours=49))
    client = client_for(worker)
    opened = page(client.get(reverse("journey:edit-note", args=[note.pk])))
    assert "This note locked at 14:00 on 12 March 2026" in opened
    url = reverse("journey:edit-note", args=[note.pk])
    response = client.post(url, visit_form(version="1", title="Statutory CP visit"))
    assert error_beside(response, "id_reason", "Enter why you are changing a locked note")
    note.refresh_from_db()
    assert note.title == "Statutory visit"
    saved = client.post(
        url, visit_form(version="1", title="Statutory CP visit", reason="Plan type was wrong")
    )
    assert saved.status_code == 302
    shown = page(client.get(reverse("journey:note", args=[note.pk])))
    assert "Reason: Plan type was wrong" in shown
    assert "Statutory visit" in shown and "Statutory CP visit" in shown


# ---- the chronology ------------------------------------------------------------------------


def test_an_entry_marked_in_error_is_struck_through_with_the_reason(child, personas, client_for):
    worker = personas["allocated_worker"]
    note = services.record_note(actor=worker, person=child, data=visit_data())
    event = Event.objects.get(subject_id=note.pk, type="visit.recorded")
    client = client_for(worker)
    form = client.get(reverse("journey:retract", args=[event.pk]))
    assert form.status_code == 200 and "Statutory visit" in page(form)
    refused = client.post(reverse("journey:retract", args=[event.pk]), {"reason": ""})
    assert error_beside(refused, "id_reason", "Enter why this entry is wrong")
    assert not EventRetraction.objects.exists()

    done = client.post(
        reverse("journey:retract", args=[event.pk]), {"reason": "Recorded on the wrong child"}
    )
    assert done.status_code == 302
    text = page(client.get(reverse("journey:chronology", args=[child.pk])))
    row = re.search(r'<tr class="govuk-table__row kf-in-error">(.*?)</tr>', text, re.S).group(1)
    assert "Home visit: Statutory visit" in row
    assert "Entered in error: Recorded on the wrong child" in row
    # The entry stays: nothing is deleted.
    assert Event.objects.filter(pk=event.pk).exists()
    # The last visit on the child's page no longer counts it.
    record = page(client.get(reverse("people:detail", args=[child.pk])))
    assert "No visit recorded" in re.search(r'id="last-visit">(.*?)</dd>', record, re.S).group(1)


def test_only_the_recorder_a_manager_or_an_administrator_marks_an_entry_in_error(
    child, personas, client_for
):
    note = services.record_note(actor=personas["allocated_worker"], person=child, data=visit_data())
    event = Event.objects.get(subject_id=note.pk)
    url = reverse("journey:retract", args=[event.pk])
    assert client_for(personas["iro"]).post(url, {"reason": "No"}).status_code == 403
    assert client_for(personas["performance_officer"]).get(url).status_code == 403
    assert client_for(personas["other_team_worker"]).get(url).status_code == 403
    assert not EventRetraction.objects.exists()
    assert client_for(personas["team_manager"]).get(url).status_code == 200


@pytest.fixture
def journey(child, personas):
    """Events over two years, of three categories."""
    worker, manager = personas["allocated_worker"], personas["team_manager"]

    def event(type_, day, summary, **kw):
        return record_event(
            person_id=child.pk, type=type_, occurred=day, summary=summary, recorded_by=worker, **kw
        )

    return {
        "opened": event("involvement.opened", dt.date(2025, 1, 6), "Child in need started"),
        "allocated": event("allocation.started", dt.date(2025, 1, 7), "Allocated to the team"),
        "call": event(
            "note.recorded",
            timezone.make_aware(dt.datetime(2025, 6, 2, 9, 15)),
            "Phone call: school worried",
        ),
        "oversight": record_event(
            person_id=child.pk,
            type="oversight.recorded",
            occurred=dt.date(2026, 2, 1),
            summary="Management oversight: continue the plan",
            recorded_by=manager,
        ),
    }


def _rows(response) -> str:
    return re.search(r"<tbody.*?</tbody>", page(response), re.S).group(0)


def test_the_chronology_filters_by_category_dates_and_significance(
    child, personas, client_for, journey
):
    client = client_for(personas["allocated_worker"])
    url = reverse("journey:chronology", args=[child.pk])

    everything = _rows(client.get(url))
    for summary in (
        "Child in need started",
        "Allocated to the team",
        "Phone call: school worried",
        "Management oversight: continue the plan",
    ):
        assert summary in everything
    assert "2 June 2025, 09:15" in everything and "6 January 2025<" in everything

    allocations = _rows(client.get(url, {"category": "allocation"}))
    assert "Allocated to the team" in allocations
    assert "Child in need started" not in allocations and "school worried" not in allocations

    two = _rows(client.get(url, {"category": ["allocation", "oversight"]}))
    assert "Allocated to the team" in two and "continue the plan" in two
    assert "school worried" not in two

    dated = _rows(
        client.get(
            url,
            {
                "from_date_0": "1",
                "from_date_1": "2",
                "from_date_2": "2025",
                "to_date_0": "1",
                "to_date_1": "2",
                "to_date_2": "2026",
            },
        )
    )
    assert "school worried" in dated and "continue the plan" in dated  # the end day included
    assert "Allocated to the team" not in dated

    significant = _rows(client.get(url, {"significant": "on"}))
    assert "Child in need started" in significant and "continue the plan" in significant
    assert "school worried" not in significant

    backwards = client.get(
        url,
        {
            "from_date_0": "1",
            "from_date_1": "2",
            "from_date_2": "2026",
            "to_date_0": "1",
            "to_date_1": "1",
            "to_date_2": "2026",
        },
    )
    assert error_beside(backwards, "id_to_date", "The end of the period must be on or after")


def test_a_worker_adds_a_significant_event_with_its_source(child, personas, client_for):
    client = client_for(personas["allocated_worker"])
    url = reverse("journey:add-entry", args=[child.pk])
    future = client.post(
        url,
        {
            "occurred_on_0": "11",
            "occurred_on_1": "3",
            "occurred_on_2": "2026",
            "summary": "Police called to the home",
            "source": "Police notification",
        },
    )
    assert error_beside(future, "id_occurred_on", "The date must be today or in the past")
    no_source = client.post(
        url,
        {"occurred_on_0": "8", "occurred_on_1": "3", "occurred_on_2": "2026", "summary": "x"},
    )
    assert error_beside(no_source, "id_source", "Enter where the information came from")
    assert not Event.objects.exists()

    saved = client.post(
        url,
        {
            "occurred_on_0": "8",
            "occurred_on_1": "3",
            "occurred_on_2": "2026",
            "summary": "Police called to the home after a neighbour's report",
            "source": "Police notification",
        },
    )
    assert saved.status_code == 302
    event = Event.objects.get(type="chronology.entry")
    assert (
        event.significant and event.date_only and event.detail == {"source": "Police notification"}
    )
    text = page(client.get(reverse("journey:chronology", args=[child.pk]), {"significant": "on"}))
    assert "Police called to the home after a neighbour's report" in text
    assert "(Source: Police notification)" in text and "8 March 2026<" in text


def test_the_pdf_export_holds_the_child_the_filters_and_each_row_and_is_audited(
    child, personas, client_for, journey
):
    worker = personas["allocated_worker"]
    services.mark_entered_in_error(
        actor=worker, event_id=journey["call"].pk, reason="Wrong child's school"
    )
    response = client_for(worker).get(
        reverse("journey:chronology-pdf", args=[child.pk]),
        {"category": ["allocation", "recording"]},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert child.la_child_id in response["Content-Disposition"]
    text = pdf_text(response.content)
    for shown in (
        "Chronology of Maisie Okafor",
        "Date of birth: 14 May 2017",
        f"LA child ID: {child.la_child_id}",
        "Filters: Categories: Allocations, Case notes and visits",
        "Allocated to the team",
        "Phone call: school worried",
        "Entered in error: Wrong child's school",
        f"Generated by {worker.get_full_name()} on 10 March 2026",
    ):
        assert squeezed(shown) in text, shown
    assert squeezed("Child in need started") not in text  # filtered out
    assert squeezed("continue the plan") not in text

    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.worker == worker and export.object_id == str(child.pk)
    assert export.detail["rows"] == 2 and export.detail["format"] == "pdf"


def test_a_chronology_with_a_bad_filter_is_not_exported(child, personas, client_for):
    url = reverse("journey:chronology-pdf", args=[child.pk])
    response = client_for(personas["allocated_worker"]).get(
        url, {"from_date_0": "40", "from_date_1": "1", "from_date_2": "2026"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("journey:chronology", args=[child.pk]))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# ---- the child's page ----------------------------------------------------------------------


def test_the_childs_page_shows_the_team_involvements_and_changes_of_social_worker(
    child, org, personas, client_for
):
    manager = personas["team_manager"]
    services.open_involvement(
        actor=manager,
        person=child,
        stage="child_in_need",
        started_on=dt.date(2025, 1, 6),
        team=org["north_childrens"],
    )
    second = WorkerFactory(first_name="Priya", last_name="Lindqvist", team=org["north_childrens"])
    allocate(
        actor=manager,
        person=child,
        worker=second,
        team=org["north_childrens"],
        start_date=dt.date(2026, 1, 12),
        reason="Worker moved to the assessment team",
    )
    text = page(client_for(manager).get(reverse("people:detail", args=[child.pk])))
    assert "Team around the child" in text
    team = re.search(r"Team around the child(.*?)</table>", text, re.S).group(1)
    assert "Priya Lindqvist" in team and "12 Jan 2026" in team
    assert AllocationRole.SOCIAL_WORKER.label in team
    assert re.search(r'id="social-worker-changes">\s*1\s*<', text)
    stage_now = re.search(r'id="stage-now"(.*?)</dl>', text, re.S).group(1)
    assert "Child in need since 6 Jan 2025" in stage_now
    assert reverse("journey:add-note", args=[child.pk]) in text
    assert reverse("journey:chronology", args=[child.pk]) in text


# ---- supervision and actions ---------------------------------------------------------------


def supervision_form(child, worker, **overrides) -> dict[str, str]:
    data = {
        "held_on_0": "9",
        "held_on_1": "3",
        "held_on_2": "2026",
        "notes": "Workload manageable.",
        "discussions-0-person": str(child.pk),
        "discussions-0-discussion": "Progress on the plan; father asking for contact.",
        "discussions-0-decision": "Continue the plan; assess father as a contact.",
        "discussions-0-action_0_description": "Visit father to assess contact",
        "discussions-0-action_0_owner": str(worker.pk),
        "discussions-0-action_0_due_date_0": "12",
        "discussions-0-action_0_due_date_1": "3",
        "discussions-0-action_0_due_date_2": "2026",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def test_a_supervision_action_lands_on_my_actions_and_is_marked_done(
    child, personas, client_for, _clock
):
    manager, worker = personas["team_manager"], personas["allocated_worker"]
    url = reverse("journey:supervision-new", args=[worker.pk])
    form = client_for(manager).get(url)
    assert form.status_code == 200 and "Maisie Okafor" in page(form)

    saved = client_for(manager).post(url, supervision_form(child, worker))

    supervision = Supervision.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("journey:supervision", args=[supervision.pk])
    case = CaseDiscussion.objects.get()  # the two empty blocks were ignored
    assert case.person == child and case.supervision == supervision
    assert Event.objects.filter(person=child, type="oversight.recorded").count() == 1
    shown = page(client_for(worker).get(saved["Location"]))
    assert "Continue the plan; assess father as a contact." in shown

    client = client_for(worker)
    mine = page(client.get(reverse("journey:my-actions")))
    assert "Visit father to assess contact" in mine and "Overdue" not in mine

    _clock.shift(dt.timedelta(days=3))  # 13 March: a day past due
    client = client_for(worker)  # signed in again: the session timed out meanwhile
    late = page(client.get(reverse("journey:my-actions")))
    assert re.search(r'govuk-tag--red">Overdue', late)

    action = Action.objects.get()
    done = client.post(reverse("journey:my-actions"), {"action": str(action.pk)})
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.completed_by == worker and action.completed_at is not None
    assert "You have no open actions" in page(client.get(reverse("journey:my-actions")))
    assert Event.objects.filter(person=child, type="action.completed").exists()


def test_a_half_filled_action_is_refused_beside_its_fields_and_nothing_is_saved(
    child, personas, client_for
):
    manager, worker = personas["team_manager"], personas["allocated_worker"]
    response = client_for(manager).post(
        reverse("journey:supervision-new", args=[worker.pk]),
        supervision_form(
            child,
            worker,
            **{
                "discussions-0-action_0_owner": "",
                "discussions-0-decision": "",
                "discussions-1-action_1_description": "Ring the school",
            },
        ),
    )
    assert response.status_code == 200
    assert error_beside(response, "id_discussions-0-action_0_owner", "Choose who will do it")
    assert error_beside(response, "id_discussions-1-person", "Choose the child discussed")
    assert error_beside(response, "id_discussions-1-action_1_owner", "Choose who will do it")
    assert "There is a problem" in page(response)
    assert not Supervision.objects.exists() and not Action.objects.exists()

    # Past the form, the service's own checks come back beside the fields too.
    response = client_for(manager).post(
        reverse("journey:supervision-new", args=[worker.pk]),
        supervision_form(child, worker, **{"discussions-0-decision": ""}),
    )
    assert error_beside(response, "id_discussions-0-decision", "Enter the decision for")
    response = client_for(manager).post(
        reverse("journey:supervision-new", args=[worker.pk]),
        supervision_form(child, worker, **{"discussions-0-action_0_due_date_0": "1"}),
    )
    assert error_beside(
        response, "id_discussions-0-action_0_due_date", "cannot be due before it was agreed"
    )
    assert not Supervision.objects.exists() and not Action.objects.exists()


def test_only_a_manager_in_the_workers_team_records_their_supervision(child, personas, client_for):
    worker = personas["allocated_worker"]
    url = reverse("journey:supervision-new", args=[worker.pk])
    for persona in ("other_team_worker", "iro", "admin", "performance_officer"):
        assert client_for(personas[persona]).get(url).status_code == 403, persona
    assert (
        client_for(personas["other_team_worker"])
        .post(url, supervision_form(child, worker))
        .status_code
        == 403
    )
    assert not Supervision.objects.exists()


# ---- access --------------------------------------------------------------------------------


def test_a_worker_in_another_team_sees_none_of_the_childs_journey(child, personas, client_for):
    note = services.record_note(actor=personas["allocated_worker"], person=child, data=visit_data())
    event = Event.objects.get(subject_id=note.pk)
    client = client_for(personas["other_team_worker"])
    for url in (
        reverse("journey:notes", args=[child.pk]),
        reverse("journey:add-note", args=[child.pk]),
        reverse("journey:note", args=[note.pk]),
        reverse("journey:edit-note", args=[note.pk]),
        reverse("journey:chronology", args=[child.pk]),
        reverse("journey:chronology-pdf", args=[child.pk]),
        reverse("journey:add-entry", args=[child.pk]),
        reverse("journey:retract", args=[event.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "access/no_access.html" in [t.name for t in response.templates], url
        assert "Statutory visit" not in page(response) and "Maisie" not in page(response)
    refused = client.post(reverse("journey:add-note", args=[child.pk]), visit_form())
    assert refused.status_code == 403
    assert CaseNote.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, worker=personas["other_team_worker"]
    ).exists()


def test_a_performance_officer_reads_the_chronology_but_cannot_record(child, personas, client_for):
    client = client_for(personas["performance_officer"])
    assert client.get(reverse("journey:chronology", args=[child.pk])).status_code == 200
    assert client.get(reverse("journey:notes", args=[child.pk])).status_code == 200
    assert client.get(reverse("journey:add-note", args=[child.pk])).status_code == 403
    assert (
        client.post(reverse("journey:add-note", args=[child.pk]), visit_form()).status_code == 403
    )
    entry = client.post(
        reverse("journey:add-entry", args=[child.pk]),
        {
            "occurred_on_0": "8",
            "occurred_on_1": "3",
            "occurred_on_2": "2026",
            "summary": "x",
            "source": "y",
        },
    )
    assert entry.status_code == 403
    assert not CaseNote.objects.exists() and not Event.objects.exists()
    # Nor is "Record a note" offered to them on the child's page.
    record = page(client.get(reverse("people:detail", args=[child.pk])))
    assert reverse("journey:add-note", args=[child.pk]) not in record


def test_a_restricted_childs_notes_are_hidden_from_the_allocated_worker(
    child, personas, client_for
):
    note = services.record_note(actor=personas["allocated_worker"], person=child, data=visit_data())
    type(child).objects.filter(pk=child.pk).update(
        restricted=True,
        restriction_reason="High profile",
        restriction_manager=personas["team_manager"],
    )
    client = client_for(personas["allocated_worker"])
    response = client.get(reverse("journey:note", args=[note.pk]))
    assert response.status_code == 403 and response.context["restricted"] is True
    assert "Statutory visit" not in page(response)
    manager = client_for(personas["team_manager"])
    assert manager.get(reverse("journey:note", args=[note.pk])).status_code == 200


def test_add_chronology_entry_refuses_text_too_long(child, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        add_chronology_entry(
            actor=personas["allocated_worker"],
            person=child,
            occurred_on=dt.date(2026, 3, 1),
            summary="x" * 501,
            source="School",
        )
    assert "500 characters or fewer" in refused.value.message_dict["summary"][0]
