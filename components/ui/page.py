"""Small page helpers shared by every page: chart output with export settings, notes, empty states."""

from __future__ import annotations

import datetime as dt
import re

import plotly.graph_objects as go
import streamlit as st

from components.charts.figure_data import figure_csv
from components.charts.style import APP_NAME, add_footer, export_config, slide_style
from components.ui.sidebar import filter_notices, image_format, is_dark, is_talk
from components.ui.text import md_literal


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def show_chart(fig: go.Figure, *, page: str, view: str, key: str, data_version: str | None = None,
               source: str = "curated catalog") -> None:
    """Render a figure with the house footer and slide-sized PNG/SVG export from the modebar, and a
    button under it that downloads the data behind it as CSV."""
    talk = is_talk()
    if talk:
        slide_style(fig, dark=is_dark())
    footer = f"{APP_NAME} · {source}" + (f" · data {data_version}" if data_version else "")
    add_footer(fig, footer, talk=talk)
    filename = f"{slug(page)}_{slug(view)}_{dt.date.today().isoformat()}"
    st.plotly_chart(fig, width="stretch", config=export_config(filename, image_format()), key=key, theme=None)
    # Deferred: Streamlit calls `data` only when the button is clicked (on a server thread), so a rerun
    # never pays for the table (10-70 ms per chart, measured). "ignore": downloading needs no rerun.
    # The figure is not changed after this point, so the closure sees exactly what was drawn.
    st.download_button("Download data (CSV)", data=lambda: figure_csv(fig), file_name=f"{filename}.csv",
                       mime="text/csv", key=f"{key}_csv", on_click="ignore", type="tertiary",
                       icon=":material/download:", help="The plotted values behind this chart, one row per point.")


def show_url_notices() -> None:
    from components.ui.url_state import (
        url_notices,  # page options' notices join the filters' ones
    )
    notices = tuple(dict.fromkeys((*filter_notices(), *url_notices())))
    if notices:
        # The notices quote what the link said: shown as literal text, never as markdown.
        st.caption("Some link parameters were ignored: " + "; ".join(md_literal(n) for n in notices))


def empty_state(what: str = "models") -> None:
    st.info(f"No {what} match the current filters. Widen or reset the filters in the sidebar.",
            icon=":material/filter_alt_off:")


def hidden_note(parts: dict[str, int]) -> str | None:
    """'7 models hidden: 5 no MMLU score, 2 unknown size' (or None when nothing is hidden)."""
    parts = {k: v for k, v in parts.items() if v}
    if not parts:
        return None
    total = sum(parts.values())
    detail = ", ".join(f"{v} {k}" for k, v in parts.items())
    return f"{total} model{'s' if total != 1 else ''} hidden: {detail}."
