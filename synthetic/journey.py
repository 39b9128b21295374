"""The journey family stage: for each allocated child, their involvements (with some earlier
ones closed), an event for each allocation, and case notes — visits at about the statutory
frequency for the stage, with realistic slippage — each with its journey event.

Rates (per allocated child; see tests/synthetic/test_journey_stages.py):

- stage from the team that holds the child: leaving care → care leaver (with the care episode
  that ended at 18); children in care → child in care (a third stepped up from a child
  protection plan during the allocation); district and disabled children's teams → child in
  need, one in eight to one in five child protection (over half stepped up from child in
  need; about 200 children on plans at a time for 128,000 children, seed 000); 15% of
  children in need or on a plan had an earlier child-in-need episode, closed with a reason;
- visits every 10 working days on a child protection plan, 20 for a child in need, 6 weeks in
  care (Care Planning Regulations, reg 28) and 8 weeks for a care leaver; three in four on or
  before the due day, one in five a few days late, one in twenty-five after a gap of one to
  four months; the child seen at nine in ten visits, seen alone at about six in ten of those
  (rarely under 4); notes mostly written the same day, some days later;
- between visits, phone calls, meetings and multi-agency contacts (about one per visit).

Events are written with `bulk_create`, not through the services (they are too slow for a
county), with the fields the services write: the same type, summary, detail, subject,
`recorded_by`, `recorded_at` and `date_only` (kinfold.journey.services.record_note,
open_involvement, close_involvement; kinfold.workforce.services.allocate and _end).
Nothing is dated on or after `--today` (notes and events are before it).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from kinfold.journey.notes import VISIT_TYPES, CaseNote, NoteType
from kinfold.journey.stages import stage_label
from kinfold.timescales.calendar import WorkingCalendar
from kinfold.workforce.models import Allocation, AllocationRole, UnitFunction, Worker

from . import journey_text as text
from .pipeline import Context
from .plans import AllocationPlan, Household, PersonPlan

F = UnitFunction
CIN, CP, CLA, CL = "child_in_need", "child_protection", "child_in_care", "care_leaver"
# The visit interval of each stage: (amount, unit).
VISIT_EVERY: dict[str, tuple[int, str]] = {
    CP: (10, "working_days"),
    CIN: (20, "working_days"),
    CLA: (42, "days"),
    CL: (56, "days"),
}
# Share of each team's children on a child protection plan (the rest: child in need).
CP_SHARE = {F.ASSESSMENT: 0.13, F.CHILDRENS: 0.2, F.ADOLESCENT: 0.16, F.DISABLED_CHILDREN: 0.05}
EARLIER_CIN_SHARE = 0.15
EARLIER_CIN_REASONS = (
    "Needs met: closed to children's social care",
    "Stepped down to early help",
    "Family moved out of the county",
    "Family declined further support",
)
CASE_ROLES = {
    AllocationRole.SOCIAL_WORKER,
    AllocationRole.FAMILY_WORKER,
    AllocationRole.PERSONAL_ADVISER,
}
ONE_DAY = dt.timedelta(days=1)


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass
class Segment:
    """One involvement in a child's timeline."""

    stage: str
    start: dt.date
    end: dt.date | None = None
    reason: str = ""
    team: int | None = None
    stepped_from: Segment | None = None
    row: Involvement | None = None


@dataclass
class Shared:
    """What the journey stages look up once: names, teams, content types, the calendar."""

    rng: random.Random
    zone: zoneinfo.ZoneInfo
    calendar: WorkingCalendar
    workers: dict[int, str]
    teams: dict[int, Any]  # pk → TeamInfo
    cic_teams: list[Any]
    content_types: dict[str, ContentType]
    significant: dict[str, bool] = field(default_factory=dict)


def shared(ctx: Context) -> Shared:
    found = ctx.state.get("journey")
    if found is None:
        wf = ctx.workforce
        assert wf is not None, "the workforce stage runs before the journey"
        workers = {
            pk: f"{first} {last}".strip()
            for pk, first, last in Worker.objects.values_list("pk", "first_name", "last_name")
        }
        from kinfold.journey.oversight import Action, CaseDiscussion

        found = Shared(
            rng=ctx.rng("journey"),
            zone=local_zone(),
            calendar=WorkingCalendar(),
            workers=workers,
            teams={t.pk: t for t in wf.teams},
            cic_teams=[t for t in wf.of(F.CHILDREN_IN_CARE) if "asylum" not in t.name],
            content_types={
                m._meta.label: ContentType.objects.get_for_model(m)
                for m in (CaseNote, Allocation, CaseDiscussion, Action)
            },
            significant={code: t.significant for code, t in EVENT_TYPES.items()},
        )
        ctx.state["journey"] = found
    return found


class Writer:
    """Collects one batch's rows and events, then writes them in dependency order."""

    def __init__(self, ctx: Context, s: Shared) -> None:
        self.ctx, self.s = ctx, s
        self.today = ctx.today
        # Nothing is recorded on or after --today: the latest moment is the end of the day before.
        self.latest = dt.datetime.combine(ctx.today, dt.time.min, tzinfo=s.zone) - dt.timedelta(
            minutes=1
        )
        self.first_involvements: list[Involvement] = []
        self.stepped_involvements: list[Involvement] = []
        self.notes: list[CaseNote] = []
        self.events: list[Event] = []
        self.note_events: list[tuple[CaseNote, int]] = []

    # ---- time --------------------------------------------------------------------------

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.s.zone)

    def midnight(self, day: dt.date) -> dt.datetime:
        """How the services store a date-only event: the start of that day, local time."""
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.s.zone)

    def recorded(self, when: dt.datetime) -> dt.datetime:
        """When something was written up: mostly within hours, some days later."""
        rng = self.s.rng
        r = rng.random()
        if r < 0.7:
            delay = dt.timedelta(minutes=rng.randint(30, 300))
        elif r < 0.95:
            delay = dt.timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 300))
        else:
            delay = dt.timedelta(days=rng.randint(6, 30))
        return min(when + delay, self.latest)

    def event(self, person: int, type: str, occurred: dt.datetime, **fields: Any) -> Event:
        row = Event(
            person_id=person,
            type=type,
            occurred_at=occurred,
            significant=self.s.significant[type],
            **fields,
        )
        self.events.append(row)
        return row

    # ---- writing -----------------------------------------------------------------------

    def flush(self) -> None:
        ctx = self.ctx
        ctx.bulk(Involvement, self.first_involvements)
        for inv in self.stepped_involvements:
            inv.stepped_from_id = inv.stepped_from.pk  # saved just above
        ctx.bulk(Involvement, self.stepped_involvements)
        ctx.bulk(CaseNote, self.notes)
        note_type = self.s.content_types["journey.CaseNote"]
        for note, recorded_by in self.note_events:
            self.events.append(self._note_event(note, recorded_by, note_type))
        for e in self.events:
            if e.involvement is not None:
                e.involvement_id = e.involvement.pk
        ctx.bulk(Event, self.events)

    def _note_event(self, note: CaseNote, recorded_by: int, note_type: ContentType) -> Event:
        """As kinfold.journey.services.record_note writes it."""
        visit = note.type in VISIT_TYPES
        seen = (
            " — child seen alone"
            if note.seen_alone
            else " — child seen"
            if note.child_seen
            else " — child not seen"
            if visit
            else ""
        )
        kind = "visit.recorded" if visit else "note.recorded"
        return Event(
            person_id=note.person_id,
            involvement=note.involvement,
            type=kind,
            occurred_at=note.occurred_at,
            date_only=False,
            summary=f"{NoteType(note.type).label}: {note.title}{seen}"[:500],
            detail={
                "note_type": note.type,
                "child_seen": note.child_seen,
                "seen_alone": note.seen_alone,
            },
            significant=self.s.significant[kind],
            subject_type=note_type,
            subject_id=note.pk,
            recorded_by_id=recorded_by,
            recorded_at=note.recorded_at,
        )


def write_journey(ctx: Context, batch: list[Household]) -> None:
    """The family stage: involvements, allocation events and case notes of the batch's
    allocated children."""
    allocated = [hh for hh in batch if hh.allocations]
    if not allocated:
        return
    s = shared(ctx)
    writer = Writer(ctx, s)
    person_pks = [a.person for hh in allocated for a in hh.allocations]
    allocation_pk = {
        (person, worker, role, start): pk
        for pk, person, worker, role, start in Allocation.objects.filter(
            person_id__in=person_pks
        ).values_list("pk", "person_id", "worker_id", "role", "start_date")
    }
    for hh in allocated:
        members = {p.pk: p for p in hh.members}
        by_child: dict[int, list[AllocationPlan]] = defaultdict(list)
        for a in hh.allocations:
            by_child[a.person].append(a)
        case = next(a for a in hh.allocations if a.end is None and a.role in CASE_ROLES)
        stage = _household_stage(s, case, hh)
        for person_pk, allocations in by_child.items():
            child = members[person_pk]
            segments = _on_working_days(s, ctx.today, _timeline(ctx, s, child, allocations, stage))
            _write_involvements(writer, child, segments)
            _write_allocation_events(writer, child, allocations, allocation_pk)
            _write_notes(writer, child, allocations, segments)
    writer.flush()


def _household_stage(s: Shared, case: AllocationPlan, hh: Household) -> str:
    """Siblings allocated together are at one stage."""
    function = s.teams[case.team].function
    if function == F.LEAVING_CARE:
        return CL
    if function == F.CHILDREN_IN_CARE:
        return CLA
    return CP if s.rng.random() < CP_SHARE.get(function, 0.13) else CIN


def _timeline(
    ctx: Context, s: Shared, child: PersonPlan, allocations: list[AllocationPlan], stage: str
) -> list[Segment]:
    rng, today = s.rng, ctx.today
    case = [a for a in allocations if a.role in CASE_ROLES]
    first = min(a.start for a in case)
    team = next(a.team for a in case if a.end is None)
    span = (today - first).days
    segments: list[Segment] = []
    if stage == CL and child.dob is not None:
        eighteen = min(_birthday(child.dob, 18), today - ONE_DAY)  # nothing dated --today
        care_from = max(child.dob + dt.timedelta(days=365), eighteen - dt.timedelta(days=365 * 6))
        care_from = min(care_from + dt.timedelta(days=rng.randint(0, 365 * 4)), eighteen - ONE_DAY)
        care_from = min(care_from, first)
        cic_team = rng.choice(s.cic_teams).pk if s.cic_teams else team
        care = Segment(CLA, care_from, eighteen, "Turned 18: now a care leaver", cic_team)
        segments += [care, Segment(CL, eighteen, team=team, stepped_from=care)]
        return segments
    if stage in (CIN, CP) and child.dob is not None and rng.random() < EARLIER_CIN_SHARE:
        ended = first - dt.timedelta(days=rng.randint(60, 400))
        began = ended - dt.timedelta(days=rng.randint(60, 365))
        if began >= child.dob:
            segments.append(Segment(CIN, began, ended, rng.choice(EARLIER_CIN_REASONS), team))
    if stage == CP and span > 90 and rng.random() < 0.6:
        step = max(first + dt.timedelta(days=30), today - dt.timedelta(days=rng.randint(20, 540)))
        step = min(step, today - ONE_DAY)
        cin = Segment(CIN, first, step, "Stepped up to child protection", team)
        segments += [cin, Segment(CP, step, team=team, stepped_from=cin)]
    elif (
        stage == CLA
        and span > 120
        and child.dob is not None
        and s.teams[team] in s.cic_teams  # not the asylum-seeking children's team
        and rng.random() < 0.35
    ):
        step = first + dt.timedelta(days=rng.randint(30, min(400, span - 30)))
        cp = Segment(CP, first, step, "Became looked after", team)
        segments += [cp, Segment(CLA, step, team=team, stepped_from=cp)]
    else:
        segments.append(Segment(stage, first, team=team))
    return segments


def _on_working_days(s: Shared, today: dt.date, segments: list[Segment]) -> list[Segment]:
    """A child protection involvement starts at its initial conference, held on a working day
    (the CIN census refuses a conference at a weekend): one drawn on another day moves to
    the next working day, with the end of the involvement it stepped up from."""
    for seg in segments:
        if seg.stage != CP or s.calendar.is_working_day(seg.start):
            continue
        moved = s.calendar.next_working_day(seg.start)
        if moved >= today or (seg.end is not None and moved > seg.end):
            continue
        seg.start = moved
        if seg.stepped_from is not None and seg.stepped_from.end is not None:
            seg.stepped_from.end = moved
    return segments


def _birthday(dob: dt.date, years: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return dob.replace(year=dob.year + years, day=28)


def _manager(s: Shared, team: int | None) -> int | None:
    info = s.teams.get(team) if team is not None else None
    return info.manager if info is not None else None


def _write_involvements(w: Writer, child: PersonPlan, segments: list[Segment]) -> None:
    """As open_involvement and close_involvement write them (an involvement that ended has
    version 2: closing it was its one change)."""
    s = w.s
    for seg in segments:
        manager = _manager(s, seg.team)
        opened_at = w.recorded(w.at(seg.start, 9 * 60))
        row = Involvement(
            person_id=child.pk,
            stage=seg.stage,
            team_id=seg.team,
            started_on=seg.start,
            ended_on=seg.end,
            end_reason=seg.reason if seg.end else "",
            stepped_from=seg.stepped_from.row if seg.stepped_from else None,
            opened_by_id=manager,
            closed_by_id=manager if seg.end else None,
            recorded_at=opened_at,
            version=2 if seg.end else 1,
        )
        seg.row = row
        (w.stepped_involvements if seg.stepped_from else w.first_involvements).append(row)
        w.event(
            child.pk,
            "involvement.opened",
            w.midnight(seg.start),
            involvement=row,
            date_only=True,
            summary=f"{stage_label(seg.stage)} started",
            detail={"stage": seg.stage, "team": seg.team},
            recorded_by_id=manager,
            recorded_at=opened_at,
        )
        if seg.end:
            w.event(
                child.pk,
                "involvement.closed",
                w.midnight(seg.end),
                involvement=row,
                date_only=True,
                summary=f"{stage_label(seg.stage)} ended: {seg.reason}",
                detail={"stage": seg.stage, "reason": seg.reason},
                recorded_by_id=manager,
                recorded_at=w.recorded(w.at(seg.end, 9 * 60)),
            )


def _write_allocation_events(
    w: Writer,
    child: PersonPlan,
    allocations: list[AllocationPlan],
    allocation_pk: dict[tuple, int],
) -> None:
    """As kinfold.workforce.services.allocate and _end write them."""
    s = w.s
    allocation_type = s.content_types["workforce.Allocation"]
    ended = {a.role: a for a in allocations if a.end is not None}
    for a in sorted(allocations, key=lambda a: (a.start, a.role)):
        pk = allocation_pk.get((a.person, a.worker, a.role, a.start))
        if pk is None:
            continue
        manager = _manager(s, a.team)
        role = AllocationRole(a.role).label
        worker, team = s.workers.get(a.worker, ""), s.teams[a.team].name
        before = ended.get(a.role)
        reason = (
            before.end_reason
            if before is not None and before is not a and before.end == a.start - ONE_DAY
            else "Case allocated"
        )
        w.event(
            child.pk,
            "allocation.started",
            w.midnight(a.start),
            date_only=True,
            summary=f"{role}: {worker} ({team}). {reason}"[:500],
            detail={"role": a.role, "worker": a.worker, "team": a.team, "reason": reason},
            subject_type=allocation_type,
            subject_id=pk,
            recorded_by_id=manager,
            recorded_at=w.recorded(w.at(a.start, 9 * 60)),
        )
        if a.end is not None:
            w.event(
                child.pk,
                "allocation.ended",
                w.midnight(a.end),
                date_only=True,
                summary=f"{role} {worker} ended: {a.end_reason}"[:500],
                detail={"role": a.role, "worker": a.worker, "reason": a.end_reason},
                subject_type=allocation_type,
                subject_id=pk,
                recorded_by_id=manager,
                recorded_at=w.recorded(w.at(a.end, 9 * 60)),
            )


# ---- case notes -----------------------------------------------------------------------------


def _segment_on(segments: list[Segment], day: dt.date) -> Segment:
    current = segments[0]
    for seg in segments:
        if seg.start <= day:
            current = seg
    return current


def _worker_on(allocations: list[AllocationPlan], day: dt.date) -> int:
    holder = allocations[0].worker
    for a in sorted(allocations, key=lambda a: a.start):
        if a.start <= day and (a.end is None or a.end >= day):
            holder = a.worker
    return holder


def _next_due(w: Writer, day: dt.date, stage: str) -> dt.date:
    amount, unit = VISIT_EVERY[stage]
    if unit == "working_days":
        return w.s.calendar.add_working_days(day, amount)
    return day + dt.timedelta(days=amount)


def _on_working_day(w: Writer, day: dt.date) -> dt.date:
    return day if w.s.calendar.is_working_day(day) else w.s.calendar.next_working_day(day)


def _next_visit(w: Writer, day: dt.date, stage: str) -> dt.date:
    """On time (a few days early) three times in four, a few days late one in five, and now
    and then after a gap of months."""
    rng = w.s.rng
    due = _next_due(w, day, stage)
    r = rng.random()
    if r < 0.76:
        early = rng.randint(0, max(1, (due - day).days // 3))
        nxt = due - dt.timedelta(days=early)
    elif r < 0.96:
        nxt = due + dt.timedelta(days=rng.randint(1, 12))
    else:
        nxt = due + dt.timedelta(days=rng.randint(30, 120))
    nxt = _on_working_day(w, nxt)
    if nxt <= day:
        nxt = w.s.calendar.next_working_day(day)
    return nxt


def _seen_alone_chance(age: float) -> float:
    if age < 4:
        return 0.04
    if age < 8:
        return 0.5
    return 0.75


def _write_notes(
    w: Writer, child: PersonPlan, allocations: list[AllocationPlan], segments: list[Segment]
) -> None:
    rng, today = w.s.rng, w.today
    case = [a for a in allocations if a.role in CASE_ROLES]
    first = min(a.start for a in case)
    day = _on_working_day(w, first + dt.timedelta(days=rng.randint(0, 5)))
    name = child.preferred or child.given
    while day < today:
        seg = _segment_on(segments, day)
        author = _worker_on(case, day)
        if child.dob is None or child.dob > day:
            _other_note(w, child, seg, author, day, name, NoteType.MEETING)
        else:
            _visit(w, child, seg, author, day, name)
        nxt = _next_visit(w, day, seg.stage)
        gap = (min(nxt, today) - day).days
        if gap > 1:
            for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
                other = day + dt.timedelta(days=rng.randint(1, gap - 1))
                if other < today:
                    kind = rng.choice((NoteType.PHONE, NoteType.PHONE, NoteType.MEETING))
                    kind = NoteType.MULTI_AGENCY if rng.random() < 0.2 else kind
                    seg_then, by = _segment_on(segments, other), _worker_on(case, other)
                    _other_note(w, child, seg_then, by, other, name, kind)
        day = nxt


def _visit(
    w: Writer, child: PersonPlan, seg: Segment, author: int, day: dt.date, name: str
) -> None:
    rng = w.s.rng
    age = (day - child.dob).days / 365.25 if child.dob else 0.0
    seen = rng.random() < 0.9
    alone = seen and rng.random() < _seen_alone_chance(age)
    r = rng.random()
    kind = NoteType.HOME_VISIT if r < 0.7 else NoteType.OFFICE_VISIT if r < 0.9 else None
    kind = kind or NoteType.DIRECT_WORK
    if kind == NoteType.DIRECT_WORK and not seen:
        kind = NoteType.HOME_VISIT
    occurred = w.at(day, rng.randrange(570, 1021, 5))
    if seen:
        views = (
            text.views_for(rng, age, name)
            if age >= 2
            else f"{name} is too young to say; settled and responsive with the parent."
        )
        observed = text.pick(rng, text.OBSERVED_SEEN, name)
    else:
        views, observed = "", text.pick(rng, text.OBSERVED_UNSEEN, name)
    title = {
        CP: "Child protection visit",
        CIN: "Child in need visit",
        CLA: "Statutory visit in placement",
        CL: "Pathway plan contact",
    }[seg.stage]
    note = CaseNote(
        person_id=child.pk,
        involvement=seg.row,
        type=kind,
        occurred_at=occurred,
        title=title,
        child_seen=seen,
        seen_alone=alone if seen else None,
        child_views=views,
        purpose=text.pick(rng, text.PURPOSE[seg.stage], name),
        observation=observed,
        analysis=text.pick(rng, text.ANALYSIS, name),
        actions=rng.choice(text.ACTIONS_TEXT),
        author_id=author,
    )
    _add_note(w, note, author, occurred)


def _other_note(
    w: Writer,
    child: PersonPlan,
    seg: Segment,
    author: int,
    day: dt.date,
    name: str,
    kind: str,
) -> None:
    rng = w.s.rng
    options = text.OTHER_NOTES.get(kind, text.OTHER_NOTES["meeting"])
    occurred = w.at(day, rng.randrange(540, 1051, 5))
    note = CaseNote(
        person_id=child.pk,
        involvement=seg.row,
        type=kind,
        occurred_at=occurred,
        title=text.pick(rng, options, name),
        purpose=text.pick(rng, text.OTHER_PURPOSE, name),
        observation="Information shared and recorded; see actions.",
        actions=rng.choice(text.ACTIONS_TEXT),
        author_id=author,
    )
    _add_note(w, note, author, occurred)


def _add_note(w: Writer, note: CaseNote, author: int, occurred: dt.datetime) -> None:
    note.recorded_at = note.updated_at = w.recorded(occurred)
    w.notes.append(note)
    w.note_events.append((note, author))
