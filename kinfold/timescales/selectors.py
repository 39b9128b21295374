"""Reads for the timescale pages: the rules in force, their history, and closure days.

Nothing here is about a child, so no visibility filter applies; the pages are for
administrators only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import ClosureDay, Rule


def rules_in_force(*, on: dt.date | None = None) -> list[Rule]:
    return Rule.objects.select_related("changed_by").in_force(on)


def scheduled_changes() -> QuerySet[Rule]:
    """Changes already made that take effect after today, soonest first."""
    return (
        Rule.objects.filter(effective_from__gt=timezone.localdate())
        .select_related("changed_by")
        .order_by("effective_from", "code")
    )


def rule_history(*, code: str) -> QuerySet[Rule]:
    """Every version of a rule, the latest first."""
    return (
        Rule.objects.filter(code=code)
        .select_related("changed_by")
        .order_by("-effective_from", "-recorded_at", "-pk")
    )


def closure_day_list() -> QuerySet[ClosureDay]:
    return ClosureDay.objects.select_related("added_by").order_by("-date")
