"""A small read-only table as escaped HTML, for st.html.

Why not st.dataframe for a handful of rows: it makes the browser fetch and parse ~1.5 MB of grid and Arrow
JavaScript, which on Home competes with the first chart's Plotly bundle (issue 8: time to first chart). A plain
HTML table needs no extra code. Every cell is escaped here, so names from uploads or a foreign catalog arrive as
text: never markup, never a link (a markdown table would turn a bare URL in a name into a link)."""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

CLASS = "atlas-table"
# Colours are inherited or translucent grey, so the table reads on the light and the dark (talk) theme alike.
_STYLE = (f"<style>.{CLASS}{{width:100%;border-collapse:collapse;font-size:0.875rem;line-height:1.35}}"
          f".{CLASS} th{{text-align:left;font-weight:600;opacity:.75;padding:0.3rem 0.5rem}}"
          f".{CLASS} td{{padding:0.3rem 0.5rem;vertical-align:top;overflow-wrap:break-word}}"
          f".{CLASS} tr{{border-bottom:1px solid rgba(128,128,128,.25)}}"
          f".{CLASS} td.nowrap{{white-space:nowrap}}</style>")


def _cell(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else html.escape(str(value))


def html_table(frame: pd.DataFrame, columns: Mapping[str, str], *, nowrap: tuple[str, ...] = (),
               caption: str | None = None) -> str:
    """`frame`'s `columns` (column -> header) as an HTML table; missing values are empty cells. `nowrap`: columns
    kept on one line (dates). `caption`: an accessible name for the table (visually hidden)."""
    head = "".join(f"<th scope='col'>{html.escape(label)}</th>" for label in columns.values())
    body = []
    for row in frame[list(columns)].itertuples(index=False, name=None):
        cells = "".join(f"<td class='nowrap'>{_cell(v)}</td>" if col in nowrap else f"<td>{_cell(v)}</td>"
                        for col, v in zip(columns, row, strict=True))
        body.append(f"<tr>{cells}</tr>")
    label = f" aria-label='{html.escape(caption, quote=True)}'" if caption else ""
    return f"{_STYLE}<table class='{CLASS}'{label}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
