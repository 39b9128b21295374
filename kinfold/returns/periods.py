"""The periods returns are drawn for: "the six months before the date of inspection" is the six
months ending on the as-at date, that day included."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier, at the month's last day when it has no such day
    (31 August → 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included; facts are read as they stood on `as_at`."""

    start: dt.date
    end: dt.date
    as_at: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def describe(self) -> str:
        return f"{self.start:%d/%m/%Y} to {self.end:%d/%m/%Y}"


def months_to(as_at: dt.date, months: int) -> Period:
    """The `months` months ending on the as-at date: 31/03/2025, 6 → 01/10/2024 to 31/03/2025."""
    return Period(start=months_back(as_at, months) + dt.timedelta(days=1), end=as_at, as_at=as_at)
