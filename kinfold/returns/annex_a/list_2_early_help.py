"""Annex A list 2: early help — the early help the local authority coordinated in the twelve
months before the as-at date: every episode open on any day of the period, those that began
before it and are still open among them (kinfold.early_help: EarlyHelpEpisode).

Kinfold keeps the early help episode, not a separate early help assessment: the episode's start
fills the assessment start date, its end (on or before the as-at date) the completion date, and
its lead the organisation — or, before the hub has found a lead, the team holding the
episode. docs/returns/annex_a.md says why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q

from kinfold.early_help.models import EarlyHelpEpisode
from kinfold.workforce.models import TeamMembership, Worker

from ..periods import Period, months_to
from .common import CHILD_HEADERS, Sheet, child_cells, kept

NUMBER = 2
SHEET = "List 2"
TITLE = "Early help"
MONTHS = 12
HEADERS = (
    *CHILD_HEADERS,
    "Assessment start date",
    "Assessment completion date",
    "Organisation completing assessment",
)


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


def select(window: Period) -> list[EarlyHelpEpisode]:
    return list(
        EarlyHelpEpisode.objects.filter(started_on__lte=window.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window.start))
        .select_related(
            "person",
            "person__merged_into",
            "lead_organisation",
            "lead_worker",
            "involvement__team",
        )
        .prefetch_related(
            Prefetch(
                "lead_worker__memberships",
                queryset=TeamMembership.objects.select_related("unit").order_by("-start_date"),
            )
        )
        .order_by("started_on", "id")
    )


def _team_name(worker: Worker, on: dt.date) -> str:
    for membership in worker.memberships.all():  # prefetched, latest first
        if membership.start_date <= on and (
            membership.end_date is None or membership.end_date >= on
        ):
            return membership.unit.name
    return ""


def organisation(episode: EarlyHelpEpisode, as_at: dt.date) -> str:
    """As it stood on the as-at date: the partner agency leading it, else the lead worker's
    team (else the local authority); before a lead was found, the team holding the episode
    (the Early Help Hub, which is finding one), else the local authority."""
    led = episode.lead_since is None or episode.lead_since <= as_at
    if led and episode.lead_organisation is not None:
        return episode.lead_organisation.name
    if led and episode.lead_worker is not None:
        on = episode.lead_since or episode.started_on
        return _team_name(episode.lead_worker, on) or settings.LA_NAME
    team = episode.involvement.team
    return team.name if team is not None else settings.LA_NAME


def row(sheet: Sheet, episode: EarlyHelpEpisode) -> list[Any]:
    as_at = sheet.period.as_at
    person = kept(episode.person)
    assert person is not None
    child = child_cells(sheet, person, episode.started_on)
    # Read as it stood on the as-at date: an episode ended later was still open then.
    ended = episode.ended_on if episode.ended_on and episode.ended_on <= as_at else None
    return [*child, episode.started_on, ended, organisation(episode, as_at)]
