"""Changes of social worker in the last 12 months: the distinct allocated social workers in
the 12 months up to the day, less the first; other roles do not count."""

import datetime as dt

import pytest

from kinfold.journey.selectors import social_worker_changes
from kinfold.workforce.models import AllocationRole, Role
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


@pytest.fixture
def team(org):
    return org["north_childrens"]


def allocated(person, team, start, end=None, worker=None, role=AllocationRole.SOCIAL_WORKER):
    return AllocationFactory(
        person=person,
        worker=worker or WorkerFactory(team=team),
        team=team,
        role=role,
        start_date=start,
        end_date=end,
    )


def test_a_child_who_kept_one_worker_all_year_has_had_no_change(team):
    child = PersonFactory()
    allocated(child, team, dt.date(2023, 5, 1))
    assert social_worker_changes(person_id=child.pk, on=ON) == 0


def test_a_child_never_allocated_has_had_no_change(team):
    assert social_worker_changes(person_id=PersonFactory().pk, on=ON) == 0


def test_three_workers_in_the_year_is_two_changes(team):
    child = PersonFactory()
    allocated(child, team, dt.date(2024, 9, 1), dt.date(2025, 6, 30))
    allocated(child, team, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    allocated(child, team, dt.date(2026, 1, 1))
    assert social_worker_changes(person_id=child.pk, on=ON) == 2


def test_a_worker_who_left_the_child_more_than_a_year_ago_does_not_count(team):
    child = PersonFactory()
    # Ended on 10 March 2025: the 12 months up to 10 March 2026 start on 11 March 2025.
    allocated(child, team, dt.date(2024, 1, 1), dt.date(2025, 3, 10))
    allocated(child, team, dt.date(2025, 3, 11))
    assert social_worker_changes(person_id=child.pk, on=ON) == 0
    # One day later the first worker is inside the 12 months.
    assert social_worker_changes(person_id=child.pk, on=dt.date(2026, 3, 9)) == 1


def test_the_same_worker_allocated_twice_is_one_worker(team):
    child = PersonFactory()
    worker = WorkerFactory(team=team)
    allocated(child, team, dt.date(2025, 4, 1), dt.date(2025, 8, 1), worker=worker)
    allocated(child, team, dt.date(2025, 8, 2), dt.date(2025, 9, 1))
    allocated(child, team, dt.date(2025, 9, 2), worker=worker)
    assert social_worker_changes(person_id=child.pk, on=ON) == 1


def test_other_roles_and_future_allocations_do_not_count(team):
    child = PersonFactory()
    allocated(child, team, dt.date(2025, 1, 1))
    iro = WorkerFactory(role=Role.IRO, team=team)
    allocated(child, team, dt.date(2025, 6, 1), worker=iro, role=AllocationRole.IRO)
    allocated(child, team, dt.date(2026, 3, 11))  # starts after the day counted
    assert social_worker_changes(person_id=child.pk, on=ON) == 0


def test_other_children_do_not_count(team):
    child, other = PersonFactory(), PersonFactory()
    allocated(child, team, dt.date(2025, 1, 1))
    allocated(other, team, dt.date(2025, 6, 1))
    assert social_worker_changes(person_id=child.pk, on=ON) == 0
