"""Supervision and management oversight: each child discussed gets the decision on their
record, and every action agreed has an owner and a date and is followed to done."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kinfold.journey import oversight_services as services
from kinfold.journey.models import Event
from kinfold.journey.oversight import Action, CaseDiscussion, Supervision
from kinfold.journey.selectors import open_actions, oversight_for_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 3, 10, 14, 0), tick=False):
        yield


def discussion(child, owner, **overrides):
    plan = services.ActionPlan("Visit father to assess contact", owner, dt.date(2026, 3, 20))
    return services.Discussion(
        person=child,
        discussion=overrides.get("discussion", "Progress on the plan; father asking for contact."),
        decision=overrides.get("decision", "Continue CIN plan; assess father as a contact."),
        actions=overrides.get("actions", [plan]),
    )


def test_supervision_puts_the_decision_on_the_childs_record_and_the_action_on_a_worklist(
    child, personas
):
    manager, worker = personas["team_manager"], personas["allocated_worker"]
    services.record_supervision(
        actor=manager,
        supervisee=worker,
        held_on=dt.date(2026, 3, 9),
        notes="Workload manageable.",
        discussions=[discussion(child, worker)],
    )
    case = CaseDiscussion.objects.get(person=child)
    event = Event.objects.get(person=child, type="oversight.recorded")
    assert event.subject == case and event.significant
    assert "assess father as a contact" in event.summary
    assert list(oversight_for_person(worker=worker, person_id=child.pk)) == [case]
    assert (
        oversight_for_person(worker=personas["other_team_worker"], person_id=child.pk).count() == 0
    )
    (action,) = open_actions(owner=worker)
    assert action.source == case and action.due_date == dt.date(2026, 3, 20)
    assert not action.is_overdue(dt.date(2026, 3, 20)) and action.is_overdue(dt.date(2026, 3, 21))


def test_completing_an_action_takes_it_off_the_worklist(child, personas):
    manager, worker = personas["team_manager"], personas["allocated_worker"]
    services.record_supervision(
        actor=manager,
        supervisee=worker,
        held_on=dt.date(2026, 3, 9),
        discussions=[discussion(child, worker)],
    )
    action = Action.objects.get()
    with pytest.raises(PermissionDenied):
        services.complete_action(actor=personas["other_team_worker"], action_id=action.pk)
    services.complete_action(actor=worker, action_id=action.pk, note="Visited 12 March")
    assert open_actions(owner=worker).count() == 0
    assert Event.objects.filter(person=child, type="action.completed").count() == 1
    with pytest.raises(ValidationError, match="already completed"):
        services.complete_action(actor=worker, action_id=action.pk)


@pytest.mark.parametrize(
    ("overrides", "key", "message"),
    [
        ({"decision": " "}, "discussions-0-decision", "Enter the decision"),
        ({"discussion": ""}, "discussions-0-discussion", "Enter what was discussed"),
        ("due_before", "discussions-0-actions-0-due_date", "cannot be due before it was agreed"),
        ("no_what", "discussions-0-actions-0-description", "Enter what is to be done"),
    ],
)
def test_bad_supervision_is_refused_and_nothing_is_saved(child, personas, overrides, key, message):
    worker = personas["allocated_worker"]
    if overrides == "due_before":
        overrides = {"actions": [services.ActionPlan("Visit", worker, dt.date(2026, 3, 1))]}
    elif overrides == "no_what":
        overrides = {"actions": [services.ActionPlan("  ", worker, dt.date(2026, 3, 20))]}
    with pytest.raises(ValidationError) as refused:
        services.record_supervision(
            actor=personas["team_manager"],
            supervisee=worker,
            held_on=dt.date(2026, 3, 9),
            discussions=[discussion(child, worker, **overrides)],
        )
    assert message in refused.value.message_dict[key][0]
    assert not Supervision.objects.exists() and not Action.objects.exists()
    assert not Event.objects.exists()


def test_supervision_cannot_be_dated_in_the_future_or_given_by_a_social_worker(child, personas):
    worker = personas["allocated_worker"]
    with pytest.raises(ValidationError, match="today or in the past"):
        services.record_supervision(
            actor=personas["team_manager"],
            supervisee=worker,
            held_on=dt.date(2026, 3, 11),
            discussions=[],
        )
    with pytest.raises(PermissionDenied):
        services.record_supervision(
            actor=worker,
            supervisee=personas["team_manager"],
            held_on=dt.date(2026, 3, 9),
            discussions=[],
        )
