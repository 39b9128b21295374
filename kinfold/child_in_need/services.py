"""Practitioner actions of a child in need episode: start the child in need plan, record a
review of it, keep its visits up to date, and close the episode with its census reason once
nothing is left open. One transaction each; each writes its event.

Working Together to Safeguard Children 2023 (chapter 3): a child in need plan is reviewed
regularly with the family and the agencies; the LA sets the interval (rule `cin.review`) and
the frequency of visits (rule `cin.visit`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from kinfold.access.guards import is_administrator
from kinfold.access.permissions import require_write_access
from kinfold.front_door.models import Referral
from kinfold.journey.events import check_not_future, record_event
from kinfold.journey.models import Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.journey.oversight import Action
from kinfold.journey.services import run_transition
from kinfold.plans.models import Plan, PlanKind
from kinfold.plans.services import create_plan, end_plan
from kinfold.timescales.calendar import due_on
from kinfold.workforce.models import Role, Worker

from .codes import ENDING, ReasonForClosure, ReviewDecision
from .models import CINClosure, CINPlanReview

CHILD_IN_NEED, CHILD_PROTECTION = "child_in_need", "child_protection"
# The stages a CIN episode runs through (census): it closes from either.
EPISODE_STAGES = (CHILD_IN_NEED, CHILD_PROTECTION)


def visit_due(visit_from: dt.date, *, repeat: bool) -> dt.date:
    return due_on("cin.visit", visit_from, repeat=repeat)


def review_due(review_from: dt.date, *, repeat: bool) -> dt.date:
    return due_on("cin.review", review_from, repeat=repeat)


def schedule_new_plan(plan: Plan) -> None:
    """A new child in need plan: its first visit and first review are due from its start."""
    if plan.kind != PlanKind.CHILD_IN_NEED:
        return
    plan.visit_from = plan.review_from = plan.started_on
    plan.next_visit_due_on = visit_due(plan.started_on, repeat=False)
    plan.next_review_due_on = review_due(plan.started_on, repeat=False)
    Plan.objects.filter(pk=plan.pk).update(
        visit_from=plan.visit_from,
        review_from=plan.review_from,
        next_visit_due_on=plan.next_visit_due_on,
        next_review_due_on=plan.next_review_due_on,
    )


def refresh_visits(person_id: int) -> Plan | None:
    """The child's open child in need plan's last visit (a visit at which the child was seen,
    on or after the plan's start) and the next one's due date."""
    plan = Plan.objects.filter(
        person_id=person_id, kind=PlanKind.CHILD_IN_NEED, ended_on__isnull=True
    ).first()
    if plan is None:
        return None
    start = timezone.make_aware(dt.datetime.combine(plan.started_on, dt.time.min))
    last = CaseNote.objects.filter(
        person_id=person_id, type__in=VISIT_TYPES, child_seen=True, occurred_at__gte=start
    ).aggregate(last=Max("occurred_at"))["last"]
    last_on = timezone.localdate(last) if last else None
    visit_from = last_on or plan.started_on
    due = visit_due(visit_from, repeat=last_on is not None)
    if (plan.last_visit_on, plan.visit_from, plan.next_visit_due_on) != (last_on, visit_from, due):
        Plan.objects.filter(pk=plan.pk).update(
            last_visit_on=last_on, visit_from=visit_from, next_visit_due_on=due
        )
        plan.last_visit_on, plan.visit_from, plan.next_visit_due_on = last_on, visit_from, due
    return plan


@transaction.atomic
def start_plan(
    *, actor: Worker, involvement_id: int, started_on: dt.date, owner: Worker | None
) -> Plan:
    """Start the child's child in need plan on their open child in need episode (after an
    assessment that concluded a plan is needed, or on a step down from child protection)."""
    involvement = Involvement.objects.select_related("person").get(pk=involvement_id)
    plan = create_plan(
        actor=actor,
        involvement=involvement,
        kind=PlanKind.CHILD_IN_NEED,
        started_on=started_on,
        owner=owner or actor,
    )
    plan.refresh_from_db()
    return plan


@transaction.atomic
def record_review(
    *,
    actor: Worker,
    plan_id: int,
    held_on: dt.date,
    attendees: str,
    child_views: str,
    family_views: str,
    progress: str,
    decision: str,
    version: int | None = None,
) -> CINPlanReview:
    """A review of the child in need plan: who was there, the child's and the family's views,
    the progress, and the decision. The next review is due by the rule `cin.review` from this
    one; a decision to end the plan ends it on the day."""
    plan = Plan.objects.select_for_update().select_related("person").get(pk=plan_id)
    require_write_access(actor, plan.person)
    if plan.kind != PlanKind.CHILD_IN_NEED:
        raise ValidationError("Only a child in need plan is reviewed here")
    if version is not None and plan.version != version:
        raise ValidationError("The plan was changed since you opened it: check it again")
    if not plan.is_open:
        raise ValidationError(f"This plan ended on {plan.ended_on:%-d %B %Y}")
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the review"
    else:
        try:
            check_not_future(held_on, "held_on")
        except ValidationError:
            errors["held_on"] = "The date of the review must be today or in the past"
        else:
            if held_on < plan.started_on:
                errors["held_on"] = "The review cannot be before the plan started"
            elif plan.last_review_on and held_on < plan.last_review_on:
                errors["held_on"] = (
                    f"The last review was on {plan.last_review_on:%-d %B %Y}: this one is "
                    "on or after it"
                )
    messages = {
        "attendees": "Enter who was at the review",
        "child_views": "Enter the child's views, or why they could not be given",
        "family_views": "Enter the parents' and family's views, or why they were not given",
        "progress": "Enter the progress against the plan",
    }
    texts = {
        "attendees": attendees,
        "child_views": child_views,
        "family_views": family_views,
        "progress": progress,
    }
    for name, text in texts.items():
        if not (text or "").strip():
            errors[name] = messages[name]
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose what the review decided"
    if errors:
        raise ValidationError(errors)
    ending = decision in ENDING
    next_due = None if ending else review_due(held_on, repeat=True)
    review = CINPlanReview.objects.create(
        plan=plan,
        held_on=held_on,
        was_due_on=plan.next_review_due_on,
        next_review_due_on=next_due,
        recorded_by=actor,
        decision=decision,
        **{k: v.strip() for k, v in texts.items()},
    )
    plan.last_review_on = plan.review_from = held_on
    plan.next_review_due_on = next_due
    plan.version += 1
    plan.save(update_fields=["last_review_on", "review_from", "next_review_due_on", "version"])
    label = ReviewDecision(decision).label
    record_event(
        person_id=plan.person_id,
        type="cin.review_held",
        occurred=held_on,
        summary=f"Child in need review: {label}",
        recorded_by=actor,
        involvement=plan.involvement,
        subject=review,
        detail={"plan": plan.pk, "decision": decision, "late": review.late},
    )
    if ending:
        end_plan(
            actor=actor,
            plan_id=plan.pk,
            ended_on=held_on,
            reason=f"Ended at the review on {held_on:%-d %B %Y}",
        )
    return review


# ---- closing the episode --------------------------------------------------------------------


@dataclass(frozen=True)
class OpenItem:
    """Something still open that stops the episode closing."""

    what: str
    message: str
    url: str = ""


def episode_involvements(involvement: Involvement) -> list[Involvement]:
    """The involvement and those it stepped from within the CIN episode (child in need and
    child protection), latest first."""
    chain = [involvement]
    current = involvement
    while current.stepped_from_id is not None:
        current = Involvement.objects.get(pk=current.stepped_from_id)
        if current.stage not in EPISODE_STAGES:
            break
        chain.append(current)
    return chain


def episode_referral(involvement: Involvement) -> Referral | None:
    """The referral that started the CIN episode (a later referral joins the open episode)."""
    ids = [i.pk for i in episode_involvements(involvement)]
    return Referral.objects.filter(involvement_id__in=ids).order_by("referral_date", "pk").first()


# Records of other stages that must be finished before an episode closes. Their apps are
# built alongside this one: each is looked up by name, and used only if it has a `person`
# and one of the fields that say it finished (open while that field is empty).
OTHER_STAGE_RECORDS = [
    (
        "assessments",
        ("Assessment", "SingleAssessment"),
        "assessment",
        ("completed_on", "authorised_on", "ended_on"),
    ),
    (
        "child_protection",
        ("Section47Enquiry", "Section47"),
        "section 47 enquiry",
        ("completed_on", "concluded_on", "outcome_on", "ended_on"),
    ),
]


def _other_open_records(person_id: int) -> list[OpenItem]:
    found: list[OpenItem] = []
    for app_label, names, label, finished in OTHER_STAGE_RECORDS:
        for name in names:
            try:
                model = apps.get_model(app_label, name)
            except LookupError:
                continue
            try:
                model._meta.get_field("person")
            except FieldDoesNotExist:
                continue
            end = next((f for f in finished if _has_field(model, f)), None)
            if end is None:
                continue
            for row in model._default_manager.filter(
                person_id=person_id, **{f"{end}__isnull": True}
            ):
                found.append(OpenItem(label, f"The {label} ({row}) is still open: finish it first"))
            break
    return found


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def open_items(involvement: Involvement) -> list[OpenItem]:
    """What is still open on the child that must be finished before the episode closes: open
    plans (child protection or child in need), an open assessment or section 47 enquiry, and
    actions still open on the child (management oversight, case discussions)."""
    person_id = involvement.person_id
    items = [
        OpenItem(
            "plan",
            f"The {p.get_kind_display().lower()} started on {p.started_on:%-d %B %Y} is still "
            "open: end it first",
            reverse("plans:plan", args=[p.pk]),
        )
        for p in Plan.objects.filter(person_id=person_id, ended_on__isnull=True)
    ]
    items += _other_open_records(person_id)
    items += [
        OpenItem(
            "action",
            f"The action '{a.description[:80]}' ({a.owner.get_full_name()}, due "
            f"{a.due_date:%-d %B %Y}) is still open: complete it first",
        )
        for a in Action.objects.filter(person_id=person_id, completed_at__isnull=True)
        .select_related("owner")
        .order_by("due_date", "pk")
    ]
    return items


def can_close(worker: Worker) -> bool:
    """Closing a child's episode is a manager's decision (seed 000: the reasons for closing
    cases were not recorded)."""
    return worker.role == Role.TEAM_MANAGER or is_administrator(worker)


@transaction.atomic
def close_episode(
    *,
    actor: Worker,
    involvement_id: int,
    closed_on: dt.date,
    reason: str,
    note: str,
    version: int | None = None,
) -> CINClosure:
    """Close the child's CIN episode with its census closure date and reason (RC1 to RC9): the
    open child in need or child protection involvement ends by the transition
    "<stage>.close" (the reason code in the event's detail). Refused while anything listed
    by `open_items` is still open."""
    involvement = Involvement.objects.select_related("person").get(pk=involvement_id)
    require_write_access(actor, involvement.person)
    if not can_close(actor):
        raise PermissionDenied("A team manager closes a child in need episode")
    if involvement.stage not in EPISODE_STAGES:
        raise ValidationError("Only a child in need or child protection involvement closes here")
    if not involvement.is_open:
        raise ValidationError(f"This episode already ended on {involvement.ended_on:%-d %B %Y}")
    errors: dict[str, str] = {}
    if reason not in ReasonForClosure.values:
        errors["reason"] = "Choose the reason the episode closes"
    if closed_on is None:
        errors["closed_on"] = "Enter the date the episode closes"
    else:
        try:
            check_not_future(closed_on, "closed_on")
        except ValidationError:
            errors["closed_on"] = "The closure date must be today or in the past"
        else:
            if closed_on < involvement.started_on:
                errors["closed_on"] = (
                    f"The episode cannot close before {involvement.started_on:%-d %B %Y}, "
                    "when this involvement started"
                )
    referral = episode_referral(involvement)
    if referral is None:
        errors.setdefault(
            "__all__",
            "No referral starts this episode: the census closure belongs to the referral",
        )
    elif CINClosure.objects.filter(referral=referral).exists():
        errors.setdefault("__all__", "This episode is already closed")
    if errors:
        raise ValidationError(errors)
    still_open = open_items(involvement)
    if still_open:
        raise ValidationError(
            ["The episode cannot close while these are open:"]
            + [item.message for item in still_open]
        )
    assert referral is not None
    code = ReasonForClosure(reason)
    run_transition(
        actor=actor,
        involvement_id=involvement.pk,
        name=f"{involvement.stage}.close",
        on=closed_on,
        reason=f"{code.value} {code.label}" + (f": {note.strip()}" if note.strip() else ""),
        version=version,
        facts={"closure_reason": code.value},
        detail={"closure_reason": code.value, "closure_reason_label": code.label},
    )
    return CINClosure.objects.create(
        referral=referral,
        person=involvement.person,
        involvement=involvement,
        closed_on=closed_on,
        reason=code.value,
        note=note.strip(),
        recorded_by=actor,
    )
