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
from kinfold.journey.document_services import upload_document
from kinfold.journey.models import CaseDiscussion, CaseNote, Event, Supervision
from kinfold.people.models import Person, PersonMerge, Relationship
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
    )


def _child(w: World) -> dict:
    return {"pk": w.child.pk}


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[World], dict]
    expect: dict[str, Outcome]


def _none(w: World) -> dict:
    return {}


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
