"""The likely duplicates page, comparing and merging two records, and the merge explained."""

import pytest
from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.people.models import Person, PersonMerge
from kinfold.people.search import refresh_search_keys
from tests.factories import AddressFactory, AllocationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twin_record(child, org, personas):
    """The child recorded twice: a misspelt given name, the same date of birth and address."""
    retired = PersonFactory(
        given_name="Maisy",
        family_name="Okafor",
        sex="F",
        date_of_birth=child.date_of_birth,
        nhs_number="9434765919",
    )
    AddressFactory(person=child, postcode="CB3 0AP")
    AddressFactory(person=retired, postcode="CB3 0AP")
    AllocationFactory(person=retired, worker=personas["team_manager"], team=org["north_childrens"])
    for p in (child, retired, child.mother):
        refresh_search_keys(p)
    return retired


def merge_url(kept, retired):
    return reverse("people:merge", args=[kept.pk, retired.pk])


def test_the_comparison_shows_both_records_and_a_choice_for_each_difference(
    client_for, personas, child, twin_record
):
    response = client_for(personas["team_manager"]).get(merge_url(child, twin_record))
    assert response.status_code == 200
    page = response.content.decode()
    assert child.la_child_id in page and twin_record.la_child_id in page
    assert "Maisie" in page and "Maisy" in page
    assert 'name="given_name"' in page and 'name="nhs_number"' in page
    assert 'name="date_of_birth"' not in page  # the same on both: nothing to choose
    assert "Which given name is right?" in page
    assert reverse("people:merge", args=[twin_record.pk, child.pk]) in page
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW).values_list("object_id", flat=True)
    assert set(viewed) == {str(child.pk), str(twin_record.pk)}


def test_merging_without_choices_or_a_reason_explains_what_is_missing(
    client_for, personas, child, twin_record
):
    response = client_for(personas["team_manager"]).post(
        merge_url(child, twin_record),
        {"kept_version": child.version, "retired_version": twin_record.version},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose which given name to keep" in page
    assert "Enter why these records are the same person" in page
    assert Person.objects.get(pk=twin_record.pk).merged_into_id is None


def test_a_merge_then_explains_itself(client_for, personas, child, twin_record):
    client = client_for(personas["team_manager"])
    response = client.post(
        merge_url(child, twin_record),
        {
            "given_name": "kept",
            "nhs_number": "retired",
            "reason": "Same child: the contact misspelt her name",
            "kept_version": child.version,
            "retired_version": twin_record.version,
        },
    )
    merge = PersonMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:merge-detail", args=[merge.pk])
    page = client.get(response["Location"]).content.decode()
    assert f"{twin_record.la_child_id} was merged into {child.la_child_id}" in page
    assert personas["team_manager"].get_full_name() in page
    assert "Same child: the contact misspelt her name" in page
    assert "9434765919" in page  # the NHS number chosen from the retired record
    assert "Maisy" in page  # the given name not kept
    assert "Addresses: 1" in page and "Allocations: 1" in page
    assert "Maisy Okafor" in page  # added as another name


def test_a_merged_record_opens_the_record_kept(client_for, personas, child, twin_record):
    client_for(personas["team_manager"]).post(
        merge_url(child, twin_record),
        {
            "given_name": "kept",
            "nhs_number": "kept",
            "reason": "Same child",
            "kept_version": child.version,
            "retired_version": twin_record.version,
        },
    )
    response = client_for(personas["allocated_worker"]).get(
        reverse("people:detail", args=[twin_record.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])


def test_a_second_writer_sees_that_the_record_changed(client_for, personas, child, twin_record):
    Person.objects.filter(pk=child.pk).update(version=child.version + 1)
    page = (
        client_for(personas["team_manager"])
        .post(
            merge_url(child, twin_record),
            {
                "given_name": "kept",
                "nhs_number": "kept",
                "reason": "Same child",
                "kept_version": child.version,
                "retired_version": twin_record.version,
            },
        )
        .content.decode()
    )
    assert "changed while you were comparing them" in page
    assert not PersonMerge.objects.exists()


@pytest.mark.parametrize("persona", ["allocated_worker", "iro", "contact_officer"])
def test_other_roles_cannot_merge_or_review_duplicates(
    client_for, personas, child, twin_record, persona
):
    client = client_for(personas[persona])
    assert client.get(merge_url(child, twin_record)).status_code == 403
    assert client.get(reverse("people:duplicates")).status_code == 403


def test_merging_a_record_into_itself_is_refused(client_for, personas, child):
    response = client_for(personas["team_manager"]).get(merge_url(child, child))
    assert response.status_code == 400
    assert "cannot be merged into itself" in response.content.decode()


def test_merging_an_already_merged_record_is_refused(client_for, personas, child, twin_record):
    Person.objects.filter(pk=twin_record.pk).update(merged_into=child.mother)
    response = client_for(personas["team_manager"]).get(merge_url(child, twin_record))
    assert response.status_code == 409
    assert "has already been merged into" in response.content.decode()


def test_a_record_out_of_reach_cannot_be_merged(client_for, personas, child, org):
    south = PersonFactory(given_name="Maisie", family_name="Okafor")
    AllocationFactory(
        person=south, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    response = client_for(personas["team_manager"]).get(merge_url(child, south))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, object_id=str(south.pk)).exists()


def test_the_duplicates_page_lists_likely_pairs_with_reasons(
    client_for, personas, child, twin_record
):
    response = client_for(personas["team_manager"]).get(reverse("people:duplicates"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 likely pair" in page
    assert "Same date of birth" in page
    assert "Same family name" in page
    assert merge_url(child, twin_record) in page
    assert "Grace Okafor" not in page


def test_the_duplicates_page_leaves_out_pairs_the_manager_cannot_see(
    client_for, personas, child, org
):
    south = PersonFactory(
        given_name="Maisie", family_name="Okafor", sex="F", date_of_birth=child.date_of_birth
    )
    AllocationFactory(
        person=south, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    page = client_for(personas["team_manager"]).get(reverse("people:duplicates")).content
    assert "No likely duplicates" in page.decode()
    admin_page = client_for(personas["admin"]).get(reverse("people:duplicates")).content
    assert reverse("people:merge", args=[child.pk, south.pk]) in admin_page.decode()


def test_the_merge_detail_needs_access_to_the_record_kept(client_for, personas, child, twin_record):
    client_for(personas["team_manager"]).post(
        merge_url(child, twin_record),
        {
            "given_name": "kept",
            "nhs_number": "kept",
            "reason": "Same child",
            "kept_version": child.version,
            "retired_version": twin_record.version,
        },
    )
    url = reverse("people:merge-detail", args=[PersonMerge.objects.get().pk])
    assert client_for(personas["other_team_worker"]).get(url).status_code == 403
    assert client_for(personas["allocated_worker"]).get(url).status_code == 200
