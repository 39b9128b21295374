"""A person's record: adding a person after checking for duplicates, bad input saving nothing,
the record page (audited), editing with its history and the version check, names and
addresses, and who may do what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.people.models import (
    Address,
    Person,
    PersonChange,
    PersonDisability,
    PersonName,
    PersonNameKey,
)
from kinfold.people.search import refresh_search_keys
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("people:create")


def date_fields(name: str, day) -> dict[str, str]:
    """The three inputs of a GOV.UK date input."""
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def person_form(**overrides) -> dict:
    """A valid submission of the add-a-person page for an invented boy, changed by `overrides`
    (a date given as a dt.date or None is spread over its three inputs)."""
    data = {
        "given_name": "Tobiah",
        "family_name": "Quenneville",
        "preferred_name": "Toby",
        "date_of_birth": dt.date(2019, 8, 3),
        "expected_date_of_birth": None,
        "date_of_death": None,
        "sex": "M",
        "gender": "same",
        "ethnicity": "WBRI",
        "first_language": "eng",
        "religion": "none",
        "immigration_status": "british",
        "nhs_number": "943 476 5919",
        "upn": "",
        "former_upn": "",
        "disabilities": ["MOB", "VIS"],
        "address_line_1": "4 Fen Causeway",
        "address_line_2": "",
        "address_town": "Fenchester",
        "address_postcode": "cb3 0ap",
        "address_from_date": dt.date(2021, 6, 1),
    }
    data.update(overrides)
    form = {}
    for key, value in data.items():
        if key.endswith("date_of_birth") or key.endswith("_date") or key == "date_of_death":
            form.update(date_fields(key, value))
        else:
            form[key] = value
    return form


def counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Address.objects.count(),
        PersonDisability.objects.count(),
        PersonChange.objects.count(),
        PersonName.objects.count(),
    )


# ---- adding a person -----------------------------------------------------------------------


def test_a_person_with_no_likely_duplicate_is_created_at_once(client_for, personas, child):
    worker = personas["allocated_worker"]
    response = client_for(worker).post(CREATE, person_form())
    person = Person.objects.get(family_name="Quenneville")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.created_by == worker
    assert person.nhs_number == "9434765919"  # stored without spaces
    assert person.preferred_name == "Toby"
    assert sorted(person.disabilities.values_list("code", flat=True)) == ["MOB", "VIS"]
    address = person.addresses.get()
    assert (address.postcode, address.from_date, address.to_date) == (
        "CB3 0AP",
        dt.date(2021, 6, 1),
        None,
    )
    assert set(PersonNameKey.objects.filter(person=person).values_list("token", flat=True)) >= {
        "tobiah",
        "quenneville",
        "toby",
    }
    change = PersonChange.objects.get(person=person)
    assert (change.what, change.version, change.changed_by) == ("created", 1, worker)
    assert change.changes["family_name"] == ["", "Quenneville"]
    assert change.changes["disabilities"] == ["", "MOB,VIS"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk)).exists()


def test_an_unborn_child_is_created_with_an_expected_date_and_family_name_only(
    client_for, personas
):
    due = timezone.localdate() + dt.timedelta(days=60)
    form = person_form(
        given_name="",
        preferred_name="",
        date_of_birth=None,
        expected_date_of_birth=due,
        sex="U",
        nhs_number="",
        disabilities=[],
        address_line_1="",
        address_town="",
        address_postcode="",
        address_from_date=None,
    )
    response = client_for(personas["allocated_worker"]).post(CREATE, form)
    assert response.status_code == 302
    person = Person.objects.get(family_name="Quenneville")
    assert person.is_unborn and person.expected_date_of_birth == due
    assert not person.addresses.exists()
    page = client_for(personas["allocated_worker"]).get(response["Location"]).content.decode()
    assert "Expected date of birth" in page
    assert person.age_display() in page


@pytest.fixture
def recorded_child(child):
    """The fixture child, findable: search keys and an address."""
    AddressFactory(person=child, postcode="CB3 0AP", from_date=dt.date(2020, 1, 1))
    refresh_search_keys(child)
    refresh_search_keys(child.mother)
    return child


def test_likely_duplicates_are_shown_before_anything_is_saved_then_a_new_person_confirmed(
    client_for, personas, recorded_child
):
    client = client_for(personas["allocated_worker"])
    form = person_form(
        given_name="Maisy",
        family_name="Okafor",
        preferred_name="",
        date_of_birth=recorded_child.date_of_birth,
        sex="F",
        nhs_number="",
        disabilities=[],
    )
    before = counts()
    response = client.post(CREATE, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert counts() == before
    assert "may already have a record" in page
    assert recorded_child.la_child_id in page
    assert "Maisie Okafor" in page
    assert "14 May 2017" in page
    assert recorded_child.age_display() in page
    assert "CB3 0AP" in page
    assert reverse("people:detail", args=[recorded_child.pk]) in page
    assert "Same date of birth" in page
    # The details travel through the page as hidden inputs, dates as their three parts.
    assert 'type="hidden" name="given_name" value="Maisy"' in page
    assert 'type="hidden" name="date_of_birth_2" value="2017"' in page
    assert "This is a new person — create the record" in page
    checked = AuditEvent.objects.get(object_type="people.duplicate_check")
    assert checked.detail["ids"] == [recorded_child.pk]

    response = client.post(CREATE, {**form, "confirm_new": "1"})
    created = Person.objects.get(given_name="Maisy")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[created.pk])
    assert Person.objects.count() == before[0] + 1
    change = PersonChange.objects.get(person=created)
    assert recorded_child.la_child_id in change.reason


def test_changing_the_details_from_the_duplicates_page_keeps_them(
    client_for, personas, recorded_child
):
    form = person_form(
        given_name="Maisy", family_name="Okafor", date_of_birth=recorded_child.date_of_birth
    )
    response = client_for(personas["allocated_worker"]).post(CREATE, {**form, "change": "1"})
    page = response.content.decode()
    assert "Add a person" in page
    assert 'value="Maisy"' in page
    assert "There is a problem" not in page
    assert not Person.objects.filter(given_name="Maisy").exists()


def test_the_confirmation_checks_the_details_again(client_for, personas, recorded_child):
    form = person_form(
        given_name="Maisy",
        family_name="Okafor",
        date_of_birth=recorded_child.date_of_birth,
        nhs_number="9434765918",
    )
    before = counts()
    response = client_for(personas["allocated_worker"]).post(CREATE, {**form, "confirm_new": "1"})
    assert "This is not a valid NHS number" in response.content.decode()
    assert counts() == before


def valid_upn_for_test() -> str:
    from kinfold.people.validators import upn_check_letter

    body = "801200001001"
    return upn_check_letter(body) + body


def _wrong_upn() -> str:
    good = valid_upn_for_test()
    wrong = next(letter for letter in "ABCDEFGHJKLMNPQRTUVWXYZ" if letter != good[0])
    return wrong + good[1:]


TODAY = timezone.localdate()
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))
BAD_INPUT = [
    ({"nhs_number": "943 476 5918"}, "nhs_number", "This is not a valid NHS number"),
    ({"nhs_number": "12345"}, "nhs_number", "An NHS number is 10 digits"),
    # The NHS example number in Arabic-Indic digits.
    ({"nhs_number": "943 476 5919".translate(ARABIC_INDIC)}, "nhs_number", "is 10 digits"),
    ({"address_postcode": "CB\u0663 \u0660AP"}, "address_postcode", "Enter a real postcode"),
    ({"upn": _wrong_upn()}, "upn", "The UPN&#x27;s check letter does not match"),
    ({"upn": "12345"}, "upn", "A UPN is 13 characters"),
    ({"former_upn": "X8012000010"}, "former_upn", "A UPN is 13 characters"),
    ({"address_postcode": "QQ1 1QQ"}, "address_postcode", "Enter a real postcode"),
    (
        {"address_postcode": ""},
        "address_postcode",
        "Enter the postcode, or leave the whole address blank",
    ),
    (
        {"date_of_birth": dt.date(2019, 8, 3), "date_of_death": dt.date(2019, 8, 2)},
        "date_of_death",
        "Date of death must be on or after the date of birth",
    ),
    (
        {"date_of_birth": TODAY + dt.timedelta(days=1)},
        "date_of_birth",
        "Date of birth must be today or in the past",
    ),
    (
        {"date_of_birth": None, "expected_date_of_birth": TODAY - dt.timedelta(days=1)},
        "expected_date_of_birth",
        "Expected date of birth is in the past",
    ),
    (
        {"expected_date_of_birth": TODAY + dt.timedelta(days=30)},
        "expected_date_of_birth",
        "Remove the expected date of birth once the child is born",
    ),
    (
        {"date_of_birth": None},
        "date_of_birth",
        "Enter a date of birth, or an expected date of birth",
    ),
    (
        {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2019"},
        "date_of_birth",
        "The date of birth must be a real date",
    ),
    (
        {"date_of_birth_0": "3", "date_of_birth_1": "", "date_of_birth_2": "2019"},
        "date_of_birth",
        "The date of birth must include a month",
    ),
    (
        {"date_of_birth_0": "3", "date_of_birth_1": "8", "date_of_birth_2": "19"},
        "date_of_birth",
        "The year of the date of birth must include 4 numbers",
    ),
    ({"given_name": "", "family_name": ""}, "given_name", "Enter a given name or a family name"),
    ({"given_name": "T" * 101}, "given_name", "Given name must be 100 characters or fewer"),
    (
        {"address_line_1": "9" * 121},
        "address_line_1",
        "Address line 1 must be 120 characters or fewer",
    ),
    ({"ethnicity": "XXXX"}, "ethnicity", "Choose the ethnicity from the list"),
    ({"sex": "Q"}, "sex", "Choose the sex from the list"),
    ({"disabilities": ["MOB", "WINGS"]}, "disabilities", "Choose disabilities from the list"),
    (
        {"disabilities": ["NONE", "MOB"]},
        "disabilities",
        "Choose &#x27;No disability&#x27; or the disabilities they have, not both",
    ),
]


def _spread(overrides: dict) -> dict:
    """Overrides whose keys are already input names (date parts) pass through."""
    named = {k: v for k, v in overrides.items() if k[-2:] in ("_0", "_1", "_2")}
    return {**person_form(**{k: v for k, v in overrides.items() if k not in named}), **named}


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_beside_the_field_and_saves_nothing(
    client_for, personas, overrides, field, message
):
    before = counts()
    response = client_for(personas["allocated_worker"]).post(CREATE, _spread(overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert counts() == before
    assert "There is a problem" in page  # the GOV.UK error summary
    start = page.index('class="govuk-error-summary"')
    end = page.index("</ul>", start)
    summary, body = page[start:end], page[end:]
    assert message in summary
    assert f'href="#id_{field}' in summary
    assert message in body  # and beside the field
    assert "govuk-error-message" in body


def test_a_performance_officer_cannot_add_a_person(client_for, personas):
    client = client_for(personas["performance_officer"])
    before = counts()
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, person_form())
    assert response.status_code == 403
    assert "You cannot change records" in response.content.decode()
    assert counts() == before


# ---- the record page -----------------------------------------------------------------------


def test_the_record_shows_age_relationships_allocation_and_is_audited(client_for, personas, child):
    AddressFactory(person=child, line_1="7 Sedge Row", postcode="PE13 2AB")
    PersonName.objects.create(
        person=child, kind="birth", given_name="Maisie", family_name="Adeyemi"
    )
    url = reverse("people:detail", args=[child.pk])
    response = client_for(personas["allocated_worker"]).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "14 May 2017" in page
    assert f"(age {child.age_display()})" in page
    assert "Grace Okafor" in page and "Parent" in page
    assert reverse("people:detail", args=[child.mother.pk]) in page
    assert "Maisie Adeyemi" in page and "name at birth" in page
    assert "7 Sedge Row" in page and "PE13 2AB" in page
    assert personas["allocated_worker"].get_full_name() in page
    assert "North children&#x27;s team" in page
    assert reverse("people:edit", args=[child.pk]) in page
    assert reverse("people:history", args=[child.pk]) in page
    assert reverse("access:person-audit", args=[child.pk]) not in page  # not an administrator
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(child.pk))
    assert event.worker == personas["allocated_worker"]
    assert event.detail["path"] == url


def test_an_administrator_sees_links_to_the_audit_and_restriction_pages(
    client_for, personas, child
):
    page = client_for(personas["admin"]).get(reverse("people:detail", args=[child.pk]))
    page = page.content.decode()
    assert reverse("access:person-audit", args=[child.pk]) in page
    assert reverse("access:restriction", args=[child.pk]) in page


def test_a_past_relationship_is_shown_apart_from_current_ones(client_for, personas, child):
    ended = timezone.localdate() - dt.timedelta(days=3)
    child.relationships.update(end_date=ended)
    page = client_for(personas["allocated_worker"]).get(reverse("people:detail", args=[child.pk]))
    page = page.content.decode()
    assert "No current relationships are recorded" in page
    assert "Past relationships (1)" in page
    assert "Grace Okafor" in page


def test_a_worker_of_another_team_cannot_see_the_record(client_for, personas, child):
    response = client_for(personas["other_team_worker"]).get(
        reverse("people:detail", args=[child.pk])
    )
    assert response.status_code == 403
    assert "Maisie" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, object_id=str(child.pk)).exists()


# ---- editing -------------------------------------------------------------------------------


def edit_form(person: Person, **overrides) -> dict:
    form = person_form(
        given_name=person.given_name,
        family_name=person.family_name,
        preferred_name=person.preferred_name,
        date_of_birth=person.date_of_birth,
        expected_date_of_birth=person.expected_date_of_birth,
        date_of_death=person.date_of_death,
        sex=person.sex,
        gender=person.gender,
        ethnicity=person.ethnicity,
        first_language=person.first_language,
        religion=person.religion,
        immigration_status=person.immigration_status,
        nhs_number=person.nhs_number,
        upn=person.upn,
        former_upn=person.former_upn,
        disabilities=list(person.disabilities.values_list("code", flat=True)),
    )
    for name in list(form):
        if name.startswith("address_"):
            del form[name]
    form["version"] = str(person.version)
    form["reason"] = ""
    return {**form, **overrides}


def test_the_edit_page_starts_from_the_saved_details_and_version(client_for, personas, child):
    page = client_for(personas["allocated_worker"]).get(reverse("people:edit", args=[child.pk]))
    page = page.content.decode()
    assert 'name="given_name" value="Maisie"' in page
    assert 'name="date_of_birth_0" value="14"' in page
    assert 'type="hidden" name="version" value="1"' in page
    assert 'name="address_line_1"' not in page


def test_an_edit_saves_the_change_with_its_history(client_for, personas, child):
    worker = personas["allocated_worker"]
    client = client_for(worker)
    form = edit_form(
        child,
        family_name="Okafor-Bennett",
        ethnicity="MWBA",
        disabilities=["COMM"],
        reason="Birth certificate seen",
    )
    response = client.post(reverse("people:edit", args=[child.pk]), form)
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.family_name, child.ethnicity, child.version) == ("Okafor-Bennett", "MWBA", 2)
    change = PersonChange.objects.get(person=child)
    assert change.version == 2
    assert change.changes == {
        "family_name": ["Okafor", "Okafor-Bennett"],
        "ethnicity": ["NOBT", "MWBA"],
        "disabilities": ["", "COMM"],
    }
    assert change.reason == "Birth certificate seen"
    assert PersonNameKey.objects.filter(person=child, token="bennett").exists()

    page = client.get(reverse("people:history", args=[child.pk])).content.decode()
    assert "Details changed" in page
    assert "Birth certificate seen" in page
    assert "Information not yet obtained" in page and "White and Black African" in page
    assert "Okafor-Bennett" in page and "Communication" in page
    assert worker.get_full_name() in page


def test_saving_without_a_change_saves_nothing(client_for, personas, child):
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:edit", args=[child.pk]), edit_form(child), follow=True
    )
    assert "You did not change anything" in response.content.decode()
    child.refresh_from_db()
    assert child.version == 1
    assert not PersonChange.objects.filter(person=child).exists()


def test_an_edit_from_an_older_version_is_refused_showing_what_changed(client_for, personas, child):
    mine = client_for(personas["allocated_worker"])
    theirs = client_for(personas["team_manager"])
    url = reverse("people:edit", args=[child.pk])
    opened = edit_form(child)  # both open the page at version 1
    theirs.post(url, {**opened, "family_name": "Okafor-Reid", "reason": "Mother remarried"})

    response = mine.post(url, {**opened, "ethnicity": "BAFR"})
    page = response.content.decode()
    assert response.status_code == 200
    manager = personas["team_manager"].get_full_name()
    assert "There is a problem" in page
    assert f"This record was changed by {manager} at" in page
    assert 'href="#changed-since"' in page and 'id="changed-since"' in page
    assert "since you opened it" in page
    assert "Okafor → Okafor-Reid" in page
    assert "Mother remarried" in page
    assert '<option value="BAFR" selected>' in page  # what I entered is kept
    assert 'type="hidden" name="version" value="2"' in page
    child.refresh_from_db()
    assert (child.family_name, child.ethnicity, child.version) == ("Okafor-Reid", "NOBT", 2)
    assert PersonChange.objects.filter(person=child).count() == 1

    # Saving again, at the version shown, is a deliberate choice over their change.
    response = mine.post(url, {**opened, "ethnicity": "BAFR", "version": "2"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.family_name, child.ethnicity, child.version) == ("Okafor", "BAFR", 3)


def test_bad_input_on_edit_saves_nothing(client_for, personas, child):
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:edit", args=[child.pk]),
        {**edit_form(child), **date_fields("date_of_death", dt.date(2016, 1, 1))},
    )
    assert "Date of death must be on or after the date of birth" in response.content.decode()
    child.refresh_from_db()
    assert child.date_of_death is None and child.version == 1
    assert not PersonChange.objects.exists()


def test_a_worker_of_another_team_cannot_edit_the_child(client_for, personas, child):
    client = client_for(personas["other_team_worker"])
    url = reverse("people:edit", args=[child.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, edit_form(child, family_name="Changed"))
    assert response.status_code == 403
    child.refresh_from_db()
    assert child.family_name == "Okafor" and child.version == 1


def test_a_performance_officer_can_read_but_not_edit(client_for, personas, child):
    client = client_for(personas["performance_officer"])
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 200
    response = client.post(
        reverse("people:edit", args=[child.pk]), edit_form(child, family_name="Changed")
    )
    assert response.status_code == 403
    child.refresh_from_db()
    assert child.family_name == "Okafor"


# ---- names and addresses -------------------------------------------------------------------


def test_an_alias_is_added_recorded_and_searchable(client_for, personas, child):
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:add-name", args=[child.pk]),
        {
            "kind": "alias",
            "given_name": "Mazzy",
            "family_name": "",
            **date_fields("from_date", dt.date(2023, 9, 1)),
            **date_fields("to_date", None),
        },
    )
    assert response.status_code == 302
    name = PersonName.objects.get(person=child)
    assert (name.kind, name.given_name, name.from_date) == ("alias", "Mazzy", dt.date(2023, 9, 1))
    change = PersonChange.objects.get(person=child)
    assert change.what == "name added"
    assert "Mazzy" in change.changes["other_name"][1]
    assert PersonNameKey.objects.filter(person=child, token="mazzy", is_current=False).exists()
    child.refresh_from_db()
    assert child.version == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "alias"}, "Enter a given name or a family name"),
        ({"kind": "nickname", "given_name": "Mazzy"}, "Choose the kind of name from the list"),
        (
            {
                "kind": "previous",
                "family_name": "Adeyemi",
                **date_fields("from_date", dt.date(2020, 1, 1)),
                **date_fields("to_date", dt.date(2019, 1, 1)),
            },
            "The end date must be on or after the start date",
        ),
    ],
)
def test_a_bad_name_saves_nothing(client_for, personas, child, data, message):
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:add-name", args=[child.pk]), data
    )
    assert message in response.content.decode()
    assert not PersonName.objects.exists()
    assert not PersonChange.objects.exists()


def address_form(from_date, to_date=None, **overrides) -> dict:
    return {
        "line_1": "22 Wash Road",
        "line_2": "",
        "town": "Fenchester",
        "postcode": "PE13 1AA",
        **date_fields("from_date", from_date),
        **date_fields("to_date", to_date),
        **overrides,
    }


def test_a_new_current_address_ends_the_previous_one_the_day_before(client_for, personas, child):
    old = AddressFactory(person=child, from_date=dt.date(2020, 1, 1))
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:add-address", args=[child.pk]), address_form(dt.date(2024, 3, 1))
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.to_date == dt.date(2024, 2, 29)
    new = child.addresses.get(to_date__isnull=True)
    assert (new.postcode, new.from_date) == ("PE13 1AA", dt.date(2024, 3, 1))
    change = PersonChange.objects.get(person=child)
    assert change.what == "address added"
    assert "22 Wash Road" in change.changes["address"][1]
    assert change.changes[f"address_ended_{old.pk}"][1].endswith("to 2024-02-29)")
    history = client_for(personas["allocated_worker"]).get(
        reverse("people:history", args=[child.pk])
    )
    assert "Previous address" in history.content.decode()
    assert "29 February 2024" in history.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (address_form(dt.date(2019, 6, 1)), "a new address must start after that"),
        (address_form(dt.date(2024, 1, 1), postcode="SW1A 1AAA"), "Enter a real postcode"),
        (address_form(None), "Enter the date they started living at this address"),
        (
            address_form(dt.date(2024, 1, 1), dt.date(2023, 1, 1)),
            "The end date must be on or after the start date",
        ),
        (address_form(dt.date(2024, 1, 1), line_1=""), "Enter the first line of the address"),
    ],
)
def test_a_bad_address_saves_nothing(client_for, personas, child, data, message):
    old = AddressFactory(person=child, from_date=dt.date(2020, 1, 1))
    response = client_for(personas["allocated_worker"]).post(
        reverse("people:add-address", args=[child.pk]), data
    )
    assert message in response.content.decode()
    assert list(Address.objects.all()) == [old]
    old.refresh_from_db()
    assert old.to_date is None
    assert not PersonChange.objects.exists()
