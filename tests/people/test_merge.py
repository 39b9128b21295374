"""Merging two records of one child: every fact kept, the history explains, nothing deleted."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfold.access.models import AuditAction, AuditEvent, BreakGlass, RestrictedAccess
from kinfold.people.codes import Disability, NameKind, RelationshipType
from kinfold.people.merging import MergeError, MergeNotAllowed, merge_persons
from kinfold.people.models import (
    Address,
    Person,
    PersonChange,
    PersonDisability,
    PersonName,
    PersonNameKey,
    Relationship,
)
from kinfold.people.search import refresh_search_keys, search_persons
from kinfold.workforce.models import Allocation
from tests.factories import AddressFactory, AllocationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def relate(person, other, type_, reciprocal_type):
    a = Relationship.objects.create(person=person, other=other, type=type_)
    b = Relationship.objects.create(person=other, other=person, type=reciprocal_type, reciprocal=a)
    Relationship.objects.filter(pk=a.pk).update(reciprocal=b)
    return Relationship.objects.get(pk=a.pk)


@pytest.fixture
def duplicate(child, org, personas):
    """The same child recorded again by the front door: another spelling, another NHS number
    typo, the same mother, a sibling the first record lacks, and a wrong sibling link between
    the two records."""
    retired = PersonFactory(
        given_name="Maisy",
        family_name="Okafor",
        sex="F",
        date_of_birth=dt.date(2017, 5, 14),
        nhs_number="9434765919",
    )
    AddressFactory(person=retired, postcode="PE1 1XX", from_date=dt.date(2023, 1, 1))
    PersonName.objects.create(
        person=retired, kind=NameKind.BIRTH, given_name="Maisy", family_name="Adeyemi"
    )
    relate(child.mother, retired, RelationshipType.PARENT, RelationshipType.CHILD)
    brother = PersonFactory(given_name="Tobi", family_name="Okafor")
    relate(retired, brother, RelationshipType.SIBLING, RelationshipType.SIBLING)
    relate(retired, child, RelationshipType.SIBLING, RelationshipType.SIBLING)
    AllocationFactory(person=retired, worker=personas["team_manager"], team=org["north_childrens"])
    PersonDisability.objects.create(person=retired, code=Disability.COMM)
    RestrictedAccess.objects.create(person=retired, worker=personas["iro"])
    BreakGlass.objects.create(
        person=retired,
        worker=personas["other_team_worker"],
        reason="Police called about the child",
        expires_at=timezone.now(),
    )
    for p in (child, retired):
        refresh_search_keys(p)
    retired.brother = brother
    return retired


def merge(personas, child, duplicate, **kwargs):
    arguments = {
        "worker": personas["team_manager"],
        "kept_id": child.pk,
        "retired_id": duplicate.pk,
        "reason": "Same child: same date of birth and mother, name misspelt at contact",
        "choices": {},
    }
    arguments.update(kwargs)
    return merge_persons(**arguments)


def test_every_fact_moves_to_the_record_kept(personas, child, duplicate):
    address = Address.objects.get(person=duplicate)
    birth_name = PersonName.objects.get(person=duplicate)
    allocation = Allocation.objects.get(person=duplicate)
    done = merge(personas, child, duplicate)

    assert Address.objects.get(pk=address.pk).person_id == child.pk
    assert PersonName.objects.get(pk=birth_name.pk).person_id == child.pk
    assert Allocation.objects.get(pk=allocation.pk).person_id == child.pk
    assert set(child.disabilities.values_list("code", flat=True)) == {Disability.COMM}
    assert RestrictedAccess.objects.filter(person=child, worker=personas["iro"]).exists()
    assert done.moved["people.address"] == [address.pk]
    assert done.moved["workforce.allocation"] == [allocation.pk]
    assert done.moved["access.restrictedaccess"]


def test_history_stays_where_it_was_written(personas, child, duplicate):
    merge(personas, child, duplicate)
    assert BreakGlass.objects.get().person_id == duplicate.pk
    assert PersonChange.objects.get(person=duplicate).what == "merged"
    assert PersonChange.objects.get(person=child).what == "merge"


def test_relationships_repoint_both_ways_without_copies_or_self_links(personas, child, duplicate):
    merge(personas, child, duplicate)
    today = timezone.localdate()
    current = Relationship.objects.filter(end_date__isnull=True)
    # The mother is the child's parent once, in both directions.
    assert current.filter(person=child.mother, other=child, type="parent").count() == 1
    assert current.filter(person=child, other=child.mother, type="child").count() == 1
    # The brother the duplicate knew about is now the kept child's brother, both ways.
    assert current.filter(person=child, other=duplicate.brother, type="sibling").exists()
    assert current.filter(person=duplicate.brother, other=child, type="sibling").exists()
    # No one is their own sibling, and the wrong link between the two records is ended.
    assert not Relationship.objects.filter(person=child, other=child).exists()
    between = Relationship.objects.filter(
        person__in=[child, duplicate], other__in=[child, duplicate]
    )
    assert between.count() == 2 and all(r.end_date == today for r in between)
    # Nothing current still points at the retired record.
    assert not current.filter(person=duplicate).exists()
    assert not current.filter(other=duplicate).exists()
    # The copy of the mother link was ended, not deleted.
    assert Relationship.objects.filter(other=child, person=child.mother).count() == 2


def test_the_retired_record_points_at_the_kept_one_and_both_versions_bump(
    personas, child, duplicate
):
    versions = (child.version, duplicate.version)
    merge(personas, child, duplicate)
    child.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == child.pk
    assert (child.version, duplicate.version) == (versions[0] + 1, versions[1] + 1)
    assert Person.objects.count() == 4  # nothing deleted


def test_chosen_values_apply_and_the_merge_records_both(personas, child, duplicate):
    done = merge(
        personas, child, duplicate, choices={"given_name": "kept", "nhs_number": "retired"}
    )
    child.refresh_from_db()
    assert child.nhs_number == "9434765919" and child.given_name == "Maisie"
    assert done.moved["fields"]["nhs_number"] == {
        "chosen": "retired",
        "kept": "",
        "retired": "9434765919",
    }
    assert done.moved["fields"]["given_name"] == {
        "chosen": "kept",
        "kept": "Maisie",
        "retired": "Maisy",
    }
    change = PersonChange.objects.get(person=child)
    assert change.changes["nhs_number"] == ["", "9434765919"]
    assert change.changes["merged_from"] == ["", duplicate.la_child_id]
    assert change.reason.startswith("Same child")


def test_the_name_not_kept_becomes_an_alias_and_search_finds_only_the_kept(
    personas, child, duplicate
):
    merge(personas, child, duplicate, choices={"given_name": "retired"})
    child.refresh_from_db()
    assert child.given_name == "Maisy"
    aliases = PersonName.objects.filter(person=child, kind=NameKind.ALIAS)
    assert {(a.given_name, a.family_name) for a in aliases} == {("Maisie", "Okafor")}
    assert not PersonNameKey.objects.filter(person=duplicate).exists()
    for typed in ("Maisie Okafor", "Maisy Okafor", "Maisy Adeyemi"):
        found = [r.person_id for r in search_persons(worker=personas["admin"], q=typed)]
        assert found == [child.pk]


def test_the_merge_is_audited(personas, child, duplicate):
    done = merge(personas, child, duplicate)
    event = AuditEvent.objects.get(action=AuditAction.MERGE)
    assert event.object_id == str(child.pk)
    assert event.detail["retired"] == duplicate.pk
    assert event.detail["merge"] == done.pk
    assert event.detail["moved"]["people.address"] == 1


def test_a_restricted_duplicate_keeps_its_restriction(personas, child, duplicate):
    Person.objects.filter(pk=duplicate.pk).update(
        restricted=True,
        restriction_reason="Adoption",
        restriction_manager=personas["team_manager"],
    )
    merge(personas, child, duplicate)
    child.refresh_from_db()
    assert child.restricted and child.restriction_manager == personas["team_manager"]


def test_no_disability_gives_way_to_a_recorded_one(personas, child, duplicate):
    PersonDisability.objects.create(person=child, code=Disability.NONE)
    merge(personas, child, duplicate)
    assert set(child.disabilities.values_list("code", flat=True)) == {Disability.COMM}
    assert PersonDisability.objects.count() == 2


@pytest.mark.parametrize("persona", ["allocated_worker", "iro", "performance_officer"])
def test_only_team_managers_and_administrators_merge(personas, child, duplicate, persona):
    with pytest.raises(MergeNotAllowed):
        merge(personas, child, duplicate, worker=personas[persona])
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None


def test_an_administrator_merges(personas, child, duplicate):
    merge(personas, child, duplicate, worker=personas["admin"])
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == child.pk


def test_a_manager_needs_full_access_to_both(personas, child, duplicate, org):
    south = PersonFactory(given_name="Maisie", family_name="Okafor")
    AllocationFactory(
        person=south, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    with pytest.raises(MergeNotAllowed, match="full access"):
        merge(personas, child, south)


def test_a_record_cannot_be_merged_into_itself(personas, child):
    with pytest.raises(MergeError, match="cannot be merged into itself"):
        merge(personas, child, child)


def test_an_already_merged_record_cannot_be_merged_again(personas, child, duplicate):
    merge(personas, child, duplicate)
    other = PersonFactory(given_name="Maisie", family_name="Okafor")
    with pytest.raises(MergeError, match="already been merged"):
        merge(personas, other, duplicate)
    with pytest.raises(MergeError, match="already been merged"):
        merge(personas, duplicate, other)


def test_a_change_made_while_comparing_refuses_the_merge(personas, child, duplicate):
    Person.objects.filter(pk=duplicate.pk).update(version=duplicate.version + 1)
    with pytest.raises(MergeError, match="changed while you were comparing"):
        merge(personas, child, duplicate, retired_version=duplicate.version)


def test_values_that_do_not_fit_together_are_refused(personas, child, duplicate):
    Person.objects.filter(pk=duplicate.pk).update(
        date_of_birth=dt.date(2010, 1, 1), date_of_death=dt.date(2015, 1, 1)
    )
    with pytest.raises(MergeError, match="do not fit together") as raised:
        merge(personas, child, duplicate, choices={"date_of_death": "retired"})
    assert "date_of_death" in raised.value.field_errors
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None


def test_a_reason_is_required(personas, child, duplicate):
    with pytest.raises(MergeError, match="Enter why"):
        merge(personas, child, duplicate, reason="  ")
