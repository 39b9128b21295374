"""One child's census record, as the census file holds it: read from the child's <Child>
element (the element the CIN census writer makes from the stored facts, or any census file).

The checks (rules.py) read this and nothing else, so Kinfold checks exactly what it would send,
and the mutation corpus can give them and the DfE validator the same faulty record.
Dates that are absent or not ISO dates are None; codes are kept as written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _text(element: etree._Element, tag: str) -> str | None:
    found = element.find(tag)
    if found is None or found.text is None:
        return None
    return found.text.strip()


@dataclass
class AssessmentRecord:
    start: dt.date | None
    authorised: dt.date | None = None
    factors: list[str] = field(default_factory=list)


@dataclass
class CINPlanRecord:
    start: dt.date | None
    end: dt.date | None = None


@dataclass
class S47Record:
    start: dt.date | None
    target: dt.date | None = None
    icpc: dt.date | None = None
    not_required: str | None = "0"


@dataclass
class CPPlanRecord:
    start: dt.date | None
    end: dt.date | None = None
    initial_category: str | None = "NEG"
    latest_category: str | None = "NEG"
    previous_plans: str | None = "0"
    reviews: list[dt.date | None] = field(default_factory=list)


@dataclass
class EpisodeRecord:
    referral_date: dt.date | None
    source: str | None = "1A"
    primary_need: str | None = "N1"
    closure_date: dt.date | None = None
    closure_reason: str | None = None
    referral_nfa: str | None = "0"
    icpc: dt.date | None = None  # DateOfInitialCPC at the CINdetails level
    assessments: list[AssessmentRecord] = field(default_factory=list)
    cin_plans: list[CINPlanRecord] = field(default_factory=list)
    enquiries: list[S47Record] = field(default_factory=list)
    cp_plans: list[CPPlanRecord] = field(default_factory=list)

    @property
    def nfa(self) -> bool:
        return self.referral_nfa in ("1", "true")


@dataclass
class ChildRecord:
    la_child_id: str | None
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None
    birth: dt.date | None = None
    expected_birth: dt.date | None = None
    sex: str | None = "U"
    death: dt.date | None = None
    ethnicity: str | None = "WBRI"
    disabilities: list[str] = field(default_factory=list)
    episodes: list[EpisodeRecord] = field(default_factory=list)


def from_element(child: etree._Element) -> ChildRecord:
    """The record of one <Child> element."""
    ids = child.find("ChildIdentifiers")
    chars = child.find("ChildCharacteristics")
    ids = ids if ids is not None else etree.Element("ChildIdentifiers")
    chars = chars if chars is not None else etree.Element("ChildCharacteristics")
    record = ChildRecord(
        la_child_id=_text(ids, "LAchildID"),
        upn=_text(ids, "UPN"),
        former_upn=_text(ids, "FormerUPN"),
        upn_unknown=_text(ids, "UPNunknown"),
        birth=_date(_text(ids, "PersonBirthDate")),
        expected_birth=_date(_text(ids, "ExpectedPersonBirthDate")),
        sex=_text(ids, "Sex"),
        death=_date(_text(ids, "PersonDeathDate")),
        ethnicity=_text(chars, "Ethnicity"),
        disabilities=[(d.text or "").strip() for d in chars.iterfind("Disabilities/Disability")],
    )
    for details in child.iterfind("CINdetails"):
        episode = EpisodeRecord(
            referral_date=_date(_text(details, "CINreferralDate")),
            source=_text(details, "ReferralSource"),
            primary_need=_text(details, "PrimaryNeedCode"),
            closure_date=_date(_text(details, "CINclosureDate")),
            closure_reason=_text(details, "ReasonForClosure"),
            referral_nfa=_text(details, "ReferralNFA"),
            icpc=_date(_text(details, "DateOfInitialCPC")),
        )
        for a in details.iterfind("Assessments"):
            episode.assessments.append(
                AssessmentRecord(
                    start=_date(_text(a, "AssessmentActualStartDate")),
                    authorised=_date(_text(a, "AssessmentAuthorisationDate")),
                    factors=[
                        (f.text or "").strip()
                        for f in a.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors")
                    ],
                )
            )
        for p in details.iterfind("CINPlanDates"):
            episode.cin_plans.append(
                CINPlanRecord(
                    start=_date(_text(p, "CINPlanStartDate")),
                    end=_date(_text(p, "CINPlanEndDate")),
                )
            )
        for s in details.iterfind("Section47"):
            episode.enquiries.append(
                S47Record(
                    start=_date(_text(s, "S47ActualStartDate")),
                    target=_date(_text(s, "InitialCPCtarget")),
                    icpc=_date(_text(s, "DateOfInitialCPC")),
                    not_required=_text(s, "ICPCnotRequired"),
                )
            )
        for c in details.iterfind("ChildProtectionPlans"):
            episode.cp_plans.append(
                CPPlanRecord(
                    start=_date(_text(c, "CPPstartDate")),
                    end=_date(_text(c, "CPPendDate")),
                    initial_category=_text(c, "InitialCategoryOfAbuse"),
                    latest_category=_text(c, "LatestCategoryOfAbuse"),
                    previous_plans=_text(c, "NumberOfPreviousCPP"),
                    reviews=[_date(r.text) for r in c.iterfind("Reviews/CPPreviewDate")],
                )
            )
        record.episodes.append(episode)
    return record


def _add(parent: etree._Element, tag: str, value: object) -> None:
    if value is None:
        return
    element = etree.SubElement(parent, tag)
    element.text = value.isoformat() if isinstance(value, dt.date) else str(value)


def to_element(record: ChildRecord) -> etree._Element:
    """The <Child> element of a record, in the census schema's order (for the corpus)."""
    child = etree.Element("Child")
    ids = etree.SubElement(child, "ChildIdentifiers")
    _add(ids, "LAchildID", record.la_child_id)
    _add(ids, "UPN", record.upn)
    _add(ids, "FormerUPN", record.former_upn)
    _add(ids, "UPNunknown", record.upn_unknown)
    _add(ids, "PersonBirthDate", record.birth)
    _add(ids, "ExpectedPersonBirthDate", record.expected_birth)
    _add(ids, "Sex", record.sex)
    _add(ids, "PersonDeathDate", record.death)
    chars = etree.SubElement(child, "ChildCharacteristics")
    _add(chars, "Ethnicity", record.ethnicity)
    if record.disabilities:
        block = etree.SubElement(chars, "Disabilities")
        for code in record.disabilities:
            _add(block, "Disability", code)
    for e in record.episodes:
        d = etree.SubElement(child, "CINdetails")
        _add(d, "CINreferralDate", e.referral_date)
        _add(d, "ReferralSource", e.source)
        _add(d, "PrimaryNeedCode", e.primary_need)
        _add(d, "CINclosureDate", e.closure_date)
        _add(d, "ReasonForClosure", e.closure_reason)
        _add(d, "DateOfInitialCPC", e.icpc)
        for a in e.assessments:
            block = etree.SubElement(d, "Assessments")
            _add(block, "AssessmentActualStartDate", a.start)
            _add(block, "AssessmentAuthorisationDate", a.authorised)
            if a.factors:
                factors = etree.SubElement(block, "FactorsIdentifiedAtAssessment")
                for code in a.factors:
                    _add(factors, "AssessmentFactors", code)
        for p in e.cin_plans:
            block = etree.SubElement(d, "CINPlanDates")
            _add(block, "CINPlanStartDate", p.start)
            _add(block, "CINPlanEndDate", p.end)
        for s in e.enquiries:
            block = etree.SubElement(d, "Section47")
            _add(block, "S47ActualStartDate", s.start)
            _add(block, "InitialCPCtarget", s.target)
            _add(block, "DateOfInitialCPC", s.icpc)
            _add(block, "ICPCnotRequired", s.not_required)
        _add(d, "ReferralNFA", e.referral_nfa)
        for c in e.cp_plans:
            block = etree.SubElement(d, "ChildProtectionPlans")
            _add(block, "CPPstartDate", c.start)
            _add(block, "CPPendDate", c.end)
            _add(block, "InitialCategoryOfAbuse", c.initial_category)
            _add(block, "LatestCategoryOfAbuse", c.latest_category)
            _add(block, "NumberOfPreviousCPP", c.previous_plans)
            if c.reviews:
                reviews = etree.SubElement(block, "Reviews")
                for day in c.reviews:
                    if day is None:  # a review with no date (rule 8842Q)
                        etree.SubElement(reviews, "CPPreviewDate")
                    else:
                        _add(reviews, "CPPreviewDate", day)
    return child
