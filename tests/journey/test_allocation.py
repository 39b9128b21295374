"""Allocation: one allocated social worker at a time, every change dated, reasoned and
written to the child's journey."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kinfold.journey.models import Event
from kinfold.workforce import services
from kinfold.workforce.models import Allocation, AllocationRole, Role
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 3, 10, 14, 0), tick=False):
        yield


@pytest.fixture
def colleague(org):
    return WorkerFactory(username="colleague", team=org["north_childrens"])


def test_a_new_social_worker_ends_the_previous_allocation_the_day_before(
    child, personas, org, colleague
):
    manager = personas["team_manager"]
    previous = Allocation.objects.get(person=child, role=AllocationRole.SOCIAL_WORKER)
    new = services.allocate(
        actor=manager,
        person=child,
        worker=colleague,
        team=org["north_childrens"],
        start_date=dt.date(2026, 3, 9),
        reason="Worker going on maternity leave",
    )
    previous.refresh_from_db()
    assert previous.end_date == dt.date(2026, 3, 8)
    assert previous.end_reason == "Worker going on maternity leave"
    assert new.end_date is None and new.worker == colleague
    current = Allocation.objects.filter(person=child, end_date__isnull=True)
    assert list(current) == [new]
    events = Event.objects.filter(person=child).order_by("id")
    assert [e.type for e in events] == ["allocation.ended", "allocation.started"]
    assert events[1].subject == new


def test_only_managers_allocate(child, personas, org, colleague):
    with pytest.raises(PermissionDenied):
        services.allocate(
            actor=personas["allocated_worker"],
            person=child,
            worker=colleague,
            team=org["north_childrens"],
            start_date=dt.date(2026, 3, 9),
            reason="x",
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_date": dt.date(2026, 3, 11)}, "today or in the past"),
        ({"reason": "  "}, "Enter the reason"),
        ({"role": "wizard"}, "Choose a role"),
        ({"role": AllocationRole.IRO}, "cannot be the independent reviewing officer"),
    ],
)
def test_bad_allocations_are_refused_and_change_nothing(
    child, personas, org, colleague, kwargs, message
):
    args = {
        "actor": personas["team_manager"],
        "person": child,
        "worker": colleague,
        "team": org["north_childrens"],
        "start_date": dt.date(2026, 3, 9),
        "reason": "Cover",
    } | kwargs
    with pytest.raises(ValidationError, match=message):
        services.allocate(**args)
    assert Allocation.objects.filter(person=child).count() == 1
    assert not Event.objects.filter(person=child).exists()


def test_a_worker_must_be_in_the_team(child, personas, org):
    outsider = WorkerFactory(username="outsider", team=org["south_childrens"])
    with pytest.raises(ValidationError, match="is not in North children's team"):
        services.allocate(
            actor=personas["team_manager"],
            person=child,
            worker=outsider,
            team=org["north_childrens"],
            start_date=dt.date(2026, 3, 9),
            reason="Cover",
        )


def test_an_allocation_cannot_end_before_it_starts(child, personas):
    allocation = Allocation.objects.get(person=child)
    with pytest.raises(ValidationError, match="cannot end before it started"):
        services.end_allocation(
            actor=personas["team_manager"],
            allocation_id=allocation.pk,
            end_date=allocation.start_date - dt.timedelta(days=1),
            reason="Case closed",
        )
    allocation.refresh_from_db()
    assert allocation.end_date is None


def test_iro_is_allocated_beside_the_social_worker(child, personas, org):
    services.allocate(
        actor=personas["team_manager"],
        person=child,
        worker=personas["iro"],
        team=org["iro_team"],
        role=AllocationRole.IRO,
        start_date=dt.date(2026, 3, 9),
        reason="Child protection plan",
    )
    roles = set(
        Allocation.objects.filter(person=child, end_date__isnull=True).values_list(
            "role", flat=True
        )
    )
    assert roles == {AllocationRole.SOCIAL_WORKER, AllocationRole.IRO}
    assert personas["iro"].role == Role.IRO
