"""The workforce stage: the unit tree of seed 004 and the workers in it.

Seed 004 (the county's 2018 paper on its front door and teams): an Integrated Front Door
(contact centre, MASH, early help hub); five districts, each with an assessment team,
children's teams and an adolescent team (plus district early help); county-wide children in
care (with an unaccompanied asylum-seeking children team), leaving care, fostering and
disabled children services; a safeguarding and reviewing unit (IROs and CP chairs), LADO, and
performance and quality. 32 case-holding units, as in the paper; the number of workers in each
grows with the county (`scale` = children / 130,000, the county of seeds 000/004), so at that
size a unit holds about 60-80 children.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from kinfold.workforce.models import (
    Employment,
    OrgUnit,
    Role,
    TeamMembership,
    UnitFunction,
    UnitKind,
    Worker,
)

from .identifiers import SweNumbers
from .names import pools
from .pipeline import Advance, Context, next_pk
from .places import DISTRICTS

SEED_COUNTY_CHILDREN = 130_000
F = UnitFunction
R = Role

# Team compositions at the seed county's size: role → workers (team manager not counted).
DISTRICT_TEAMS: list[tuple[str, str, dict[str, float]]] = [
    (F.ASSESSMENT, "assessment team", {R.CONSULTANT_SOCIAL_WORKER: 1, R.SOCIAL_WORKER: 4}),
    (
        F.CHILDRENS,
        "children's team 1",
        {R.CONSULTANT_SOCIAL_WORKER: 1, R.SOCIAL_WORKER: 3, R.FAMILY_WORKER: 1},
    ),
    (
        F.CHILDRENS,
        "children's team 2",
        {R.CONSULTANT_SOCIAL_WORKER: 1, R.SOCIAL_WORKER: 3, R.FAMILY_WORKER: 1},
    ),
    (
        F.ADOLESCENT,
        "adolescent team",
        {R.CONSULTANT_SOCIAL_WORKER: 1, R.SOCIAL_WORKER: 2, R.FAMILY_WORKER: 1},
    ),
    (F.EARLY_HELP, "early help team", {R.FAMILY_WORKER: 5}),
]
CIC_TEAM = {R.CONSULTANT_SOCIAL_WORKER: 1, R.SOCIAL_WORKER: 3}
UASC_TEAM = {R.SOCIAL_WORKER: 3}
LEAVING_CARE_TEAM = {R.SOCIAL_WORKER: 1, R.PERSONAL_ADVISER: 4}
DISABLED_TEAM = {R.CONSULTANT_SOCIAL_WORKER: 1, R.SOCIAL_WORKER: 3, R.FAMILY_WORKER: 1}
CASE_HOLDING = {
    F.ASSESSMENT,
    F.CHILDRENS,
    F.ADOLESCENT,
    F.CHILDREN_IN_CARE,
    F.LEAVING_CARE,
    F.DISABLED_CHILDREN,
}
CASE_HOLDING_ROLES = {
    R.SOCIAL_WORKER,
    R.CONSULTANT_SOCIAL_WORKER,
    R.FAMILY_WORKER,
    R.PERSONAL_ADVISER,
}
# Roles always one per team, whatever the county's size.
FIXED_ROLES = {R.TEAM_MANAGER, R.CONSULTANT_SOCIAL_WORKER}
QUALIFIED = {R.SOCIAL_WORKER, R.CONSULTANT_SOCIAL_WORKER, R.TEAM_MANAGER, R.IRO, R.LADO}
JOB_TITLES = {
    R.CONTACT_OFFICER: "Contact officer",
    R.MASH_PRACTITIONER: "MASH practitioner",
    R.FAMILY_WORKER: "Family worker",
    R.SOCIAL_WORKER: "Social worker",
    R.CONSULTANT_SOCIAL_WORKER: "Consultant social worker",
    R.TEAM_MANAGER: "Team manager",
    R.IRO: "Independent reviewing officer",
    R.PERSONAL_ADVISER: "Personal adviser",
    R.LADO: "Local authority designated officer",
    R.PERFORMANCE_OFFICER: "Performance officer",
    R.ADMINISTRATOR: "Systems administrator",
}
AGENCY_SHARE = {R.SOCIAL_WORKER: 0.18, R.CONSULTANT_SOCIAL_WORKER: 0.08, R.TEAM_MANAGER: 0.1}


@dataclass
class TeamInfo:
    pk: int
    name: str
    function: str
    district: str
    caseholders: list[tuple[int, str, float]] = field(default_factory=list)  # (pk, role, fte)
    leavers: list[int] = field(default_factory=list)
    manager: int | None = None


@dataclass
class Workforce:
    authority: int
    teams: list[TeamInfo] = field(default_factory=list)

    def of(self, function: str, district: str = "") -> list[TeamInfo]:
        return [
            t
            for t in self.teams
            if t.function == function and (not district or t.district == district)
        ]

    @property
    def case_holding(self) -> list[TeamInfo]:
        return [t for t in self.teams if t.function in CASE_HOLDING]


class _Builder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("workforce")
        self.scale = ctx.options.children / SEED_COUNTY_CHILDREN
        self.next_unit = next_pk(OrgUnit)
        self.next_worker = next_pk(Worker)
        self.units: list[OrgUnit] = []
        self.workers: list[Worker] = []
        self.memberships: list[TeamMembership] = []
        self.swe = SweNumbers(ctx.options.seed)
        self.workforce = Workforce(authority=self.next_unit)
        self.pools = pools()
        self.team_of_worker: dict[int, TeamInfo] = {}

    def unit(self, name: str, kind: str, function: str, parent: int | None, district="") -> int:
        pk = self.next_unit
        self.next_unit += 1
        self.units.append(
            OrgUnit(
                pk=pk, name=name, kind=kind, function=function, parent_id=parent, district=district
            )
        )
        return pk

    def team(
        self,
        name: str,
        function: str,
        service: int,
        roles: dict[str, float],
        district: str = "",
        size: float = 1.0,
    ) -> TeamInfo:
        """A team and its workers; `size` is its share of demand against an average team."""
        pk = self.unit(name, UnitKind.TEAM, function, service, district)
        info = TeamInfo(pk=pk, name=name, function=function, district=district)
        self.workforce.teams.append(info)
        info.manager = self.worker(R.TEAM_MANAGER, info)
        for role, base in roles.items():
            count = 1 if role in FIXED_ROLES else max(1, round(base * self.scale * size))
            for _ in range(count):
                self.worker(role, info)
        return info

    def worker(self, role: str, team: TeamInfo, job_title: str = "") -> int:
        rng, today = self.rng, self.ctx.today
        pk = self.next_worker
        self.next_worker += 1
        pool = self.pools["english" if rng.random() < 0.82 else rng.choice(_WORKFORCE_POOLS)]
        sex = "F" if rng.random() < 0.8 else "M"  # children's social work is mostly women
        first, last = pool.given(rng, sex), pool.family_for(pool.family_name(rng), sex)
        start = today - dt.timedelta(days=rng.randint(30, 365 * 18))
        agency = rng.random() < AGENCY_SHARE.get(role, 0.02)
        if agency:
            start = today - dt.timedelta(days=rng.randint(14, 700))
        fte = Decimal("1.00")
        if rng.random() < 0.22:
            fte = Decimal(rng.choice(("0.50", "0.60", "0.80", "0.80", "0.90")))
        leaving = None
        left = False
        if role != R.TEAM_MANAGER and rng.random() < 0.06:
            leaving = today - dt.timedelta(days=rng.randint(1, 365))
            left = leaving < today and leaving > start
            if not left:
                leaving = None
        elif rng.random() < 0.02:
            leaving = today + dt.timedelta(days=rng.randint(7, 60))  # has given notice
        slug = "".join(
            ch for ch in f"{first}.{last}".lower() if (ch.isascii() and ch.isalnum()) or ch == "."
        )
        self.workers.append(
            Worker(
                pk=pk,
                username=f"synth-{pk}-{slug}"[:150],
                password=f"!synthetic-{pk}",  # unusable: synthetic workers cannot sign in
                first_name=first,
                last_name=last,
                email=f"{slug}.{pk}@fenshire.example",
                role=role,
                job_title=job_title or JOB_TITLES[role],
                swe_registration=self.swe.next(rng.randint(1, 400)) if role in QUALIFIED else "",
                employment=Employment.AGENCY if agency else Employment.PERMANENT,
                fte=fte,
                start_date=start,
                leaving_date=leaving,
                is_active=not left,
                date_joined=self.ctx.stamp(start),
            )
        )
        self.ctx.counts[f"role:{role}"] += 1
        self._memberships(pk, role, team, start, leaving if left else None)
        if role in CASE_HOLDING_ROLES or role == R.IRO:
            if left:
                team.leavers.append(pk)
            else:
                team.caseholders.append((pk, role, float(fte)))
        return pk

    def _memberships(self, pk, role, team, start, end) -> None:
        rng = self.rng
        similar = [t for t in self.workforce.teams if t.function == team.function and t is not team]
        moved_on = None
        if similar and role != R.TEAM_MANAGER and rng.random() < 0.2:
            span = ((end or self.ctx.today) - start).days
            if span > 60:
                moved_on = start + dt.timedelta(days=rng.randint(30, span - 20))
                self.memberships.append(
                    TeamMembership(
                        worker_id=pk,
                        unit_id=rng.choice(similar).pk,
                        start_date=start,
                        end_date=moved_on - dt.timedelta(days=1),
                    )
                )
                self.ctx.counts["moved_team"] += 1
        self.memberships.append(
            TeamMembership(
                worker_id=pk, unit_id=team.pk, start_date=moved_on or start, end_date=end
            )
        )

    def build(self) -> Workforce:
        s = self.scale
        la = self.workforce.authority
        self.unit(self.ctx.la_name, UnitKind.AUTHORITY, F.DIRECTORATE, None)

        def service(name: str, function: str, district: str = "") -> int:
            pk = self.unit(name, UnitKind.SERVICE, function, la, district)
            head = TeamInfo(pk=pk, name=name, function=function, district=district)
            self.worker(R.TEAM_MANAGER, head, job_title="Head of service")
            return pk

        front = service("Integrated Front Door", F.FRONT_DOOR)
        self.team("Contact centre", F.CONTACT_CENTRE, front, {R.CONTACT_OFFICER: 14})
        self.team("MASH", F.MASH, front, {R.MASH_PRACTITIONER: 10, R.SOCIAL_WORKER: 4})
        self.team("Early Help Hub", F.EARLY_HELP_HUB, front, {R.FAMILY_WORKER: 6})
        for district, (share, _) in DISTRICTS.items():
            # Seed 004 (6.2.11): one model in each district, smaller and larger teams by demand.
            size = share * len(DISTRICTS)
            svc = service(f"{district} district", F.DISTRICT, district)
            for function, suffix, roles in DISTRICT_TEAMS:
                self.team(f"{district} {suffix}", function, svc, roles, district, size)
        cic = service("Children in care", F.CHILDREN_IN_CARE)
        for n in range(1, 6):
            self.team(f"Children in care team {n}", F.CHILDREN_IN_CARE, cic, CIC_TEAM)
        self.team("Unaccompanied asylum-seeking children team", F.CHILDREN_IN_CARE, cic, UASC_TEAM)
        leaving = service("Leaving care", F.LEAVING_CARE)
        for n in range(1, 5):
            self.team(f"Leaving care team {n}", F.LEAVING_CARE, leaving, LEAVING_CARE_TEAM)
        fostering = service("Fostering", F.FOSTERING)
        self.team("Fostering assessment and support", F.FOSTERING, fostering, {R.SOCIAL_WORKER: 6})
        disabled = service("Disabled children", F.DISABLED_CHILDREN)
        for n in range(1, 3):
            self.team(f"Disabled children's team {n}", F.DISABLED_CHILDREN, disabled, DISABLED_TEAM)
        sru = service("Safeguarding and reviewing", F.SAFEGUARDING_REVIEWING)
        self.team("Independent reviewing officers", F.SAFEGUARDING_REVIEWING, sru, {R.IRO: 10})
        chairs = self.team("Child protection chairs", F.SAFEGUARDING_REVIEWING, sru, {})
        for _ in range(max(1, round(6 * s))):
            self.worker(R.IRO, chairs, job_title="Child protection conference chair")
        self.team("LADO", F.LADO, sru, {R.LADO: 2})
        pq = service("Performance and quality", F.PERFORMANCE_QUALITY)
        self.team(
            "Performance and quality team",
            F.PERFORMANCE_QUALITY,
            pq,
            {R.PERFORMANCE_OFFICER: 5},
        )
        self.team("Systems and data team", F.PERFORMANCE_QUALITY, pq, {R.ADMINISTRATOR: 2})
        return self.workforce


_WORKFORCE_POOLS = ("irish", "indian", "nigerian", "polish", "south_asian_muslim", "portuguese")


def build_workforce(ctx: Context, advance: Advance) -> None:
    builder = _Builder(ctx)
    workforce = builder.build()
    OrgUnit.objects.bulk_create(builder.units)
    advance(len(builder.units))
    ctx.counts["workforce.OrgUnit"] += len(builder.units)
    ctx.bulk(Worker, builder.workers)
    advance(len(builder.workers))
    ctx.bulk(TeamMembership, builder.memberships)
    ctx.state["worker_pks"] = (builder.workers[0].pk, builder.workers[-1].pk)
    ctx.workforce = workforce


def pick_caseholder(rng: random.Random, team: TeamInfo, roles: set[str]) -> tuple[int, str]:
    """A current worker of the team who may hold the case, weighted by their hours."""
    fit = [(pk, role, fte) for pk, role, fte in team.caseholders if role in roles]
    if not fit:
        return team.manager or 0, R.TEAM_MANAGER
    pk, role, _ = rng.choices(fit, [fte for _, _, fte in fit])[0]
    return pk, role
