"""API submit throughput and latency under a bounded locust run on 127.0.0.1.

Builds a throwaway database (PostgreSQL by default), migrates it, issues a partner token,
serves Kinfold with gunicorn on 127.0.0.1 and runs locust headless for a fixed time with a
fixed number of simulated partner systems. Prints and writes the requests per second and the
p50/p95/p99 per request kind, and checks that retries made no second contact.

    .venv/bin/python benchmarks/api/bench_api.py --users 20 --seconds 60 \
        --database postgres://postgres@127.0.0.1:5432/kinfold_bench_api
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
BIN = Path(PY).parent


def run(*args: str, env: dict) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args[1:3])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/kinfold_bench_api"
    )
    parser.add_argument("--label", default="api")
    args = parser.parse_args()

    env = dict(
        os.environ,
        DATABASE_URL=args.database,
        SECRET_KEY="benchmark-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        KINFOLD_API_RATE_PER_MINUTE="1000000",
        DB_CONN_MAX_AGE="600",
    )
    if args.database.startswith("postgres"):
        name = args.database.rsplit("/", 1)[1]
        admin = args.database.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    run(PY, "manage.py", "migrate", "--no-input", env=env)
    # The generator runs only in demo mode; the server below does not.
    run(PY, "manage.py", "synth_county", "--children", "2000", env=dict(env, KINFOLD_DEMO="1"))
    partner = run(
        PY,
        "manage.py",
        "shell",
        "-c",
        "from kinfold.front_door.models import PartnerOrganisation as P;"
        "print(P.objects.filter(kind='police').order_by('pk').first().name)",
        env=env,
    )
    out = run(
        PY,
        "manage.py",
        "issue_api_token",
        "--partner",
        partner.strip().splitlines()[-1],
        "--name",
        "benchmark",
        env=env,
    )
    token = out.strip().splitlines()[-1].split()[-1]

    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kinfold.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{args.port}/api/v1/openapi.json",
                        headers={"X-Forwarded-Proto": "https"},
                    )
                )
                break
            except OSError:
                time.sleep(0.5)
        with tempfile.TemporaryDirectory() as folder:
            prefix = Path(folder) / "run"
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(Path(__file__).with_name("locustfile.py")),
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.spawn_rate),
                    "-t",
                    f"{args.seconds}s",
                    "--host",
                    f"http://127.0.0.1:{args.port}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                ],
                env=dict(env, KINFOLD_API_TOKEN=token),
                cwd=ROOT,
                check=False,
                capture_output=True,
            )
            with open(f"{prefix}_stats.csv") as stats:
                rows = list(csv.DictReader(stats))
    finally:
        server.terminate()
        server.wait()
    results = {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
        }
        for row in rows
    }
    check = run(
        PY,
        "manage.py",
        "shell",
        "-c",
        "from kinfold.front_door.models import Contact;"
        "from django.db.models import Count;"
        "print(Contact.objects.exclude(idempotency_key='').values('partner','idempotency_key')"
        ".annotate(n=Count('id')).filter(n__gt=1).count())",
        env=env,
    )
    results["duplicate_contacts_made"] = int(check.strip().splitlines()[-1])
    summary = {
        "label": args.label,
        "users": args.users,
        "seconds": args.seconds,
        "gunicorn_workers": args.workers,
        "load": os.getloadavg(),
        "results": results,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
