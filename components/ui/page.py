"""Small page helpers shared by every page: chart output with export settings, notes, empty states."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.catalog.source import catalog_source, chart_source
from components.charts.figure_data import figure_csv
from components.charts.style import APP_NAME, add_footer, export_config, slide_style
from components.charts.user_layer import USER_NAME, USER_RANK, user_mask
from components.ui.sidebar import filter_notices, image_format, is_dark, is_talk
from components.ui.text import md_literal


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def has_uploads(df: pd.DataFrame) -> bool:
    """True when the frame behind a chart holds models uploaded in this session (see filtered_models)."""
    return bool(user_mask(df).any())


def figure_shows_uploads(fig: go.Figure) -> bool:
    """True when a builder drew uploaded models: its "Your models" layer (user_layer.user_trace: that name and
    legend rank), or the count it records in layout.meta["user"]. Charts that only count rows (stacked bars, the
    license matrix) carry no such mark: their page says so with show_chart(..., uploads=has_uploads(df))."""
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("user"):
        return True
    return any(trace.name == USER_NAME and trace.legendrank == USER_RANK for trace in fig.data)


def footer_source(fig: go.Figure, source: str | None, uploads: bool) -> str:
    """A chart's own source words as given; a catalog chart's from the data folder, plus its uploads if shown."""
    if source is not None:
        return source
    return chart_source(catalog_source(), uploads=uploads or figure_shows_uploads(fig))


def show_chart(fig: go.Figure, *, page: str, view: str, key: str, data_version: str | None = None,
               source: str | None = None, uploads: bool = False) -> None:
    """Render a figure with the house footer and slide-sized PNG/SVG export from the modebar, and a
    button under it that downloads the data behind it as CSV.

    `source`: what the footer names as the data's origin; None for a catalog chart, which is named after the
    catalog folder (components.catalog.source). `uploads`: the chart counts uploaded models although its figure
    does not mark them (see figure_shows_uploads)."""
    talk = is_talk()
    if talk:
        slide_style(fig, dark=is_dark())
    footer = f"{APP_NAME} · {footer_source(fig, source, uploads)}" + (f" · data {data_version}" if data_version else "")
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
