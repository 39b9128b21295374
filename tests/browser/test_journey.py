"""The journey in a browser: a social worker records a home visit with the child seen alone and
their views, after fixing what the form explains beside the field, and sees it in the
chronology; a team manager records supervision with an action for the worker, who finds it in
"My work" and marks it done; a document is uploaded with JavaScript off and on, a web page
refused beside the field, and the download audited. Every page is checked with axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.journey.documents import Document
from kinfold.journey.notes import CaseNote
from kinfold.journey.oversight import Action

from .helpers import assert_accessible, error_beside, error_summary, sign_in, url

pytestmark = pytest.mark.browser

VIEWS = "Maisie said she feels safe at home and wants to keep going to football on Saturdays."
ACTION = "Arrange a visit to Maisie at school"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def fill_date(scope, legend: str, day: dt.date) -> None:
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def file_input(page: Page):
    # With JavaScript, GOV.UK Frontend puts a button in front of the input and moves its id.
    return page.locator('input[type="file"][name="file"]')


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder (the live server runs in this process)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def page_without_js(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_home_visit_with_the_child_seen_alone_is_recorded_and_shown_in_the_chronology(
    live_server, page, personas, password, child
):
    worker = personas["allocated_worker"]
    sign_in(page, live_server, worker, password)
    page.goto(url(live_server, "people:detail", child.pk))
    page.get_by_role("link", name="Record a note").click()
    expect(page.get_by_role("heading", name="Record a note for Maisie Okafor")).to_be_visible()
    assert_accessible(page)

    yesterday = dt.date.today() - dt.timedelta(days=1)
    choose(page, "What kind of note is this?", "Home visit")
    fill_date(page, "Date it happened", yesterday)
    page.get_by_label("Time it happened").fill("16:30")
    page.get_by_label("Title", exact=True).fill("Statutory visit")
    # "Seen alone" but "not seen": explained beside the question, nothing saved.
    choose(page, "Was the child seen?", "No")
    choose(page, "Was the child seen alone?", "Yes")
    page.get_by_label("The child's views and wishes").fill(VIEWS)
    page.get_by_label("Purpose").fill("Statutory visit under the child in need plan")
    page.get_by_label("What was observed").fill("The home was warm; Maisie showed her room.")
    page.get_by_label("What it means").fill("Maisie is settled; the plan is working.")
    page.get_by_label("Actions agreed").fill("Next visit in four weeks")
    page.get_by_role("button", name="Save note").click()

    message = "A child seen alone must also be recorded as seen"
    expect(error_summary(page)).to_contain_text(message)
    expect(error_beside(page, "id_seen_alone_1")).to_contain_text(message)
    # What was typed is kept.
    expect(page.get_by_label("The child's views and wishes")).to_have_value(VIEWS)
    assert not CaseNote.objects.exists()
    assert_accessible(page)

    choose(page, "Was the child seen?", "Yes")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("heading", name="Home visit: Statutory visit", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(VIEWS)
    note = CaseNote.objects.get()
    assert note.child_seen is True and note.seen_alone is True and note.child_views == VIEWS
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Chronology").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chronology")
    row = page.get_by_role("row").filter(has_text="Statutory visit")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("child seen alone")
    expect(row).to_contain_text(f"{yesterday.day} {yesterday:%B %Y}, 16:30")
    assert_accessible(page)


def test_a_supervision_action_reaches_the_workers_list_and_is_marked_done(
    live_server, page, personas, password, child
):
    manager, worker = personas["team_manager"], personas["allocated_worker"]
    due = dt.date.today() + dt.timedelta(days=3)
    sign_in(page, live_server, manager, password)
    page.goto(url(live_server, "workforce:worker", worker.pk))
    page.get_by_role("link", name=re.compile(r"^Record supervision of")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record supervision of")
    assert_accessible(page)

    block = page.get_by_role("group", name="Child discussed 1")
    block.get_by_label("Child", exact=True).select_option(str(child.pk))
    block.get_by_label("What was discussed").fill("School attendance has dropped this term.")
    block.get_by_label("Decision").fill("Visit at school before the review.")
    block.get_by_label("Action 1: what is to be done").fill(ACTION)
    block.get_by_label("Action 1: who will do it").select_option(str(worker.pk))
    fill_date(block, "Action 1: by when", due)
    page.get_by_role("button", name="Save supervision").click()
    expect(page.get_by_text(re.compile(r"The supervision of .* was saved"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(ACTION)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, worker, password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    work = page.get_by_role("table", name="My open work, overdue first")
    item = work.get_by_role("row").filter(has_text=ACTION)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{due.day} {due:%b %Y}")
    expect(item.get_by_role("link", name="Maisie Okafor")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="my actions").click()
    expect(page.get_by_role("heading", name="My actions", level=1)).to_be_visible()
    assert_accessible(page)
    done = re.compile(rf"^Mark as done\s*:\s*{re.escape(ACTION)}$")
    page.get_by_role("button", name=done).click()
    expect(page.get_by_text(f"'{ACTION}' was marked as done")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("You have no open actions.")
    assert Action.objects.get(description=ACTION).completed_at is not None
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(ACTION)


def _add_document(page: Page, live_server, child, *, name: str, content: bytes, title: str):
    page.goto(url(live_server, "people:detail", child.pk))
    page.get_by_role("main").get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", name="Documents for Maisie Okafor")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", name="Add a document for Maisie Okafor")).to_be_visible()
    assert_accessible(page)
    file_input(page).set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    page.get_by_label("Title", exact=True).fill(title)
    choose(page, "What kind of document is it?", "Letter")
    page.get_by_role("button", name="Upload document").click()


def test_a_document_is_uploaded_and_downloaded_with_javascript(
    live_server, page, personas, password, child, media
):
    worker = personas["allocated_worker"]
    sign_in(page, live_server, worker, password)
    # A web page named as a PDF is refused beside the field.
    _add_document(page, live_server, child, name="letter.pdf", content=HTML_PAGE, title="Letter")
    expect(error_summary(page)).to_contain_text("named .pdf but is not a PDF")
    expect(error_beside(page, "id_file")).to_contain_text("web page or image with markup")
    assert not Document.objects.exists()
    assert_accessible(page)

    file_input(page).set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Title", exact=True).fill("Letter from school")
    choose(page, "What kind of document is it?", "Letter")
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_text("The document 'Letter from school' was added")).to_be_visible()
    table = page.get_by_role("table", name="Documents, latest first")
    expect(table).to_contain_text("letter.pdf")
    assert_accessible(page)

    with page.expect_download() as download:
        table.get_by_role("link", name=re.compile(r"^Letter from school")).click()
    assert download.value.suggested_filename == "letter.pdf"
    document = Document.objects.get()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="journey.document", object_id=str(document.pk)
    ).exists()


def test_a_document_is_uploaded_without_javascript(
    live_server, page_without_js, personas, password, child, media
):
    page = page_without_js
    sign_in(page, live_server, personas["allocated_worker"], password)
    _add_document(page, live_server, child, name="bedroom.png", content=PNG, title="Bedroom")
    expect(page.get_by_text("The document 'Bedroom' was added")).to_be_visible()
    expect(page.get_by_role("table", name="Documents, latest first")).to_contain_text("bedroom.png")
    assert Document.objects.get().content_type == "image/png"
    assert_accessible(page)
