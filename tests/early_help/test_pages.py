"""Early help's pages through the client: the hub's list, setting up with a lead, the episode
page with its plan, reviews and history, the error summary for bad input, stepping up, and
the step down reached from the child's record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfold.early_help import services
from kinfold.early_help.models import EarlyHelpEpisode
from kinfold.journey.models import Involvement
from kinfold.journey.services import open_involvement

pytestmark = pytest.mark.django_db


def date_parts(name: str, day: dt.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_the_hub_lists_the_child_awaiting_a_lead(client_for, hub, early_help):
    page = client_for(hub["manager"]).get(reverse("early_help:hub")).content.decode()
    assert "Awaiting a lead practitioner (1)" in page
    assert reverse("early_help:episode", args=[early_help.pk]) in page


def test_the_hub_does_not_name_a_child_the_worker_cannot_see(
    client_for, hub, early_help, family, personas, org
):
    from tests.factories import AllocationFactory

    AllocationFactory(
        person=family["child"], worker=personas["allocated_worker"], team=org["north_childrens"]
    )
    page = client_for(personas["other_team_worker"]).get(reverse("early_help:hub"))
    assert "Achterberg" not in page.content.decode()


def test_set_up_through_the_form(client_for, hub, early_help, family):
    client = client_for(hub["manager"])
    url = reverse("early_help:set-up", args=[early_help.pk])
    form = client.get(url)
    assert "Ingrid Achterberg" in form.content.decode()  # offered as a family member
    response = client.post(
        url,
        {
            **date_parts("started_on", early_help.started_on),
            "lead_worker": hub["family_worker"].pk,
            "reason": "Routines have broken down since the move.",
            f"member_{family['mother'].pk}": "parent_carer",
            f"member_{family['brother'].pk}": "",
        },
    )
    assert response.status_code == 302
    episode = EarlyHelpEpisode.objects.get(involvement=early_help)
    assert [m.person for m in episode.family_members.all()] == [family["mother"]]
    page = client.get(reverse("early_help:episode", args=[early_help.pk])).content.decode()
    assert str(hub["family_worker"]) in page
    assert "Came from" in page and "Front door" in page


def test_set_up_without_a_lead_shows_the_error_beside_the_field(client_for, hub, early_help):
    response = client_for(hub["manager"]).post(
        reverse("early_help:set-up", args=[early_help.pk]),
        {**date_parts("started_on", early_help.started_on), "reason": "Routines."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the lead practitioner" in page
    assert not EarlyHelpEpisode.objects.exists()


def test_a_family_worker_cannot_open_the_set_up_form(client_for, hub, early_help):
    response = client_for(hub["family_worker"]).get(
        reverse("early_help:set-up", args=[early_help.pk])
    )
    assert response.status_code == 403


@pytest.fixture
def episode(hub, family, early_help):
    return services.set_up_episode(
        actor=hub["manager"],
        involvement_id=early_help.pk,
        started_on=early_help.started_on,
        lead=services.Lead(worker=hub["family_worker"]),
        reason="Routines have broken down.",
    )


def test_plan_and_review_through_the_forms(client_for, hub, episode, early_help):
    client = client_for(hub["family_worker"])
    today = timezone.localdate()
    response = client.post(
        reverse("early_help:plan", args=[early_help.pk]),
        {
            "version": episode.version,
            **date_parts("agreed_on", today),
            "outcomes": "Ruby sleeps by 8pm\nRuby attends school",
            "action_1_what": "Bedtime chart",
            "action_1_who": "Mum",
            **date_parts("action_1_due_on", today + dt.timedelta(days=10)),
        },
    )
    assert response.status_code == 302, response.content.decode()
    episode.refresh_from_db()
    response = client.post(
        reverse("early_help:review", args=[early_help.pk]),
        {"version": episode.version, **date_parts("held_on", today), "progress": "Calmer."},
    )
    assert response.status_code == 302
    page = client.get(reverse("early_help:episode", args=[early_help.pk])).content.decode()
    assert "Ruby sleeps by 8pm" in page and "Bedtime chart" in page and "Calmer." in page


def test_a_review_before_the_start_is_shown_beside_the_date(client_for, hub, episode, early_help):
    response = client_for(hub["family_worker"]).post(
        reverse("early_help:review", args=[early_help.pk]),
        {
            "version": episode.version,
            **date_parts("held_on", episode.started_on - dt.timedelta(days=3)),
            "progress": "Calmer.",
        },
    )
    assert response.status_code == 200
    assert "on or after early help started" in response.content.decode()


def test_end_through_the_form(client_for, hub, episode, early_help):
    response = client_for(hub["family_worker"]).post(
        reverse("early_help:end", args=[early_help.pk]),
        {
            "version": episode.version,
            **date_parts("ended_on", timezone.localdate()),
            "reason": "moved_away",
        },
    )
    assert response.status_code == 302
    early_help.refresh_from_db()
    assert early_help.end_reason == "Moved away"


def test_step_up_through_the_form(client_for, hub, episode, early_help, family):
    response = client_for(hub["family_worker"]).post(
        reverse("early_help:step-up", args=[early_help.pk]),
        {"version": episode.version, "primary_need": "N1", "route": "strategy", "reason": "Hurt"},
    )
    assert response.status_code == 302
    cin = Involvement.objects.get(person=family["child"], stage="child_in_need")
    assert cin.stepped_from == early_help
    page = client_for(hub["manager"]).get(reverse("early_help:episode", args=[early_help.pk]))
    assert "Went on to" in page.content.decode()


def test_step_down_is_linked_from_the_childs_record(client_for, personas, family, org, hub):
    cin = open_involvement(
        actor=personas["team_manager"],
        person=family["child"],
        stage="child_in_need",
        started_on=timezone.localdate() - dt.timedelta(days=30),
        team=org["north_assessment"],
    )
    client = client_for(personas["team_manager"])
    record = client.get(reverse("people:detail", args=[family["child"].pk])).content.decode()
    url = reverse("early_help:step-down", args=[cin.pk])
    assert url in record
    response = client.post(url, {"version": cin.version, "closure_reason": "RC9", "reason": ""})
    assert "Enter why the child is stepping down to early help" in response.content.decode()
    response = client.post(
        url, {"version": cin.version, "closure_reason": "RC9", "reason": "Needs met by EH"}
    )
    assert response.status_code == 302
    opened = Involvement.objects.get(person=family["child"], stage="early_help")
    assert opened.stepped_from == cin
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting a lead practitioner" in page and "Child in need" in page
