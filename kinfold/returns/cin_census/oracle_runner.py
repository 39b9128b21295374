"""Run the DfE's CIN census validator on a census file and print its findings as JSON.

Run by the oracle's own Python (the `.venv-cin` environment the Makefile makes, with
csc-validator-be-cin 0.1.13, numpy<2 and pandas<2), never imported by Kinfold:

    .venv-cin/bin/python kinfold/returns/cin_census/oracle_runner.py FILE [--year 2025]

Prints {"ruleset": ..., "rules": N, "findings": [...], "return_level": [...],
"crashed": [...]}: one finding per rule, child and field flagged (rule code, type ERROR or
QUERY, child, table, fields, value), the rules that fired for the return as a whole, and the
rules that raised instead of running (the validator prints and skips those).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
import warnings
import xml.etree.ElementTree as ET


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value)
    return None if text in ("nan", "NaT", "<NA>", "None") else text


def run(path: str, year: str) -> dict:
    from cin_validator.cin_validator import CinValidator, convert_data, process_data
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    warnings.simplefilter("ignore")  # pandas' FutureWarnings from the rules, on every run
    ruleset = get_year_ruleset(year)
    kinds = {str(code): rule.rule_type.name for code, rule in ruleset.items()}
    root = ET.parse(path).getroot()  # noqa: S314 - the census file Kinfold wrote
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        validator = CinValidator(process_data(convert_data(root)), ruleset)
    crashed = [
        {"rule": m.group(1), "error": m.group(2).strip()}
        for m in re.finditer(r"Error with rule (\S+): (.*)", captured.getvalue())
    ]
    findings = []
    report = validator.user_report
    for row in report.to_dict("records") if len(report) else []:
        code = str(row.get("rule_code"))
        findings.append(
            {
                "rule": code,
                "type": kinds.get(code, "ERROR"),
                "child": _text(row.get("LAchildID")),
                "table": _text(row.get("tables_affected")),
                "field": _text(row.get("columns_affected")),
                "value": _text(row.get("value_flagged")),
                "message": _text(row.get("rule_description")),
            }
        )
    return_level = []
    issues = validator.la_rule_issues
    if len(issues):
        for row in issues.to_dict("records"):
            code = str(row.get("rule_code"))
            return_level.append(
                {
                    "rule": code,
                    "type": kinds.get(code, "ERROR"),
                    "message": _text(row.get("rule_description")),
                }
            )
    return {
        "ruleset": f"cin{int(year) - 1}_{year[2:]}",
        "rules": len(ruleset),
        "findings": findings,
        "return_level": return_level,
        "crashed": crashed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--year", default="2025", help="the census year's end, e.g. 2025")
    args = parser.parse_args(argv)
    json.dump(run(args.file, args.year), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
