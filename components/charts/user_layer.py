"""The "Your models" layer: models uploaded on the Data page, drawn over a chart's catalog points.

`components.ui.sidebar.filtered_models` appends the session's uploads to the catalog frame with a boolean
column `user` (True for uploaded rows). A builder that draws one point per model splits them off with
`split_user` (or `user_mask`), places them with exactly the coordinates it uses for catalog models, and
draws them with `user_trace`: ONE trace and ONE legend entry, "Your models". A frame without the `user`
column (unit tests, the export CLI) has no uploads, and the builders behave as they always did.

Look: a star in Okabe–Ito yellow with a black outline, larger than the catalog markers. Yellow is in none of
the license-tier or weights colours (style.TIER_COLORS / WEIGHTS_COLORS); the star shape and the outline keep
the layer distinct for colour-vision deficiencies and in greyscale, and the yellow stays bright on the dark
talk-mode background. The layer is legend-ranked first.

Text: uploaded names (and every other line of the hover card) are user-provided. Plotly renders hover text,
tick labels and annotations as a small HTML subset, so they are escaped with `html.escape(quote=False)`, as
licenses.py does: Plotly decodes &lt; &gt; &amp; back to the characters, but not &quot;. The hover card is
plain `hovertext` (hoverinfo "text"), never a hovertemplate, so a name like "%{x}" is not substituted either.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import OKABE_ITO

USER_COLUMN = "user"
USER_NAME = "Your models"
USER_COLOR = OKABE_ITO["yellow"]
USER_OUTLINE = OKABE_ITO["black"]
USER_SYMBOL = "star"
USER_SIZE = 16.0  # px, screen; slide_style scales a scalar size by 1.5 for talk mode like every other marker
USER_RANK = 50  # legend rank: before the catalog's entries
USER_NOTE = "Your upload (this browser session only)"
# Charts with a frontier or a running record (Pareto frontier, best-so-far step lines, "longest so far"):
# uploaded models are drawn but never move the catalog's line, so the line means the same with or without
# an upload. Their hover card says so (this line), and the builders record it in layout.meta.
NOT_IN_FRONTIER = "Not counted in the catalog's frontier"


def user_mask(df: pd.DataFrame) -> np.ndarray:
    """True for the rows uploaded by the user; all False when the frame has no `user` column."""
    if USER_COLUMN not in df.columns:
        return np.zeros(len(df), dtype=bool)
    return df[USER_COLUMN].eq(True).to_numpy(dtype=bool)


def split_user(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(catalog rows, uploaded rows). Without uploads the catalog part is `df` itself, untouched."""
    mine = user_mask(df)
    if not mine.any():
        return df, df.iloc[0:0]
    return df[~mine], df[mine]


def escape(text: object) -> str:
    """Plain text for a Plotly label (hover, tick, annotation): its markup characters escaped."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return html.escape(str(text), quote=False)


def user_hover(names: Iterable, hover_lines: Iterable[Sequence] | None = None,
               note: str = USER_NOTE) -> list[str]:
    """One hover card per model: the name in bold, the upload note, then the chart's own lines (empty
    lines dropped). Everything is escaped here; callers pass raw text."""
    names = list(names)
    lines = list(hover_lines) if hover_lines is not None else [()] * len(names)
    if len(lines) != len(names):
        raise ValueError(f"hover_lines has {len(lines)} entries for {len(names)} names")
    cards = []
    for name, extra in zip(names, lines, strict=True):
        parts = [f"<b>{escape(name) or '(unnamed)'}</b>", f"<i>{escape(note)}</i>"]
        parts += [escape(line) for line in extra if escape(line)]
        cards.append("<br>".join(parts))
    return cards


def user_trace(x, y, names, *, hover_lines: Iterable[Sequence] | None = None, size=None, talk: bool = False,
               gl: bool = False, ids=None, note: str = USER_NOTE) -> go.Scatter | go.Scattergl:
    """The "Your models" trace: one star per uploaded model at (x, y), with an escaped hover card.

    `size` is a scalar or one size per point (default USER_SIZE); `gl` matches a chart whose catalog traces
    are WebGL (an SVG trace would be drawn under them); `ids` keep animation frames matched to points."""
    cards = user_hover(names, hover_lines, note)
    cls = go.Scattergl if gl else go.Scatter
    return cls(
        x=x, y=y, mode="markers", name=USER_NAME, legendgroup=USER_NAME, legendrank=USER_RANK,
        hovertext=cards, hoverinfo="text", ids=ids,
        marker=dict(symbol=USER_SYMBOL, size=USER_SIZE if size is None else size, color=USER_COLOR, opacity=1,
                    line=dict(color=USER_OUTLINE, width=2.0 if talk else 1.4)),
        hoverlabel=dict(bgcolor=USER_COLOR, bordercolor=USER_OUTLINE, font=dict(color=USER_OUTLINE)),
    )
