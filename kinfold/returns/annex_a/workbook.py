"""Writing the Annex A workbook: one sheet per list, the official headers in the first row,
dates as dates shown dd/mm/yyyy.

The workbook is written in openpyxl's write-only mode: each row goes to a temporary file as it
is appended, so memory does not grow with the county (a county's lists are hundreds of
thousands of cells, which a normal workbook keeps as Python objects until it is saved)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATE_FORMAT = "dd/mm/yyyy"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


class AnnexAWorkbook:
    def __init__(self) -> None:
        self.book = Workbook(write_only=True)

    def sheet(self, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        sheet = self.book.create_sheet(title)
        # Write-only sheets take their layout before the first row.
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
        heading = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = BOLD
            heading.append(cell)
        sheet.append(heading)
        count = 0
        for values in rows:
            sheet.append([self._cell(sheet, value) for value in values])
            count += 1
        return count

    @staticmethod
    def _cell(sheet: Any, value: Any) -> Any:
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    def content(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()
