"""Writing the census XML from the selected facts, and checking it against the census schema
(cin_census.xsd, beside this module).

Dates are written YYYY-MM-DD and flags 0/1. A child whose record cannot be written (no date
of birth and no expected date, an episode with no referral or ended with no closure) is left
out of the file and listed as a problem; a child written with an item missing (a school-age
child with no UPN and no reason Kinfold can give) is written and listed. Either way the build
is not ready to send.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from lxml import etree

from kinfold.people.codes import Sex

from ..kinds import Problem
from ..periods import Period
from .episodes import ChildFacts, Episode, known

PART = "CIN census"
SCHEMA_PATH = Path(__file__).with_name("cin_census.xsd")


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def schema_problems(content: bytes) -> list[Problem]:
    """Each way the file breaks the census schema, as a problem (none: it is valid)."""
    document = etree.fromstring(content)
    checker = schema()
    if checker.validate(document):
        return []
    problems = []
    for error in checker.error_log:
        problems.append(
            Problem(
                part=PART,
                reason=f"The file breaks the census schema at line {error.line}: {error.message}",
                column=error.path or "",
            )
        )
    return problems


def _date(day: dt.date) -> str:
    return day.isoformat()


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def school_age_cutoff(period: Period) -> dt.date:
    """Children born on or before this day are of school age in the census year (the DfE
    validator's rule 8770Q: 31 August six years before the 31 August after the reference
    date)."""
    return dt.date(period.end.year - 6, 8, 31)


def born_on(child: ChildFacts, period: Period) -> dt.date | None:
    """The date of birth as known on the reference date (a child born after it was unborn)."""
    return known(child.person.date_of_birth, period)


def upn_unknown(child: ChildFacts, period: Period, nfa_only: bool) -> str | None:
    """The reason the child has no UPN, where Kinfold's facts say it: UN1 for a child not yet
    of school age (and for an unborn child), UN7 for a child whose every episode in the year
    was a referral with no further action. None: the child has a UPN, or no reason is known."""
    if child.person.upn:
        return None
    born = born_on(child, period)
    if born is None or born > school_age_cutoff(period):
        return "UN1"
    if nfa_only:
        return "UN7"
    return None


def referral_nfa(episode: Episode) -> bool:
    """A referral with no further action: closed with nothing done in it (no assessment, no
    section 47 enquiry, no plan), ever."""
    return episode.closure is not None and not episode.any_activity


class CensusWriter:
    def __init__(self, *, period: Period, la_code: str, made_at: dt.datetime) -> None:
        self.period = period
        self.problems: list[Problem] = []
        self.children_written = 0
        self.children_left_out = 0
        self.episodes_written = 0
        self.root = etree.Element("Message")
        header = _add(self.root, "Header")
        details = _add(header, "CollectionDetails")
        _add(details, "Collection", "CIN")
        _add(details, "Year", str(period.end.year))
        _add(details, "ReferenceDate", _date(period.end))
        source = _add(header, "Source")
        _add(source, "SourceLevel", "L")
        _add(source, "LEA", la_code)
        _add(source, "SoftwareCode", "Kinfold")
        _add(source, "DateTime", made_at.replace(microsecond=0, tzinfo=None).isoformat())
        self.children = _add(self.root, "Children")

    def problem(self, child: ChildFacts, item: str, reason: str) -> None:
        self.problems.append(
            Problem(
                part=PART,
                reason=reason,
                person_id=child.person.pk,
                reference=child.person.la_child_id,
                column=item,
            )
        )

    def refusals(self, child: ChildFacts) -> list[tuple[str, str]]:
        found = list(child.refusals)
        person = child.person
        if person.date_of_birth is None and person.expected_date_of_birth is None:
            found.append(
                (
                    "PersonBirthDate",
                    "No date of birth and no expected date of birth: the census needs one",
                )
            )
        if child.person.sex not in Sex.values:
            found.append(("Sex", f"Sex {person.sex!r} is not a census code (M, F or U)"))
        if not child.disabilities and born_on(child, self.period) is not None:
            found.append(
                (
                    "Disability",
                    "No disability recorded: record the child's disabilities, or that they "
                    "have none",
                )
            )
        if "NONE" in child.disabilities and len(child.disabilities) > 1:
            found.append(
                ("Disability", "Disabilities recorded with 'no disability' (NONE) as well")
            )
        return found

    def child(self, child: ChildFacts) -> None:
        refused = self.refusals(child)
        if refused:
            for item, reason in refused:
                self.problem(child, item, reason + " (the child is left out of the file)")
            self.children_left_out += 1
            return
        person, period = child.person, self.period
        element = _add(self.children, "Child")
        ids = _add(element, "ChildIdentifiers")
        _add(ids, "LAchildID", person.la_child_id)
        if person.upn:
            _add(ids, "UPN", person.upn)
        if person.former_upn:
            _add(ids, "FormerUPN", person.former_upn)
        nfa_only = all(referral_nfa(e) for e in child.episodes)
        reason = upn_unknown(child, period, nfa_only)
        if reason:
            _add(ids, "UPNunknown", reason)
        elif not person.upn:
            self.problem(
                child,
                "UPN",
                "A child of school age with no UPN and no recorded reason: record the UPN "
                "(the child is written without one)",
            )
        born = born_on(child, period)
        if born is not None:
            _add(ids, "PersonBirthDate", _date(born))
        else:
            # Unborn on the reference date. A child born since keeps no expected date in
            # Kinfold: the date of birth stands for it.
            expected = person.expected_date_of_birth or person.date_of_birth
            assert expected is not None
            _add(ids, "ExpectedPersonBirthDate", _date(expected))
        _add(ids, "Sex", "U" if born is None else str(person.sex))
        died = known(person.date_of_death, period)
        if died is not None:
            _add(ids, "PersonDeathDate", _date(died))
        characteristics = _add(element, "ChildCharacteristics")
        _add(characteristics, "Ethnicity", str(person.ethnicity))
        if child.disabilities:
            disabilities = _add(characteristics, "Disabilities")
            for code in child.disabilities:
                _add(disabilities, "Disability", code)
        for episode in child.episodes:
            self.episode(element, episode)
        self.children_written += 1

    def episode(self, parent: etree._Element, episode: Episode) -> None:
        details = _add(parent, "CINdetails")
        referral = episode.referral
        _add(details, "CINreferralDate", _date(referral.referral_date))
        _add(details, "ReferralSource", referral.source)
        if referral.primary_need:
            _add(details, "PrimaryNeedCode", referral.primary_need)
        if episode.closure is not None:
            _add(details, "CINclosureDate", _date(episode.closure.closed_on))
            _add(details, "ReasonForClosure", episode.closure.reason)
        # Every Kinfold ICPC follows its section 47 enquiry: its date is written there, never
        # here too (validator rule 2884).
        for a in episode.assessments:
            block = _add(details, "Assessments")
            _add(block, "AssessmentActualStartDate", _date(a.assessment.started_on))
            if a.completed_on is not None:
                _add(block, "AssessmentInternalReviewDate", _date(a.completed_on))
            if a.authorised_on is not None:
                _add(block, "AssessmentAuthorisationDate", _date(a.authorised_on))
                if a.factors:
                    factors = _add(block, "FactorsIdentifiedAtAssessment")
                    for code in a.factors:
                        _add(factors, "AssessmentFactors", code)
        for started, ended in episode.cin_plans:
            block = _add(details, "CINPlanDates")
            _add(block, "CINPlanStartDate", _date(started))
            if ended is not None:
                _add(block, "CINPlanEndDate", _date(ended))
        for s in episode.enquiries:
            block = _add(details, "Section47")
            _add(block, "S47ActualStartDate", _date(s.enquiry.started_on))
            if s.enquiry.icpc_due_on is not None:
                _add(block, "InitialCPCtarget", _date(s.enquiry.icpc_due_on))
            if s.icpc_on is not None:
                _add(block, "DateOfInitialCPC", _date(s.icpc_on))
            _add(block, "ICPCnotRequired", _flag(s.icpc_not_required))
        _add(details, "ReferralNFA", _flag(referral_nfa(episode)))
        for cp in episode.cp_plans:
            block = _add(details, "ChildProtectionPlans")
            _add(block, "CPPstartDate", _date(cp.plan.started_on))
            if cp.ended_on is not None:
                _add(block, "CPPendDate", _date(cp.ended_on))
            _add(block, "InitialCategoryOfAbuse", cp.initial_category)
            _add(block, "LatestCategoryOfAbuse", cp.latest_category)
            _add(block, "NumberOfPreviousCPP", str(cp.previous_plans))
            if cp.review_dates:
                reviews = _add(block, "Reviews")
                for day in cp.review_dates:
                    _add(reviews, "CPPreviewDate", _date(day))
        self.episodes_written += 1

    def content(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
