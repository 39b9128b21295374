"""The access matrix: every URL of Kinfold, visited with GET by every persona, against the
outcome the access rules say it should have.

The rules (DESIGN.md "Access", docs/adr/0003, kinfold.access.visibility and guards):
- signed out, every page but sign-in sends you to sign-in; with a password but not yet the
  second factor (outside demo mode), every page but the second-factor ones sends you there;
- a child's record is seen in full by those the ladder reaches (allocated worker → team →
  service → authority, by role); anyone else gets the "no access" page that names whom to ask
  and offers break glass, never the record;
- a restricted record is seen only by the workers named on it (here: its restriction
  manager, the team manager); everyone else, authority-wide roles too, gets the "restricted"
  no-access page;
- writes need full access to the record, and performance officers are read-only (they may
  not add people);
- only team managers and administrators review duplicates and merge; only administrators see
  the audit pages and set timescales; only administrators and a record's restriction manager
  (or, before it is restricted, a team manager who can see it) manage its restriction;
- an entry is marked entered in error by its recorder, a team manager or an administrator; a
  worker's supervision is recorded by a manager of their team and seen by the worker, the
  supervisor, their team's managers and administrators;
- the workforce directory is open to every signed-in worker (kinfold.workforce.views).

A URL name in the resolver but not in MATRIX fails `test_every_url_is_in_the_matrix`: add a row
to MATRIX (and to RESTRICTED_DIFFERENCES when it answers differently for a restricted record).
Each (URL, persona) pair is a test of its own, so a failure names the cell. Every page of a
persona who may not see the child is also searched for the child's name. A cell that shows a
real bug is listed in KNOWN_LEAKS (a strict xfail): never write the wrong answer into the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kinfold.access.models import BreakGlass
from kinfold.assessments import services as assessment_services
from kinfold.child_protection.models import (
    CPPlanSchedule,
    InitialConference,
    Section47Enquiry,
    StrategyDiscussion,
)
from kinfold.early_help.models import EarlyHelpEpisode
from kinfold.front_door import services as front_door_services
from kinfold.front_door.models import (
    MashEnquiry,
    PartnerOrganisation,
    Referral,
    ThresholdLevel,
)
from kinfold.journey.document_services import upload_document
from kinfold.journey.models import CaseDiscussion, CaseNote, Event, Involvement, Supervision
from kinfold.people.models import Person, PersonMerge, Relationship
from kinfold.plans.models import Plan
from kinfold.timescales.models import Rule, Unit
from kinfold.workforce.models import Allocation
from tests.factories import AllocationFactory, PersonFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
# Signed in with a password, second factor not yet given (demo mode off).
SECOND_FACTOR_PENDING = "second_factor_pending"
PERSONAS = (
    ANONYMOUS,
    SECOND_FACTOR_PENDING,
    "allocated_worker",
    "team_manager",
    "other_team_worker",
    "iro",
    "admin",
    "performance_officer",
    "contact_officer",
)
SIGNED_IN = PERSONAS[2:]
# What of the child a page must never show to someone who may not see the record.
CHILD_NAMES = ("Maisie", "Okafor")


# ---- outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a GET must answer. `or_405`: the URL may be POST-only and refuse GET instead."""

    label: str
    status: int
    redirect_to: str | None = None  # a URL name; the URL's own kwargs when `same_kwargs`
    same_kwargs: bool = False
    template: str | None = None
    restricted: bool | None = None
    or_405: bool = False

    def __str__(self) -> str:
        return self.label + (" (or 405)" if self.or_405 else "")

    def check(self, response, kwargs: dict) -> None:
        if self.or_405 and response.status_code == 405:
            return
        where = response.get("Location", "")
        assert response.status_code == self.status, (
            f"expected {self}, got {response.status_code} {where}".rstrip()
        )
        if self.label == "sign-in":
            path, _, query = where.partition("?")
            assert path == reverse("access:sign-in") and query.startswith("next="), where
        elif self.redirect_to:
            target = reverse(self.redirect_to, kwargs=kwargs if self.same_kwargs else None)
            assert where.partition("?")[0] == target, f"expected a redirect to {target}: {where}"
        if self.template:
            used = [t.name for t in response.templates]
            assert self.template in used, f"expected the page {self.template}, got {used}"
        if self.restricted is not None:
            assert response.context["restricted"] is self.restricted

    def allowing_405(self) -> Outcome:
        return replace(self, or_405=True)


OK = Outcome("200", 200)
SIGN_IN = Outcome("sign-in", 302)
REFUSED = Outcome("403", 403)
NO_ACCESS = Outcome("no access", 403, template="access/no_access.html", restricted=False)
RESTRICTED = Outcome("restricted", 403, template="access/no_access.html", restricted=True)
NOT_ALLOWED = Outcome("405", 405)
TO_SECOND_FACTOR = Outcome("second factor", 302, redirect_to="access:otp-verify")
TO_AUTHENTICATOR_SET_UP = Outcome("set up", 302, redirect_to="access:otp-setup")
TO_SIGN_IN_PAGE = Outcome("signed out", 302, redirect_to="access:sign-in")
TO_RECORD = Outcome("the record", 302, redirect_to="people:detail", same_kwargs=True)


def signed_in(outcome: Outcome, **exceptions: Outcome) -> dict[str, Outcome]:
    """`outcome` for every signed-in persona, but `exceptions`; the usual two for the rest."""
    row = dict.fromkeys(SIGNED_IN, outcome)
    row.update(exceptions)
    row.setdefault(ANONYMOUS, SIGN_IN)
    row.setdefault(SECOND_FACTOR_PENDING, TO_SECOND_FACTOR)
    return row


def or_405(row: dict[str, Outcome]) -> dict[str, Outcome]:
    """A write reached with GET: the page (or refusal) as the row says, or 405 if POST-only."""
    return {
        p: o if p in (ANONYMOUS, SECOND_FACTOR_PENDING) else o.allowing_405()
        for p, o in row.items()
    }


# The child is allocated to the allocated worker in the north children's team. The team
# manager manages that team (service reach); the other-team worker is in the south; IRO,
# administrator, performance officer and contact officer reach the whole authority.
READ_CHILD = signed_in(OK, other_team_worker=NO_ACCESS)
WRITE_CHILD = signed_in(OK, other_team_worker=NO_ACCESS, performance_officer=REFUSED)
ADMINISTRATORS_ONLY = signed_in(REFUSED, admin=OK)
MANAGERS_AND_ADMINISTRATORS = signed_in(REFUSED, team_manager=OK, admin=OK)

# Restricted, with the team manager as its restriction manager (the only named worker).
READ_RESTRICTED = signed_in(RESTRICTED, team_manager=OK)
ALLOCATE = signed_in(REFUSED, team_manager=OK, admin=OK, other_team_worker=NO_ACCESS)
WRITE_RESTRICTED = signed_in(RESTRICTED, team_manager=OK, performance_officer=REFUSED)


# ---- the world every URL is visited in ------------------------------------------------------


@dataclass
class World:
    child: Person
    mother: Person
    twin: Person
    relationship: Relationship
    merge: PersonMerge
    break_glass: BreakGlass
    unit_id: int
    worker_id: int
    rule_code: str
    note_id: int
    event_id: int
    supervision_id: int
    document_id: int
    personas: dict = field(default_factory=dict)
    # Early help: the child's episode (led by the allocated worker) and child in need episode;
    # the twin's early help awaiting a lead.
    early_help_id: int = 0
    child_in_need_id: int = 0
    awaiting_early_help_id: int = 0
    # The front door's contacts (kinfold.front_door): one about the child, passed to the
    # allocated worker (she is open to their team); one from a partner, its child unmatched.
    contact_id: int = 0
    routed_child_id: int = 0
    partner_child_id: int = 0
    # The MASH (kinfold.front_door.views.mash): an enquiry about a child held by no team,
    # with a question to the police.
    mash_id: int = 0
    information_request_id: int = 0
    # Assessments (kinfold.assessments): an open single assessment in the child's child in
    # need episode, for its referral, carried out by the allocated worker.
    assessment_id: int = 0
    # Child protection (kinfold.child_protection): a strategy discussion whose s47 enquiry
    # has not started yet; an enquiry completed, its ICPC due; and an open child protection
    # plan (with its ICPC and schedule) on a child protection involvement made for the matrix
    # beside the child in need one.
    cp_discussion_id: int = 0
    cp_enquiry_id: int = 0
    cp_plan_id: int = 0
    # Plans and children in need (kinfold.plans, kinfold.child_in_need): the child's open
    # child in need plan on the child in need episode.
    cin_plan_id: int = 0


@pytest.fixture
def world(org, personas, child, settings, tmp_path) -> World:
    # A second record of the child, held by the same team: what merging compares.
    twin = PersonFactory(
        given_name="Maisy", family_name="Okafer", date_of_birth=child.date_of_birth
    )
    AllocationFactory(person=twin, worker=personas["team_manager"], team=org["north_childrens"])
    # An earlier record already merged into the child's.
    retired = PersonFactory(merged_into=child)
    merge = PersonMerge.objects.create(
        kept=child, retired=retired, merged_by=personas["team_manager"], reason="Same child"
    )
    # The other-team worker broke the glass on the child last week; it has expired.
    week_ago = timezone.now() - dt.timedelta(days=7)
    glass = BreakGlass.objects.create(
        person=child,
        worker=personas["other_team_worker"],
        reason="Police called out of hours",
        at=week_ago,
        expires_at=week_ago + dt.timedelta(hours=8),
    )
    # A timescale rule, as the guidance sets it.
    rule = Rule.objects.create(
        code="assessment.single",
        trigger="referral.received",
        item="Single assessment completed",
        amount=45,
        unit=Unit.WORKING_DAYS,
        source="Working Together to Safeguard Children 2023",
        effective_from=dt.date(2023, 12, 15),
    )
    # The allocated worker's case note and a chronology entry on the child; their supervision
    # by the team manager, with a discussion of the child.
    now = timezone.now()
    note = CaseNote.objects.create(
        person=child,
        type="phone",
        occurred_at=now - dt.timedelta(hours=2),
        title="Call with school",
        author=personas["allocated_worker"],
    )
    event = Event.objects.create(
        person=child,
        type="chronology.entry",
        occurred_at=now - dt.timedelta(days=3),
        summary="Police notification",
        recorded_by=personas["allocated_worker"],
        significant=True,
    )
    supervision = Supervision.objects.create(
        supervisee=personas["allocated_worker"],
        supervisor=personas["team_manager"],
        held_on=timezone.localdate(),
    )
    CaseDiscussion.objects.create(
        supervision=supervision,
        person=child,
        held_on=timezone.localdate(),
        discussion="School attendance",
        decision="Visit weekly",
        manager=personas["team_manager"],
    )
    # A document on the child, its file in a temporary folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    document = upload_document(
        actor=personas["allocated_worker"],
        person=child,
        upload=SimpleUploadedFile("assessment.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Assessment",
        kind="assessment",
    )
    # Early help (kinfold.early_help).
    started = timezone.localdate() - dt.timedelta(days=40)
    early_help = Involvement.objects.create(person=child, stage="early_help", started_on=started)
    EarlyHelpEpisode.objects.create(
        involvement=early_help,
        person=child,
        started_on=started,
        reason="Routines",
        lead_worker=personas["allocated_worker"],
        review_from=started,
        review_due_on=started + dt.timedelta(days=90),
    )
    child_in_need = Involvement.objects.create(
        person=child, stage="child_in_need", started_on=started, team=org["north_childrens"]
    )
    awaiting = Involvement.objects.create(person=twin, stage="early_help", started_on=started)
    # The front door: a school's contact about the child, recorded by the contact officer
    # (passed to the allocated worker), and a partner's contact about a child not yet matched.
    contact = front_door_services.record_contact(
        actor=personas["contact_officer"],
        details=front_door_services.ContactDetails(
            received_at=now - dt.timedelta(hours=1),
            method="phone",
            source="2A",
            concerns="Came to school hungry.",
            consent="given",
        ),
        children=[child],
    )
    partner_contact = front_door_services.submit_partner_contact(
        partner=PartnerOrganisation.objects.get_or_create(
            name="Fenshire Police", defaults={"kind": "police"}
        )[0],
        details=front_door_services.ContactDetails(
            received_at=now - dt.timedelta(hours=1),
            method="api",
            source="6",
            concerns="Domestic abuse call-out; a child in the house.",
            consent="not_sought",
        ),
        children=[{"given_name": "Kit", "family_name": "Varga", "date_of_birth": "2016-04-01"}],
        idempotency_key="matrix-1",
    )
    # The MASH: a contact about a child held by no team, screened into the MASH, and a
    # question to the police.
    mash_contact = front_door_services.record_contact(
        actor=personas["contact_officer"],
        details=front_door_services.ContactDetails(
            received_at=now - dt.timedelta(hours=1),
            method="phone",
            source="3B",
            concerns="Health visitor worried about bruising.",
            consent="given",
        ),
        children=[PersonFactory(date_of_birth=dt.date(2022, 6, 1))],
    )
    front_door_services.screen_contact(
        actor=personas["contact_officer"],
        contact_id=mash_contact.pk,
        version=mash_contact.version,
        threshold_level=ThresholdLevel.objects.get(level=3),
        outcome="mash",
        rationale="Unexplained bruising: partners' information needed.",
        rag="amber",
        rag_reason="No disclosure.",
    )
    mash_enquiry = MashEnquiry.objects.get(contact=mash_contact)
    information_request = front_door_services.request_information(
        actor=personas["contact_officer"],
        enquiry_id=mash_enquiry.pk,
        partner=PartnerOrganisation.objects.get(name="Fenshire Police"),
        question="Any call-outs to the address?",
    )
    # Assessments: the child in need episode's referral and an open single assessment.
    Referral.objects.create(
        person=child,
        involvement=child_in_need,
        referral_date=started,
        source="2A",
        primary_need="N1",
        route="referral",
        team=org["north_childrens"],
    )
    assessment = assessment_services.start_assessment(
        actor=personas["allocated_worker"],
        involvement_id=child_in_need.pk,
        started_on=started + dt.timedelta(days=1),
    )

    # Child protection: three strategy discussions on the child in need episode (one waiting
    # for its enquiry; one with an enquiry whose ICPC is due; one whose ICPC made a plan).
    def _discussion() -> StrategyDiscussion:
        return StrategyDiscussion.objects.create(
            person=child,
            involvement=child_in_need,
            held_at=now - dt.timedelta(days=20),
            type="discussion",
            information="Bruising seen at school.",
            s47_decided=True,
            reasons="Risk of significant harm.",
            recorded_by=personas["allocated_worker"],
        )

    def _enquiry(discussion: StrategyDiscussion) -> Section47Enquiry:
        return Section47Enquiry.objects.create(
            person=child,
            discussion=discussion,
            discussion_on=discussion.held_on,
            team=org["north_childrens"],
            social_worker=personas["allocated_worker"],
            started_on=discussion.held_on,
            outcome="substantiated",
            icpc_needed=True,
            findings="Injury consistent with the account.",
            completed_on=discussion.held_on + dt.timedelta(days=5),
            icpc_due_on=discussion.held_on + dt.timedelta(days=21),
            started_by=personas["allocated_worker"],
        )

    cp_waiting = _discussion()
    cp_enquiry = _enquiry(_discussion())
    planned = _enquiry(_discussion())
    held = planned.completed_on + dt.timedelta(days=1)
    cp_involvement = Involvement.objects.create(
        person=child, stage="child_protection", started_on=held, team=org["north_childrens"]
    )
    cp_plan = Plan.objects.create(
        person=child,
        involvement=cp_involvement,
        kind="cp",
        initial_category="NEG",
        category="NEG",
        started_on=held,
        owner=personas["allocated_worker"],
    )
    icpc = InitialConference.objects.create(
        enquiry=planned,
        person=child,
        held_on=held,
        decision="plan",
        category="NEG",
        reasons="Neglect.",
        chair=personas["iro"],
        plan=cp_plan,
        recorded_by=personas["iro"],
    )
    CPPlanSchedule.objects.create(
        plan=cp_plan,
        person=child,
        conference=icpc,
        core_group_from=held,
        core_group_due_on=held + dt.timedelta(days=14),
        review_from=held,
        review_due_on=held + dt.timedelta(days=90),
    )
    # Plans and children in need: an open child in need plan on the child in need episode.
    cin_plan = Plan.objects.create(
        person=child,
        involvement=child_in_need,
        kind="cin",
        started_on=started,
        owner=personas["allocated_worker"],
    )
    return World(
        child=child,
        mother=child.mother,
        twin=twin,
        relationship=Relationship.objects.get(person=child, other=child.mother),
        merge=merge,
        break_glass=glass,
        unit_id=org["north_childrens"].pk,
        worker_id=personas["allocated_worker"].pk,
        rule_code=rule.code,
        note_id=note.pk,
        event_id=event.pk,
        supervision_id=supervision.pk,
        document_id=document.pk,
        personas=personas,
        early_help_id=early_help.pk,
        child_in_need_id=child_in_need.pk,
        awaiting_early_help_id=awaiting.pk,
        contact_id=contact.pk,
        routed_child_id=contact.children.get().pk,
        partner_child_id=partner_contact.children.get().pk,
        mash_id=mash_enquiry.pk,
        information_request_id=information_request.pk,
        assessment_id=assessment.pk,
        cp_discussion_id=cp_waiting.pk,
        cp_enquiry_id=cp_enquiry.pk,
        cp_plan_id=cp_plan.pk,
        cin_plan_id=cin_plan.pk,
    )


def _child(w: World) -> dict:
    return {"pk": w.child.pk}


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[World], dict]
    expect: dict[str, Outcome]


def _none(w: World) -> dict:
    return {}


def _early_help(w: World) -> dict:
    return {"inv_pk": w.early_help_id}


def _contact(w: World) -> dict:
    return {"pk": w.contact_id}


def _assessment(w: World) -> dict:
    return {"pk": w.assessment_id}


TO_ASSESSMENT = Outcome(
    "the assessment", 302, redirect_to="assessments:assessment", same_kwargs=True
)


# A front door step the contact is not at (it was passed to the allocated worker): back to it.
TO_CONTACT = Outcome("the contact", 302, redirect_to="front_door:contact", same_kwargs=True)


# Front door configuration and the partner API (kinfold.front_door.views.configuration,
# kinfold.api).
def _partner(w: World) -> dict:
    partner, _ = PartnerOrganisation.objects.get_or_create(
        name="Matrix Police", defaults={"kind": "police", "referral_source": "6"}
    )
    return {"pk": partner.pk}


def _partner_token(w: World) -> dict:
    from kinfold.api.models import PartnerToken

    pk = _partner(w)["pk"]
    token, _ = PartnerToken.objects.get_or_create(
        partner_id=pk, name="Matrix", defaults={"token_hash": "0" * 64, "prefix": "kf_matrix"}
    )
    return {"pk": pk, "token_pk": token.pk}


def _threshold_level(w: World) -> dict:
    from kinfold.front_door.models import ThresholdLevel

    level, _ = ThresholdLevel.objects.get_or_create(
        level=1, defaults={"title": "Universal", "description": "Needs met", "usual_outcome": "nfa"}
    )
    return {"pk": level.pk}


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    """The same answer for every persona, signed in or not (the API ignores sign-in)."""
    return dict.fromkeys(PERSONAS, outcome)


UNAUTHORISED = Outcome("401", 401)
NOT_FOUND = Outcome("404", 404)


def _mash(w: World) -> dict:
    return {"pk": w.mash_id}


# The MASH and the front door view: its roles read; those of them who record work in the MASH.
FRONT_DOOR = signed_in(
    REFUSED, team_manager=OK, admin=OK, performance_officer=OK, contact_officer=OK
)
MASH_WORK = signed_in(REFUSED, team_manager=OK, admin=OK, contact_officer=OK)


# Statutory returns (kinfold.returns): a finished Annex A build, its file in the world's
# temporary media folder.
def _return_build(w: World) -> dict:
    from kinfold.returns.models import ReturnBuild
    from kinfold.returns.services import run_build

    build = ReturnBuild.objects.filter(kind="annex_a", status="finished").first()
    if build is None:
        today = timezone.localdate()
        build = ReturnBuild.objects.create(
            kind="annex_a",
            parameters={"as_at": today.isoformat(), "lists": [1, 2, 3]},
            as_at=today,
            period_start=today - dt.timedelta(days=365),
            period_end=today,
        )
        run_build(build_id=build.pk)
    return {"pk": build.pk}


RETURNS = signed_in(REFUSED, admin=OK, performance_officer=OK)

# ---- the table -----------------------------------------------------------------------------

MATRIX: dict[str, Row] = {
    "home": Row(_none, signed_in(OK)),
    # Signing in and the second factor (the pending persona has no authenticator yet).
    "access:sign-in": Row(_none, signed_in(OK, anonymous=OK, second_factor_pending=OK)),
    "access:otp-verify": Row(
        _none, signed_in(TO_AUTHENTICATOR_SET_UP, second_factor_pending=TO_AUTHENTICATOR_SET_UP)
    ),
    "access:otp-setup": Row(_none, signed_in(OK, second_factor_pending=OK)),
    "access:otp-qr": Row(_none, signed_in(OK, second_factor_pending=OK)),
    "access:sign-out": Row(
        _none, signed_in(TO_SIGN_IN_PAGE, second_factor_pending=TO_SIGN_IN_PAGE)
    ),
    # Break glass: those who can see the record go straight to it.
    "access:break-glass": Row(_child, signed_in(TO_RECORD, other_team_worker=OK)),
    "access:restriction": Row(_child, MANAGERS_AND_ADMINISTRATORS),
    # A list of the break-glass views of records I answer for: empty for most.
    "access:break-glass-reviews": Row(_none, signed_in(OK)),
    "access:break-glass-acknowledge": Row(
        lambda w: {"pk": w.break_glass.pk}, signed_in(NOT_ALLOWED)
    ),
    "access:audit": Row(_none, ADMINISTRATORS_ONLY),
    "access:person-audit": Row(_child, ADMINISTRATORS_ONLY),
    # People.
    "people:search": Row(_none, signed_in(OK)),
    "people:create": Row(_none, signed_in(OK, performance_officer=REFUSED)),
    "people:detail": Row(_child, READ_CHILD),
    "people:edit": Row(_child, WRITE_CHILD),
    "people:history": Row(_child, READ_CHILD),
    "people:add-name": Row(_child, WRITE_CHILD),
    "people:add-address": Row(_child, WRITE_CHILD),
    "people:relationships": Row(_child, READ_CHILD),
    "people:add-relationship": Row(_child, WRITE_CHILD),
    "people:end-relationship": Row(
        lambda w: {"pk": w.child.pk, "rel_pk": w.relationship.pk}, or_405(WRITE_CHILD)
    ),
    "people:duplicates": Row(_none, MANAGERS_AND_ADMINISTRATORS),
    "people:merge": Row(
        lambda w: {"pk": w.child.pk, "other_pk": w.twin.pk}, MANAGERS_AND_ADMINISTRATORS
    ),
    "people:merge-detail": Row(lambda w: {"merge_pk": w.merge.pk}, READ_CHILD),
    # The workforce directory: every signed-in worker (kinfold.workforce.views).
    "workforce:units": Row(_none, signed_in(OK)),
    "workforce:unit": Row(lambda w: {"pk": w.unit_id}, signed_in(OK)),
    "workforce:worker": Row(lambda w: {"pk": w.worker_id}, signed_in(OK)),
    # Allocating is a page of the child's record, for team managers, consultants and
    # administrators.
    "workforce:allocate": Row(_child, ALLOCATE),
    "workforce:end-allocation": Row(
        lambda w: {"allocation_pk": Allocation.objects.get(person=w.child).pk}, ALLOCATE
    ),
    # The journey: case notes and the chronology are the child's record.
    "journey:notes": Row(_child, READ_CHILD),
    "journey:add-note": Row(_child, WRITE_CHILD),
    "journey:note": Row(lambda w: {"note_pk": w.note_id}, READ_CHILD),
    # The form, locked for all but its author (still a page).
    "journey:edit-note": Row(lambda w: {"note_pk": w.note_id}, WRITE_CHILD),
    "journey:chronology": Row(_child, READ_CHILD),
    "journey:chronology-pdf": Row(_child, READ_CHILD),
    "journey:add-entry": Row(_child, WRITE_CHILD),
    # Marking an entry as entered in error: its recorder (the allocated worker), a team manager,
    # an administrator.
    "journey:retract": Row(
        lambda w: {"event_pk": w.event_id},
        signed_in(
            REFUSED, allocated_worker=OK, team_manager=OK, admin=OK, other_team_worker=NO_ACCESS
        ),
    ),
    # Supervision of the allocated worker: recorded by a manager of their team; seen by them,
    # their supervisor, their team's managers and administrators.
    "journey:supervision-new": Row(
        lambda w: {"worker_pk": w.worker_id}, signed_in(REFUSED, team_manager=OK)
    ),
    "journey:supervision": Row(
        lambda w: {"supervision_pk": w.supervision_id},
        signed_in(REFUSED, allocated_worker=OK, team_manager=OK, admin=OK),
    ),
    "journey:my-actions": Row(_none, signed_in(OK)),
    # A child's documents are their record; a download is a view of it.
    "journey:documents": Row(_child, READ_CHILD),
    "journey:add-document": Row(_child, WRITE_CHILD),
    "journey:document": Row(lambda w: {"doc_pk": w.document_id}, READ_CHILD),
    # Timescales as data: set by system administrators.
    "timescales:rules": Row(_none, ADMINISTRATORS_ONLY),
    "timescales:rule": Row(lambda w: {"code": w.rule_code}, ADMINISTRATORS_ONLY),
    "timescales:rule-change": Row(lambda w: {"code": w.rule_code}, ADMINISTRATORS_ONLY),
    "timescales:closure-days": Row(_none, ADMINISTRATORS_ONLY),
    # Worklists: my work for everyone; a team's work, a worker's list in it and the team's
    # caseloads for the team's managers and consultants and for administrators (any team).
    "timescales:my-work": Row(_none, signed_in(OK)),
    "timescales:team": Row(_none, MANAGERS_AND_ADMINISTRATORS),
    "timescales:team-worker": Row(
        lambda w: {"worker_pk": w.worker_id}, MANAGERS_AND_ADMINISTRATORS
    ),
    "timescales:caseload": Row(_none, MANAGERS_AND_ADMINISTRATORS),
    # Early help (kinfold.early_help): the hub's list names only children the viewer may see;
    # an episode is the child's record; a manager sets one up (here the twin's, awaiting a
    # lead); the lead, an allocated worker or a manager steps up; a team manager steps down.
    "early_help:hub": Row(_none, signed_in(OK)),
    "early_help:episode": Row(_early_help, READ_CHILD),
    "early_help:set-up": Row(
        lambda w: {"inv_pk": w.awaiting_early_help_id},
        signed_in(REFUSED, team_manager=OK, admin=OK, other_team_worker=NO_ACCESS),
    ),
    "early_help:plan": Row(_early_help, WRITE_CHILD),
    "early_help:review": Row(_early_help, WRITE_CHILD),
    "early_help:end": Row(_early_help, WRITE_CHILD),
    "early_help:step-up": Row(
        _early_help,
        signed_in(
            REFUSED, allocated_worker=OK, team_manager=OK, admin=OK, other_team_worker=NO_ACCESS
        ),
    ),
    "early_help:step-down": Row(
        lambda w: {"inv_pk": w.child_in_need_id},
        signed_in(REFUSED, team_manager=OK, admin=OK, other_team_worker=NO_ACCESS),
    ),
    # Front door contacts (kinfold.front_door.views.contacts): the list for every signed-in
    # worker (children named only where the viewer may see them); recording for those who
    # record; a contact is seen by those who see every child on it; a partner's unmatched child
    # by the front door, team managers and administrators; its steps redirect to the contact
    # when it is not at them (this one was passed to the allocated worker); sign-off is for
    # managers; the allocated worker's response is written on the child's record.
    "front_door:contacts": Row(_none, signed_in(OK)),
    "front_door:new-contact": Row(_none, signed_in(OK, performance_officer=REFUSED)),
    "front_door:new-contact-children": Row(_none, signed_in(OK, performance_officer=REFUSED)),
    "front_door:contact": Row(_contact, READ_CHILD),
    "front_door:take-contact": Row(_contact, signed_in(NOT_ALLOWED)),
    "front_door:screen": Row(
        _contact,
        signed_in(TO_CONTACT, other_team_worker=NO_ACCESS, performance_officer=REFUSED),
    ),
    "front_door:decide": Row(
        _contact,
        signed_in(TO_CONTACT, other_team_worker=NO_ACCESS, performance_officer=REFUSED),
    ),
    "front_door:sign-off": Row(
        _contact,
        signed_in(REFUSED, team_manager=TO_CONTACT, admin=TO_CONTACT, other_team_worker=NO_ACCESS),
    ),
    "front_door:match-child": Row(
        lambda w: {"child_pk": w.partner_child_id},
        signed_in(REFUSED, contact_officer=OK, team_manager=OK, admin=OK),
    ),
    "front_door:respond": Row(lambda w: {"child_pk": w.routed_child_id}, WRITE_CHILD),
    # Front door configuration (kinfold.front_door.views.configuration): administrators only.
    "front_door:partners": Row(_none, ADMINISTRATORS_ONLY),
    "front_door:partner-new": Row(_none, ADMINISTRATORS_ONLY),
    "front_door:partner": Row(_partner, ADMINISTRATORS_ONLY),
    "front_door:partner-token": Row(_partner, ADMINISTRATORS_ONLY),
    "front_door:partner-token-revoke": Row(_partner_token, ADMINISTRATORS_ONLY),
    "front_door:thresholds": Row(_none, ADMINISTRATORS_ONLY),
    "front_door:threshold": Row(_threshold_level, ADMINISTRATORS_ONLY),
    "front_door:areas": Row(_none, ADMINISTRATORS_ONLY),
    # The partner API (kinfold.api): authenticated by a partner token, never by a worker's
    # sign-in, so without a token every persona gets 401 (a POST-only URL: 405). The OpenAPI
    # document and its docs page are public; /api/v1/ itself is not a page.
    "api:contacts": Row(_none, everyone(UNAUTHORISED)),
    "api:contacts-list": Row(_none, everyone(UNAUTHORISED)),
    "api:contact": Row(lambda w: {"reference": "C0000001"}, everyone(UNAUTHORISED)),
    "api:information-requests": Row(_none, everyone(UNAUTHORISED)),
    "api:information-request-response": Row(lambda w: {"request_id": 1}, everyone(NOT_ALLOWED)),
    "api:openapi-json": Row(_none, everyone(OK)),
    "api:openapi-view": Row(_none, everyone(OK)),
    "api:api-root": Row(_none, everyone(NOT_FOUND)),
    # The MASH and the front door view (kinfold.front_door.views.mash and .dashboard): for
    # contact officers, MASH practitioners, team managers, administrators and performance
    # officers, who only read; an enquiry is seen by those who see every child on it;
    # taking an enquiry is POST only. A team's new referrals: the workers of its service,
    # administrators and performance officers.
    "front_door:mash-list": Row(_none, FRONT_DOOR),
    "front_door:mash": Row(_mash, FRONT_DOOR),
    "front_door:take-mash": Row(_mash, signed_in(NOT_ALLOWED)),
    "front_door:rerate-mash": Row(_mash, MASH_WORK),
    "front_door:request-information": Row(_mash, MASH_WORK),
    "front_door:record-answer": Row(lambda w: {"request_pk": w.information_request_id}, MASH_WORK),
    "front_door:dashboard": Row(_none, FRONT_DOOR),
    # Assessments (kinfold.assessments): a child's list and an assessment are the child's
    # record; starting one, its parts and completing it are writes (completing is POST only:
    # with GET, back to the assessment); authorising is for team managers, consultant social
    # workers and administrators (this one is still open: back to it).
    "assessments:for-child": Row(_child, READ_CHILD),
    "assessments:start": Row(lambda w: {"inv_pk": w.child_in_need_id}, WRITE_CHILD),
    "assessments:assessment": Row(_assessment, READ_CHILD),
    "assessments:part": Row(lambda w: {"pk": w.assessment_id, "part": "views"}, WRITE_CHILD),
    "assessments:complete": Row(
        _assessment,
        signed_in(TO_ASSESSMENT, other_team_worker=NO_ACCESS, performance_officer=REFUSED),
    ),
    "assessments:authorise": Row(
        _assessment,
        signed_in(
            REFUSED, team_manager=TO_ASSESSMENT, admin=TO_ASSESSMENT, other_team_worker=NO_ACCESS
        ),
    ),
    "front_door:team-referrals": Row(
        lambda w: {"pk": w.unit_id},
        signed_in(
            REFUSED,
            allocated_worker=OK,
            team_manager=OK,
            admin=OK,
            performance_officer=OK,
            contact_officer=OK,
        ),
    ),
    # Child protection (kinfold.child_protection): the overview and an enquiry are the child's
    # record; recording a strategy discussion, starting the enquiry, its ICPC, a core group and
    # a review conference, police protection or an emergency protection order are writes.
    "child_protection:overview": Row(_child, READ_CHILD),
    "child_protection:strategy-discussion-new": Row(_child, WRITE_CHILD),
    "child_protection:emergency-protection-new": Row(_child, WRITE_CHILD),
    "child_protection:s47-start": Row(lambda w: {"discussion_pk": w.cp_discussion_id}, WRITE_CHILD),
    "child_protection:s47": Row(lambda w: {"s47_pk": w.cp_enquiry_id}, READ_CHILD),
    "child_protection:icpc-new": Row(lambda w: {"s47_pk": w.cp_enquiry_id}, WRITE_CHILD),
    "child_protection:core-group-new": Row(lambda w: {"plan_pk": w.cp_plan_id}, WRITE_CHILD),
    "child_protection:review-new": Row(lambda w: {"plan_pk": w.cp_plan_id}, WRITE_CHILD),
    # Statutory returns (kinfold.returns): performance officers and administrators build them,
    # see a build's progress and problems (by LA child ID, never by name) and download its file.
    "returns:index": Row(_none, RETURNS),
    "returns:build": Row(_return_build, RETURNS),
    "returns:download": Row(_return_build, RETURNS),
    # Plans, quality checks and children in need (kinfold.plans, kinfold.quality,
    # kinfold.child_in_need): a plan and the episode are the child's record; writing the plan,
    # starting one (here one is open: the page says so) and a review are writes; the checks
    # endpoint is POST only (htmx); closing the episode is for team managers and
    # administrators; the quality checks are set by administrators.
    "plans:plan": Row(lambda w: {"plan_pk": w.cin_plan_id}, READ_CHILD),
    "plans:edit": Row(lambda w: {"plan_pk": w.cin_plan_id}, WRITE_CHILD),
    "plans:check": Row(lambda w: {"plan_pk": w.cin_plan_id}, signed_in(NOT_ALLOWED)),
    "quality:rules": Row(_none, ADMINISTRATORS_ONLY),
    "quality:rule": Row(lambda w: {"code": "action.no_owner"}, ADMINISTRATORS_ONLY),
    "child_in_need:episode": Row(lambda w: {"inv_pk": w.child_in_need_id}, READ_CHILD),
    "child_in_need:start-plan": Row(lambda w: {"inv_pk": w.child_in_need_id}, WRITE_CHILD),
    "child_in_need:review": Row(lambda w: {"plan_pk": w.cin_plan_id}, WRITE_CHILD),
    "child_in_need:close": Row(
        lambda w: {"inv_pk": w.child_in_need_id},
        signed_in(REFUSED, team_manager=OK, admin=OK, other_team_worker=NO_ACCESS),
    ),
    # The child's page and the team's (kinfold.quality.team_view): a unit's assessments, child
    # protection and plans, for the team managers of its service, administrators and
    # performance officers (children named only where the viewer may open the record).
    "quality:team": Row(
        lambda w: {"pk": w.unit_id},
        signed_in(REFUSED, team_manager=OK, admin=OK, performance_officer=OK),
    ),
}

# When the child's record is restricted, with the team manager as its restriction manager: the
# URLs that show a person answer differently; every other URL as in MATRIX (and no page may show
# the child to anyone but the team manager).
RESTRICTED_DIFFERENCES: dict[str, dict[str, Outcome]] = {
    "access:break-glass": signed_in(OK, team_manager=TO_RECORD),
    "people:detail": READ_RESTRICTED,
    "people:edit": WRITE_RESTRICTED,
    "people:history": READ_RESTRICTED,
    "people:add-name": WRITE_RESTRICTED,
    "people:add-address": WRITE_RESTRICTED,
    "people:relationships": READ_RESTRICTED,
    "people:add-relationship": WRITE_RESTRICTED,
    "people:end-relationship": or_405(WRITE_RESTRICTED),
    # The administrator may merge, but not a restricted record they are not named on.
    "people:merge": signed_in(REFUSED, team_manager=OK, admin=RESTRICTED),
    "people:merge-detail": READ_RESTRICTED,
    "journey:notes": READ_RESTRICTED,
    "journey:add-note": WRITE_RESTRICTED,
    "journey:note": READ_RESTRICTED,
    "journey:edit-note": WRITE_RESTRICTED,
    "journey:chronology": READ_RESTRICTED,
    "journey:chronology-pdf": READ_RESTRICTED,
    "journey:add-entry": WRITE_RESTRICTED,
    "journey:retract": signed_in(RESTRICTED, team_manager=OK, performance_officer=REFUSED),
    "journey:documents": READ_RESTRICTED,
    "journey:add-document": WRITE_RESTRICTED,
    "journey:document": READ_RESTRICTED,
    "workforce:allocate": signed_in(RESTRICTED, team_manager=OK),
    "workforce:end-allocation": signed_in(RESTRICTED, team_manager=OK),
    # Early help.
    "early_help:episode": READ_RESTRICTED,
    "early_help:plan": WRITE_RESTRICTED,
    "early_help:review": WRITE_RESTRICTED,
    "early_help:end": WRITE_RESTRICTED,
    "early_help:step-up": signed_in(RESTRICTED, team_manager=OK),
    "early_help:step-down": signed_in(RESTRICTED, team_manager=OK),
    # Front door contacts about the child.
    "front_door:contact": READ_RESTRICTED,
    "front_door:screen": signed_in(RESTRICTED, team_manager=TO_CONTACT),
    "front_door:decide": signed_in(RESTRICTED, team_manager=TO_CONTACT),
    "front_door:sign-off": signed_in(RESTRICTED, team_manager=TO_CONTACT),
    "front_door:respond": WRITE_RESTRICTED,
    # Assessments of the child.
    "assessments:for-child": READ_RESTRICTED,
    "assessments:start": WRITE_RESTRICTED,
    "assessments:assessment": READ_RESTRICTED,
    "assessments:part": WRITE_RESTRICTED,
    "assessments:complete": signed_in(RESTRICTED, team_manager=TO_ASSESSMENT),
    "assessments:authorise": signed_in(RESTRICTED, team_manager=TO_ASSESSMENT),
    # Child protection of the child.
    "child_protection:overview": READ_RESTRICTED,
    "child_protection:strategy-discussion-new": WRITE_RESTRICTED,
    "child_protection:emergency-protection-new": WRITE_RESTRICTED,
    "child_protection:s47-start": WRITE_RESTRICTED,
    "child_protection:s47": READ_RESTRICTED,
    "child_protection:icpc-new": WRITE_RESTRICTED,
    "child_protection:core-group-new": WRITE_RESTRICTED,
    "child_protection:review-new": WRITE_RESTRICTED,
    # Plans and children in need.
    "plans:plan": READ_RESTRICTED,
    "plans:edit": WRITE_RESTRICTED,
    "child_in_need:episode": READ_RESTRICTED,
    "child_in_need:start-plan": WRITE_RESTRICTED,
    "child_in_need:review": WRITE_RESTRICTED,
    "child_in_need:close": signed_in(RESTRICTED, team_manager=OK),
}
RESTRICTED_MATRIX: dict[str, dict[str, Outcome]] = {
    name: RESTRICTED_DIFFERENCES.get(name, row.expect) for name, row in MATRIX.items()
}

# Cells that show a real bug: kept failing on purpose (strict xfail) until it is fixed.
KNOWN_LEAKS: dict[tuple[str, str, bool], str] = {}


# ---- the tests -----------------------------------------------------------------------------


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str | None]:
    """Every URL pattern's full name (None for an unnamed one), through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else None


def test_every_url_is_in_the_matrix():
    names = {n for n in url_names() if n}
    missing = sorted(names - MATRIX.keys())
    assert not missing, (
        f"URL names with no row in the access matrix: {', '.join(missing)}. "
        "Add them to the access matrix (tests/test_access_matrix.py)."
    )
    gone = sorted(MATRIX.keys() - names)
    assert not gone, f"Rows in the access matrix for URLs that no longer exist: {gone}"
    assert RESTRICTED_DIFFERENCES.keys() <= MATRIX.keys()


def test_every_url_pattern_has_a_name():
    unnamed = [n for n in url_names() if n is None]
    assert not unnamed, "Name every URL pattern so that the access matrix can cover it"


def test_every_row_covers_every_persona():
    for name, row in MATRIX.items():
        assert set(row.expect) == set(PERSONAS), name
    for name, expect in RESTRICTED_MATRIX.items():
        assert set(expect) == set(PERSONAS), name


def _cells(table: dict[str, dict[str, Outcome]], restricted: bool):
    # Signed out or before the second factor, no page is reached: MATRIX checks those once.
    personas = [p for p in PERSONAS if not restricted or p in SIGNED_IN]
    for name in table:
        for persona in personas:
            marks = []
            if (name, persona, restricted) in KNOWN_LEAKS:
                marks = [
                    pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[name, persona, restricted])
                ]
            yield pytest.param(name, persona, id=f"{name}[{persona}]", marks=marks)


def _client(persona: str, world: World, settings) -> Client:
    client = Client()
    if persona == ANONYMOUS:
        return client
    if persona == SECOND_FACTOR_PENDING:
        settings.DEMO_MODE = False
        client.force_login(world.personas["allocated_worker"])
        return client
    client.force_login(world.personas[persona])
    return client


def _visit(name: str, persona: str, world: World, settings, expected: Outcome, may_see: bool):
    kwargs = MATRIX[name].kwargs(world)
    response = _client(persona, world, settings).get(reverse(name, kwargs=kwargs))
    expected.check(response, kwargs)
    if not may_see:
        page = response.content.decode(errors="replace")
        shown = [n for n in CHILD_NAMES if n in page]
        assert not shown, f"{persona} may not see the child, but the page shows {shown}"


# Who may see the (unrestricted) child's record in full.
SEES_CHILD = {
    "allocated_worker",
    "team_manager",
    "iro",
    "admin",
    "performance_officer",
    "contact_officer",
}


@pytest.mark.parametrize(
    ("name", "persona"), list(_cells({n: r.expect for n, r in MATRIX.items()}, False))
)
def test_access(name, persona, world, settings):
    _visit(name, persona, world, settings, MATRIX[name].expect[persona], persona in SEES_CHILD)


@pytest.mark.parametrize(("name", "persona"), list(_cells(RESTRICTED_MATRIX, True)))
def test_access_to_a_restricted_record(name, persona, world, settings):
    Person.objects.filter(pk=world.child.pk).update(
        restricted=True,
        restriction_reason="High profile",
        restriction_manager=world.personas["team_manager"],
    )
    _visit(
        name,
        persona,
        world,
        settings,
        RESTRICTED_MATRIX[name][persona],
        persona == "team_manager",
    )
