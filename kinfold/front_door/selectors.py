"""Reads of the front door: the MASH worklist and an enquiry, the front door view for managers,
and an assessment team's new referrals.

Written for a large LA (840,000 contacts over ten years, on PostgreSQL): every query here is an
index range on the indexes in models.py, each page takes a fixed number of queries whatever the
number of rows, and the figures are counted in the database (conditional Count, TruncMonth).

Nothing here decides whether a child is named: the pages do, through
`kinfold.timescales.worklists.children_shown` (the one access decision, for many at once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kinfold.access.guards import is_administrator
from kinfold.access.permissions import can_record
from kinfold.timescales.calendar import WorkingCalendar, add_months, working_day_hours
from kinfold.workforce.models import Allocation, OrgUnit, Role, Worker
from kinfold.workforce.selectors import current_allocations, current_team_ids

from .codes import REFERRAL_OUTCOMES, ContactStatus, Rag, RequestStatus
from .models import Contact, ContactChild, InformationRequest, MashEnquiry, Referral

# Who works at or manages the front door: its pages and the "Front door" navigation item.
FRONT_DOOR_ROLES = frozenset(
    {
        Role.CONTACT_OFFICER,
        Role.MASH_PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.ADMINISTRATOR,
        Role.PERFORMANCE_OFFICER,
    }
)
# Who sees every team's list of new referrals, besides the members of the team's service.
ALL_TEAMS_ROLES = frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER})
# How long after it was allocated a referral stays on its team's list.
RECENTLY_ALLOCATED_DAYS = 30
# The time-left bands of the front door view, in working hours.
SOON_HOURS = 4
TODAY_HOURS = 24


def sees_front_door(worker: Worker) -> bool:
    """Contact officers, MASH practitioners, team managers, administrators and performance
    officers: the MASH worklist, an enquiry and the front door view."""
    return bool(
        worker.is_authenticated
        and worker.is_active
        and (worker.role in FRONT_DOOR_ROLES or worker.is_superuser)
    )


def works_in_mash(worker: Worker) -> bool:
    """Who takes, rates and asks in a MASH enquiry: the front door roles that record."""
    return sees_front_door(worker) and can_record(worker)


# ---- working hours left ---------------------------------------------------------------------


def _working_hours(start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar) -> float:
    """Working hours from `start` to `end` (start ≤ end), on the calendar's working days."""
    begin, finish = working_day_hours()
    tz = timezone.get_default_timezone()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            opens = timezone.make_aware(dt.datetime.combine(day, begin), tz)
            closes = timezone.make_aware(dt.datetime.combine(day, finish), tz)
            lo, hi = max(start, opens), min(end, closes)
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total


@dataclass(frozen=True)
class TimeLeft:
    """Working hours from now to a deadline: negative once it has passed."""

    hours: float

    @property
    def overdue(self) -> bool:
        return self.hours < 0

    @property
    def label(self) -> str:
        minutes = round(abs(self.hours) * 60)
        hours, rest = divmod(minutes, 60)
        if hours and rest:
            span = f"{hours} h {rest} min"
        elif hours:
            span = f"{hours} h"
        else:
            span = f"{rest} min"
        if self.overdue:
            return f"Overdue by {span} of working time"
        return f"{span} of working time left"


def time_left(due: dt.datetime, now: dt.datetime, calendar: WorkingCalendar) -> TimeLeft:
    if due >= now:
        return TimeLeft(_working_hours(now, due, calendar))
    # A deadline passed at a weekend is still overdue, however few working hours since.
    return TimeLeft(-max(_working_hours(due, now, calendar), 1 / 60))


# ---- the MASH worklist ----------------------------------------------------------------------

SHOW_CHOICES = (("all", "All open enquiries"), ("mine", "Mine"), ("unassigned", "Unassigned"))


def open_enquiries(*, worker: Worker, show: str = "all", rag: str = "") -> QuerySet[MashEnquiry]:
    """Open MASH enquiries, overdue first then by time left: ordering by the deadline is
    ordering by working hours left. An index range on `mash_open_by_due` (or, for "mine" and
    "unassigned", `mash_open_by_owner`)."""
    qs = MashEnquiry.objects.filter(completed_at__isnull=True)
    if show == "mine":
        qs = qs.filter(owner=worker)
    elif show == "unassigned":
        qs = qs.filter(owner__isnull=True)
    if rag in Rag.values:
        qs = qs.filter(rag=rag)
    return qs.select_related("contact", "owner").order_by("due_at", "id")


@dataclass(frozen=True)
class RequestCounts:
    outstanding: int = 0
    answered: int = 0


def request_counts(enquiry_ids: Iterable[int]) -> dict[int, RequestCounts]:
    """Partner requests outstanding and answered, by enquiry, in one grouped query."""
    ids = list(enquiry_ids)
    if not ids:
        return {}
    rows = (
        InformationRequest.objects.filter(enquiry_id__in=ids)
        .order_by()
        .values("enquiry_id")
        .annotate(
            outstanding=Count("id", filter=Q(status=RequestStatus.OPEN)),
            answered=Count("id", filter=Q(status=RequestStatus.ANSWERED)),
        )
    )
    return {
        r["enquiry_id"]: RequestCounts(outstanding=r["outstanding"], answered=r["answered"])
        for r in rows
    }


def children_of_contacts(contact_ids: Iterable[int]) -> dict[int, list[ContactChild]]:
    """The children on each contact, in one query."""
    ids = list(contact_ids)
    found: dict[int, list[ContactChild]] = {i: [] for i in ids}
    if not ids:
        return found
    for link in ContactChild.objects.filter(contact_id__in=ids).order_by("contact_id", "id"):
        found[link.contact_id].append(link)
    return found


# ---- one enquiry ----------------------------------------------------------------------------


def enquiry(pk: int) -> MashEnquiry:
    return MashEnquiry.objects.select_related(
        "contact", "contact__partner", "owner", "rated_by", "decided_by"
    ).get(pk=pk)


def enquiry_children(enquiry: MashEnquiry) -> list[ContactChild]:
    return list(
        ContactChild.objects.filter(contact_id=enquiry.contact_id)
        .select_related("person", "person__merged_into")
        .order_by("id")
    )


@dataclass(frozen=True)
class RequestRow:
    request: InformationRequest
    late: bool  # answered after its deadline
    overdue: bool  # still open after its deadline


def enquiry_requests(enquiry: MashEnquiry, now: dt.datetime) -> list[RequestRow]:
    requests = InformationRequest.objects.filter(enquiry=enquiry).select_related(
        "partner", "requested_by", "recorded_by"
    )
    return [
        RequestRow(
            request=r,
            late=r.responded_at is not None and r.responded_at > r.due_at,
            overdue=r.status == RequestStatus.OPEN and r.due_at < now,
        )
        for r in requests.order_by("requested_at", "id")
    ]


# ---- the front door view --------------------------------------------------------------------


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


@dataclass(frozen=True)
class StateCount:
    key: str
    label: str
    count: int


def contacts_today_by_status(today: dt.date) -> list[StateCount]:
    """Contacts received today, by where they are now (every state, zero included)."""
    start, end = _day_bounds(today)
    counts = dict(
        Contact.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [StateCount(s.value, s.label, counts.get(s.value, 0)) for s in ContactStatus]


BANDS = (
    ("overdue", "Overdue"),
    ("soon", f"Less than {SOON_HOURS} working hours left"),
    ("today", f"{SOON_HOURS} to {TODAY_HOURS} working hours left"),
    ("later", f"More than {TODAY_HOURS} working hours left"),
)


@dataclass(frozen=True)
class RagBands:
    rag: str
    label: str
    overdue: int
    soon: int
    today: int
    later: int

    @property
    def total(self) -> int:
        return self.overdue + self.soon + self.today + self.later

    def band(self, key: str) -> int:
        return int(getattr(self, key))


def mash_by_rag_and_time(now: dt.datetime, calendar: WorkingCalendar) -> list[RagBands]:
    """Open MASH enquiries by RAG rating and working time left, in one query."""
    soon = calendar.add_working_hours(now, SOON_HOURS)
    later = calendar.add_working_hours(now, TODAY_HOURS)
    rows = {
        r["rag"]: r
        for r in MashEnquiry.objects.filter(completed_at__isnull=True)
        .order_by()
        .values("rag")
        .annotate(
            overdue=Count("id", filter=Q(due_at__lt=now)),
            soon=Count("id", filter=Q(due_at__gte=now, due_at__lt=soon)),
            today=Count("id", filter=Q(due_at__gte=soon, due_at__lt=later)),
            later=Count("id", filter=Q(due_at__gte=later)),
        )
    }
    empty = {"overdue": 0, "soon": 0, "today": 0, "later": 0}
    return [
        RagBands(
            rag=r.value,
            label=r.label,
            **{k: rows.get(r.value, empty)[k] for k in ("overdue", "soon", "today", "later")},
        )
        for r in Rag
    ]


@dataclass(frozen=True)
class Listed:
    """Some of the rows (the most overdue first) and how many there are in all."""

    rows: list[Contact]
    total: int


def decisions_overdue(today: dt.date, limit: int = 50) -> Listed:
    """Contacts not decided by their decision's due date (`contact_undecided_by_due`)."""
    qs = Contact.objects.filter(decided_at__isnull=True, decision_due_on__lt=today).exclude(
        status=ContactStatus.ROUTED
    )
    rows = list(qs.select_related("handler").order_by("decision_due_on", "id")[:limit])
    return Listed(rows, len(rows) if len(rows) < limit else qs.count())


def sign_offs_overdue(today: dt.date, limit: int = 50) -> Listed:
    """Decisions awaiting a manager's sign-off past its due date (`contact_unsigned_by_manager`,
    the partial index of decisions not yet signed off)."""
    qs = Contact.objects.filter(
        decided_at__isnull=False, signed_off_at__isnull=True, sign_off_due_on__lt=today
    )
    rows = list(
        qs.select_related("decided_by", "sign_off_by").order_by("sign_off_due_on", "id")[:limit]
    )
    return Listed(rows, len(rows) if len(rows) < limit else qs.count())


@dataclass(frozen=True)
class MonthRate:
    """Of `total` in a month, `count` were the thing measured."""

    month: dt.date
    total: int
    count: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.total, 1) if self.total else None


def last_months(today: dt.date, months: int = 12) -> list[dt.date]:
    """The first days of the last `months` months, this month last."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -n) for n in range(months - 1, -1, -1)]


def _as_month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _by_month(rows: Iterable[Any], months: list[dt.date]) -> list[MonthRate]:
    found = {_as_month(r["month"]): r for r in rows}
    return [
        MonthRate(m, found[m]["total"], found[m]["count"]) if m in found else MonthRate(m, 0, 0)
        for m in months
    ]


# Earlier months' figures are kept this long (per process): only the current month is counted
# on every view. A referral signed off after its month ended moves a figure within this time.
MONTHS_CACHE_SECONDS = 15 * 60


def _monthly(
    key: str, today: dt.date, months: int, count: Callable[[dt.date, dt.date | None], Any]
) -> list[MonthRate]:
    """Monthly figures: the months before this one from the cache where it has them (counted
    together, in one query, where it has not), this month counted now. `count(start, end)`
    returns rows of month/total/count for months from `start` up to (not including) `end`."""
    wanted = last_months(today, months)
    this_month = wanted[-1]
    keys = {m: f"front_door:{key}:{m.isoformat()}" for m in wanted[:-1]}
    cached = cache.get_many(list(keys.values()))
    found = {m: cached[k] for m, k in keys.items() if k in cached}
    missing = [m for m in wanted[:-1] if m not in found]
    if missing:
        for rate in _by_month(count(missing[0], this_month), missing):
            found[rate.month] = rate
        cache.set_many({keys[m]: found[m] for m in missing}, timeout=MONTHS_CACHE_SECONDS)
    (current,) = _by_month(count(this_month, None), [this_month])
    return [found[m] for m in wanted[:-1]] + [current]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def conversion_by_month(today: dt.date, months: int = 12) -> list[MonthRate]:
    """Of the contacts decided in each month, how many were decided to be a referral
    (assessment or strategy discussion). An index range on `decided_at`."""

    def count(start: dt.date, end: dt.date | None):
        rows = Contact.objects.filter(decided_at__gte=_start_of(start))
        if end is not None:
            rows = rows.filter(decided_at__lt=_start_of(end))
        return (
            rows.order_by()
            .annotate(month=TruncMonth("decided_at"))
            .values("month")
            .annotate(
                total=Count("id"), count=Count("id", filter=Q(decision__in=REFERRAL_OUTCOMES))
            )
        )

    return _monthly("conversion", today, months, count)


def rereferrals_by_month(today: dt.date, months: int = 12) -> list[MonthRate]:
    """Of the referrals in each month, how many followed another within 12 months. An index
    range on `referral_date`."""

    def count(start: dt.date, end: dt.date | None):
        rows = Referral.objects.filter(referral_date__gte=start)
        if end is not None:
            rows = rows.filter(referral_date__lt=end)
        return (
            rows.order_by()
            .annotate(month=TruncMonth("referral_date"))
            .values("month")
            .annotate(
                total=Count("id"), count=Count("id", filter=Q(previous_referral__isnull=False))
            )
        )

    return _monthly("rereferrals", today, months, count)


def overall(rates: list[MonthRate]) -> MonthRate:
    """The whole period's rate from the months'."""
    return MonthRate(
        rates[0].month if rates else timezone.localdate(),
        sum(r.total for r in rates),
        sum(r.count for r in rates),
    )


# ---- an assessment team's new referrals -----------------------------------------------------


def may_see_team_referrals(worker: Worker, team: OrgUnit) -> bool:
    """Members of the team's service (its managers among them), administrators and
    performance officers."""
    if not (worker.is_authenticated and worker.is_active):
        return False
    if is_administrator(worker) or worker.role in ALL_TEAMS_ROLES:
        return True
    return bool(current_team_ids(worker=worker) & team.service().subtree_ids())


def _allocations_in(team: OrgUnit) -> QuerySet[Allocation]:
    return Allocation.objects.filter(team=team, person_id=OuterRef("person_id"))


def awaiting_allocation(team: OrgUnit) -> QuerySet[Referral]:
    """Referrals to the team, their episode still open, whose child no one in the team holds
    yet: the longest waiting first."""
    held = current_allocations().filter(team=team, person_id=OuterRef("person_id"))
    return (
        Referral.objects.filter(
            team=team, involvement__ended_on__isnull=True, person__merged_into__isnull=True
        )
        .filter(~Exists(held))
        .select_related("person")
        .order_by("referral_date", "id")
    )


def recently_allocated(team: OrgUnit, today: dt.date) -> list[Referral]:
    """Referrals to the team whose child was first allocated in the team (on or after the
    referral) in the last 30 days, each with `allocated_on` and `allocated_to_id`."""
    since = today - dt.timedelta(days=RECENTLY_ALLOCATED_DAYS)
    recent = Allocation.objects.filter(team=team, start_date__gte=since, start_date__lte=today)
    first = (
        _allocations_in(team)
        .filter(start_date__gte=OuterRef("referral_date"))
        .order_by("start_date", "id")
    )
    rows = (
        Referral.objects.filter(team=team, person_id__in=recent.values("person_id"))
        .annotate(
            allocated_on=Subquery(first.values("start_date")[:1]),
            allocated_to_id=Subquery(first.values("worker_id")[:1]),
        )
        .filter(allocated_on__gte=since, allocated_on__lte=today)
        .select_related("person")
        .order_by(F("allocated_on").desc(), "-id")
    )
    found: list[Referral] = list(rows)
    worker_of = {r.pk: r.allocated_to_id for r in rows}  # type: ignore[attr-defined]
    workers = Worker.objects.in_bulk(set(worker_of.values()))
    for r in found:
        r.allocated_to = workers.get(worker_of[r.pk])  # type: ignore[attr-defined]
    return found
