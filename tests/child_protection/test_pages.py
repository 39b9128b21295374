"""Child protection pages through the client: the overview from the child's record, and each
form — a refusal shown beside its field with nothing saved, and the record made."""

import datetime as dt

import pytest
from django.urls import reverse

from kinfold.child_protection.models import (
    CoreGroup,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.plans.models import PlanAction

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _rows(prefix, rows):
    data = {}
    for i, row in enumerate(rows, start=1):
        for key, value in row.items():
            data[f"{prefix}_{i}_{key}"] = value
    return data


DISCUSSION = {
    **_date("held_on", dt.date(2026, 1, 13)),
    "held_time": "10:00",
    "type": "meeting",
    "information": "School saw bruising.",
    "s47_decided": "yes",
    "reasons": "Reasonable cause to suspect significant harm.",
}
ATTENDANCE = _rows(
    "attendee",
    [
        {"name": "Grace Okafor", "agency": "family", "attendance": "attended"},
        {"name": "DC Lowe", "agency": "police", "attendance": "report_sent"},
    ],
)


def test_the_childs_record_links_to_child_protection(client_for, personas, child, episode):
    page = client_for(personas["allocated_worker"]).get(reverse("people:detail", args=[child.pk]))
    assert reverse("child_protection:overview", args=[child.pk]) in page.content.decode()


def test_a_strategy_discussion_without_health_is_refused_beside_the_form(
    client_for, personas, child, episode
):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:strategy-discussion-new", args=[child.pk])
    assert client.get(url).status_code == 200
    data = {
        **DISCUSSION,
        **_rows(
            "participant",
            [
                {"agency": "social_care", "name": "Asha Patel"},
                {"agency": "police", "name": "DC Lowe"},
            ],
        ),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A strategy discussion needs the police and health" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not StrategyDiscussion.objects.exists()
    data["participant_3_agency"], data["participant_3_name"] = "health", "Nurse Begum"
    response = client.post(url, data)
    assert response.status_code == 302
    discussion = StrategyDiscussion.objects.get()
    assert discussion.participants.count() == 3 and discussion.type == "meeting"


def test_a_row_without_a_name_is_shown_beside_that_row(client_for, personas, child, episode):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:strategy-discussion-new", args=[child.pk])
    data = {
        **DISCUSSION,
        **_rows(
            "participant",
            [
                {"agency": "police", "name": "DC Lowe"},
                {"agency": "", "name": ""},
                {"agency": "", "name": "Nurse Begum"},
            ],
        ),
    }
    response = client.post(url, data)
    form = response.context["form"]
    assert form.errors["participant_3_agency"] == ["Choose the agency of participant 3"]
    assert not StrategyDiscussion.objects.exists()


def test_the_enquiry_and_its_outcome_through_the_pages(client_for, personas, discussion):
    client = client_for(personas["allocated_worker"])
    response = client.post(
        reverse("child_protection:s47-start", args=[discussion.pk]),
        _date("started_on", dt.date(2026, 1, 13)),
    )
    enquiry = Section47Enquiry.objects.get()
    assert response.url == reverse("child_protection:s47", args=[enquiry.pk])
    page = client.get(response.url).content.decode()
    assert "No outcome recorded" in page and "3 February 2026" in page
    url = reverse("child_protection:s47", args=[enquiry.pk])
    response = client.post(url, {**_date("completed_on", dt.date(2026, 1, 27)), "findings": "x"})
    assert "Choose the outcome of the section 47 enquiry" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.is_open
    response = client.post(
        url,
        {
            **_date("completed_on", dt.date(2026, 1, 27)),
            "outcome": "substantiated",
            "icpc_needed": "yes",
            "findings": "Maisie said she was grabbed.",
            "version": enquiry.version,
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.outcome == "substantiated" and enquiry.icpc_needed is True


def test_an_icpc_before_the_discussion_and_a_plan_without_category_are_refused(
    client_for, personas, completed
):
    client = client_for(personas["iro"])
    url = reverse("child_protection:icpc-new", args=[completed.pk])
    data = {
        **_date("held_on", dt.date(2026, 1, 12)),
        **ATTENDANCE,
        "decision": "plan",
        "category": "",
        "chair": personas["iro"].pk,
        "reasons": "Risk of harm.",
    }
    page = client.post(url, data).content.decode()
    assert "The conference cannot be before the strategy discussion (13 January 2026)" in page
    assert "Choose the category of the child protection plan" in page
    assert not InitialConference.objects.exists()
    data.update(_date("held_on", dt.date(2026, 2, 2)), category="NEG")
    response = client.post(url, data)
    assert response.status_code == 302
    conference = InitialConference.objects.get()
    assert conference.plan.category == "NEG"
    overview = client.get(reverse("child_protection:overview", args=[completed.person_id]))
    content = overview.content.decode()
    assert "Neglect" in content and "16 February 2026" in content and "2 May 2026" in content


def test_a_core_group_and_a_review_through_the_pages(client_for, personas, conference):
    plan = conference.plan
    action = PlanAction.objects.create(plan=plan, what="Attend the parenting course")
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:core-group-new", args=[plan.pk])
    assert "Attend the parenting course" in client.get(url).content.decode()
    data = {
        **_date("held_on", dt.date(2026, 2, 13)),
        "attendees": "Mum\nNurse Begum",
        "minutes": "Reviewed.",
    }
    response = client.post(url, data)
    assert "Enter the progress on" in response.content.decode()
    assert not CoreGroup.objects.exists()
    data.update(
        {f"action_{action.pk}_progress": "Started.", f"action_{action.pk}_status": "on_track"}
    )
    assert client.post(url, data).status_code == 302
    assert CoreGroup.objects.get().progress.get().status == "on_track"
    review = reverse("child_protection:review-new", args=[plan.pk])
    response = client.post(
        review,
        {
            **_date("held_on", dt.date(2026, 4, 30)),
            **ATTENDANCE,
            "decision": "step_down",
            "end_reason": "No longer at risk of significant harm",
            "chair": personas["iro"].pk,
            "summary": "Good progress.",
        },
    )
    assert response.status_code == 302
    assert ReviewConference.objects.get().decision == "step_down"
    plan.refresh_from_db()
    assert not plan.is_open
    # An ended plan's forms go back to the overview.
    assert client.get(url).status_code == 302


def test_a_performance_officer_reads_but_does_not_record(client_for, personas, child, episode):
    client = client_for(personas["performance_officer"])
    assert client.get(reverse("child_protection:overview", args=[child.pk])).status_code == 200
    url = reverse("child_protection:strategy-discussion-new", args=[child.pk])
    assert client.get(url).status_code == 403
