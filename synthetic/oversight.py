"""The supervision stage: each worker holding cases is supervised by their team manager about
monthly, over the last 18 months (or since they started), with some months missed; some of
their children are discussed each time, with a decision and actions (what, who, by when).

Rates: a session every 4 to 6 weeks, one in eight months missed (the gap doubles); one to four
of the worker's children discussed; 0-3 actions per discussion, owned by the worker (the
manager one time in ten), due 1 to 6 weeks later. Of the actions due before `--today`, about
55% were done by the due date, 25% done late and the rest are still open (overdue; fewer of
the older ones); of those due later, about a third are already done. Each discussion writes
a management-oversight event, each action done with a child an "action completed" event, as
kinfold.journey.oversight_services and complete_action write them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from kinfold.journey.models import Event
from kinfold.journey.oversight import Action, CaseDiscussion, Supervision
from kinfold.people.models import Person
from kinfold.workforce.models import Allocation, Worker

from . import journey_text as text
from .journey import CASE_ROLES, Shared, shared
from .pipeline import Advance, Context

ONE_DAY = dt.timedelta(days=1)
HISTORY_DAYS = 548  # 18 months


def supervision_total(ctx: Context) -> int | None:
    wf = ctx.workforce
    return sum(len(t.caseholders) for t in wf.case_holding) if wf else None


def build_supervision(ctx: Context, advance: Advance) -> None:
    s = shared(ctx)
    rng = ctx.rng("supervision")
    wf = ctx.workforce
    assert wf is not None
    held: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for worker, person, start, end in (
        Allocation.objects.filter(
            role__in=CASE_ROLES,
            person_id__gte=ctx.first_person_pk,
            person_id__lte=ctx.last_person_pk,
        )
        .order_by("worker_id", "person_id", "start_date")
        .values_list("worker_id", "person_id", "start_date", "end_date")
    ):
        held[worker].append((person, start, end))
    people = set()
    for rows in held.values():
        people.update(p for p, _, _ in rows)
    names = {
        pk: preferred or given
        for pk, given, preferred in Person.objects.filter(pk__in=people).values_list(
            "pk", "given_name", "preferred_name"
        )
    }
    started = dict(Worker.objects.filter(pk__in=list(held)).values_list("pk", "start_date"))
    for team in sorted(wf.case_holding, key=lambda t: t.pk):
        for worker, _role, _fte in sorted(team.caseholders):
            if worker in held and team.manager and team.manager != worker:
                _supervise(
                    ctx, s, rng, worker, team.manager, held[worker], names, started.get(worker)
                )
            advance(1)


def _supervise(
    ctx: Context,
    s: Shared,
    rng: random.Random,
    worker: int,
    manager: int,
    children: list[tuple[int, dt.date, dt.date | None]],
    names: dict[int, str],
    started: dt.date | None,
) -> None:
    today = ctx.today
    first = max(today - dt.timedelta(days=HISTORY_DAYS), started or ctx.window_start)
    latest = dt.datetime.combine(today, dt.time.min, tzinfo=s.zone) - dt.timedelta(minutes=1)
    sessions: list[Supervision] = []
    day = first + dt.timedelta(days=rng.randint(0, 30))
    plans: list[tuple[Supervision, list[tuple[int, str, str, list]]]] = []
    while True:
        day = _working(s, day)
        if day >= today:
            break
        current = sorted(
            {p for p, start, end in children if start <= day and (end is None or end >= day)}
        )
        if current:
            sup = Supervision(
                supervisee_id=worker,
                supervisor_id=manager,
                held_on=day,
                notes=rng.choice(text.SUPERVISION_NOTES),
                recorded_at=min(
                    dt.datetime.combine(day, dt.time(16, 0), tzinfo=s.zone)
                    + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))),
                    latest,
                ),
            )
            sessions.append(sup)
            discussed = rng.sample(current, min(len(current), rng.randint(1, 4)))
            items = []
            for person in discussed:
                name = names.get(person, "the child")
                n_actions = rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]
                actions = []
                for _ in range(n_actions):
                    owner = manager if rng.random() < 0.1 else worker
                    due = day + dt.timedelta(days=rng.choice((5, 7, 10, 14, 14, 21, 28, 42)))
                    actions.append((text.pick(rng, text.ACTION_WHAT, name), owner, due))
                items.append(
                    (
                        person,
                        text.pick(rng, text.DISCUSSION, name),
                        rng.choice(text.DECISION),
                        actions,
                    )
                )
            plans.append((sup, items))
        gap = rng.randint(28, 42)
        if rng.random() < 0.125:  # a missed month
            gap += rng.randint(28, 35)
        day += dt.timedelta(days=gap)
    if not sessions:
        return
    ctx.bulk(Supervision, sessions)
    discussions: list[CaseDiscussion] = []
    for sup, items in plans:
        for person, discussion, decision, _ in items:
            discussions.append(
                CaseDiscussion(
                    supervision=sup,
                    person_id=person,
                    held_on=sup.held_on,
                    discussion=discussion,
                    decision=decision,
                    manager_id=manager,
                    recorded_at=sup.recorded_at,
                )
            )
    ctx.bulk(CaseDiscussion, discussions)
    discussion_type = s.content_types["journey.CaseDiscussion"]
    actions: list[Action] = []
    i = 0
    per_discussion: list[list[Action]] = []
    for _sup, items in plans:
        for _person, _d, _decision, planned in items:
            case = discussions[i]
            i += 1
            mine = [
                _action(rng, s, case, discussion_type, what, owner, due, manager, today, latest)
                for what, owner, due in planned
            ]
            per_discussion.append(mine)
            actions.extend(mine)
    ctx.bulk(Action, actions)
    for a in actions:
        if a.completed_at is not None:
            ctx.counts["actions_done_late" if _late(a) else "actions_done_on_time"] += 1
        elif a.due_date < today:
            ctx.counts["actions_open_overdue"] += 1
        else:
            ctx.counts["actions_open_not_due"] += 1
    _events(ctx, s, discussions, per_discussion, manager)


def _working(s: Shared, day: dt.date) -> dt.date:
    return day if s.calendar.is_working_day(day) else s.calendar.next_working_day(day)


def _late(action: Action) -> bool:
    assert action.completed_at is not None
    return action.completed_at.date() > action.due_date


def _action(
    rng: random.Random,
    s: Shared,
    case: CaseDiscussion,
    source_type,
    what: str,
    owner: int,
    due: dt.date,
    manager: int,
    today: dt.date,
    latest: dt.datetime,
) -> Action:
    set_on = case.held_on
    done_on: dt.date | None = None
    r = rng.random()
    if due < today:
        open_share = 0.2 if (today - due).days <= 90 else 0.06
        if r < 1 - open_share - 0.25:  # done by the due date
            done_on = set_on + dt.timedelta(days=rng.randint(0, (due - set_on).days))
        elif r < 1 - open_share:  # done late
            done_on = due + dt.timedelta(days=rng.randint(1, 40))
            if done_on >= today:
                done_on = None
    elif r < 0.35 and set_on < today - ONE_DAY:
        done_on = set_on + dt.timedelta(days=rng.randint(0, (today - set_on).days - 1))
    completed_at = None
    if done_on is not None:
        completed_at = min(
            dt.datetime.combine(
                done_on, dt.time(rng.randint(9, 16), rng.randrange(0, 60, 5))
            ).replace(tzinfo=s.zone),
            latest,
        )
    return Action(
        description=what,
        owner_id=owner,
        due_date=due,
        person_id=case.person_id,
        source_type=source_type,
        source_id=case.pk,
        set_on=set_on,
        set_by_id=manager,
        completed_at=completed_at,
        completed_by_id=owner if completed_at else None,
        completion_note=rng.choice(text.COMPLETION) if completed_at else "",
    )


def _events(
    ctx: Context,
    s: Shared,
    discussions: list[CaseDiscussion],
    per_discussion: list[list[Action]],
    manager: int,
) -> None:
    """As _discuss (oversight.recorded) and complete_action (action.completed) write them."""
    action_type = s.content_types["journey.Action"]
    discussion_type = s.content_types["journey.CaseDiscussion"]
    name = s.workers.get(manager, "")
    zone = s.zone
    events: list[Event] = []
    for case, actions in zip(discussions, per_discussion, strict=True):
        events.append(
            Event(
                person_id=case.person_id,
                type="oversight.recorded",
                occurred_at=dt.datetime.combine(case.held_on, dt.time.min, tzinfo=zone),
                date_only=True,
                summary=f"Management oversight by {name}: {case.decision}"[:500],
                detail={"actions": [a.pk for a in actions], "supervision": case.supervision_id},
                significant=s.significant["oversight.recorded"],
                subject_type=discussion_type,
                subject_id=case.pk,
                recorded_by_id=manager,
                recorded_at=case.recorded_at,
            )
        )
        for a in actions:
            if a.completed_at is None:
                continue
            events.append(
                Event(
                    person_id=a.person_id,
                    type="action.completed",
                    occurred_at=a.completed_at,
                    date_only=False,
                    summary=f"Action done: {a.description}"[:500],
                    detail={"due_date": a.due_date.isoformat(), "late": _late(a)},
                    significant=s.significant["action.completed"],
                    subject_type=action_type,
                    subject_id=a.pk,
                    recorded_by_id=a.completed_by_id,
                    recorded_at=a.completed_at,
                )
            )
    ctx.bulk(Event, events)
