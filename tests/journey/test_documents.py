"""Documents on a child's record: a file is kept for what its content is, within the size
limit, under a path with no personal data, with its SHA-256; a refused file leaves nothing
behind; every download is audited; and the access rules of the record apply to its documents."""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.journey import document_services
from kinfold.journey.document_services import sniff, upload_document
from kinfold.journey.documents import Document, DocumentKind
from kinfold.journey.models import Event
from kinfold.journey.services import mark_entered_in_error
from kinfold.people.merging import merge_persons
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"
HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>fetch('/people/')</script></body></html>\n"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"


def office_file(main_type: str = WORD_MAIN, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word document: the zip with [Content_Types].xml naming its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odf_file(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Files go to a temporary folder, never into the repository."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload_form(content: bytes, name: str = "assessment.pdf", **overrides) -> dict:
    return {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "title": "Child and family assessment",
        "kind": DocumentKind.ASSESSMENT,
        "document_date_0": "2",
        "document_date_1": "3",
        "document_date_2": "2026",
    } | overrides


def page(response) -> str:
    return html.unescape(response.content.decode())


def error_beside(response, field_id: str) -> str:
    """The text of the GOV.UK error messages beside the field with this id."""
    found = re.findall(
        rf'id="{re.escape(field_id)}_\d+_error"[^>]*>\s*<span[^>]*>Error:</span>\s*([^<]*)',
        page(response),
    )
    return " ".join(m.strip() for m in found)


def add(client, child, content: bytes, name: str = "assessment.pdf", **overrides):
    return client.post(
        reverse("journey:add-document", args=[child.pk]), upload_form(content, name, **overrides)
    )


def upload(worker, child, content: bytes = PDF, name: str = "assessment.pdf") -> Document:
    return upload_document(
        actor=worker,
        person=child,
        upload=SimpleUploadedFile(name, content),
        title="Child and family assessment",
        kind=DocumentKind.ASSESSMENT,
    )


# ---- uploading -----------------------------------------------------------------------------


def test_a_pdf_is_kept_with_its_hash_under_a_path_without_personal_data_and_written_to_the_journey(
    child, personas, client_for, media
):
    worker = personas["allocated_worker"]
    client = client_for(worker)
    form = client.get(reverse("journey:add-document", args=[child.pk]))
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in page(form)
    assert 'type="file"' in page(form) and "govuk-file-upload" in page(form)

    response = add(client, child, PDF, name="Maisie Okafor assessment.pdf")
    assert response.status_code == 302
    assert response["Location"] == reverse("journey:documents", args=[child.pk])

    document = Document.objects.get()
    assert document.person == child and document.uploaded_by == worker
    assert document.title == "Child and family assessment"
    assert document.kind == DocumentKind.ASSESSMENT
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.original_name == "Maisie Okafor assessment.pdf"
    assert str(document.document_date) == "2026-03-02"
    # The file is under the temporary media root, named by date and a random name only.
    files = stored_files(media)
    assert len(files) == 1 and files[0].read_bytes() == PDF
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}", document.file.name)
    assert "Maisie" not in document.file.name and "Okafor" not in document.file.name
    # Its event on the child's journey has the document as its subject.
    event = Event.objects.get(type="document.added")
    assert event.person_id == child.pk and event.subject == document
    assert event.recorded_by == worker
    assert event.detail["sha256"] == document.sha256
    # The list shows it, with a link to download it.
    listing = page(client.get(reverse("journey:documents", args=[child.pk])))
    assert "Child and family assessment" in listing
    assert reverse("journey:document", args=[document.pk]) in listing


def test_a_word_document_and_opendocument_text_are_kept_for_their_content(child, personas):
    worker = personas["allocated_worker"]
    word = upload(worker, child, office_file(), name="plan.docx")
    assert word.content_type == document_services.DOCX.content_type
    odt = upload(worker, child, odf_file("application/vnd.oasis.opendocument.text"), "plan.odt")
    assert odt.content_type == document_services.ODT.content_type
    text = upload(worker, child, "Réunion notes: all well\n".encode(), name="notes.txt")
    assert text.content_type.startswith("text/plain")
    photo = upload(worker, child, JPEG, name="IMG_0001.JPG")
    assert photo.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (EXE, "report.pdf", "named .pdf but is not a PDF: it is a program"),
        (HTML_PAGE, "letter.pdf", "web page or image with markup"),
        (HTML_PAGE, "letter.html", "web page or image with markup"),
        (SVG, "photo.png", "named .png but is not a PNG image"),
        (office_file(WORD_MACRO), "plan.docx", "Office file of a kind Kinfold does not keep"),
        (office_file(extra={"word/vbaProject.bin": b"x"}), "plan.docx", "contains macros"),
        (odf_file("application/vnd.oasis.opendocument.graphics"), "x.odg", "OpenDocument file"),
        (b"PK\x03\x04 not really a zip", "plan.docx", "damaged or unreadable"),
        (b"\x00\x01\x02binary", "data.bin", "cannot be kept"),
    ],
)
def test_a_file_that_is_not_a_kept_type_is_refused_beside_the_field_and_nothing_is_saved(
    child, personas, client_for, media, content, name, expected
):
    client = client_for(personas["allocated_worker"])
    response = add(client, child, content, name=name)
    assert response.status_code == 200
    message = error_beside(response, "id_file")
    assert expected in message
    assert "The file must be a PDF, Word document" in message
    assert "There is a problem" in page(response)
    assert not Document.objects.exists() and not Event.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_file_is_refused_with_the_limit(child, personas, client_for, media, settings):
    settings.KINFOLD_DOCUMENT_MAX_BYTES = 2048
    client = client_for(personas["allocated_worker"])
    response = add(client, child, PDF + b"%" * 2048)
    assert response.status_code == 200
    assert error_beside(response, "id_file") == "The selected file must be smaller than 2KB"
    assert not Document.objects.exists() and stored_files(media) == []
    # At the limit exactly, it is kept.
    assert add(client, child, PDF + b"%" * (2048 - len(PDF))).status_code == 302
    assert Document.objects.get().size == 2048


def test_the_default_limit_is_20_mb(settings):
    del settings.KINFOLD_DOCUMENT_MAX_BYTES
    assert document_services.max_bytes() == 20 * 1024 * 1024
    assert document_services.size_in_words(document_services.max_bytes()) == "20MB"


def test_an_empty_file_is_refused(child, personas, client_for, media):
    client = client_for(personas["allocated_worker"])
    response = add(client, child, b"", name="empty.pdf")
    assert response.status_code == 200
    assert error_beside(response, "id_file") == "The selected file is empty"
    assert not Document.objects.exists() and stored_files(media) == []
    with pytest.raises(ValidationError) as refused:
        upload(personas["allocated_worker"], child, b"", "empty.pdf")
    assert refused.value.message_dict["file"] == ["The selected file is empty"]


def test_missing_title_kind_and_file_are_explained_and_a_future_date_refused(
    child, personas, client_for, media
):
    client = client_for(personas["allocated_worker"])
    response = client.post(reverse("journey:add-document", args=[child.pk]), {})
    assert error_beside(response, "id_file") == "Select a file"
    assert error_beside(response, "id_title") == "Enter a title for the document"
    assert error_beside(response, "id_kind") == "Choose what kind of document this is"
    future = add(client, child, PDF, document_date_2="2999")
    assert "The date of the document must be today or in the past" in error_beside(
        future, "id_document_date"
    )
    assert not Document.objects.exists() and stored_files(media) == []


def test_sniffing_reads_content_not_names():
    assert sniff(PDF) is document_services.PDF
    assert sniff(PNG) is document_services.PNG
    assert sniff(office_file()) is document_services.DOCX
    for bad in (EXE, HTML_PAGE, SVG, b"\x7fELF\x02\x01", b"#!/bin/sh\nrm -rf /\n", b"\xff\xfe\x00"):
        with pytest.raises(document_services.Refused):
            sniff(bad)


# ---- downloading ---------------------------------------------------------------------------


def test_a_download_is_the_file_as_an_attachment_and_is_audited_as_a_view_of_the_document(
    child, personas, client_for
):
    worker = personas["allocated_worker"]
    document = upload(worker, child, PDF, name='../../Court "bundle"\r\n.pdf')
    assert document.original_name == "Court _bundle_.pdf"
    response = client_for(worker).get(reverse("journey:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="Court _bundle_.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    viewed = AuditEvent.objects.get(
        action=AuditAction.VIEW, object_type="journey.document", object_id=str(document.pk)
    )
    assert viewed.worker == worker and viewed.detail["person"] == child.pk
    # A view of the child's record too, so that it shows on who has looked at the child.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(child.pk),
        detail__path=reverse("journey:document", args=[document.pk]),
    ).exists()
    # Every download is audited, not only the first.
    client_for(personas["team_manager"]).get(reverse("journey:document", args=[document.pk]))
    assert AuditEvent.objects.filter(object_type="journey.document").count() == 2


def test_a_download_is_named_for_what_its_content_is(child, personas, client_for):
    document = upload(personas["allocated_worker"], child, PDF, name="letter.exe")
    response = client_for(personas["allocated_worker"]).get(
        reverse("journey:document", args=[document.pk])
    )
    assert response["Content-Disposition"] == 'attachment; filename="letter.exe.pdf"'


def test_a_worker_in_another_team_cannot_download_and_the_refusal_is_audited(
    child, personas, client_for
):
    document = upload(personas["allocated_worker"], child)
    outsider = personas["other_team_worker"]
    client = client_for(outsider)
    url = reverse("journey:document", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "access/no_access.html" in [t.name for t in response.templates]
    assert not hasattr(response, "streaming_content")
    assert PDF not in response.content and b"Maisie" not in response.content
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, worker=outsider)
    assert denied.object_type == "people.person" and denied.object_id == str(child.pk)
    assert denied.detail["path"] == url
    assert not AuditEvent.objects.filter(object_type="journey.document").exists()
    # Nor the list, nor adding one.
    for name in ("journey:documents", "journey:add-document"):
        assert client.get(reverse(name, args=[child.pk])).status_code == 403
    refused = add(client, child, PDF)
    assert refused.status_code == 403 and Document.objects.count() == 1


def test_a_performance_officer_cannot_upload(child, personas, client_for, media):
    officer = personas["performance_officer"]
    client = client_for(officer)
    assert client.get(reverse("journey:documents", args=[child.pk])).status_code == 200
    assert client.get(reverse("journey:add-document", args=[child.pk])).status_code == 403
    assert add(client, child, PDF).status_code == 403
    with pytest.raises(PermissionDenied):
        upload(officer, child)
    assert not Document.objects.exists() and stored_files(media) == []
    listing = page(client.get(reverse("journey:documents", args=[child.pk])))
    assert reverse("journey:add-document", args=[child.pk]) not in listing


def test_a_restricted_childs_documents_are_hidden(child, personas, client_for):
    document = upload(personas["allocated_worker"], child)
    type(child).objects.filter(pk=child.pk).update(
        restricted=True,
        restriction_reason="High profile",
        restriction_manager=personas["team_manager"],
    )
    client = client_for(personas["allocated_worker"])
    for url in (
        reverse("journey:documents", args=[child.pk]),
        reverse("journey:document", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403 and response.context["restricted"] is True
        assert "Child and family assessment" not in page(response)
    assert not AuditEvent.objects.filter(object_type="journey.document").exists()
    manager = client_for(personas["team_manager"])
    assert "Child and family assessment" in page(
        manager.get(reverse("journey:documents", args=[child.pk]))
    )
    assert manager.get(reverse("journey:document", args=[document.pk])).status_code == 200


def test_the_person_page_links_to_the_documents(child, personas, client_for):
    record = page(
        client_for(personas["allocated_worker"]).get(reverse("people:detail", args=[child.pk]))
    )
    assert reverse("journey:documents", args=[child.pk]) in record


# ---- nothing deleted -----------------------------------------------------------------------


def test_a_wrong_document_is_marked_entered_in_error_and_stays(child, personas, client_for):
    worker = personas["allocated_worker"]
    document = upload(worker, child)
    event = Event.objects.get(type="document.added")
    mark_entered_in_error(actor=worker, event_id=event.pk, reason="Another child's assessment")
    listing = page(client_for(worker).get(reverse("journey:documents", args=[child.pk])))
    assert "Entered in error" in listing and "Another child's assessment" in listing
    assert reverse("journey:document", args=[document.pk]) in listing
    assert Document.objects.filter(pk=document.pk).exists()


def test_the_database_refuses_to_change_or_delete_a_document(child, personas):
    document = upload(personas["allocated_worker"], child)
    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(title="Changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    if connection.vendor == "postgresql":  # SQLite's test teardown deletes rows
        with pytest.raises(DatabaseError), transaction.atomic():
            Document.objects.filter(pk=document.pk).delete()
    assert Document.objects.get(pk=document.pk).title == "Child and family assessment"


def test_a_failure_after_the_file_is_written_leaves_no_file(child, personas, media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the event log is unavailable")

    monkeypatch.setattr(document_services, "record_event", broken)
    with pytest.raises(RuntimeError):
        upload(personas["allocated_worker"], child)
    assert not Document.objects.exists() and stored_files(media) == []


def test_merging_moves_a_retired_records_documents_to_the_record_kept(child, personas):
    duplicate = PersonFactory(
        given_name="Maisy", family_name="Okafor", date_of_birth=child.date_of_birth, sex="F"
    )
    document = upload(personas["allocated_worker"], duplicate)
    merge = merge_persons(
        worker=personas["team_manager"],
        kept_id=child.pk,
        retired_id=duplicate.pk,
        reason="Same child: spelling",
        choices={},
    )
    document.refresh_from_db()
    assert document.person_id == child.pk
    assert merge.moved["journey.document"] == [document.pk]
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
