"""The facts the CIN census replays, read in a few queries: each child's CIN episodes that were
open at any time in the census year, with what happened in them.

A CIN episode starts with the referral that opened it (kinfold.front_door Referral) and runs
across the chain of child in need and child protection involvements linked by `stepped_from`
to its census closure (kinfold.child_in_need CINClosure); a later referral made while it was
open joins it. Facts dated after the census year's 31 March are not known on the reference
date: a closure, an end or an authorisation after it is left out, as if not yet recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from kinfold.assessments.models import Assessment, AssessmentFactor
from kinfold.child_in_need.models import CINClosure
from kinfold.child_protection.models import ReviewConference, Section47Enquiry
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.people.models import Person, PersonDisability
from kinfold.plans.models import Plan, PlanKind

from ..periods import Period

EPISODE_STAGES = ("child_in_need", "child_protection")


def known(day: dt.date | None, period: Period) -> dt.date | None:
    """A date as it stood on the reference date: one after it was not yet recorded."""
    return day if day is not None and day <= period.end else None


@dataclass
class CPPlanFacts:
    plan: Plan
    ended_on: dt.date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    review_dates: list[dt.date]


@dataclass
class S47Facts:
    enquiry: Section47Enquiry
    icpc_on: dt.date | None
    icpc_not_required: bool


@dataclass
class AssessmentFacts:
    assessment: Assessment
    completed_on: dt.date | None
    authorised_on: dt.date | None
    factors: list[str]


@dataclass
class Episode:
    referral: Referral
    involvement_ids: set[int]
    closure: CINClosure | None = None
    assessments: list[AssessmentFacts] = field(default_factory=list)
    cin_plans: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    enquiries: list[S47Facts] = field(default_factory=list)
    cp_plans: list[CPPlanFacts] = field(default_factory=list)
    # Anything at all recorded in it, even outside the year (for ReferralNFA).
    any_activity: bool = False

    @property
    def closed_on(self) -> dt.date | None:
        return self.closure.closed_on if self.closure is not None else None


@dataclass
class ChildFacts:
    person: Person
    disabilities: list[str]
    episodes: list[Episode] = field(default_factory=list)
    # Why the child's census record cannot be written (the child is left out of the file).
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)


class _Groups:
    """Union-find over involvement ids: the chains of an episode's involvements."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _kept_ids(ids: set[int]) -> dict[int, int]:
    """Each person id → the id of the record its facts belong to now (merges can chain)."""
    merged = dict(
        Person.objects.filter(pk__in=ids, merged_into__isnull=False).values_list(
            "pk", "merged_into_id"
        )
    )
    pending = set(merged.values()) - set(merged) - ids
    while pending:
        more = dict(
            Person.objects.filter(pk__in=pending, merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            )
        )
        merged.update(more)
        pending = set(more.values()) - set(merged)
    out: dict[int, int] = {}
    for pk in ids:
        seen, current = set(), pk
        while current in merged and current not in seen:
            seen.add(current)
            current = merged[current]
        out[pk] = current
    return out


def _latest_category(plan: Plan, reviews: list[ReviewConference], period: Period) -> str:
    """The plan's category as it stood on the reference date: a change at a review conference
    after it is not yet made."""
    later = [r for r in reviews if r.held_on > period.end and r.category_after]
    if later:
        return min(later, key=lambda r: (r.held_on, r.pk)).category_before
    return plan.category or plan.initial_category


def select(period: Period, person_ids: set[int] | None = None) -> list[ChildFacts]:
    """Every child with a CIN episode open at any time in the period, with its facts — or only
    the children named in `person_ids` (and the records merged with theirs), so that a save
    can re-check one child in a few queries."""
    start, end = period.start, period.end
    referrals_in = Referral.objects.all()
    involvements_in = Involvement.objects.all()
    if person_ids is not None:
        referrals_in = referrals_in.filter(person_id__in=person_ids)
        involvements_in = involvements_in.filter(person_id__in=person_ids)
    # Persons with a referral that could start or join an episode open in the year.
    seeds = set(
        referrals_in.filter(referral_date__lte=end)
        .exclude(cin_closure__closed_on__lt=start)
        .values_list("person_id", flat=True)
    )
    seeds |= set(
        involvements_in.filter(stage__in=EPISODE_STAGES, started_on__lte=end)
        .exclude(ended_on__lt=start)
        .values_list("person_id", flat=True)
    )
    if not seeds:
        return []
    kept = _kept_ids(seeds)
    # The records merged into these (their facts are the kept child's too).
    every = set(kept) | set(kept.values())
    merged_in = set(Person.objects.filter(merged_into_id__in=every).values_list("pk", flat=True))
    while merged_in - every:
        every |= merged_in
        merged_in = set(
            Person.objects.filter(merged_into_id__in=every).values_list("pk", flat=True)
        )
    kept = _kept_ids(every)

    involvements = {
        i.pk: i for i in Involvement.objects.filter(person_id__in=every, stage__in=EPISODE_STAGES)
    }
    groups = _Groups()
    for inv in involvements.values():
        groups.find(inv.pk)
        if inv.stepped_from_id in involvements:
            groups.union(inv.pk, inv.stepped_from_id)
    # Stepped on out of the episode's stages (to care): the episode stays open.
    stepped_out = set(
        Involvement.objects.filter(stepped_from_id__in=list(involvements))
        .exclude(stage__in=EPISODE_STAGES)
        .values_list("stepped_from_id", flat=True)
    )
    members: dict[int, set[int]] = defaultdict(set)
    for pk in involvements:
        members[groups.find(pk)].add(pk)

    referrals: dict[int, list[Referral]] = defaultdict(list)
    for referral in Referral.objects.filter(person_id__in=every, referral_date__lte=end):
        if referral.involvement_id in involvements:
            referrals[groups.find(referral.involvement_id)].append(referral)
    closures_by_referral = {
        c.referral_id: c for c in CINClosure.objects.filter(person_id__in=every)
    }
    closures_by_group: dict[int, CINClosure] = {}
    for closure in closures_by_referral.values():
        if closure.involvement_id in involvements:
            closures_by_group.setdefault(groups.find(closure.involvement_id), closure)

    persons = Person.objects.in_bulk(set(kept.values()))
    disabilities: dict[int, set[str]] = defaultdict(set)
    for person_id, code in PersonDisability.objects.filter(person_id__in=every).values_list(
        "person_id", "code"
    ):
        disabilities[kept[person_id]].add(code)
    children: dict[int, ChildFacts] = {}

    def child(person_id: int) -> ChildFacts:
        pk = kept[person_id]
        if pk not in children:
            children[pk] = ChildFacts(
                person=persons[pk], disabilities=sorted(disabilities.get(pk, ()))
            )
        return children[pk]

    episodes: dict[int, Episode] = {}
    for root, ids in members.items():
        rows = [involvements[i] for i in ids]
        first_day = min(i.started_on for i in rows)
        open_rows = [i for i in rows if i.ended_on is None]
        last_day = None if open_rows else max(i.ended_on for i in rows if i.ended_on)
        found = sorted(referrals.get(root, []), key=lambda r: (r.referral_date, r.pk))
        if not found:
            if first_day <= end and (last_day is None or last_day >= start):
                child(rows[0].person_id).refusals.append(
                    (
                        "CINreferralDate",
                        f"The {rows[0].stage.replace('_', ' ')} involvement from "
                        f"{first_day:%d/%m/%Y} has no referral: the census needs the "
                        "referral that started the episode",
                    )
                )
            continue
        referral = found[0]
        closure = closures_by_referral.get(referral.pk) or closures_by_group.get(root)
        closed = known(closure.closed_on, period) if closure is not None else None
        if referral.referral_date > end or (closed is not None and closed < start):
            continue
        if (
            closure is None
            and last_day is not None
            and last_day <= end  # ended after the reference date: open on it
            and not (ids & stepped_out)
        ):
            if last_day >= start:
                child(referral.person_id).refusals.append(
                    (
                        "CINclosureDate",
                        f"The episode referred on {referral.referral_date:%d/%m/%Y} ended on "
                        f"{last_day:%d/%m/%Y} with no census closure recorded: record its "
                        "closure date and reason",
                    )
                )
            continue
        episode = Episode(
            referral=referral,
            involvement_ids=ids,
            closure=closure if closed is not None else None,
        )
        episodes[root] = episode
        child(referral.person_id).episodes.append(episode)

    def episode_of(involvement_id: int | None) -> Episode | None:
        if involvement_id not in involvements:
            return None
        return episodes.get(groups.find(involvement_id))  # type: ignore[arg-type]

    episode_by_referral = {e.referral.pk: e for e in episodes.values()}
    for e in episodes.values():
        for r in referrals[groups.find(e.referral.involvement_id)]:
            episode_by_referral[r.pk] = e

    _assessments(period, every, episode_of, episode_by_referral)
    _plans(period, every, kept, episode_of)
    _enquiries(period, every, episode_of)

    out = [c for c in children.values() if c.episodes or c.refusals]
    for c in out:
        c.episodes.sort(key=lambda e: (e.referral.referral_date, e.referral.pk))
    return sorted(out, key=lambda c: c.person.la_child_id)


def _assessments(period, every, episode_of, episode_by_referral) -> None:
    start, end = period.start, period.end
    rows = list(Assessment.objects.filter(person_id__in=every).order_by("started_on", "pk"))
    factors: dict[int, list[str]] = defaultdict(list)
    for assessment_id, code in AssessmentFactor.objects.filter(
        assessment__in=[a.pk for a in rows]
    ).values_list("assessment_id", "code"):
        factors[assessment_id].append(code)
    for a in rows:
        episode = episode_by_referral.get(a.referral_id) or episode_of(a.involvement_id)
        if episode is None:
            continue
        episode.any_activity = True
        authorised = known(a.authorised_on, period)
        if a.started_on > end or (authorised is not None and authorised < start):
            continue
        episode.assessments.append(
            AssessmentFacts(
                assessment=a,
                completed_on=known(a.completed_on, period),
                authorised_on=authorised,
                factors=sorted(factors.get(a.pk, [])) if authorised else [],
            )
        )


def _plans(period, every, kept, episode_of) -> None:
    start, end = period.start, period.end
    plans = list(Plan.objects.filter(person_id__in=every).order_by("started_on", "pk"))
    reviews: dict[int, list[ReviewConference]] = defaultdict(list)
    for review in ReviewConference.objects.filter(
        plan__in=[p.pk for p in plans if p.kind == PlanKind.CHILD_PROTECTION]
    ):
        reviews[review.plan_id].append(review)
    cp_starts: dict[int, list[dt.date]] = defaultdict(list)
    for p in plans:
        if p.kind == PlanKind.CHILD_PROTECTION:
            cp_starts[kept[p.person_id]].append(p.started_on)
    for p in plans:
        episode = episode_of(p.involvement_id)
        if episode is None:
            continue
        episode.any_activity = True
        ended = known(p.ended_on, period)
        if p.started_on > end or (ended is not None and ended < start):
            continue
        if p.kind == PlanKind.CHILD_IN_NEED:
            episode.cin_plans.append((p.started_on, ended))
            continue
        held = sorted(r.held_on for r in reviews.get(p.pk, []) if start <= r.held_on <= end)
        episode.cp_plans.append(
            CPPlanFacts(
                plan=p,
                ended_on=ended,
                initial_category=p.initial_category or p.category,
                latest_category=_latest_category(p, reviews.get(p.pk, []), period),
                previous_plans=sum(1 for s in cp_starts[kept[p.person_id]] if s < p.started_on),
                review_dates=held,
            )
        )


def _enquiries(period, every, episode_of) -> None:
    start, end = period.start, period.end
    rows = (
        Section47Enquiry.objects.filter(person_id__in=every)
        .select_related("discussion", "conference")
        .order_by("started_on", "pk")
    )
    for s in rows:
        episode = episode_of(s.discussion.involvement_id)
        if episode is None:
            continue
        episode.any_activity = True
        conference = getattr(s, "conference", None)
        icpc = known(s.icpc_held_on or (conference.held_on if conference else None), period)
        completed = known(s.completed_on, period)
        if s.started_on > end:
            continue
        if s.started_on < start:
            # Begun before the year: in it only if its conference or its end fell in it.
            if icpc is not None and icpc < start:
                continue
            if icpc is None and completed is not None and completed < start:
                continue
        episode.enquiries.append(
            S47Facts(
                enquiry=s,
                icpc_on=icpc,
                icpc_not_required=bool(
                    s.icpc_needed is False and completed is not None and icpc is None
                ),
            )
        )
