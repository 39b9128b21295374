"""The README's screenshot: a synthetic child's record at 1280x900.

Run with `KINFOLD_SCREENSHOT=1 KINFOLD_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true
.venv/bin/pytest -m browser tests/browser/test_screenshot.py` to rewrite docs/screenshot.png.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kinfold.people import codes
from kinfold.people.models import Person, Relationship
from kinfold.people.search import refresh_search_keys
from kinfold.people.validators import upn_check_letter
from kinfold.workforce.models import AllocationRole
from tests.factories import AddressFactory, AllocationFactory, PersonFactory

from .helpers import assert_accessible, sign_in, url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("KINFOLD_SCREENSHOT") != "1", reason="set KINFOLD_SCREENSHOT=1 to run"
    ),
]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def relate(person, other, kind, back):
    a = Relationship.objects.create(person=person, other=other, type=kind, lives_with=True)
    b = Relationship.objects.create(
        person=other, other=person, type=back, reciprocal=a, lives_with=True
    )
    Relationship.objects.filter(pk=a.pk).update(reciprocal=b)


def test_the_readme_screenshot(live_server, page, personas, password, child, org):
    body = "873210121004"
    Person.objects.filter(pk=child.pk).update(
        nhs_number="9434765919",
        upn=upn_check_letter(body) + body,
        ethnicity=codes.Ethnicity.BAFR,
        first_language=codes.Language.ENG,
        religion=codes.Religion.CHRISTIAN,
    )
    AddressFactory(
        person=child,
        line_1="14 Orchard Close",
        town="Fenchester",
        postcode="CB3 0AP",
        from_date=dt.date(2021, 9, 1),
    )
    AddressFactory(
        person=child.mother,
        line_1="14 Orchard Close",
        town="Fenchester",
        postcode="CB3 0AP",
        from_date=dt.date(2021, 9, 1),
    )
    brother = PersonFactory(
        given_name="Daniel", family_name="Okafor", sex="M", date_of_birth=dt.date(2013, 11, 2)
    )
    relate(brother, child, codes.RelationshipType.SIBLING, codes.RelationshipType.SIBLING)
    AllocationFactory(
        person=child,
        worker=personas["team_manager"],
        team=org["north_childrens"],
        role=AllocationRole.TEAM_MANAGER,
    )
    AllocationFactory(
        person=child, worker=personas["iro"], team=org["iro_team"], role=AllocationRole.IRO
    )
    for person in (child, child.mother, brother):
        refresh_search_keys(person)

    sign_in(page, live_server, personas["allocated_worker"], password)
    page.goto(url(live_server, "people:detail", child.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maisie Okafor")
    assert_accessible(page)
    page.mouse.move(0, 0)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert SCREENSHOT.stat().st_size > 10_000
