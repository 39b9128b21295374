"""The one event writer, and the registry of event types.

Every stage writes its facts to the spine through `record_event`, in the caller's transaction,
so the chronology, the measures and the returns read one log. An event type has a label and a
category (the chronology filters by category); a stage registers its own types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .models import Event, Involvement


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    category: str
    significant: bool = False


CATEGORIES = {
    "journey": "Involvement and stage changes",
    "allocation": "Allocations",
    "recording": "Case notes and visits",
    "oversight": "Supervision and management oversight",
    "identity": "Identity and family",
}

EVENT_TYPES: dict[str, EventType] = {}


def register_event_type(event_type: EventType) -> None:
    if event_type.category not in CATEGORIES:
        raise ValueError(f"Unknown event category {event_type.category!r}")
    existing = EVENT_TYPES.get(event_type.code)
    if existing and existing != event_type:
        raise ValueError(f"Event type {event_type.code!r} is already registered differently")
    EVENT_TYPES[event_type.code] = event_type


def register_category(code: str, label: str) -> None:
    CATEGORIES.setdefault(code, label)


for _t in [
    EventType("involvement.opened", "Involvement started", "journey", significant=True),
    EventType("involvement.closed", "Involvement ended", "journey", significant=True),
    EventType("involvement.transition", "Moved to another stage", "journey", significant=True),
    EventType("event.entered_in_error", "Entry marked as entered in error", "journey"),
    EventType("allocation.started", "Allocated", "allocation", significant=True),
    EventType("allocation.ended", "Allocation ended", "allocation"),
    EventType("note.recorded", "Case note", "recording"),
    EventType("visit.recorded", "Visit", "recording", significant=True),
    EventType("note.revised", "Case note changed", "recording"),
    EventType("oversight.recorded", "Management oversight", "oversight", significant=True),
    EventType("action.completed", "Action completed", "oversight"),
    # A significant event a worker adds to the chronology (from a police notification, a
    # school's report…), with its source.
    EventType("chronology.entry", "Significant event", "recording", significant=True),
    EventType("document.added", "Document added", "recording"),
]:
    register_event_type(_t)


def as_datetime(when: dt.date | dt.datetime) -> tuple[dt.datetime, bool]:
    """A date becomes the start of that day (and is flagged date-only); a naive datetime is
    taken as local time."""
    if isinstance(when, dt.datetime):
        aware = when if timezone.is_aware(when) else timezone.make_aware(when)
        return aware, False
    return timezone.make_aware(dt.datetime.combine(when, dt.time.min)), True


def check_not_future(when: dt.date | dt.datetime, field: str = "occurred_at") -> None:
    """An event cannot be dated after now: the record says what has happened."""
    at, date_only = as_datetime(when)
    now = timezone.now()
    if (date_only and at.date() > timezone.localdate()) or (not date_only and at > now):
        raise ValidationError({field: "The date must be today or in the past"})


def record_event(
    *,
    person_id: int,
    type: str,
    occurred: dt.date | dt.datetime,
    summary: str,
    recorded_by,
    involvement: Involvement | None = None,
    subject: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    significant: bool | None = None,
) -> Event:
    """Append one event to a child's journey. Refuses unknown types and future dates."""
    event_type = EVENT_TYPES.get(type)
    if event_type is None:
        raise ValueError(f"Unknown event type {type!r}: register it with register_event_type")
    check_not_future(occurred)
    at, date_only = as_datetime(occurred)
    return Event.objects.create(
        person_id=person_id,
        involvement=involvement,
        type=type,
        occurred_at=at,
        date_only=date_only,
        summary=summary[:500],
        detail=detail or {},
        significant=event_type.significant if significant is None else significant,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        recorded_by=recorded_by,
    )
