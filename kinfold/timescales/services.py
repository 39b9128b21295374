"""An administrator's changes to the LA's timescales and working-day calendar.

A rule change is a new version of the rule (nothing is overwritten), dated from today or a
later day; a change dated in the past is refused, because what was in force on a past day is
history that returns and audits rely on. A change in force today moves the due dates of open
items at once; a change dated later moves them on the day it takes effect
(`manage.py apply_timescale_changes`, run daily). Completed items keep their due dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.guards import is_administrator
from kinfold.access.models import AuditAction
from kinfold.workforce.models import Worker

from .calendar import WorkingCalendar, closure_days
from .models import MAX_AMOUNT, WORKING_UNITS, ClosureDay, Rule, Unit, rule_for
from .registry import Recomputed, recompute, registrations

# How far ahead a change or a closure day may be dated, and how far back a closure day:
# beyond these the date is far more likely a typing mistake than a plan.
MAX_DAYS_AHEAD = 2 * 366
CLOSURE_MAX_DAYS_BACK = 366


@dataclass
class RuleChange:
    rule: Rule
    previous: Rule
    recomputed: Recomputed | None  # None while the change waits for its effective date

    @property
    def scheduled(self) -> bool:
        return self.recomputed is None


@dataclass
class ClosureAdded:
    closure: ClosureDay
    recomputed: list[Recomputed] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return sum(r.moved for r in self.recomputed)


def _require_administrator(actor: Worker) -> None:
    if not is_administrator(actor):
        raise PermissionDenied("Only system administrators can change timescales")


def amount_problem(amount, unit_label: str) -> str | None:
    """What is wrong with a number of units, in words for the person who typed it."""
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int):
        return f"Enter the number of {unit_label} as a whole number, like 45"
    if amount < 1:
        return f"The number of {unit_label} must be 1 or more"
    if amount > MAX_AMOUNT:
        return f"The number of {unit_label} must be {MAX_AMOUNT:,} or fewer"
    return None


def _check_amount(errors: dict, name: str, amount, unit_label: str) -> None:
    problem = amount_problem(amount, unit_label)
    if problem:
        errors[name] = problem


def proposed_rule(
    *,
    code: str,
    amount: int,
    unit: str,
    effective_from: dt.date,
    reason: str,
    repeat_amount: int | None = None,
    repeat_unit: str | None = None,
    actor: Worker | None = None,
) -> tuple[Rule, Rule]:
    """Check a change and return (the unsaved new version, the version it replaces).

    Raises ValidationError with a message per field, naming what to fix.
    """
    today = timezone.localdate()
    try:
        current = rule_for(code, on=max(today, effective_from or today))
    except Rule.DoesNotExist:
        raise ValidationError({"code": "There is no timescale with that code"}) from None
    errors: dict[str, str] = {}
    unit_ok = unit in Unit.values
    if not unit_ok:
        errors["unit"] = "Choose the unit the timescale is counted in"
    _check_amount(errors, "amount", amount, Unit(unit).label if unit_ok else "units")
    if current.repeats:
        repeat_amount = current.repeat_amount if repeat_amount is None else repeat_amount
        repeat_unit = repeat_unit or current.repeat_unit
        repeat_ok = repeat_unit in Unit.values
        if not repeat_ok:
            errors["repeat_unit"] = "Choose the unit the repeat interval is counted in"
        _check_amount(
            errors,
            "repeat_amount",
            repeat_amount,
            Unit(repeat_unit).label if repeat_ok else "units",
        )
    elif repeat_amount is not None or repeat_unit:
        errors["repeat_amount"] = "This timescale does not repeat"
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = "Enter the date the change takes effect"
    elif effective_from < today:
        errors["effective_from"] = (
            "The date the change takes effect must be today or in the future: "
            "what was in force on past days cannot be rewritten"
        )
    elif (effective_from - today).days > MAX_DAYS_AHEAD:
        errors["effective_from"] = "The date the change takes effect must be within 2 years"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why the timescale is changing"
    elif len(reason) > 500:
        errors["reason"] = "The reason must be 500 characters or fewer"
    if not errors and (amount, unit, repeat_amount, repeat_unit or "") == (
        current.amount,
        current.unit,
        current.repeat_amount,
        current.repeat_unit,
    ):
        errors["amount"] = (
            f"This is already the timescale on that date ({current.describe()}): "
            "change the number or the unit"
        )
    if errors:
        raise ValidationError(errors)
    new = Rule(
        code=current.code,
        trigger=current.trigger,
        item=current.item,
        amount=amount,
        unit=unit,
        repeats=current.repeats,
        repeat_amount=repeat_amount if current.repeats else None,
        repeat_unit=(repeat_unit or "") if current.repeats else "",
        source=current.source,
        source_reference=current.source_reference,
        note=current.note,
        effective_from=effective_from,
        changed_by=actor,
        change_reason=reason,
    )
    return new, current


def preview_rule_change(*, actor: Worker, **change) -> Recomputed:
    """How many open items the change would move if it were in force today. Writes nothing."""
    _require_administrator(actor)
    new, _ = proposed_rule(actor=actor, **change)
    return recompute(new.code, actor=actor, reason="preview", rule=new, dry_run=True)


def change_rule(
    *,
    actor: Worker,
    code: str,
    amount: int,
    unit: str,
    effective_from: dt.date,
    reason: str,
    repeat_amount: int | None = None,
    repeat_unit: str | None = None,
) -> RuleChange:
    """Change a timescale for the LA from a date, audited; move open items' due dates now if
    the change is in force today."""
    _require_administrator(actor)
    with transaction.atomic():
        new, previous = proposed_rule(
            actor=actor,
            code=code,
            amount=amount,
            unit=unit,
            effective_from=effective_from,
            reason=reason,
            repeat_amount=repeat_amount,
            repeat_unit=repeat_unit,
        )
        new.save()
        recomputed = None
        if new.effective_from <= timezone.localdate():
            recomputed = recompute(new.code, actor=actor, reason=new.change_reason, rule=new)
            Rule.objects.filter(pk=new.pk).update(applied_at=timezone.now())
        audit.record(
            worker=actor,
            action=AuditAction.EDIT,
            obj=new,
            detail={
                "code": new.code,
                "from": previous.describe(),
                "to": new.describe(),
                "previous_version": previous.pk,
                "effective_from": new.effective_from.isoformat(),
                "open_items": recomputed.open_items if recomputed else None,
                "moved": recomputed.moved if recomputed else None,
            },
            reason=new.change_reason,
        )
    return RuleChange(rule=new, previous=previous, recomputed=recomputed)


def apply_scheduled_changes(*, actor: Worker | None = None) -> list[Recomputed]:
    """Move open items for every change that has come into force since it was made."""
    today = timezone.localdate()
    results = []
    with transaction.atomic():
        waiting = Rule.objects.select_for_update().filter(
            changed_by__isnull=False, applied_at__isnull=True, effective_from__lte=today
        )
        for code in sorted(set(waiting.values_list("code", flat=True))):
            results.append(
                recompute(code, actor=actor, reason=f"change in force from {today:%d/%m/%Y}")
            )
            waiting.filter(code=code).update(applied_at=timezone.now())
    return results


def add_closure_day(*, actor: Worker, date: dt.date, reason: str) -> ClosureAdded:
    """Add a day the LA's offices are closed; move the due dates of open items counted in
    working days or hours."""
    _require_administrator(actor)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not isinstance(date, dt.date):
        errors["date"] = "Enter the date of the closure day"
    else:
        why_not = WorkingCalendar(closure_days()).why_not_working(date)
        if ClosureDay.objects.filter(date=date).exists():
            why_not = "already a closure day"
        if why_not:
            errors["date"] = f"{date:%A %-d %B %Y} is {why_not}: it is not a working day"
        elif (today - date).days > CLOSURE_MAX_DAYS_BACK:
            errors["date"] = "The closure day must be within the last year or in the future"
        elif (date - today).days > MAX_DAYS_AHEAD:
            errors["date"] = "The closure day must be within the next 2 years"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why the offices are closed, for example: snow"
    elif len(reason) > 200:
        errors["reason"] = "The reason must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        closure = ClosureDay.objects.create(date=date, reason=reason, added_by=actor)
        audit.record(
            worker=actor,
            action=AuditAction.CREATE,
            obj=closure,
            detail={"date": date.isoformat()},
            reason=reason,
        )
        result = ClosureAdded(closure=closure)
        for rule in Rule.objects.in_force():
            counted_in_working_time = rule.unit in WORKING_UNITS or (
                rule.repeats and rule.repeat_unit in WORKING_UNITS
            )
            if counted_in_working_time and registrations(rule.code):
                result.recomputed.append(
                    recompute(
                        rule.code, actor=actor, reason=f"closure day {date:%d/%m/%Y}: {reason}"
                    )
                )
    return result
