"""Recomputing due dates after a timescale change: 100,000 open items (issue 4, section 5).

Uses the stand-in stage of the tests (tests.timescales_testapp, installed with
KINFOLD_TESTING=1), registered exactly as a stage registers its items. The database in
DATABASE_URL is migrated, its TimedItem rows replaced, then:

- "assessments": N open items on a date field, triggers spread over two years (about 730
  distinct dates), plus N/5 completed items that must not move; the single-assessment
  timescale is changed 45 -> 40 working days (and back), timed as the preview and as the
  change the administrator confirms (change_rule: new rule version, recompute, audit);
- "MASH amber": N open items on a datetime field, every trigger a different moment (the worst
  case: one CASE branch per item); 24 -> 16 working hours (and back);
- a closure day added: every registered rule counted in working time is recomputed.

    KINFOLD_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_ts \\
        .venv/bin/python benchmarks/timescales/bench_recompute.py --items 100000

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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfold.settings")
os.environ.setdefault("KINFOLD_TESTING", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kinfold_bench_ts")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinfold.timescales.calendar import clear_cache  # noqa: E402
from kinfold.timescales.models import ClosureDay, Rule, rule_for  # noqa: E402
from kinfold.timescales.services import (  # noqa: E402
    add_closure_day,
    change_rule,
    preview_rule_change,
)
from kinfold.workforce.models import Role, Worker  # noqa: E402

if "tests.timescales_testapp" not in settings.INSTALLED_APPS:
    sys.exit("Run with KINFOLD_TESTING=1: the benchmark uses the test app's items.")

from tests.timescales_testapp.models import TimedItem  # noqa: E402

LONDON = timezone.get_default_timezone()
# A fixed "today", so runs are comparable: Monday 2 March 2026.
TODAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def populate(n: int, seed: int) -> None:
    rng = random.Random(seed)
    TimedItem.objects.all().delete()
    # Start from the defaults each run (a benchmark database only: rules are never deleted).
    Rule.objects.filter(changed_by__isnull=False).delete()
    ClosureDay.objects.all().delete()
    first = dt.date(2024, 3, 1)
    batch = []

    def flush():
        TimedItem.objects.bulk_create(batch, batch_size=5000)
        batch.clear()

    for i in range(n + n // 5):
        trigger = first + dt.timedelta(days=rng.randrange(730))
        done = timezone.now() if i >= n else None
        batch.append(
            TimedItem(rule_code="assessment.single", trigger_date=trigger, completed_at=done)
        )
        if len(batch) >= 20000:
            flush()
    start = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC)
    for i in range(n):
        moment = start + dt.timedelta(seconds=37 * i + rng.randrange(37))
        batch.append(TimedItem(rule_code="mash.rag.amber", trigger_at=moment))
        if len(batch) >= 20000:
            flush()
    flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {TimedItem._meta.db_table}")


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    admin, _ = Worker.objects.get_or_create(
        username="bench-admin",
        defaults={"role": Role.ADMINISTRATOR, "first_name": "Bench", "last_name": "Admin"},
    )
    t_populate, _ = timed(lambda: populate(args.items, args.seed))
    rows = []
    with time_machine.travel(TODAY, tick=True):
        clear_cache()
        # Fill every due date once, as the stages would have when the items were created.
        from kinfold.timescales.registry import recompute

        t_fill, _ = timed(
            lambda: [
                recompute(code, actor=admin, reason="initial due dates")
                for code in ("assessment.single", "mash.rag.amber")
            ]
        )
        for code, unit, pair in (
            ("assessment.single", "working_days", (40, 45)),
            ("mash.rag.amber", "working_hours", (16, 24)),
        ):
            for amount in pair:
                if rule_for(code).amount == amount:
                    continue
                change = {
                    "code": code,
                    "amount": amount,
                    "unit": unit,
                    "effective_from": TODAY.date(),
                    "reason": "benchmark",
                }
                t_preview, preview = timed(lambda c=change: preview_rule_change(actor=admin, **c))
                t_change, result = timed(lambda c=change: change_rule(actor=admin, **c))
                rows.append(
                    {
                        "scenario": f"{code} -> {amount} {unit.replace('_', ' ')}",
                        "open_items": result.recomputed.open_items,
                        "moved": result.recomputed.moved,
                        "preview_s": round(t_preview, 2),
                        "change_s": round(t_change, 2),
                        "preview_moved": preview.moved,
                    }
                )
        t_closure, closure = timed(
            lambda: add_closure_day(
                actor=admin, date=dt.date(2026, 3, 27), reason="benchmark closure"
            )
        )
        rows.append(
            {
                "scenario": "closure day Fri 27 Mar 2026 (all working-time rules)",
                "open_items": sum(r.open_items for r in closure.recomputed),
                "moved": closure.moved,
                "preview_s": None,
                "change_s": round(t_closure, 2),
                "preview_moved": None,
            }
        )
    record = {
        "at": timezone.now().isoformat(),
        "database": connection.vendor,
        "items_per_rule": args.items,
        "populate_s": round(t_populate, 1),
        "initial_fill_s": round(t_fill, 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "rows": rows,
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"timescales-{connection.vendor}-{stamp}.json").write_text(json.dumps(record, indent=2))
    print(f"\n{connection.vendor}, {args.items:,} open items per rule")
    print(f"populate {t_populate:.1f} s; first fill of all due dates {t_fill:.2f} s\n")
    print("| change | open items | moved | preview (s) | change (s) |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        preview = "—" if r["preview_s"] is None else f"{r['preview_s']:.2f}"
        print(
            f"| {r['scenario']} | {r['open_items']:,} | {r['moved']:,} | {preview} "
            f"| {r['change_s']:.2f} |"
        )


if __name__ == "__main__":
    main()
