"""Where household members live (addresses with from/to dates and some moves) and who works
with the children (allocations to a worker in a case-holding team, with some history)."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from kinfold.workforce.models import AllocationRole, Role, UnitFunction

from .pipeline import Context
from .plans import AddressPlan, AllocationPlan, Household, PersonPlan
from .workforce import TeamInfo, pick_caseholder

if TYPE_CHECKING:
    from .places import Geography

F = UnitFunction
SOCIAL_WORK = {Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER}
WITH_FAMILY_WORKERS = SOCIAL_WORK | {Role.FAMILY_WORKER}


class Tenure:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.today = ctx.today
        wf = ctx.workforce
        assert wf is not None, "the workforce stage runs before the households"
        self.district_teams: dict[tuple[str, str], list[TeamInfo]] = {}
        for team in wf.teams:
            if team.district:
                self.district_teams.setdefault((team.function, team.district), []).append(team)
        cic = wf.of(F.CHILDREN_IN_CARE)
        self.uasc_team = next(t for t in cic if "asylum" in t.name)
        self.cic_teams = [t for t in cic if t is not self.uasc_team]
        self.leaving_care = wf.of(F.LEAVING_CARE)
        self.disabled = wf.of(F.DISABLED_CHILDREN)
        self.iro_team = next(t for t in wf.of(F.SAFEGUARDING_REVIEWING) if "reviewing" in t.name)

    # ---- addresses ---------------------------------------------------------------------

    def addresses(
        self,
        hh: Household,
        living: list[PersonPlan],
        *,
        others: list[PersonPlan],
        geo: Geography,
        flat: bool = False,
    ) -> None:
        rng, today = self.rng, self.today
        since = today - dt.timedelta(days=rng.randint(20, 365 * 14))
        line_1, line_2, town, postcode = geo.address(rng, hh.district, flat=flat)
        moved = rng.random() < 0.35
        if moved:
            since = today - dt.timedelta(
                days=rng.randint(20, max(30, 365 * self.ctx.options.years))
            )
        hh.addresses.append(
            AddressPlan([p.pk for p in living], line_1, line_2, town, postcode, since, None)
        )
        if moved:
            before = geo.address(rng, "" if rng.random() < 0.2 else geo.pick_district(rng))
            earlier = since - dt.timedelta(days=rng.randint(200, 365 * 8))
            movers = [p.pk for p in living if p.dob is not None and p.dob < since]
            if movers:
                hh.addresses.append(
                    AddressPlan(movers, *before, earlier, since - dt.timedelta(days=1))
                )
            self.ctx.counts["households_moved"] += 1
        for other in others:
            where = "" if rng.random() < 0.25 else geo.pick_district(rng)
            start = today - dt.timedelta(days=rng.randint(20, 365 * 10))
            hh.addresses.append(AddressPlan([other.pk], *geo.address(rng, where), start, None))

    # ---- allocations -------------------------------------------------------------------

    def _team(
        self, hh: Household, kids: list[PersonPlan], care_leaver: bool, uasc: bool
    ) -> tuple[TeamInfo, set[str], bool]:
        """The team that holds the family, the roles that may hold it, and whether in care."""
        rng = self.rng
        if care_leaver:
            return rng.choice(self.leaving_care), {Role.PERSONAL_ADVISER}, False
        if uasc:
            return self.uasc_team, SOCIAL_WORK, True
        born = [k for k in kids if k.dob is not None]
        if any(k.disabilities for k in kids) and rng.random() < 0.45:
            return rng.choice(self.disabled), WITH_FAMILY_WORKERS, False
        if born and rng.random() < 0.17:
            return rng.choice(self.cic_teams), SOCIAL_WORK, True
        teenagers = [k for k in born if k.age(self.today) >= 13]
        if teenagers and (len(teenagers) == len(born) or rng.random() < 0.4):
            teams = self.district_teams[(F.ADOLESCENT, hh.district)]
            return rng.choice(teams), WITH_FAMILY_WORKERS, False
        function = F.CHILDRENS if rng.random() < 0.62 else F.ASSESSMENT
        roles = WITH_FAMILY_WORKERS if function == F.CHILDRENS else SOCIAL_WORK
        return rng.choice(self.district_teams[(function, hh.district)]), roles, False


PREGNANCY = dt.timedelta(weeks=40)


def plan_allocations(
    tenure: Tenure,
    hh: Household,
    kids: list[PersonPlan],
    *,
    care_leaver: bool = False,
    uasc: bool = False,
) -> None:
    """Allocate the household's children (a sibling group together) to one worker."""
    if not kids:
        return
    rng, today = tenure.rng, tenure.today
    team, roles, in_care = tenure._team(hh, kids, care_leaver, uasc)
    worker, role = pick_caseholder(rng, team, roles)
    kind = {
        Role.PERSONAL_ADVISER: AllocationRole.PERSONAL_ADVISER,
        Role.FAMILY_WORKER: AllocationRole.FAMILY_WORKER,
    }.get(role, AllocationRole.SOCIAL_WORKER)
    born = [k.dob for k in kids if k.dob is not None]
    earliest = max([tenure.ctx.window_start, *born[-1:]]) if born else today - dt.timedelta(60)
    earliest = min(earliest, today - dt.timedelta(days=1))
    start = earliest + dt.timedelta(days=rng.randint(0, max(0, (today - earliest).days - 1)))
    previous = None
    if (
        (team.leavers or len(team.caseholders) > 1)
        and rng.random() < 0.3
        and (start - earliest).days > 40
    ):
        others = [pk for pk, r, _ in team.caseholders if pk != worker and r in roles]
        previous = rng.choice(team.leavers + others) if team.leavers or others else None
    iros = [pk for pk, r, _ in tenure.iro_team.caseholders if r == Role.IRO] if in_care else []
    iro = rng.choice(iros) if iros else None
    allocated = 0
    for kid in kids:
        kid_start = start
        if kid.dob is None and kid.edd is not None:
            # An unborn child joins the sibling group's allocation in the pregnancy (a pre-birth
            # referral comes at most 40 weeks before the birth: CIN census rule 8606).
            kid_start = max(start, kid.edd - PREGNANCY + dt.timedelta(days=7))
            if kid_start >= today:
                continue
        hh.allocations.append(AllocationPlan(kid.pk, worker, team.pk, kind, kid_start))
        # The worker before: not before the pregnancy either (the first allocation is the
        # referral's day, and an earlier one would be a pre-birth referral too early: 8606).
        floor = earliest
        if kid.dob is None and kid.edd is not None:
            floor = max(earliest, kid.edd - PREGNANCY + dt.timedelta(days=7))
        if previous and kid_start == start and floor < start - dt.timedelta(days=1):
            began = start - dt.timedelta(days=rng.randint(40, max(41, (start - earliest).days)))
            began = max(began, floor)
            reason = "Worker left" if previous in team.leavers else "Change of worker"
            hh.allocations.append(
                AllocationPlan(
                    kid.pk, previous, team.pk, kind, began, start - dt.timedelta(days=1), reason
                )
            )
        if iro is not None:
            hh.allocations.append(
                AllocationPlan(kid.pk, iro, tenure.iro_team.pk, AllocationRole.IRO, kid_start)
            )
        allocated += 1
    tenure.ctx.counts["allocated_children"] += allocated
