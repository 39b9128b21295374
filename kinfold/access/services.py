"""Access actions: second-factor devices and breaking the glass. Each writes the audit log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfold.people.models import Person
from kinfold.workforce.models import Role, Worker

from . import audit
from .models import AuditAction, BreakGlass, RestrictedAccess

BREAK_GLASS_HOURS = getattr(settings, "KINFOLD_BREAK_GLASS_HOURS", 8)


def pending_totp_device(*, worker: Worker) -> TOTPDevice:
    """The worker's unconfirmed authenticator, created on first use."""
    device = TOTPDevice.objects.filter(user=worker, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=worker, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, worker: Worker, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(worker=worker, action=AuditAction.EDIT, obj=device, detail={"totp": "confirmed"})
    return True


@transaction.atomic
def break_glass(*, worker: Worker, person: Person, reason: str) -> BreakGlass:
    """Record a worker's reason to see a record outside their access; grants a few hours."""
    now = timezone.now()
    event = BreakGlass.objects.create(
        person=person,
        worker=worker,
        reason=reason,
        at=now,
        expires_at=now + dt.timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit.record(
        worker=worker,
        action=AuditAction.BREAK_GLASS,
        obj=person,
        reason=reason,
        detail={"restricted": person.restricted, "expires_at": event.expires_at.isoformat()},
    )
    return event


@transaction.atomic
def acknowledge_break_glass(*, manager: Worker, event: BreakGlass) -> None:
    event.reviewed_by = manager
    event.reviewed_at = timezone.now()
    BreakGlass.objects.filter(pk=event.pk).update(
        reviewed_by=manager, reviewed_at=event.reviewed_at
    )
    audit.record(
        worker=manager, action=AuditAction.EDIT, obj=event, detail={"break_glass": "acknowledged"}
    )


class RestrictionError(Exception):
    """A restriction change that cannot be made, with the message to show."""


def can_manage_restriction(*, worker: Worker, person: Person) -> bool:
    """Administrators and the record's restriction manager; before a record is restricted,
    a team manager who can see it may restrict it."""
    from .guards import is_administrator
    from .visibility import check_person

    if is_administrator(worker):
        return True
    if person.restricted:
        return person.restriction_manager_id == worker.pk
    return worker.role == Role.TEAM_MANAGER and check_person(worker, person).allowed


@transaction.atomic
def restrict_person(*, worker: Worker, person: Person, reason: str, manager: Worker) -> None:
    """Restrict a record (adoption, staff's own relatives, high profile): from now on only the
    manager and the workers they name see its content."""
    if not can_manage_restriction(worker=worker, person=person):
        raise RestrictionError("You cannot restrict this record")
    Person.objects.filter(pk=person.pk).update(
        restricted=True, restriction_reason=reason, restriction_manager=manager
    )
    audit.record(
        worker=worker,
        action=AuditAction.EDIT,
        obj=person,
        reason=reason,
        detail={"restricted": True, "manager": manager.pk},
    )


@transaction.atomic
def lift_restriction(*, worker: Worker, person: Person, reason: str) -> None:
    if not can_manage_restriction(worker=worker, person=person):
        raise RestrictionError("Only the record's restriction manager or an administrator can")
    Person.objects.filter(pk=person.pk).update(restricted=False)
    RestrictedAccess.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit.record(
        worker=worker,
        action=AuditAction.EDIT,
        obj=person,
        reason=reason,
        detail={"restricted": False},
    )


@transaction.atomic
def name_worker_on_restricted(*, worker: Worker, person: Person, named: Worker) -> RestrictedAccess:
    if not can_manage_restriction(worker=worker, person=person):
        raise RestrictionError("Only the record's restriction manager or an administrator can")
    if not person.restricted:
        raise RestrictionError("The record is not restricted")
    if RestrictedAccess.objects.filter(
        person=person, worker=named, revoked_at__isnull=True
    ).exists():
        raise RestrictionError(f"{named.get_full_name()} can already see this record")
    grant = RestrictedAccess.objects.create(person=person, worker=named, granted_by=worker)
    audit.record(
        worker=worker,
        action=AuditAction.EDIT,
        obj=person,
        detail={"restricted_access_granted_to": named.pk},
    )
    return grant


@transaction.atomic
def revoke_restricted_access(*, worker: Worker, grant: RestrictedAccess) -> None:
    if not can_manage_restriction(worker=worker, person=grant.person):
        raise RestrictionError("Only the record's restriction manager or an administrator can")
    RestrictedAccess.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    audit.record(
        worker=worker,
        action=AuditAction.EDIT,
        obj=grant.person,
        detail={"restricted_access_revoked_from": grant.worker_id},
    )
