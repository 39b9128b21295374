"""The timescale pages: administrators only, errors beside the fields, a check before a change."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kinfold.timescales.models import ClosureDay, Rule, rule_for
from tests.timescales_testapp.models import TimedItem

pytestmark = pytest.mark.django_db
D = dt.date

PAGES = [
    ("timescales:rules", {}),
    ("timescales:rule", {"code": "assessment.single"}),
    ("timescales:rule-change", {"code": "assessment.single"}),
    ("timescales:closure-days", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_only_administrators_see_the_timescale_pages(client_for, personas, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert client_for(personas["admin"]).get(url).status_code == 200
    for persona in (
        "allocated_worker",
        "team_manager",
        "other_team_worker",
        "iro",
        "performance_officer",
        "contact_officer",
    ):
        assert client_for(personas[persona]).get(url).status_code == 403, persona
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("access:sign-in"))


def test_the_rules_list_shows_each_timescale_with_its_source(client_for, personas):
    page = client_for(personas["admin"]).get(reverse("timescales:rules")).content.decode()
    assert "Single assessment completed" in page
    assert "45 working days" in page
    assert "Care Planning, Placement and Case Review (England) Regulations 2010, reg 33" in page
    assert "3 months, then every 6 months" in page
    assert "09:00" in page and "17:00" in page


def change_url(code="assessment.single"):
    return reverse("timescales:rule-change", kwargs={"code": code})


def form_data(**overrides):
    data = {
        "amount": "40",
        "unit": "working_days",
        "effective_from_0": "2",
        "effective_from_1": "3",
        "effective_from_2": "2026",
        "reason": "Local target agreed by the leadership team",
    }
    return data | overrides


def test_a_negative_amount_is_refused_beside_the_field_and_nothing_is_saved(
    client_for, personas, today
):
    response = client_for(personas["admin"]).post(change_url(), form_data(amount="-3", preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The number of working days must be 1 or more" in page
    assert 'id="amount-error"' in page or "govuk-error-message" in page
    assert Rule.objects.filter(code="assessment.single").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"unit": "fortnights"}, "Choose the unit the timescale is counted in"),
        ({"amount": "forty"}, "Enter the number as a whole number, like 45"),
        ({"effective_from_0": "1"}, "today or in the future"),
        ({"effective_from_0": "31", "effective_from_1": "2"}, "must be a real date"),
        ({"reason": ""}, "Enter why the timescale is changing"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client_for, personas, today, overrides, message):
    response = client_for(personas["admin"]).post(change_url(), form_data(**overrides, confirm="1"))
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert Rule.objects.filter(code="assessment.single").count() == 1


def test_the_check_page_says_how_many_open_items_will_move_then_the_change_is_made(
    client_for, personas, today
):
    TimedItem.objects.create(
        rule_code="assessment.single", trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 8)
    )
    TimedItem.objects.create(
        rule_code="assessment.single", trigger_date=D(2026, 2, 2), due_date=D(2026, 4, 8)
    )
    client = client_for(personas["admin"])

    check = client.post(change_url(), form_data(preview="1"))
    page = check.content.decode()
    assert "Check the change before confirming" in page
    assert "<strong>2</strong> of 2 open items will move" in page
    assert Rule.objects.filter(code="assessment.single").count() == 1  # not yet

    done = client.post(change_url(), form_data(confirm="1"))
    assert done.status_code == 302
    assert done["Location"] == reverse("timescales:rule", kwargs={"code": "assessment.single"})
    assert rule_for("assessment.single").amount == 40
    assert set(TimedItem.objects.values_list("due_date", flat=True)) == {D(2026, 3, 30)}
    history = client.get(done["Location"]).content.decode()
    assert "2 open items moved to a new due date" in history
    assert "Local target agreed by the leadership team" in history
    assert "Default from the guidance" in history


def test_going_back_from_the_check_page_keeps_what_was_typed(client_for, personas, today):
    response = client_for(personas["admin"]).post(change_url(), form_data(amount="38", edit="1"))
    assert 'value="38"' in response.content.decode()
    assert Rule.objects.filter(code="assessment.single").count() == 1


def test_an_unknown_timescale_is_not_found(client_for, personas):
    assert client_for(personas["admin"]).get(change_url("no.such")).status_code == 404


def test_adding_a_closure_day(client_for, personas, today):
    client = client_for(personas["admin"])
    url = reverse("timescales:closure-days")
    response = client.post(
        url, {"date_0": "24", "date_1": "12", "date_2": "2026", "reason": "Christmas Eve"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Thursday 24 December 2026 added as a closure day" in page
    assert "Christmas Eve" in page
    assert ClosureDay.objects.get().added_by == personas["admin"]


def test_a_bank_holiday_is_refused_as_a_closure_day(client_for, personas, today):
    response = client_for(personas["admin"]).post(
        reverse("timescales:closure-days"),
        {"date_0": "25", "date_1": "12", "date_2": "2026", "reason": "Christmas"},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Friday 25 December 2026 is a bank holiday (Christmas Day)" in page
    assert not ClosureDay.objects.exists()
