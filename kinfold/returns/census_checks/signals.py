"""Re-checking a child when the records the census reads are saved or deleted.

Each save notes the child; once the transaction commits, the children noted are checked
together (a service that saves several rows of one child checks them once). Nothing is
checked for a transaction that rolls back, and a failing check never undoes the save: it is
logged, and the nightly run (`check_census`) checks everyone again. Settings:
CENSUS_CHECK_ON_SAVE = False turns this off (bulk loads).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from kinfold.assessments.models import Assessment, AssessmentFactor
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.models import (
    InitialConference,
    ReviewConference,
    Section47Enquiry,
)
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.people.models import Person, PersonDisability
from kinfold.plans.models import Plan

logger = logging.getLogger(__name__)
_pending = threading.local()


def _noted() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids


def flush() -> None:
    """Check the children noted since the last commit."""
    ids = _noted()
    if not ids:
        return
    batch = set(ids)
    ids.clear()
    from .checking import check_children

    check_children(batch)


def note(person_id: int | None) -> None:
    if not person_id or not getattr(settings, "CENSUS_CHECK_ON_SAVE", True):
        return
    _noted().add(person_id)
    transaction.on_commit(flush, robust=True)


def _person_of(sender, instance) -> int | None:
    if sender is Person:
        return instance.pk
    if sender is AssessmentFactor:
        return (
            Assessment.objects.filter(pk=instance.assessment_id)
            .values_list("person_id", flat=True)
            .first()
        )
    if sender is ReviewConference:
        return Plan.objects.filter(pk=instance.plan_id).values_list("person_id", flat=True).first()
    return getattr(instance, "person_id", None)


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    try:
        note(_person_of(sender, instance))
    except Exception:  # a check must never stop a save
        logger.exception("Could not note %s %s for a census check", sender.__name__, instance.pk)


WATCHED = (
    Referral,
    Assessment,
    AssessmentFactor,
    Section47Enquiry,
    InitialConference,
    ReviewConference,
    Plan,
    CINClosure,
    Involvement,
    Person,
    PersonDisability,
)

for _model in WATCHED:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"census_checks.{_model.__name__}")
    post_delete.connect(
        _changed, sender=_model, dispatch_uid=f"census_checks.{_model.__name__}.deleted"
    )
