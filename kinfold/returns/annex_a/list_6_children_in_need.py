"""Annex A list 6: children in need — one row for each child in need episode open on any day
of the twelve months before the as-at date: those open on the as-at date, and those closed in
the twelve months.

The episode is the CIN census's: it begins with the referral that opened it and runs across
the child in need and child protection involvements linked by `stepped_from` until it closes
with its census reason (kinfold.child_in_need: CINClosure). A child who became looked after
from the episode (a child in care involvement stepped from one of its involvements) is still a
child in need: the episode stays open while they are in care, as the CIN census keeps it, and
its case status is "a) Looked after child". An episode closed with nothing
after its referral — no assessment, strategy discussion or plan — is left out: the child was
only the subject of a referral (list 3 shows it as "Referral NFA?"). Read as at the as-at
date: a closure, plan or visit after it had not happened then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from kinfold.assessments.models import Assessment
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.models import Section47Enquiry, StrategyDiscussion
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.people.models import Person
from kinfold.plans.models import Plan, PlanKind

from ..periods import Period, months_to
from .casework import (
    DISABILITY,
    Seen,
    Worked,
    allocated,
    allocations,
    day_after,
    disabilities,
    disability_cell,
    last_seen,
    owners,
    seen,
)
from .common import CHILD_HEADERS, Sheet, child_cells, kept

NUMBER = 6
SHEET = "List 6"
TITLE = "Children in need"
MONTHS = 12
EPISODE_STAGES = ("child_in_need", "child_protection")
HEADERS = (
    *CHILD_HEADERS,
    DISABILITY,
    "CIN Start Date",
    "Primary Need Code",
    "Date Child Was Last Seen",
    "CIN Closure Date",
    "Reason for Closure",
    "Case Status",
    "Allocated Team",
    "Allocated Worker",
)
PRIMARY_NEED = {
    "N0": "N0 - Not stated",
    "N1": "N1 - Abuse or neglect",
    "N2": "N2 - Child's disability",
    "N3": "N3 - Parental disability or illness",
    "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction",
    "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income",
    "N8": "N8 - Absent parenting",
    "N9": "N9 - Cases other than children in need",
}
REASON_FOR_CLOSURE = {
    "RC1": "RC1 - Adopted",
    "RC2": "RC2 - Died",
    "RC3": "RC3 - Child arrangements order",
    "RC4": "RC4 - Special guardianship order",
    "RC5": "RC5 - Transferred to services of another local authority",
    "RC6": "RC6 - Transferred to adult social care services",
    "RC7": "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8": "RC8 - Case closed after assessment, no further action",
    "RC9": "RC9 - Case closed after assessment, referred to early help",
}
CHILD_PROTECTION_PLAN = "b) Child Protection plan"
CHILD_IN_NEED_PLAN = "c) Child in need plan"
OPEN_ASSESSMENT = "d) Open assessment"
CLOSED = "e) Closed episode"
LOOKED_AFTER = "a) Looked after child"
CASE_STATUSES = (LOOKED_AFTER, CHILD_PROTECTION_PLAN, CHILD_IN_NEED_PLAN, OPEN_ASSESSMENT, CLOSED)
IN_CARE = "child_in_care"


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


@dataclass
class Episode:
    """One CIN episode as it stood on the as-at date."""

    root: Involvement
    involvements: list[Involvement] = field(default_factory=list)
    referral: Referral | None = None
    closure: CINClosure | None = None
    person: Person | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    status: str | None = None
    seen: Seen | None = None
    worked: Worked | None = None
    disability: set[str] = field(default_factory=set)
    # The child in care involvements the episode stepped on into.
    care: list[Involvement] = field(default_factory=list)


def _load_chains(window: Period) -> tuple[dict[int, Involvement], list[Involvement]]:
    """The episode involvements open on any day of the period, with those they stepped from;
    and the child in care involvements open in the period that stepped from one of them."""
    loaded = {
        inv.pk: inv
        for inv in Involvement.objects.filter(stage__in=EPISODE_STAGES, started_on__lte=window.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window.start))
        .select_related("team", "person", "person__merged_into")
    }
    # Episodes whose child is in care in the period, from an episode that ended before it.
    care = list(
        Involvement.objects.filter(
            stage=IN_CARE, stepped_from__stage__in=EPISODE_STAGES, started_on__lte=window.end
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window.start))
    )
    wanted = {i.stepped_from_id for i in [*loaded.values(), *care] if i.stepped_from_id}
    wanted -= set(loaded)
    while wanted:
        more = list(
            Involvement.objects.filter(pk__in=wanted, stage__in=EPISODE_STAGES).select_related(
                "team", "person", "person__merged_into"
            )
        )
        loaded.update({i.pk: i for i in more})
        wanted = {i.stepped_from_id for i in more if i.stepped_from_id} - set(loaded)
    return loaded, care


def _root(inv: Involvement, loaded: dict[int, Involvement]) -> Involvement:
    seen_ids = {inv.pk}
    while inv.stepped_from_id in loaded and inv.stepped_from_id not in seen_ids:
        inv = loaded[inv.stepped_from_id]
        seen_ids.add(inv.pk)
    return inv


def select(window: Period) -> list[Episode]:
    as_at = window.as_at
    loaded, care_rows = _load_chains(window)
    if not loaded:
        return []
    episodes: dict[int, Episode] = {}
    for inv in sorted(loaded.values(), key=lambda i: (i.started_on, i.pk)):
        root = _root(inv, loaded)
        episodes.setdefault(root.pk, Episode(root=root)).involvements.append(inv)
    episode_of = {inv.pk: root for root, e in episodes.items() for inv in e.involvements}
    ids = list(episode_of)
    # (A care involvement that ended before the period belongs to an episode that did too.)
    for care in care_rows:
        episodes[episode_of[care.stepped_from_id]].care.append(care)

    for referral in (
        Referral.objects.filter(involvement_id__in=ids, referral_date__lte=as_at)
        .select_related("team")
        .order_by("-referral_date", "-id")
    ):
        episodes[episode_of[referral.involvement_id]].referral = referral  # the earliest wins
    closures = {
        c.referral_id: c
        for c in CINClosure.objects.filter(
            referral_id__in=[e.referral.pk for e in episodes.values() if e.referral],
            closed_on__lte=as_at,
        )
    }

    # What happened in each episode by the as-at date.
    acted: set[int] = set()
    assessments: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for inv_id, started_on, completed_on in Assessment.objects.filter(
        involvement_id__in=ids, started_on__lte=as_at
    ).values_list("involvement_id", "started_on", "completed_on"):
        assessments[episode_of[inv_id]].append((started_on, completed_on))
    for inv_id in StrategyDiscussion.objects.filter(
        involvement_id__in=ids, held_at__lt=day_after(as_at)
    ).values_list("involvement_id", flat=True):
        acted.add(episode_of[inv_id])
    enquiries_open: set[int] = set()
    for inv_id, completed_on in Section47Enquiry.objects.filter(
        discussion__involvement_id__in=ids, started_on__lte=as_at
    ).values_list("discussion__involvement_id", "completed_on"):
        if completed_on is None or completed_on > as_at:
            enquiries_open.add(episode_of[inv_id])
    plans_open: dict[int, set[str]] = defaultdict(set)
    for inv_id, kind, ended_on in Plan.objects.filter(
        involvement_id__in=ids, started_on__lte=as_at
    ).values_list("involvement_id", "kind", "ended_on"):
        acted.add(episode_of[inv_id])
        if ended_on is None or ended_on > as_at:
            plans_open[episode_of[inv_id]].add(kind)

    chosen: list[Episode] = []
    for key, episode in episodes.items():
        episode.person = kept(episode.root.person)
        episode.started_on = (
            episode.referral.referral_date if episode.referral else episode.root.started_on
        )
        if episode.referral is not None:
            episode.closure = closures.get(episode.referral.pk)
        episode.ended_on = _ended_on(episode, as_at)
        if episode.started_on > as_at:
            continue
        if episode.ended_on is not None and episode.ended_on < window.start:
            continue
        if episode.ended_on is not None and not (assessments[key] or key in acted):
            continue  # only the subject of a referral
        episode.status = _status(
            episode, plans_open[key], assessments[key], key in enquiries_open, as_at
        )
        chosen.append(episode)

    mapping = owners(e.root.person for e in chosen)  # merged records → the record kept
    kept_ids = {p.pk for p in mapping.values()}
    person_ids = {e.root.person_id for e in chosen} | kept_ids
    codes = disabilities(kept_ids)
    workers = allocations(kept_ids, as_at)
    notes = seen(person_ids, as_at, mapping)
    for episode in chosen:
        assert episode.person is not None and episode.started_on is not None
        until = episode.ended_on or as_at
        episode.disability = codes.get(episode.person.pk, set())
        episode.seen = last_seen(notes[episode.person.pk], episode.started_on, until)
        latest = max(
            (i for i in episode.involvements if i.started_on <= as_at),
            key=lambda i: (i.started_on, i.pk),
        )
        fallback = latest.team or (episode.referral.team if episode.referral else None)
        episode.worked = Worked.of(
            allocated(workers[episode.person.pk], episode.started_on, until), fallback
        )
    chosen.sort(key=lambda e: (e.started_on, e.root.pk))
    return chosen


def _ended_on(episode: Episode, as_at: dt.date) -> dt.date | None:
    """The census closure date; else, when every involvement of the episode had ended by the
    as-at date (closed without a census closure), the last of their ends."""
    if episode.closure is not None:
        return episode.closure.closed_on
    begun = [i for i in episode.involvements + episode.care if i.started_on <= as_at]
    if begun and all(i.ended_on is not None and i.ended_on <= as_at for i in begun):
        return max(i.ended_on for i in begun if i.ended_on is not None)
    return None


def _status(
    episode: Episode,
    plans: set[str],
    assessments: list[tuple[dt.date, dt.date | None]],
    enquiry_open: bool,
    as_at: dt.date,
) -> str | None:
    if episode.ended_on is not None:
        return CLOSED
    if any(c.ended_on is None or c.ended_on > as_at for c in episode.care):
        return LOOKED_AFTER
    if PlanKind.CHILD_PROTECTION in plans:
        return CHILD_PROTECTION_PLAN
    if PlanKind.CHILD_IN_NEED in plans:
        return CHILD_IN_NEED_PLAN
    assessing = any(done is None or done > as_at for _, done in assessments)
    if assessing or enquiry_open or not assessments:
        return OPEN_ASSESSMENT
    return None


def row(sheet: Sheet, episode: Episode) -> list[Any]:
    person = episode.person
    assert person is not None and episode.started_on is not None and episode.worked is not None
    child = child_cells(sheet, person, episode.started_on)
    need = None
    if episode.referral is None:
        sheet.problem(
            "No referral opened this child in need episode, so it has no primary need code",
            person=person,
            column="Primary Need Code",
        )
    else:
        need = PRIMARY_NEED.get(episode.referral.primary_need)
        if need is None:
            sheet.problem(
                f"Primary need {episode.referral.primary_need!r} is not a CIN census code",
                person=person,
                column="Primary Need Code",
            )
    reason = None
    if episode.closure is not None:
        reason = REASON_FOR_CLOSURE.get(episode.closure.reason)
    elif episode.ended_on is not None:
        sheet.problem(
            f"The episode ended on {episode.ended_on:%d/%m/%Y} without its census closure, so "
            "it has no reason for closure",
            person=person,
            column="Reason for Closure",
        )
    if episode.status is None:
        sheet.problem(
            "On the as-at date the episode was open with no plan and no open assessment or "
            "section 47 enquiry: Annex A has no case status for it (close it, or start its plan)",
            person=person,
            column="Case Status",
        )
    return [
        *child,
        disability_cell(episode.disability),
        episode.started_on,
        need,
        episode.seen.on if episode.seen else None,
        episode.ended_on,
        reason,
        episode.status,
        *episode.worked.cells(sheet, person),
    ]
