"""Person search latency: p50/p95/p99/max of `search_persons` as the search page calls it.

Runs against the database in DATABASE_URL (PostgreSQL or SQLite) holding a synthetic county.
The queries are drawn deterministically (--seed) from the persons in the database: exact full
names, names with one typo, given and family swapped, family name only, name with date of
birth, NHS number, UPN, postcode, and hyphenated or accented spellings. Each query is timed
around the same call the page makes (kinfold.people.views.search): ranking, the visibility
decision and result building (search_results), and the audit row every search writes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_synth KINFOLD_DEMO=1 \\
        .venv/bin/python benchmarks/search/bench_search.py --queries 600 --explain 5

Writes a JSON record to benchmarks/out/ and prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfold.settings")
os.environ.setdefault("KINFOLD_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinfold.access.visibility import reach_of  # noqa: E402
from kinfold.people import search as search_module  # noqa: E402
from kinfold.people.models import Address, Person  # noqa: E402
from kinfold.people.views.search import RESULTS_SHOWN  # noqa: E402
from kinfold.workforce.models import Role, TeamMembership, Worker  # noqa: E402

# Share of each kind of query in the mix (a front door and a duty desk search mostly by name).
MIX = {
    "exact full name": 18,
    "misspelt name (one edit)": 14,
    "swapped given/family": 8,
    "family name only": 10,
    "name + date of birth": 12,
    "NHS number": 8,
    "UPN": 7,
    "postcode": 8,
    "hyphen variant": 7,
    "accent variant": 8,
}
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}
KEYBOARD_NEIGHBOURS = {
    "a": "s",
    "b": "v",
    "c": "x",
    "d": "s",
    "e": "r",
    "f": "g",
    "g": "h",
    "h": "j",
    "i": "o",
    "j": "k",
    "k": "l",
    "l": "k",
    "m": "n",
    "n": "m",
    "o": "p",
    "p": "o",
    "r": "t",
    "s": "a",
    "t": "y",
    "u": "i",
    "v": "b",
    "w": "e",
    "y": "u",
}


@dataclass
class Query:
    kind: str
    target: int
    criteria: dict

    def describe(self) -> str:
        shown = {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.criteria.items()
        }
        return json.dumps(shown, ensure_ascii=False)


@dataclass
class Timing:
    kind: str
    total_ms: float
    rank_ms: float
    build_ms: float
    audit_ms: float
    results: int
    found: bool
    criteria: str


@dataclass
class Run:
    vendor: str
    worker: str
    reach: str
    timings: list[Timing] = field(default_factory=list)


# ---- drawing the queries -------------------------------------------------------------------


def one_typo(word: str, rng: random.Random) -> str:
    """One edit (a letter wrong, missing, doubled or two swapped) away from a word of five
    letters or more, never at the first letter (people rarely mistype that)."""
    letters = list(word)
    lower = [i for i in range(1, len(letters)) if letters[i].isalpha()]
    i = rng.choice(lower)
    kind = rng.choice(["substitute", "delete", "transpose", "double"])
    ch = letters[i].lower()
    if kind == "substitute":
        letters[i] = KEYBOARD_NEIGHBOURS.get(ch, "e" if ch != "e" else "a")
    elif kind == "delete":
        del letters[i]
    elif kind == "transpose" and i + 1 < len(letters) and letters[i] != letters[i + 1]:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters.insert(i, letters[i])
    typed = "".join(letters)
    return typed if typed.lower() != word.lower() else typed + "e"


def accent_variant(name: str, rng: random.Random) -> str:
    """An accented name typed without its accents, or a plain name typed with one."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if folded != name:
        return folded
    spots = [i for i, c in enumerate(name) if i > 0 and c in ACCENTED]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + ACCENTED[name[i]] + name[i + 1 :]


def hyphen_variant(family: str, rng: random.Random) -> str:
    if "-" in family:
        return rng.choice([family.replace("-", " "), family.replace("-", "")])
    if "'" in family:
        return family.replace("'", "")
    return family


def draw_queries(n: int, seed: int) -> list[Query]:
    rng = random.Random(seed)
    today = timezone.localdate()
    base = Person.objects.filter(merged_into__isnull=True)
    ids = list(base.order_by("pk").values_list("pk", flat=True))
    sample_ids = rng.sample(ids, min(len(ids), n * 3))
    persons = {
        p.pk: p
        for p in base.filter(pk__in=sample_ids).only(
            "pk", "given_name", "family_name", "date_of_birth", "nhs_number", "upn"
        )
    }
    pool = [persons[pk] for pk in sample_ids if pk in persons]
    postcodes = dict(
        Address.objects.filter(person_id__in=sample_ids, from_date__lte=today)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
        .order_by("person_id", "from_date")
        .values_list("person_id", "postcode")
    )

    def sample_where(condition: Q, k: int) -> list[Person]:
        found = list(base.filter(condition).order_by("pk").values_list("pk", flat=True))
        chosen = rng.sample(found, min(k, len(found)))
        return list(base.filter(pk__in=chosen).order_by("pk"))

    total = sum(MIX.values())
    wanted = {kind: max(1, round(n * share / total)) for kind, share in MIX.items()}
    hyphenated = sample_where(
        Q(family_name__contains="-") | Q(family_name__contains="'"), wanted["hyphen variant"]
    )
    accented = sample_where(
        Q(given_name__regex=r"[^\x00-\x7F]") | Q(family_name__regex=r"[^\x00-\x7F]"),
        wanted["accent variant"] // 2,
    )
    with_nhs = [p for p in pool if p.nhs_number]
    with_upn = [p for p in pool if p.upn]
    with_dob = [p for p in pool if p.date_of_birth]
    with_postcode = [p for p in pool if p.pk in postcodes]
    long_names = [p for p in pool if len(p.family_name) >= 5 or len(p.given_name) >= 5]

    queries: list[Query] = []

    def take(kind: str, people: list[Person], make) -> None:
        chosen = rng.sample(people, min(wanted[kind], len(people)))
        for p in chosen:
            criteria = make(p)
            if criteria:
                queries.append(Query(kind, p.pk, criteria))

    take("exact full name", pool, lambda p: {"q": f"{p.given_name} {p.family_name}"})

    def misspelt(p: Person) -> dict:
        if len(p.family_name) >= 5 and (len(p.given_name) < 5 or rng.random() < 0.6):
            return {"q": f"{p.given_name} {one_typo(p.family_name, rng)}"}
        return {"q": f"{one_typo(p.given_name, rng)} {p.family_name}"}

    take("misspelt name (one edit)", long_names, misspelt)
    take("swapped given/family", pool, lambda p: {"q": f"{p.family_name} {p.given_name}"})
    take("family name only", pool, lambda p: {"q": p.family_name})
    take(
        "name + date of birth",
        with_dob,
        lambda p: {"q": f"{p.given_name} {p.family_name}", "date_of_birth": p.date_of_birth},
    )
    take("NHS number", with_nhs, lambda p: {"nhs_number": p.nhs_number})
    take("UPN", with_upn, lambda p: {"upn": p.upn})
    take("postcode", with_postcode, lambda p: {"postcode": postcodes[p.pk]})
    for p in hyphenated:
        queries.append(
            Query(
                "hyphen variant",
                p.pk,
                {"q": f"{p.given_name} {hyphen_variant(p.family_name, rng)}"},
            )
        )
    plain = rng.sample(pool, max(0, wanted["accent variant"] - len(accented)))
    for p in accented + plain:
        queries.append(
            Query(
                "accent variant",
                p.pk,
                {"q": f"{accent_variant(p.given_name, rng)} {accent_variant(p.family_name, rng)}"},
            )
        )
    rng.shuffle(queries)
    return queries


# ---- the workers ---------------------------------------------------------------------------


def pick_workers() -> list[Worker]:
    """A social worker in a team (the one holding most children, so the visibility filter has
    work to do) and a worker whose role reaches the whole LA."""
    today = timezone.localdate()
    in_team = TeamMembership.objects.filter(start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    social_worker = (
        Worker.objects.filter(
            role=Role.SOCIAL_WORKER, is_active=True, pk__in=in_team.values("worker_id")
        )
        .annotate(held=Count("allocations", filter=Q(allocations__end_date__isnull=True)))
        .order_by("-held", "pk")
        .first()
    )
    wide = None
    for role in (Role.CONTACT_OFFICER, Role.MASH_PRACTITIONER, Role.IRO, Role.ADMINISTRATOR):
        wide = Worker.objects.filter(role=role, is_active=True).order_by("pk").first()
        if wide is not None:
            break
    chosen = [w for w in (social_worker, wide) if w is not None]
    if not chosen:
        raise SystemExit("No workers in this database: generate a county with synth_county first")
    return chosen


# ---- timing --------------------------------------------------------------------------------


class Stopwatch:
    """Times the three steps of search_persons by wrapping the names it calls (in this process
    only): rank (finding and ordering), build_results (visibility and display), audit.record."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = defaultdict(float)
        self._originals = {}

    def _wrap(self, owner, name: str, lap: str) -> None:
        original = getattr(owner, name)
        self._originals[(owner, name)] = original

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.laps[lap] += time.perf_counter() - start

        setattr(owner, name, timed)

    def __enter__(self) -> Stopwatch:
        self._wrap(search_module, "rank", "rank")
        self._wrap(search_module, "build_results", "build")
        self._wrap(search_module.audit, "record", "audit")
        return self

    def __exit__(self, *exc) -> None:
        for (owner, name), original in self._originals.items():
            setattr(owner, name, original)

    def reset(self) -> None:
        self.laps.clear()


def run_query(worker: Worker, query: Query, watch: Stopwatch) -> Timing:
    watch.reset()
    start = time.perf_counter()
    results = search_module.search_persons(worker=worker, **query.criteria, limit=RESULTS_SHOWN)
    total = time.perf_counter() - start
    return Timing(
        kind=query.kind,
        total_ms=total * 1000,
        rank_ms=watch.laps["rank"] * 1000,
        build_ms=watch.laps["build"] * 1000,
        audit_ms=watch.laps["audit"] * 1000,
        results=len(results),
        found=any(r.person_id == query.target for r in results),
        criteria=query.describe(),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


# ---- explaining the slow ones --------------------------------------------------------------


def explain(worker: Worker, query: Query, statements: int = 2) -> list[dict]:
    """Re-run a query, capture its SQL, and EXPLAIN ANALYZE the slowest statements."""
    with CaptureQueriesContext(connection) as captured:
        search_module.search_persons(worker=worker, **query.criteria, limit=RESULTS_SHOWN)
    timed = sorted(
        (q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")),
        key=lambda q: -float(q["time"]),
    )
    plans = []
    for q in timed[:statements]:
        sql = q["sql"]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET pg_trgm.similarity_threshold = 0.3")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
        plans.append({"seconds": float(q["time"]), "sql": sql, "plan": plan})
    return plans


# ---- what-if: a change suggested by the results, tried in this process only -----------------


def candidate_ids_unordered(group_tokens, criteria_ids):
    """search_ranking._candidate_ids with `person_id + 0` selected instead of `person_id`, so
    that PostgreSQL cannot answer `DISTINCT … LIMIT` by walking the person_id index (and
    filtering every key on the way); it reads the (token, person) index instead."""
    from django.db.models import F

    keys = search_module.PersonNameKey.objects.all()
    if criteria_ids is not None:
        keys = keys.filter(person_id__in=criteria_ids)
    ordered = sorted(group_tokens, key=len)
    ids = (
        keys.filter(token__in=ordered[0])
        .annotate(pid=F("person_id") + 0)
        .values_list("pid", flat=True)
    )
    for tokens in ordered[1:]:
        ids = ids.filter(person_id__in=keys.filter(token__in=tokens).values("person_id"))
    return ids.distinct().order_by()


EXPERIMENTS = {"candidates-unordered": ("_candidate_ids", candidate_ids_unordered)}


# ---- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=600, help="measured queries per worker")
    parser.add_argument("--warmup", type=int, default=60, help="unmeasured queries first")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest queries")
    parser.add_argument("--label", default="", help="name for the JSON file in benchmarks/out/")
    parser.add_argument(
        "--experiment",
        choices=sorted(EXPERIMENTS),
        action="append",
        default=[],
        help="patch a suggested change into this process (not into Kinfold)",
    )
    args = parser.parse_args()
    from kinfold.people import search_ranking

    for name in args.experiment:
        attribute, replacement = EXPERIMENTS[name]
        setattr(search_ranking, attribute, replacement)

    vendor = connection.vendor
    persons = Person.objects.filter(merged_into__isnull=True).count()
    keys = search_module.PersonNameKey.objects.count()
    print(f"{vendor}: {persons:,} persons (not merged), {keys:,} name keys", flush=True)
    load_before = os.getloadavg()
    drawn = draw_queries(args.queries + args.warmup, args.seed)
    warmup, measured = drawn[: args.warmup], drawn[args.warmup :]
    print(f"{len(measured)} queries measured after {len(warmup)} warm-up", flush=True)

    runs: list[Run] = []
    slow: list[tuple[float, Worker, Query]] = []
    started = time.perf_counter()
    with Stopwatch() as watch:
        for worker in pick_workers():
            run = Run(vendor, f"{worker} ({worker.get_role_display()})", reach_of(worker).name)
            for query in warmup:
                run_query(worker, query, watch)
            for query in measured:
                timing = run_query(worker, query, watch)
                run.timings.append(timing)
                slow.append((timing.total_ms, worker, query))
            runs.append(run)
            print(f"  done: {run.worker}, reach {run.reach}", flush=True)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "vendor": vendor,
        "server_version": connection.cursor().connection.info.server_version
        if vendor == "postgresql"
        else __import__("sqlite3").sqlite_version,
        "persons": persons,
        "name_keys": keys,
        "experiments": args.experiment,
        "indexes": indexes(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "elapsed_seconds": elapsed,
        "runs": [],
    }
    for run in runs:
        totals = [t.total_ms for t in run.timings]
        by_kind: dict[str, list[Timing]] = defaultdict(list)
        for t in run.timings:
            by_kind[t.kind].append(t)
        report["runs"].append(
            {
                "worker": run.worker,
                "reach": run.reach,
                "overall": summary(totals),
                "steps_p50": {
                    step: percentile([getattr(t, f"{step}_ms") for t in run.timings], 50)
                    for step in ("rank", "build", "audit")
                },
                "steps_p95": {
                    step: percentile([getattr(t, f"{step}_ms") for t in run.timings], 95)
                    for step in ("rank", "build", "audit")
                },
                "by_kind": {
                    kind: {
                        **summary([t.total_ms for t in ts]),
                        "found": sum(t.found for t in ts) / len(ts),
                        "mean_results": statistics.fmean(t.results for t in ts),
                    }
                    for kind, ts in sorted(by_kind.items())
                },
                "slowest": [asdict(t) for t in sorted(run.timings, key=lambda t: -t.total_ms)[:10]],
            }
        )

    if args.explain:
        slow.sort(key=lambda s: -s[0])
        seen, explained = set(), []
        for ms, worker, query in slow:
            if query.describe() in seen:
                continue
            seen.add(query.describe())
            explained.append(
                {
                    "ms": ms,
                    "kind": query.kind,
                    "criteria": query.describe(),
                    "worker": str(worker),
                    "statements": explain(worker, query),
                }
            )
            if len(explained) >= args.explain:
                break
        report["explained"] = explained

    label = args.label or f"search-{vendor}-{persons}"
    out = ROOT / "benchmarks" / "out" / f"{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
    print_markdown(report)
    print(f"\nJSON: benchmarks/out/{out.name}")


def indexes() -> list[str]:
    """The search-related indexes present (the results depend on them)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN "
            "('people_person', 'people_personnamekey', 'people_nametoken') ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def print_markdown(report: dict) -> None:
    print(
        f"\n{report['vendor']} {report['server_version']}, {report['persons']:,} persons, "
        f"{report['name_keys']:,} name keys, load average {report['load_average_before'][0]:.2f}"
        f" → {report['load_average_after'][0]:.2f}, {report['elapsed_seconds']:.0f} s\n"
    )
    print("| worker (reach) | n | p50 ms | p95 ms | p99 ms | max ms | mean ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for run in report["runs"]:
        o = run["overall"]
        print(
            f"| {run['worker']} ({run['reach']}) | {o['n']} | {o['p50']:.1f} | {o['p95']:.1f} "
            f"| {o['p99']:.1f} | {o['max']:.1f} | {o['mean']:.1f} |"
        )
    for run in report["runs"]:
        s50, s95 = run["steps_p50"], run["steps_p95"]
        print(
            f"\n{run['worker']}: steps p50/p95 ms — rank {s50['rank']:.1f}/{s95['rank']:.1f}, "
            f"results {s50['build']:.1f}/{s95['build']:.1f}, "
            f"audit {s50['audit']:.1f}/{s95['audit']:.1f}\n"
        )
        print("| query kind | n | p50 ms | p95 ms | max ms | target found | mean results |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for kind, k in run["by_kind"].items():
            print(
                f"| {kind} | {k['n']} | {k['p50']:.1f} | {k['p95']:.1f} | {k['max']:.1f} "
                f"| {k['found']:.0%} | {k['mean_results']:.1f} |"
            )
    for item in report.get("explained", []):
        print(f"\n--- {item['ms']:.1f} ms  {item['kind']}  {item['criteria']}")
        for st in item["statements"]:
            print(f"[{st['seconds'] * 1000:.1f} ms] {st['sql'][:600]}")
            print(st["plan"])


if __name__ == "__main__":
    main()
