"""The front door's world: the Integrated Front Door teams, a MASH practitioner, a front door
manager, the north district's postcodes, partner agencies, and two siblings not known to
children's social care (one living in the north district)."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfold.front_door.codes import AgencyKind, Consent, ContactMethod, ReferralSource
from kinfold.front_door.models import DistrictArea, PartnerOrganisation, ThresholdLevel
from kinfold.front_door.services import ContactDetails
from kinfold.workforce.models import Role, UnitFunction, UnitKind
from tests.factories import AddressFactory, OrgUnitFactory, PersonFactory, WorkerFactory


@pytest.fixture
def front_door(org):
    service = OrgUnitFactory(
        name="Integrated Front Door",
        parent=org["la"],
        kind=UnitKind.SERVICE,
        function=UnitFunction.FRONT_DOOR,
    )
    mash = OrgUnitFactory(name="MASH", parent=service, function=UnitFunction.MASH)
    hub = OrgUnitFactory(
        name="Early Help Hub", parent=service, function=UnitFunction.EARLY_HELP_HUB
    )
    DistrictArea.objects.create(postcode_district="FN1", district=org["north"])
    return {
        "service": service,
        "mash": mash,
        "hub": hub,
        "mash_worker": WorkerFactory(
            username="mashworker", role=Role.MASH_PRACTITIONER, swe_registration="", team=mash
        ),
        "manager": WorkerFactory(username="fdmanager", role=Role.TEAM_MANAGER, team=mash),
        "police": PartnerOrganisation.objects.create(
            name="Fenshire Police", kind=AgencyKind.POLICE, referral_source=ReferralSource.POLICE
        ),
        "health": PartnerOrganisation.objects.create(
            name="Fenshire Community Health",
            kind=AgencyKind.HEALTH,
            referral_source=ReferralSource.HEALTH_VISITOR,
        ),
        "levels": {t.level: t for t in ThresholdLevel.objects.all()},
    }


@pytest.fixture
def siblings(org):
    older = PersonFactory(
        given_name="Tobias", family_name="Lindqvist", date_of_birth=dt.date(2015, 3, 2)
    )
    younger = PersonFactory(
        given_name="Freya", family_name="Lindqvist", date_of_birth=dt.date(2019, 8, 20)
    )
    for kid in (older, younger):
        AddressFactory(person=kid, postcode="FN1 4AB", to_date=None)
    return older, younger


@pytest.fixture
def details():
    def make(**overrides) -> ContactDetails:
        values = {
            "received_at": timezone.now() - dt.timedelta(hours=1),
            "method": ContactMethod.PHONE,
            "source": ReferralSource.SCHOOL,
            "concerns": "Both children arrived at school hungry and with bruises on their arms.",
            "consent": Consent.GIVEN,
            "contactor_name": "Designated safeguarding lead",
            "contactor_role": "Primary school",
        }
        values.update(overrides)
        return ContactDetails(**values)

    return make
