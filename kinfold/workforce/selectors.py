"""Reads of the workforce: teams, their workers, and who holds which children."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Allocation, Employment, OrgUnit, TeamMembership, Worker


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


# --- The workforce pages: the directory of units and workers, and how loaded they are. ---
#
# A unit's figures are its own: the workers with a current membership of it and the children
# allocated in it, not those of the units below. Totals over a unit and everything below it
# count each worker and each child once (`subtree_figures`).


@dataclass(frozen=True)
class UnitFigures:
    """Who works in a unit and how many children it holds, today."""

    workers: int = 0
    fte: Decimal = Decimal(0)
    agency_workers: int = 0
    agency_fte: Decimal = Decimal(0)
    children: int = 0

    @property
    def agency_percent(self) -> int | None:
        """The agency share of the unit's FTE, as the DfE workforce census counts it."""
        if not self.fte:
            return None
        return int((self.agency_fte * 100 / self.fte).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class UnitRow:
    unit: OrgUnit
    depth: int
    figures: UnitFigures


def current_memberships(*, on: dt.date | None = None) -> QuerySet[TeamMembership]:
    """Memberships running on `on` (today) of workers who are still employed then."""
    on = on or timezone.localdate()
    return (
        TeamMembership.objects.filter(start_date__lte=on, worker__is_active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(Q(worker__leaving_date__isnull=True) | Q(worker__leaving_date__gte=on))
    )


def current_team_ids(*, worker: Worker, on: dt.date | None = None) -> set[int]:
    """The units the worker is a member of on `on` (today)."""
    on = on or timezone.localdate()
    return set(
        TeamMembership.objects.filter(worker=worker, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("unit_id", flat=True)
    )


def current_workers(*, unit_ids: Collection[int] | None = None) -> QuerySet[Worker]:
    """Workers still employed with a membership running today (of one of `unit_ids`), by name."""
    members = current_memberships()
    if unit_ids is not None:
        members = members.filter(unit_id__in=unit_ids)
    return Worker.objects.filter(pk__in=members.values("worker_id")).order_by(
        "last_name", "first_name", "pk"
    )


def _live_allocations() -> QuerySet[Allocation]:
    """Current allocations of records still in use (a merged record's are the kept one's)."""
    return current_allocations().filter(person__merged_into__isnull=True)


def unit_figures(*, unit_ids: Iterable[int] | None = None) -> dict[int, UnitFigures]:
    """Each unit's own figures, in two grouped queries whatever the number of units."""
    members = current_memberships()
    allocations = _live_allocations()
    if unit_ids is not None:
        ids = list(unit_ids)
        members = members.filter(unit_id__in=ids)
        allocations = allocations.filter(team_id__in=ids)
    agency = Q(worker__employment=Employment.AGENCY)
    staffing = (
        members.order_by()
        .values("unit_id")
        .annotate(
            workers=Count("worker_id", distinct=True),
            agency_workers=Count("worker_id", filter=agency, distinct=True),
            fte=Sum("worker__fte"),
            agency_fte=Sum("worker__fte", filter=agency),
        )
    )
    children = dict(
        allocations.order_by()
        .values("team_id")
        .annotate(children=Count("person_id", distinct=True))
        .values_list("team_id", "children")
    )
    figures: dict[int, UnitFigures] = {}
    for row in staffing:
        figures[row["unit_id"]] = UnitFigures(
            workers=row["workers"],
            fte=Decimal(row["fte"] or 0),
            agency_workers=row["agency_workers"],
            agency_fte=Decimal(row["agency_fte"] or 0),
            children=children.pop(row["unit_id"], 0),
        )
    for unit_id, count in children.items():
        figures[unit_id] = UnitFigures(children=count)
    return figures


def unit_tree_with_figures() -> list[UnitRow]:
    """The organisation as `unit_tree` orders it, each unit with its own figures (3 queries)."""
    figures = unit_figures()
    return [
        UnitRow(unit=unit, depth=depth, figures=figures.get(unit.pk, UnitFigures()))
        for unit, depth in unit_tree()
    ]


def subtree_figures(*, unit_ids: Collection[int] | None = None) -> UnitFigures:
    """Totals over several units (None: the whole authority), each worker and child once."""
    members = current_memberships()
    allocations = _live_allocations()
    if unit_ids is not None:
        members = members.filter(unit_id__in=unit_ids)
        allocations = allocations.filter(team_id__in=unit_ids)
    agency = Q(employment=Employment.AGENCY)
    staff = Worker.objects.filter(pk__in=members.values("worker_id")).aggregate(
        workers=Count("pk"),
        agency_workers=Count("pk", filter=agency),
        total_fte=Sum("fte"),
        agency_fte=Sum("fte", filter=agency),
    )
    children = allocations.order_by().values("person_id").distinct().count()
    return UnitFigures(
        workers=staff["workers"],
        fte=Decimal(staff["total_fte"] or 0),
        agency_workers=staff["agency_workers"],
        agency_fte=Decimal(staff["agency_fte"] or 0),
        children=children,
    )


def unit_path(*, unit: OrgUnit) -> list[OrgUnit]:
    """The units above `unit`, from the top of the tree down, in one query."""
    parents = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    chain: list[int] = []
    node = unit.parent_id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    units = OrgUnit.objects.in_bulk(chain)
    return [units[pk] for pk in reversed(chain)]


def child_units(*, unit: OrgUnit) -> list[UnitRow]:
    """The units directly below `unit` (closed ones too), with their own figures."""
    children = list(unit.children.order_by("-active", "name"))
    figures = unit_figures(unit_ids=[c.pk for c in children])
    return [UnitRow(unit=c, depth=1, figures=figures.get(c.pk, UnitFigures())) for c in children]


def _caseload() -> Coalesce:
    """The number of children currently allocated to the worker of the outer row."""
    count = (
        _live_allocations()
        .filter(worker_id=OuterRef("worker_id"))
        .order_by()
        .values("worker_id")
        .annotate(children=Count("person_id", distinct=True))
        .values("children")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def unit_members(*, unit: OrgUnit) -> QuerySet[TeamMembership]:
    """The unit's current members, each with their caseload (`caseload`), by name."""
    return (
        current_memberships()
        .filter(unit=unit)
        .select_related("worker")
        .annotate(caseload=_caseload())
        .order_by("worker__last_name", "worker__first_name", "worker_id")
    )


def past_members(*, unit: OrgUnit) -> QuerySet[TeamMembership]:
    """Memberships of the unit that have ended, or whose worker has left, latest first."""
    today = timezone.localdate()
    return (
        TeamMembership.objects.filter(unit=unit)
        .filter(
            Q(end_date__lt=today) | Q(worker__leaving_date__lt=today) | Q(worker__is_active=False)
        )
        .select_related("worker")
        .order_by(F("end_date").desc(nulls_first=True), "worker__last_name")
    )


def team_history(*, worker: Worker) -> QuerySet[TeamMembership]:
    """Every team the worker has been in, latest first."""
    return worker.memberships.select_related("unit").order_by("-start_date", "-pk")


def caseload_count(*, worker: Worker) -> int:
    return _live_allocations().filter(worker=worker).values("person_id").distinct().count()


@dataclass(frozen=True)
class Caseload:
    """The children allocated to a worker as far as the viewer may see them."""

    shown: list[Allocation]
    not_shown: int

    @property
    def total(self) -> int:
        return len(self.shown) + self.not_shown


def caseload_for_viewer(*, worker: Worker, viewer: Worker) -> Caseload:
    """A worker's current allocations: named where the viewer may open the child's record,
    counted otherwise (outside the viewer's reach, or restricted and the viewer not named)."""
    # Imported here: access.visibility itself reads allocations from this module.
    from kinfold.access.visibility import Access
    from kinfold.people.search_results import access_for

    allocations = list(
        _live_allocations()
        .filter(worker=worker)
        .select_related("person", "team")
        .order_by("person__family_name", "person__given_name", "person_id", "-start_date")
    )
    persons = list({a.person_id: a.person for a in allocations}.values())
    access = access_for(viewer, persons)
    seen: set[int] = set()
    shown: list[Allocation] = []
    hidden: set[int] = set()
    for allocation in allocations:
        pid = allocation.person_id
        if access.get(pid) is not Access.FULL:
            hidden.add(pid)
        elif pid not in seen:
            seen.add(pid)
            shown.append(allocation)
    return Caseload(shown=shown, not_shown=len(hidden))
