"""Who may write: the one check services call before changing a child's record.

Reading follows the ladder in visibility.py. Writing needs full access to the person (the
ladder, a named worker on a restricted record, or a break-glass) and a role that records:
performance officers read and report but do not record practice.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kinfold.people.models import Person
from kinfold.workforce.models import Role, Worker

from .visibility import check_person

READ_ONLY_ROLES = frozenset({Role.PERFORMANCE_OFFICER})


def can_record(worker: Worker) -> bool:
    """Who may add and change records: any signed-in, active worker except read-only roles."""
    return bool(
        worker.is_authenticated
        and worker.is_active
        and (worker.role not in READ_ONLY_ROLES or worker.is_superuser)
    )


def require_write_access(worker: Worker, person: Person) -> None:
    """Raise PermissionDenied unless the worker may record on this person's record."""
    if not can_record(worker):
        raise PermissionDenied("Your role does not record on children's records")
    if person.merged_into_id:
        raise PermissionDenied("This record was merged: record on the record it was merged into")
    if not check_person(worker, person).allowed:
        raise PermissionDenied("You do not have access to this record")
