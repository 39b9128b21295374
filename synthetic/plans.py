"""Plans of households: plain data made by the household maker, written by the family stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kinfold.people.codes import Gender

YEAR = 365.25


@dataclass(slots=True)
class PersonPlan:
    pk: int
    la_child_id: str
    given: str
    family: str
    sex: str
    dob: dt.date | None
    ethnicity: str
    language: str
    religion: str
    immigration: str
    created: dt.date
    is_child: bool = False
    edd: dt.date | None = None
    preferred: str = ""
    gender: str = Gender.NOT_KNOWN
    nhs: str = ""
    upn: str = ""
    former_upn: str = ""
    disabilities: tuple[str, ...] = ()
    other_names: list[tuple[str, str, str, dt.date | None, dt.date | None]] = field(
        default_factory=list
    )

    def age(self, on: dt.date) -> float:
        return (on - self.dob).days / YEAR if self.dob else -1.0


@dataclass(slots=True)
class AddressPlan:
    person_pks: list[int]
    line_1: str
    line_2: str
    town: str
    postcode: str
    from_date: dt.date
    to_date: dt.date | None


@dataclass(slots=True)
class RelationshipPlan:
    """`person` is `type` of `other` (the reciprocal row is written with it)."""

    person: int
    other: int
    type: str
    start: dt.date | None
    lives_with: bool
    parental_responsibility: bool


@dataclass(slots=True)
class AllocationPlan:
    person: int
    worker: int
    team: int
    role: str
    start: dt.date
    end: dt.date | None = None
    end_reason: str = ""


@dataclass
class Household:
    kind: str
    district: str
    members: list[PersonPlan] = field(default_factory=list)
    addresses: list[AddressPlan] = field(default_factory=list)
    relationships: list[RelationshipPlan] = field(default_factory=list)
    allocations: list[AllocationPlan] = field(default_factory=list)
    children: int = 0
    outside: list[int] = field(default_factory=list)  # children living elsewhere
