"""Writing a plan's content: outcomes, actions and contingency added and changed, items
withdrawn with a reason (kept), an action marked done; each save keeps the plan as it was and
moves the version on; a stale save is refused; the quality checks' findings are stored."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinfold.journey.models import Event
from kinfold.plans import selectors, services
from kinfold.plans.models import PlanAction, PlanRevision

pytestmark = pytest.mark.django_db


def action(**changes):
    values = {
        "what": "Take Maisie to school every day",
        "owner_person_id": None,
        "owner_text": "Mother",
        "due_on": dt.date(2026, 4, 30),
        "measure": "School attendance report",
    }
    return {**values, **changes}


def outcome(**changes):
    values = {
        "text": "Maisie goes to school every day",
        "indicator": "Attendance above 95% for a term",
        "target_date": dt.date(2026, 7, 20),
    }
    return {**values, **changes}


def contingency(**changes):
    values = {
        "trigger": "Attendance below 90%",
        "trigger_by": dt.date(2026, 5, 1),
        "action": "Strategy discussion",
    }
    return {**values, **changes}


def save(plan, worker, **content):
    content = {"outcomes": [], "actions": [], "contingencies": [], **content}
    return services.save_content(actor=worker, plan_id=plan.pk, version=plan.version, **content)


def test_a_new_plan_is_checked_at_once(cin_plan):
    cin_plan.refresh_from_db()
    assert {f["code"] for f in cin_plan.flags} == {"plan.no_outcomes", "contingency.missing"}
    assert cin_plan.flag_count == 2


def test_saving_keeps_the_plan_as_it_was_and_moves_the_version_on(cin_plan, personas):
    worker = personas["allocated_worker"]
    saved = save(
        cin_plan,
        worker,
        outcomes=[outcome()],
        actions=[action()],
        contingencies=[contingency()],
    )
    assert saved.version == 2
    assert saved.flag_count == 0 and saved.flags == []
    revision = PlanRevision.objects.get(plan=cin_plan)
    assert revision.version == 1
    assert revision.content == {"outcomes": [], "actions": [], "contingencies": []}
    # A second change: the revision holds the content before it.
    first = PlanAction.objects.get(plan=cin_plan)
    items = services.items_of(saved)
    items["actions"][0]["due_on"] = None
    items["actions"].append(action(what="Health visitor to visit", owner_text="", measure=""))
    saved = services.save_content(
        actor=worker, plan_id=cin_plan.pk, version=2, reason="Agreed at the meeting", **items
    )
    assert saved.version == 3
    kept = PlanRevision.objects.get(plan=cin_plan, version=2)
    assert kept.reason == "Agreed at the meeting"
    assert kept.content["actions"] == [
        {
            "id": first.pk,
            "what": "Take Maisie to school every day",
            "outcome_id": None,
            "owner_worker_id": None,
            "owner_person_id": None,
            "owner_agency_id": None,
            "owner_text": "Mother",
            "due_on": "2026-04-30",
            "measure": "School attendance report",
            "done_on": None,
            "done_note": "",
            "withdrawn_reason": "",
        }
    ]
    saved.refresh_from_db()
    found = {(f["code"], f["item"]) for f in saved.flags}
    second = PlanAction.objects.exclude(pk=first.pk).get(plan=cin_plan)
    assert found == {
        ("action.no_date", f"action:{first.pk}"),
        ("action.no_owner", f"action:{second.pk}"),
        ("action.no_measure", f"action:{second.pk}"),
    }
    assert Event.objects.filter(type="plan.revised", person=cin_plan.person).count() == 2


def test_a_stale_save_is_refused_and_nothing_is_saved(cin_plan, personas):
    worker = personas["allocated_worker"]
    save(cin_plan, worker, outcomes=[outcome()])
    with pytest.raises(services.StalePlan, match="changed by someone else"):
        services.save_content(
            actor=worker,
            plan_id=cin_plan.pk,
            version=1,  # the version the second worker opened
            outcomes=[outcome(text="Something else")],
            actions=[],
            contingencies=[],
        )
    assert cin_plan.outcomes.get().text == "Maisie goes to school every day"
    assert PlanRevision.objects.filter(plan=cin_plan).count() == 1


def test_nothing_changed_saves_nothing(cin_plan, personas):
    saved = save(cin_plan, personas["allocated_worker"], outcomes=[{"text": ""}])
    assert saved.version == 1
    assert not PlanRevision.objects.filter(plan=cin_plan).exists()


def test_bad_items_are_refused_beside_their_fields_and_nothing_half_saved(cin_plan, personas):
    with pytest.raises(ValidationError) as error:
        save(
            cin_plan,
            personas["allocated_worker"],
            outcomes=[outcome()],
            actions=[
                action(),
                action(what="", done_note="Went well"),
                action(due_on=dt.date(2026, 1, 1), owner_agency_id=999999),
            ],
        )
    messages = error.value.message_dict
    assert messages["actions-1-what"] == ["Enter what will be done"]
    assert messages["actions-1-done_on"] == ["Enter the date the action was done"]
    assert "before the plan started" in messages["actions-2-due_on"][0]
    assert messages["actions-2-owner_text"] == [
        "Choose someone from the list or enter their role, not both"
    ]
    assert not cin_plan.outcomes.exists() and not cin_plan.actions.exists()


def test_withdrawn_items_are_kept_marked_and_not_checked(cin_plan, personas):
    worker = personas["allocated_worker"]
    plan = save(cin_plan, worker, outcomes=[outcome()], actions=[action(measure="")])
    assert plan.flag_count == 2  # no measure; no contingency
    items = services.items_of(plan)
    items["actions"][0]["withdrawn_reason"] = "School place moved"
    plan = services.save_content(actor=worker, plan_id=plan.pk, version=plan.version, **items)
    kept = PlanAction.objects.get(plan=plan)
    assert kept.withdrawn_reason == "School place moved"
    assert [f["code"] for f in plan.flags] == ["contingency.missing"]
    # A withdrawn item no longer changes.
    items = services.items_of(plan)
    items["actions"][0]["what"] = "Changed"
    with pytest.raises(ValidationError, match="withdrawn item cannot be changed"):
        services.save_content(actor=worker, plan_id=plan.pk, version=plan.version, **items)


def test_an_action_marked_done(cin_plan, personas):
    worker = personas["allocated_worker"]
    plan = save(cin_plan, worker, actions=[action(due_on=dt.date(2026, 3, 1))])
    assert "action.overdue" in {f["code"] for f in plan.flags}
    done = PlanAction.objects.get(plan=plan)
    plan = services.complete_action(
        actor=worker,
        plan_id=plan.pk,
        action_id=done.pk,
        done_on=dt.date(2026, 3, 9),
        note="Attending daily",
        version=plan.version,
    )
    done.refresh_from_db()
    assert (done.done_on, done.done_note) == (dt.date(2026, 3, 9), "Attending daily")
    assert "action.overdue" not in {f["code"] for f in plan.flags}
    # A date in the future is refused, named by the action's own field.
    items = services.items_of(plan)
    items["actions"].append(action(what="See the GP"))
    plan = services.save_content(actor=worker, plan_id=plan.pk, version=plan.version, **items)
    gp = PlanAction.objects.get(plan=plan, what="See the GP")
    with pytest.raises(ValidationError) as error:
        services.complete_action(
            actor=worker,
            plan_id=plan.pk,
            action_id=gp.pk,
            done_on=dt.date(2026, 3, 11),
            note="",
            version=plan.version,
        )
    assert error.value.message_dict == {
        "done_on": ["The date it was done must be today or in the past"]
    }
    gp.refresh_from_db()
    assert gp.done_on is None


def test_only_those_who_record_on_the_child_write_the_plan(cin_plan, personas):
    for who in ("other_team_worker", "performance_officer"):
        with pytest.raises(PermissionDenied):
            save(cin_plan, personas[who], outcomes=[outcome()])


def test_team_manager_lists(cin_plan, personas, org, django_assert_num_queries):
    team = cin_plan.involvement.team_id
    with django_assert_num_queries(1):
        flagged = list(selectors.plans_with_flags([team]))
    assert flagged == [cin_plan]
    assert list(selectors.plans_with_flags([org["south_childrens"].pk])) == []
    # The first visit is due 20 working days after Monday 2 February 2026: Monday 2 March.
    with django_assert_num_queries(1):
        overdue = list(selectors.visits_overdue([team], dt.date(2026, 3, 10)))
    assert overdue == [cin_plan]
    assert list(selectors.visits_overdue([team], dt.date(2026, 3, 2))) == []
