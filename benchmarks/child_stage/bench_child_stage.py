"""The child's page and the team manager's view: p50/p95/p99/max (issue 6, section 4: goal p95
<= 100 ms each on PostgreSQL at the 130,000-child county).

Runs against the synthetic county in DATABASE_URL (`manage.py synth_county`, with its
assessment, child protection and children in need stages). Timed:

- the child's page (`people:detail`, through Django's test client, signed in as the allocated
  social worker) of one child with ten years of history, which the script builds (below), and
  `child_stage()`, the selector that reads the journey for it;
- the same page for the county's children with the longest histories (most involvements and
  case notes), for comparison;
- the team manager's view (`quality:team`) for the units with the most open assessments,
  enquiries and plans, signed in as a team manager of the unit (or an administrator where it
  has none), and `team_view()`, its selector.

The ten-year child ("Decima Longhistory", made once and reused; `--rebuild` is refused: the
records are append-only) is allocated to a social worker of the busiest case-holding team and
has, from ten years before the county's reference date: four child in need episodes — a child
in need plan for a year with quarterly reviews; a strategy discussion, section 47 enquiry, ICPC
and a child protection plan for 14 months (6 actions, core groups every 6 weeks, review
conferences at 3 and 9 months) stepped down to a child in need plan for 6 months; an
assessment ending in no further action; and the current episode, from 14 months before the
reference date: referral, assessment, strategy discussion, enquiry, ICPC and an open child
protection plan (8 actions, core groups, reviews) — an early help episode between episodes,
visits every 2 weeks on a child protection plan and monthly on a child in need plan (child
seen; seen alone at two in three), one to three other case notes (calls, meetings) between
visits, and an event for each.

    export KINFOLD_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_130k
    .venv/bin/python benchmarks/child_stage/bench_child_stage.py --repeats 200

Prints Markdown tables for RESULTS.md and writes a JSON record to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.common import ROOT, percentiles, setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinfold.assessments.models import Assessment  # noqa: E402
from kinfold.child_in_need.models import CINClosure, CINPlanReview  # noqa: E402
from kinfold.child_protection.models import (  # noqa: E402
    CoreGroup,
    CPPlanSchedule,
    InitialConference,
    ReviewConference,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyParticipant,
)
from kinfold.child_protection.visits import refresh_plan_visits  # noqa: E402
from kinfold.early_help.models import EarlyHelpEpisode  # noqa: E402
from kinfold.front_door.models import Referral  # noqa: E402
from kinfold.journey.models import Event, Involvement  # noqa: E402
from kinfold.journey.notes import CaseNote  # noqa: E402
from kinfold.people.models import Person  # noqa: E402
from kinfold.plans.models import Plan, PlanAction, PlanOutcome  # noqa: E402
from kinfold.quality.selectors import child_stage, team_view  # noqa: E402
from kinfold.timescales.worklists import Clock  # noqa: E402
from kinfold.workforce.models import Allocation, OrgUnit, Role, Worker  # noqa: E402
from kinfold.workforce.selectors import allocations_for_person, current_memberships  # noqa: E402
from synthetic.models import SyntheticCounty  # noqa: E402

GIVEN, FAMILY = "Decima", "Longhistory"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class TenYears:
    """Builds the ten-year child: one transaction, rows written as the services would."""

    def __init__(self, today: dt.date, team: OrgUnit, worker: Worker, iro: Worker, seed: int):
        self.today, self.team, self.worker, self.iro = today, team, worker, iro
        self.rng = random.Random(seed)
        self.notes: list[CaseNote] = []
        self.events: list[Event] = []
        self.person = Person.objects.create(
            given_name=GIVEN,
            family_name=FAMILY,
            sex="F",
            date_of_birth=today - dt.timedelta(days=365 * 14 + 40),
        )
        Allocation.objects.create(
            person=self.person,
            worker=worker,
            team=team,
            start_date=today - dt.timedelta(days=420),
        )

    def event(self, day: dt.date, type_: str, summary: str, inv=None, significant=False):
        self.events.append(
            Event(
                person=self.person,
                involvement=inv,
                type=type_,
                occurred_at=at(day, 9),
                summary=summary,
                significant=significant,
                recorded_by=self.worker,
            )
        )

    def visits(self, start: dt.date, end: dt.date, every: int, inv: Involvement) -> None:
        day = start + dt.timedelta(days=every)
        while day < min(end, self.today):
            alone = self.rng.random() < 0.67
            self.notes.append(
                CaseNote(
                    person=self.person,
                    involvement=inv,
                    type="home_visit",
                    occurred_at=at(weekday(day), 10 + self.rng.randint(0, 6)),
                    title="Statutory visit",
                    child_seen=True,
                    seen_alone=alone,
                    child_views="Said school is going better.",
                    observation="Home warm and tidy.",
                    author=self.worker,
                )
            )
            self.event(day, "visit.recorded", "Home visit: statutory visit", inv)
            for _ in range(self.rng.randint(1, 3)):  # calls and meetings between visits
                other = weekday(day + dt.timedelta(days=self.rng.randint(1, every - 1)))
                if other < self.today:
                    self.notes.append(
                        CaseNote(
                            person=self.person,
                            involvement=inv,
                            type="phone",
                            occurred_at=at(other, 14),
                            title="Call with school",
                            observation="Attendance improving.",
                            author=self.worker,
                        )
                    )
                    self.event(other, "note.recorded", "Phone call: call with school", inv)
            day += dt.timedelta(days=every)

    def referral(self, on: dt.date, route: str = "referral") -> tuple[Involvement, Referral]:
        inv = Involvement.objects.create(
            person=self.person, stage="child_in_need", team=self.team, started_on=on
        )
        ref = Referral.objects.create(
            person=self.person,
            involvement=inv,
            referral_date=on,
            source="2A",
            primary_need="N1",
            route=route,
            team=self.team,
        )
        self.event(on, "referral.received", "Referral received", inv, True)
        return inv, ref

    def assessment(self, inv, ref, days: int, outcome: str) -> None:
        start = ref.referral_date + dt.timedelta(days=2)
        done = start + dt.timedelta(days=days) if outcome else None
        Assessment.objects.create(
            person=self.person,
            referral=ref,
            involvement=inv,
            team=self.team,
            social_worker=self.worker,
            clock_from=ref.referral_date,
            started_on=start,
            due_on=ref.referral_date + dt.timedelta(days=63),
            child_seen_on=start + dt.timedelta(days=3),
            seen_alone_on=start + dt.timedelta(days=3),
            completed_on=done,
            outcome=outcome,
            started_by=self.worker,
        )

    def cin_plan(self, inv, start: dt.date, months: int) -> Plan:
        end = start + dt.timedelta(days=30 * months)
        plan = Plan.objects.create(
            person=self.person,
            involvement=inv,
            kind="cin",
            started_on=start,
            ended_on=end if end < self.today else None,
            end_reason="Outcomes met" if end < self.today else "",
            owner=self.worker,
        )
        for q in range(1, months // 3 + 1):
            held = start + dt.timedelta(days=91 * q)
            if held < min(end, self.today):
                CINPlanReview.objects.create(
                    plan=plan,
                    held_on=held,
                    attendees="Mum\nSchool",
                    child_views="Fine.",
                    family_views="Fine.",
                    progress="Good.",
                    decision="continue",
                    recorded_by=self.worker,
                )
        self.visits(start, end, 28, inv)
        return plan

    def child_protection(self, cin: Involvement, start: dt.date, months: int | None):
        """Strategy discussion, enquiry, ICPC and a CP plan of `months` (None: still open)."""
        talk = StrategyDiscussion.objects.create(
            person=self.person,
            involvement=cin,
            held_at=at(start),
            type="meeting",
            information="Injury seen at school.",
            s47_decided=True,
            reasons="Reasonable cause to suspect significant harm.",
            recorded_by=self.worker,
        )
        for agency, name in (("police", "DC Lowe"), ("health", "Nurse Begum")):
            StrategyParticipant.objects.create(discussion=talk, agency=agency, name=name)
        icpc_on = weekday(start + dt.timedelta(days=18))
        s47 = Section47Enquiry.objects.create(
            person=self.person,
            discussion=talk,
            discussion_on=start,
            team=self.team,
            social_worker=self.worker,
            started_on=start,
            outcome="substantiated",
            icpc_needed=True,
            findings="Substantiated.",
            completed_on=start + dt.timedelta(days=10),
            icpc_due_on=start + dt.timedelta(days=21),
            icpc_held_on=icpc_on,
            started_by=self.worker,
            completed_by=self.worker,
        )
        cin.ended_on = icpc_on
        cin.save(update_fields=["ended_on"])
        cp = Involvement.objects.create(
            person=self.person,
            stage="child_protection",
            team=self.team,
            started_on=icpc_on,
            stepped_from=cin,
        )
        end = icpc_on + dt.timedelta(days=30 * months) if months else None
        plan = Plan.objects.create(
            person=self.person,
            involvement=cp,
            kind="cp",
            initial_category="NEG",
            category="NEG",
            started_on=icpc_on,
            ended_on=end,
            end_reason="Stepped down" if end else "",
            owner=self.worker,
            flag_count=2,
            flags=["action.no_date", "contingency.vague"],
        )
        icpc = InitialConference.objects.create(
            enquiry=s47,
            person=self.person,
            held_on=icpc_on,
            due_on=s47.icpc_due_on,
            decision="plan",
            category="NEG",
            reasons="Neglect.",
            chair=self.iro,
            plan=plan,
            recorded_by=self.iro,
        )
        for i in range(2):
            outcome = PlanOutcome.objects.create(plan=plan, text=f"Outcome {i}", order=i)
            for j in range(4 if months is None else 3):
                PlanAction.objects.create(
                    plan=plan,
                    outcome=outcome,
                    what=f"Action {i}.{j}",
                    owner_worker=self.worker if j == 0 else None,
                    owner_text="" if j == 0 else ("Mum", "School", "Health visitor")[j % 3],
                    due_on=icpc_on + dt.timedelta(days=60),
                    measure="Seen at core group.",
                )
        last = end or self.today
        day, core_groups = icpc_on + dt.timedelta(days=14), 0
        while day < last:
            CoreGroup.objects.create(
                plan=plan,
                held_on=weekday(day),
                due_on=day,
                attendees="Mum\nSchool nurse\nHealth visitor\nDC Lowe",
                minutes="Progress on each action.",
                next_due_on=day + dt.timedelta(days=42),
                recorded_by=self.worker,
            )
            core_groups += 1
            day += dt.timedelta(days=42)
        reviews, review_on = 0, icpc_on + dt.timedelta(days=91)
        while review_on < last:
            ending = end is not None and review_on + dt.timedelta(days=182) >= end
            ReviewConference.objects.create(
                plan=plan,
                held_on=review_on,
                due_on=review_on,
                decision="step_down" if ending else "continue",
                end_reason="Risk reduced" if ending else "",
                category_before="NEG",
                category_after="NEG",
                summary="Reviewed.",
                chair=self.iro,
                recorded_by=self.iro,
            )
            reviews += 1
            review_on += dt.timedelta(days=182)
        CPPlanSchedule.objects.create(
            plan=plan,
            person=self.person,
            conference=icpc,
            core_group_from=day - dt.timedelta(days=42),
            core_groups_held=core_groups,
            core_group_due_on=day,
            review_from=review_on - dt.timedelta(days=182),
            reviews_held=reviews,
            review_due_on=review_on,
        )
        self.visits(icpc_on, last, 14, cp)
        if end is not None:
            cp.ended_on = end
            cp.save(update_fields=["ended_on"])
        return cp, plan

    def close(self, ref: Referral, inv: Involvement, on: dt.date, reason: str) -> None:
        inv.ended_on = on
        inv.save(update_fields=["ended_on"])
        CINClosure.objects.create(
            referral=ref,
            person=self.person,
            involvement=inv,
            closed_on=on,
            reason=reason,
            recorded_by=self.worker,
        )

    def build(self) -> Person:
        t = self.today
        y10 = t - dt.timedelta(days=3652)
        # 1. A child in need plan for a year.
        inv, ref = self.referral(weekday(y10 + dt.timedelta(days=30)))
        self.assessment(inv, ref, 30, "cin_plan")
        plan = self.cin_plan(inv, ref.referral_date + dt.timedelta(days=40), 12)
        self.close(ref, inv, plan.ended_on, "RC1")
        # 2. Child protection for 14 months, stepped down to a child in need plan for 6.
        inv, ref = self.referral(weekday(y10 + dt.timedelta(days=800)), route="strategy")
        cp, cp_plan = self.child_protection(inv, ref.referral_date + dt.timedelta(days=1), 14)
        back = Involvement.objects.create(
            person=self.person,
            stage="child_in_need",
            team=self.team,
            started_on=cp_plan.ended_on,
            stepped_from=cp,
        )
        plan = self.cin_plan(back, cp_plan.ended_on, 6)
        self.close(ref, back, plan.ended_on, "RC1")
        # Early help for a year.
        eh_start = weekday(y10 + dt.timedelta(days=1700))
        eh = Involvement.objects.create(
            person=self.person,
            stage="early_help",
            started_on=eh_start,
            ended_on=eh_start + dt.timedelta(days=365),
        )
        EarlyHelpEpisode.objects.create(
            involvement=eh,
            person=self.person,
            started_on=eh_start,
            reason="Routines and school attendance.",
            lead_worker=self.worker,
            review_from=eh_start,
            ended_on=eh.ended_on,
            end_reason="outcomes_met",
        )
        self.visits(eh_start, eh.ended_on, 42, eh)
        # 3. An assessment, no further action.
        inv, ref = self.referral(weekday(y10 + dt.timedelta(days=2400)))
        self.assessment(inv, ref, 40, "nfa")
        self.close(ref, inv, ref.referral_date + dt.timedelta(days=45), "RC8")
        # 4. The current episode: an open child protection plan for the last year.
        inv, ref = self.referral(weekday(t - dt.timedelta(days=425)))
        self.assessment(inv, ref, 20, "strategy")
        cp, plan = self.child_protection(inv, ref.referral_date + dt.timedelta(days=25), None)
        CaseNote.objects.bulk_create(self.notes, batch_size=2000)
        Event.objects.bulk_create(self.events, batch_size=2000)
        refresh_plan_visits(plan)
        return self.person


def ten_year_child(today: dt.date, seed: int) -> tuple[Person, Worker, dict]:
    existing = Person.objects.filter(given_name=GIVEN, family_name=FAMILY).first()
    if existing is None:
        # The case-holding team with most children allocated that has a social worker now.
        worker = None
        for team_id in (
            Allocation.objects.filter(end_date__isnull=True, team__kind="team")
            .values("team_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "team_id")
            .values_list("team_id", flat=True)
        ):
            worker = (
                Worker.objects.filter(
                    role=Role.SOCIAL_WORKER,
                    is_active=True,
                    pk__in=current_memberships().filter(unit_id=team_id).values("worker_id"),
                )
                .order_by("pk")
                .first()
            )
            if worker is not None:
                break
        if worker is None:
            sys.exit("No team has a social worker: run manage.py synth_county first.")
        team = OrgUnit.objects.get(pk=team_id)
        iro = Worker.objects.filter(role=Role.IRO, is_active=True).order_by("pk").first()
        with transaction.atomic():
            existing = TenYears(today, team, worker, iro or worker, seed).build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    allocation = Allocation.objects.filter(person=existing).select_related("worker").first()
    counts = {
        "involvements": Involvement.objects.filter(person=existing).count(),
        "referrals": Referral.objects.filter(person=existing).count(),
        "assessments": Assessment.objects.filter(person=existing).count(),
        "strategy_discussions": StrategyDiscussion.objects.filter(person=existing).count(),
        "s47s": Section47Enquiry.objects.filter(person=existing).count(),
        "plans": Plan.objects.filter(person=existing).count(),
        "plan_actions": PlanAction.objects.filter(plan__person=existing).count(),
        "core_groups": CoreGroup.objects.filter(plan__person=existing).count(),
        "review_conferences": ReviewConference.objects.filter(plan__person=existing).count(),
        "cin_reviews": CINPlanReview.objects.filter(plan__person=existing).count(),
        "case_notes": CaseNote.objects.filter(person=existing).count(),
        "visits_seen": CaseNote.objects.filter(person=existing, child_seen=True).count(),
        "events": Event.objects.filter(person=existing).count(),
    }
    return existing, allocation.worker, counts


def long_history_children(limit: int, exclude: int) -> list[tuple[Person, Worker]]:
    """County children on a plan now with the most case notes, each with their allocated
    social worker."""
    ids = list(
        Plan.objects.filter(ended_on__isnull=True)
        .exclude(person_id=exclude)
        .annotate(n=Count("person__notes"))
        .order_by("-n", "person_id")
        .values_list("person_id", flat=True)[: limit * 3]
    )
    found = []
    for a in (
        Allocation.objects.filter(person_id__in=ids, end_date__isnull=True, role="social_worker")
        .select_related("person", "worker")
        .order_by("person_id")
    ):
        if a.person_id not in {p.pk for p, _ in found}:
            found.append((a.person, a.worker))
    return found[:limit]


def busiest_units(limit: int) -> list[OrgUnit]:
    score: dict[int, int] = {}
    for team_id in Assessment.objects.filter(completed_on__isnull=True).values_list(
        "team_id", flat=True
    ):
        score[team_id] = score.get(team_id, 0) + 1
    for team_id in Section47Enquiry.objects.filter(completed_on__isnull=True).values_list(
        "team_id", flat=True
    ):
        if team_id:
            score[team_id] = score.get(team_id, 0) + 1
    for team_id in Plan.objects.filter(
        ended_on__isnull=True, involvement__ended_on__isnull=True
    ).values_list("involvement__team_id", flat=True):
        if team_id:
            score[team_id] = score.get(team_id, 0) + 1
    ids = [pk for pk, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
    units = OrgUnit.objects.in_bulk(ids)
    return [units[i] for i in ids]


def manager_of(unit: OrgUnit, admin: Worker) -> Worker:
    m = (
        current_memberships()
        .filter(unit=unit, worker__role=Role.TEAM_MANAGER, worker__is_active=True)
        .select_related("worker")
        .order_by("worker_id")
        .first()
    )
    return m.worker if m else admin


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200, help="timings of the ten-year child")
    parser.add_argument("--children", type=int, default=40, help="county children to time")
    parser.add_argument("--units", type=int, default=20, help="busiest units to time")
    parser.add_argument("--rounds", type=int, default=10, help="rounds over children and units")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--label", default="", help="a note for the JSON record")
    parser.add_argument(
        "--page-size",
        type=int,
        default=None,
        help="experiment: the team view's assessments a page (10000: every one on the page, "
        "as before it was paged)",
    )
    args = parser.parse_args()
    if args.page_size:
        from kinfold.quality import team_view as team_view_module

        team_view_module.PAGE_SIZE = args.page_size

    import time_machine

    load_before = os.getloadavg()
    wall_start = dt.datetime.now(dt.UTC)
    county = SyntheticCounty.objects.order_by("-pk").first()
    if county is None:
        sys.exit("No synthetic county: run manage.py synth_county first.")
    noon = dt.datetime.combine(
        county.reference_date, dt.time(12), zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    time_machine.travel(noon, tick=True).start()
    today = timezone.localdate()

    t0 = time.perf_counter()
    child, worker, history = ten_year_child(today, args.seed)
    build_s = round(time.perf_counter() - t0, 1)
    admin, _ = Worker.objects.get_or_create(
        username="bench-child-stage-admin",
        defaults={"role": Role.ADMINISTRATOR, "first_name": "Bench", "last_name": "Admin"},
    )
    others = long_history_children(args.children, child.pk)
    units = busiest_units(args.units)
    viewers = {u.pk: manager_of(u, admin) for u in units}
    clients: dict[int, Client] = {}
    for w in {worker, *(w for _, w in others), *viewers.values()}:
        clients[w.pk] = Client()
        clients[w.pk].force_login(w)

    def child_page(person: Person, w: Worker) -> None:
        response = clients[w.pk].get(reverse("people:detail", args=[person.pk]))
        assert response.status_code == 200, response.status_code

    def team_page(unit: OrgUnit) -> None:
        response = clients[viewers[unit.pk].pk].get(reverse("quality:team", args=[unit.pk]))
        assert response.status_code == 200, response.status_code

    def stage_selector(person: Person) -> None:
        child_stage(
            person_id=person.pk,
            allocations=list(allocations_for_person(person_id=person.pk)),
        )

    def team_selector(unit: OrgUnit) -> None:
        team_view(unit_ids=unit.subtree_ids(), unit=unit, clock=Clock.current())

    for _ in range(3):  # warm: connections, templates, caches
        child_page(child, worker)
        for unit in units[:3]:
            team_page(unit)
    queries = {
        "child's page, ten-year child": count_queries(lambda: child_page(child, worker)),
        "child_stage() selector, ten-year child": count_queries(lambda: stage_selector(child)),
        "team manager's view (page)": count_queries(lambda: team_page(units[0])),
        "team_view() selector": count_queries(lambda: team_selector(units[0])),
    }
    if others:
        queries["child's page, county children"] = count_queries(lambda: child_page(*others[0]))
    samples: dict[str, list[float]] = {k: [] for k in queries}
    for _ in range(args.repeats):
        samples["child's page, ten-year child"].append(timed(lambda: child_page(child, worker)))
        samples["child_stage() selector, ten-year child"].append(
            timed(lambda: stage_selector(child))
        )
    for _ in range(args.rounds):
        for person, w in others:
            samples["child's page, county children"].append(
                timed(lambda p=person, w=w: child_page(p, w))
            )
        for unit in units:
            samples["team manager's view (page)"].append(timed(lambda u=unit: team_page(u)))
            samples["team_view() selector"].append(timed(lambda u=unit: team_selector(u)))
    load_after = os.getloadavg()

    sizes = []
    for unit in units:
        view = team_view(unit_ids=unit.subtree_ids(), unit=unit, clock=Clock.current())
        sizes.append(
            {
                "unit": unit.name,
                "assessments": len(view.assessments),
                "s47s": len(view.s47s),
                "icpcs": len(view.icpcs),
                "flagged": len(view.flagged),
                "visits": len(view.visits),
            }
        )
    results = {k: percentiles(v) for k, v in samples.items() if v}
    record = {
        "when": wall_start.isoformat(),
        "label": args.label,
        "page_size": args.page_size,
        "database": connection.vendor,
        "pinned_today": today.isoformat(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "county": {
            "children": county.children,
            "persons": Person.objects.count(),
            "open_assessments": Assessment.objects.filter(completed_on__isnull=True).count(),
            "open_s47s": Section47Enquiry.objects.filter(completed_on__isnull=True).count(),
            "open_plans": Plan.objects.filter(ended_on__isnull=True).count(),
            "case_notes": CaseNote.objects.count(),
        },
        "ten_year_child": {"person_id": child.pk, "built_s": build_s, **history},
        "county_children_timed": len(others),
        "units": sizes,
        "queries": queries,
        "results": results,
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"child-stage-{connection.vendor}-{wall_start:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(record, indent=2, default=str))
    print(f"load {load_before[0]:.2f} before, {load_after[0]:.2f} after; today {today}")
    print(f"ten-year child {child.pk}: {history}")
    print("| what | queries | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {queries.get(name, '')} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['p99_ms']} | {r['max_ms']} |"
        )
    print(f"units: {sizes[:5]}")
    print(f"JSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
