"""Adoption by license tier: Hugging Face downloads per tier, from the Hub snapshot (pure).

Input: the models table joined with the snapshot's columns (components.ui.hub.with_hub).
Each repo counts once (two catalog ids sharing a repo would otherwise double its downloads);
models without Hub numbers are left out and counted in the subtitle.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .style import TIER_COLORS, TIER_LABELS, base_layout

TIER_ORDER = ["permissive", "conditional", "non_commercial", "research_only", "proprietary", None]
METRICS = {"downloads_30d": "Downloads, last 30 days", "downloads_all_time": "Downloads, all time",
           "likes": "Likes"}
STATS = {"sum": "total", "median": "median per model"}


def compact(n: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{n:.0f}"


def adoption_table(df: pd.DataFrame, *, metric: str = "downloads_30d", stat: str = "sum") -> tuple[pd.DataFrame, int]:
    """Per tier: value, models counted, top model. Returns (table, models left out for lack of numbers)."""
    if metric not in METRICS or stat not in STATS:
        raise ValueError(f"metric must be one of {list(METRICS)}, stat one of {list(STATS)}")
    has_repo = df[df["hf_repo"].notna()] if "hf_repo" in df else df.iloc[0:0]
    values = pd.to_numeric(has_repo[metric], errors="coerce") if metric in has_repo else pd.Series(dtype=float)
    measured = has_repo.assign(_v=values).dropna(subset=["_v"]).drop_duplicates(subset="hf_repo", keep="first")
    left_out = int(len(has_repo) - len(has_repo[has_repo["hf_repo"].isin(measured["hf_repo"])]))
    rows = []
    for tier in TIER_ORDER:
        part = measured[measured["license_tier"].isna()] if tier is None else measured[measured["license_tier"] == tier]
        if part.empty:
            continue
        top = part.loc[part["_v"].idxmax()]
        rows.append({"tier": tier, "label": TIER_LABELS[tier],
                     "value": float(part["_v"].sum() if stat == "sum" else part["_v"].median()),
                     "models": len(part), "top_model": top.get("name") or top["id"], "top_value": float(top["_v"])})
    return pd.DataFrame(rows, columns=["tier", "label", "value", "models", "top_model", "top_value"]), left_out


def downloads_by_tier(df: pd.DataFrame, *, snapshot_date: str, metric: str = "downloads_30d", stat: str = "sum",
                      talk: bool = False, dark: bool = False) -> go.Figure:
    """Bars: Hub downloads (or likes) per license tier, coloured like every other tier chart."""
    table, left_out = adoption_table(df, metric=metric, stat=stat)
    fig = go.Figure()
    for r in table.itertuples(index=False):
        fig.add_bar(
            x=[r.label], y=[r.value], name=r.label, marker_color=TIER_COLORS[r.tier],
            text=[compact(r.value)], textposition="outside", cliponaxis=False,
            customdata=[[r.models, r.top_model, compact(r.top_value)]],
            hovertemplate=(f"<b>{r.label}</b><br>{METRICS[metric]} ({STATS[stat]}): %{{y:,.0f}}<br>"
                           "%{customdata[0]} models · top: %{customdata[1]} (%{customdata[2]})<extra></extra>"),
        )
    what = METRICS[metric] if stat == "sum" else f"{METRICS[metric]}, {STATS[stat]}"
    note = f"Hugging Face Hub snapshot {snapshot_date} · each repo counted once"
    if left_out:
        note += f" · {left_out} model{'s' if left_out != 1 else ''} left out: no Hub numbers"
    no_repo = int((df["open_weights"].fillna(False).astype(bool) & df["hf_repo"].isna()).sum()) \
        if {"open_weights", "hf_repo"} <= set(df.columns) else 0
    if no_repo:
        note += f" · {no_repo} open-weight model{'s' if no_repo != 1 else ''} without a Hub repo"
    base_layout(fig, title=f"Adoption by license tier: {what.lower()}", talk=talk, dark=dark, height=420)
    meta = {"left_out": left_out, "no_repo": no_repo, "snapshot_date": snapshot_date, "metric": metric, "stat": stat}
    fig.update_layout(title_subtitle_text=note, showlegend=False, bargap=0.35, margin_t=(130 if talk else 80),
                      meta=meta)
    fig.update_xaxes(title_text="License tier")
    fig.update_yaxes(title_text=what, rangemode="tozero")
    return fig
