"""The synthetic county's assessments: every child in need episode's referral has its single
assessment, due 45 working days after the referral, at the rates the stage states (most on
time, some late, some started and completed the same day, the child seen alone in most,
views missing in some), with outcomes that follow the child's journey, every completed one
complete (what the service requires), and nothing dated on or after --today."""

import datetime as dt

import pytest
from django.db.models import Count, F, Q

from kinfold.assessments.models import Assessment, AssessmentFactor
from kinfold.front_door.models import Referral
from kinfold.journey.models import Event, Involvement
from kinfold.timescales.calendar import working_calendar
from synthetic.assessments import build_assessments
from synthetic.county import clear_county, generate
from synthetic.pipeline import Context, Options

TODAY = dt.date(2026, 3, 31)


def options() -> Options:
    return Options(children=1500, years=3, seed=0, today=TODAY, allocated_share=0.12)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = generate(options())
        yield made
        clear_county()


def completed():
    return Assessment.objects.filter(completed_on__isnull=False)


@pytest.mark.django_db
def test_every_episode_referral_is_assessed_once(county):
    referrals = Referral.objects.filter(referral_date__lt=TODAY)
    assert referrals.count() > 100
    episodes = referrals.values("involvement_id").distinct().count()
    assert Assessment.objects.count() == episodes
    for a in Assessment.objects.select_related("referral")[:500]:
        assert a.person_id == a.referral.person_id
        assert a.clock_from == a.referral.referral_date <= a.started_on
    # Never two open at once for a child.
    assert not (
        Assessment.objects.filter(completed_on__isnull=True)
        .values("person_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )


@pytest.mark.django_db
def test_due_45_working_days_after_the_referral(county):
    calendar = working_calendar()
    for a in Assessment.objects.all()[:300]:
        assert a.due_on == calendar.add_working_days(a.clock_from, 45)


@pytest.mark.django_db
def test_timeliness_at_the_stated_rates(county):
    done = completed()
    total = done.count()
    assert total > 100
    late = done.filter(completed_on__gt=F("due_on")).count() / total
    same_day = done.filter(completed_on=F("started_on")).count() / total
    assert 0.06 <= late <= 0.2, late
    assert 0.03 <= same_day <= 0.12, same_day
    assert Assessment.objects.filter(completed_on__isnull=True).exists()


@pytest.mark.django_db
def test_seen_and_views_at_the_stated_rates(county):
    done = completed()
    total = done.count()
    alone = done.filter(seen_alone_on__isnull=False).count() / total
    seen = done.filter(child_seen_on__isnull=False).count() / total
    child_views = done.exclude(child_views="").count() / total
    parents_missing = done.filter(parents_views="", parents_views_reason="").count() / total
    assert 0.55 <= alone <= 0.72, alone
    assert seen >= 0.9
    assert 0.75 <= child_views <= 0.93, child_views
    assert 0.07 <= parents_missing <= 0.25, parents_missing


@pytest.mark.django_db
def test_every_completed_assessment_is_complete(county):
    done = completed()
    assert not done.filter(outcome="").exists()
    assert not done.filter(child_seen_on__isnull=True, not_seen_reason="").exists()
    assert not done.filter(child_views="", child_views_reason="").exists()
    assert not done.filter(analysis="").exists()
    assert not done.exclude(pk__in=AssessmentFactor.objects.values("assessment_id")).exists()
    for field in ("factors", "seen", "views", "analysis", "outcome"):
        assert not done.filter(**{f"{field}_recorded_at__isnull": True}).exists(), field
    assert not done.filter(completed_on__lt=F("started_on")).exists()
    # Authorised by a manager who is not the author, on or after completion.
    authorised = done.filter(authorised_on__isnull=False)
    assert authorised.count() > 0.8 * done.count()
    assert not authorised.filter(authorised_by=F("social_worker")).exists()
    assert not authorised.filter(authorised_on__lt=F("completed_on")).exists()


@pytest.mark.django_db
def test_outcomes_follow_the_journey(county):
    stepped_up = Involvement.objects.filter(stage="child_protection").values("stepped_from_id")
    to_cp = completed().filter(involvement_id__in=stepped_up)
    assert to_cp.exists()
    assert not to_cp.exclude(outcome="strategy").exists()
    # A front door episode closed after its assessment with no further action: outcome NFA.
    nfa_closed = completed().filter(
        involvement__end_reason="Assessment completed: no further action",
        involvement__stepped_to__isnull=True,
    )
    assert nfa_closed.exists()
    assert not nfa_closed.exclude(outcome="nfa").exists()
    early_help = completed().filter(involvement__end_reason__icontains="early help")
    assert not early_help.exclude(outcome="early_help").exclude(outcome="strategy").exists()
    # An episode still open after the assessment went on to a CIN plan.
    open_after = completed().filter(involvement__ended_on__isnull=True)
    assert open_after.exists()
    assert not open_after.exclude(outcome="cin_plan").exists()
    # Completed before the episode ended.
    assert not completed().filter(involvement__ended_on__lt=F("completed_on")).exists()


@pytest.mark.django_db
def test_events_as_the_service_writes_them_and_nothing_from_today(county):
    assert Event.objects.filter(type="assessment.started").count() == Assessment.objects.count()
    assert Event.objects.filter(type="assessment.completed").count() == completed().count()
    assert (
        Event.objects.filter(type="assessment.authorised").count()
        == Assessment.objects.filter(authorised_on__isnull=False).count()
    )
    done = Event.objects.filter(type="assessment.completed").first()
    assert done.subject_id and done.detail["outcome"]
    for field in ("started_on", "completed_on", "authorised_on", "child_seen_on"):
        assert not Assessment.objects.filter(**{f"{field}__gte": TODAY}).exists(), field
    assert not Assessment.objects.filter(
        Q(recorded_at__date__gte=TODAY) | Q(completed_recorded_at__date__gte=TODAY)
    ).exists()


@pytest.mark.django_db
def test_running_it_again_adds_nothing(county):
    before = Assessment.objects.count()
    build_assessments(Context(options(), la_code="999", la_name="Fenshire"), lambda n: None)
    assert Assessment.objects.count() == before
