"""The child's page with a child protection history, and the team manager's view reached from
the team's page, pass axe (issue 6, section 4)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kinfold.child_protection.models import (
    CPPlanSchedule,
    InitialConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.journey.notes import CaseNote
from kinfold.plans.models import Plan

from .helpers import assert_accessible, sign_in, url

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("migration_defaults")]


@pytest.fixture
def on_a_plan(child, org, personas):
    """Maisie referred 60 days ago, a strategy discussion and enquiry, an ICPC 30 days ago
    with a child protection plan (no outcomes or actions yet: the quality checks find fault),
    and a visit 20 days ago."""
    worker, iro, team = personas["allocated_worker"], personas["iro"], org["north_childrens"]
    today = timezone.localdate()
    cin = Involvement.objects.create(
        person=child,
        stage="child_in_need",
        team=team,
        started_on=today - dt.timedelta(days=60),
        ended_on=today - dt.timedelta(days=30),
    )
    Referral.objects.create(
        person=child,
        involvement=cin,
        referral_date=cin.started_on,
        source="2A",
        primary_need="N1",
        route="strategy",
        team=team,
    )
    talk = StrategyDiscussion.objects.create(
        person=child,
        involvement=cin,
        held_at=timezone.now() - dt.timedelta(days=55),
        type="meeting",
        information="Bruising seen at school.",
        s47_decided=True,
        reasons="Risk of significant harm.",
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
        completed_on=talk.held_on + dt.timedelta(days=10),
        icpc_due_on=talk.held_on + dt.timedelta(days=21),
        icpc_held_on=today - dt.timedelta(days=30),
        started_by=worker,
    )
    cp = Involvement.objects.create(
        person=child,
        stage="child_protection",
        team=team,
        started_on=s47.icpc_held_on,
        stepped_from=cin,
    )
    plan = Plan.objects.create(
        person=child,
        involvement=cp,
        kind="cp",
        initial_category="NEG",
        category="NEG",
        started_on=cp.started_on,
        owner=worker,
        next_visit_due_on=today - dt.timedelta(days=5),
    )
    icpc = InitialConference.objects.create(
        enquiry=s47,
        person=child,
        held_on=cp.started_on,
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
        core_group_from=cp.started_on,
        core_group_due_on=cp.started_on + dt.timedelta(days=14),
        review_from=cp.started_on,
        review_due_on=cp.started_on + dt.timedelta(days=90),
    )
    CaseNote.objects.create(
        person=child,
        type="home_visit",
        occurred_at=timezone.now() - dt.timedelta(days=20),
        title="Statutory visit",
        child_seen=True,
        seen_alone=False,
        author=worker,
    )
    return plan


def test_the_childs_page_and_the_team_managers_view_pass_axe(
    live_server, page, personas, password, child, org, on_a_plan
):
    sign_in(page, live_server, personas["team_manager"], password)
    page.goto(url(live_server, "people:detail", child.pk))
    expect(
        page.get_by_role("heading", name="Where Maisie Okafor is on the journey")
    ).to_be_visible()
    expect(page.locator("#latest-plan")).to_contain_text(re.compile(r"\d+ quality findings?"))
    assert_accessible(page)

    page.goto(url(live_server, "workforce:unit", org["north_childrens"].pk))
    page.get_by_role("link", name="Assessments, child protection and plans of").click()
    expect(
        page.get_by_role("heading", name="Assessments, child protection and plans", level=1)
    ).to_be_visible()
    expect(page.locator("#flagged").locator("xpath=following-sibling::table[1]")).to_contain_text(
        "Maisie Okafor"
    )
    assert_accessible(page)
