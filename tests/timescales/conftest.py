"""Timescale fixtures: a pinned clock and items of the stand-in stage (tests.timescales_testapp)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026, mid-morning: no bank holiday near, so tests choose their own.
TODAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def at(*args) -> dt.datetime:
    """A London wall-clock moment: at(2026, 3, 9, 15, 30)."""
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return TODAY.date()


@pytest.fixture
def make_item(db):
    from tests.timescales_testapp.models import TimedItem

    def make(rule_code="assessment.single", **fields) -> TimedItem:
        return TimedItem.objects.create(rule_code=rule_code, **fields)

    return make
