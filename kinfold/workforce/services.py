"""Allocating children to workers: the team around the child, and every change of it.

A change of social worker is the commonest thing children tell inspectors they dislike (seed
findings on "too many changes of social worker"): every allocation and its end are dated, carry
the reason, and are written to the child's journey, so the change count is a query.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from kinfold.access.guards import is_administrator
from kinfold.access.permissions import require_write_access
from kinfold.journey.events import check_not_future, record_event
from kinfold.people.models import Person

from .models import Allocation, AllocationRole, OrgUnit, Role, Worker
from .selectors import current_team_ids

# Who may allocate: the managers of the work and administrators.
ALLOCATING_ROLES = frozenset({Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER})
# The allocation role each worker role may hold.
ROLE_FITS: dict[str, set[str]] = {
    AllocationRole.SOCIAL_WORKER: {
        Role.SOCIAL_WORKER,
        Role.CONSULTANT_SOCIAL_WORKER,
        Role.TEAM_MANAGER,
    },
    AllocationRole.CONSULTANT: {Role.CONSULTANT_SOCIAL_WORKER},
    AllocationRole.TEAM_MANAGER: {Role.TEAM_MANAGER},
    AllocationRole.IRO: {Role.IRO},
    AllocationRole.PERSONAL_ADVISER: {Role.PERSONAL_ADVISER},
    AllocationRole.FAMILY_WORKER: {Role.FAMILY_WORKER, Role.SOCIAL_WORKER},
}


def can_allocate(worker: Worker) -> bool:
    return worker.role in ALLOCATING_ROLES or is_administrator(worker)


def _end(allocation: Allocation, *, actor: Worker, end_date: dt.date, reason: str) -> None:
    if end_date < allocation.start_date:
        raise ValidationError({"end_date": "The allocation cannot end before it started"})
    allocation.end_date = end_date
    allocation.end_reason = reason[:200]
    allocation.save(update_fields=["end_date", "end_reason"])
    record_event(
        person_id=allocation.person_id,
        type="allocation.ended",
        occurred=end_date,
        summary=f"{allocation.get_role_display()} {allocation.worker} ended: {reason}"[:500],
        recorded_by=actor,
        subject=allocation,
        detail={"role": allocation.role, "worker": allocation.worker_id, "reason": reason},
    )


@transaction.atomic
def allocate(
    *,
    actor: Worker,
    person: Person,
    worker: Worker,
    team: OrgUnit,
    role: str = AllocationRole.SOCIAL_WORKER,
    start_date: dt.date,
    reason: str,
) -> Allocation:
    """Allocate a child to a worker in a team. The child's current allocation in the same
    role ends the day before, with the reason, so there is one allocated social worker at a
    time and every change is counted."""
    if not can_allocate(actor):
        raise PermissionDenied("Only team managers, consultants and administrators allocate")
    require_write_access(actor, person)
    if role not in AllocationRole.values:
        raise ValidationError({"role": "Choose a role from the list"})
    if worker.role not in ROLE_FITS[role]:
        raise ValidationError(
            {
                "worker": f"A {worker.get_role_display().lower()} cannot be the "
                f"{AllocationRole(role).label.lower()}"
            }
        )
    if not worker.is_active or (worker.leaving_date and worker.leaving_date < start_date):
        raise ValidationError({"worker": f"{worker} has left"})
    check_not_future(start_date, "start_date")
    if team.pk not in current_team_ids(worker=worker, on=start_date):
        raise ValidationError({"worker": f"{worker} is not in {team} on that date"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the allocation"})
    current = list(
        Allocation.objects.select_for_update()
        .filter(person=person, role=role)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    )
    for allocation in current:
        if allocation.worker_id == worker.pk and allocation.team_id == team.pk:
            raise ValidationError({"worker": f"{worker} is already allocated"})
        if allocation.start_date >= start_date:
            raise ValidationError(
                {
                    "start_date": f"{allocation.worker} was allocated on "
                    f"{allocation.start_date:%d %B %Y}: the new allocation must start after that"
                }
            )
        _end(allocation, actor=actor, end_date=start_date - dt.timedelta(days=1), reason=reason)
    allocation = Allocation.objects.create(
        person=person,
        worker=worker,
        team=team,
        role=role,
        start_date=start_date,
        recorded_by=actor,
    )
    record_event(
        person_id=person.pk,
        type="allocation.started",
        occurred=start_date,
        summary=f"{allocation.get_role_display()}: {worker} ({team}). {reason}"[:500],
        recorded_by=actor,
        subject=allocation,
        detail={"role": role, "worker": worker.pk, "team": team.pk, "reason": reason},
    )
    return allocation


@transaction.atomic
def end_allocation(
    *, actor: Worker, allocation_id: int, end_date: dt.date, reason: str
) -> Allocation:
    """End an allocation (the child's case closes, or the worker leaves) with the reason."""
    if not can_allocate(actor):
        raise PermissionDenied("Only team managers, consultants and administrators allocate")
    allocation = (
        Allocation.objects.select_for_update()
        .select_related("person", "worker")
        .get(pk=allocation_id)
    )
    require_write_access(actor, allocation.person)
    if allocation.end_date is not None and allocation.end_date <= end_date:
        raise ValidationError(f"This allocation already ended on {allocation.end_date:%d %B %Y}")
    check_not_future(end_date, "end_date")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the allocation is ending"})
    _end(allocation, actor=actor, end_date=end_date, reason=reason.strip())
    return allocation
