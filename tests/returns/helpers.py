"""Reading a built Annex A workbook back: each sheet's headers and rows, with its date cells'
number formats."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from kinfold.returns.annex_a import build


def built(as_at, lists=(1, 2, 3)):
    """Build Annex A in this process; return (workbook, result)."""
    calls = []
    result = build(
        {"as_at": as_at.isoformat(), "lists": list(lists)}, lambda d, t: calls.append((d, t))
    )
    book = load_workbook(io.BytesIO(result.content))
    return book, result, calls


def rows(book, sheet: str) -> list[list]:
    """The data rows (below the headers), dates read back as dates."""
    found = []
    for row in book[sheet].iter_rows(min_row=2, values_only=True):
        found.append([v.date() if hasattr(v, "date") and callable(v.date) else v for v in row])
    return found


def headers(book, sheet: str) -> list[str]:
    return [c.value for c in book[sheet][1]]
