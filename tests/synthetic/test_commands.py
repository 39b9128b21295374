"""synth_county's guards and determinism, and demo_setup for `make run` (on an empty database)."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from kinfold.people.models import Person
from kinfold.workforce.models import Allocation, TeamMembership, UnitFunction, Worker
from synthetic.county import generate
from synthetic.demo import DEMO_PASSWORD, PERSONAS
from synthetic.models import PlantedDuplicate, SyntheticCounty
from synthetic.pipeline import Options

TODAY = dt.date(2026, 3, 31)


def options(**overrides) -> Options:
    values = {"children": 60, "years": 3, "seed": 11, "today": TODAY}
    return Options(**{**values, **overrides})


def snapshot():
    return sorted(
        Person.objects.values_list(
            "la_child_id", "given_name", "family_name", "date_of_birth", "nhs_number", "upn"
        )
    )


@pytest.mark.django_db
def test_same_seed_and_arguments_make_the_same_county():
    generate(options())
    first = snapshot()
    workers = sorted(Worker.objects.values_list("username", "swe_registration", "fte"))
    truth = sorted(PlantedDuplicate.objects.values_list("variations", flat=True))
    assert len(first) > 60
    generate(options(), clear=True)
    assert snapshot() == first
    assert sorted(Worker.objects.values_list("username", "swe_registration", "fte")) == workers
    assert sorted(PlantedDuplicate.objects.values_list("variations", flat=True)) == truth
    generate(options(seed=12), clear=True)
    assert snapshot() != first
    assert SyntheticCounty.objects.count() == 1


@pytest.mark.django_db
def test_refuses_outside_demo_test_or_debug(settings):
    settings.DEMO_MODE = settings.TESTING = settings.DEBUG = False
    with pytest.raises(CommandError, match="never write synthetic people"):
        call_command("synth_county", "--children", "10", "--no-progress", verbosity=0)
    assert not Person.objects.exists()
    call_command(
        "synth_county",
        "--children",
        "10",
        "--no-progress",
        "--i-know-this-is-not-production",
        verbosity=0,
    )
    assert SyntheticCounty.objects.get().completed


@pytest.mark.django_db
def test_refuses_a_database_that_is_not_empty_without_clear():
    call_command("synth_county", "--children", "10", "--no-progress", verbosity=0)
    with pytest.raises(CommandError, match="--clear"):
        call_command("synth_county", "--children", "10", "--no-progress", verbosity=0)
    call_command("synth_county", "--children", "12", "--clear", "--no-progress", verbosity=0)
    assert SyntheticCounty.objects.get().children == 12


@pytest.mark.django_db
def test_demo_setup_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    settings.DEBUG = True
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_setup", "--children", "60")
    assert not Person.objects.exists()
    assert not Worker.objects.filter(username__startswith="demo-").exists()


@pytest.mark.django_db
def test_demo_setup_makes_the_county_once_and_one_account_per_persona(settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("demo_setup", "--children", "60", stdout=out)
    printed = out.getvalue()
    assert "DEMO ACCOUNTS" in printed and "demo mode only" in printed
    assert DEMO_PASSWORD in printed
    persons = Person.objects.count()
    for persona in PERSONAS:
        assert persona.username in printed
        worker = Worker.objects.get(username=persona.username)
        assert worker.role == persona.role
        assert TeamMembership.objects.filter(worker=worker, end_date__isnull=True).exists()
        assert authenticate(username=persona.username, password=DEMO_PASSWORD) == worker
    social_worker = Worker.objects.get(username="demo-social-worker")
    manager = Worker.objects.get(username="demo-team-manager")
    other = Worker.objects.get(username="demo-other-team")
    team = social_worker.current_team()
    assert team.function == UnitFunction.CHILDRENS
    assert manager.current_team() == team
    assert other.current_team() != team
    held = Allocation.objects.filter(worker=social_worker, end_date__isnull=True)
    assert held.count() >= 8
    assert {a.team_id for a in held} == {team.pk}

    again = StringIO()
    call_command("demo_setup", "--children", "60", stdout=again)
    assert "Reusing" in again.getvalue()
    assert SyntheticCounty.objects.count() == 1
    assert Person.objects.count() == persons
    assert Worker.objects.filter(username__startswith="demo-").count() == len(PERSONAS)
    assert Allocation.objects.filter(worker=social_worker, end_date__isnull=True).count() == (
        held.count()
    )


@pytest.mark.django_db
def test_clear_keeps_the_audit_log_and_retires_the_workers_it_names(settings):
    from kinfold.access import audit
    from kinfold.access.models import AuditAction, AuditEvent

    settings.DEMO_MODE = True
    call_command("demo_setup", "--children", "60", verbosity=0)
    looked = Person.objects.first()
    worker = Worker.objects.get(username="demo-social-worker")
    audit.record(worker=worker, action=AuditAction.VIEW, obj=looked)
    call_command("synth_county", "--children", "30", "--clear", "--no-progress", verbosity=0)
    event = AuditEvent.objects.get(worker=worker)
    assert event.object_id == str(looked.pk)
    worker.refresh_from_db()
    assert not worker.is_active and not worker.has_usable_password()
    assert not worker.username.startswith("demo-")
    assert not Worker.objects.filter(username__startswith="demo-").exists()
    assert not Person.objects.filter(pk=looked.pk, la_child_id=looked.la_child_id).exists()
    call_command("demo_setup", "--children", "60", verbosity=0)
    assert Worker.objects.get(username="demo-social-worker").is_active
