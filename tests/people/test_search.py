"""Finding a person by name as people actually type it, and by their identifiers.

Runs on SQLite and PostgreSQL (pg_trgm): both must find the same people."""

import datetime as dt

import pytest

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.people.codes import NameKind
from kinfold.people.models import PersonName, PersonNameKey
from kinfold.people.search import build_search_keys, refresh_search_keys, search_persons
from tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


def person(given, family, **kwargs):
    p = PersonFactory(given_name=given, family_name=family, **kwargs)
    refresh_search_keys(p)
    return p


def found(worker, **criteria):
    return [r.person_id for r in search_persons(worker=worker, **criteria)]


@pytest.fixture
def admin(personas):
    return personas["admin"]


@pytest.fixture
def crowd(db):
    """Unrelated people, so that every search has something to leave out."""
    return [
        person("Oliver", "Bennett"),
        person("Amelia", "Hughes"),
        person("Harry", "Patel"),
        person("Isla", "Kowalczyk"),
        person("Noah", "Brown"),
    ]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (("Jonathan", "Whitfield"), "Jonathon Whitfield"),
        (("Jonathon", "Whitfield"), "Jonathan Whitfield"),
        (("Adam", "Smith"), "Adam Smyth"),
        (("Adam", "Smyth"), "Adam Smith"),
        (("Maisie", "Okafor"), "Maisie Okafpr"),  # one letter wrong
        (("Maisie", "Okafor"), "Maisie Okfor"),  # one letter missing
        (("Maisie", "Okafor"), "Masie Okafor"),  # one letter missing in the given name
        (("Maisie", "Okafor"), "Maisie Okaofr"),  # two letters swapped
        (("Catherine", "Doyle"), "Katherine Doyle"),  # sounds the same
        (("Zoë", "Lambert"), "Zoe Lambert"),
        (("Zoe", "Lambert"), "Zoë Lambert"),
        (("Łukasz", "Wiśniewski"), "Lukasz Wisniewski"),
        (("Lukasz", "Wisniewski"), "Łukasz Wiśniewski"),
        (("Søren", "Ærø"), "Soren Aero"),
        (("Maisie", "Okafor"), "Okafor Maisie"),  # swapped
        (("Maisie", "Okafor"), "okafor, maisie"),
        (("Amy", "Smith Jones"), "Amy Smith-Jones"),
        (("Amy", "Smith-Jones"), "Amy Smith Jones"),
        (("Amy", "Jones"), "Amy Smith-Jones"),
        (("Amy", "Smith-Jones"), "Amy Jones"),
        (("Amy", "Smith-Jones"), "Amy Smithjones"),
        (("Sean", "O'Brien"), "Sean OBrien"),
        (("Sean", "O\u2019Brien"), "Sean O'Brien"),  # a typographic apostrophe
        (("Sean", "OBrien"), "Sean O'Brien"),
        (("Jonathan", "Whitfield"), "Jon Whitfield"),  # the start of a name
        (("Maisie", "Okafor"), "M Okafor"),  # an initial
    ],
)
def test_a_name_is_found_however_it_is_typed(admin, crowd, stored, typed):
    target = person(*stored)
    assert found(admin, q=typed) == [target.pk]


def test_a_name_unlike_any_finds_nobody(admin, crowd):
    assert found(admin, q="Zebedee Quartermaine") == []
    assert found(admin, q="Maisie") == []


def test_every_word_typed_must_match(admin, crowd):
    person("Maisie", "Okafor")
    assert found(admin, q="Maisie Bennett") == []


def test_other_names_are_found(admin, crowd):
    target = person("Maisie", "Okafor")
    PersonName.objects.create(
        person=target, kind=NameKind.BIRTH, given_name="Maisie", family_name="Adeyemi"
    )
    refresh_search_keys(target)
    assert found(admin, q="Maisie Adeyemi") == [target.pk]
    assert found(admin, q="Adeyemi") == [target.pk]


def test_a_preferred_name_is_found(admin, crowd):
    target = person("Elizabeth", "Carter", preferred_name="Libby")
    assert found(admin, q="Libby Carter") == [target.pk]


def test_exact_matches_come_first_then_by_similarity(admin, crowd):
    smyth = person("Adam", "Smyth")
    smith = person("Adam", "Smith")
    smithe = person("Adam", "Smithe")
    swapped = person("Smith", "Adam")
    result = search_persons(worker=admin, q="Adam Smith")
    ids = [r.person_id for r in result]
    assert ids[:2] == [smith.pk, swapped.pk]  # exact, then exact but in the other places
    assert set(ids[2:]) == {smyth.pk, smithe.pk}
    assert result[0].exact and not result[2].exact
    assert result[2].score >= result[3].score


def test_by_date_of_birth(admin, crowd):
    born = dt.date(2016, 2, 29)
    a = person("Ruby", "Lane", date_of_birth=born)
    b = person("Leo", "Marsh", date_of_birth=born)
    assert set(found(admin, date_of_birth=born)) == {a.pk, b.pk}


def test_by_nhs_number_with_or_without_spaces(admin, crowd):
    target = person("Ruby", "Lane", nhs_number="9434765919")
    assert found(admin, nhs_number="943 476 5919") == [target.pk]
    assert found(admin, nhs_number="9434765919") == [target.pk]
    assert found(admin, nhs_number="943-476-5919") == [target.pk]


def test_by_upn_current_or_former(admin, crowd):
    target = person("Ruby", "Lane", upn="A873201200100", former_upn="")
    assert found(admin, upn="a873201200100 ") == [target.pk]
    moved = person("Leo", "Marsh", former_upn="A873201200100")
    assert set(found(admin, upn="A873201200100")) == {target.pk, moved.pk}


def test_by_postcode_current_or_previous_any_spacing(admin, crowd):
    now = person("Ruby", "Lane")
    AddressFactory(person=now, postcode="CB3 0AP", from_date=dt.date(2022, 1, 1))
    before = person("Leo", "Marsh")
    AddressFactory(
        person=before,
        postcode="CB3 0AP",
        from_date=dt.date(2019, 1, 1),
        to_date=dt.date(2021, 1, 1),
    )
    AddressFactory(person=before, postcode="PE1 1XX", from_date=dt.date(2021, 1, 2))
    for typed in ("CB3 0AP", "cb30ap", " cb3  0ap "):
        assert set(found(admin, postcode=typed)) == {now.pk, before.pk}


def test_criteria_together_narrow(admin, crowd):
    born = dt.date(2015, 6, 1)
    right = person("Maisie", "Okafor", date_of_birth=born)
    person("Maisie", "Okafor", date_of_birth=dt.date(2014, 6, 1))
    person("Leo", "Marsh", date_of_birth=born)
    assert found(admin, q="Maisie Okafr", date_of_birth=born) == [right.pk]
    AddressFactory(person=right, postcode="CB3 0AP")
    assert found(admin, q="Okafor", postcode="CB30AP") == [right.pk]
    assert found(admin, q="Okafor", postcode="PE1 1XX") == []


def test_merged_records_never_appear(admin, crowd):
    kept = person("Maisie", "Okafor")
    retired = person("Maisie", "Okafor")
    retired.merged_into = kept
    retired.save()
    assert found(admin, q="Maisie Okafor") == [kept.pk]
    refresh_search_keys(retired)
    assert not PersonNameKey.objects.filter(person=retired).exists()


def test_every_search_is_audited_with_its_criteria_count_and_ids(admin, crowd):
    target = person("Maisie", "Okafor", nhs_number="9434765919")
    search_persons(worker=admin, q="Maisie", nhs_number="943 476 5919")
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.worker == admin
    assert event.detail == {
        "criteria": {"q": "Maisie", "nhs_number": "9434765919"},
        "count": 1,
        "ids": [target.pk],
    }


def test_a_search_with_nothing_to_search_finds_nothing_and_is_not_audited(admin):
    assert search_persons(worker=admin, q="  - ") == []
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_the_limit_cuts_the_results(admin):
    for _ in range(4):
        person("Maisie", "Okafor")
    assert len(search_persons(worker=admin, q="Okafor", limit=3)) == 3


def test_bulk_keys_match_the_keys_of_one_person(db):
    a = PersonFactory(given_name="Amy", family_name="Smith-Jones", preferred_name="Aimee")
    b = PersonFactory(given_name="Zoë", family_name="O'Brien")
    alias = PersonName.objects.create(person=b, kind=NameKind.ALIAS, family_name="Łukasz")
    keys = build_search_keys([a, b], [alias])
    bulk = sorted((k.person_id, k.token, k.phonetic, k.is_family, k.is_current) for k in keys)
    bulk_text = {a.pk: a.search_text, b.pk: b.search_text}
    refresh_search_keys(a)
    refresh_search_keys(b)
    one = sorted(
        PersonNameKey.objects.values_list(
            "person_id", "token", "phonetic", "is_family", "is_current"
        )
    )
    assert bulk == one
    a.refresh_from_db()
    b.refresh_from_db()
    assert bulk_text == {a.pk: a.search_text, b.pk: b.search_text}
    assert b.search_text == "zoe brien obrien lukasz"
    assert ("smithjones", True) in {(k.token, k.is_family) for k in keys if k.person_id == a.pk}
