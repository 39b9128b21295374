"""Practitioner actions on a single assessment, one transaction each (Working Together 2023,
chapter 3: an assessment completed within 45 working days of the referral).

A social worker starts the assessment from the child's open CIN episode (for the episode's
latest referral), records its parts — the factors identified (CIN census codes), the child
seen and seen alone, the child's and parents' views, the analysis, the outcome — each keeping
when it was first recorded, and completes it; a team manager or consultant social worker, not
its author, authorises it. What the outcome says is only recorded here: the child protection
app reads outcome "strategy", the children in need app starts a CIN plan or closes the episode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kinfold.access.guards import is_administrator
from kinfold.access.permissions import require_write_access
from kinfold.front_door.models import Referral
from kinfold.journey.events import record_event
from kinfold.journey.models import Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.timescales.calendar import due_on as calendar_due_on
from kinfold.workforce.models import Role, Worker

from .codes import Factor, Outcome, Part
from .models import Assessment, AssessmentFactor

RULE = "assessment.single"
# The stages of a CIN episode an assessment is started from (a child on a CP plan is in one).
EPISODE_STAGES = ("child_in_need", "child_protection")
AUTHORISING_ROLES = (Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER)
ASSESSING_ROLES = (Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER, Role.TEAM_MANAGER)
PART_FIELDS: dict[str, tuple[str, ...]] = {
    Part.FACTORS: ("factors",),
    Part.SEEN: ("child_seen_on", "seen_alone_on", "seen_note", "not_seen_reason"),
    Part.VIEWS: ("child_views", "child_views_reason", "parents_views", "parents_views_reason"),
    Part.ANALYSIS: ("analysis",),
    Part.OUTCOME: ("outcome", "outcome_reason"),
}


class StaleAssessment(ValidationError):
    """The assessment changed since the worker opened it."""


def can_authorise(worker: Worker) -> bool:
    return worker.role in AUTHORISING_ROLES or is_administrator(worker)


def due_on(clock_from: dt.date) -> dt.date:
    """45 working days (the rule in force on day 0) after the referral."""
    return calendar_due_on(RULE, clock_from)


def episode_involvements(involvement: Involvement) -> list[Involvement]:
    """The involvement and those it stepped from within the CIN episode, latest first."""
    chain = [involvement]
    seen = {involvement.pk}
    current = involvement
    while current.stepped_from_id and current.stepped_from_id not in seen:
        previous = Involvement.objects.get(pk=current.stepped_from_id)
        if previous.stage not in EPISODE_STAGES:
            break
        chain.append(previous)
        seen.add(previous.pk)
        current = previous
    return chain


def episode_referral(involvement: Involvement) -> Referral | None:
    """The latest referral of the CIN episode the involvement belongs to."""
    ids = [i.pk for i in episode_involvements(involvement)]
    return Referral.objects.filter(involvement_id__in=ids).order_by("-referral_date", "-id").first()


def _date_problem(value: dt.date | None, what: str) -> str:
    if value is None:
        return f"Enter the {what}"
    if value > timezone.localdate():
        return f"The {what} must be today or in the past"
    return ""


def _locked(assessment_id: int, version: int | None) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update().select_related("person").get(pk=assessment_id)
    )
    if version is not None and assessment.version != version:
        raise StaleAssessment("This assessment was changed since you opened it: check it again")
    return assessment


def _bump(assessment: Assessment, *fields: str) -> None:
    assessment.version += 1
    assessment.save(update_fields=[*fields, "version"])


# ---- starting -------------------------------------------------------------------------------


@transaction.atomic
def start_assessment(
    *,
    actor: Worker,
    involvement_id: int,
    started_on: dt.date,
    social_worker: Worker | None = None,
) -> Assessment:
    """Start a single assessment in the child's open CIN episode, for its latest referral.
    The clock runs from that referral's date; a reassessment for a referral already assessed
    runs from its own start. One assessment is open at a time."""
    inv = Involvement.objects.select_for_update().select_related("person").get(pk=involvement_id)
    person = inv.person
    require_write_access(actor, person)
    if inv.stage not in EPISODE_STAGES or not inv.is_open:
        raise ValidationError(
            "An assessment is started from the child's open child in need episode"
        )
    referral = episode_referral(inv)
    if referral is None:
        raise ValidationError(
            "This episode has no referral: an assessment follows a referral to children's "
            "social care"
        )
    social_worker = social_worker or actor
    errors: dict[str, str] = {}
    problem = _date_problem(started_on, "start date")
    if problem:
        errors["started_on"] = problem
    elif started_on < referral.referral_date:
        errors["started_on"] = (
            f"The assessment cannot start before the referral ({referral.referral_date:%-d %B %Y})"
        )
    if not social_worker.is_active or social_worker.role not in ASSESSING_ROLES:
        errors["social_worker"] = "Choose a social worker to carry out the assessment"
    earlier = Assessment.objects.filter(person=person).order_by("-started_on", "-id")
    open_one = earlier.filter(completed_on__isnull=True).first()
    if open_one is not None:
        errors["started_on"] = (
            f"The assessment started on {open_one.started_on:%-d %B %Y} is still open: "
            "complete it before starting another"
        )
    last = earlier.filter(referral=referral).first()
    if (
        "started_on" not in errors
        and last is not None
        and last.completed_on
        and started_on < last.completed_on
    ):
        errors["started_on"] = (
            "A reassessment starts on or after the previous assessment was completed "
            f"({last.completed_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    clock_from = started_on if last is not None else referral.referral_date
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                person=person,
                referral=referral,
                involvement=inv,
                team=referral.team,
                social_worker=social_worker,
                clock_from=clock_from,
                started_on=started_on,
                due_on=due_on(clock_from),
                started_by=actor,
            )
    except IntegrityError as error:  # a concurrent start
        raise ValidationError(
            {"started_on": f"{person.full_name} already has an open assessment"}
        ) from error
    record_event(
        person_id=person.pk,
        type="assessment.started",
        occurred=started_on,
        summary=f"Single assessment started by {social_worker.get_full_name() or social_worker}"
        f", due {assessment.due_on:%-d %B %Y}",
        recorded_by=actor,
        involvement=inv,
        subject=assessment,
        detail={
            "assessment": assessment.pk,
            "referral": referral.pk,
            "due_on": assessment.due_on.isoformat(),
            "reassessment": last is not None,
        },
    )
    return assessment


# ---- recording the parts --------------------------------------------------------------------


def _factors_problem(codes: Iterable[str]) -> tuple[list[str], str]:
    chosen = list(dict.fromkeys(c.strip().upper() for c in codes if c and c.strip()))
    if not chosen:
        return [], "Choose the factors identified, or “No factors identified”"
    unknown = [c for c in chosen if c not in Factor.values]
    if unknown:
        return [], f"Choose factors from the list ({', '.join(unknown)} is not a census factor)"
    if Factor.NONE in chosen and len(chosen) > 1:
        return [], "“No factors identified” cannot be chosen with other factors"
    return chosen, ""


def _check_seen(assessment: Assessment, data: dict[str, Any]) -> dict[str, Any]:
    """The child seen and seen alone: dates entered, or taken from a linked visit."""
    errors: dict[str, str] = {}
    note: CaseNote | None = data.get("seen_note")
    seen_on: dt.date | None = data.get("child_seen_on")
    alone_on: dt.date | None = data.get("seen_alone_on")
    reason = (data.get("not_seen_reason") or "").strip()
    if note is not None:
        if note.person_id != assessment.person_id or note.type not in VISIT_TYPES:
            errors["seen_note"] = "Choose a visit to this child"
        elif not note.child_seen:
            errors["seen_note"] = "The child was not seen on that visit: choose another"
        else:
            visit_on = timezone.localdate(note.occurred_at)
            seen_on = seen_on or visit_on
            if note.seen_alone and alone_on is None:
                alone_on = visit_on
    if alone_on is not None and seen_on is None:
        seen_on = alone_on
    for field, value, what in (
        ("child_seen_on", seen_on, "date the child was seen"),
        ("seen_alone_on", alone_on, "date the child was seen alone"),
    ):
        if value is None or field in errors:
            continue
        if value > timezone.localdate():
            errors[field] = f"The {what} must be today or in the past"
        elif value < assessment.clock_from:
            errors[field] = (
                f"The {what} must be on or after the referral ({assessment.clock_from:%-d %B %Y})"
            )
    if not errors and seen_on is None and not reason:
        errors["child_seen_on"] = (
            "Enter the date the child was seen, choose the visit, or say why the child was not seen"
        )
    if errors:
        raise ValidationError(errors)
    return {
        "child_seen_on": seen_on,
        "seen_alone_on": alone_on,
        "seen_note": note,
        "not_seen_reason": "" if seen_on else reason,
    }


def _check_views(data: dict[str, Any]) -> dict[str, str]:
    """The child's views (or why they are not recorded) are needed; the parents' may be
    missing for now, and the assessment page then says so."""
    values = {f: (data.get(f) or "").strip() for f in PART_FIELDS[Part.VIEWS]}
    if not values["child_views"] and not values["child_views_reason"]:
        raise ValidationError(
            {"child_views": "Enter the child's views and wishes, or why they are not recorded"}
        )
    if values["child_views"]:
        values["child_views_reason"] = ""
    if values["parents_views"]:
        values["parents_views_reason"] = ""
    return values


def _check_outcome(data: dict[str, Any]) -> dict[str, str]:
    outcome = data.get("outcome") or ""
    reason = (data.get("outcome_reason") or "").strip()
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome of the assessment"
    if not reason:
        errors["outcome_reason"] = "Enter why this is the right outcome for the child"
    if errors:
        raise ValidationError(errors)
    return {"outcome": outcome, "outcome_reason": reason}


@transaction.atomic
def record_part(
    *,
    actor: Worker,
    assessment_id: int,
    part: str,
    data: dict[str, Any],
    version: int | None = None,
) -> Assessment:
    """Record (or change, until the assessment is completed) one part of the assessment.
    The part keeps the moment it was first recorded."""
    assessment = _locked(assessment_id, version)
    require_write_access(actor, assessment.person)
    if part not in Part.values:
        raise ValueError(f"Unknown part {part!r}")
    if not assessment.is_open:
        raise ValidationError(
            f"This assessment was completed on {assessment.completed_on:%-d %B %Y}: "
            "it can no longer be changed"
        )
    fields: dict[str, Any]
    if part == Part.FACTORS:
        codes, problem = _factors_problem(data.get("factors") or [])
        if problem:
            raise ValidationError({"factors": problem})
        current = set(assessment.factors.values_list("code", flat=True))
        assessment.factors.exclude(code__in=codes).delete()
        AssessmentFactor.objects.bulk_create(
            [AssessmentFactor(assessment=assessment, code=c) for c in codes if c not in current]
        )
        fields = {}
    elif part == Part.SEEN:
        fields = _check_seen(assessment, data)
    elif part == Part.VIEWS:
        fields = _check_views(data)
    elif part == Part.ANALYSIS:
        analysis = (data.get("analysis") or "").strip()
        if not analysis:
            raise ValidationError(
                {"analysis": "Enter the analysis: what the information means for the child"}
            )
        fields = {"analysis": analysis}
    else:
        fields = _check_outcome(data)
    for name, value in fields.items():
        setattr(assessment, name, value)
    stamp = f"{part}_recorded_at"
    changed = list(fields)
    if getattr(assessment, stamp) is None:
        setattr(assessment, stamp, timezone.now())
        changed.append(stamp)
    _bump(assessment, *changed)
    return assessment


# ---- completing and authorising -------------------------------------------------------------


def missing_for_completion(assessment: Assessment) -> dict[str, str]:
    """What must be recorded before the assessment is completed, by field."""
    missing: dict[str, str] = {}
    if not assessment.factors.exists():
        missing["factors"] = "Record the factors identified before completing the assessment"
    if assessment.child_seen_on is None and not assessment.not_seen_reason:
        missing["child_seen_on"] = (
            "Record when the child was seen, or why they were not, before completing the assessment"
        )
    if not assessment.child_views and not assessment.child_views_reason:
        missing["child_views"] = (
            "Record the child's views, or why they are not recorded, before completing the "
            "assessment"
        )
    if not assessment.analysis:
        missing["analysis"] = "Record the analysis before completing the assessment"
    if not assessment.outcome:
        missing["outcome"] = "Record the outcome before completing the assessment"
    return missing


@transaction.atomic
def complete_assessment(
    *, actor: Worker, assessment_id: int, completed_on: dt.date, version: int | None = None
) -> Assessment:
    """Complete the assessment: every part recorded, on or after its start. Writes
    `assessment.completed` on the completion date, with its outcome and timeliness."""
    assessment = _locked(assessment_id, version)
    require_write_access(actor, assessment.person)
    if not assessment.is_open:
        raise ValidationError(
            f"This assessment was already completed on {assessment.completed_on:%-d %B %Y}"
        )
    errors = missing_for_completion(assessment)
    problem = _date_problem(completed_on, "completion date")
    if problem:
        errors["completed_on"] = problem
    elif completed_on < assessment.started_on:
        errors["completed_on"] = (
            "The assessment cannot be completed before it started "
            f"({assessment.started_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    assessment.completed_on = completed_on
    assessment.completed_by = actor
    assessment.completed_recorded_at = timezone.now()
    _bump(assessment, "completed_on", "completed_by", "completed_recorded_at")
    late = completed_on > assessment.due_on
    record_event(
        person_id=assessment.person_id,
        type="assessment.completed",
        occurred=completed_on,
        summary=f"Single assessment completed: {assessment.get_outcome_display()}"
        + (" (late)" if late else "")
        + (" (started and completed the same day)" if assessment.same_day else ""),
        recorded_by=actor,
        involvement=assessment.involvement,
        subject=assessment,
        detail={
            "assessment": assessment.pk,
            "outcome": assessment.outcome,
            "factors": list(assessment.factors.values_list("code", flat=True)),
            "due_on": assessment.due_on.isoformat(),
            "late": late,
            "same_day": assessment.same_day,
        },
    )
    return assessment


@transaction.atomic
def authorise_assessment(
    *,
    actor: Worker,
    assessment_id: int,
    authorised_on: dt.date,
    comment: str = "",
    version: int | None = None,
) -> Assessment:
    """A team manager or consultant social worker, not the assessment's author, authorises a
    completed assessment."""
    assessment = _locked(assessment_id, version)
    require_write_access(actor, assessment.person)
    if not can_authorise(actor):
        raise PermissionDenied(
            "Team managers, consultant social workers and administrators authorise assessments"
        )
    if assessment.authorised_on is not None:
        raise ValidationError(
            f"This assessment was already authorised on {assessment.authorised_on:%-d %B %Y}"
        )
    errors: dict[str, str] = {}
    if actor.pk in (assessment.social_worker_id, assessment.completed_by_id):
        errors["authorised_by"] = "An assessment is authorised by a manager who is not its author"
    problem = _date_problem(authorised_on, "date of authorisation")
    if problem:
        errors["authorised_on"] = problem
    elif authorised_on < assessment.started_on:
        errors["authorised_on"] = (
            "An assessment cannot be authorised before it started "
            f"({assessment.started_on:%-d %B %Y})"
        )
    elif assessment.completed_on is None:
        errors["authorised_on"] = "Complete the assessment before it is authorised"
    elif authorised_on < assessment.completed_on:
        errors["authorised_on"] = (
            "An assessment cannot be authorised before it was completed "
            f"({assessment.completed_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    assessment.authorised_on = authorised_on
    assessment.authorised_by = actor
    assessment.authorisation_comment = comment.strip()
    assessment.authorised_recorded_at = timezone.now()
    _bump(
        assessment,
        "authorised_on",
        "authorised_by",
        "authorisation_comment",
        "authorised_recorded_at",
    )
    record_event(
        person_id=assessment.person_id,
        type="assessment.authorised",
        occurred=authorised_on,
        summary=f"Single assessment authorised by {actor.get_full_name() or actor}",
        recorded_by=actor,
        involvement=assessment.involvement,
        subject=assessment,
        detail={"assessment": assessment.pk, "outcome": assessment.outcome},
    )
    return assessment
