"""Asking the DfE's CIN census validator about a census file: oracle_runner.py, run by the
Python of the oracle's own environment (`make .venv-cin/.installed`; KINFOLD_CIN_ORACLE names
another Python). The validator's command line always exits 0 and prints a table; the runner
uses its Python API and prints JSON, read here.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

RUNNER = Path(__file__).with_name("oracle_runner.py")
ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PYTHON = ROOT / ".venv-cin" / "bin" / "python"


def oracle_python() -> Path | None:
    """The oracle environment's Python, if it is installed."""
    named = os.environ.get("KINFOLD_CIN_ORACLE")
    path = Path(named) if named else DEFAULT_PYTHON
    return path if path.exists() else None


@dataclass(frozen=True)
class Finding:
    rule: str
    type: str  # ERROR or QUERY
    child: str | None
    table: str | None
    field: str | None
    value: str | None
    message: str | None


@dataclass(frozen=True)
class Verdict:
    ruleset: str
    rules: int
    findings: list[Finding]
    return_level: list[Finding]
    crashed: list[dict]

    def errors(self, *, except_rules: frozenset[str] = frozenset()) -> list[Finding]:
        return [
            f
            for f in self.findings + self.return_level
            if f.type == "ERROR" and f.rule not in except_rules
        ]

    def queries(self) -> list[Finding]:
        return [f for f in self.findings + self.return_level if f.type == "QUERY"]


def validate(path: Path, year: int, *, timeout: int = 900) -> Verdict:
    python = oracle_python()
    if python is None:
        raise FileNotFoundError(
            "The CIN census oracle is not installed: run `make .venv-cin/.installed`"
        )
    done = subprocess.run(  # noqa: S603 - our runner, with our file
        [str(python), str(RUNNER), str(path), "--year", str(year)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"The CIN census oracle failed: {done.stderr[-2000:]}")
    data = json.loads(done.stdout)

    def finding(row: dict) -> Finding:
        return Finding(
            rule=row["rule"],
            type=row["type"],
            child=row.get("child"),
            table=row.get("table"),
            field=row.get("field"),
            value=row.get("value"),
            message=row.get("message"),
        )

    return Verdict(
        ruleset=data["ruleset"],
        rules=data["rules"],
        findings=[finding(r) for r in data["findings"]],
        return_level=[finding(r) for r in data["return_level"]],
        crashed=data["crashed"],
    )
