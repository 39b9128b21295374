"""Read the rows of a page's tables as text, so tests check what a reader sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if self._hidden or "govuk-visually-hidden" in classes.split():
            self._hidden += 1 if tag not in {"br", "img", "input"} else 0
        if tag == "tr":
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
            return
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None and not self._hidden:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def row_for(html: str, first_cell: str) -> list[str]:
    """The table row whose first cell reads `first_cell`."""
    found = [row for row in table_rows(html) if row and row[0] == first_cell]
    assert len(found) == 1, f"expected one row for {first_cell!r}, found {len(found)}"
    return found[0]


class _Summaries(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lists: list[dict[str, str]] = []
        self._text: list[str] | None = None
        self._key = ""

    def handle_starttag(self, tag, attrs):
        if tag == "dl":
            self.lists.append({})
        elif tag in {"dt", "dd"}:
            self._text = []

    def handle_endtag(self, tag):
        if tag in {"dt", "dd"} and self._text is not None:
            text = re.sub(r"\s+", " ", "".join(self._text)).strip()
            if tag == "dt":
                self._key = text
            else:
                self.lists[-1][self._key] = text
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def summary_after(html: str, heading: str) -> dict[str, str]:
    """The first GOV.UK summary list after `heading`, as key → value."""
    parser = _Summaries()
    parser.feed(html.split(heading, 1)[1])
    return parser.lists[0]
