"""The CIN census build and Kinfold's own checks, against the stock DfE validator on the same
file, in one run (issue 7, section 5: goal at least 10 times faster, with the same findings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_130k \\
        .venv/bin/python benchmarks/returns/bench_census.py --year 2026

Times, on the county in DATABASE_URL:
  Kinfold: the census build (read the facts, write the XML, check it against the schema) and
           Kinfold's checks over every child of the file it wrote;
  DfE:     the stock validator (csc-validator-be-cin, in .venv-cin, through the oracle runner)
           over the same file, from reading it to its report.
Then compares the findings child by child and rule by rule. Nothing is written to the
database (the nightly command also keeps the problems; that is not timed here).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.common import setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from kinfold.returns.census_checks.checking import file_findings  # noqa: E402
from kinfold.returns.cin_census import build  # noqa: E402
from kinfold.returns.cin_census.oracle import validate  # noqa: E402
from tests.returns.test_census_agreement import (  # noqa: E402
    DOCUMENTED_ELSEWHERE,
    VALIDATOR_FAULTS,
)

FAULTS = set(VALIDATOR_FAULTS) | set(DOCUMENTED_ELSEWHERE)

RETURN_LEVEL = {"100", "2883", "2886Q", "2887Q", "2888Q"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="keep the census file here")
    args = parser.parse_args()
    settings.LA_CODE = settings.LA_CODE or "873"

    started = time.perf_counter()
    result = build({"year": args.year}, lambda done, total: None)
    built = time.perf_counter()
    ours = file_findings(result.content, args.year)
    checked = time.perf_counter()

    with tempfile.TemporaryDirectory() as folder:
        path = args.out or Path(folder) / f"cin-census-{args.year}.xml"
        path.write_bytes(result.content)
        dfe_started = time.perf_counter()
        verdict = validate(path, args.year, timeout=7200)
        dfe_done = time.perf_counter()

    kinfold_s = checked - started
    dfe_s = dfe_done - dfe_started
    theirs: dict[str, Counter] = defaultdict(Counter)
    for f in verdict.findings:
        theirs[f.child or ""][f.rule] += 1
    mine = {cid: {f.code for f in found} for cid, found in ours.items()}
    rules_theirs = Counter(f.rule for f in verdict.findings)
    rules_ours = Counter(f.code for found in ours.values() for f in found)

    both = only_dfe = only_ours = 0
    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cid in set(mine) | set(theirs):
        a, b = mine.get(cid, set()), set(theirs.get(cid, {}))
        for rule in a & b:
            both += 1
            by_rule[rule][0] += 1
        for rule in b - a:
            only_dfe += 1
            by_rule[rule][1] += 1
        for rule in a - b:
            only_ours += 1
            by_rule[rule][2] += 1

    with connection.cursor() as cursor:
        cursor.execute("select count(*) from people_person")
        persons = cursor.fetchone()[0]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {persons} persons")
    print(f"census year ending 31 March {args.year}: {result.summary}")
    print(f"file: {len(result.content) / 1e6:.1f} MB, {len(result.problems)} build problems")
    print(
        f"Kinfold build {built - started:.1f} s + checks {checked - built:.1f} s "
        f"= {kinfold_s:.1f} s"
    )
    print(f"DfE validator {dfe_s:.1f} s (crashed rules: {[c['rule'] for c in verdict.crashed]})")
    print(f"ratio DfE / Kinfold: {dfe_s / kinfold_s:.1f}x")
    print(f"return-level (DfE): {sorted({f.rule for f in verdict.return_level})}")
    print(f"(child, rule) findings: both {both}, DfE only {only_dfe}, Kinfold only {only_ours}")
    print(
        "rule | DfE findings | Kinfold findings | children both | DfE only | Kinfold only | fault"
    )
    for rule in sorted(set(rules_theirs) | set(rules_ours)):
        b, d, o = by_rule[rule]
        fault = "yes" if rule in FAULTS else ""
        print(f"{rule} | {rules_theirs[rule]} | {rules_ours[rule]} | {b} | {d} | {o} | {fault}")
    unexplained = {
        r
        for r, (_, d, o) in by_rule.items()
        if (d or o) and r not in FAULTS and r not in RETURN_LEVEL
    }
    print(f"disagreements not explained by a documented validator fault: {sorted(unexplained)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
