"""Child protection's world: Maisie (tests/conftest.py) in a child in need episode of the north
children's team since Monday 5 January 2026, the police and health as partner agencies, and
the clock pinned in May 2026 so that every date of the tests is in the past."""

import datetime as dt

import pytest
import time_machine

from kinfold.child_protection import services
from kinfold.front_door.codes import AgencyKind
from kinfold.front_door.models import PartnerOrganisation
from kinfold.journey.models import Involvement

NOW = dt.datetime(2026, 5, 11, 12, 0, tzinfo=dt.UTC)
EPISODE_START = dt.date(2026, 1, 5)
# Tuesday 13 January 2026, 10:00: the strategy discussion.
DISCUSSION_AT = dt.datetime(2026, 1, 13, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def partners(db):
    return {
        "police": PartnerOrganisation.objects.create(
            name="Fenshire Police", kind=AgencyKind.POLICE
        ),
        "health": PartnerOrganisation.objects.create(
            name="Fenshire Community Health", kind=AgencyKind.HEALTH
        ),
    }


@pytest.fixture
def episode(child, org, personas):
    return Involvement.objects.create(
        person=child,
        stage="child_in_need",
        team=org["north_childrens"],
        started_on=EPISODE_START,
        opened_by=personas["team_manager"],
    )


def participants(partners, *, police=True, health=True):
    found = [services.Participant(agency="social_care", name="Asha Patel", role="Social worker")]
    if police:
        found.append(
            services.Participant(
                agency="police", name="DC Lowe", role="Detective", organisation=partners["police"]
            )
        )
    if health:
        found.append(services.Participant(agency="health", name="Nurse Begum", role="Named nurse"))
    return found


def attendees():
    return [
        services.Attendee(name="Grace Okafor", agency="family", attendance="attended", role="Mum"),
        services.Attendee(name="DC Lowe", agency="police", attendance="report_sent"),
        services.Attendee(name="Nurse Begum", agency="health", attendance="attended"),
    ]


@pytest.fixture
def discussion(episode, personas, partners):
    return services.record_strategy_discussion(
        actor=personas["allocated_worker"],
        involvement_id=episode.pk,
        held_at=DISCUSSION_AT,
        type="discussion",
        participants=participants(partners),
        information="Bruising to the upper arm seen at school; police attended the home in 2025.",
        s47_decided=True,
        reasons="Reasonable cause to suspect significant harm.",
        other_actions="Child protection medical today.",
    )


@pytest.fixture
def enquiry(discussion, personas):
    return services.start_s47(
        actor=personas["allocated_worker"],
        discussion_id=discussion.pk,
        started_on=dt.date(2026, 1, 13),
    )


@pytest.fixture
def completed(enquiry, personas):
    return services.complete_s47(
        actor=personas["allocated_worker"],
        enquiry_id=enquiry.pk,
        completed_on=dt.date(2026, 1, 27),
        outcome="substantiated",
        icpc_needed=True,
        findings="Maisie said her stepfather grabs her arm; mum minimises.",
    )


def hold_icpc(enquiry, personas, *, held_on=dt.date(2026, 2, 2), **changes):
    arguments = {
        "actor": personas["allocated_worker"],
        "enquiry_id": enquiry.pk,
        "held_on": held_on,
        "attendees": attendees(),
        "decision": "plan",
        "category": "PHY",
        "chair": personas["iro"],
        "reasons": "Continuing risk of physical harm.",
        **changes,
    }
    return services.record_icpc(**arguments)


@pytest.fixture
def conference(completed, personas):
    return hold_icpc(completed, personas)
