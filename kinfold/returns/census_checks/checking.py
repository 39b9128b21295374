"""Checking children's census records and keeping what is found.

A child's record is the one the CIN census writer would put in the file for the year (the
builder's own writer, over the facts read as the builder reads them), so a check sees what
would be sent. A child the writer leaves out is kept as problems with no rule code: the
writer's reasons. Re-checking a child replaces their problems for the year; a problem found
again keeps the day it was first found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from lxml import etree

from kinfold.workforce.models import Allocation, AllocationRole

from ..cin_census import census_period, latest_year
from ..cin_census.episodes import ChildFacts, select
from ..cin_census.writer import CensusWriter
from ..models import CensusProblem
from .record import from_element
from .rules import Context, Finding, check, check_across

NOT_WRITTEN_KIND = "ERROR"


@dataclass(frozen=True)
class Found:
    """One problem of one child, before it is kept."""

    rule: str
    kind: str
    message: str
    field: str


def _writer(year: int) -> CensusWriter:
    return CensusWriter(period=census_period(year), la_code="000", made_at=timezone.now())


def child_findings(
    writer: CensusWriter, facts: ChildFacts, context: Context, *, detach: bool = True
) -> list[Found]:
    """The problems of one child: the checks over the record the writer makes of them, or
    the writer's reasons for leaving them out. `detach`: take the child's element out of the
    writer's file again (one child at a time)."""
    written, problems = writer.children_written, len(writer.problems)
    writer.child(facts)
    if writer.children_written == written:
        return [
            Found(rule="", kind=NOT_WRITTEN_KIND, message=p.reason[:400], field=p.column[:40])
            for p in writer.problems[problems:]
        ]
    element = writer.children[-1]
    found = [
        Found(rule=f.code, kind=f.kind, message=f.message.strip(), field=f.field)
        for f in check(from_element(element), context)
    ]
    # The writer wrote the child with an item missing (a UPN it has no reason for).
    found += [
        Found(rule="", kind=NOT_WRITTEN_KIND, message=p.reason[:400], field=p.column[:40])
        for p in writer.problems[problems:]
    ]
    if detach:
        writer.children.remove(element)
    return found


def allocated_workers(person_ids: Iterable[int]) -> dict[int, int]:
    """Each child's allocated worker (an open allocation, social workers first): one query."""
    owners: dict[int, tuple[bool, dt.date, int]] = {}
    rows = Allocation.objects.filter(person_id__in=list(person_ids), end_date__isnull=True)
    for person_id, worker_id, role, start in rows.values_list(
        "person_id", "worker_id", "role", "start_date"
    ):
        key = (role == AllocationRole.SOCIAL_WORKER, start, worker_id)
        if person_id not in owners or key > owners[person_id]:
            owners[person_id] = key
    return {pk: key[2] for pk, key in owners.items()}


def _keep(year: int, found: dict[int, list[Found]], person_ids: set[int], today: dt.date) -> int:
    """Replace the problems of the children checked (`person_ids`) for the year."""
    earlier: dict[tuple[int, str, str, str], dt.date] = {}
    old = CensusProblem.objects.filter(year=year)
    if len(person_ids) < 1000:
        old = old.filter(person_id__in=person_ids)
    for person_id, rule, field, message, found_at in old.values_list(
        "person_id", "rule", "field", "message", "found_at"
    ):
        key = (person_id, rule, field, message)
        earlier[key] = min(found_at, earlier.get(key, found_at))
    owners = allocated_workers([pk for pk, rows in found.items() if rows])
    now = timezone.now()
    rows = [
        CensusProblem(
            person_id=person_id,
            year=year,
            rule=f.rule,
            kind=f.kind,
            message=f.message,
            field=f.field,
            found_at=earlier.get((person_id, f.rule, f.field, f.message), today),
            owner_id=owners.get(person_id),
            checked_at=now,
        )
        for person_id, problems in found.items()
        for f in problems
    ]
    with transaction.atomic():
        old.delete()
        CensusProblem.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def years_checked_on_save(today: dt.date) -> list[int]:
    """The census years a save re-checks: the year running, and until 31 July (while the
    last year's census is being returned) the year before."""
    year = latest_year(today)
    return [year - 1, year] if 4 <= today.month <= 7 else [year]


def check_children(person_ids: Iterable[int], year: int | None = None) -> int:
    """Check these children's census records for the year (unless named, the years a save
    re-checks) and keep what is found. Returns the number of problems kept."""
    ids = set(person_ids)
    today = timezone.localdate()
    kept = 0
    for y in [year] if year else years_checked_on_save(today):
        period = census_period(y)
        context = Context(year=y)
        writer = _writer(y)
        found: dict[int, list[Found]] = {pk: [] for pk in ids}
        for facts in select(period, person_ids=ids):
            found[facts.person.pk] = child_findings(writer, facts, context)
        kept += _keep(y, found, ids | set(found), today)
    return kept


@dataclass
class YearChecked:
    children: int
    problems: int
    content: bytes


def check_year(
    year: int, progress: Callable[[int, int], None] | None = None, *, keep: bool = True
) -> YearChecked:
    """Check every child in the census year's file (the nightly run): replaces every
    problem kept for the year. Also returns the file's content, as the builder would write
    it."""
    today = timezone.localdate()
    period = census_period(year)
    context = Context(year=year)
    children = select(period)
    writer = _writer(year)
    found: dict[int, list[Found]] = {}
    for done, facts in enumerate(children, start=1):
        found[facts.person.pk] = child_findings(writer, facts, context, detach=False)
        if progress:
            progress(done, len(children))
    kept = 0
    if keep:
        kept = _keep(year, found, set(found) | _previously_found(year), today)
    return YearChecked(children=len(children), problems=kept, content=writer.content())


def _previously_found(year: int) -> set[int]:
    return set(
        CensusProblem.objects.filter(year=year).values_list("person_id", flat=True).distinct()
    )


def file_findings(content: bytes, year: int) -> dict[str, list[Finding]]:
    """The checks over every child of a census file, by LA child ID (the benchmark and the
    mutation corpus give Kinfold and the DfE validator the same file)."""
    context = Context(year=year)
    root = etree.fromstring(content)
    records = [from_element(element) for element in root.iterfind("Children/Child")]
    across = check_across(records)
    out: dict[str, list[Finding]] = {}
    for i, record in enumerate(records):
        found = out.setdefault(record.la_child_id or "", [])
        found.extend(check(record, context))
        found.extend(across.get(i, []))
    return out
