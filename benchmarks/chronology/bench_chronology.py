"""Chronology latency for a child with 2,000 events (issue 4, section 5): the chronology page
(`journey:chronology`) and its PDF export (`journey:chronology-pdf`), p50/p95 and the number
of queries, through Django's test client signed in as the child's allocated social worker,
with DEBUG off.

Runs against the synthetic county in DATABASE_URL (`manage.py synth_county`, which gives each
allocated child involvements, allocations, case notes and oversight with their events). The
child is the allocated child with the most events (or --person). When the child has fewer
than --events events, the script records case notes for them through the service
(`kinfold.journey.services.record_note`, each writing its note and its event, as a worker
would), titled "[bench] …", dated evenly over the child's time with the service, until the
child has --events events. Events are append-only, so these stay; a second run finds the
child already at --events and adds nothing.

To see whether the cost grows with the events, the page's query count is also taken for the
allocated child with the fewest events.

    createdb -h 127.0.0.1 -U postgres kinfold_bench_130k
    export KINFOLD_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_130k
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py synth_county --children 130000 --seed 2026 --today 2026-03-31
    .venv/bin/python benchmarks/chronology/bench_chronology.py --events 2000 --repeats 30

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.common import ROOT, percentiles, setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Count, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinfold.journey import selectors  # noqa: E402
from kinfold.journey.models import Event, Involvement  # noqa: E402
from kinfold.journey.notes import NoteType  # noqa: E402
from kinfold.journey.services import record_note  # noqa: E402
from kinfold.journey.views.chronology import rows_for  # noqa: E402
from kinfold.people.models import Person  # noqa: E402
from kinfold.workforce.models import AllocationRole, Worker  # noqa: E402
from kinfold.workforce.selectors import current_allocations  # noqa: E402
from synthetic.models import SyntheticCounty  # noqa: E402

MARK = "[bench]"


def allocated_children_by_events():
    """(person_id, worker_id, events) for children with a current social-worker allocation,
    most events first."""
    held = dict(
        current_allocations()
        .filter(role=AllocationRole.SOCIAL_WORKER, person__merged_into__isnull=True)
        .order_by("person_id", "-start_date")
        .values_list("person_id", "worker_id")
    )
    counts = dict(
        Event.objects.filter(person_id__in=list(held))
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    rows = [(p, w, counts.get(p, 0)) for p, w in held.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def top_up(person: Person, worker: Worker, target: int, today: dt.date, seed: int) -> int:
    """Record case notes through the service until the child has `target` events."""
    have = Event.objects.filter(person=person).count()
    need = max(0, target - have)
    if not need:
        return 0
    rng = random.Random(seed)
    first = Involvement.objects.filter(person=person).aggregate(m=Min("started_on"))["m"]
    first = first or today - dt.timedelta(days=3 * 365)
    span = max(1, (today - first).days - 1)
    zone = timezone.get_current_timezone()
    name = person.preferred_name or person.given_name
    with transaction.atomic():
        for i in range(need):
            day = first + dt.timedelta(days=int(span * i / need))
            at = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 7), rng.randrange(0, 60, 5)))
            visit = rng.random() < 0.6
            seen = visit and rng.random() < 0.9
            record_note(
                actor=worker,
                person=person,
                data={
                    "type": NoteType.HOME_VISIT if visit else NoteType.PHONE,
                    "occurred_at": at.replace(tzinfo=zone),
                    "title": f"{MARK} {'Home visit' if visit else 'Call with the parent'}",
                    "child_seen": seen if visit else None,
                    "seen_alone": (seen and rng.random() < 0.6) if visit else None,
                    "child_views": f"{name} talked about school and home." if seen else "",
                    "purpose": f"To see {name} and review the plan.",
                    "observation": f"{name} was settled; the home was tidy.",
                    "analysis": "No new concerns.",
                    "actions": "",
                },
            )
    return need


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events the child should have")
    parser.add_argument("--repeats", type=int, default=30, help="requests of each page")
    parser.add_argument("--pdf-repeats", type=int, default=None, help="default: --repeats")
    parser.add_argument("--person", type=int, default=None, help="the child (default: busiest)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    assert not settings.DEBUG, "measure with DEBUG off"
    wall_start = dt.datetime.now(dt.UTC)

    county = SyntheticCounty.objects.order_by("-pk").first()
    today = county.reference_date if county else timezone.localdate()
    children = allocated_children_by_events()
    if not children:
        sys.exit("No child has a current social worker: run manage.py synth_county first.")
    chosen = next((c for c in children if c[0] == args.person), None) if args.person else None
    person_id, worker_id, before = chosen or children[0]
    fewest = next((c for c in reversed(children) if c[2] > 0), children[-1])
    person, worker = Person.objects.get(pk=person_id), Worker.objects.get(pk=worker_id)

    t0 = time.perf_counter()
    added = top_up(person, worker, args.events, min(today, timezone.localdate()), args.seed)
    setup_s = time.perf_counter() - t0
    if connection.vendor == "postgresql" and added:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE journey_event")
            cursor.execute("ANALYZE journey_casenote")
    events = Event.objects.filter(person=person).count()

    client = Client()
    client.force_login(worker)
    page_url = reverse("journey:chronology", args=[person.pk])
    pdf_url = reverse("journey:chronology-pdf", args=[person.pk])

    other = Client()  # the allocated worker of the child with the fewest events
    other.force_login(Worker.objects.get(pk=fewest[1]))

    def get(url: str, by: Client = client) -> tuple[float, int]:
        started = time.perf_counter()
        response = by.get(url)
        took = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return took, len(response.content)

    def queries(url: str, by: Client = client) -> int:
        get(url, by)  # warm
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            get(url, by)
        return len(captured)

    for _ in range(2):  # warm up: connection, templates, fonts
        get(page_url)
    get(pdf_url)
    counted = {
        "page": queries(page_url),
        "pdf": queries(pdf_url),
        "page, child with fewest events": queries(
            reverse("journey:chronology", args=[fewest[0]]), other
        ),
    }
    # The page's parts: the selector and rows (Python, no template), then the whole page.
    select_rows: list[float] = []
    page: list[float] = []
    pdf: list[float] = []
    sizes = {}
    for _ in range(args.repeats):
        started = time.perf_counter()
        rows = rows_for(selectors.chronology(worker=worker, person_id=person.pk), worker)
        select_rows.append(time.perf_counter() - started)
        took, sizes["page_bytes"] = get(page_url)
        page.append(took)
    for _ in range(args.pdf_repeats or args.repeats):
        took, sizes["pdf_bytes"] = get(pdf_url)
        pdf.append(took)
    sizes["rows"] = len(rows)

    results = {
        "selector + rows (no template)": percentiles(select_rows),
        "chronology page": percentiles(page),
        "chronology PDF": percentiles(pdf),
    }
    record = {
        "at": wall_start.isoformat(),
        "database": connection.vendor,
        "persons": Person.objects.count(),
        "events_in_county": Event.objects.count(),
        "child": person.pk,
        "child_events_before": before,
        "child_events": events,
        "events_added": added,
        "setup_s": round(setup_s, 1),
        "fewest_events_child": {"person": fewest[0], "events": fewest[2]},
        "queries": counted,
        "sizes": sizes,
        "results": results,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    stamp = wall_start.strftime("%Y%m%d-%H%M%S")
    (out / f"chronology-{connection.vendor}-{stamp}.json").write_text(
        json.dumps(record, indent=2, default=str)
    )
    print(
        f"\n{connection.vendor}; child {person.pk}: {events:,} events ({added:,} added in "
        f"{setup_s:.1f} s; {sizes['rows']:,} rows shown); page {sizes['page_bytes']:,} bytes, "
        f"PDF {sizes['pdf_bytes']:,} bytes; queries: {counted}; load {os.getloadavg()}\n"
    )
    print("| what | n | p50 (ms) | p95 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['n']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} |")


if __name__ == "__main__":
    main()
