"""What is due and what is missing, read for two pages.

The child's page (`child_stage`, shown by the journey summary on people:detail): where the
child is on the journey — the current main-line stage and the chain of this CIN episode
(referral, assessment, strategy discussion and section 47 enquiry, ICPC, plan) with dates —,
what is due (the stored due dates of the child's open timed items, overdue marked), the latest
plan with its quality findings, the last time the child was seen and seen alone against the
plan's visit rule, and the team around the child. A fixed number of queries, whatever the
child's history: each kind of record is one query over the child's rows (or the episode's),
and the chain is walked in memory.

The team manager's view (`team_view`): a unit's open assessments by working days elapsed,
section 47 enquiries without an outcome, ICPCs at risk of missing their date, plans with
quality findings and visits overdue — one query each, through the stage apps' selectors. The
page decides which children the viewer may see named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from kinfold.assessments.models import Assessment
from kinfold.assessments.selectors import (
    OpenAssessmentRow,
    open_assessments_for_units,
    working_days_between,
)
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.models import (
    CoreGroup,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.child_protection.selectors import icpcs_at_risk, s47s_without_outcome
from kinfold.early_help.models import EarlyHelpEpisode
from kinfold.front_door.models import Referral
from kinfold.journey.models import Event, Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.journey.stages import STAGES
from kinfold.plans.models import Plan, PlanAction, PlanKind
from kinfold.plans.selectors import plans_with_flags, visits_overdue
from kinfold.timescales.calendar import WorkingCalendar, working_calendar
from kinfold.timescales.models import Rule, Unit
from kinfold.timescales.worklists import Clock
from kinfold.workforce.models import Allocation, OrgUnit, Role, TeamMembership, Worker

# The stages of a CIN episode (a step up and a step down stay within it).
EPISODE_STAGES = ("child_in_need", "child_protection")
# The main line: one stage at a time (the registers run beside it; the front door before it).
MAIN_LINE = tuple(code for code, s in STAGES.items() if not s.register and code != "front_door")
VISIT_RULES = {PlanKind.CHILD_PROTECTION: "cp.visit", PlanKind.CHILD_IN_NEED: "cin.visit"}


# ---- the child's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of the episode: what happened, when, and a word on how it went."""

    label: str
    on: dt.date | None
    detail: str = ""
    url: str = ""
    warning: str = ""


@dataclass(frozen=True)
class Due:
    """An open timed item of the child, from its stored due date."""

    label: str
    due_on: dt.date
    overdue: bool
    url: str = ""


@dataclass(frozen=True)
class Seen:
    """The last visit at which the child was seen, and seen alone, against the visit rule of
    the child's open plan (`limit` in the rule's unit; None without an open plan)."""

    seen_on: dt.date | None
    alone_on: dt.date | None
    limit: int | None = None
    unit_label: str = ""
    seen_ago: int | None = None
    alone_ago: int | None = None

    @property
    def seen_late(self) -> bool:
        return self.limit is not None and (self.seen_ago is None or self.seen_ago > self.limit)

    @property
    def alone_late(self) -> bool:
        return self.limit is not None and (self.alone_ago is None or self.alone_ago > self.limit)


@dataclass(frozen=True)
class Member:
    """Someone in the team around the child: their part, their name, where they are from."""

    part: str
    name: str
    where: str = ""
    since: dt.date | None = None


@dataclass
class ChildStage:
    current: Involvement | None
    episode: list[Involvement]  # the episode's involvements, earliest first
    steps: list[Step]
    due: list[Due]
    latest_plan: Plan | None
    seen: Seen
    team: list[Member]
    closure: CINClosure | None = None
    registers: list[Involvement] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for d in self.due if d.overdue)


def _name(worker: Worker | None) -> str:
    if worker is None:
        return ""
    return worker.get_full_name() or worker.username


def _episode_of(involvements: list[Involvement]) -> tuple[Involvement | None, list[Involvement]]:
    """The current main-line involvement (open), and the CIN episode it belongs to: the open
    child in need or child protection involvement, or else the latest one, followed back along
    `stepped_from`; earliest first."""
    by_id = {i.pk: i for i in involvements}
    main = [i for i in involvements if i.stage in MAIN_LINE]
    current = next((i for i in main if i.ended_on is None), None)
    last = next((i for i in main if i.ended_on is None and i.stage in EPISODE_STAGES), None)
    if last is None:
        last = next((i for i in main if i.stage in EPISODE_STAGES), None)
    chain: list[Involvement] = []
    node = last
    while node is not None and node.stage in EPISODE_STAGES and node not in chain:
        chain.append(node)
        node = by_id.get(node.stepped_from_id) if node.stepped_from_id else None
    chain.reverse()
    return current, chain


def _ago(
    since: dt.date | None, today: dt.date, rule: Rule | None, cal: WorkingCalendar
) -> int | None:
    if since is None or rule is None:
        return None
    unit = rule.repeat_unit or rule.unit
    if unit == Unit.WORKING_DAYS:
        return working_days_between(since, today, calendar=cal)
    if unit == Unit.WEEKS:
        return (today - since).days // 7
    return (today - since).days


def _visit_rule(plan: Plan | None, today: dt.date) -> Rule | None:
    """The visit rule of the open plan (the repeat interval is the one between visits)."""
    if plan is None or not plan.is_open:
        return None
    code = VISIT_RULES.get(plan.kind)  # type: ignore[call-overload]
    return (
        Rule.objects.filter(code=code, effective_from__lte=today)
        .order_by("-effective_from", "-recorded_at", "-pk")
        .first()
    )


def _seen(person_id: int, plan: Plan | None, today: dt.date, cal: WorkingCalendar) -> Seen:
    in_error = Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(CaseNote),
        subject_id=OuterRef("pk"),
        type__in=("note.recorded", "visit.recorded"),
        retraction__isnull=False,
    )
    found = (
        CaseNote.objects.filter(person_id=person_id, type__in=VISIT_TYPES, child_seen=True)
        .filter(~Exists(in_error))
        .aggregate(seen=Max("occurred_at"), alone=Max("occurred_at", filter=Q(seen_alone=True)))
    )
    seen_on = timezone.localdate(found["seen"]) if found["seen"] else None
    alone_on = timezone.localdate(found["alone"]) if found["alone"] else None
    rule = _visit_rule(plan, today)
    if rule is None:
        return Seen(seen_on, alone_on)
    limit = rule.repeat_amount if rule.repeats and rule.repeat_amount else rule.amount
    unit = Unit(rule.repeat_unit or rule.unit)
    return Seen(
        seen_on,
        alone_on,
        limit=limit,
        unit_label=unit.label,
        seen_ago=_ago(seen_on, today, rule, cal),
        alone_ago=_ago(alone_on, today, rule, cal),
    )


def _late(held: dt.date | None, due: dt.date | None) -> str:
    if held is not None and due is not None and held > due:
        return f"late: due {due:%-d %b %Y}"
    return ""


def _steps(
    referrals: list[Referral],
    assessments: list[Assessment],
    discussions: list[StrategyDiscussion],
    enquiries: list[Section47Enquiry],
    plans: list[Plan],
    last_review: ReviewConference | None,
    closure: CINClosure | None,
) -> list[Step]:
    """The episode's steps in date order."""
    steps: list[tuple[dt.date, int, Step]] = []

    def add(on: dt.date, order: int, step: Step) -> None:
        steps.append((on, order, step))

    for r in referrals:
        add(
            r.referral_date,
            0,
            Step(
                "Referral",
                r.referral_date,
                f"{r.get_primary_need_display()}; to {r.team.name}",
            ),
        )
    for a in assessments:
        url = reverse("assessments:assessment", args=[a.pk])
        if a.completed_on:
            detail = f"completed {a.completed_on:%-d %b %Y}: {a.get_outcome_display()}"
            warning = _late(a.completed_on, a.due_on) or (
                "started and completed on the same day" if a.same_day else ""
            )
        else:
            detail, warning = f"open, due {a.due_on:%-d %b %Y}", ""
        add(a.started_on, 1, Step("Assessment", a.started_on, detail, url, warning))
    by_discussion = {e.discussion_id: e for e in enquiries}
    for d in discussions:
        decided = "section 47 enquiry" if d.s47_decided else "no section 47 enquiry"
        add(d.held_on, 2, Step("Strategy discussion", d.held_on, decided))
        e = by_discussion.get(d.pk)
        if e is None:
            continue
        url = reverse("child_protection:s47", args=[e.pk])
        if e.completed_on:
            detail = f"outcome {e.completed_on:%-d %b %Y}: {e.get_outcome_display()}"
            warning = ""
        else:
            detail, warning = "open", "no outcome recorded yet"
        add(e.started_on, 3, Step("Section 47 enquiry", e.started_on, detail, url, warning))
        conference = getattr(e, "conference", None)
        if conference is not None:
            add(
                conference.held_on,
                4,
                Step(
                    "Initial child protection conference",
                    conference.held_on,
                    conference.get_decision_display(),
                    url,
                    _late(conference.held_on, conference.due_on),
                ),
            )
    for p in plans:
        detail = "open" if p.is_open else f"ended {p.ended_on:%-d %b %Y}"
        if p.kind == PlanKind.CHILD_PROTECTION and p.category:
            detail = f"{p.get_category_display()}; {detail}"
        if last_review is not None and last_review.plan_id == p.pk:
            detail += f"; last review conference {last_review.held_on:%-d %b %Y}"
        add(
            p.started_on,
            5,
            Step(p.get_kind_display(), p.started_on, detail, reverse("plans:plan", args=[p.pk])),
        )
    if closure is not None:
        add(
            closure.closed_on,
            9,
            Step("Episode closed", closure.closed_on, closure.get_reason_display()),
        )
    return [s for _, _, s in sorted(steps, key=lambda t: (t[0], t[1]))]


def _due(
    today: dt.date,
    person_id: int,
    assessments: list[Assessment],
    enquiries: list[Section47Enquiry],
    open_plans: list[Plan],
    early_help: EarlyHelpEpisode | None,
) -> list[Due]:
    found: list[Due] = []

    def add(label: str, due_on: dt.date | None, url: str) -> None:
        if due_on is not None:
            found.append(Due(label, due_on, due_on < today, url))

    for a in assessments:
        if a.is_open:
            add("Assessment", a.due_on, reverse("assessments:assessment", args=[a.pk]))
    for e in enquiries:
        if e.icpc_held_on is None and e.icpc_needed is not False:
            add(
                "Initial child protection conference",
                e.icpc_due_on,
                reverse("child_protection:s47", args=[e.pk]),
            )
    overview = reverse("child_protection:overview", args=[person_id])
    for p in open_plans:
        plan_url = reverse("plans:plan", args=[p.pk])
        if p.kind == PlanKind.CHILD_PROTECTION:
            schedule = getattr(p, "cp_schedule", None)
            if schedule is not None:
                add("Core group", schedule.core_group_due_on, overview)
                add("Review child protection conference", schedule.review_due_on, overview)
            add("Visit (child protection plan)", p.next_visit_due_on, plan_url)
        else:
            add("Visit (child in need plan)", p.next_visit_due_on, plan_url)
            add("Child in need review", p.next_review_due_on, plan_url)
    if early_help is not None and early_help.ended_on is None:
        add(
            "Early help review",
            early_help.review_due_on,
            reverse("early_help:episode", args=[early_help.involvement_id]),
        )
    return sorted(found, key=lambda d: d.due_on)


def _action_owner(action: PlanAction) -> tuple[str, str]:
    if action.owner_worker is not None:
        return _name(action.owner_worker), "Children's services"
    if action.owner_person is not None:
        return action.owner_person.full_name, action.owner_text or "Family or network"
    if action.owner_agency is not None:
        return action.owner_text or action.owner_agency.name, action.owner_agency.name
    return action.owner_text, ""


def _team(
    allocations: list[Allocation],
    managers: list[TeamMembership],
    chair: tuple[Worker, str] | None,
    core_group: CoreGroup | None,
    actions: list[PlanAction],
    early_help: EarlyHelpEpisode | None,
) -> list[Member]:
    team: list[Member] = []
    # The allocations are shown by the page itself (with their links); the others follow.
    allocated_workers = {a.worker_id for a in allocations}
    for m in managers:
        if m.worker_id not in allocated_workers:
            team.append(Member("Team manager", _name(m.worker), m.unit.name))
            allocated_workers.add(m.worker_id)
    if chair is not None:
        team.append(Member("Conference chair (IRO)", _name(chair[0]), chair[1]))
    if early_help is not None and early_help.has_lead:
        if early_help.lead_worker is not None:
            lead, where = _name(early_help.lead_worker), "Children's services"
        else:
            lead = early_help.lead_name
            where = early_help.lead_organisation.name if early_help.lead_organisation else ""
        if early_help.lead_role:
            where = f"{early_help.lead_role}, {where}" if where else early_help.lead_role
        team.append(Member("Lead early help practitioner", lead, where, early_help.lead_since))
    if core_group is not None:
        for line in core_group.attendees.splitlines():
            if line.strip():
                team.append(Member("Core group member", line.strip(), "", core_group.held_on))
    owners: dict[tuple[str, str], None] = {}
    for action in actions:
        owner = _action_owner(action)
        if owner[0]:
            owners.setdefault(owner, None)
    for name, where in owners:
        team.append(Member("Owns actions in the plan", name, where))
    return team


def child_stage(
    *, person_id: int, allocations: list[Allocation], today: dt.date | None = None
) -> ChildStage:
    """The child's journey for their page: a fixed number of queries, whatever the history
    (`allocations`: the current team around the child, already read by the page)."""
    today = today or timezone.localdate()
    cal = working_calendar()
    involvements = list(
        Involvement.objects.filter(person_id=person_id)
        .select_related("team")
        .order_by("-started_on", "-id")
    )
    current, episode = _episode_of(involvements)
    registers = [i for i in involvements if i.ended_on is None and i.stage not in MAIN_LINE]
    chain = [i.pk for i in episode]
    referrals: list[Referral] = []
    assessments: list[Assessment] = []
    discussions: list[StrategyDiscussion] = []
    enquiries: list[Section47Enquiry] = []
    if chain:
        referrals = list(
            Referral.objects.filter(involvement_id__in=chain)
            .select_related("team")
            .order_by("referral_date", "pk")
        )
        assessments = list(
            Assessment.objects.filter(involvement_id__in=chain).order_by("started_on", "pk")
        )
        discussions = list(
            StrategyDiscussion.objects.filter(involvement_id__in=chain).order_by("held_at", "pk")
        )
        enquiries = list(
            Section47Enquiry.objects.filter(discussion__involvement_id__in=chain)
            .select_related("conference", "conference__chair")
            .order_by("started_on", "pk")
        )
    # Every plan of the child (a handful over years): the episode's, the open ones, the latest.
    plans = list(
        Plan.objects.filter(person_id=person_id)
        .select_related("cp_schedule", "owner")
        .order_by("-started_on", "-id")
    )
    latest_plan = plans[0] if plans else None
    open_plans = [p for p in plans if p.is_open]
    episode_plans = sorted(
        (p for p in plans if p.involvement_id in chain), key=lambda p: (p.started_on, p.pk)
    )
    cp_ids = [p.pk for p in plans if p.kind == PlanKind.CHILD_PROTECTION]
    last_review = (
        ReviewConference.objects.filter(plan_id__in=cp_ids)
        .select_related("chair")
        .order_by("-held_on", "-id")
        .first()
        if cp_ids
        else None
    )
    # The chair of the latest conference: the latest review's, or the latest ICPC's.
    chair: tuple[Worker, str] | None = None
    conferences = [e.conference for e in enquiries if getattr(e, "conference", None)]
    latest_icpc = max(conferences, key=lambda c: (c.held_on, c.pk), default=None)
    if last_review is not None and (
        latest_icpc is None or last_review.held_on >= latest_icpc.held_on
    ):
        chair = (last_review.chair, f"review conference {last_review.held_on:%-d %b %Y}")
    elif latest_icpc is not None:
        chair = (latest_icpc.chair, f"initial conference {latest_icpc.held_on:%-d %b %Y}")
    # The plan the team works to now: the open child protection plan, else the open one.
    working_plan = next(
        (p for p in open_plans if p.kind == PlanKind.CHILD_PROTECTION),
        open_plans[0] if open_plans else None,
    )
    core_group = None
    actions: list[PlanAction] = []
    if working_plan is not None:
        if working_plan.kind == PlanKind.CHILD_PROTECTION:
            core_group = (
                CoreGroup.objects.filter(plan_id=working_plan.pk)
                .order_by("-held_on", "-id")
                .first()
            )
        actions = list(
            PlanAction.objects.filter(
                plan_id=working_plan.pk, done_on__isnull=True, withdrawn_reason=""
            ).select_related("owner_worker", "owner_person", "owner_agency")
        )
    early_help = (
        EarlyHelpEpisode.objects.filter(person_id=person_id, ended_on__isnull=True)
        .select_related("lead_worker", "lead_organisation")
        .order_by("-started_on", "-id")
        .first()
    )
    team_ids = {a.team_id for a in allocations}
    managers = (
        list(
            TeamMembership.objects.filter(
                unit_id__in=team_ids,
                worker__role=Role.TEAM_MANAGER,
                worker__is_active=True,
                start_date__lte=today,
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("worker", "unit")
            .order_by("unit__name", "worker__last_name", "worker_id")
        )
        if team_ids
        else []
    )
    closure = None
    if episode and episode[-1].ended_on is not None and referrals:
        closure = CINClosure.objects.filter(referral_id=referrals[0].pk).first()
    return ChildStage(
        current=current,
        episode=episode,
        steps=_steps(
            referrals, assessments, discussions, enquiries, episode_plans, last_review, closure
        ),
        due=_due(today, person_id, assessments, enquiries, open_plans, early_help),
        latest_plan=latest_plan,
        seen=_seen(person_id, working_plan, today, cal),
        team=_team(allocations, managers, chair, core_group, actions, early_help),
        closure=closure,
        registers=registers,
    )


# ---- the team manager's view ----------------------------------------------------------------

# Bands of working days elapsed of an open assessment (the guidance allows 45).
ASSESSMENT_BANDS = (
    ("0 to 20 working days", 0, 20),
    ("21 to 35 working days", 21, 35),
    ("36 to 45 working days", 36, 45),
    ("More than 45 working days", 46, None),
)


@dataclass
class TeamView:
    unit: OrgUnit
    assessments: list[OpenAssessmentRow]
    bands: list[tuple[str, int]]
    s47s: list[Section47Enquiry]
    icpcs: list[Section47Enquiry]
    flagged: list[Plan]
    visits: list[Plan]


def may_see_team_view(worker: Worker, unit: OrgUnit) -> bool:
    """Team managers of the unit's service, administrators and performance officers."""
    from kinfold.access.guards import is_administrator
    from kinfold.workforce.selectors import current_team_ids

    if not (worker.is_authenticated and worker.is_active):
        return False
    if is_administrator(worker) or worker.role == Role.PERFORMANCE_OFFICER:
        return True
    return worker.role == Role.TEAM_MANAGER and bool(
        current_team_ids(worker=worker) & unit.service().subtree_ids()
    )


def _bands(rows: Iterable[OpenAssessmentRow]) -> list[tuple[str, int]]:
    counts = [0] * len(ASSESSMENT_BANDS)
    for row in rows:
        for i, (_, low, high) in enumerate(ASSESSMENT_BANDS):
            if row.working_days_elapsed >= low and (
                high is None or row.working_days_elapsed <= high
            ):
                counts[i] += 1
                break
    return [(label, n) for (label, _, _), n in zip(ASSESSMENT_BANDS, counts, strict=True)]


def team_view(*, unit_ids: Collection[int], unit: OrgUnit, clock: Clock) -> TeamView:
    """The unit's (and the units below it) open work that is late or at risk."""
    ids = list(unit_ids)
    assessments = sorted(
        open_assessments_for_units(ids, today=clock.today),
        key=lambda r: (-r.working_days_elapsed, r.clock_from, r.assessment_id),
    )
    return TeamView(
        unit=unit,
        assessments=assessments,
        bands=_bands(assessments),
        s47s=list(s47s_without_outcome(ids)),
        icpcs=list(icpcs_at_risk(ids, clock)),
        flagged=list(plans_with_flags(ids)),
        visits=list(visits_overdue(ids, clock.today)),
    )
