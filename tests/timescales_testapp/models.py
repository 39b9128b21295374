"""A test-only item with a stored due date, as a stage would have (KINFOLD_TESTING=1 only)."""

from django.db import models


class TimedItem(models.Model):
    rule_code = models.CharField(max_length=60)
    trigger_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    trigger_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    is_repeat = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["rule_code", "trigger_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} due {self.due_date or self.due_at}"
