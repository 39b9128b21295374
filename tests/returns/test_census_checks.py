"""Kinfold's own CIN census checks: each rule fails a hand-made child with its fault and passes
the valid child (tests/returns/census_corpus.py); the checks run when a child's records are
saved, nightly over all, and show on the child's page and the allocated worker's My work."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from kinfold.assessments.models import AssessmentFactor
from kinfold.front_door.models import Referral
from kinfold.people.models import PersonDisability
from kinfold.returns.census_checks import REGISTRY, Context, check
from kinfold.returns.census_checks.checking import (
    check_children,
    check_year,
    file_findings,
    years_checked_on_save,
)
from kinfold.returns.census_checks.record import (
    AssessmentRecord,
    ChildRecord,
    CPPlanRecord,
    EpisodeRecord,
    S47Record,
)
from kinfold.returns.census_checks.rules import check_across
from kinfold.returns.census_checks.worklist import KIND
from kinfold.returns.models import CensusProblem
from kinfold.timescales.worklists import worklist

from .census_corpus import MUTATIONS, census_file, corpus, upn, valid_child
from .test_cin_census import Facts

D = dt.date
YEAR = Context(year=2025)


def codes(record: ChildRecord) -> set[str]:
    return {f.code for f in check(record, YEAR)}


def test_the_valid_child_passes_every_check():
    assert codes(valid_child()) == set()


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_each_rule_fails_its_faulty_child(code):
    assert code in MUTATIONS, f"rule {code} has no faulty child in the corpus"
    assert code in codes(corpus()[code])


def test_each_finding_names_the_rule_message_and_field():
    child = corpus()["8606"]
    (finding,) = [f for f in check(child, YEAR) if f.code == "8606"]
    assert finding.message == "Child referral date is more than 40 weeks before DOB or expected DOB"
    assert finding.field == "CINreferralDate"
    assert finding.kind == "ERROR"


def test_upn_check_letter_worked_by_hand():
    # A801200001001: digits 8,0,1,2,0,0,0,0,1,0,0,1 weighted 2..13 = 16+0+4+10+0+0+0+0+10+0+0+13
    # = 53; 53 mod 23 = 7 -> H.
    good = ChildRecord(la_child_id="A1", upn="H801200001001")
    assert "1510" not in codes(good)
    assert "1510" in codes(ChildRecord(la_child_id="A1", upn="A801200001001"))
    assert upn("801", "200001001") == "H801200001001"


def test_dates_order_rules_on_the_edges():
    base = EpisodeRecord(referral_date=D(2024, 6, 3), source="1A", primary_need="N1")
    same_day = EpisodeRecord(
        referral_date=D(2024, 6, 3),
        assessments=[AssessmentRecord(D(2024, 6, 3), D(2024, 6, 3), ["1A"])],
        cp_plans=[CPPlanRecord(D(2024, 7, 1), D(2024, 7, 1))],
        enquiries=[S47Record(D(2024, 7, 1), None, D(2024, 7, 1), "0")],
    )
    child = ChildRecord(la_child_id="E1", birth=D(2010, 1, 1), episodes=[same_day])
    found = codes(child)
    assert "1103" not in found and "8608" not in found  # the same day is in order
    assert "8840" in found  # a plan cannot start and end on the same day
    assert "8615" not in found
    late = ChildRecord(la_child_id="E2", birth=D(2010, 1, 1), episodes=[base])
    late.episodes[0].assessments = [AssessmentRecord(D(2024, 6, 2))]
    assert "1103" in codes(late)


def test_conference_on_a_saturday_and_target_on_a_sunday():
    s47 = S47Record(D(2024, 8, 1), D(2024, 8, 25), D(2024, 8, 24), "0")  # Sun target, Sat ICPC
    child = ChildRecord(
        la_child_id="W1",
        birth=D(2010, 1, 1),
        episodes=[EpisodeRecord(referral_date=D(2024, 7, 1), enquiries=[s47])],
    )
    assert {"8875", "8870Q"} <= codes(child)


def test_working_day_rules_count_as_the_validator_does():
    # 15 working days back from Monday 31 March 2025, the day itself counted first: Tuesday
    # 11 March (no bank holiday in between). An enquiry begun before it with no conference.
    def enquiry(start):
        s47 = S47Record(start, None, None, "0")
        episode = EpisodeRecord(referral_date=D(2025, 3, 3), enquiries=[s47])
        return ChildRecord(la_child_id="S1", birth=D(2010, 1, 1), episodes=[episode])

    assert "8675Q" in codes(enquiry(D(2025, 3, 10)))
    assert "8675Q" not in codes(enquiry(D(2025, 3, 11)))
    # A referral with no further action before the year's first working day is queried: 1
    # April 2024 was Easter Monday, so the first is Tuesday 2 April.
    nfa = EpisodeRecord(
        referral_date=D(2024, 4, 1), closure_date=D(2024, 4, 3), closure_reason="RC8"
    )
    nfa.referral_nfa = "1"
    child = ChildRecord(la_child_id="N1", birth=D(2010, 1, 1), episodes=[nfa])
    assert "8569Q" in codes(child)
    nfa.referral_date = D(2024, 4, 2)
    assert "8569Q" not in codes(child)


def test_duplicate_ids_and_upns_across_children():
    a, b, c = valid_child("SAME1", 1), valid_child("SAME1", 2), valid_child("OTHER", 1)
    found = check_across([a, b, c])
    assert {f.code for f in found[0]} == {"8510", "1520"}
    assert {f.code for f in found[1]} == {"8510"}
    assert {f.code for f in found[2]} == {"1520"}
    by_id = file_findings(census_file([a, c]), 2025)
    assert {f.code for f in by_id["OTHER"]} == {"1520"}


def test_years_checked_on_save():
    assert years_checked_on_save(D(2025, 3, 20)) == [2025]
    assert years_checked_on_save(D(2025, 5, 2)) == [2025, 2026]
    assert years_checked_on_save(D(2025, 8, 1)) == [2026]


# ---- stored facts: on save, nightly, on the page and My work --------------------------------


@pytest.fixture
def facts(org, personas):
    return Facts(org, personas)


def referred(child, facts):
    """The allocated worker's child, referred on 1 October 2024, assessed with factor 18A
    (no longer to be used: query 8945Q)."""
    child.upn = facts.upns.next(2001, 2020)
    child.save()
    PersonDisability.objects.create(person=child, code="NONE")
    referral, inv = facts.referral(child, D(2024, 10, 1))
    assessment = facts.assessment(
        referral, inv, D(2024, 10, 2), D(2024, 11, 1), D(2024, 11, 4), factors=("18A",)
    )
    return child, assessment


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC), tick=False)
def test_saving_a_record_rechecks_the_child(
    child, facts, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kid, assessment = referred(child, facts)
    (problem,) = CensusProblem.objects.filter(person=kid)
    assert (problem.rule, problem.field, problem.year) == ("8945Q", "AssessmentFactors", 2025)
    assert problem.owner == personas["allocated_worker"]
    assert problem.found_at == D(2025, 3, 20)

    # Found again later: it keeps the day it was first found.
    later = time_machine.travel(dt.datetime(2025, 3, 24, 12, tzinfo=dt.UTC), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        assessment.save()
    (again,) = CensusProblem.objects.filter(person=kid)
    assert again.found_at == D(2025, 3, 20)

    # Fixed: the problem goes.
    with django_capture_on_commit_callbacks(execute=True):
        AssessmentFactor.objects.filter(assessment=assessment).update(code="18B")
        assessment.save()
    assert not CensusProblem.objects.filter(person=kid).exists()


@pytest.mark.django_db
def test_a_rolled_back_save_checks_nothing(child, facts, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                referred(child, facts)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not CensusProblem.objects.exists()


@pytest.mark.django_db
def test_the_nightly_check_and_its_command(child, facts, settings):
    settings.CENSUS_CHECK_ON_SAVE = False
    kid, _ = referred(child, facts)
    assert not CensusProblem.objects.exists()
    done = check_year(2025)
    assert done.children == 1
    assert list(CensusProblem.objects.values_list("person", "rule")) == [(kid.pk, "8945Q")]
    # The file the nightly run checked is the builder's, and the checks agree with it.
    assert {f.code for f in file_findings(done.content, 2025)[kid.la_child_id]} == {"8945Q"}

    CensusProblem.objects.all().delete()
    with time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        call_command("check_census", "--year", "2025")
        with pytest.raises(CommandError, match="not a census year"):
            call_command("check_census", "--year", "twenty")
    assert CensusProblem.objects.filter(person=kid, rule="8945Q").count() == 1


@pytest.mark.django_db
def test_a_child_left_out_of_the_file_is_a_problem(child, facts, settings):
    settings.CENSUS_CHECK_ON_SAVE = False
    facts.referral(child, D(2024, 10, 1))  # no disability recorded: the writer leaves them out
    check_children([child.pk], 2025)
    problems = list(CensusProblem.objects.filter(person=child))
    assert problems and all(p.rule == "" for p in problems)
    assert "Disability" in {p.field for p in problems}


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC), tick=False)
def test_problems_on_the_childs_page_and_my_work(child, facts, personas, client_for, settings):
    settings.CENSUS_CHECK_ON_SAVE = False
    kid, _ = referred(child, facts)
    check_children([kid.pk])
    page = client_for(personas["allocated_worker"]).get(reverse("people:detail", args=[kid.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Census problems" in html and "8945Q" in html and "AssessmentFactors" in html

    items = worklist(owner=personas["allocated_worker"], kind=KIND)
    assert [(i.person_id, i.due) for i in items] == [(kid.pk, D(2025, 3, 20))]
    assert "8945Q" in items[0].title
    assert items[0].url == reverse("people:detail", args=[kid.pk])
    assert worklist(owner=personas["team_manager"], kind=KIND) == []


@pytest.mark.django_db
def test_a_save_costs_a_few_queries_whatever_the_child_has(
    child, facts, settings, django_assert_max_num_queries
):
    settings.CENSUS_CHECK_ON_SAVE = False
    kid, _ = referred(child, facts)
    referral = Referral.objects.get(person=kid)
    inv = referral.involvement
    facts.assessment(referral, inv, D(2025, 2, 4), factors=())
    facts.plan(kid, inv, "cin", D(2025, 2, 20))
    facts.enquiry(kid, inv, D(2025, 1, 6))
    # One query a table, whatever the child has: 21 with the savepoint around the replace.
    with django_assert_max_num_queries(21):
        check_children([kid.pk], 2025)
    assert set(CensusProblem.objects.filter(person=kid).values_list("rule", flat=True)) >= {"8945Q"}
