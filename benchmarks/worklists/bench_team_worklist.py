"""Team worklist latency: p50/p95/p99/max of "My team" (issue 4, section 5: goal p95 <= 100 ms
on PostgreSQL at the 130,000-child county), and of "My work" beside it.

Runs against the synthetic county in DATABASE_URL (`manage.py synth_county`). Timed:

- `team_work(unit=…)`, the selector the team page calls (members, rules, one grouped count
  query per source of work), for each case-holding team in turn;
- the team page itself through Django's test client (`timescales:team?unit=…`, signed in as a
  manager of the team, or as an administrator where a team has none): session, access
  check, selector and template;
- `worklist(owner=…)`, the selector "My work" calls, and the My work page, for workers with
  open work.

Work to list. `synth_county` makes supervision with case discussions and actions (issue 4,
section 5): about monthly for every worker holding cases, actions done on time, done late,
open and overdue, open and not yet due, relative to the county's `--today`. The script uses
those. Only when the county has no open action (a county made before that stage) or with
--regenerate does it add its own, deterministically (--seed): for each worker holding a
current social-worker allocation, --per-worker open actions about their allocated children,
due dates spread uniformly from 60 days before to 60 days after today, set by a team manager
of the worker's team (else by the worker), plus one completed action in five that must not be
counted. They are marked "[bench]" in their description; --regenerate replaces only those.
Stage items registered with an owner (assessments, visits, reviews) are counted too once the
stages exist: each is one more grouped query per page.

The clock is pinned (time-machine, ticking) to --today, by default the county's reference
date, so that the county's items are overdue, due this week or later as the county meant
them, not all overdue because the wall clock has moved on.

    createdb -h 127.0.0.1 -U postgres kinfold_bench_wl
    export KINFOLD_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_wl
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py synth_county --children 130000 --seed 2026 --today 2026-03-31
    .venv/bin/python benchmarks/worklists/bench_team_worklist.py --repeats 30

Prints a Markdown table for RESULTS.md and writes a JSON record to benchmarks/out/.
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
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinfold.journey.oversight import Action  # noqa: E402
from kinfold.people.models import Person  # noqa: E402
from kinfold.timescales import worklists  # noqa: E402
from kinfold.workforce.models import AllocationRole, OrgUnit, Role, Worker  # noqa: E402
from kinfold.workforce.selectors import current_allocations, current_memberships  # noqa: E402
from synthetic.models import SyntheticCounty  # noqa: E402

MARK = "[bench]"
WHAT = (
    "Visit and see the child alone",
    "Send the plan to the family",
    "Chase the school for attendance",
    "Book the core group",
    "Ring the GP about the health check",
    "Update the chronology",
    "Arrange a family network meeting",
)


def add_actions(*, per_worker: int, seed: int, today: dt.date) -> int:
    """Open actions for every allocated social worker (and completed ones), deterministic."""
    rng = random.Random(seed)
    Action.objects.filter(description__startswith=MARK).delete()
    held: dict[int, list[int]] = {}
    for worker_id, person_id in (
        current_allocations()
        .filter(role=AllocationRole.SOCIAL_WORKER, person__merged_into__isnull=True)
        .order_by("worker_id", "person_id")
        .values_list("worker_id", "person_id")
        .distinct()
    ):
        held.setdefault(worker_id, []).append(person_id)
    managers: dict[int, int] = {}
    for unit_id, worker_id in (
        current_memberships()
        .filter(worker__role=Role.TEAM_MANAGER)
        .order_by("unit_id", "worker_id")
        .values_list("unit_id", "worker_id")
    ):
        managers.setdefault(unit_id, worker_id)
    team_of = dict(
        current_memberships()
        .filter(worker_id__in=held)
        .order_by("worker_id", "-start_date")
        .values_list("worker_id", "unit_id")
    )
    rows = []
    for worker_id, children in held.items():
        set_by = managers.get(team_of.get(worker_id, -1), worker_id)
        for i in range(per_worker + per_worker // 4 + 1):
            due = today + dt.timedelta(days=rng.randint(-60, 60))
            done = i > per_worker
            rows.append(
                Action(
                    description=f"{MARK} {rng.choice(WHAT)}",
                    owner_id=worker_id,
                    due_date=due,
                    person_id=rng.choice(children),
                    set_on=due - dt.timedelta(days=rng.randint(7, 60)),
                    set_by_id=set_by,
                    completed_at=timezone.now() if done else None,
                    completed_by_id=worker_id if done else None,
                )
            )
    Action.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Action._meta.db_table}")
    return len(rows)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def teams_with_work(limit: int) -> list[OrgUnit]:
    """The case-holding teams with most current members (ties by pk), up to `limit`."""
    ids = [
        row["unit_id"]
        for row in current_memberships()
        .filter(unit__kind="team", unit__active=True)
        .values("unit_id")
        .annotate(n=Count("worker_id", distinct=True))
        .order_by("-n", "unit_id")[:limit]
    ]
    units = OrgUnit.objects.in_bulk(ids)
    return [units[i] for i in ids]


def viewer_for(unit: OrgUnit, admin: Worker) -> Worker:
    manager = (
        current_memberships()
        .filter(unit=unit, worker__role=Role.TEAM_MANAGER)
        .select_related("worker")
        .order_by("worker_id")
        .first()
    )
    return manager.worker if manager else admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-worker", type=int, default=12, help="open actions per worker")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--teams", type=int, default=40, help="teams to time (largest first)")
    parser.add_argument("--repeats", type=int, default=20, help="rounds over the teams")
    parser.add_argument("--regenerate", action="store_true", help="replace the [bench] actions")
    parser.add_argument("--no-pages", action="store_true", help="time the selectors only")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="pin the clock to this day (default: the county's reference date)",
    )
    args = parser.parse_args()

    import time_machine

    wall_start, perf_start = dt.datetime.now(dt.UTC), time.perf_counter()  # before the pin
    county = SyntheticCounty.objects.order_by("-pk").first()
    pinned = args.today or (county.reference_date if county else None)
    if pinned is not None:
        noon = dt.datetime.combine(pinned, dt.time(12, 0), zoneinfo.ZoneInfo(settings.TIME_ZONE))
        time_machine.travel(noon, tick=True).start()
    today = timezone.localdate()
    t0 = time.perf_counter()
    added = 0
    if args.regenerate or not Action.objects.filter(completed_at__isnull=True).exists():
        added = add_actions(per_worker=args.per_worker, seed=args.seed, today=today)
    setup_s = time.perf_counter() - t0
    admin, _ = Worker.objects.get_or_create(
        username="bench-worklists-admin",
        defaults={"role": Role.ADMINISTRATOR, "first_name": "Bench", "last_name": "Admin"},
    )
    teams = teams_with_work(args.teams)
    if not teams:
        sys.exit("No team has current members: run manage.py synth_county first.")
    owners = list(
        Worker.objects.filter(
            pk__in=Action.objects.filter(completed_at__isnull=True).values("owner_id")
        ).order_by("pk")[: args.teams]
    )
    sizes = {u.pk: len(worklists.team_workers(u)) for u in teams}
    viewers = {u.pk: viewer_for(u, admin) for u in teams}
    clients: dict[int, Client] = {}
    for worker in {*viewers.values(), *owners}:
        clients[worker.pk] = Client()
        clients[worker.pk].force_login(worker)

    samples: dict[str, list[float]] = {
        "team_work() selector": [],
        "team page (test client)": [],
        "worklist() selector (My work)": [],
        "My work page (test client)": [],
    }
    queries: dict[str, int] = {}

    def team_page(unit: OrgUnit) -> None:
        response = clients[viewers[unit.pk].pk].get(reverse("timescales:team"), {"unit": unit.pk})
        assert response.status_code == 200, response.status_code

    def my_work_page(worker: Worker) -> None:
        response = clients[worker.pk].get(reverse("timescales:my-work"))
        assert response.status_code == 200, response.status_code

    # Warm up (connections, template loading, the closure-day cache), then count queries once.
    for unit in teams[:3]:
        worklists.team_work(unit=unit)
        if not args.no_pages:
            team_page(unit)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        worklists.team_work(unit=teams[0])
    queries["team_work() selector"] = len(captured)
    if not args.no_pages:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            team_page(teams[0])
        queries["team page (test client)"] = len(captured)

    for _ in range(args.repeats):
        for unit in teams:
            samples["team_work() selector"].append(
                timed(lambda u=unit: worklists.team_work(unit=u))
            )
            if not args.no_pages:
                samples["team page (test client)"].append(timed(lambda u=unit: team_page(u)))
        for worker in owners:
            samples["worklist() selector (My work)"].append(
                timed(lambda w=worker: worklists.worklist(owner=w))
            )
            if not args.no_pages:
                samples["My work page (test client)"].append(
                    timed(lambda w=worker: my_work_page(w))
                )
        reset_queries()

    explain = ""
    if connection.vendor == "postgresql":
        # The team whose members own the most open actions (the largest team may own none).
        members = {u.pk: [w.pk for w in worklists.team_workers(u)] for u in teams}
        busiest = max(
            teams,
            key=lambda u: (
                Action.objects.filter(completed_at__isnull=True, owner_id__in=members[u.pk])
            ).count(),
        )
        query = worklists.ACTIONS.counts_query(members[busiest.pk], worklists.Clock.current())
        explain = f"{busiest.name} ({len(members[busiest.pk])} workers)\n" + query.explain(
            analyze=True
        )

    results = {name: percentiles(s, digits=2) for name, s in samples.items() if s}
    open_actions = Action.objects.filter(completed_at__isnull=True)
    record = {
        # The wall clock, not the pinned one.
        "at": (wall_start + dt.timedelta(seconds=time.perf_counter() - perf_start)).isoformat(),
        "database": connection.vendor,
        "today": today.isoformat(),
        "clock_pinned": pinned is not None,
        "persons": Person.objects.count(),
        "open_actions": open_actions.count(),
        "open_actions_overdue": open_actions.filter(due_date__lt=today).count(),
        "open_actions_per_owner_max": max(
            open_actions.values("owner_id")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
            .order_by("-n")[:1],
            default=0,
        ),
        "actions": Action.objects.count(),
        "actions_added": added,
        "setup_s": round(setup_s, 2),
        "teams": len(teams),
        "team_sizes": sorted(sizes.values(), reverse=True),
        "owners_timed": len(owners),
        "repeats": args.repeats,
        "sources": [s.key for s in worklists.sources()],
        "queries": queries,
        "results": results,
        "explain_actions_counts": explain,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    stamp = wall_start.strftime("%Y%m%d-%H%M%S")
    (out / f"worklists-{connection.vendor}-{stamp}.json").write_text(
        json.dumps(record, indent=2, default=str)
    )
    print(
        f"\n{connection.vendor}; today {today} (pinned: {record['clock_pinned']}); "
        f"{record['open_actions']:,} open actions "
        f"({record['open_actions_overdue']:,} overdue) "
        f"({record['actions']:,} in all, {added:,} added in {setup_s:.1f} s); "
        f"{len(teams)} teams of {min(sizes.values())}-{max(sizes.values())} workers; "
        f"sources: {', '.join(record['sources'])}; queries: {queries}\n"
    )
    print("| what | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['n']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['max_ms']:.1f} |"
        )
    if explain:
        print("\nEXPLAIN ANALYZE of the actions count for the team with most open actions:\n")
        print(explain)


if __name__ == "__main__":
    main()
