"""Reads for early help: the hub's lists (with the visibility filter applied), an episode with
its plan, reviews and history, and the workers who may lead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kinfold.access.visibility import visible_persons
from kinfold.journey.models import Event, Involvement
from kinfold.people.models import Person, Relationship
from kinfold.workforce.models import OrgUnit, Role, UnitFunction, Worker
from kinfold.workforce.selectors import current_workers

from .models import EarlyHelpEpisode, EarlyHelpPlan

EARLY_HELP_TEAMS = (UnitFunction.EARLY_HELP_HUB, UnitFunction.EARLY_HELP)


def early_help_hub() -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(function=UnitFunction.EARLY_HELP_HUB, active=True)
        .order_by("pk")
        .first()
    )


def awaiting_lead(*, worker: Worker) -> QuerySet[Involvement]:
    """Open early help involvements of children the worker may see, with no lead practitioner
    yet (no episode, or one a step down opened), oldest first."""
    led = EarlyHelpEpisode.objects.filter(involvement=OuterRef("pk")).filter(
        Q(lead_worker__isnull=False) | Q(lead_organisation__isnull=False)
    )
    return (
        Involvement.objects.filter(stage="early_help", ended_on__isnull=True)
        .filter(~Exists(led))
        .filter(person__in=visible_persons(worker))
        .select_related("person", "team", "stepped_from")
        .order_by("started_on", "pk")
    )


def open_episodes(*, worker: Worker) -> QuerySet[EarlyHelpEpisode]:
    """Open episodes with a lead, of children the worker may see, next review due first."""
    return (
        EarlyHelpEpisode.objects.filter(ended_on__isnull=True)
        .filter(Q(lead_worker__isnull=False) | Q(lead_organisation__isnull=False))
        .filter(person__in=visible_persons(worker))
        .select_related("person", "lead_worker", "lead_organisation", "involvement")
        .order_by("review_due_on", "pk")
    )


def episode_of(involvement: Involvement) -> EarlyHelpEpisode | None:
    return (
        EarlyHelpEpisode.objects.filter(involvement=involvement)
        .select_related("lead_worker", "lead_organisation", "set_up_by")
        .prefetch_related(
            "family_members__person",
            Prefetch(
                "plans",
                queryset=EarlyHelpPlan.objects.select_related("recorded_by").prefetch_related(
                    "actions"
                ),
            ),
            "reviews__recorded_by",
        )
        .first()
    )


@dataclass(frozen=True)
class Step:
    involvement: Involvement
    relation: str  # "from" (came from) or "to" (went on to)


def history(involvement: Involvement) -> list[Step]:
    """Where the episode came from (the chain of `stepped_from`) and where it went."""
    steps: list[Step] = []
    node = involvement.stepped_from
    seen = {involvement.pk}
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        steps.append(Step(node, "from"))
        node = node.stepped_from
    steps.reverse()
    for later in involvement.stepped_to.select_related("team").order_by("started_on", "pk"):
        steps.append(Step(later, "to"))
    return steps


def events(involvement: Involvement, limit: int = 50) -> QuerySet[Event]:
    return (
        Event.objects.filter(involvement=involvement)
        .select_related("retraction", "recorded_by")
        .order_by("-occurred_at", "-id")[:limit]
    )


def lead_candidates() -> QuerySet[Worker]:
    """Workers who may lead early help: the early help teams' workers and family workers."""
    teams = OrgUnit.objects.filter(function__in=EARLY_HELP_TEAMS, active=True).values_list(
        "pk", flat=True
    )
    in_teams = current_workers(unit_ids=list(teams)).values("pk")
    return (
        Worker.objects.filter(is_active=True)
        .filter(Q(pk__in=in_teams) | Q(role=Role.FAMILY_WORKER))
        .order_by("last_name", "first_name", "pk")
    )


def relatives(person: Person) -> list[Relationship]:
    """The child's current relatives, to offer as family members in the plan: each row's
    `person` is the relative and `type` their relationship to the child."""
    today = timezone.localdate()
    return list(
        Relationship.objects.filter(other=person, person__merged_into__isnull=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )


# The part in the plan a relationship suggests (the worker may choose another).
SUGGESTED_ROLE = {
    "parent": "parent_carer",
    "step_parent": "parent_carer",
    "carer": "parent_carer",
    "sibling": "sibling",
    "half_sibling": "sibling",
    "step_sibling": "sibling",
    "grandparent": "extended_family",
    "aunt_uncle": "extended_family",
    "other_relative": "extended_family",
    "partner": "other_adult",
    "household_member": "other_adult",
}


def is_overdue(episode: EarlyHelpEpisode, today: dt.date | None = None) -> bool:
    return episode.is_overdue(today)
