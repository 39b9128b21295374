"""Starting and ending a child's plan (the content — outcomes, actions, contingency — and its
quality checks are written through the plan pages' services below these)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kinfold.access.permissions import require_write_access
from kinfold.journey.events import EventType, check_not_future, record_event, register_event_type
from kinfold.journey.models import Involvement
from kinfold.workforce.models import Worker

from .models import CPCategory, Plan, PlanKind

# The stage a plan of each kind belongs to.
PLAN_STAGE = {
    PlanKind.CHILD_PROTECTION: "child_protection",
    PlanKind.CHILD_IN_NEED: "child_in_need",
}

for _t in [
    EventType("plan.started", "Plan started", "journey", significant=True),
    EventType("plan.ended", "Plan ended", "journey", significant=True),
    EventType("plan.category_changed", "Child protection category changed", "journey", True),
]:
    register_event_type(_t)


@transaction.atomic
def create_plan(
    *,
    actor: Worker,
    involvement: Involvement,
    kind: str,
    started_on: dt.date,
    category: str = "",
    owner: Worker | None = None,
) -> Plan:
    """Start a plan on an open involvement of the plan's stage. A child protection plan needs
    its category; a child has one open plan of each kind at a time."""
    require_write_access(actor, involvement.person)
    errors: dict[str, str] = {}
    if kind not in PlanKind.values:
        errors["kind"] = "Choose the kind of plan"
    elif involvement.stage != PLAN_STAGE[PlanKind(kind)] or not involvement.is_open:
        errors["kind"] = (
            f"A {PlanKind(kind).label.lower()} belongs to an open "
            f"{PLAN_STAGE[PlanKind(kind)].replace('_', ' ')} involvement"
        )
    if kind == PlanKind.CHILD_PROTECTION and category not in CPCategory.values:
        errors["category"] = "Choose the category of the child protection plan"
    if kind == PlanKind.CHILD_IN_NEED:
        category = ""
    try:
        check_not_future(started_on, "started_on")
    except ValidationError:
        errors["started_on"] = "The plan's start date must be today or in the past"
    if not errors.get("kind") and started_on < involvement.started_on:
        errors["started_on"] = "The plan cannot start before the involvement it belongs to"
    if errors:
        raise ValidationError(errors)
    if Plan.objects.filter(person=involvement.person, kind=kind, ended_on__isnull=True).exists():
        label = PlanKind(kind).label.lower()
        raise ValidationError(
            {"kind": f"{involvement.person.full_name} already has an open {label}"}
        )
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                person=involvement.person,
                involvement=involvement,
                kind=kind,
                initial_category=category,
                category=category,
                started_on=started_on,
                owner=owner,
                created_by=actor,
            )
    except IntegrityError as error:  # a concurrent start of the same kind
        raise ValidationError({"kind": "An open plan of this kind already exists"}) from error
    label = PlanKind(kind).label
    record_event(
        person_id=plan.person_id,
        type="plan.started",
        occurred=started_on,
        summary=label + (f" ({CPCategory(category).label.lower()})" if category else ""),
        recorded_by=actor,
        involvement=involvement,
        subject=plan,
        detail={"plan": plan.pk, "kind": kind, "category": category},
    )
    return plan


@transaction.atomic
def end_plan(
    *, actor: Worker, plan_id: int, ended_on: dt.date, reason: str, version: int | None = None
) -> Plan:
    """End a plan with the reason (the involvement it belongs to is moved or closed by the
    stage's own transition)."""
    plan = Plan.objects.select_for_update().select_related("person").get(pk=plan_id)
    require_write_access(actor, plan.person)
    if version is not None and plan.version != version:
        raise ValidationError("The plan was changed since you opened it: check it again")
    if not plan.is_open:
        raise ValidationError(f"This plan already ended on {plan.ended_on:%d %B %Y}")
    errors: dict[str, str] = {}
    try:
        check_not_future(ended_on, "ended_on")
    except ValidationError:
        errors["ended_on"] = "The end date must be today or in the past"
    if not errors and ended_on < plan.started_on:
        errors["ended_on"] = "The plan cannot end before it started"
    if not reason.strip():
        errors["reason"] = "Enter why the plan is ending"
    if errors:
        raise ValidationError(errors)
    plan.ended_on = ended_on
    plan.end_reason = reason.strip()[:300]
    plan.version += 1
    plan.save(update_fields=["ended_on", "end_reason", "version"])
    record_event(
        person_id=plan.person_id,
        type="plan.ended",
        occurred=ended_on,
        summary=f"{plan.get_kind_display()} ended: {plan.end_reason}",
        recorded_by=actor,
        involvement=plan.involvement,
        subject=plan,
        detail={"plan": plan.pk, "reason": plan.end_reason},
    )
    return plan


@transaction.atomic
def change_category(
    *, actor: Worker, plan_id: int, category: str, on: dt.date, reason: str
) -> Plan:
    """A review conference may change a child protection plan's category (the census keeps
    the initial and the latest)."""
    plan = Plan.objects.select_for_update().select_related("person").get(pk=plan_id)
    require_write_access(actor, plan.person)
    if plan.kind != PlanKind.CHILD_PROTECTION or not plan.is_open:
        raise ValidationError("Only an open child protection plan has a category")
    if category not in CPCategory.values:
        raise ValidationError({"category": "Choose the category of the child protection plan"})
    if category == plan.category:
        return plan
    before = plan.get_category_display()
    plan.category = category
    plan.version += 1
    plan.save(update_fields=["category", "version"])
    record_event(
        person_id=plan.person_id,
        type="plan.category_changed",
        occurred=on,
        summary=f"Category changed from {before.lower()} to {plan.get_category_display().lower()}"
        + (f": {reason.strip()}" if reason.strip() else ""),
        recorded_by=actor,
        involvement=plan.involvement,
        subject=plan,
        detail={"plan": plan.pk, "from": before, "to": category},
    )
    return plan
