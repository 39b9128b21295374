"""The child protection stage: for every child protection involvement the journey stage made,
the strategy discussion, the section 47 enquiry, the initial conference (ICPC) and the plan —
its outcomes, actions and contingency — with its core groups and review conferences, as
kinfold.child_protection.services and kinfold.plans.services would have written them; and for
some children in need, a strategy discussion and enquiry that led to no plan (or is still
open). With `bulk_create`; nothing dated on or after `--today`.

Rates (seed 000, the inadequate child protection inspection; checked by
tests/synthetic/test_child_protection_stage.py):

- one plan per child protection involvement: it starts on the involvement's first day (the
  ICPC) and ends when the involvement ends (with its reason); the ICPC is the step up from the
  child in need involvement it was stepped from, when there is one;
- the strategy discussion 5-15 working days before the ICPC, 15% of ICPCs late (16-30
  working days after it); police and health always took part, education often;
- the enquiry starts on the discussion's day (or the next working day), its outcome recorded
  before the ICPC: concerns substantiated, ICPC needed;
- category: neglect 48%, emotional abuse 36%, physical 8%, sexual 4%, multiple 4%;
- plans: 2-4 outcomes (a third with no measure), 3-7 actions; deliberately poor plans (seed
  000: "too many actions", "no measurable outcomes", "vague contingency plans"): 15% with 14-22
  actions, actions with no owner (10%), no date (15%) or no measure (25%), and a vague
  contingency (no trigger date, no action) in 35%;
- core groups: first 10 working days after the ICPC, then every 6 weeks; held on time 75%,
  late 1-10 days 15%, missed 10% (no record; the next one weeks later), progress recorded on
  each live action, some actions done;
- review conferences: 3 months after the ICPC, then every 6 months; late (1-20 days) 15%; the
  category changes at 5% of them;
- for 8% of open children in need not on a plan: a strategy discussion and enquiry with no
  plan (not substantiated, or substantiated with no continuing risk); a quarter of those
  begun in the last month still open without an outcome, some with an ICPC due;
- of all the strategy discussions made: 8% with police protection (section 46), starting the
  day of the discussion or the day before and lasting 1-3 days, and 2% with an emergency
  protection order (section 44) made by a named family court, starting on the discussion's
  day or the next working day and lasting 2-8 days; on the discussion's involvement, with the
  event the service writes; one that would still be running on --today has no end date yet;
  none for a child not born by its first day (a separate random stream: the other rows are
  as they were without it).

Visits are the journey stage's notes: the plan's stored last visit (child seen) and next due
come from them (rule cp.visit).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, OuterRef

from kinfold.child_protection.codes import ProtectionKind, S47Outcome
from kinfold.child_protection.models import (
    ActionReview,
    ConferenceAttendee,
    CoreGroup,
    CPPlanSchedule,
    EmergencyProtection,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyParticipant,
)
from kinfold.child_protection.services import protection_detail, protection_summary
from kinfold.front_door.codes import AgencyKind
from kinfold.front_door.models import PartnerOrganisation
from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.people.models import Person
from kinfold.plans import services as _plan_services  # noqa: F401 - registers plan.started
from kinfold.plans.models import Contingency, Plan, PlanAction, PlanOutcome
from kinfold.timescales.calendar import WorkingCalendar, due_at
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import Allocation, AllocationRole, Role, UnitFunction, Worker

from .journey import local_zone
from .pipeline import Advance, Context

BATCH = 1000
S47_OUTCOMES = S47Outcome.choices
ONE_DAY = dt.timedelta(days=1)
LATE_ICPC = 0.15
CATEGORIES = (("NEG", 0.48), ("EMO", 0.36), ("PHY", 0.08), ("SAB", 0.04), ("MUL", 0.04))
POOR_TOO_MANY = 0.15
VAGUE_CONTINGENCY = 0.35
CORE_GROUP_ON_TIME, CORE_GROUP_LATE = 0.75, 0.15  # the rest: missed
LATE_REVIEW = 0.15
CIN_ENQUIRY_SHARE = 0.08
POLICE_PROTECTION, PROTECTION_ORDER = 0.08, 0.02  # of the strategy discussions
COURTS = ("Fenchester Family Court", "Huntsford Family Court", "Saxonbridge Family Court")
PROTECTION_CIRCUMSTANCES = {
    ProtectionKind.POLICE: (
        "Police attended a domestic abuse call-out late at night; both parents intoxicated "
        "and the child alone upstairs. Removed to foster carers under police protection.",
        "Child found wandering near the main road in the early hours; no adult at home. "
        "Taken into police protection and placed with an emergency foster carer.",
        "Child told police she was afraid to go home after being hit; police protection "
        "used while the strategy discussion was held; she stayed with her grandmother.",
    ),
    ProtectionKind.EPO: (
        "Mother refused to let the social worker or health see the baby after an injury was "
        "reported; the court made an emergency protection order for a medical examination.",
        "Father threatened to remove the children abroad during the enquiry; order made to "
        "keep them in their foster placement.",
    ),
}
OUTCOMES = (
    ("{name} is safe from physical harm at home", "No new injuries; {name} says home is safe"),
    ("{name} goes to school every day, clean and fed", "Attendance above 95% each half-term"),
    ("{name} lives free from domestic abuse", "No police call-outs; mum's safety plan in place"),
    ("Mum's drinking no longer affects {name}'s care", "Negative tests for 3 months"),
    ("{name}'s health needs are met", "Dental and health appointments all attended"),
    ("{name} feels listened to and safe", ""),
    ("Things get better at home", ""),
)
ACTIONS = (
    ("Complete the Freedom programme", "Mum", True),
    ("Unannounced visits every 10 working days, {name} seen alone", "Social worker", True),
    ("Attend alcohol service appointments and test monthly", "Mum", True),
    ("Health visitor to check growth and development", "Health visitor", True),
    ("School to monitor attendance and report weekly", "School", True),
    ("Dad to attend the perpetrator programme", "Dad", True),
    ("Parenting assessment", "Social worker", True),
    ("Direct work with {name} about worries", "Social worker", True),
    ("Support the family", "", False),
    ("Keep things under review", "", False),
)
GOOD_CONTINGENCY = (
    "Mum tests positive for alcohol or misses two appointments",
    "A further police call-out for domestic abuse",
    "School attendance below 85% for a half-term",
)
CONTINGENCY_ACTIONS = (
    "Legal planning meeting to consider pre-proceedings (PLO)",
    "Strategy discussion the same day; consider whether {name} is safe at home",
)
PROGRESS = (
    ("Good progress; evidence seen at the visit.", "on_track"),
    ("Started; first sessions attended.", "on_track"),
    ("Not started: waiting list.", "not_on_track"),
    ("Missed appointments since the last meeting.", "not_on_track"),
    ("Completed.", "done"),
)
ROLES = {
    "police": ("Detective constable", "Police sergeant, child abuse investigation"),
    "health": ("Named nurse for safeguarding", "Health visitor", "School nurse"),
    "education": ("Designated safeguarding lead", "Head teacher"),
}


def child_protection_total(ctx: Context) -> int | None:
    return _without_plan().count()


def _without_plan():
    has = Plan.objects.filter(involvement=OuterRef("pk"))
    return Involvement.objects.filter(stage="child_protection").filter(~Exists(has))


@dataclass
class _Batch:
    """One batch's rows, written in dependency order by `flush`."""

    discussions: list[StrategyDiscussion] = field(default_factory=list)
    participants: list[tuple[StrategyDiscussion, StrategyParticipant]] = field(default_factory=list)
    enquiries: list[tuple[StrategyDiscussion, Section47Enquiry]] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    outcomes: list[tuple[Plan, PlanOutcome]] = field(default_factory=list)
    actions: list[tuple[Plan, PlanAction]] = field(default_factory=list)
    contingencies: list[tuple[Plan, Contingency]] = field(default_factory=list)
    conferences: list[tuple[Section47Enquiry, Plan, InitialConference]] = field(
        default_factory=list
    )
    attendees: list[tuple[Any, ConferenceAttendee]] = field(default_factory=list)
    schedules: list[tuple[Plan, InitialConference, CPPlanSchedule]] = field(default_factory=list)
    core_groups: list[tuple[Plan, CoreGroup, list[tuple[PlanAction, str, str]]]] = field(
        default_factory=list
    )
    reviews: list[tuple[Plan, ReviewConference]] = field(default_factory=list)
    protections: list[tuple[StrategyDiscussion, EmergencyProtection]] = field(default_factory=list)
    events: list[tuple[Any, Event]] = field(default_factory=list)


def _pick_weighted(rng: random.Random, pairs) -> str:
    r, total = rng.random(), 0.0
    for value, weight in pairs:
        total += weight
        if r < total:
            return value
    return pairs[0][0]


class _Stage:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng("child_protection")
        # Its own stream, so that adding protection left every other row as it was.
        self.protection_rng: random.Random = ctx.rng("child_protection:protection")
        self.today = ctx.today
        self.zone = local_zone()
        self.calendar = WorkingCalendar()
        self.rules = {
            code: rule_for(code, on=dt.date(2000, 1, 1))
            for code in ("s47.icpc", "cp.core_group", "cp.review_conference", "cp.visit")
        }
        chairs = Worker.objects.filter(
            role=Role.IRO, memberships__unit__function=UnitFunction.SAFEGUARDING_REVIEWING
        )
        self.chairs = sorted(set(chairs.values_list("pk", flat=True)))
        self.partners = {
            kind: PartnerOrganisation.objects.filter(kind=kind).order_by("pk").first()
            for kind in (AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION)
        }
        self.significant = {code: t.significant for code, t in EVENT_TYPES.items()}
        self.types = {
            m: ContentType.objects.get_for_model(m)
            for m in (
                StrategyDiscussion,
                Section47Enquiry,
                InitialConference,
                Plan,
                CoreGroup,
                ReviewConference,
                EmergencyProtection,
            )
        }

    # ---- dates ---------------------------------------------------------------------------

    def back(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day -= ONE_DAY
            if self.calendar.is_working_day(day):
                n -= 1
        return day

    def due(self, code: str, day: dt.date, repeat: bool = False) -> dt.date:
        value = due_at(self.rules[code], day, repeat=repeat, calendar=self.calendar)
        assert isinstance(value, dt.date)
        return value

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.zone)

    def midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.zone)

    def recorded(self, day: dt.date) -> dt.datetime:
        later = min(day + dt.timedelta(days=self.rng.choice((0, 0, 0, 1, 2))), self.last_day)
        return self.at(later, self.rng.randrange(600, 1080, 5))

    @property
    def last_day(self) -> dt.date:
        return self.today - ONE_DAY

    def event(self, b: _Batch, subject, kind: str, person: int, inv: int | None, **fields) -> None:
        when = fields.pop("when")
        moment = when if isinstance(when, dt.datetime) else self.midnight(when)
        b.events.append(
            (
                subject,
                Event(
                    person_id=person,
                    involvement_id=inv,
                    type=kind,
                    occurred_at=moment,
                    date_only=not isinstance(when, dt.datetime),
                    significant=self.significant[kind],
                    subject_type=self.types[type(subject)],
                    **fields,
                ),
            )
        )

    # ---- one child's strategy discussion and enquiry -----------------------------------------

    def discussion(
        self, b: _Batch, person: int, inv: int, day: dt.date, worker: int | None, *, s47: bool
    ) -> StrategyDiscussion:
        rng = self.rng
        held_at = self.at(day, rng.randrange(540, 1020, 15))
        row = StrategyDiscussion(
            person_id=person,
            involvement_id=inv,
            held_at=held_at,
            type=rng.choice(("discussion", "discussion", "meeting")),
            information=rng.choice(
                (
                    "School reported bruising to the arm; police hold two domestic abuse "
                    "call-outs at the address this year; health visitor notes missed checks.",
                    "Disclosure to a teacher of being hit with a belt; police attended; GP "
                    "records an earlier injury.",
                    "Home conditions very poor on a visit; children hungry; health notes "
                    "missed immunisations and a dental referral not taken up.",
                )
            ),
            s47_decided=s47,
            other_actions="Police to speak to the parents; child protection medical."
            if s47
            else "Single assessment to continue.",
            reasons="Reasonable cause to suspect significant harm."
            if s47
            else "No reasonable cause to suspect significant harm; needs met by assessment.",
            recorded_by_id=worker or self.chairs[0],
            recorded_at=self.recorded(day),
        )
        b.discussions.append(row)
        agencies = [("social_care", None), ("police", AgencyKind.POLICE)]
        agencies.append(("health", AgencyKind.HEALTH))
        if rng.random() < 0.6:
            agencies.append(("education", AgencyKind.EDUCATION))
        for agency, kind in agencies:
            names = ROLES.get(agency, ("Social worker",))
            b.participants.append(
                (
                    row,
                    StrategyParticipant(
                        agency=agency,
                        organisation=self.partners.get(kind) if kind else None,
                        worker_id=worker if agency == "social_care" else None,
                        name=rng.choice(("A. Khan", "J. Morris", "S. Evans", "P. Nowak", "R. Ali")),
                        role=rng.choice(names),
                    ),
                )
            )
        self.event(
            b,
            row,
            "strategy_discussion.held",
            person,
            inv,
            when=held_at,
            summary=f"{row.get_type_display()} with "
            + ", ".join(sorted({a for a, _ in agencies}))
            + (": section 47 enquiry to start" if s47 else ": no section 47 enquiry"),
            detail={"s47": s47, "agencies": sorted({a for a, _ in agencies})},
            recorded_by_id=row.recorded_by_id,
            recorded_at=row.recorded_at,
        )
        self.protection(b, row, day)
        return row

    def protection(self, b: _Batch, discussion: StrategyDiscussion, day: dt.date) -> None:
        """Police protection the day of the discussion or the day before (1-3 days), or an
        emergency protection order from its day or the next working day (2-8 days)."""
        rng = self.protection_rng
        r = rng.random()
        if r < POLICE_PROTECTION:
            kind, court = ProtectionKind.POLICE, ""
            start = day - dt.timedelta(days=rng.choice((0, 1)))
            end = start + dt.timedelta(days=rng.randint(1, 3))
        elif r < POLICE_PROTECTION + PROTECTION_ORDER:
            kind, court = ProtectionKind.EPO, rng.choice(COURTS)
            start = day if rng.random() < 0.5 else self.calendar.next_working_day(day)
            start = min(start, self.last_day)
            end = start + dt.timedelta(days=rng.randint(2, 8))
        else:
            return
        recorded_on = min(start + dt.timedelta(days=rng.choice((0, 0, 1))), self.last_day)
        b.protections.append(
            (
                discussion,
                EmergencyProtection(
                    person_id=discussion.person_id,
                    involvement_id=discussion.involvement_id,
                    kind=kind,
                    started_on=start,
                    ended_on=end if end <= self.last_day else None,  # still running
                    court=court,
                    circumstances=rng.choice(PROTECTION_CIRCUMSTANCES[kind]),
                    recorded_by_id=discussion.recorded_by_id,
                    recorded_at=self.at(recorded_on, rng.randrange(600, 1080, 5)),
                ),
            )
        )

    def _protections(self, b: _Batch) -> None:
        """Write the batch's protections (not for a child unborn on its first day), each with
        the event record_emergency_protection writes."""
        born = dict(
            Person.objects.filter(pk__in={p.person_id for _, p in b.protections}).values_list(
                "pk", "date_of_birth"
            )
        )
        rows = []
        for discussion, p in b.protections:
            birth = born.get(p.person_id)
            if birth is None or p.started_on < birth:
                continue
            p.discussion_id = discussion.pk
            rows.append(p)
        self.ctx.bulk(EmergencyProtection, rows)
        for p in rows:
            self.event(
                b,
                p,
                "emergency_protection.started",
                p.person_id,
                p.involvement_id,
                when=p.started_on,
                summary=protection_summary(p.kind, p.started_on, p.ended_on, p.court),
                detail=protection_detail(p.kind, p.ended_on, p.court, p.discussion_id),
                recorded_by_id=p.recorded_by_id,
                recorded_at=p.recorded_at,
            )

    def enquiry(
        self,
        b: _Batch,
        discussion: StrategyDiscussion,
        team: int | None,
        worker: int | None,
        *,
        completed: dt.date | None,
        outcome: str,
        icpc_needed: bool | None,
    ) -> Section47Enquiry:
        day = discussion.held_at.date()
        started = day if self.rng.random() < 0.8 else self.calendar.next_working_day(day)
        started = min(started, self.last_day)
        if completed is not None:
            completed = max(completed, started)
        due = self.due("s47.icpc", day)
        row = Section47Enquiry(
            person_id=discussion.person_id,
            discussion_on=day,
            team_id=team,
            social_worker_id=worker,
            started_on=started,
            outcome=outcome if completed else "",
            icpc_needed=icpc_needed if completed else None,
            findings="Child seen and spoken to alone; parents' accounts inconsistent."
            if completed
            else "",
            completed_on=completed,
            icpc_due_on=due if (completed is None or icpc_needed) else None,
            started_by_id=worker or discussion.recorded_by_id,
            completed_by_id=worker if completed else None,
            recorded_at=self.recorded(started),
            version=2 if completed else 1,
        )
        b.enquiries.append((discussion, row))
        inv = discussion.involvement_id
        self.event(
            b,
            row,
            "s47.started",
            row.person_id,
            inv,
            when=started,
            summary="Section 47 enquiry started",
            detail={"icpc_due_on": str(due)},
            recorded_by_id=row.started_by_id,
            recorded_at=row.recorded_at,
        )
        if completed:
            label = dict(S47_OUTCOMES).get(outcome, outcome)
            self.event(
                b,
                row,
                "s47.completed",
                row.person_id,
                inv,
                when=completed,
                summary=f"Section 47 enquiry: {label}. "
                + (
                    "Initial child protection conference needed" if icpc_needed else "No conference"
                ),
                detail={"outcome": outcome, "icpc_needed": icpc_needed},
                recorded_by_id=worker,
                recorded_at=self.recorded(completed),
            )
        return row

    # ---- a child protection involvement: ICPC, plan, core groups, reviews ----------------------

    def plan_for(self, b: _Batch, inv: dict, worker: int | None, name: str) -> None:
        rng = self.rng
        icpc_on = inv["started_on"]
        person, cin = inv["person_id"], inv["stepped_from_id"]
        # The strategy discussion: 5-15 working days before the ICPC; 16-30 for a late one.
        late = rng.random() < LATE_ICPC
        discussed = self.back(icpc_on, rng.randint(16, 30) if late else rng.randint(5, 15))
        if cin and inv["cin_started_on"] and discussed < inv["cin_started_on"]:
            discussed = inv["cin_started_on"]
        where = cin or inv["pk"]
        discussion = self.discussion(b, person, where, discussed, worker, s47=True)
        completed = max(discussed, icpc_on - dt.timedelta(days=rng.randint(1, 5)))
        enquiry = self.enquiry(
            b,
            discussion,
            inv["team_id"],
            worker,
            completed=completed,
            outcome="substantiated",
            icpc_needed=True,
        )
        enquiry.icpc_held_on = icpc_on
        category = _pick_weighted(rng, CATEGORIES)
        ended = inv["ended_on"]
        plan = Plan(
            person_id=person,
            involvement_id=inv["pk"],
            kind="cp",
            initial_category=category,
            category=category,
            started_on=icpc_on,
            ended_on=ended,
            end_reason=inv["end_reason"] if ended else "",
            owner_id=worker,
            created_by_id=worker,
            recorded_at=self.recorded(icpc_on),
            review_from=icpc_on,
        )
        b.plans.append(plan)
        chair = rng.choice(self.chairs)
        conference = InitialConference(
            person_id=person,
            held_on=icpc_on,
            due_on=enquiry.icpc_due_on,
            decision="plan",
            category=category,
            reasons="Continuing risk of significant harm; the family's engagement is limited.",
            chair_id=chair,
            recorded_by_id=chair,
            recorded_at=self.recorded(icpc_on),
        )
        b.conferences.append((enquiry, plan, conference))
        self._attendance(b, conference)
        late_icpc = enquiry.icpc_due_on is not None and icpc_on > enquiry.icpc_due_on
        self.event(
            b,
            conference,
            "icpc.held",
            person,
            inv["pk"],
            when=icpc_on,
            summary="Initial child protection conference: child protection plan"
            + (" — held after its due date" if late_icpc else ""),
            detail={"decision": "plan", "category": category, "late": late_icpc},
            recorded_by_id=chair,
            recorded_at=conference.recorded_at,
        )
        self.event(
            b,
            plan,
            "plan.started",
            person,
            inv["pk"],
            when=icpc_on,
            summary="Child protection plan",
            detail={"kind": "cp", "category": category},
            recorded_by_id=worker,
            recorded_at=plan.recorded_at,
        )
        if ended:
            self.event(
                b,
                plan,
                "plan.ended",
                person,
                inv["pk"],
                when=ended,
                summary=f"Child protection plan ended: {plan.end_reason}",
                detail={"reason": plan.end_reason},
                recorded_by_id=worker,
                recorded_at=self.recorded(ended),
            )
        actions = self._content(b, plan, name)
        schedule = CPPlanSchedule(
            person_id=person,
            core_group_from=icpc_on,
            core_group_due_on=self.due("cp.core_group", icpc_on),
            review_from=icpc_on,
            review_due_on=self.due("cp.review_conference", icpc_on),
        )
        b.schedules.append((plan, conference, schedule))
        self._core_groups(b, plan, schedule, actions, worker, inv["pk"])
        self._reviews(b, plan, schedule, inv["pk"])

    def _attendance(self, b: _Batch, conference) -> None:
        rng = self.rng
        rows = [("Mum", "family", "Mother"), ("Social worker", "social_care", "Social worker")]
        rows += [("Police officer", "police", "Police"), ("Health visitor", "health", "Health")]
        if rng.random() < 0.7:
            rows.append(("Teacher", "education", "Designated safeguarding lead"))
        if rng.random() < 0.5:
            rows.append(("Dad", "family", "Father"))
        for who, agency, role in rows:
            r = rng.random()
            attendance = "attended" if r < 0.75 else "report_sent" if r < 0.9 else "apologies"
            b.attendees.append(
                (
                    conference,
                    ConferenceAttendee(name=who, agency=agency, role=role, attendance=attendance),
                )
            )

    def _content(self, b: _Batch, plan: Plan, name: str) -> list[PlanAction]:
        """Outcomes, actions and the contingency: most sound, some deliberately poor."""
        rng = self.rng
        for i, (text, indicator) in enumerate(rng.sample(OUTCOMES, rng.randint(2, 4))):
            b.outcomes.append(
                (
                    plan,
                    PlanOutcome(
                        text=text.format(name=name),
                        indicator=indicator.format(name=name) if rng.random() < 0.67 else "",
                        target_date=plan.started_on + dt.timedelta(days=rng.choice((90, 180))),
                        order=i,
                    ),
                )
            )
        many = rng.random() < POOR_TOO_MANY
        count = rng.randint(14, 22) if many else rng.randint(3, 7)
        actions = []
        for i in range(count):
            what, who, sound = ACTIONS[rng.randrange(len(ACTIONS))]
            owner = who if (sound and rng.random() > 0.1) else ""
            action = PlanAction(
                what=what.format(name=name),
                owner_text=owner,
                due_on=plan.started_on + dt.timedelta(weeks=rng.randint(2, 16))
                if rng.random() > 0.15
                else None,
                measure="Seen at the core group, with evidence" if rng.random() > 0.25 else "",
                order=i,
            )
            actions.append(action)
            b.actions.append((plan, action))
        if rng.random() < VAGUE_CONTINGENCY:
            contingency = Contingency(trigger="If things do not improve", action="")
        else:
            contingency = Contingency(
                trigger=rng.choice(GOOD_CONTINGENCY),
                trigger_by=plan.started_on + dt.timedelta(days=rng.choice((60, 90, 120))),
                action=rng.choice(CONTINGENCY_ACTIONS).format(name=name),
            )
        b.contingencies.append((plan, contingency))
        return actions

    def _core_groups(self, b, plan, schedule, actions, worker, inv) -> None:
        rng = self.rng
        end = plan.ended_on or self.today
        due, last = schedule.core_group_due_on, None
        live = list(actions)
        while due < end:
            r = rng.random()
            if r < CORE_GROUP_ON_TIME:
                held = due - dt.timedelta(days=rng.randint(0, 5))
            elif r < CORE_GROUP_ON_TIME + CORE_GROUP_LATE:
                held = due + dt.timedelta(days=rng.randint(1, 10))
            else:  # missed: nothing recorded; the next one weeks after it was due
                held = due + dt.timedelta(days=rng.randint(30, 60))
            held = max(held, (last or plan.started_on) + ONE_DAY)
            if held >= end:
                break
            progress = []
            for action in list(live):
                text, status = rng.choice(PROGRESS)
                progress.append((action, text, status))
                if status == "done":
                    action.done_on, action.done_note = held, f"Core group: {text}"
                    live.remove(action)
            meeting = CoreGroup(
                held_on=held,
                due_on=due,
                attendees="Mum\nSocial worker\nHealth visitor\nSchool",
                minutes="Progress on each action reviewed with the family.",
                next_due_on=self.due("cp.core_group", held, repeat=True),
                recorded_by_id=worker or self.chairs[0],
                recorded_at=self.recorded(held),
            )
            b.core_groups.append((plan, meeting, progress))
            self.event(
                b,
                meeting,
                "core_group.held",
                plan.person_id,
                inv,
                when=held,
                summary=f"Core group: {len(progress)} actions reviewed"
                + (" — held after its due date" if held > due else ""),
                detail={"late": held > due},
                recorded_by_id=meeting.recorded_by_id,
                recorded_at=meeting.recorded_at,
            )
            schedule.core_groups_held += 1
            schedule.core_group_from = last = held
            due = meeting.next_due_on
        schedule.core_group_due_on = due

    def _reviews(self, b, plan, schedule, inv) -> None:
        rng = self.rng
        end = plan.ended_on or self.today
        due = schedule.review_due_on
        while due < end:
            late = rng.random() < LATE_REVIEW
            held = (
                due + dt.timedelta(days=rng.randint(1, 20))
                if late
                else due - dt.timedelta(days=rng.randint(0, 7))
            )
            if held >= end:
                break
            before = plan.category
            after = before
            if rng.random() < 0.05:
                after = _pick_weighted(rng, [(c, w) for c, w in CATEGORIES if c != before])
                plan.category = after
            chair = rng.choice(self.chairs)
            review = ReviewConference(
                held_on=held,
                due_on=due,
                decision="continue",
                category_before=before,
                category_after=after,
                summary="Some progress; the risk of significant harm remains.",
                chair_id=chair,
                next_due_on=self.due("cp.review_conference", held, repeat=True),
                recorded_by_id=chair,
                recorded_at=self.recorded(held),
            )
            b.reviews.append((plan, review))
            self._attendance(b, review)
            self.event(
                b,
                review,
                "review_conference.held",
                plan.person_id,
                inv,
                when=held,
                summary="Review child protection conference: continue the plan"
                + (" — held after its due date" if held > due else ""),
                detail={"decision": "continue", "late": held > due},
                recorded_by_id=chair,
                recorded_at=review.recorded_at,
            )
            schedule.reviews_held += 1
            schedule.review_from = plan.review_from = held
            plan.last_review_on = held
            due = review.next_due_on
        schedule.review_due_on = due
        plan.next_review_due_on = None if plan.ended_on else due

    # ---- writing ---------------------------------------------------------------------------

    def flush(self, b: _Batch) -> None:
        ctx = self.ctx
        ctx.bulk(StrategyDiscussion, b.discussions)
        for discussion, p in b.participants:
            p.discussion_id = discussion.pk
        ctx.bulk(StrategyParticipant, [p for _, p in b.participants])
        for discussion, e in b.enquiries:
            e.discussion_id = discussion.pk
        ctx.bulk(Section47Enquiry, [e for _, e in b.enquiries])
        ctx.bulk(Plan, b.plans)
        for enquiry, plan, c in b.conferences:
            c.enquiry_id, c.plan_id = enquiry.pk, plan.pk
        ctx.bulk(InitialConference, [c for _, _, c in b.conferences])
        for plan, conference, s in b.schedules:
            s.plan_id, s.conference_id = plan.pk, conference.pk
        ctx.bulk(CPPlanSchedule, [s for _, _, s in b.schedules])
        for pairs, model in (
            (b.outcomes, PlanOutcome),
            (b.actions, PlanAction),
            (b.contingencies, Contingency),
        ):
            for plan, row in pairs:
                row.plan_id = plan.pk
            ctx.bulk(model, [row for _, row in pairs])
        for plan, meeting, _ in b.core_groups:
            meeting.plan_id = plan.pk
        ctx.bulk(CoreGroup, [m for _, m, _ in b.core_groups])
        ctx.bulk(
            ActionReview,
            [
                ActionReview(core_group_id=m.pk, action_id=a.pk, progress=text, status=status)
                for _, m, progress in b.core_groups
                for a, text, status in progress
            ],
        )
        for plan, review in b.reviews:
            review.plan_id = plan.pk
        ctx.bulk(ReviewConference, [r for _, r in b.reviews])
        for conference, a in b.attendees:
            if isinstance(conference, InitialConference):
                a.initial_id = conference.pk
            else:
                a.review_id = conference.pk
        ctx.bulk(ConferenceAttendee, [a for _, a in b.attendees])
        self._protections(b)
        for subject, e in b.events:
            e.subject_id = subject.pk
        ctx.bulk(Event, [e for _, e in b.events])
        self._visits(b.plans)

    def _visits(self, plans: list[Plan]) -> None:
        """The plan's last visit with the child seen, and the next due (rule cp.visit)."""
        open_plans = [p for p in plans if p.ended_on is None]
        last = dict(
            CaseNote.objects.filter(
                involvement_id__in=[p.involvement_id for p in open_plans],
                type__in=VISIT_TYPES,
                child_seen=True,
            )
            .values("involvement_id")
            .annotate(last=Max("occurred_at"))
            .values_list("involvement_id", "last")
        )
        for plan in open_plans:
            seen = last.get(plan.involvement_id)
            day = seen.astimezone(self.zone).date() if seen else None
            if day is not None and day < plan.started_on:
                day = None
            plan.last_visit_on = day
            plan.visit_from = day or plan.started_on
            plan.next_visit_due_on = self.due(
                "cp.visit", day or plan.started_on, repeat=day is not None
            )
        Plan.objects.bulk_update(
            open_plans, ["last_visit_on", "next_visit_due_on", "visit_from"], batch_size=BATCH
        )

    # ---- children in need: enquiries with no plan ------------------------------------------

    def cin_enquiry(self, b: _Batch, inv: dict, worker: int | None) -> None:
        rng = self.rng
        span = (self.last_day - inv["started_on"]).days
        if span < 1:
            return
        day = inv["started_on"] + dt.timedelta(days=rng.randint(0, min(span, 400)))
        if not self.calendar.is_working_day(day):
            day = min(self.calendar.next_working_day(day), self.last_day)
        s47 = rng.random() < 0.8
        discussion = self.discussion(b, inv["person_id"], inv["pk"], day, worker, s47=s47)
        if not s47:
            return
        recent = (self.today - day).days < 30
        if recent and rng.random() < 0.25:
            self.enquiry(
                b,
                discussion,
                inv["team_id"],
                worker,
                completed=None,
                outcome="",
                icpc_needed=None,
            )
            return
        completed = min(day + dt.timedelta(days=rng.randint(3, 20)), self.last_day)
        outcome = rng.choice(
            ("not_substantiated", "not_substantiated", "substantiated_not_at_risk")
        )
        self.enquiry(
            b,
            discussion,
            inv["team_id"],
            worker,
            completed=completed,
            outcome=outcome,
            icpc_needed=False,
        )


def build_child_protection(ctx: Context, advance: Advance) -> None:
    """A plan, with what led to it, for every child protection involvement; enquiries with
    no plan for some children in need."""
    stage = _Stage(ctx)
    if not stage.chairs:
        return
    last = 0
    while True:
        rows = list(
            _without_plan()
            .filter(pk__gt=last)
            .order_by("pk")
            .values(
                "pk",
                "person_id",
                "team_id",
                "started_on",
                "ended_on",
                "end_reason",
                "stepped_from_id",
                "stepped_from__started_on",
                "person__given_name",
            )[:BATCH]
        )
        if not rows:
            break
        workers = _social_workers([r["person_id"] for r in rows])
        batch = _Batch()
        for r in rows:
            r["cin_started_on"] = r["stepped_from__started_on"]
            stage.plan_for(batch, r, workers.get(r["person_id"]), r["person__given_name"])
        stage.flush(batch)
        last = rows[-1]["pk"]
        advance(len(rows))
    _cin_enquiries(ctx, stage)


def _cin_enquiries(ctx: Context, stage: _Stage) -> None:
    has_discussion = StrategyDiscussion.objects.filter(involvement=OuterRef("pk"))
    open_cin = (
        Involvement.objects.filter(stage="child_in_need", ended_on__isnull=True)
        .filter(~Exists(has_discussion))
        .order_by("pk")
        .values("pk", "person_id", "team_id", "started_on")
    )
    rng = ctx.rng("child_protection:cin")
    chosen = [r for r in open_cin.iterator(chunk_size=5000) if rng.random() < CIN_ENQUIRY_SHARE]
    for start in range(0, len(chosen), BATCH):
        part = chosen[start : start + BATCH]
        workers = _social_workers([r["person_id"] for r in part])
        batch = _Batch()
        for r in part:
            stage.cin_enquiry(batch, r, workers.get(r["person_id"]))
        stage.flush(batch)


def _social_workers(person_ids: list[int]) -> dict[int, int]:
    """Each child's allocated social worker (the latest allocation)."""
    found: dict[int, int] = {}
    for person, worker in (
        Allocation.objects.filter(person_id__in=person_ids, role=AllocationRole.SOCIAL_WORKER)
        .order_by("person_id", "start_date", "pk")
        .values_list("person_id", "worker_id")
    ):
        found[person] = worker
    return found
