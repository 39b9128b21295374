"""Children in need: the plan's reviews and visits due by the rules (computed here by hand),
and the closing of the CIN episode — refused while anything is open, recorded with its
census reason (RC1 to RC9) when nothing is."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinfold.child_in_need import services
from kinfold.child_in_need.models import CINClosure, CINPlanReview
from kinfold.journey.models import Event, Involvement
from kinfold.journey.oversight import Action
from kinfold.journey.services import close_involvement, open_involvement, record_note
from kinfold.plans.models import Plan
from kinfold.plans.services import end_plan
from kinfold.timescales.registry import registrations

pytestmark = pytest.mark.django_db


def review(plan, worker, held_on, decision="continue"):
    return services.record_review(
        actor=worker,
        plan_id=plan.pk,
        held_on=held_on,
        attendees="Mother; school; health visitor",
        child_views="Likes her new teacher",
        family_views="Mother wants help with mornings",
        progress="Attendance up to 92%",
        decision=decision,
        version=Plan.objects.get(pk=plan.pk).version,
    )


def visit(child, worker, day, *, seen=True):
    return record_note(
        actor=worker,
        person=child,
        data={
            "type": "home_visit",
            "occurred_at": timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))),
            "title": "Statutory visit",
            "child_seen": seen,
            "seen_alone": False if seen else None,
        },
    )


def test_first_review_three_months_after_the_start_then_every_three_months(cin_plan, personas):
    # Started Monday 2 February 2026: the first review is due by 2 May 2026.
    assert cin_plan.next_review_due_on == dt.date(2026, 5, 2)
    held = review(cin_plan, personas["allocated_worker"], dt.date(2026, 3, 9))
    assert held.was_due_on == dt.date(2026, 5, 2) and not held.late
    assert held.next_review_due_on == dt.date(2026, 6, 9)
    cin_plan.refresh_from_db()
    assert (cin_plan.last_review_on, cin_plan.next_review_due_on) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 6, 9),
    )
    assert Event.objects.filter(type="cin.review_held", person=cin_plan.person).exists()


def test_a_review_needs_the_views_and_a_date_after_the_last(cin_plan, personas):
    worker = personas["allocated_worker"]
    with pytest.raises(ValidationError) as error:
        services.record_review(
            actor=worker,
            plan_id=cin_plan.pk,
            held_on=dt.date(2026, 1, 30),
            attendees="Mother",
            child_views=" ",
            family_views="",
            progress="Some",
            decision="maybe",
        )
    assert error.value.message_dict == {
        "held_on": ["The review cannot be before the plan started"],
        "child_views": ["Enter the child's views, or why they could not be given"],
        "family_views": ["Enter the parents' and family's views, or why they were not given"],
        "decision": ["Choose what the review decided"],
    }
    review(cin_plan, worker, dt.date(2026, 3, 9))
    with pytest.raises(ValidationError, match="The last review was on 9 March 2026"):
        review(cin_plan, worker, dt.date(2026, 3, 2))
    assert CINPlanReview.objects.count() == 1


def test_a_review_that_ends_the_plan(cin_plan, personas):
    review(cin_plan, personas["allocated_worker"], dt.date(2026, 3, 9), decision="end")
    cin_plan.refresh_from_db()
    assert cin_plan.ended_on == dt.date(2026, 3, 9)
    assert cin_plan.next_review_due_on is None


def test_visits_keep_the_next_visit_due(cin_plan, child, personas):
    worker = personas["allocated_worker"]
    # 20 working days from Monday 2 February 2026: Monday 2 March.
    assert cin_plan.next_visit_due_on == dt.date(2026, 3, 2)
    visit(child, worker, dt.date(2026, 3, 4), seen=False)  # not seen: not a visit that counts
    cin_plan.refresh_from_db()
    assert cin_plan.last_visit_on is None and cin_plan.next_visit_due_on == dt.date(2026, 3, 2)
    # Seen on Friday 6 March: 20 working days is Friday 3 April, Good Friday; Easter Monday
    # follows, so the next visit is due on Tuesday 7 April.
    visit(child, worker, dt.date(2026, 3, 6))
    cin_plan.refresh_from_db()
    assert cin_plan.last_visit_on == dt.date(2026, 3, 6)
    assert cin_plan.next_visit_due_on == dt.date(2026, 4, 7)


def test_visits_and_reviews_are_on_the_owners_worklist():
    for code, field in (("cin.visit", "next_visit_due_on"), ("cin.review", "next_review_due_on")):
        (found,) = [r for r in registrations(code) if r.model is Plan]
        assert (found.due_field, found.owner_field, found.person_field) == (
            field,
            "owner",
            "person",
        )


def test_closure_is_refused_while_a_plan_is_open(cin_plan, episode, personas):
    Action.objects.create(
        description="Chase the school nurse",
        owner=personas["allocated_worker"],
        due_date=dt.date(2026, 3, 20),
        person=episode.person,
        set_on=dt.date(2026, 3, 1),
        set_by=personas["team_manager"],
    )
    with pytest.raises(ValidationError) as error:
        services.close_episode(
            actor=personas["team_manager"],
            involvement_id=episode.pk,
            closed_on=dt.date(2026, 3, 10),
            reason="RC7",
            note="",
        )
    messages = error.value.messages
    assert "The child in need plan started on 2 February 2026 is still open: end it first" in (
        messages
    )
    assert any("Chase the school nurse" in m for m in messages)
    episode.refresh_from_db()
    assert episode.is_open and not CINClosure.objects.exists()


def test_closure_with_its_census_reason(cin_plan, episode, referral, personas):
    manager = personas["team_manager"]
    end_plan(actor=manager, plan_id=cin_plan.pk, ended_on=dt.date(2026, 3, 9), reason="Met")
    with pytest.raises(PermissionDenied):
        services.close_episode(
            actor=personas["allocated_worker"],
            involvement_id=episode.pk,
            closed_on=dt.date(2026, 3, 10),
            reason="RC7",
            note="",
        )
    with pytest.raises(ValidationError) as error:
        services.close_episode(
            actor=manager,
            involvement_id=episode.pk,
            closed_on=dt.date(2026, 1, 2),
            reason="RC10",
            note="",
        )
    assert set(error.value.message_dict) == {"closed_on", "reason"}
    closure = services.close_episode(
        actor=manager,
        involvement_id=episode.pk,
        closed_on=dt.date(2026, 3, 10),
        reason="RC7",
        note="Attending school; family managing",
    )
    assert (closure.referral, closure.reason, closure.closed_on) == (
        referral,
        "RC7",
        dt.date(2026, 3, 10),
    )
    episode.refresh_from_db()
    assert episode.ended_on == dt.date(2026, 3, 10)
    assert episode.end_reason.startswith("RC7 Services ceased for any other reason")
    event = Event.objects.get(type="involvement.transition", involvement=episode)
    assert event.detail["transition"] == "child_in_need.close"
    assert event.detail["closure_reason"] == "RC7"
    with pytest.raises(ValidationError, match="already ended"):
        services.close_episode(
            actor=manager,
            involvement_id=episode.pk,
            closed_on=dt.date(2026, 3, 10),
            reason="RC7",
            note="",
        )


def test_closure_from_child_protection_finds_the_episodes_referral(episode, referral, personas):
    manager = personas["team_manager"]
    close_involvement(
        actor=manager, involvement_id=episode.pk, ended_on=dt.date(2026, 2, 1), reason="Step up"
    )
    cp = open_involvement(
        actor=manager,
        person=episode.person,
        stage="child_protection",
        started_on=dt.date(2026, 2, 1),
        team=episode.team,
        stepped_from=Involvement.objects.get(pk=episode.pk),
    )
    assert services.episode_referral(cp) == referral
    closure = services.close_episode(
        actor=manager, involvement_id=cp.pk, closed_on=dt.date(2026, 3, 10), reason="RC5", note=""
    )
    assert closure.referral == referral and closure.involvement == cp
    event = Event.objects.get(type="involvement.transition", involvement=cp)
    assert (event.detail["transition"], event.detail["closure_reason"]) == (
        "child_protection.close",
        "RC5",
    )
