"""Counting timescales as the guidance does: the trigger day is day 0, working days skip
weekends, England's bank holidays and the LA's closure days, months are clipped."""

import datetime as dt

import pytest

from kinfold.timescales import calendar
from kinfold.timescales.calendar import (
    WorkingCalendar,
    add_months,
    add_weeks,
    add_working_days,
    add_working_hours,
    advance,
    due_at,
)
from kinfold.timescales.models import Unit, rule_for
from kinfold.timescales.services import add_closure_day

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_reference_worked_example_referral_on_16_december_2025_assessment_due_20_february():
    # REFERENCE.md: referral Tue 16 Dec 2025 -> assessment due (45 WD) Fri 20 Feb 2026,
    # skipping Christmas Day, Boxing Day and New Year's Day.
    due = due_at(rule_for("assessment.single"), D(2025, 12, 16))
    assert due == D(2026, 2, 20)
    assert due.strftime("%A") == "Friday"


def test_assessment_due_45_working_days_after_a_referral_on_1_december_2026():
    # Dec 2026: 25th (Fri) and Boxing Day substitute Mon 28th; New Year's Day Fri 1 Jan 2027.
    assert add_working_days(D(2026, 12, 1), 45) == D(2027, 2, 5)


def test_the_trigger_day_is_day_0():
    assert add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)
    assert add_working_days(D(2026, 3, 4), 1) == D(2026, 3, 5)


def test_a_decision_on_a_friday_referral_is_due_on_monday():
    assert due_at(rule_for("referral.decision"), D(2026, 3, 6)) == D(2026, 3, 9)


def test_a_referral_received_on_a_saturday_counts_from_that_saturday():
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (D(2025, 12, 24), D(2025, 12, 29), "Christmas Day and Boxing Day 2025 (Thu, Fri)"),
        (D(2025, 12, 31), D(2026, 1, 2), "New Year's Day 2026 (Thu)"),
        (D(2026, 12, 24), D(2026, 12, 29), "Boxing Day 2026 is a Saturday: Mon 28th instead"),
        (D(2027, 12, 24), D(2027, 12, 29), "Christmas 2027 falls on the weekend: Mon and Tue"),
        (D(2027, 12, 31), D(2028, 1, 4), "New Year's Day 2028 is a Saturday: Mon 3rd instead"),
        (D(2026, 4, 2), D(2026, 4, 7), "Good Friday 3 April and Easter Monday 6 April 2026"),
        (D(2027, 3, 25), D(2027, 3, 30), "Good Friday 26 March and Easter Monday 29 March 2027"),
        (D(2026, 5, 22), D(2026, 5, 26), "Spring bank holiday 25 May 2026"),
    ],
)
def test_one_working_day_skips_the_bank_holidays_of_england(received, due, why):
    assert add_working_days(received, 1) == due, why


def test_ten_working_days_across_easter_2026():
    # Thu 26 Mar + 10 WD: 27, 30, 31 Mar, 1, 2 Apr, (3 and 6 Apr are holidays) 7, 8, 9, 10, 13.
    assert add_working_days(D(2026, 3, 26), 10) == D(2026, 4, 13)


def test_the_leap_day_2028_is_a_working_day():
    assert add_working_days(D(2028, 2, 28), 1) == D(2028, 2, 29)
    assert add_weeks(D(2028, 2, 22), 1) == D(2028, 2, 29)
    assert advance(D(2028, 2, 1), 29, Unit.CALENDAR_DAYS) == D(2028, 3, 1)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2028, 2, 29), 1, D(2028, 3, 29)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2027, 8, 31), 3, D(2027, 11, 30)),
        (D(2026, 10, 31), 3, D(2027, 1, 31)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
    ],
)
def test_months_are_calendar_months_clipped_to_the_month_end(start, months, due):
    assert add_months(start, months) == due


def test_the_first_review_conference_is_due_3_months_after_an_icpc_on_31_august():
    assert due_at(rule_for("cp.review_conference"), D(2027, 8, 31)) == D(2027, 11, 30)
    # then every 6 months from the previous review
    assert due_at(rule_for("cp.review_conference"), D(2027, 11, 30), repeat=True) == D(2028, 5, 30)


def test_calendar_days_weeks_and_months_are_not_moved_off_a_weekend():
    # 1 week after Sat 7 March 2026 is Sat 14 March: "within a week" does not become Monday.
    assert due_at(rule_for("cla.visit"), D(2026, 3, 7)) == D(2026, 3, 14)


def test_24_working_hours_from_thursday_afternoon_cross_the_weekend():
    # Thu 14:00-17:00 (3), Fri (8), Mon (8) = 19, then Tue 09:00 + 5 = 14:00.
    assert add_working_hours(at(2026, 3, 5, 14, 0), 24) == at(2026, 3, 10, 14, 0)


def test_4_working_hours_from_late_afternoon_run_overnight():
    # Mon 15:30-17:00 (1.5), Tue 09:00 + 2.5 = 11:30.
    red = rule_for("mash.rag.red")
    assert due_at(red, at(2026, 3, 9, 15, 30)) == at(2026, 3, 10, 11, 30)


def test_working_hours_start_at_the_next_working_morning_outside_working_hours():
    assert add_working_hours(at(2026, 3, 6, 20, 0), 4) == at(2026, 3, 9, 13, 0)  # Fri night
    assert add_working_hours(at(2026, 3, 9, 7, 0), 4) == at(2026, 3, 9, 13, 0)  # Mon early
    assert add_working_hours(at(2026, 3, 7, 11, 0), 4) == at(2026, 3, 9, 13, 0)  # Saturday


def test_a_deadline_falling_at_close_of_business_stays_that_day():
    assert add_working_hours(at(2026, 3, 9, 13, 0), 4) == at(2026, 3, 9, 17, 0)


def test_working_hours_skip_the_easter_weekend():
    # Thu 2 April 2026 16:00: 1 hour on Thursday, Good Friday and Easter Monday skipped.
    assert add_working_hours(at(2026, 4, 2, 16, 0), 4) == at(2026, 4, 7, 12, 0)


def test_green_rating_72_working_hours_is_nine_working_days():
    green = rule_for("mash.rag.green")
    assert due_at(green, at(2026, 3, 2, 9, 0)) == at(2026, 3, 12, 17, 0)


def test_working_hours_across_the_spring_clock_change_are_wall_clock_hours():
    due = add_working_hours(at(2026, 3, 27, 16, 0), 4)  # Friday, clocks go forward Sunday
    assert due == at(2026, 3, 30, 12, 0)
    assert due.utcoffset() == dt.timedelta(hours=1)


def test_a_return_home_interview_is_due_72_clock_hours_after_the_return():
    rhi = rule_for("missing.return_home_interview")
    assert due_at(rhi, at(2026, 3, 6, 18, 0)) == at(2026, 3, 9, 18, 0)
    # Over the spring clock change 72 hours end at 11:00 BST, not 10:00.
    assert due_at(rhi, at(2026, 3, 27, 10, 0)) == at(2026, 3, 30, 11, 0)


def test_a_date_only_trigger_starts_working_hours_at_the_start_of_the_working_day():
    assert due_at(rule_for("mash.rag.red"), D(2026, 3, 9)) == at(2026, 3, 9, 13, 0)


def test_a_moment_after_midnight_counts_from_its_london_date():
    just_after_midnight_bst = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)  # 1 April 00:30
    assert due_at(rule_for("referral.decision"), just_after_midnight_bst) == D(2026, 4, 2)


def test_the_working_day_hours_are_a_setting(settings):
    settings.TIMESCALES_WORKING_DAY = ("08:30", "16:30")
    assert add_working_hours(at(2026, 3, 9, 16, 0), 1) == at(2026, 3, 10, 9, 0)


def test_an_la_closure_day_is_skipped(personas, today):
    friday = D(2026, 3, 6)
    assert add_working_days(friday, 1) == D(2026, 3, 9)  # cached before the closure is added
    add_closure_day(actor=personas["admin"], date=D(2026, 3, 9), reason="Snow")
    assert not calendar.is_working_day(D(2026, 3, 9))
    assert add_working_days(friday, 1) == D(2026, 3, 10)
    assert add_working_hours(at(2026, 3, 6, 16, 0), 2) == at(2026, 3, 10, 10, 0)


def test_the_closure_days_seen_by_one_request_are_cached():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calendar.clear_cache()
    calendar.add_working_days(D(2026, 3, 2), 5)
    with CaptureQueriesContext(connection) as queries:
        calendar.add_working_days(D(2026, 3, 2), 45)
        calendar.is_working_day(D(2026, 3, 3))
    assert len(queries) == 0


def test_counting_backwards_is_refused():
    with pytest.raises(ValueError, match="forwards"):
        WorkingCalendar().add_working_days(D(2026, 3, 2), -1)
