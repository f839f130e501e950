"""Figures for the reasoning page: one GRPO update, training curves, memory bars, benchmark comparison.

Pure builders (DataFrame / dict + options → go.Figure); no Streamlit.
"""

from __future__ import annotations

import math
import re
from collections import Counter

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

# Panel titles are wrapped to the width a panel has on a typical screen: the benchmark chart's plot area is about
# 600 px wide on a 1280-px window with the sidebar open (once the model names are laid out), and a character of the
# house sans-serif averages ~0.52 of the font size. Talk mode scales fonts and width together (same budget).
NOMINAL_PLOT_PX = 600
CHAR_EM = 0.52
MIN_TITLE_CHARS = 8


def panel_width(cols: int, hgap: float) -> float:
    """A panel's width as a fraction of the plot area, for `cols` panels side by side `hgap` apart."""
    return (1 - hgap * (cols - 1)) / cols


def title_chars(width: float, font_size: float) -> int:
    """How many characters of a `font_size`-px title fit on one line over a panel `width` (fraction) wide."""
    return max(MIN_TITLE_CHARS, int(width * NOMINAL_PLOT_PX / (CHAR_EM * font_size)))


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=-)")


def _split_word(word: str, width: int) -> list[str]:
    """A word too long for a line, cut where a reader still sees the parts (LiveCode-|Bench, MATH-|500; the
    hyphen also tells figure_data.plain to join the halves again); a word with no such place is left whole."""
    if len(word) <= width:
        return [word]
    cuts = [m.start() for m in _CAMEL.finditer(word) if 0 < m.start() < len(word)]
    fitting = [c for c in cuts if c + (word[c - 1] != "-") <= width]
    if not fitting:
        return [word]
    c = max(fitting)
    head = word[:c] if word[c - 1] == "-" else word[:c] + "-"  # "LiveCode-": read (and exported) as one word
    return [head, *_split_word(word[c:], width)]


def wrap_title(text: str, width: int) -> list[str]:
    """Greedy word wrap to lines of at most `width` characters (long words cut by `_split_word`)."""
    lines: list[str] = []
    for word in (p for w in text.split() for p in _split_word(w, width)):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _grid(n: int, cols: int, *, titles: list[str] | None = None, hgap: float = 0.1, vgap: float = 0.12,
          heights: list[float] | None = None, top: float = 1.0,
          title_font: int = 15) -> tuple[dict, list[tuple[str, str]]]:
    """A subplot grid as a plain layout dict (one validation pass instead of make_subplots' many).

    Axes are numbered row-major like make_subplots (xaxis, xaxis2, ...); titles become paper
    annotations above each panel (a title may hold <br> line breaks: it grows upwards from the panel's top).
    `top` < 1 leaves room above the panels (for the house legend row and the titles' lines).
    Returns (layout, [(xref, yref), ...])."""
    rows = math.ceil(n / cols)
    heights = heights or [1.0 / rows] * rows
    usable_h = top - vgap * (rows - 1)
    w = panel_width(cols, hgap)
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
                                          "showarrow": False, "font": {"size": title_font}})
    return layout, refs


def _top_for_titles(height: int, title: str | None, talk: bool, lines: int = 1) -> float:
    """Paper fraction that keeps subplot titles (of `lines` lines) clear of the legend row base_layout puts
    above the plot."""
    if talk:
        height, margins, room = 1080, (120 if title else 60) + 150, 44 + 26 * (lines - 1)
    else:
        margins, room = (90 if title else 40) + 110, 30 + 18 * (lines - 1)
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
    """One row per (model, benchmark), ordered by model then benchmark: prefer a pass@1 setting, else the first
    listed; the others are kept (pass@1 ones first, then in the order listed) as an "also reported" note for the
    hover. A plain pass over the rows: the frame is a chart's worth of scores."""
    groups: dict[tuple[str, str], list[tuple[bool, int]]] = {}
    settings = d["setting"].tolist()
    for i, key in enumerate(zip(d["model_id"].tolist(), d["benchmark"].tolist())):
        s = settings[i]
        groups.setdefault(key, []).append((not (isinstance(s, str) and "pass@1" in s), i))
    values = d["value"].tolist()
    first, also = [], []
    for key in sorted(groups):
        rows = [i for _, i in sorted(groups[key])]
        first.append(rows[0])
        also.append("; ".join(f"{values[i]:g} ({settings[i]})" if isinstance(settings[i], str) and settings[i]
                              else f"{values[i]:g}" for i in rows[1:]))
    out = d.iloc[first]
    return out.assign(also=also)


def _text(values: list, blank: str = "") -> np.ndarray:
    """Cell values as hover text: missing (None, NaN, NA) or empty -> `blank`."""
    return np.array([blank if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == ""
                     else str(v) for v in values], dtype=object)


def rank_for_picker(scores: pd.DataFrame, benchmarks: list[str]) -> pd.DataFrame:
    """Every model with a score on one of `benchmarks`, best first, for a model picker that can offer only a few.

    The rule: models that report **more** of the benchmarks come first (a comparison needs shared columns); ties
    go to the higher **average percentile**: on each benchmark, a model's best reported value is ranked among all
    models reporting that benchmark (1.0 = the top score), and these are averaged; then by id. Higher is better on
    every benchmark this is used with. Returns columns model_id, n_benchmarks, avg_percentile (in rank order)."""
    d = scores.loc[scores["benchmark"].isin(benchmarks) & scores["value"].notna(), ["model_id", "benchmark", "value"]]
    best = d.groupby(["benchmark", "model_id"], sort=False, observed=True)["value"].max().reset_index()
    best["pct"] = best.groupby("benchmark", sort=False, observed=True)["value"].rank(pct=True)
    out = best.groupby("model_id", sort=False, observed=True).agg(n_benchmarks=("benchmark", "size"),
                                                                   avg_percentile=("pct", "mean")).reset_index()
    out = out.sort_values(["n_benchmarks", "avg_percentile", "model_id"], ascending=[False, False, True],
                          kind="stable")
    return out.reset_index(drop=True)


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
    ids = d["model_id"].to_numpy(dtype=object)
    bench_of = d["benchmark"].to_numpy(dtype=object)
    value = d["value"].to_numpy(float)
    names = dict(zip(*(d.drop_duplicates("model_id")[c].tolist() for c in ("model_id", "name"))))
    names = {m: str(v) for m, v in names.items()}
    first_b = benchmarks[0] if benchmarks else None
    lead = dict(zip(ids[bench_of == first_b], value[bench_of == first_b])) if first_b else {}
    order = sorted(names, key=lambda m: (m not in reasoning_ids, -float(lead.get(m, -np.inf)), names[m]))
    labels = [names[m] for m in order]
    counts = Counter(labels)
    if len(counts) < len(labels):  # two models with one display name: tell them apart by id
        labels = [f"{names[m]} ({m})" if counts[names[m]] > 1 else names[m] for m in order]
    label_of = dict(zip(order, labels))
    is_reasoning = np.array([m in reasoning_ids for m in ids], dtype=bool)
    self_rep = d["self_reported"].tolist()
    hover = np.column_stack([
        _text(d["setting"].tolist(), "—"), _text(d["version"].tolist(), "—"),
        np.array(["self-reported" if v is not None and v is not pd.NA and v == True else "independent"
                  for v in self_rep], dtype=object),
        _text(d["source_url"].tolist()),
        np.array([f"<br>also reported: {a}" if a else "" for a in d["also"]], dtype=object),
    ]) if len(d) else np.empty((0, 5), dtype=object)

    n = max(len(benchmarks), 1)
    # Many panels share one row: smaller titles, wrapped to the panel's width (the panels start lower by a line
    # for each extra title line: the page's seven benchmarks take two), and a wider gap so that one panel's last
    # tick label ("100") does not run into the next one's first ("0").
    hgap = 0.035 if n > 4 else 0.025
    font = 13 if n > 4 else 15
    width = title_chars(panel_width(n, hgap), font)
    wrapped = {b: "<br>".join(wrap_title(benchmark_names.get(b, b), width)) for b in benchmarks}
    lines = max((t.count("<br>") + 1 for t in wrapped.values()), default=1)
    height = max(360, 240 + 18 * (lines - 1) + 26 * len(labels))
    layout, refs = _grid(n, n, titles=[wrapped[b] for b in benchmarks] or None, hgap=hgap, title_font=font,
                         top=_top_for_titles(height, title, talk, lines=lines))
    data = []
    shown = {True: False, False: False}
    for i, bench in enumerate(benchmarks):
        xr, yr = refs[i]
        sfx = "" if i == 0 else str(i + 1)
        in_bench = bench_of == bench
        for flag in (True, False):
            rows = np.flatnonzero(in_bench & (is_reasoning == flag))
            if not len(rows):
                continue
            data.append(dict(  # a plain dict: validated once, with the figure
                type="bar", y=[label_of[m] for m in ids[rows]], x=value[rows], orientation="h",
                name="Reasoning model" if flag else "Non-reasoning (generation) model",
                legendgroup=str(flag), showlegend=not shown[flag], xaxis=xr, yaxis=yr,
                marker_color=REASONING_COLOR if flag else GENERATION_COLOR,
                text=[f"{v:g}" for v in value[rows]], textposition="outside", cliponaxis=False,
                customdata=hover[rows],
                hovertemplate=("%{y}<br>" + benchmark_names.get(bench, bench) + ": %{x} (%{customdata[0]})"
                               "%{customdata[4]}<br>version: %{customdata[1]}<br>%{customdata[2]}"
                               "<br>%{customdata[3]}<extra></extra>"),
            ))
            shown[flag] = True
        top = float(np.nanmax(value[in_bench])) if in_bench.any() else 1.0
        layout[f"xaxis{sfx}"].update(range=[0, top * 1.3], title={"text": wrapped[bench], "font": {"size": font}},
                                     nticks=3)
        if top >= 1000:  # ratings: "2k" fits a narrow panel where "2000" would be turned on its side
            layout[f"xaxis{sfx}"]["tickformat"] = "~s"
        layout[f"yaxis{sfx}"].update(categoryorder="array", categoryarray=labels[::-1])  # first on top
        if i:
            layout[f"yaxis{sfx}"].update(matches="y", showticklabels=False)
    layout.update(barmode="overlay", bargap=0.25)
    layout["yaxis"]["automargin"] = True
    fig = go.Figure(data=data, layout=layout)
    return base_layout(fig, title=title, talk=talk, height=height)
