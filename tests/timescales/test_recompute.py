"""Due dates stored on the items, and moved in bulk when a rule changes — open items only."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from kinfold.access.models import AuditEvent
from kinfold.timescales import registry
from kinfold.timescales.calendar import add_working_days
from kinfold.timescales.models import Rule, Unit, rule_for
from kinfold.timescales.registry import recompute, register, registrations
from tests.timescales_testapp.models import TimedItem

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date


def new_version(code, actor, **change):
    base = rule_for(code)
    fields = {
        f.name: getattr(base, f.name)
        for f in Rule._meta.concrete_fields
        if f.name not in {"id", "recorded_at", "applied_at", "changed_by"}
    }
    fields.update(
        change, effective_from=dt.date(2026, 3, 2), changed_by=actor, change_reason="test"
    )
    return Rule.objects.create(**fields)


def test_the_stage_registers_which_field_holds_the_due_date():
    # The stand-in stage's entry (kinfold.assessments registers the real one beside it).
    (entry,) = [r for r in registrations("assessment.single") if r.model is TimedItem]
    assert (entry.trigger_field, entry.due_field) == ("trigger_date", "due_date")


def test_a_field_that_is_not_a_date_cannot_be_registered():
    with pytest.raises(TypeError, match="DateField"):
        register(
            TimedItem,
            rule_code="cin.visit",
            trigger_field="rule_code",
            due_field="due_date",
            open_q=Q(completed_at__isnull=True),
        )
    assert [r for r in registrations("cin.visit") if r.model is TimedItem] == []


def test_a_shorter_assessment_timescale_moves_open_assessments_only(personas, today, make_item):
    referral = D(2026, 2, 2)
    old_due = add_working_days(referral, 45)
    open_item = make_item(trigger_date=referral, due_date=old_due)
    done = make_item(trigger_date=referral, due_date=old_due, completed_at=at(2026, 2, 20, 12, 0))
    other_rule = make_item("cp.review_conference", trigger_date=referral, due_date=D(2026, 5, 2))
    new_version("assessment.single", personas["admin"], amount=40)

    result = recompute("assessment.single", actor=personas["admin"], reason="Local target")

    assert (result.open_items, result.moved) == (1, 1)
    open_item.refresh_from_db()
    done.refresh_from_db()
    other_rule.refresh_from_db()
    assert open_item.due_date == add_working_days(referral, 40) == D(2026, 3, 30)
    assert done.due_date == old_due  # completed items keep the due date they had
    assert other_rule.due_date == D(2026, 5, 2)
    event = AuditEvent.objects.get(object_type="timescales.due_dates")
    assert event.detail["moved"] == 1 and event.reason == "Local target"


def test_items_already_due_on_the_right_day_do_not_count_as_moved(personas, today, make_item):
    make_item(trigger_date=D(2026, 2, 2), due_date=add_working_days(D(2026, 2, 2), 45))
    make_item(trigger_date=D(2026, 2, 3), due_date=None)  # never computed: it gets one
    result = recompute("assessment.single", actor=personas["admin"], reason="check")
    assert (result.open_items, result.moved) == (2, 1)
    assert TimedItem.objects.get(trigger_date=D(2026, 2, 3)).due_date == D(2026, 4, 9)


def test_repeats_use_the_repeat_interval(personas, today, make_item):
    icpc = make_item("cp.review_conference", trigger_date=D(2026, 1, 15))
    review = make_item("cp.review_conference", trigger_date=D(2026, 4, 15), is_repeat=True)
    recompute("cp.review_conference", actor=personas["admin"], reason="fill")
    icpc.refresh_from_db()
    review.refresh_from_db()
    assert icpc.due_date == D(2026, 4, 15)  # 3 months after the ICPC
    assert review.due_date == D(2026, 10, 15)  # then 6 months after the previous review

    new_version("cp.review_conference", personas["admin"], repeat_amount=4)
    result = recompute("cp.review_conference", actor=personas["admin"], reason="4 months")
    review.refresh_from_db()
    icpc.refresh_from_db()
    assert result.moved == 1
    assert review.due_date == D(2026, 8, 15)
    assert icpc.due_date == D(2026, 4, 15)


def test_working_hour_deadlines_are_stored_as_moments(personas, today, make_item):
    item = make_item("mash.rag.amber", trigger_at=at(2026, 3, 5, 14, 0))
    recompute("mash.rag.amber", actor=personas["admin"], reason="fill")
    item.refresh_from_db()
    assert item.due_at == at(2026, 3, 10, 14, 0)
    new_version("mash.rag.amber", personas["admin"], amount=16)
    assert recompute("mash.rag.amber", actor=personas["admin"], reason="x").moved == 1
    item.refresh_from_db()
    assert item.due_at == at(2026, 3, 9, 14, 0)


def test_a_day_based_rule_on_a_moment_field_is_due_at_close_of_business(personas, today, make_item):
    item = make_item("mash.rag.amber", trigger_at=at(2026, 3, 5, 14, 0))
    new_version("mash.rag.amber", personas["admin"], amount=2, unit=Unit.WORKING_DAYS)
    recompute("mash.rag.amber", actor=personas["admin"], reason="days")
    item.refresh_from_db()
    assert item.due_at == at(2026, 3, 9, 17, 0)


def test_a_preview_writes_nothing(personas, today, make_item):
    item = make_item(trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 7))
    proposal = rule_for("assessment.single")
    proposal.pk, proposal.amount = None, 30
    result = recompute(
        "assessment.single", actor=personas["admin"], reason="", rule=proposal, dry_run=True
    )
    assert result.moved == 1
    item.refresh_from_db()
    assert item.due_date == D(2026, 4, 7)
    assert not AuditEvent.objects.filter(object_type="timescales.due_dates").exists()


@pytest.mark.parametrize("joined", [True, False], ids=["update-from-values", "case"])
def test_many_trigger_dates_move_in_a_few_statements(personas, today, monkeypatch, joined):
    if not joined:  # the portable fallback, for databases without UPDATE … FROM
        monkeypatch.setattr(registry, "JOINED_VENDORS", set())
    monkeypatch.setattr(registry, "JOINED_BATCH", 300)  # smaller batches, fewer rows to test
    monkeypatch.setattr(registry, "BATCH", 100)
    distinct = 700
    start = D(2024, 1, 1)
    TimedItem.objects.bulk_create(
        TimedItem(rule_code="assessment.single", trigger_date=start + dt.timedelta(days=i))
        for i in list(range(distinct)) * 2
    )
    with CaptureQueriesContext(connection) as queries:
        result = recompute("assessment.single", actor=personas["admin"], reason="fill")
    assert (result.open_items, result.moved) == (2 * distinct, 2 * distinct)
    # One GROUP BY, then one UPDATE per batch of trigger dates — not one per item.
    updates = [q for q in queries if q["sql"].startswith('UPDATE "timescales_testapp_timeditem"')]
    batch = registry.JOINED_BATCH if joined else registry.BATCH
    assert len(updates) == -(-distinct // batch)
    others = [q for q in queries if "kf_due_pairs" not in q["sql"]]  # SQLite's key table
    assert len(others) <= len(updates) + 15  # rule, calendar, grouping, audit, savepoints
    for item in TimedItem.objects.order_by("?")[:40]:
        assert item.due_date == add_working_days(item.trigger_date, 45)


def test_moments_and_repeats_move_through_the_joined_update(personas, today, make_item):
    amber = [make_item("mash.rag.amber", trigger_at=at(2026, 3, 5, 9, m)) for m in range(1, 31)]
    first = make_item("cp.review_conference", trigger_date=D(2026, 1, 31))
    repeat = make_item("cp.review_conference", trigger_date=D(2026, 1, 31), is_repeat=True)
    recompute("mash.rag.amber", actor=personas["admin"], reason="fill")
    recompute("cp.review_conference", actor=personas["admin"], reason="fill")
    for minute, item in enumerate(amber, start=1):
        item.refresh_from_db()  # Thu, Fri and Mon less a minute, then a minute on Tuesday
        assert item.due_at == at(2026, 3, 10, 9, minute)
    first.refresh_from_db()
    repeat.refresh_from_db()
    assert (first.due_date, repeat.due_date) == (D(2026, 4, 30), D(2026, 7, 31))


def test_a_rule_with_no_registered_items_moves_nothing(personas, today):
    result = recompute("lado.initial_consideration", actor=personas["admin"], reason="x")
    assert (result.open_items, result.moved) == (0, 0)
