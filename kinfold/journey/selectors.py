"""Reads of the spine, through the one visibility filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kinfold.access.visibility import check_person
from kinfold.people.models import Person
from kinfold.workforce.models import Allocation, AllocationRole, Role, Worker
from kinfold.workforce.selectors import current_team_ids, current_workers

from .models import Event, Involvement
from .notes import VISIT_TYPES, CaseNote


def _may_see(worker: Worker, person_id: int) -> bool:
    person = Person.objects.filter(pk=person_id).first()
    return person is not None and check_person(worker, person).allowed


def events_for_person(*, worker: Worker, person_id: int) -> QuerySet[Event]:
    """A child's events, newest first, entries in error included (they show as such); empty
    when the worker may not see the child (the ladder, restriction, break glass)."""
    if not _may_see(worker, person_id):
        return Event.objects.none()
    return _events_of(person_id)


def _events_of(person_id: int) -> QuerySet[Event]:
    """A child's events, newest first, for a caller that has checked the worker may see them."""
    return (
        Event.objects.filter(person_id=person_id)
        .select_related("recorded_by", "retraction", "retraction__retracted_by", "involvement")
        .order_by("-occurred_at", "-id")
    )


def involvements_for_person(*, worker: Worker, person_id: int) -> QuerySet[Involvement]:
    if not _may_see(worker, person_id):
        return Involvement.objects.none()
    return Involvement.objects.filter(person_id=person_id).select_related("team")


def open_involvements(*, stage: str | None = None) -> QuerySet[Involvement]:
    qs = Involvement.objects.filter(ended_on__isnull=True)
    return qs.filter(stage=stage) if stage else qs


def open_actions(*, owner: Worker):
    """The worker's actions not yet done, soonest due first (overdue ones come first)."""
    from .oversight import Action

    return (
        Action.objects.filter(owner=owner, completed_at__isnull=True)
        .select_related("person", "set_by")
        .order_by("due_date", "id")
    )


def oversight_for_person(*, worker: Worker, person_id: int):
    """Management oversight of a child, newest first: the decisions and their actions."""
    from .oversight import CaseDiscussion

    if not _may_see(worker, person_id):
        return CaseDiscussion.objects.none()
    return (
        CaseDiscussion.objects.filter(person_id=person_id)
        .select_related("manager", "supervision")
        .order_by("-held_on", "-id")
    )


# ---- the pages of a child's journey ----------------------------------------------------------


def social_worker_changes(*, person_id: int, on: dt.date) -> int:
    """Changes of allocated social worker in the 12 months up to and including `on`: the
    distinct social workers allocated at any time in those months, less the first (a child
    who kept one worker all year has had no change). Ofsted and the children themselves count
    it; each change is a new relationship to build."""
    window_start = on - relativedelta(years=1) + dt.timedelta(days=1)
    workers = (
        Allocation.objects.filter(
            person_id=person_id, role=AllocationRole.SOCIAL_WORKER, start_date__lte=on
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window_start))
        .values("worker_id")
        .distinct()
        .count()
    )
    return max(workers - 1, 0)


@dataclass(frozen=True)
class ChronologyFilter:
    """What the chronology shows: categories of event (none chosen: all), a date range, and
    whether only significant events."""

    categories: frozenset[str] = frozenset()
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    significant_only: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.categories or self.from_date or self.to_date or self.significant_only)

    def describe(self) -> list[str]:
        """The filters in words, for the page and the exported copy."""
        from .events import CATEGORIES

        shown = []
        if self.categories:
            labels = [CATEGORIES.get(c, c) for c in sorted(self.categories)]
            shown.append("Categories: " + ", ".join(labels))
        if self.from_date:
            shown.append(f"From {self.from_date:%-d %B %Y}")
        if self.to_date:
            shown.append(f"To {self.to_date:%-d %B %Y}")
        if self.significant_only:
            shown.append("Significant events only")
        return shown or ["All events"]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def chronology(
    *, worker: Worker, person_id: int, filters: ChronologyFilter | None = None
) -> QuerySet[Event]:
    """A child's chronology: their events, newest first, entries in error included (shown
    struck through with the reason), narrowed by the filters."""
    from .events import EVENT_TYPES

    events = events_for_person(worker=worker, person_id=person_id)
    filters = filters or ChronologyFilter()
    if filters.categories:
        types = [code for code, t in EVENT_TYPES.items() if t.category in filters.categories]
        events = events.filter(type__in=types)
    if filters.from_date:
        events = events.filter(occurred_at__gte=_start_of(filters.from_date))
    if filters.to_date:
        events = events.filter(occurred_at__lt=_start_of(filters.to_date + dt.timedelta(days=1)))
    if filters.significant_only:
        events = events.filter(significant=True)
    return events


def _note_in_error() -> Exists:
    """Whether the event recording the note (outer row) was marked as entered in error."""
    return Exists(
        Event.objects.filter(
            subject_type=ContentType.objects.get_for_model(CaseNote),
            subject_id=OuterRef("pk"),
            type__in=("note.recorded", "visit.recorded"),
            retraction__isnull=False,
        )
    )


def notes_for_person(*, worker: Worker, person_id: int) -> QuerySet[CaseNote]:
    """A child's case notes, latest first, each with `in_error` when its entry was marked as
    entered in error."""
    if not _may_see(worker, person_id):
        return CaseNote.objects.none()
    return _notes_of(person_id)


def _notes_of(person_id: int) -> QuerySet[CaseNote]:
    return (
        CaseNote.objects.filter(person_id=person_id)
        .select_related("author")
        .annotate(in_error=_note_in_error())
        .order_by("-occurred_at", "-id")
    )


def _last_visit_of(person_id: int) -> CaseNote | None:
    return _notes_of(person_id).filter(~_note_in_error(), type__in=VISIT_TYPES).first()


def last_visit(*, worker: Worker, person_id: int) -> CaseNote | None:
    """The latest visit not entered in error: was the child seen, and seen alone?"""
    if not _may_see(worker, person_id):
        return None
    return _last_visit_of(person_id)


@dataclass(frozen=True)
class JourneySummary:
    """What a child's page shows of their journey."""

    team: list[Allocation]
    social_worker_changes: int
    open_involvements: list[Involvement]
    recent_events: list[Event]
    last_visit: CaseNote | None


def journey_summary(
    *, worker: Worker, person_id: int, recent: int = 5, checked: bool = False
) -> JourneySummary | None:
    """The team around the child, changes of social worker, open involvements, the latest
    events and the latest visit; None when the worker may not see the child (decided once:
    `checked` says the caller's page has already decided, for this worker and child)."""
    from kinfold.workforce.selectors import allocations_for_person

    if not checked and not _may_see(worker, person_id):
        return None
    today = timezone.localdate()
    return JourneySummary(
        team=list(allocations_for_person(person_id=person_id).order_by("role", "start_date")),
        social_worker_changes=social_worker_changes(person_id=person_id, on=today),
        open_involvements=list(
            Involvement.objects.filter(person_id=person_id, ended_on__isnull=True).select_related(
                "team"
            )
        ),
        recent_events=list(_events_of(person_id)[:recent]),
        last_visit=_last_visit_of(person_id),
    )


# ---- supervision and actions ---------------------------------------------------------------

# Who records a worker's supervision: their line managers in practice.
SUPERVISING_ROLES = frozenset({Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER})


def may_supervise(*, manager: Worker, supervisee: Worker) -> bool:
    """A team manager (or consultant) supervises the workers of a team they are in now."""
    return (
        manager.role in SUPERVISING_ROLES
        and manager.pk != supervisee.pk
        and supervisee.is_active
        and bool(current_team_ids(worker=manager) & current_team_ids(worker=supervisee))
    )


def team_members(*, worker: Worker) -> list[Worker]:
    """The active workers in the worker's current teams (the owners an action may have)."""
    return list(current_workers(unit_ids=current_team_ids(worker=worker)))


def fully_visible(worker: Worker, persons: list[Person]) -> set[int]:
    """Ids of the persons whose record the worker may open in full (one decision for many)."""
    from kinfold.access.visibility import Access
    from kinfold.people.search_results import access_for

    return {pid for pid, access in access_for(worker, persons).items() if access is Access.FULL}


def children_to_discuss(*, manager: Worker, supervisee: Worker) -> list[Person]:
    """The supervisee's allocated children whose records the manager may see."""
    from kinfold.workforce.selectors import my_allocated_children

    persons = list(
        {a.person_id: a.person for a in my_allocated_children(worker=supervisee)}.values()
    )
    visible = fully_visible(manager, persons)
    return [p for p in persons if p.pk in visible]


def _sees_all_supervision_of(worker: Worker, supervisee: Worker) -> bool:
    from kinfold.access.guards import is_administrator

    return (
        worker.pk == supervisee.pk
        or is_administrator(worker)
        or (
            worker.role == Role.TEAM_MANAGER
            and bool(current_team_ids(worker=worker) & current_team_ids(worker=supervisee))
        )
    )


def may_see_supervision(*, worker: Worker, supervision) -> bool:
    """The supervisee, the supervisor, a manager of the supervisee's team, an administrator."""
    return worker.pk == supervision.supervisor_id or _sees_all_supervision_of(
        worker, supervision.supervisee
    )


def supervisions_of(*, worker: Worker):
    from .oversight import Supervision

    return Supervision.objects.filter(supervisee=worker).select_related("supervisor")


def supervisions_seen_by(*, viewer: Worker, supervisee: Worker, limit: int = 20):
    """The supervisee's supervision records the viewer may see (may_see_supervision for each,
    decided once for the supervisee), newest first."""
    records = supervisions_of(worker=supervisee)
    newest = list(records[:limit])
    if all(r.supervisor_id == viewer.pk for r in newest):
        return newest  # none, or all the viewer's own: nothing to decide
    if _sees_all_supervision_of(viewer, supervisee):
        return newest
    return list(records.filter(supervisor=viewer)[:limit])
