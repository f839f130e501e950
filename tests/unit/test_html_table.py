"""The small HTML table (Home's newest releases): escaped text only, every row and column, empty for missing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from components.ui.html_table import html_table

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "[link](https://evil.example)",
           "https://evil.example", "a & b", "it's", "<b>bold</b>"]


class Cells(HTMLParser):
    """Reads back the table: header labels, rows of cell text, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            (self.head if tag == "th" else self.rows[-1]).append(text)
            self._cell = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._cell is not None and not self._in_style:
            self._cell.append(data)


def parse(markup: str) -> Cells:
    p = Cells()
    p.feed(markup)
    p.rows = [r for r in p.rows if r]
    return p


def test_cells_come_back_as_the_same_text_and_no_markup_gets_through():
    df = pd.DataFrame({"name": HOSTILE, "org": ["x"] * len(HOSTILE), "date": ["2025-01"] * len(HOSTILE)})
    out = html_table(df, {"name": "Model", "org": "Organization", "date": "Released"}, nowrap=("date",))
    cells = parse(out)
    assert cells.head == ["Model", "Organization", "Released"]
    assert [r[0] for r in cells.rows] == HOSTILE  # text exactly as given...
    assert set(cells.tags) == {"style", "table", "thead", "tr", "th", "tbody", "td"}  # ...and no tag of its own
    assert "<script" not in out and "<img" not in out and "<a " not in out and "href" not in out


def test_columns_follow_the_mapping_and_missing_values_are_empty():
    df = pd.DataFrame({"a": ["1", None, "3"], "b": [1.5, np.nan, 2.0], "c": ["x", "y", "z"]})
    cells = parse(html_table(df, {"c": "C", "a": "A", "b": "B"}))
    assert cells.head == ["C", "A", "B"]
    assert cells.rows == [["x", "1", "1.5"], ["y", "", ""], ["z", "3", "2.0"]]


def test_nowrap_marks_only_those_columns_and_the_caption_is_an_escaped_label():
    df = pd.DataFrame({"name": ["m"], "date": ["2024-05-01"]})
    out = html_table(df, {"name": "Model", "date": "Released"}, nowrap=("date",), caption="New <releases>")
    assert re.findall(r"<td class='nowrap'>([^<]*)</td>", out) == ["2024-05-01"]
    assert "aria-label='New &lt;releases&gt;'" in out


def test_an_empty_frame_gives_a_header_only_table():
    df = pd.DataFrame({"name": pd.Series(dtype="str")})
    cells = parse(html_table(df, {"name": "Model"}))
    assert cells.head == ["Model"] and cells.rows == []
