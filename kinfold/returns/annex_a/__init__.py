"""Ofsted's Annex A: the lists of children a local authority sends at the start of an
inspection of local authority children's services (ILACS), as at a date. One module per list;
lists 1 to 7 (contacts, early help, referrals, assessments, section 47 enquiries and initial
conferences, children in need, child protection) are built so far.

Each list module has NUMBER, SHEET, TITLE, MONTHS, HEADERS, `period(as_at)`, `select(period)`
(the facts the list replays, read in a few queries) and `row(sheet, item)` (one row, noting on
the sheet any child it cannot express in full).
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import kinds
from ..kinds import BuildResult, Parameters, ProgressCallback
from . import (
    list_1_contacts,
    list_2_early_help,
    list_3_referrals,
    list_4_assessments,
    list_5_section_47,
    list_6_children_in_need,
    list_7_child_protection,
)
from .common import Sheet
from .workbook import CONTENT_TYPE, AnnexAWorkbook

CODE = "annex_a"
LISTS: dict[int, ModuleType] = {
    module.NUMBER: module
    for module in (
        list_1_contacts,
        list_2_early_help,
        list_3_referrals,
        list_4_assessments,
        list_5_section_47,
        list_6_children_in_need,
        list_7_child_protection,
    )
}
# The lists of the current Annex A, for the message when one not yet built is asked for.
ALL_LISTS = {
    1: "contacts",
    2: "early help",
    3: "referrals",
    4: "assessments",
    5: "section 47 enquiries and initial child protection conferences",
    6: "children in need",
    7: "child protection",
    8: "children in care",
    9: "care leavers",
    10: "adoption",
    11: "adopters",
}


def _as_at(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        as_at = value
    elif not value:
        raise ValidationError({"as_at": "Enter the as-at date"})
    else:
        try:
            as_at = dt.date.fromisoformat(str(value))
        except ValueError as error:
            raise ValidationError(
                {"as_at": "The as-at date must be a real date, like 2025-03-31"}
            ) from error
    if as_at > timezone.localdate():
        raise ValidationError({"as_at": "The as-at date must be today or in the past"})
    return as_at


def _lists(value: Any) -> list[int]:
    if value is None:
        return sorted(LISTS)
    numbers: set[int] = set()
    for item in value:
        try:
            number = int(str(item).strip())
        except ValueError:
            raise ValidationError(
                {"lists": f"{item!r} is not a list number: Annex A has lists 1 to 11"}
            ) from None
        if number not in ALL_LISTS:
            raise ValidationError(
                {"lists": f"Annex A has no list {number}: its lists are numbered 1 to 11"}
            )
        if number not in LISTS:
            built = ", ".join(str(n) for n in sorted(LISTS))
            raise ValidationError(
                {
                    "lists": f"List {number} ({ALL_LISTS[number]}) is not built yet: "
                    f"Kinfold builds lists {built}"
                }
            )
        numbers.add(number)
    if not numbers:
        raise ValidationError({"lists": "Choose at least one list"})
    return sorted(numbers)


def parse(parameters: dict[str, Any]) -> Parameters:
    """{"as_at": date or "YYYY-MM-DD", "lists": [1, 3, 7] (default: every list built)}."""
    errors: dict[str, str] = {}
    as_at = lists = None
    try:
        as_at = _as_at(parameters.get("as_at"))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        lists = _lists(parameters.get("lists"))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors or as_at is None or lists is None:
        raise ValidationError(errors)
    start = min(LISTS[n].period(as_at).start for n in lists)
    return Parameters(
        values={"as_at": as_at.isoformat(), "lists": lists},
        as_at=as_at,
        period_start=start,
        period_end=as_at,
    )


def build(parameters: dict[str, Any], progress: ProgressCallback) -> BuildResult:
    as_at = dt.date.fromisoformat(parameters["as_at"])
    chosen = [LISTS[n] for n in parameters["lists"]]
    selected = []
    for module in chosen:
        window = module.period(as_at)
        selected.append((module, Sheet(part=module.SHEET, period=window), module.select(window)))
    total = sum(len(items) for _, _, items in selected)
    done = 0
    progress(done, total)
    workbook = AnnexAWorkbook()
    summary: dict[str, int] = {}
    problems = []
    for module, sheet, items in selected:

        def rows(module=module, sheet=sheet, items=items):
            nonlocal done
            for item in items:
                yield module.row(sheet, item)
                done += 1
                progress(done, total)

        summary[module.SHEET] = workbook.sheet(module.SHEET, module.HEADERS, rows())
        problems.extend(sheet.problems)
    return BuildResult(
        content=workbook.content(),
        file_name=f"annex-a-{as_at:%Y-%m-%d}.xlsx",
        content_type=CONTENT_TYPE,
        problems=problems,
        summary=summary,
    )


kinds.register(kinds.ReturnKind(code=CODE, title="Ofsted Annex A", parse=parse, build=build))
