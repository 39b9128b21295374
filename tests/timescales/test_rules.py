"""The rules table: the defaults from the guidance, and versions picked by date."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kinfold.timescales.models import DEFAULTS_FROM, Rule, Unit, rule_for

pytestmark = pytest.mark.django_db
D = dt.date

# Every timescale in the reference, as (code, amount, unit, repeat) — read from the table in
# REFERENCE.md "Statutory timescales", not from the migration.
REFERENCE_TIMESCALES = {
    "referral.decision": (1, Unit.WORKING_DAYS, None),
    "mash.rag.red": (4, Unit.WORKING_HOURS, None),
    "mash.rag.amber": (24, Unit.WORKING_HOURS, None),
    "mash.rag.green": (72, Unit.WORKING_HOURS, None),
    "assessment.single": (45, Unit.WORKING_DAYS, None),
    "s47.icpc": (15, Unit.WORKING_DAYS, None),
    "cp.core_group": (10, Unit.WORKING_DAYS, (6, Unit.WEEKS)),
    "cp.review_conference": (3, Unit.MONTHS, (6, Unit.MONTHS)),
    "cp.visit": (10, Unit.WORKING_DAYS, (10, Unit.WORKING_DAYS)),
    "cin.visit": (20, Unit.WORKING_DAYS, (20, Unit.WORKING_DAYS)),
    "cla.care_plan": (10, Unit.WORKING_DAYS, None),
    "cla.review.first": (20, Unit.WORKING_DAYS, None),
    "cla.review.subsequent": (3, Unit.MONTHS, (6, Unit.MONTHS)),
    "cla.visit": (1, Unit.WEEKS, (6, Unit.WEEKS)),
    "cla.visit.after_first_year": (6, Unit.WEEKS, (6, Unit.WEEKS)),
    "cla.visit.long_term": (3, Unit.MONTHS, (3, Unit.MONTHS)),
    "cla.health.initial": (20, Unit.WORKING_DAYS, None),
    "cla.health.review.under_5": (6, Unit.MONTHS, (6, Unit.MONTHS)),
    "cla.health.review.5_and_over": (12, Unit.MONTHS, (12, Unit.MONTHS)),
    "cla.pep.review": (4, Unit.MONTHS, (4, Unit.MONTHS)),
    "missing.return_home_interview": (72, Unit.HOURS, None),
    "care_leaver.pathway_plan.review": (6, Unit.MONTHS, (6, Unit.MONTHS)),
    "care_leaver.pa_contact": (8, Unit.WEEKS, (8, Unit.WEEKS)),
    "adoption.a1": (426, Unit.CALENDAR_DAYS, None),
    "adoption.a2": (121, Unit.CALENDAR_DAYS, None),
    "private_fostering.visit": (7, Unit.WORKING_DAYS, (6, Unit.WEEKS)),
    "private_fostering.visit.after_first_year": (12, Unit.WEEKS, (12, Unit.WEEKS)),
    "lado.initial_consideration": (1, Unit.WORKING_DAYS, None),
}


# Local practice the stages add beyond REFERENCE.md's table (each in its app's migration).
LOCAL_TIMESCALES = {
    "referral.decision.sign_off": (1, Unit.WORKING_DAYS, None),
    "early_help.review": (3, Unit.MONTHS, (3, Unit.MONTHS)),
    # Children in need (kinfold.child_in_need): the plan's reviews.
    "cin.review": (3, Unit.MONTHS, (3, Unit.MONTHS)),
}


def test_every_timescale_in_the_reference_is_seeded_with_its_source():
    seeded = {r.code: r for r in Rule.objects.in_force()}
    expected = REFERENCE_TIMESCALES | LOCAL_TIMESCALES
    assert set(seeded) == set(expected)
    for code, (amount, unit, repeat) in expected.items():
        rule = seeded[code]
        assert (rule.amount, rule.unit) == (amount, unit), code
        assert (rule.repeat_amount, rule.repeat_unit) == (repeat or (None, "")), code
        assert rule.repeats == (repeat is not None), code
        assert rule.source and rule.trigger and rule.item, code
        assert rule.effective_from == DEFAULTS_FROM and rule.is_default


def test_statutory_rules_cite_their_regulation():
    assert rule_for("cla.review.first").source_reference == "reg 33"
    assert rule_for("cla.visit").source_reference == "reg 28"
    assert "Working Together to Safeguard Children 2023" in rule_for("assessment.single").source


def test_the_version_in_force_on_a_date_is_picked(personas):
    base = rule_for("cin.visit")
    fields = {
        f: getattr(base, f)
        for f in ("code", "trigger", "item", "repeats", "repeat_unit", "source", "unit")
    }
    Rule.objects.create(
        **fields,
        amount=15,
        repeat_amount=15,
        effective_from=D(2026, 4, 1),
        changed_by=personas["admin"],
        change_reason="Visits every 3 weeks from April",
    )
    assert rule_for("cin.visit", on=D(2026, 3, 31)).amount == 20
    assert rule_for("cin.visit", on=D(2026, 4, 1)).amount == 15
    assert rule_for("cin.visit", on=D(2030, 1, 1)).amount == 15
    assert Rule.objects.filter(code="cin.visit").count() == 2  # nothing overwritten


def test_an_unknown_code_or_a_date_before_the_rule_existed_is_an_error():
    with pytest.raises(Rule.DoesNotExist):
        rule_for("no.such.rule")
    with pytest.raises(Rule.DoesNotExist):
        rule_for("assessment.single", on=D(1969, 12, 31))


def test_a_rule_is_never_edited_or_deleted():
    rule = rule_for("assessment.single")
    rule.amount = 40
    with pytest.raises(RuntimeError, match="never edited"):
        rule.save()
    with pytest.raises(RuntimeError, match="never deleted"):
        rule.delete()


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": 0},
        {"unit": "fortnights"},
        {"repeats": True, "repeat_amount": None, "repeat_unit": ""},
        {"repeats": False, "repeat_amount": 3, "repeat_unit": "weeks"},
    ],
)
def test_the_database_refuses_an_impossible_rule(bad):
    values = {
        "code": "x.y",
        "trigger": "x.happened",
        "item": "X",
        "amount": 5,
        "unit": Unit.WORKING_DAYS,
        "source": "Local practice",
        "effective_from": D(2026, 1, 1),
        **bad,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Rule.objects.create(**values)
