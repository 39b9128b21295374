"""Finding a child from the header search box, misspelt: age, allocated worker and team are
shown; a restricted record shows only that it exists and who to ask."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from kinfold.people.search import refresh_search_keys
from tests.factories import PersonFactory

from .helpers import assert_accessible, error_beside, error_summary, sign_in, url

pytestmark = pytest.mark.browser


def years_old(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.fixture
def restricted_namesake(personas):
    """Another Maisie Okafor, born elsewhere and restricted: the team manager decides who sees."""
    person = PersonFactory(
        given_name="Maisie",
        family_name="Okafor",
        sex="F",
        date_of_birth=dt.date(2012, 9, 3),
        restricted=True,
        restriction_reason="Adoption",
        restriction_manager=personas["team_manager"],
    )
    refresh_search_keys(person)
    return person


def test_a_misspelt_name_in_the_header_finds_the_child(
    live_server, page, personas, password, findable_child, restricted_namesake
):
    worker = personas["allocated_worker"]
    sign_in(page, live_server, worker, password)

    page.get_by_role("search", name="Find a person").get_by_label("Find a person").fill(
        "Maisy Okafr"
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/people/\?q=Maisy\+Okafr$"))
    expect(page.get_by_role("heading", name="2 people found")).to_be_visible()

    rows = page.locator("table.govuk-table tbody tr")
    found = rows.filter(has=page.get_by_role("link", name="Maisie Okafor", exact=True))
    expect(found).to_have_count(1)
    cells = found.locator("td")
    expect(cells.nth(0)).to_contain_text(findable_child.la_child_id)
    expect(cells.nth(1)).to_have_text("14 May 2017")
    age = years_old(findable_child.date_of_birth, dt.date.today())
    expect(cells.nth(2)).to_have_text(f"{age} years")
    expect(cells.nth(3)).to_have_text("CB3 0AP")
    expect(cells.nth(4)).to_have_text(worker.get_full_name())
    expect(cells.nth(5)).to_have_text("North children's team")
    link = found.get_by_role("link", name="Maisie Okafor", exact=True)
    expect(link).to_have_attribute("href", f"/people/{findable_child.pk}/")

    hidden = rows.filter(has_text=restricted_namesake.la_child_id)
    expect(hidden).to_have_count(1)
    expect(hidden.get_by_role("link")).to_have_text("Restricted record")
    expect(hidden).to_contain_text("Restricted")
    expect(hidden).to_contain_text(f"ask {personas['team_manager'].get_full_name()}")
    expect(hidden).not_to_contain_text("Maisie")
    expect(hidden).not_to_contain_text("2012")
    assert_accessible(page)


def test_an_empty_search_says_what_to_enter(live_server, page, personas, password):
    sign_in(page, live_server, personas["allocated_worker"], password)
    page.goto(url(live_server, "people:search"))
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name="Search").click()
    message = "Enter a name, date of birth, NHS number, UPN or postcode to search for"
    expect(error_summary(page)).to_contain_text(message)
    expect(error_beside(page, "id_q")).to_contain_text(message)
    error_summary(page).get_by_role("link", name=message).click()
    expect(page.locator("#id_q")).to_be_focused()
    assert_accessible(page)
