"""Agreement of Kinfold's CIN census checks with the DfE validator, measured on the mutation
corpus (tests/returns/census_corpus.py): a valid child and one copy per rule with one fault,
in one census file, checked both ways (one validator run, a few seconds).

Every rule the validator raises on a child is raised by Kinfold's checks on that child, and
Kinfold raises nothing the validator does not, except the validator faults listed here with
their reasons (docs/returns/census_agreement.md has the measured table).
"""

from __future__ import annotations

import subprocess
from collections import defaultdict

import pytest

from kinfold.returns.census_checks import REGISTRY
from kinfold.returns.census_checks.checking import file_findings
from kinfold.returns.census_checks.rules import CROSS_CHILD
from kinfold.returns.cin_census.oracle import oracle_python, validate

from .census_corpus import MUTATIONS, YEAR, census_file, corpus

pytestmark = pytest.mark.skipif(
    oracle_python() is None, reason="the DfE validator oracle is not installed (make .venv-cin)"
)

# Where the validator's answer is wrong, not Kinfold's (each seen on the corpus).
VALIDATOR_FAULTS = {
    "8614": "crashes: the loader keeps an assessment's factors as a list (unhashable)",
    "8898": "crashes: the loader keeps an assessment's factors as a list (unhashable)",
    "8869": "never fires: compares the factors list with the string '21'",
    "8945Q": "never fires: compares the factors list with the string '18A'",
    "8950Q": "never fires: compares the factors list with the string '19A'",
    "8870Q": "never fires: re-parses the ICPC target date with the format %d-%m-%Y",
    "8935": "never fires: keeps plans with no end date, then only those whose end is > 1",
    "8540": "does not report an invalid disability code (seen alone and in the corpus)",
    "8832": "in a file of many children, reported against another child",
}
# Faults documented in docs/returns/validator_faults.md that the corpus's valid children do
# not meet (their mutants are real faults): seen on the county's file by the benchmark.
DOCUMENTED_ELSEWHERE = {
    "1560Q": "flags a temporary former UPN (a letter, 11 digits, a letter)",
}
# Rules about the return as a whole: not one child's (docs/returns/census_agreement.md).
RETURN_LEVEL = {"100", "2883", "2886Q", "2887Q", "2888Q"}


def _dfe_rules() -> set[str]:
    python = oracle_python()
    out = subprocess.run(
        [
            str(python),
            "-c",
            "from cin_validator.rules.ruleset_utils import get_year_ruleset;"
            f"print(' '.join(get_year_ruleset('{YEAR}')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    return set(out.stdout.split())


def test_every_rule_of_the_ruleset_is_checked_or_accounted_for():
    rules = _dfe_rules()
    assert len(rules) == 109
    checked = set(REGISTRY) | set(CROSS_CHILD)
    assert rules - checked == RETURN_LEVEL
    assert checked <= rules  # no invented rule


def test_every_per_child_rule_has_a_mutant():
    assert set(REGISTRY) - set(MUTATIONS) == set()


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    children = corpus()
    children.pop("8500")  # a child with no LA child ID crashes the validator's report
    content = census_file(list(children.values()))
    path = tmp_path_factory.mktemp("corpus") / "corpus.xml"
    path.write_bytes(content)
    verdict = validate(path, YEAR)
    dfe: dict[str, set[str]] = defaultdict(set)
    for f in verdict.findings:
        dfe[f.child or ""].add(f.rule)
    by_id = {k: {f.code for f in found} for k, found in file_findings(content, YEAR).items()}
    # By the mutant's rule (VALID: the valid child).
    ids = {code: child.la_child_id or "" for code, child in children.items()}
    ours = {code: by_id.get(i, set()) for code, i in ids.items()}
    return children, {code: dfe.get(i, set()) for code, i in ids.items()}, ours, verdict


def test_the_valid_child_passes_both(measured):
    _, dfe, ours, _ = measured
    assert dfe["VALID"] == set()
    assert ours["VALID"] == set()


def test_kinfold_raises_every_rule_on_its_mutant(measured):
    children, _, ours, _ = measured
    missed = [code for code in children if code != "VALID" and code not in ours[code]]
    assert missed == []


def test_the_validator_raises_each_rule_on_its_mutant_but_its_faults(measured):
    children, dfe, _, _ = measured
    missed = {code for code in children if code != "VALID" and code not in dfe[code]}
    assert missed == set(VALIDATOR_FAULTS)


def test_kinfold_and_the_validator_agree_on_every_child_but_the_faults(measured):
    children, dfe, ours, verdict = measured
    disagreements = {}
    for cid in children:
        only_dfe = dfe[cid] - ours[cid] - set(VALIDATOR_FAULTS)
        only_ours = ours[cid] - dfe[cid] - set(VALIDATOR_FAULTS)
        if only_dfe or only_ours:
            disagreements[cid] = (sorted(only_dfe), sorted(only_ours))
    assert disagreements == {}
    assert {c["rule"] for c in verdict.crashed} == {"8614", "8898"}


def test_fault_1560q_a_temporary_former_upn_is_flagged_by_the_validator_only(tmp_path):
    child = corpus()["VALID"]
    child.former_upn = "T87320082000B"  # a temporary UPN
    path = tmp_path / "temporary.xml"
    path.write_bytes(census_file([child]))
    assert {f.code for f in file_findings(path.read_bytes(), YEAR)["VALID1"]} == set()
    assert "1560Q" in {f.rule for f in validate(path, YEAR).findings}


def test_fault_a_child_with_no_la_child_id_crashes_the_validator(tmp_path):
    child = corpus()["8500"]
    path = tmp_path / "no-id.xml"
    path.write_bytes(census_file([child]))
    assert {f.code for f in file_findings(path.read_bytes(), YEAR)[""]} == {"8500"}
    with pytest.raises(RuntimeError, match="cannot convert float NaN to integer"):
        validate(path, YEAR)
