"""Reading plans: a plan with its content for its page, a child's plans, and the team
manager's view of their units' plans (the quality checks' findings, visits overdue).

The unit lists are one query each, read through the partial indexes over open plans
(involvement, flag_count) and (involvement, next_visit_due_on), joined from the units'
open involvements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from .models import Plan, PlanAction

PAGE_RELATED = ("person", "owner", "involvement", "involvement__team", "created_by")


def plan_with_content(plan_id: int) -> Plan:
    """A plan with its outcomes, actions (and their owners), contingencies and revisions."""
    return (
        Plan.objects.select_related(*PAGE_RELATED)
        .prefetch_related(
            "outcomes",
            Prefetch(
                "actions",
                queryset=PlanAction.objects.select_related(
                    "owner_worker", "owner_person", "owner_agency", "outcome"
                ),
            ),
            "contingencies",
            "revisions__changed_by",
        )
        .get(pk=plan_id)
    )


def plans_for_person(person_id: int) -> QuerySet[Plan]:
    return Plan.objects.filter(person_id=person_id).select_related("owner", "involvement")


def open_plans_for_involvement(involvement_id: int) -> QuerySet[Plan]:
    return Plan.objects.filter(involvement_id=involvement_id, ended_on__isnull=True)


def _open_in_units(unit_ids: Iterable[int]) -> QuerySet[Plan]:
    return Plan.objects.filter(
        ended_on__isnull=True,
        involvement__ended_on__isnull=True,
        involvement__team_id__in=list(unit_ids),
    ).select_related("person", "owner", "involvement__team")


def plans_with_flags(unit_ids: Iterable[int]) -> QuerySet[Plan]:
    """The open plans of the units' children with quality findings, most findings first."""
    return _open_in_units(unit_ids).filter(flag_count__gt=0).order_by("-flag_count", "pk")


def visits_overdue(unit_ids: Iterable[int], clock: dt.date) -> QuerySet[Plan]:
    """The open plans of the units' children whose visit was due before `clock` (a date: the
    day the list is for), longest overdue first."""
    return (
        _open_in_units(unit_ids)
        .filter(next_visit_due_on__lt=clock)
        .order_by("next_visit_due_on", "pk")
    )
