"""The Fellegi-Sunter comparison of two records: agreement levels, their m and u
probabilities, and the human-readable reason each level gives.

m = P(level | same person), u = P(level | different people). The values were set from
record-linkage practice (ONS and NHS PDS linkage reports give the same order of magnitude)
and checked on the synthetic county (benchmarks/matching/RESULTS.md). Exact name and
birthday agreement use the register's own frequencies when it is large enough to trust them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from . import names

# level: (m, u, reason)
FAMILY = {
    "exact": (0.80, 0.004, "Same family name"),
    "other": (0.05, 0.001, "Family name matches another name they have had"),
    "part": (0.04, 0.0008, "Family names share a part"),
    "close": (0.05, 0.0008, "Family name spelt similarly"),
    "sounds": (0.03, 0.004, "Family name sounds the same"),
    "differs": (0.03, 0.99, "Different family name"),
}
GIVEN = {
    "exact": (0.80, 0.01, "Same given name"),
    "other": (0.05, 0.002, "Given name matches another name they have had"),
    "close": (0.06, 0.001, "Given name spelt similarly"),
    "sounds": (0.03, 0.004, "Given name sounds the same"),
    "initial": (0.03, 0.02, "Given names start the same"),
    "differs": (0.02, 0.96, "Different given name"),
}
SWAPPED = (0.01, 0.00001, "Given and family names swapped")
# Swapped and also misspelt ("Lewsi Charlie" for Charlie Lewis): the names are compared
# crosswise, each weighted at its level as if straight, and the reason says so.
SWAPPED_CROSSWISE = "Given and family names swapped, spelt similarly"
CROSS_AGREES = {"exact", "other", "close", "sounds"}
# Siblings born together share a family name, a birthday and an address, which the fields'
# weights (taken as independent) would add up to a match: only the given name tells them apart.
TWINS = (0.1, 1.0, "Could be twins: same birthday, different given names")
DOB = {
    "exact": (0.88, 0.00015, "Same date of birth"),
    "swapped": (0.02, 0.00002, "Date of birth with day and month swapped"),
    "digit": (0.05, 0.004, "Date of birth differs by one digit"),
    "differs": (0.05, 0.995, "Different date of birth"),
}
SEX = {
    "agree": (0.97, 0.5, "Same sex"),
    "differs": (0.03, 0.5, "Different sex"),
}
# A shared NHS number almost never belongs to two people, and a record of the same person
# rarely carries a different valid number (benchmarks/matching/RESULTS.md).
NHS = {
    "agree": (0.98, 0.0000001, "Same NHS number"),
    "differs": (0.005, 0.9999, "Different NHS number"),
}
POSTCODE = {
    "current": (0.55, 0.002, "Same postcode"),
    "ever": (0.20, 0.004, "Have lived at the same postcode"),
    "area": (0.05, 0.03, "Postcodes in the same area"),
    "differs": (0.20, 0.964, "Different postcodes"),
}
# Reasons worth showing: agreements and the disagreements that count against.
QUIET = {"Same sex", "Different postcodes"}
# The register size assumed at least, so a small register does not make every pair likely.
MIN_REGISTER = 50_000
# The share of records that have a duplicate somewhere in the register.
DUPLICATE_SHARE = 0.01
# Frequencies are trusted from a register of this size.
FREQUENCY_REGISTER = 2_000


@dataclass
class NameFrequencies:
    total: int = 0
    family: dict[str, int] = field(default_factory=dict)
    given: dict[str, int] = field(default_factory=dict)
    dob: dict[dt.date, int] = field(default_factory=dict)

    def u(self, table: dict, value, default: float) -> float:
        if self.total < FREQUENCY_REGISTER or not table.get(value):
            return default
        return min(max(table[value] / self.total, default / 20), 0.5)


@dataclass
class MatchRecord:
    pk: int
    given: str
    family: str
    given_tokens: list[str]
    family_tokens: list[str]
    date_of_birth: dt.date | None
    sex: str
    nhs_number: str
    other_given: set[str] = field(default_factory=set)
    other_family: set[str] = field(default_factory=set)
    all_given_tokens: set[str] = field(default_factory=set)
    all_family_tokens: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    current_postcodes: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        *,
        pk: int,
        given_name: str,
        family_name: str,
        preferred_name: str = "",
        date_of_birth: dt.date | None = None,
        sex: str = "",
        nhs_number: str = "",
    ) -> MatchRecord:
        given_tokens = names.tokens(given_name)
        family_tokens = names.tokens(family_name)
        record = cls(
            pk=pk,
            given=" ".join(names.parts(given_name)),
            family=" ".join(names.parts(family_name)),
            given_tokens=given_tokens,
            family_tokens=family_tokens,
            date_of_birth=date_of_birth,
            sex=sex if sex in {"M", "F"} else "",
            nhs_number=nhs_number or "",
            all_given_tokens=set(given_tokens),
            all_family_tokens=set(family_tokens),
        )
        if preferred_name:
            record.add_other_name(preferred_name, "")
        return record

    def add_other_name(self, given: str, family: str) -> None:
        if given:
            self.other_given.add(" ".join(names.parts(given)))
            self.all_given_tokens.update(names.tokens(given))
        if family:
            self.other_family.add(" ".join(names.parts(family)))
            self.all_family_tokens.update(names.tokens(family))

    def add_postcode(self, postcode: str, *, current: bool) -> None:
        postcode = (postcode or "").upper()
        if postcode:
            self.postcodes.add(postcode)
            if current:
                self.current_postcodes.add(postcode)


def _name_level(a_name, b_name, a_others, b_others, a_tokens, b_tokens, *, given: bool) -> str:
    if not a_name or not b_name:
        return ""
    if a_name == b_name:
        return "exact"
    if a_name in b_others or b_name in a_others or (a_others & b_others):
        return "other"
    jw = JaroWinkler.similarity(a_name, b_name)
    if jw >= 0.92:
        return "close"
    if not given and a_tokens & b_tokens:
        return "part"
    first_a, first_b = a_name.split()[0], b_name.split()[0]
    if names.phonetic(first_a) == names.phonetic(first_b) and jw >= 0.7:
        return "sounds"
    if given and first_a == first_b:
        return "exact"
    if jw >= 0.88:
        return "close"
    if given and (first_a.startswith(first_b) or first_b.startswith(first_a)):
        return "initial"
    return "differs"


def _dob_level(a: dt.date | None, b: dt.date | None) -> str:
    if a is None or b is None:
        return ""
    if a == b:
        return "exact"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "swapped"
    sa, sb = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(sa, sb, strict=True)) == 1 or abs((a - b).days) == 1:
        return "digit"
    return "differs"


def _postcode_level(a: MatchRecord, b: MatchRecord) -> str:
    if not a.postcodes or not b.postcodes:
        return ""
    if a.current_postcodes & b.current_postcodes:
        return "current"
    if a.postcodes & b.postcodes:
        return "ever"
    sectors_a = {p[:-2] for p in a.postcodes}
    if sectors_a & {p[:-2] for p in b.postcodes}:
        return "area"
    return "differs"


def _crosswise(a: MatchRecord, b: MatchRecord) -> tuple[str, str] | None:
    """The (family, given) levels of the names compared crosswise, when they agree that way
    and not straight: names recorded the other way round, and misspelt too."""
    if not (a.given and a.family and b.given and b.family):
        return None
    if JaroWinkler.similarity(a.family, b.family) >= 0.8 or a.given == b.given:
        return None
    family = _name_level(
        a.family, b.given, set(), set(), a.all_family_tokens, b.all_given_tokens, given=False
    )
    given = _name_level(
        a.given, b.family, set(), set(), a.all_given_tokens, b.all_family_tokens, given=True
    )
    if family in CROSS_AGREES and given in CROSS_AGREES:
        return family, given
    return None


def _weight(m: float, u: float) -> float:
    return math.log2(m / u)


def score_pair(a: MatchRecord, b: MatchRecord, freq: NameFrequencies) -> tuple[float, list[str]]:
    """The probability that a and b are the same person, and the reasons, strongest first."""
    parts: list[tuple[float, str]] = []
    swapped = bool(a.given and a.family and a.given == b.family and a.family == b.given)
    crosswise = None if swapped else _crosswise(a, b)
    family = given = ""
    if swapped:
        m, u, reason = SWAPPED
        parts.append((_weight(m, u), reason))
    elif crosswise:
        swapped = True
        cross_family, cross_given = crosswise
        m, u, _reason = FAMILY[cross_family]
        parts.append((_weight(m, u), SWAPPED_CROSSWISE))
        m, u, _reason = GIVEN[cross_given]
        parts.append((_weight(m, u), ""))
    else:
        family = _name_level(
            a.family,
            b.family,
            a.other_family,
            b.other_family,
            a.all_family_tokens,
            b.all_family_tokens,
            given=False,
        )
        if family:
            m, u, reason = FAMILY[family]
            if family == "exact":
                u = freq.u(freq.family, a.family, u)
            parts.append((_weight(m, u), reason))
        given = _name_level(
            a.given,
            b.given,
            a.other_given,
            b.other_given,
            a.all_given_tokens,
            b.all_given_tokens,
            given=True,
        )
        if given:
            m, u, reason = GIVEN[given]
            if given == "exact":
                u = freq.u(freq.given, a.given, u)
            parts.append((_weight(m, u), reason))
    dob = _dob_level(a.date_of_birth, b.date_of_birth)
    if dob:
        m, u, reason = DOB[dob]
        if dob == "exact":
            u = freq.u(freq.dob, a.date_of_birth, u)
        parts.append((_weight(m, u), reason))
    if dob == "exact" and not swapped and given == "differs" and family in {"exact", "other"}:
        m, u, reason = TWINS
        parts.append((_weight(m, u), reason))
    if a.sex and b.sex:
        m, u, reason = SEX["agree" if a.sex == b.sex else "differs"]
        parts.append((_weight(m, u), reason))
    if a.nhs_number and b.nhs_number:
        m, u, reason = NHS["agree" if a.nhs_number == b.nhs_number else "differs"]
        parts.append((_weight(m, u), reason))
    postcode = _postcode_level(a, b)
    if postcode:
        m, u, reason = POSTCODE[postcode]
        parts.append((_weight(m, u), reason))
    register = max(freq.total, MIN_REGISTER)
    prior = math.log2(DUPLICATE_SHARE * 2 / register)
    total = prior + sum(w for w, _ in parts)
    probability = 1 / (1 + 2 ** (-total)) if total > -60 else 0.0
    reasons = [r for w, r in sorted(parts, key=lambda p: -p[0]) if r and r not in QUIET]
    return probability, reasons
