"""The spine: involvements at stages, named transitions with preconditions, and an event log
that nothing can change or delete."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from kinfold.journey import services
from kinfold.journey.events import EVENT_TYPES, record_event
from kinfold.journey.models import Event, EventRetraction, Involvement
from kinfold.journey.selectors import events_for_person
from kinfold.journey.stages import TRANSITIONS, Transition, TransitionContext, register_transition
from kinfold.people.merging import merge_persons
from tests.factories import PersonFactory

TODAY = dt.date(2026, 3, 10)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 3, 10, 14, 0), tick=False):
        yield


def _needs_decision(ctx: TransitionContext) -> list[str]:
    return [] if ctx.facts.get("decision") else ["Record the referral decision first"]


@pytest.fixture
def step_up():
    transition = Transition(
        name="test.step_up",
        label="Stepped up to child in need",
        from_stage="early_help",
        to_stage="child_in_need",
        preconditions=(_needs_decision,),
    )
    register_transition(transition)
    yield transition
    TRANSITIONS.pop(transition.name)


def test_opening_an_involvement_writes_the_event(child, personas, org):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker,
        person=child,
        stage="early_help",
        started_on=dt.date(2026, 3, 2),
        team=org["north_childrens"],
    )
    event = Event.objects.get(involvement=inv)
    assert event.type == "involvement.opened"
    assert event.occurred_on == dt.date(2026, 3, 2)
    assert event.date_only and event.recorded_by == worker
    assert event.significant is EVENT_TYPES["involvement.opened"].significant is True


def test_a_child_is_at_a_stage_once_at_a_time(child, personas):
    worker = personas["allocated_worker"]
    services.open_involvement(
        actor=worker, person=child, stage="child_in_need", started_on=dt.date(2026, 1, 5)
    )
    with pytest.raises(ValidationError, match="already has an open child in need"):
        services.open_involvement(
            actor=worker, person=child, stage="child_in_need", started_on=dt.date(2026, 2, 5)
        )
    assert Involvement.objects.filter(person=child).count() == 1


@pytest.mark.parametrize(
    ("started", "message"),
    [(dt.date(2026, 3, 11), "today or in the past")],
)
def test_an_involvement_cannot_start_in_the_future(child, personas, started, message):
    with pytest.raises(ValidationError, match=message):
        services.open_involvement(
            actor=personas["allocated_worker"], person=child, stage="early_help", started_on=started
        )
    assert not Involvement.objects.exists() and not Event.objects.exists()


def test_unknown_stage_is_refused(child, personas):
    with pytest.raises(ValidationError, match="Unknown stage"):
        services.open_involvement(
            actor=personas["allocated_worker"], person=child, stage="narnia", started_on=TODAY
        )


def test_closing_needs_a_reason_and_cannot_end_before_it_started(child, personas):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="early_help", started_on=dt.date(2026, 3, 2)
    )
    with pytest.raises(ValidationError, match="on or after the start date"):
        services.close_involvement(
            actor=worker, involvement_id=inv.pk, ended_on=dt.date(2026, 3, 1), reason="Needs met"
        )
    with pytest.raises(ValidationError, match="Enter why"):
        services.close_involvement(
            actor=worker, involvement_id=inv.pk, ended_on=dt.date(2026, 3, 9), reason="  "
        )
    inv.refresh_from_db()
    assert inv.is_open and inv.version == 1
    services.close_involvement(
        actor=worker,
        involvement_id=inv.pk,
        ended_on=dt.date(2026, 3, 9),
        reason="Needs met",
        version=1,
    )
    inv.refresh_from_db()
    assert inv.ended_on == dt.date(2026, 3, 9) and inv.end_reason == "Needs met"
    assert inv.events.filter(type="involvement.closed").count() == 1


def test_a_stale_close_is_refused(child, personas):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="early_help", started_on=dt.date(2026, 3, 2)
    )
    services.close_involvement(
        actor=worker,
        involvement_id=inv.pk,
        ended_on=dt.date(2026, 3, 9),
        reason="Needs met",
        version=1,
    )
    with pytest.raises(services.StaleInvolvement, match="changed since you opened it"):
        services.close_involvement(
            actor=worker,
            involvement_id=inv.pk,
            ended_on=dt.date(2026, 3, 10),
            reason="Moved away",
            version=1,
        )


def test_transition_checks_its_preconditions_and_writes_nothing_when_refused(
    child, personas, step_up
):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="early_help", started_on=dt.date(2026, 2, 2)
    )
    before = Event.objects.count()
    with pytest.raises(services.TransitionRefused) as refused:
        services.run_transition(
            actor=worker,
            involvement_id=inv.pk,
            name="test.step_up",
            on=dt.date(2026, 3, 9),
            facts={},
        )
    assert refused.value.messages == ["Record the referral decision first"]
    assert Event.objects.count() == before
    inv.refresh_from_db()
    assert inv.is_open


def test_transition_moves_the_child_and_links_the_stages(child, personas, step_up):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="early_help", started_on=dt.date(2026, 2, 2)
    )
    new = services.run_transition(
        actor=worker,
        involvement_id=inv.pk,
        name="test.step_up",
        on=dt.date(2026, 3, 9),
        facts={"decision": "s17"},
    )
    inv.refresh_from_db()
    assert inv.ended_on == dt.date(2026, 3, 9) and inv.end_reason == step_up.label
    assert new.stage == "child_in_need" and new.stepped_from == inv and new.is_open
    # The close is the transition itself: one event for the move, not a separate "ended".
    types = list(Event.objects.filter(person=child).order_by("id").values_list("type", flat=True))
    assert types == ["involvement.opened", "involvement.opened", "involvement.transition"]
    moved = Event.objects.get(type="involvement.transition")
    assert moved.involvement == new
    assert moved.detail == {"transition": "test.step_up", "from": inv.pk, "to": new.pk}


def test_transition_from_the_wrong_stage_is_refused(child, personas, step_up):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="child_in_care", started_on=dt.date(2026, 2, 2)
    )
    with pytest.raises(services.TransitionRefused, match="starts from early help"):
        services.run_transition(
            actor=worker,
            involvement_id=inv.pk,
            name="test.step_up",
            on=dt.date(2026, 3, 9),
            facts={"decision": "s17"},
        )


def test_workers_outside_the_ladder_and_read_only_roles_cannot_record(child, personas):
    for persona in ("other_team_worker", "performance_officer"):
        with pytest.raises(PermissionDenied):
            services.open_involvement(
                actor=personas[persona], person=child, stage="early_help", started_on=TODAY
            )
    assert not Involvement.objects.exists()


def test_an_event_cannot_be_dated_in_the_future(child, personas):
    with pytest.raises(ValidationError, match="today or in the past"):
        record_event(
            person_id=child.pk,
            type="involvement.opened",
            occurred=dt.datetime(2026, 3, 10, 15, 0),
            summary="x",
            recorded_by=personas["allocated_worker"],
        )
    assert not Event.objects.exists()


def test_events_cannot_be_changed_or_deleted_by_the_database(child, personas):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="early_help", started_on=TODAY
    )
    event = inv.events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(summary="rewritten")
    event.refresh_from_db()
    assert event.summary == "Early help started"


def test_entered_in_error_keeps_the_entry_visible_with_the_reason(child, personas):
    worker = personas["allocated_worker"]
    inv = services.open_involvement(
        actor=worker, person=child, stage="early_help", started_on=TODAY
    )
    event = inv.events.get()
    with pytest.raises(ValidationError, match="Enter why"):
        services.mark_entered_in_error(actor=worker, event_id=event.pk, reason="")
    with pytest.raises(PermissionDenied):
        services.mark_entered_in_error(
            actor=personas["iro"], event_id=event.pk, reason="Wrong child"
        )
    services.mark_entered_in_error(actor=worker, event_id=event.pk, reason="Wrong child")
    shown = list(events_for_person(worker=worker, person_id=child.pk))
    wrong = next(e for e in shown if e.pk == event.pk)
    assert wrong.entered_in_error and wrong.retraction.reason == "Wrong child"
    assert any(e.type == "event.entered_in_error" for e in shown)
    with pytest.raises(ValidationError, match="already marked"):
        services.mark_entered_in_error(actor=worker, event_id=event.pk, reason="Again")
    assert EventRetraction.objects.count() == 1


def test_events_are_hidden_from_workers_outside_the_ladder(child, personas):
    services.open_involvement(
        actor=personas["allocated_worker"], person=child, stage="early_help", started_on=TODAY
    )
    assert events_for_person(worker=personas["allocated_worker"], person_id=child.pk).count() == 1
    assert events_for_person(worker=personas["other_team_worker"], person_id=child.pk).count() == 0


def test_merging_moves_the_retired_records_events_to_the_kept_record(child, personas):
    worker = personas["allocated_worker"]
    duplicate = PersonFactory(
        given_name="Maisy", family_name="Okafor", date_of_birth=child.date_of_birth, sex="F"
    )
    inv = services.open_involvement(
        actor=worker, person=duplicate, stage="early_help", started_on=TODAY
    )
    merge = merge_persons(
        worker=personas["team_manager"],
        kept_id=child.pk,
        retired_id=duplicate.pk,
        reason="Same child: spelling",
        choices={},
    )
    event = inv.events.get()
    assert event.person_id == child.pk
    assert merge.moved["journey.event"] == [event.pk]
    assert merge.moved["journey.involvement"] == [inv.pk]
