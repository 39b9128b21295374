"""The plan's pages through the client: the plan with its findings beside the items, the
change page (saving, a stale save, errors beside fields, the "Check the plan" button without
JavaScript), and the checks endpoint htmx calls as the worker types."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from kinfold.plans import services
from kinfold.plans.models import PlanAction

pytestmark = pytest.mark.django_db


def form_data(plan, *, outcomes=(), actions=(), contingencies=(), **extra):
    """What the change page posts: the version, and each formset's rows."""
    data = {"version": str(plan.version), "reason": ""}
    for prefix, rows in (
        ("outcomes", outcomes),
        ("actions", actions),
        ("contingencies", contingencies),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                if isinstance(value, dt.date):
                    for part, number in enumerate((value.day, value.month, value.year)):
                        data[f"{prefix}-{i}-{key}_{part}"] = str(number)
                else:
                    data[f"{prefix}-{i}-{key}"] = str(value)
    data.update(extra)
    return data


ACTION_NO_OWNER = {"what": "Attend the parenting course", "due_on": dt.date(2026, 4, 1)}


def test_the_plan_shows_findings_beside_the_items(cin_plan, personas, client_for):
    worker = personas["allocated_worker"]
    services.save_content(
        actor=worker,
        plan_id=cin_plan.pk,
        version=1,
        outcomes=[{"text": "Maisie is safe at home", "indicator": "", "target_date": None}],
        actions=[{**ACTION_NO_OWNER, "measure": "Certificate"}],
        contingencies=[],
    )
    action = PlanAction.objects.get(plan=cin_plan)
    page = client_for(worker).get(reverse("plans:plan", args=[cin_plan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    block = html[html.index(f'id="action-{action.pk}"') :]
    block = block[: block.index("<h2")]  # up to the next section
    assert "does not say who will do it" in block
    assert "does not say how we will know it has been achieved or by when" in html
    assert "The plan does not say what will happen if things do not change" in html
    assert 'id="revisions"' in html and "Action added: Attend the parenting course" in html


def test_changing_the_plan_through_the_page(cin_plan, child, personas, client_for):
    client = client_for(personas["allocated_worker"])
    url = reverse("plans:edit", args=[cin_plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "django_htmx/htmx-2.min.js" in page.content.decode()
    response = client.post(
        url,
        form_data(
            cin_plan,
            outcomes=[
                {
                    "text": "Maisie goes to school",
                    "indicator": "Attendance 95%",
                    "target_date": dt.date(2026, 7, 1),
                }
            ],
            actions=[{**ACTION_NO_OWNER, "owner": f"p:{child.mother.pk}"}],
        ),
    )
    assert response.status_code == 302
    cin_plan.refresh_from_db()
    assert cin_plan.version == 2
    saved = PlanAction.objects.get(plan=cin_plan)
    assert saved.owner_person_id == child.mother.pk


def test_a_stale_save_is_refused_with_a_message(cin_plan, personas, client_for):
    client = client_for(personas["allocated_worker"])
    opened = form_data(cin_plan, outcomes=[{"text": "Stays with grandmother"}])
    services.save_content(
        actor=personas["team_manager"],
        plan_id=cin_plan.pk,
        version=1,
        outcomes=[{"text": "Saved first"}],
        actions=[],
        contingencies=[],
    )
    response = client.post(reverse("plans:edit", args=[cin_plan.pk]), opened)
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in response.content.decode()
    assert [o.text for o in cin_plan.outcomes.all()] == ["Saved first"]


def test_errors_are_shown_beside_the_field(cin_plan, personas, client_for):
    client = client_for(personas["allocated_worker"])
    response = client.post(
        reverse("plans:edit", args=[cin_plan.pk]),
        form_data(cin_plan, actions=[{"measure": "Something", "done_note": "Went"}]),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_actions-0-what"' in html
    assert "Enter what will be done" in html
    assert not PlanAction.objects.exists()


def test_check_the_plan_without_javascript(cin_plan, personas, client_for):
    client = client_for(personas["allocated_worker"])
    response = client.post(
        reverse("plans:edit", args=[cin_plan.pk]),
        form_data(cin_plan, actions=[ACTION_NO_OWNER], check="1"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    slot = html[html.index('id="findings-actions-0"') :]
    assert "does not say who will do it" in slot[: slot.index("</div>")]
    assert not PlanAction.objects.exists()  # checking saves nothing


def test_the_checks_fragment_for_htmx(cin_plan, personas, client_for):
    client = client_for(personas["allocated_worker"])
    url = reverse("plans:check", args=[cin_plan.pk])
    assert client.get(url).status_code == 405
    response = client.post(
        url,
        form_data(
            cin_plan,
            outcomes=[{"text": "Maisie goes to school"}],
            actions=[ACTION_NO_OWNER, {"what": "", "measure": ""}],
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    assert html.lstrip().startswith('<div id="plan-findings"')
    slots = dict(
        re.findall(
            r'<div id="findings-([a-z]+-\d+)"[^>]*hx-swap-oob="true">(.*?)</div>', html, re.S
        )
    )
    assert set(slots) == {"outcomes-0", "actions-0", "actions-1"}
    assert "does not say who will do it" in slots["actions-0"]
    assert "does not say how we will know it has been achieved" in slots["outcomes-0"]
    assert slots["actions-1"].strip() == ""  # a blank row is not checked
    assert "does not say what will happen if things do not change" in html
    assert not PlanAction.objects.exists()


def test_those_who_cannot_see_the_child_cannot_check(cin_plan, personas, client_for):
    response = client_for(personas["other_team_worker"]).post(
        reverse("plans:check", args=[cin_plan.pk]), form_data(cin_plan)
    )
    assert response.status_code == 403
    assert "Maisie" not in response.content.decode()
