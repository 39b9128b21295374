"""Front door page latency: p50/p95/p99/max of the front door view (`front_door:dashboard`) and
the MASH worklist (`front_door:mash-list`, all / mine / unassigned / red), through Django's test
client, on a county with years of contacts (goal: p95 <= 100 ms on PostgreSQL).

    export KINFOLD_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_front_door
    .venv/bin/python benchmarks/front_door/bench_pages.py --repeats 40 --explain

Signed in as the front door's managers and MASH workers of the county (team managers of the
Integrated Front Door, the contact centre and the MASH; MASH practitioners who own open
enquiries), in turn. The clock is pinned (time-machine, ticking) to noon on the county's
reference date, so the queue at --today is the county's. `--explain` prints EXPLAIN (ANALYZE,
BUFFERS) of each page's slowest query. Prints Markdown tables for RESULTS.md and writes the
record to benchmarks/out/front-door-pages.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import zoneinfo
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.common import ROOT, percentiles, setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from kinfold.front_door.models import Contact, MashEnquiry  # noqa: E402
from kinfold.journey.models import Event  # noqa: E402
from kinfold.workforce.models import Role, TeamMembership, UnitFunction, Worker  # noqa: E402
from synthetic.models import SyntheticCounty  # noqa: E402

PAGES = {
    "front door view": ("front_door:dashboard", {}),
    "MASH worklist (all)": ("front_door:mash-list", {}),
    "MASH worklist (mine)": ("front_door:mash-list", {"show": "mine"}),
    "MASH worklist (unassigned)": ("front_door:mash-list", {"show": "unassigned"}),
    "MASH worklist (red)": ("front_door:mash-list", {"rag": "red"}),
}


def viewers(limit: int) -> list[Worker]:
    """The front door's managers, and MASH workers with open enquiries."""
    front = [UnitFunction.FRONT_DOOR, UnitFunction.CONTACT_CENTRE, UnitFunction.MASH]
    managers = Worker.objects.filter(
        is_active=True,
        role=Role.TEAM_MANAGER,
        pk__in=TeamMembership.objects.filter(
            unit__function__in=front, end_date__isnull=True
        ).values("worker_id"),
    )
    owners = Worker.objects.filter(
        is_active=True,
        pk__in=MashEnquiry.objects.filter(completed_at__isnull=True).values("owner_id"),
    )
    return list((managers | owners).distinct().order_by("pk")[:limit])


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--out", default="front-door-pages.json", help="in benchmarks/out/")
    args = parser.parse_args()

    import time_machine

    wall = dt.datetime.now(dt.UTC)  # before the clock is pinned
    county = SyntheticCounty.objects.order_by("-pk").first()
    if county is None or not Contact.objects.exists():
        sys.exit("No county with contacts: see benchmarks/front_door/build_stage.py")
    noon = dt.datetime.combine(
        county.reference_date, dt.time(12, 0), zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    time_machine.travel(noon, tick=True).start()

    people = viewers(args.viewers)
    if not people:
        sys.exit("No front door manager or MASH worker in this county")
    clients = {}
    for worker in people:
        clients[worker.pk] = Client()
        clients[worker.pk].force_login(worker)

    def get(worker: Worker, page: str) -> None:
        name, params = PAGES[page]
        response = clients[worker.pk].get(reverse(name), params)
        assert response.status_code == 200, (page, response.status_code)

    load_before = os.getloadavg()
    samples: dict[str, list[float]] = {page: [] for page in PAGES}
    queries: dict[str, int] = {}
    slowest: dict[str, dict] = {}
    for page in PAGES:  # warm up, then count the queries and find the slowest
        get(people[0], page)
        with CaptureQueriesContext(connection) as captured:
            get(people[0], page)
        queries[page] = len(captured)
        reads = [q for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]
        top = max(reads, key=lambda q: float(q["time"]))
        slowest[page] = {"ms": round(float(top["time"]) * 1000, 1), "sql": top["sql"]}
    for _ in range(args.repeats):
        for worker in people:
            for page in PAGES:
                t0 = time.perf_counter()
                get(worker, page)
                samples[page].append(time.perf_counter() - t0)

    results = {page: percentiles(s) for page, s in samples.items()}
    contacts = Contact.objects.count()
    statuses = Counter(Contact.objects.values_list("status", flat=True))
    record = {
        "when": wall.isoformat(timespec="seconds"),
        "load_before": [round(x, 2) for x in load_before],
        "database": connection.vendor,
        "pinned_to": noon.isoformat(),
        "county": {"children": county.children, "seed": county.seed},
        "contacts": contacts,
        "open": {k: v for k, v in statuses.items() if k not in ("done", "routed")},
        "open_mash": MashEnquiry.objects.filter(completed_at__isnull=True).count(),
        "events": Event.objects.count(),
        "viewers": [w.role for w in people],
        "repeats": args.repeats,
        "queries": queries,
        "results": results,
        "slowest_query": slowest,
        "load": [round(x, 2) for x in os.getloadavg()],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
    }
    if args.explain:
        for page in PAGES:
            sql = slowest[page]["sql"]
            record["slowest_query"][page]["plan"] = explain(sql, None)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / args.out).write_text(json.dumps(record, indent=2, default=str))

    print(f"{contacts:,} contacts; open: {record['open']}; open MASH {record['open_mash']:,}")
    print(
        f"load before {record['load_before']}, after {record['load']}; "
        f"viewers {len(people)} x {args.repeats} rounds\n"
    )
    print("| page | queries | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for page, r in results.items():
        print(
            f"| {page} | {queries[page]} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['p99_ms']} | {r['max_ms']} |"
        )
    print("\nSlowest query of each page (one warm run):")
    for page, q in slowest.items():
        print(f"- {page}: {q['ms']} ms: {q['sql'][:300]}")
        if "plan" in q:
            print("\n".join("    " + line for line in q["plan"].splitlines()))


if __name__ == "__main__":
    main()
