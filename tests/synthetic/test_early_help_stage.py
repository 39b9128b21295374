"""The synthetic county's early help: every early help involvement has its episode, with a
lead from the Early Help Hub or a partner agency at the rates the stage states, reviews due by
the rule, ends with reasons that follow the involvement's end, and nothing dated on or after
--today. A step down (an early help involvement stepped from a child in need episode, as the
step-down service opens it) gets its episode too."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Max, Min

from kinfold.early_help.codes import EndReason
from kinfold.early_help.models import (
    EarlyHelpEpisode,
    EarlyHelpPlan,
    EarlyHelpReview,
    FamilyMember,
)
from kinfold.journey.models import Event, Involvement
from kinfold.timescales.calendar import add_months
from synthetic.county import clear_county, generate
from synthetic.early_help import build_early_help
from synthetic.pipeline import Context, Options

TODAY = dt.date(2026, 3, 31)


def options() -> Options:
    return Options(children=1500, years=3, seed=11, today=TODAY, allocated_share=0.12)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = generate(options())
        yield made
        clear_county()


def early_help_involvements():
    return Involvement.objects.filter(stage="early_help")


@pytest.mark.django_db
def test_every_early_help_involvement_has_one_episode(county):
    involvements = early_help_involvements()
    assert involvements.count() > 50
    assert EarlyHelpEpisode.objects.count() == involvements.count()
    assert not involvements.filter(early_help_episode__isnull=True).exists()
    for episode in EarlyHelpEpisode.objects.select_related("involvement")[:500]:
        assert episode.person_id == episode.involvement.person_id
        assert (episode.ended_on is None) == (episode.involvement.ended_on is None)


@pytest.mark.django_db
def test_leads_from_the_hub_and_partners_at_the_stated_rates(county):
    led = EarlyHelpEpisode.objects.exclude(lead_worker__isnull=True, lead_organisation__isnull=True)
    total = led.count()
    assert total > 0.8 * EarlyHelpEpisode.objects.count()
    partner = led.filter(lead_organisation__isnull=False).count() / total
    assert 0.2 < partner < 0.4
    assert not led.filter(lead_organisation__isnull=False, lead_name="").exists()
    functions = set(
        led.filter(lead_worker__isnull=False).values_list(
            "lead_worker__memberships__unit__function", flat=True
        )
    )
    assert functions & {"early_help_hub", "early_help"}
    # Parents and carers are in the plan.
    assert FamilyMember.objects.filter(role="parent_carer").count() > 0.5 * total


@pytest.mark.django_db
def test_reviews_every_three_months_with_some_late(county):
    reviews = EarlyHelpReview.objects.select_related("episode")
    assert reviews.count() > 20
    late = sum(1 for r in reviews if r.late) / reviews.count()
    assert 0.15 < late < 0.45
    for review in reviews[:300]:
        assert review.next_review_due_on == add_months(review.held_on, 3)
    for episode in EarlyHelpEpisode.objects.filter(ended_on__isnull=True, reviews_held__gt=0):
        assert episode.review_due_on == add_months(episode.review_from, 3)
    assert EarlyHelpPlan.objects.filter(number__gt=1).exists()


@pytest.mark.django_db
def test_ends_carry_reasons_that_follow_the_involvement(county):
    ended = EarlyHelpEpisode.objects.filter(ended_on__isnull=False).select_related("involvement")
    assert ended.count() > 20
    reasons = Counter(ended.values_list("end_reason", flat=True))
    assert "" not in reasons
    assert reasons[EndReason.OUTCOMES_MET] > reasons[EndReason.DECLINED] > 0
    for episode in ended[:300]:
        assert episode.ended_on == episode.involvement.ended_on
        if "consent" in episode.involvement.end_reason.lower():
            assert episode.end_reason == EndReason.DECLINED


@pytest.mark.django_db
def test_nothing_dated_on_or_after_today(county):
    latest = EarlyHelpEpisode.objects.aggregate(
        a=Max("started_on"), b=Max("ended_on"), c=Max("review_from")
    )
    assert all(v is None or v < TODAY for v in latest.values())
    assert EarlyHelpReview.objects.aggregate(m=Max("held_on"))["m"] < TODAY
    assert EarlyHelpPlan.objects.aggregate(m=Max("agreed_on"))["m"] < TODAY
    events = Event.objects.filter(type__startswith="early_help.")
    assert events.count() > 0
    assert events.aggregate(m=Max("occurred_at"))["m"].date() < TODAY
    assert events.aggregate(m=Max("recorded_at"))["m"].date() < TODAY
    starts = EarlyHelpEpisode.objects.aggregate(m=Min("started_on"))["m"]
    assert starts >= TODAY - dt.timedelta(days=365 * 4)


@pytest.mark.django_db
def test_a_step_down_gets_its_episode_too(county):
    step = TODAY - dt.timedelta(days=200)
    cin = Involvement.objects.filter(
        stage="child_in_need", ended_on__isnull=True, started_on__lt=step
    ).first()
    Involvement.objects.filter(pk=cin.pk).update(
        ended_on=step, end_reason="RC9 Case closed after assessment, referred to early help"
    )
    stepped = Involvement.objects.create(
        person_id=cin.person_id,
        stage="early_help",
        started_on=step,
        stepped_from=cin,
        team_id=Involvement.objects.filter(stage="early_help").values_list("team", flat=True)[0],
    )
    ctx = Context(options=options(), la_code="999", la_name="Test county")
    build_early_help(ctx, lambda n: None)
    episode = EarlyHelpEpisode.objects.get(involvement=stepped)
    assert episode.has_lead and episode.reviews_held >= 1
    assert episode.review_due_on > episode.review_from
