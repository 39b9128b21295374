"""Benchmark: `synth_county` at a given size on a fresh SQLite file and a fresh PostgreSQL
database; wall time and peak memory (ru_maxrss) of the synth_county process.

    .venv/bin/python benchmarks/synth/run.py --children 130000 300000 --backend sqlite postgres

SQLite files go to benchmarks/out/synth-<N>.sqlite3; the PostgreSQL database is
`kinfold_bench_synth` (dropped and created for each run; the last run's is kept). Results are
appended as JSON lines to benchmarks/out/synth-results.jsonl and printed as a Markdown row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "kinfold_bench_synth"


def _pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def _run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a child process; return its wall time (s) and peak resident memory (KiB)."""
    started = time.monotonic()
    proc = subprocess.Popen(args, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}")
    return time.monotonic() - started, usage.ru_maxrss


def _fresh_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')


def bench(children: int, backend: str, seed: int, today: str) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = round(os.getloadavg()[0], 2)
    if backend == "sqlite":
        path = OUT / f"synth-{children // 1000}k.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        _fresh_postgres()
        url = _pg_url(PG_DB)
    env = {**os.environ, "DATABASE_URL": url, "KINFOLD_DEMO": "1"}
    env.pop("DEBUG", None)
    _run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
    command = [
        PYTHON,
        "manage.py",
        "synth_county",
        "--children",
        str(children),
        "--seed",
        str(seed),
        "--today",
        today,
        "--no-progress",
        "-v0",
    ]
    wall, rss_kib = _run(command, env)
    result = {
        "date": dt.date.today().isoformat(),
        "backend": backend,
        "children": children,
        "seed": seed,
        "today": today,
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(rss_kib / 1024),
        "database": str(path.relative_to(ROOT)) if backend == "sqlite" else PG_DB,
        "counts": _counts(env),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
    }
    with (OUT / "synth-results.jsonl").open("a") as f:
        f.write(json.dumps(result) + "\n")
    print(
        f"| {backend} | {children:,} | {result['wall_s']:.0f} s | {result['peak_rss_mib']} MiB |"
        f" {result['counts'].get('people.Person', 0):,} | "
        f"{result['counts'].get('planted_duplicates', 0):,} |",
        flush=True,
    )
    return result


def _counts(env: dict[str, str]) -> dict:
    code = (
        "from synthetic.models import SyntheticCounty as S;import json;"
        "print(json.dumps(S.objects.latest('pk').counts))"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, nargs="+", default=[130_000, 300_000])
    parser.add_argument(
        "--backend", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"]
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="2026-03-31")
    args = parser.parse_args()
    print("| backend | children | wall | peak memory | persons | planted duplicates |")
    print("|---|---:|---:|---:|---:|---:|")
    for children in args.children:
        for backend in args.backend:
            bench(children, backend, args.seed, args.today)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
