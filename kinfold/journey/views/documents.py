"""Documents on a child's record: the list, adding one (GOV.UK file upload, the reason for a
refusal beside the field), and downloading one. Every download is audited twice over: as a view
of the child's record (person_view, as every page of it) and as a view of the document."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from kinfold.access import audit
from kinfold.access.guards import person_view
from kinfold.access.models import AuditAction
from kinfold.access.permissions import can_record
from kinfold.access.visibility import check_person
from kinfold.forms import GovukDateField, date_field, govuk_helper
from kinfold.journey import document_services, services
from kinfold.journey.document_services import FILE_TYPES, size_in_words
from kinfold.journey.documents import Document, DocumentKind
from kinfold.journey.forms import ServiceErrorsMixin
from kinfold.journey.models import Event
from kinfold.people.models import Person

from .common import read_only, record_of_person, refused

ACCEPT = ",".join(ext for t in FILE_TYPES for ext in t.extensions)


class DocumentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "missing": "Select a file",
        },
    )
    title = forms.CharField(
        label="Title",
        help_text="For example, 'Child and family assessment' or 'Letter from school'",
        max_length=200,
        error_messages={
            "required": "Enter a title for the document",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of document this is",
            "invalid_choice": "Choose what kind of document this is from the list",
        },
    )
    document_date = GovukDateField(
        what="date of the document",
        label="Date of the document (optional)",
        help_text="The date on it, if it has one. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = size_in_words(document_services.max_bytes())
        self.fields["file"].help_text = (
            f"A PDF, Word or Excel document, OpenDocument file, JPG, PNG or text file, "
            f"smaller than {limit}"
        )
        self.fields["file"].widget.attrs.update({"accept": ACCEPT})
        self.helper = govuk_helper(
            Field("file", template="journey/document_file_field.html"),
            Field.text("title", field_width="two-thirds"),
            Field.radios("kind", legend_size=Size.SMALL),
            date_field("document_date"),
            Submit("save", "Upload document"),
        )


def _in_error() -> Exists:
    """Whether the event recording the document (outer row) was marked entered in error."""
    return Exists(
        Event.objects.filter(
            subject_type=ContentType.objects.get_for_model(Document),
            subject_id=OuterRef("pk"),
            type="document.added",
            retraction__isnull=False,
        )
    )


def documents_for_person(*, worker, person_id: int):
    """A child's documents, latest first, each with `in_error`; none for who may not see."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not check_person(worker, person).allowed:
        return Document.objects.none()
    return (
        Document.objects.filter(person_id=person_id)
        .select_related("uploaded_by")
        .annotate(in_error=_in_error())
        .order_by("-uploaded_at", "-id")
    )


def _recording_events(documents) -> dict[int | None, Event]:
    events = Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(Document),
        subject_id__in=[d.pk for d in documents],
        type="document.added",
    ).select_related("retraction", "retraction__retracted_by")
    return {e.subject_id: e for e in events}


@person_view()
def documents(request, person):
    worker = request.user
    found = list(documents_for_person(worker=worker, person_id=person.pk))
    events = _recording_events(found)
    may_record = can_record(worker)
    rows = []
    for document in found:
        event = events.get(document.pk)
        retraction = event.retraction if event is not None and event.entered_in_error else None
        may_retract = (
            event is not None
            and retraction is None
            and may_record
            and services.can_retract(worker, event)
        )
        rows.append(
            {
                "document": document,
                "size": size_in_words(document.size),
                "retraction": retraction,
                "retract_event": event if may_retract else None,
            }
        )
    return render(
        request,
        "journey/documents.html",
        {"person": person, "rows": rows, "can_record": may_record},
    )


@person_view()
def add_document(request, person):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = document_services.upload_document(
                    actor=worker,
                    person=person,
                    upload=data["file"],
                    title=data["title"],
                    kind=data["kind"],
                    document_date=data["document_date"],
                )
            except PermissionDenied as error:
                return refused(request, str(error))
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"The document '{document.title}' was added")
                return redirect("journey:documents", person.pk)
    else:
        form = DocumentForm()
    return render(request, "journey/document_add.html", {"form": form, "person": person})


@require_safe
@record_of_person(Document.objects.select_related("person"), "doc_pk", "document")
def document(request, person, document):
    """The file itself, as an attachment of the type its content showed it to be."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        return render(
            request,
            "error.html",
            {
                "heading": "The file of this document is missing",
                "message": "Tell your system administrator: the record of the document is kept, "
                "but its file cannot be found.",
            },
            status=404,
        )
    audit.record(
        worker=request.user,
        action=AuditAction.VIEW,
        obj=document,
        detail={
            "person": person.pk,
            "path": request.path,
            "sha256": document.sha256,
            "break_glass": request.access_decision.via_break_glass,
        },
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document_services.download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
