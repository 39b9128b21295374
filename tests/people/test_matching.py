"""Likely duplicates: the checks a worker would make by eye, scored and explained."""

import datetime as dt

import pytest

from kinfold.people.matching import Candidate, find_duplicate_pairs, likely_duplicates
from kinfold.people.search import refresh_search_keys
from tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db
BORN = dt.date(2016, 3, 9)


def person(given, family, *, postcode="", **kwargs):
    kwargs.setdefault("date_of_birth", BORN)
    p = PersonFactory(given_name=given, family_name=family, **kwargs)
    if postcode:
        AddressFactory(person=p, postcode=postcode)
    refresh_search_keys(p)
    return p


@pytest.fixture
def register(db):
    """A few unrelated children, some sharing a birthday or a family name."""
    return [
        person("Oliver", "Bennett"),
        person("Amelia", "Hughes", date_of_birth=dt.date(2015, 1, 2)),
        person("Harry", "Okafor", date_of_birth=dt.date(2012, 7, 30)),
        person("Isla", "Kowalczyk", postcode="CB3 0AP", date_of_birth=dt.date(2014, 4, 4)),
    ]


def check(**typed):
    typed.setdefault("given_name", "Jonathan")
    typed.setdefault("family_name", "Whitfield")
    typed.setdefault("date_of_birth", BORN)
    return likely_duplicates(**typed)


def test_a_misspelt_name_with_the_same_birthday_is_a_likely_duplicate(register):
    target = person("Jonathon", "Whitfeild", sex="M")
    [found] = check(sex="M")
    assert isinstance(found, Candidate)
    assert found.person == target
    assert 0.8 <= found.score <= 1
    assert "Same date of birth" in found.reasons
    assert "Given name spelt similarly" in found.reasons
    assert "Family name spelt similarly" in found.reasons


def test_the_same_nhs_number_finds_a_record_under_another_name(register):
    target = person("Jack", "Carter", nhs_number="9434765919", date_of_birth=dt.date(2016, 9, 3))
    found = check(nhs_number="943 476 5919")
    assert [c.person for c in found] == [target]
    assert found[0].reasons[0] == "Same NHS number"


def test_day_and_month_swapped_in_the_date_of_birth(register):
    target = person("Jonathan", "Whitfield", date_of_birth=dt.date(2016, 9, 3))
    [found] = check()
    assert found.person == target
    assert "Date of birth with day and month swapped" in found.reasons
    assert found.score >= 0.8


def test_one_digit_wrong_in_the_date_of_birth(register):
    target = person("Jonathan", "Whitfield", date_of_birth=dt.date(2016, 3, 8))
    [found] = check()
    assert found.person == target
    assert "Date of birth differs by one digit" in found.reasons


def test_given_and_family_names_swapped(register):
    target = person("Whitfield", "Jonathan")
    [found] = check()
    assert found.person == target
    assert "Given and family names swapped" in found.reasons


def test_given_and_family_names_swapped_and_misspelt(register):
    target = person("Whitfeild", "Jonathon")
    [found] = check()
    assert found.person == target
    assert "Given and family names swapped, spelt similarly" in found.reasons
    assert found.score >= 0.8


def test_an_accent_or_hyphen_makes_no_difference(register):
    zoe = person("Zoë", "Smith-Jones")
    [found] = check(given_name="Zoe", family_name="Smith Jones")
    assert found.person == zoe
    assert found.reasons[:2] == ["Same date of birth", "Same family name"] or (
        "Same given name" in found.reasons
    )


def test_the_same_birthday_and_postcode_finds_a_changed_name(register):
    target = person("Jonathan", "Adeyemi", postcode="PE1 1XX")
    [found] = check(postcode="pe11xx")
    assert found.person == target
    assert "Same postcode" in found.reasons
    assert "Different family name" in found.reasons


def test_the_record_being_edited_is_left_out(register):
    target = person("Jonathan", "Whitfield")
    assert check(exclude_pk=target.pk) == []


def test_merged_records_are_left_out(register):
    kept = person("Jonathan", "Whitfield")
    retired = person("Jonathan", "Whitfield")
    retired.merged_into = kept
    retired.save()
    assert [c.person for c in check()] == [kept]


def test_someone_else_is_not_a_duplicate(register):
    assert check() == []
    person("Jonathan", "Bennett", date_of_birth=dt.date(2009, 11, 23))
    assert check() == []


def test_candidates_are_ranked_and_limited(register):
    exact = person("Jonathan", "Whitfield")
    near = person("Jon", "Whitfield")
    found = check(limit=2)
    assert [c.person for c in found] == [exact, near]
    assert found[0].score > found[1].score
    assert len(check(limit=1)) == 1


def test_twins_are_not_taken_for_one_child(register):
    ada = person("Ada", "Nwosu", sex="F", postcode="CB3 0AP")
    person("Benedict", "Nwosu", sex="M", postcode="CB3 0AP")
    person("Chioma", "Nwosu", sex="F", postcode="CB3 0AP")
    assert find_duplicate_pairs() == []
    found = check(given_name="Ada", family_name="Nwosu", sex="F", postcode="CB3 0AP")
    assert found[0].person == ada and found[0].score >= 0.8
    assert all(c.score < 0.5 for c in found[1:])
    assert "Could be twins: same birthday, different given names" in found[1].reasons


def test_a_different_nhs_number_counts_against(register):
    person("Jonathan", "Whitfield", nhs_number="9434765919")
    [found] = check(nhs_number="4010232137")
    assert "Different NHS number" in found.reasons
    assert found.score < 0.8


def test_the_register_is_searched_for_pairs(register):
    a = person("Jonathan", "Whitfield", sex="M", postcode="CB3 0AP")
    b = person("Jonathon", "Whitfield", sex="M", postcode="CB3 0AP")
    c = person("Lily", "Nowak", nhs_number="9434765919", date_of_birth=dt.date(2018, 1, 5))
    d = person("Lilly", "Novak", nhs_number="9434765919", date_of_birth=dt.date(2018, 5, 1))
    pairs = find_duplicate_pairs()
    assert {(p.first_id, p.second_id) for p in pairs} == {(a.pk, b.pk), (c.pk, d.pk)}
    assert all(0.8 <= p.score <= 1 and p.reasons for p in pairs)
    assert pairs == sorted(pairs, key=lambda p: -p.score)


def test_pairs_among_given_records_only(register):
    a = person("Jonathan", "Whitfield")
    b = person("Jonathan", "Whitfield")
    person("Jonathan", "Whitfield")
    assert [(p.first_id, p.second_id) for p in find_duplicate_pairs(person_ids=[a.pk, b.pk])] == [
        (a.pk, b.pk)
    ]
    assert len(find_duplicate_pairs()) == 3
    assert find_duplicate_pairs(person_ids=[a.pk]) == []
