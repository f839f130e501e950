"""Home-page overview figure: releases per quarter, stacked by weights access or license tier."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .style import TIER_COLORS, TIER_LABELS, WEIGHTS_COLORS, WEIGHTS_LABELS, base_layout

COLOR_BY = {
    "weights": ("weights", WEIGHTS_COLORS, WEIGHTS_LABELS, ["open", "gated_open", "closed", "unreleased"]),
    "tier": ("license_tier", TIER_COLORS, TIER_LABELS,
             ["permissive", "conditional", "non_commercial", "research_only", "proprietary"]),
}


def releases_per_quarter(df: pd.DataFrame, *, color_by: str = "weights", talk: bool = False,
                         dark: bool = False) -> go.Figure:
    """Stacked bars: model variants released per quarter. Models without a date are left out
    (the caller reports how many)."""
    col, colors, labels, order = COLOR_BY[color_by]
    dated = df.dropna(subset=["release_dt"])
    quarters = dated["release_dt"].dt.to_period("Q")
    fig = go.Figure()
    if len(dated):
        all_q = pd.period_range(quarters.min(), quarters.max(), freq="Q")
        x = [str(q).replace("Q", " Q") for q in all_q]
        counts = dated.groupby([quarters, dated[col]]).size()
        for value in order:
            y = [int(counts.get((q, value), 0)) for q in all_q]
            if sum(y):
                fig.add_bar(x=x, y=y, name=labels[value], marker_color=colors[value],
                            hovertemplate="%{x}: %{y} " + labels[value].lower() + "<extra></extra>")
    base_layout(fig, title="Model releases per quarter", talk=talk, dark=dark, height=400)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Release quarter")
    fig.update_yaxes(title_text="Model variants released")
    return fig
