"""Partner API tokens: one per partner system, only a hash stored (the token is shown once)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PartnerToken(models.Model):
    """A bearer token a partner organisation's system uses to call the API."""

    partner = models.ForeignKey(
        "front_door.PartnerOrganisation", on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Case system'")
    # sha256 of the token, hex: the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, to tell tokens apart on screen and in logs.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="partner_token_name_once_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
