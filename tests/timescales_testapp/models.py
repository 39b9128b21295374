"""A test-only item with a stored due date, as a stage would have (KINFOLD_TESTING=1 only)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TimedItem(models.Model):
    rule_code = models.CharField(max_length=60)
    trigger_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    trigger_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    is_repeat = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Whose item and which child, as a stage declares them for the worklists.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["rule_code", "trigger_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["due_at"]),
            # A worker's open items, soonest first: what the worklists read.
            models.Index(
                fields=["owner", "due_date"],
                condition=Q(completed_at__isnull=True),
                name="timed_item_open_by_owner",
            ),
            models.Index(
                fields=["owner", "due_at"],
                condition=Q(completed_at__isnull=True),
                name="timed_item_open_by_owner_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} due {self.due_date or self.due_at}"
