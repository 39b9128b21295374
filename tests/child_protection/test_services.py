"""Child protection services, as Working Together 2023 (chapter 3) sets them out, with the
clock pinned and every due date counted by hand:

- strategy discussion Tuesday 13 January 2026 → ICPC due 15 working days later, Tuesday
  3 February;
- ICPC Monday 2 February → first core group 10 working days later, Monday 16 February; then
  6 weeks after each core group; first review conference 3 months later, 2 May; then 6 months;
- plan from 2 February → first visit due 10 working days later, 16 February; then 10 working
  days after each visit the child was seen (Easter 2026: Good Friday 3 April and Easter
  Monday 6 April are not working days).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kinfold.child_protection import selectors, services
from kinfold.child_protection.models import (
    CoreGroup,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.journey.models import Event, Involvement
from kinfold.plans import services as plan_services
from kinfold.plans.models import Plan, PlanAction
from kinfold.timescales.registry import registrations
from kinfold.timescales.worklists import Clock, rules_in_force, sources
from tests.factories import WorkerFactory

from .conftest import DISCUSSION_AT, attendees, hold_icpc, participants

pytestmark = pytest.mark.django_db


def _discuss(episode, personas, partners, **changes):
    arguments = {
        "actor": personas["allocated_worker"],
        "involvement_id": episode.pk,
        "held_at": DISCUSSION_AT,
        "type": "meeting",
        "participants": participants(partners),
        "information": "Information from each agency.",
        "s47_decided": True,
        "reasons": "Risk of significant harm.",
        **changes,
    }
    return services.record_strategy_discussion(**arguments)


# ---- strategy discussion ---------------------------------------------------------------------


def test_a_strategy_discussion_is_recorded_with_who_took_part_and_its_event(discussion):
    assert sorted(discussion.participants.values_list("agency", flat=True)) == [
        "health",
        "police",
        "social_care",
    ]
    event = Event.objects.get(type="strategy_discussion.held")
    assert event.subject_id == discussion.pk
    assert event.occurred_at == DISCUSSION_AT
    assert event.involvement_id == discussion.involvement_id


@pytest.mark.parametrize(
    ("police", "health", "missing"), [(False, True, "police"), (True, False, "health")]
)
def test_a_strategy_discussion_without_police_or_health_is_refused(
    episode, personas, partners, police, health, missing
):
    with pytest.raises(ValidationError) as error:
        _discuss(
            episode,
            personas,
            partners,
            participants=participants(partners, police=police, health=health),
        )
    message = error.value.message_dict["participants"][0]
    assert "police and health" in message and missing in message
    assert not StrategyDiscussion.objects.exists()
    assert not Event.objects.filter(type="strategy_discussion.held").exists()


def test_a_strategy_discussion_belongs_to_an_open_child_in_need_episode(
    episode, personas, partners
):
    Involvement.objects.filter(pk=episode.pk).update(ended_on=dt.date(2026, 1, 10), end_reason="x")
    with pytest.raises(ValidationError) as error:
        _discuss(episode, personas, partners)
    assert "involvement" in error.value.message_dict


# ---- section 47 enquiry ----------------------------------------------------------------------


def test_an_enquiry_stores_its_icpc_due_date_15_working_days_from_the_discussion(enquiry):
    assert enquiry.discussion_on == dt.date(2026, 1, 13)
    assert enquiry.icpc_due_on == dt.date(2026, 2, 3)
    assert enquiry.social_worker.username == "allocated"
    assert enquiry.team.name == "North children's team"
    assert Event.objects.filter(type="s47.started", subject_id=enquiry.pk).exists()
    registered = [r for r in registrations("s47.icpc") if r.model is Section47Enquiry]
    assert registered and registered[0].due_field == "icpc_due_on"


def test_an_enquiry_without_a_strategy_discussion_is_refused(personas):
    with pytest.raises(ValidationError) as error:
        services.start_s47(
            actor=personas["allocated_worker"], discussion_id=None, started_on=dt.date(2026, 1, 13)
        )
    assert "strategy discussion first" in error.value.message_dict["discussion"][0]
    assert not Section47Enquiry.objects.exists()


def test_an_enquiry_cannot_start_before_its_discussion_or_when_none_was_decided(
    episode, personas, partners, discussion
):
    with pytest.raises(ValidationError) as error:
        services.start_s47(
            actor=personas["allocated_worker"],
            discussion_id=discussion.pk,
            started_on=dt.date(2026, 1, 12),
        )
    assert "before the strategy discussion" in error.value.message_dict["started_on"][0]
    no_s47 = _discuss(episode, personas, partners, s47_decided=False)
    with pytest.raises(ValidationError) as error:
        services.start_s47(
            actor=personas["allocated_worker"],
            discussion_id=no_s47.pk,
            started_on=dt.date(2026, 1, 14),
        )
    assert "no enquiry" in error.value.message_dict["discussion"][0]
    assert not Section47Enquiry.objects.exists()


def test_an_enquiry_closed_with_no_outcome_is_refused(enquiry, personas):
    with pytest.raises(ValidationError) as error:
        services.complete_s47(
            actor=personas["allocated_worker"],
            enquiry_id=enquiry.pk,
            completed_on=dt.date(2026, 1, 27),
            outcome="",
            icpc_needed=None,
            findings="",
        )
    errors = error.value.message_dict
    assert errors["outcome"] == ["Choose the outcome of the section 47 enquiry"]
    assert "icpc_needed" in errors and "findings" in errors
    enquiry.refresh_from_db()
    assert enquiry.is_open and enquiry.outcome == ""
    assert list(selectors.s47s_without_outcome([enquiry.team_id])) == [enquiry]


def test_an_enquiry_needing_no_conference_leaves_no_icpc_due(enquiry, personas, org):
    services.complete_s47(
        actor=personas["allocated_worker"],
        enquiry_id=enquiry.pk,
        completed_on=dt.date(2026, 1, 20),
        outcome="not_substantiated",
        icpc_needed=False,
        findings="An accident at the park, seen by the school.",
    )
    enquiry.refresh_from_db()
    assert enquiry.icpc_due_on is None and enquiry.completed_on == dt.date(2026, 1, 20)
    assert not selectors.s47s_without_outcome([org["north_childrens"].pk]).exists()
    with pytest.raises(ValidationError):
        hold_icpc(enquiry, personas)


# ---- initial conference ----------------------------------------------------------------------


def test_an_icpc_dated_before_its_strategy_discussion_is_refused(completed, personas, episode):
    with pytest.raises(ValidationError) as error:
        hold_icpc(completed, personas, held_on=dt.date(2026, 1, 12))
    assert error.value.message_dict["held_on"] == [
        "The conference cannot be before the strategy discussion (13 January 2026)"
    ]
    assert not InitialConference.objects.exists()
    assert not Plan.objects.exists()
    episode.refresh_from_db()
    assert episode.is_open


def test_a_plan_with_no_category_is_refused_and_nothing_is_half_saved(completed, personas, episode):
    with pytest.raises(ValidationError) as error:
        hold_icpc(completed, personas, category="")
    assert error.value.message_dict["category"] == [
        "Choose the category of the child protection plan"
    ]
    assert not InitialConference.objects.exists()
    assert not Plan.objects.exists()
    assert not Involvement.objects.filter(stage="child_protection").exists()
    episode.refresh_from_db()
    assert episode.is_open


def test_the_chair_is_an_iro_of_the_safeguarding_and_reviewing_unit(completed, personas, org):
    other_iro = WorkerFactory(role="iro", team=org["north_childrens"])
    for chair in (personas["allocated_worker"], other_iro, None):
        with pytest.raises(ValidationError) as error:
            hold_icpc(completed, personas, chair=chair)
        assert "independent reviewing officer" in error.value.message_dict["chair"][0]


def test_an_icpc_before_the_outcome_of_the_enquiry_is_refused(enquiry, personas):
    with pytest.raises(ValidationError) as error:
        hold_icpc(enquiry, personas)
    assert "outcome of the section 47 enquiry" in error.value.messages[0]


def test_a_plan_steps_the_child_up_and_starts_the_plan_with_its_due_dates(
    completed, personas, episode
):
    cin_plan = plan_services.create_plan(
        actor=personas["allocated_worker"],
        involvement=episode,
        kind="cin",
        started_on=dt.date(2026, 1, 8),
    )
    conference = hold_icpc(completed, personas)
    # The transition keeps the history: the CIN involvement closes, CP opens stepped from it.
    episode.refresh_from_db()
    assert episode.ended_on == dt.date(2026, 2, 2)
    cp = Involvement.objects.get(stage="child_protection")
    assert cp.stepped_from_id == episode.pk and cp.is_open and cp.started_on == dt.date(2026, 2, 2)
    assert Event.objects.filter(
        type="involvement.transition", detail__transition="child_in_need.child_protection"
    ).exists()
    cin_plan.refresh_from_db()
    assert cin_plan.ended_on == dt.date(2026, 2, 2)
    assert cin_plan.end_reason == "Stepped up to child protection"
    plan = conference.plan
    plan.refresh_from_db()
    assert (plan.kind, plan.category, plan.initial_category) == ("cp", "PHY", "PHY")
    assert plan.involvement_id == cp.pk and plan.owner == personas["allocated_worker"]
    assert plan.next_visit_due_on == dt.date(2026, 2, 16)
    schedule = plan.cp_schedule
    assert schedule.core_group_due_on == dt.date(2026, 2, 16)
    assert schedule.review_due_on == dt.date(2026, 5, 2)
    assert plan.next_review_due_on == dt.date(2026, 5, 2)
    completed.refresh_from_db()
    assert completed.icpc_held_on == dt.date(2026, 2, 2)
    assert not conference.late
    assert conference.attendees.count() == 3
    event = Event.objects.get(type="icpc.held")
    assert event.detail["late"] is False and event.detail["plan"] == plan.pk


def test_an_icpc_held_after_15_working_days_is_late(completed, personas):
    conference = hold_icpc(completed, personas, held_on=dt.date(2026, 2, 4))
    assert conference.due_on == dt.date(2026, 2, 3) and conference.late
    assert Event.objects.get(type="icpc.held").detail["late"] is True


def test_a_conference_deciding_no_plan_leaves_the_child_in_need(completed, personas, episode):
    conference = hold_icpc(completed, personas, decision="no_plan", category="PHY")
    assert conference.plan is None and conference.category == ""
    episode.refresh_from_db()
    assert episode.is_open
    assert not Plan.objects.exists()


def test_icpcs_at_risk_are_those_not_held_due_within_5_working_days_or_overdue(
    enquiry, org, django_assert_num_queries
):
    units = [org["north_childrens"].pk]
    # Due Tuesday 3 February: on Monday 26 January that is 6 working days away.
    clock = Clock(DISCUSSION_AT, dt.date(2026, 1, 26))
    with django_assert_num_queries(1):
        assert list(selectors.icpcs_at_risk(units, clock)) == []
    assert list(selectors.icpcs_at_risk(units, Clock(DISCUSSION_AT, dt.date(2026, 1, 27)))) == [
        enquiry
    ]
    assert list(selectors.icpcs_at_risk(units, Clock(DISCUSSION_AT, dt.date(2026, 3, 1)))) == [
        enquiry
    ]
    assert not selectors.icpcs_at_risk([org["south_childrens"].pk], clock).exists()
    with django_assert_num_queries(1):
        assert list(selectors.s47s_without_outcome(units)) == [enquiry]


# ---- core groups -----------------------------------------------------------------------------


def _actions(plan, n=2):
    return [
        PlanAction.objects.create(
            plan=plan, what=f"Action {i}", owner_text="Mum", due_on=dt.date(2026, 4, 1), order=i
        )
        for i in range(n)
    ]


def _core_group(plan, personas, held_on, statuses):
    actions = services.live_actions(plan)
    return services.record_core_group(
        actor=personas["allocated_worker"],
        plan_id=plan.pk,
        held_on=held_on,
        attendees="Grace Okafor (mum)\nNurse Begum (health)",
        minutes="Reviewed the plan.",
        progress=[
            services.Progress(action_id=a.pk, progress="Going well.", status=s)
            for a, s in zip(actions, statuses, strict=True)
        ],
    )


def test_a_core_group_records_progress_on_each_action_and_the_next_is_due_in_6_weeks(
    conference, personas
):
    plan = conference.plan
    first, second = _actions(plan)
    meeting = _core_group(plan, personas, dt.date(2026, 2, 13), ["done", "not_on_track"])
    assert meeting.due_on == dt.date(2026, 2, 16) and not meeting.late
    assert meeting.next_due_on == dt.date(2026, 3, 27)
    plan.cp_schedule.refresh_from_db()
    assert plan.cp_schedule.core_group_due_on == dt.date(2026, 3, 27)
    assert plan.cp_schedule.core_groups_held == 1
    first.refresh_from_db()
    assert first.done_on == dt.date(2026, 2, 13)
    assert [a.pk for a in services.live_actions(plan)] == [second.pk]
    # The next core group, late (due 27 March), reviews only the action still live.
    later = _core_group(plan, personas, dt.date(2026, 3, 30), ["on_track"])
    assert later.late and later.next_due_on == dt.date(2026, 5, 11)


def test_a_core_group_without_progress_on_every_action_is_refused(conference, personas):
    plan = conference.plan
    first, second = _actions(plan)
    with pytest.raises(ValidationError) as error:
        services.record_core_group(
            actor=personas["allocated_worker"],
            plan_id=plan.pk,
            held_on=dt.date(2026, 2, 13),
            attendees="Mum",
            minutes="Minutes",
            progress=[services.Progress(action_id=first.pk, progress="Done.", status="done")],
        )
    errors = error.value.message_dict
    assert f"action_{second.pk}_progress" in errors and f"action_{second.pk}_status" in errors
    assert not CoreGroup.objects.exists()
    first.refresh_from_db()
    assert first.done_on is None


def test_a_core_group_before_the_icpc_is_refused(conference, personas):
    with pytest.raises(ValidationError) as error:
        _core_group(conference.plan, personas, dt.date(2026, 1, 30), [])
    assert "before the initial conference" in error.value.message_dict["held_on"][0]


def test_core_groups_not_recorded_go_overdue_on_the_worklist(conference, personas):
    owner = personas["allocated_worker"]
    (source,) = sources("cp.core_group")
    clock = Clock.current()  # 11 May 2026: the first core group was due 16 February
    counts = source.counts([owner.pk], clock)[owner.pk]
    assert (counts.open, counts.overdue) == (1, 1)
    (item,) = source.items([owner.pk], clock, rules_in_force())
    assert item.due == dt.date(2026, 2, 16) and item.person_id == conference.person_id
    assert item.url == f"/child-protection/child/{conference.person_id}/"


# ---- review conferences ----------------------------------------------------------------------


def _review(plan, personas, **changes):
    arguments = {
        "actor": personas["iro"],
        "plan_id": plan.pk,
        "held_on": dt.date(2026, 4, 30),
        "attendees": attendees(),
        "decision": "continue",
        "chair": personas["iro"],
        "summary": "Some progress; the risk remains.",
        **changes,
    }
    return services.record_review_conference(**arguments)


def test_a_review_continues_the_plan_with_a_new_category_and_the_next_in_6_months(
    conference, personas
):
    plan = conference.plan
    review = _review(plan, personas, category="EMO")
    assert review.due_on == dt.date(2026, 5, 2) and not review.late
    assert review.next_due_on == dt.date(2026, 10, 30)
    assert (review.category_before, review.category_after) == ("PHY", "EMO")
    plan.refresh_from_db()
    assert (plan.initial_category, plan.category) == ("PHY", "EMO")
    assert plan.last_review_on == dt.date(2026, 4, 30)
    assert plan.next_review_due_on == dt.date(2026, 10, 30)
    plan.cp_schedule.refresh_from_db()
    assert plan.cp_schedule.review_due_on == dt.date(2026, 10, 30)
    assert Event.objects.filter(type="plan.category_changed").exists()


def test_a_review_stepping_down_ends_the_plan_and_starts_a_child_in_need_plan(conference, personas):
    plan = conference.plan
    cp = plan.involvement
    _review(
        plan, personas, decision="step_down", end_reason="No longer at risk of significant harm"
    )
    plan.refresh_from_db()
    assert plan.ended_on == dt.date(2026, 4, 30)
    assert plan.end_reason == "No longer at risk of significant harm"
    cp.refresh_from_db()
    assert cp.ended_on == dt.date(2026, 4, 30)
    cin = Involvement.objects.get(stage="child_in_need", ended_on__isnull=True)
    assert cin.stepped_from_id == cp.pk
    # The whole chain stays: CIN → CP → CIN.
    assert cp.stepped_from.stage == "child_in_need"
    cin_plan = Plan.objects.get(kind="cin", ended_on__isnull=True)
    assert cin_plan.involvement_id == cin.pk and cin_plan.started_on == dt.date(2026, 4, 30)
    assert cin_plan.owner == plan.owner


def test_a_review_ending_the_plan_needs_the_reason(conference, personas):
    with pytest.raises(ValidationError) as error:
        _review(conference.plan, personas, decision="end", end_reason=" ")
    assert error.value.message_dict["end_reason"] == ["Enter why the plan is ending"]
    assert not ReviewConference.objects.exists()
    conference.plan.refresh_from_db()
    assert conference.plan.is_open


def test_a_review_ending_the_plan_without_a_cin_plan(conference, personas):
    _review(conference.plan, personas, decision="end", end_reason="Family moved abroad")
    assert not Plan.objects.filter(ended_on__isnull=True).exists()
    assert Involvement.objects.get(ended_on__isnull=True, stage="child_in_need").stepped_from
    with pytest.raises(ValidationError):
        _review(conference.plan, personas, held_on=dt.date(2026, 5, 1))
