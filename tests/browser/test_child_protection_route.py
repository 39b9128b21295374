"""Issue 6's route in a browser, through its real pages, as the people who do each part.

Maisie Okafor is referred to the north district for assessment. Her social worker starts a
single assessment, records each part and completes it: a strategy discussion is needed, and
her team manager authorises it. The strategy discussion is not saved until health has taken
part. The police had taken her into police protection the night before: it is not saved as
lasting five days (72 hours at most). The section 47 enquiry is not closed without its
outcome. The IRO records the initial conference (not before the strategy discussion) and
chairs it: a child protection plan for
physical abuse. The social worker writes the plan; its vague action is flagged by the quality
checks (without JavaScript by "Check the plan", with it as she types) until it says who, by
when and how we will know. A core group reviews progress on each action; the review
conference steps Maisie down to a child in need plan. The team manager cannot close the
episode while that plan is open; once it ends at its review, the episode closes with RC7. Her
record and chronology show the journey, each stage and event with its date.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kinfold.assessments.codes import Factor
from kinfold.assessments.codes import Outcome as AssessmentOutcome
from kinfold.assessments.models import Assessment
from kinfold.child_in_need.codes import ReasonForClosure
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.codes import (
    IcpcDecision,
    ProtectionKind,
    ReviewDecision,
    S47Outcome,
)
from kinfold.child_protection.models import (
    CoreGroup,
    EmergencyProtection,
    InitialConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.front_door.services import accept_referral
from kinfold.journey.models import Involvement
from kinfold.plans.models import CPCategory, Plan, PlanKind
from kinfold.timescales.calendar import due_at
from kinfold.timescales.models import rule_for

from .helpers import (
    assert_accessible,
    error_beside,
    error_summary,
    fill_date,
    sign_in,
    sign_out,
    summary_value,
    url,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("migration_defaults")]

VAGUE = "Improve home conditions"
PROGRESS = "Bedrooms cleared and beds bought; the kitchen still needs work."


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def page_without_js(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    without_favicon(page)
    yield page
    context.close()


def without_favicon(page: Page) -> None:
    """Chromium asks for /favicon.ico after each page: answered here, so that the live server
    (one SQLite connection shared by its threads and the test's) is not queried behind the
    test's back."""
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))


@pytest.fixture
def route(org, personas, child):
    """Maisie's referral, 63 days ago, to the north assessment team (the front door's sign-off
    made it: its service is called as the sign-off does), and the days each step happens."""
    today = timezone.localdate()
    referred = today - dt.timedelta(days=63)
    referral = accept_referral(
        actor=personas["team_manager"],
        person=child,
        referral_date=referred,
        source="2A",
        primary_need="N1",
        route="referral",
        team=org["north_assessment"],
    )
    days = {
        "referral": referred,
        "assessment_started": referred + dt.timedelta(days=1),
        "seen": referred + dt.timedelta(days=3),
        "assessment_completed": referred + dt.timedelta(days=14),
        "authorised": referred + dt.timedelta(days=15),
        "strategy": referred + dt.timedelta(days=15),
        "s47_completed": referred + dt.timedelta(days=24),
        "icpc": referred + dt.timedelta(days=28),
        "core_group": referred + dt.timedelta(days=36),
        "review": referred + dt.timedelta(days=50),
        "cin_review": referred + dt.timedelta(days=58),
        "closed": referred + dt.timedelta(days=60),
    }
    return referral, days


def short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def record_links(page: Page):
    return page.get_by_role("navigation", name="The child's record")


def test_a_referral_goes_through_assessment_and_child_protection_to_closure(
    live_server, page, page_without_js, personas, password, child, route
):
    referral, days = route
    without_favicon(page)
    worker, manager, iro = personas["allocated_worker"], personas["team_manager"], personas["iro"]
    mother = child.mother

    # ---- 1. The social worker starts the single assessment from Maisie's record -----------
    sign_in(page, live_server, worker, password)
    page.goto(url(live_server, "people:detail", child.pk))
    expect(page.locator("#stage-now")).to_contain_text(
        f"Child in need since {short_date(days['referral'])}"
    )
    assert_accessible(page)
    record_links(page).get_by_role("link", name="Assessments", exact=True).click()
    expect(
        page.get_by_role("heading", name="Assessments of Maisie Okafor", level=1)
    ).to_be_visible()
    expect(page.get_by_text("No assessment has been started.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start a single assessment").click()
    expect(page.get_by_role("heading", name="Start a single assessment", level=1)).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date the assessment started", days["assessment_started"])
    page.get_by_label("Social worker carrying out the assessment").select_option(
        label=f"{worker.get_full_name()}, social worker"
    )
    page.get_by_role("button", name="Start the assessment").click()

    assessment = Assessment.objects.get(person=child)
    assert assessment.referral == referral
    assert assessment.social_worker == worker
    expect(page).to_have_url(url(live_server, "assessments:assessment", assessment.pk))
    expect(page.locator("#started")).to_have_text(long_date(days["assessment_started"]))
    # 45 working days from the referral (the rule assessment.single).
    due = due_at(rule_for("assessment.single", on=days["referral"]), days["referral"])
    expect(page.locator("#due")).to_contain_text(long_date(due))
    for part in ("factors", "seen", "views", "analysis", "outcome"):
        expect(page.locator(f"#part-{part}")).to_contain_text("Not recorded")
    assert_accessible(page)

    # Each part, one by one.
    page.get_by_role("link", name="Record factors identified").click()
    expect(page.get_by_role("heading", name="Factors identified", level=1)).to_be_visible()
    assert_accessible(page)
    factors = page.get_by_role("group", name="Factors identified")
    factors.get_by_label(Factor.PHYSICAL_ADULT_ON_CHILD.label).check()
    factors.get_by_label(Factor.DOMESTIC_PARENT.label).check()
    page.get_by_role("button", name="Save the factors").click()
    expect(page.get_by_text("Factors identified saved")).to_be_visible()
    expect(page.locator("#factors")).to_contain_text(f"18C: {Factor.PHYSICAL_ADULT_ON_CHILD.label}")
    expect(page.locator("#factors")).to_contain_text(f"3B: {Factor.DOMESTIC_PARENT.label}")

    page.get_by_role("link", name="Record the child seen").click()
    expect(page.get_by_role("heading", name="The child seen", level=1)).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date the child was seen", days["seen"])
    fill_date(page, "Date the child was seen alone", days["seen"])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The child seen saved")).to_be_visible()
    expect(page.locator("#seen")).to_contain_text(long_date(days["seen"]))
    expect(page.locator("#seen")).not_to_contain_text("Not seen alone")

    page.get_by_role("link", name="Record views of the child and parents").click()
    expect(
        page.get_by_role("heading", name="Views of the child and parents", level=1)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The child's views and wishes").fill(
        "Maisie said she is scared when her mum's boyfriend shouts."
    )
    page.get_by_label("The views of the parents or carers").fill(
        "Her mother says the bruise came from a fall in the park."
    )
    page.get_by_role("button", name="Save the views").click()
    expect(page.locator("#views")).to_contain_text("scared when her mum's boyfriend shouts")

    page.get_by_role("link", name="Record analysis").click()
    expect(page.get_by_role("heading", name="Analysis", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Analysis").fill(
        "The explanation does not fit the bruise; there is domestic abuse in the home."
    )
    page.get_by_role("button", name="Save the analysis").click()
    expect(page.locator("#analysis")).to_contain_text("does not fit the bruise")

    page.get_by_role("link", name="Record outcome").click()
    expect(page.get_by_role("heading", name="Outcome", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Outcome of the assessment").get_by_label(
        AssessmentOutcome.STRATEGY.label
    ).check()
    page.get_by_label("Why is this the right outcome?").fill(
        "Reasonable cause to suspect significant harm: a strategy discussion is needed."
    )
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator("#outcome")).to_contain_text(AssessmentOutcome.STRATEGY.label)
    for part in ("factors", "seen", "views", "analysis", "outcome"):
        expect(page.locator(f"#part-{part}")).not_to_contain_text("Not recorded")
    assert_accessible(page)

    fill_date(page, "Date the assessment was completed", days["assessment_completed"])
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("The assessment was completed")).to_be_visible()
    expect(page.locator("#completed")).to_contain_text(long_date(days["assessment_completed"]))
    expect(page.get_by_role("button", name="Complete the assessment")).to_have_count(0)
    # The author does not authorise their own assessment.
    expect(page.get_by_role("link", name="Authorise the assessment")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.completed_on == days["assessment_completed"]
    assert assessment.outcome == AssessmentOutcome.STRATEGY
    assert_accessible(page)
    sign_out(page)

    # ---- 2. The team manager authorises it (not before it started) ------------------------
    sign_in(page, live_server, manager, password)
    page.goto(url(live_server, "assessments:assessment", assessment.pk))
    assert_accessible(page)
    page.get_by_role("link", name="Authorise the assessment").click()
    expect(page.get_by_role("heading", name="Authorise the assessment", level=1)).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date authorised", days["referral"])
    page.get_by_label("Manager's comment").fill("Agreed: hold the strategy discussion today.")
    page.get_by_role("button", name="Authorise the assessment").click()
    expect(error_summary(page)).to_contain_text("cannot be authorised before it started")
    expect(error_beside(page, "id_authorised_on_0")).to_contain_text(
        f"before it started ({long_date(days['assessment_started'])})"
    )
    assessment.refresh_from_db()
    assert assessment.authorised_on is None
    assert_accessible(page)
    fill_date(page, "Date authorised", days["authorised"])
    page.get_by_role("button", name="Authorise the assessment").click()
    expect(page.get_by_text("The assessment was authorised")).to_be_visible()
    expect(page.locator("#authorised")).to_contain_text(long_date(days["authorised"]))
    expect(page.locator("#authorised")).to_contain_text(manager.get_full_name())
    assert_accessible(page)
    sign_out(page)

    # ---- 3. The strategy discussion: the police and health must take part ------------------
    sign_in(page, live_server, worker, password)
    page.goto(url(live_server, "people:detail", child.pk))
    page.get_by_role("link", name="Child protection", exact=True).click()
    expect(
        page.get_by_role("heading", name="Child protection for Maisie Okafor", level=1)
    ).to_be_visible()
    expect(page.get_by_text("No strategy discussion is recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a strategy discussion").click()
    expect(
        page.get_by_role("heading", name="Record a strategy discussion", level=1)
    ).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date", days["strategy"])
    page.get_by_label("Time", exact=True).fill("10:30")
    page.get_by_role("group", name="Was it a discussion or a meeting?").get_by_label(
        "Strategy meeting"
    ).check()
    first = page.get_by_role("group", name="Participant 1", exact=True)
    expect(first.get_by_label("Agency", exact=True)).to_have_value("social_care")
    first.get_by_label("Name").fill(worker.get_full_name())
    first.get_by_label("Role").fill("Social worker")
    police = page.get_by_role("group", name="Participant 2", exact=True)
    expect(police.get_by_label("Agency", exact=True)).to_have_value("police")
    police.get_by_label("Name").fill("DC Hallam Lowe")
    police.get_by_label("Role").fill("Detective constable")
    # Health's row (participant 3) is left empty.
    page.get_by_label("Information shared").fill(
        "School saw a bruise on her upper arm; police attended the home twice this year."
    )
    page.get_by_role("group", name="Is a section 47 enquiry to start?").get_by_label("Yes").check()
    page.get_by_label("Reasons for the decision").fill("Unexplained injury and domestic abuse.")
    page.get_by_role("button", name="Save the strategy discussion").click()

    expect(page).to_have_title(re.compile(r"Error"))
    expect(error_summary(page)).to_contain_text("A strategy discussion needs the police and health")
    expect(error_beside(page, "id_participant_3_name")).to_contain_text(
        "record who took part for health"
    )
    assert not StrategyDiscussion.objects.exists()
    expect(page.get_by_label("Information shared")).to_have_value(
        re.compile("^School saw a bruise")
    )
    assert_accessible(page)
    health = page.get_by_role("group", name="Participant 3", exact=True)
    expect(health.get_by_label("Agency", exact=True)).to_have_value("health")
    health.get_by_label("Name").fill("Nurse Amira Begum")
    health.get_by_label("Role").fill("Named nurse for safeguarding")
    page.get_by_role("button", name="Save the strategy discussion").click()

    expect(page.get_by_text("The strategy discussion was recorded")).to_be_visible()
    discussion = StrategyDiscussion.objects.get(person=child)
    assert discussion.held_on == days["strategy"]
    assert {p.agency for p in discussion.participants.all()} == {"social_care", "police", "health"}
    card = page.locator(f"#discussion-{discussion.pk}")
    expect(card).to_contain_text("Nurse Amira Begum, Named nurse for safeguarding (Health)")
    expect(card).to_contain_text("DC Hallam Lowe, Detective constable (Police)")
    assert_accessible(page)

    # ---- 3b. Police protection the night before the meeting: at most 72 hours -------------
    taken = days["strategy"] - dt.timedelta(days=1)
    page.get_by_role(
        "link", name="Record police protection or an emergency protection order"
    ).click()
    assert_accessible(page)
    page.get_by_role("group", name="Which was it?").get_by_label(
        "Police protection (section 46)"
    ).check()
    fill_date(page, "Date it started", taken)
    fill_date(page, "Date it ended", taken + dt.timedelta(days=5))
    page.get_by_label("What happened and why").fill(
        "Police removed her to her grandmother's after a late-night assault at home."
    )
    page.get_by_label("Strategy discussion it followed or led to (optional)").select_option(
        str(discussion.pk)
    )
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"Error"))
    expect(error_beside(page, "id_ended_on_0")).to_contain_text(
        "Police protection lasts at most 72 hours"
    )
    assert not EmergencyProtection.objects.exists()
    assert_accessible(page)
    fill_date(page, "Date it ended", taken + dt.timedelta(days=2))
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(url(live_server, "child_protection:overview", child.pk))
    protection = EmergencyProtection.objects.get(person=child)
    assert (protection.kind, protection.discussion) == (ProtectionKind.POLICE, discussion)
    expect(page.locator(f"#protection-{protection.pk}")).to_contain_text(
        "Police protection (section 46)"
    )
    assert_accessible(page)

    # ---- 4. The section 47 enquiry: started, and not closed without its outcome -----------
    card.get_by_role("link", name="Start the section 47 enquiry").click()
    expect(page.get_by_role("heading", name="Start a section 47 enquiry", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the section 47 enquiry").click()  # the discussion's day
    enquiry = Section47Enquiry.objects.get(person=child)
    icpc_due = due_at(rule_for("s47.icpc", on=days["strategy"]), days["strategy"])
    expect(page).to_have_url(url(live_server, "child_protection:s47", enquiry.pk))
    expect(
        page.get_by_text(f"the initial conference is due by {long_date(icpc_due)}")
    ).to_be_visible()
    expect(page.locator("#outcome")).to_contain_text("No outcome recorded")
    assert enquiry.started_on == days["strategy"]
    assert_accessible(page)

    fill_date(page, "Date the enquiry was completed", days["s47_completed"])
    page.get_by_role(
        "group", name="Is an initial child protection conference needed?"
    ).get_by_label("Yes").check()
    page.get_by_label("What the enquiry found").fill(
        "Maisie said the boyfriend grabbed her arm. Her mother now accepts this."
    )
    page.get_by_role("button", name="Record the outcome").click()
    expect(error_summary(page)).to_contain_text("Choose the outcome of the section 47 enquiry")
    expect(error_beside(page, "id_outcome_1")).to_contain_text(
        "Choose the outcome of the section 47 enquiry"
    )
    enquiry.refresh_from_db()
    assert enquiry.is_open and enquiry.outcome == ""
    assert_accessible(page)
    page.get_by_role("group", name="What was the outcome?").get_by_label(
        S47Outcome.SUBSTANTIATED.label
    ).check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome of the enquiry was recorded")).to_be_visible()
    expect(page.locator("#outcome")).to_contain_text(S47Outcome.SUBSTANTIATED.label)
    expect(page.locator("#icpc")).to_contain_text(f"Due by {long_date(icpc_due)}")
    enquiry.refresh_from_db()
    assert enquiry.outcome == S47Outcome.SUBSTANTIATED and enquiry.icpc_needed
    assert_accessible(page)
    sign_out(page)

    # ---- 5. The IRO records the initial conference she chaired ----------------------------
    sign_in(page, live_server, iro, password)
    page.goto(url(live_server, "child_protection:overview", child.pk))
    assert_accessible(page)
    page.locator("#enquiries").get_by_role("link", name="Record the conference").click()
    expect(
        page.get_by_role("heading", name="Record the initial child protection conference", level=1)
    ).to_be_visible()
    expect(
        page.get_by_text(f"The strategy discussion was on {long_date(days['strategy'])}")
    ).to_be_visible()
    assert_accessible(page)
    too_early = days["strategy"] - dt.timedelta(days=2)
    fill_date(page, "Date of the conference", too_early)
    page.get_by_label("Chair").select_option(label=iro.get_full_name())
    invited = [
        (f"{mother.given_name} {mother.family_name}", "Family member", "Mother", "Attended"),
        ("DC Hallam Lowe", "Police", "Detective constable", "Apologies, report sent"),
        ("Nurse Amira Begum", "Health", "Named nurse", "Attended"),
    ]
    for n, (name, agency, role, attendance) in enumerate(invited, start=1):
        row = page.get_by_role("group", name=f"Invited {n}", exact=True)
        row.get_by_label("Name").fill(name)
        row.get_by_label("Agency").select_option(label=agency)
        row.get_by_label("Role").fill(role)
        row.get_by_label("Attendance").select_option(label=attendance)
    page.get_by_role("group", name="What did the conference decide?").get_by_label(
        IcpcDecision.PLAN.label, exact=True
    ).check()
    page.get_by_label("Category of the plan").select_option(label=CPCategory.PHYSICAL.label)
    page.get_by_label("Reasons for the decision").fill(
        "Continuing risk of physical harm from the mother's partner."
    )
    page.get_by_role("button", name="Record the conference").click()

    message = (
        f"The conference cannot be before the strategy discussion ({days['strategy']:%d %B %Y})"
    )
    expect(error_summary(page)).to_contain_text(message)
    expect(error_beside(page, "id_held_on_0")).to_contain_text(message)
    assert not InitialConference.objects.exists()
    assert not Plan.objects.filter(person=child).exists()
    assert_accessible(page)
    fill_date(page, "Date of the conference", days["icpc"])
    page.get_by_role("button", name="Record the conference").click()

    expect(
        page.get_by_text("The conference was recorded: the child protection plan started")
    ).to_be_visible()
    conference = InitialConference.objects.get(enquiry=enquiry)
    plan = Plan.objects.get(person=child, kind=PlanKind.CHILD_PROTECTION)
    assert conference.chair == iro and conference.plan == plan
    assert (plan.started_on, plan.category) == (days["icpc"], CPCategory.PHYSICAL)
    expect(page).to_have_url(url(live_server, "child_protection:overview", child.pk))
    expect(summary_value(page, "Category")).to_have_text(CPCategory.PHYSICAL.label)
    core_due = due_at(rule_for("cp.core_group", on=days["icpc"]), days["icpc"])
    expect(page.locator("#next-core-group")).to_contain_text(long_date(core_due))
    assert_accessible(page)
    sign_out(page)

    # The child has stepped up: child protection since the conference.
    sign_in(page, live_server, worker, password)
    page.goto(url(live_server, "people:detail", child.pk))
    expect(page.locator("#stage-now")).to_contain_text(
        f"Child protection since {short_date(days['icpc'])}"
    )
    assert_accessible(page)

    # ---- 6. The plan, written without JavaScript: a vague action is flagged ----------------
    nojs = page_without_js
    sign_in(nojs, live_server, worker, password)
    nojs.goto(url(live_server, "child_protection:overview", child.pk))
    nojs.locator("#open-plan").get_by_role("link", name=str(plan)).click()
    expect(nojs.get_by_role("heading", name="Child protection plan", level=1)).to_be_visible()
    expect(nojs.get_by_text("No actions yet.")).to_be_visible()
    assert_accessible(nojs)
    nojs.get_by_role("link", name="Change the plan").click()
    expect(
        nojs.get_by_role("heading", name="Change the child protection plan", level=1)
    ).to_be_visible()
    assert_accessible(nojs)
    target = days["icpc"] + dt.timedelta(days=120)
    outcome_row = nojs.locator("#outcomes-0")
    outcome_row.get_by_label("What should change for the child").fill(
        "Maisie is safe from physical harm at home"
    )
    outcome_row.get_by_label("How we will know it has been achieved").fill(
        "No injuries seen by school or health for three months"
    )
    fill_date(outcome_row, "By when", target)
    action_row = nojs.locator("#actions-0")
    action_row.get_by_label("What will be done").fill(VAGUE)  # no owner, no date, no measure
    contingency = nojs.locator("#contingencies-0")
    contingency.get_by_label("What would have to happen, or not happen").fill(
        "Maisie has another unexplained injury"
    )
    fill_date(contingency, "By when", target)
    contingency.get_by_label("What we will do then").fill(
        "A strategy discussion the same day and legal planning"
    )
    nojs.get_by_role("button", name="Check the plan").click()

    beside = nojs.locator("#findings-actions-0")
    for missing in (
        "does not say who will do it",
        "does not say by when",
        "does not say how we will know it is done",
    ):
        expect(beside).to_contain_text(f"The action '{VAGUE}' {missing}")
    expect(nojs.locator("#findings-outcomes-0 li")).to_have_count(0)
    expect(nojs.locator("#findings-contingencies-0 li")).to_have_count(0)
    expect(nojs.locator("#plan-findings")).to_contain_text("The checks found 3 things to put right")
    assert not plan.actions.exists()  # checking saves nothing
    expect(action_row.get_by_label("What will be done")).to_have_value(VAGUE)
    assert_accessible(nojs)
    nojs.get_by_role("button", name="Save the plan").click()

    expect(nojs.get_by_text("The plan was saved")).to_be_visible()
    action = plan.actions.get()
    assert (action.what, action.due_on, action.measure) == (VAGUE, None, "")
    assert not action.has_owner
    flagged = nojs.locator(f"#action-{action.pk}")
    expect(flagged.locator(".kf-findings li")).to_have_count(3)
    expect(flagged).to_contain_text("does not say who will do it")
    expect(flagged.get_by_text("Must be put right")).to_have_count(2)
    plan.refresh_from_db()
    assert plan.flag_count == 3
    assert_accessible(nojs)
    sign_out(nojs)

    # ---- 7. With JavaScript the checks run as she types: the action is put right -----------
    page.goto(url(live_server, "plans:edit", plan.pk))
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    row = page.locator("#actions-0")
    beside = page.locator("#findings-actions-0")
    expect(row.get_by_label("What will be done")).to_have_value(VAGUE)
    expect(beside.locator("li")).to_have_count(3)
    assert_accessible(page)
    page.get_by_label("Why is the plan changing? (optional)").fill("Agreed with Grace Okafor")
    row.get_by_label("How we will know it is done").press_sequentially(
        "The health visitor sees clean, safe bedrooms on two visits", delay=5
    )
    expect(beside).not_to_contain_text("how we will know it is done")
    expect(beside.locator("li")).to_have_count(2)
    row.get_by_label("Who will do it").select_option(
        label=f"{mother.full_name} ({mother.relationships.get(other=child).get_type_display()})"
    )
    expect(beside).not_to_contain_text("who will do it")
    action_due = days["icpc"] + dt.timedelta(days=42)
    when = row.get_by_role("group", name="By when", exact=True)
    for part, value in (("Day", action_due.day), ("Month", action_due.month)):
        when.get_by_label(part).fill(str(value))
    when.get_by_label("Year").press_sequentially(str(action_due.year), delay=20)  # keyup
    expect(beside.locator("li")).to_have_count(0)
    expect(page.locator("#no-findings")).to_have_text("The checks found nothing to put right.")
    # Leaving the field runs the checks once more: wait for them, so that no check is still
    # being answered by the server when the plan is saved.
    with page.expect_response(re.compile(r"/check/$")):
        page.evaluate("document.activeElement.blur()")
    expect(page.locator("#no-findings")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save the plan").click()

    expect(page.get_by_text("The plan was saved")).to_be_visible()
    action.refresh_from_db()
    assert action.owner_person_id == mother.pk and action.due_on == action_due
    expect(page.locator(f"#action-{action.pk} .kf-findings")).to_have_count(0)
    expect(page.locator("#no-findings")).to_be_visible()
    expect(page.locator("#revisions")).to_contain_text("Action changed")
    plan.refresh_from_db()
    assert plan.flag_count == 0
    assert_accessible(page)

    # ---- 8. The core group: progress on each action ---------------------------------------
    page.goto(url(live_server, "child_protection:overview", child.pk))
    page.get_by_role("link", name="Record a core group").click()
    expect(page.get_by_role("heading", name="Record a core group meeting", level=1)).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date of the core group", days["core_group"])
    page.get_by_label("Who attended").fill(
        f"{worker.get_full_name()}, social worker\nGrace Okafor, mother\nNurse Amira Begum, health"
    )
    page.get_by_label("Minutes").fill("Reviewed the plan with Grace; the home is improving.")
    progress = page.get_by_role("group", name=VAGUE, exact=True)
    progress.get_by_label("Progress").fill(PROGRESS)
    progress.get_by_role("group", name="Is it on track?").get_by_label(
        "On track", exact=True
    ).check()
    page.get_by_role("button", name="Record the core group").click()

    expect(page.get_by_text("The core group was recorded")).to_be_visible()
    meeting = CoreGroup.objects.get(plan=plan)
    assert meeting.held_on == days["core_group"]
    reviewed = meeting.progress.get()
    assert (reviewed.action_id, reviewed.progress, reviewed.status) == (
        action.pk,
        PROGRESS,
        "on_track",
    )
    core_groups = page.get_by_role("table", name="Core groups")
    expect(core_groups).to_contain_text(f"{days['core_group']:%-d %b %Y}")
    expect(core_groups).to_contain_text(f"{VAGUE}: on track")
    next_core = due_at(
        rule_for("cp.core_group", on=days["core_group"]), days["core_group"], repeat=True
    )
    expect(page.locator("#next-core-group")).to_contain_text(long_date(next_core))
    assert_accessible(page)
    sign_out(page)

    # ---- 9. The review conference ends the plan and steps Maisie down to child in need -----
    sign_in(page, live_server, iro, password)
    page.goto(url(live_server, "child_protection:overview", child.pk))
    page.get_by_role("link", name="Record a review conference").click()
    expect(
        page.get_by_role("heading", name="Record a review child protection conference", level=1)
    ).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date of the review conference", days["review"])
    page.get_by_label("Chair").select_option(label=iro.get_full_name())
    for n, (name, agency, role, _) in enumerate(invited, start=1):
        row = page.get_by_role("group", name=f"Invited {n}", exact=True)
        row.get_by_label("Name").fill(name)
        row.get_by_label("Agency").select_option(label=agency)
        row.get_by_label("Role").fill(role)
        row.get_by_label("Attendance").select_option(label="Attended")
    page.get_by_label("Summary of the conference").fill(
        "The partner has left; Maisie says she feels safe. Grace has kept to the plan."
    )
    page.get_by_role("group", name="What did the conference decide?").get_by_label(
        ReviewDecision.STEP_DOWN.label
    ).check()
    page.get_by_label("Why is the plan ending?").fill("No longer at risk of significant harm")
    page.get_by_role("button", name="Record the review conference").click()

    expect(page.get_by_text("The review conference was recorded")).to_be_visible()
    plan.refresh_from_db()
    assert plan.ended_on == days["review"]
    cin_plan = Plan.objects.get(person=child, kind=PlanKind.CHILD_IN_NEED)
    assert cin_plan.is_open and cin_plan.started_on == days["review"]
    expect(page.get_by_text("Maisie Okafor has no child protection plan now.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # ---- 10. Closing the episode: refused while the CIN plan is open ---------------------
    sign_in(page, live_server, manager, password)
    page.goto(url(live_server, "people:detail", child.pk))
    expect(page.locator("#stage-now")).to_contain_text(
        f"Child in need since {short_date(days['review'])}"
    )
    assert_accessible(page)
    record_links(page).get_by_role("link", name="Child in need episode").click()
    expect(
        page.get_by_role("heading", name="Child in need: Maisie Okafor", level=1)
    ).to_be_visible()
    plans_table = page.get_by_role("table").filter(has_text="Quality checks")
    expect(plans_table.get_by_role("link", name=str(cin_plan))).to_be_visible()
    expect(plans_table.get_by_role("link", name=str(plan))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Close the episode").click()
    expect(
        page.get_by_role("heading", name="Close the child in need episode", level=1)
    ).to_be_visible()
    still_open = page.locator("#open-items")
    cin_plan_open = (
        f"The child in need plan started on {long_date(days['review'])} is still open: end it first"
    )
    expect(still_open).to_contain_text(cin_plan_open)
    assert_accessible(page)
    fill_date(page, "Date the episode closes", days["closed"])
    page.get_by_role("group", name="Why does the episode close?").get_by_role(
        "radio", name=re.compile(r"^RC7:")
    ).check()
    page.get_by_role("button", name="Close the episode").click()
    expect(error_summary(page)).to_contain_text("The episode cannot close while these are open")
    expect(error_summary(page)).to_contain_text(cin_plan_open)
    assert not CINClosure.objects.exists()
    episode = Involvement.objects.get(person=child, ended_on__isnull=True)
    assert episode.stage == "child_in_need"
    assert_accessible(page)

    # The plan ends at its review.
    still_open.get_by_role("link", name=cin_plan_open).click()
    expect(page.get_by_role("heading", name="Child in need plan", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a review").click()
    expect(
        page.get_by_role("heading", name="Record a review of the child in need plan", level=1)
    ).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date of the review", days["cin_review"])
    page.get_by_label("Who was there").fill("Grace Okafor, mother; the social worker; school")
    page.get_by_label("The child's views").fill("Maisie says home is calm now.")
    page.get_by_label("The parents' and family's views").fill("Grace wants the case closed.")
    page.get_by_label("Progress against the plan").fill("Every outcome achieved.")
    page.get_by_role("group", name="What did the review decide?").get_by_label(
        "End the plan: the child no longer needs it"
    ).check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("The review was recorded")).to_be_visible()
    expect(page.locator("#status")).to_contain_text(f"Ended on {long_date(days['cin_review'])}")
    assert_accessible(page)

    # Now the episode closes, with its census reason.
    page.get_by_role("link", name="The child in need episode").click()
    page.get_by_role("link", name="Close the episode").click()
    expect(page.locator("#nothing-open")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date the episode closes", days["closed"])
    page.get_by_role("group", name="Why does the episode close?").get_by_role(
        "radio", name=re.compile(r"^RC7:")
    ).check()
    page.get_by_label("What happens for the child now (optional)").fill(
        "Universal services; school will keep in touch."
    )
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_text("The child in need episode was closed")).to_be_visible()
    expect(page.locator("#status")).to_contain_text(
        f"Closed on {long_date(days['closed'])}: RC7 {ReasonForClosure.RC7.label}"
    )
    closure = CINClosure.objects.get(referral=referral)
    assert (closure.closed_on, closure.reason) == (days["closed"], "RC7")
    assert not Involvement.objects.filter(person=child, ended_on__isnull=True).exists()
    assert_accessible(page)

    # ---- 11. The record and the chronology show the journey ------------------------------
    page.goto(url(live_server, "people:detail", child.pk))
    expect(page.locator("#stage-now")).to_contain_text(
        f"the child in need episode closed on {short_date(days['closed'])}"
    )
    journey = page.locator("#episode")
    steps = [
        ("Referral", days["referral"]),
        ("Assessment", days["assessment_started"]),
        ("Strategy discussion", days["strategy"]),
        ("Section 47 enquiry", days["strategy"]),
        ("Initial child protection conference", days["icpc"]),
        ("Child protection plan", days["icpc"]),
        ("Child in need plan", days["review"]),
        ("Episode closed", days["closed"]),
    ]
    for label, day in steps:
        step = journey.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=label, exact=True)
        )
        expect(step, label).to_contain_text(short_date(day))
    assert_accessible(page)
    page.get_by_role("link", name="Chronology", exact=True).click()
    expect(page.get_by_role("heading", name="Chronology of Maisie Okafor", level=1)).to_be_visible()
    chronology = page.get_by_role("table", name="Chronology, latest first")
    expected = [
        (days["referral"], "Referral to children's social care"),
        (days["assessment_started"], "Assessment started"),
        (days["assessment_completed"], "Assessment completed"),
        (days["authorised"], "Assessment authorised"),
        (days["strategy"], "Strategy discussion"),
        (days["strategy"], "Section 47 enquiry started"),
        (days["s47_completed"], "Section 47 enquiry outcome"),
        (days["icpc"], "Initial child protection conference"),
        (days["icpc"], "Moved to another stage", "Child protection plan agreed"),
        (days["icpc"], "Plan started"),
        (days["core_group"], "Core group meeting"),
        (days["review"], "Review child protection conference"),
        (days["review"], "Plan ended"),
        (days["cin_review"], "Child in need review held"),
        (days["review"], "Moved to another stage", "Child protection plan ended"),
        (days["closed"], "Moved to another stage", "Child in need episode closed"),
    ]
    for day, what, *summary in expected:
        row = (
            chronology.get_by_role("row")
            .filter(has=page.get_by_role("cell", name=re.compile(rf"^{re.escape(long_date(day))}")))
            .filter(has=page.get_by_role("cell", name=re.compile(rf"^{re.escape(what)}")))
        )
        if summary:
            row = row.filter(has_text=summary[0])
        expect(row.first, f"{what} on {long_date(day)}").to_be_visible()
    assert_accessible(page)
