"""`manage.py cin_census`: builds the census into the file named, and refuses a bad year
clearly, with a non-zero exit."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.people.models import PersonDisability
from kinfold.returns.models import ReturnBuild
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("cin_census", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _referred(org, upn: str = ""):
    kid = PersonFactory(date_of_birth=dt.date(2022, 1, 5), upn=upn)
    PersonDisability.objects.create(person=kid, code="NONE")
    team = org["north_childrens"]
    inv = Involvement.objects.create(
        person=kid, stage="child_in_need", started_on=dt.date(2024, 10, 7), team=team
    )
    Referral.objects.create(
        person=kid,
        involvement=inv,
        referral_date=dt.date(2024, 10, 7),
        source="6",
        primary_need="N1",
        route="referral",
        team=team,
    )
    return kid


def test_writes_the_census_and_records_the_export(tmp_path, org):
    kid = _referred(org)
    target = tmp_path / "cin.xml"
    out, _ = _run("--year", "2025", "--out", str(target))
    root = etree.parse(str(target)).getroot()
    assert root.findtext("Children/Child/ChildIdentifiers/LAchildID") == kid.la_child_id
    assert "Children: 1" in out and "ready to send" in out and "not ready" not in out
    build = ReturnBuild.objects.get()
    assert build.kind == "cin_census" and build.ready_to_send and build.requested_by is None
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["via"] == "command line"


def test_a_year_with_problems_is_written_and_listed(tmp_path, org):
    _referred(org)
    PersonDisability.objects.all().delete()
    target = tmp_path / "cin.xml"
    out, _ = _run("--year", "2025", "--out", str(target))
    assert target.exists()
    assert "No disability recorded" in out and "not ready to send (2 problems)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2024"), "from the year ending 31 March 2025"),
        (("--year", "next"), "is not a census year"),
        (("--year", "3025"), "has not started"),
    ],
)
def test_bad_years_are_refused(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args, "--out", str(tmp_path / "cin.xml"))
    assert not ReturnBuild.objects.exists()


def test_a_bad_file_name_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"must name an \.xml file"):
        _run("--year", "2025", "--out", str(tmp_path / "cin.csv"))
    with pytest.raises(CommandError, match="does not exist"):
        _run("--year", "2025", "--out", str(tmp_path / "nowhere" / "cin.xml"))


def test_the_command_exits_non_zero_for_a_bad_year(tmp_path, django_db_setup):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "KINFOLD_TESTING": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "cin_census",
            "--year",
            "2019",
            "--out",
            str(tmp_path / "cin.xml"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "from the year ending 31 March 2025" in done.stderr
