"""Reads of the workforce: teams, their workers, and who holds which children."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Allocation, OrgUnit, TeamMembership, Worker


def current_allocations() -> QuerySet[Allocation]:
    today = timezone.localdate()
    return Allocation.objects.filter(start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )


def my_allocated_children(*, worker: Worker) -> QuerySet[Allocation]:
    return (
        current_allocations()
        .filter(worker=worker, person__merged_into__isnull=True)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
    )


def allocations_for_person(*, person_id: int) -> QuerySet[Allocation]:
    """The current team around the child."""
    return current_allocations().filter(person_id=person_id).select_related("worker", "team")


def current_members(*, unit: OrgUnit) -> QuerySet[TeamMembership]:
    today = timezone.localdate()
    return (
        TeamMembership.objects.filter(unit=unit, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("worker")
        .annotate(
            open_children=Count(
                "worker__allocations",
                filter=Q(worker__allocations__end_date__isnull=True),
                distinct=True,
            )
        )
        .order_by("worker__last_name")
    )


def unit_tree() -> list[tuple[OrgUnit, int]]:
    """Every active unit with its depth, parents before children, siblings by name."""
    units = list(OrgUnit.objects.filter(active=True).order_by("name"))
    below: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        below.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[OrgUnit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in below.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered
