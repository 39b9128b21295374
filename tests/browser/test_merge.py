"""An administrator reviews likely duplicates, merges a pair with a reason, and the merge
explains itself afterwards; the retired record's address opens the record kept."""

import re

import pytest
from playwright.sync_api import expect

from kinfold.people.models import Person, PersonMerge
from kinfold.people.search import refresh_search_keys
from tests.factories import AddressFactory, AllocationFactory, PersonFactory

from .helpers import assert_accessible, error_beside, error_summary, sign_in, summary_value, url

pytestmark = pytest.mark.browser

REASON = "Same child: the contact centre misspelt her given name"


@pytest.fixture
def twin_record(findable_child, org, personas):
    """The child recorded twice: a misspelt given name, the same birthday and address, an NHS
    number the first record lacks, and an allocation of its own."""
    retired = PersonFactory(
        given_name="Maisy",
        family_name="Okafor",
        sex="F",
        date_of_birth=findable_child.date_of_birth,
        nhs_number="9434765919",
    )
    AddressFactory(person=retired, postcode="CB3 0AP")
    AllocationFactory(person=retired, worker=personas["team_manager"], team=org["north_childrens"])
    refresh_search_keys(retired)
    return retired


def test_an_administrator_merges_a_likely_duplicate_and_the_merge_explains_itself(
    live_server, page, personas, password, findable_child, twin_record
):
    child, admin = findable_child, personas["admin"]
    sign_in(page, live_server, admin, password)

    page.goto(url(live_server, "people:duplicates"))
    expect(page.get_by_role("heading", name="Likely duplicate records")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(r"^1 likely pair"))
    expect(table).to_contain_text("Same date of birth")
    assert_accessible(page)
    table.get_by_role("link", name=re.compile(r"^Compare and merge")).click()

    expect(page.get_by_role("heading", name="Compare and merge records")).to_be_visible()
    if not page.url.endswith(url(live_server, "people:merge", child.pk, twin_record.pk)):
        page.get_by_role("link", name=f"Keep record {child.la_child_id} instead").click()
    expect(page).to_have_url(url(live_server, "people:merge", child.pk, twin_record.pk))
    expect(page.get_by_role("table", name="The two records side by side")).to_contain_text("Maisy")
    assert_accessible(page)

    # Nothing chosen and no reason: each is asked for beside its question.
    page.get_by_role("button", name="Merge these records").click()
    expect(error_summary(page)).to_contain_text("Choose which given name to keep")
    expect(error_summary(page)).to_contain_text("Enter why these records are the same person")
    expect(error_beside(page, "id_reason")).to_contain_text("Enter why these records")
    assert Person.objects.get(pk=twin_record.pk).merged_into_id is None
    assert_accessible(page)

    page.get_by_role("group", name="Which given name is right?").get_by_label(
        f"Maisie (from {child.la_child_id})"
    ).check()
    page.get_by_role("group", name="Which NHS number is right?").get_by_label(
        re.compile(rf"943 ?476 ?5919 \(from {twin_record.la_child_id}\)")
    ).check()
    page.get_by_label("Why are these records the same person?").fill(REASON)
    page.get_by_role("button", name="Merge these records").click()

    merge = PersonMerge.objects.get()
    expect(page).to_have_url(url(live_server, "people:merge-detail", merge.pk))
    expect(
        page.get_by_text(f"{twin_record.la_child_id} is merged into {child.la_child_id}")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{twin_record.la_child_id} was merged into {child.la_child_id}"
    )
    expect(summary_value(page, "Merged by")).to_have_text(admin.get_full_name())
    expect(summary_value(page, "Why")).to_have_text(REASON)
    chosen = page.get_by_role("table", name=re.compile(r"^Where the records differed"))
    given = chosen.get_by_role("row", name=re.compile(r"^Given name"))
    expect(given.locator("td")).to_have_text(["Maisie", child.la_child_id, "Maisy"])
    nhs = chosen.get_by_role("row", name=re.compile(r"^NHS number"))
    expect(nhs.locator("td").nth(1)).to_have_text(twin_record.la_child_id)
    moved = page.locator("h2:has-text('What moved') + ul")
    expect(moved).to_contain_text("Addresses: 1")
    expect(moved).to_contain_text("Allocations: 1")
    expect(page.get_by_role("main")).to_contain_text("Maisy Okafor")  # kept as another name
    assert_accessible(page)

    page.goto(url(live_server, "people:detail", twin_record.pk))
    expect(page).to_have_url(url(live_server, "people:detail", child.pk))
    expect(
        page.get_by_text("This record was merged: you are seeing the record kept")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maisie Okafor")
    assert_accessible(page)
