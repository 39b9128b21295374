"""Every page a worker reaches from the navigation and from a child's record passes axe."""

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, sign_in, url

pytestmark = pytest.mark.browser


def test_the_pages_in_the_navigation_and_a_childs_record_pass_axe(
    live_server, page, personas, password, findable_child
):
    sign_in(page, live_server, personas["admin"], password)
    menu = page.get_by_role("navigation", name="Menu")
    names = [n.strip() for n in menu.get_by_role("link").all_inner_texts()]
    assert {"Home", "Find a person", "Add a person", "Teams", "Audit"} <= set(names)
    for name in names:
        if name == "Sign out":
            continue
        menu.get_by_role("link", name=name, exact=True).click()
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        assert_accessible(page)

    page.goto(url(live_server, "people:detail", findable_child.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maisie Okafor")
    assert_accessible(page)
    actions = page.get_by_role("navigation", name="Record actions")
    for name in ("Relationships", "History of changes", "Who has looked at this record"):
        actions.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        page.go_back()
