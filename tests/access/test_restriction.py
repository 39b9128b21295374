"""Restricting a record, naming who may see it, revoking, lifting — all audited."""

from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent, RestrictedAccess
from kinfold.access.visibility import Access, check_person


def test_a_team_manager_restricts_a_record_and_names_a_worker(personas, child, client_for):
    manager = client_for(personas["team_manager"])
    url = reverse("access:restriction", args=[child.pk])
    response = manager.post(
        url,
        {"restrict-reason": "Adoption placement", "restrict-manager": "manager", "submit": "x"},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.restricted and child.restriction_manager == personas["team_manager"]
    assert check_person(personas["allocated_worker"], child).access is Access.RESTRICTED

    manager.post(url, {"name-username": "allocated", "name_worker": "x"})
    assert check_person(personas["allocated_worker"], child).allowed

    grant = RestrictedAccess.objects.get(person=child, worker=personas["allocated_worker"])
    manager.post(url, {"revoke": grant.pk})
    assert check_person(personas["allocated_worker"], child).access is Access.RESTRICTED

    manager.post(url, {"lift-reason": "Adoption order made; no longer needed", "lift": "x"})
    child.refresh_from_db()
    assert not child.restricted
    assert check_person(personas["allocated_worker"], child).allowed
    assert AuditEvent.objects.filter(action=AuditAction.EDIT, object_id=str(child.pk)).count() == 4


def test_bad_input_is_shown_beside_the_field_and_nothing_changes(personas, child, client_for):
    manager = client_for(personas["team_manager"])
    url = reverse("access:restriction", args=[child.pk])
    response = manager.post(
        url, {"restrict-reason": "", "restrict-manager": "nobody-here", "submit": "x"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter why this record must be restricted" in body
    assert "There is no active worker with that username" in body
    child.refresh_from_db()
    assert not child.restricted


def test_only_the_restriction_manager_or_an_administrator_manages_access(
    personas, child, client_for
):
    child.restricted = True
    child.restriction_manager = personas["team_manager"]
    child.save()
    url = reverse("access:restriction", args=[child.pk])
    assert client_for(personas["allocated_worker"]).get(url).status_code == 403
    assert client_for(personas["iro"]).get(url).status_code == 403
    assert client_for(personas["admin"]).get(url).status_code == 200
    response = client_for(personas["allocated_worker"]).post(
        url, {"name-username": "allocated", "name_worker": "x"}
    )
    assert response.status_code == 403
    assert not RestrictedAccess.objects.exists()


def test_a_social_worker_cannot_restrict(personas, child, client_for):
    url = reverse("access:restriction", args=[child.pk])
    assert client_for(personas["allocated_worker"]).get(url).status_code == 403
