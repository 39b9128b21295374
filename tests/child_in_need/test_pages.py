"""Children in need pages through the client: the episode, starting the plan, a review, and
closing (what is open listed first; refused while a plan is open; closed with a reason)."""

import datetime as dt

import pytest
from django.urls import reverse

from kinfold.child_in_need.models import CINClosure, CINPlanReview
from kinfold.plans.models import Plan
from kinfold.plans.services import end_plan

pytestmark = pytest.mark.django_db


def date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_starting_the_plan(episode, personas, client_for):
    worker = personas["allocated_worker"]
    client = client_for(worker)
    page = client.get(reverse("child_in_need:episode", args=[episode.pk]))
    assert page.status_code == 200
    assert reverse("child_in_need:start-plan", args=[episode.pk]) in page.content.decode()
    url = reverse("child_in_need:start-plan", args=[episode.pk])
    refused = client.post(url, {**date("started_on", dt.date(2026, 3, 11)), "owner": worker.pk})
    assert "The plan&#x27;s start date must be today or in the past" in refused.content.decode()
    response = client.post(url, {**date("started_on", dt.date(2026, 3, 2)), "owner": worker.pk})
    plan = Plan.objects.get(person=episode.person, kind="cin")
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:edit", args=[plan.pk]
    )
    assert plan.owner == worker and plan.next_visit_due_on == dt.date(2026, 3, 30)
    again = client.get(url)
    assert 'id="existing-plan"' in again.content.decode()


def test_recording_a_review(cin_plan, personas, client_for):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_in_need:review", args=[cin_plan.pk])
    page = client.get(url)
    assert "The review is due by 2 May 2026" in page.content.decode()
    empty = client.post(url, {"version": cin_plan.version, **date("held_on", dt.date(2026, 3, 9))})
    assert "Enter the child&#x27;s views, or why they could not be given" in (
        empty.content.decode()
    )
    response = client.post(
        url,
        {
            "version": cin_plan.version,
            **date("held_on", dt.date(2026, 3, 9)),
            "attendees": "Mother, school",
            "child_views": "Happy at school",
            "family_views": "Mother agrees",
            "progress": "Better",
            "decision": "continue",
        },
    )
    assert response.status_code == 302
    assert CINPlanReview.objects.get().next_review_due_on == dt.date(2026, 6, 9)


def test_closing_lists_what_is_open_then_closes(cin_plan, episode, personas, client_for):
    url = reverse("child_in_need:close", args=[episode.pk])
    assert client_for(personas["allocated_worker"]).get(url).status_code == 403
    client = client_for(personas["team_manager"])
    page = client.get(url).content.decode()
    assert "The child in need plan started on 2 February 2026 is still open" in page
    data = {"version": episode.version, **date("closed_on", dt.date(2026, 3, 10)), "reason": "RC7"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert not CINClosure.objects.exists()
    end_plan(
        actor=personas["team_manager"],
        plan_id=cin_plan.pk,
        ended_on=dt.date(2026, 3, 9),
        reason="Outcomes met",
    )
    episode.refresh_from_db()
    response = client.post(url, {**data, "version": episode.version})
    assert response.status_code == 302
    assert CINClosure.objects.get().reason == "RC7"
    page = client.get(reverse("child_in_need:episode", args=[episode.pk])).content.decode()
    assert "Closed on 10 March 2026: RC7" in page
