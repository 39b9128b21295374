"""The child's page shows the journey (issue 6, section 4): the stage now and the steps of the
CIN episode with dates, what is due (overdue marked), the latest plan with its quality
findings, the last time seen and seen alone against the plan's visit rule, and the team around
the child; in the same number of queries however long the child's history.

The world is child protection's (tests/child_protection/conftest.py): Maisie referred on
Monday 5 January 2026, the strategy discussion on Tuesday 13 January, the enquiry from 13 to 27
January, the ICPC on Monday 2 February (plan, physical abuse), the clock pinned on Monday 11 May
2026. Expected dates worked by hand from the rules (2026: Good Friday 3 April, Easter Monday 6
April, early May bank holiday 4 May)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinfold.assessments import services as assessment_services
from kinfold.assessments.models import Assessment
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection import services as cp_services
from kinfold.child_protection.models import (
    CoreGroup,
    CPPlanSchedule,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.early_help.models import EarlyHelpEpisode
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.journey.notes import CaseNote
from kinfold.plans.models import Plan, PlanAction
from tests.child_protection.conftest import (  # noqa: F401 (fixtures)
    completed,
    discussion,
    enquiry,
    episode,
    hold_icpc,
    partners,
    pinned_clock,
)

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def visit(child, worker, day: dt.date, *, alone: bool, seen: bool = True) -> CaseNote:
    return CaseNote.objects.create(
        person=child,
        type="home_visit",
        occurred_at=at(day),
        title="Statutory visit",
        child_seen=seen,
        seen_alone=alone and seen,
        author=worker,
    )


@pytest.fixture
def history(child, org, personas, episode, completed):  # noqa: F811
    worker = personas["allocated_worker"]
    Referral.objects.create(
        person=child,
        involvement=episode,
        referral_date=dt.date(2026, 1, 5),
        source="2A",
        primary_need="N1",
        route="referral",
        team=org["north_childrens"],
    )
    assessment = assessment_services.start_assessment(
        actor=worker, involvement_id=episode.pk, started_on=dt.date(2026, 1, 6)
    )
    conference = hold_icpc(completed, personas)
    plan = conference.plan
    cp_services.record_core_group(
        actor=worker,
        plan_id=plan.pk,
        held_on=dt.date(2026, 2, 13),
        attendees="Grace Okafor, mother\nNurse Begum, health visiting",
        minutes="Arm healing; mum engaging.",
        progress=[],
    )
    PlanAction.objects.create(plan=plan, what="Walk Maisie to school", owner_person=child.mother)
    PlanAction.objects.create(plan=plan, what="Parenting course", owner_text="Family Hub")
    PlanAction.objects.create(
        plan=plan, what="Medical", owner_text="Doctor Quill", done_on=dt.date(2026, 2, 20)
    )
    Plan.objects.filter(pk=plan.pk).update(flag_count=3)
    # Seen alone on 2 March; seen (with mum) on 20 April; not seen on 5 May.
    visit(child, worker, dt.date(2026, 3, 2), alone=True)
    visit(child, worker, dt.date(2026, 4, 20), alone=False)
    visit(child, worker, dt.date(2026, 5, 5), alone=False, seen=False)
    return {"assessment": assessment, "conference": conference, "plan": plan}


def section(text: str, anchor: str, end: str) -> str:
    found = re.search(rf'id="{anchor}"(.*?){end}', text, re.S)
    assert found, f"no {anchor} on the page"
    return re.sub(r"\s+", " ", found.group(1))


def record_page(client_for, worker, child) -> str:
    response = client_for(worker).get(reverse("people:detail", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_stage_now_and_the_steps_of_the_episode(
    history, child, personas, client_for
):
    text = record_page(client_for, personas["allocated_worker"], child)

    assert "Child protection since 2 Feb 2026" in section(text, "stage-now", "</dl>")
    steps = section(text, "episode", "</table>")
    order = [
        ("Referral", "5 Jan 2026"),
        ("Assessment", "6 Jan 2026"),
        ("Strategy discussion", "13 Jan 2026"),
        ("Section 47 enquiry", "13 Jan 2026"),
        ("Initial child protection conference", "2 Feb 2026"),
        ("Child protection plan", "2 Feb 2026"),
    ]
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">(?:<a[^>]*>)?([^<]+)(?:</a>)?</th> '
        r'<td class="govuk-table__cell">([^<]+)</td>',
        steps,
    )
    assert rows == order
    # 45 working days from the referral on 5 January: Monday 9 March.
    assert "open, due 9 Mar 2026" in steps
    assert "outcome 27 Jan 2026" in steps
    assert reverse("assessments:assessment", args=[history["assessment"].pk]) in steps
    assert reverse("plans:plan", args=[history["plan"].pk]) in steps


def test_the_page_lists_what_is_due_with_the_overdue_marked(history, child, personas, client_for):
    text = record_page(client_for, personas["allocated_worker"], child)
    due = section(text, "due", "</table>")
    rows = dict(re.findall(r'">([^<]+)</a></th> <td class="govuk-table__cell">([^<]+)<', due))
    # The assessment: 9 March (overdue on 11 May). The core group: 6 weeks after the one on
    # 13 February, 27 March (overdue). The visit: 10 working days after the last seen on 20
    # April (4 May a bank holiday), 5 May (overdue). The review conference: as stored.
    schedule = CPPlanSchedule.objects.get(plan=history["plan"])
    assert rows["Assessment"].strip() == "9 Mar 2026"
    assert rows["Core group"].strip() == "27 Mar 2026"
    assert rows["Visit (child protection plan)"].strip() == "5 May 2026"
    assert rows["Review child protection conference"].strip() == (
        f"{schedule.review_due_on:%-d %b %Y}"
    )
    overdue = re.findall(r'">([^<]+)</a></th> <td class="govuk-table__cell">[^<]+<strong', due)
    expected = {"Assessment", "Core group", "Visit (child protection plan)"}
    if schedule.review_due_on < dt.date(2026, 5, 11):
        expected.add("Review child protection conference")
    assert set(overdue) == expected
    # The ICPC was held: it is not due any more.
    assert "Initial child protection conference" not in due


def test_the_page_shows_the_latest_plan_and_when_the_child_was_last_seen(
    history, child, personas, client_for
):
    text = record_page(client_for, personas["allocated_worker"], child)
    plan = section(text, "latest-plan", "</dd>")
    assert reverse("plans:plan", args=[history["plan"].pk]) in plan
    assert "Child protection plan from 2 Feb 2026" in plan and "3 quality findings" in plan
    # Last seen 20 April: 14 working days before 11 May (4 May a bank holiday), over the 10 of
    # the child protection visit rule; seen alone on 2 March. The visit on 5 May (not seen)
    # does not count as seen.
    seen = section(text, "last-seen", "</dd>")
    assert "20 April 2026" in seen and "More than 10 working days ago" in seen
    alone = section(text, "last-seen-alone", "</dd>")
    assert "2 March 2026" in alone and "More than 10 working days ago" in alone


def test_seen_within_the_rule_has_no_warning(history, child, personas, client_for):
    # Seen alone on Friday 8 May: 1 working day before 11 May.
    visit(child, personas["allocated_worker"], dt.date(2026, 5, 8), alone=True)
    text = record_page(client_for, personas["allocated_worker"], child)
    seen = section(text, "last-seen", "</dd>")
    assert "8 May 2026" in seen and "More than" not in seen
    assert "More than" not in section(text, "last-seen-alone", "</dd>")


def test_the_team_around_the_child(history, child, personas, client_for):
    text = record_page(client_for, personas["allocated_worker"], child)
    team = section(text, "team-around", "</table>")
    rows = re.findall(
        r'<td class="govuk-table__cell">([^<]*)</td> <td class="govuk-table__cell">([^<]*)</td>',
        team,
    )
    parts = {(role.strip(), who.strip()) for role, who in rows}
    manager, iro = personas["team_manager"], personas["iro"]
    assert ("Allocated social worker", str(personas["allocated_worker"])) in parts
    assert ("Team manager", manager.get_full_name() or manager.username) in parts
    assert ("Conference chair (IRO)", iro.get_full_name() or iro.username) in parts
    assert ("Core group member", "Grace Okafor, mother") in parts
    assert ("Core group member", "Nurse Begum, health visiting") in parts
    assert ("Owns actions in the plan", "Grace Okafor") in parts
    assert ("Owns actions in the plan", "Family Hub") in parts
    # A done action's owner is not in the team now.
    assert "Doctor Quill" not in team


def test_the_record_links_are_in_one_section(history, child, personas, client_for):
    text = record_page(client_for, personas["allocated_worker"], child)
    links = section(text, "record-links", "</dl>")
    for url in (
        reverse("journey:chronology", args=[child.pk]),
        reverse("journey:notes", args=[child.pk]),
        reverse("journey:documents", args=[child.pk]),
        reverse("journey:add-note", args=[child.pk]),
        reverse("assessments:for-child", args=[child.pk]),
        reverse("child_protection:overview", args=[child.pk]),
        reverse("child_in_need:episode", args=[history["plan"].involvement_id]),
    ):
        assert url in links
    # Read-only: no "record a note".
    read_only = record_page(client_for, personas["performance_officer"], child)
    assert reverse("journey:add-note", args=[child.pk]) not in section(
        read_only, "record-links", "</dl>"
    )


def test_a_child_in_need_plan_is_measured_against_the_child_in_need_visit_rule(
    child, org, personas, client_for
):
    worker = personas["allocated_worker"]
    inv = Involvement.objects.create(
        person=child,
        stage="child_in_need",
        team=org["north_childrens"],
        started_on=dt.date(2026, 3, 2),
    )
    plan = Plan.objects.create(
        person=child, involvement=inv, kind="cin", started_on=dt.date(2026, 3, 2), owner=worker
    )
    # Seen on 20 April: 14 working days before 11 May, within the 20 of cin.visit.
    visit(child, worker, dt.date(2026, 4, 20), alone=True)
    text = record_page(client_for, worker, child)
    assert "More than" not in section(text, "last-seen", "</dd>")
    due = section(text, "due", "</table>")
    assert "Visit (child in need plan)" in due and "Child in need review" in due
    assert reverse("plans:plan", args=[plan.pk]) in due
    # 20 working days after 20 April (4 May a bank holiday): 19 May, not overdue.
    assert re.search(r"Visit \(child in need plan\)</a></th> <td[^>]*>19 May 2026\s*</td>", due)


# ---- queries ----------------------------------------------------------------------------------


def add_past_episode(child, org, personas, year: int) -> None:
    """A closed CIN episode in `year`: referral, assessment, strategy discussion, enquiry,
    ICPC, a child protection plan with a core group and a review, closure; monthly visits."""
    worker, iro, team = personas["allocated_worker"], personas["iro"], org["north_childrens"]
    start = dt.date(year, 1, 6)
    cin = Involvement.objects.create(
        person=child,
        stage="child_in_need",
        team=team,
        started_on=start,
        ended_on=start + dt.timedelta(days=30),
    )
    cp = Involvement.objects.create(
        person=child,
        stage="child_protection",
        team=team,
        stepped_from=cin,
        started_on=start + dt.timedelta(days=30),
        ended_on=start + dt.timedelta(days=200),
    )
    referral = Referral.objects.create(
        person=child,
        involvement=cin,
        referral_date=start,
        source="2A",
        primary_need="N1",
        route="referral",
        team=team,
    )
    Assessment.objects.create(
        person=child,
        referral=referral,
        involvement=cin,
        team=team,
        social_worker=worker,
        clock_from=start,
        started_on=start,
        due_on=start + dt.timedelta(days=60),
        completed_on=start + dt.timedelta(days=20),
        outcome="strategy",
    )
    talk = StrategyDiscussion.objects.create(
        person=child,
        involvement=cin,
        held_at=at(start + dt.timedelta(days=10)),
        type="discussion",
        information="Concern.",
        s47_decided=True,
        reasons="Harm.",
        recorded_by=worker,
    )
    s47 = Section47Enquiry.objects.create(
        person=child,
        discussion=talk,
        discussion_on=talk.held_on,
        team=team,
        social_worker=worker,
        started_on=talk.held_on,
        outcome="substantiated",
        icpc_needed=True,
        completed_on=talk.held_on + dt.timedelta(days=5),
        icpc_due_on=talk.held_on + dt.timedelta(days=21),
        icpc_held_on=start + dt.timedelta(days=30),
        started_by=worker,
    )
    plan = Plan.objects.create(
        person=child,
        involvement=cp,
        kind="cp",
        initial_category="NEG",
        category="NEG",
        started_on=start + dt.timedelta(days=30),
        ended_on=start + dt.timedelta(days=200),
        end_reason="Risk reduced",
        owner=worker,
    )
    icpc = InitialConference.objects.create(
        enquiry=s47,
        person=child,
        held_on=plan.started_on,
        decision="plan",
        category="NEG",
        reasons="Neglect.",
        chair=iro,
        plan=plan,
        recorded_by=iro,
    )
    CPPlanSchedule.objects.create(
        plan=plan,
        person=child,
        conference=icpc,
        core_group_from=plan.started_on,
        core_group_due_on=plan.started_on + dt.timedelta(days=14),
        review_from=plan.started_on,
        review_due_on=plan.started_on + dt.timedelta(days=90),
    )
    for n in range(3):
        CoreGroup.objects.create(
            plan=plan,
            held_on=plan.started_on + dt.timedelta(days=14 + 42 * n),
            attendees="Aunt Ruth\nSchool nurse",
            minutes="Progress.",
            next_due_on=plan.started_on + dt.timedelta(days=56 + 42 * n),
            recorded_by=worker,
        )
    ReviewConference.objects.create(
        plan=plan,
        held_on=plan.started_on + dt.timedelta(days=90),
        decision="end",
        end_reason="Risk reduced",
        category_before="NEG",
        summary="Ended.",
        chair=iro,
        recorded_by=iro,
    )
    for n in range(4):
        PlanAction.objects.create(plan=plan, what=f"Action {n}", owner_worker=worker)
    CINClosure.objects.create(
        referral=referral,
        person=child,
        involvement=cp,
        closed_on=cp.ended_on,
        reason="RC4",
        recorded_by=worker,
    )
    for n in range(12):
        visit(child, worker, start + dt.timedelta(days=15 + 28 * n), alone=n % 2 == 0)
    eh = Involvement.objects.create(
        person=child,
        stage="early_help",
        started_on=dt.date(year, 10, 1),
        ended_on=dt.date(year, 12, 1),
    )
    EarlyHelpEpisode.objects.create(
        involvement=eh,
        person=child,
        started_on=eh.started_on,
        reason="Routines",
        lead_worker=worker,
        review_from=eh.started_on,
        ended_on=eh.ended_on,
        end_reason="outcomes_met",
    )


def page_queries(client, child) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:detail", args=[child.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_page_takes_the_same_queries_however_long_the_history(
    history, child, org, personas, client_for
):
    client = client_for(personas["allocated_worker"])
    page_queries(client, child)  # caches warm (content types, closure days)
    before = page_queries(client, child)
    for year in range(2016, 2025):
        add_past_episode(child, org, personas, year)
    for n in range(60):
        visit(
            child,
            personas["allocated_worker"],
            dt.date(2026, 2, 3) + dt.timedelta(days=n),
            alone=False,
        )
    after = page_queries(client, child)
    assert after == before
    # The history is there, and the page is still about this episode.
    text = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Child protection since 2 Feb 2026" in section(text, "stage-now", "</dl>")
    assert "2016" not in section(text, "episode", "</table>")


def test_a_closed_episode_shows_its_closure(child, org, personas, client_for):
    add_past_episode(child, org, personas, 2024)
    text = record_page(client_for, personas["allocated_worker"], child)
    stage = section(text, "stage-now", "</dl>")
    assert "No open involvement" in stage and "closed on" in stage
    assert "Nothing with a timescale is open" in text
    steps = section(text, "episode", "</table>")
    assert "Episode closed" in steps and "6 Jan 2024" in steps


def test_the_page_decides_once_whether_the_worker_may_see_the_child(
    history, child, personas, client_for, monkeypatch
):
    """The guard decides; the journey summary on the page trusts that decision for this child
    (it asked again, three more queries, before)."""
    from kinfold.access import guards
    from kinfold.journey import selectors

    asked = []
    real = guards.check_person

    def counting(worker, person):
        asked.append(person.pk)
        return real(worker, person)

    monkeypatch.setattr(guards, "check_person", counting)
    monkeypatch.setattr(selectors, "check_person", counting)
    client = client_for(personas["allocated_worker"])
    text = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert asked == [child.pk]
    assert "Child protection since 2 Feb 2026" in section(text, "stage-now", "</dl>")


def test_the_summary_still_decides_for_itself_when_no_page_has(history, child, personas):
    from kinfold.journey import selectors
    from tests.factories import WorkerFactory

    stranger = WorkerFactory(role="social_worker")
    assert selectors.journey_summary(worker=stranger, person_id=child.pk) is None
    mine = selectors.journey_summary(worker=personas["allocated_worker"], person_id=child.pk)
    assert mine is not None and mine.open_involvements
