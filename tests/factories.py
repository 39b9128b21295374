"""Factories for tests: synthetic people and workers only."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from faker import Faker

from kinfold.people.models import Address, Person
from kinfold.workforce.models import (
    Allocation,
    OrgUnit,
    Role,
    TeamMembership,
    UnitFunction,
    UnitKind,
    Worker,
)

PASSWORD = "correct-horse-battery-staple"
FAKE = Faker("en_GB")


def _plain(name: str) -> str:
    """Names without apostrophes, so that a test may look for a name in a page as typed (an
    apostrophe is escaped in HTML). Names with apostrophes are tested on purpose elsewhere."""
    return name.replace("'", "")


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = UnitKind.TEAM
    function = UnitFunction.CHILDRENS


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"worker{n}")
    first_name = factory.LazyFunction(lambda: _plain(FAKE.first_name()))
    last_name = factory.LazyFunction(lambda: _plain(FAKE.last_name()))
    role = Role.SOCIAL_WORKER
    swe_registration = factory.Sequence(lambda n: f"SW{100000 + n}")
    start_date = dt.date(2020, 1, 6)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if extracted is not None:
            TeamMembership.objects.create(
                worker=self, unit=extracted, start_date=dt.date(2020, 1, 6)
            )
        if create:
            self.save()


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.LazyFunction(lambda: _plain(FAKE.first_name()))
    family_name = factory.LazyFunction(lambda: _plain(FAKE.last_name()))
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 7))
    sex = "F"


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = "12 Mill Lane"
    town = "Fenchester"
    postcode = "CB3 0AP"
    from_date = dt.date(2020, 1, 1)


class AllocationFactory(DjangoModelFactory):
    class Meta:
        model = Allocation

    start_date = dt.date(2024, 1, 8)
