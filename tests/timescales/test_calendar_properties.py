"""Properties of the one working-day calendar, for any date, count and closure days."""

import datetime as dt

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfold.timescales.calendar import WorkingCalendar, add_months, working_day_hours

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2024, 2034))

dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
counts = st.integers(min_value=0, max_value=90)
closures = st.frozensets(dates, max_size=12)


def is_open(day: dt.date, closed: frozenset) -> bool:
    """The oracle: a weekday, not a bank holiday in England, not a closure day."""
    return day.weekday() < 5 and day not in ENGLAND and day not in closed


@given(start=dates, n=st.integers(min_value=1, max_value=90), closed=closures)
def test_adding_working_days_never_lands_on_a_weekend_bank_holiday_or_closure(start, n, closed):
    due = WorkingCalendar(closed).add_working_days(start, n)
    assert is_open(due, closed)


@given(start=dates, n=counts, closed=closures)
def test_adding_n_working_days_passes_exactly_n_working_days(start, n, closed):
    due = WorkingCalendar(closed).add_working_days(start, n)
    days = [start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(is_open(d, closed) for d in days) == n


@given(start=dates, n=counts, closed=closures)
def test_more_working_days_are_due_later(start, n, closed):
    cal = WorkingCalendar(closed)
    assert cal.add_working_days(start, n + 1) > cal.add_working_days(start, n)


@given(start=dates, a=counts, b=counts, closed=closures)
def test_adding_a_then_b_working_days_is_adding_a_plus_b(start, a, b, closed):
    cal = WorkingCalendar(closed)
    assert cal.add_working_days(start, a + b) == cal.add_working_days(
        cal.add_working_days(start, a), b
    )


@given(start=dates, n=st.integers(min_value=0, max_value=60))
def test_a_month_later_is_the_same_day_or_the_month_end(start, n):
    due = add_months(start, n)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == n
    if due.day != start.day:
        assert due.day < start.day
        assert (due + dt.timedelta(days=1)).day == 1  # clipped to the last day of the month


moments = st.builds(
    dt.datetime.combine,
    dates,
    st.times(),
    st.just(dt.UTC),
)


@settings(deadline=None)
@given(start=moments, hours=st.integers(min_value=1, max_value=120), closed=closures)
def test_a_working_hours_deadline_falls_inside_a_working_day(start, hours, closed):
    begin, end = working_day_hours()
    due = WorkingCalendar(closed).add_working_hours(start, hours)
    assert is_open(due.date(), closed)
    assert begin < due.time() <= end


@settings(deadline=None)
@given(start=moments, a=st.integers(0, 60), b=st.integers(0, 60), closed=closures)
def test_working_hours_add_up_and_grow(start, a, b, closed):
    cal = WorkingCalendar(closed)
    assert cal.add_working_hours(start, a + b) == cal.add_working_hours(
        cal.add_working_hours(start, a), b
    )
    assert cal.add_working_hours(start, a + 1) > cal.add_working_hours(start, a)
