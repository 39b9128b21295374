"""Documents on a child's record: assessments, plans, reports, letters, court papers, photos.

A document's file is stored under a path made of the date and a random name, never the child's
name or the file's own name (docs/adr/0008-documents.md); the name it was uploaded with, the
type its content showed it to be, its size and SHA-256 are kept beside it. A document is never
changed or deleted (the database refuses): a wrong one is marked entered in error through the
event that recorded it, and stays visible to those allowed, marked so.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class DocumentKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"
    REPORT = "report", "Report"
    LETTER = "letter", "Letter"
    COURT = "court", "Court document"
    PHOTO = "photo", "Photo"
    OTHER = "other", "Other"


def document_path(instance: Document, filename: str) -> str:
    """documents/2026/03/<random hex>: no personal data, nothing from the uploaded name."""
    now = timezone.localtime()
    return f"documents/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents")
    involvement = models.ForeignKey(
        "journey.Involvement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, max_length=200)
    # As the worker's computer named it (sanitised); shown and offered when downloading.
    original_name = models.CharField(max_length=255)
    # What the content showed it to be (kinfold.journey.document_services.sniff), not the name.
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(help_text="Bytes")
    sha256 = models.CharField(max_length=64)
    document_date = models.DateField(
        "Date of the document", null=True, blank=True, help_text="The date on it, if any"
    )
    uploaded_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["person", "uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
