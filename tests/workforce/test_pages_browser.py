"""The workforce pages in Chromium, with and without JavaScript, checked with axe."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, sign_in, url

pytestmark = pytest.mark.browser


def test_from_the_tree_to_a_team_to_a_worker_and_their_children(
    live_server, page, personas, password, child, org
):
    manager = personas["team_manager"]
    worker = personas["allocated_worker"]
    sign_in(page, live_server, manager, password)

    page.get_by_role("link", name="Teams").click()
    expect(page).to_have_url(url(live_server, "workforce:units"))
    tree = page.get_by_role("table", name="Every unit, with the units below it indented")
    team_row = tree.get_by_role("row").filter(has_text="North children's team")
    # The allocated worker and the manager; one child allocated in the team.
    expect(team_row.get_by_role("cell")).to_have_text(["Children's team", "2", "2.00", "0%", "1"])
    assert_accessible(page)

    team_row.get_by_role("link", name="North children's team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North children's team")
    members = page.get_by_role("table", name="Members")
    assert_accessible(page)

    members.get_by_role("link", name=str(worker)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(worker))
    children = page.get_by_role("table", name="Children whose record you can see")
    expect(children.get_by_role("link", name="Maisie Okafor")).to_be_visible()
    assert_accessible(page)


def test_the_tree_without_javascript(
    live_server, browser, browser_context_args, personas, password, org
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, personas["other_team_worker"], password)
        page.goto(url(live_server, "workforce:units"))
        expect(page.get_by_role("link", name="South children's team")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()
