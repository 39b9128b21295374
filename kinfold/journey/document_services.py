"""Adding a document to a child's record, with the size limit and the types Kinfold keeps.

A file is what its content shows, not what its name says: the first bytes (and, for the office
formats, the parts inside the zip) decide. What is not a PDF, a Word or Excel document, an
OpenDocument text or spreadsheet, a JPEG or PNG image, or plain UTF-8 text is refused with
the reason beside the file field — a program renamed `.pdf`, a web page or an SVG image (both
may carry scripts) among them. A refused upload leaves nothing behind: no row, no file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kinfold.access.permissions import require_write_access
from kinfold.people.models import Person
from kinfold.workforce.models import Worker

from .documents import Document, DocumentKind
from .events import check_not_future, record_event
from .models import Involvement

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]  # the first is the one a download is given when it has none


PDF = FileType("application/pdf", "PDF", (".pdf",))
PNG = FileType("image/png", "PNG image", (".png",))
JPEG = FileType("image/jpeg", "JPEG image", (".jpg", ".jpeg"))
TEXT = FileType("text/plain; charset=utf-8", "text file", (".txt", ".text", ".csv"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
    (".docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel spreadsheet",
    (".xlsx",),
)
ODT = FileType("application/vnd.oasis.opendocument.text", "OpenDocument text", (".odt",))
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", (".ods",)
)
FILE_TYPES = (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, TEXT)
# The main part of a Word or Excel file, as its [Content_Types].xml names it (macro-enabled
# documents name another type and are refused).
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
OOXML_MAIN_PARTS = {DOCX: "/word/document.xml", XLSX: "/xl/workbook.xml"}
ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}
OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")
ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")

ALLOWED = "a PDF, Word document, Excel spreadsheet, OpenDocument file, JPG, PNG or text file"
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.I)
# Text may hold tabs, line and page breaks; other control characters mean a binary file.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def max_bytes() -> int:
    return int(getattr(settings, "KINFOLD_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_in_words(size: int) -> str:
    """20971520 -> '20MB', as GOV.UK's file upload messages write sizes."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), "MB"
    elif size >= 1024:
        value, unit = size / 1024, "KB"
    else:
        return f"{size} bytes"
    return f"{value:.0f}{unit}" if value == int(value) else f"{value:.1f}{unit}"


class Refused(ValueError):
    """The content is not a type Kinfold keeps; the message says why."""


def _overrides(xml: bytes) -> list[dict[str, str]]:
    """The Override entries of a [Content_Types].xml, read without an XML parser (no entities
    are expanded: a document type declaration is refused)."""
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        raise Refused("its list of contents declares entities")
    found = []
    for match in OVERRIDE.finditer(xml):
        attributes = {
            name.decode("ascii", "replace"): (double or single or b"").decode("utf-8", "replace")
            for name, double, single in ATTRIBUTE.findall(match.group(1))
        }
        found.append(attributes)
    return found


def _office(data: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if any(n.startswith(("Basic/", "Scripts/")) or n.endswith("vbaProject.bin") for n in names):
            raise Refused("it contains macros, which can run programs")
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size > 200:
                raise Refused("its mimetype entry is too long")
            found = ODF_TYPES.get(archive.read(info).decode("ascii", "replace").strip())
            if found is None:
                raise Refused("it is an OpenDocument file of a kind Kinfold does not keep")
            return found
        if "[Content_Types].xml" in names:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                raise Refused("its list of contents is too large")
            for override in _overrides(archive.read(info)):
                found = OOXML_MAIN.get(override.get("ContentType", ""))
                part = override.get("PartName", "")
                if found is not None and part == OOXML_MAIN_PARTS[found]:
                    if part.lstrip("/") not in names:
                        raise Refused("its main part is missing")
                    return found
            raise Refused("it is an Office file of a kind Kinfold does not keep")
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError) as error:
        if isinstance(error, Refused):
            raise
        raise Refused("it is a damaged or unreadable zip file") from error
    raise Refused("it is a zip archive")


def _text(data: bytes) -> FileType:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused("its content is not a type Kinfold keeps") from error
    if CONTROL.search(text):
        raise Refused("its content is not a type Kinfold keeps")
    if MARKUP.search(data[:65536]):
        raise Refused(
            "it is a web page or image with markup (HTML, SVG or XML), which can carry scripts: "
            "save it as a PDF and upload that"
        )
    return TEXT


def sniff(data: bytes) -> FileType:
    """What the content is, from its first bytes; Refused if not a type Kinfold keeps."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    if data.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        raise Refused("it is a program, not a document")
    return _text(data.removeprefix(b"\xef\xbb\xbf"))


def clean_name(name: str) -> str:
    """The uploaded file's own name, safe to keep and to offer back: no folders, no control
    or quote characters, at most 150 characters (its extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'["*:<>?|;]+', "_", name).strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot else ""
        name = (stem if dot else name)[: 150 - len(ext) - 1] + (f".{ext}" if ext else "")
    return name or "document"


def download_name(document: Document) -> str:
    """The name a download is given: the uploaded name, with an extension that matches what
    the content is (a PDF named 'letter.exe' downloads as 'letter.exe.pdf')."""
    file_type = next((t for t in FILE_TYPES if t.content_type == document.content_type), None)
    name = clean_name(document.original_name)
    if file_type and not name.lower().endswith(file_type.extensions):
        name += file_type.extensions[0]
    return name


def _refusal(name: str, reason: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    claimed = next((t for t in FILE_TYPES if suffix in t.extensions), None)
    if claimed is not None:
        lead = f"The selected file is named {suffix} but is not a {claimed.label}: {reason}"
    else:
        lead = f"The selected file cannot be kept: {reason}"
    return f"{lead}. The file must be {ALLOWED}"


def _read(upload: IO[bytes], limit: int) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return data if isinstance(data, bytes) else bytes(data)


@transaction.atomic
def upload_document(
    *,
    actor: Worker,
    person: Person,
    upload,
    title: str,
    kind: str,
    document_date: dt.date | None = None,
    involvement: Involvement | None = None,
) -> Document:
    """Keep a document on a child's record, after checking who is adding it, its size and what
    its content is; write it to the child's journey. Nothing is saved when it is refused."""
    require_write_access(actor, person)
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter a title for the document"
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if kind not in DocumentKind.values:
        errors["kind"] = "Choose what kind of document this is"
    if document_date is not None:
        try:
            check_not_future(document_date, "document_date")
        except ValidationError:
            errors["document_date"] = "The date of the document must be today or in the past"
    if involvement is not None and involvement.person_id != person.pk:
        errors["involvement"] = "The involvement is not this child's"
    limit = max_bytes()
    name = clean_name(getattr(upload, "name", "") or "")
    data = b""
    if upload is None:
        errors["file"] = "Select a file"
    elif (getattr(upload, "size", None) or 0) > limit:
        errors["file"] = f"The selected file must be smaller than {size_in_words(limit)}"
    else:
        data = _read(upload, limit)
        if not data:
            errors["file"] = "The selected file is empty"
        elif len(data) > limit:
            errors["file"] = f"The selected file must be smaller than {size_in_words(limit)}"
    file_type = None
    if data and "file" not in errors:
        try:
            file_type = sniff(data)
        except Refused as refusal:
            errors["file"] = _refusal(name, str(refusal))
    if errors or file_type is None:
        raise ValidationError(errors or {"file": "Select a file"})

    document = Document(
        person=person,
        involvement=involvement,
        title=title,
        kind=kind,
        original_name=name,
        content_type=file_type.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        document_date=document_date,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    document.file.save("document", ContentFile(data), save=False)
    stored = str(document.file.name)
    try:
        document.save()
        record_event(
            person_id=person.pk,
            type="document.added",
            occurred=document.uploaded_at,
            summary=f"{document.get_kind_display()} added: {title}",
            recorded_by=actor,
            involvement=involvement,
            subject=document,
            detail={
                "kind": kind,
                "content_type": file_type.content_type,
                "size": document.size,
                "sha256": document.sha256,
            },
        )
    except BaseException:
        # The file was written before the row: without the row it must not stay behind.
        document.file.storage.delete(stored)
        raise
    return document
