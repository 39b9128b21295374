"""Partner API tokens: issuing (the token is returned once, only its hash kept), revoking, and
checking a presented token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.guards import is_administrator
from kinfold.access.models import AuditAction
from kinfold.front_door.models import PartnerOrganisation
from kinfold.workforce.models import Worker

from .models import PartnerToken

TOKEN_PREFIX = "kf_"  # noqa: S105 - the start of every token, not a secret
PREFIX_LENGTH = 10
# last_used_at is written at most this often per token (not on every call).
LAST_USED_EVERY = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    record: PartnerToken
    token: str  # shown to the administrator once, never stored


def _require_administrator(actor: Worker | None) -> None:
    # None: issued from the command line by someone with access to the server.
    if actor is not None and not is_administrator(actor):
        raise PermissionDenied("Only system administrators manage API tokens")


@transaction.atomic
def issue_token(*, actor: Worker | None, partner: PartnerOrganisation, name: str) -> IssuedToken:
    """A new token for a partner's system. The token is in the result and nowhere else."""
    _require_administrator(actor)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter what the token is for"
    elif len(name) > 100:
        errors["name"] = "What the token is for must be 100 characters or fewer"
    elif PartnerToken.objects.filter(partner=partner, name=name, revoked_at__isnull=True).exists():
        errors["name"] = f"{partner} already has an active token called '{name}'"
    if not partner.active:
        errors["partner"] = f"{partner} is not active: make it active first"
    if errors:
        raise ValidationError(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            record = PartnerToken.objects.create(
                partner=partner,
                name=name,
                token_hash=token_hash(token),
                prefix=token[:PREFIX_LENGTH],
                created_by=actor,
            )
    except IntegrityError as error:  # the same name issued twice at once
        raise ValidationError(
            {"name": f"{partner} already has an active token called '{name}'"}
        ) from error
    audit.record(
        worker=actor,
        action=AuditAction.CREATE,
        obj=record,
        detail={"partner": partner.pk, "name": name, "prefix": record.prefix},
    )
    return IssuedToken(record=record, token=token)


@transaction.atomic
def revoke_token(*, actor: Worker | None, token_id: int) -> PartnerToken:
    """Stop a token working, at once. Revoking a revoked token is refused."""
    _require_administrator(actor)
    record = PartnerToken.objects.select_for_update().select_related("partner").get(pk=token_id)
    if record.revoked_at is not None:
        raise ValidationError(
            f"The token '{record.name}' was already revoked on "
            f"{timezone.localtime(record.revoked_at):%-d %B %Y}"
        )
    record.revoked_at = timezone.now()
    record.revoked_by = actor
    record.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        worker=actor,
        action=AuditAction.EDIT,
        obj=record,
        detail={"partner": record.partner_id, "revoked": True, "prefix": record.prefix},
    )
    return record


def authenticate(token: str) -> PartnerToken | None:
    """The active token of an active partner that `token` is, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = (
        PartnerToken.objects.select_related("partner")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, partner__active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
        PartnerToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now
    return record
