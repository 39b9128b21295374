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
            values = list(values)
            sheet.append(values)
            count += 1
            # The row just written is row count + 1 (the headers are row 1): asking the sheet
            # for its last row instead scans every cell, which made a county's list quadratic.
            for column, value in enumerate(values, start=1):
                if isinstance(value, dt.date):
                    sheet.cell(row=count + 1, column=column).number_format = DATE_FORMAT
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
        return count

    def content(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()
