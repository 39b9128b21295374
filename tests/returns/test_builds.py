"""Building a return in the background: queued, running with its progress, finished with its file
and problems (ready to send only without them), failed with nothing kept; the pages that show
it and the audited download, for performance officers and administrators only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.returns import annex_a, runner, services
from kinfold.returns.models import BuildStatus, ReturnBuild, ReturnProblem
from tests.factories import PersonFactory
from tests.returns.conftest import AS_AT

D = dt.date


@pytest.fixture
def officer(personas):
    return personas["performance_officer"]


@pytest.fixture
def facts(db, make_contact):
    kid = PersonFactory(sex="M", ethnicity="WBRI", date_of_birth=D(2012, 3, 4))
    make_contact(D(2025, 1, 6), kid, source="6")
    make_contact(D(2025, 2, 6), kid, source="2A")
    return kid


def _start(officer, as_at=AS_AT, lists=(1, 2, 3)) -> ReturnBuild:
    return services.start_build(
        actor=officer, kind=annex_a.CODE, parameters={"as_at": as_at, "lists": list(lists)}
    )


# ---- services -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_build_is_queued_then_run_to_a_file_ready_to_send(officer, facts):
    build = _start(officer)
    assert build.status == BuildStatus.QUEUED
    assert (build.as_at, build.period_start, build.period_end) == (
        AS_AT,
        D(2024, 4, 1),
        AS_AT,
    )
    assert build.parameters == {"as_at": "2025-03-31", "lists": [1, 2, 3]}
    build = services.run_build(build_id=build.pk)
    assert build.status == BuildStatus.FINISHED
    assert (build.done, build.total) == (2, 2)
    assert build.summary == {"List 1": 2, "List 2": 0, "List 3": 0}
    assert build.ready_to_send is True
    assert build.file.name.startswith("returns/")
    with build.file.open("rb") as stored:
        book = load_workbook(io.BytesIO(stored.read()))
    assert book["List 1"].max_row == 3


@pytest.mark.django_db
def test_problems_are_kept_and_the_build_is_not_ready_to_send(officer, make_contact):
    make_contact(D(2025, 2, 3), supplied={"given_name": "Kit", "family_name": "Varga"})
    build = services.run_build(build_id=_start(officer).pk)
    assert build.status == BuildStatus.FINISHED
    assert build.ready_to_send is False
    [problem] = ReturnProblem.objects.filter(build=build)
    assert problem.part == "List 1" and problem.reference.startswith("C")


@pytest.mark.django_db
def test_a_failed_build_keeps_no_file_and_says_why(officer, facts, monkeypatch, media):
    def broken(window):
        raise RuntimeError("the contacts table is unreadable")

    monkeypatch.setattr(annex_a.list_1_contacts, "select", broken)
    build = services.run_build(build_id=_start(officer).pk)
    assert build.status == BuildStatus.FAILED
    assert "the contacts table is unreadable" in build.error
    assert not build.file and build.ready_to_send is False
    assert not (media / "returns").exists() or not any((media / "returns").rglob("*"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parameters", "field", "message"),
    [
        ({"as_at": None}, "as_at", "Enter the as-at date"),
        ({"as_at": "2025-02-30"}, "as_at", "must be a real date"),
        ({"as_at": "FUTURE"}, "as_at", "today or in the past"),
        ({"as_at": AS_AT, "lists": [12]}, "lists", "Annex A has no list 12"),
        ({"as_at": AS_AT, "lists": [8]}, "lists", "List 8 (children in care) is not built yet"),
        ({"as_at": AS_AT, "lists": []}, "lists", "Choose at least one list"),
    ],
)
def test_bad_parameters_queue_nothing(officer, parameters, field, message):
    if parameters.get("as_at") == "FUTURE":
        parameters = {"as_at": timezone.localdate() + dt.timedelta(days=1)}
    with pytest.raises(ValidationError) as raised:
        services.start_build(actor=officer, kind=annex_a.CODE, parameters=parameters)
    assert message in raised.value.message_dict[field][0]
    assert not ReturnBuild.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["allocated_worker", "team_manager", "contact_officer"])
def test_only_performance_officers_and_administrators_build(personas, persona):
    with pytest.raises(PermissionDenied):
        _start(personas[persona])
    assert not ReturnBuild.objects.exists()


@pytest.mark.django_db
def test_a_build_whose_process_stopped_is_failed_by_the_next(officer):
    stale = _start(officer)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ReturnBuild.objects.filter(pk=stale.pk).update(
        status=BuildStatus.RUNNING, heartbeat_at=long_ago
    )
    assert ReturnBuild.objects.get(pk=stale.pk).stalled
    _start(officer)
    stale.refresh_from_db()
    assert stale.status == BuildStatus.FAILED and "stopped" in stale.error


@pytest.mark.django_db(transaction=True)
def test_the_build_runs_in_a_background_thread_after_the_commit(
    officer, facts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        build = _start(officer)
    thread = runner.THREADS[build.pk]
    thread.join(timeout=60)
    assert not thread.is_alive()
    build.refresh_from_db()
    assert build.status == BuildStatus.FINISHED
    assert build.summary["List 1"] == 2


# ---- pages ----------------------------------------------------------------------------------


def _post(client, as_at: dt.date, lists=("1", "2", "3")):
    return client.post(
        reverse("returns:index"),
        {
            "as_at_0": str(as_at.day),
            "as_at_1": str(as_at.month),
            "as_at_2": str(as_at.year),
            "lists": list(lists),
        },
    )


@pytest.mark.django_db
def test_starting_a_build_from_the_page(officer, client_for, django_capture_on_commit_callbacks):
    client = client_for(officer)
    assert client.get(reverse("returns:index")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(client, AS_AT, lists=("1", "3"))
    build = ReturnBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("returns:build", args=[build.pk])
    assert build.parameters["lists"] == [1, 3]
    assert len(callbacks) == 1  # the thread starts once the build is committed


@pytest.mark.django_db
def test_a_future_date_is_refused_beside_the_field(officer, client_for):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _post(client_for(officer), tomorrow)
    assert response.status_code == 200
    assert "The as-at date must be today or in the past" in response.content.decode()
    assert response.context["form"].errors["as_at"]
    assert not ReturnBuild.objects.exists()


@pytest.mark.django_db
def test_the_page_refreshes_itself_while_the_build_runs(officer, client_for):
    build = _start(officer)
    ReturnBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.RUNNING, done=3, total=10, heartbeat_at=timezone.now()
    )
    page = client_for(officer).get(reverse("returns:build", args=[build.pk]))
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "3 of 10 rows written" in html
    assert 'max="10" value="3"' in html
    assert reverse("returns:download", args=[build.pk]) not in html


@pytest.mark.django_db
def test_a_stopped_build_does_not_refresh(officer, client_for):
    build = _start(officer)
    ReturnBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    html = client_for(officer).get(reverse("returns:build", args=[build.pk])).content.decode()
    assert "http-equiv" not in html
    assert "stopped before it finished" in html


@pytest.mark.django_db
def test_the_finished_page_shows_problems_and_the_download(officer, client_for, make_contact):
    contact = make_contact(D(2025, 2, 3), supplied={"given_name": "Kit", "family_name": "Varga"})
    build = services.run_build(build_id=_start(officer).pk)
    html = client_for(officer).get(reverse("returns:build", args=[build.pk])).content.decode()
    assert "http-equiv" not in html
    assert "Not ready to send: 1 problem" in html
    assert contact.reference in html
    assert reverse("returns:download", args=[build.pk]) in html


@pytest.mark.django_db
def test_the_download_is_the_file_and_is_audited(officer, client_for, facts):
    build = services.run_build(build_id=_start(officer).pk)
    response = client_for(officer).get(reverse("returns:download", args=[build.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-2025-03-31.xlsx"'
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["List 1", "List 2", "List 3"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.worker == officer
    assert (event.object_type, event.object_id) == ("returns.returnbuild", str(build.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["allocated_worker", "team_manager", "iro"])
def test_others_cannot_download(personas, officer, client_for, facts, persona):
    build = services.run_build(build_id=_start(officer).pk)
    response = client_for(personas[persona]).get(reverse("returns:download", args=[build.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.django_db
def test_an_unfinished_build_has_nothing_to_download(officer, client_for):
    build = _start(officer)
    response = client_for(officer).get(reverse("returns:download", args=[build.pk]))
    assert response.status_code == 404
