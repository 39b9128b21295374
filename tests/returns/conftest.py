"""Stored facts for the returns tests, written as the front door and early help store them, on
the dates a hand-worked example needs (the services stamp today's date; a return replays the
past)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinfold.early_help.models import EarlyHelpEpisode
from kinfold.front_door.models import Contact, ContactChild, Referral
from kinfold.journey.models import Involvement

# The as-at date of the examples: list 1 covers 01/10/2024 to 31/03/2025, lists 2 and 3
# 01/04/2024 to 31/03/2025.
AS_AT = dt.date(2025, 3, 31)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _media_for_every_test(media):
    return media


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))


@pytest.fixture
def make_contact():
    def make(day: dt.date, *people, source: str = "2A", supplied: dict | None = None) -> Contact:
        contact = Contact.objects.create(
            received_at=_at(day),
            method="phone",
            source=source,
            concerns="Worried about the children.",
            consent="given",
            status="done",
        )
        for person in people:
            ContactChild.objects.create(contact=contact, person=person, received_on=day)
        if supplied is not None:
            ContactChild.objects.create(contact=contact, supplied=supplied, received_on=day)
        return contact

    return make


@pytest.fixture
def make_referral():
    def make(
        person,
        day: dt.date,
        team,
        *,
        source: str = "2A",
        ended_on: dt.date | None = None,
        involvement: Involvement | None = None,
    ) -> Referral:
        if involvement is None:
            involvement = Involvement.objects.create(
                person=person, stage="child_in_need", started_on=day, ended_on=ended_on, team=team
            )
        return Referral.objects.create(
            person=person,
            involvement=involvement,
            referral_date=day,
            source=source,
            primary_need="N1",
            route="referral",
            team=team,
        )

    return make


@pytest.fixture
def make_episode():
    def make(person, started_on: dt.date, *, ended_on=None, team=None, **lead) -> EarlyHelpEpisode:
        involvement = Involvement.objects.create(
            person=person, stage="early_help", started_on=started_on, ended_on=ended_on, team=team
        )
        return EarlyHelpEpisode.objects.create(
            involvement=involvement,
            person=person,
            started_on=started_on,
            reason="Routines and school attendance",
            review_from=started_on,
            ended_on=ended_on,
            end_reason="outcomes_met" if ended_on else "",
            **lead,
        )

    return make


@pytest.fixture
def police(db):
    from kinfold.front_door.models import PartnerOrganisation

    return PartnerOrganisation.objects.create(
        name="Fenshire Police", kind="police", referral_source="6"
    )
