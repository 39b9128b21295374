"""The early help stage: an episode for every early help involvement the stages before it made
(the front door's early help decisions, step downs), as kinfold.early_help.services would have
written it — set up by the Early Help Hub's manager with a lead practitioner, the family
members in the plan, the plan (and its revisions), reviews, and the end with its reason —
with `bulk_create`, nothing dated on or after `--today`.

Rates (checked by tests/synthetic/test_early_help_stage.py):

- set up 1-15 days after the involvement opened (an involvement that ended or reaches
  `--today` first keeps an episode with no lead: ended before set-up, or still awaiting one);
- the lead: a family worker of the Early Help Hub or a district early help team 70%, a named
  practitioner at a partner agency (schools, health, family hubs, voluntary sector) 30%;
- family members: the child's parents and carers always, each sibling about 60%, grandparents
  about 30%;
- a plan agreed 5-20 days after set-up, 2-3 outcomes and 2-4 actions due 2-12 weeks on;
  revised at about a quarter of reviews;
- reviews due by the rule `early_help.review` (3 months, then every 3 months); held on time or
  early 70%, 1-20 days late 20%, 25-60 days late 10%;
- the end: the reason follows the involvement's own end (a step up to children's social care →
  "stepped up"; "needs met" or "stepped down to universal services" → outcomes met; consent
  withdrawn → declined; moved → moved away; transferred → transferred; else other).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from kinfold.early_help.codes import EndReason, FamilyRole
from kinfold.early_help.models import (
    EarlyHelpEpisode,
    EarlyHelpPlan,
    EarlyHelpReview,
    FamilyMember,
    PlanAction,
)
from kinfold.early_help.selectors import SUGGESTED_ROLE
from kinfold.front_door.codes import AgencyKind, ReferralSource
from kinfold.front_door.models import PartnerOrganisation
from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from kinfold.people.models import Relationship
from kinfold.timescales.calendar import due_at
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import Role, UnitFunction, Worker
from kinfold.workforce.selectors import current_memberships

from .journey import local_zone
from .names import pools
from .pipeline import Advance, Context

BATCH = 2000
ONE_DAY = dt.timedelta(days=1)
WORKER_LEAD_SHARE = 0.7
SIBLING_SHARE = 0.6
GRANDPARENT_SHARE = 0.3
REVISED_AT_REVIEW = 0.25
PARTNER_KINDS = (
    AgencyKind.EDUCATION,
    AgencyKind.HEALTH,
    AgencyKind.EARLY_HELP,
    AgencyKind.VOLUNTARY,
)
# Used only when the stages before made no partner agency that leads early help.
FALLBACK_PARTNERS = [
    ("Fenshire Schools Early Help Partnership", AgencyKind.EDUCATION, ReferralSource.SCHOOL),
    ("Fenshire Health Visiting Service", AgencyKind.HEALTH, ReferralSource.HEALTH_VISITOR),
    ("Fenshire Family Support Trust", AgencyKind.VOLUNTARY, ReferralSource.OTHER),
]
PARTNER_ROLES = {
    AgencyKind.EDUCATION: ("Family support worker", "Designated safeguarding lead", "SENCo"),
    AgencyKind.HEALTH: ("Health visitor", "School nurse", "Community midwife"),
    AgencyKind.EARLY_HELP: ("Family hub practitioner", "Family worker"),
    AgencyKind.VOLUNTARY: ("Family support worker", "Parenting practitioner"),
}
REASONS = (
    "Parenting support: routines and boundaries have broken down since the family moved.",
    "School attendance below 85% and the family asks for help with mornings.",
    "Parental mental health: mum is isolated and struggling to cope with the children.",
    "Domestic abuse notification (standard risk); mum wants support and safety planning.",
    "Housing and money worries are affecting the children's wellbeing.",
    "Emotional wellbeing: the child is anxious and withdrawn at school and home.",
    "Child's behaviour at home and school; parents want help with strategies.",
    "Young carer: the child supports a parent with a long-term illness.",
)
OUTCOMES = (
    "{name} attends school every day, on time",
    "Bedtime and morning routines are calm and consistent",
    "The family's home is safe and warm, with rent paid",
    "Mum feels supported and knows where to get help",
    "{name} can talk about worries with a trusted adult",
    "Parents use the same approach to boundaries",
    "{name} takes part in an after-school activity",
)
ACTIONS = (
    ("Complete the parenting programme", "Mum and dad"),
    ("Weekly home visit to support routines", "Lead practitioner"),
    ("Referral to the school nurse for sleep advice", "Lead practitioner"),
    ("Attendance meeting with the school", "School"),
    ("Apply for housing support and benefits check", "Mum"),
    ("Mentoring sessions at school", "School"),
    ("Register with the young carers service", "Lead practitioner"),
    ("Speak to the GP about low mood", "Mum"),
)
PROGRESS = (
    "Good progress: routines in place most days and the family report calmer evenings.",
    "Some progress: attendance improved to 90%; mornings still hard on Mondays.",
    "Limited progress: appointments missed; the plan was simplified with the family.",
    "Outcomes mostly met; the family feel ready to manage with universal services soon.",
    "Progress steady; the child says home feels happier and wants to keep the mentor.",
)


def early_help_total(ctx: Context) -> int | None:
    return _without_episode().count()


def _without_episode():
    has = EarlyHelpEpisode.objects.filter(involvement=OuterRef("pk"))
    return Involvement.objects.filter(stage="early_help").filter(~Exists(has))


def _end_reason(text: str, stepped_up: bool) -> str:
    if stepped_up:
        return EndReason.STEPPED_UP
    low = text.lower()
    if "consent" in low or "declin" in low or "withdr" in low:
        return EndReason.DECLINED
    if "moved" in low:
        return EndReason.MOVED_AWAY
    if "transfer" in low:
        return EndReason.TRANSFERRED
    if "needs met" in low or "outcome" in low or "universal" in low or "completed" in low:
        return EndReason.OUTCOMES_MET
    return EndReason.OTHER


def _partners() -> list[PartnerOrganisation]:
    found = list(PartnerOrganisation.objects.filter(active=True, kind__in=PARTNER_KINDS))
    if found:
        return found
    existing = set(PartnerOrganisation.objects.values_list("name", flat=True))
    PartnerOrganisation.objects.bulk_create(
        PartnerOrganisation(name=name, kind=kind, referral_source=source)
        for name, kind, source in FALLBACK_PARTNERS
        if name not in existing
    )
    return list(PartnerOrganisation.objects.filter(active=True, kind__in=PARTNER_KINDS))


class _Stage:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("early_help")
        self.zone = local_zone()
        self.today = ctx.today
        self.last_day = ctx.today - ONE_DAY
        self.latest = dt.datetime.combine(ctx.today, dt.time.min, tzinfo=self.zone) - (
            dt.timedelta(minutes=1)
        )
        teams = list(
            current_memberships(on=self.last_day)
            .filter(unit__function__in=(UnitFunction.EARLY_HELP_HUB, UnitFunction.EARLY_HELP))
            .values_list("worker_id", "worker__role", "unit__function")
        )
        self.leads = sorted({w for w, role, _ in teams if role == Role.FAMILY_WORKER})
        managers = [w for w, role, f in teams if role == Role.TEAM_MANAGER]
        hub_managers = [
            w
            for w, role, f in teams
            if role == Role.TEAM_MANAGER and f == UnitFunction.EARLY_HELP_HUB
        ]
        self.manager = (hub_managers or managers or [None])[0]
        self.partners = _partners()
        pool = pools()
        self.names = pool.get("english") or next(iter(pool.values()))
        self.rule = rule_for("early_help.review", on=ctx.window_start)
        self.content = {
            m: ContentType.objects.get_for_model(m)
            for m in (EarlyHelpEpisode, EarlyHelpPlan, EarlyHelpReview)
        }
        self.significant = {code: t.significant for code, t in EVENT_TYPES.items()}
        self.worker_names = {
            pk: f"{first} {last}".strip()
            for pk, first, last in Worker.objects.filter(pk__in=self.leads).values_list(
                "pk", "first_name", "last_name"
            )
        }

    # ---- time ------------------------------------------------------------------------------

    def at(self, day: dt.date) -> dt.datetime:
        """When a fact of `day` was written up: that day or a few days later, never today."""
        minutes = self.rng.randrange(540, 1020, 5)
        delay = 0 if self.rng.random() < 0.7 else self.rng.randint(1, 5)
        moment = dt.datetime.combine(
            day + dt.timedelta(days=delay), dt.time(minutes // 60, minutes % 60), tzinfo=self.zone
        )
        return min(moment, self.latest)

    def due(self, trigger: dt.date, repeat: bool) -> dt.date:
        value = due_at(self.rule, trigger, repeat=repeat and self.rule.repeats)
        return value.date() if isinstance(value, dt.datetime) else value

    def held(self, due: dt.date) -> dt.date:
        r = self.rng.random()
        if r < 0.7:
            return due - dt.timedelta(days=self.rng.randint(0, 10))
        if r < 0.9:
            return due + dt.timedelta(days=self.rng.randint(1, 20))
        return due + dt.timedelta(days=self.rng.randint(25, 60))

    # ---- one batch -------------------------------------------------------------------------

    def run(self, rows: list[tuple]) -> None:
        people = {r[1] for r in rows}
        stepped_up = set(
            Involvement.objects.filter(
                stepped_from_id__in=[r[0] for r in rows], stage="child_in_need"
            ).values_list("stepped_from_id", flat=True)
        )
        relatives: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for child, relative, kind in Relationship.objects.filter(
            other_id__in=people, person__merged_into__isnull=True
        ).values_list("other_id", "person_id", "type"):
            relatives[child].append((relative, kind))
        names = {
            pk: (preferred or given)
            for pk, given, preferred in Involvement.objects.filter(
                pk__in=[r[0] for r in rows]
            ).values_list("person_id", "person__given_name", "person__preferred_name")
        }
        episodes: list[EarlyHelpEpisode] = []
        plans: list[tuple[EarlyHelpEpisode, EarlyHelpPlan, list[tuple[str, str, dt.date]]]] = []
        reviews: list[tuple[EarlyHelpEpisode, EarlyHelpReview]] = []
        members: list[tuple[EarlyHelpEpisode, FamilyMember]] = []
        for inv, person, started, ended, end_text in rows:
            episode = self.episode(inv, person, started, ended, end_text, inv in stepped_up)
            episodes.append(episode)
            if not episode.has_lead:
                continue
            limit = ended or self.last_day
            members += [(episode, m) for m in self.family(relatives[person], episode.started_on)]
            name = names.get(person) or "The child"
            first = episode.started_on + dt.timedelta(days=self.rng.randint(5, 20))
            if first <= limit:
                plans.append(self.plan(episode, 1, first, name, ""))
            due = self.due(episode.started_on, repeat=False)
            while True:
                held = max(self.held(due), episode.review_from)
                if held > limit:
                    break
                review = EarlyHelpReview(
                    episode=episode,
                    held_on=held,
                    was_due_on=due,
                    progress=self.rng.choice(PROGRESS),
                    recorded_by_id=episode.lead_worker_id or self.manager,
                )
                due = self.due(held, repeat=True)
                review.next_review_due_on = due
                review.recorded_at = self.at(held)
                reviews.append((episode, review))
                episode.review_from, episode.reviews_held = held, episode.reviews_held + 1
                episode.version += 1
                if plans and plans[-1][0] is episode and self.rng.random() < REVISED_AT_REVIEW:
                    number = plans[-1][1].number + 1
                    plans.append(self.plan(episode, number, held, name, "Changed at the review"))
            episode.review_due_on = due
        self.write(episodes, plans, reviews, members)

    def episode(
        self,
        inv: int,
        person: int,
        started: dt.date,
        ended: dt.date | None,
        end_text: str,
        stepped_up: bool,
    ) -> EarlyHelpEpisode:
        rng = self.rng
        limit = ended or self.last_day
        set_up = started + dt.timedelta(days=rng.randint(1, 15))
        episode = EarlyHelpEpisode(
            involvement_id=inv,
            person_id=person,
            started_on=started,
            reason="",
            review_from=started,
            set_up_by_id=self.manager,
            recorded_at=self.at(started),
        )
        if set_up <= limit and (self.leads or self.partners):
            episode.started_on = episode.review_from = episode.lead_since = set_up
            episode.reason = rng.choice(REASONS)
            episode.recorded_at = self.at(set_up)
            if self.leads and (not self.partners or rng.random() < WORKER_LEAD_SHARE):
                episode.lead_worker_id = rng.choice(self.leads)
            else:
                org = rng.choice(self.partners)
                episode.lead_organisation = org
                sex = rng.choice("MF")
                episode.lead_name = (
                    f"{self.names.given(rng, sex)} {self.names.family_name(rng)}".replace("'", "")
                )
                episode.lead_role = rng.choice(
                    PARTNER_ROLES.get(org.kind, ("Early help practitioner",))
                )
        if ended is not None:
            episode.ended_on = max(ended, episode.started_on)
            episode.end_reason = _end_reason(end_text, stepped_up)
            episode.end_detail = end_text if episode.end_reason == EndReason.OTHER else ""
            episode.version += 1
        elif not episode.has_lead:
            episode.review_due_on = self.due(started, repeat=False)
        return episode

    def family(self, relatives: list[tuple[int, str]], on: dt.date) -> list[FamilyMember]:
        chosen = []
        for relative, kind in relatives:
            role = SUGGESTED_ROLE.get(kind)
            if role is None:
                continue
            if role == FamilyRole.SIBLING and self.rng.random() >= SIBLING_SHARE:
                continue
            if role == FamilyRole.EXTENDED_FAMILY and self.rng.random() >= GRANDPARENT_SHARE:
                continue
            chosen.append(FamilyMember(person_id=relative, role=role, added_on=on))
        return chosen

    def plan(
        self, episode: EarlyHelpEpisode, number: int, agreed: dt.date, name: str, why: str
    ) -> tuple[EarlyHelpEpisode, EarlyHelpPlan, list[tuple[str, str, dt.date]]]:
        rng = self.rng
        outcomes = [o.format(name=name) for o in rng.sample(OUTCOMES, rng.randint(2, 3))]
        actions = [
            (what, who, agreed + dt.timedelta(days=rng.randint(14, 84)))
            for what, who in rng.sample(ACTIONS, rng.randint(2, 4))
        ]
        episode.version += 1
        plan = EarlyHelpPlan(
            number=number,
            agreed_on=agreed,
            outcomes=outcomes,
            change_reason=why,
            recorded_by_id=episode.lead_worker_id or self.manager,
            recorded_at=self.at(agreed),
        )
        return episode, plan, actions

    # ---- writing, as the services write ----------------------------------------------------

    def event(self, episode: EarlyHelpEpisode, type: str, day: dt.date, summary: str, **kw: Any):
        return Event(
            person_id=episode.person_id,
            involvement_id=episode.involvement_id,
            type=type,
            occurred_at=dt.datetime.combine(day, dt.time.min, tzinfo=self.zone),
            date_only=True,
            summary=summary[:500],
            significant=self.significant[type],
            **kw,
        )

    def write(self, episodes, plans, reviews, members) -> None:
        ctx = self.ctx
        ctx.bulk(EarlyHelpEpisode, episodes)
        for episode, member in members:
            member.episode_id = episode.pk
        ctx.bulk(FamilyMember, [m for _, m in members])
        for episode, plan, _ in plans:
            plan.episode_id = episode.pk
        ctx.bulk(EarlyHelpPlan, [p for _, p, _ in plans])
        ctx.bulk(
            PlanAction,
            [
                PlanAction(plan_id=plan.pk, what=what, who=who, due_on=due)
                for _, plan, actions in plans
                for what, who, due in actions
            ],
        )
        for episode, review in reviews:
            review.episode_id = episode.pk
        ctx.bulk(EarlyHelpReview, [r for _, r in reviews])
        events: list[Event] = []
        kinds = {m.episode_id: [] for _, m in members}
        for _, m in members:
            kinds[m.episode_id].append(m.person_id)
        for e in episodes:
            if e.has_lead:
                events.append(
                    self.event(
                        e,
                        "early_help.set_up",
                        e.started_on,
                        f"Early help set up, led by {self.lead_label(e)}",
                        detail={
                            "lead_worker": e.lead_worker_id,
                            "lead_organisation": e.lead_organisation_id,
                            "family": kinds.get(e.pk, []),
                        },
                        subject_type=self.content[EarlyHelpEpisode],
                        subject_id=e.pk,
                        recorded_by_id=self.manager,
                        recorded_at=e.recorded_at,
                    )
                )
            if e.ended_on is not None:
                detail = f". {e.end_detail}" if e.end_detail else ""
                events.append(
                    self.event(
                        e,
                        "early_help.ended",
                        e.ended_on,
                        f"Early help ended: {EndReason(e.end_reason).label}{detail}",
                        detail={"reason": e.end_reason},
                        subject_type=self.content[EarlyHelpEpisode],
                        subject_id=e.pk,
                        recorded_by_id=e.lead_worker_id or self.manager,
                        recorded_at=self.at(e.ended_on),
                    )
                )
        for episode, plan, actions in plans:
            revised = plan.number > 1
            events.append(
                self.event(
                    episode,
                    "early_help.plan_revised" if revised else "early_help.plan_recorded",
                    plan.agreed_on,
                    f"Early help plan revised (version {plan.number}): {plan.change_reason}"
                    if revised
                    else f"Early help plan agreed: {len(plan.outcomes)} outcomes, "
                    f"{len(actions)} actions",
                    detail={"plan": plan.pk, "number": plan.number},
                    subject_type=self.content[EarlyHelpPlan],
                    subject_id=plan.pk,
                    recorded_by_id=plan.recorded_by_id,
                    recorded_at=plan.recorded_at,
                )
            )
        for episode, review in reviews:
            late = review.late
            events.append(
                self.event(
                    episode,
                    "early_help.review_held",
                    review.held_on,
                    f"Early help review held{' (late)' if late else ''}; next due "
                    f"{review.next_review_due_on:%d %B %Y}",
                    detail={
                        "review": review.pk,
                        "was_due_on": str(review.was_due_on),
                        "late": late,
                    },
                    subject_type=self.content[EarlyHelpReview],
                    subject_id=review.pk,
                    recorded_by_id=review.recorded_by_id,
                    recorded_at=review.recorded_at,
                )
            )
        ctx.bulk(Event, events)

    def lead_label(self, e: EarlyHelpEpisode) -> str:
        if e.lead_worker_id is not None:
            return self.worker_names.get(e.lead_worker_id, "")
        role = f", {e.lead_role}" if e.lead_role else ""
        return f"{e.lead_name}{role} ({e.lead_organisation})"


def build_early_help(ctx: Context, advance: Advance) -> None:
    """Give every early help involvement without an episode its episode."""
    stage = _Stage(ctx)
    last = 0
    while True:
        rows = list(
            _without_episode()
            .filter(Q(pk__gt=last))
            .order_by("pk")
            .values_list("pk", "person_id", "started_on", "ended_on", "end_reason")[:BATCH]
        )
        if not rows:
            return
        stage.run(rows)
        last = rows[-1][0]
        advance(len(rows))
