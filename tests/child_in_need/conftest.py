"""Children in need's world: Maisie (tests/conftest.py) referred on Monday 5 January 2026 to
the north assessment team (the referral opens her CIN episode), with the clock pinned on
Tuesday 10 March 2026 at noon, and her child in need plan started on Monday 2 February 2026
by the allocated worker."""

import datetime as dt

import pytest
import time_machine

from kinfold.child_in_need import services
from kinfold.front_door.services import accept_referral

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
REFERRAL_DATE = dt.date(2026, 1, 5)
PLAN_START = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def referral(child, org, personas):
    return accept_referral(
        actor=personas["allocated_worker"],
        person=child,
        referral_date=REFERRAL_DATE,
        source="2A",
        primary_need="N1",
        route="referral",
        team=org["north_childrens"],
    )


@pytest.fixture
def episode(referral):
    return referral.involvement


@pytest.fixture
def cin_plan(episode, personas):
    return services.start_plan(
        actor=personas["allocated_worker"],
        involvement_id=episode.pk,
        started_on=PLAN_START,
        owner=personas["allocated_worker"],
    )
