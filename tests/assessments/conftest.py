"""An assessment's world: the shared personas and child (Maisie, allocated in the north
children's team), a referral of Tuesday 16 December 2025 to the north assessment team that
opened her child in need episode, and a clock pinned in the weeks after it."""

import datetime as dt

import pytest
import time_machine

from kinfold.front_door.services import accept_referral

REFERRAL_DATE = dt.date(2025, 12, 16)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment on a day, UK time (GMT in winter, so UTC)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(at(dt.date(2025, 12, 17)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def referral(org, personas, child, clock):
    return accept_referral(
        actor=personas["allocated_worker"],
        person=child,
        referral_date=REFERRAL_DATE,
        source="2A",
        primary_need="N1",
        route="referral",
        team=org["north_assessment"],
    )
