"""`manage.py annex_a`: builds the lists into the file named, and refuses bad input clearly."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.returns.models import ReturnBuild
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("annex_a", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_the_workbook_and_records_the_export(tmp_path, make_contact):
    make_contact(dt.date(2025, 3, 1), PersonFactory(date_of_birth=dt.date(2015, 1, 1)))
    target = tmp_path / "annex-a.xlsx"
    out, _ = _run("--as-at", "2025-03-31", "--out", str(target))
    book = load_workbook(target)
    assert book.sheetnames == [f"List {n}" for n in range(1, 8)]
    assert book["List 1"].max_row == 2
    assert "List 1: 1 row" in out and "ready to send" in out
    build = ReturnBuild.objects.get()
    assert build.requested_by is None
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["via"] == "command line"


def test_reports_problems_and_says_not_ready(tmp_path, make_contact):
    contact = make_contact(dt.date(2025, 3, 1), supplied={"given_name": "Kit"})
    out, _ = _run("--as-at", "31/03/2025", "--out", str(tmp_path / "a.xlsx"), "--lists", "1")
    assert f"Problem (List 1, {contact.reference}, Child Unique ID)" in out
    assert "not ready to send (1 problems)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-at", "31-03-2025"), "is not a date"),
        (("--as-at", "2025-03-31", "--lists", "12"), "Annex A has no list 12"),
        (("--as-at", "2025-03-31", "--lists", "1,8"), "List 8 (children in care) is not built yet"),
        (("--as-at", "2025-03-31", "--lists", "one"), "'one' is not a list number"),
    ],
)
def test_refuses_bad_input_and_writes_nothing(tmp_path, args, message):
    target = tmp_path / "a.xlsx"
    with pytest.raises(CommandError) as refused:
        _run(*args, "--out", str(target))
    assert message in str(refused.value)
    assert not target.exists()
    assert not ReturnBuild.objects.exists()


def test_refuses_an_as_at_date_in_the_future(tmp_path):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(CommandError, match="must be today or in the past"):
        _run("--as-at", tomorrow.isoformat(), "--out", str(tmp_path / "a.xlsx"))
    assert not ReturnBuild.objects.exists()


def test_refuses_an_out_file_that_is_not_xlsx_or_has_no_folder(tmp_path):
    with pytest.raises(CommandError, match=r"must name an \.xlsx file"):
        _run("--as-at", "2025-03-31", "--out", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match="does not exist"):
        _run("--as-at", "2025-03-31", "--out", str(tmp_path / "nowhere" / "a.xlsx"))


def test_exits_non_zero_from_the_shell(tmp_path):
    """Refused before any record is read: the exit status says so to a script."""
    result = subprocess.run(
        [sys.executable, "manage.py", "annex_a", "--as-at", "2999-01-01", "--out", "x.xlsx"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "KINFOLD_TESTING": "1"},
        check=False,
    )
    assert result.returncode != 0
    assert "must be today or in the past" in result.stderr
