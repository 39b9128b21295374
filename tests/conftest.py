"""Shared fixtures: the organisation, personas (one per role the access rules distinguish),
and a child allocated in one team, related to a parent.

Personas: allocated worker, team manager, worker in another team, IRO, administrator,
performance officer, contact officer.
"""

import datetime as dt

import pytest
from django.test import Client

from kinfold.people.codes import RelationshipType
from kinfold.people.models import Relationship
from kinfold.workforce.models import OrgUnit, Role, UnitFunction, UnitKind
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    OrgUnitFactory,
    PersonFactory,
    WorkerFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the front door's monthly figures are cached)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _settings_for_tests(settings):
    settings.DEMO_MODE = True  # the second factor is tested on its own, with DEMO_MODE off
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def org(db):
    la = OrgUnit.objects.create(
        name="Fenshire", kind=UnitKind.AUTHORITY, function=UnitFunction.DIRECTORATE
    )
    north = OrgUnit.objects.create(
        name="North district",
        kind=UnitKind.SERVICE,
        function=UnitFunction.DISTRICT,
        parent=la,
        district="North",
    )
    south = OrgUnit.objects.create(
        name="South district",
        kind=UnitKind.SERVICE,
        function=UnitFunction.DISTRICT,
        parent=la,
        district="South",
    )
    safeguarding = OrgUnit.objects.create(
        name="Safeguarding and reviewing",
        kind=UnitKind.SERVICE,
        function=UnitFunction.SAFEGUARDING_REVIEWING,
        parent=la,
    )
    return {
        "la": la,
        "north": north,
        "south": south,
        "north_childrens": OrgUnitFactory(name="North children's team", parent=north),
        "north_assessment": OrgUnitFactory(
            name="North assessment team", parent=north, function=UnitFunction.ASSESSMENT
        ),
        "south_childrens": OrgUnitFactory(name="South children's team", parent=south),
        "iro_team": OrgUnitFactory(
            name="Reviewing officers",
            parent=safeguarding,
            function=UnitFunction.SAFEGUARDING_REVIEWING,
        ),
        "performance": OrgUnitFactory(
            name="Performance and quality",
            parent=la,
            function=UnitFunction.PERFORMANCE_QUALITY,
        ),
    }


@pytest.fixture
def personas(org):
    return {
        "allocated_worker": WorkerFactory(username="allocated", team=org["north_childrens"]),
        "team_manager": WorkerFactory(
            username="manager", role=Role.TEAM_MANAGER, team=org["north_childrens"]
        ),
        "other_team_worker": WorkerFactory(username="other", team=org["south_childrens"]),
        "iro": WorkerFactory(username="iro", role=Role.IRO, team=org["iro_team"]),
        "admin": WorkerFactory(
            username="admin", role=Role.ADMINISTRATOR, swe_registration="", team=org["performance"]
        ),
        "performance_officer": WorkerFactory(
            username="perf",
            role=Role.PERFORMANCE_OFFICER,
            swe_registration="",
            team=org["performance"],
        ),
        "contact_officer": WorkerFactory(
            username="contact",
            role=Role.CONTACT_OFFICER,
            swe_registration="",
            team=org["north_assessment"],
        ),
    }


@pytest.fixture
def child(org, personas):
    """A child allocated to the allocated worker in the north children's team, with a mother."""
    kid = PersonFactory(
        given_name="Maisie", family_name="Okafor", sex="F", date_of_birth=dt.date(2017, 5, 14)
    )
    AllocationFactory(person=kid, worker=personas["allocated_worker"], team=org["north_childrens"])
    mother = PersonFactory(
        given_name="Grace", family_name="Okafor", date_of_birth=dt.date(1990, 2, 1)
    )
    a = Relationship.objects.create(person=mother, other=kid, type=RelationshipType.PARENT)
    b = Relationship.objects.create(
        person=kid, other=mother, type=RelationshipType.CHILD, reciprocal=a
    )
    Relationship.objects.filter(pk=a.pk).update(reciprocal=b)
    kid.mother = mother
    return kid


@pytest.fixture
def client_for():
    """A signed-in test client for a persona."""

    def make(worker) -> Client:
        c = Client()
        c.force_login(worker)
        return c

    return make


@pytest.fixture
def password():
    return PASSWORD
