"""Duplicate detection: Kinfold's matcher against Splink (DuckDB) on the same records, both
scored against the synthetic county's planted duplicates.

Runs against the database in DATABASE_URL (a county made by `manage.py synth_county`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinfold_bench_synth KINFOLD_DEMO=1 \\
        .venv/bin/python benchmarks/matching/bench_matching.py

The truth: every synthetic.PlantedDuplicate links a duplicate record to its original; records
linked directly or through a shared original are one person, so every pair inside such a group
is a true pair. Everything else (twins and siblings included) is a different person.

Both tools see the same records: kinfold.people.matching.load_records (names, other names,
date of birth, sex, NHS number, every postcode), exported to a DataFrame for Splink. Both are
judged the same way: a pair is predicted when its match probability is at least the threshold
(0.8, Kinfold's default, and each tool's best-F1 threshold), and, separately, after joining
predicted pairs into clusters (connected components), as Splink's clustering does.

Writes a JSON record to benchmarks/out/ and prints Markdown for RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfold.settings")
os.environ.setdefault("KINFOLD_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from kinfold.people import matching, names  # noqa: E402
from kinfold.people.matching_weights import MatchRecord  # noqa: E402
from kinfold.people.models import Person, Relationship  # noqa: E402
from synthetic.models import PlantedDuplicate  # noqa: E402

# Pairs scored below this are not kept by either tool (the best-F1 search starts here).
FLOOR = 0.01
THRESHOLD = 0.8

Pair = tuple[int, int]


def ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


class Groups:
    """Union-find over record ids."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def members(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for x in list(self.parent):
            found[self.find(x)].append(x)
        return found


def all_pairs(groups: Iterable[list[int]]) -> set[Pair]:
    pairs: set[Pair] = set()
    for members in groups:
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((a, b))
    return pairs


# ---- the truth -----------------------------------------------------------------------------


def load_truth(record_ids: set[int]) -> tuple[set[Pair], dict[Pair, list[str]], dict[int, int]]:
    """True pairs among the records, the variations of each, and each record's person (the
    smallest id in its group)."""
    groups = Groups()
    variations: dict[Pair, list[str]] = {}
    planted = list(
        PlantedDuplicate.objects.values_list("original_id", "duplicate_id", "variations")
    )
    by_duplicate = {}
    for original, duplicate, varied in planted:
        if original in record_ids and duplicate in record_ids:
            groups.union(original, duplicate)
            variations[ordered(original, duplicate)] = sorted(varied or [])
            by_duplicate[duplicate] = sorted(varied or [])
    truth = all_pairs(groups.members().values())
    for pair in truth:
        if pair not in variations:
            # Two duplicates of one original: each differs from it in its own way.
            a, b = pair
            both = sorted(set(by_duplicate.get(a, [])) | set(by_duplicate.get(b, [])))
            variations[pair] = ["(two duplicates of one record)", *both]
    person = {x: groups.find(x) for x in groups.parent}
    return truth, variations, person


# ---- scoring -------------------------------------------------------------------------------


def prf(predicted: set[Pair], truth: set[Pair]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "predicted": len(predicted),
        "true_positives": tp,
        "false_positives": len(predicted) - tp,
        "false_negatives": len(truth) - tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def at_threshold(scored: dict[Pair, float], threshold: float) -> set[Pair]:
    return {p for p, s in scored.items() if s >= threshold}


def clustered(pairs: set[Pair]) -> set[Pair]:
    groups = Groups()
    for a, b in pairs:
        groups.union(a, b)
    return all_pairs(groups.members().values())


def best_threshold(scored: dict[Pair, float], truth: set[Pair]) -> tuple[float, dict]:
    """The threshold (one of the scores) with the best pairwise F1."""
    ranked = sorted(scored.items(), key=lambda item: -item[1])
    best = (0.0, 1.0)
    tp = 0
    for i, (pair, score) in enumerate(ranked):
        tp += pair in truth
        if i + 1 < len(ranked) and ranked[i + 1][1] == score:
            continue
        precision, recall = tp / (i + 1), tp / len(truth) if truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[0]:
            best = (f1, score)
    threshold = best[1]
    return threshold, prf(at_threshold(scored, threshold), truth)


# ---- explaining the misses -----------------------------------------------------------------


def relationship_types() -> dict[Pair, set[str]]:
    found: dict[Pair, set[str]] = defaultdict(set)
    for a, b, kind in Relationship.objects.values_list("person_id", "other_id", "type"):
        found[ordered(a, b)].add(kind)
    return found


SIBLINGS = {"sibling", "half_sibling", "step_sibling"}
PARENTS = {"parent", "child", "step_parent", "step_child"}


def false_positive_kind(
    pair: Pair,
    records: dict[int, MatchRecord],
    person: dict[int, int],
    related: dict[Pair, set[str]],
) -> str:
    a, b = pair
    ra, rb = records[a], records[b]
    kinds = related.get(ordered(person.get(a, a), person.get(b, b)), set()) | related.get(
        pair, set()
    )
    same_dob = ra.date_of_birth is not None and ra.date_of_birth == rb.date_of_birth
    if kinds & SIBLINGS:
        return "twins (siblings, same birthday)" if same_dob else "siblings"
    if kinds & PARENTS:
        return "parent and child"
    if kinds:
        return "other relationship (" + ", ".join(sorted(kinds)) + ")"
    if ra.family == rb.family:
        return "unrelated, same family name" + (" and birthday" if same_dob else "")
    return "unrelated" + (", same birthday" if same_dob else "")


def misses_by_variation(
    truth: set[Pair], predicted: set[Pair], variations: dict[Pair, list[str]]
) -> dict[str, tuple[int, int]]:
    """For each variation: (true pairs with it, of which found)."""
    total: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for pair in truth:
        for v in variations.get(pair) or ["(none)"]:
            total[v] += 1
            found[v] += pair in predicted
    return {v: (total[v], found[v]) for v in sorted(total, key=lambda v: -total[v])}


# ---- Kinfold -------------------------------------------------------------------------------


def run_kinfold(records: dict[int, MatchRecord], truth: set[Pair]) -> dict:
    started = time.perf_counter()
    pairs = matching.find_duplicate_pairs(threshold=FLOOR)
    elapsed = time.perf_counter() - started
    scored = {(p.first_id, p.second_id): p.score for p in pairs}
    # Diagnostic, not timed: how many true pairs blocking lets through to be scored at all.
    blocked = matching._candidate_pairs(records)
    return {
        "seconds": elapsed,
        "candidate_pairs": len(blocked),
        "blocking_recall": len(blocked & truth) / len(truth) if truth else 1.0,
        "scored": scored,
    }


# ---- Splink --------------------------------------------------------------------------------


def records_table(records: dict[int, MatchRecord]):
    """The records as Splink reads them (an Arrow table): folded names (as Kinfold compares
    them), their metaphone codes for blocking, date of birth, sex, NHS number, the current
    postcode and every postcode ever recorded."""
    import pyarrow as pa

    rows = []
    for pk, r in records.items():
        current = sorted(r.current_postcodes) or sorted(r.postcodes)
        given_code = names.phonetic(r.given_tokens[0]) if r.given_tokens else None
        family_code = names.phonetic(r.family_tokens[-1]) if r.family_tokens else None
        rows.append(
            {
                "unique_id": pk,
                "given": r.given or None,
                "family": r.family or None,
                "given_family": f"{r.given} {r.family}".strip() or None,
                "given_metaphone": given_code,
                "family_metaphone": family_code,
                "dob": r.date_of_birth,
                "sex": r.sex or None,
                "nhs_number": r.nhs_number or None,
                "postcode": current[0] if current else None,
                "postcodes": sorted(r.postcodes),
            }
        )
    return pa.Table.from_pylist(rows)


def splink_settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression, SettingsCreator, block_on

    sector = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? [0-9]"
    district = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?"
    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same current postcode"),
            cll.ArrayIntersectLevel("postcodes", 1).configure(
                label_for_charts="A postcode in common, ever"
            ),
            cll.ExactMatchLevel(ColumnExpression("postcode").regex_extract(sector)).configure(
                label_for_charts="Same sector"
            ),
            cll.ExactMatchLevel(ColumnExpression("postcode").regex_extract(district)).configure(
                label_for_charts="Same district"
            ),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("nhs_number"),
            block_on("given", "family"),
            block_on("dob", "family_metaphone"),
            block_on("dob", "given_metaphone"),
            # names recorded the other way round
            "l.dob = r.dob and l.given_metaphone = r.family_metaphone",
            "l.dob = r.dob and l.family_metaphone = r.given_metaphone",
            block_on("dob", "postcode"),
            block_on("given_metaphone", "family_metaphone"),
            block_on("family_metaphone", "postcode"),
            block_on("substr(given,1,2)", "substr(family,1,2)", "year(dob)"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison(
                "given", "family", forename_surname_concat_col_name="given_family"
            ),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs_number"),
            postcode,
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


# How Splink's m probabilities are estimated: expectation maximisation over the pairs of one
# blocking rule at a time (each rule's own columns are not estimated in its session).
TRAINING = {
    # Splink's tutorial: exact names, then date of birth.
    "docs": (("given", "family"), ("dob",)),
    # Blocks that hold almost only true duplicates, so that EM learns m from them: the NHS
    # number (estimates names, date of birth, sex, postcode), then the same names and date of
    # birth (estimates the NHS number).
    "strict": (("nhs_number",), ("given", "family", "dob")),
}


def run_splink(
    records: dict[int, MatchRecord], seed: int, max_pairs: float, training: str = "docs"
) -> dict:
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    laps: dict[str, float] = {}
    started = time.perf_counter()
    frame = records_table(records)
    laps["export"] = time.perf_counter() - started

    mark = time.perf_counter()
    db_api = DuckDBAPI()
    table = db_api.register(frame, dataset_display_name="persons")
    linker = Linker(table, splink_settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("given", "family", "dob"),
            block_on("nhs_number"),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for columns in TRAINING[training]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*columns), estimate_without_term_frequencies=True
        )
    laps["train"] = time.perf_counter() - mark

    mark = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=FLOOR)
    found = predictions.as_pyarrow_table().select(
        ["unique_id_l", "unique_id_r", "match_probability"]
    )
    laps["predict"] = time.perf_counter() - mark
    scored = {
        ordered(int(a), int(b)): float(p)
        for a, b, p in zip(*(found.column(i).to_pylist() for i in range(3)), strict=True)
    }
    mark = time.perf_counter()
    linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    ).as_pyarrow_table()
    laps["cluster"] = time.perf_counter() - mark
    weights = linker.misc.save_model_to_json()
    return {
        "seconds": time.perf_counter() - started,
        "laps": laps,
        "scored": scored,
        "model": weights,
    }


# ---- main ----------------------------------------------------------------------------------


def evaluate(name: str, scored: dict[Pair, float], truth: set[Pair]) -> dict:
    fixed = at_threshold(scored, THRESHOLD)
    threshold, best = best_threshold(scored, truth)
    return {
        "tool": name,
        "pairwise_at_0.8": prf(fixed, truth),
        "clustered_at_0.8": prf(clustered(fixed), truth),
        "best_threshold": threshold,
        "pairwise_at_best": best,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="Splink's u-sampling seed")
    parser.add_argument("--max-pairs", type=float, default=1e8, help="Splink u sampling pairs")
    parser.add_argument("--label", default="", help="name for the JSON file in benchmarks/out/")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument(
        "--splink-training",
        choices=sorted(TRAINING),
        nargs="+",
        default=["docs"],
        help="how Splink estimates m (each choice is a separate Splink run)",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    mark = time.perf_counter()
    records = matching.load_records()
    load_seconds = time.perf_counter() - mark
    truth, variations, person = load_truth(set(records))
    planted = PlantedDuplicate.objects.count()
    print(
        f"{connection.vendor}: {len(records):,} records, {planted:,} planted duplicates, "
        f"{len(truth):,} true pairs; load_records {load_seconds:.1f} s",
        flush=True,
    )

    kinfold = run_kinfold(records, truth)
    print(f"Kinfold: {kinfold['seconds']:.1f} s, {len(kinfold['scored']):,} pairs", flush=True)
    results = {"kinfold": evaluate("Kinfold", kinfold["scored"], truth)}
    tools = {"kinfold": kinfold}
    for training in [] if args.skip_splink else args.splink_training:
        splink = run_splink(records, args.seed, args.max_pairs, training)
        key = f"splink-{training}"
        print(f"{key}: {splink['seconds']:.1f} s, {len(splink['scored']):,} pairs", flush=True)
        results[key] = evaluate(f"Splink ({training})", splink["scored"], truth)
        tools[key] = splink
    load_after = os.getloadavg()

    related = relationship_types()
    for key, tool in tools.items():
        predicted = at_threshold(tool["scored"], THRESHOLD)
        results[key]["found_by_variation_at_0.8"] = misses_by_variation(
            truth, predicted, variations
        )
        results[key]["false_positives_at_0.8"] = dict(
            Counter(
                false_positive_kind(p, records, person, related) for p in predicted - truth
            ).most_common()
        )
        results[key]["false_negative_examples"] = [
            {
                "pair": pair,
                "variations": variations[pair],
                "score": tool["scored"].get(pair),
                "a": describe(records[pair[0]]),
                "b": describe(records[pair[1]]),
            }
            for pair in sorted(truth - predicted)[:15]
        ]
        results[key]["false_positive_examples"] = [
            {
                "pair": pair,
                "kind": false_positive_kind(pair, records, person, related),
                "score": tool["scored"][pair],
                "a": describe(records[pair[0]]),
                "b": describe(records[pair[1]]),
            }
            for pair in sorted(predicted - truth)[:15]
        ]

    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "vendor": connection.vendor,
        "records": len(records),
        "persons_in_database": Person.objects.count(),
        "planted_duplicates": planted,
        "true_pairs": len(truth),
        "load_records_seconds": load_seconds,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "kinfold_seconds": kinfold["seconds"],
        "kinfold_candidate_pairs": kinfold["candidate_pairs"],
        "kinfold_blocking_recall": kinfold["blocking_recall"],
        "results": results,
    }
    report["splink"] = {
        key: {"seconds": tool["seconds"], "laps": tool["laps"], "model": tool["model"]}
        for key, tool in tools.items()
        if key.startswith("splink")
    }
    label = args.label or f"matching-{connection.vendor}-{len(records)}"
    out = ROOT / "benchmarks" / "out" / f"{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
    print_markdown(report)
    print(f"\nJSON: benchmarks/out/{out.name}")


def describe(r: MatchRecord) -> str:
    born = r.date_of_birth.isoformat() if r.date_of_birth else "-"
    others = "; ".join(sorted(r.other_given | r.other_family))
    return (
        f"{r.given} / {r.family}{' (' + others + ')' if others else ''}, {born}, {r.sex or '-'}, "
        f"NHS {r.nhs_number or '-'}, {', '.join(sorted(r.postcodes)) or '-'}"
    )


def print_markdown(report: dict) -> None:
    print(
        f"\n{report['vendor']}: {report['records']:,} records, {report['true_pairs']:,} true "
        f"pairs, load average {report['load_average_before'][0]:.2f} → "
        f"{report['load_average_after'][0]:.2f}\n"
    )
    print("| tool | rule | threshold | predicted | precision | recall | F1 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for res in report["results"].values():
        for rule, key, threshold in (
            ("pairs", "pairwise_at_0.8", 0.8),
            ("clusters", "clustered_at_0.8", 0.8),
            ("pairs, best F1", "pairwise_at_best", res["best_threshold"]),
        ):
            m = res[key]
            print(
                f"| {res['tool']} | {rule} | {threshold:.3g} | {m['predicted']:,} "
                f"| {m['precision']:.4f} | {m['recall']:.4f} | {m['f1']:.4f} |"
            )
    print(
        f"\nKinfold: {report['kinfold_seconds']:.1f} s (find_duplicate_pairs, load included), "
        f"{report['kinfold_candidate_pairs']:,} candidate pairs, blocking recall "
        f"{report['kinfold_blocking_recall']:.4f}"
    )
    for key, run in report["splink"].items():
        laps = ", ".join(f"{k} {v:.1f} s" for k, v in run["laps"].items())
        print(f"{key}: {run['seconds']:.1f} s ({laps})")
    tools = list(report["results"])
    print("\n| variation | true pairs | " + " | ".join(f"{t} found" for t in tools) + " |")
    print("|---|---:|" + "---:|" * len(tools))
    first = report["results"][tools[0]]["found_by_variation_at_0.8"]
    for v, (total, _found) in first.items():
        cells = []
        for t in tools:
            _total, found = report["results"][t]["found_by_variation_at_0.8"][v]
            cells.append(f"{found}/{total} ({found / total:.0%})")
        print(f"| {v} | {total} | " + " | ".join(cells) + " |")
    for t in tools:
        print(f"\n{t} false positives at 0.8:")
        for kind, count in report["results"][t]["false_positives_at_0.8"].items():
            print(f"- {kind}: {count}")


if __name__ == "__main__":
    main()
