"""Early help's world: the front door's (tests/front_door/conftest.py) with the Early Help
Hub's manager and family worker, a school as a partner agency, and a child (with a mother
and a brother) whose early help involvement the front door's sign-off opened."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfold.front_door.codes import AgencyKind, ReferralSource
from kinfold.front_door.models import PartnerOrganisation
from kinfold.journey.models import Involvement
from kinfold.journey.services import open_involvement, run_transition
from kinfold.people.codes import RelationshipType
from kinfold.people.models import Relationship
from kinfold.workforce.models import Role
from tests.factories import AddressFactory, PersonFactory, WorkerFactory
from tests.front_door.conftest import details, front_door, siblings  # noqa: F401


def relate(person, other, kind, back):
    a = Relationship.objects.create(person=person, other=other, type=kind)
    b = Relationship.objects.create(person=other, other=person, type=back, reciprocal=a)
    Relationship.objects.filter(pk=a.pk).update(reciprocal=b)


@pytest.fixture
def hub(front_door):  # noqa: F811
    team = front_door["hub"]
    return {
        "team": team,
        "manager": WorkerFactory(username="hubmanager", role=Role.TEAM_MANAGER, team=team),
        "family_worker": WorkerFactory(
            username="hubworker", role=Role.FAMILY_WORKER, swe_registration="", team=team
        ),
        "school": PartnerOrganisation.objects.create(
            name="Fenbridge Primary School",
            kind=AgencyKind.EDUCATION,
            referral_source=ReferralSource.SCHOOL,
        ),
    }


@pytest.fixture
def family(org):
    child = PersonFactory(
        given_name="Ruby", family_name="Achterberg", date_of_birth=dt.date(2016, 4, 9)
    )
    AddressFactory(person=child, postcode="FN1 2CD", to_date=None)
    mother = PersonFactory(
        given_name="Ingrid", family_name="Achterberg", date_of_birth=dt.date(1988, 1, 3)
    )
    brother = PersonFactory(
        given_name="Milo", family_name="Achterberg", date_of_birth=dt.date(2013, 7, 1)
    )
    relate(mother, child, RelationshipType.PARENT, RelationshipType.CHILD)
    relate(brother, child, RelationshipType.SIBLING, RelationshipType.SIBLING)
    return {"child": child, "mother": mother, "brother": brother}


@pytest.fixture
def early_help(family, hub, personas):
    """The child's early help involvement, as the front door's sign-off opens it: a period at
    the front door 20 days ago, moved on by the transition `front_door.early_help`."""
    officer = personas["contact_officer"]
    started = timezone.localdate() - dt.timedelta(days=20)
    front = open_involvement(
        actor=officer, person=family["child"], stage="front_door", started_on=started
    )
    inv = run_transition(
        actor=officer,
        involvement_id=front.pk,
        name="front_door.early_help",
        on=started,
        reason="Contact: early help",
        team=hub["team"],
    )
    assert isinstance(inv, Involvement)
    return inv
