"""Audit, restricted records and break-glass access.

The audit log is append-only and hash-chained: each row's hash covers its own content and the
previous row's hash, so an altered or missing row is found by `manage.py verify_audit`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed a record"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    BREAK_GLASS = "break_glass", "Broke the glass"
    CREATE = "create", "Created"
    EDIT = "edit", "Edited"
    MERGE = "merge", "Merged records"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    DENIED = "denied", "Was refused access"


class AuditEvent(models.Model):
    """One thing a worker did that must be accountable. Never updated, never deleted."""

    seq = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1, no gaps")
    at = models.DateTimeField(default=timezone.now)
    worker = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"]),
            models.Index(fields=["worker", "-at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only")


class AuditHead(models.Model):
    """The single row that serialises writers of the chain (locked with SELECT … FOR UPDATE)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class RestrictedAccess(models.Model):
    """A named worker allowed to see a restricted person's record."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "worker"])]

    def __str__(self) -> str:
        return f"{self.worker_id} may see {self.person_id}"


class BreakGlass(models.Model):
    """A worker's recorded decision to see a record they would not otherwise see.

    Gives access for a limited time; shown to the record's manager until acknowledged.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass_events"
    )
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "worker", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.worker_id} broke glass on {self.person_id}"
