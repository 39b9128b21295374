"""Practitioner actions of child protection, one transaction each, each writing its event.

Working Together to Safeguard Children 2023 (chapter 3): a strategy discussion — children's
social care with at least the police and health — decides whether a section 47 enquiry starts;
the enquiry ends with its outcome, and, where the child is judged at continuing risk of
significant harm, an initial child protection conference (ICPC) within 15 working days of the
strategy discussion. A conference deciding on a plan moves the child from child in need to
child protection (the named transition keeps the history: `stepped_from`) and starts the plan
with its category; core groups follow within 10 working days and then every 6 weeks (local),
review conferences within 3 months and then every 6 months. A review conference continues the
plan (perhaps with a new category), or ends it — stepping down to child in need, with or
without a child in need plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kinfold.access.permissions import require_write_access
from kinfold.front_door.models import PartnerOrganisation
from kinfold.journey.events import record_event
from kinfold.journey.models import Involvement
from kinfold.journey.services import run_transition
from kinfold.people.models import Person
from kinfold.plans import services as plans
from kinfold.plans.models import CPCategory, Plan, PlanAction, PlanKind
from kinfold.timescales.calendar import due_at
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import AllocationRole, Role, UnitFunction, Worker
from kinfold.workforce.selectors import current_allocations, current_memberships

from .codes import (
    MAX_PROTECTION_DAYS,
    REQUIRED_AGENCIES,
    ActionProgress,
    Agency,
    Attendance,
    DiscussionType,
    IcpcDecision,
    ProtectionKind,
    ReviewDecision,
    S47Outcome,
)
from .models import (
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
from .registrations import STEP_DOWN, STEP_UP
from .visits import refresh_plan_visits

CIN, CP = "child_in_need", "child_protection"
ICPC_RULE, CORE_GROUP_RULE, REVIEW_RULE = "s47.icpc", "cp.core_group", "cp.review_conference"


def due_on(code: str, trigger: dt.date, *, repeat: bool = False) -> dt.date:
    """A due date from a rule in force on the trigger's day (its repeat interval if asked)."""
    rule = rule_for(code, on=trigger)
    value = due_at(rule, trigger, repeat=repeat and rule.repeats)
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _date_problem(value: dt.date | None, what: str) -> str:
    if value is None:
        return f"Enter the {what}"
    if value > timezone.localdate():
        return f"The {what} must be today or in the past"
    return ""


def _required(errors: dict[str, str], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


def is_chair(worker: Worker | None) -> bool:
    """A conference is chaired by an independent reviewing officer of the safeguarding and
    reviewing unit."""
    return bool(
        worker is not None
        and worker.role == Role.IRO
        and current_memberships()
        .filter(worker=worker, unit__function=UnitFunction.SAFEGUARDING_REVIEWING)
        .exists()
    )


def allocated_social_worker(person_id: int) -> Worker | None:
    allocation = (
        current_allocations()
        .filter(person_id=person_id, role=AllocationRole.SOCIAL_WORKER)
        .select_related("worker")
        .order_by("-start_date", "-pk")
        .first()
    )
    return allocation.worker if allocation else None


# ---- strategy discussion ---------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    """Who took part, for which agency: a partner agency's practitioner or a Kinfold worker."""

    agency: str
    name: str = ""
    role: str = ""
    organisation: PartnerOrganisation | None = None
    worker: Worker | None = None


def _check_participants(participants: Sequence[Participant]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for i, p in enumerate(participants, start=1):
        if p.agency not in Agency.values:
            errors[f"participant_{i}_agency"] = f"Choose the agency of participant {i}"
        if not (p.name.strip() or p.worker is not None):
            errors[f"participant_{i}_name"] = f"Enter the name of participant {i}"
    agencies = {p.agency for p in participants}
    missing = [Agency(a).label.lower() for a in REQUIRED_AGENCIES if a not in agencies]
    if missing:
        errors["participants"] = (
            "A strategy discussion needs the police and health: record who took part for "
            + " and ".join(missing)
        )
    return errors


@transaction.atomic
def record_strategy_discussion(
    *,
    actor: Worker,
    involvement_id: int,
    held_at: dt.datetime | None,
    type: str,
    participants: Sequence[Participant],
    information: str,
    s47_decided: bool | None,
    reasons: str,
    other_actions: str = "",
) -> StrategyDiscussion:
    """Record a strategy discussion or meeting on the child's child in need episode."""
    inv = Involvement.objects.select_for_update().select_related("person").get(pk=involvement_id)
    require_write_access(actor, inv.person)
    errors: dict[str, str] = {}
    if inv.stage not in (CIN, CP) or not inv.is_open:
        errors["involvement"] = (
            "A strategy discussion belongs to an open child in need or child protection episode"
        )
    if type not in DiscussionType.values:
        errors["type"] = "Choose whether it was a discussion or a meeting"
    if held_at is None:
        errors["held_at"] = "Enter when the strategy discussion was held"
    elif held_at > timezone.now():
        errors["held_at"] = "The strategy discussion must be now or in the past"
    elif timezone.localdate(held_at) < inv.started_on:
        errors["held_at"] = (
            f"The strategy discussion cannot be before the episode started "
            f"({inv.started_on:%d %B %Y})"
        )
    errors.update(_check_participants(participants))
    information = _required(errors, "information", information, "Enter the information shared")
    reasons = _required(errors, "reasons", reasons, "Enter the reasons for the decision")
    if s47_decided is None:
        errors["s47_decided"] = "Say whether a section 47 enquiry is to start"
    if errors:
        raise ValidationError(errors)
    assert held_at is not None and s47_decided is not None
    discussion = StrategyDiscussion.objects.create(
        person=inv.person,
        involvement=inv,
        held_at=held_at,
        type=type,
        information=information,
        s47_decided=s47_decided,
        other_actions=other_actions.strip(),
        reasons=reasons,
        recorded_by=actor,
    )
    StrategyParticipant.objects.bulk_create(
        StrategyParticipant(
            discussion=discussion,
            agency=p.agency,
            organisation=p.organisation,
            worker=p.worker,
            name=(p.name.strip() or (p.worker.get_full_name() if p.worker else ""))[:150],
            role=p.role.strip()[:150],
        )
        for p in participants
    )
    agencies = sorted({Agency(p.agency).label for p in participants})
    record_event(
        person_id=inv.person_id,
        type="strategy_discussion.held",
        occurred=held_at,
        summary=f"{discussion.get_type_display()} with {', '.join(agencies)}: "
        + ("section 47 enquiry to start" if s47_decided else "no section 47 enquiry"),
        recorded_by=actor,
        involvement=inv,
        subject=discussion,
        detail={"s47": s47_decided, "agencies": sorted({p.agency for p in participants})},
    )
    return discussion


# ---- section 47 enquiry ----------------------------------------------------------------------


@transaction.atomic
def start_s47(
    *,
    actor: Worker,
    discussion_id: int | None,
    started_on: dt.date | None,
    social_worker: Worker | None = None,
) -> Section47Enquiry:
    """Start the section 47 enquiry a strategy discussion decided on. The ICPC's due date
    (rule s47.icpc, from the strategy discussion) is stored on it."""
    if discussion_id is None:
        raise ValidationError(
            {
                "discussion": "A section 47 enquiry starts from a strategy discussion: "
                "record the strategy discussion first"
            }
        )
    discussion = (
        StrategyDiscussion.objects.select_for_update()
        .select_related("person", "involvement")
        .get(pk=discussion_id)
    )
    require_write_access(actor, discussion.person)
    held_on = discussion.held_on
    errors: dict[str, str] = {}
    if not discussion.s47_decided:
        errors["discussion"] = "This strategy discussion decided that no enquiry is needed"
    elif discussion.enquiries.exists():
        errors["discussion"] = "A section 47 enquiry has already started from this discussion"
    problem = _date_problem(started_on, "start date of the enquiry")
    if problem:
        errors["started_on"] = problem
    elif started_on is not None and started_on < held_on:
        errors["started_on"] = (
            f"The enquiry cannot start before the strategy discussion ({held_on:%d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    worker = social_worker or allocated_social_worker(discussion.person_id) or actor
    enquiry = Section47Enquiry.objects.create(
        person=discussion.person,
        discussion=discussion,
        discussion_on=held_on,
        team=discussion.involvement.team,
        social_worker=worker,
        started_on=started_on,
        icpc_due_on=due_on(ICPC_RULE, held_on),
        started_by=actor,
    )
    record_event(
        person_id=discussion.person_id,
        type="s47.started",
        occurred=started_on,
        summary="Section 47 enquiry started",
        recorded_by=actor,
        involvement=discussion.involvement,
        subject=enquiry,
        detail={"discussion": discussion.pk, "icpc_due_on": str(enquiry.icpc_due_on)},
    )
    return enquiry


def _locked_enquiry(enquiry_id: int, version: int | None) -> Section47Enquiry:
    enquiry = (
        Section47Enquiry.objects.select_for_update()
        .select_related("person", "discussion", "discussion__involvement")
        .get(pk=enquiry_id)
    )
    if version is not None and enquiry.version != version:
        raise ValidationError("The enquiry was changed since you opened it: check it again")
    return enquiry


@transaction.atomic
def complete_s47(
    *,
    actor: Worker,
    enquiry_id: int,
    completed_on: dt.date | None,
    outcome: str,
    icpc_needed: bool | None,
    findings: str,
    version: int | None = None,
) -> Section47Enquiry:
    """Close the enquiry with its outcome and whether an ICPC is needed (seed 000: s47
    outcomes were not recorded; an enquiry is never closed without one)."""
    enquiry = _locked_enquiry(enquiry_id, version)
    require_write_access(actor, enquiry.person)
    if not enquiry.is_open:
        raise ValidationError(f"This enquiry was completed on {enquiry.completed_on:%d %B %Y}")
    errors: dict[str, str] = {}
    if outcome not in S47Outcome.values:
        errors["outcome"] = "Choose the outcome of the section 47 enquiry"
    if icpc_needed is None:
        errors["icpc_needed"] = "Say whether an initial child protection conference is needed"
    problem = _date_problem(completed_on, "date the enquiry was completed")
    if problem:
        errors["completed_on"] = problem
    elif completed_on is not None and completed_on < enquiry.started_on:
        errors["completed_on"] = (
            f"The enquiry cannot end before it started ({enquiry.started_on:%d %B %Y})"
        )
    findings = _required(errors, "findings", findings, "Enter what the enquiry found")
    if errors:
        raise ValidationError(errors)
    enquiry.outcome = outcome
    enquiry.icpc_needed = icpc_needed
    enquiry.findings = findings
    enquiry.completed_on = completed_on
    enquiry.completed_by = actor
    if not icpc_needed:
        enquiry.icpc_due_on = None
    enquiry.version += 1
    enquiry.save()
    record_event(
        person_id=enquiry.person_id,
        type="s47.completed",
        occurred=completed_on,  # type: ignore[arg-type]
        summary=f"Section 47 enquiry: {enquiry.get_outcome_display()}. "
        + ("Initial child protection conference needed" if icpc_needed else "No conference"),
        recorded_by=actor,
        involvement=enquiry.discussion.involvement,
        subject=enquiry,
        detail={"outcome": outcome, "icpc_needed": icpc_needed},
    )
    return enquiry


# ---- conferences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    name: str
    agency: str
    attendance: str
    role: str = ""


def _check_attendees(attendees: Sequence[Attendee]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not attendees:
        errors["attendees"] = "Record who was invited and whether they attended"
    for i, a in enumerate(attendees, start=1):
        if not a.name.strip():
            errors[f"attendee_{i}_name"] = f"Enter the name of attendee {i}"
        if a.agency not in Agency.values:
            errors[f"attendee_{i}_agency"] = f"Choose the agency of attendee {i}"
        if a.attendance not in Attendance.values:
            errors[f"attendee_{i}_attendance"] = f"Say whether attendee {i} attended"
    return errors


def _save_attendees(attendees: Sequence[Attendee], **conference) -> None:
    ConferenceAttendee.objects.bulk_create(
        ConferenceAttendee(
            name=a.name.strip()[:150],
            agency=a.agency,
            role=a.role.strip()[:150],
            attendance=a.attendance,
            **conference,
        )
        for a in attendees
    )


def _episode_involvement(enquiry: Section47Enquiry) -> Involvement:
    """The open involvement of the enquiry's episode: its own, or the child's open child in
    need or child protection involvement if that one has moved on."""
    inv = enquiry.discussion.involvement
    if inv.is_open and inv.stage in (CIN, CP):
        return inv
    found = Involvement.objects.filter(
        person_id=enquiry.person_id, stage__in=(CIN, CP), ended_on__isnull=True
    ).first()
    if found is None:
        raise ValidationError(
            "The child has no open child in need episode: the plan cannot start. "
            "Check the child's involvements"
        )
    return found


@transaction.atomic
def record_icpc(
    *,
    actor: Worker,
    enquiry_id: int,
    held_on: dt.date | None,
    attendees: Sequence[Attendee],
    decision: str,
    category: str,
    chair: Worker | None,
    reasons: str,
) -> InitialConference:
    """Record the initial child protection conference. On a plan: the child steps up from
    child in need to child protection, any child in need plan ends, the child protection plan
    starts with its category, and its first core group, review conference and visit are due."""
    enquiry = _locked_enquiry(enquiry_id, None)
    require_write_access(actor, enquiry.person)
    if InitialConference.objects.filter(enquiry=enquiry).exists():
        raise ValidationError("The initial conference of this enquiry is already recorded")
    if enquiry.is_open:
        raise ValidationError(
            "Record the outcome of the section 47 enquiry first: it says whether a conference "
            "is needed"
        )
    if not enquiry.icpc_needed:
        raise ValidationError("The enquiry's outcome was that no conference is needed")
    errors: dict[str, str] = {}
    problem = _date_problem(held_on, "date of the conference")
    if problem:
        errors["held_on"] = problem
    elif held_on is not None and held_on < enquiry.discussion_on:
        errors["held_on"] = (
            "The conference cannot be before the strategy discussion "
            f"({enquiry.discussion_on:%d %B %Y})"
        )
    elif held_on is not None and held_on < enquiry.started_on:
        errors["held_on"] = (
            f"The conference cannot be before the enquiry started ({enquiry.started_on:%d %B %Y})"
        )
    if decision not in IcpcDecision.values:
        errors["decision"] = "Choose whether the child is to have a child protection plan"
    elif decision == IcpcDecision.PLAN and category not in CPCategory.values:
        errors["category"] = "Choose the category of the child protection plan"
    if not is_chair(chair):
        errors["chair"] = (
            "The chair must be an independent reviewing officer of the safeguarding and "
            "reviewing unit"
        )
    errors.update(_check_attendees(attendees))
    reasons = _required(errors, "reasons", reasons, "Enter the reasons for the decision")
    if errors:
        raise ValidationError(errors)
    assert held_on is not None and chair is not None
    plan = None
    if decision == IcpcDecision.PLAN:
        plan = _start_plan(actor, enquiry, held_on, category)
    else:
        category = ""
    conference = InitialConference.objects.create(
        enquiry=enquiry,
        person=enquiry.person,
        held_on=held_on,
        due_on=enquiry.icpc_due_on,
        decision=decision,
        category=category,
        reasons=reasons,
        chair=chair,
        plan=plan,
        recorded_by=actor,
    )
    _save_attendees(attendees, initial=conference)
    enquiry.icpc_held_on = held_on
    enquiry.version += 1
    enquiry.save(update_fields=["icpc_held_on", "version"])
    if plan is not None:
        CPPlanSchedule.objects.create(
            plan=plan,
            person=enquiry.person,
            conference=conference,
            core_group_from=held_on,
            core_group_due_on=due_on(CORE_GROUP_RULE, held_on),
            review_from=held_on,
            review_due_on=due_on(REVIEW_RULE, held_on),
        )
        Plan.objects.filter(pk=plan.pk).update(
            next_review_due_on=due_on(REVIEW_RULE, held_on), review_from=held_on
        )
        refresh_plan_visits(plan)
    late = conference.late
    record_event(
        person_id=enquiry.person_id,
        type="icpc.held",
        occurred=held_on,
        summary="Initial child protection conference: "
        + (f"child protection plan ({CPCategory(category).label.lower()})" if plan else "no plan")
        + (" — held after its due date" if late else ""),
        recorded_by=actor,
        involvement=plan.involvement if plan else enquiry.discussion.involvement,
        subject=conference,
        detail={
            "decision": decision,
            "category": category,
            "due_on": enquiry.icpc_due_on.isoformat() if enquiry.icpc_due_on else None,
            "late": late,
            "plan": plan.pk if plan else None,
        },
    )
    return conference


def _start_plan(actor: Worker, enquiry: Section47Enquiry, held_on: dt.date, category: str) -> Plan:
    inv = _episode_involvement(enquiry)
    if inv.stage == CIN:
        moved = run_transition(
            actor=actor,
            involvement_id=inv.pk,
            name=STEP_UP,
            on=held_on,
            reason="Initial child protection conference decided on a plan",
            detail={"enquiry": enquiry.pk},
        )
        assert moved is not None
        inv = moved
    for cin_plan in Plan.objects.filter(
        person_id=enquiry.person_id, kind=PlanKind.CHILD_IN_NEED, ended_on__isnull=True
    ):
        plans.end_plan(
            actor=actor,
            plan_id=cin_plan.pk,
            ended_on=max(held_on, cin_plan.started_on),
            reason="Stepped up to child protection",
        )
    owner = allocated_social_worker(enquiry.person_id) or enquiry.social_worker
    return plans.create_plan(
        actor=actor,
        involvement=inv,
        kind=PlanKind.CHILD_PROTECTION,
        started_on=held_on,
        category=category,
        owner=owner,
    )


def _locked_plan(plan_id: int) -> tuple[Plan, CPPlanSchedule]:
    plan = Plan.objects.select_for_update().select_related("person").get(pk=plan_id)
    if plan.kind != PlanKind.CHILD_PROTECTION:
        raise ValidationError("This is not a child protection plan")
    if not plan.is_open:
        raise ValidationError(f"This plan ended on {plan.ended_on:%d %B %Y}")
    schedule = (
        CPPlanSchedule.objects.select_for_update()
        .select_related("conference")
        .filter(plan=plan)
        .first()
    )
    if schedule is None:
        raise ValidationError("This plan has no initial child protection conference recorded")
    return plan, schedule


def _meeting_date_problem(
    held_on: dt.date | None, schedule: CPPlanSchedule, what: str, last: dt.date | None
) -> str:
    problem = _date_problem(held_on, f"date of the {what}")
    if problem or held_on is None:
        return problem
    icpc = schedule.conference.held_on
    if held_on < icpc:
        return f"The {what} cannot be before the initial conference ({icpc:%d %B %Y})"
    if last is not None and held_on < last:
        return f"The {what} cannot be before the last one ({last:%d %B %Y})"
    return ""


@dataclass(frozen=True)
class Progress:
    """Progress on one action of the plan, as the core group saw it."""

    action_id: int
    progress: str
    status: str


def live_actions(plan: Plan) -> list[PlanAction]:
    return list(plan.actions.filter(withdrawn_reason="", done_on__isnull=True))


@transaction.atomic
def record_core_group(
    *,
    actor: Worker,
    plan_id: int,
    held_on: dt.date | None,
    attendees: str,
    minutes: str,
    progress: Sequence[Progress],
) -> CoreGroup:
    """Record a core group meeting with progress against each live action of the plan; the
    next core group is due by the rule's repeat interval (6 weeks) from this one."""
    plan, schedule = _locked_plan(plan_id)
    require_write_access(actor, plan.person)
    errors: dict[str, str] = {}
    last = schedule.core_group_from if schedule.core_groups_held else None
    problem = _meeting_date_problem(held_on, schedule, "core group", last)
    if problem:
        errors["held_on"] = problem
    attendees = _required(errors, "attendees", attendees, "Enter who attended the core group")
    minutes = _required(errors, "minutes", minutes, "Enter the minutes of the core group")
    actions = {a.pk: a for a in live_actions(plan)}
    given = {p.action_id: p for p in progress}
    if given.keys() - actions.keys():
        errors["progress"] = "Progress was given for an action that is not live on this plan"
    for pk, action in actions.items():
        row = given.get(pk)
        if row is None or not row.progress.strip():
            errors[f"action_{pk}_progress"] = f"Enter the progress on '{action.what[:60]}'"
        if row is None or row.status not in ActionProgress.values:
            errors[f"action_{pk}_status"] = f"Say whether '{action.what[:60]}' is on track"
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    next_due = due_on(CORE_GROUP_RULE, held_on, repeat=True)
    meeting = CoreGroup.objects.create(
        plan=plan,
        held_on=held_on,
        due_on=schedule.core_group_due_on,
        attendees=attendees,
        minutes=minutes,
        next_due_on=next_due,
        recorded_by=actor,
    )
    ActionReview.objects.bulk_create(
        ActionReview(
            core_group=meeting,
            action_id=pk,
            progress=given[pk].progress.strip(),
            status=given[pk].status,
        )
        for pk in actions
    )
    done = [pk for pk in actions if given[pk].status == ActionProgress.DONE]
    for pk in done:
        PlanAction.objects.filter(pk=pk, done_on__isnull=True).update(
            done_on=held_on, done_note=f"Core group {held_on:%d %B %Y}: {given[pk].progress}"[:2000]
        )
    schedule.core_group_from = held_on
    schedule.core_groups_held += 1
    schedule.core_group_due_on = next_due
    schedule.save(update_fields=["core_group_from", "core_groups_held", "core_group_due_on"])
    behind = sum(1 for pk in actions if given[pk].status == ActionProgress.NOT_ON_TRACK)
    record_event(
        person_id=plan.person_id,
        type="core_group.held",
        occurred=held_on,
        summary=f"Core group: {len(actions)} actions reviewed, {behind} not on track, "
        f"{len(done)} done" + (" — held after its due date" if meeting.late else ""),
        recorded_by=actor,
        involvement=plan.involvement,
        subject=meeting,
        detail={"plan": plan.pk, "late": meeting.late, "next_due_on": next_due.isoformat()},
    )
    return meeting


@transaction.atomic
def record_review_conference(
    *,
    actor: Worker,
    plan_id: int,
    held_on: dt.date | None,
    attendees: Sequence[Attendee],
    decision: str,
    chair: Worker | None,
    summary: str,
    end_reason: str = "",
    category: str = "",
) -> ReviewConference:
    """Record a review child protection conference: continue the plan (its category may
    change), or end it — stepping the child down to child in need, with a child in need plan
    when the conference decides so."""
    plan, schedule = _locked_plan(plan_id)
    require_write_access(actor, plan.person)
    errors: dict[str, str] = {}
    last = schedule.review_from if schedule.reviews_held else None
    problem = _meeting_date_problem(held_on, schedule, "review conference", last)
    if problem:
        errors["held_on"] = problem
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose what the conference decided"
    elif decision != ReviewDecision.CONTINUE and not end_reason.strip():
        errors["end_reason"] = "Enter why the plan is ending"
    if category and category not in CPCategory.values:
        errors["category"] = "Choose the category of the child protection plan"
    if not is_chair(chair):
        errors["chair"] = (
            "The chair must be an independent reviewing officer of the safeguarding and "
            "reviewing unit"
        )
    errors.update(_check_attendees(attendees))
    summary = _required(errors, "summary", summary, "Enter a summary of the conference")
    if errors:
        raise ValidationError(errors)
    assert held_on is not None and chair is not None
    before = plan.category
    continuing = decision == ReviewDecision.CONTINUE
    next_due = due_on(REVIEW_RULE, held_on, repeat=True) if continuing else None
    review = ReviewConference.objects.create(
        plan=plan,
        held_on=held_on,
        due_on=schedule.review_due_on,
        decision=decision,
        end_reason="" if continuing else end_reason.strip()[:300],
        category_before=before,
        category_after=(category or before) if continuing else "",
        summary=summary,
        chair=chair,
        next_due_on=next_due,
        recorded_by=actor,
    )
    _save_attendees(attendees, review=review)
    schedule.reviews_held += 1
    schedule.review_from = held_on
    if continuing:
        assert next_due is not None
        schedule.review_due_on = next_due
        if category and category != before:
            plans.change_category(
                actor=actor,
                plan_id=plan.pk,
                category=category,
                on=held_on,
                reason="Review child protection conference",
            )
    schedule.save(update_fields=["reviews_held", "review_from", "review_due_on"])
    Plan.objects.filter(pk=plan.pk).update(
        last_review_on=held_on, next_review_due_on=next_due, review_from=held_on
    )
    if not continuing:
        _end_plan(actor, plan, held_on, review.end_reason, cin_plan=decision == "step_down")
    record_event(
        person_id=plan.person_id,
        type="review_conference.held",
        occurred=held_on,
        summary=f"Review child protection conference: {review.get_decision_display().lower()}"
        + (f" ({review.end_reason})" if review.end_reason else "")
        + (" — held after its due date" if review.late else ""),
        recorded_by=actor,
        involvement=plan.involvement,
        subject=review,
        detail={"plan": plan.pk, "decision": decision, "late": review.late},
    )
    return review


def _end_plan(actor: Worker, plan: Plan, on: dt.date, reason: str, *, cin_plan: bool) -> None:
    """End the plan and step the child down to child in need (the episode continues until
    it is closed with its reason), with a child in need plan if the conference decided so."""
    plans.end_plan(actor=actor, plan_id=plan.pk, ended_on=on, reason=reason)
    inv = plan.involvement
    if not (inv.is_open and inv.stage == CP):
        return
    moved = run_transition(actor=actor, involvement_id=inv.pk, name=STEP_DOWN, on=on, reason=reason)
    if cin_plan and moved is not None:
        plans.create_plan(
            actor=actor,
            involvement=moved,
            kind=PlanKind.CHILD_IN_NEED,
            started_on=on,
            owner=plan.owner,
        )


# ---- police protection and emergency protection orders -------------------------------------


def protection_summary(
    kind: str, started_on: dt.date, ended_on: dt.date | None, court: str = ""
) -> str:
    """The chronology's line for police protection or an emergency protection order."""
    text = ProtectionKind(kind).label
    if kind == ProtectionKind.EPO and court:
        text += f", made by {court}"
    text += f", from {started_on:%-d %B %Y}"
    return text + (f" to {ended_on:%-d %B %Y}" if ended_on else "")


def protection_detail(
    kind: str, ended_on: dt.date | None, court: str, discussion_id: int | None
) -> dict:
    return {
        "kind": kind,
        "ended_on": ended_on.isoformat() if ended_on else None,
        "court": court,
        "discussion": discussion_id,
    }


def _protection_involvement(
    person: Person, started_on: dt.date, discussion: StrategyDiscussion | None
) -> Involvement | None:
    """The child's child in need or child protection involvement open on the day the
    protection started; else the strategy discussion's; else one opened since that is still
    open (the referral the protection led to)."""
    episodes = Involvement.objects.filter(person=person, stage__in=(CIN, CP)).order_by(
        "-started_on", "-pk"
    )
    found = (
        episodes.filter(started_on__lte=started_on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
        .first()
    )
    if found is None and discussion is not None:
        found = discussion.involvement
    if found is None:
        found = episodes.filter(ended_on__isnull=True, started_on__gte=started_on).first()
    return found


@transaction.atomic
def record_emergency_protection(
    actor: Worker,
    person_id: int,
    *,
    kind: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    court: str,
    circumstances: str,
    discussion_id: int | None = None,
) -> EmergencyProtection:
    """Record that the child was in police protection (s46) or under an emergency protection
    order (s44). Without an end date it was still in force (or its end is not known)."""
    person = Person.objects.select_for_update().get(pk=person_id)
    require_write_access(actor, person)
    errors: dict[str, str] = {}
    if kind not in ProtectionKind.values:
        errors["kind"] = "Choose police protection or an emergency protection order"
    problem = _date_problem(started_on, "date it started")
    if problem:
        errors["started_on"] = problem
    elif started_on is not None and person.is_unborn:
        errors["started_on"] = "The child is not born yet: record their date of birth first"
    elif started_on is not None and person.date_of_birth and started_on < person.date_of_birth:
        errors["started_on"] = (
            f"It cannot start before the child was born ({person.date_of_birth:%-d %B %Y})"
        )
    if started_on is not None and ended_on is not None and "started_on" not in errors:
        if ended_on < started_on:
            errors["ended_on"] = (
                f"The end date cannot be before the start date ({started_on:%-d %B %Y})"
            )
        elif kind in ProtectionKind.values:
            longest = MAX_PROTECTION_DAYS[ProtectionKind(kind)]
            if (ended_on - started_on).days > longest:
                last = started_on + dt.timedelta(days=longest)
                errors["ended_on"] = (
                    f"Police protection lasts at most 72 hours: it must end by {last:%-d %B %Y}"
                    if kind == ProtectionKind.POLICE
                    else "An emergency protection order lasts at most 8 days, extended once by "
                    f"up to 7: it must end by {last:%-d %B %Y}"
                )
    court = (court or "").strip()
    if kind == ProtectionKind.EPO and not court:
        errors["court"] = "Enter the court that made the emergency protection order"
    circumstances = _required(errors, "circumstances", circumstances, "Enter what happened and why")
    discussion = None
    if discussion_id is not None:
        discussion = (
            StrategyDiscussion.objects.filter(pk=discussion_id)
            .filter(Q(person=person) | Q(person__merged_into=person))
            .select_related("involvement")
            .first()
        )
        if discussion is None:
            errors["discussion"] = "Choose one of this child's strategy discussions"
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    if kind == ProtectionKind.POLICE:
        court = ""  # police protection is not a court's order
    involvement = _protection_involvement(person, started_on, discussion)
    protection = EmergencyProtection.objects.create(
        person=person,
        involvement=involvement,
        discussion=discussion,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        court=court[:150],
        circumstances=circumstances,
        recorded_by=actor,
    )
    record_event(
        person_id=person.pk,
        type="emergency_protection.started",
        occurred=started_on,
        summary=protection_summary(kind, started_on, ended_on, court),
        recorded_by=actor,
        involvement=involvement,
        subject=protection,
        detail=protection_detail(kind, ended_on, court, discussion.pk if discussion else None),
    )
    return protection
