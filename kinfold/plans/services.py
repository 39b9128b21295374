"""Starting and ending a child's plan (the content — outcomes, actions, contingency — and its
quality checks are written through the plan pages' services below these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kinfold.access.permissions import require_write_access
from kinfold.journey.events import EventType, check_not_future, record_event, register_event_type
from kinfold.journey.models import Involvement
from kinfold.quality.checks import content_of, evaluate
from kinfold.quality.models import CheckRule
from kinfold.workforce.models import Worker

from .models import (
    Contingency,
    CPCategory,
    Plan,
    PlanAction,
    PlanKind,
    PlanOutcome,
    PlanRevision,
)

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


# ---- the plan's content: outcomes, actions, contingency (the plan pages) --------------------

register_event_type(EventType("plan.revised", "Plan changed", "journey"))


class StalePlan(ValidationError):
    """Someone changed the plan since the worker opened it."""


# The fields of each item a worker writes, as the services take them (dates as dates).
OUTCOME_FIELDS = ("text", "indicator", "target_date", "achieved_on", "withdrawn_reason")
ACTION_FIELDS = (
    "what",
    "outcome_id",
    "owner_worker_id",
    "owner_person_id",
    "owner_agency_id",
    "owner_text",
    "due_on",
    "measure",
    "done_on",
    "done_note",
    "withdrawn_reason",
)
CONTINGENCY_FIELDS = ("trigger", "trigger_by", "action", "withdrawn_reason")
DATE_FIELDS = {"target_date", "achieved_on", "due_on", "done_on", "trigger_by"}
TEXT_LIMITS = {"withdrawn_reason": 300, "owner_text": 150}
PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "outcomes": ("outcome", OUTCOME_FIELDS),
    "actions": ("action", ACTION_FIELDS),
    "contingencies": ("contingency", CONTINGENCY_FIELDS),
}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def snapshot(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The plan's content as JSON (what a PlanRevision keeps)."""
    return {
        part: [
            {"id": row.pk, **{f: _json(getattr(row, f)) for f in fields}}
            for row in getattr(plan, part).all()
        ]
        for part, (_, fields) in PARTS.items()
    }


def _clean_item(part: str, item: dict[str, Any]) -> dict[str, Any]:
    fields = PARTS[part][1]
    cleaned: dict[str, Any] = {}
    for f in fields:
        value = item.get(f)
        if f in DATE_FIELDS or f.endswith("_id"):
            cleaned[f] = value or None
        else:
            cleaned[f] = (value or "").strip()
    return cleaned


def _is_blank(item: dict[str, Any]) -> bool:
    return not any(v for v in item.values())


def _check_item(
    part: str, i: int, item: dict[str, Any], plan: Plan, today: dt.date, errors: dict[str, str]
) -> None:
    """Record the problems of one item under "<part>-<i>-<field>" (the plan form's names)."""

    def err(f: str, message: str) -> None:
        errors.setdefault(f"{part}-{i}-{f}", message)

    for f, limit in TEXT_LIMITS.items():
        if len(item.get(f) or "") > limit:
            err(f, f"This must be {limit} characters or fewer")
    if part == "outcomes" and not item["text"]:
        err("text", "Enter what should change for the child")
    if part == "actions":
        if not item["what"]:
            err("what", "Enter what will be done")
        owners = [item[f] for f in ("owner_worker_id", "owner_person_id", "owner_agency_id")]
        if sum(1 for o in owners if o) > 1:
            err("owner", "Choose one person or agency")
        if any(owners) and item["owner_text"]:
            err("owner_text", "Choose someone from the list or enter their role, not both")
        if item["done_note"] and not item["done_on"]:
            err("done_on", "Enter the date the action was done")
        if item["done_on"] and item["done_on"] > today:
            err("done_on", "The date it was done must be today or in the past")
        elif item["done_on"] and item["done_on"] < plan.started_on:
            err("done_on", "The date it was done cannot be before the plan started")
    if part == "outcomes" and item["achieved_on"] and item["achieved_on"] > today:
        err("achieved_on", "The date it was achieved must be today or in the past")
    if part == "contingencies" and not (item["trigger"] or item["action"]):
        err("trigger", "Enter what would have to happen, and what we will do then")
    for f in ("target_date", "due_on", "trigger_by"):
        if item.get(f) and item[f] < plan.started_on:
            err(f, f"The date cannot be before the plan started ({plan.started_on:%-d %B %Y})")


def _describe(part: str, row: Any) -> str:
    text = {"outcomes": "text", "actions": "what", "contingencies": "action"}[part]
    words = " ".join((getattr(row, text) or getattr(row, "trigger", "") or "").split())
    return words[:60] + ("…" if len(words) > 60 else "")


@transaction.atomic
def save_content(
    *,
    actor: Worker,
    plan_id: int,
    version: int,
    outcomes: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    contingencies: list[dict[str, Any]],
    reason: str = "",
) -> Plan:
    """Write a plan's outcomes, actions and contingency as the worker left them on the page.

    An item with an `id` is changed; one without is added (a blank one is ignored); an item is
    withdrawn with its reason, never deleted, and a withdrawn item is no longer changed. The
    plan as it was is kept (PlanRevision), the version moves on, and the quality checks are
    run again and stored on the plan. A plan changed since the worker opened it is refused.
    Nothing changed: nothing is saved."""
    plan = Plan.objects.select_for_update().select_related("person").get(pk=plan_id)
    require_write_access(actor, plan.person)
    if plan.version != version:
        raise StalePlan(
            "This plan was changed by someone else since you opened it: your changes were not "
            "saved. Check the plan as it is now, then make your changes again."
        )
    if not plan.is_open:
        raise ValidationError(f"This plan ended on {plan.ended_on:%-d %B %Y}: it cannot change")
    today = timezone.localdate()
    given = {"outcomes": outcomes, "actions": actions, "contingencies": contingencies}
    existing = {part: {row.pk: row for row in getattr(plan, part).all()} for part in PARTS}
    errors: dict[str, str] = {}
    cleaned: dict[str, list[tuple[int, dict[str, Any], Any]]] = {}
    for part, items in given.items():
        cleaned[part] = []
        for i, raw in enumerate(items):
            item = _clean_item(part, raw)
            row = existing[part].get(raw.get("id")) if raw.get("id") else None
            if raw.get("id") and row is None:
                errors[f"{part}-{i}-id"] = "This item is not part of the plan"
                continue
            if row is None and _is_blank(item):
                continue
            if row is not None and row.withdrawn_reason:
                if any(_json(getattr(row, f)) != _json(item[f]) for f in item):
                    errors[f"{part}-{i}-withdrawn_reason"] = (
                        "A withdrawn item cannot be changed: add a new one"
                    )
                continue
            _check_item(part, i, item, plan, today, errors)
            cleaned[part].append((i, item, row))
    outcome_ids = set(existing["outcomes"])
    for i, item, _row in cleaned["actions"]:
        if item["outcome_id"] and item["outcome_id"] not in outcome_ids:
            errors.setdefault(f"actions-{i}-outcome_id", "Choose one of the plan's outcomes")
    _check_owners_indexed(cleaned["actions"], errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan)
    changes: list[str] = []
    models_of = {"outcomes": PlanOutcome, "actions": PlanAction, "contingencies": Contingency}
    for part, rows in cleaned.items():
        label = PARTS[part][0]
        order = len(existing[part])
        for _i, item, row in rows:
            if row is None:
                order += 1
                extra = {"order": order} if part != "contingencies" else {}
                row = models_of[part]._default_manager.create(plan=plan, **item, **extra)
                changes.append(f"{label} '{_describe(part, row)}' added")
                continue
            changed = [f for f in item if getattr(row, f) != item[f]]
            if not changed:
                continue
            for f in changed:
                setattr(row, f, item[f])
            row.save(update_fields=changed)
            if "withdrawn_reason" in changed:
                changes.append(
                    f"{label} '{_describe(part, row)}' withdrawn: {row.withdrawn_reason}"
                )
            elif "done_on" in changed and row.done_on:
                changes.append(f"{label} '{_describe(part, row)}' done")
            else:
                changes.append(f"{label} '{_describe(part, row)}' changed")
    if not changes:
        return plan
    PlanRevision.objects.create(
        plan=plan,
        version=plan.version,
        content=before,
        reason=reason.strip()[:300],
        changed_by=actor,
    )
    plan.version += 1
    plan.save(update_fields=["version"])
    recheck(plan)
    record_event(
        person_id=plan.person_id,
        type="plan.revised",
        occurred=timezone.now(),
        summary=f"{plan.get_kind_display()} changed: " + "; ".join(changes)[:400],
        recorded_by=actor,
        involvement=plan.involvement,
        subject=plan,
        detail={"plan": plan.pk, "version": plan.version, "changes": changes[:50]},
    )
    return plan


def _check_owners_indexed(
    rows: list[tuple[int, dict[str, Any], Any]], errors: dict[str, str]
) -> None:
    from kinfold.front_door.models import PartnerOrganisation
    from kinfold.people.models import Person

    wanted: dict[str, tuple[Any, str]] = {
        "owner_worker_id": (Worker, "That worker is not on Kinfold"),
        "owner_person_id": (Person, "That person is not on Kinfold"),
        "owner_agency_id": (PartnerOrganisation, "That agency is not on Kinfold"),
    }
    for f, (model, message) in wanted.items():
        ids = {item[f] for _, item, _ in rows if item[f]}
        if not ids:
            continue
        found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for i, item, _ in rows:
            if item[f] and item[f] not in found:
                errors.setdefault(f"actions-{i}-owner", message)


def items_of(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The plan's content as `save_content` takes it (every item with its id)."""
    return {
        part: [
            {"id": row.pk, **{f: getattr(row, f) for f in fields}}
            for row in getattr(plan, part).all()
        ]
        for part, (_, fields) in PARTS.items()
    }


def complete_action(
    *, actor: Worker, plan_id: int, action_id: int, done_on: dt.date, note: str, version: int
) -> Plan:
    """Mark one action done (the date it was done and a note): a change of the plan like any
    other, kept as a revision."""
    plan = Plan.objects.get(pk=plan_id)
    content = items_of(plan)
    for item in content["actions"]:
        if item["id"] == action_id:
            if item["withdrawn_reason"]:
                raise ValidationError("This action was withdrawn")
            if item["done_on"]:
                raise ValidationError(f"This action was done on {item['done_on']:%-d %B %Y}")
            if done_on is None:
                raise ValidationError({"done_on": "Enter the date the action was done"})
            item["done_on"], item["done_note"] = done_on, note
            break
    else:
        raise ValidationError("This action is not part of the plan")
    try:
        return save_content(
            actor=actor, plan_id=plan_id, version=version, reason="Action done", **content
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):  # one action's messages, named by its own fields
            raise ValidationError(
                {k.rsplit("-", 1)[-1]: v for k, v in error.message_dict.items()}
            ) from error
        raise


def recheck(plan: Plan, *, today: dt.date | None = None, rules=None) -> Plan:
    """Run the quality checks on the saved plan and store the findings on it (the team's view
    reads them)."""
    findings = evaluate(content_of(plan), today=today or timezone.localdate(), rules=rules)
    plan.flags = [f.as_json() for f in findings]
    plan.flag_count = len(findings)
    Plan.objects.filter(pk=plan.pk).update(flags=plan.flags, flag_count=plan.flag_count)
    return plan


def recheck_open_plans(*, today: dt.date | None = None) -> int:
    """Run the checks again on every open plan (after a rule changes, and each night for the
    actions that became overdue). Returns how many plans' findings changed."""
    rules = list(CheckRule.objects.all())
    today = today or timezone.localdate()
    changed = 0
    plans = Plan.objects.filter(ended_on__isnull=True).prefetch_related(
        "outcomes", "actions", "contingencies"
    )
    for plan in plans.iterator(chunk_size=500):
        findings = [f.as_json() for f in evaluate(content_of(plan), today=today, rules=rules)]
        if findings != plan.flags:
            Plan.objects.filter(pk=plan.pk).update(flags=findings, flag_count=len(findings))
            changed += 1
    return changed
