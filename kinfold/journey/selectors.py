"""Reads of the spine, through the one visibility filter."""

from __future__ import annotations

from django.db.models import QuerySet

from kinfold.access.visibility import check_person
from kinfold.people.models import Person
from kinfold.workforce.models import Worker

from .models import Event, Involvement


def _may_see(worker: Worker, person_id: int) -> bool:
    person = Person.objects.filter(pk=person_id).first()
    return person is not None and check_person(worker, person).allowed


def events_for_person(*, worker: Worker, person_id: int) -> QuerySet[Event]:
    """A child's events, newest first, entries in error included (they show as such); empty
    when the worker may not see the child (the ladder, restriction, break glass)."""
    if not _may_see(worker, person_id):
        return Event.objects.none()
    return (
        Event.objects.filter(person_id=person_id)
        .select_related("recorded_by", "retraction", "retraction__retracted_by", "involvement")
        .order_by("-occurred_at", "-id")
    )


def involvements_for_person(*, worker: Worker, person_id: int) -> QuerySet[Involvement]:
    if not _may_see(worker, person_id):
        return Involvement.objects.none()
    return Involvement.objects.filter(person_id=person_id).select_related("team")


def open_involvements(*, stage: str | None = None) -> QuerySet[Involvement]:
    qs = Involvement.objects.filter(ended_on__isnull=True)
    return qs.filter(stage=stage) if stage else qs


def open_actions(*, owner: Worker):
    """The worker's actions not yet done, soonest due first (overdue ones come first)."""
    from .oversight import Action

    return (
        Action.objects.filter(owner=owner, completed_at__isnull=True)
        .select_related("person", "set_by")
        .order_by("due_date", "id")
    )


def oversight_for_person(*, worker: Worker, person_id: int):
    """Management oversight of a child, newest first: the decisions and their actions."""
    from .oversight import CaseDiscussion

    if not _may_see(worker, person_id):
        return CaseDiscussion.objects.none()
    return (
        CaseDiscussion.objects.filter(person_id=person_id)
        .select_related("manager", "supervision")
        .order_by("-held_on", "-id")
    )
