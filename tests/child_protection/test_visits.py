"""Visits to a child on a child protection plan: every 10 working days (rule cp.visit), the
child seen; the plan's stored last visit and next due date move with each visit note."""

import datetime as dt

import pytest

from kinfold.journey import services as journey
from kinfold.timescales.worklists import Clock, sources

pytestmark = pytest.mark.django_db


def _visit(person, worker, day, *, seen=True, alone=True, type="home_visit"):
    return journey.record_note(
        actor=worker,
        person=person,
        data={
            "type": type,
            "occurred_at": dt.datetime(day.year, day.month, day.day, 15, 0, tzinfo=dt.UTC),
            "title": "Child protection visit",
            "child_seen": seen,
            "seen_alone": alone if seen else None,
            "child_views": "Maisie said she likes her new bedroom." if seen else "",
        },
    )


def test_a_visit_with_the_child_seen_moves_the_next_visit_10_working_days_on(conference, personas):
    plan, worker = conference.plan, personas["allocated_worker"]
    _visit(plan.person, worker, dt.date(2026, 2, 11))
    plan.refresh_from_db()
    assert plan.last_visit_on == dt.date(2026, 2, 11)
    assert plan.next_visit_due_on == dt.date(2026, 2, 25)
    # A visit where the child was not seen does not count; a phone call neither.
    _visit(plan.person, worker, dt.date(2026, 2, 20), seen=False)
    _visit(plan.person, worker, dt.date(2026, 2, 23), type="phone", seen=None)
    plan.refresh_from_db()
    assert plan.next_visit_due_on == dt.date(2026, 2, 25)


def test_the_visit_due_date_skips_the_easter_bank_holidays(conference, personas):
    plan = conference.plan
    _visit(plan.person, personas["allocated_worker"], dt.date(2026, 3, 30))
    plan.refresh_from_db()
    assert plan.next_visit_due_on == dt.date(2026, 4, 15)


def test_a_visit_before_the_plan_started_does_not_count(conference, personas):
    plan = conference.plan
    _visit(plan.person, personas["allocated_worker"], dt.date(2026, 1, 28))
    plan.refresh_from_db()
    assert plan.last_visit_on is None and plan.next_visit_due_on == dt.date(2026, 2, 16)


def test_a_missed_visit_is_overdue_on_the_allocated_workers_list(conference, personas):
    owner = personas["allocated_worker"]
    (source,) = sources("cp.visit")
    counts = source.counts([owner.pk], Clock.current())[owner.pk]
    assert (counts.open, counts.overdue) == (1, 1)
