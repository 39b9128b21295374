"""Case notes: what happened, what was seen, what the child said, and what it means.

The inspections found visits where nobody could tell whether the child was seen, or seen
alone, and notes without purpose or analysis. A visit note therefore asks each of those as its
own field. A note can be corrected freely by its author for `KINFOLD_NOTE_LOCK_HOURS` after it
was recorded; after that it is locked and a change is a new version with the reason. Every
earlier version is kept.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NoteType(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    OFFICE_VISIT = "office_visit", "Office or school visit"
    PHONE = "phone", "Phone call"
    DIRECT_WORK = "direct_work", "Direct work with the child"
    MEETING = "meeting", "Meeting"
    SUPERVISION = "supervision", "Supervision"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight"
    MULTI_AGENCY = "multi_agency", "Multi-agency contact"
    OTHER = "other", "Other"


VISIT_TYPES = {NoteType.HOME_VISIT, NoteType.OFFICE_VISIT, NoteType.DIRECT_WORK}
# Fields that make up a note's content (what a new version may change).
CONTENT_FIELDS = [
    "type",
    "occurred_at",
    "title",
    "child_seen",
    "seen_alone",
    "child_views",
    "purpose",
    "observation",
    "analysis",
    "actions",
]


def lock_after() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "KINFOLD_NOTE_LOCK_HOURS", 48))


class CaseNote(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="notes")
    involvement = models.ForeignKey(
        "journey.Involvement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
    )
    type = models.CharField(max_length=30, choices=NoteType.choices)
    occurred_at = models.DateTimeField("When it happened")
    title = models.CharField(max_length=200)
    # Visits: asked of every visit, never inferred.
    child_seen = models.BooleanField("Was the child seen?", null=True, blank=True)
    seen_alone = models.BooleanField("Was the child seen alone?", null=True, blank=True)
    child_views = models.TextField("The child's views and wishes", blank=True, max_length=20000)
    purpose = models.TextField(blank=True, max_length=20000)
    observation = models.TextField("What was observed", blank=True, max_length=50000)
    analysis = models.TextField("What it means", blank=True, max_length=20000)
    actions = models.TextField("Actions agreed", blank=True, max_length=20000)
    author = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_at"]),
            models.Index(fields=["author", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(seen_alone=True) | Q(child_seen=True),
                name="seen_alone_only_if_seen",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.title}"

    @property
    def is_visit(self) -> bool:
        return self.type in VISIT_TYPES

    @property
    def locks_at(self) -> dt.datetime:
        return self.recorded_at + lock_after()

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.locks_at

    def content(self) -> dict:
        return {f: getattr(self, f) for f in CONTENT_FIELDS}


class CaseNoteVersion(models.Model):
    """A note as it was before a change: the earlier content, who changed it, when and why."""

    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(help_text="The version this content was")
    content = models.JSONField()
    changed_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["note", "version"], name="one_row_per_note_version")
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} v{self.version}"
