"""The CIN census, worked by hand: for the census year ending 31 March 2025 (1 April 2024 to
31 March 2025), children whose facts are stored as the services store them, and the XML items
each must give; the schema; and what cannot be expressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from kinfold.assessments.models import Assessment, AssessmentFactor
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.models import (
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.people.models import PersonDisability
from kinfold.plans.models import Plan
from kinfold.returns import services
from kinfold.returns.cin_census import build, parse
from kinfold.returns.cin_census.writer import schema
from kinfold.returns.models import BuildStatus
from synthetic.identifiers import Upns
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def facts(org, personas):
    return Facts(org, personas)


class Facts:
    """Rows as the front door, assessment, child protection and children in need services
    write them, on the dates of the examples."""

    def __init__(self, org, personas):
        self.team = org["north_childrens"]
        self.worker = personas["allocated_worker"]
        self.manager = personas["team_manager"]
        self.iro = personas["iro"]
        self.upns = Upns("873")

    def child(self, *, disabled=("NONE",), **kw):
        kw.setdefault("date_of_birth", D(2016, 6, 1))
        if "upn" not in kw:
            kw["upn"] = self.upns.next(2001, 2020)
        person = PersonFactory(**kw)
        for code in disabled:
            PersonDisability.objects.create(person=person, code=code)
        return person

    def involvement(self, person, stage, started, ended=None, *, stepped_from=None):
        return Involvement.objects.create(
            person=person,
            stage=stage,
            started_on=started,
            ended_on=ended,
            team=self.team,
            stepped_from=stepped_from,
        )

    def referral(self, person, day, *, ended=None, source="2A", need="N1", route="referral"):
        inv = self.involvement(person, "child_in_need", day, ended)
        referral = Referral.objects.create(
            person=person,
            involvement=inv,
            referral_date=day,
            source=source,
            primary_need=need,
            route=route,
            team=self.team,
        )
        return referral, inv

    def close(self, referral, inv, day, reason):
        return CINClosure.objects.create(
            referral=referral,
            person=referral.person,
            involvement=inv,
            closed_on=day,
            reason=reason,
            recorded_by=self.manager,
        )

    def assessment(self, referral, inv, started, completed=None, authorised=None, factors=()):
        a = Assessment.objects.create(
            person=referral.person,
            referral=referral,
            involvement=inv,
            team=self.team,
            social_worker=self.worker,
            clock_from=referral.referral_date,
            started_on=started,
            due_on=started + dt.timedelta(days=63),
            completed_on=completed,
            outcome="cin_plan" if completed else "",
            authorised_on=authorised,
            authorised_by=self.manager if authorised else None,
        )
        for code in factors:
            AssessmentFactor.objects.create(assessment=a, code=code)
        return a

    def plan(self, person, inv, kind, started, ended=None, *, initial="", category=""):
        return Plan.objects.create(
            person=person,
            involvement=inv,
            kind=kind,
            started_on=started,
            ended_on=ended,
            initial_category=initial,
            category=category,
        )

    def enquiry(self, person, inv, started, *, due=None, icpc=None, needed=True, done=None):
        at = timezone.make_aware(dt.datetime.combine(started, dt.time(10)))
        discussion = StrategyDiscussion.objects.create(
            person=person,
            involvement=inv,
            held_at=at,
            type="discussion",
            information="Police and health shared what they know.",
            s47_decided=True,
            reasons="Concerns of significant harm.",
            recorded_by=self.worker,
        )
        return Section47Enquiry.objects.create(
            person=person,
            discussion=discussion,
            discussion_on=started,
            started_on=started,
            outcome="substantiated" if done else "",
            icpc_needed=needed if done else None,
            completed_on=done,
            icpc_due_on=due,
            icpc_held_on=icpc,
            started_by=self.worker,
        )

    def conference(self, enquiry, held, plan, category):
        return InitialConference.objects.create(
            enquiry=enquiry,
            person=enquiry.person,
            held_on=held,
            decision="plan",
            category=category,
            reasons="Continuing risk of significant harm.",
            chair=self.iro,
            plan=plan,
            recorded_by=self.iro,
        )

    def review(self, plan, held, before, after="", decision="continue"):
        return ReviewConference.objects.create(
            plan=plan,
            held_on=held,
            decision=decision,
            category_before=before,
            category_after=after,
            summary="Progress reviewed with the family.",
            chair=self.iro,
            recorded_by=self.iro,
            end_reason="" if decision == "continue" else "Risk reduced",
        )


def census(year=2025):
    result = build({"year": year}, lambda done, total: None)
    return etree.fromstring(result.content), result


def child_of(root, person):
    found = root.xpath(f"Children/Child[ChildIdentifiers/LAchildID='{person.la_child_id}']")
    assert len(found) <= 1
    return found[0] if found else None


def text(element, path):
    return element.findtext(path)


def texts(element, path):
    return [e.text for e in element.findall(path)]


def test_header_and_schema(facts, settings):
    settings.LA_CODE = "873"
    kid = facts.child()
    facts.referral(kid, D(2024, 10, 1))
    root, result = census()
    assert text(root, "Header/CollectionDetails/Collection") == "CIN"
    assert text(root, "Header/CollectionDetails/Year") == "2025"
    assert text(root, "Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    assert text(root, "Header/Source/LEA") == "873"
    assert text(root, "Header/Source/SourceLevel") == "L"
    dt.datetime.fromisoformat(text(root, "Header/Source/DateTime"))
    assert schema().validate(root), schema().error_log
    assert result.problems == [] and result.file_name == "cin-census-2025.xml"


def test_an_episode_crossing_1_april(facts):
    kid = facts.child()
    referral, inv = facts.referral(kid, D(2024, 2, 12), ended=D(2024, 9, 30))
    # Authorised before the year: sent in last year's census, not this one's.
    facts.assessment(referral, inv, D(2024, 2, 13), D(2024, 3, 20), D(2024, 3, 22), ["16A"])
    facts.plan(kid, inv, "cin", D(2024, 3, 25), D(2024, 9, 30))
    facts.close(referral, inv, D(2024, 9, 30), "RC7")
    # Another child's episode closed the day before the year began: not in it.
    other = facts.child()
    old, old_inv = facts.referral(other, D(2024, 1, 8), ended=D(2024, 3, 31))
    facts.close(old, old_inv, D(2024, 3, 31), "RC8")

    root, _ = census()
    assert child_of(root, other) is None
    details = child_of(root, kid).findall("CINdetails")
    assert len(details) == 1
    cin = details[0]
    assert text(cin, "CINreferralDate") == "2024-02-12"
    assert text(cin, "ReferralSource") == "2A" and text(cin, "PrimaryNeedCode") == "N1"
    assert text(cin, "CINclosureDate") == "2024-09-30"
    assert text(cin, "ReasonForClosure") == "RC7"
    assert cin.findall("Assessments") == []
    assert text(cin, "CINPlanDates/CINPlanStartDate") == "2024-03-25"
    assert text(cin, "CINPlanDates/CINPlanEndDate") == "2024-09-30"
    assert text(cin, "ReferralNFA") == "0"


def test_a_closure_on_31_march_and_facts_after_it_unknown(facts):
    kid = facts.child(upn="A873200418000", disabled=("AUT", "LD"))
    referral, inv = facts.referral(kid, D(2025, 1, 6), ended=D(2025, 3, 31))
    facts.assessment(referral, inv, D(2025, 1, 7), D(2025, 3, 28), D(2025, 3, 31), ["4B", "3B"])
    facts.close(referral, inv, D(2025, 3, 31), "RC8")
    # Referred on 31 March, assessed and closed after it: open on the reference date.
    late = facts.child()
    referral2, inv2 = facts.referral(late, D(2025, 3, 31), ended=D(2025, 4, 20))
    facts.assessment(referral2, inv2, D(2025, 3, 31), D(2025, 4, 15), D(2025, 4, 16), ["21"])
    facts.close(referral2, inv2, D(2025, 4, 20), "RC8")

    root, result = census()
    cin = child_of(root, kid).find("CINdetails")
    assert text(cin, "CINclosureDate") == "2025-03-31" and text(cin, "ReasonForClosure") == "RC8"
    assessment = cin.find("Assessments")
    assert text(assessment, "AssessmentActualStartDate") == "2025-01-07"
    assert text(assessment, "AssessmentInternalReviewDate") == "2025-03-28"
    assert text(assessment, "AssessmentAuthorisationDate") == "2025-03-31"
    assert texts(assessment, "FactorsIdentifiedAtAssessment/AssessmentFactors") == ["3B", "4B"]
    ids = child_of(root, kid).find("ChildIdentifiers")
    assert text(ids, "UPN") == "A873200418000" and ids.find("UPNunknown") is None
    assert texts(child_of(root, kid), "ChildCharacteristics/Disabilities/Disability") == [
        "AUT",
        "LD",
    ]
    open_one = child_of(root, late).find("CINdetails")
    assert open_one.find("CINclosureDate") is None and open_one.find("ReasonForClosure") is None
    a = open_one.find("Assessments")
    assert text(a, "AssessmentActualStartDate") == "2025-03-31"
    assert a.find("AssessmentAuthorisationDate") is None
    assert a.find("FactorsIdentifiedAtAssessment") is None
    assert result.problems == []


def test_a_child_with_two_episodes(facts):
    kid = facts.child()
    first, inv1 = facts.referral(kid, D(2024, 4, 15), ended=D(2024, 6, 10), source="6")
    facts.assessment(first, inv1, D(2024, 4, 16), D(2024, 6, 7), D(2024, 6, 10), ["3A"])
    facts.close(first, inv1, D(2024, 6, 10), "RC8")
    _second, inv2 = facts.referral(kid, D(2024, 11, 4), source="1A", need="N4")
    # A referral while the second episode is open joins it: not an episode of its own.
    Referral.objects.create(
        person=kid,
        involvement=inv2,
        referral_date=D(2024, 12, 2),
        source="3A",
        primary_need="N4",
        route="referral",
        team=facts.team,
    )
    root, _ = census()
    details = child_of(root, kid).findall("CINdetails")
    assert [text(d, "CINreferralDate") for d in details] == ["2024-04-15", "2024-11-04"]
    assert [text(d, "ReferralSource") for d in details] == ["6", "1A"]
    assert text(details[0], "CINclosureDate") == "2024-06-10"
    assert details[1].find("CINclosureDate") is None
    assert [text(d, "ReferralNFA") for d in details] == ["0", "0"]


def test_an_unborn_child(facts):
    kid = facts.child(
        date_of_birth=None, expected_date_of_birth=D(2025, 5, 20), sex="F", disabled=(), upn=""
    )
    facts.referral(kid, D(2025, 2, 3), source="3B")
    root, result = census()
    ids = child_of(root, kid).find("ChildIdentifiers")
    assert ids.find("PersonBirthDate") is None
    assert text(ids, "ExpectedPersonBirthDate") == "2025-05-20"
    assert text(ids, "Sex") == "U"
    assert text(ids, "UPNunknown") == "UN1"
    assert child_of(root, kid).find("ChildCharacteristics/Disabilities") is None
    assert result.problems == []


def test_upn_unknown_by_age(facts):
    young = facts.child(date_of_birth=D(2021, 9, 1), upn="")  # 3 on the reference date
    school_age = facts.child(date_of_birth=D(2016, 6, 1), upn="")
    for kid in (young, school_age):
        facts.referral(kid, D(2024, 9, 2))
    root, result = census()
    assert text(child_of(root, young), "ChildIdentifiers/UPNunknown") == "UN1"
    # Of school age with no UPN, and Kinfold knows no reason: written without one, listed.
    assert child_of(root, school_age).find("ChildIdentifiers/UPNunknown") is None
    assert [(p.reference, p.column) for p in result.problems] == [(school_age.la_child_id, "UPN")]


def test_a_child_protection_plan_with_reviews_and_a_category_change(facts):
    kid = facts.child()
    # An earlier plan, in an episode closed two years before.
    old, old_cin = facts.referral(kid, D(2021, 11, 1), ended=D(2021, 12, 6))
    old_cp = facts.involvement(
        kid, "child_protection", D(2021, 12, 6), D(2022, 9, 1), stepped_from=old_cin
    )
    facts.plan(kid, old_cp, "cp", D(2021, 12, 6), D(2022, 9, 1), initial="PHY", category="PHY")
    facts.close(old, old_cp, D(2022, 9, 1), "RC7")
    # This year's: referred to a strategy discussion, ICPC on Monday 20 May 2024.
    referral, cin = facts.referral(kid, D(2024, 5, 1), ended=D(2024, 5, 20), route="strategy")
    cp = facts.involvement(kid, "child_protection", D(2024, 5, 20), stepped_from=cin)
    facts.assessment(referral, cin, D(2024, 5, 1), D(2024, 5, 15), D(2024, 5, 16), ["16A"])
    enquiry = facts.enquiry(
        kid, cin, D(2024, 5, 2), due=D(2024, 5, 23), icpc=D(2024, 5, 20), done=D(2024, 5, 17)
    )
    plan = facts.plan(kid, cp, "cp", D(2024, 5, 20), initial="NEG", category="MUL")
    facts.conference(enquiry, D(2024, 5, 20), plan, "NEG")
    facts.review(plan, D(2024, 8, 19), "NEG", "EMO")
    facts.review(plan, D(2025, 2, 17), "EMO")
    facts.review(plan, D(2025, 5, 19), "EMO", "MUL")  # after the reference date

    root, result = census()
    details = child_of(root, kid).findall("CINdetails")
    assert len(details) == 1  # the 2021 episode closed before the year
    cin_el = details[0]
    assert text(cin_el, "CINreferralDate") == "2024-05-01"
    assert cin_el.find("DateOfInitialCPC") is None  # given once, in Section47
    s47 = cin_el.find("Section47")
    assert text(s47, "S47ActualStartDate") == "2024-05-02"
    assert text(s47, "InitialCPCtarget") == "2024-05-23"
    assert text(s47, "DateOfInitialCPC") == "2024-05-20"
    assert text(s47, "ICPCnotRequired") == "0"
    cpp = cin_el.find("ChildProtectionPlans")
    assert text(cpp, "CPPstartDate") == "2024-05-20"
    assert cpp.find("CPPendDate") is None
    assert text(cpp, "InitialCategoryOfAbuse") == "NEG"
    assert text(cpp, "LatestCategoryOfAbuse") == "EMO"  # as on 31 March 2025
    assert text(cpp, "NumberOfPreviousCPP") == "1"
    assert texts(cpp, "Reviews/CPPreviewDate") == ["2024-08-19", "2025-02-17"]
    assert result.problems == []


def test_an_enquiry_that_found_no_conference_needed(facts):
    kid = facts.child()
    _referral, inv = facts.referral(kid, D(2024, 7, 1))
    facts.enquiry(kid, inv, D(2024, 7, 3), due=None, needed=False, done=D(2024, 7, 12))
    root, _ = census()
    s47 = child_of(root, kid).find("CINdetails/Section47")
    assert s47.find("DateOfInitialCPC") is None
    assert text(s47, "ICPCnotRequired") == "1"


def test_a_child_that_cannot_be_expressed_is_left_out_and_listed(facts):
    good = facts.child()
    facts.referral(good, D(2024, 8, 1))
    no_birth = facts.child(date_of_birth=None, expected_date_of_birth=None)
    facts.referral(no_birth, D(2024, 8, 1))
    no_disability = facts.child(disabled=())
    facts.referral(no_disability, D(2024, 8, 1))
    no_referral = facts.child()
    facts.involvement(no_referral, "child_protection", D(2024, 6, 3))
    no_closure = facts.child()
    facts.referral(no_closure, D(2024, 6, 3), ended=D(2024, 7, 1))

    root, result = census()
    assert schema().validate(root)
    assert [c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")] == [
        good.la_child_id
    ]
    reasons = {(p.reference, p.column): p.reason for p in result.problems}
    assert set(reasons) == {
        (no_birth.la_child_id, "PersonBirthDate"),
        (no_disability.la_child_id, "Disability"),
        (no_referral.la_child_id, "CINreferralDate"),
        (no_closure.la_child_id, "CINclosureDate"),
    }
    assert "no expected date of birth" in reasons[(no_birth.la_child_id, "PersonBirthDate")]
    assert "has no referral" in reasons[(no_referral.la_child_id, "CINreferralDate")]
    assert "no census closure" in reasons[(no_closure.la_child_id, "CINclosureDate")]
    assert all("left out of the file" in r for r in reasons.values())
    assert result.summary["Children left out"] == 4


def test_a_year_with_no_data_finishes_not_ready(facts, media):
    build = services.build_from_command_line(kind="cin_census", parameters={"year": 2025})
    assert build.status == BuildStatus.FINISHED and build.has_file
    assert not build.ready_to_send
    [problem] = build.problems.all()
    assert "the file has no children" in problem.reason
    with build.file.open("rb") as stored:
        root = etree.fromstring(stored.read())
    assert schema().validate(root) and root.find("Children") is not None


def test_a_schema_failure_is_a_problem(facts, monkeypatch):
    kid = facts.child()
    facts.referral(kid, D(2024, 8, 1))
    # A source code the census does not have (stored before the codes were checked).
    Referral.objects.filter(person=kid).update(source="Z9")
    _, result = census()
    assert any("breaks the census schema" in p.reason for p in result.problems)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Enter the census year"),
        ("twenty", "is not a census year"),
        ("25", "is not a census year"),
        ("2024", "from the year ending 31 March 2025"),
        ("2999", "has not started"),
    ],
)
def test_bad_years_are_refused(year, message):
    with pytest.raises(ValidationError) as caught:
        parse({"year": year})
    assert message in caught.value.message_dict["year"][0]


def test_the_period_of_a_year():
    parsed = parse({"year": "2025"})
    assert (parsed.period_start, parsed.period_end) == (D(2024, 4, 1), D(2025, 3, 31))
    assert parsed.values == {"year": 2025}


def test_the_returns_page_starts_a_census_build(client_for, personas, media, monkeypatch):
    from kinfold.returns import runner
    from kinfold.returns.models import ReturnBuild

    monkeypatch.setattr(runner, "launch", lambda build_id: None)
    client = client_for(personas["performance_officer"])
    page = client.get("/returns/")
    assert "Children in need census" in page.content.decode()
    refused = client.post("/returns/", {"year": "2024", "build_cin_census": "1"})
    assert refused.status_code == 200
    assert "from the year ending 31 March 2025" in refused.content.decode()
    assert not ReturnBuild.objects.exists()
    done = client.post("/returns/", {"year": "2025", "build_cin_census": "1"})
    build = ReturnBuild.objects.get()
    assert done.status_code == 302 and build.kind == "cin_census"
    assert build.parameters == {"year": 2025}
