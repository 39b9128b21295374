"""The allocation plan of a sibling group with an unborn child: no allocation of the unborn
child, the current one or the worker's before it, starts earlier in the pregnancy than a
pre-birth referral may come (40 weeks before the expected birth: CIN census rule 8606)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from types import SimpleNamespace

from kinfold.workforce.models import Role
from synthetic.plans import Household, PersonPlan
from synthetic.tenure import PREGNANCY, SOCIAL_WORK, plan_allocations
from synthetic.workforce import TeamInfo

TODAY = dt.date(2026, 3, 31)


def person(pk: int, dob: dt.date | None, edd: dt.date | None = None) -> PersonPlan:
    return PersonPlan(
        pk=pk,
        la_child_id=f"KF{pk}",
        given="Sam",
        family="Child",
        sex="U",
        dob=dob,
        ethnicity="NOBT",
        language="ENG",
        religion="",
        immigration="",
        created=TODAY,
        is_child=True,
        edd=edd,
    )


def test_no_allocation_of_an_unborn_child_begins_before_the_pregnancy():
    team = TeamInfo(
        pk=1,
        name="North assessment team",
        function="assessment",
        district="North",
        caseholders=[(10, Role.SOCIAL_WORKER, 1.0), (11, Role.SOCIAL_WORKER, 1.0)],
        leavers=[12],
        manager=13,
    )
    seen: Counter[str] = Counter()
    for seed in range(400):
        tenure = SimpleNamespace(
            rng=random.Random(seed),
            today=TODAY,
            ctx=SimpleNamespace(window_start=dt.date(2023, 3, 31), counts=Counter()),
            iro_team=team,
            _team=lambda *args: (team, SOCIAL_WORK, False),
        )
        edd = TODAY + dt.timedelta(days=seed % 200)
        kids = [person(1, dt.date(2021, 6, 1)), person(2, None, edd)]
        hh = Household(kind="family", district="North", members=kids)
        plan_allocations(tenure, hh, kids)  # type: ignore[arg-type]
        for a in hh.allocations:
            if a.person == 2:
                assert a.start >= edd - PREGNANCY, (seed, a)
                seen["ended" if a.end else "current"] += 1
    assert seen["current"] and seen["ended"]  # both kinds were drawn
