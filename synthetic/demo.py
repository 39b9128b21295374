"""Demo accounts: one per persona, in the synthetic county's teams. Demo mode only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from kinfold.people.models import Person
from kinfold.workforce.models import (
    Allocation,
    AllocationRole,
    OrgUnit,
    Role,
    TeamMembership,
    UnitFunction,
    Worker,
)

from .models import SyntheticCounty

DEMO_PASSWORD = "kinfold-demo-only"  # noqa: S105 - printed for demo mode; never a real account
MIN_DEMO_CASELOAD = 8


@dataclass(frozen=True)
class Persona:
    username: str
    label: str
    role: str
    first_name: str
    last_name: str


PERSONAS = [
    Persona("demo-social-worker", "Allocated social worker", Role.SOCIAL_WORKER, "Sam", "Demo"),
    Persona("demo-team-manager", "Team manager", Role.TEAM_MANAGER, "Alex", "Demo"),
    Persona("demo-other-team", "Social worker in another team", Role.SOCIAL_WORKER, "Jo", "Demo"),
    Persona("demo-iro", "Independent reviewing officer", Role.IRO, "Robin", "Demo"),
    Persona("demo-administrator", "Administrator", Role.ADMINISTRATOR, "Chris", "Demo"),
    Persona("demo-performance", "Performance officer", Role.PERFORMANCE_OFFICER, "Pat", "Demo"),
    Persona("demo-contact-officer", "Contact officer", Role.CONTACT_OFFICER, "Kim", "Demo"),
]


@dataclass(frozen=True)
class DemoAccount:
    persona: Persona
    worker: Worker
    team: OrgUnit
    children: int
    created: bool


def county_ready() -> bool:
    return SyntheticCounty.objects.filter(completed=True).exists()


def _busiest(function: str, exclude: OrgUnit | None = None) -> OrgUnit:
    teams = OrgUnit.objects.filter(function=function)
    if exclude is not None:
        teams = teams.exclude(pk=exclude.pk)
    return teams.annotate(
        open=Count("allocations", filter=Q(allocations__end_date__isnull=True))
    ).order_by("-open", "name")[0]


def _team_for(persona: Persona, chosen: dict[str, OrgUnit]) -> OrgUnit:
    if persona.username in ("demo-social-worker", "demo-team-manager"):
        if "mine" not in chosen:
            chosen["mine"] = _busiest(UnitFunction.CHILDRENS)
        return chosen["mine"]
    if persona.username == "demo-other-team":
        return _busiest(UnitFunction.CHILDRENS, exclude=chosen["mine"])
    names = {
        Role.IRO: "Independent reviewing officers",
        Role.ADMINISTRATOR: "Systems and data team",
        Role.PERFORMANCE_OFFICER: "Performance and quality team",
        Role.CONTACT_OFFICER: "Contact centre",
    }
    return OrgUnit.objects.get(name=names[persona.role])


def _take_over_caseload(worker: Worker, team: OrgUnit, today) -> None:
    """Give a demo social worker the caseload of the busiest worker in their team, topped up
    with children no one holds, so the home page has children to show."""
    holder = (
        Allocation.objects.filter(
            team=team, end_date__isnull=True, role=AllocationRole.SOCIAL_WORKER
        )
        .exclude(worker=worker)
        .values("worker")
        .annotate(n=Count("id"))
        .order_by("-n", "worker")
        .first()
    )
    if holder:
        Allocation.objects.filter(
            team=team, end_date__isnull=True, worker_id=holder["worker"]
        ).update(worker=worker)
    held = Allocation.objects.filter(worker=worker, end_date__isnull=True).count()
    if held >= MIN_DEMO_CASELOAD:
        return
    held_ids = Allocation.objects.filter(end_date__isnull=True).values("person_id")
    unallocated = (
        Person.objects.filter(date_of_birth__isnull=False, merged_into__isnull=True)
        .exclude(pk__in=held_ids)
        .filter(date_of_birth__gt=today.replace(year=today.year - 17))
        .order_by("pk")[: MIN_DEMO_CASELOAD - held]
    )
    Allocation.objects.bulk_create(
        Allocation(person=p, worker=worker, team=team, start_date=today, recorded_by=worker)
        for p in unallocated
    )


@transaction.atomic
def ensure_demo_accounts(today) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet (existing ones are left as they are)."""
    accounts = []
    chosen: dict[str, OrgUnit] = {}
    for number, persona in enumerate(PERSONAS, start=1):
        team = _team_for(persona, chosen)
        worker = Worker.objects.filter(username=persona.username).first()
        created = worker is None
        if worker is None:
            worker = Worker(
                username=persona.username,
                first_name=persona.first_name,
                last_name=persona.last_name,
                role=persona.role,
                job_title=f"{persona.label} (demo)",
                swe_registration=f"SW99{number:04d}"
                if persona.role in {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO}
                else "",
                start_date=today,
                email=f"{persona.username}@fenshire.example",
            )
            worker.set_password(DEMO_PASSWORD)
            worker.save()
            TeamMembership.objects.create(worker=worker, unit=team, start_date=today)
            if persona.username in ("demo-social-worker", "demo-other-team"):
                _take_over_caseload(worker, team, today)
        else:
            team = worker.current_team() or team
        children = Allocation.objects.filter(worker=worker, end_date__isnull=True).count()
        accounts.append(DemoAccount(persona, worker, team, children, created))
    return accounts
