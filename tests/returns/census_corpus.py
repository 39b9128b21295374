"""The mutation corpus of Kinfold's CIN census checks: a valid synthetic child and, for each
rule that can fire on one child, a copy with one deliberate fault.

Used by tests/returns/test_census_agreement.py (both Kinfold's checks and the DfE validator
run on the same file) and tests/returns/test_census_checks.py (each rule fails its mutant and
passes the valid child).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable

from lxml import etree

from kinfold.returns.census_checks.record import (
    AssessmentRecord,
    ChildRecord,
    CINPlanRecord,
    CPPlanRecord,
    EpisodeRecord,
    S47Record,
    to_element,
)

YEAR = 2025
D = dt.date
CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(la: str, serial: str) -> str:
    """A UPN with the right check letter: LA code, 9 digits."""
    digits = la + serial
    assert len(digits) == 12
    total = sum(int(digits[i - 1]) * (i + 1) for i in range(1, 13)) % 23
    return CHECK[total] + digits


def valid_child(la_child_id: str = "VALID1", serial: int = 1) -> ChildRecord:
    """A child of school age with two episodes in the year ending 31 March 2025: one closed
    after an assessment, a CIN plan, a section 47 enquiry, a conference and a child
    protection plan with a review; one open with an assessment and a CIN plan."""
    closed = EpisodeRecord(
        referral_date=D(2024, 5, 1),
        source="1A",
        primary_need="N1",
        closure_date=D(2024, 12, 2),
        closure_reason="RC1",
        referral_nfa="0",
        assessments=[AssessmentRecord(D(2024, 5, 2), D(2024, 6, 10), ["2A", "3B"])],
        cin_plans=[CINPlanRecord(D(2024, 6, 11), D(2024, 7, 31))],
        enquiries=[S47Record(D(2024, 8, 1), D(2024, 8, 22), D(2024, 8, 20), "0")],
        cp_plans=[
            CPPlanRecord(D(2024, 8, 20), D(2024, 11, 29), "NEG", "EMO", "0", [D(2024, 11, 20)])
        ],
    )
    still_open = EpisodeRecord(
        referral_date=D(2025, 1, 6),
        source="2A",
        primary_need="N2",
        referral_nfa="0",
        assessments=[AssessmentRecord(D(2025, 1, 7), D(2025, 2, 14), ["4A"])],
        cin_plans=[CINPlanRecord(D(2025, 2, 17))],
    )
    return ChildRecord(
        la_child_id=la_child_id,
        upn=upn("873", f"{200100000 + serial:09d}"),
        birth=D(2015, 5, 10),
        sex="M",
        ethnicity="WBRI",
        disabilities=["NONE"],
        episodes=[closed, still_open],
    )


Mutation = Callable[[ChildRecord], None]
MUTATIONS: dict[str, Mutation] = {}


def mutant(code: str):
    def register(function: Mutation) -> Mutation:
        MUTATIONS[code] = function
        return function

    return register


def _closed(c: ChildRecord) -> EpisodeRecord:
    return c.episodes[0]


def _open(c: ChildRecord) -> EpisodeRecord:
    return c.episodes[1]


def _cp(c: ChildRecord) -> CPPlanRecord:
    return _closed(c).cp_plans[0]


def _s47(c: ChildRecord) -> S47Record:
    return _closed(c).enquiries[0]


# The child
mutant("8500")(lambda c: setattr(c, "la_child_id", None))
mutant("1570")(lambda c: setattr(c, "la_child_id", "L" * 21))
mutant("1580")(lambda c: setattr(c, "la_child_id", "M1580-X"))
mutant("1510")(lambda c: setattr(c, "upn", ("B" if c.upn[0] != "B" else "C") + c.upn[1:]))
mutant("1530")(lambda c: setattr(c, "upn", upn("999", "200100001")))
mutant("1540")(lambda c: setattr(c, "upn", c.upn[:6] + "AB" + c.upn[8:]))
mutant("1550")(lambda c: setattr(c, "upn", c.upn[:12] + "I"))
mutant("1560Q")(lambda c: setattr(c, "former_upn", "A87320010000"))


@mutant("8770Q")
def _m8770q(c):
    c.upn, c.upn_unknown = None, "UN1"


@mutant("8772")
def _m8772(c):
    c.upn, c.upn_unknown = None, "UN7"


mutant("8520")(lambda c: setattr(c, "birth", D(2025, 4, 2)))


@mutant("8525Q")
def _m8525q(c):
    c.expected_birth = D(2025, 6, 1)


@mutant("8530Q")
def _m8530q(c):
    c.birth, c.expected_birth, c.sex, c.upn, c.upn_unknown = None, D(2026, 2, 1), "U", None, "UN1"
    c.disabilities = []
    c.episodes = c.episodes[1:]


mutant("8535Q")(lambda c: setattr(c, "death", D(2015, 5, 1)))
mutant("8545Q")(lambda c: setattr(c, "death", D(2025, 4, 10)))


@mutant("8555Q")
def _m8555q(c):
    c.death = D(2025, 1, 3)


mutant("8606")(lambda c: setattr(_closed(c), "referral_date", D(2014, 7, 1)))
mutant("8775Q")(lambda c: setattr(c, "birth", D(1999, 1, 2)))
mutant("4180")(lambda c: setattr(c, "sex", "X"))


@mutant("8750")
def _m8750(c):
    c.birth, c.expected_birth, c.upn, c.upn_unknown = None, D(2025, 5, 1), None, "UN1"
    c.disabilities = []
    c.episodes = c.episodes[1:]


mutant("4220")(lambda c: setattr(c, "ethnicity", "XXXX"))
mutant("8540")(lambda c: setattr(c, "disabilities", ["WING"]))
mutant("8790")(lambda c: setattr(c, "disabilities", ["NONE", "MOB"]))
mutant("8794")(lambda c: setattr(c, "disabilities", ["MOB", "MOB"]))
mutant("8590")(lambda c: setattr(c, "episodes", []))

# The episode
mutant("8600")(lambda c: setattr(_open(c), "referral_date", D(2025, 4, 3)))
mutant("8866")(lambda c: setattr(_closed(c), "source", "99"))
mutant("8650")(lambda c: setattr(_closed(c), "primary_need", "N12"))
mutant("8610")(lambda c: setattr(_closed(c), "primary_need", None))
mutant("8568")(lambda c: setattr(_closed(c), "referral_nfa", "2"))


@mutant("8569Q")
def _m8569q(c):
    c.episodes.insert(
        0,
        EpisodeRecord(
            referral_date=D(2024, 3, 1),
            source="1A",
            primary_need="N9",
            closure_date=D(2024, 4, 2),
            closure_reason="RC8",
            referral_nfa="1",
        ),
    )


mutant("8620")(lambda c: setattr(_closed(c), "closure_date", D(2025, 4, 2)))


@mutant("8630")
def _m8630(c):
    c.episodes = c.episodes[1:]
    e = _closed(c)
    e.cin_plans, e.assessments = [], []
    e.closure_date, e.closure_reason = D(2025, 1, 2), "RC1"


mutant("8640")(lambda c: setattr(_closed(c), "closure_reason", "RC0"))
mutant("8805")(lambda c: setattr(_closed(c), "closure_reason", None))
mutant("8810")(lambda c: setattr(_open(c), "closure_reason", "RC1"))


@mutant("8815")
def _m8815(c):
    _closed(c).closure_date, _closed(c).closure_reason = None, None


@mutant("8816")
def _m8816(c):
    c.episodes.insert(0, EpisodeRecord(referral_date=D(2024, 4, 2), source="1A", primary_need="N1"))
    _closed(c).referral_date = D(2024, 5, 1)


@mutant("8820")
def _m8820(c):
    _closed(c).closure_date = D(2025, 1, 20)
    _closed(c).closure_reason = "RC1"


mutant("8585Q")(lambda c: setattr(_closed(c), "closure_reason", "RC2"))


@mutant("8825Q")
def _m8825q(c):
    e = EpisodeRecord(
        referral_date=D(2024, 4, 8),
        source="1A",
        primary_need="N1",
        closure_date=D(2024, 4, 20),
        closure_reason="RC8",
    )
    c.episodes.insert(0, e)


@mutant("2990")
def _m2990(c):
    _closed(c).closure_reason = "RC8"


@mutant("8831")
def _m8831(c):
    e = EpisodeRecord(
        referral_date=D(2024, 4, 8),
        source="1A",
        primary_need="N1",
        closure_date=D(2024, 4, 20),
        closure_reason="RC8",
        referral_nfa="1",
        assessments=[AssessmentRecord(D(2024, 4, 9))],
    )
    c.episodes.insert(0, e)


@mutant("4000")
def _m4000(c):
    e = EpisodeRecord(
        referral_date=D(2024, 4, 8),
        source="1A",
        primary_need="N1",
        closure_date=D(2024, 4, 20),
        closure_reason="RC8",
        referral_nfa="1",
        cin_plans=[CINPlanRecord(D(2024, 4, 9), D(2024, 4, 19))],
    )
    c.episodes.insert(0, e)


@mutant("8832")
def _m8832(c):
    e = EpisodeRecord(
        referral_date=D(2024, 4, 8),
        source="1A",
        primary_need="N1",
        closure_date=D(2024, 4, 20),
        closure_reason="RC8",
        referral_nfa="1",
        cp_plans=[CPPlanRecord(D(2024, 4, 9), D(2024, 4, 19))],
    )
    c.episodes.insert(0, e)


mutant("8565")(lambda c: setattr(_closed(c).assessments[0], "authorised", D(2024, 12, 3)))
mutant("2884")(lambda c: setattr(_closed(c), "icpc", D(2024, 8, 20)))


@mutant("2885")
def _m2885(c):
    _cp(c).start = D(2024, 8, 21)


@mutant("2991Q")
def _m2991q(c):
    _closed(c).assessments = []


mutant("8867")(lambda c: setattr(_closed(c).assessments[0], "authorised", None))
mutant("8868")(lambda c: setattr(_s47(c), "icpc", None))

# Assessments
mutant("1103")(lambda c: setattr(_closed(c).assessments[0], "start", D(2024, 4, 30)))
mutant("8608")(lambda c: setattr(_closed(c).assessments[0], "start", D(2024, 6, 11)))


@mutant("8614")
def _m8614(c):
    a = _open(c).assessments[0]
    a.authorised = None


mutant("8696")(lambda c: setattr(_open(c).assessments[0], "authorised", D(2025, 4, 2)))


@mutant("8736")
def _m8736(c):
    _open(c).referral_date = D(2024, 3, 1)
    a = _open(c).assessments[0]
    a.start, a.authorised, a.factors = D(2024, 3, 4), None, []


@mutant("8863Q")
def _m8863q(c):
    _open(c).assessments.append(AssessmentRecord(D(2025, 2, 3), D(2025, 2, 20), ["5A"]))


@mutant("8896")
def _m8896(c):
    _open(c).assessments = [AssessmentRecord(D(2025, 3, 3)), AssessmentRecord(D(2025, 3, 10))]


mutant("8897Q")(lambda c: setattr(_open(c).assessments[0], "factors", []))
mutant("8898")(lambda c: setattr(_open(c).assessments[0], "factors", ["4A", "4A"]))
mutant("8869")(lambda c: setattr(_open(c).assessments[0], "factors", ["21", "4A"]))


@mutant("8873Q")
def _m8873q(c):
    _closed(c).assessments[0].factors = ["21"]


mutant("8945Q")(lambda c: setattr(_open(c).assessments[0], "factors", ["18A"]))
mutant("8950Q")(lambda c: setattr(_open(c).assessments[0], "factors", ["19A"]))


@mutant("8670Q")
def _m8670q(c):
    a = _open(c).assessments[0]
    a.authorised, a.factors = None, []


# CIN plans
@mutant("4004")
def _m4004(c):
    _open(c).cin_plans.append(CINPlanRecord(D(2025, 3, 3)))


mutant("4008")(lambda c: setattr(c, "death", D(2025, 2, 10)))


@mutant("4009Q")
def _m4009q(c):
    c.death = D(2024, 7, 20)
    c.episodes = c.episodes[:1]
    e = _closed(c)
    e.enquiries, e.cp_plans, e.closure_date, e.closure_reason = [], [], D(2024, 7, 20), "RC2"


mutant("4010")(lambda c: setattr(_open(c).cin_plans[0], "start", None))
mutant("4011")(lambda c: setattr(_closed(c).cin_plans[0], "end", D(2024, 6, 10)))
mutant("4012Q")(lambda c: setattr(_closed(c).cin_plans[0], "end", D(2024, 6, 11)))
mutant("4013")(lambda c: setattr(_open(c).cin_plans[0], "end", D(2025, 4, 2)))


@mutant("4014")
def _m4014(c):
    _closed(c).cin_plans.append(CINPlanRecord(D(2024, 7, 1), D(2024, 7, 20)))


mutant("4015")(lambda c: setattr(_open(c).cin_plans[0], "start", D(2025, 1, 3)))


@mutant("4001")
def _m4001(c):
    _open(c).cp_plans.append(CPPlanRecord(D(2025, 3, 3), None))
    _open(c).enquiries.append(S47Record(D(2025, 2, 24), D(2025, 3, 14), D(2025, 3, 3), "0"))


@mutant("4016")
def _m4016(c):
    _closed(c).cin_plans[0].start = D(2024, 9, 2)
    _closed(c).cin_plans[0].end = D(2024, 9, 30)


@mutant("4017")
def _m4017(c):
    _closed(c).cin_plans[0].end = D(2024, 8, 30)


@mutant("4003")
def _m4003(c):
    _closed(c).cin_plans.append(CINPlanRecord(D(2024, 11, 18), D(2024, 11, 25)))


# Section 47 enquiries
mutant("2889")(lambda c: setattr(_s47(c), "start", D(2024, 4, 30)))
mutant("8615")(lambda c: setattr(_s47(c), "start", D(2024, 8, 21)))


@mutant("8740")
def _m8740(c):
    _open(c).referral_date = D(2024, 3, 1)
    _open(c).assessments[0].start = D(2024, 3, 4)
    _open(c).enquiries.append(S47Record(D(2024, 3, 5), None, None, "0"))


mutant("8715")(lambda c: setattr(_s47(c), "icpc", D(2025, 4, 1)))
mutant("1104")(lambda c: setattr(_s47(c), "icpc", D(2024, 4, 30)))


@mutant("8875")
def _m8875(c):
    _s47(c).icpc = D(2024, 8, 17)
    _cp(c).start = D(2024, 8, 17)


mutant("8870Q")(lambda c: setattr(_s47(c), "target", D(2024, 8, 24)))


@mutant("8839")
def _m8839(c):
    _open(c).enquiries = [S47Record(D(2025, 3, 3), None, None, "0"), S47Record(D(2025, 3, 10))]
    for s in _open(c).enquiries:
        s.icpc, s.not_required = None, "0"


@mutant("8890")
def _m8890(c):
    _closed(c).enquiries.append(S47Record(D(2024, 8, 5), None, None, "1"))


@mutant("8675Q")
def _m8675q(c):
    _open(c).enquiries.append(S47Record(D(2025, 1, 20), None, None, "0"))


# Child protection plans
mutant("1105")(
    lambda c: setattr(_open(c), "cp_plans", [CPPlanRecord(D(2025, 1, 3), D(2025, 1, 31))])
)
mutant("8720")(lambda c: setattr(_cp(c), "start", None))
mutant("8840")(lambda c: setattr(_cp(c), "end", D(2024, 8, 20)))
mutant("8905")(lambda c: setattr(_cp(c), "initial_category", "ABC"))
mutant("8910")(lambda c: setattr(_cp(c), "latest_category", None))


@mutant("8915")
def _m8915(c):
    c.death = D(2024, 8, 19)
    c.episodes = c.episodes[:1]


@mutant("8920")
def _m8920(c):
    c.death = D(2024, 11, 28)
    c.episodes = c.episodes[:1]


mutant("8925")(lambda c: setattr(_cp(c), "end", D(2024, 8, 19)))
mutant("8930")(
    lambda c: setattr(_open(c), "cp_plans", [CPPlanRecord(D(2024, 3, 1), D(2024, 3, 20))])
)


@mutant("8935")
def _m8935(c):
    _cp(c).end = None
    _closed(c).closure_date = _closed(c).closure_reason = None
    c.episodes = c.episodes[:1]
    _closed(c).cp_plans.append(CPPlanRecord(D(2024, 12, 9), None))


@mutant("8940")
def _m8940(c):
    _closed(c).cp_plans.append(CPPlanRecord(D(2024, 11, 1), D(2024, 11, 20)))


mutant("8730")(lambda c: setattr(_cp(c), "previous_plans", None))
mutant("8841")(lambda c: setattr(_cp(c), "reviews", [D(2024, 8, 20)]))
mutant("8842Q")(lambda c: setattr(_cp(c), "reviews", [None]))


def corpus() -> dict[str, ChildRecord]:
    """The valid child, and one mutant per rule, by the rule (VALID for the valid child). A
    mutant's LA child ID is M<rule> unless the fault is in the ID."""
    children = {"VALID": valid_child("VALID1")}
    for serial, (code, mutate) in enumerate(MUTATIONS.items(), start=2):
        child = copy.deepcopy(valid_child(f"M{code}", serial))
        mutate(child)
        children[code] = child
    return children


def census_file(children: list[ChildRecord], year: int = YEAR) -> bytes:
    """A census file of these children, as the CIN census writer heads one."""
    root = etree.Element("Message")
    header = etree.SubElement(root, "Header")
    details = etree.SubElement(header, "CollectionDetails")
    for tag, text in (
        ("Collection", "CIN"),
        ("Year", str(year)),
        ("ReferenceDate", f"{year}-03-31"),
    ):
        etree.SubElement(details, tag).text = text
    source = etree.SubElement(header, "Source")
    for tag, text in (
        ("SourceLevel", "L"),
        ("LEA", "873"),
        ("SoftwareCode", "Kinfold"),
        ("DateTime", f"{year}-04-02T09:00:00"),
    ):
        etree.SubElement(source, tag).text = text
    holder = etree.SubElement(root, "Children")
    for child in children:
        holder.append(to_element(child))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
