"""An administrator changes a timescale or adds a closure day: checked, audited, and the open
items' due dates move."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.timescales.calendar import add_working_days
from kinfold.timescales.models import ClosureDay, Rule, Unit, rule_for
from kinfold.timescales.services import (
    add_closure_day,
    apply_scheduled_changes,
    change_rule,
    preview_rule_change,
)
from tests.timescales_testapp.models import TimedItem

pytestmark = pytest.mark.django_db
D = dt.date


def change(**overrides):
    values = {
        "code": "assessment.single",
        "amount": 35,
        "unit": Unit.WORKING_DAYS,
        "effective_from": D(2026, 3, 2),
        "reason": "Local target agreed by the leadership team",
    }
    return values | overrides


def refused(actor, **overrides) -> dict:
    before = Rule.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        change_rule(actor=actor, **change(**overrides))
    assert (Rule.objects.count(), AuditEvent.objects.count()) == before  # nothing saved
    return caught.value.message_dict


def test_a_change_in_force_today_moves_open_items_and_is_audited(personas, today, make_item):
    item = make_item(trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 8))
    result = change_rule(actor=personas["admin"], **change())

    assert not result.scheduled
    assert (result.recomputed.open_items, result.recomputed.moved) == (1, 1)
    item.refresh_from_db()
    assert item.due_date == add_working_days(D(2026, 2, 2), 35) == D(2026, 3, 23)
    assert rule_for("assessment.single").amount == 35
    assert result.previous.amount == 45 and Rule.objects.filter(pk=result.previous.pk).exists()
    assert result.rule.changed_by == personas["admin"]
    event = AuditEvent.objects.get(object_type="timescales.rule")
    assert event.action == AuditAction.EDIT and event.worker == personas["admin"]
    assert event.reason == "Local target agreed by the leadership team"
    assert event.detail["from"] == "45 working days" and event.detail["to"] == "35 working days"
    assert event.detail["moved"] == 1


def test_a_change_dated_later_moves_nothing_until_that_day(
    personas, today, make_item, time_machine
):
    item = make_item(trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 8))
    result = change_rule(actor=personas["admin"], **change(effective_from=D(2026, 4, 1)))
    assert result.scheduled
    assert rule_for("assessment.single").amount == 45
    item.refresh_from_db()
    assert item.due_date == D(2026, 4, 8)

    time_machine.move_to(dt.datetime(2026, 3, 31, 23, 0, tzinfo=dt.UTC))  # 1 April, 00:00 BST
    out = io.StringIO()
    call_command("apply_timescale_changes", stdout=out)
    assert "assessment.single: 1 of 1 open items moved" in out.getvalue()
    item.refresh_from_db()
    assert item.due_date == D(2026, 3, 23)
    assert apply_scheduled_changes() == []  # applied once only


def test_only_an_administrator_changes_a_timescale(personas, today):
    for persona in ("team_manager", "performance_officer", "allocated_worker"):
        with pytest.raises(PermissionDenied):
            change_rule(actor=personas[persona], **change())
    assert Rule.objects.filter(code="assessment.single").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": -5}, "amount", "must be 1 or more"),
        ({"amount": 0}, "amount", "must be 1 or more"),
        ({"amount": 5000}, "amount", "1,000 or fewer"),
        ({"amount": None}, "amount", "whole number"),
        ({"unit": "fortnights"}, "unit", "Choose the unit"),
        ({"effective_from": D(2026, 3, 1)}, "effective_from", "today or in the future"),
        ({"effective_from": D(2030, 1, 1)}, "effective_from", "within 2 years"),
        ({"effective_from": None}, "effective_from", "Enter the date"),
        ({"reason": "   "}, "reason", "Enter why"),
        ({"amount": 45}, "amount", "already the timescale"),
        ({"repeat_amount": 3}, "repeat_amount", "does not repeat"),
    ],
)
def test_a_bad_change_is_refused_with_a_message_for_its_field(
    personas, today, overrides, field, message
):
    errors = refused(personas["admin"], **overrides)
    assert message in errors[field][0]


def test_a_repeating_rule_keeps_its_repeat_unless_changed(personas, today):
    result = change_rule(
        actor=personas["admin"], **change(code="cp.visit", amount=15, unit=Unit.WORKING_DAYS)
    )
    assert (result.rule.repeat_amount, result.rule.repeat_unit) == (10, Unit.WORKING_DAYS)
    errors = refused(personas["admin"], code="cp.visit", amount=15, repeat_amount=-1)
    assert "1 or more" in errors["repeat_amount"][0]


def test_an_unknown_timescale_is_refused(personas, today):
    assert "no timescale" in refused(personas["admin"], code="no.such")["code"][0]


def test_the_preview_counts_what_would_move_and_writes_nothing(personas, today, make_item):
    for day in (2, 3, 4):
        make_item(trigger_date=D(2026, 2, day), due_date=add_working_days(D(2026, 2, day), 45))
    make_item(trigger_date=D(2026, 2, 5), completed_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    preview = preview_rule_change(actor=personas["admin"], **change())
    assert (preview.open_items, preview.moved) == (3, 3)
    assert Rule.objects.filter(code="assessment.single").count() == 1
    assert set(TimedItem.objects.values_list("due_date", flat=True)) == {
        D(2026, 4, 8),
        D(2026, 4, 9),
        D(2026, 4, 10),
        None,
    }


def test_a_closure_day_moves_open_items_counted_in_working_days(personas, today, make_item):
    # Assessment from Mon 2 Feb 2026 due Wed 8 April; the office closes on Wed 25 March.
    item = make_item(trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 8))
    done = make_item(trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 8), completed_at=today_dt())
    later = make_item(trigger_date=D(2026, 3, 26), due_date=add_working_days(D(2026, 3, 26), 45))

    result = add_closure_day(actor=personas["admin"], date=D(2026, 3, 25), reason="Office move")

    assert result.moved == 1
    for i in (item, done, later):
        i.refresh_from_db()
    assert item.due_date == D(2026, 4, 9)
    assert done.due_date == D(2026, 4, 8)
    assert later.due_date == add_working_days(D(2026, 3, 26), 45)
    event = AuditEvent.objects.get(object_type="timescales.closureday")
    assert event.action == AuditAction.CREATE and event.reason == "Office move"


def today_dt():
    return dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (D(2026, 3, 7), "Saturday 7 March 2026 is a weekend"),
        (D(2026, 4, 3), "Friday 3 April 2026 is a bank holiday (Good Friday)"),
        (D(2024, 12, 23), "within the last year"),
        (D(2029, 1, 2), "within the next 2 years"),
    ],
)
def test_a_day_that_cannot_be_a_closure_day_is_refused(personas, today, day, message):
    with pytest.raises(ValidationError) as caught:
        add_closure_day(actor=personas["admin"], date=day, reason="Staff training")
    assert message in caught.value.message_dict["date"][0]
    assert not ClosureDay.objects.exists()


def test_the_same_closure_day_cannot_be_added_twice(personas, today):
    add_closure_day(actor=personas["admin"], date=D(2026, 12, 24), reason="Christmas Eve")
    with pytest.raises(ValidationError) as caught:
        add_closure_day(actor=personas["admin"], date=D(2026, 12, 24), reason="Again")
    assert "already a closure day" in caught.value.message_dict["date"][0]
    assert ClosureDay.objects.count() == 1


def test_only_an_administrator_adds_a_closure_day(personas, today):
    with pytest.raises(PermissionDenied):
        add_closure_day(actor=personas["team_manager"], date=D(2026, 12, 24), reason="Eve")
    assert not ClosureDay.objects.exists()
