"""Households of the synthetic county, generated as plans (plain data, no database).

A household is the family around one or more children: one or two parents (some step-parents),
children with siblings, half-siblings and step-siblings, sometimes twins or an unborn baby,
sometimes a grandparent or aunt recorded, or a kinship carer. Care leavers (18-25) and
unaccompanied asylum-seeking young people come as households of their own. Every child is
counted: the households stop when `--children` children have been made.

The family stages (writers.py) turn each batch of plans into rows.
"""

from __future__ import annotations

import datetime as dt

from kinfold.people.codes import (
    Ethnicity,
    Gender,
    Language,
    NameKind,
    Sex,
)
from kinfold.people.codes import RelationshipType as T

from .identifiers import LaChildIds, NhsNumbers, Upns
from .names import NICKNAMES, NamePool, pools
from .pipeline import Context
from .places import Geography
from .plans import YEAR, AllocationPlan, Household, PersonPlan, RelationshipPlan
from .population import (
    BY_CODE,
    DISABILITY_WEIGHTS,
    MIXED_OTHER_PARENT,
    background,
    immigration_for,
    pick,
)
from .tenure import Tenure, plan_allocations
from .young_people import YoungPeopleMixin

__all__ = ["AllocationPlan", "Household", "HouseholdMaker", "PersonPlan", "RelationshipPlan"]


class HouseholdMaker(YoungPeopleMixin):
    """Makes households one at a time from one random stream; ids come from shared sequences."""

    def __init__(self, ctx: Context, geography: Geography, first_pk: int) -> None:
        self.ctx = ctx
        self.today = ctx.today
        self.rng = ctx.rng("households")
        self.geo = geography
        self.pools = pools()
        self.next_pk = first_pk
        self.nhs = NhsNumbers(ctx.options.seed)
        self.la_ids = LaChildIds(ctx.options.seed)
        self.upns = Upns(ctx.la_code)
        self.tenure = Tenure(ctx, self.rng)

    # ---- people ------------------------------------------------------------------------

    def person(
        self,
        hh: Household,
        *,
        given: str,
        family: str,
        sex: str,
        dob: dt.date | None,
        ethnicity: str,
        language: str,
        religion: str,
        immigration: str,
        is_child: bool,
    ) -> PersonPlan:
        rng = self.rng
        known_from = max(dob or self.today, self.ctx.window_start)
        created = known_from + dt.timedelta(
            days=rng.randint(0, max(0, (self.today - known_from).days))
        )
        p = PersonPlan(
            pk=self.next_pk,
            la_child_id=self.la_ids.next(),
            given=given,
            family=family,
            sex=sex,
            dob=dob,
            ethnicity=ethnicity,
            language=language,
            religion=religion,
            immigration=immigration,
            created=min(created, self.today),
            is_child=is_child,
        )
        self.next_pk += 1
        if dob is not None and rng.random() < (0.93 if is_child else 0.85):
            p.nhs = self.nhs.next()
        if rng.random() < 0.7:
            p.gender = Gender.SAME_AS_SEX
        hh.members.append(p)
        if is_child:
            hh.children += 1
        return p

    def child(
        self,
        hh: Household,
        pool: NamePool,
        family: str,
        dob: dt.date | None,
        eth: str,
        lang: str,
        religion: str,
        sex: str | None = None,
    ) -> PersonPlan:
        rng = self.rng
        sex = sex or (Sex.MALE if rng.random() < 0.51 else Sex.FEMALE)
        if dob is None:
            given, sex = "", Sex.UNKNOWN  # an unborn baby is recorded as 'Baby' of the family
        else:
            names = self.pools["english_modern"] if pool is self.pools["english"] else pool
            given = names.given(rng, sex)
        immigration = immigration_for(rng, eth, lang)
        p = self.person(
            hh,
            given=given or "Baby",
            family=pool.family_for(family, sex),
            sex=sex,
            dob=dob,
            ethnicity=eth,
            language=lang,
            religion=religion,
            immigration=immigration,
            is_child=True,
        )
        if dob is None:
            return p
        age = p.age(self.today)
        if age >= 4.5:
            entry_year = dob.year + 4 + (1 if dob.month >= 9 else 0)
            school = self.geo.school(
                rng, hh.district or self.geo.pick_district(rng), secondary=False
            )
            p.upn = self.upns.next(school, entry_year)
            if rng.random() < 0.01:
                p.former_upn = self.upns.next(school, entry_year - 1, temporary=True)
        if rng.random() < 0.05:
            codes = {pick(rng, DISABILITY_WEIGHTS) for _ in range(rng.choice((1, 1, 1, 2)))}
            p.disabilities = tuple(sorted(codes))
            if "HEAR" in codes and rng.random() < 0.3:
                p.language = Language.BSL
        if p.given in NICKNAMES and rng.random() < 0.25:
            p.preferred = rng.choice(NICKNAMES[p.given])
        if age >= 12 and rng.random() < 0.01:
            p.gender = rng.choice((Gender.NON_BINARY, Gender.OTHER, Gender.NOT_SAID))
        return p

    def adult(
        self,
        hh: Household,
        pool: NamePool,
        sex: str,
        dob: dt.date,
        eth: str,
        lang: str,
        religion: str,
        family: str | None = None,
    ) -> PersonPlan:
        rng = self.rng
        family = pool.family_for(family or pool.family_name(rng), sex)
        given = pool.given(rng, sex)
        return self.person(
            hh,
            given=given,
            family=family,
            sex=sex,
            dob=dob,
            ethnicity=eth,
            language=lang,
            religion=religion,
            immigration=immigration_for(rng, eth, lang),
            is_child=False,
        )

    def dob_of_age(self, years: float) -> dt.date:
        return self.today - dt.timedelta(days=round(years * YEAR))

    # ---- relationships -------------------------------------------------------------------

    @staticmethod
    def relate(
        hh: Household,
        a: PersonPlan,
        b: PersonPlan,
        type_: str,
        *,
        lives_with: bool,
        pr: bool = False,
        start: dt.date | None = None,
    ) -> None:
        """Record that `a` is `type_` of `b` (the writer adds the reciprocal row)."""
        hh.relationships.append(RelationshipPlan(a.pk, b.pk, type_, start, lives_with, pr))

    def siblings(self, hh: Household, kids: list[PersonPlan], half: set[tuple[int, int]]) -> None:
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                kind = T.HALF_SIBLING if (a.pk, b.pk) in half else T.SIBLING
                later = max((d for d in (a.dob, b.dob) if d), default=None)
                self.relate(hh, a, b, kind, lives_with=True, start=later)

    # ---- households --------------------------------------------------------------------

    def family(self, remaining: int) -> Household:
        rng, today = self.rng, self.today
        hh = Household(kind="family", district=self.geo.pick_district(rng))
        eth = background(rng)
        mother_eth = father_eth = eth
        if eth in MIXED_OTHER_PARENT:
            other = rng.choice(MIXED_OTHER_PARENT[eth])
            mother_eth, father_eth = (
                (Ethnicity.WBRI, other) if rng.random() < 0.6 else (other, Ethnicity.WBRI)
            )
        bg = BY_CODE[eth]
        lang, religion = pick(rng, bg[3]), pick(rng, bg[4])
        father_pool = self.pools[rng.choice(BY_CODE[father_eth][2])]
        mother_pool = self.pools[rng.choice(BY_CODE[mother_eth][2])]
        n = min(remaining, rng.choices((1, 2, 3, 4, 5, 6), (42, 35, 14, 6, 2, 1))[0])
        dobs, ages = self.sibling_dobs(n)
        unborn = len(dobs) < remaining and rng.random() < 0.006
        mother_age = ages[0] + rng.triangular(18, 42, 28)
        father_age = max(mother_age + rng.gauss(2.5, 4), ages[0] + 18)
        structure = rng.choices(
            ("couple", "single_mother", "single_father", "step", "kinship"), (47, 25, 4, 20, 4)
        )[0]
        if structure == "single_father" and unborn:
            structure = "single_mother"
        living_father = structure in ("couple", "single_father")
        father_recorded = living_father or rng.random() < 0.5
        father_pr = structure != "single_mother" or rng.random() < 0.6
        father_family = father_pool.family_name(rng)

        mother = self.adult(
            hh, mother_pool, Sex.FEMALE, self.dob_of_age(mother_age), mother_eth, lang, religion
        )
        if structure == "couple" and rng.random() < 0.55:  # married, took his name
            maiden = mother.family
            mother.family = father_pool.family_for(father_family, Sex.FEMALE)
            if mother.family != maiden:
                mother.other_names.append((NameKind.PREVIOUS, "", maiden, None, dobs[0]))
        father = None
        if father_recorded:
            father = self.adult(
                hh,
                father_pool,
                Sex.MALE,
                self.dob_of_age(father_age),
                father_eth,
                lang,
                religion,
                family=father_family,
            )
        by_mother = structure == "single_mother" and rng.random() < 0.6
        kids_pool = mother_pool if by_mother else father_pool
        kids_family = mother.family if by_mother else father_family
        kids = [self.child(hh, kids_pool, kids_family, d, eth, lang, religion) for d in dobs]
        self.ctx.counts["twin_pairs"] += sum(
            1 for i in range(1, len(dobs)) if dobs[i] == dobs[i - 1]
        )
        if unborn:
            baby = self.child(hh, kids_pool, kids_family, None, eth, lang, religion)
            baby.edd = today + dt.timedelta(days=rng.randint(7, 200))
            kids.append(baby)
            self.ctx.counts["unborn"] += 1

        # Step families: the older children are of the mother's former partner; the younger
        # ones of the step-father, so the two groups are half-siblings.
        split = len(kids)
        step_father = None
        half: set[tuple[int, int]] = set()
        moved_in = today
        if structure == "step":
            split = (
                rng.randint(1, len(kids) - 1) if len(kids) > 1 and rng.random() < 0.6 else len(kids)
            )
            step_father = self.adult(
                hh,
                father_pool,
                Sex.MALE,
                self.dob_of_age(max(mother_age + rng.gauss(2, 5), 20 + ages[0])),
                father_eth,
                lang,
                religion,
            )
            eldest_younger = kids[split].dob if split < len(kids) and kids[split].dob else None
            moved_in = today - dt.timedelta(days=rng.randint(120, 4000))
            if eldest_younger:
                moved_in = min(moved_in, eldest_younger - dt.timedelta(days=300))
            moved_in = max(moved_in, kids[split - 1].dob or moved_in)
            self.relate(hh, mother, step_father, T.PARTNER, lives_with=True, start=moved_in)
            for a in kids[:split]:
                self.relate(
                    hh,
                    step_father,
                    a,
                    T.STEP_PARENT,
                    lives_with=True,
                    pr=rng.random() < 0.1,
                    start=max(moved_in, a.dob or moved_in),
                )
                for b in kids[split:]:
                    half.add((a.pk, b.pk))
            for b in kids[split:]:
                self.relate(hh, step_father, b, T.PARENT, lives_with=True, pr=True, start=b.dob)
        elif structure == "couple" and father is not None:
            self.relate(hh, mother, father, T.PARTNER, lives_with=True, start=dobs[0])
        for kid in kids:
            self.relate(
                hh, mother, kid, T.PARENT, lives_with=structure != "kinship", pr=True, start=kid.dob
            )
        if father is not None:
            for kid in kids[:split]:
                self.relate(
                    hh, father, kid, T.PARENT, lives_with=living_father, pr=father_pr, start=kid.dob
                )
        self.siblings(hh, kids, half)

        living = [*kids, mother] if structure != "kinship" else list(kids)
        if living_father and father is not None:
            living.append(father)
        if step_father is not None:
            living.append(step_father)
            if len(kids) < remaining and rng.random() < 0.25:
                # His own child from before, living with their mother elsewhere.
                own = self.child(
                    hh,
                    father_pool,
                    step_father.family,
                    self.dob_of_age(rng.uniform(1, 17.5)),
                    BY_CODE[father_eth][0],
                    lang,
                    religion,
                )
                self.relate(
                    hh, step_father, own, T.PARENT, lives_with=False, pr=True, start=own.dob
                )
                self.relate(hh, mother, own, T.STEP_PARENT, lives_with=False, start=moved_in)
                for kid in kids:
                    kind = T.HALF_SIBLING if kid in kids[split:] else T.STEP_SIBLING
                    self.relate(hh, own, kid, kind, lives_with=False, start=moved_in)
                hh.outside.append(own.pk)

        # Kinship care: a grandmother brings the children up; otherwise sometimes recorded.
        if structure == "kinship" or rng.random() < 0.12:
            maiden = mother.other_names[0][2] if mother.other_names else mother.family
            gran = self.adult(
                hh,
                mother_pool,
                Sex.FEMALE,
                self.dob_of_age(mother_age + rng.uniform(19, 30)),
                mother_eth,
                lang,
                religion,
                family=maiden,
            )
            carer = structure == "kinship"
            self.relate(hh, gran, mother, T.PARENT, lives_with=False, start=mother.dob)
            for kid in kids:
                self.relate(hh, gran, kid, T.GRANDPARENT, lives_with=carer, pr=carer, start=kid.dob)
            if carer:
                living.append(gran)
        elif rng.random() < 0.04:
            aunt = self.adult(
                hh,
                mother_pool,
                Sex.FEMALE,
                self.dob_of_age(max(18.5, mother_age + rng.uniform(-8, 8))),
                mother_eth,
                lang,
                religion,
            )
            self.relate(hh, aunt, mother, T.SIBLING, lives_with=False)
            for kid in kids:
                self.relate(hh, aunt, kid, T.AUNT_UNCLE, lives_with=False, start=kid.dob)

        others = [m for m in hh.members if m not in living]
        self.tenure.addresses(hh, living, others=others, geo=self.geo)
        if rng.random() < self.ctx.options.allocated_share:
            plan_allocations(self.tenure, hh, kids)
        return hh

    def sibling_dobs(self, n: int) -> tuple[list[dt.date], list[float]]:
        """Dates of birth of n siblings, eldest first: an anchor age, the others spread around
        it 1-5 years apart, twins now and then (fewer if the ages run out of 0-18)."""
        rng = self.rng
        ages: list[float] = [rng.uniform(0, 17.99)]
        while len(ages) < n:
            if rng.random() < 0.016:
                ages.append(ages[-1])
                continue
            gap = rng.uniform(0.9, 5.5)
            candidate = min(ages) - gap if rng.random() < 0.5 else max(ages) + gap
            if not 0 <= candidate < 17.99:
                candidate = max(ages) + gap if candidate < 0 else min(ages) - gap
            if not 0 <= candidate < 17.99:
                break
            ages.append(candidate)
        ages.sort(reverse=True)
        dobs = [self.dob_of_age(a) for a in ages]
        return dobs, ages
