"""The evaluation of the plan-quality checks: a registry of check functions keyed by the
rule's code (the rules themselves — parameter, severity, whether they run — are rows of
`CheckRule`).

A check reads a plan's content as plain data (`PlanContent`): the saved plan
(`content_of(plan)`) or what a worker is typing on the plan's page, before it is saved, so the
checks run as the plan is written. Each returns its findings: the rule, the message, and the
key of the item it concerns ("plan" for the plan as a whole). Withdrawn items are not checked;
an action that is done is not overdue and does not count as live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from .models import CheckRule

PLAN = "plan"


@dataclass(frozen=True)
class OutcomeItem:
    key: str
    text: str = ""
    indicator: str = ""
    target_date: dt.date | None = None
    achieved_on: dt.date | None = None
    withdrawn: bool = False


@dataclass(frozen=True)
class ActionItem:
    key: str
    what: str = ""
    has_owner: bool = False
    due_on: dt.date | None = None
    measure: str = ""
    done_on: dt.date | None = None
    withdrawn: bool = False

    @property
    def live(self) -> bool:
        return not self.withdrawn and self.done_on is None


@dataclass(frozen=True)
class ContingencyItem:
    key: str
    trigger: str = ""
    trigger_by: dt.date | None = None
    action: str = ""
    withdrawn: bool = False


@dataclass(frozen=True)
class PlanContent:
    kind: str  # "cp" or "cin"
    outcomes: list[OutcomeItem] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    contingencies: list[ContingencyItem] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    message: str
    item: str  # an item's key, or PLAN
    severity: str

    def as_json(self) -> dict:
        return asdict(self)


Check = Callable[[PlanContent, CheckRule, dt.date], list[Finding]]
CHECKS: dict[str, Check] = {}


def check(code: str) -> Callable[[Check], Check]:
    """Register the function that evaluates the rule `code`."""

    def register(fn: Check) -> Check:
        if code in CHECKS and CHECKS[code] is not fn:
            raise ValueError(f"A check for {code!r} is already registered")
        CHECKS[code] = fn
        return fn

    return register


def _finding(rule: CheckRule, message: str, item: str) -> Finding:
    return Finding(rule.code, rule.title, message, item, rule.severity)


def _short(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _action_name(a: ActionItem) -> str:
    return f"The action '{_short(a.what)}'" if a.what.strip() else "An action"


def _kept(items: Iterable):
    return [i for i in items if not i.withdrawn]


# ---- actions --------------------------------------------------------------------------------


@check("action.no_owner")
def action_no_owner(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    return [
        _finding(rule, f"{_action_name(a)} does not say who will do it", a.key)
        for a in _kept(content.actions)
        if not a.has_owner
    ]


@check("action.no_date")
def action_no_date(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    return [
        _finding(rule, f"{_action_name(a)} does not say by when", a.key)
        for a in _kept(content.actions)
        if a.due_on is None
    ]


@check("action.no_measure")
def action_no_measure(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    return [
        _finding(rule, f"{_action_name(a)} does not say how we will know it is done", a.key)
        for a in _kept(content.actions)
        if not a.measure.strip()
    ]


@check("action.overdue")
def action_overdue(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    """Live actions whose date passed more than the rule's days ago (0: the day after)."""
    grace = dt.timedelta(days=rule.parameter or 0)
    found = []
    for a in content.actions:
        if a.live and a.due_on is not None and a.due_on + grace < today:
            late = (today - a.due_on).days
            found.append(
                _finding(
                    rule,
                    f"{_action_name(a)} was due on {a.due_on:%-d %B %Y} and is not done "
                    f"({late} day{'s' if late != 1 else ''} ago)",
                    a.key,
                )
            )
    return found


@check("plan.too_many_actions")
def too_many_actions(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    limit = rule.parameter or 0
    live = sum(1 for a in content.actions if a.live)
    if limit and live > limit:
        return [
            _finding(
                rule,
                f"The plan has {live} actions still to do: at most {limit}, so that it stays "
                "focused on the risks and can be followed by the family",
                PLAN,
            )
        ]
    return []


# ---- outcomes -------------------------------------------------------------------------------


@check("plan.no_outcomes")
def no_outcomes(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    if not _kept(content.outcomes):
        return [_finding(rule, "The plan does not say what should change for the child", PLAN)]
    return []


@check("outcome.not_measurable")
def outcome_not_measurable(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    found = []
    for o in _kept(content.outcomes):
        missing = []
        if not o.indicator.strip():
            missing.append("how we will know it has been achieved")
        if o.target_date is None:
            missing.append("by when")
        if missing:
            name = f"The outcome '{_short(o.text)}'" if o.text.strip() else "An outcome"
            found.append(_finding(rule, f"{name} does not say {' or '.join(missing)}", o.key))
    return found


# ---- contingency ----------------------------------------------------------------------------


@check("contingency.missing")
def contingency_missing(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    if not _kept(content.contingencies):
        return [
            _finding(rule, "The plan does not say what will happen if things do not change", PLAN)
        ]
    return []


@check("contingency.vague")
def contingency_vague(content: PlanContent, rule: CheckRule, today: dt.date) -> list[Finding]:
    found = []
    for c in _kept(content.contingencies):
        missing = []
        if not c.trigger.strip():
            missing.append("what would have to happen")
        if c.trigger_by is None:
            missing.append("by when")
        if not c.action.strip():
            missing.append("what we will do then")
        if missing:
            found.append(
                _finding(rule, f"The contingency does not say {', or '.join(missing)}", c.key)
            )
    return found


# ---- running them ---------------------------------------------------------------------------


def rules_for(kind: str, rules: Iterable[CheckRule] | None = None) -> list[CheckRule]:
    """The active rules that apply to a kind of plan (all rules are read once when not given)."""
    if rules is None:
        rules = CheckRule.objects.filter(active=True)
    return [r for r in rules if r.active and r.applies(kind) and r.code in CHECKS]


def evaluate(
    content: PlanContent, *, today: dt.date, rules: Iterable[CheckRule] | None = None
) -> list[Finding]:
    """Every finding of the active rules on a plan's content, most severe first."""
    found: list[Finding] = []
    for rule in rules_for(content.kind, rules):
        found.extend(CHECKS[rule.code](content, rule, today))
    order = {"high": 0, "medium": 1}
    return sorted(found, key=lambda f: (order.get(f.severity, 2), f.item != PLAN))


def by_item(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in findings:
        grouped.setdefault(f.item, []).append(f)
    return grouped


def content_of(plan) -> PlanContent:
    """A saved plan's content (the plan's outcomes, actions and contingencies; prefetch them
    when checking many plans). Item keys: "outcome:<id>", "action:<id>", "contingency:<id>"."""
    return PlanContent(
        kind=plan.kind,
        outcomes=[
            OutcomeItem(
                key=f"outcome:{o.pk}",
                text=o.text,
                indicator=o.indicator,
                target_date=o.target_date,
                achieved_on=o.achieved_on,
                withdrawn=bool(o.withdrawn_reason),
            )
            for o in plan.outcomes.all()
        ],
        actions=[
            ActionItem(
                key=f"action:{a.pk}",
                what=a.what,
                has_owner=a.has_owner,
                due_on=a.due_on,
                measure=a.measure,
                done_on=a.done_on,
                withdrawn=bool(a.withdrawn_reason),
            )
            for a in plan.actions.all()
        ],
        contingencies=[
            ContingencyItem(
                key=f"contingency:{c.pk}",
                trigger=c.trigger,
                trigger_by=c.trigger_by,
                action=c.action,
                withdrawn=bool(c.withdrawn_reason),
            )
            for c in plan.contingencies.all()
        ],
    )
