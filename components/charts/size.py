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
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.catalog.fields import FIELDS

from .scale import HOVER_LIMIT, hover_split, plain_trace, unlabelled_note
from .style import (
    ARCH_SYMBOLS,
    OKABE_ITO,
    TIER_COLORS,
    TIER_LABELS,
    base_layout,
    set_layout,
)
from .user_layer import (
    NOT_IN_FRONTIER,
    USER_NAME,
    USER_OUTLINE,
    USER_SIZE,
    user_mask,
    user_trace,
)

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
# Words for the large-view labelling rule (which points keep a name above scale.HOVER_LIMIT).
SIZE_RULE_WORDS = {"total": "total size", "active": "active size", "effective": "effective size",
                   "both": "total size"}
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
    ids = models["id"]
    present = set(ids[ids.isin([c for _, cands in SEED_SPOTLIGHT for c in cands])])
    # Names normalised in one vectorised pass; only the seed names are looked up (first model wins).
    wanted = {_norm(name) for name, _ in SEED_SPOTLIGHT}
    normed = models["name"].astype(str).str.lower().str.replace(r"[^a-z0-9]+", "", regex=True)
    hits = pd.DataFrame({"key": normed.to_numpy(dtype=object), "id": ids.to_numpy(dtype=object)})
    hits = hits[hits["key"].isin(wanted)].drop_duplicates("key")
    by_name = dict(zip(hits["key"], hits["id"], strict=True))
    out = []
    for name, candidates in SEED_SPOTLIGHT:
        hit = next((c for c in candidates if c in present), None) or by_name.get(_norm(name))
        if hit and hit not in out:
            out.append(hit)
    return out


def spotlight_choices(models: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """(model ids sorted by name, case-insensitively, then id; id -> name) for the spotlight picker."""
    ids = models["id"].to_numpy(dtype=object)
    names = models["name"].to_numpy(dtype=object)
    order = pd.DataFrame({"k": pd.Series(names, dtype=object).astype(str).str.lower().to_numpy(dtype=object),
                          "id": ids}).sort_values(["k", "id"], kind="stable").index.to_numpy()
    by_id = dict(zip(ids.tolist(), names.tolist(), strict=True))
    return list(dict.fromkeys(ids[order].tolist())), by_id


# ---------------------------------------------------------------------------------------------
# Benchmarks and score picking


def benchmark_options(scores: pd.DataFrame, benchmarks: pd.DataFrame, model_ids) -> pd.DataFrame:
    """Benchmarks with at least one score among `model_ids`: id, name, n_models, label; most models first."""
    ids = np.asarray(model_ids.to_numpy() if hasattr(model_ids, "to_numpy") else list(model_ids), dtype=object)
    s = scores.loc[scores["model_id"].isin(ids).to_numpy(), ["benchmark", "model_id"]]
    # Distinct (benchmark, model) pairs counted per benchmark, on integer codes (no string groupby).
    b_codes, b_uniq = pd.factorize(s["benchmark"], sort=True)
    m_codes, m_uniq = pd.factorize(s["model_id"])
    pairs = pd.unique(b_codes.astype("int64") * max(len(m_uniq), 1) + m_codes)  # (hash; np.unique sorts)
    n = np.bincount(pairs // max(len(m_uniq), 1), minlength=len(b_uniq)) if len(pairs) else np.zeros(0, int)
    names = benchmarks.set_index("id")["name"] if len(benchmarks) else pd.Series(dtype=object)
    out = pd.DataFrame({"id": pd.Index(b_uniq).astype(object), "n_models": n.astype(int)})
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


def _bench_scores(scores: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    return scores[scores["benchmark"].eq(benchmark).to_numpy()]


def _main_setting_of(s: pd.DataFrame) -> str | None:
    """main_setting over one benchmark's scores `s` (see there)."""
    if s.empty:
        return None
    keys, key_uniq = pd.factorize(s["setting"].fillna(NO_SETTING).astype(object))
    models, model_uniq = pd.factorize(s["model_id"])
    pairs = pd.unique(keys.astype("int64") * max(len(model_uniq), 1) + models)  # distinct (setting, model)
    counts = pd.DataFrame({"key": pd.Index(key_uniq).astype(object),
                           "n": np.bincount(pairs // max(len(model_uniq), 1), minlength=len(key_uniq))})
    counts["unstated"] = counts["key"].eq(NO_SETTING)
    counts = counts.sort_values(["unstated", "n", "key"], ascending=[True, False, True], kind="stable")
    return counts["key"].iloc[0]


def main_setting(scores: pd.DataFrame, benchmark: str) -> str | None:
    """The benchmark's most common stated setting, counted over distinct models (ties: alphabetical);
    'setting not stated' only when no score states one. None when the benchmark has no scores."""
    return _main_setting_of(_bench_scores(scores, benchmark))


def pick_scores(scores: pd.DataFrame, benchmark: str) -> tuple[pd.DataFrame, str | None]:
    """One row per model for `benchmark`: its score in the main setting if it has one, else its first
    listed score. Adds `setting_label` (setting or 'setting not stated') and `n_scores_bench`."""
    s = _bench_scores(scores, benchmark).reset_index(drop=True)
    main = _main_setting_of(s)
    if s.empty:
        return s.assign(setting_label=pd.Series(dtype=object), n_scores_bench=pd.Series(dtype=int)), main
    label = s["setting"].fillna(NO_SETTING).astype(object)
    codes, _ = pd.factorize(s["model_id"])
    rank = np.where(label.eq(main).to_numpy(), 0, 1)
    first = np.arange(len(s))
    # Per model, the first row in (main setting first, then listed order); kept in listed order.
    order = np.lexsort((first, rank, codes))
    lead = np.ones(len(order), dtype=bool)
    lead[1:] = codes[order][1:] != codes[order][:-1]
    keep = np.sort(order[lead])
    picked = s.take(keep).reset_index(drop=True)
    picked["setting_label"] = pd.Series(label.to_numpy()[keep], dtype=object)
    picked["n_scores_bench"] = np.bincount(codes)[codes[keep]].astype(int)
    return picked, main


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
    """'7B', '46.7B', '405B', '1,000B' ('' when missing). Each distinct size is formatted once: a big catalog has
    tens of thousands of models but only a few hundred distinct sizes."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    uniq, inv = np.unique(v, return_inverse=True)
    texts = np.array(["" if np.isnan(u) else f"{u:,.0f}B" if u >= 100 else f"{u:.3g}B" for u in uniq], dtype=object)
    return pd.Series(texts[inv.reshape(-1)] if len(v) else texts[:0], index=values.index, dtype=object)


def size_score_data(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, size: str = "total",
                    benchmarks: pd.DataFrame | None = None,
                    picked: tuple[pd.DataFrame, str | None] | None = None) -> SizeScoreData:
    """The points to draw and what is left out. `models` is the (filtered) models frame; `scores` the
    full scores table (the main setting is counted over all of it). `picked` may pass in
    pick_scores(scores, benchmark), which does not depend on the filters (a page computes it once)."""
    if size not in SIZE_MODES:
        raise ValueError(f"size must be one of {SIZE_MODES}, not {size!r}")
    bench = benchmark_info(benchmarks if benchmarks is not None else pd.DataFrame(), benchmark)
    picked, main = picked if picked is not None else pick_scores(scores, benchmark)
    col = SIZE_COLUMNS[size]
    # (No license name or weights: nothing downstream reads them, and the frame is pickled into the chart memo.)
    keep = ["id", "name", "organization", "license_tier", "architecture",
            "params_total_b", "params_active_b", "params_active_eff_b", "params_effective_b",
            "user"]  # `user`: uploaded on the Data page (absent outside the app); drawn as their own layer
    # Masks from three columns first; the other columns are taken for the plotted rows only.
    m = models[["id", col, "weights"]]
    # Each model's picked score by position (a left join without a merge: picked has one row per model).
    at = pd.Index(picked["model_id"].to_numpy(dtype=object), dtype=object).get_indexer(
        m["id"].to_numpy(dtype=object))
    value = pd.to_numeric(picked["value"], errors="coerce").to_numpy(dtype="float64")
    has_score = at >= 0
    has_score[has_score] = ~np.isnan(value[at[has_score]])  # a listed score without a value is no score
    x = pd.to_numeric(m[col], errors="coerce").to_numpy(dtype="float64")
    has_size = ~np.isnan(x) & (x > 0)
    closed = ~m["weights"].isin(["open", "gated_open"]).to_numpy()
    hidden = {
        f"no {bench['name']} score": int((~has_score).sum()),
        "closed weights with undisclosed size": int((has_score & ~has_size & closed).sum()),
        ("no total size" if size in ("total", "both") else f"no {size} size"): int(
            (has_score & ~has_size & ~closed).sum()),
    }
    shown = has_score & has_size
    pts = models.loc[shown, [c for c in keep if c in models.columns]].reset_index(drop=True)
    sc = picked.take(at[shown])
    for c in ("setting_label", "self_reported", "source_url", "n_scores_bench"):
        pts[c] = sc[c].to_numpy() if sc[c].dtype != object else pd.Series(sc[c].to_numpy(), dtype=object)
    pts["x"] = x[shown]
    pts["score"] = value[at[shown]]
    pts["self_reported"] = pts["self_reported"].astype(bool)
    moe = pts["architecture"].eq("moe").to_numpy()
    active = pd.to_numeric(pts["params_active_b"], errors="coerce").to_numpy(dtype="float64")
    if size == "both":
        pts["x_active"] = np.where(moe & ~np.isnan(active) & (active < pts["x"].to_numpy()), active, np.nan)
    else:
        pts["x_active"] = np.nan
    no_dumbbell = int((moe & pts["x_active"].isna().to_numpy()).sum()) if size == "both" else 0
    total_text = _fmt_b(pts["params_total_b"])
    size_text = np.where(
        moe & ~np.isnan(active),
        "total " + total_text + " · active " + _fmt_b(pd.Series(active, index=pts.index)),
        np.where(pts["params_total_b"].notna(), "total " + total_text, "total not disclosed"),
    )
    if size == "effective":
        size_text = size_text + " · effective " + _fmt_b(pts["x"]).to_numpy()
    pts["size_text"] = pd.Series(size_text, dtype=object)
    # Two shared string objects, not one per row (a pickled column of references is small and fast).
    reported = np.array(["independent evaluation", "self-reported by the lab"], dtype=object)
    pts["reported_text"] = pd.Series(reported[pts["self_reported"].to_numpy(dtype="int64")], dtype=object)
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


def _customdata_columns(p: pd.DataFrame, bench_name: str) -> list[np.ndarray]:
    """The hover card's fields (HOVER's customdata[0..6]) as one object array each, row-aligned with `p`."""
    return [
        p["name"].to_numpy(dtype=object), p["organization"].fillna("").to_numpy(dtype=object),
        p["size_text"].to_numpy(dtype=object), np.full(len(p), bench_name, dtype=object),
        p["setting_label"].to_numpy(dtype=object), p["reported_text"].to_numpy(dtype=object),
        p["source_url"].fillna("").to_numpy(dtype=object),
    ]


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
        # Only the points that some candidate box can touch (boxes reach w + 64 px across, h + 64 px up
        # or down, plus the 4 px margin): a big chart has tens of thousands of points, a label a few dozen.
        near = (np.abs(all_px - px[i]) <= w + 72) & (np.abs(all_py - py[i]) <= h + 72)
        near_px, near_py = all_px[near], all_py[near]
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
            inside = ((near_px > box[0] - 4) & (near_px < box[2] + 4) & (near_py > box[1] - 4)
                      & (near_py < box[3] + 4))
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


def _label_rule(size: str) -> str:
    return f"the Pareto frontier, the spotlight, then the largest by {SIZE_RULE_WORDS[size]}"


def labelled_mask(p: pd.DataFrame, must: np.ndarray, *, limit: int = HOVER_LIMIT) -> np.ndarray:
    """Which points keep a name and hover card (scale.hover_split): all of them up to `limit`; above it the
    `must` points (frontier, spotlight) always, then the largest on the size axis (x) up to `limit`."""
    if len(p) <= limit:
        return np.ones(len(p), dtype=bool)
    limit = max(limit, int(must.sum()))
    priority = np.where(must, np.inf, p["x"].to_numpy(dtype="float64"))
    # hover_split sorts by (priority, id); only the rows at or above the limit-th largest priority can make the
    # cut, so it sorts those few instead of every point (the same rows come out: the rest are below the cut).
    known = priority[~np.isnan(priority)]
    cut = np.partition(known, len(known) - limit)[len(known) - limit] if len(known) > limit else -np.inf
    cand = np.flatnonzero(priority >= cut) if len(known) > limit else np.arange(len(p))
    keys = pd.DataFrame({"id": p["id"].to_numpy(dtype=object)[cand]})
    top, _ = hover_split(keys, pd.Series(priority[cand]), limit=limit)
    out = np.zeros(len(p), dtype=bool)
    out[cand[top.index.to_numpy()]] = True
    return out


def size_score_figure(data: SizeScoreData, *, spotlight=(), talk: bool = False, dark: bool = False,
                      height: int = 620, plot_width: float = 740) -> go.Figure:
    """Scatter of score vs size (log x), coloured by license tier; filled = self-reported, open =
    independent; diamonds = MoE; Pareto frontier step line; spotlight models labelled.

    talk=True lays the chart out for a 1920×1080 slide (legend at the right). Mark and label sizes stay
    at screen values: the page's show_chart applies style.slide_style, which scales them by 1.5.

    Above scale.HOVER_LIMIT catalog points, every point is still drawn, but only the frontier, the spotlight
    and the largest models on the size axis (up to the limit) keep names and hover; the others are plain
    WebGL points (scale.plain_trace) in their tier's legend group. The subtitle says so and layout.meta
    ["unlabelled"] counts them. The frontier is always computed over every catalog point."""
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
    xaxis = dict(title=dict(text=AXIS_TITLES[data.size]), type="log")
    yaxis = dict(title=dict(text=f"{bench_name} ({unit})" if unit else bench_name))
    if allp.empty:
        return set_layout(fig, dict(xaxis=xaxis, yaxis=yaxis))

    # All traces are collected first (as dicts, so Plotly validates each once) and added in one call; the
    # layout is set in one update below.
    traces: list = []
    kind = "scattergl" if len(allp) > SCATTERGL_ABOVE else "scatter"
    msize = 10
    shapes = {k: v.replace("-open", "") for k, v in ARCH_SYMBOLS.items() if k is not None}
    arch_symbol = p["architecture"].map(shapes).fillna(ARCH_SYMBOLS[None].replace("-open", "")).to_numpy(dtype=object)
    symbols = np.where(p["self_reported"].to_numpy(dtype=bool), arch_symbol, arch_symbol + "-open")
    tier_codes, tier_values = pd.factorize(p["license_tier"].astype(object))  # missing tier: code -1
    xs_all = p["x"].to_numpy(dtype="float64")
    ys_all = p["score"].to_numpy(dtype="float64")
    xa_all = p["x_active"].to_numpy(dtype="float64")
    dumbbell = data.size == "both" and bool((~np.isnan(xa_all)).any())

    # Frontier first, so points draw on top of it. Over every catalog point, labelled or not.
    x_lo = float(np.nanmin(np.concatenate([allp["x"].to_numpy(dtype="float64"),
                                           allp["x_active"].dropna().to_numpy(dtype="float64")])))
    x_hi = float(np.nanmax(allp["x"].to_numpy(dtype="float64")))
    must = p["id"].isin(list(spotlight)).to_numpy().copy()  # labelled whatever the scale: spotlight and frontier
    if len(p):
        front = pareto_frontier(xs_all, ys_all, higher_is_better=hib)
        must[front] = True
        # Catalog only, extended flat to the largest catalog model (not to an upload beyond it).
        fx, fy = list(xs_all[front]), list(ys_all[front])
        x_end = float(np.nanmax(xs_all))
        if fx and x_end > fx[-1]:
            fx.append(x_end)
            fy.append(fy[-1])
        front_names = list(p["name"].to_numpy()[front]) + [""] * (len(fx) - len(front))
        traces.append(dict(
            type="scatter", x=fx, y=fy, mode="lines",
            line=dict(shape="hv", color="#F5F5F5" if dark else FRONTIER_COLOR, width=1.6, dash="dot"),
            name="Pareto frontier" + (" (by total size)" if data.size == "both" else ""),
            text=front_names, hovertemplate="Frontier: %{text} %{y}<extra></extra>", legendrank=990))
    labelled = labelled_mask(p, must)
    n_plain = int((~labelled).sum())
    # Hover fields for the labelled rows only (HOVER_LIMIT at most), by row position.
    lab_rows = np.flatnonzero(labelled)
    lab_at = np.full(len(p), -1)
    lab_at[lab_rows] = np.arange(len(lab_rows))
    cd_all = np.column_stack(_customdata_columns(p.iloc[lab_rows], bench_name)) if len(lab_rows) else None

    for tier in TIER_ORDER:
        if tier is not None and tier not in tier_values:
            continue
        mask = tier_codes == (-1 if tier is None else tier_values.get_loc(tier))
        if not mask.any():
            continue
        color = TIER_COLORS[tier]
        group, name, rank = str(tier), TIER_LABELS[tier], 100 + TIER_ORDER.index(tier)
        x, y, sym, xa = xs_all[mask], ys_all[mask], symbols[mask], xa_all[mask]
        has = ~np.isnan(xa) if dumbbell else np.zeros(len(x), dtype=bool)
        if has.any():  # the active → total lines carry no text: one trace for all of the tier's MoE models
            n = int(has.sum())
            lx = np.column_stack([xa[has], x[has], np.full(n, np.nan)]).ravel()
            ly = np.column_stack([y[has], y[has], np.full(n, np.nan)]).ravel()
            traces.append(dict(type=kind, x=lx, y=ly, mode="lines", line=dict(color=color, width=2),
                               opacity=0.55, legendgroup=group, showlegend=False, hoverinfo="skip",
                               name=name + " (active → total)", connectgaps=False))
        marker = dict(color=color, size=msize, opacity=0.9, line=dict(color=color, width=1.6))
        lab = labelled[mask]
        plain = ~lab
        if plain.any():  # drawn first, so the labelled points (the notable ones) sit on top
            pe = plain & has  # their dumbbells' active ends too, at the same look
            px_ = np.concatenate([x[plain], xa[pe]])
            py_ = np.concatenate([y[plain], y[pe]])
            ps_ = np.concatenate([sym[plain], sym[pe]])
            for s in sorted(set(ps_)):
                k = ps_ == s
                t = plain_trace(px_[k], py_[k], name=name, marker={**marker, "symbol": s}, legendgroup=group,
                                legendrank=rank)
                if not lab.any() and s == min(set(ps_)):
                    t.showlegend = True  # the tier has no labelled point: its plain points carry the legend
                traces.append(t)
        if lab.any():
            le = lab & has
            cd = cd_all[lab_at[np.flatnonzero(mask)[lab]]]
            traces.append(dict(
                type=kind, x=np.concatenate([x[lab], xa[le]]), y=np.concatenate([y[lab], y[le]]), mode="markers",
                name=name, legendgroup=group, marker={**marker, "symbol": list(np.concatenate([sym[lab], sym[le]]))},
                customdata=np.concatenate([cd, cd[le[lab]]]), hovertemplate=HOVER, legendrank=rank))

    if len(up):
        traces += _user_layer(up, bench_name, dumbbell=data.size == "both", gl=kind == "scattergl", talk=talk,
                              dark=dark)

    # Legend keys for marker fill and shape (no data: they only explain the encoding).
    key_color = "#6E7781"
    for name, sym in (("Self-reported score (filled)", "circle"), ("Independent evaluation (open)", "circle-open"),
                      ("Mixture of experts (◆)", "diamond")):
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                           marker=dict(color=key_color, symbol=sym, size=msize, line=dict(color=key_color, width=1.6)),
                           legendrank=950))
    fig.add_traces(traces)

    # Axis ranges (explicit, so label placement knows where points land).
    lx0, lx1 = math.log10(x_lo) - 0.12, math.log10(x_hi) + 0.12
    ys = allp["score"].to_numpy(dtype="float64")
    span = max(float(ys.max() - ys.min()), 1.0)
    y0, y1 = float(ys.min()) - 0.06 * span, float(ys.max()) + 0.1 * span
    tickvals, ticktext = _log_ticks(10 ** lx0, 10 ** lx1)
    xaxis.update(range=[lx0, lx1], tickvals=tickvals, ticktext=ticktext)
    yaxis.update(range=[y0, y1])

    n_settings = len(data.settings)
    main = next(iter(data.settings), None)
    yours = f" + {len(up)} of yours (★, not in the frontier)" if len(up) else ""
    sub = f"{len(p):,} models{yours} · " + (f"setting: {main}" if n_settings == 1 else
                                            f"mostly {main} ({data.settings.get(main, 0):,} of {len(allp):,}), "
                                            f"{n_settings - 1} other setting{'s' if n_settings > 2 else ''}")
    note = unlabelled_note(n_plain, len(p), _label_rule(data.size))
    note_lines = textwrap.wrap(note, 70 if talk else 95) if note else []  # the chart is ~800 px wide on screen
    if note_lines:
        sub += "<br>" + "<br>".join(note_lines)
    n_legend = sum(1 for t in fig.data if t.showlegend is not False)
    legend_rows = math.ceil(n_legend / 3)
    top = (120 if talk else 78 + legend_rows * 20) + (30 if talk else 18) * len(note_lines)

    spot = p[p["id"].isin(list(spotlight))]
    annotations = []
    if len(spot):
        # Plot area in pixels at the narrowest likely rendering: talk mode on a 1280 px screen (760 px
        # tall, legend at the right), or the page at 1280 px with the sidebar. Labels that clear each
        # other there also clear each other in the wider 1920×1080 export (points spread, offsets stay).
        pw, ph = (580, 760 - top - 150) if talk else (plot_width, height - top - 60)
        font = 12  # slide_style makes it 18 on slides
        place_font = 18 if talk else font

        def to_px(xv, yv):
            return ((np.log10(xv) - lx0) / (lx1 - lx0) * pw, (yv - y0) / (y1 - y0) * ph)

        spx, spy = to_px(spot["x"].to_numpy(dtype="float64"), spot["score"].to_numpy(dtype="float64"))
        # labels keep clear of every drawn point, uploads included
        apx, apy = to_px(allp["x"].to_numpy(dtype="float64"), ys)
        texts = [short_name(t) for t in spot["name"]]
        offsets = _place_labels(spx, spy, texts, apx, apy, pw, ph, place_font,
                                narrow_width=(0.8 if talk else 0.6) * pw)
        for (ax, ay), xv, yv, text in zip(offsets, spot["x"], spot["score"], texts, strict=True):
            annotations.append(dict(
                x=math.log10(xv), y=yv, text=text, ax=ax, ay=ay, showarrow=True, arrowhead=0, arrowwidth=1,
                arrowcolor="#AAB2BA" if dark else "#57606A", font=dict(size=font),
                bgcolor="rgba(255,255,255,0.7)" if not dark else "rgba(14,17,23,0.7)", borderpad=2))

    if talk:
        legend = dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.02, traceorder="normal")
    else:
        legend = dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0, traceorder="normal",
                      entrywidth=1 / 3, entrywidthmode="fraction")
    layout = dict(
        xaxis=xaxis, yaxis=yaxis,
        title=dict(subtitle=dict(text=sub, font=dict(size=22 if talk else 13)), yref="container",
                   y=0.985 if talk else 0.98, yanchor="top"),
        legend=legend, margin=dict(t=top), hovermode="closest",
    )
    if annotations:
        layout["annotations"] = annotations
    # meta is absent when there is nothing to say, so small catalog-only figures are unchanged.
    meta = {}
    if len(up):  # for a page caption
        meta["user"] = {"shown": len(up), "in_frontier": False}
    if n_plain:
        meta["unlabelled"] = n_plain
    if meta:
        layout["meta"] = meta
    return set_layout(fig, layout)


def _user_layer(up: pd.DataFrame, bench_name: str, *, dumbbell: bool, gl: bool, talk: bool, dark: bool) -> list:
    """The uploads at the catalog's coordinates (x in the chosen size mode, y the picked score); in "both"
    mode an MoE upload gets its active → total dumbbell like a catalog model, in the layer's colours."""
    out = []
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
            out.append((go.Scattergl if gl else go.Scatter)(
                x=lx, y=ly, mode="lines", line=dict(color="#F5F5F5" if dark else USER_OUTLINE, width=2),
                opacity=0.55, legendgroup=USER_NAME, showlegend=False, hoverinfo="skip",
                name=USER_NAME + " (active → total)", connectgaps=False))
            x, y = np.concatenate([x, ax]), np.concatenate([y, y[has]])
            names += [n_ for n_, h in zip(up["name"], has, strict=True) if h]
            lines += [line for line, h in zip(lines, has, strict=True) if h]
    out.append(user_trace(x, y, names, hover_lines=lines, size=USER_SIZE, talk=talk, gl=gl))
    return out
