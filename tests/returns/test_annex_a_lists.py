"""Annex A lists 1 to 3, worked by hand from stored facts, as at 31 March 2025.

List 1 covers the six months 01/10/2024 to 31/03/2025; lists 2 and 3 the twelve months
01/04/2024 to 31/03/2025 (both days included).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kinfold.returns.periods import months_back, months_to
from kinfold.workforce.models import AllocationRole
from tests.factories import AllocationFactory, OrgUnitFactory, PersonFactory, WorkerFactory
from tests.returns.conftest import AS_AT
from tests.returns.helpers import built, headers, rows

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def amara(org):
    return PersonFactory(
        given_name="Amara",
        family_name="Osei",
        sex="F",
        ethnicity="BAFR",
        date_of_birth=D(2017, 5, 14),
    )


# ---- periods --------------------------------------------------------------------------------


def test_six_months_to_the_end_of_march_begin_on_the_first_of_october():
    window = months_to(AS_AT, 6)
    assert (window.start, window.end) == (D(2024, 10, 1), D(2025, 3, 31))


def test_a_month_without_the_day_ends_at_its_last_day():
    assert months_back(D(2024, 8, 31), 6) == D(2024, 2, 29)
    assert months_back(D(2025, 8, 31), 6) == D(2025, 2, 28)
    assert months_to(D(2025, 8, 31), 6).start == D(2025, 3, 1)


# ---- list 1: contacts -----------------------------------------------------------------------


def test_contacts_on_the_first_and_last_day_are_in_the_day_before_is_not(amara, make_contact):
    make_contact(D(2024, 9, 30), amara, source="6")  # the day before the six months
    make_contact(D(2024, 10, 1), amara, source="6")
    make_contact(D(2025, 3, 31), amara, source="3B")
    book, result, _ = built(AS_AT, lists=[1])
    listed = rows(book, "List 1")
    assert [(r[5], r[6]) for r in listed] == [
        (D(2024, 10, 1), "q) 6: Police"),
        (D(2025, 3, 31), "h) 3B: Health services"),
    ]
    assert result.summary == {"List 1": 2}
    assert result.problems == []


def test_a_contact_about_two_children_is_a_row_for_each(amara, make_contact):
    brother = PersonFactory(sex="M", ethnicity="BAFR", date_of_birth=D(2014, 1, 2))
    make_contact(D(2025, 1, 10), amara, brother)
    book, _, _ = built(AS_AT, lists=[1])
    listed = rows(book, "List 1")
    assert sorted(r[0] for r in listed) == sorted([amara.la_child_id, brother.la_child_id])
    assert {r[0]: (r[1], r[4]) for r in listed}[brother.la_child_id] == ("a) Male", 11)


def test_a_merged_childs_contact_is_listed_under_the_record_kept(amara, make_contact):
    retired = PersonFactory(merged_into=amara, sex="U", ethnicity="NOBT")
    make_contact(D(2025, 2, 1), retired)
    book, _, _ = built(AS_AT, lists=[1])
    assert [r[:3] for r in rows(book, "List 1")] == [[amara.la_child_id, "b) Female", "o) BAFR"]]


def test_an_unmatched_child_is_listed_and_is_a_problem(make_contact):
    contact = make_contact(
        D(2025, 2, 3),
        source="6",
        supplied={"given_name": "Kit", "family_name": "Varga", "date_of_birth": "2016-04-01"},
    )
    book, result, _ = built(AS_AT, lists=[1])
    assert rows(book, "List 1") == [
        [None, None, None, D(2016, 4, 1), 8, D(2025, 2, 3), "q) 6: Police"]
    ]
    [problem] = result.problems
    assert problem.reference == contact.reference
    assert problem.column == "Child Unique ID"
    assert "not been matched" in problem.reason


def test_an_unborn_child_has_no_date_of_birth_or_age(make_contact):
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=D(2025, 6, 1), sex="U")
    make_contact(D(2025, 3, 1), unborn, source="3B")
    book, result, _ = built(AS_AT, lists=[1])
    assert rows(book, "List 1")[0][:5] == [
        unborn.la_child_id,
        "c) Not stated/recorded",
        "t) NOBT",
        None,
        None,
    ]
    assert result.problems == []


# ---- the child in lists 1 and 3 -------------------------------------------------------------


def test_a_child_contacted_then_referred_appears_in_lists_1_and_3(
    amara, make_contact, make_referral, org
):
    """A school's contact on 10/02/2025, then a referral on 12/02/2025 allocated the next day.
    Two earlier referrals: 11/02/2024 (a year and a day before: not counted for February 2025)
    and 12/02/2024 (a year before to the day: counted); and one on 20/06/2024 that closed on
    01/07/2024 with no assessment (no further action)."""
    team = org["north_assessment"]
    worker = WorkerFactory(first_name="Priya", last_name="Shah", team=team)
    make_contact(D(2025, 2, 10), amara, source="2A")
    earliest = make_referral(amara, D(2024, 2, 11), team, ended_on=D(2024, 3, 30))
    make_referral(amara, D(2024, 2, 12), team, involvement=earliest.involvement)
    make_referral(amara, D(2024, 6, 20), team, source="3A", ended_on=D(2024, 7, 1))
    make_referral(amara, D(2025, 2, 12), team, source="2A")
    AllocationFactory(
        person=amara,
        worker=worker,
        team=team,
        role=AllocationRole.SOCIAL_WORKER,
        start_date=D(2025, 2, 13),
    )

    book, result, _ = built(AS_AT)

    child = [amara.la_child_id, "b) Female", "o) BAFR", D(2017, 5, 14)]
    assert rows(book, "List 1") == [[*child, 7, D(2025, 2, 10), "e) 2A: Schools"]]
    assert rows(book, "List 3") == [
        # 20/06/2024: 7 years old; both February 2024 referrals within the year before; closed
        # with nothing after it; nobody allocated while it was open.
        [
            *child,
            7,
            D(2024, 6, 20),
            "g) 3A: Health services",
            "a) Yes",
            2,
            "North assessment team",
            "Unallocated",
        ],
        # 12/02/2025: still 7 (her birthday is in May); 12/02/2024 and 20/06/2024 count,
        # 11/02/2024 does not.
        [
            *child,
            7,
            D(2025, 2, 12),
            "e) 2A: Schools",
            "b) No",
            2,
            "North assessment team",
            "Priya Shah",
        ],
    ]
    assert result.summary == {"List 1": 1, "List 2": 0, "List 3": 2}
    assert result.problems == []


def test_an_assessment_after_the_referral_means_it_was_not_nfa(amara, make_referral, org, personas):
    from kinfold.assessments.models import Assessment

    team = org["north_assessment"]
    referral = make_referral(amara, D(2024, 9, 2), team, ended_on=D(2024, 11, 29))
    Assessment.objects.create(
        person=amara,
        referral=referral,
        involvement=referral.involvement,
        team=team,
        social_worker=personas["allocated_worker"],
        clock_from=D(2024, 9, 2),
        started_on=D(2024, 9, 3),
        due_on=D(2024, 11, 4),
        completed_on=D(2024, 11, 1),
        outcome="nfa",
    )
    book, _, _ = built(AS_AT, lists=[3])
    assert rows(book, "List 3")[0][7] == "b) No"


def test_an_episode_that_closed_after_the_as_at_date_was_still_open_then(amara, make_referral, org):
    make_referral(amara, D(2025, 3, 3), org["north_assessment"], ended_on=D(2025, 4, 10))
    book, _, _ = built(AS_AT, lists=[3])
    assert rows(book, "List 3")[0][7] == "b) No"


# ---- list 2: early help ---------------------------------------------------------------------


def test_early_help_begun_before_the_period_and_still_open_is_listed(amara, make_episode, police):
    """Begun 06/01/2024 (before the twelve months), led by the police, open on 31/03/2025."""
    make_episode(
        amara,
        D(2024, 1, 6),
        lead_organisation=police,
        lead_name="PC Dana Reyes",
    )
    book, result, _ = built(AS_AT, lists=[2])
    assert rows(book, "List 2") == [
        [
            amara.la_child_id,
            "b) Female",
            "o) BAFR",
            D(2017, 5, 14),
            6,  # on 06/01/2024
            D(2024, 1, 6),
            None,
            "Fenshire Police",
        ]
    ]
    assert result.problems == []


def test_early_help_in_and_out_of_the_twelve_months(amara, make_episode, personas, org):
    worker = personas["allocated_worker"]  # in the north children's team since 2020
    make_episode(amara, D(2023, 9, 1), ended_on=D(2024, 3, 31), lead_worker=worker)  # before
    make_episode(amara, D(2024, 4, 1), ended_on=D(2024, 9, 30), lead_worker=worker)
    make_episode(amara, D(2025, 1, 15), ended_on=D(2025, 4, 2), lead_worker=worker)
    book, _, _ = built(AS_AT, lists=[2])
    assert [r[5:] for r in rows(book, "List 2")] == [
        [D(2024, 4, 1), D(2024, 9, 30), org["north_childrens"].name],
        # Ended after the as-at date: open on it, so no completion date.
        [D(2025, 1, 15), None, org["north_childrens"].name],
    ]


def test_early_help_without_a_lead_names_the_team_holding_it(amara, make_episode, org, settings):
    """Waiting for a lead on the as-at date: the team holding the episode (the hub) is the
    organisation, not a gap. One whose lead was found after the as-at date reads the same; one
    held by no team names the local authority."""
    hub = OrgUnitFactory(name="Early Help Hub", parent=org["la"])
    unheld = PersonFactory(date_of_birth=D(2016, 1, 1))
    later = PersonFactory(date_of_birth=D(2015, 1, 1))
    make_episode(amara, D(2025, 3, 20), team=hub)
    make_episode(
        later,
        D(2025, 3, 10),
        team=hub,
        lead_worker=WorkerFactory(),
        lead_since=D(2025, 4, 2),
    )
    make_episode(unheld, D(2025, 3, 25))
    book, result, _ = built(AS_AT, lists=[2])
    assert {r[0]: r[7] for r in rows(book, "List 2")} == {
        amara.la_child_id: "Early Help Hub",
        later.la_child_id: "Early Help Hub",
        unheld.la_child_id: settings.LA_NAME,
    }
    assert result.problems == []


# ---- the workbook ---------------------------------------------------------------------------

# Transcribed from the liia-tools Annex A schema (liiatools/annex_a_pipeline/spec/
# Annex_A_schema.yml, column_map, lists 1 to 3), in its order.
SCHEMA_HEADERS = {
    "List 1": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ],
    "List 2": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    "List 3": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
}
# The schema's coded values (its "code"s), with its one slip corrected: it letters NOBT "s)".
SCHEMA_GENDERS = {"a) Male", "b) Female", "c) Not stated/recorded", "d) Neither"}
SCHEMA_SOURCES = {
    "a) 1A: Individual",
    "b) 1B: Individual",
    "c) 1C: Individual",
    "d) 1D: Individual",
    "e) 2A: Schools",
    "f) 2B: Education services",
    "g) 3A: Health services",
    "h) 3B: Health services",
    "i) 3C: Health services",
    "j) 3D: Health services",
    "k) 3E: Health services",
    "l) 3F: Health services",
    "m) 4: Housing",
    "n) 5A: LA services",
    "o) 5B: LA services",
    "p) 5C: LA services",
    "p1) 5D: LA services",
    "q) 6: Police",
    "r) 7: Other legal agency",
    "s) 8: Other",
    "t) 9: Anonymous",
    "u) 10: Unknown",
}


def test_one_sheet_per_list_with_the_schemas_headers(db):
    book, _, _ = built(AS_AT)
    assert book.sheetnames == ["List 1", "List 2", "List 3"]
    for sheet, expected in SCHEMA_HEADERS.items():
        assert headers(book, sheet) == expected


def test_coded_values_are_the_schemas():
    from kinfold.front_door.codes import ReferralSource
    from kinfold.people.codes import Ethnicity
    from kinfold.returns.annex_a.common import ETHNICITY, GENDER, SOURCE

    assert set(GENDER.values()) <= SCHEMA_GENDERS
    assert set(SOURCE.values()) == SCHEMA_SOURCES
    assert set(SOURCE) == set(ReferralSource.values)
    assert set(ETHNICITY) == set(Ethnicity.values)
    assert ETHNICITY["WBRI"] == "a) WBRI" and ETHNICITY["REFU"] == "s) REFU"


def test_dates_are_shown_day_month_year(amara, make_contact):
    make_contact(D(2025, 1, 10), amara)
    book, _, _ = built(AS_AT, lists=[1])
    sheet = book["List 1"]
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["F2"].number_format == "dd/mm/yyyy"
    assert sheet["A2"].number_format == "General"  # the child's id is text


def test_headers_are_bold_frozen_and_wide_enough(amara, make_contact):
    make_contact(D(2025, 1, 10), amara)
    book, _, _ = built(AS_AT, lists=[1])
    sheet = book["List 1"]
    assert sheet["A1"].value == "Child Unique ID"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == len("Child Unique ID") + 2
    assert sheet.column_dimensions["B"].width == 14  # "Gender": the narrowest is 14


def test_progress_counts_every_row(amara, make_contact, make_episode, police):
    make_contact(D(2025, 1, 10), amara)
    make_contact(D(2025, 1, 11), amara)
    make_episode(amara, D(2025, 1, 6), lead_organisation=police, lead_name="A Lee")
    _, _, calls = built(AS_AT)
    assert calls[0] == (0, 3)
    assert calls[-1] == (3, 3)
    assert [d for d, _ in calls] == [0, 1, 2, 3]
