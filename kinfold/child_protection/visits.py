"""Visits to a child on a child protection plan (rule cp.visit, repeating): each visit note
where the child was seen moves the plan's stored `last_visit_on` and `next_visit_due_on`, so
a missed visit shows on the allocated worker's list as overdue.

Connected in ChildProtectionConfig.ready() to CaseNote's post_save, so it runs inside the
transaction of kinfold.journey.services.record_note / revise_note. Child in need plans are
kept by the plans app the same way; this module touches child protection plans only.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.plans.models import Plan, PlanKind
from kinfold.timescales.calendar import due_on

VISIT_RULE = "cp.visit"


def visit_due(after: dt.date, *, repeat: bool) -> dt.date:
    """The next visit's due date: the rule's first interval from the plan's start, its repeat
    interval from the last visit."""
    return due_on(VISIT_RULE, after, repeat=repeat)


def refresh_plan_visits(plan: Plan) -> Plan:
    """Set the plan's last visit (child seen, on or after the plan's start) and next due."""
    last = (
        CaseNote.objects.filter(
            person_id=plan.person_id,
            type__in=VISIT_TYPES,
            child_seen=True,
            occurred_at__gte=timezone.make_aware(dt.datetime.combine(plan.started_on, dt.time())),
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    last_on = timezone.localdate(last) if last is not None else None
    if last_on is None:
        next_due = visit_due(plan.started_on, repeat=False)
    else:
        next_due = visit_due(last_on, repeat=True)
    visit_from = last_on or plan.started_on  # the registry's trigger (rule cp.visit)
    if (plan.last_visit_on, plan.next_visit_due_on, plan.visit_from) != (
        last_on,
        next_due,
        visit_from,
    ):
        Plan.objects.filter(pk=plan.pk).update(
            last_visit_on=last_on, next_visit_due_on=next_due, visit_from=visit_from
        )
        plan.last_visit_on, plan.next_visit_due_on = last_on, next_due
        plan.visit_from = visit_from
    return plan


def note_saved(sender, instance: CaseNote, raw: bool = False, **kwargs) -> None:
    # Any note: a revision may have made a visit into another kind of note, or the reverse.
    if raw:
        return
    plan = Plan.objects.filter(
        person_id=instance.person_id, kind=PlanKind.CHILD_PROTECTION, ended_on__isnull=True
    ).first()
    if plan is not None:
        refresh_plan_visits(plan)
