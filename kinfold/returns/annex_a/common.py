"""What every Annex A list shares: the child's five columns and the coded values, written with
the letter prefixes the Annex A template uses ("a) Male", "q) 6: Police").

The codes follow the liia-tools Annex A schema (liiatools/annex_a_pipeline/spec/
Annex_A_schema.yml) and Data to Insight's ssd-data-model Annex A extract. See
docs/returns/annex_a.md for which Kinfold fact fills each column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kinfold.front_door.codes import ReferralSource
from kinfold.people.codes import Ethnicity, Sex
from kinfold.people.models import Person, age_on

from ..kinds import Problem
from ..periods import Period

CHILD_HEADERS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
)

# Kinfold records sex at the CIN census codes (M, F, U); "d) Neither" has no Kinfold value.
GENDER = {
    Sex.MALE: "a) Male",
    Sex.FEMALE: "b) Female",
    Sex.UNKNOWN: "c) Not stated/recorded",
}

ETHNICITY = {
    Ethnicity.WBRI: "a) WBRI",
    Ethnicity.WIRI: "b) WIRI",
    Ethnicity.WIRT: "c) WIRT",
    Ethnicity.WOTH: "d) WOTH",
    Ethnicity.WROM: "e) WROM",
    Ethnicity.MWBC: "f) MWBC",
    Ethnicity.MWBA: "g) MWBA",
    Ethnicity.MWAS: "h) MWAS",
    Ethnicity.MOTH: "i) MOTH",
    Ethnicity.AIND: "j) AIND",
    Ethnicity.APKN: "k) APKN",
    Ethnicity.ABAN: "l) ABAN",
    Ethnicity.AOTH: "m) AOTH",
    Ethnicity.BCRB: "n) BCRB",
    Ethnicity.BAFR: "o) BAFR",
    Ethnicity.BOTH: "p) BOTH",
    Ethnicity.CHNE: "q) CHNE",
    Ethnicity.OOTH: "r) OOTH",
    Ethnicity.REFU: "s) REFU",
    # The liia-tools schema prints "s) NOBT" too (a slip: two s's); the template's letter is t.
    Ethnicity.NOBT: "t) NOBT",
}

# Contact and referral source: the CIN census ReferralSource code, after its letter.
SOURCE = {
    ReferralSource.FAMILY: "a) 1A: Individual",
    ReferralSource.ACQUAINTANCE: "b) 1B: Individual",
    ReferralSource.SELF: "c) 1C: Individual",
    ReferralSource.INDIVIDUAL_OTHER: "d) 1D: Individual",
    ReferralSource.SCHOOL: "e) 2A: Schools",
    ReferralSource.EDUCATION: "f) 2B: Education services",
    ReferralSource.GP: "g) 3A: Health services",
    ReferralSource.HEALTH_VISITOR: "h) 3B: Health services",
    ReferralSource.SCHOOL_NURSE: "i) 3C: Health services",
    ReferralSource.PRIMARY_HEALTH: "j) 3D: Health services",
    ReferralSource.EMERGENCY: "k) 3E: Health services",
    ReferralSource.SECONDARY_HEALTH: "l) 3F: Health services",
    ReferralSource.HOUSING: "m) 4: Housing",
    ReferralSource.LA_SOCIAL_CARE: "n) 5A: LA services",
    ReferralSource.LA_INTERNAL: "o) 5B: LA services",
    ReferralSource.LA_EXTERNAL: "p) 5C: LA services",
    ReferralSource.EARLY_HELP: "p1) 5D: LA services",
    ReferralSource.POLICE: "q) 6: Police",
    ReferralSource.LEGAL: "r) 7: Other legal agency",
    ReferralSource.OTHER: "s) 8: Other",
    ReferralSource.ANONYMOUS: "t) 9: Anonymous",
    ReferralSource.UNKNOWN: "u) 10: Unknown",
}

YES, NO = "a) Yes", "b) No"


def kept(person: Person | None) -> Person | None:
    """The record a merged record's facts belong to now (merges can chain)."""
    seen: set[int] = set()
    while person is not None and person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = person.merged_into
    return person


def age_at(person: Person, on: dt.date) -> int | None:
    """Whole years on the row's own date (the contact, the referral, the start of early help);
    blank for a child not yet born on that date."""
    born = person.date_of_birth
    if born is None or born > on:
        return None
    if person.date_of_death is not None and person.date_of_death < on:
        on = person.date_of_death
    return age_on(born, on)


@dataclass
class Sheet:
    """One list as it is written: its rows and the problems found writing them."""

    part: str
    period: Period
    rows: list[list[Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, reason: str, *, person: Person | None = None, reference: str = "", column: str = ""
    ) -> None:
        self.problems.append(
            Problem(
                part=self.part,
                reason=reason,
                person_id=person.pk if person is not None else None,
                reference=reference or (person.la_child_id if person is not None else ""),
                column=column,
            )
        )


def child_cells(sheet: Sheet, person: Person, on: dt.date) -> list[Any]:
    """Child Unique ID, Gender, Ethnicity, Date of Birth, Age of Child (Years)."""
    gender = GENDER.get(person.sex)  # type: ignore[call-overload]
    if gender is None:
        sheet.problem(f"Sex {person.sex!r} has no Annex A gender", person=person, column="Gender")
    ethnicity = ETHNICITY.get(person.ethnicity)  # type: ignore[call-overload]
    if ethnicity is None:
        sheet.problem(
            f"Ethnicity {person.ethnicity!r} has no Annex A code",
            person=person,
            column="Ethnicity",
        )
    return [
        person.la_child_id,
        gender,
        ethnicity,
        person.date_of_birth,
        age_at(person, on),
    ]


def source_cell(sheet: Sheet, code: str, person: Person | None, reference: str, column: str):
    value = SOURCE.get(code)  # type: ignore[call-overload]
    if value is None:
        sheet.problem(
            f"Source {code!r} is not a CIN census referral source",
            person=person,
            reference=reference,
            column=column,
        )
    return value
