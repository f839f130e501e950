"""Figures for the reasoning page: one GRPO update, training curves, memory bars, benchmark comparison.

Pure builders (DataFrame / dict + options → go.Figure); no Streamlit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import OKABE_ITO, SERIES, base_layout

METHOD_COLORS = {"GRPO": SERIES[0], "PPO": SERIES[1], "REINFORCE": SERIES[2]}
ROLE_COLORS = {"policy": SERIES[0], "reference": SERIES[5], "reward": SERIES[2], "value": SERIES[3]}
ROLE_LABELS = {"policy": "Policy (trained)", "reference": "Reference (frozen)", "reward": "Reward model (frozen)",
               "value": "Value model / critic (trained)"}
DEFAULT_METRICS = {
    "expected_reward": "Expected reward E_π[r]",
    "p_best": "P(correct + formatted)",
    "zero_signal_expected": "P(zero-signal group)",
    "kl_to_ref": "KL(π_θ ‖ π_ref)",
}
REASONING_COLOR = OKABE_ITO["vermillion"]
GENERATION_COLOR = OKABE_ITO["blue"]


def _grid(n: int, cols: int, *, titles: list[str] | None = None, hgap: float = 0.1, vgap: float = 0.12,
          heights: list[float] | None = None, top: float = 1.0) -> tuple[dict, list[tuple[str, str]]]:
    """A subplot grid as a plain layout dict (one validation pass instead of make_subplots' many).

    Axes are numbered row-major like make_subplots (xaxis, xaxis2, ...); titles become paper
    annotations above each panel. `top` < 1 leaves room above the panels (for the house legend row).
    Returns (layout, [(xref, yref), ...])."""
    rows = math.ceil(n / cols)
    heights = heights or [1.0 / rows] * rows
    usable_h = top - vgap * (rows - 1)
    w = (1 - hgap * (cols - 1)) / cols
    layout: dict = {"annotations": []}
    refs = []
    tops = []
    for r in range(rows):
        tops.append(top)
        top -= heights[r] * usable_h + vgap
    for i in range(n):
        r, c = divmod(i, cols)
        sfx = "" if i == 0 else str(i + 1)
        x0 = c * (w + hgap)
        y1 = tops[r]
        y0 = y1 - heights[r] * usable_h
        layout[f"xaxis{sfx}"] = {"domain": [x0, x0 + w], "anchor": f"y{sfx}"}
        layout[f"yaxis{sfx}"] = {"domain": [max(y0, 0.0), y1], "anchor": f"x{sfx}"}
        refs.append((f"x{sfx}", f"y{sfx}"))
        if titles:
            layout["annotations"].append({"text": titles[i], "x": x0 + w / 2, "y": y1, "xref": "paper",
                                          "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                          "showarrow": False, "font": {"size": 15}})
    return layout, refs


def _top_for_titles(height: int, title: str | None, talk: bool) -> float:
    """Paper fraction that keeps subplot titles clear of the legend row base_layout puts above the plot."""
    if talk:
        height, margins, room = 1080, (120 if title else 60) + 150, 44
    else:
        margins, room = (90 if title else 40) + 110, 30
    return max(0.6, 1 - room / max(height - margins, 100))


def step_chart(group: pd.DataFrame, *, eps: float, talk: bool = False, title: str | None = None) -> go.Figure:
    """One group of a GRPO update. Top: reward and advantage per sample. Bottom: the ratio ρ the last
    inner step saw, the clip band [1−ε, 1+ε], and an ✕ where clipping zeroed the sample's gradient.

    `group` columns: sample, answer, reward, advantage, ratio, clipped (as `record_frame` returns)."""
    x = [f"#{s}" for s in group["sample"]]
    layout, refs = _grid(2, 1, vgap=0.1, heights=[0.55, 0.45])
    hover = "%{x} · %{customdata}<br>%{y:.3f}<extra>%{fullData.name}</extra>"
    answers = list(group["answer"])
    ratio = group["ratio"].to_numpy(float)
    clipped = group["clipped"].to_numpy(bool)
    data = [
        go.Bar(x=x, y=group["reward"].to_numpy(float), name="Reward r", marker_color=SERIES[5],
               customdata=answers, hovertemplate=hover),
        go.Bar(x=x, y=group["advantage"].to_numpy(float), name="Advantage Â", marker_color=SERIES[0],
               customdata=answers, hovertemplate=hover),
        go.Scatter(x=x, y=ratio, mode="markers", name="Ratio ρ = π_θ/π_old", xaxis="x2", yaxis="y2",
                   marker=dict(color=SERIES[1], size=11, symbol="circle"), customdata=answers, hovertemplate=hover),
        go.Scatter(x=[xi for xi, c in zip(x, clipped) if c], y=ratio[clipped], mode="markers",
                   name="Clipped (no gradient)", xaxis="x2", yaxis="y2",
                   marker=dict(color=OKABE_ITO["vermillion"], size=16, symbol="x-thin-open",
                               line=dict(width=3, color=OKABE_ITO["vermillion"])),
                   hovertemplate="%{x}: clipped at ρ=%{y:.3f}<extra></extra>"),
    ]
    lo = min(1 - 1.5 * eps, float(ratio.min()) - 0.05) if len(ratio) else 1 - 1.5 * eps
    hi = max(1 + 1.5 * eps, float(ratio.max()) + 0.05) if len(ratio) else 1 + 1.5 * eps
    layout["shapes"] = [{"type": "line", "xref": "x2 domain", "yref": "y2", "x0": 0, "x1": 1, "y0": y, "y1": y,
                         "line": {"color": "#6E7781", "width": 1, "dash": dash}}
                        for y, dash in ((1 - eps, "dash"), (1.0, "dot"), (1 + eps, "dash"))]
    layout["xaxis"].update(matches="x2", showticklabels=False)
    layout["xaxis2"]["title"] = {"text": "Sample in the group"}
    layout["yaxis"]["title"] = {"text": "Reward / advantage"}
    layout["yaxis2"].update(title={"text": "Ratio ρ"}, range=[lo, hi])
    layout.update(barmode="group")
    fig = go.Figure(data=data, layout=layout)
    return base_layout(fig, title=title, talk=talk, height=440)


def training_curves(curves: pd.DataFrame, *, metrics: dict[str, str] | None = None, talk: bool = False,
                    title: str | None = None) -> go.Figure:
    """Small multiples, one panel per metric, one line per method (GRPO, PPO, REINFORCE).

    `curves` is long: columns method, step, metric, value."""
    metrics = metrics or DEFAULT_METRICS
    names = list(metrics)
    cols = 2 if len(names) > 1 else 1
    rows = math.ceil(len(names) / cols)
    height = 300 * rows + 120
    layout, refs = _grid(len(names), cols, titles=[metrics[m] for m in names], hgap=0.1, vgap=0.18,
                         top=_top_for_titles(height, title, talk))
    methods = list(dict.fromkeys(curves["method"]))
    data = []
    for i, metric in enumerate(names):
        xr, yr = refs[i]
        sub = curves[curves["metric"] == metric]
        for j, method in enumerate(methods):
            d = sub[sub["method"] == method]
            data.append(go.Scatter(
                x=d["step"].to_numpy(), y=d["value"].to_numpy(float), mode="lines", name=method,
                legendgroup=method, showlegend=i == 0, xaxis=xr, yaxis=yr,
                line=dict(color=METHOD_COLORS.get(method, SERIES[j % len(SERIES)]), width=2.5),
                hovertemplate=f"{method}<br>step %{{x}}<br>{metrics[metric]}: %{{y:.3f}}<extra></extra>",
            ))
        sfx = "" if i == 0 else str(i + 1)
        layout[f"xaxis{sfx}"]["title"] = {"text": "Update step"}
        layout[f"yaxis{sfx}"]["title"] = {"text": metrics[metric]}
        if metric in ("p_best", "zero_signal_expected"):
            layout[f"yaxis{sfx}"]["range"] = [0, 1.02]
    fig = go.Figure(data=data, layout=layout)
    return base_layout(fig, title=title, talk=talk, height=height)


def memory_bars(mem: dict[str, dict[str, float]], *, talk: bool = False, title: str | None = None) -> go.Figure:
    """Stacked GB per method (x), one segment per model role; the total is written on each bar."""
    methods = list(mem)
    roles = [r for r in ROLE_LABELS if any(mem[m].get(r, 0) for m in methods)]
    data = [go.Bar(x=methods, y=[float(mem[m].get(role, 0.0)) for m in methods], name=ROLE_LABELS[role],
                   marker_color=ROLE_COLORS[role],
                   hovertemplate="%{x}: " + ROLE_LABELS[role] + " %{y:,.1f} GB<extra></extra>")
            for role in roles]
    totals = [float(sum(mem[m].values())) for m in methods]
    data.append(go.Scatter(x=methods, y=totals, mode="text", text=[f"{t:,.0f} GB" for t in totals],
                           textposition="top center", showlegend=False, hoverinfo="skip", name="Total"))
    layout = dict(barmode="stack",
                  yaxis=dict(title=dict(text="Memory held (GB)"), range=[0, max(totals + [1.0]) * 1.18]),
                  xaxis=dict(title=dict(text="Method")))
    return base_layout(go.Figure(data=data, layout=layout), title=title, talk=talk, height=380)


def _primary_rows(d: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, benchmark): prefer a pass@1 setting, else the first listed; the others are
    kept as an "also reported" note for the hover."""
    d = d.copy()
    setting = d["setting"].astype(object).where(d["setting"].notna(), "")
    d["_pref"] = ~setting.astype(str).str.contains("pass@1", regex=False)
    d["_order"] = np.arange(len(d))
    d = d.sort_values(["model_id", "benchmark", "_pref", "_order"], kind="stable")
    also = {}
    for key, grp in d.groupby(["model_id", "benchmark"], sort=False):
        rest = grp.iloc[1:]
        also[key] = "; ".join(f"{v:g} ({s})" if isinstance(s, str) and s else f"{v:g}"
                              for v, s in zip(rest["value"], rest["setting"]))
    first = d.drop_duplicates(["model_id", "benchmark"], keep="first").drop(columns=["_pref", "_order"])
    first["also"] = [also.get((m, b), "") for m, b in zip(first["model_id"], first["benchmark"])]
    return first


def benchmark_comparison(scores: pd.DataFrame, benchmarks: list[str] | None = None, *,
                         benchmark_names: dict[str, str] | None = None, reasoning_ids: set[str] | None = None,
                         talk: bool = False, title: str | None = None) -> go.Figure:
    """Small multiples sharing one row per model: a panel per benchmark (own x scale), a horizontal bar per
    model, reasoning models in vermillion and listed first, the others in blue. A blank = no score in the data.

    `scores` columns: model_id, name, benchmark, value, setting, self_reported, source_url, version.
    When a model has several numbers for one benchmark, the bar shows the pass@1 one (else the first) and
    the hover lists the others. The hover names the setting, the source version, self-reported or not,
    and the source URL. A model is "reasoning" if its id is in `reasoning_ids`, else if a `kind` column
    says "reasoning"."""
    benchmark_names = benchmark_names or {}
    if benchmarks is None:
        benchmarks = list(dict.fromkeys(scores["benchmark"]))
    benchmarks = [b for b in benchmarks if (scores["benchmark"] == b).any()]
    if reasoning_ids is None:
        kind = scores["kind"] if "kind" in scores else pd.Series(None, index=scores.index, dtype=object)
        reasoning_ids = set(scores.loc[kind.eq("reasoning").fillna(False).astype(bool), "model_id"])
    d = _primary_rows(scores[scores["benchmark"].isin(benchmarks)])
    names = d.drop_duplicates("model_id").set_index("model_id")["name"].astype(str)
    first_b = benchmarks[0] if benchmarks else None
    lead = d[d["benchmark"] == first_b].set_index("model_id")["value"] if first_b else pd.Series(dtype=float)
    order = sorted(names.index, key=lambda m: (m not in reasoning_ids, -float(lead.get(m, -np.inf)), names[m]))
    labels = [names[m] for m in order]
    if len(set(labels)) < len(labels):  # two models with one display name: tell them apart by id
        labels = [f"{names[m]} ({m})" if labels.count(names[m]) > 1 else names[m] for m in order]
    label_of = dict(zip(order, labels))

    n = max(len(benchmarks), 1)
    height = max(360, 240 + 26 * len(labels))
    layout, refs = _grid(n, n, titles=[benchmark_names.get(b, b) for b in benchmarks] or None, hgap=0.025,
                         top=_top_for_titles(height, title, talk))
    data = []
    shown = {True: False, False: False}
    for i, bench in enumerate(benchmarks):
        xr, yr = refs[i]
        sfx = "" if i == 0 else str(i + 1)
        sub_all = d[d["benchmark"] == bench]
        for flag in (True, False):
            sub = sub_all[sub_all["model_id"].isin(reasoning_ids) == flag]
            if sub.empty:
                continue
            obj = lambda col: sub[col].astype(object).where(sub[col].notna(), "")  # noqa: E731
            custom = np.column_stack([
                obj("setting").replace("", "—").astype(str), obj("version").replace("", "—").astype(str),
                np.where(sub["self_reported"].astype(object).eq(True), "self-reported", "independent"),
                obj("source_url").astype(str),
                [f"<br>also reported: {a}" if a else "" for a in sub["also"]],
            ])
            data.append(go.Bar(
                y=[label_of[m] for m in sub["model_id"]], x=sub["value"].to_numpy(float), orientation="h",
                name="Reasoning model" if flag else "Non-reasoning (generation) model",
                legendgroup=str(flag), showlegend=not shown[flag], xaxis=xr, yaxis=yr,
                marker_color=REASONING_COLOR if flag else GENERATION_COLOR,
                text=[f"{v:g}" for v in sub["value"]], textposition="outside", cliponaxis=False,
                customdata=custom,
                hovertemplate=("%{y}<br>" + benchmark_names.get(bench, bench) + ": %{x} (%{customdata[0]})"
                               "%{customdata[4]}<br>version: %{customdata[1]}<br>%{customdata[2]}"
                               "<br>%{customdata[3]}<extra></extra>"),
            ))
            shown[flag] = True
        top = float(sub_all["value"].max()) if len(sub_all) else 1.0
        layout[f"xaxis{sfx}"].update(range=[0, top * 1.3], title={"text": benchmark_names.get(bench, bench)},
                                     nticks=3)
        layout[f"yaxis{sfx}"].update(categoryorder="array", categoryarray=labels[::-1])  # first on top
        if i:
            layout[f"yaxis{sfx}"].update(matches="y", showticklabels=False)
    layout.update(barmode="overlay", bargap=0.25)
    layout["yaxis"]["automargin"] = True
    fig = go.Figure(data=data, layout=layout)
    return base_layout(fig, title=title, talk=talk, height=height)
