"""Each plan-quality check on its own, with the clock pinned (Tuesday 10 March 2026): what it
finds, on which item, and what it leaves alone (withdrawn items, done actions, switched-off
rules, the other kind of plan)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kinfold.quality.checks import (
    CHECKS,
    PLAN,
    ActionItem,
    ContingencyItem,
    OutcomeItem,
    PlanContent,
    evaluate,
)
from kinfold.quality.models import CheckRule

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def good_action(key="a1", **changes) -> ActionItem:
    values = {
        "key": key,
        "what": "Attend the parenting course",
        "has_owner": True,
        "due_on": dt.date(2026, 4, 30),
        "measure": "Certificate of attendance",
    }
    return ActionItem(**{**values, **changes})


def good_outcome(key="o1", **changes) -> OutcomeItem:
    values = {
        "key": key,
        "text": "Maisie goes to school every day",
        "indicator": "Attendance above 95% for a term",
        "target_date": dt.date(2026, 7, 20),
    }
    return OutcomeItem(**{**values, **changes})


def good_contingency(key="c1", **changes) -> ContingencyItem:
    values = {
        "key": key,
        "trigger": "Attendance below 90% by the review",
        "trigger_by": dt.date(2026, 6, 1),
        "action": "Strategy discussion",
    }
    return ContingencyItem(**{**values, **changes})


def plan(kind="cin", outcomes=None, actions=None, contingencies=None) -> PlanContent:
    return PlanContent(
        kind,
        [good_outcome()] if outcomes is None else outcomes,
        [good_action()] if actions is None else actions,
        [good_contingency()] if contingencies is None else contingencies,
    )


def codes(content: PlanContent) -> list[tuple[str, str]]:
    return [(f.code, f.item) for f in evaluate(content, today=timezone.localdate())]


def test_a_good_plan_has_no_findings():
    assert codes(plan()) == []
    assert codes(plan("cp")) == []


def test_every_seeded_rule_has_its_check_and_every_check_its_rule():
    assert set(CheckRule.objects.values_list("code", flat=True)) == set(CHECKS)
    for rule in CheckRule.objects.all():
        assert "Seed 000" in rule.reason, rule.code


def test_action_with_no_owner():
    content = plan(actions=[good_action(), good_action("a2", has_owner=False)])
    assert codes(content) == [("action.no_owner", "a2")]
    # A withdrawn action is not checked.
    assert codes(plan(actions=[good_action(has_owner=False, withdrawn=True)])) == []


def test_action_with_no_date():
    assert codes(plan(actions=[good_action(due_on=None)])) == [("action.no_date", "a1")]


def test_action_with_no_measure():
    assert codes(plan(actions=[good_action(measure="  ")])) == [("action.no_measure", "a1")]


def test_more_live_actions_than_the_limit():
    ten = [good_action(f"a{i}") for i in range(10)]
    assert codes(plan(actions=ten)) == []  # the default limit is 10
    eleven = [*ten, good_action("a10")]
    assert codes(plan(actions=eleven)) == [("plan.too_many_actions", PLAN)]
    # Done and withdrawn actions are not live.
    done = [*ten, good_action("a10", done_on=dt.date(2026, 3, 1))]
    assert codes(plan(actions=done)) == []
    CheckRule.objects.filter(code="plan.too_many_actions").update(parameter=5)
    finding = evaluate(plan(actions=ten), today=timezone.localdate())[0]
    assert "10 actions" in finding.message and "at most 5" in finding.message


def test_an_outcome_that_is_not_measurable():
    content = plan(
        outcomes=[
            good_outcome(),
            good_outcome("o2", indicator=""),
            good_outcome("o3", target_date=None),
        ]
    )
    assert codes(content) == [("outcome.not_measurable", "o2"), ("outcome.not_measurable", "o3")]


def test_a_plan_with_no_outcomes():
    assert codes(plan(outcomes=[good_outcome(withdrawn=True)])) == [("plan.no_outcomes", PLAN)]


def test_contingency_missing():
    assert codes(plan(contingencies=[])) == [("contingency.missing", PLAN)]
    withdrawn = [good_contingency(withdrawn=True)]
    assert codes(plan(contingencies=withdrawn)) == [("contingency.missing", PLAN)]


def test_contingency_with_no_trigger_no_date_or_no_action():
    for change in ({"trigger": ""}, {"trigger_by": None}, {"action": ""}):
        content = plan(contingencies=[good_contingency(**change)])
        assert codes(content) == [("contingency.vague", "c1")], change
    message = evaluate(
        plan(contingencies=[good_contingency(trigger="", action="")]),
        today=timezone.localdate(),
    )[0].message
    assert "what would have to happen" in message and "what we will do then" in message


def test_actions_overdue_after_their_date():
    # Today is 10 March 2026: due on 9 March is overdue, due today is not.
    content = plan(
        actions=[
            good_action("a1", due_on=dt.date(2026, 3, 9)),
            good_action("a2", due_on=dt.date(2026, 3, 10)),
            good_action("a3", due_on=dt.date(2026, 2, 1), done_on=dt.date(2026, 2, 2)),
        ]
    )
    findings = evaluate(content, today=timezone.localdate())
    assert [(f.code, f.item) for f in findings] == [("action.overdue", "a1")]
    assert "9 March 2026" in findings[0].message and "1 day ago" in findings[0].message
    # With 7 days' grace, 9 March is not overdue yet; 2 March is.
    CheckRule.objects.filter(code="action.overdue").update(parameter=7)
    assert codes(content) == []
    assert codes(plan(actions=[good_action(due_on=dt.date(2026, 3, 2))])) == [
        ("action.overdue", "a1")
    ]


def test_a_rule_switched_off_or_for_the_other_kind_does_not_run():
    content = plan(actions=[good_action(has_owner=False)])
    CheckRule.objects.filter(code="action.no_owner").update(active=False)
    assert codes(content) == []
    CheckRule.objects.filter(code="action.no_owner").update(active=True, applies_to="cp")
    assert codes(content) == []
    assert codes(PlanContent("cp", content.outcomes, content.actions, content.contingencies)) == [
        ("action.no_owner", "a1")
    ]


def test_findings_most_serious_first():
    content = plan(actions=[good_action(measure="", has_owner=False)])
    assert [f.severity for f in evaluate(content, today=timezone.localdate())] == [
        "high",
        "medium",
    ]
