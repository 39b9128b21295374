"""The synthetic county's children in need: each child in need episode of an allocated child
that lasted past its assessment has its plan, poor in places at the rates the stage states
(so the quality checks find missing owners, dates, measures and too many actions), reviews due
by the rule, visits from the journey's visit notes, and the closed episodes their census
closure with a reason code; nothing dated on or after --today."""

import datetime as dt
from collections import Counter

import pytest

from kinfold.child_in_need.models import CINClosure, CINPlanReview
from kinfold.journey.models import Involvement
from kinfold.plans.models import Plan, PlanAction
from kinfold.quality.checks import content_of, evaluate
from kinfold.timescales.calendar import add_months
from synthetic.county import clear_county, generate
from synthetic.pipeline import Options

TODAY = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = generate(Options(children=1500, years=3, seed=11, today=TODAY, allocated_share=0.12))
        yield made
        clear_county()


@pytest.mark.django_db
def test_open_episodes_have_an_open_plan(county):
    plans = Plan.objects.filter(kind="cin")
    assert plans.count() > 30
    open_plans = plans.filter(ended_on__isnull=True)
    for plan in open_plans.select_related("involvement"):
        assert plan.involvement.stage == "child_in_need" and plan.involvement.is_open
        assert plan.started_on < TODAY and plan.owner_id is not None
        assert plan.next_review_due_on and plan.next_visit_due_on
    assert not plans.filter(ended_on__gte=TODAY).exists()
    # Every ended plan ended with its involvement.
    for plan in plans.filter(ended_on__isnull=False).select_related("involvement")[:300]:
        assert plan.ended_on == plan.involvement.ended_on


@pytest.mark.django_db
def test_plans_are_poor_at_the_stated_rates_and_their_findings_stored(county):
    plans = list(
        Plan.objects.filter(kind="cin").prefetch_related("outcomes", "actions", "contingencies")
    )
    codes = Counter(f["code"] for p in plans for f in p.flags)
    for code in ("action.no_owner", "action.no_date", "action.no_measure", "contingency.vague"):
        assert codes[code] > 0, code
    too_many = sum(1 for p in plans if any(f["code"] == "plan.too_many_actions" for f in p.flags))
    assert 0.03 < too_many / len(plans) < 0.2
    actions = PlanAction.objects.filter(plan__kind="cin")
    no_owner = actions.filter(
        owner_worker__isnull=True, owner_person__isnull=True, owner_text=""
    ).count()
    assert 0.06 < no_owner / actions.count() < 0.2
    # The stored findings are what the checks find on the saved rows (open plans, today).
    for plan in [p for p in plans if p.ended_on is None][:100]:
        found = evaluate(content_of(plan), today=TODAY)
        assert sorted((f.code, f.item) for f in found) == sorted(
            (f["code"], f["item"]) for f in plan.flags
        )
        assert plan.flag_count == len(plan.flags)


@pytest.mark.django_db
def test_reviews_every_three_months(county):
    reviews = CINPlanReview.objects.select_related("plan")
    assert reviews.count() > 20
    late = sum(1 for r in reviews if r.late) / reviews.count()
    assert 0.15 < late < 0.45
    for review in reviews[:300]:
        assert review.plan.started_on <= review.held_on < TODAY
        assert review.next_review_due_on == add_months(review.held_on, 3)
        assert review.child_views and review.family_views


@pytest.mark.django_db
def test_closed_episodes_have_their_census_closure(county):
    closures = CINClosure.objects.select_related("involvement", "referral")
    assert closures.count() > 5
    for closure in closures:
        assert closure.involvement.ended_on == closure.closed_on < TODAY
        assert closure.referral.involvement_id == closure.involvement_id
        assert closure.reason in {"RC5", "RC7", "RC8", "RC9"}
    stepped_up = Involvement.objects.filter(
        stage="child_in_need", end_reason="Stepped up to child protection"
    )
    assert not closures.filter(involvement__in=stepped_up).exists()
