"""Reading assessments: a child's, one with its parts and timeliness, a team's open ones by
working days elapsed, and the counts of late and same-day assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from kinfold.journey.models import Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote
from kinfold.timescales.calendar import WorkingCalendar, working_calendar

from .codes import Part
from .models import Assessment
from .services import EPISODE_STAGES

# The number the guidance sets (the rule's amount may differ per LA: the stored due date wins).
GUIDANCE_WORKING_DAYS = 45


def working_days_between(
    start: dt.date, end: dt.date, *, calendar: WorkingCalendar | None = None
) -> int:
    """Working days after `start` (day 0) up to and including `end`; 0 when `end` is not
    after `start`."""
    if end <= start:
        return 0
    calendar = calendar or working_calendar()
    count = 0
    day = start
    one = dt.timedelta(days=1)
    while day < end:
        day += one
        if calendar.is_working_day(day):
            count += 1
    return count


def assessments_for_person(*, person_id: int) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(person_id=person_id)
        .select_related("social_worker", "authorised_by", "referral")
        .order_by("-started_on", "-id")
    )


def open_episode(*, person_id: int) -> Involvement | None:
    """The child's open involvement of a CIN episode an assessment is started from."""
    return (
        Involvement.objects.filter(
            person_id=person_id, stage__in=EPISODE_STAGES, ended_on__isnull=True
        )
        .order_by("-started_on", "-id")
        .first()
    )


def seen_visits(assessment: Assessment) -> QuerySet[CaseNote]:
    """Visits since the referral at which the child was seen: what the seen part can link."""
    start = timezone.make_aware(dt.datetime.combine(assessment.clock_from, dt.time.min))
    return CaseNote.objects.filter(
        person_id=assessment.person_id,
        type__in=VISIT_TYPES,
        child_seen=True,
        occurred_at__gte=start,
    ).order_by("-occurred_at", "-id")[:50]


@dataclass(frozen=True)
class PartRecord:
    """One part of an assessment: when it was first recorded, on which working day of the
    clock, and whether that was after the due date or on the day it was completed."""

    part: str
    label: str
    recorded_at: dt.datetime | None
    working_day: int | None
    late: bool
    same_day_as_completion: bool


@dataclass(frozen=True)
class Timeliness:
    """Working days elapsed against the timescale (to completion, or to today while open)."""

    elapsed: int
    allowed: int
    late: bool
    same_day: bool


def timeliness(
    assessment: Assessment, *, today: dt.date | None = None, calendar=None
) -> Timeliness:
    calendar = calendar or working_calendar()
    end = assessment.completed_on or today or timezone.localdate()
    allowed = working_days_between(assessment.clock_from, assessment.due_on, calendar=calendar)
    return Timeliness(
        elapsed=working_days_between(assessment.clock_from, end, calendar=calendar),
        allowed=allowed,
        late=end > assessment.due_on,
        same_day=assessment.same_day,
    )


def part_records(assessment: Assessment, *, calendar=None) -> list[PartRecord]:
    calendar = calendar or working_calendar()
    rows = []
    for part in Part:
        at = getattr(assessment, f"{part.value}_recorded_at")
        on = timezone.localdate(at) if at else None
        rows.append(
            PartRecord(
                part=part.value,
                label=part.label,
                recorded_at=at,
                working_day=(
                    working_days_between(assessment.clock_from, on, calendar=calendar)
                    if on
                    else None
                ),
                late=on is not None and on > assessment.due_on,
                same_day_as_completion=on is not None
                and assessment.completed_recorded_at is not None
                and on == timezone.localdate(assessment.completed_recorded_at),
            )
        )
    return rows


@dataclass(frozen=True)
class OpenAssessmentRow:
    """A team's open assessment, with the working days elapsed since the referral."""

    assessment_id: int
    person_id: int
    person_name: str
    social_worker_id: int
    social_worker_name: str
    team_id: int
    started_on: dt.date
    clock_from: dt.date
    due_on: dt.date
    working_days_elapsed: int
    overdue: bool


def open_assessments_for_units(
    unit_ids: Collection[int], *, today: dt.date | None = None
) -> list[OpenAssessmentRow]:
    """The open assessments of the given teams, most working days elapsed first: one query on
    the partial index (team, clock_from) over open assessments. The caller filters the
    children the viewer may see (kinfold.access) before showing names."""
    today = today or timezone.localdate()
    calendar = working_calendar()
    rows = (
        Assessment.objects.filter(team_id__in=list(unit_ids), completed_on__isnull=True)
        .order_by("clock_from", "id")
        .values(
            "pk",
            "person_id",
            "person__given_name",
            "person__family_name",
            "social_worker_id",
            "social_worker__first_name",
            "social_worker__last_name",
            "social_worker__username",
            "team_id",
            "started_on",
            "clock_from",
            "due_on",
        )
    )
    elapsed: dict[dt.date, int] = {}
    found = []
    for row in rows:
        start = row["clock_from"]
        if start not in elapsed:
            elapsed[start] = working_days_between(start, today, calendar=calendar)
        worker = (
            f"{row['social_worker__first_name']} {row['social_worker__last_name']}".strip()
            or row["social_worker__username"]
        )
        found.append(
            OpenAssessmentRow(
                assessment_id=row["pk"],
                person_id=row["person_id"],
                person_name=f"{row['person__given_name']} {row['person__family_name']}".strip(),
                social_worker_id=row["social_worker_id"],
                social_worker_name=worker,
                team_id=row["team_id"],
                started_on=row["started_on"],
                clock_from=start,
                due_on=row["due_on"],
                working_days_elapsed=elapsed[start],
                overdue=today > row["due_on"],
            )
        )
    return found


def completion_counts(
    *, completed_from: dt.date, completed_to: dt.date, unit_ids: Collection[int] | None = None
) -> dict[str, int]:
    """Assessments completed in a period: how many, how many late, how many started and
    completed on the same day."""
    scope = Assessment.objects.filter(
        completed_on__gte=completed_from, completed_on__lte=completed_to
    )
    if unit_ids is not None:
        scope = scope.filter(team_id__in=list(unit_ids))
    return scope.aggregate(
        completed=Count("pk"),
        late=Count("pk", filter=Q(completed_on__gt=F("due_on"))),
        same_day=Count("pk", filter=Q(completed_on=F("started_on"))),
    )
