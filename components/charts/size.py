"""Size vs score: one benchmark's scores against total, active or effective parameters (log x),
with the Pareto frontier, MoE dumbbells (active → total) and labelled "spotlight" models.

Pure: DataFrames + options in, data / go.Figure out. The page reports `SizeScoreData.hidden`.

Picking one score per model (a model may have several for a benchmark): the benchmark's most
common setting (counted over distinct models in the whole scores table, so the pick does not move
with the filters; a stated setting beats "not stated") when the model has a score in it, otherwise the
model's first listed score.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.catalog.fields import FIELDS

from .style import ARCH_SYMBOLS, OKABE_ITO, TIER_COLORS, TIER_LABELS, base_layout
from .user_layer import NOT_IN_FRONTIER, USER_NAME, USER_OUTLINE, USER_SIZE, user_mask, user_trace

SIZE_MODES = ("total", "active", "effective", "both")
SIZE_MODE_LABELS = {
    "total": "Total",
    "active": "Active (per token)",
    "effective": "Effective √(total·active)",
    "both": "Total + active (MoE dumbbells)",
}
# Column drawn on x for each mode ("both" draws total, with a dumbbell to active for MoE models).
SIZE_COLUMNS = {"total": "params_total_b", "active": "params_active_eff_b", "effective": "params_effective_b",
                "both": "params_total_b"}
AXIS_TITLES = {
    "total": FIELDS["params_total_b"].title,
    "active": "Active parameters per token (B; dense = total)",
    "effective": FIELDS["params_effective_b"].title,
    "both": "Parameters (B): MoE models drawn from active ● to total ●",
}
TIER_ORDER = ["permissive", "conditional", "non_commercial", "research_only", "proprietary", None]
NO_SETTING = "setting not stated"
SCATTERGL_ABOVE = 1000  # points; WebGL above this, SVG (crisper, exports as vector) below
FRONTIER_COLOR = OKABE_ITO["black"]

# The seed article's models, labelled by default: (display name, candidate ids in preference order).
# Ids are the catalog's stable slugs; a name match is the fallback while curators add families.
SEED_SPOTLIGHT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Gemma 7B", ("gemma/7b",)),
    ("Gemma 2 27B", ("gemma-2/27b",)),
    ("Llama 2 70B", ("llama-2/70b",)),
    ("Llama 3.1 405B", ("llama-3.1/405b",)),
    ("Mixtral 8x7B", ("mixtral/8x7b",)),
    ("DeepSeek-R1", ("deepseek-r1/r1",)),
    ("Qwen1.5 72B", ("qwen1.5/72b",)),
    ("Yi 34B", ("yi/34b",)),
    ("Grok-1", ("grok-1/grok-1", "grok/grok-1", "grok-1/base", "grok/1")),
)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


def short_name(name) -> str:
    """Label text: the name without a trailing parenthetical ('Grok-1 (open base checkpoint)' -> 'Grok-1')."""
    text = re.sub(r"\s*\([^()]*\)$", "", str(name)).strip()
    return text or str(name)


def default_spotlight(models: pd.DataFrame) -> list[str]:
    """Ids of the seed article's models that exist in `models` (by id, else by exact normalised name)."""
    ids = set(models["id"])
    by_name = {}
    for mid, name in zip(models["id"], models["name"], strict=True):
        by_name.setdefault(_norm(name), mid)
    out = []
    for name, candidates in SEED_SPOTLIGHT:
        hit = next((c for c in candidates if c in ids), None) or by_name.get(_norm(name))
        if hit and hit not in out:
            out.append(hit)
    return out


# ---------------------------------------------------------------------------------------------
# Benchmarks and score picking


def benchmark_options(scores: pd.DataFrame, benchmarks: pd.DataFrame, model_ids) -> pd.DataFrame:
    """Benchmarks with at least one score among `model_ids`: id, name, n_models, label; most models first."""
    s = scores[scores["model_id"].isin(set(model_ids))]
    counts = s.groupby("benchmark")["model_id"].nunique()
    names = benchmarks.set_index("id")["name"] if len(benchmarks) else pd.Series(dtype=object)
    out = pd.DataFrame({"id": counts.index.astype(object), "n_models": counts.to_numpy().astype(int)})
    out["name"] = pd.Series([str(names.get(b, b)) for b in out["id"]], index=out.index, dtype=object)
    # Built row by row: on an empty frame the vectorised string sum has no dtype to work with.
    out["label"] = [f"{n} ({k} model{'' if k == 1 else 's'})" for n, k in zip(out["name"], out["n_models"])]
    return out.sort_values(["n_models", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def benchmark_info(benchmarks: pd.DataFrame, benchmark: str) -> dict:
    row = benchmarks[benchmarks["id"] == benchmark] if len(benchmarks) else benchmarks
    if len(row):
        r = row.iloc[0]
        return {"name": r["name"], "unit": r.get("unit"), "metric": r.get("metric"),
                "higher_is_better": bool(r.get("higher_is_better", True)), "url": r.get("url")}
    return {"name": benchmark, "unit": None, "metric": None, "higher_is_better": True, "url": None}


def main_setting(scores: pd.DataFrame, benchmark: str) -> str | None:
    """The benchmark's most common stated setting, counted over distinct models (ties: alphabetical);
    'setting not stated' only when no score states one. None when the benchmark has no scores."""
    s = scores[scores["benchmark"] == benchmark]
    if s.empty:
        return None
    key = s["setting"].fillna(NO_SETTING).astype(object)
    counts = pd.DataFrame({"model": s["model_id"].to_numpy(), "key": key.to_numpy()}).drop_duplicates()
    counts = counts.groupby("key").size().rename("n").reset_index()
    counts["unstated"] = counts["key"].eq(NO_SETTING)
    counts = counts.sort_values(["unstated", "n", "key"], ascending=[True, False, True], kind="stable")
    return counts["key"].iloc[0]


def pick_scores(scores: pd.DataFrame, benchmark: str) -> tuple[pd.DataFrame, str | None]:
    """One row per model for `benchmark`: its score in the main setting if it has one, else its first
    listed score. Adds `setting_label` (setting or 'setting not stated') and `n_scores_bench`."""
    s = scores[scores["benchmark"] == benchmark].reset_index(drop=True)
    main = main_setting(scores, benchmark)
    if s.empty:
        return s.assign(setting_label=pd.Series(dtype=object), n_scores_bench=pd.Series(dtype=int)), main
    s["setting_label"] = s["setting"].fillna(NO_SETTING).astype(object)
    s["_first"] = np.arange(len(s))
    s["_rank"] = np.where(s["setting_label"].eq(main), 0, 1)
    s["n_scores_bench"] = s.groupby("model_id")["model_id"].transform("size").astype(int)
    picked = (s.sort_values(["_rank", "_first"], kind="stable").drop_duplicates("model_id")
              .sort_values("_first", kind="stable").drop(columns=["_first", "_rank"]))
    return picked.reset_index(drop=True), main


# ---------------------------------------------------------------------------------------------
# Points, hidden counts, frontier


@dataclass
class SizeScoreData:
    points: pd.DataFrame  # one row per plotted model
    benchmark: str
    bench: dict
    size: str
    main_setting: str | None
    hidden: dict[str, int] = field(default_factory=dict)
    settings: dict[str, int] = field(default_factory=dict)  # setting -> plotted models, most first
    several_scores: int = 0  # plotted models that had more than one score for the benchmark
    no_dumbbell: int = 0  # "both" mode: MoE models of unknown active size, drawn at total only


def _fmt_b(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    big = v.map(lambda x: f"{x:,.0f}B" if pd.notna(x) else "")
    small = v.map(lambda x: f"{x:.3g}B" if pd.notna(x) else "")
    return pd.Series(np.where(v >= 100, big, small), index=values.index).astype(object)


def size_score_data(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, size: str = "total",
                    benchmarks: pd.DataFrame | None = None) -> SizeScoreData:
    """The points to draw and what is left out. `models` is the (filtered) models frame; `scores` the
    full scores table (the main setting is counted over all of it)."""
    if size not in SIZE_MODES:
        raise ValueError(f"size must be one of {SIZE_MODES}, not {size!r}")
    bench = benchmark_info(benchmarks if benchmarks is not None else pd.DataFrame(), benchmark)
    picked, main = pick_scores(scores, benchmark)
    col = SIZE_COLUMNS[size]
    keep = ["id", "name", "organization", "license_tier", "license_name", "weights", "architecture",
            "params_total_b", "params_active_b", "params_active_eff_b", "params_effective_b",
            "user"]  # `user`: uploaded on the Data page (absent outside the app); drawn as their own layer
    m = models[[c for c in keep if c in models.columns]]
    merged = m.merge(picked[["model_id", "value", "setting_label", "self_reported", "source_url",
                             "n_scores_bench"]],
                     left_on="id", right_on="model_id", how="left", sort=False)
    has_score = merged["value"].notna()
    x = pd.to_numeric(merged[col], errors="coerce")
    has_size = x.notna() & (x > 0)
    closed = ~merged["weights"].isin(["open", "gated_open"])
    hidden = {
        f"no {bench['name']} score": int((~has_score).sum()),
        "closed weights with undisclosed size": int((has_score & ~has_size & closed).sum()),
        ("no total size" if size in ("total", "both") else f"no {size} size"): int(
            (has_score & ~has_size & ~closed).sum()),
    }
    pts = merged[has_score & has_size].copy()
    pts["x"] = x[has_score & has_size].astype(float)
    pts["score"] = pts["value"].astype(float)
    pts["self_reported"] = pts["self_reported"].astype(bool)
    moe = pts["architecture"].eq("moe")
    active = pd.to_numeric(pts["params_active_b"], errors="coerce")
    if size == "both":
        pts["x_active"] = np.where(moe & active.notna() & (active < pts["x"]), active, np.nan)
    else:
        pts["x_active"] = np.nan
    no_dumbbell = int((moe & pts["x_active"].isna()).sum()) if size == "both" else 0
    pts["size_text"] = np.where(
        moe & active.notna(),
        "total " + _fmt_b(pts["params_total_b"]) + " · active " + _fmt_b(active),
        np.where(pts["params_total_b"].notna(), "total " + _fmt_b(pts["params_total_b"]), "total not disclosed"),
    )
    if size == "effective":
        pts["size_text"] = pts["size_text"] + " · effective " + _fmt_b(pts["x"])
    pts["reported_text"] = np.where(pts["self_reported"], "self-reported by the lab", "independent evaluation")
    pts = pts.drop(columns=["model_id", "value"]).reset_index(drop=True)
    settings = pts["setting_label"].value_counts()
    settings = settings.sort_values(ascending=False, kind="stable")
    return SizeScoreData(points=pts, benchmark=benchmark, bench=bench, size=size, main_setting=main,
                         hidden=hidden, settings={str(k): int(v) for k, v in settings.items()},
                         several_scores=int((pts["n_scores_bench"] > 1).sum()), no_dumbbell=no_dumbbell)


def pareto_frontier(x, y, *, higher_is_better: bool = True) -> np.ndarray:
    """Indices (into x/y) of the non-dominated points, in increasing size: each has a better score
    than every point at or below its size."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return np.array([], dtype=int)
    yy = y if higher_is_better else -y
    order = np.lexsort((-yy, x))  # by size, best score first within equal size
    best_before = np.maximum.accumulate(np.concatenate([[-np.inf], yy[order][:-1]]))
    return order[yy[order] > best_before]


def frontier_line(x, y, *, higher_is_better: bool = True, x_end: float | None = None) -> tuple[list, list]:
    """Step line (draw with line_shape='hv') through the frontier, extended flat to `x_end`."""
    idx = pareto_frontier(x, y, higher_is_better=higher_is_better)
    fx = list(np.asarray(x, dtype=float)[idx])
    fy = list(np.asarray(y, dtype=float)[idx])
    if fx and x_end is not None and x_end > fx[-1]:
        fx.append(float(x_end))
        fy.append(fy[-1])
    return fx, fy


# ---------------------------------------------------------------------------------------------
# Figure

HOVER = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<br>"
         "%{customdata[3]}: <b>%{y}</b> (%{customdata[4]})<br>%{customdata[5]}<br>"
         "<i>%{customdata[6]}</i><extra></extra>")


def _customdata(p: pd.DataFrame, bench_name: str) -> np.ndarray:
    return np.column_stack([
        p["name"].astype(object), p["organization"].fillna("").astype(object), p["size_text"].astype(object),
        np.full(len(p), bench_name, dtype=object), p["setting_label"].astype(object),
        p["reported_text"].astype(object), p["source_url"].fillna("").astype(object),
    ])


def _log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    vals = [m * 10 ** e for e in range(-2, 5) for m in (1, 2, 5)]
    vals = [v for v in vals if lo <= v <= hi]
    return vals, [f"{v:g}B" if v < 1000 else f"{v / 1000:g}T" for v in vals]


def _crosses(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Do segments a and b (x1, y1, x2, y2) properly intersect?"""
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    p1, p2, q1, q2 = a[:2], a[2:], b[:2], b[2:]
    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _place_labels(px: np.ndarray, py: np.ndarray, texts: list[str], all_px: np.ndarray, all_py: np.ndarray,
                  width: float, height: float, font: float,
                  narrow_width: float | None = None) -> list[tuple[float, float]]:
    """Greedy label placement in pixel space: for each label pick the offset (ax, ay; plotly's
    annotation convention, ay down, the label box centred there) whose box keeps clear of the labels
    placed so far, of the points, of the other leader lines and of the plot edges. Offsets are built
    from the label's size, so a box never sits on its own point."""
    dirs = [(1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0)]  # y up
    placed: list[tuple[float, float, float, float]] = []
    leaders: list[tuple[float, float, float, float]] = []
    out = []
    h = font + 10
    for i in np.argsort(px, kind="stable"):
        w = 0.6 * font * len(texts[i]) + 8
        cands = []
        for gap in (12, 36, 64):
            for dx, dy in dirs:
                ax = dx * (w / 2 + gap * (0.6 if dy else 1))
                ay = -dy * (h / 2 + gap)
                cands.append((round(ax), round(ay)))
        best, best_cost = cands[0], math.inf
        for k, (ax, ay) in enumerate(cands):
            cx, cy = px[i] + ax, py[i] - ay  # label centre, y up
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            cost = k * 0.5  # prefer the nearer, earlier candidates
            for b in placed:
                ox = min(box[2], b[2]) - max(box[0], b[0])
                oy = min(box[3], b[3]) - max(box[1], b[1])
                if ox > 0 and oy > 0:
                    cost += 1000 + ox * oy
            inside = ((all_px > box[0] - 4) & (all_px < box[2] + 4) & (all_py > box[1] - 4) & (all_py < box[3] + 4))
            cost += 40 * int(inside.sum())
            seg = (px[i], py[i], cx, cy)
            cost += 300 * sum(_crosses(seg, other) for other in leaders)
            out_x = max(0, -box[0]) + max(0, box[2] - width)
            if narrow_width:  # the same chart drawn narrower: points move, pixel offsets do not
                nx = px[i] * narrow_width / width + ax
                out_x += max(0, -(nx - w / 2)) + max(0, nx + w / 2 - narrow_width)
            out_y = max(0, -box[1]) + max(0, box[3] - height)
            cost += 50 * (out_x + out_y)
            if cost < best_cost:
                best, best_cost = (ax, ay), cost
        cx, cy = px[i] + best[0], py[i] - best[1]
        placed.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        leaders.append((px[i], py[i], cx, cy))
        out.append((int(i), best))
    result = [(0.0, 0.0)] * len(texts)
    for i, off in out:
        result[i] = off
    return result


def size_score_figure(data: SizeScoreData, *, spotlight=(), talk: bool = False, dark: bool = False,
                      height: int = 620, plot_width: float = 740) -> go.Figure:
    """Scatter of score vs size (log x), coloured by license tier; filled = self-reported, open =
    independent; diamonds = MoE; Pareto frontier step line; spotlight models labelled.

    talk=True lays the chart out for a 1920×1080 slide (legend at the right). Mark and label sizes stay
    at screen values: the page's show_chart applies style.slide_style, which scales them by 1.5."""
    allp = data.points
    # Uploaded models (column `user`) are drawn as their own "Your models" layer at the same (size, score)
    # coordinates, but everything else - the Pareto frontier, the tier traces, the spotlight labels - is the
    # catalog's alone: an upload never moves the frontier, so the line means the same with or without one.
    mine = user_mask(allp)
    p, up = (allp[~mine], allp[mine]) if mine.any() else (allp, allp.iloc[0:0])
    bench_name = data.bench["name"]
    hib = data.bench.get("higher_is_better", True)
    fig = go.Figure()
    title = f"{bench_name} vs " + {"total": "total parameters", "active": "active parameters",
                                   "effective": "effective size", "both": "size (MoE: active → total)"}[data.size]
    base_layout(fig, title=title, talk=talk, dark=dark, height=None if talk else height)
    unit = data.bench.get("unit")
    fig.update_yaxes(title_text=f"{bench_name} ({unit})" if unit else bench_name)
    fig.update_xaxes(title_text=AXIS_TITLES[data.size], type="log")
    if allp.empty:
        return fig

    scatter = go.Scattergl if len(allp) > SCATTERGL_ABOVE else go.Scatter
    msize = 10
    arch_symbol = p["architecture"].map(lambda a: ARCH_SYMBOLS.get(a if isinstance(a, str) else None)).fillna(
        "circle").astype(str).str.replace("-open", "", regex=False)
    symbols = np.where(p["self_reported"], arch_symbol, arch_symbol + "-open")
    tiers = p["license_tier"].astype(object).where(p["license_tier"].notna(), None)
    dumbbell = data.size == "both" and p["x_active"].notna().any()

    # Frontier first, so points draw on top of it.
    xs_all = p["x"].to_numpy()
    x_lo = float(np.nanmin(np.concatenate([allp["x"].to_numpy(), allp["x_active"].dropna().to_numpy()])))
    x_hi = float(np.nanmax(allp["x"].to_numpy()))
    if len(p):
        # Catalog only, extended flat to the largest catalog model (not to an upload beyond it).
        fx, fy = frontier_line(xs_all, p["score"].to_numpy(), higher_is_better=hib, x_end=float(np.nanmax(xs_all)))
        front_names = list(p["name"].to_numpy()[pareto_frontier(xs_all, p["score"].to_numpy(),
                                                                higher_is_better=hib)])
        front_names += [""] * (len(fx) - len(front_names))
        fig.add_trace(go.Scatter(
            x=fx, y=fy, mode="lines", line=dict(shape="hv", color="#F5F5F5" if dark else FRONTIER_COLOR, width=1.6,
                                                dash="dot"),
            name="Pareto frontier" + (" (by total size)" if data.size == "both" else ""),
            text=front_names, hovertemplate="Frontier: %{text} %{y}<extra></extra>", legendrank=990))

    for tier in TIER_ORDER:
        mask = (tiers == tier).to_numpy() if tier is not None else tiers.isna().to_numpy()
        if not mask.any():
            continue
        sub = p[mask]
        color = TIER_COLORS[tier]
        cd = _customdata(sub, bench_name)
        x, y, sym, cdata = sub["x"].to_numpy(), sub["score"].to_numpy(), symbols[mask], cd
        if dumbbell:
            has = sub["x_active"].notna().to_numpy()
            if has.any():
                n = int(has.sum())
                lx = np.column_stack([sub["x_active"].to_numpy()[has], x[has], np.full(n, np.nan)]).ravel()
                ly = np.column_stack([y[has], y[has], np.full(n, np.nan)]).ravel()
                fig.add_trace(scatter(x=lx, y=ly, mode="lines", line=dict(color=color, width=2),
                                      opacity=0.55, legendgroup=str(tier), showlegend=False, hoverinfo="skip",
                                      name=TIER_LABELS[tier] + " (active → total)", connectgaps=False))
                x = np.concatenate([x, sub["x_active"].to_numpy()[has]])
                y = np.concatenate([y, y[has]])
                sym = np.concatenate([sym, sym[has]])
                cdata = np.concatenate([cd, cd[has]])
        fig.add_trace(scatter(
            x=x, y=y, mode="markers", name=TIER_LABELS[tier], legendgroup=str(tier),
            marker=dict(color=color, symbol=list(sym), size=msize, opacity=0.9,
                        line=dict(color=color, width=1.6)),
            customdata=cdata, hovertemplate=HOVER, legendrank=100 + TIER_ORDER.index(tier)))

    if len(up):
        _add_user_layer(fig, up, bench_name, dumbbell=data.size == "both", gl=scatter is go.Scattergl, talk=talk,
                        dark=dark)

    # Legend keys for marker fill and shape (no data: they only explain the encoding).
    key_color = "#6E7781"
    for name, sym in (("Self-reported score (filled)", "circle"), ("Independent evaluation (open)", "circle-open"),
                      ("Mixture of experts (◆)", "diamond")):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                                 marker=dict(color=key_color, symbol=sym, size=msize,
                                             line=dict(color=key_color, width=1.6)), legendrank=950))

    # Axis ranges (explicit, so label placement knows where points land).
    lx0, lx1 = math.log10(x_lo) - 0.12, math.log10(x_hi) + 0.12
    ys = allp["score"].to_numpy()
    span = max(float(ys.max() - ys.min()), 1.0)
    y0, y1 = float(ys.min()) - 0.06 * span, float(ys.max()) + 0.1 * span
    tickvals, ticktext = _log_ticks(10 ** lx0, 10 ** lx1)
    fig.update_xaxes(range=[lx0, lx1], tickvals=tickvals, ticktext=ticktext)
    fig.update_yaxes(range=[y0, y1])

    spot = p[p["id"].isin(list(spotlight))]
    n_legend = sum(1 for t in fig.data if t.showlegend is not False)
    legend_rows = math.ceil(n_legend / 3)
    top = 120 if talk else 78 + legend_rows * 20
    if len(spot):
        # Plot area in pixels at the narrowest likely rendering: talk mode on a 1280 px screen (760 px
        # tall, legend at the right), or the page at 1280 px with the sidebar. Labels that clear each
        # other there also clear each other in the wider 1920×1080 export (points spread, offsets stay).
        pw, ph = (580, 760 - top - 150) if talk else (plot_width, height - top - 60)
        font = 12  # slide_style makes it 18 on slides
        place_font = 18 if talk else font

        def to_px(xv, yv):
            return ((np.log10(xv) - lx0) / (lx1 - lx0) * pw, (yv - y0) / (y1 - y0) * ph)

        spx, spy = to_px(spot["x"].to_numpy(), spot["score"].to_numpy())
        apx, apy = to_px(allp["x"].to_numpy(), allp["score"].to_numpy())  # labels keep clear of uploads too
        texts = [short_name(t) for t in spot["name"]]
        offsets = _place_labels(spx, spy, texts, apx, apy, pw, ph, place_font,
                                narrow_width=(0.8 if talk else 0.6) * pw)
        for (ax, ay), xv, yv, text in zip(offsets, spot["x"], spot["score"], texts, strict=True):
            fig.add_annotation(x=math.log10(xv), y=yv, text=text, ax=ax, ay=ay, showarrow=True, arrowhead=0,
                               arrowwidth=1, arrowcolor="#AAB2BA" if dark else "#57606A", font=dict(size=font),
                               bgcolor="rgba(255,255,255,0.7)" if not dark else "rgba(14,17,23,0.7)",
                               borderpad=2)

    n_settings = len(data.settings)
    main = next(iter(data.settings), None)
    yours = f" + {len(up)} of yours (★, not in the frontier)" if len(up) else ""
    sub = f"{len(p)} models{yours} · " + (f"setting: {main}" if n_settings == 1 else
                                          f"mostly {main} ({data.settings.get(main, 0)} of {len(allp)}), "
                                          f"{n_settings - 1} other setting{'s' if n_settings > 2 else ''}")
    if talk:
        legend = dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.02, traceorder="normal")
    else:
        legend = dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0, traceorder="normal",
                      entrywidth=1 / 3, entrywidthmode="fraction")
    fig.update_layout(
        title=dict(subtitle=dict(text=sub, font=dict(size=22 if talk else 13)), yref="container",
                   y=0.985 if talk else 0.98, yanchor="top"),
        legend=legend, margin=dict(t=top), hovermode="closest",
    )
    if len(up):  # for a page caption; absent without uploads, so catalog-only figures are unchanged
        fig.update_layout(meta={"user": {"shown": len(up), "in_frontier": False}})
    return fig


def _add_user_layer(fig: go.Figure, up: pd.DataFrame, bench_name: str, *, dumbbell: bool, gl: bool, talk: bool,
                    dark: bool) -> None:
    """The uploads at the catalog's coordinates (x in the chosen size mode, y the picked score); in "both"
    mode an MoE upload gets its active → total dumbbell like a catalog model, in the layer's colours."""
    x, y = up["x"].to_numpy(dtype=float), up["score"].to_numpy(dtype=float)
    names = list(up["name"])
    lines = [[org if isinstance(org, str) else "", size_text, f"{bench_name}: {score:g} ({setting})", reported,
              NOT_IN_FRONTIER]
             for org, size_text, score, setting, reported in zip(
                 up["organization"], up["size_text"], y, up["setting_label"], up["reported_text"], strict=True)]
    if dumbbell:
        has = up["x_active"].notna().to_numpy()
        if has.any():
            n = int(has.sum())
            ax = up["x_active"].to_numpy(dtype=float)[has]
            lx = np.column_stack([ax, x[has], np.full(n, np.nan)]).ravel()
            ly = np.column_stack([y[has], y[has], np.full(n, np.nan)]).ravel()
            fig.add_trace((go.Scattergl if gl else go.Scatter)(
                x=lx, y=ly, mode="lines", line=dict(color="#F5F5F5" if dark else USER_OUTLINE, width=2),
                opacity=0.55, legendgroup=USER_NAME, showlegend=False, hoverinfo="skip",
                name=USER_NAME + " (active → total)", connectgaps=False))
            x, y = np.concatenate([x, ax]), np.concatenate([y, y[has]])
            names += [n_ for n_, h in zip(up["name"], has, strict=True) if h]
            lines += [line for line, h in zip(lines, has, strict=True) if h]
    fig.add_trace(user_trace(x, y, names, hover_lines=lines, size=USER_SIZE, talk=talk, gl=gl))
