"""Worklists: what is due, from every stage at once, for a worker, a team and its caseloads.

The inspections found timescales missed without anyone seeing. Every stage stores its due
dates on its own rows (docs/adr/0005), so a worklist is a set of indexed queries, one per
*source* of work:

- a `WorkSource` names a model, the path to the item's owner (a worker), the due date field,
  which rows are open, and optionally the child, a title, a link and where the deadline comes
  from. `items()` and `counts()` are each ONE query over the owners given (an index range on
  (owner, due) when the model has that index; no scan of all rows);
- agreed actions (`journey.Action`, set in supervision and meetings) are registered here;
- every model registered in `timescales.registry` with an `owner_field` is a source of its
  own, so a stage's assessments, visits or reviews due appear without more code.

An item is overdue once its due date has passed (a deadline with a time of day: once that
moment has passed); how late is counted in working days on the one calendar (the working days
after the due day, up to and including today). "Due this week" is not yet overdue and due by
the end of this Sunday.

Caseloads count each worker's open children (current allocations in which they hold the case,
distinct children, merged records left out) and weigh each child by their open stages of the
journey: `KINFOLD_CASELOAD_WEIGHTS` in settings, a dict of stage code to weight (default
`DEFAULT_CASELOAD_WEIGHTS`); a child counts at the highest weight of their open stages, and at
1.0 with no weighted stage open.

Nothing here names a child: the pages decide what the viewer may see (`children_shown`).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from kinfold.access.guards import is_administrator
from kinfold.access.visibility import Access
from kinfold.journey.models import Involvement
from kinfold.journey.oversight import Action
from kinfold.journey.stages import stage_label
from kinfold.people.models import Person
from kinfold.people.search_results import access_for
from kinfold.workforce.models import AllocationRole, OrgUnit, Role, UnitKind, Worker
from kinfold.workforce.selectors import current_allocations, current_memberships

from .calendar import WorkingCalendar, working_calendar
from .models import Rule
from .registry import Registration, registrations

ACTION_KIND = "action"


@dataclass(frozen=True)
class Citation:
    """Why an item is due: the timescale rule (code, what, how long, source) or an agreement."""

    code: str
    label: str
    source: str = ""
    reference: str = ""
    timescale: str = ""

    @property
    def cited(self) -> str:
        return ", ".join(p for p in (self.source, self.reference) if p)


@dataclass
class Clock:
    """Now and today as the worklists count them, with the one calendar (read when needed)."""

    now: dt.datetime
    today: dt.date
    given_calendar: WorkingCalendar | None = None

    @classmethod
    def current(cls, calendar: WorkingCalendar | None = None) -> Clock:
        return cls(timezone.now(), timezone.localdate(), calendar)

    @functools.cached_property
    def calendar(self) -> WorkingCalendar:
        return self.given_calendar or working_calendar()

    @property
    def week_end(self) -> dt.date:
        """The Sunday ending this week."""
        return self.today + dt.timedelta(days=6 - self.today.weekday())

    @property
    def next_week_starts(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.week_end + dt.timedelta(days=1), dt.time.min)
        )


@dataclass(frozen=True)
class WorkItem:
    source: str
    kind: str
    kind_label: str
    pk: int
    owner_id: int
    due: dt.date | dt.datetime
    title: str
    person_id: int | None
    rule: Citation
    url: str
    # The link is the owner's own list (an agreed action is marked as done there).
    owner_only_url: bool = False
    overdue: bool = False
    working_days_overdue: int = 0
    due_this_week: bool = False

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, dt.datetime)

    @property
    def due_day(self) -> dt.date:
        return timezone.localdate(self.due) if isinstance(self.due, dt.datetime) else self.due

    def sort_key(self) -> tuple:
        moment = timezone.localtime(self.due).time() if isinstance(self.due, dt.datetime) else None
        return (self.due_day, moment or dt.time.max, self.kind_label, self.title, self.pk)


@dataclass
class Counts:
    open: int = 0
    due_this_week: int = 0
    overdue: int = 0

    def add(self, other: Counts) -> None:
        self.open += other.open
        self.due_this_week += other.due_this_week
        self.overdue += other.overdue


Rules = dict[str, Rule]


def rules_in_force() -> Rules:
    """Every rule as in force today, by code (one query)."""
    return {rule.code: rule for rule in Rule.objects.in_force()}


@dataclass(frozen=True)
class WorkSource:
    """Where open work comes from: one model, whose it is, when it is due, which rows are open."""

    key: str
    kind: str
    model: type[models.Model]
    owner_field: str
    due_field: str
    open_q: Q
    kind_label: str = ""  # rule sources: the rule's item, from the rule in force
    rule_code: str | None = None
    person_field: str | None = None
    title: str | Callable[[models.Model], str] | None = None
    url: str | Callable[[models.Model], str] | None = None
    citation: Callable[[models.Model], Citation] | None = None
    select_related: tuple[str, ...] = ()
    owner_only_url: bool = False

    @classmethod
    def from_registration(cls, registration: Registration) -> WorkSource:
        assert registration.owner_field is not None
        return cls(
            key=f"timescales:{registration.label}:{registration.rule_code}",
            kind=registration.rule_code,
            model=registration.model,
            owner_field=registration.owner_field,
            due_field=registration.due_field,
            open_q=registration.open_q,
            rule_code=registration.rule_code,
            person_field=registration.person_field,
            title=registration.title,
            url=registration.url,
        )

    @property
    def timed(self) -> bool:
        return isinstance(self.model._meta.get_field(self.due_field), models.DateTimeField)

    def label(self, rules: Rules) -> str:
        rule = rules.get(self.rule_code or "")
        return self.kind_label or (rule.item if rule else self.kind)

    def open_items(self, owners: Collection[int] | models.QuerySet) -> models.QuerySet:
        qs = self.model._default_manager.filter(self.open_q).filter(
            **{f"{self.owner_field}__in": owners}
        )
        if self.model._meta.get_field(self.due_field).null:
            qs = qs.filter(**{f"{self.due_field}__isnull": False})
        return qs

    def _windows(self, clock: Clock) -> tuple[Q, Q]:
        """(overdue, due this week), as conditions on the due field."""
        due = self.due_field
        if self.timed:
            late, end = clock.now, clock.next_week_starts
            return Q(**{f"{due}__lt": late}), Q(**{f"{due}__gte": late, f"{due}__lt": end})
        return (
            Q(**{f"{due}__lt": clock.today}),
            Q(**{f"{due}__gte": clock.today, f"{due}__lte": clock.week_end}),
        )

    def counts(self, owners, clock: Clock) -> dict[int, Counts]:
        """Open, due this week and overdue per owner: one grouped query."""
        rows = self.counts_query(owners, clock)
        return {r["_kf_owner"]: Counts(r["n"], r["week"], r["late"]) for r in rows}

    def counts_query(self, owners, clock: Clock) -> models.QuerySet:
        overdue, week = self._windows(clock)
        return (
            self.open_items(owners)
            .order_by()
            .values(_kf_owner=F(self.owner_field))
            .annotate(
                n=Count("pk"),
                late=Count("pk", filter=overdue),
                week=Count("pk", filter=week),
            )
        )

    def items(self, owners, clock: Clock, rules: Rules) -> list[WorkItem]:
        """The open items of the owners, soonest due first: one query."""
        qs = self.open_items(owners).annotate(_kf_owner=F(self.owner_field))
        if self.person_field:
            qs = qs.annotate(_kf_person=F(self.person_field))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        rule = rules.get(self.rule_code or "")
        label = self.label(rules)
        found = []
        for obj in qs.order_by(self.due_field, "pk"):
            person_id = getattr(obj, "_kf_person", None)
            found.append(
                WorkItem(
                    source=self.key,
                    kind=self.kind,
                    kind_label=label,
                    pk=obj.pk,
                    owner_id=obj._kf_owner,  # type: ignore[attr-defined]
                    due=getattr(obj, self.due_field),
                    title=self._title(obj, label),
                    person_id=person_id,
                    rule=self._citation(obj, rule),
                    url=self._url(obj, person_id),
                    owner_only_url=self.owner_only_url,
                )
            )
        return found

    def _title(self, obj, label: str) -> str:
        if callable(self.title):
            return self.title(obj)
        return self.title or label

    def _citation(self, obj, rule: Rule | None) -> Citation:
        if self.citation is not None:
            return self.citation(obj)
        if rule is None:
            return Citation(code=self.rule_code or "", label=self.rule_code or self.kind)
        return Citation(
            code=rule.code,
            label=rule.item,
            source=rule.source,
            reference=rule.source_reference,
            timescale=rule.describe(),
        )

    def _url(self, obj, person_id: int | None) -> str:
        if callable(self.url):
            return self.url(obj)
        if self.url:
            return reverse(self.url, args=[obj.pk])
        return reverse("people:detail", args=[person_id]) if person_id else ""


_sources: dict[str, WorkSource] = {}


def register_source(source: WorkSource) -> WorkSource:
    """Add a source of work (registering the same key again replaces it)."""
    _sources[source.key] = source
    return source


def unregister_source(source: WorkSource) -> None:
    _sources.pop(source.key, None)


def sources(kind: str | None = None) -> list[WorkSource]:
    """The registered sources and one per timescale registration that names an owner."""
    found = list(_sources.values()) + [
        WorkSource.from_registration(r) for r in registrations() if r.owner_field
    ]
    return [s for s in found if kind is None or s.kind == kind]


def _action_citation(action) -> Citation:
    return Citation(
        code="",
        label="Agreed action",
        source=f"Set by {action.set_by} on {action.set_on:%-d %b %Y}",
    )


ACTIONS = register_source(
    WorkSource(
        key="journey.action",
        kind=ACTION_KIND,
        kind_label="Agreed action",
        model=Action,
        owner_field="owner",
        due_field="due_date",
        open_q=Q(completed_at__isnull=True),
        person_field="person",
        title=lambda action: action.description,  # type: ignore[attr-defined]
        url=lambda action: reverse("journey:my-actions"),
        citation=_action_citation,
        select_related=("set_by",),
        owner_only_url=True,
    )
)


def kinds(rules: Rules | None = None) -> list[tuple[str, str]]:
    """(kind, label) of every type of work, agreed actions first, then by label."""
    rules = rules if rules is not None else rules_in_force()
    labels: dict[str, str] = {}
    for source in sources():
        labels.setdefault(source.kind, source.label(rules))
    return sorted(labels.items(), key=lambda kv: (kv[0] != ACTION_KIND, kv[1].lower(), kv[0]))


# ---- a worker's list -----------------------------------------------------------------------


def _mark(items: list[WorkItem], clock: Clock) -> list[WorkItem]:
    """Set overdue, working days overdue and due this week; soonest first."""
    late_days = sorted({i.due_day for i in items if _is_late(i, clock)})
    working: list[dt.date] = []
    if late_days:
        day = late_days[0] + dt.timedelta(days=1)
        while day <= clock.today:
            if clock.calendar.is_working_day(day):
                working.append(day)
            day += dt.timedelta(days=1)
    marked = []
    for item in items:
        late = _is_late(item, clock)
        marked.append(
            dataclasses.replace(
                item,
                overdue=late,
                working_days_overdue=(
                    len(working) - bisect.bisect_right(working, item.due_day) if late else 0
                ),
                due_this_week=not late and item.due_day <= clock.week_end,
            )
        )
    return sorted(marked, key=WorkItem.sort_key)


def _is_late(item: WorkItem, clock: Clock) -> bool:
    if isinstance(item.due, dt.datetime):
        return item.due < clock.now
    return item.due < clock.today


def worklist(
    *,
    owner: Worker,
    kind: str | None = None,
    clock: Clock | None = None,
    rules: Rules | None = None,
) -> list[WorkItem]:
    """Everything open with a due date for one worker, soonest first (overdue first): one
    query per source, and one for the rules unless given."""
    clock = clock or Clock.current()
    rules = rules if rules is not None else rules_in_force()
    items: list[WorkItem] = []
    for source in sources(kind):
        items += source.items([owner.pk], clock, rules)
    return _mark(items, clock)


@dataclass(frozen=True)
class ChildShown:
    person_id: int
    la_child_id: str
    name: str = ""  # only when the viewer may open the record
    restricted: bool = False

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.restricted:
            return f"Restricted record {self.la_child_id}"
        return f"LA child ID {self.la_child_id}"


def children_shown(viewer: Worker, person_ids: Iterable[int | None]) -> dict[int, ChildShown]:
    """How each child appears to the viewer: named only when they may open the record (a
    restricted record they are not named on is never named)."""
    ids = {pid for pid in person_ids if pid}
    if not ids:
        return {}
    persons = list(Person.objects.filter(pk__in=ids))
    access = access_for(viewer, persons)
    return {
        p.pk: ChildShown(
            person_id=p.pk,
            la_child_id=p.la_child_id,
            name=p.full_name if access[p.pk] is Access.FULL else "",
            restricted=p.restricted,
        )
        for p in persons
    }


# ---- a team's work -------------------------------------------------------------------------

MANAGING_ROLES = frozenset({Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER})


def current_unit_ids(worker: Worker) -> set[int]:
    return set(current_memberships().filter(worker=worker).values_list("unit_id", flat=True))


def managed_units(viewer: Worker, own: set[int] | None = None) -> list[OrgUnit]:
    """The units whose work the viewer may see: every team for an administrator; a team
    manager's or consultant's own current teams (`own`, when already known); none for anyone
    else."""
    if is_administrator(viewer):
        return list(OrgUnit.objects.filter(active=True, kind=UnitKind.TEAM).order_by("name"))
    if viewer.role not in MANAGING_ROLES:
        return []
    own = current_unit_ids(viewer) if own is None else own
    return list(OrgUnit.objects.filter(pk__in=own).order_by("name"))


def may_manage(viewer: Worker, unit: OrgUnit) -> bool:
    if is_administrator(viewer):
        return True
    return viewer.role in MANAGING_ROLES and unit.pk in current_unit_ids(viewer)


def may_see_worklist_of(viewer: Worker, worker: Worker) -> bool:
    """Administrators, and the managers and consultants of a team the worker is in now."""
    if is_administrator(viewer):
        return True
    return viewer.role in MANAGING_ROLES and bool(
        current_unit_ids(viewer) & current_unit_ids(worker)
    )


def team_workers(unit: OrgUnit) -> list[Worker]:
    """The unit's current members (still employed), by name: one query."""
    members = (
        current_memberships()
        .filter(unit=unit)
        .select_related("worker")
        .order_by("worker__last_name", "worker__first_name", "worker_id")
    )
    seen: dict[int, Worker] = {}
    for m in members:
        seen.setdefault(m.worker_id, m.worker)
    return list(seen.values())


@dataclass
class TeamWork:
    unit: OrgUnit
    workers: list[Worker]
    kinds: list[tuple[str, str]]
    # (worker id, kind) -> counts; only pairs with open items.
    cells: dict[tuple[int, str], Counts]
    by_worker: dict[int, Counts] = field(default_factory=dict)
    by_kind: dict[str, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)

    def rows(self) -> list[tuple[Worker, Counts, list[tuple[str, Counts]]]]:
        """Each worker with their totals and their counts by type (types with open items)."""
        return [
            (
                w,
                self.by_worker.get(w.pk, Counts()),
                [
                    (label, self.cells[w.pk, k])
                    for k, label in self.kinds
                    if (w.pk, k) in self.cells
                ],
            )
            for w in self.workers
        ]

    def kind_rows(self) -> list[tuple[str, str, Counts]]:
        return [(k, label, self.by_kind[k]) for k, label in self.kinds if k in self.by_kind]


def team_work(*, unit: OrgUnit, clock: Clock | None = None) -> TeamWork:
    """Counts of open, due this week and overdue work by worker and by type for a team: one
    query for the members, one for the rules, one grouped query per source."""
    clock = clock or Clock.current()
    workers = team_workers(unit)
    owner_ids = [w.pk for w in workers]
    rules = rules_in_force()
    cells: dict[tuple[int, str], Counts] = {}
    if owner_ids:
        for source in sources():
            for owner_id, counts in source.counts(owner_ids, clock).items():
                cells.setdefault((owner_id, source.kind), Counts()).add(counts)
    work = TeamWork(unit=unit, workers=workers, kinds=kinds(rules), cells=cells)
    for (owner_id, kind), counts in cells.items():
        work.by_worker.setdefault(owner_id, Counts()).add(counts)
        work.by_kind.setdefault(kind, Counts()).add(counts)
        work.total.add(counts)
    return work


# ---- caseloads -----------------------------------------------------------------------------

DEFAULT_CASELOAD_WEIGHTS: dict[str, float] = {"child_protection": 1.5, "child_in_care": 1.2}
UNWEIGHTED = Decimal("1.0")
# Allocations in which the worker holds the case (a manager's or IRO's oversight does not).
CASE_HOLDING_ROLES = frozenset(
    {
        AllocationRole.SOCIAL_WORKER,
        AllocationRole.CONSULTANT,
        AllocationRole.PERSONAL_ADVISER,
        AllocationRole.FAMILY_WORKER,
    }
)


def caseload_weights() -> dict[str, Decimal]:
    """The weights by stage code, from settings (KINFOLD_CASELOAD_WEIGHTS) or the default."""
    configured = getattr(settings, "KINFOLD_CASELOAD_WEIGHTS", None)
    raw = DEFAULT_CASELOAD_WEIGHTS if configured is None else configured
    weights: dict[str, Decimal] = {}
    try:
        for stage, value in dict(raw).items():
            weight = Decimal(str(value))
            if not weight > 0:
                raise InvalidOperation
            weights[str(stage)] = weight
    except (InvalidOperation, TypeError, ValueError):
        raise ImproperlyConfigured(
            "KINFOLD_CASELOAD_WEIGHTS must map stage codes to positive numbers"
        ) from None
    return weights


@dataclass(frozen=True)
class CaseloadRow:
    worker: Worker
    children: int
    by_stage: dict[str, int]
    weighted: Decimal

    @property
    def fte(self) -> Decimal:
        return Decimal(self.worker.fte or 0)

    @property
    def stage_counts(self) -> list[int]:
        """Children with each weighted stage open, in the order of TeamCaseload.weights."""
        return list(self.by_stage.values())

    @property
    def weighted_per_fte(self) -> Decimal | None:
        if not self.fte:
            return None
        return (self.weighted / self.fte).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class TeamCaseload:
    unit: OrgUnit
    rows: list[CaseloadRow]
    weights: list[tuple[str, str, Decimal]]  # (stage code, label, weight), heaviest first
    children: int  # distinct children across the team
    weighted: Decimal
    fte: Decimal

    @property
    def weighted_per_fte(self) -> Decimal | None:
        if not self.fte:
            return None
        return (self.weighted / self.fte).quantize(Decimal("0.1"), ROUND_HALF_UP)


def team_caseload(*, unit: OrgUnit, weights: dict[str, Decimal] | None = None) -> TeamCaseload:
    """Open children per worker of a team, and the weighted caseload: three queries."""
    weights = weights if weights is not None else caseload_weights()
    workers = team_workers(unit)
    allocations = (
        current_allocations()
        .filter(
            worker_id__in=[w.pk for w in workers],
            role__in=CASE_HOLDING_ROLES,
            person__merged_into__isnull=True,
        )
        .order_by()
    )
    held: dict[int, set[int]] = {}
    for worker_id, person_id in allocations.values_list("worker_id", "person_id").distinct():
        held.setdefault(worker_id, set()).add(person_id)
    stages: dict[int, set[str]] = {}
    open_stages = Involvement.objects.filter(
        ended_on__isnull=True, person_id__in=allocations.values("person_id")
    )
    for person_id, stage in open_stages.values_list("person_id", "stage").distinct():
        stages.setdefault(person_id, set()).add(stage)

    def weight(person_id: int) -> Decimal:
        found = [weights.get(s, UNWEIGHTED) for s in stages.get(person_id, ())]
        return max(found, default=UNWEIGHTED)

    weighted_stages = sorted(weights, key=lambda s: (-weights[s], s))
    rows = []
    for w in workers:
        mine = held.get(w.pk, set())
        rows.append(
            CaseloadRow(
                worker=w,
                children=len(mine),
                by_stage={
                    s: sum(1 for p in mine if s in stages.get(p, ())) for s in weighted_stages
                },
                weighted=sum((weight(p) for p in mine), Decimal(0)),
            )
        )
    everyone = set().union(*held.values()) if held else set()
    return TeamCaseload(
        unit=unit,
        rows=rows,
        weights=[(s, stage_label(s), weights[s]) for s in weighted_stages],
        children=len(everyone),
        weighted=sum((weight(p) for p in everyone), Decimal(0)),
        fte=sum((Decimal(w.fte or 0) for w in workers), Decimal(0)),
    )
