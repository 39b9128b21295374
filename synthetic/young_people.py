"""Young people who come as households of their own: care leavers (18-25) and unaccompanied
asylum-seeking children (no family in the county)."""

from __future__ import annotations

import datetime as dt

from kinfold.people.codes import ImmigrationStatus, Religion, Sex
from kinfold.people.codes import RelationshipType as T

from .plans import Household
from .population import BY_CODE, UASC_ORIGINS, background, pick
from .tenure import plan_allocations


class YoungPeopleMixin:
    """Part of HouseholdMaker (families.py)."""

    def care_leaver(self) -> Household:
        rng = self.rng
        hh = Household(kind="care_leaver", district=self.geo.pick_district(rng))
        age = rng.uniform(18, 25.9)
        former_uasc = rng.random() < 0.15
        if former_uasc:
            pool_name, eth, lang, _ = rng.choices(UASC_ORIGINS, [o[3] for o in UASC_ORIGINS])[0]
            pool, religion = self.pools[pool_name], Religion.NOT_KNOWN
            sex = Sex.MALE if rng.random() < 0.9 else Sex.FEMALE
        else:
            eth = background(rng)
            bg = BY_CODE[eth]
            pool = self.pools[rng.choice(bg[2])]
            lang, religion = pick(rng, bg[3]), pick(rng, bg[4])
            sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        young = self.adult(hh, pool, sex, self.dob_of_age(age), eth, lang, religion)
        young.is_child = True
        hh.children += 1
        if former_uasc:
            young.immigration = rng.choice(
                (ImmigrationStatus.REFUGEE, ImmigrationStatus.LIMITED_LEAVE, ImmigrationStatus.UASC)
            )
        living = [young]
        others = []
        if not former_uasc and rng.random() < 0.6:
            mother = self.adult(
                hh,
                pool,
                Sex.FEMALE,
                self.dob_of_age(age + rng.uniform(17, 35)),
                eth,
                lang,
                religion,
                family=young.family,
            )
            self.relate(hh, mother, young, T.PARENT, lives_with=False, pr=False, start=young.dob)
            others.append(mother)
        self.tenure.addresses(hh, living, others=others, geo=self.geo, flat=True)
        plan_allocations(self.tenure, hh, [young], care_leaver=True)
        self.ctx.counts["care_leavers"] += 1
        return hh

    def uasc(self) -> Household:
        rng = self.rng
        hh = Household(kind="uasc", district=self.geo.pick_district(rng))
        pool_name, eth, lang, _ = rng.choices(UASC_ORIGINS, [o[3] for o in UASC_ORIGINS])[0]
        pool = self.pools[pool_name]
        sex = Sex.MALE if rng.random() < 0.9 else Sex.FEMALE
        age = rng.uniform(14, 17.9)
        dob = self.dob_of_age(age)
        if rng.random() < 0.3:
            dob = dt.date(dob.year, 1, 1)  # an assessed age: recorded as 1 January
        young = self.child(
            hh, pool, pool.family_name(rng), dob, eth, lang, Religion.NOT_KNOWN, sex=sex
        )
        young.immigration = ImmigrationStatus.UASC
        self.tenure.addresses(hh, [young], others=[], geo=self.geo)
        plan_allocations(self.tenure, hh, [young], uasc=True)
        self.ctx.counts["uasc"] += 1
        return hh
