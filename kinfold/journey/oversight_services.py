"""Recording supervision and oversight, and following actions to done. One transaction each;
each child discussed gets a management-oversight event on their journey."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kinfold.access.guards import is_administrator
from kinfold.access.permissions import require_write_access
from kinfold.people.models import Person
from kinfold.workforce.models import Role, Worker

from .events import check_not_future, record_event
from .oversight import Action, CaseDiscussion, Supervision

# Who gives oversight: managers of practice.
OVERSEEING_ROLES = frozenset({Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER, Role.IRO})


@dataclass
class ActionPlan:
    description: str
    owner: Worker
    due_date: dt.date


@dataclass
class Discussion:
    person: Person
    discussion: str
    decision: str
    actions: list[ActionPlan] = field(default_factory=list)


def _check_actions(actions: list[ActionPlan], set_on: dt.date, prefix: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for i, action in enumerate(actions):
        key = f"{prefix}actions-{i}"
        if not action.description.strip():
            errors[f"{key}-description"] = "Enter what is to be done"
        elif len(action.description.strip()) > 500:
            errors[f"{key}-description"] = "What is to be done must be 500 characters or fewer"
        if action.due_date < set_on:
            errors[f"{key}-due_date"] = "The action cannot be due before it was agreed"
        if not action.owner.is_active:
            errors[f"{key}-owner"] = f"{action.owner} has left: choose who will do it"
    return errors


def _create_actions(
    actions: list[ActionPlan], *, person: Person | None, source, set_on: dt.date, actor: Worker
) -> list[Action]:
    source_type = ContentType.objects.get_for_model(source)
    return [
        Action.objects.create(
            description=a.description.strip(),
            owner=a.owner,
            due_date=a.due_date,
            person=person,
            source_type=source_type,
            source_id=source.pk,
            set_on=set_on,
            set_by=actor,
        )
        for a in actions
    ]


def _discuss(
    d: Discussion, *, actor: Worker, held_on: dt.date, supervision: Supervision | None
) -> CaseDiscussion:
    case = CaseDiscussion.objects.create(
        supervision=supervision,
        person=d.person,
        held_on=held_on,
        discussion=d.discussion.strip(),
        decision=d.decision.strip(),
        manager=actor,
    )
    actions = _create_actions(d.actions, person=d.person, source=case, set_on=held_on, actor=actor)
    record_event(
        person_id=d.person.pk,
        type="oversight.recorded",
        occurred=held_on,
        summary=f"Management oversight by {actor}: {case.decision}"[:500],
        recorded_by=actor,
        subject=case,
        detail={
            "actions": [a.pk for a in actions],
            "supervision": getattr(supervision, "pk", None),
        },
    )
    return case


def _check_discussions(discussions: list[Discussion], actor: Worker, held_on: dt.date) -> None:
    errors: dict[str, str] = {}
    for i, d in enumerate(discussions):
        require_write_access(actor, d.person)
        if not d.discussion.strip():
            errors[f"discussions-{i}-discussion"] = f"Enter what was discussed about {d.person}"
        if not d.decision.strip():
            errors[f"discussions-{i}-decision"] = f"Enter the decision for {d.person}"
        errors |= _check_actions(d.actions, held_on, f"discussions-{i}-")
    if errors:
        raise ValidationError(errors)


def _may_oversee(actor: Worker) -> None:
    if actor.role not in OVERSEEING_ROLES and not is_administrator(actor):
        raise PermissionDenied("Only managers, consultants and IROs record oversight")


@transaction.atomic
def record_supervision(
    *,
    actor: Worker,
    supervisee: Worker,
    held_on: dt.date,
    notes: str = "",
    discussions: list[Discussion],
) -> Supervision:
    """A supervision session: the worker's own notes, and a case discussion with a decision and
    actions for each child discussed (Working Together 2023: decisions and the reasons for them
    recorded on the child's record)."""
    _may_oversee(actor)
    if supervisee.pk == actor.pk:
        raise ValidationError({"supervisee": "You cannot record your own supervision"})
    check_not_future(held_on, "held_on")
    _check_discussions(discussions, actor, held_on)
    supervision = Supervision.objects.create(
        supervisee=supervisee, supervisor=actor, held_on=held_on, notes=notes.strip()
    )
    for d in discussions:
        _discuss(d, actor=actor, held_on=held_on, supervision=supervision)
    return supervision


@transaction.atomic
def record_oversight(*, actor: Worker, held_on: dt.date, discussion: Discussion) -> CaseDiscussion:
    """Management oversight of one child outside supervision (a case direction)."""
    _may_oversee(actor)
    check_not_future(held_on, "held_on")
    _check_discussions([discussion], actor, held_on)
    return _discuss(discussion, actor=actor, held_on=held_on, supervision=None)


@transaction.atomic
def complete_action(*, actor: Worker, action_id: int, note: str = "") -> Action:
    """Mark an action done: its owner, whoever set it, or a team manager."""
    action = (
        Action.objects.select_for_update(of=("self",)).select_related("person").get(pk=action_id)
    )
    allowed = actor.pk in (action.owner_id, action.set_by_id) or actor.role == Role.TEAM_MANAGER
    if not allowed and not is_administrator(actor):
        raise PermissionDenied("Only the action's owner, whoever set it or a manager can do this")
    if action.person is not None:
        require_write_access(actor, action.person)
    if action.completed_at is not None:
        raise ValidationError(
            f"This action was already completed on {action.completed_at:%d %B %Y}"
        )
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.completion_note = note.strip()[:500]
    action.save(update_fields=["completed_at", "completed_by", "completion_note"])
    if action.person_id:
        record_event(
            person_id=action.person_id,
            type="action.completed",
            occurred=action.completed_at,
            summary=f"Action done: {action.description}"[:500],
            recorded_by=actor,
            subject=action,
            detail={
                "due_date": action.due_date.isoformat(),
                "late": action.due_date < timezone.localdate(),
            },
        )
    return action
