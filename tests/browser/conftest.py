"""Browser tests: Playwright drives Debian's Chromium (headless) against pytest-django's
live server. Playwright's own browsers are never downloaded.

Every test here is marked `browser` (run them with `make test-browser`). The live server needs a
transactional database: requesting `live_server` makes the shared `db`-based fixtures
(`personas`, `child`...) transactional too.
"""

import os
import shutil
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the main thread; the test's own ORM calls (building
# data, reading it back) are synchronous and safe there. Django reads this on every call.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KINFOLD_CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    # pytest-base-url (a pytest-playwright dependency) defines a session fixture on a class.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods",
    )


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    missing = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: run `make chromium`")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(missing)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        # Containers often give /dev/shm only 64 MB, too little for Chromium's renderer.
        "args": ["--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def findable_child(child):
    """The shared child (Maisie Okafor, allocated in the north children's team) with an address
    and the search keys the person pages keep up to date."""
    from kinfold.people.search import refresh_search_keys
    from tests.factories import AddressFactory

    AddressFactory(person=child, postcode="CB3 0AP")
    refresh_search_keys(child)
    refresh_search_keys(child.mother)
    return child


# The data migrations' rows, each with a question that says whether they are still there.
MIGRATION_DATA = [
    ("timescales", "0002_default_rules", "timescales.Rule", {"code": "referral.decision"}),
    ("front_door", "0002_defaults", "front_door.ThresholdLevel", {}),
    ("quality", "0002_default_rules", "quality.CheckRule", {"code": "action.no_owner"}),
    ("child_in_need", "0002_review_rule", "timescales.Rule", {"code": "cin.review"}),
    ("early_help", "0002_review_rule", "timescales.Rule", {"code": "early_help.review"}),
]


@pytest.fixture
def migration_defaults(db):
    """The rows the data migrations put in: timescale rules, threshold levels, the quality
    checks' rules. A live server's test empties every table after it, so a test run after
    another finds them gone: they are put back here, by the migrations' own functions."""
    from django.apps import apps

    for app, migration, model, marker in MIGRATION_DATA:
        if not apps.get_model(model).objects.filter(**marker).exists():
            import_module(f"kinfold.{app}.migrations.{migration}").seed(apps, None)
