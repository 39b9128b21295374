"""Census problems on the allocated worker's My work: one item per problem, due the day it was
found (a problem waiting to be fixed is overdue from the next day)."""

from __future__ import annotations

from django.db.models import Q

from kinfold.timescales.worklists import Citation, WorkSource, register_source

from ..models import CensusProblem

KIND = "returns.census_problem"


def _title(problem: CensusProblem) -> str:
    rule = f"rule {problem.rule}" if problem.rule else "not in the file"
    return f"CIN census {rule}: {problem.message} (fix: {problem.field})"


def _citation(problem: CensusProblem) -> Citation:
    return Citation(
        code=problem.rule,
        label=f"CIN census {problem.year}: rule {problem.rule or 'none'}",
        source="DfE children in need census validation rules",
    )


CENSUS_PROBLEMS = register_source(
    WorkSource(
        key="returns.census_problem",
        kind=KIND,
        kind_label="CIN census problem",
        model=CensusProblem,
        owner_field="owner",
        due_field="found_at",
        open_q=Q(),
        person_field="person",
        title=_title,  # type: ignore[arg-type]
        citation=_citation,  # type: ignore[arg-type]
    )
)
