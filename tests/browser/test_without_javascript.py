"""Every page works without JavaScript: sign in, search from the header, open a person."""

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, sign_in, url

pytestmark = pytest.mark.browser


@pytest.fixture
def page_without_js(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_sign_in_search_and_open_a_person_without_javascript(
    live_server, page_without_js, personas, password, findable_child
):
    page = page_without_js
    worker = personas["allocated_worker"]
    sign_in(page, live_server, worker, password)
    # GOV.UK Frontend's script marks the body when it runs; here it must not have run.
    expect(page.locator("body")).not_to_have_class("govuk-frontend-supported")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(0)
    home = page.get_by_role("table", name="Children allocated to you")
    expect(home.get_by_role("link", name="Maisie Okafor")).to_be_visible()
    assert_accessible(page)

    search = page.get_by_role("search", name="Find a person")
    search.get_by_label("Find a person").fill("okafor maisie")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(url(live_server, "people:search") + "?q=okafor+maisie")
    results = page.locator("table.govuk-table")
    expect(results.get_by_role("link", name="Maisie Okafor")).to_have_count(1)
    assert_accessible(page)

    results.get_by_role("link", name="Maisie Okafor").click()
    expect(page).to_have_url(url(live_server, "people:detail", findable_child.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maisie Okafor")
    expect(page.get_by_role("main")).to_contain_text(findable_child.la_child_id)
    assert_accessible(page)

    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
