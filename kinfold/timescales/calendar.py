"""The one working-day calendar, and the arithmetic every due date is computed with.

Counting follows the reference: the day of the trigger event is day 0, so "1 working day after a
Friday referral" is the Monday (or the Tuesday after a bank holiday Monday). A working day is a
weekday that is neither a bank holiday in England (the `holidays` package, subdivision ENG) nor
one of the LA's closure days. Calendar days, weeks and months are not moved off weekends: the
guidance says "within 6 months", not "within 6 months or the next working day". Months are
calendar months clipped to the month's last day (31 January + 1 month = 28 or 29 February).

Working hours are counted inside the working day, `TIMESCALES_WORKING_DAY` in settings
(default 09:00 to 17:00, Europe/London wall-clock time). The clock starts at the trigger moment,
or at the start of the next working day when the trigger falls outside working hours; 24
working hours is three full working days. Clock hours ("72 hours") count every hour.

Closure days are read from the database once and cached in the process for
`TIMESCALES_CLOSURE_CACHE_SECONDS` (default 60). Adding or removing a closure day clears the
cache at once in this process, and no process caches while such a change is uncommitted; other
processes see it when their cache expires.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from dataclasses import dataclass

import holidays
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import ClosureDay, Rule, Unit, rule_for

DEFAULT_WORKING_DAY = ("09:00", "17:00")
DEFAULT_CLOSURE_CACHE_SECONDS = 60
ONE_DAY = dt.timedelta(days=1)


@functools.lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in a year (including substitute days)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def working_day_hours() -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, "TIMESCALES_WORKING_DAY", DEFAULT_WORKING_DAY)
    begin, finish = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    if finish <= begin:
        raise ValueError("TIMESCALES_WORKING_DAY must end after it starts")
    return begin, finish


# --- closure days, cached ------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, object] = {"days": None, "loaded": 0.0, "bypass_until": 0.0}


def _cache_seconds() -> float:
    return float(
        getattr(settings, "TIMESCALES_CLOSURE_CACHE_SECONDS", DEFAULT_CLOSURE_CACHE_SECONDS)
    )


def clear_cache() -> None:
    """Forget the cached closure days (and any pending change): the next read goes to the
    database."""
    with _lock:
        _cache["days"] = None
        _cache["bypass_until"] = 0.0


def closure_days() -> frozenset[dt.date]:
    now = time.monotonic()
    with _lock:
        days = _cache["days"]
        fresh = now - float(_cache["loaded"]) < _cache_seconds()  # type: ignore[arg-type]
        if days is not None and fresh and now >= float(_cache["bypass_until"]):  # type: ignore[arg-type]
            return days  # type: ignore[return-value]
    loaded = frozenset(ClosureDay.objects.values_list("date", flat=True))
    with _lock:
        if now >= float(_cache["bypass_until"]):  # type: ignore[arg-type]
            _cache["days"], _cache["loaded"] = loaded, now
    return loaded


def _committed() -> None:
    with _lock:
        _cache["days"] = None
        _cache["bypass_until"] = 0.0


@receiver(post_save, sender=ClosureDay)
@receiver(post_delete, sender=ClosureDay)
def _closure_days_changed(**kwargs) -> None:
    # Until the change commits (or, if it is rolled back, until the cache would have expired
    # anyway) read the closure days afresh each time, so no process caches an uncommitted day.
    with _lock:
        _cache["days"] = None
        _cache["bypass_until"] = time.monotonic() + _cache_seconds()
    transaction.on_commit(_committed)


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCalendar:
    """A snapshot of the calendar: weekends, bank holidays and the given closure days."""

    closures: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in self.closures

    def why_not_working(self, day: dt.date) -> str | None:
        if day.weekday() >= 5:
            return "a weekend"
        name = bank_holiday_name(day)
        if name:
            return f"a bank holiday ({name})"
        if day in self.closures:
            return "already a closure day"
        return None

    def next_working_day(self, day: dt.date) -> dt.date:
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (day 0); n = 0 is `start` itself."""
        if n < 0:
            raise ValueError("Count working days forwards: n must be 0 or more")
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def add_working_hours(self, start: dt.datetime, hours: int) -> dt.datetime:
        """The moment `hours` working hours after `start`, in local time."""
        if hours < 0:
            raise ValueError("Count working hours forwards: hours must be 0 or more")
        tz = timezone.get_default_timezone()
        local = timezone.localtime(start, tz) if timezone.is_aware(start) else start
        if hours == 0:
            return local if timezone.is_aware(local) else timezone.make_aware(local, tz)
        begin, end = working_day_hours()
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if not self.is_working_day(day) or clock >= end:
            day, clock = self.next_working_day(day), begin
        elif clock < begin:
            clock = begin
        cursor = dt.datetime.combine(day, clock)
        remaining = dt.timedelta(hours=hours)
        while True:
            available = dt.datetime.combine(day, end) - cursor
            if remaining <= available:
                return timezone.make_aware(cursor + remaining, tz)
            remaining -= available
            day = self.next_working_day(day)
            cursor = dt.datetime.combine(day, begin)


def working_calendar() -> WorkingCalendar:
    """The calendar as it stands now, with the LA's closure days."""
    return WorkingCalendar(closure_days())


def is_working_day(day: dt.date) -> bool:
    return working_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return working_calendar().add_working_days(start, n)


def add_working_hours(start: dt.datetime, hours: int) -> dt.datetime:
    return working_calendar().add_working_hours(start, hours)


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(days=n)


def add_weeks(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(weeks=n)


def add_months(start: dt.date, n: int) -> dt.date:
    """Calendar months, clipped to the last day of the month reached."""
    index = start.year * 12 + start.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - ONE_DAY).day
    return dt.date(year, month, min(start.day, last_day))


def add_hours(start: dt.datetime, n: int) -> dt.datetime:
    """Clock hours (elapsed time, so a clock change at night does not shorten the deadline)."""
    tz = timezone.get_default_timezone()
    aware = start if timezone.is_aware(start) else timezone.make_aware(start, tz)
    return (aware.astimezone(dt.UTC) + dt.timedelta(hours=n)).astimezone(tz)


# --- due dates -------------------------------------------------------------------------------


def _as_moment(trigger: dt.date | dt.datetime, unit: str) -> dt.datetime:
    """A trigger known only by its date starts the clock at the start of that working day
    (working hours) or at midnight (clock hours): never later than it could have happened."""
    tz = timezone.get_default_timezone()
    if isinstance(trigger, dt.datetime):
        return trigger if timezone.is_aware(trigger) else timezone.make_aware(trigger, tz)
    clock = working_day_hours()[0] if unit == Unit.WORKING_HOURS else dt.time(0, 0)
    return timezone.make_aware(dt.datetime.combine(trigger, clock), tz)


def _as_date(trigger: dt.date | dt.datetime) -> dt.date:
    if isinstance(trigger, dt.datetime):
        return timezone.localdate(trigger) if timezone.is_aware(trigger) else trigger.date()
    return trigger


def advance(
    trigger: dt.date | dt.datetime,
    amount: int,
    unit: str,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.date | dt.datetime:
    """`amount` `unit`s after the trigger: a datetime for hour units, otherwise a date."""
    if unit == Unit.WORKING_HOURS:
        return (calendar or working_calendar()).add_working_hours(_as_moment(trigger, unit), amount)
    if unit == Unit.HOURS:
        return add_hours(_as_moment(trigger, unit), amount)
    day = _as_date(trigger)
    if unit == Unit.WORKING_DAYS:
        return (calendar or working_calendar()).add_working_days(day, amount)
    if unit == Unit.CALENDAR_DAYS:
        return add_calendar_days(day, amount)
    if unit == Unit.WEEKS:
        return add_weeks(day, amount)
    if unit == Unit.MONTHS:
        return add_months(day, amount)
    raise ValueError(f"Unknown timescale unit {unit!r}")


def due_at(
    rule: Rule,
    trigger: dt.date | dt.datetime,
    *,
    repeat: bool = False,
    calendar: WorkingCalendar | None = None,
) -> dt.date | dt.datetime:
    """When the item a rule makes due is due, counted from its trigger (day 0).

    `repeat=True` uses the rule's repeat interval ("then every 6 months"), counted from the
    previous occurrence, which the stage passes as the trigger.
    """
    if repeat:
        if not rule.repeats or not rule.repeat_amount:
            raise ValueError(f"Rule {rule.code} does not repeat")
        return advance(trigger, rule.repeat_amount, rule.repeat_unit, calendar=calendar)
    return advance(trigger, rule.amount, rule.unit, calendar=calendar)


def due_on(rule_code: str, trigger: dt.date | dt.datetime, *, repeat: bool = False) -> dt.date:
    """The day an item falls due under the version of `rule_code` in force on the trigger's
    day: the rule's first interval, or (`repeat`) its repeat interval where it has one."""
    rule = rule_for(rule_code, on=_as_date(trigger))
    return _as_date(due_at(rule, trigger, repeat=repeat and rule.repeats))
