"""Changing a plan-quality check: its parameter, severity and whether it runs. Only system
administrators; every change is audited with the values before and after and the reason, and
the open plans' stored findings are worked out again with the rule as it now is."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kinfold.access import audit
from kinfold.access.guards import is_administrator
from kinfold.access.models import AuditAction
from kinfold.workforce.models import Worker

from .models import CheckRule, Severity

MAX_PARAMETER = 365


class StaleRule(ValidationError):
    """The rule changed since the administrator opened it."""


@transaction.atomic
def update_rule(
    *,
    actor: Worker,
    code: str,
    active: bool,
    severity: str,
    parameter: int | None,
    reason: str,
    version: int,
) -> CheckRule:
    if not is_administrator(actor):
        raise PermissionDenied("Only system administrators change the quality checks")
    rule = CheckRule.objects.select_for_update().get(code=code)
    if rule.version != version:
        raise StaleRule(
            "This check was changed by someone else since you opened it: check it again"
        )
    errors: dict[str, str] = {}
    if severity not in Severity.values:
        errors["severity"] = "Choose how serious a finding is"
    if rule.parameter_label:
        if parameter is None:
            errors["parameter"] = (
                f"Enter {rule.parameter_label[0].lower()}{rule.parameter_label[1:]}"
            )
        elif not 0 <= parameter <= MAX_PARAMETER:
            errors["parameter"] = f"Enter a number from 0 to {MAX_PARAMETER}"
        elif rule.code == "plan.too_many_actions" and parameter < 1:
            errors["parameter"] = "A plan must be allowed at least 1 action"
    else:
        parameter = None
    if not reason.strip():
        errors["reason"] = "Enter why the check is changing"
    if errors:
        raise ValidationError(errors)
    before = {"active": rule.active, "severity": rule.severity, "parameter": rule.parameter}
    after = {"active": active, "severity": severity, "parameter": parameter}
    if before == after:
        return rule
    rule.active, rule.severity, rule.parameter = active, severity, parameter
    rule.touch(actor)
    rule.save()
    audit.record(
        worker=actor,
        action=AuditAction.EDIT,
        obj=rule,
        detail={"code": rule.code, "before": before, "after": after},
        reason=reason.strip()[:500],
    )
    from kinfold.plans.services import recheck_open_plans

    recheck_open_plans()
    return rule
