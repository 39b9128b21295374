"""The synthetic county's journey: involvements, case notes at about the statutory visit
frequency with some late and missing, supervision with case discussions and actions in every
state, and an event for each record as the services would write it. --clear removes it all
(the events' append-only trigger included) on SQLite and PostgreSQL."""

import datetime as dt
import itertools
import statistics
from collections import Counter, defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.utils import timezone

from kinfold.journey.models import Event, Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.journey.oversight import Action, CaseDiscussion, Supervision
from kinfold.journey.oversight_services import (
    ActionPlan,
    Discussion,
    complete_action,
    record_oversight,
)
from kinfold.journey.services import _check_note, record_note
from kinfold.people.models import Person
from kinfold.timescales.calendar import WorkingCalendar
from kinfold.workforce.models import Allocation, Worker
from synthetic import county as county_module
from synthetic.county import clear_county, generate
from synthetic.journey import CASE_ROLES
from synthetic.pipeline import Options
from synthetic.stages import STAGES

TODAY = dt.date(2026, 3, 31)
JOURNEY_STAGES = {"Involvements and case notes", "Supervision and actions"}
# The stages up to the journey's: those after it (the front door first) add involvements of
# their own (tests/synthetic/test_front_door_stage.py and the stages' own tests).
UP_TO_JOURNEY = STAGES[: [s.name for s in STAGES].index("Supervision and actions") + 1]


def options(**overrides) -> Options:
    values = {
        "children": 1200,
        "years": 3,
        "seed": 5,
        "today": TODAY,
        "allocated_share": 0.12,
    }
    return Options(**{**values, **overrides})


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(county_module, "STAGES", UP_TO_JOURNEY)
        made = generate(options())
        yield made
        clear_county()


def case_children() -> set[int]:
    return set(
        Allocation.objects.filter(role__in=CASE_ROLES, end_date__isnull=True).values_list(
            "person_id", flat=True
        )
    )


# ---- involvements ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_allocated_child_has_an_open_involvement_at_a_realistic_stage(county):
    children = case_children()
    assert len(children) > 80
    open_stage = dict(
        Involvement.objects.filter(ended_on__isnull=True).values_list("person_id", "stage")
    )
    assert set(open_stage) == children
    share = Counter(open_stage.values())
    n = len(children)
    assert 0.45 < share["child_in_need"] / n < 0.85
    assert 0.08 < share["child_protection"] / n < 0.35
    assert 0.05 < share["child_in_care"] / n < 0.3
    assert share["care_leaver"] >= 1
    closed = Involvement.objects.filter(ended_on__isnull=False)
    assert 0.1 < closed.count() / n < 0.6, "some earlier involvements, closed"
    assert not closed.filter(end_reason="").exists()
    reasons = set(closed.values_list("end_reason", flat=True))
    assert {"Stepped up to child protection", "Turned 18: now a care leaver"} <= reasons
    assert len(reasons) >= 5
    stepped = Involvement.objects.filter(stepped_from__isnull=False).select_related("stepped_from")
    assert stepped.exists()
    for inv in stepped:
        assert inv.stepped_from.person_id == inv.person_id
        assert inv.stepped_from.ended_on == inv.started_on
    assert not Involvement.objects.filter(started_on__gte=TODAY).exists()


@pytest.mark.django_db
def test_care_leavers_are_18_to_25_with_a_personal_adviser(county):
    leavers = Involvement.objects.filter(stage="care_leaver", ended_on__isnull=True)
    assert leavers.exists()
    for inv in leavers.select_related("person"):
        assert 18 <= (TODAY - inv.person.date_of_birth).days / 365.25 < 26
        assert Allocation.objects.filter(
            person=inv.person, role="personal_adviser", end_date__isnull=True
        ).exists()
        before = inv.stepped_from
        assert before is not None and before.stage == "child_in_care"


# ---- case notes -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_note_passes_the_services_rules_and_nothing_is_after_today(county):
    notes = list(CaseNote.objects.all())
    assert len(notes) > 20 * len(case_children())
    for note in notes:
        _check_note(note.content())  # the rules record_note applies
        assert note.occurred_at < start_of(TODAY)
        assert note.occurred_at <= note.recorded_at < start_of(TODAY)
        assert not (note.seen_alone and not note.child_seen)
        assert note.title and note.purpose
        if note.is_visit and note.child_seen:
            assert note.child_views
    sample = notes[:: max(1, len(notes) // 300)]
    for note in sample:
        note.full_clean(exclude=["person", "involvement", "author"])


@pytest.mark.django_db
def test_notes_are_written_by_the_worker_allocated_on_the_day(county):
    held = defaultdict(list)
    for person, worker, start, end in Allocation.objects.filter(role__in=CASE_ROLES).values_list(
        "person_id", "worker_id", "start_date", "end_date"
    ):
        held[person].append((worker, start, end))
    for person, author, occurred in CaseNote.objects.values_list(
        "person_id", "author_id", "occurred_at"
    ):
        day = timezone.localtime(occurred).date()
        assert any(w == author and s <= day and (e is None or e >= day) for w, s, e in held[person])


@pytest.mark.django_db
def test_visits_come_at_about_the_statutory_frequency_with_some_late_and_gaps(county):
    calendar = WorkingCalendar()
    every = {
        "child_protection": lambda d: calendar.add_working_days(d, 10),
        "child_in_need": lambda d: calendar.add_working_days(d, 20),
        "child_in_care": lambda d: d + dt.timedelta(weeks=6),
    }
    visits = defaultdict(list)
    for involvement, stage, occurred in (
        CaseNote.objects.filter(type__in=VISIT_TYPES, involvement__stage__in=every)
        .order_by("occurred_at")
        .values_list("involvement_id", "involvement__stage", "occurred_at")
    ):
        visits[(involvement, stage)].append(timezone.localtime(occurred).date())
    on_time = late = 0
    gaps: dict[str, list[int]] = defaultdict(list)
    for (_, stage), days in visits.items():
        for before, after in itertools.pairwise(days):
            gaps[stage].append((after - before).days)
            if after <= every[stage](before):
                on_time += 1
            else:
                late += 1
    assert 0.6 < on_time / (on_time + late) < 0.9
    assert statistics.median(gaps["child_protection"]) <= 14
    assert 14 < statistics.median(gaps["child_in_need"]) <= 28
    assert 28 < statistics.median(gaps["child_in_care"]) <= 42
    long_gaps = sum(g > 60 for stage in gaps for g in gaps[stage])
    assert long_gaps >= 5, "now and then a child goes months without a visit"


@pytest.mark.django_db
def test_children_seen_and_seen_alone_at_realistic_rates(county):
    visits = CaseNote.objects.filter(type__in=VISIT_TYPES)
    seen = visits.filter(child_seen=True)
    assert 0.85 < seen.count() / visits.count() < 0.95
    assert 0.45 < seen.filter(seen_alone=True).count() / seen.count() < 0.72
    young_seen = young_alone = 0
    for alone, occurred, dob in seen.values_list(
        "seen_alone", "occurred_at", "person__date_of_birth"
    ):
        if (occurred.date() - dob).days < 4 * 365:
            young_seen += 1
            young_alone += bool(alone)
    assert young_seen > 30
    assert young_alone / young_seen < 0.12, "under 4s are rarely seen alone"
    kinds = Counter(CaseNote.objects.values_list("type", flat=True))
    assert kinds["phone"] and kinds["meeting"] and kinds["multi_agency"]


@pytest.mark.django_db
def test_note_text_names_only_the_child(county):
    """The only person named in a note is the child, by their synthetic given name."""
    names = set(Person.objects.values_list("given_name", flat=True)) | set(
        Person.objects.values_list("family_name", flat=True)
    )
    named = 0
    for note in CaseNote.objects.select_related("person")[:500]:
        own = {note.person.given_name, note.person.preferred_name}
        body = " ".join((note.title, note.purpose, note.observation, note.child_views))
        words = {w.strip(".,;:'").removesuffix("'s") for w in body.split()}
        assert not (words & names) - own, body
        named += bool(words & own)
    assert named > 250


# ---- supervision and actions ---------------------------------------------------------------


@pytest.mark.django_db
def test_supervision_about_monthly_by_the_team_manager_with_missed_months(county):
    from kinfold.workforce.models import Role

    sessions = defaultdict(list)
    for worker, manager, held in Supervision.objects.values_list(
        "supervisee_id", "supervisor__role", "held_on"
    ).order_by("held_on"):
        assert manager == Role.TEAM_MANAGER
        sessions[worker].append(held)
    assert len(sessions) >= 10
    gaps = [(b - a).days for days in sessions.values() for a, b in itertools.pairwise(days)]
    assert 28 <= statistics.median(gaps) <= 45
    assert sum(g > 56 for g in gaps) >= 3, "some months missed"
    assert max(d for days in sessions.values() for d in days) < TODAY
    discussed = CaseDiscussion.objects.all()
    assert discussed.count() > len(gaps)
    assert not discussed.filter(decision="").exists()


@pytest.mark.django_db
def test_actions_are_done_on_time_late_open_overdue_and_open_not_yet_due(county):
    actions = list(Action.objects.all())
    states = Counter()
    for a in actions:
        assert a.due_date >= a.set_on
        assert a.owner.is_active
        if a.completed_at is not None:
            assert a.set_on <= timezone.localtime(a.completed_at).date() < TODAY
            late = timezone.localtime(a.completed_at).date() > a.due_date
            states["done late" if late else "done on time"] += 1
        else:
            states["overdue" if a.due_date < TODAY else "not yet due"] += 1
    n = len(actions)
    assert n > 200
    assert 0.35 < states["done on time"] / n < 0.75
    assert 0.1 < states["done late"] / n < 0.35
    assert 0.03 < states["overdue"] / n < 0.25
    assert states["not yet due"] >= 5


# ---- events ---------------------------------------------------------------------------------


def events_about(model) -> dict[int, list[Event]]:
    found = defaultdict(list)
    for e in Event.objects.filter(subject_type=ContentType.objects.get_for_model(model)):
        found[e.subject_id].append(e)
    return found


@pytest.mark.django_db
def test_each_record_has_its_event_with_matching_subject(county):
    by_note = events_about(CaseNote)
    for note in CaseNote.objects.all():
        (event,) = by_note[note.pk]
        assert event.person_id == note.person_id
        assert event.involvement_id == note.involvement_id
        assert event.type == ("visit.recorded" if note.is_visit else "note.recorded")
        assert event.occurred_at == note.occurred_at and not event.date_only
        assert event.recorded_by_id == note.author_id
        assert event.detail["child_seen"] == note.child_seen
    by_discussion = events_about(CaseDiscussion)
    for case in CaseDiscussion.objects.prefetch_related("person__actions"):
        (event,) = by_discussion[case.pk]
        assert event.type == "oversight.recorded" and event.person_id == case.person_id
        assert event.detail["supervision"] == case.supervision_id
        assert set(event.detail["actions"]) == set(
            Action.objects.filter(source_id=case.pk).values_list("pk", flat=True)
        )
    by_action = events_about(Action)
    for action in Action.objects.all():
        if action.completed_at is None:
            assert action.pk not in by_action
        else:
            (event,) = by_action[action.pk]
            assert event.occurred_at == action.completed_at
            assert event.detail["late"] == (
                timezone.localtime(action.completed_at).date() > action.due_date
            )
    by_allocation = events_about(Allocation)
    for allocation in Allocation.objects.all():
        types = sorted(e.type for e in by_allocation[allocation.pk])
        expected = ["allocation.started"] + (["allocation.ended"] if allocation.end_date else [])
        assert types == sorted(expected)
    for inv in Involvement.objects.prefetch_related("events"):
        types = sorted(e.type for e in inv.events.all() if e.type.startswith("involvement."))
        expected = ["involvement.opened"] + (["involvement.closed"] if inv.ended_on else [])
        assert types == sorted(expected)
    assert not Event.objects.filter(occurred_at__gte=start_of(TODAY)).exists()
    assert not Event.objects.filter(recorded_at__gte=start_of(TODAY)).exists()


def same_shape(synthetic: Event, service: Event) -> None:
    assert synthetic.type == service.type
    assert synthetic.summary == service.summary
    assert synthetic.detail.keys() == service.detail.keys()
    assert synthetic.significant == service.significant
    assert synthetic.date_only == service.date_only
    assert synthetic.subject_type_id == service.subject_type_id


@pytest.mark.django_db
def test_events_are_written_as_the_services_write_them(county):
    """Recording the same note, oversight and completion through the services writes an
    event of the same type, summary, detail keys and flags as the generator's."""
    visit = CaseNote.objects.filter(type="home_visit", child_seen=True).select_related(
        "person", "author", "involvement"
    )[0]
    mine = Event.objects.get(subject_id=visit.pk, type="visit.recorded")
    again = record_note(
        actor=visit.author, person=visit.person, data=visit.content(), involvement=visit.involvement
    )
    same_shape(mine, Event.objects.get(subject_id=again.pk, type="visit.recorded"))

    case = CaseDiscussion.objects.filter(supervision__isnull=False).select_related(
        "manager", "person"
    )[0]
    mine = Event.objects.get(subject_id=case.pk, type="oversight.recorded")
    owner = case.supervision.supervisee
    theirs = record_oversight(
        actor=case.manager,
        held_on=case.held_on,
        discussion=Discussion(
            person=case.person,
            discussion=case.discussion,
            decision=case.decision,
            actions=[ActionPlan("Ring the school", owner, case.held_on + dt.timedelta(days=7))],
        ),
    )
    service_event = Event.objects.get(subject_id=theirs.pk, type="oversight.recorded")
    same_shape(mine, service_event)
    assert service_event.detail["supervision"] is None  # outside supervision

    done = Action.objects.filter(completed_at__isnull=False, person__isnull=False)[0]
    mine = Event.objects.get(subject_id=done.pk, type="action.completed")
    open_action = (
        Action.objects.filter(
            completed_at__isnull=True, person__isnull=False, description=done.description
        ).first()
        or Action.objects.filter(completed_at__isnull=True, person__isnull=False).first()
    )
    complete_action(actor=open_action.owner, action_id=open_action.pk)
    service_event = Event.objects.get(subject_id=open_action.pk, type="action.completed")
    assert service_event.summary == f"Action done: {open_action.description}"
    assert mine.summary == f"Action done: {done.description}"
    assert mine.detail.keys() == service_event.detail.keys()
    assert mine.significant == service_event.significant


# ---- determinism and clearing ---------------------------------------------------------------


def journey_snapshot():
    return (
        sorted(
            CaseNote.objects.values_list(
                "person__la_child_id",
                "type",
                "occurred_at",
                "title",
                "child_seen",
                "seen_alone",
                "child_views",
                "author__first_name",
                "author__last_name",
            )
        ),
        sorted(Event.objects.values_list("person__la_child_id", "type", "occurred_at", "summary")),
        sorted(
            (child, what, due, str(done))
            for child, what, due, done in Action.objects.values_list(
                "person__la_child_id", "description", "due_date", "completed_at"
            )
        ),
        sorted(Involvement.objects.values_list("person__la_child_id", "stage", "started_on")),
    )


def county_snapshot():
    return (
        sorted(Person.objects.values_list("la_child_id", "given_name", "date_of_birth")),
        sorted(
            Allocation.objects.values_list(
                "person__la_child_id", "worker__first_name", "role", "start_date"
            )
        ),
    )


@pytest.mark.django_db
def test_same_seed_makes_the_same_journey_and_earlier_stages_do_not_change(monkeypatch):
    small = options(children=300, allocated_share=0.1)
    generate(small, clear=True)
    first, before = journey_snapshot(), county_snapshot()
    assert len(first[0]) > 100
    generate(small, clear=True)
    assert journey_snapshot() == first
    generate(options(children=300, allocated_share=0.1, seed=6), clear=True)
    assert journey_snapshot()[0] != first[0]
    # Without the journey stages, the rest of the county is the same: they draw from their own
    # random streams.
    monkeypatch.setattr(
        county_module, "STAGES", [s for s in STAGES if s.name not in JOURNEY_STAGES]
    )
    generate(small, clear=True)
    assert county_snapshot() == before
    assert not CaseNote.objects.exists()


@pytest.mark.django_db
def test_clear_removes_the_journey_and_keeps_the_append_only_guard():
    small = options(children=200, allocated_share=0.15)
    generate(small, clear=True)
    made = {
        m: m.objects.count() for m in (Event, CaseNote, Involvement, Supervision, Action, Worker)
    }
    assert all(made.values()), made
    generate(small, clear=True)  # the events' trigger does not stop --clear
    assert {m: m.objects.count() for m in made} == made, "nothing left over from the first"
    assert not Worker.objects.filter(username__startswith="cleared-").exists()
    event = Event.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(summary="changed")
    removed = clear_county()
    assert removed["journey.Event"] == made[Event]
    assert removed["journey.Supervision"] == made[Supervision]
    for model in (Event, CaseNote, Involvement, Supervision, Action, CaseDiscussion):
        assert not model.objects.exists(), model
    assert not Worker.objects.filter(username__startswith="synth-").exists()
