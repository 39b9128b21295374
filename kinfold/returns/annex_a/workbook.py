"""Writing the Annex A workbook: one sheet per list, the official headers in the first row,
dates as dates shown dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATE_FORMAT = "dd/mm/yyyy"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AnnexAWorkbook:
    def __init__(self) -> None:
        self.book = Workbook()
        self.book.remove(self.book.active)

    def sheet(self, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        sheet = self.book.create_sheet(title)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        count = 0
        for values in rows:
            sheet.append(list(values))
            count += 1
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
        return count

    def content(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()
