"""Annex A lists 4 to 7, worked by hand from stored facts, as at 31 March 2025.

Each list covers the twelve months 01/04/2024 to 31/03/2025 (both days included). The facts are
stored as the assessment, child protection, children in need and plans apps store them, on the
dates each example needs (the services stamp today's date; a return replays the past).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinfold.assessments.codes import Outcome
from kinfold.assessments.models import Assessment
from kinfold.child_in_need.codes import ReasonForClosure
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.models import (
    EmergencyProtection,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.front_door.codes import PrimaryNeed
from kinfold.journey.models import Involvement
from kinfold.journey.notes import CaseNote
from kinfold.people.models import PersonDisability
from kinfold.plans.models import CPCategory, Plan
from kinfold.plans.services import change_category
from kinfold.returns.annex_a import parse
from kinfold.returns.annex_a.list_4_assessments import NEEDS_SUPPORT
from kinfold.returns.annex_a.list_6_children_in_need import (
    CASE_STATUSES,
    PRIMARY_NEED,
    REASON_FOR_CLOSURE,
)
from kinfold.returns.annex_a.list_7_child_protection import CATEGORY
from kinfold.workforce.models import AllocationRole
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory
from tests.returns.conftest import AS_AT
from tests.returns.helpers import built, headers, rows

pytestmark = pytest.mark.django_db

D = dt.date
LISTS = (4, 5, 6, 7)
EPO = (
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months "
    "(Y/N)"
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


# ---- the facts, as the apps store them ------------------------------------------------------


@pytest.fixture
def amara(org):
    person = PersonFactory(
        given_name="Amara",
        family_name="Osei",
        sex="F",
        ethnicity="BAFR",
        date_of_birth=D(2017, 5, 14),
    )
    PersonDisability.objects.create(person=person, code="LD")
    return person


@pytest.fixture
def priya(org):
    return WorkerFactory(first_name="Priya", last_name="Shah", team=org["north_childrens"])


@pytest.fixture
def recorder(personas):
    return personas["team_manager"]


@pytest.fixture
def make_assessment(org, priya):
    def make(
        referral,
        started_on: dt.date,
        *,
        completed_on=None,
        authorised_on=None,
        outcome="",
        child_seen_on=None,
        involvement=None,
    ) -> Assessment:
        if completed_on and not outcome:
            outcome = Outcome.CIN_PLAN
        return Assessment.objects.create(
            person=referral.person,
            referral=referral,
            involvement=involvement or referral.involvement,
            team=org["north_assessment"],
            social_worker=priya,
            clock_from=referral.referral_date,
            started_on=started_on,
            due_on=started_on + dt.timedelta(days=63),
            child_seen_on=child_seen_on,
            completed_on=completed_on,
            outcome=outcome,
            authorised_on=authorised_on,
        )

    return make


@pytest.fixture
def make_enquiry(org, priya, recorder):
    def make(
        person,
        involvement,
        started_on: dt.date,
        *,
        completed_on=None,
        icpc_needed=None,
        icpc_held_on=None,
        social_worker="priya",
    ) -> Section47Enquiry:
        discussion = StrategyDiscussion.objects.create(
            person=person,
            involvement=involvement,
            held_at=_at(started_on),
            type="discussion",
            information="Bruising seen at school.",
            s47_decided=True,
            reasons="Reasonable cause to suspect significant harm.",
            recorded_by=recorder,
        )
        return Section47Enquiry.objects.create(
            person=person,
            discussion=discussion,
            discussion_on=started_on,
            team=org["north_childrens"] if social_worker else None,
            social_worker=priya if social_worker else None,
            started_on=started_on,
            outcome="substantiated" if completed_on else "",
            icpc_needed=icpc_needed,
            completed_on=completed_on,
            icpc_held_on=icpc_held_on,
            started_by=recorder,
        )

    return make


@pytest.fixture
def make_icpc(personas, recorder):
    def make(enquiry, held_on: dt.date, *, plan=None, category="NEG") -> InitialConference:
        return InitialConference.objects.create(
            enquiry=enquiry,
            person=enquiry.person,
            held_on=held_on,
            decision="plan" if plan is not None else "no_plan",
            category=category if plan is not None else "",
            reasons="Continuing risk of harm.",
            chair=personas["iro"],
            plan=plan,
            recorded_by=recorder,
        )

    return make


def cp_plan(person, involvement, started_on, *, ended_on=None, category="NEG") -> Plan:
    return Plan.objects.create(
        person=person,
        involvement=involvement,
        kind="cp",
        initial_category=category,
        category=category,
        started_on=started_on,
        ended_on=ended_on,
        end_reason="Risk reduced" if ended_on else "",
    )


def review(plan, held_on, personas, *, decision="continue", before="NEG", after="NEG"):
    return ReviewConference.objects.create(
        plan=plan,
        held_on=held_on,
        decision=decision,
        end_reason="" if decision == "continue" else "Risk reduced",
        category_before=before,
        category_after=after if decision == "continue" else "",
        summary="Progress against the plan reviewed.",
        chair=personas["iro"],
        recorded_by=personas["team_manager"],
    )


def visit(person, day, author, *, seen=True, alone=None, type="home_visit", hour=10):
    return CaseNote.objects.create(
        person=person,
        type=type,
        occurred_at=_at(day, hour),
        title="Visit",
        child_seen=seen,
        seen_alone=alone,
        author=author,
    )


def closure(referral, closed_on, reason, recorder) -> CINClosure:
    return CINClosure.objects.create(
        referral=referral,
        person=referral.person,
        involvement=referral.involvement,
        closed_on=closed_on,
        reason=reason,
        recorded_by=recorder,
    )


def _child(person, dob):
    return [person.la_child_id, person_gender(person), person_ethnicity(person), dob]


def person_gender(person):
    return {"F": "b) Female", "M": "a) Male", "U": "c) Not stated/recorded"}[person.sex]


def person_ethnicity(person):
    return {"BAFR": "o) BAFR", "WBRI": "a) WBRI"}[person.ethnicity]


# ---- one child, from referral to a child protection plan ------------------------------------


def test_one_journey_from_referral_to_a_plan_appears_in_lists_3_to_7(
    amara, priya, org, personas, recorder, make_referral, make_assessment, make_enquiry, make_icpc
):
    """Amara (born 14/05/2017, a learning disability) is referred by the police on 02/09/2024.
    Priya Shah, of the north children's team, is allocated the next day and starts the
    assessment; she sees Amara on 05/09/2024, completes the assessment on 30/09/2024 (outcome:
    strategy discussion) and her manager authorises it on 02/10/2024. The strategy discussion
    on 01/10/2024 starts a section 47 enquiry, completed on 14/10/2024: a conference is needed.
    The ICPC on 21/10/2024 decides on a plan (neglect); she steps up to child protection. The
    review on 20/01/2025 changes the category to emotional abuse (and one on 07/04/2025, after
    the as-at date, to multiple). She had a plan once before, in 2021. Visits: seen alone on
    10/03/2025, seen not alone on 28/03/2025, seen at a meeting on 29/03/2025 (not a visit),
    a phone call on 30/03/2025 (not seen) and a visit on 02/04/2025 (after the as-at date)."""
    team = org["north_assessment"]
    AllocationFactory(
        person=amara,
        worker=priya,
        team=org["north_childrens"],
        role=AllocationRole.SOCIAL_WORKER,
        start_date=D(2024, 9, 3),
    )
    old = Involvement.objects.create(
        person=amara, stage="child_protection", started_on=D(2021, 3, 1), ended_on=D(2021, 9, 1)
    )
    cp_plan(amara, old, D(2021, 3, 1), ended_on=D(2021, 9, 1), category="PHY")

    referral = make_referral(amara, D(2024, 9, 2), team, source="6", ended_on=D(2024, 10, 21))
    cin = referral.involvement
    make_assessment(
        referral,
        D(2024, 9, 3),
        child_seen_on=D(2024, 9, 5),
        completed_on=D(2024, 9, 30),
        outcome=Outcome.STRATEGY,
        authorised_on=D(2024, 10, 2),
    )
    enquiry = make_enquiry(
        amara,
        cin,
        D(2024, 10, 1),
        completed_on=D(2024, 10, 14),
        icpc_needed=True,
        icpc_held_on=D(2024, 10, 21),
    )
    cp = Involvement.objects.create(
        person=amara,
        stage="child_protection",
        started_on=D(2024, 10, 21),
        stepped_from=cin,
        team=org["north_childrens"],
    )
    plan = cp_plan(amara, cp, D(2024, 10, 21))
    make_icpc(enquiry, D(2024, 10, 21), plan=plan)
    review(plan, D(2025, 1, 20), personas, after="EMO")
    change_category(actor=priya, plan_id=plan.pk, category="EMO", on=D(2025, 1, 20), reason="")
    review(plan, D(2025, 4, 7), personas, before="EMO", after="MUL")
    change_category(actor=priya, plan_id=plan.pk, category="MUL", on=D(2025, 4, 7), reason="")
    visit(amara, D(2025, 3, 10), priya, alone=True)
    visit(amara, D(2025, 3, 28), priya, alone=False)
    visit(amara, D(2025, 3, 29), priya, type="meeting")
    visit(amara, D(2025, 3, 30), priya, seen=None, type="phone")
    visit(amara, D(2025, 4, 2), priya, alone=True)

    book, result, _ = built(AS_AT, lists=(3, *LISTS))

    child = [amara.la_child_id, "b) Female", "o) BAFR", D(2017, 5, 14)]
    team_name, worker = "North children's team", "Priya Shah"
    assert rows(book, "List 3") == [
        [*child, 7, D(2024, 9, 2), "q) 6: Police", "b) No", 0, team_name, worker]
    ]
    assert rows(book, "List 4") == [
        # Age on the day it started; seen; authorised; the outcome needs social care; the
        # assessment's own team and social worker.
        [
            *child,
            7,
            "a) Yes",
            D(2024, 9, 3),
            "a) Yes",
            D(2024, 10, 2),
            "a) Yes",
            "North assessment team",
            worker,
        ]
    ]
    assert rows(book, "List 5") == [
        # A conference was needed (so not "unnecessary"), held and decided on a plan; no
        # enquiry or conference in the year before this one.
        [
            *child,
            7,
            "a) Yes",
            D(2024, 10, 1),
            "b) No",
            D(2024, 10, 21),
            "a) Yes",
            0,
            0,
            team_name,
            worker,
        ]
    ]
    assert rows(book, "List 6") == [
        # The episode runs from the referral across the step up; last seen at the meeting of
        # 29/03/2025; open on the as-at date with a child protection plan.
        [
            *child,
            7,
            "a) Yes",
            D(2024, 9, 2),
            "N1 - Abuse or neglect",
            D(2025, 3, 29),
            None,
            None,
            "b) Child Protection plan",
            team_name,
            worker,
        ]
    ]
    assert rows(book, "List 7") == [
        # Neglect at first, emotional abuse on the as-at date (multiple only from April);
        # the last visit was 28/03/2025 (the meeting is not a visit), not seen alone; the
        # review of 20/01/2025; still open; no police protection or emergency protection
        # order; one plan before.
        [
            *child,
            7,
            "a) Yes",
            D(2024, 10, 21),
            "a) Neglect",
            "d) Emotional abuse",
            D(2025, 3, 28),
            "b) No",
            D(2025, 1, 20),
            None,
            "b) No",
            1,
            team_name,
            worker,
        ]
    ]
    assert result.summary == {"List 3": 1, "List 4": 1, "List 5": 1, "List 6": 1, "List 7": 1}
    # Nothing left to fill in by hand: the build is ready to send.
    assert result.problems == []


# ---- list 4: assessments --------------------------------------------------------------------


def test_assessments_on_the_edges_of_the_twelve_months(org, make_referral, make_assessment):
    """Authorised the day before the twelve months (out) and on their first day (in); started
    on the as-at date (in, open) and the day after it (out)."""
    team = org["north_assessment"]
    kids = [PersonFactory(date_of_birth=D(2015, 1, 1)) for _ in range(4)]
    before = make_referral(kids[0], D(2024, 2, 1), team)
    make_assessment(
        before, D(2024, 2, 2), completed_on=D(2024, 3, 29), authorised_on=D(2024, 3, 31)
    )
    first = make_referral(kids[1], D(2024, 2, 1), team)
    make_assessment(first, D(2024, 2, 2), completed_on=D(2024, 3, 29), authorised_on=D(2024, 4, 1))
    last = make_referral(kids[2], D(2025, 3, 31), team)
    make_assessment(last, D(2025, 3, 31))
    after = make_referral(kids[3], D(2025, 3, 31), team)
    make_assessment(after, D(2025, 4, 1))

    book, result, _ = built(AS_AT, lists=[4])

    listed = {r[0]: r for r in rows(book, "List 4")}
    assert set(listed) == {kids[1].la_child_id, kids[2].la_child_id}
    assert listed[kids[1].la_child_id][6:10] == [D(2024, 2, 2), "b) No", D(2024, 4, 1), "a) Yes"]
    assert listed[kids[2].la_child_id][6:10] == [D(2025, 3, 31), "b) No", None, None]
    assert result.problems == []


def test_an_assessment_started_but_not_completed_is_listed_open(
    amara, org, make_referral, make_assessment
):
    """Started 03/03/2025; Amara seen on 03/04/2025 and the assessment completed and authorised
    in April — after the as-at date, so on 31/03/2025 she had not been seen and it was open."""
    referral = make_referral(amara, D(2025, 3, 1), org["north_assessment"])
    make_assessment(
        referral,
        D(2025, 3, 3),
        child_seen_on=D(2025, 4, 3),
        completed_on=D(2025, 4, 10),
        outcome=Outcome.NFA,
        authorised_on=D(2025, 4, 11),
    )
    book, _, _ = built(AS_AT, lists=[4])
    assert rows(book, "List 4") == [
        [
            amara.la_child_id,
            "b) Female",
            "o) BAFR",
            D(2017, 5, 14),
            7,
            "a) Yes",
            D(2025, 3, 3),
            "b) No",
            None,
            None,
            "North assessment team",
            "Priya Shah",
        ]
    ]


@pytest.mark.parametrize(
    ("codes", "expected"), [(["NONE"], "b) No"), ([], "c) Unknown"), (["NONE", "AUT"], "a) Yes")]
)
def test_disability_and_an_outcome_of_no_further_action(
    org, make_referral, make_assessment, codes, expected
):
    kid = PersonFactory(date_of_birth=D(2012, 6, 1))
    for code in codes:
        PersonDisability.objects.create(person=kid, code=code)
    referral = make_referral(kid, D(2024, 11, 4), org["north_assessment"])
    make_assessment(
        referral,
        D(2024, 11, 5),
        child_seen_on=D(2024, 11, 6),
        completed_on=D(2024, 12, 2),
        outcome=Outcome.NFA,
        authorised_on=D(2024, 12, 3),
    )
    book, _, _ = built(AS_AT, lists=[4])
    [listed] = rows(book, "List 4")
    assert (listed[5], listed[7], listed[9]) == (expected, "a) Yes", "b) No")


# ---- list 5: section 47 enquiries and ICPCs -------------------------------------------------


def test_enquiries_open_closed_and_on_the_edges(amara, org, make_referral, make_enquiry):
    """Completed on 31/03/2024 (out) and on 01/04/2024 (in, no conference needed); one started
    on 03/03/2025 with no outcome yet, and one whose outcome came after the as-at date."""
    inv = make_referral(amara, D(2024, 2, 1), org["north_assessment"]).involvement
    make_enquiry(amara, inv, D(2024, 3, 1), completed_on=D(2024, 3, 31), icpc_needed=False)
    make_enquiry(amara, inv, D(2024, 3, 2), completed_on=D(2024, 4, 1), icpc_needed=False)
    make_enquiry(amara, inv, D(2025, 3, 3), social_worker=None)
    make_enquiry(amara, inv, D(2025, 3, 4), completed_on=D(2025, 4, 2), icpc_needed=False)

    book, result, _ = built(AS_AT, lists=[5])

    listed = [r[6:] for r in rows(book, "List 5")]
    assert listed == [
        # One enquiry began in the year before 02/03/2024: the one of 01/03/2024.
        [D(2024, 3, 2), "a) Yes", None, None, 1, 0, "North children's team", "Priya Shah"],
        # None in the year from 03/03/2024. No social worker on the enquiry and nobody
        # allocated: the team of the episode the strategy discussion was held in.
        [D(2025, 3, 3), None, None, None, 0, 0, "North assessment team", "Unallocated"],
        # Its outcome came after the as-at date; the enquiry of 03/03/2025 counts.
        [D(2025, 3, 4), None, None, None, 1, 0, "North children's team", "Priya Shah"],
    ]
    assert result.problems == []


def test_enquiries_and_conferences_counted_in_the_year_before(
    amara, org, make_referral, make_enquiry, make_icpc
):
    """This enquiry began on 10/02/2025. Earlier: one on 09/02/2024 (a year and a day before:
    not counted) with its ICPC that day (not counted), one on 10/02/2024 (counted) with its
    ICPC on 20/03/2024 (counted). The earlier ones ended before the twelve months: not listed."""
    inv = make_referral(amara, D(2024, 1, 8), org["north_assessment"]).involvement
    oldest = make_enquiry(
        amara,
        inv,
        D(2024, 2, 9),
        completed_on=D(2024, 2, 9),
        icpc_needed=True,
        icpc_held_on=D(2024, 2, 9),
    )
    make_icpc(oldest, D(2024, 2, 9))
    older = make_enquiry(
        amara,
        inv,
        D(2024, 2, 10),
        completed_on=D(2024, 3, 1),
        icpc_needed=True,
        icpc_held_on=D(2024, 3, 20),
    )
    make_icpc(older, D(2024, 3, 20))
    this = make_enquiry(
        amara,
        inv,
        D(2025, 2, 10),
        completed_on=D(2025, 2, 24),
        icpc_needed=True,
        icpc_held_on=D(2025, 4, 3),  # after the as-at date
    )
    make_icpc(this, D(2025, 4, 3))

    book, _, _ = built(AS_AT, lists=[5])

    assert [r[6:12] for r in rows(book, "List 5")] == [[D(2025, 2, 10), "b) No", None, None, 1, 1]]


def test_an_icpc_that_decided_on_no_plan(amara, org, make_referral, make_enquiry, make_icpc):
    inv = make_referral(amara, D(2024, 6, 3), org["north_assessment"]).involvement
    enquiry = make_enquiry(
        amara,
        inv,
        D(2024, 6, 4),
        completed_on=D(2024, 6, 14),
        icpc_needed=True,
        icpc_held_on=D(2024, 6, 20),
    )
    make_icpc(enquiry, D(2024, 6, 20))
    book, _, _ = built(AS_AT, lists=[5])
    assert rows(book, "List 5")[0][7:10] == ["b) No", D(2024, 6, 20), "b) No"]


# ---- list 6: children in need ---------------------------------------------------------------


def test_episodes_closed_in_and_before_the_twelve_months(
    org, recorder, make_referral, make_assessment
):
    """Closed on 31/03/2024 after an assessment (out); closed on 01/04/2024 after an assessment,
    RC8 (in); closed in the period with nothing after the referral (out: only referred); closed
    after the as-at date (open then)."""
    team = org["north_assessment"]
    kids = [PersonFactory(date_of_birth=D(2016, 7, 1)) for _ in range(4)]
    before = make_referral(kids[0], D(2024, 2, 5), team, ended_on=D(2024, 3, 31))
    make_assessment(before, D(2024, 2, 6), completed_on=D(2024, 3, 28), outcome=Outcome.NFA)
    closure(before, D(2024, 3, 31), "RC8", recorder)
    edge = make_referral(kids[1], D(2024, 2, 5), team, ended_on=D(2024, 4, 1))
    make_assessment(edge, D(2024, 2, 6), completed_on=D(2024, 3, 28), outcome=Outcome.NFA)
    closure(edge, D(2024, 4, 1), "RC8", recorder)
    referred = make_referral(kids[2], D(2024, 6, 3), team, ended_on=D(2024, 6, 5))
    closure(referred, D(2024, 6, 5), "RC7", recorder)
    later = make_referral(kids[3], D(2025, 3, 10), team, ended_on=D(2025, 4, 2))
    make_assessment(later, D(2025, 3, 11), completed_on=D(2025, 4, 1), outcome=Outcome.NFA)
    closure(later, D(2025, 4, 2), "RC8", recorder)

    book, result, _ = built(AS_AT, lists=[6])

    listed = {r[0]: r[6:] for r in rows(book, "List 6")}
    assert listed == {
        kids[1].la_child_id: [
            D(2024, 2, 5),
            "N1 - Abuse or neglect",
            None,
            D(2024, 4, 1),
            "RC8 - Case closed after assessment, no further action",
            "e) Closed episode",
            "North assessment team",
            "Unallocated",
        ],
        kids[3].la_child_id: [
            D(2025, 3, 10),
            "N1 - Abuse or neglect",
            None,
            None,
            None,
            "d) Open assessment",
            "North assessment team",
            "Unallocated",
        ],
    }
    assert result.problems == []


def test_case_status_on_the_as_at_date(amara, org, priya, make_referral, make_assessment):
    """A child in need plan open on the as-at date; a referral not yet assessed; and an
    episode whose assessment is done but which has neither a plan nor a closure (a problem)."""
    team = org["north_assessment"]
    AllocationFactory(
        person=amara, worker=priya, team=org["north_childrens"], start_date=D(2024, 12, 2)
    )
    with_plan = make_referral(amara, D(2024, 11, 4), team)
    make_assessment(with_plan, D(2024, 11, 5), completed_on=D(2024, 11, 29))
    Plan.objects.create(
        person=amara, involvement=with_plan.involvement, kind="cin", started_on=D(2024, 12, 2)
    )
    waiting = PersonFactory(date_of_birth=D(2020, 1, 1))
    make_referral(waiting, D(2025, 3, 28), team)
    stuck = PersonFactory(date_of_birth=D(2020, 1, 1))
    stalled = make_referral(stuck, D(2024, 10, 1), team)
    make_assessment(stalled, D(2024, 10, 2), completed_on=D(2024, 11, 1))

    book, result, _ = built(AS_AT, lists=[6])

    status = {r[0]: (r[11], r[12], r[13]) for r in rows(book, "List 6")}
    assert status == {
        amara.la_child_id: ("c) Child in need plan", "North children's team", "Priya Shah"),
        waiting.la_child_id: ("d) Open assessment", "North assessment team", "Unallocated"),
        stuck.la_child_id: (None, "North assessment team", "Unallocated"),
    }
    [problem] = result.problems
    assert (problem.part, problem.person_id, problem.column) == ("List 6", stuck.pk, "Case Status")


def test_an_episode_ended_without_its_census_closure_is_a_problem(
    amara, org, make_referral, make_assessment
):
    referral = make_referral(amara, D(2024, 8, 1), org["north_assessment"], ended_on=D(2024, 9, 9))
    make_assessment(referral, D(2024, 8, 2), completed_on=D(2024, 9, 6))
    book, result, _ = built(AS_AT, lists=[6])
    assert rows(book, "List 6")[0][9:12] == [D(2024, 9, 9), None, "e) Closed episode"]
    [problem] = result.problems
    assert problem.column == "Reason for Closure"


def test_a_child_who_became_looked_after_is_still_in_their_episode(
    amara, org, make_referral, make_assessment
):
    """Referred 01/03/2023, on a child protection plan from 03/04/2023 that ended on
    01/02/2024 (before the twelve months) when she became looked after: in care on the as-at
    date, so the episode is open with "a) Looked after child". A second child left care on
    03/06/2024 with no census closure: a closed episode with the problem of its reason."""
    team = org["north_assessment"]

    def into_care(child, referred, conference, in_care, left=None):
        referral = make_referral(child, referred, team, ended_on=conference)
        make_assessment(referral, referred, completed_on=referred + dt.timedelta(days=14))
        cp = Involvement.objects.create(
            person=child,
            stage="child_protection",
            started_on=conference,
            ended_on=in_care,
            stepped_from=referral.involvement,
            team=org["north_childrens"],
        )
        Involvement.objects.create(
            person=child,
            stage="child_in_care",
            started_on=in_care,
            ended_on=left,
            stepped_from=cp,
            team=org["north_childrens"],
        )

    into_care(amara, D(2023, 3, 1), D(2023, 4, 3), D(2024, 2, 1))
    home = PersonFactory(date_of_birth=D(2015, 5, 5))
    into_care(home, D(2023, 3, 1), D(2023, 4, 3), D(2024, 2, 1), left=D(2024, 6, 3))

    book, result, _ = built(AS_AT, lists=[6])

    listed = {r[0]: (r[6], r[9], r[10], r[11]) for r in rows(book, "List 6")}
    assert listed == {
        amara.la_child_id: (D(2023, 3, 1), None, None, "a) Looked after child"),
        home.la_child_id: (D(2023, 3, 1), D(2024, 6, 3), None, "e) Closed episode"),
    }
    [problem] = result.problems
    assert (problem.person_id, problem.column) == (home.pk, "Reason for Closure")


# ---- list 7: child protection ---------------------------------------------------------------


def test_plans_ended_in_before_and_after_the_twelve_months(org, personas):
    """Ended 31/03/2024 (out), 01/04/2024 (in), 02/12/2024 at a review conference (in),
    02/04/2025 (after the as-at date: open then); started 01/04/2025 (out)."""
    team = org["north_childrens"]
    kids = [PersonFactory(date_of_birth=D(2014, 2, 3)) for _ in range(5)]

    def plan(kid, start, end=None):
        inv = Involvement.objects.create(
            person=kid, stage="child_protection", started_on=start, ended_on=end, team=team
        )
        return cp_plan(kid, inv, start, ended_on=end)

    plan(kids[0], D(2023, 9, 1), D(2024, 3, 31))
    plan(kids[1], D(2023, 9, 1), D(2024, 4, 1))
    ended = plan(kids[2], D(2024, 6, 3), D(2024, 12, 2))
    review(ended, D(2024, 9, 2), personas)
    review(ended, D(2024, 12, 2), personas, decision="end")
    plan(kids[3], D(2024, 6, 3), D(2025, 4, 2))
    plan(kids[4], D(2025, 4, 1))

    book, result, _ = built(AS_AT, lists=[7])

    listed = {r[0]: r[6:] for r in rows(book, "List 7")}
    assert set(listed) == {kids[1].la_child_id, kids[2].la_child_id, kids[3].la_child_id}
    neglect = ["a) Neglect", "a) Neglect"]
    # No police protection or order, no plan before, nobody allocated: the plan's team.
    rest = ["b) No", 0, "North children's team", "Unallocated"]
    assert listed[kids[1].la_child_id] == [
        D(2023, 9, 1),
        *neglect,
        None,  # no visit
        None,
        None,  # no review
        D(2024, 4, 1),
        *rest,
    ]
    # Ended at its second review conference.
    assert listed[kids[2].la_child_id] == [
        D(2024, 6, 3),
        *neglect,
        None,
        None,
        D(2024, 12, 2),
        D(2024, 12, 2),
        *rest,
    ]
    assert listed[kids[3].la_child_id][6] is None  # ended after the as-at date: open then
    assert result.problems == []


def test_a_child_with_a_plan_ended_and_a_new_one_has_a_row_for_each(amara, org, priya):
    team = org["north_childrens"]
    first = Involvement.objects.create(
        person=amara,
        stage="child_protection",
        started_on=D(2024, 5, 1),
        ended_on=D(2024, 8, 1),
        team=team,
    )
    cp_plan(amara, first, D(2024, 5, 1), ended_on=D(2024, 8, 1), category="SAB")
    second = Involvement.objects.create(
        person=amara, stage="child_protection", started_on=D(2025, 1, 6), team=team
    )
    cp_plan(amara, second, D(2025, 1, 6), category="MUL")
    visit(amara, D(2024, 7, 1), priya, alone=None)  # seen; alone not recorded
    book, _, _ = built(AS_AT, lists=[7])
    assert [(r[6], r[7], r[9], r[10], r[12], r[14]) for r in rows(book, "List 7")] == [
        (D(2024, 5, 1), "c) Sexual abuse", D(2024, 7, 1), "c) Unknown", D(2024, 8, 1), 0),
        (D(2025, 1, 6), "e) Multiple/not recommended", None, None, None, 1),
    ]


def test_a_merged_childs_records_are_listed_under_the_record_kept(
    amara, org, priya, make_referral, make_assessment
):
    """Amara had a plan in 2022 on her own record; a duplicate record (since merged into
    hers) was referred and given a plan in 2024, and visited on 03/02/2025."""
    retired = PersonFactory(merged_into=amara, sex="U", ethnicity="NOBT")
    team = org["north_childrens"]
    old = Involvement.objects.create(
        person=amara,
        stage="child_protection",
        started_on=D(2022, 1, 3),
        ended_on=D(2022, 6, 1),
        team=team,
    )
    cp_plan(amara, old, D(2022, 1, 3), ended_on=D(2022, 6, 1))
    referral = make_referral(retired, D(2024, 8, 5), org["north_assessment"])
    make_assessment(referral, D(2024, 8, 6), completed_on=D(2024, 8, 30))
    cp_plan(retired, referral.involvement, D(2024, 9, 2))
    visit(retired, D(2025, 2, 3), priya, alone=True)

    book, _, _ = built(AS_AT, lists=[6, 7])

    [episode] = rows(book, "List 6")
    assert (episode[:3], episode[8], episode[11]) == (
        [amara.la_child_id, "b) Female", "o) BAFR"],
        D(2025, 2, 3),
        "b) Child Protection plan",
    )
    [plan] = rows(book, "List 7")
    assert (plan[0], plan[9], plan[10], plan[14]) == (
        amara.la_child_id,
        D(2025, 2, 3),
        "a) Yes",
        1,
    )


def protection(person, kind, started_on, ended_on, recorder):
    return EmergencyProtection.objects.create(
        person=person,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        court="Fenchester Family Court" if kind == "epo" else "",
        circumstances="Police called to the home at night.",
        recorded_by=recorder,
    )


def test_police_protection_or_an_order_in_the_six_months_to_the_as_at_date(amara, org, recorder):
    """The six months to 31/03/2025 run from 01/10/2024. Every child has a plan open since
    03/06/2024. Police protection 10-12/12/2024 (in: Y); 27-30/09/2024, ended the day before
    the six months (N); 28/09-01/10/2024, ended on their first day (Y); an order from
    01/04/2025, after the as-at date (N); an order from 31/03/2025, the as-at date (Y); no end
    recorded: police protection from 20/09/2024 lasted at most 3 days, to 23/09 (N), an order
    from 20/09/2024 at most 15, to 05/10 (Y); an order of 2023 (N); nothing at all (N)."""
    team = org["north_childrens"]
    cases = {
        "in": [("police", D(2024, 12, 10), D(2024, 12, 12))],
        "ended before": [("police", D(2024, 9, 27), D(2024, 9, 30))],
        "ended on the first day": [("police", D(2024, 9, 28), D(2024, 10, 1))],
        "after the as-at date": [("epo", D(2025, 4, 1), D(2025, 4, 8))],
        "on the as-at date": [("epo", D(2025, 3, 31), None)],
        "police, no end": [("police", D(2024, 9, 20), None)],
        "order, no end": [("epo", D(2024, 9, 20), None)],
        "long ago": [("epo", D(2023, 5, 2), D(2023, 5, 9))],
        "none": [],
    }
    kids = {}
    for name, records in cases.items():
        kid = PersonFactory(date_of_birth=D(2015, 1, 9))
        inv = Involvement.objects.create(
            person=kid, stage="child_protection", started_on=D(2024, 6, 3), team=team
        )
        cp_plan(kid, inv, D(2024, 6, 3))
        for kind, start, end in records:
            protection(kid, kind, start, end, recorder)
        kids[name] = kid

    book, result, _ = built(AS_AT, lists=[7])

    column = headers(book, "List 7").index(EPO)
    found = {r[0]: r[column] for r in rows(book, "List 7")}
    assert {name: found[kid.la_child_id] for name, kid in kids.items()} == {
        "in": "a) Yes",
        "ended before": "b) No",
        "ended on the first day": "a) Yes",
        "after the as-at date": "b) No",
        "on the as-at date": "a) Yes",
        "police, no end": "b) No",
        "order, no end": "a) Yes",
        "long ago": "b) No",
        "none": "b) No",
    }
    assert result.problems == []


def test_police_protection_on_a_merged_record_counts_for_the_record_kept(amara, org, recorder):
    """Amara's plan is on her own record; police protection in January 2025 was recorded on a
    duplicate record since merged into hers."""
    retired = PersonFactory(merged_into=amara, sex="U", ethnicity="NOBT")
    inv = Involvement.objects.create(
        person=amara,
        stage="child_protection",
        started_on=D(2024, 11, 4),
        team=org["north_childrens"],
    )
    cp_plan(amara, inv, D(2024, 11, 4))
    protection(retired, "police", D(2025, 1, 14), D(2025, 1, 16), recorder)
    book, _, _ = built(AS_AT, lists=[7])
    [plan] = rows(book, "List 7")
    assert plan[0] == amara.la_child_id
    assert plan[headers(book, "List 7").index(EPO)] == "a) Yes"


# ---- headers, codes and the command ---------------------------------------------------------

# Transcribed from the liia-tools Annex A schema (liiatools/annex_a_pipeline/spec/
# Annex_A_schema.yml, column_map, lists 4 to 7), in its order.
CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
SCHEMA_HEADERS = {
    "List 4": [
        *CHILD,
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 5": [
        *CHILD,
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 6": [
        *CHILD,
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 7": [
        *CHILD,
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        EPO,
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
}
SCHEMA_NEEDS = {
    "N1 - Abuse or neglect",
    "N2 - Child's disability",
    "N3 - Parental disability or illness",
    "N4 - Family in acute stress",
    "N5 - Family dysfunction",
    "N6 - Socially unacceptable behaviour",
    "N7 - Low income",
    "N8 - Absent parenting",
    "N9 - Cases other than children in need",
    "N0 - Not stated",
}
SCHEMA_CLOSURES = {
    "RC1 - Adopted",
    "RC2 - Died",
    "RC3 - Child arrangements order",
    "RC4 - Special guardianship order",
    "RC5 - Transferred to services of another local authority",
    "RC6 - Transferred to adult social care services",
    "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8 - Case closed after assessment, no further action",
    "RC9 - Case closed after assessment, referred to early help",
}
SCHEMA_STATUSES = {
    "a) Looked after child",
    "b) Child Protection plan",
    "c) Child in need plan",
    "d) Open assessment",
    "e) Closed episode",
}
SCHEMA_CATEGORIES = {
    "a) Neglect",
    "b) Physical abuse",
    "c) Sexual abuse",
    "d) Emotional abuse",
    "e) Multiple/not recommended",
}


def test_one_sheet_per_list_with_the_schemas_headers(db):
    book, result, _ = built(AS_AT, lists=range(1, 8))
    assert book.sheetnames == [f"List {n}" for n in range(1, 8)]
    for sheet, expected in SCHEMA_HEADERS.items():
        assert headers(book, sheet) == expected
    assert result.problems == []  # no children, nothing to fill in by hand


def test_coded_values_are_the_schemas_and_cover_kinfolds_codes():
    assert set(PRIMARY_NEED.values()) == SCHEMA_NEEDS
    assert set(PRIMARY_NEED) == set(PrimaryNeed.values)
    assert set(REASON_FOR_CLOSURE.values()) == SCHEMA_CLOSURES
    assert set(REASON_FOR_CLOSURE) == set(ReasonForClosure.values)
    assert set(CASE_STATUSES) <= SCHEMA_STATUSES
    assert set(CATEGORY.values()) == SCHEMA_CATEGORIES
    assert set(CATEGORY) == set(CPCategory.values)
    assert CATEGORY["SAB"] == "c) Sexual abuse" and CATEGORY["EMO"] == "d) Emotional abuse"
    assert set(NEEDS_SUPPORT) == set(Outcome.values)


def test_every_list_built_is_the_default_and_the_period_starts_a_year_before():
    parameters = parse({"as_at": AS_AT})
    assert parameters.values["lists"] == [1, 2, 3, 4, 5, 6, 7]
    assert parameters.period_start == D(2024, 4, 1)
    assert parse({"as_at": AS_AT, "lists": ["6", "7"]}).values["lists"] == [6, 7]


def test_dates_in_the_new_lists_are_shown_day_month_year(amara, org, make_referral):
    make_referral(amara, D(2025, 3, 3), org["north_assessment"])
    book, _, _ = built(AS_AT, lists=[6])
    assert book["List 6"]["G2"].number_format == "dd/mm/yyyy"  # CIN Start Date
