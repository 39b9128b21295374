"""Practitioner actions on an early help episode, one transaction each, each writing its event.

The Early Help Hub (seed 004, the Integrated Front Door) takes the early help involvements the
front door's decisions open (and the step downs from children's social care): a manager sets
the episode up with its lead practitioner — a Kinfold worker or a named practitioner at a
partner agency — the family members in the plan and the reason; the lead records the plan
(outcomes, and actions: what, who, by when) and reviews it (due every 3 months by default,
rule `early_help.review`); the episode ends with a reason, or the child is stepped up to
children's social care (a referral with source 5D "early help", which keeps the step in the
child's history), or a team manager steps a child in need down to early help with the CIN
census closure reason (RC9 or RC7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kinfold.access.guards import is_administrator
from kinfold.access.permissions import require_write_access
from kinfold.front_door.codes import REFERRAL_OUTCOMES, PrimaryNeed, ReferralSource
from kinfold.front_door.models import PartnerOrganisation, Referral
from kinfold.front_door.services import accept_referral, district_team
from kinfold.journey.events import record_event
from kinfold.journey.models import Involvement
from kinfold.journey.services import run_transition
from kinfold.people.models import Person
from kinfold.timescales.calendar import due_on
from kinfold.workforce.models import OrgUnit, Role, Worker
from kinfold.workforce.selectors import current_allocations

from .codes import ENDED_BY_FORM, CinClosureReason, EndReason, FamilyRole
from .models import EarlyHelpEpisode, EarlyHelpPlan, EarlyHelpReview, FamilyMember, PlanAction
from .selectors import early_help_hub

EARLY_HELP = "early_help"
CHILD_IN_NEED = "child_in_need"
REVIEW_RULE = "early_help.review"
# Who sets an episode up (chooses its lead) and may step any child up.
MANAGING_ROLES = (Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER)


class StaleEpisode(ValidationError):
    """The episode changed since the worker opened it."""


def is_manager(worker: Worker) -> bool:
    return worker.role in MANAGING_ROLES or is_administrator(worker)


def can_step_down(worker: Worker) -> bool:
    return worker.role == Role.TEAM_MANAGER or is_administrator(worker)


def can_step_up(worker: Worker, involvement: Involvement, episode: EarlyHelpEpisode | None) -> bool:
    """The lead worker, a worker allocated to the child, or a manager."""
    if is_manager(worker):
        return True
    if episode is not None and episode.lead_worker_id == worker.pk:
        return True
    return current_allocations().filter(person_id=involvement.person_id, worker=worker).exists()


def _date_problem(value: dt.date | None, what: str, not_before: dt.date, since: str) -> str:
    if value is None:
        return f"Enter the {what}"
    if value > timezone.localdate():
        return f"The {what} must be today or in the past"
    if value < not_before:
        return f"The {what} must be on or after {since} ({not_before:%d %B %Y})"
    return ""


def review_due(review_from: dt.date, *, repeat: bool) -> dt.date:
    """The next review's due date: the rule's first interval after the start, its repeat
    interval after a review."""
    return due_on(REVIEW_RULE, review_from, repeat=repeat)


def _open_involvement(involvement_id: int, stage: str) -> Involvement:
    inv = Involvement.objects.select_for_update().select_related("person").get(pk=involvement_id)
    if inv.stage != stage:
        raise ValidationError(f"This is a {inv.stage_label.lower()} involvement, not {stage}")
    if not inv.is_open:
        raise ValidationError(f"This involvement ended on {inv.ended_on:%d %B %Y}")
    return inv


def _locked_episode(involvement: Involvement, version: int | None) -> EarlyHelpEpisode | None:
    episode = EarlyHelpEpisode.objects.select_for_update().filter(involvement=involvement).first()
    if episode is not None and version is not None and episode.version != version:
        raise StaleEpisode("This early help episode was changed since you opened it: check it")
    return episode


def _bump(episode: EarlyHelpEpisode, *fields: str) -> None:
    episode.version += 1
    episode.save(update_fields=[*fields, "version"])


# ---- setting the episode up -----------------------------------------------------------------


@dataclass(frozen=True)
class Lead:
    """The lead practitioner: a Kinfold worker, or a named person at a partner agency."""

    worker: Worker | None = None
    organisation: PartnerOrganisation | None = None
    name: str = ""
    role: str = ""


def check_lead(lead: Lead) -> dict[str, str]:
    if lead.worker is not None and lead.organisation is not None:
        return {"lead": "Choose a Kinfold worker or a partner agency's practitioner, not both"}
    if lead.worker is None and lead.organisation is None:
        return {"lead": "Choose the lead practitioner"}
    errors: dict[str, str] = {}
    if lead.worker is not None and not lead.worker.is_active:
        errors["lead_worker"] = f"{lead.worker} has left: choose another lead practitioner"
    if lead.organisation is not None:
        if not lead.organisation.active:
            errors["lead_organisation"] = f"{lead.organisation} is no longer a partner agency"
        if not lead.name.strip():
            errors["lead_name"] = f"Enter the name of the lead practitioner at {lead.organisation}"
    return errors


def _check_family(child: Person, family: Sequence[tuple[Person, str]]) -> dict[str, str]:
    for person, role in family:
        if person.pk == child.pk:
            return {"family": f"{child.full_name} is the episode's child, not a family member"}
        if role not in FamilyRole.values:
            return {"family": f"Choose {person.full_name}'s part in the plan"}
    return {}


@transaction.atomic
def set_up_episode(
    *,
    actor: Worker,
    involvement_id: int,
    started_on: dt.date | None,
    lead: Lead,
    reason: str,
    family: Sequence[tuple[Person, str]] = (),
    version: int | None = None,
) -> EarlyHelpEpisode:
    """The hub's manager sets up the episode of an early help involvement: the lead
    practitioner, the family members in the plan, the reason for early help. The first review
    falls due from the start date (rule `early_help.review`)."""
    inv = _open_involvement(involvement_id, EARLY_HELP)
    require_write_access(actor, inv.person)
    if not is_manager(actor):
        raise PermissionDenied(
            "Only team managers, consultant social workers and administrators set up early help"
        )
    episode = _locked_episode(inv, version)
    if episode is not None and episode.has_lead:
        raise ValidationError("This early help episode is already set up")
    errors = check_lead(lead)
    if not reason.strip():
        errors["reason"] = "Enter why the family needs early help"
    problem = _date_problem(started_on, "start date", inv.started_on, "early help began")
    if problem:
        errors["started_on"] = problem
    errors.update(_check_family(inv.person, family))
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    if episode is None:
        episode = EarlyHelpEpisode(involvement=inv, person=inv.person)
    episode.started_on = started_on
    episode.reason = reason.strip()
    episode.lead_worker = lead.worker
    episode.lead_organisation = lead.organisation
    episode.lead_name = lead.name.strip() if lead.organisation else ""
    episode.lead_role = lead.role.strip() if lead.organisation else ""
    episode.lead_since = started_on
    episode.set_up_by = actor
    if episode.reviews_held == 0:
        episode.review_from = started_on
        episode.review_due_on = review_due(started_on, repeat=False)
    if episode.pk is None:
        episode.save()
    else:
        _bump(
            episode,
            "started_on",
            "reason",
            "lead_worker",
            "lead_organisation",
            "lead_name",
            "lead_role",
            "lead_since",
            "set_up_by",
            "review_from",
            "review_due_on",
        )
    known = set(episode.family_members.values_list("person_id", flat=True))
    seen: set[int] = set()
    members = []
    for person, role in family:
        if person.pk not in known and person.pk not in seen:
            seen.add(person.pk)
            members.append(
                FamilyMember(episode=episode, person=person, role=role, added_on=started_on)
            )
    FamilyMember.objects.bulk_create(members)
    record_event(
        person_id=inv.person_id,
        type="early_help.set_up",
        occurred=started_on,
        summary=f"Early help set up, led by {episode.lead_label}",
        recorded_by=actor,
        involvement=inv,
        subject=episode,
        detail={
            "lead_worker": episode.lead_worker_id,
            "lead_organisation": episode.lead_organisation_id,
            "family": [m.person_id for m in members],
        },
    )
    return episode


# ---- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLine:
    what: str
    who: str
    due_on: dt.date | None


def _episode_for_recording(actor: Worker, involvement_id: int, version: int | None):
    inv = _open_involvement(involvement_id, EARLY_HELP)
    require_write_access(actor, inv.person)
    episode = _locked_episode(inv, version)
    if episode is None or not episode.has_lead:
        raise ValidationError("Set up the early help episode and its lead practitioner first")
    return inv, episode


@transaction.atomic
def record_plan(
    *,
    actor: Worker,
    involvement_id: int,
    agreed_on: dt.date | None,
    outcomes: Sequence[str],
    actions: Sequence[ActionLine],
    change_reason: str = "",
    version: int | None = None,
) -> EarlyHelpPlan:
    """Record the family's plan, or revise it: a revision is a new version with the reason,
    and the earlier versions are kept."""
    inv, episode = _episode_for_recording(actor, involvement_id, version)
    latest = episode.plans.order_by("-number").first()
    errors: dict[str, str] = {}
    problem = _date_problem(agreed_on, "date the plan was agreed", episode.started_on, "the start")
    if problem:
        errors["agreed_on"] = problem
    wanted = [o.strip() for o in outcomes if o.strip()]
    if not wanted:
        errors["outcomes"] = "Enter at least one outcome the family wants to reach"
    lines = [a for a in actions if a.what.strip() or a.who.strip() or a.due_on is not None]
    if not lines:
        errors["actions"] = "Enter at least one action: what, who and by when"
    for i, line in enumerate(actions, start=1):
        if line not in lines:
            continue
        if not line.what.strip():
            errors[f"action_{i}_what"] = f"Enter what action {i} is"
        if not line.who.strip():
            errors[f"action_{i}_who"] = f"Enter who will do action {i}"
        if line.due_on is None:
            errors[f"action_{i}_due_on"] = f"Enter when action {i} is due"
        elif agreed_on is not None and line.due_on < agreed_on:
            errors[f"action_{i}_due_on"] = f"Action {i} must be due after the plan was agreed"
    if latest is not None and not change_reason.strip():
        errors["change_reason"] = "Enter why the plan is changing"
    if errors:
        raise ValidationError(errors)
    assert agreed_on is not None
    plan = EarlyHelpPlan.objects.create(
        episode=episode,
        number=(latest.number + 1) if latest else 1,
        agreed_on=agreed_on,
        outcomes=wanted,
        change_reason=change_reason.strip()[:300],
        recorded_by=actor,
    )
    PlanAction.objects.bulk_create(
        PlanAction(plan=plan, what=a.what.strip(), who=a.who.strip(), due_on=a.due_on)
        for a in lines
        if a.due_on is not None  # every line has one: checked above
    )
    _bump(episode)
    revised = latest is not None
    record_event(
        person_id=inv.person_id,
        type="early_help.plan_revised" if revised else "early_help.plan_recorded",
        occurred=agreed_on,
        summary=(
            f"Early help plan revised (version {plan.number}): {plan.change_reason}"
            if revised
            else f"Early help plan agreed: {len(wanted)} outcomes, {len(lines)} actions"
        ),
        recorded_by=actor,
        involvement=inv,
        subject=plan,
        detail={"plan": plan.pk, "number": plan.number},
    )
    return plan


# ---- reviews --------------------------------------------------------------------------------


@transaction.atomic
def record_review(
    *,
    actor: Worker,
    involvement_id: int,
    held_on: dt.date | None,
    progress: str,
    version: int | None = None,
) -> EarlyHelpReview:
    """Record a review of the plan with the family; the next review falls due the rule's
    repeat interval after it."""
    inv, episode = _episode_for_recording(actor, involvement_id, version)
    errors: dict[str, str] = {}
    last = episode.reviews.order_by("-held_on").first()
    if last is not None:
        problem = _date_problem(held_on, "review date", last.held_on, "the last review")
    else:
        problem = _date_problem(held_on, "review date", episode.started_on, "early help started")
    if problem:
        errors["held_on"] = problem
    if not progress.strip():
        errors["progress"] = "Enter the progress made against the plan"
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    next_due = review_due(held_on, repeat=True)
    review = EarlyHelpReview.objects.create(
        episode=episode,
        held_on=held_on,
        was_due_on=episode.review_due_on,
        progress=progress.strip(),
        next_review_due_on=next_due,
        recorded_by=actor,
    )
    episode.review_from = held_on
    episode.reviews_held += 1
    episode.review_due_on = next_due
    _bump(episode, "review_from", "reviews_held", "review_due_on")
    late = review.late
    record_event(
        person_id=inv.person_id,
        type="early_help.review_held",
        occurred=held_on,
        summary=f"Early help review held{' (late)' if late else ''}; next due {next_due:%d %B %Y}",
        recorded_by=actor,
        involvement=inv,
        subject=review,
        detail={"review": review.pk, "was_due_on": str(review.was_due_on), "late": late},
    )
    return review


# ---- the end, stepping up and down ----------------------------------------------------------


def _episode_to_end(inv: Involvement, version: int | None) -> EarlyHelpEpisode:
    """The episode (one is written for an involvement ended before it was set up, so every
    early help involvement keeps its end reason)."""
    episode = _locked_episode(inv, version)
    if episode is None:
        episode = EarlyHelpEpisode.objects.create(
            involvement=inv,
            person=inv.person,
            started_on=inv.started_on,
            reason="",
            review_from=inv.started_on,
        )
    return episode


def _finish(
    episode: EarlyHelpEpisode, *, actor: Worker, ended_on: dt.date, reason: str, detail: str
) -> None:
    episode.ended_on = ended_on
    episode.end_reason = reason
    episode.end_detail = detail
    _bump(episode, "ended_on", "end_reason", "end_detail")
    record_event(
        person_id=episode.person_id,
        type="early_help.ended",
        occurred=ended_on,
        summary=f"Early help ended: {EndReason(reason).label}" + (f". {detail}" if detail else ""),
        recorded_by=actor,
        involvement=episode.involvement,
        subject=episode,
        detail={"reason": reason},
    )


@transaction.atomic
def end_episode(
    *,
    actor: Worker,
    involvement_id: int,
    ended_on: dt.date | None,
    reason: str,
    detail: str = "",
    version: int | None = None,
) -> EarlyHelpEpisode:
    """End early help with the reason (a step up has its own action, which makes the
    referral). Closes the involvement by the transition `early_help.close`."""
    inv = _open_involvement(involvement_id, EARLY_HELP)
    require_write_access(actor, inv.person)
    errors: dict[str, str] = {}
    if reason == EndReason.STEPPED_UP:
        errors["reason"] = "To step up to children's social care, use 'Step up' instead"
    elif reason not in ENDED_BY_FORM:
        errors["reason"] = "Choose why early help is ending"
    elif reason == EndReason.OTHER and not detail.strip():
        errors["detail"] = "Enter why early help is ending"
    problem = _date_problem(ended_on, "end date", inv.started_on, "early help started")
    if problem:
        errors["ended_on"] = problem
    if errors:
        raise ValidationError(errors)
    assert ended_on is not None
    episode = _episode_to_end(inv, version)
    label = EndReason(reason).label
    run_transition(
        actor=actor,
        involvement_id=inv.pk,
        name="early_help.close",
        on=ended_on,
        reason=f"{label}: {detail.strip()}" if detail.strip() else label,
        detail={"end_reason": reason},
    )
    _finish(episode, actor=actor, ended_on=ended_on, reason=reason, detail=detail.strip())
    return episode


@transaction.atomic
def step_up(
    *,
    actor: Worker,
    involvement_id: int,
    primary_need: str,
    route: str,
    reason: str,
    team: OrgUnit | None = None,
    version: int | None = None,
) -> Referral:
    """Step a child up from early help to children's social care: a referral today with source
    5D (early help) to the district assessment team (or the team chosen), which opens or joins
    the CIN episode and keeps the step (`stepped_from`) in the child's history."""
    inv = _open_involvement(involvement_id, EARLY_HELP)
    require_write_access(actor, inv.person)
    episode = _locked_episode(inv, version)
    if not can_step_up(actor, inv, episode):
        raise PermissionDenied(
            "Only the lead practitioner, a worker allocated to the child or a manager can "
            "step a child up"
        )
    errors: dict[str, str] = {}
    if primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Choose the child's primary need"
    if route not in REFERRAL_OUTCOMES:
        errors["route"] = "Choose assessment or strategy discussion"
    if not reason.strip():
        errors["reason"] = "Enter why the child needs children's social care"
    team = team or district_team(inv.person)
    if team is None:
        errors["team"] = "Choose the team: no district assessment team serves the child's address"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    episode = _episode_to_end(inv, None) if episode is None else episode
    referral = accept_referral(
        actor=actor,
        person=inv.person,
        referral_date=today,
        source=ReferralSource.EARLY_HELP,
        primary_need=primary_need,
        route=route,
        team=team,
        from_involvement=inv,
        reason=reason.strip(),
    )
    _finish(
        episode, actor=actor, ended_on=today, reason=EndReason.STEPPED_UP, detail=reason.strip()
    )
    return referral


@transaction.atomic
def step_down(
    *,
    actor: Worker,
    involvement_id: int,
    closure_reason: str,
    reason: str,
    version: int | None = None,
) -> EarlyHelpEpisode:
    """A team manager steps a child in need down to early help: the CIN episode closes today
    with the census closure reason (RC9 or RC7, kept in the transition's event), and an early
    help episode opens with the Early Help Hub, stepped from it, awaiting its lead."""
    inv = Involvement.objects.select_related("person").get(pk=involvement_id)
    require_write_access(actor, inv.person)
    if not can_step_down(actor):
        raise PermissionDenied("Only a team manager can step a child down to early help")
    if inv.stage != CHILD_IN_NEED:
        raise ValidationError("Only a child in need episode steps down to early help")
    errors: dict[str, str] = {}
    if closure_reason not in CinClosureReason.values:
        errors["closure_reason"] = "Choose why the child in need episode closes"
    if not reason.strip():
        errors["reason"] = "Enter why the child is stepping down to early help"
    if errors:
        raise ValidationError(errors)
    # Stepping down closes the CIN episode: what closing refuses, this refuses too, and the
    # census closure (date and reason) is recorded as closing records it.
    from kinfold.child_in_need.models import CINClosure
    from kinfold.child_in_need.services import episode_referral, open_items

    still_open = open_items(inv)
    if still_open:
        raise ValidationError(
            ["The child cannot step down while these are open:"]
            + [item.message for item in still_open]
        )
    today = timezone.localdate()
    code = CinClosureReason(closure_reason)
    referral = episode_referral(inv)
    new = run_transition(
        actor=actor,
        involvement_id=inv.pk,
        name="child_in_need.step_down",
        on=today,
        reason=f"{code.value} {code.label}: {reason.strip()}",
        team=early_help_hub(),
        version=version,
        facts={"closure_reason": code.value},
        detail={"closure_reason": code.value, "closure_reason_label": code.label},
    )
    assert new is not None
    if referral is not None and not CINClosure.objects.filter(referral=referral).exists():
        CINClosure.objects.create(
            referral=referral,
            person=inv.person,
            involvement=inv,
            closed_on=today,
            reason=code.value,
            note=reason.strip(),
            recorded_by=actor,
        )
    return EarlyHelpEpisode.objects.create(
        involvement=new,
        person=inv.person,
        started_on=today,
        reason=reason.strip(),
        review_from=today,
        review_due_on=review_due(today, repeat=False),
        set_up_by=actor,
    )
