"""Relationships: found by LA child ID or by name, stored in both directions with the type read
the other way, refused for oneself or twice over, ended on both records, each a change on both."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfold.people import services
from kinfold.people.codes import RECIPROCAL, RelationshipType
from kinfold.people.models import PersonChange, Relationship
from kinfold.people.search import refresh_search_keys
from tests.factories import AllocationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def father(child):
    """An adult held by no team, not yet linked to the child."""
    dad = PersonFactory(
        given_name="Emeka", family_name="Okafor", sex="M", date_of_birth=dt.date(1988, 11, 20)
    )
    refresh_search_keys(dad)
    return dad


def add_url(person, **find) -> str:
    url = reverse("people:add-relationship", args=[person.pk])
    if find:
        from urllib.parse import urlencode

        url += "?" + urlencode(find)
    return url


def relationship_form(other, type_, start=None, **extra) -> dict:
    data = {
        "other": str(other.pk),
        "type": type_,
        "start_date_0": str(start.day) if start else "",
        "start_date_1": str(start.month) if start else "",
        "start_date_2": str(start.year) if start else "",
    }
    data.update(extra)
    return data


def test_a_relationship_found_by_la_child_id_is_stored_both_ways(
    client_for, personas, child, father
):
    client = client_for(personas["allocated_worker"])
    url = add_url(child, la_child_id=father.la_child_id.lower())
    page = client.get(url).content.decode()
    assert "Emeka Okafor" in page and "born 20 November 1988" in page
    assert f'value="{father.pk}"' in page

    response = client.post(
        url,
        relationship_form(
            father,
            RelationshipType.PARENT,
            dt.date(2017, 5, 14),
            lives_with="on",
            parental_responsibility="on",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:relationships", args=[child.pk])
    # The father is the child's parent; the child is the father's child.
    dads_row = Relationship.objects.get(person=father, other=child)
    childs_row = Relationship.objects.get(person=child, other=father)
    assert dads_row.type == RelationshipType.PARENT
    assert childs_row.type == RelationshipType.CHILD == RECIPROCAL[dads_row.type]
    assert dads_row.reciprocal == childs_row and childs_row.reciprocal == dads_row
    for row in (dads_row, childs_row):
        assert row.start_date == dt.date(2017, 5, 14)
        assert row.lives_with and row.parental_responsibility
        assert row.recorded_by == personas["allocated_worker"]
    for person, text in ((child, "Emeka Okafor"), (father, "Maisie Okafor")):
        change = PersonChange.objects.get(person=person)
        assert change.what == "relationship added"
        assert text in change.changes["relationship"][1]
        person.refresh_from_db()
        assert person.version == 2

    page = client.get(reverse("people:relationships", args=[child.pk])).content.decode()
    assert "Emeka Okafor" in page
    assert "Grace Okafor" in page


def test_a_relationship_can_be_found_by_name_and_date_of_birth(client_for, personas, child, father):
    client = client_for(personas["allocated_worker"])
    url = add_url(child, name="emeka okafor", dob_0="20", dob_1="11", dob_2="1988")
    page = client.get(url).content.decode()
    assert "Emeka Okafor" in page
    response = client.post(url, relationship_form(father, RelationshipType.STEP_PARENT))
    assert response.status_code == 302
    assert Relationship.objects.get(person=child, other=father).type == RelationshipType.STEP_CHILD


def test_people_out_of_reach_are_not_offered(client_for, personas, org, child):
    theirs = PersonFactory(given_name="Ottilie", family_name="Brackenbury")
    AllocationFactory(
        person=theirs, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    client = client_for(personas["allocated_worker"])
    url = add_url(child, la_child_id=theirs.la_child_id)
    page = client.get(url).content.decode()
    assert "No one found" in page
    assert "Ottilie" not in page
    client.post(url, relationship_form(theirs, RelationshipType.SIBLING))
    assert not Relationship.objects.filter(other=theirs).exists()


def test_a_person_cannot_be_related_to_themselves(client_for, personas, child):
    page = client_for(personas["allocated_worker"]).get(
        add_url(child, la_child_id=child.la_child_id)
    )
    assert "No one found" in page.content.decode()
    before = Relationship.objects.count()
    with pytest.raises(services.RecordError, match="themselves"):
        services.add_relationship(
            worker=personas["allocated_worker"],
            person=child,
            other=child,
            other_is=RelationshipType.SIBLING,
        )
    assert Relationship.objects.count() == before
    assert not PersonChange.objects.exists()


def test_a_current_relationship_cannot_be_recorded_twice(client_for, personas, child):
    mother = child.mother
    url = add_url(child, la_child_id=mother.la_child_id)
    before = Relationship.objects.count()
    response = client_for(personas["allocated_worker"]).post(
        url, relationship_form(mother, RelationshipType.PARENT)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Grace Okafor is already recorded as parent of Maisie Okafor" in page
    assert Relationship.objects.count() == before
    assert not PersonChange.objects.exists()


def test_a_relationship_with_an_unknown_type_is_refused(client_for, personas, child, father):
    response = client_for(personas["allocated_worker"]).post(
        add_url(child, la_child_id=father.la_child_id),
        relationship_form(father, "godparent"),
    )
    assert "Choose the relationship from the list" in response.content.decode()
    assert not Relationship.objects.filter(other=father).exists()


def test_ending_a_relationship_ends_it_on_both_records(client_for, personas, child):
    mother = child.mother
    row = Relationship.objects.get(person=child, other=mother)
    client = client_for(personas["allocated_worker"])
    url = reverse("people:end-relationship", args=[child.pk, row.pk])
    ended = timezone.localdate() - dt.timedelta(days=1)
    page = client.get(url).content.decode()
    assert "End the relationship with Grace Okafor" in page
    response = client.post(
        url,
        {
            "end_date_0": ended.day,
            "end_date_1": ended.month,
            "end_date_2": ended.year,
            "reason": "Special guardianship order",
        },
    )
    assert response.status_code == 302
    assert set(Relationship.objects.values_list("end_date", flat=True)) == {ended}
    for person in (child, mother):
        change = PersonChange.objects.get(person=person)
        assert change.what == "relationship ended"
        assert change.reason == "Special guardianship order"
        assert change.changes["relationship"][1].endswith(f"ended {ended.isoformat()}")
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "No current relationships are recorded" in page
    assert "Past relationships (1)" in page


def test_an_end_date_in_the_future_or_before_the_start_is_refused(client_for, personas, child):
    row = Relationship.objects.get(person=child, other=child.mother)
    Relationship.objects.filter(pk__in=[row.pk, row.reciprocal_id]).update(
        start_date=dt.date(2017, 5, 14)
    )
    client = client_for(personas["allocated_worker"])
    url = reverse("people:end-relationship", args=[child.pk, row.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for day, message in (
        (tomorrow, "The end date must be today or in the past"),
        (dt.date(2016, 1, 1), "The end date must be on or after the start date, 14 May 2017"),
    ):
        response = client.post(
            url, {"end_date_0": day.day, "end_date_1": day.month, "end_date_2": day.year}
        )
        assert message in response.content.decode()
    assert set(Relationship.objects.values_list("end_date", flat=True)) == {None}
    assert not PersonChange.objects.exists()


def test_a_relationship_of_another_person_cannot_be_ended_from_this_record(
    client_for, personas, child, father
):
    other_row = Relationship.objects.get(person=child.mother, other=child)
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:end-relationship", args=[child.pk, other_row.pk]),
        {"end_date_0": "1", "end_date_1": "1", "end_date_2": "2024"},
    )
    assert response.status_code == 404
    assert Relationship.objects.filter(end_date__isnull=False).count() == 0


def test_a_worker_of_another_team_cannot_add_or_end_relationships(
    client_for, personas, child, father
):
    client = client_for(personas["other_team_worker"])
    response = client.post(
        add_url(child, la_child_id=father.la_child_id),
        relationship_form(father, RelationshipType.PARENT),
    )
    assert response.status_code == 403
    row = Relationship.objects.get(person=child, other=child.mother)
    response = client.post(
        reverse("people:end-relationship", args=[child.pk, row.pk]),
        {"end_date_0": "1", "end_date_1": "1", "end_date_2": "2024"},
    )
    assert response.status_code == 403
    assert not Relationship.objects.filter(other=father).exists()
    assert not Relationship.objects.filter(end_date__isnull=False).exists()
