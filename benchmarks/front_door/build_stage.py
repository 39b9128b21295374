"""Benchmark: the front door stage (synthetic/front_door.py) alone, on a county that
`synth_county` made without it (or with fewer years of it): wall time and peak memory.

    createdb -h 127.0.0.1 -U postgres kinfold_bench_front_door
    export KINFOLD_DEMO=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_front_door
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/front_door/build_stage.py --children 140000   # the county
    .venv/bin/python benchmarks/front_door/build_stage.py --years 10          # the stage, timed

On an empty database it makes the county without the front door stage (and the early help
stage after it), as `synth_county --children N --seed 2026 --today 2026-03-31` would, and
stops.
It reads the county's options from its `SyntheticCounty` row (children, seed, today), refuses a
county that already has contacts, runs the stage with `--years` of contacts, runs ANALYZE, and
prints the time, the peak resident memory of this process (ru_maxrss: Django and the stage) and
the rows made. The record is appended to benchmarks/out/front-door-build.jsonl.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.common import ROOT, setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from kinfold.front_door.models import Contact  # noqa: E402
from synthetic import county as county_module  # noqa: E402
from synthetic.county import generate, is_empty  # noqa: E402
from synthetic.front_door import build_front_door  # noqa: E402
from synthetic.models import SyntheticCounty  # noqa: E402
from synthetic.pipeline import Context, Options, make_progress  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10, help="years of front door contacts")
    parser.add_argument("--children", type=int, default=140_000, help="for a new county")
    parser.add_argument("--seed", type=int, default=2026, help="for a new county")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 3, 31))
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args()
    if is_empty():
        county_module.STAGES = [
            s for s in county_module.STAGES if s.name not in ("Front door", "Early help episodes")
        ]
        started = time.monotonic()
        generate(
            Options(children=args.children, years=3, seed=args.seed, today=args.today),
            progress=make_progress(args.progress),
        )
        print(f"County without the front door made in {time.monotonic() - started:.0f} s")
        print("Run this again to time the front door stage on it.")
        return
    county = SyntheticCounty.objects.filter(completed=True).latest("pk")
    if Contact.objects.exists():
        raise SystemExit("This county already has contacts: make a fresh one first")
    options = Options(
        children=county.children,
        years=county.years,
        seed=county.seed,
        today=county.reference_date,
        front_door_years=args.years,
    )
    ctx = Context(options=options, la_code=settings.LA_CODE, la_name=settings.LA_NAME)
    load_before = os.getloadavg()
    started = time.monotonic()
    with make_progress(args.progress) as progress:
        task = progress.add_task("Front door", total=None)
        build_front_door(ctx, lambda n: progress.advance(task, n))
    stage_s = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total_s = time.monotonic() - started
    record = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "children": county.children,
        "seed": county.seed,
        "today": county.reference_date.isoformat(),
        "years": args.years,
        "stage_s": round(stage_s, 1),
        "with_analyze_s": round(total_s, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "counts": dict(sorted(ctx.counts.items())),
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "front-door-build.jsonl").open("a") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
