"""The synthetic county's child protection: every child protection involvement has its plan,
with the strategy discussion, enquiry and ICPC that led to it, core groups and reviews due by
the rules (some late, some missed), plans with deliberately poor content at the stated rates,
enquiries with no plan for some children in need, police protection and emergency protection
orders around some strategy discussions, and nothing dated on or after --today."""

import datetime as dt

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from kinfold.child_protection.models import (
    ActionReview,
    CoreGroup,
    CPPlanSchedule,
    EmergencyProtection,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.journey.models import Event, Involvement
from kinfold.plans.models import Contingency, Plan, PlanAction
from kinfold.timescales.calendar import WorkingCalendar, add_months
from synthetic.county import _tables_to_clear, clear_county, generate
from synthetic.pipeline import Options

TODAY = dt.date(2026, 3, 31)


def options() -> Options:
    return Options(children=1500, years=3, seed=17, today=TODAY, allocated_share=0.2)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = generate(options())
        yield made
        clear_county()


@pytest.mark.django_db
def test_every_child_protection_involvement_has_one_plan_from_its_icpc(county):
    involvements = Involvement.objects.filter(stage="child_protection")
    assert involvements.count() > 20
    plans = Plan.objects.filter(kind="cp")
    assert plans.count() == involvements.count()
    assert plans.values("involvement").distinct().count() == plans.count()
    assert Plan.objects.filter(kind="cp", ended_on__isnull=True).count() == (
        involvements.filter(ended_on__isnull=True).count()
    )
    for plan in plans.select_related("involvement", "initial_conference")[:300]:
        assert plan.started_on == plan.involvement.started_on
        assert plan.ended_on == plan.involvement.ended_on
        conference = plan.initial_conference
        assert conference.held_on == plan.started_on and conference.category
        enquiry = conference.enquiry
        assert enquiry.outcome and enquiry.icpc_needed and enquiry.completed_on
        assert enquiry.discussion.participants.filter(agency="police").exists()
        assert enquiry.discussion.participants.filter(agency="health").exists()
        assert enquiry.icpc_held_on == conference.held_on
    # The step up: a plan's discussion is on the child in need involvement it stepped from.
    stepped = plans.filter(involvement__stepped_from__isnull=False).select_related(
        "involvement", "initial_conference__enquiry__discussion"
    )
    for plan in stepped[:100]:
        discussion = plan.initial_conference.enquiry.discussion
        assert discussion.involvement_id == plan.involvement.stepped_from_id


@pytest.mark.django_db
def test_icpcs_due_15_working_days_after_the_discussion_some_late(county):
    calendar = WorkingCalendar()
    conferences = list(InitialConference.objects.select_related("enquiry"))
    for c in conferences[:300]:
        assert c.due_on == calendar.add_working_days(c.enquiry.discussion_on, 15)
    late = sum(1 for c in conferences if c.late) / len(conferences)
    assert 0.05 < late < 0.3


@pytest.mark.django_db
def test_core_groups_every_six_weeks_some_late_or_missed_with_progress(county):
    calendar = WorkingCalendar()
    meetings = CoreGroup.objects.all()
    assert meetings.count() > 50
    for m in meetings[:300]:
        assert m.next_due_on == m.held_on + dt.timedelta(weeks=6)
    late = meetings.filter(held_on__gt=F("due_on")).count() / meetings.count()
    assert 0.1 < late < 0.4
    first = CPPlanSchedule.objects.filter(core_groups_held=0, plan__ended_on__isnull=True)
    for s in first.select_related("conference")[:100]:
        assert s.core_group_due_on == calendar.add_working_days(s.conference.held_on, 10)
    # Progress on each live action at a core group.
    assert ActionReview.objects.count() > meetings.count()
    # Some core groups missed: an open plan whose next core group is overdue.
    assert CPPlanSchedule.objects.filter(
        plan__ended_on__isnull=True, core_group_due_on__lt=TODAY
    ).exists()


@pytest.mark.django_db
def test_reviews_three_then_six_months(county):
    reviews = ReviewConference.objects.select_related("plan")
    assert reviews.exists()
    for r in reviews[:300]:
        assert r.next_due_on == add_months(r.held_on, 6)
    firsts = CPPlanSchedule.objects.filter(reviews_held__gt=0).select_related("conference")
    for s in firsts[:100]:
        first = ReviewConference.objects.filter(plan_id=s.plan_id).order_by("held_on").first()
        assert first.due_on == add_months(s.conference.held_on, 3)


@pytest.mark.django_db
def test_plans_some_deliberately_poor(county):
    plans = Plan.objects.filter(kind="cp").annotate(n=Count("actions"))
    total = plans.count()
    too_many = plans.filter(n__gt=12).count() / total
    assert 0.05 < too_many < 0.3
    actions = PlanAction.objects.filter(plan__kind="cp")
    assert actions.filter(owner_text="").exists() and actions.filter(due_on__isnull=True).exists()
    assert actions.filter(measure="").exists()
    contingencies = Contingency.objects.filter(plan__kind="cp")
    vague = contingencies.filter(Q(trigger_by__isnull=True) | Q(action="")).count()
    assert 0.2 < vague / contingencies.count() < 0.5
    assert contingencies.count() == total


@pytest.mark.django_db
def test_open_plans_keep_their_visit_dates(county):
    open_plans = Plan.objects.filter(kind="cp", ended_on__isnull=True)
    assert not open_plans.filter(next_visit_due_on__isnull=True).exists()
    calendar = WorkingCalendar()
    for plan in open_plans.filter(last_visit_on__isnull=False)[:100]:
        assert plan.next_visit_due_on == calendar.add_working_days(plan.last_visit_on, 10)


@pytest.mark.django_db
def test_children_in_need_with_enquiries_and_no_plan(county):
    no_plan = Section47Enquiry.objects.filter(icpc_needed=False)
    assert no_plan.exists()
    assert not no_plan.filter(icpc_due_on__isnull=False).exists()
    assert StrategyDiscussion.objects.filter(s47_decided=False).exists()


@pytest.mark.django_db
def test_police_protection_and_orders_around_some_strategy_discussions(county):
    """8% of discussions with police protection (1-3 days, from the discussion's day or the
    day before) and 2% with an order (2-8 days, a named court, from its day or the next
    working day), each with its event. This county has some 70 discussions, so the shares
    are bounded loosely (8% of 70 is 5.6, give or take 2.3)."""
    discussions = StrategyDiscussion.objects.count()
    protections = EmergencyProtection.objects.select_related("discussion", "person")
    police = protections.filter(kind="police")
    orders = protections.filter(kind="epo")
    assert 0.02 < police.count() / discussions < 0.16
    assert orders.exists() and orders.count() / discussions < 0.07
    assert protections.values("discussion").distinct().count() == protections.count()
    for p in protections:
        held_on = timezone.localdate(p.discussion.held_at)
        assert p.person_id == p.discussion.person_id
        assert p.involvement_id == p.discussion.involvement_id
        assert p.person.date_of_birth is not None and p.started_on >= p.person.date_of_birth
        if p.kind == "police":
            assert held_on - dt.timedelta(days=1) <= p.started_on <= held_on
            assert p.court == ""
            assert p.ended_on is None or 1 <= (p.ended_on - p.started_on).days <= 3
        else:
            assert held_on <= p.started_on <= WorkingCalendar().next_working_day(held_on)
            assert p.court.endswith("Family Court")
            assert p.ended_on is None or 2 <= (p.ended_on - p.started_on).days <= 8
        if p.ended_on is None:  # still running: it would have ended on or after --today
            assert p.started_on + dt.timedelta(days=8) >= TODAY
    events = Event.objects.filter(type="emergency_protection.started")
    assert sorted(events.values_list("subject_id", flat=True)) == sorted(
        protections.values_list("pk", flat=True)
    )
    assert not events.filter(significant=False).exists()


def test_clearing_the_county_removes_the_protections_with_the_people():
    # clear_county removes every table that refers to a person, in one TRUNCATE (PostgreSQL)
    # or one transaction whose foreign keys are checked at its end (SQLite).
    assert EmergencyProtection in _tables_to_clear()


@pytest.mark.django_db
def test_nothing_dated_on_or_after_today(county):
    assert not StrategyDiscussion.objects.filter(held_at__date__gte=TODAY).exists()
    assert not Section47Enquiry.objects.filter(
        Q(started_on__gte=TODAY) | Q(completed_on__gte=TODAY)
    ).exists()
    assert not CoreGroup.objects.filter(held_on__gte=TODAY).exists()
    assert not ReviewConference.objects.filter(held_on__gte=TODAY).exists()
    assert not EmergencyProtection.objects.filter(
        Q(started_on__gte=TODAY) | Q(ended_on__gte=TODAY) | Q(recorded_at__date__gte=TODAY)
    ).exists()
    kinds = [
        "strategy_discussion.held",
        "s47.started",
        "icpc.held",
        "core_group.held",
        "emergency_protection.started",
    ]
    events = Event.objects.filter(type__in=kinds)
    assert events.exists()
    assert not events.filter(occurred_at__date__gte=TODAY).exists()
    assert not events.filter(subject_id__isnull=True).exists()
