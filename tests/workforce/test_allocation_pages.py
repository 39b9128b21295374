"""The allocation pages: a team manager allocates a child and ends an allocation; bad input
is refused beside the field and changes nothing; others cannot allocate."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from kinfold.journey.models import Event
from kinfold.workforce.models import Allocation, AllocationRole
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 3, 10, 14, 0), tick=False):
        yield


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_a_team_manager_changes_the_social_worker(client_for, personas, org, child):
    colleague = WorkerFactory(username="colleague", team=org["north_childrens"])
    client = client_for(personas["team_manager"])
    url = reverse("workforce:allocate", args=[child.pk])
    record = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert f'href="{url}"' in record  # the record offers a manager to allocate
    page = client.get(url).content.decode()
    assert colleague.get_full_name() in page
    assert personas["other_team_worker"].get_full_name() not in page  # not in the team
    response = client.post(
        url,
        {
            "worker": colleague.pk,
            "role": AllocationRole.SOCIAL_WORKER,
            "reason": "Previous worker on long-term leave",
            **_date("start_date", dt.date(2026, 3, 9)),
        },
    )
    assert response.status_code == 302
    current = Allocation.objects.get(person=child, end_date__isnull=True)
    assert current.worker == colleague and current.team == org["north_childrens"]
    previous = Allocation.objects.get(person=child, worker=personas["allocated_worker"])
    assert previous.end_date == dt.date(2026, 3, 8)
    assert previous.end_reason == "Previous worker on long-term leave"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_date": dt.date(2026, 3, 11)}, "today or in the past"),
        ({"reason": ""}, "Enter the reason for the allocation"),
        ({"role": "wizard"}, "Choose a role from the list"),
    ],
)
def test_bad_allocations_show_the_message_and_change_nothing(
    client_for, personas, org, child, data, message
):
    colleague = WorkerFactory(username="colleague", team=org["north_childrens"])
    start = data.pop("start_date", dt.date(2026, 3, 9))
    post = {
        "worker": colleague.pk,
        "role": AllocationRole.SOCIAL_WORKER,
        "reason": "Cover",
        **_date("start_date", start),
    } | data
    response = client_for(personas["team_manager"]).post(
        reverse("workforce:allocate", args=[child.pk]), post
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert Allocation.objects.filter(person=child).count() == 1
    assert not Event.objects.filter(person=child).exists()


def test_an_allocation_cannot_end_before_it_started(client_for, personas, child):
    allocation = Allocation.objects.get(person=child)
    url = reverse("workforce:end-allocation", args=[allocation.pk])
    response = client_for(personas["team_manager"]).post(
        url,
        {
            "reason": "Case closed",
            **_date("end_date", allocation.start_date - dt.timedelta(days=1)),
        },
    )
    assert "The allocation cannot end before it started" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.end_date is None
    response = client_for(personas["team_manager"]).post(
        url, {"reason": "Case closed", **_date("end_date", dt.date(2026, 3, 10))}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.end_date == dt.date(2026, 3, 10) and allocation.end_reason == "Case closed"


@pytest.mark.parametrize("persona", ["allocated_worker", "performance_officer"])
def test_workers_who_do_not_allocate_are_refused(client_for, personas, child, persona):
    response = client_for(personas[persona]).get(reverse("workforce:allocate", args=[child.pk]))
    assert response.status_code == 403
    assert "You cannot allocate" in response.content.decode()


def test_the_worker_page_lists_supervision_only_to_those_who_may_see_it(
    client_for, personas, child
):
    from kinfold.journey.oversight_services import Discussion, record_supervision

    worker = personas["allocated_worker"]
    supervision = record_supervision(
        actor=personas["team_manager"],
        supervisee=worker,
        held_on=dt.date(2026, 3, 9),
        discussions=[Discussion(person=child, discussion="Progress.", decision="Continue.")],
    )
    link = reverse("journey:supervision", args=[supervision.pk])
    page = reverse("workforce:worker", args=[worker.pk])
    for persona in ("allocated_worker", "team_manager", "admin"):
        assert link in client_for(personas[persona]).get(page).content.decode(), persona
    for persona in ("other_team_worker", "iro"):
        assert link not in client_for(personas[persona]).get(page).content.decode(), persona
