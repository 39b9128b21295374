"""Who may see which person: the one visibility filter and the one object check.

The ladder (DESIGN.md, "Access"): what I am allocated to → my team → my service → the whole
LA, given by role. People related to a child I can see (parents, siblings, carers) come with
the child. A person held by no team (no current allocation) is visible to every rung above
"allocated", so a new contact can be found and picked up. Restricted records show their
content only to named workers and, for a limited time, to a worker who broke the glass.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kinfold.people.models import Person, Relationship
from kinfold.workforce.models import Role, Worker
from kinfold.workforce.selectors import current_allocations, current_team_ids

from .models import BreakGlass, RestrictedAccess


class Reach(enum.IntEnum):
    ALLOCATED = 1
    TEAM = 2
    SERVICE = 3
    AUTHORITY = 4


DEFAULT_REACH: dict[str, Reach] = {
    Role.CONTACT_OFFICER: Reach.AUTHORITY,
    Role.MASH_PRACTITIONER: Reach.AUTHORITY,
    Role.FAMILY_WORKER: Reach.TEAM,
    Role.SOCIAL_WORKER: Reach.TEAM,
    Role.CONSULTANT_SOCIAL_WORKER: Reach.TEAM,
    Role.TEAM_MANAGER: Reach.SERVICE,
    Role.IRO: Reach.AUTHORITY,
    Role.PERSONAL_ADVISER: Reach.ALLOCATED,
    Role.LADO: Reach.ALLOCATED,
    Role.PERFORMANCE_OFFICER: Reach.AUTHORITY,
    Role.ADMINISTRATOR: Reach.AUTHORITY,
}


def reach_of(worker: Worker) -> Reach:
    overrides = getattr(settings, "KINFOLD_ROLE_REACH", {})
    if worker.role in overrides:
        return Reach[overrides[worker.role]]
    return DEFAULT_REACH.get(worker.role, Reach.ALLOCATED)


def _unit_ids_in_reach(worker: Worker, reach: Reach) -> set[int] | None:
    """Team ids whose children I may see; None means every team."""
    if reach >= Reach.AUTHORITY:
        return None
    teams = current_team_ids(worker=worker)
    if reach == Reach.TEAM:
        return teams
    if reach == Reach.SERVICE:
        from kinfold.workforce.models import OrgUnit

        ids: set[int] = set()
        for unit in OrgUnit.objects.filter(pk__in=teams).select_related("parent"):
            ids |= unit.service().subtree_ids()
        return ids
    return set()


def _current_relationships() -> QuerySet[Relationship]:
    return Relationship.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    )


def visible_persons(worker: Worker, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Persons whose record `worker` may open (restricted ones included: the object check
    decides whether they see the content or only that the record exists)."""
    qs = queryset if queryset is not None else Person.objects.all()
    qs = qs.filter(merged_into__isnull=True)
    reach = reach_of(worker)
    if reach >= Reach.AUTHORITY:
        return qs
    allocations = current_allocations()
    mine = allocations.filter(worker=worker)
    if reach >= Reach.TEAM:
        unit_ids = _unit_ids_in_reach(worker, reach) or set()
        held = allocations.filter(Q(worker=worker) | Q(team_id__in=unit_ids))
    else:
        held = mine
    held_ids = held.values("person_id")
    related = _current_relationships().filter(person_id=OuterRef("pk"), other_id__in=held_ids)
    condition = Q(pk__in=held_ids) | Q(Exists(related))
    if reach >= Reach.TEAM:
        # Held by nobody: neither allocated nor family of anyone allocated.
        held_by_anyone = allocations.values("person_id")
        condition |= ~Q(Exists(allocations.filter(person_id=OuterRef("pk")))) & ~Q(
            Exists(
                _current_relationships().filter(
                    person_id=OuterRef("pk"), other_id__in=held_by_anyone
                )
            )
        )
    return qs.filter(condition)


class Access(enum.Enum):
    FULL = "full"  # sees the record
    RESTRICTED = "restricted"  # sees that it exists and who to ask; may break the glass
    OUT_OF_REACH = "out_of_reach"  # outside the ladder; may break the glass with a reason
    NONE = "none"


@dataclass(frozen=True)
class Decision:
    access: Access
    via_break_glass: bool = False

    @property
    def allowed(self) -> bool:
        return self.access is Access.FULL


def has_break_glass(worker: Worker, person: Person) -> bool:
    return BreakGlass.objects.filter(
        worker=worker, person=person, expires_at__gt=timezone.now()
    ).exists()


def is_named_on_restricted(worker: Worker, person: Person) -> bool:
    return (
        person.restriction_manager_id == worker.pk
        or RestrictedAccess.objects.filter(
            person=person, worker=worker, revoked_at__isnull=True
        ).exists()
    )


def check_person(worker: Worker, person: Person) -> Decision:
    """The one object check every view of a person's record goes through."""
    if person.restricted:
        if is_named_on_restricted(worker, person):
            return Decision(Access.FULL)
        if has_break_glass(worker, person):
            return Decision(Access.FULL, via_break_glass=True)
        return Decision(Access.RESTRICTED)
    if visible_persons(worker, Person.objects.filter(pk=person.pk)).exists():
        return Decision(Access.FULL)
    if has_break_glass(worker, person):
        return Decision(Access.FULL, via_break_glass=True)
    return Decision(Access.OUT_OF_REACH)
