"""What the synthetic county generator made: one row per county, and the ground truth of the
duplicates it planted (for measuring the matcher)."""

from __future__ import annotations

from django.db import models


class SyntheticCounty(models.Model):
    """One generated county: the arguments it was made from and what it holds.

    The data is a pure function of `seed`, `options` and `reference_date`; `completed` is set
    only when every stage has run.
    """

    seed = models.BigIntegerField()
    children = models.PositiveIntegerField()
    years = models.PositiveSmallIntegerField()
    reference_date = models.DateField(help_text="The generator's 'today'")
    options = models.JSONField(default=dict)
    counts = models.JSONField(default=dict, help_text="Rows made, by kind")
    completed = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "synthetic counties"

    def __str__(self) -> str:
        return f"synthetic county seed {self.seed}, {self.children} children"


class PlantedDuplicate(models.Model):
    """A second record of one synthetic person, made on purpose with the listed variations."""

    original = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    duplicate = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    variations = models.JSONField(default=list, help_text="What differs, e.g. 'given_typo'")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["duplicate"], name="one_original_per_duplicate")
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} duplicates {self.original_id}: {', '.join(self.variations)}"
