"""The assessment pages through the client: the link from the child's record, starting one,
recording a part, completing with parts missing (each message beside its part), the page's
same-day and late tags, and authorising (managers only, not the author)."""

import datetime as dt

import pytest
from django.urls import reverse

from kinfold.assessments import services
from kinfold.assessments.models import Assessment

from .conftest import at

pytestmark = pytest.mark.django_db


def date_post(name: str, day: dt.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def worker_client(client_for, personas):
    return client_for(personas["allocated_worker"])


def test_the_childs_record_links_to_the_assessments(referral, worker_client, child):
    page = worker_client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert reverse("assessments:for-child", args=[child.pk]) in page
    page = worker_client.get(reverse("assessments:for-child", args=[child.pk])).content.decode()
    assert reverse("assessments:start", args=[referral.involvement_id]) in page


def test_start_record_complete_and_authorise(referral, worker_client, personas, client_for):
    url = reverse("assessments:start", args=[referral.involvement_id])
    response = worker_client.post(
        url,
        {
            **date_post("started_on", dt.date(2025, 12, 17)),
            "social_worker": personas["allocated_worker"].pk,
        },
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:assessment", args=[assessment.pk])

    # Completing with nothing recorded: refused, each message beside its part.
    response = worker_client.post(
        reverse("assessments:complete", args=[assessment.pk]),
        {**date_post("completed_on", dt.date(2025, 12, 17)), "version": assessment.version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Record the factors identified before completing" in page
    assert "Record the outcome before completing" in page
    assert Assessment.objects.get().completed_on is None

    parts = {
        "factors": {"factors": ["16A", "4B"]},
        "seen": {**date_post("seen_alone_on", dt.date(2025, 12, 17))},
        "views": {"child_views": "Misses her dad.", "parents_views_reason": "Mum declined."},
        "analysis": {"analysis": "Neglect of routines; mum's low mood."},
        "outcome": {"outcome": "cin_plan", "outcome_reason": "Support with routines."},
    }
    for part, data in parts.items():
        version = Assessment.objects.get().version
        response = worker_client.post(
            reverse("assessments:part", args=[assessment.pk, part]), {**data, "version": version}
        )
        assert response.status_code == 302, (part, response.content.decode()[:2000])
    assessment.refresh_from_db()
    assert assessment.child_seen_on == dt.date(2025, 12, 17)  # seen alone, so seen
    assert set(assessment.factors.values_list("code", flat=True)) == {"16A", "4B"}

    response = worker_client.post(
        reverse("assessments:complete", args=[assessment.pk]),
        {**date_post("completed_on", dt.date(2025, 12, 17)), "version": assessment.version},
    )
    assert response.status_code == 302
    page = worker_client.get(reverse("assessments:assessment", args=[assessment.pk]))
    text = page.content.decode()
    assert "Same day" in text
    assert "Started and completed on the same day" in text
    assert "Child in need plan" in text

    # The allocated worker may not authorise; the team manager does.
    assert (
        worker_client.get(reverse("assessments:authorise", args=[assessment.pk])).status_code == 403
    )
    manager = client_for(personas["team_manager"])
    response = manager.post(
        reverse("assessments:authorise", args=[assessment.pk]),
        {**date_post("authorised_on", dt.date(2025, 12, 17)), "version": assessment.version + 1},
    )
    assert response.status_code == 302
    assert Assessment.objects.get().authorised_by == personas["team_manager"]


def test_a_refused_part_shows_the_message_beside_the_field(referral, worker_client, personas):
    assessment = services.start_assessment(
        actor=personas["allocated_worker"],
        involvement_id=referral.involvement_id,
        started_on=dt.date(2025, 12, 17),
    )
    response = worker_client.post(
        reverse("assessments:part", args=[assessment.pk, "views"]),
        {"parents_views": "Dad is worried.", "version": assessment.version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_child_views_1_error"' in page
    assert "Enter the child&#x27;s views and wishes, or why they are not recorded" in page
    assert Assessment.objects.get().views_recorded_at is None


def test_an_open_assessment_past_its_due_date_shows_late(referral, client_for, personas, clock):
    assessment = services.start_assessment(
        actor=personas["allocated_worker"],
        involvement_id=referral.involvement_id,
        started_on=dt.date(2025, 12, 17),
    )
    clock.move_to(at(dt.date(2026, 2, 23)))
    # Signed in after the clock moved (a session idle for weeks has expired).
    worker_client = client_for(personas["allocated_worker"])
    page = worker_client.get(reverse("assessments:assessment", args=[assessment.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "46 of 45 so far" in " ".join(text.split())
    assert "Late" in text


def test_start_before_the_referral_is_refused_beside_the_date(referral, worker_client, personas):
    response = worker_client.post(
        reverse("assessments:start", args=[referral.involvement_id]),
        {
            **date_post("started_on", dt.date(2025, 12, 10)),
            "social_worker": personas["allocated_worker"].pk,
        },
    )
    assert response.status_code == 200
    assert "cannot start before the referral" in response.content.decode()
    assert not Assessment.objects.exists()
