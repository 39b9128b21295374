"""Adding a person in a browser: a mistyped NHS number and a birth date in the future are
explained beside their fields; once fixed, the likely existing record is shown before saving;
the worker confirms a new person and lands on the new record."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from kinfold.people.models import Person

from .helpers import assert_accessible, error_beside, error_summary, sign_in, summary_value, url

pytestmark = pytest.mark.browser

BAD_NHS = "943 476 5918"  # the check digit of 943 476 5919 changed
GOOD_NHS = "943 476 5919"


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_a_validation_error_is_fixed_then_the_twin_is_added_after_the_duplicate_check(
    live_server, page, personas, password, findable_child
):
    sister = findable_child
    sign_in(page, live_server, personas["allocated_worker"], password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", name="Add a person", level=1)).to_be_visible()
    assert_accessible(page)

    future = dt.date.today() + dt.timedelta(days=2)
    page.get_by_label("Given name").fill("Amara")
    page.get_by_label("Family name").fill("Okafor")
    fill_date(page, "Date of birth", future.day, future.month, future.year)
    page.get_by_role("group", name="Sex").get_by_label("Female", exact=True).check()
    page.get_by_label("NHS number").fill(BAD_NHS)
    page.get_by_label("Address line 1").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Fenchester")
    page.get_by_label("Postcode").fill("CB3 0AP")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_title(re.compile(r"^Add a person - Error"))
    summary = error_summary(page)
    expect(summary).to_contain_text("Date of birth must be today or in the past")
    expect(summary).to_contain_text("This is not a valid NHS number: check the digits")
    expect(error_beside(page, "id_date_of_birth_0")).to_have_text(
        re.compile(r"Date of birth must be today or in the past")
    )
    expect(error_beside(page, "id_nhs_number")).to_have_text(
        re.compile(r"This is not a valid NHS number: check the digits")
    )
    # What the worker typed is kept, and nothing is saved.
    expect(page.get_by_label("Given name")).to_have_value("Amara")
    expect(page.get_by_label("NHS number")).to_have_value(BAD_NHS)
    assert not Person.objects.filter(given_name="Amara").exists()
    assert_accessible(page)

    summary.get_by_role("link", name="This is not a valid NHS number: check the digits").click()
    expect(page.get_by_label("NHS number")).to_be_focused()
    page.get_by_label("NHS number").fill(GOOD_NHS)
    born = sister.date_of_birth  # her twin
    fill_date(page, "Date of birth", born.day, born.month, born.year)
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_role("heading", name="Amara Okafor may already have a record", level=1)
    ).to_be_visible()
    possible = page.get_by_role("table", name="Possible existing records, most likely first")
    row = possible.get_by_role("row").filter(has_text=sister.la_child_id)
    expect(row.get_by_role("link", name="Maisie Okafor")).to_be_visible()
    expect(row).to_contain_text("Same date of birth")
    assert not Person.objects.filter(given_name="Amara").exists()
    assert_accessible(page)

    page.get_by_role("button", name="This is a new person — create the record").click()
    amara = Person.objects.get(given_name="Amara", family_name="Okafor")
    expect(page).to_have_url(url(live_server, "people:detail", amara.pk))
    expect(
        page.get_by_text(f"Amara Okafor was added (LA child ID {amara.la_child_id})")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
    expect(summary_value(page, "Date of birth")).to_contain_text(born.strftime("%-d %B %Y"))
    expect(summary_value(page, "NHS number")).to_contain_text(re.compile(r"943 ?476 ?5919"))
    assert amara.nhs_number == "9434765919"
    assert amara.date_of_birth == born
    assert_accessible(page)
