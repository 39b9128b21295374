"""The front door's figures against hand-worked fixtures, with a pinned clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinfold.front_door import selectors
from kinfold.front_door.codes import (
    Consent,
    ContactMethod,
    ContactStatus,
    Outcome,
    Rag,
    ReferralSource,
)
from kinfold.front_door.models import Contact, MashEnquiry, Referral
from kinfold.journey.models import Involvement
from kinfold.timescales.calendar import WorkingCalendar
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 16 March 2026, 10:00 in London (GMT): a working day.
NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def contact(received: dt.datetime, **fields) -> Contact:
    values = {
        "received_at": received,
        "method": ContactMethod.PHONE,
        "source": ReferralSource.SCHOOL,
        "concerns": "Concerns",
        "consent": Consent.GIVEN,
    }
    if fields.get("decision"):
        values.update(decision_rationale="Because", decided_at=received + dt.timedelta(hours=2))
    values.update(fields)
    return Contact.objects.create(**values)


def referral(person, team, on: dt.date, previous=None, *, open_episode=True) -> Referral:
    episode = Involvement.objects.create(
        person=person,
        stage="child_in_need",
        team=team,
        started_on=on,
        ended_on=None if open_episode else on + dt.timedelta(days=1),
    )
    return Referral.objects.create(
        person=person,
        involvement=episode,
        referral_date=on,
        source=ReferralSource.POLICE,
        primary_need="N1",
        route=Outcome.REFERRAL,
        team=team,
        previous_referral=previous,
    )


# ---- working time left ----------------------------------------------------------------------


def test_time_left_counts_working_hours_only():
    calendar = WorkingCalendar()
    friday_3pm = at(2026, 3, 13, 15, 0)
    # Friday 15:00 to Monday 11:00: 2 hours on Friday, 2 on Monday; the weekend counts nothing.
    assert selectors.time_left(at(2026, 3, 16, 11, 0), friday_3pm, calendar).hours == 4
    overdue = selectors.time_left(friday_3pm, NOW, calendar)
    assert overdue.overdue
    assert overdue.hours == -3
    assert overdue.label == "Overdue by 3 h of working time"
    assert selectors.time_left(at(2026, 3, 16, 11, 30), NOW, calendar).label == (
        "1 h 30 min of working time left"
    )


# ---- the front door view --------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_conversion_is_the_share_of_decided_contacts_that_were_referred():
    march = at(2026, 3, 2, 9, 30)
    for outcome in (Outcome.REFERRAL, Outcome.NFA, Outcome.ADVICE, Outcome.EARLY_HELP):
        contact(march, decision=outcome, status=ContactStatus.DONE)
    contact(march)  # not decided: not counted
    contact(at(2026, 2, 10, 11, 0), decision=Outcome.STRATEGY, status=ContactStatus.DONE)
    contact(at(2026, 2, 11, 11, 0), decision=Outcome.NFA, status=ContactStatus.DONE)
    contact(at(2025, 3, 10, 11, 0), decision=Outcome.REFERRAL)  # 12 months ago: too early
    rates = selectors.conversion_by_month(NOW.date())
    assert rates[0].month == dt.date(2025, 4, 1)
    assert rates[-1].month == dt.date(2026, 3, 1)
    assert (rates[-1].total, rates[-1].count, rates[-1].percent) == (4, 1, 25.0)
    assert (rates[-2].total, rates[-2].count, rates[-2].percent) == (2, 1, 50.0)
    assert rates[0].percent is None
    whole = selectors.overall(rates)
    assert (whole.total, whole.count) == (6, 2)


@time_machine.travel(NOW, tick=False)
def test_conversion_counts_a_contact_in_the_month_of_london_time():
    # 00:30 on 1 September in London (summer time) is 23:30 on 31 August in UTC.
    contact(
        at(2025, 8, 31, 21, 0),
        decision=Outcome.REFERRAL,
        decided_at=at(2025, 9, 1, 0, 30),
    )
    rates = {r.month: r for r in selectors.conversion_by_month(NOW.date())}
    assert rates[dt.date(2025, 9, 1)].total == 1
    assert rates[dt.date(2025, 8, 1)].total == 0


@time_machine.travel(NOW, tick=False)
def test_rereferral_rate_counts_referrals_with_a_previous_one(org):
    team = org["north_assessment"]
    kids = [PersonFactory() for _ in range(4)]
    earlier = referral(kids[0], team, dt.date(2025, 9, 1), open_episode=False)
    referral(kids[0], team, dt.date(2026, 3, 2), previous=earlier)
    for kid in kids[1:]:
        referral(kid, team, dt.date(2026, 3, 5))
    rates = selectors.rereferrals_by_month(NOW.date())
    march = rates[-1]
    assert (march.total, march.count, march.percent) == (4, 1, 25.0)
    september = next(r for r in rates if r.month == dt.date(2025, 9, 1))
    assert (september.total, september.count) == (1, 0)


@time_machine.travel(NOW, tick=False)
def test_contacts_today_by_status():
    contact(at(2026, 3, 16, 8, 0))
    contact(at(2026, 3, 16, 9, 0), status=ContactStatus.MASH)
    contact(at(2026, 3, 16, 9, 30), status=ContactStatus.MASH)
    contact(at(2026, 3, 15, 23, 59), status=ContactStatus.MASH)  # yesterday
    counts = {c.key: c.count for c in selectors.contacts_today_by_status(NOW.date())}
    assert counts == {
        "new": 1,
        "mash": 2,
        "sign_off": 0,
        "done": 0,
        "routed": 0,
    }


@time_machine.travel(NOW, tick=False)
def test_mash_enquiries_by_rag_and_working_time_left():
    calendar = WorkingCalendar()

    def enquiry(rag: str, due: dt.datetime, *, done: bool = False) -> None:
        MashEnquiry.objects.create(
            contact=contact(at(2026, 3, 10, 9, 0), status=ContactStatus.MASH),
            rag=rag,
            rag_reason="Why",
            rated_at=at(2026, 3, 10, 9, 0),
            due_at=due,
            completed_at=NOW if done else None,
        )

    enquiry(Rag.RED, at(2026, 3, 16, 9, 0))  # overdue
    enquiry(Rag.RED, at(2026, 3, 16, 13, 59))  # < 4 working hours
    enquiry(Rag.AMBER, at(2026, 3, 17, 9, 30))  # 7.5 working hours: < 24
    enquiry(Rag.AMBER, at(2026, 3, 19, 10, 0))  # exactly 24 working hours: later
    enquiry(Rag.GREEN, at(2026, 3, 30, 10, 0))  # later
    enquiry(Rag.GREEN, at(2026, 3, 1, 10, 0), done=True)  # completed: not counted
    bands = {b.rag: b for b in selectors.mash_by_rag_and_time(NOW, calendar)}
    assert (bands["red"].overdue, bands["red"].soon, bands["red"].total) == (1, 1, 2)
    assert (bands["amber"].today, bands["amber"].later) == (1, 1)
    assert (bands["green"].later, bands["green"].total) == (1, 1)


@time_machine.travel(NOW, tick=False)
def test_decisions_and_sign_offs_overdue():
    manager = WorkerFactory(role="team_manager")
    late = contact(at(2026, 3, 11, 9, 0), decision_due_on=dt.date(2026, 3, 12))
    contact(at(2026, 3, 16, 9, 0), decision_due_on=dt.date(2026, 3, 17))  # not yet due
    contact(  # passed to the allocated worker: not the front door's decision
        at(2026, 3, 11, 9, 0), decision_due_on=dt.date(2026, 3, 12), status=ContactStatus.ROUTED
    )
    unsigned = contact(
        at(2026, 3, 10, 9, 0),
        decision=Outcome.NFA,
        status=ContactStatus.AWAITING_SIGN_OFF,
        sign_off_by=manager,
        sign_off_due_on=dt.date(2026, 3, 11),
    )
    contact(  # signed off
        at(2026, 3, 10, 9, 0),
        decision=Outcome.NFA,
        status=ContactStatus.DONE,
        sign_off_due_on=dt.date(2026, 3, 11),
        signed_off_at=at(2026, 3, 12, 9, 0),
    )
    decisions = selectors.decisions_overdue(NOW.date())
    assert [c.pk for c in decisions.rows] == [late.pk]
    assert decisions.total == 1
    sign_offs = selectors.sign_offs_overdue(NOW.date())
    assert [c.pk for c in sign_offs.rows] == [unsigned.pk]
    # More than the limit: the most overdue listed, all counted.
    contact(at(2026, 3, 9, 9, 0), decision_due_on=dt.date(2026, 3, 10))
    limited = selectors.decisions_overdue(NOW.date(), limit=1)
    assert len(limited.rows) == 1
    assert limited.rows[0].decision_due_on == dt.date(2026, 3, 10)
    assert limited.total == 2


# ---- an assessment team's new referrals -----------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_team_referrals_waiting_and_recently_allocated(org, personas):
    team = org["north_assessment"]
    waiting, allocated, elsewhere, closed, long_ago = (PersonFactory() for _ in range(5))
    waits = referral(waiting, team, dt.date(2026, 3, 2))
    was_allocated = referral(allocated, team, dt.date(2026, 3, 3))
    AllocationFactory(
        person=allocated,
        worker=personas["contact_officer"],
        team=team,
        start_date=dt.date(2026, 3, 9),
    )
    # Held in another team only: still waiting for this one.
    held_elsewhere = referral(elsewhere, team, dt.date(2026, 3, 4))
    AllocationFactory(
        person=elsewhere, worker=personas["allocated_worker"], team=org["north_childrens"]
    )
    referral(closed, team, dt.date(2026, 3, 1), open_episode=False)  # episode ended
    # Allocated long ago: not recent.
    referral(long_ago, team, dt.date(2025, 6, 1))
    AllocationFactory(
        person=long_ago,
        worker=personas["contact_officer"],
        team=team,
        start_date=dt.date(2025, 6, 10),
    )
    assert list(selectors.awaiting_allocation(team)) == [waits, held_elsewhere]
    recent = selectors.recently_allocated(team, NOW.date())
    assert recent == [was_allocated]
    assert recent[0].allocated_on == dt.date(2026, 3, 9)
    assert recent[0].allocated_to == personas["contact_officer"]
    # Another team's list has none of these.
    assert list(selectors.awaiting_allocation(org["south_childrens"])) == []


def test_who_sees_a_teams_referrals(org, personas):
    team = org["north_assessment"]
    sees = {name for name, w in personas.items() if selectors.may_see_team_referrals(w, team)}
    assert sees == {
        "allocated_worker",
        "team_manager",
        "contact_officer",
        "admin",
        "performance_officer",
    }


@time_machine.travel(NOW, tick=False)
def test_request_counts_and_children_take_one_query_each_whatever_the_number():
    contacts = [contact(at(2026, 3, 16, 9, 0)) for _ in range(3)]
    with CaptureQueriesContext(connection) as one:
        selectors.children_of_contacts([contacts[0].pk])
        selectors.request_counts([1])
    with CaptureQueriesContext(connection) as three:
        selectors.children_of_contacts([c.pk for c in contacts])
        selectors.request_counts([1, 2, 3])
    assert len(one) == len(three) == 2


def test_earlier_months_come_from_the_cache_and_this_month_is_counted_live(db):
    """The front door view counts only the current month on each view: a second look at the
    figures asks the database one question per measure, not twelve months' worth."""
    today = dt.date(2026, 3, 14)
    selectors.conversion_by_month(today)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.conversion_by_month(today)
    assert len(queries) == 1
    assert "decided_at" in queries[0]["sql"] and len(again) == 12
