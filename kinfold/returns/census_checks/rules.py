"""Kinfold's own CIN census checks: the DfE validator's rules (csc-validator-be-cin, the ruleset
for the census year ending 31 March 2025), written again over ONE child's census record.

Each check is registered by the DfE rule code, with the DfE message, the census item to fix and
a function of (record, context) giving the items at fault (an empty list: it passes). Rules
about the return as a whole (duplicate ids across children, percentages of the file) are not
here: see docs/returns/census_agreement.md.
"""

# ruff: noqa: RUF001 - the DfE messages are quoted as the validator writes them
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .record import ChildRecord, CPPlanRecord, EpisodeRecord

ERROR, QUERY = "ERROR", "QUERY"

ETHNICITIES = frozenset(
    [
        "ABAN",
        "AIND",
        "AOTH",
        "APKN",
        "BAFR",
        "BCRB",
        "BOTH",
        "CHNE",
        "MOTH",
        "MWAS",
        "MWBA",
        "MWBC",
        "NOBT",
        "OOTH",
        "REFU",
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
    ]
)
DISABILITIES = frozenset(
    ["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"]
)
PRIMARY_NEEDS = frozenset(f"N{i}" for i in range(10))
SOURCES = frozenset(
    [
        "1A",
        "1B",
        "1C",
        "1D",
        "2A",
        "2B",
        "3A",
        "3B",
        "3C",
        "3D",
        "3E",
        "3F",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
)
CLOSURE_REASONS = frozenset(f"RC{i}" for i in range(1, 10))
CATEGORIES = frozenset(["NEG", "PHY", "EMO", "SAB", "MUL"])
FACTORS = frozenset(
    [
        "1A",
        "1B",
        "1C",
        "2A",
        "2B",
        "2C",
        "3A",
        "3B",
        "3C",
        "4A",
        "4B",
        "4C",
        "5A",
        "5B",
        "5C",
        "6A",
        "6B",
        "6C",
        "7A",
        "8B",
        "8C",
        "8D",
        "8E",
        "8F",
        "9A",
        "10A",
        "11A",
        "12A",
        "13A",
        "14A",
        "15A",
        "16A",
        "17A",
        "18A",
        "18B",
        "18C",
        "19A",
        "19B",
        "19C",
        "20",
        "21",
        "22A",
        "23A",
        "24A",
    ]
)
UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _la_codes() -> frozenset[str]:
    codes: set[int] = set()
    for lo, hi in (
        (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
        (380, 384), (390, 394), (660, 681), (701, 708), (800, 803), (805, 808), (810, 813),
        (820, 823), (835, 839), (850, 852), (855, 857), (865, 896), (935, 938), (940, 941),
    ):  # fmt: skip
        codes.update(range(lo, hi + 1))
    codes.update(
        (420, 815, 816, 825, 826, 830, 831, 840, 841, 845, 846, 860, 861, 908, 909, 916, 919,
         921, 925, 926, 928, 929, 931, 933)
    )  # fmt: skip
    return frozenset(f"{c:03d}" for c in codes)


LA_CODES = _la_codes()


@dataclass(frozen=True)
class Context:
    """The census year the record is checked for: 1 April to its reference date, 31 March."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 3, 31)

    def in_year(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


Hits = list[str]  # the census items at fault, one per finding
CheckFunction = Callable[[ChildRecord, Context], Hits]


@dataclass(frozen=True)
class Check:
    code: str
    kind: str  # ERROR or QUERY, as the DfE validator types the rule
    message: str
    field: str
    function: CheckFunction


REGISTRY: dict[str, Check] = {}


def rule(code: str, field: str, message: str, kind: str = ERROR):
    def register(function: CheckFunction) -> CheckFunction:
        REGISTRY[code] = Check(code, kind, message, field, function)
        return function

    return register


def _hits(field: str, count: int | bool) -> Hits:
    return [field] * int(count)


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    """Two periods (an open end runs on) share a day."""
    if a_start is None or b_start is None:
        return False
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


def _weekend(day: dt.date | None) -> bool:
    return day is not None and day.weekday() >= 5


def _working_days_before(day: dt.date, n: int) -> dt.date:
    """`n` working days before `day` as the validator counts them (Monday to Friday less
    England's bank holidays; it counts `day` itself as the first, so it steps back n - 1
    days, and 0 steps rolls a day off work forward to the next working day)."""
    from kinfold.timescales.calendar import bank_holidays

    def working(d: dt.date) -> bool:
        return d.weekday() < 5 and d not in bank_holidays(d.year)

    steps = n - 1
    if steps <= 0:
        while not working(day):
            day += dt.timedelta(days=1)
        return day
    while steps > 0:
        day -= dt.timedelta(days=1)
        if working(day):
            steps -= 1
    return day


def _plans(child: ChildRecord) -> Iterable[tuple[EpisodeRecord, CPPlanRecord]]:
    for e in child.episodes:
        for p in e.cp_plans:
            yield e, p


# ---- the child: identifiers and characteristics ------------------------------------------


@rule("8500", "LAchildID", "LA Child ID missing")
def _8500(c, x):
    return _hits("LAchildID", not c.la_child_id)


@rule("1570", "LAchildID", "LA Child ID must not be longer than 20 characters")
def _1570(c, x):
    return _hits("LAchildID", bool(c.la_child_id) and len(c.la_child_id) > 20)


@rule("1580", "LAchildID", "LA Child ID must not contain any non-alphanumeric characters")
def _1580(c, x):
    return _hits("LAchildID", bool(c.la_child_id) and not c.la_child_id.isalnum())


@rule("1510", "UPN", "UPN invalid (wrong check letter at character 1)")
def _1510(c, x):
    upn = c.upn or ""
    if len(upn) != 13 or not upn[1:].isdigit():
        return []
    total = sum(int(upn[i]) * (i + 1) for i in range(1, 13)) % 23
    return _hits("UPN", UPN_CHECK[total] != upn[0])


@rule("1530", "UPN", "UPN invalid (characters 2-4 not a recognised LA code)")
def _1530(c, x):
    return _hits("UPN", bool(c.upn) and c.upn[1:4] not in LA_CODES)


@rule("1540", "UPN", "UPN invalid (characters 5-12 not all numeric)")
def _1540(c, x):
    return _hits("UPN", bool(c.upn) and not c.upn[4:12].isdigit())


@rule("1550", "UPN", "UPN invalid (character 13 not a recognised value)")
def _1550(c, x):
    upn = c.upn or ""
    return _hits("UPN", len(upn) >= 13 and upn[12] not in "0123456789" + UPN_CHECK)


@rule(
    "1560Q",
    "FormerUPN",
    "Please check and either amend or provide a reason: Former UPN wrongly formatted",
    QUERY,
)
def _1560q(c, x):
    # A permanent UPN (12 digits after the letter) or a temporary one (a letter, 11 digits, a
    # letter): the validator flags the temporary form too (docs/returns/validator_faults.md).
    former = c.former_upn
    if not former:
        return []
    permanent = len(former) == 13 and former[0].isalpha() and former[1:].isdigit()
    temporary = (
        len(former) == 13
        and former[0].isalpha()
        and former[1:12].isdigit()
        and former[12] in UPN_CHECK
    )
    return _hits("FormerUPN", not (permanent or temporary))


def _school_age(c: ChildRecord, x: Context) -> bool:
    return c.birth is not None and c.birth <= dt.date(x.year - 6, 8, 31)


@rule(
    "8770Q",
    "UPN",
    "Please check and either amend data or provide a reason: UPN is missing or reason UPN is "
    "missing or is UN1 for a child who is of school age.",
    QUERY,
)
def _8770q(c, x):
    if not _school_age(c, x):
        return []
    return _hits("UPN", not c.upn and (not c.upn_unknown or c.upn_unknown == "UN1"))


@rule(
    "8772",
    "UPNunknown",
    "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details "
    "is a referral going on to further action",
)
def _8772(c, x):
    return _hits("UPNunknown", c.upn_unknown == "UN7" and any(not e.nfa for e in c.episodes))


@rule(
    "8520",
    "PersonBirthDate",
    "Date of Birth is after data collection period (must be on or before the end of the census "
    "period)",
)
def _8520(c, x):
    return _hits("PersonBirthDate", c.birth is not None and c.birth > x.end)


@rule(
    "8525Q",
    "PersonBirthDate",
    "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
    QUERY,
)
def _8525q(c, x):
    return _hits("PersonBirthDate", (c.birth is None) == (c.expected_birth is None))


@rule(
    "8530Q",
    "ExpectedPersonBirthDate",
    "Please check and either amend data or provide a reason: Expected Date of Birth is outside "
    "the expected range for this census (March to December of the Census Year end)",
    QUERY,
)
def _8530q(c, x):
    e = c.expected_birth
    return _hits(
        "ExpectedPersonBirthDate",
        e is not None and not (dt.date(x.year, 3, 1) <= e <= dt.date(x.year, 12, 31)),
    )


@rule(
    "8535Q",
    "PersonDeathDate",
    "Please check and either amend data or provide a reason: Child’s date of death should not "
    "be prior to the date of birth",
    QUERY,
)
def _8535q(c, x):
    return _hits("PersonDeathDate", bool(c.death and c.birth and c.death < c.birth))


@rule(
    "8545Q",
    "PersonDeathDate",
    "Please check and either amend data or provide a reason: Child's date of death should be "
    "within the census year",
    QUERY,
)
def _8545q(c, x):
    return _hits("PersonDeathDate", c.death is not None and not x.in_year(c.death))


@rule(
    "8555Q",
    "CINreferralDate",
    "Child cannot be referred after its recorded date of death",
    QUERY,
)
def _8555q(c, x):
    if c.death is None:
        return []
    return _hits(
        "CINreferralDate",
        sum(1 for e in c.episodes if e.referral_date and e.referral_date > c.death),
    )


@rule(
    "8606",
    "CINreferralDate",
    "Child referral date is more than 40 weeks before DOB or expected DOB",
)
def _8606(c, x):
    # Against the date of birth and the expected date, whichever are given.
    days = [d - dt.timedelta(weeks=40) for d in (c.birth, c.expected_birth) if d]
    return _hits(
        "CINreferralDate",
        sum(
            1 for e in c.episodes if e.referral_date and any(e.referral_date < day for day in days)
        ),
    )


@rule(
    "8775Q",
    "PersonBirthDate",
    "Please check and either amend data or provide a reason: Child is over 25 years old",
    QUERY,
)
def _8775q(c, x):
    if c.birth is None:
        return []
    # The day the child turns 25 (a child born on 29 February on 1 March).
    limit = dt.date(c.birth.year + 25, 3, 1) - dt.timedelta(days=1)
    if (c.birth.month, c.birth.day) != (2, 29):
        limit = c.birth.replace(year=c.birth.year + 25)
    found = 0
    for e in c.episodes:
        day = e.closure_date or x.end
        found += day >= limit
    return _hits("PersonBirthDate", found)


@rule("4180", "Sex", "Sex must be provided and equal M, F, or U")
def _4180(c, x):
    return _hits("Sex", c.sex not in ("M", "F", "U"))


@rule("8750", "Sex", "Sex must equal U for an unborn child")
def _8750(c, x):
    return _hits("Sex", c.birth is None and c.expected_birth is not None and c.sex != "U")


@rule("4220", "Ethnicity", "Ethnicity is missing or invalid (see Ethnicity table)")
def _4220(c, x):
    return _hits("Ethnicity", c.ethnicity not in ETHNICITIES)


@rule(
    "8540",
    "Disability",
    "Child’s disability is missing or invalid (see Disability table)",
)
def _8540(c, x):
    if c.birth is None or not any(e.referral_nfa in ("0", "false") for e in c.episodes):
        return []
    bad = not c.disabilities or any(d not in DISABILITIES for d in c.disabilities)
    return _hits("Disability", bad)


@rule("8790", "Disability", "Disability information includes both None and other values")
def _8790(c, x):
    return _hits("Disability", "NONE" in c.disabilities and len(c.disabilities) > 1)


@rule("8794", "Disability", "Child has two or more disabilities with the same code")
def _8794(c, x):
    return _hits("Disability", len(set(c.disabilities)) < len(c.disabilities))


@rule("8590", "LAchildID", "Child does not have a recorded CIN episode.")
def _8590(c, x):
    return _hits("LAchildID", not c.episodes)


# ---- the episode ----------------------------------------------------------------------------


@rule(
    "8600",
    "CINreferralDate",
    "Child referral date missing or after data collection period",
)
def _8600(c, x):
    return _hits(
        "CINreferralDate",
        sum(1 for e in c.episodes if e.referral_date is None or e.referral_date > x.end),
    )


@rule("8866", "ReferralSource", "Source of Referral is missing or an invalid code")
def _8866(c, x):
    return _hits(
        "ReferralSource",
        sum(
            1
            for e in c.episodes
            if e.referral_date
            and e.referral_date >= dt.date(2013, 4, 1)
            and e.source not in SOURCES
        ),
    )


@rule(
    "8650",
    "PrimaryNeedCode",
    "Primary Need Code invalid (see Primary Need table in CIN census code set)",
)
def _8650(c, x):
    return _hits(
        "PrimaryNeedCode",
        sum(1 for e in c.episodes if e.primary_need and e.primary_need not in PRIMARY_NEEDS),
    )


@rule(
    "8610",
    "PrimaryNeedCode",
    "Primary Need code is missing for a referral which led to further action.",
)
def _8610(c, x):
    return _hits(
        "PrimaryNeedCode",
        sum(1 for e in c.episodes if e.referral_nfa in ("0", "false") and not e.primary_need),
    )


@rule("8568", "ReferralNFA", "RNFA flag is missing or invalid")
def _8568(c, x):
    return _hits(
        "ReferralNFA",
        sum(1 for e in c.episodes if e.referral_nfa not in ("0", "1", "true", "false")),
    )


@rule(
    "8569Q",
    "ReferralNFA",
    "A case with referral date before one working day prior to the collection start date must "
    "not be flagged as a no further action case",
    QUERY,
)
def _8569q(c, x):
    cutoff = _working_days_before(x.start, 1)
    return _hits(
        "ReferralNFA",
        sum(1 for e in c.episodes if e.nfa and e.referral_date and e.referral_date < cutoff),
    )


@rule(
    "8620",
    "CINclosureDate",
    "CIN Closure Date present and does not fall within the Census year",
)
def _8620(c, x):
    return _hits(
        "CINclosureDate",
        sum(1 for e in c.episodes if e.closure_date and not x.in_year(e.closure_date)),
    )


@rule(
    "8630",
    "CINclosureDate",
    "CIN Closure Date is before CIN Referral Date for the same CIN episode",
)
def _8630(c, x):
    return _hits(
        "CINclosureDate",
        sum(
            1
            for e in c.episodes
            if e.closure_date and e.referral_date and e.closure_date < e.referral_date
        ),
    )


@rule(
    "8640",
    "ReasonForClosure",
    "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
)
def _8640(c, x):
    return _hits(
        "ReasonForClosure",
        sum(1 for e in c.episodes if e.closure_reason and e.closure_reason not in CLOSURE_REASONS),
    )


@rule(
    "8805",
    "ReasonForClosure",
    "A CIN case cannot have a CIN closure date without a Reason for Closure",
)
def _8805(c, x):
    return _hits(
        "ReasonForClosure",
        sum(1 for e in c.episodes if e.closure_date and not e.closure_reason),
    )


@rule(
    "8810",
    "CINclosureDate",
    "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
)
def _8810(c, x):
    return _hits(
        "CINclosureDate",
        sum(1 for e in c.episodes if e.closure_reason and not e.closure_date),
    )


def _open_further_action(c: ChildRecord) -> list[EpisodeRecord]:
    return [e for e in c.episodes if e.closure_date is None and e.referral_nfa in ("0", "false")]


@rule(
    "8815",
    "CINclosureDate",
    "More than one open CIN Details episode (a module with no CIN Closure Date) has been "
    "provided for this child and case is not a referral with no further action.",
)
def _8815(c, x):
    found = _open_further_action(c)
    return _hits("CINclosureDate", len(found) > 1)


@rule(
    "8816",
    "CINreferralDate",
    "An open CIN episode is shown and case is not a referral with no further action, but it "
    "is not the latest episode.",
)
def _8816(c, x):
    dated = [e for e in c.episodes if e.referral_date]
    if not dated:
        return []
    latest = max(dated, key=lambda e: e.referral_date)  # the first of the latest, as idxmax
    return _hits(
        "CINreferralDate",
        sum(1 for e in _open_further_action(c) if e.referral_date and e is not latest),
    )


@rule("8820", "CINreferralDate", "The dates on the CIN episodes for this child overlap")
def _8820(c, x):
    # An episode starting on or after another's start, before that one closed (or, the other
    # open and not a referral with no further action, before the reference date).
    rows = [e for e in c.episodes if e.referral_date]
    found = 0
    for a in rows:
        for b in rows:
            if a is b or a.referral_date < b.referral_date:
                continue
            if b.closure_date is not None:
                found += a.referral_date < b.closure_date
            elif a.referral_date < x.end and b.referral_nfa in ("0", "false"):
                found += 1
    return _hits("CINreferralDate", found)


@rule(
    "8585Q",
    "ReasonForClosure",
    "Please check and either amend or provide a reason: CIN episode shows Died as the Closure "
    "Reason, however child has no recorded Date of Death",
    QUERY,
)
def _8585q(c, x):
    if c.death is not None:
        return []
    return _hits("ReasonForClosure", sum(1 for e in c.episodes if e.closure_reason == "RC2"))


@rule(
    "8825Q",
    "ReasonForClosure",
    "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case "
    "closed after assessment) or RC9 (case closed after assessment, referred to early help) has "
    "been returned but there is no assessment present for the episode.",
    QUERY,
)
def _8825q(c, x):
    return _hits(
        "ReasonForClosure",
        sum(
            1
            for e in c.episodes
            if e.closure_reason in ("RC8", "RC9")
            and not any(a.start or a.authorised for a in e.assessments)
        ),
    )


@rule(
    "2990",
    "ReasonForClosure",
    "Activity is recorded against a case marked as ‘Case closed after assessment, no further "
    "action’ or 'case closed after assessment, referred to early help'.",
)
def _2990(c, x):
    return _hits(
        "ReasonForClosure",
        sum(
            1
            for e in c.episodes
            if e.closure_reason in ("RC8", "RC9")
            and (
                e.icpc
                or any(p.start or p.end for p in e.cp_plans)
                or any(s.start or s.icpc for s in e.enquiries)
                or any(p.start or p.end for p in e.cin_plans)
            )
        ),
    )


@rule(
    "8831",
    "ReferralNFA",
    "Activity is recorded against a case marked as a referral with no further action",
)
def _8831(c, x):
    return _hits(
        "ReferralNFA",
        sum(
            1
            for e in c.episodes
            if e.nfa
            and (
                any(a.start or a.authorised for a in e.assessments)
                or any(s.start or s.icpc for s in e.enquiries)
                or (e.icpc and e.enquiries)
            )
        ),
    )


@rule("4000", "ReferralNFA", "CIN Plan details provided for a referral with no further action")
def _4000(c, x):
    return _hits(
        "ReferralNFA", sum(1 for e in c.episodes if e.nfa and any(p.start for p in e.cin_plans))
    )


@rule(
    "8832",
    "ReferralNFA",
    "Child Protection details provided for a referral with no further action.",
)
def _8832(c, x):
    return _hits("ReferralNFA", sum(1 for e in c.episodes if e.nfa and e.cp_plans))


@rule("8565", "CINclosureDate", "Activity shown after a case has been closed")
def _8565(c, x):
    found = 0
    for e in c.episodes:
        close = e.closure_date
        if close is None:
            continue
        days = [e.icpc]
        days += [d for a in e.assessments for d in (a.start, a.authorised)]
        days += [d for s in e.enquiries for d in (s.start, s.icpc)]
        days += [p.end for p in e.cp_plans]
        days += [d for p in e.cin_plans for d in (p.start, p.end)]
        found += sum(1 for d in days if d is not None and d > close)
    return _hits("CINclosureDate", found)


@rule(
    "2884",
    "DateOfInitialCPC",
    "An initial child protection conference is recorded at both the S47 and CIN Details level "
    "and it should only be recorded in one",
)
def _2884(c, x):
    return _hits(
        "DateOfInitialCPC",
        sum(1 for e in c.episodes if e.icpc and any(s.icpc for s in e.enquiries)),
    )


@rule(
    "2885",
    "CPPstartDate",
    "Child protection plan shown as starting a different day to the initial child protection "
    "conference.",
)
def _2885(c, x):
    # A plan starting in the year with no conference on its start day in its episode (none
    # at all included), as the validator reads it.
    found = 0
    for e in c.episodes:
        icpcs = {s.icpc for s in e.enquiries if s.icpc and s.not_required != "1"}
        if e.icpc:
            icpcs.add(e.icpc)
        for p in e.cp_plans:
            if p.start and x.in_year(p.start) and p.start not in icpcs:
                found += 1
    return _hits("CPPstartDate", found)


@rule(
    "2991Q",
    "CINdetailsID",
    "Please check and either amend data or provide a reason: A Section 47 module is recorded "
    "and there is no assessment on the episode",
    QUERY,
)
def _2991q(c, x):
    return _hits("Assessments", sum(1 for e in c.episodes if e.enquiries and not e.assessments))


@rule(
    "8867",
    "AssessmentAuthorisationDate",
    "CIN episode is shown as closed, however Assessment is not shown as completed",
)
def _8867(c, x):
    return _hits(
        "AssessmentAuthorisationDate",
        sum(
            1
            for e in c.episodes
            if e.closure_date
            for a in e.assessments
            if a.start and not a.authorised
        ),
    )


@rule(
    "8868",
    "ICPCnotRequired",
    "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by "
    "ICPC date or ICPC not required flag",
)
def _8868(c, x):
    return _hits(
        "ICPCnotRequired",
        sum(
            1
            for e in c.episodes
            if e.closure_date
            for s in e.enquiries
            if not s.icpc and s.not_required not in ("1", "true")
        ),
    )


# ---- assessments --------------------------------------------------------------------------


def _assessments(c: ChildRecord):
    for e in c.episodes:
        for a in e.assessments:
            yield e, a


@rule(
    "1103",
    "AssessmentActualStartDate",
    "The assessment start date cannot be before the referral date",
)
def _1103(c, x):
    return _hits(
        "AssessmentActualStartDate",
        sum(
            1
            for e, a in _assessments(c)
            if a.start and e.referral_date and a.start < e.referral_date
        ),
    )


@rule(
    "8608",
    "AssessmentAuthorisationDate",
    "Assessment Start Date cannot be later than its End Date",
)
def _8608(c, x):
    return _hits(
        "AssessmentAuthorisationDate",
        sum(1 for _, a in _assessments(c) if a.start and a.authorised and a.start > a.authorised),
    )


@rule(
    "8614",
    "AssessmentFactors",
    "Parental or child factors at assessment should only be present for a completed assessment.",
)
def _8614(c, x):
    return _hits(
        "AssessmentFactors",
        sum(1 for _, a in _assessments(c) if a.factors and not a.authorised),
    )


@rule(
    "8696",
    "AssessmentAuthorisationDate",
    "Assessment end date must fall within the census year",
)
def _8696(c, x):
    return _hits(
        "AssessmentAuthorisationDate",
        sum(1 for _, a in _assessments(c) if a.authorised and not x.in_year(a.authorised)),
    )


@rule(
    "8736",
    "AssessmentActualStartDate",
    "For an Assessment that has not been completed, the start date must fall within the census "
    "year",
)
def _8736(c, x):
    return _hits(
        "AssessmentActualStartDate",
        sum(
            1
            for _, a in _assessments(c)
            if a.authorised is None and a.start and not x.in_year(a.start)
        ),
    )


def _ongoing_starts(rows, start, end, x: Context) -> int:
    """Rows starting while another row of the same group is ongoing (the validator's 8863Q
    and 8890: exact duplicates aside)."""
    found = 0
    for i, a in enumerate(rows):
        for j, b in enumerate(rows):
            if i == j or start(a) is None or start(b) is None:
                continue
            if start(a) == start(b) and end(a) == end(b):
                continue
            if start(a) < start(b):
                continue
            if end(b) is not None:
                if start(a) <= end(b):
                    found += 1
                    break
            elif start(a) <= x.end:
                found += 1
                break
    return found


@rule(
    "8863Q",
    "AssessmentActualStartDate",
    "An Assessment is shown as starting when there is another Assessment ongoing.",
    QUERY,
)
def _8863q(c, x):
    return _hits(
        "AssessmentActualStartDate",
        sum(
            _ongoing_starts(e.assessments, lambda a: a.start, lambda a: a.authorised, x)
            for e in c.episodes
        ),
    )


@rule(
    "8896",
    "AssessmentAuthorisationDate",
    "Within one CINDetails group there are 2 or more open Assessments groups",
)
def _8896(c, x):
    return _hits(
        "AssessmentAuthorisationDate",
        sum(1 for e in c.episodes if sum(1 for a in e.assessments if not a.authorised) > 1),
    )


@rule(
    "8897Q",
    "AssessmentFactors",
    "Parental or child factors at assessment information is missing from a completed assessment",
    QUERY,
)
def _8897q(c, x):
    return _hits(
        "AssessmentFactors",
        sum(1 for _, a in _assessments(c) if a.authorised and not a.factors),
    )


@rule(
    "8898",
    "AssessmentFactors",
    " The assessment has more than one parental or child factors with the same code",
)
def _8898(c, x):
    return _hits(
        "AssessmentFactors",
        sum(1 for _, a in _assessments(c) if len(set(a.factors)) < len(a.factors)),
    )


@rule(
    "8869",
    "AssessmentFactors",
    "The assessment factors code “21” cannot be used in conjunction with any other assessment "
    "factors.",
)
def _8869(c, x):
    return _hits(
        "AssessmentFactors",
        sum(1 for _, a in _assessments(c) if "21" in a.factors and len(set(a.factors)) > 1),
    )


@rule(
    "8873Q",
    "ReasonForClosure",
    "Please check and either amend data or provide a reason: When there is only one assessment "
    "on the episode and the factors code “21 No factors identified” has been used for the "
    "completed assessment, the reason for closure ‘RC8’ or 'RC9' should be used.",
    QUERY,
)
def _8873q(c, x):
    # As the validator reads it: an episode's only assessment has factor 21 and the episode
    # is not closed RC8 or RC9 (an open episode included).
    return _hits(
        "ReasonForClosure",
        sum(
            1
            for e in c.episodes
            if len(e.assessments) == 1
            and any("21" in f for f in e.assessments[0].factors)
            and e.closure_reason not in ("RC8", "RC9")
        ),
    )


@rule(
    "8945Q",
    "AssessmentFactors",
    "Please check and either amend data or provide a reason: the assessment factors code '18A' "
    "should not be used ('18B' or '18C' should be used instead)",
    QUERY,
)
def _8945q(c, x):
    return _hits("AssessmentFactors", sum(1 for _, a in _assessments(c) if "18A" in a.factors))


@rule(
    "8950Q",
    "AssessmentFactors",
    "Please check and either amend data or provide a reason: the assessment factors code '19A' "
    "should not be used ('19B' or '19C' should be used instead)",
    QUERY,
)
def _8950q(c, x):
    return _hits("AssessmentFactors", sum(1 for _, a in _assessments(c) if "19A" in a.factors))


@rule(
    "8670Q",
    "AssessmentAuthorisationDate",
    "Please check and either amend data or provide a reason: Assessment started more than 45 "
    "working days before the end of the census year. However, there is no Assessment end date.",
    QUERY,
)
def _8670q(c, x):
    cutoff = _working_days_before(x.end, 45)
    return _hits(
        "AssessmentAuthorisationDate",
        sum(1 for _, a in _assessments(c) if a.start and a.start < cutoff and not a.authorised),
    )


# ---- child in need plans -------------------------------------------------------------------


def _cin_plans(c: ChildRecord):
    for e in c.episodes:
        for p in e.cin_plans:
            yield e, p


@rule(
    "4004",
    "CINPlanEndDate",
    "This child is showing more than one open CIN Plan, i.e. with no End Date",
)
def _4004(c, x):
    return _hits("CINPlanEndDate", sum(1 for _, p in _cin_plans(c) if p.end is None) > 1)


@rule("4008", "CINPlanStartDate", "CIN Plan shown as starting after the child’s Date of Death.")
def _4008(c, x):
    return _hits(
        "CINPlanStartDate",
        sum(1 for _, p in _cin_plans(c) if c.death and p.start and p.start > c.death),
    )


@rule(
    "4009Q",
    "CINPlanEndDate",
    "CIN Plan cannot end after the child’s Date of Death",
    QUERY,
)
def _4009q(c, x):
    return _hits(
        "CINPlanEndDate",
        sum(1 for _, p in _cin_plans(c) if c.death and p.end and p.end > c.death),
    )


@rule("4010", "CINPlanStartDate", "CIN Plan start date is missing or out of data collection period")
def _4010(c, x):
    return _hits(
        "CINPlanStartDate",
        sum(1 for _, p in _cin_plans(c) if p.start is None or p.start > x.end),
    )


@rule("4011", "CINPlanEndDate", "CIN Plan End Date earlier than Start Date")
def _4011(c, x):
    return _hits(
        "CINPlanEndDate",
        sum(1 for _, p in _cin_plans(c) if p.start and p.end and p.end < p.start),
    )


@rule(
    "4012Q",
    "CINPlanEndDate",
    "Please check and either amend or provide a reason: CIN Plan shown as starting and ending "
    "on the same day",
    QUERY,
)
def _4012q(c, x):
    return _hits("CINPlanEndDate", sum(1 for _, p in _cin_plans(c) if p.start and p.start == p.end))


@rule("4013", "CINPlanEndDate", "CIN Plan end date must fall within the census year")
def _4013(c, x):
    return _hits(
        "CINPlanEndDate", sum(1 for _, p in _cin_plans(c) if p.end and not x.in_year(p.end))
    )


@rule("4014", "CINPlanStartDate", "CIN Plan data contains overlapping dates")
def _4014(c, x):
    found = 0
    for e in c.episodes:
        rows = e.cin_plans
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if _overlap(a.start, a.end, b.start, b.end):
                    found += 1
    return _hits("CINPlanStartDate", found)


@rule("4015", "CINPlanStartDate", "The CIN Plan start date cannot be before the referral date")
def _4015(c, x):
    return _hits(
        "CINPlanStartDate",
        sum(
            1 for e, p in _cin_plans(c) if p.start and e.referral_date and p.start < e.referral_date
        ),
    )


def _cin_cp(c: ChildRecord, test) -> int:
    """The pairs of a CIN plan and a child protection plan of one episode that `test`."""
    found = 0
    for e in c.episodes:
        for p in e.cin_plans:
            for cp in e.cp_plans:
                found += bool(test(p, cp))
    return found


@rule("4001", "CINPlanEndDate", "A CIN Plan cannot run concurrently with a Child Protection Plan")
def _4001(c, x):
    # Both open on the reference date.
    return _hits(
        "CINPlanEndDate",
        _cin_cp(c, lambda p, cp: p.start and cp.start and not p.end and not cp.end),
    )  # type: ignore[arg-type]


@rule(
    "4016",
    "CINPlanStartDate",
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
)
def _4016(c, x):
    # A CIN plan starting inside a CP plan (after its start, before its end).
    return _hits(
        "CINPlanStartDate",
        _cin_cp(
            c,
            lambda p, cp: (
                p.start and cp.start and p.start > cp.start and (cp.end is None or p.start < cp.end)
            ),
        ),
    )


@rule(
    "4017",
    "CPPstartDate",
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
)
def _4017(c, x):
    # A CP plan starting inside a CIN plan.
    return _hits(
        "CPPstartDate",
        _cin_cp(
            c,
            lambda p, cp: (
                p.start and cp.start and cp.start > p.start and (p.end is None or cp.start < p.end)
            ),
        ),
    )


@rule(
    "4003",
    "CPPreviewDate",
    "A CPP review date is shown as being held at the same time as an open CIN Plan.",
)
def _4003(c, x):
    # A plan's review on or after a CIN plan's start and before its end (an open CIN plan
    # included: the validator misses those), unless the review is the plan's last day. The
    # validator reads a plan's first review only (docs/returns/validator_faults.md) and
    # compares the child's plans across episodes: so do these.
    cin_plans = [p for e in c.episodes for p in e.cin_plans if p.start]
    found = 0
    for _, cp in _plans(c):
        for day in cp.reviews[:1]:
            if day is None or day == cp.end:
                continue
            found += sum(1 for p in cin_plans if p.start <= day and (p.end is None or day < p.end))
    return _hits("CPPreviewDate", found)


# ---- section 47 enquiries -----------------------------------------------------------------


def _enquiries(c: ChildRecord):
    for e in c.episodes:
        for s in e.enquiries:
            yield e, s


@rule("2889", "S47ActualStartDate", "The S47 start date cannot be before the referral date.")
def _2889(c, x):
    return _hits(
        "S47ActualStartDate",
        sum(
            1 for e, s in _enquiries(c) if s.start and e.referral_date and s.start < e.referral_date
        ),
    )


@rule(
    "8615",
    "S47ActualStartDate",
    "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
    "initial Child Protection Conference",
)
def _8615(c, x):
    return _hits(
        "S47ActualStartDate",
        sum(1 for _, s in _enquiries(c) if s.start is None or (s.icpc and s.start > s.icpc)),
    )


@rule(
    "8740",
    "S47ActualStartDate",
    "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the "
    "end of the census year, the start date must fall within the census year",
)
def _8740(c, x):
    return _hits(
        "S47ActualStartDate",
        sum(
            1
            for _, s in _enquiries(c)
            if s.icpc is None
            and s.not_required not in ("1", "true")
            and s.start
            and not x.in_year(s.start)
        ),
    )


@rule(
    "8715",
    "DateOfInitialCPC",
    "Date of Initial Child Protection Conference must fall within the census year",
)
def _8715(c, x):
    days = [s.icpc for _, s in _enquiries(c)] + [e.icpc for e in c.episodes]
    return _hits("DateOfInitialCPC", sum(1 for d in days if d and not x.in_year(d)))


@rule(
    "1104",
    "DateOfInitialCPC",
    "The date of the initial child protection conference cannot be before the referral date",
)
def _1104(c, x):
    found = 0
    for e in c.episodes:
        days = [s.icpc for s in e.enquiries] + [e.icpc]
        found += sum(1 for d in days if d and e.referral_date and d < e.referral_date)
    return _hits("DateOfInitialCPC", found)


@rule(
    "8875",
    "DateOfInitialCPC",
    "The Date of Initial Child Protection Conference cannot be a weekend",
)
def _8875(c, x):
    days = [s.icpc for _, s in _enquiries(c)] + [e.icpc for e in c.episodes]
    return _hits("DateOfInitialCPC", sum(1 for d in days if _weekend(d)))


@rule(
    "8870Q",
    "InitialCPCtarget",
    "Please check and either amend or provide a reason: The Target Date for Initial Child "
    "Protection Conference should not be a weekend",
    QUERY,
)
def _8870q(c, x):
    return _hits("InitialCPCtarget", sum(1 for _, s in _enquiries(c) if _weekend(s.target)))


@rule(
    "8839",
    "DateOfInitialCPC",
    "Within one CINDetails group there are 2 or more open S47 Assessments",
)
def _8839(c, x):
    return _hits(
        "DateOfInitialCPC",
        sum(
            1
            for e in c.episodes
            if sum(1 for s in e.enquiries if s.icpc is None and s.not_required not in ("1", "true"))
            > 1
        ),
    )


@rule(
    "8890",
    "S47ActualStartDate",
    "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
)
def _8890(c, x):
    return _hits(
        "S47ActualStartDate",
        sum(
            _ongoing_starts(e.enquiries, lambda s: s.start, lambda s: s.icpc, x) for e in c.episodes
        ),
    )


@rule(
    "8675Q",
    "DateOfInitialCPC",
    "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 "
    "working days before the end of the census year. However, there is no date of Initial "
    "Child Protection Conference.",
    QUERY,
)
def _8675q(c, x):
    cutoff = _working_days_before(x.end, 15)
    return _hits(
        "DateOfInitialCPC",
        sum(
            1
            for _, s in _enquiries(c)
            if s.start
            and s.start < cutoff
            and s.icpc is None
            and s.not_required not in ("1", "true")
        ),
    )


# ---- child protection plans ---------------------------------------------------------------


@rule(
    "1105",
    "CPPstartDate",
    "The child protection plan start date cannot be before the referral date",
)
def _1105(c, x):
    return _hits(
        "CPPstartDate",
        sum(1 for e, p in _plans(c) if p.start and e.referral_date and p.start < e.referral_date),
    )


@rule(
    "8720",
    "CPPstartDate",
    "Child Protection Plan Start Date missing or out of data collection period",
)
def _8720(c, x):
    return _hits("CPPstartDate", sum(1 for _, p in _plans(c) if p.start is None or p.start > x.end))


@rule("8840", "CPPendDate", "Child Protection Plan cannot start and end on the same day")
def _8840(c, x):
    return _hits("CPPendDate", sum(1 for _, p in _plans(c) if p.start and p.start == p.end))


@rule(
    "8905",
    "InitialCategoryOfAbuse",
    "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
    "Census code set)",
)
def _8905(c, x):
    return _hits(
        "InitialCategoryOfAbuse",
        sum(1 for _, p in _plans(c) if p.initial_category not in CATEGORIES),
    )


@rule(
    "8910",
    "LatestCategoryOfAbuse",
    "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
    "Census code set)",
)
def _8910(c, x):
    return _hits(
        "LatestCategoryOfAbuse",
        sum(1 for _, p in _plans(c) if p.latest_category not in CATEGORIES),
    )


@rule(
    "8915",
    "CPPstartDate",
    "Child Protection Plan shown as starting after the child’s Date of Death",
)
def _8915(c, x):
    return _hits(
        "CPPstartDate",
        sum(1 for _, p in _plans(c) if c.death and p.start and p.start > c.death),
    )


@rule("8920", "CPPendDate", "Child Protection Plan cannot end after the child’s Date of Death")
def _8920(c, x):
    return _hits(
        "CPPendDate", sum(1 for _, p in _plans(c) if c.death and p.end and p.end > c.death)
    )


@rule("8925", "CPPendDate", "Child Protection Plan End Date earlier than Start Date")
def _8925(c, x):
    return _hits(
        "CPPendDate", sum(1 for _, p in _plans(c) if p.start and p.end and p.end < p.start)
    )


@rule("8930", "CPPendDate", "Child Protection Plan End Date must fall within the census year")
def _8930(c, x):
    return _hits("CPPendDate", sum(1 for _, p in _plans(c) if p.end and not x.in_year(p.end)))


@rule(
    "8935",
    "CPPendDate",
    "This child is showing more than one open Child Protection plan, i.e. with no End Date",
)
def _8935(c, x):
    return _hits("CPPendDate", sum(1 for _, p in _plans(c) if p.start and p.end is None) > 1)


@rule("8940", "CPPstartDate", "Child Protection Plan data contains overlapping dates")
def _8940(c, x):
    rows = [p for _, p in _plans(c)]
    found = 0
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if _overlap(a.start, a.end, b.start, b.end):
                found += 1
    return _hits("CPPstartDate", found)


@rule("8730", "NumberOfPreviousCPP", "Total Number of previous Child Protection Plans missing")
def _8730(c, x):
    return _hits(
        "NumberOfPreviousCPP",
        sum(1 for _, p in _plans(c) if not (p.previous_plans or "").strip()),
    )


@rule(
    "8841",
    "CPPreviewDate",
    "The review date cannot be on the same day or before the Child protection Plan start date.",
)
def _8841(c, x):
    return _hits(
        "CPPreviewDate",
        sum(
            1
            for _, p in _plans(c)
            for day in p.reviews[:1]  # the validator reads a plan's first review only
            if day and p.start and day <= p.start
        ),
    )


@rule(
    "8842Q",
    "CPPreviewDate",
    "Please check and either amend or provide a reason: Review Record has a missing date",
    QUERY,
)
def _8842q(c, x):
    return _hits(
        "CPPreviewDate",
        sum(1 for _, p in _plans(c) if p.reviews and p.reviews[0] is None),
    )


# ---- across the children of a file (the nightly run and a whole file only) -----------------

CROSS_CHILD: dict[str, Check] = {}
for _code, _field, _message in (
    ("8510", "LAchildID", "More than one child record with the same LA Child ID"),
    ("1520", "UPN", "More than one record with the same UPN."),
):
    CROSS_CHILD[_code] = Check(_code, ERROR, _message, _field, lambda c, x: [])


@dataclass(frozen=True)
class Finding:
    code: str
    kind: str
    message: str
    field: str


def check(
    record: ChildRecord, context: Context, codes: Iterable[str] | None = None
) -> list[Finding]:
    """Every finding of the checks (or those named) on one child's record."""
    found: list[Finding] = []
    for code in codes if codes is not None else REGISTRY:
        c = REGISTRY[code]
        for field in c.function(record, context):
            found.append(Finding(code=c.code, kind=c.kind, message=c.message, field=field))
    return found


def check_across(records: Iterable[ChildRecord]) -> dict[int, list[Finding]]:
    """The rules about several children of one file: each record's findings, by its position."""
    rows = list(records)
    ids: dict[str, list[int]] = {}
    upns: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.la_child_id:
            ids.setdefault(r.la_child_id, []).append(i)
        if r.upn:
            upns.setdefault(r.upn, []).append(i)
    out: dict[int, list[Finding]] = {}
    for code, groups in (("8510", ids), ("1520", upns)):
        c = CROSS_CHILD[code]
        for positions in groups.values():
            if len(positions) > 1:
                for i in positions:
                    out.setdefault(i, []).append(Finding(c.code, c.kind, c.message, c.field))
    return out
