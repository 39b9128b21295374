"""The access ladder: allocated → team → service → authority, by role; restricted records."""

import datetime as dt

import pytest

from kinfold.access.visibility import Access, check_person, visible_persons
from kinfold.workforce.models import Role
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory


def can_see(worker, person) -> bool:
    return visible_persons(worker).filter(pk=person.pk).exists()


def test_a_social_worker_sees_children_of_their_own_team(personas, child, org):
    colleague = WorkerFactory(team=org["north_childrens"])
    assert can_see(personas["allocated_worker"], child)
    assert can_see(colleague, child)


def test_a_social_worker_does_not_see_another_teams_child(personas, child):
    assert not can_see(personas["other_team_worker"], child)
    assert check_person(personas["other_team_worker"], child).access is Access.OUT_OF_REACH


def test_family_come_with_the_child(personas, child):
    assert can_see(personas["allocated_worker"], child.mother)
    assert not can_see(personas["other_team_worker"], child.mother)


def test_a_team_manager_sees_every_team_in_their_service(personas, org):
    assessed = PersonFactory()
    AllocationFactory(
        person=assessed,
        worker=WorkerFactory(team=org["north_assessment"]),
        team=org["north_assessment"],
    )
    south_child = PersonFactory()
    AllocationFactory(
        person=south_child, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    assert can_see(personas["team_manager"], assessed)
    assert not can_see(personas["team_manager"], south_child)


@pytest.mark.parametrize("persona", ["iro", "admin", "performance_officer", "contact_officer"])
def test_authority_wide_roles_see_every_child(personas, child, persona):
    assert can_see(personas[persona], child)


def test_a_personal_adviser_sees_only_who_they_are_allocated_to(org, child):
    adviser = WorkerFactory(
        role=Role.PERSONAL_ADVISER, swe_registration="", team=org["north_childrens"]
    )
    assert not can_see(adviser, child)
    young_person = PersonFactory(date_of_birth=dt.date(2007, 3, 1))
    AllocationFactory(person=young_person, worker=adviser, team=org["north_childrens"])
    assert can_see(adviser, young_person)


def test_nobody_holds_an_unallocated_person_so_any_team_worker_can_pick_them_up(personas):
    walk_in = PersonFactory()
    assert can_see(personas["other_team_worker"], walk_in)
    assert can_see(personas["allocated_worker"], walk_in)


def test_an_ended_allocation_no_longer_gives_access(personas, org):
    former = PersonFactory()
    AllocationFactory(
        person=former,
        worker=personas["other_team_worker"],
        team=org["south_childrens"],
        start_date=dt.date(2023, 1, 2),
        end_date=dt.date(2023, 6, 30),
    )
    AllocationFactory(
        person=former, worker=personas["allocated_worker"], team=org["north_childrens"]
    )
    assert not can_see(personas["other_team_worker"], former)
    assert can_see(personas["allocated_worker"], former)


def test_merged_records_are_never_listed(personas, child):
    copy = PersonFactory(merged_into=child)
    assert not can_see(personas["admin"], copy)


def test_restricted_content_only_for_named_workers(personas, child):
    child.restricted = True
    child.restriction_manager = personas["team_manager"]
    child.save()
    assert check_person(personas["team_manager"], child).access is Access.FULL
    # Even the allocated worker and authority-wide roles see only that it exists.
    for name in ("allocated_worker", "iro", "admin"):
        assert check_person(personas[name], child).access is Access.RESTRICTED


def test_a_named_grant_opens_a_restricted_record(personas, child):
    from kinfold.access.models import RestrictedAccess

    child.restricted = True
    child.save()
    RestrictedAccess.objects.create(person=child, worker=personas["allocated_worker"])
    assert check_person(personas["allocated_worker"], child).allowed
    RestrictedAccess.objects.update(revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert not check_person(personas["allocated_worker"], child).allowed
