"""The DfE children in need census: one XML file for the census year ending 31 March YYYY
(1 April YYYY-1 to 31 March YYYY), every child with a CIN episode open at any time in it.

A replay of stored facts: the referral (kinfold.front_door), the assessments, the child in need
and child protection plans, the section 47 enquiries and conferences, the closure
(kinfold.child_in_need). The file is checked against the census schema (cin_census.xsd); the
DfE's own validator is run as an oracle by the tests (oracle.py). See docs/returns/cin_census.md
for which fact fills each item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import kinds
from ..kinds import BuildResult, Parameters, ProgressCallback
from ..periods import Period
from .episodes import select
from .writer import PART, CensusWriter, schema_problems

CODE = "cin_census"
# The first census year Kinfold writes: 2024 to 2025, when the child's Sex (M, F, U)
# replaced GenderCurrent. Earlier years had another structure.
FIRST_YEAR = 2025
CONTENT_TYPE = "application/xml"


def census_period(year: int) -> Period:
    """The census year ending 31 March `year`, as it stood on its reference date."""
    end = dt.date(year, 3, 31)
    return Period(start=dt.date(year - 1, 4, 1), end=end, as_at=end)


def latest_year(today: dt.date) -> int:
    """The census year today falls in (a year still running is built as it stands)."""
    return today.year + 1 if today >= dt.date(today.year, 4, 1) else today.year


def _year(value: Any) -> int:
    if value is None or str(value).strip() == "":
        raise ValidationError({"year": "Enter the census year, like 2025"})
    text = str(value).strip()
    if not text.isdigit() or len(text) != 4:
        raise ValidationError(
            {"year": f"{text!r} is not a census year: write the year it ends, like 2025"}
        )
    year = int(text)
    if year < FIRST_YEAR:
        raise ValidationError(
            {
                "year": f"Kinfold writes the CIN census from the year ending 31 March "
                f"{FIRST_YEAR} on (earlier censuses had another structure)"
            }
        )
    latest = latest_year(timezone.localdate())
    if year > latest:
        raise ValidationError(
            {
                "year": f"The census year ending 31 March {year} has not started: the "
                f"latest is the year ending 31 March {latest}"
            }
        )
    return year


def la_code() -> str:
    code = str(getattr(settings, "LA_CODE", "") or "")
    if not (len(code) == 3 and code.isdigit()):
        raise ValidationError(
            {"year": f"The LA code setting (KINFOLD_LA_CODE) must be 3 digits, not {code!r}"}
        )
    return code


def parse(parameters: dict[str, Any]) -> Parameters:
    """{"year": 2025 or "2025"}: the census year ending 31 March of that year."""
    year = _year(parameters.get("year"))
    la_code()
    period = census_period(year)
    as_at = min(period.end, timezone.localdate())
    return Parameters(
        values={"year": year}, as_at=as_at, period_start=period.start, period_end=period.end
    )


def build(parameters: dict[str, Any], progress: ProgressCallback) -> BuildResult:
    year = int(parameters["year"])
    period = census_period(year)
    progress(0, 0)
    children = select(period)
    total = len(children)
    progress(0, total)
    writer = CensusWriter(period=period, la_code=la_code(), made_at=timezone.localtime())
    for done, child in enumerate(children, start=1):
        writer.child(child)
        progress(done, total)
    content = writer.content()
    problems = list(writer.problems)
    if writer.children_written == 0:
        problems.append(
            kinds.Problem(
                part=PART,
                reason=f"No child had a CIN episode open between {period.start:%d/%m/%Y} and "
                f"{period.end:%d/%m/%Y} that could be written: the file has no children",
            )
        )
    problems.extend(schema_problems(content))
    return BuildResult(
        content=content,
        file_name=f"cin-census-{year}.xml",
        content_type=CONTENT_TYPE,
        problems=problems,
        summary={
            "Children": writer.children_written,
            "CIN episodes": writer.episodes_written,
            "Children left out": writer.children_left_out,
        },
    )


kinds.register(kinds.ReturnKind(code=CODE, title="CIN census", parse=parse, build=build))
