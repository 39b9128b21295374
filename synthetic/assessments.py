"""The assessment stage: a single assessment for the referral that starts each child in need
episode the stages before made, as kinfold.assessments.services would have written it (the
assessment, its factors, the moment each part was first recorded, and the events
assessment.started / .completed / .authorised), with `bulk_create`, nothing dated on or after
`--today`.

Rates (seed 000 and REFERENCE.md; checked by tests/synthetic/test_assessment_stage.py):

- started on the referral day or within 3 working days (an episode that ended first starts it
  on the referral day); due 45 working days after the referral (rule `assessment.single`);
- about one in seven completed assessments is late and 6-10% are started and completed on the
  same day. The front door closes most episodes 10-45 working days after the referral, at
  their assessment's completion (those are never late); the assessments of episodes that run
  on (a CIN plan, a step up to child protection) are drawn 10-45 working days after the
  referral, or 46-75 (late) in 40% of them. An episode that stepped up completes its
  assessment about three weeks before the conference; one still open at `--today` past the
  drawn day keeps its assessment open (overdue), and so does every episode the assessment
  team still holds at `--today` (it closes at its assessment's completion);
- the child seen in about 95% (else a reason), seen alone in about 65%; the child's views
  recorded in about 85% (else why not, e.g. a baby), the parents' or carers' views missing
  in about 15%;
- the outcome follows what happened next on the child's journey: stepped up to child
  protection → strategy discussion; closed with "early help" → step down to early help;
  closed at the assessment (needs met, no further action, moved away, declined) → no
  further action; an episode that runs on after the assessment → child in need plan;
- "no factors identified" (21) at about 30% of the no further action outcomes, never for a
  family that moved away (the episode closes RC5, which the census queries after 21: 8873Q);
- authorised by a manager of the assessment team (never the author) within 5 working days
  of completion in about 90% of completed assessments, the rest 6-40 working days after it
  (not yet, when that day is still to come); an episode that closed was authorised by the
  day it closed;
- a child with no disability recorded has "no disability" (NONE) recorded at the assessment.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef

from kinfold.assessments.codes import Factor, Outcome
from kinfold.assessments.models import Assessment, AssessmentFactor
from kinfold.front_door.models import Referral
from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from kinfold.people.models import PersonDisability
from kinfold.timescales.calendar import due_at, working_calendar
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import Allocation, Role, Worker
from kinfold.workforce.selectors import current_memberships

from .journey import local_zone
from .pipeline import Advance, Context

BATCH = 2000
ONE_DAY = dt.timedelta(days=1)
SAME_DAY_SHARE = 0.06
# Late among the assessments whose episode runs on (a CIN plan or child protection): the front
# door closes the other episodes 10-45 working days after the referral, at their assessment,
# so these carry the lateness: about 12% of all completed assessments.
LATE_SHARE = 0.4
SEEN_SHARE = 0.95
SEEN_ALONE_SHARE = 0.65
CHILD_VIEWS_SHARE = 0.85
PARENTS_VIEWS_MISSING_SHARE = 0.15
AUTHORISED_SHARE = 0.9
NO_FACTORS_AT_NFA = 0.3
PRACTITIONERS = (Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER)
MANAGERS = (Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER)
# The factors an assessment tends to find, by the referral's primary need.
FACTORS_BY_NEED: dict[str, tuple[str, ...]] = {
    "N0": ("20",),
    "N1": ("16A", "17A", "18C", "19C", "3A", "3B", "1B", "2B", "4B"),
    "N2": ("5A", "6A", "4A"),
    "N3": ("4B", "6B", "5B", "7A"),
    "N4": ("4B", "3B", "1B", "20"),
    "N5": ("3B", "1B", "2B", "4B", "3C"),
    "N6": ("14A", "13A", "10A", "11A", "2A", "15A", "24A"),
    "N7": ("20", "4B"),
    "N8": ("20", "8E", "7A"),
    "N9": ("20",),
}
NOT_SEEN = (
    "The family moved before a visit could be made; the new authority was informed.",
    "Visits refused by the parents; the child was seen at school by the school nurse.",
    "Three unannounced visits with no answer; the family has not engaged.",
)
CHILD_VIEWS = (
    "Says home is fine most of the time but she does not like the shouting at night.",
    "Wants to stay with mum and wants dad to stop coming round drunk.",
    "Told me school is the best part of the day because it is quiet there.",
    "Would like more help with his brother and some time to see his friends.",
    "Said she worries about mum and does not sleep well.",
)
CHILD_VIEWS_REASONS = (
    "A baby: observed with mum, settled and responsive.",
    "Non-verbal: views gathered through observation and from his teacher.",
    "Declined to talk to me on both visits; views from his school mentor.",
)
PARENTS_VIEWS = (
    "Mum accepts things have been hard since the separation and wants support.",
    "Dad disagrees with the concerns but will work with the plan.",
    "Parents say the police call-out was a one-off and they are getting help.",
    "Grandmother, who cares for the children, wants help with their behaviour.",
)
ANALYSIS = (
    "Cumulative neglect of routines and supervision; mum's low mood is the main driver. "
    "Protective factors: school attendance and a supportive grandmother.",
    "Domestic abuse is affecting the children's sleep and school. Dad has left; the risk "
    "depends on mum keeping to her safety plan.",
    "The child's needs arise from his disability; the family cope well with the right "
    "respite. No safeguarding concerns.",
    "Risk outside the home: missing episodes and older associates. Parents are protective "
    "and want help.",
)
OUTCOME_REASONS = {
    Outcome.NFA: "Needs are met by the family and universal services.",
    Outcome.EARLY_HELP: "Needs can be met by a family worker with the family's consent.",
    Outcome.CIN_PLAN: "The child needs services to reach a reasonable standard of health.",
    Outcome.STRATEGY: "Reasonable cause to suspect significant harm: strategy discussion.",
}


def assessment_total(ctx: Context) -> int | None:
    return _unassessed().count()


def _unassessed():
    has = Assessment.objects.filter(referral=OuterRef("pk"))
    return Referral.objects.filter(~Exists(has))


def _outcome(end_reason: str, stepped_to: str | None, ran_on: bool) -> str:
    if stepped_to == "child_protection":
        return Outcome.STRATEGY
    if stepped_to == "early_help" or "early help" in end_reason.lower():
        return Outcome.EARLY_HELP
    return Outcome.CIN_PLAN if ran_on else Outcome.NFA


class _Stage:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng("assessments")
        self.zone = local_zone()
        self.today = ctx.today
        self.latest = dt.datetime.combine(ctx.today, dt.time.min, tzinfo=self.zone) - (
            dt.timedelta(minutes=1)
        )
        self.calendar = working_calendar()
        self.rule = rule_for("assessment.single", on=ctx.window_start)
        self.content = ContentType.objects.get_for_model(Assessment)
        self.significant = {code: t.significant for code, t in EVENT_TYPES.items()}
        practitioners: dict[int, list[int]] = defaultdict(list)
        managers: dict[int, list[int]] = defaultdict(list)
        for worker, unit, role in current_memberships(on=ctx.today - ONE_DAY).values_list(
            "worker_id", "unit_id", "worker__role"
        ):
            if role in PRACTITIONERS:
                practitioners[unit].append(worker)
            if role in MANAGERS:
                managers[unit].append(worker)
        self.practitioners = {u: sorted(set(w)) for u, w in practitioners.items()}
        self.managers = {u: sorted(set(w)) for u, w in managers.items()}
        self.anyone = sorted({w for ws in self.practitioners.values() for w in ws}) or list(
            Worker.objects.filter(role__in=PRACTITIONERS, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        )
        self.names = {
            pk: f"{first} {last}".strip() or user
            for pk, first, last, user in Worker.objects.filter(
                role__in=(*PRACTITIONERS, *MANAGERS)
            ).values_list("pk", "first_name", "last_name", "username")
        }
        # A child with an open assessment (from an earlier run, or this one).
        self.open_for = set(
            Assessment.objects.filter(completed_on__isnull=True).values_list("person_id", flat=True)
        )
        self.assessed_episodes = set(Assessment.objects.values_list("involvement_id", flat=True))
        # Children a case-holding team holds (the journey's): their open episodes have plans.
        self.allocated = set(Allocation.objects.values_list("person_id", flat=True))

    # ---- time ------------------------------------------------------------------------------

    def wd(self, start: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(start, n)

    def moment(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randrange(540, 1020, 5)
        at = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return min(at, self.latest)

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    # ---- one batch -------------------------------------------------------------------------

    def run(self, rows: list[tuple]) -> None:
        episodes = {
            pk: (ended, reason)
            for pk, ended, reason in Involvement.objects.filter(
                pk__in=[r[2] for r in rows]
            ).values_list("pk", "ended_on", "end_reason")
        }
        stepped: dict[int, tuple[str, dt.date]] = {}
        for source, stage, began in Involvement.objects.filter(
            stepped_from_id__in=[r[2] for r in rows]
        ).values_list("stepped_from_id", "stage", "started_on"):
            stepped[source] = (stage, began)
        made: list[tuple[Assessment, list[str]]] = []
        for row in rows:
            built = self.one(row, episodes.get(row[2]), stepped.get(row[2]))
            if built is not None:
                made.append(built)
        self.write(made)

    def one(self, row, episode, stepped) -> tuple[Assessment, list[str]] | None:
        referral_pk, person, involvement, referral_date, team, need = row
        rng = self.rng
        if episode is None or involvement in self.assessed_episodes or person in self.open_for:
            return None
        if referral_date >= self.today:
            return None
        ended, end_reason = episode
        stepped_to, step_on = stepped if stepped else (None, None)
        # The last day the assessment can be completed on: before the strategy discussion
        # that led to the conference (about 3 weeks before the step up), or the episode's end.
        if stepped_to == "child_protection" and step_on is not None:
            limit = step_on - dt.timedelta(days=21)
        else:
            limit = step_on or ended or self.today
        limit = max(min(limit, self.today - ONE_DAY), referral_date)
        started = min(self.wd(referral_date, rng.choice((0, 0, 1, 1, 2, 3))), limit)
        due = due_at(self.rule, referral_date, calendar=self.calendar)
        due = due.date() if isinstance(due, dt.datetime) else due
        same_day = rng.random() < SAME_DAY_SHARE
        # An episode closed within 75 working days closed at its assessment's completion.
        closed_soon = (
            ended is not None and stepped_to is None and ended <= self.wd(referral_date, 75)
        )
        completed: dt.date | None
        if closed_soon:
            completed = limit
            if same_day:
                started = completed
        else:
            if same_day:
                drawn = started
            elif rng.random() < LATE_SHARE / (1 - SAME_DAY_SHARE):
                drawn = self.wd(referral_date, rng.randint(46, 75))
            else:
                drawn = self.wd(referral_date, rng.randint(10, 45))
            drawn = max(drawn, started)
            if ended is None and step_on is None and person not in self.allocated:
                # The assessment team's episode closes when its assessment is done: one still
                # open at --today is still being assessed (else it would have no case status).
                completed = None
            elif drawn <= limit:
                completed = drawn
            elif ended is not None or step_on is not None:
                completed = limit
            else:
                completed = None  # still open at --today
        workers = self.practitioners.get(team) or self.anyone
        if not workers:
            return None
        social_worker = rng.choice(workers)
        assessment = Assessment(
            person_id=person,
            referral_id=referral_pk,
            involvement_id=involvement,
            team_id=team,
            social_worker_id=social_worker,
            clock_from=referral_date,
            started_on=started,
            due_on=due,
            started_by_id=social_worker,
            recorded_at=min(
                dt.datetime.combine(started, dt.time(9, 0), tzinfo=self.zone), self.latest
            ),
        )
        last_work_day = completed or (self.today - ONE_DAY)
        factors = self.parts(assessment, need, completed, last_work_day)
        if completed is not None:
            outcome = _outcome(end_reason, stepped_to, ran_on=not closed_soon)
            # "No factors identified" closes the episode RC8 or RC9 (the census queries it
            # otherwise, 8873Q), so not for a family that moved away (RC5).
            moved = "moved" in end_reason.lower()
            if outcome == Outcome.NFA and not moved and rng.random() < NO_FACTORS_AT_NFA:
                factors = [Factor.NONE]
            assessment.outcome = outcome
            assessment.outcome_reason = OUTCOME_REASONS.get(outcome, "")
            assessment.outcome_recorded_at = self.moment(completed)
            assessment.completed_on = completed
            assessment.completed_by_id = social_worker
            assessment.completed_recorded_at = max(
                self.moment(completed), assessment.outcome_recorded_at
            )
            self.authorise(
                assessment, team, social_worker, closed_on=ended if stepped_to is None else None
            )
        else:
            self.open_for.add(person)
        self.assessed_episodes.add(involvement)
        assessment.version = 1 + sum(
            getattr(assessment, f"{p}_recorded_at") is not None
            for p in ("factors", "seen", "views", "analysis", "outcome")
        )
        assessment.version += (completed is not None) + (assessment.authorised_on is not None)
        return assessment, factors

    def parts(
        self, a: Assessment, need: str, completed: dt.date | None, last: dt.date
    ) -> list[str]:
        """The parts recorded so far (all of them once completed), each with its moment."""
        rng = self.rng
        open_ = completed is None
        if rng.random() < SEEN_SHARE:
            a.child_seen_on = min(self.wd(a.started_on, rng.choice((0, 0, 1, 2, 3, 5))), last)
            if rng.random() < SEEN_ALONE_SHARE:
                a.seen_alone_on = min(self.wd(a.child_seen_on, rng.choice((0, 0, 2, 5))), last)
        else:
            a.not_seen_reason = rng.choice(NOT_SEEN)
        seen_day = a.child_seen_on or a.started_on
        if not open_ or rng.random() < 0.8:
            a.seen_recorded_at = self.moment(self.between(seen_day, last))
        else:
            a.child_seen_on = a.seen_alone_on = None
            a.not_seen_reason = ""
        if not open_ or rng.random() < 0.6:
            if rng.random() < CHILD_VIEWS_SHARE:
                a.child_views = rng.choice(CHILD_VIEWS)
            else:
                a.child_views_reason = rng.choice(CHILD_VIEWS_REASONS)
            if rng.random() >= PARENTS_VIEWS_MISSING_SHARE:
                a.parents_views = rng.choice(PARENTS_VIEWS)
            a.views_recorded_at = self.moment(self.between(seen_day, last))
        factors: list[str] = []
        if not open_ or rng.random() < 0.5:
            pool = FACTORS_BY_NEED.get(need) or ("20",)
            factors = sorted(set(rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 3))))))
            a.factors_recorded_at = self.moment(self.between(a.started_on, last))
        if not open_ or rng.random() < 0.4:
            a.analysis = rng.choice(ANALYSIS)
            a.analysis_recorded_at = self.moment(
                self.between(max(a.started_on, last - dt.timedelta(days=7)), last)
            )
        return factors

    def authorise(
        self, a: Assessment, team: int, author: int, closed_on: dt.date | None = None
    ) -> None:
        """Authorised within 5 working days of completion (AUTHORISED_SHARE), or 6-40 working
        days later; not yet if that day is still to come. An episode that closed at its
        assessment was authorised by the day it closed (the census counts an assessment
        complete once authorised: a closure before it is activity after closure)."""
        rng = self.rng
        if a.completed_on is None:
            return
        managers = [m for m in self.managers.get(team, []) if m != author]
        if not managers:
            return
        if rng.random() < AUTHORISED_SHARE:
            day = self.wd(a.completed_on, rng.choice((0, 0, 1, 1, 2, 3, 5)))
        else:
            day = self.wd(a.completed_on, rng.randint(6, 40))
        if closed_on is not None:
            day = max(min(day, closed_on), a.completed_on)
        if day >= self.today:
            return
        a.authorised_on = day
        a.authorised_by_id = rng.choice(managers)
        a.authorisation_comment = "Agree with the analysis and the outcome."
        a.authorised_recorded_at = self.moment(day)

    # ---- writing ---------------------------------------------------------------------------

    def event(self, a: Assessment, type: str, day: dt.date, summary: str, by: int, **kw: Any):
        return Event(
            person_id=a.person_id,
            involvement_id=a.involvement_id,
            type=type,
            occurred_at=dt.datetime.combine(day, dt.time.min, tzinfo=self.zone),
            date_only=True,
            summary=summary[:500],
            significant=self.significant[type],
            subject_type=self.content,
            subject_id=a.pk,
            recorded_by_id=by,
            **kw,
        )

    def write(self, made: list[tuple[Assessment, list[str]]]) -> None:
        ctx = self.ctx
        ctx.bulk(Assessment, [a for a, _ in made])
        # The assessment asks about the child's disabilities: a child with none recorded has
        # "no disability" (NONE) recorded, as the census needs.
        people = {a.person_id for a, _ in made}
        known = set(
            PersonDisability.objects.filter(person_id__in=people).values_list(
                "person_id", flat=True
            )
        )
        ctx.bulk(
            PersonDisability,
            [PersonDisability(person_id=p, code="NONE") for p in sorted(people - known)],
        )
        ctx.bulk(
            AssessmentFactor,
            [AssessmentFactor(assessment_id=a.pk, code=c) for a, codes in made for c in codes],
        )
        events = []
        for a, codes in made:
            worker = self.names.get(a.social_worker_id, "")
            events.append(
                self.event(
                    a,
                    "assessment.started",
                    a.started_on,
                    f"Single assessment started by {worker}, due {a.due_on:%-d %B %Y}",
                    a.social_worker_id,
                    recorded_at=a.recorded_at,
                    detail={
                        "assessment": a.pk,
                        "referral": a.referral_id,
                        "due_on": a.due_on.isoformat(),
                        "reassessment": False,
                    },
                )
            )
            if a.completed_on is None:
                continue
            late = a.completed_on > a.due_on
            events.append(
                self.event(
                    a,
                    "assessment.completed",
                    a.completed_on,
                    f"Single assessment completed: {Outcome(a.outcome).label}"
                    + (" (late)" if late else "")
                    + (" (started and completed the same day)" if a.same_day else ""),
                    a.social_worker_id,
                    recorded_at=a.completed_recorded_at,
                    detail={
                        "assessment": a.pk,
                        "outcome": a.outcome,
                        "factors": codes,
                        "due_on": a.due_on.isoformat(),
                        "late": late,
                        "same_day": a.same_day,
                    },
                )
            )
            if a.authorised_on is not None:
                events.append(
                    self.event(
                        a,
                        "assessment.authorised",
                        a.authorised_on,
                        "Single assessment authorised by "
                        f"{self.names.get(a.authorised_by_id or 0, '')}",
                        a.authorised_by_id,
                        recorded_at=a.authorised_recorded_at,
                        detail={"assessment": a.pk, "outcome": a.outcome},
                    )
                )
        ctx.bulk(Event, events)


def build_assessments(ctx: Context, advance: Advance) -> None:
    """Give the referral of every child in need episode its single assessment."""
    stage = _Stage(ctx)
    last = 0
    while True:
        rows = list(
            _unassessed()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk",
                "person_id",
                "involvement_id",
                "referral_date",
                "team_id",
                "primary_need",
            )[:BATCH]
        )
        if not rows:
            return
        stage.run(sorted(rows, key=lambda r: (r[3], r[0])))
        last = rows[-1][0]
        advance(len(rows))
