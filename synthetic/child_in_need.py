"""The children in need stage: for each child in need involvement the journey stage made (the
allocated children's episodes), the child in need plan — outcomes, actions, contingency, some
of them poor on purpose so that the quality checks have something to find — its reviews, its
visits as the journey's visit notes left them, the quality checks' findings, and the census
closure of the episodes that ended, as kinfold.plans and kinfold.child_in_need would have
written them, with `bulk_create`, nothing dated on or after `--today`.

Rates (checked by tests/synthetic/test_child_in_need_stage.py):

- a plan on every episode that lasted past its assessment: started 15-40 days after the
  episode opened (an episode stepped up to child protection had one 60% of the time, ended
  on the day of the step up; an episode that closed: its plan ended on the day it closed);
- outcomes 2-3, one in seven without an indicator or a target date; actions 3-7, each with
  an owner 88%, a date 88%, a measure 80%, done 60% once due; one plan in ten has 11-15
  actions, none done ("too many actions"); a contingency 85% of plans, 30% of those vague
  (no date or no trigger);
- reviews by the rule `cin.review` (3 months, then every 3 months): on time or early 70%,
  1-20 days late 20%, 25-60 days late 10%; the decision "continue" 70%, "change" 30%;
- the last visit (a visit note at which the child was seen, on or after the plan's start)
  and the next due by `cin.visit`;
- a closure (CINClosure) for each episode that ended other than by a step up, for its
  referral: RC7 (needs met, stepped down after a plan, declined), RC5 (moved out of the
  county), RC9 (stepped down with no plan), RC8 (closed after assessment with no plan);
- and a closure for each episode the front door closed at its assessment (children with no
  case-holding team): RC8 (no further action, needs met by universal services), RC9
  (stepped down to early help), RC5 (moved out of the county).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType

from kinfold.child_in_need.models import CINClosure, CINPlanReview
from kinfold.front_door.models import Referral
from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.people.models import Relationship
from kinfold.plans.models import Contingency, Plan, PlanAction, PlanOutcome
from kinfold.quality.checks import (
    ActionItem,
    ContingencyItem,
    OutcomeItem,
    PlanContent,
    evaluate,
)
from kinfold.quality.models import CheckRule
from kinfold.timescales.calendar import WorkingCalendar, due_at
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import Allocation

from .journey import local_zone
from .pipeline import Advance, Context

BATCH = 2000
ONE_DAY = dt.timedelta(days=1)
STEP_UP = "Stepped up to child protection"
PLAN_AT_STEP_UP = 0.6
TOO_MANY = 0.1
NOT_MEASURABLE = 0.15
OWNER, DATE, MEASURE = 0.88, 0.88, 0.8
DONE_WHEN_DUE = 0.6
CONTINGENCY, VAGUE = 0.85, 0.3
CLOSURE_OF_REASON = {
    "Needs met: closed to children's social care": "RC7",
    "Stepped down to early help": "RC7",
    "Family moved out of the county": "RC5",
    "Family declined further support": "RC7",
}
OUTCOMES = [
    ("attends school every day", "Attendance of 95% or more for a full term"),
    ("lives in a home that is warm, clean and safe", "Home conditions checklist met at 3 visits"),
    ("has their health needs met", "Dental and health checks up to date"),
    ("is cared for by parents free of alcohol misuse", "Negative tests for 3 months"),
    ("has a settled bedtime routine", "Parent's diary shows bedtime by 8pm 6 nights in 7"),
    ("says they feel safe at home", "Child says so in direct work at 3 visits running"),
]
ACTIONS = [
    ("Attend the parenting course", "Certificate of attendance"),
    ("Register with a dentist", "Appointment letter seen"),
    ("Meet the school attendance officer", "Meeting notes shared"),
    ("Refer to the substance misuse service", "Referral accepted"),
    ("Direct work sessions with the child", "Session notes on file"),
    ("Apply for a housing transfer", "Application reference given"),
    ("Health visitor developmental check", "Check recorded by health"),
    ("Take the child to the school bus each day", "Attendance register"),
    ("Speak to the GP about sleep", "GP letter"),
    ("Attend the young carers group", "Group attendance list"),
]
CONTINGENCIES = [
    ("School attendance is below 90% at the next review", "Strategy discussion"),
    ("The home conditions do not improve", "Consider a child protection conference"),
    ("Parents stop working with the plan", "Legal planning meeting"),
]
OWNER_ROLES = ("Mother", "Father", "Class teacher", "Health visitor", "GP", "School nurse")


def child_in_need_total(ctx: Context) -> int | None:
    return _journey_episodes().count()


def _journey_episodes():
    """The child in need involvements of allocated children (the journey stage's) with no plan
    yet."""
    return Involvement.objects.filter(
        stage="child_in_need",
        person__in=Allocation.objects.values("person_id"),
    ).exclude(pk__in=Plan.objects.filter(kind="cin").values("involvement_id"))


class _Stage:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("child_in_need")
        self.zone = local_zone()
        self.today = ctx.today
        self.last_day = ctx.today - ONE_DAY
        self.calendar = WorkingCalendar()
        self.review_rule = rule_for("cin.review", on=ctx.window_start)
        self.visit_rule = rule_for("cin.visit", on=ctx.window_start)
        self.rules = list(CheckRule.objects.all())
        self.plan_type = ContentType.objects.get_for_model(Plan)
        self.review_type = ContentType.objects.get_for_model(CINPlanReview)
        self.significant = {code: t.significant for code, t in EVENT_TYPES.items()}

    def due(self, rule, trigger: dt.date, repeat: bool) -> dt.date:
        value = due_at(rule, trigger, repeat=repeat and rule.repeats, calendar=self.calendar)
        return value.date() if isinstance(value, dt.datetime) else value

    def held(self, due: dt.date) -> dt.date:
        r = self.rng.random()
        if r < 0.7:
            return due - dt.timedelta(days=self.rng.randint(0, 10))
        if r < 0.9:
            return due + dt.timedelta(days=self.rng.randint(1, 20))
        return due + dt.timedelta(days=self.rng.randint(25, 60))

    def at(self, day: dt.date) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(self.rng.randint(9, 16)), tzinfo=self.zone)
        return min(moment, dt.datetime.combine(self.today, dt.time.min, tzinfo=self.zone) - ONE_DAY)

    def event(self, plan: Plan, type: str, day: dt.date, summary: str, **kw: Any) -> Event:
        return Event(
            person_id=plan.person_id,
            involvement_id=plan.involvement_id,
            type=type,
            occurred_at=dt.datetime.combine(day, dt.time.min, tzinfo=self.zone),
            date_only=True,
            summary=summary[:500],
            significant=self.significant[type],
            recorded_at=self.at(day),
            **kw,
        )

    # ---- one batch -------------------------------------------------------------------------

    def run(self, rows: list[tuple]) -> None:
        people = {r[1] for r in rows}
        workers = dict(
            Allocation.objects.filter(person_id__in=people, end_date__isnull=True)
            .order_by("person_id", "start_date")
            .values_list("person_id", "worker_id")
        )
        family: dict[int, list[int]] = {}
        for child, relative in Relationship.objects.filter(other_id__in=people).values_list(
            "other_id", "person_id"
        ):
            family.setdefault(child, []).append(relative)
        referrals = dict(
            Referral.objects.filter(involvement_id__in=[r[0] for r in rows])
            .order_by("-referral_date", "-pk")
            .values_list("involvement_id", "pk")
        )
        made: list[tuple[Plan, list, list, list]] = []
        closures: list[CINClosure] = []
        for inv, person, _team, started, ended, reason, manager in rows:
            owner = workers.get(person) or manager
            plan = self.plan(inv, person, started, ended, reason, owner)
            if plan is not None:
                content = self.content(plan, owner, family.get(person, []))
                made.append((plan, *content))
            if ended and reason != STEP_UP and inv in referrals:
                code = CLOSURE_OF_REASON.get(reason, "RC7")
                if plan is None:
                    code = "RC9" if reason == "Stepped down to early help" else "RC8"
                closures.append(
                    CINClosure(
                        referral_id=referrals[inv],
                        person_id=person,
                        involvement_id=inv,
                        closed_on=ended,
                        reason=code,
                        note=reason,
                        recorded_by_id=manager or owner,
                        recorded_at=self.at(ended),
                    )
                )
        self.visits([m[0] for m in made])
        self.write(made, [c for c in closures if c.recorded_by_id])

    def plan(self, inv, person, started, ended, reason, owner) -> Plan | None:
        rng = self.rng
        if ended and reason == STEP_UP and rng.random() >= PLAN_AT_STEP_UP:
            return None
        start = started + dt.timedelta(days=rng.randint(15, 40))
        if start > self.last_day or (ended and start >= ended) or owner is None:
            return None
        plan = Plan(
            person_id=person,
            involvement_id=inv,
            kind="cin",
            started_on=start,
            ended_on=ended,
            end_reason=(reason or "")[:300] if ended else "",
            owner_id=owner,
            created_by_id=owner,
            recorded_at=self.at(start),
            visit_from=start,
            review_from=start,
        )
        # Reviews until the plan ended (or today).
        until = ended or self.today
        due = self.due(self.review_rule, start, repeat=False)
        plan._reviews = []  # type: ignore[attr-defined]
        while True:
            held = max(self.held(due), plan.review_from or start)
            if held >= until or held > self.last_day:
                break
            next_due = self.due(self.review_rule, held, repeat=True)
            plan._reviews.append((held, due, next_due))  # type: ignore[attr-defined]
            plan.last_review_on = plan.review_from = held
            due = next_due
        plan.next_review_due_on = None if ended else due
        plan.version = 1 + len(plan._reviews) + (1 if ended else 0)  # type: ignore[attr-defined]
        return plan

    def content(self, plan: Plan, owner: int, relatives: list[int]) -> tuple[list, list, list]:
        rng = self.rng
        start = plan.started_on
        outcomes = []
        for text, indicator in rng.sample(OUTCOMES, rng.randint(2, 3)):
            poor = rng.random() < NOT_MEASURABLE
            outcomes.append(
                PlanOutcome(
                    text=f"The child {text}",
                    indicator="" if poor and rng.random() < 0.5 else indicator,
                    target_date=None
                    if poor and rng.random() < 0.6
                    else start + dt.timedelta(days=rng.randint(60, 180)),
                )
            )
        long = rng.random() < TOO_MANY
        n = rng.randint(11, 15) if long else rng.randint(3, 7)
        actions = []
        for i in range(n):
            what, measure = ACTIONS[i % len(ACTIONS)]
            due = start + dt.timedelta(days=rng.randint(14, 120)) if rng.random() < DATE else None
            done = None
            # A plan with too many actions is not followed: its actions stay open.
            if (
                not long
                and due
                and due < min(plan.ended_on or self.today, self.today)
                and rng.random() < (DONE_WHEN_DUE)
            ):
                done = min(due + dt.timedelta(days=rng.randint(-7, 10)), self.last_day)
                done = max(done, start)
            who: dict[str, Any] = {}
            if rng.random() < OWNER:
                r = rng.random()
                if r < 0.4:
                    who["owner_worker_id"] = owner
                elif r < 0.7 and relatives:
                    who["owner_person_id"] = rng.choice(relatives)
                else:
                    who["owner_text"] = rng.choice(OWNER_ROLES)
            actions.append(
                PlanAction(
                    what=what if i < len(ACTIONS) else f"{what} (again)",
                    due_on=due,
                    measure=measure if rng.random() < MEASURE else "",
                    done_on=done,
                    done_note="Done" if done else "",
                    order=i + 1,
                    **who,
                )
            )
        contingencies = []
        if rng.random() < CONTINGENCY:
            trigger, action = rng.choice(CONTINGENCIES)
            vague = rng.random() < VAGUE
            contingencies.append(
                Contingency(
                    trigger="" if vague and rng.random() < 0.4 else trigger,
                    trigger_by=None if vague else start + dt.timedelta(days=rng.randint(60, 120)),
                    action=action,
                )
            )
        for i, o in enumerate(outcomes):
            o.order = i + 1
        return outcomes, actions, contingencies

    def visits(self, plans: list[Plan]) -> None:
        """The last visit at which the child was seen since each open plan started."""
        open_plans = {p.person_id: p for p in plans if p.ended_on is None}
        if not open_plans:
            return
        earliest = min(p.started_on for p in open_plans.values())
        since = dt.datetime.combine(earliest, dt.time.min, tzinfo=self.zone)
        last: dict[int, dt.date] = {}
        for person, at in CaseNote.objects.filter(
            person_id__in=open_plans,
            type__in=VISIT_TYPES,
            child_seen=True,
            occurred_at__gte=since,
        ).values_list("person_id", "occurred_at"):
            day = at.astimezone(self.zone).date()
            if day >= open_plans[person].started_on and day > last.get(person, dt.date.min):
                last[person] = day
        for person, plan in open_plans.items():
            seen = last.get(person)
            plan.last_visit_on = seen
            plan.visit_from = seen or plan.started_on
            plan.next_visit_due_on = self.due(self.visit_rule, plan.visit_from, seen is not None)

    def write(self, made: list[tuple[Plan, list, list, list]], closures: list[CINClosure]) -> None:
        ctx = self.ctx
        for plan, outcomes, actions, contingencies in made:
            findings = evaluate(
                PlanContent(
                    "cin",
                    [
                        OutcomeItem(f"o{i}", o.text, o.indicator, o.target_date)
                        for i, o in enumerate(outcomes)
                    ],
                    [
                        ActionItem(
                            f"a{i}",
                            a.what,
                            bool(a.owner_worker_id or a.owner_person_id or a.owner_text),
                            a.due_on,
                            a.measure,
                            a.done_on,
                        )
                        for i, a in enumerate(actions)
                    ],
                    [
                        ContingencyItem(f"c{i}", c.trigger, c.trigger_by, c.action)
                        for i, c in enumerate(contingencies)
                    ],
                ),
                today=min(plan.ended_on or self.today, self.today),
                rules=self.rules,
            )
            plan.flags = [f.as_json() for f in findings]
            plan.flag_count = len(findings)
        ctx.bulk(Plan, [m[0] for m in made])
        for plan, outcomes, actions, contingencies in made:
            for row in (*outcomes, *actions, *contingencies):
                row.plan_id = plan.pk
        ctx.bulk(PlanOutcome, [o for m in made for o in m[1]])
        ctx.bulk(PlanAction, [a for m in made for a in m[2]])
        ctx.bulk(Contingency, [c for m in made for c in m[3]])
        reviews: list[CINPlanReview] = []
        events: list[Event] = []
        for plan, outcomes, actions, contingencies in made:
            names = {
                **{f"o{i}": f"outcome:{o.pk}" for i, o in enumerate(outcomes)},
                **{f"a{i}": f"action:{a.pk}" for i, a in enumerate(actions)},
                **{f"c{i}": f"contingency:{c.pk}" for i, c in enumerate(contingencies)},
            }
            plan.flags = [{**f, "item": names.get(f["item"], f["item"])} for f in plan.flags]
            events.append(
                self.event(
                    plan,
                    "plan.started",
                    plan.started_on,
                    "Child in need plan",
                    subject_type=self.plan_type,
                    subject_id=plan.pk,
                    recorded_by_id=plan.owner_id,
                    detail={"plan": plan.pk, "kind": "cin", "category": ""},
                )
            )
            for held, was_due, next_due in plan._reviews:  # type: ignore[attr-defined]
                decision = "continue" if self.rng.random() < 0.7 else "change"
                reviews.append(
                    CINPlanReview(
                        plan_id=plan.pk,
                        held_on=held,
                        was_due_on=was_due,
                        attendees="Parent; social worker; school; health visitor",
                        child_views="Spoke about school and home in direct work",
                        family_views="Parents agreed the plan is helping",
                        progress="Progress on most actions; some still to do",
                        decision=decision,
                        next_review_due_on=next_due,
                        recorded_by_id=plan.owner_id,
                        recorded_at=self.at(held),
                    )
                )
            if plan.ended_on:
                events.append(
                    self.event(
                        plan,
                        "plan.ended",
                        plan.ended_on,
                        f"Child in need plan ended: {plan.end_reason}",
                        subject_type=self.plan_type,
                        subject_id=plan.pk,
                        recorded_by_id=plan.owner_id,
                        detail={"plan": plan.pk, "reason": plan.end_reason},
                    )
                )
        Plan.objects.bulk_update([m[0] for m in made], ["flags"], batch_size=1000)
        ctx.bulk(CINPlanReview, reviews)
        by_plan = {p.pk: p for p, *_ in made}
        for r in reviews:
            plan = by_plan[r.plan_id]
            label = "Continue the plan" if r.decision == "continue" else "Continue, with changes"
            events.append(
                self.event(
                    plan,
                    "cin.review_held",
                    r.held_on,
                    f"Child in need review: {label}",
                    subject_type=self.review_type,
                    subject_id=r.pk,
                    recorded_by_id=plan.owner_id,
                    detail={"plan": plan.pk, "decision": r.decision, "late": r.late},
                )
            )
        ctx.bulk(Event, events)
        ctx.bulk(CINClosure, closures)


# The front door's episodes that closed at their assessment: the census reason of each end.
CLOSURE_AFTER_ASSESSMENT = {
    "Assessment completed: no further action": "RC8",
    "Assessment completed: needs met by universal services": "RC8",
    "Assessment completed: stepped down to early help": "RC9",
    "Family moved out of the county": "RC5",
}


def _closures_after_assessment(ctx: Context) -> None:
    """The census closure of each episode the front door closed at its assessment (the
    children not allocated to a case-holding team): closed by the assessment team's manager
    on the day the involvement ended, with the reason its end gives."""
    rng = ctx.rng("child_in_need.closures")
    zone = local_zone()
    stepped = Involvement.objects.filter(stepped_from__isnull=False).values("stepped_from_id")
    rows = (
        Involvement.objects.filter(stage="child_in_need", ended_on__isnull=False)
        .exclude(pk__in=stepped)
        .exclude(pk__in=CINClosure.objects.values("involvement_id"))
        .values_list("pk", "person_id", "ended_on", "end_reason", "closed_by_id")
        .order_by("pk")
    )
    referrals: dict[int, int] = {}
    for involvement, referral in (
        Referral.objects.exclude(pk__in=CINClosure.objects.values("referral_id"))
        .order_by("-referral_date", "-pk")
        .values_list("involvement_id", "pk")
    ):
        referrals[involvement] = referral
    closures = []
    for inv, person, ended, reason, by in rows:
        if inv not in referrals or by is None or ended >= ctx.today:
            continue
        at = dt.datetime.combine(ended, dt.time(rng.randint(10, 16)), tzinfo=zone)
        closures.append(
            CINClosure(
                referral_id=referrals[inv],
                person_id=person,
                involvement_id=inv,
                closed_on=ended,
                reason=CLOSURE_AFTER_ASSESSMENT.get(reason, "RC8"),
                note=reason,
                recorded_by_id=by,
                recorded_at=at,
            )
        )
    ctx.bulk(CINClosure, closures)


def build_child_in_need(ctx: Context, advance: Advance) -> None:
    """Give every child in need involvement of the journey its plan, reviews and closure, and
    every episode the front door closed at its assessment its closure."""
    stage = _Stage(ctx)
    last = 0
    while True:
        rows = list(
            _journey_episodes()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "person_id", "team_id", "started_on", "ended_on", "end_reason", "opened_by_id"
            )[:BATCH]
        )
        if not rows:
            break
        stage.run(rows)
        last = rows[-1][0]
        advance(len(rows))
    _closures_after_assessment(ctx)
