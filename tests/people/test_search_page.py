"""The Find a person page: the form, its messages, and what each worker sees of each result."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent, RestrictedAccess
from kinfold.access.visibility import Access, check_person
from kinfold.people.search import refresh_search_keys, search_persons
from kinfold.workforce.models import AllocationRole
from tests.factories import AddressFactory, AllocationFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("people:search")


@pytest.fixture
def keyed(child):
    refresh_search_keys(child)
    refresh_search_keys(child.mother)
    AddressFactory(person=child, postcode="CB3 0AP")
    return child


def test_the_empty_page_shows_the_form_without_errors(client_for, personas):
    response = client_for(personas["allocated_worker"]).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Find a person" in page
    assert "There is a problem" not in page
    assert 'name="date_of_birth_0"' in page


def test_the_header_box_searches_by_name(client_for, personas, keyed):
    response = client_for(personas["allocated_worker"]).get(URL, {"q": "maisy okafor"})
    page = response.content.decode()
    assert "Maisie Okafor" in page
    assert "1 person found" in page
    assert "14 May 2017" in page
    assert "CB3 0AP" in page
    assert str(personas["allocated_worker"]) in page
    assert "North children&#x27;s team" in page


def test_nothing_to_search_gives_a_message_beside_the_name(client_for, personas):
    response = client_for(personas["allocated_worker"]).get(URL, {"q": "  "})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a name, date of birth, NHS number, UPN or postcode to search for" in page
    assert 'href="#id_q"' in page
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_one_letter_is_not_enough(client_for, personas):
    page = client_for(personas["allocated_worker"]).get(URL, {"q": "M"}).content.decode()
    assert "Enter at least 2 letters of a name" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"nhs_number": "12345"}, "An NHS number is 10 digits"),
        ({"postcode": "CB3"}, "Enter a full postcode, like CB3 0AP"),
        ({"upn": "A87"}, "A UPN is 13 characters"),
        (
            {"date_of_birth_0": "14", "date_of_birth_1": "", "date_of_birth_2": "2017"},
            "Enter the month",
        ),
    ],
)
def test_bad_criteria_are_explained(client_for, personas, params, message):
    page = client_for(personas["allocated_worker"]).get(URL, params).content.decode()
    assert "There is a problem" in page
    assert message in page


def test_a_search_by_date_of_birth_from_the_date_input(client_for, personas, keyed):
    params = {"date_of_birth_0": "14", "date_of_birth_1": "5", "date_of_birth_2": "2017"}
    page = client_for(personas["allocated_worker"]).get(URL, params).content.decode()
    assert "Maisie Okafor" in page
    assert "Grace Okafor" not in page


def test_no_results_offers_to_add_a_person(client_for, personas, keyed):
    page = client_for(personas["allocated_worker"]).get(URL, {"q": "Quartermaine"}).content
    page = page.decode()
    assert "No one matches your search" in page
    assert reverse("people:create") in page


def test_the_page_search_is_audited(client_for, personas, keyed):
    client_for(personas["allocated_worker"]).get(URL, {"q": "Okafor"})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.worker == personas["allocated_worker"]
    assert event.detail["criteria"] == {"q": "Okafor"}
    assert set(event.detail["ids"]) == {keyed.pk, keyed.mother.pk}
    assert event.detail["count"] == 2


def test_a_record_out_of_reach_shows_name_age_and_the_team_holding_it(client_for, personas, keyed):
    result = search_persons(worker=personas["other_team_worker"], q="Maisie Okafor")
    assert [r.access for r in result] == [Access.OUT_OF_REACH]
    assert result[0].name == "Maisie Okafor"
    assert result[0].held_by == ("North children's team",)
    assert result[0].date_of_birth is None and result[0].postcode == ""
    page = client_for(personas["other_team_worker"]).get(URL, {"q": "Maisie Okafor"})
    text = page.content.decode()
    assert "Held by North children&#x27;s team" in text
    assert "14 May 2017" not in text and "CB3 0AP" not in text
    assert reverse("people:detail", args=[keyed.pk]) in text


def test_a_restricted_record_shows_only_that_it_exists_and_who_to_ask(client_for, personas, keyed):
    keyed.restricted = True
    keyed.restriction_manager = personas["team_manager"]
    keyed.save()
    result = search_persons(worker=personas["iro"], q="Maisie Okafor")
    assert result[0].access is Access.RESTRICTED
    assert result[0].name == "" and result[0].date_of_birth is None
    assert result[0].ask == (str(personas["team_manager"]),)
    text = client_for(personas["iro"]).get(URL, {"q": "Maisie Okafor"}).content.decode()
    assert "Restricted record" in text
    assert keyed.la_child_id in text
    assert html.escape(str(personas["team_manager"])) in text  # Faker names may be O'Brien
    assert "Maisie" not in text.split("Find a person</h1>")[1].split("</form>")[1]
    assert "14 May 2017" not in text and "CB3 0AP" not in text


def test_a_named_worker_sees_the_restricted_record_in_full(personas, keyed):
    keyed.restricted = True
    keyed.restriction_manager = personas["team_manager"]
    keyed.save()
    RestrictedAccess.objects.create(person=keyed, worker=personas["iro"])
    [result] = search_persons(worker=personas["iro"], q="Maisie Okafor")
    assert result.access is Access.FULL
    assert result.name == "Maisie Okafor"


@pytest.mark.parametrize(
    "persona",
    ["allocated_worker", "team_manager", "other_team_worker", "iro", "admin", "contact_officer"],
)
def test_results_follow_the_one_object_check(personas, keyed, org, persona):
    held_south = PersonFactory(given_name="Maisie", family_name="Okafor")
    AllocationFactory(
        person=held_south,
        worker=personas["other_team_worker"],
        team=org["south_childrens"],
        role=AllocationRole.SOCIAL_WORKER,
    )
    refresh_search_keys(held_south)
    unheld = PersonFactory(
        given_name="Maisie",
        family_name="Okafor",
        date_of_birth=None,
        expected_date_of_birth=dt.date.today() + dt.timedelta(days=30),
    )
    refresh_search_keys(unheld)
    worker = personas[persona]
    for result in search_persons(worker=worker, q="Okafor"):
        from kinfold.people.models import Person

        assert result.access is check_person(worker, Person.objects.get(pk=result.person_id)).access
