"""Break glass: a recorded reason opens a record for a few hours and is shown to its manager."""

import datetime as dt

import time_machine
from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent, BreakGlass


def test_out_of_reach_record_shows_who_holds_it_and_is_audited(personas, child, client_for):
    response = client_for(personas["other_team_worker"]).get(
        reverse("people:detail", args=[child.pk])
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "held by another team" in body
    assert personas["team_manager"].get_full_name() in body
    assert child.given_name not in body
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert denied.worker == personas["other_team_worker"]
    assert denied.object_id == str(child.pk)


def test_restricted_record_names_who_to_ask(personas, child, client_for):
    child.restricted = True
    child.restriction_manager = personas["team_manager"]
    child.save()
    response = client_for(personas["iro"]).get(reverse("people:detail", args=[child.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "This record is restricted" in body
    assert personas["team_manager"].get_full_name() in body
    assert child.family_name not in body


def test_a_reason_is_required(personas, child, client_for):
    client = client_for(personas["other_team_worker"])
    response = client.post(reverse("access:break-glass", args=[child.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Enter why you need to see this record" in response.content.decode()
    assert not BreakGlass.objects.exists()


def test_breaking_the_glass_opens_the_record_for_hours_and_tells_the_manager(
    personas, child, client_for
):
    worker = personas["other_team_worker"]
    client = client_for(worker)
    reason = "Police called out of hours: child reported missing from school"
    with time_machine.travel(dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC), tick=False):
        response = client.post(reverse("access:break-glass", args=[child.pk]), {"reason": reason})
        assert response.status_code == 302
        assert client.get(reverse("people:detail", args=[child.pk])).status_code == 200
        event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
        assert event.reason == reason and event.worker == worker
        view = AuditEvent.objects.filter(action=AuditAction.VIEW).latest("seq")
        assert view.detail["break_glass"] is True
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        next_morning = client_for(worker)
        assert next_morning.get(reverse("people:detail", args=[child.pk])).status_code == 403

    manager = client_for(personas["team_manager"])
    page = manager.get(reverse("access:break-glass-reviews")).content.decode()
    assert reason in page and worker.get_full_name() in page
    # Someone else's manager does not see it.
    other = client_for(personas["iro"]).get(reverse("access:break-glass-reviews")).content.decode()
    assert reason not in other

    glass = BreakGlass.objects.get()
    response = manager.post(reverse("access:break-glass-acknowledge", args=[glass.pk]))
    assert response.status_code == 302
    glass.refresh_from_db()
    assert glass.reviewed_by == personas["team_manager"]


def test_only_the_records_manager_can_mark_it_reviewed(personas, child, client_for):
    from kinfold.access import services

    glass = services.break_glass(
        worker=personas["other_team_worker"], person=child, reason="Out of hours call from police"
    )
    response = client_for(personas["other_team_worker"]).post(
        reverse("access:break-glass-acknowledge", args=[glass.pk])
    )
    assert response.status_code == 403
    glass.refresh_from_db()
    assert glass.reviewed_at is None


def test_who_has_looked_at_this_child_is_for_administrators(personas, child, client_for):
    client_for(personas["allocated_worker"]).get(reverse("people:detail", args=[child.pk]))
    url = reverse("access:person-audit", args=[child.pk])
    assert client_for(personas["team_manager"]).get(url).status_code == 403
    response = client_for(personas["admin"]).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert personas["allocated_worker"].get_full_name() in body
    assert "Viewed a record" in body
