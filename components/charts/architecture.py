"""Architecture deep dives: vocabulary vs size and the embedding share, context length over time,
dense vs MoE releases, parameters per family/organization over time, releases per country.

Every builder takes the (filtered) models frame and returns ``(figure, hidden)`` where ``hidden``
maps a reason ("no vocabulary size") to the number of models the chart had to leave out, so the
page can say what is missing. No Streamlit here.

Models the user uploaded (column ``user``, see user_layer.py) are drawn by the scatter charts as one
"Your models" star layer at the same coordinates as catalog models; they are never merged with catalog
variants, labelled, or counted in a running record ("longest so far", a group's "largest so far"). They do
count in ``hidden`` like any model. The stacked bar charts count releases and keep them in their counts.

Large views (components/charts/scale.py): a scatter with more than HOVER_LIMIT catalog points keeps every
point at its place, colour, shape and size, but only the HOVER_LIMIT points with the largest total parameters
(ties by model id) keep a name and a hover card; the others are plain WebGL traces. The figure says so in its
subtitle and in layout.meta["unlabelled"]. The curated catalog never gets there.

Speed: a page rerun builds all six figures, so the builders work on NumPy arrays of the few columns they read
(one grouping pass per chart, no per-column pandas aggregation), build each figure in one go, and make
per-point strings only for the points that keep a hover card.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from components.catalog.fields import label

from .scale import HOVER_LIMIT, hover_split, plain_trace, unlabelled_note
from .style import (
    ARCH_SYMBOLS,
    OKABE_ITO,
    SERIES,
    WEIGHTS_COLORS,
    WEIGHTS_LABELS,
    base_layout,
    merged_dict,
)
from .user_layer import user_mask, user_trace

GRAINS = ("quarter", "year")
COUNTS = ("variants", "families")
GROUPS = ("organization", "family")

# Fixed colours per architecture (dense / MoE / undisclosed) and per country code, so a category
# keeps its colour in every filter state. Countries beyond this list share the "other" grey.
ARCH_COLORS = {"dense": OKABE_ITO["blue"], "moe": OKABE_ITO["orange"], None: OKABE_ITO["grey"]}
ARCH_LABELS = {"dense": "Dense", "moe": "Mixture of experts", None: "Not disclosed"}
COUNTRY_COLORS = {
    "US": OKABE_ITO["blue"], "CN": OKABE_ITO["vermillion"], "FR": OKABE_ITO["sky"],
    "AE": OKABE_ITO["green"], "GB": OKABE_ITO["purple"], "CA": OKABE_ITO["orange"],
    "DE": OKABE_ITO["yellow"], "INTL": OKABE_ITO["black"],
}
OTHER_COLOR = OKABE_ITO["grey"]

# Models labelled on the vocabulary charts when present: the Gemma story (a 256k vocabulary is a
# fifth of a 2B model) against large models where the same table is a rounding error.
DEFAULT_VOCAB_LABELS = ("gemma/2b", "gemma-3/1b", "llama-3/70b", "llama-3.1/405b", "llama-2/7b",
                        "deepseek-v3/base", "gpt-oss/20b")
VOCAB_BANDS = [  # (upper bound exclusive, label, colour)
    (64_000, "< 64k tokens", OKABE_ITO["sky"]),
    (160_000, "64k–160k tokens", OKABE_ITO["blue"]),
    (np.inf, "≥ 160k tokens", OKABE_ITO["vermillion"]),
]
CONTEXT_TICKS = [2**k for k in range(10, 25)]
SIZE_TICKS = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000]
VOCAB_TICKS = [16_000, 32_000, 50_000, 64_000, 100_000, 128_000, 150_000, 200_000, 256_000, 512_000]
SHARE_COLORSCALE = pcolors.get_colorscale("Cividis")  # as plotly.py spells it out (figures skip validation)
LABEL_RULE = "largest total parameters"  # which points keep names and hover in a large view
ARCH_ORDER = ("dense", "moe", None)


def _log_ticks(ticks: list[float], values, fmt) -> dict:
    """Explicit tick values/labels for a log axis (no unlabelled minor digits), within the data's range."""
    v = np.asarray(values, dtype="float64")
    v = v[~np.isnan(v)]
    if not len(v):
        return {}
    lo, hi = float(v.min()) / 1.6, float(v.max()) * 1.6
    keep = [t for t in ticks if lo <= t <= hi] or ticks
    return dict(tickvals=keep, ticktext=[fmt(t) for t in keep])


def _size_text(b: float) -> str:
    return f"{b:g}B" if b < 1000 else f"{b / 1000:g}T"


def _f64(s: pd.Series) -> np.ndarray:
    """A nullable/integer/float column as a float64 array with NaN for unknown."""
    if s.dtype == "float64":
        return s.to_numpy()
    try:
        return s.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _obj(s: pd.Series) -> np.ndarray:
    """A text column as an object array (missing values stay NaN/None)."""
    return s.to_numpy(dtype=object)


def _opt(values: np.ndarray) -> np.ndarray:
    """A category column's values with every missing value as None (the key of "not disclosed")."""
    values = np.asarray(values, dtype=object)
    return np.where(pd.isna(values), None, values)


def embedding_share(df: pd.DataFrame) -> pd.Series:
    """Input-embedding parameters as a fraction of all parameters: vocab × hidden ÷ total.
    NaN when any of the three is unknown. (Untied output embeddings cost the same again.)"""
    return pd.Series(_share(_f64(df["params_total_b"]), _f64(df["vocab_size"]), _f64(df["hidden_size"])),
                     index=df.index)


def _share(total_b: np.ndarray, vocab: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    total = total_b * 1e9
    with np.errstate(invalid="ignore", divide="ignore"):
        return vocab * hidden / np.where(total > 0, total, np.nan)


def _fmt_tokens(n: float) -> str:
    if n != n:
        return "unknown"
    if n >= 1_000_000:
        return f"{n / 1_048_576:g}M" if n % 1_048_576 == 0 else f"{n / 1e6:.1f}M"
    return f"{n / 1024:g}k" if n % 1024 == 0 else f"{n / 1000:.0f}k"


# ------------------------------------------------------------------ grouping on arrays
def _codes(*columns: np.ndarray) -> tuple[np.ndarray, int]:
    """(code per row, number of codes) of the distinct combinations of `columns` — a missing value is a value
    of its own, codes are numbered in order of first appearance (like groupby(sort=False, dropna=False))."""
    n = len(columns[0]) if columns else 0
    code, k = np.zeros(n, dtype=np.int64), 1 if n else 0
    for col in columns:
        cc, uniq = pd.factorize(np.asarray(col), use_na_sentinel=False)
        code, uniq = pd.factorize(code * len(uniq) + cc)
        k = len(uniq)
    return code.astype(np.int64, copy=False), k


def _firsts(code: np.ndarray, k: int) -> np.ndarray:
    """Row position of each code's first row (codes numbered by first appearance: increasing positions)."""
    return np.unique(code, return_index=True)[1] if k else np.zeros(0, dtype=np.int64)


def _joined(values: np.ndarray, code: np.ndarray, k: int, want: np.ndarray | None = None,
            sep: str = ", ") -> np.ndarray:
    """Each code's values joined in row order, missing values skipped (only for codes where `want`; "" else)."""
    out = np.full(k, "", dtype=object)
    ok = ~pd.isna(values)
    if want is not None:
        ok &= want[code]
    idx = np.flatnonzero(ok)
    if not len(idx):
        return out
    c = code[idx]
    order = np.argsort(c, kind="stable")
    idx, c = idx[order], c[order]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    ends = np.r_[starts[1:], len(c)]
    single = ends - starts == 1
    out[c[starts[single]]] = [str(v) for v in values[idx[starts[single]]]]
    for s, e in zip(starts[~single], ends[~single]):
        out[c[s]] = sep.join(map(str, values[idx[s:e]]))
    return out


class _Merged:
    """Catalog points of a scatter: one per family and identical `keys` values (base/instruct twins drawn once),
    each keeping every member's name for its hover card. `rows` holds the chosen rows' columns (`arrays`
    override frame columns), `pts` each point's values from its first row, `code` the point of every row."""

    def __init__(self, df: pd.DataFrame, mask: np.ndarray, keys: list[str], cols: list[str],
                 arrays: dict[str, np.ndarray] | None = None) -> None:
        mask = np.asarray(mask, dtype=bool)
        arrays = arrays or {}
        need = dict.fromkeys(["id", "name", "family_id", *keys, *cols])
        self.rows = {c: (np.asarray(arrays[c]) if c in arrays else df[c].to_numpy())[mask] for c in need}
        fam = self.rows["family_id"]
        fam = np.where(pd.isna(fam), self.rows["id"], fam)
        self.code, self.k = _codes(fam, *(self.rows[c] for c in keys))
        self.first = _firsts(self.code, self.k)
        self.pts = {c: self.rows[c][self.first] for c in need}

    def names(self, want: np.ndarray | None = None) -> np.ndarray:
        """Every member's name, joined (only for the points where `want`; "" for the others)."""
        return _joined(self.rows["name"], self.code, self.k, want)

    def group_max(self, col: str) -> np.ndarray:
        out = np.full(self.k, np.nan)
        np.fmax.at(out, self.code, np.asarray(self.rows[col], dtype="float64"))
        return out

    def min_ids(self, points: np.ndarray) -> np.ndarray:
        """The smallest member id of each of `points` (a point's id for ordering ties)."""
        rows = np.isin(self.code, points)
        lookup = np.full(self.k, -1, dtype=np.int64)
        lookup[points] = np.arange(len(points))
        return _group_min_str(self.rows["id"][rows], lookup[self.code[rows]], len(points))

    def hits(self, label_ids) -> np.ndarray:
        """Points that have one of `label_ids` among their members, in point order."""
        mask = pd.Series(self.rows["id"], dtype=object).isin(list(label_ids)).to_numpy()
        return np.unique(self.code[mask])


def _group_min_str(values: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
    """Each code's smallest string (a rank per row, then a minimum per code: grouping object columns is slow)."""
    values = np.asarray(values, dtype=object).astype(str)
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    best = np.full(k, len(values), dtype=np.int64)
    np.minimum.at(best, code, rank)
    return values[order[best]].astype(object)


def _split(ids, priority: np.ndarray) -> tuple[np.ndarray, int]:
    """(labelled mask over the points, number unlabelled): the HOVER_LIMIT points with the largest `priority`
    (total parameters), ties by model id, keep their names and hover; all of them when there are few.
    `ids(points)` gives the ids of some points; it is asked only for the candidates of a large view (the points
    at least as large as the HOVER_LIMIT-th largest: the others cannot make the cut)."""
    n = len(priority)
    if n <= HOVER_LIMIT:
        return np.ones(n, dtype=bool), 0
    p = np.asarray(priority, dtype="float64")
    known = ~np.isnan(p)
    candidates = np.arange(n)
    if known.sum() > HOVER_LIMIT:
        cut = np.partition(p[known], -HOVER_LIMIT)[-HOVER_LIMIT]
        candidates = np.flatnonzero(known & (p >= cut))
    keys = pd.DataFrame({"id": pd.Series(ids(candidates), dtype=object).to_numpy()}, index=candidates)
    top, _ = hover_split(keys, pd.Series(p[candidates], index=candidates))
    mask = np.zeros(n, dtype=bool)
    mask[top.index.to_numpy()] = True
    return mask, int(n - mask.sum())


def _hidden(parts: dict[str, int]) -> dict[str, int]:
    return {k: int(v) for k, v in parts.items() if v}


def _cat(*parts) -> np.ndarray:
    """Several value arrays as one float array (e.g. catalog points and uploads, for axis ticks)."""
    arrays = [np.asarray(p, dtype="float64") for p in parts if p is not None and len(p)]
    return np.concatenate(arrays) if arrays else np.zeros(0)


def _meta(n_user: int, n_plain: int, **user_extra) -> dict:
    """Layout keys: meta with the uploads shown (for a page caption) and the points drawn without labels; none
    when neither, so catalog-only figures are unchanged."""
    meta = {}
    if n_user:
        meta["user"] = {"shown": n_user, **user_extra}
    if n_plain:
        meta["unlabelled"] = n_plain
    return {"meta": meta} if meta else {}


def _org_array(values) -> np.ndarray:
    v = np.asarray(values, dtype=object)
    return np.where(pd.isna(v), "", v)


@functools.lru_cache(maxsize=64)
def _house(title: str, talk: bool, dark: bool, height: int) -> tuple[dict, dict[str, dict]]:
    """What style.base_layout gives a figure, as plain dicts: (layout, trace properties per trace type). Taken
    from base_layout itself on an empty figure, once per title and mode: calling it on every built figure costs
    more than building the figure (Plotly's update machinery, ~7 ms a call)."""
    stub = go.Figure([go.Scatter(), go.Scattergl(), go.Bar()])
    base_layout(stub, title=title, talk=talk, dark=dark, height=height)
    traces = {t.type: {k: v for k, v in t.to_plotly_json().items() if k != "type"} for t in stub.data}
    return stub.layout.to_plotly_json(), traces


def _fresh(value):
    """Nested dicts and lists copied, each one its own object (arrays and scalars are shared: never changed)."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return [_fresh(v) for v in value]
    return value


def _figure(traces: list[dict], layout: dict, *, title: str, talk: bool, dark: bool, height: int,
            n_plain: int = 0, n_total: int = 0) -> go.Figure:
    """A figure from trace and layout dicts in one step, in the house style (style.base_layout, see _house).
    Plotly's per-property validation is skipped while building (half of a chart's build time; the property names
    and kinds are fixed here and a unit test re-validates every builder's figure); later changes to the figure are
    validated as usual. A large view says in its subtitle how many points it left unlabelled (and
    layout.meta["unlabelled"])."""
    house, house_traces = _house(title, talk, dark, height)
    layout = merged_dict(house, {k: v for k, v in layout.items() if k != "annotations" or v})
    note = unlabelled_note(n_plain, n_total, LABEL_RULE)
    if note:
        subtitle = {"text": note, **({"font": {"size": 16}} if talk else {})}  # one line on a slide, too
        layout = merged_dict(layout, {"title": {"subtitle": subtitle},
                                       "margin": {"t": house["margin"]["t"] + (40 if talk else 22)}})
    # base_layout's trace properties win over the builder's, as when it ran after the traces were added
    traces = [merged_dict(t, house_traces.get(t.get("type", "scatter"), {})) for t in traces]
    # Unvalidated, Plotly keeps the dicts it is given: no two properties may share one (slide_style scales a font
    # or marker size in place, and a shared dict would be scaled once per user), nor share one with the cache.
    fig = go.Figure({"data": _fresh(traces), "layout": _fresh(layout)}, _validate=False)
    fig._validate = fig.layout._validate = True
    for t in fig.data:
        t._validate = True
    return fig


def _plain(x, y, *, name: str, marker: dict, legendgroup: str, show_legend: bool = False) -> dict:
    """A large view's unlabelled points (scale.plain_trace) as a trace dict. A category whose points are all
    unlabelled has no labelled sibling: then this trace carries the legend entry."""
    trace = plain_trace(x, y, name=name, marker=marker, legendgroup=legendgroup).to_plotly_json()
    if show_legend:
        trace["showlegend"] = True
    return trace


LABEL_OFFSETS = [(0, -28), (-45, -30), (45, -30), (0, -52), (-55, -54), (55, -54), (0, 28), (-45, 30), (45, 30),
                 (0, -76), (-60, -78), (60, -78)]


def _place_labels(xy: np.ndarray, widths: list[float], height: float = 16) -> list[tuple[int, int]]:
    """Greedy label placement in (approximate) pixel space: for each point, the first offset whose
    label box overlaps no label already placed (and no labelled point)."""
    boxes: list[tuple[float, float, float, float]] = []
    out = []
    for (px, py), w in zip(xy, widths):
        choice = LABEL_OFFSETS[0]
        for ax, ay in LABEL_OFFSETS:
            cx, cy = px + ax, py + ay  # the label box is centred on the arrow's tail
            box = (cx - w / 2 - 2, cx + w / 2 + 2, cy - height / 2 - 2, cy + height / 2 + 2)
            clash = any(not (box[1] < b[0] or box[0] > b[1] or box[3] < b[2] or box[2] > b[3]) for b in boxes)
            clash = clash or any(box[0] <= qx <= box[1] and box[2] <= qy <= box[3] for qx, qy in xy)
            if not clash:
                choice = (ax, ay)
                boxes.append(box)
                break
        out.append(choice)
    return out


def _label_annotations(m: _Merged, x: str, y: str, label_ids, *, log_y: bool = False, talk: bool = False,
                       size_px: tuple[int, int] = (640, 250)) -> list[dict]:
    """Arrowed labels for the chosen models (by id; a merged point is labelled by its first name),
    placed so that they do not overlap at the usual chart size."""
    if not m.k:
        return []
    hit = m.hits(label_ids)
    if not len(hit):
        return []
    xs = np.log10(np.asarray(m.pts[x], dtype="float64"))
    ys = np.asarray(m.pts[y], dtype="float64")
    ys = np.log10(ys) if log_y else ys
    hit = hit[np.argsort(-ys[hit], kind="stable")]  # top first

    def span(v: np.ndarray) -> tuple[float, float]:
        lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
        return lo, (hi - lo) or 1.0

    (x0, dx), (y0, dy) = span(xs), span(ys)
    hx, hy = xs[hit], ys[hit]
    # pixel space: x to the right, y downwards (annotation offsets use the same convention)
    xy = np.column_stack([(hx - x0) / dx * size_px[0], (1 - (hy - y0) / dy) * size_px[1]])
    names = [n if isinstance(n, str) else "" for n in m.pts["name"][hit]]
    char = 9.5 if talk else 6.2
    offsets = _place_labels(xy, [len(n) * char for n in names], height=22 if talk else 15)
    font = dict(size=16 if talk else 11)
    return [dict(x=float(xv), y=float(yv), text=name, showarrow=True, arrowhead=0, arrowwidth=1,
                 arrowcolor="#6E7781", ax=ax, ay=ay, font=font, bgcolor="rgba(255,255,255,0.8)")
            for xv, yv, name, (ax, ay) in zip(hx, hy, names, offsets)]


# ------------------------------------------------------------------ vocabulary vs size
SHAPE_KEYS = ["params_total_b", "vocab_size", "hidden_size"]


def _shape_points(df: pd.DataFrame, keep: np.ndarray) -> tuple[_Merged, _Merged]:
    """(catalog points, uploaded points) of the embedding charts: merged by family and shape; uploads are
    merged only among themselves, never with a catalog twin."""
    size, vocab, hid = _f64(df["params_total_b"]), _f64(df["vocab_size"]), _f64(df["hidden_size"])
    arrays = dict(params_total_b=size, vocab_size=vocab, hidden_size=hid, share=_share(size, vocab, hid) * 100)
    mine = user_mask(df)
    cols = ["share", "organization"]
    return (_Merged(df, keep & ~mine, SHAPE_KEYS, cols, arrays), _Merged(df, keep & mine, SHAPE_KEYS, cols, arrays))


def _share_text(share: np.ndarray) -> np.ndarray:
    return np.array(["unknown (no hidden size)" if v != v else f"{v:.1f}%" for v in share], dtype=object)


def vocab_vs_size(df: pd.DataFrame, *, label_ids=DEFAULT_VOCAB_LABELS, talk: bool = False,
                  dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Vocabulary size against total parameters (both log), coloured by the embedding share."""
    size, vocab = _f64(df["params_total_b"]), _f64(df["vocab_size"])
    sized = ~np.isnan(size)
    hidden = _hidden({"no total size": int((~sized).sum()),
                      "no vocabulary size": int((sized & np.isnan(vocab)).sum())})
    m, u = _shape_points(df, sized & ~np.isnan(vocab))
    x, y, share = m.pts["params_total_b"], m.pts["vocab_size"], m.pts["share"]
    labelled, n_plain = _split(m.min_ids, x)
    names = m.names(labelled if n_plain else None)
    known = ~np.isnan(share)
    hover = ("<b>%{text}</b><br>%{customdata[0]}<br>Total: %{x:.3g}B<br>Vocabulary: %{y:,.0f}"
             "<br>Embedding share: %{customdata[1]}<extra></extra>")
    msize = 16 if talk else 11
    line = dict(width=0.5, color="#333")
    cmax = max(25.0, float(share[known].max())) if known.any() else 25.0
    colorbar = dict(title=dict(text="Embedding<br>share (%)"), ticksuffix="%", thickness=14)

    def known_marker(idx: np.ndarray, with_bar: bool) -> dict:
        marker = dict(size=msize, color=share[idx], colorscale=SHARE_COLORSCALE, cmin=0, cmax=cmax, line=line)
        return {**marker, "colorbar": colorbar} if with_bar else {**marker, "showscale": False}

    unknown_marker = dict(size=msize - 2, color="rgba(0,0,0,0)", line=dict(width=1.5, color=OKABE_ITO["grey"]))
    groups = (("share-known", known, "Embedding share known", False),
              ("share-unknown", ~known, "Share unknown (no hidden size)", True))
    traces = []  # per category: its plain points, then its labelled ones on top (the small view's order)
    for group, part, name, legend in groups:
        lab, rest = np.flatnonzero(part & labelled), np.flatnonzero(part & ~labelled)
        if len(rest):
            marker = known_marker(rest, with_bar=not len(lab)) if group == "share-known" else unknown_marker
            traces.append(_plain(x[rest], y[rest], name=name, marker=marker, legendgroup=group,
                                 show_legend=legend and not len(lab)))
        if len(lab):
            trace = dict(type="scattergl", x=x[lab], y=y[lab], mode="markers", name=name, text=names[lab],
                         customdata=np.column_stack([_org_array(m.pts["organization"][lab]), _share_text(share[lab])]),
                         hovertemplate=hover,
                         marker=known_marker(lab, with_bar=True) if group == "share-known" else unknown_marker)
            if not legend:
                trace["showlegend"] = False
            if n_plain:
                trace["legendgroup"] = group
            traces.append(trace)
    if u.k:
        ux, uy = u.pts["params_total_b"], u.pts["vocab_size"]
        lines = [[org, f"Total: {a:.3g}B", f"Vocabulary: {v:,.0f}", f"Embedding share: {sh}"]
                 for org, a, v, sh in zip(_org_array(u.pts["organization"]), ux, uy, _share_text(u.pts["share"]),
                                          strict=True)]
        traces.append(user_trace(ux, uy, u.names(), hover_lines=lines, size=msize + 5, talk=talk).to_plotly_json())
    xs, ys = _cat(x, u.pts["params_total_b"]), _cat(y, u.pts["vocab_size"])
    layout = dict(
        xaxis=dict(type="log", title=dict(text=label("params_total_b") + ", log scale"),
                   **_log_ticks(SIZE_TICKS, xs, _size_text)),
        yaxis=dict(type="log", title=dict(text=label("vocab_size") + ", log scale"),
                   **_log_ticks(VOCAB_TICKS, ys, lambda t: f"{t / 1000:g}k")),
        legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"),
        annotations=_label_annotations(m, "params_total_b", "vocab_size", label_ids, log_y=True, talk=talk),
        **_meta(u.k, n_plain))
    fig = _figure(traces, layout, title="Vocabulary size vs model size", talk=talk, dark=dark, height=440,
                  n_plain=n_plain, n_total=m.k)
    return fig, hidden


def share_vs_size(df: pd.DataFrame, *, label_ids=DEFAULT_VOCAB_LABELS, talk: bool = False,
                  dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Input-embedding share of all parameters against total parameters, one colour per vocabulary band."""
    size, vocab, hid = _f64(df["params_total_b"]), _f64(df["vocab_size"]), _f64(df["hidden_size"])
    sized, has_vocab, has_hidden = ~np.isnan(size), ~np.isnan(vocab), ~np.isnan(hid)
    hidden = _hidden({"no total size": int((~sized).sum()),
                      "no vocabulary size": int((sized & ~has_vocab).sum()),
                      "no hidden size": int((sized & has_vocab & ~has_hidden).sum())})
    m, u = _shape_points(df, sized & has_vocab & has_hidden)
    x, y, v, h = (m.pts[c] for c in ("params_total_b", "share", "vocab_size", "hidden_size"))
    labelled, n_plain = _split(m.min_ids, x)
    names = m.names(labelled if n_plain else None)
    msize = 16 if talk else 11
    hover = ("<b>%{text}</b><br>%{customdata[0]}<br>Total: %{x:.3g}B<br>"
             "Vocabulary %{customdata[1]:,.0f} × hidden %{customdata[2]:,.0f}"
             "<br>Embedding share: %{y:.1f}%<extra></extra>")
    traces = []  # per category: its plain points, then its labelled ones on top (the small view's order)
    lower = 0
    for i, (upper, band_name, color) in enumerate(VOCAB_BANDS):
        band = (v >= lower) & (v < upper)
        lower = upper
        marker = dict(size=msize, color=color, line=dict(width=0.5, color="#333"))
        name, group = f"Vocabulary {band_name}", f"vocab-band-{i}"
        lab, rest = np.flatnonzero(band & labelled), np.flatnonzero(band & ~labelled)
        if len(rest):
            traces.append(_plain(x[rest], y[rest], name=name, marker=marker, legendgroup=group,
                                 show_legend=not len(lab)))
        if len(lab):
            custom = np.column_stack([_org_array(m.pts["organization"][lab]), v[lab].astype(object),
                                      h[lab].astype(object)])
            trace = dict(type="scattergl", x=x[lab], y=y[lab], mode="markers", name=name, text=names[lab],
                         customdata=custom, hovertemplate=hover, marker=marker)
            if n_plain:
                trace["legendgroup"] = group
            traces.append(trace)
    if u.k:
        up = u.pts
        lines = [[org, f"Total: {a:.3g}B", f"Vocabulary {vv:,.0f} × hidden {hh:,.0f}", f"Embedding share: {sh:.1f}%"]
                 for org, a, vv, hh, sh in zip(_org_array(up["organization"]), up["params_total_b"], up["vocab_size"],
                                               up["hidden_size"], up["share"], strict=True)]
        traces.append(user_trace(up["params_total_b"], up["share"], u.names(), hover_lines=lines, size=msize + 5,
                                 talk=talk).to_plotly_json())
    layout = dict(
        xaxis=dict(type="log", title=dict(text=label("params_total_b") + ", log scale"),
                   **_log_ticks(SIZE_TICKS, _cat(x, u.pts["params_total_b"]), _size_text)),
        yaxis=dict(title=dict(text="Input embedding ÷ total (%)"), ticksuffix="%", rangemode="tozero"),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        annotations=_label_annotations(m, "params_total_b", "share", label_ids, talk=talk),
        **_meta(u.k, n_plain))
    fig = _figure(traces, layout, title="Share of parameters in the input embedding", talk=talk, dark=dark,
                  height=440, n_plain=n_plain, n_total=m.k)
    return fig, hidden


# ------------------------------------------------------------------ context length over time
CONTEXT_KEYS = ["release_dt", "context_length", "weights", "architecture"]


def context_over_time(df: pd.DataFrame, *, talk: bool = False, dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Context window per release (log y), coloured by weights access, shaped dense/MoE, with the
    running record as a step line."""
    ctx = _f64(df["context_length"])
    dated = df["release_dt"].notna().to_numpy()
    hidden = _hidden({"no release date": int((~dated).sum()),
                      "no context length": int((dated & np.isnan(ctx)).sum())})
    keep = dated & ~np.isnan(ctx)
    mine = user_mask(df)  # uploads: their own layer, not in the "longest so far" record
    arrays = dict(context_length=ctx, params_total_b=_f64(df["params_total_b"]))
    cols = ["organization", "release_date", "params_total_b"]
    m = _Merged(df, keep & ~mine, CONTEXT_KEYS, cols, arrays)
    u = _Merged(df, keep & mine, CONTEXT_KEYS, cols, arrays)
    x, y = m.pts["release_dt"], m.pts["context_length"]
    weights, archs = m.pts["weights"], _opt(m.pts["architecture"])
    labelled, n_plain = _split(m.min_ids, m.group_max("params_total_b"))  # a merged point: its largest member
    names = m.names(labelled if n_plain else None)
    msize = 14 if talk else 10
    hover = ("<b>%{text}</b><br>%{customdata[0]} · %{customdata[1]}<br>"
             "Context: %{y:,.0f} tokens<br>%{customdata[2]}<extra></extra>")
    traces = []  # per category: its plain points, then its labelled ones on top (the small view's order)
    for w in ("open", "gated_open", "closed", "unreleased"):
        part = weights == w
        lab, rest = np.flatnonzero(part & labelled), np.flatnonzero(part & ~labelled)
        name = WEIGHTS_LABELS[w]
        if len(rest):  # one plain trace per marker shape: a shape name per point would be most of the payload
            shape = np.select([archs[rest] == "dense", archs[rest] == "moe"], [0, 1], 2)
            legend = not len(lab)  # no labelled sibling: the first plain trace carries the legend entry
            for j, a in enumerate(ARCH_ORDER):
                idx = rest[shape == j]
                if len(idx):
                    marker = dict(size=msize, color=WEIGHTS_COLORS[w], symbol=ARCH_SYMBOLS.get(a, "circle-open"),
                                  line=dict(width=0.5, color="#333"))
                    traces.append(_plain(x[idx], y[idx], name=name, marker=marker, legendgroup=w, show_legend=legend))
                    legend = False
        if len(lab):
            a = archs[lab]
            custom = np.column_stack([_org_array(m.pts["organization"][lab]), _org_array(m.pts["release_date"][lab]),
                                      np.array([ARCH_LABELS.get(v, v) for v in a], dtype=object)])
            trace = dict(type="scattergl", x=x[lab], y=y[lab], mode="markers", name=name, text=names[lab],
                         customdata=custom, hovertemplate=hover,
                         marker=dict(size=msize, color=WEIGHTS_COLORS[w],
                                     symbol=[ARCH_SYMBOLS.get(v, "circle-open") for v in a],
                                     line=dict(width=0.5, color="#333")))
            if n_plain:
                trace["legendgroup"] = w
            traces.append(trace)
    if m.k:
        order = np.argsort(x, kind="stable")
        xs, ys = x[order], y[order]
        starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
        best = np.maximum.accumulate(np.maximum.reduceat(ys, starts))
        traces.append(dict(type="scatter", x=xs[starts], y=best, mode="lines", name="Longest so far",
                           line=dict(color="#6E7781", width=1.5, dash="dot", shape="hv"), hoverinfo="skip"))
    if u.k:
        up = u.pts
        arch_text = [ARCH_LABELS.get(a, a) for a in _opt(up["architecture"])]
        lines = [[f"{org} · {date if isinstance(date, str) else ''}".strip(" ·"), f"Context: {c:,.0f} tokens",
                  " · ".join(t for t in (str(a), WEIGHTS_LABELS.get(w, "")) if t),
                  "Not counted in “longest so far”"]
                 for org, date, c, a, w in zip(_org_array(up["organization"]), up["release_date"], up["context_length"],
                                               arch_text, up["weights"], strict=True)]
        traces.append(user_trace(up["release_dt"], up["context_length"], u.names(), hover_lines=lines,
                                 size=msize + 6, talk=talk).to_plotly_json())
    ctx_all = _cat(y, u.pts["context_length"])
    ticks = [t for t in CONTEXT_TICKS if len(ctx_all) and ctx_all.min() / 2 <= t <= ctx_all.max() * 2]
    ticks = ticks[::2] if len(ticks) > 8 else ticks
    layout = dict(
        yaxis=dict(type="log", title=dict(text=label("context_length") + ", log scale"), tickvals=ticks,
                   ticktext=[_fmt_tokens(t) for t in ticks]),
        xaxis=dict(title=dict(text="Release date"), **({"type": "date"} if n_plain else {})),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        **_meta(u.k, n_plain, in_record=False))
    fig = _figure(traces, layout, title="Context length over time", talk=talk, dark=dark, height=420,
                  n_plain=n_plain, n_total=m.k)
    return fig, hidden


# ------------------------------------------------------------------ stacked counts per period
def _period_ordinals(dt: np.ndarray, grain: str) -> np.ndarray:
    """Years, or quarters counted from year 0 (year × 4 + quarter − 1), of datetimes."""
    years = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    if grain == "year":
        return years
    months = dt.astype("datetime64[M]").astype(np.int64) % 12
    return years * 4 + months // 3


def _period_text(ordinal: int, grain: str) -> str:
    return f"{ordinal // 4} Q{ordinal % 4 + 1}" if grain == "quarter" else str(ordinal)


def _stacked(dt: np.ndarray, keys: np.ndarray, fam: np.ndarray, order: list, names: dict, colors: dict, *,
             grain: str, count: str, title: str, legend_title: str, talk: bool, dark: bool) -> go.Figure:
    """Stacked bars: releases (rows) per period and category `keys` (in `order`; None = missing), counted as
    variants (rows) or as families (distinct `fam` per period and category)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    if count not in COUNTS:
        raise ValueError(f"count must be one of {COUNTS}")
    traces = []
    if len(dt):
        ords = _period_ordinals(dt, grain)
        lo, hi = int(ords.min()), int(ords.max())
        n_periods, n_keys = hi - lo + 1, len(order)
        kcode, kuniq = pd.factorize(keys, use_na_sentinel=False)  # a missing key is the value None
        slot = {value: j for j, value in enumerate(order)}
        lookup = np.array([slot.get(None if pd.isna(v) else v, -1) for v in kuniq] + [-1], dtype=np.int64)
        kidx = lookup[kcode]
        ok = kidx >= 0
        cell = (ords[ok] - lo) * n_keys + kidx[ok]
        if count == "families":  # distinct families per (period, category)
            fcode, funiq = pd.factorize(fam[ok])
            cell = pd.unique(cell * max(len(funiq), 1) + fcode) // max(len(funiq), 1)
        counts = np.bincount(cell, minlength=n_periods * n_keys).reshape(n_periods, n_keys)
        x = [_period_text(p, grain) for p in range(lo, hi + 1)]
        noun = "model variants" if count == "variants" else "model families"
        for j, value in enumerate(order):
            y = counts[:, j]
            if y.any():
                name = names.get(value, str(value))
                traces.append(dict(type="bar", x=x, y=y.tolist(), name=name,
                                   marker=dict(color=colors.get(value, OTHER_COLOR)),
                                   hovertemplate="%{x}: %{y} " + noun + " · " + name + "<extra></extra>"))
    layout = dict(barmode="stack", bargap=0.15,
                  legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom",
                              title=dict(text=legend_title), traceorder="normal"),
                  xaxis=dict(title=dict(text=f"Release {grain}"), type="category"),
                  yaxis=dict(title=dict(text=("Model variants" if count == "variants" else "Model families")
                                        + " released")))
    return _figure(traces, layout, title=title, talk=talk, dark=dark, height=380)


def _families(df: pd.DataFrame) -> np.ndarray:
    fam, ids = _obj(df["family_id"]), _obj(df["id"])
    return np.where(pd.isna(fam), ids, fam)


def dense_vs_moe(df: pd.DataFrame, *, grain: str = "quarter", count: str = "variants", talk: bool = False,
                 dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Stacked bars per period: dense, MoE and undisclosed-architecture releases."""
    dated = df["release_dt"].notna().to_numpy()
    hidden = _hidden({"no release date": int((~dated).sum())})
    fig = _stacked(df["release_dt"].to_numpy()[dated], _opt(_obj(df["architecture"])[dated]), _families(df)[dated],
                   list(ARCH_ORDER), ARCH_LABELS, ARCH_COLORS, grain=grain, count=count,
                   title=f"Dense vs mixture-of-experts releases per {grain}", legend_title="", talk=talk, dark=dark)
    return fig, hidden


def releases_by_country(df: pd.DataFrame, *, grain: str = "year", count: str = "variants", talk: bool = False,
                        dark: bool = False, max_countries: int = 6) -> tuple[go.Figure, dict[str, int]]:
    """Stacked bars per period by the releasing organization's country; beyond the top
    ``max_countries`` (by releases in view) countries are pooled as "Other countries"."""
    dated = df["release_dt"].notna().to_numpy()
    country = _obj(df["country"])
    has_country = ~pd.isna(country)
    hidden = _hidden({"no release date": int((~dated).sum()),
                      "no organization country": int((dated & ~has_country).sum())})
    sel = dated & has_country
    code, uniq = pd.factorize(country[sel])
    uniq = np.array([str(c) for c in uniq], dtype=object)
    counts = np.bincount(code, minlength=len(uniq))
    rank = np.lexsort((uniq.astype(str), -counts))  # most releases first, ties by country code
    keep = [str(c) for c in uniq[rank][:max_countries]]
    first = _firsts(code, len(uniq))  # factorize numbers codes by first appearance
    country_names = _obj(df["country_name"])[sel]
    names = {}
    for c, i in zip(uniq[rank][:max_countries], first[rank][:max_countries]):
        n = country_names[i]
        names[str(c)] = n if isinstance(n, str) and n else str(c)
    slot = np.isin(np.arange(len(uniq)), rank[:max_countries])
    kept = slot[code]
    pooled = np.where(kept, uniq[code] if len(code) else np.zeros(0, dtype=object), "OTHER")
    order = keep + (["OTHER"] if (~kept).any() else [])
    names["OTHER"] = f"Other countries ({len(np.unique(code[~kept]))})"
    colors = {c: COUNTRY_COLORS.get(c, OTHER_COLOR) for c in order}
    fig = _stacked(df["release_dt"].to_numpy()[sel], pooled, _families(df)[sel], order, names, colors, grain=grain,
                   count=count, title=f"Releases per {grain} by the organization's country", legend_title="",
                   talk=talk, dark=dark)
    return fig, hidden


# ------------------------------------------------------------------ parameters per family over time
def group_column(group: str) -> tuple[str, str]:
    """(id column, display column) for a grouping."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}")
    return ("organization_id", "organization") if group == "organization" else ("family_id", "family")


def _first_valid(values: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
    """Each code's first non-missing value (NaN when it has none)."""
    out = np.full(k, np.nan, dtype=object)
    idx = np.flatnonzero(~pd.isna(values))
    if len(idx):
        u, first = np.unique(code[idx], return_index=True)
        out[u] = values[idx[first]]
    return out


def _distinct(code: np.ndarray, k: int, values: np.ndarray) -> np.ndarray:
    """Number of distinct `values` per code."""
    vcode, vuniq = pd.factorize(values)
    pairs = pd.unique(code * max(len(vuniq), 1) + vcode)
    return np.bincount(pairs // max(len(vuniq), 1), minlength=k)


def size_groups(df: pd.DataFrame, group: str = "organization") -> pd.DataFrame:
    """Groups with at least one dated, sized model: id, name, distinct sizes, distinct dates — sorted
    so the most line-worthy groups (more release dates, then more sizes) come first. Uploaded models
    are left out: params_over_time draws them all as their own layer, whichever groups are picked."""
    gid, gname = group_column(group)
    gids = _obj(df[gid])
    ok = (~user_mask(df) & df["release_dt"].notna().to_numpy() & ~np.isnan(_f64(df["params_total_b"]))
          & ~pd.isna(gids))
    if not ok.any():
        return pd.DataFrame(columns=["id", "name", "sizes", "dates"])
    code, uniq = pd.factorize(gids[ok])
    k = len(uniq)
    ids = np.array([str(u) for u in uniq], dtype=object)
    names = _first_valid(_obj(df[gname])[ok], code, k)
    sizes = _distinct(code, k, _f64(df["params_total_b"])[ok])
    dates = _distinct(code, k, df["release_dt"].to_numpy()[ok])
    order = np.lexsort((ids.astype(str), -sizes, -dates))
    return pd.DataFrame({"id": ids[order], "name": names[order], "sizes": sizes[order], "dates": dates[order]})


def size_group_tables(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """size_groups for every grouping (the page needs both: its links keep the picks of either)."""
    return {group: size_groups(df, group) for group in GROUPS}


def default_groups(table: pd.DataFrame, n: int = 6) -> list[str]:
    """The first ``n`` groups of a size_groups table with at least two distinct sizes."""
    return list(table.loc[table["sizes"] >= 2, "id"].head(n))


def default_size_groups(df: pd.DataFrame, group: str = "organization", n: int = 6) -> list[str]:
    """The first ``n`` groups with at least two distinct sizes."""
    return default_groups(size_groups(df, group), n)


def _changes(*columns: np.ndarray) -> np.ndarray:
    """True where a row starts a new run of equal values in sorted `columns` (the first row always does)."""
    n = len(columns[0])
    out = np.zeros(n, dtype=bool)
    if n:
        out[0] = True
        for c in columns:
            out[1:] |= c[1:] != c[:-1]
    return out


def params_over_time(df: pd.DataFrame, groups: list[str], *, group: str = "organization", talk: bool = False,
                     dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Total parameters over time for the chosen groups (log y): every distinct size as a marker,
    and a step line for each group's largest model so far.

    Uploaded models belong to no catalog group: all of them (dated and sized) are drawn as the "Your models"
    layer whatever groups are picked, and they never move a group's "largest so far" line."""
    gid, gname = group_column(group)
    size = _f64(df["params_total_b"])
    dated = df["release_dt"].notna().to_numpy()
    mine = user_mask(df)
    position = {}
    for i, g in enumerate(groups):
        position.setdefault(g, i)
    chosen = df[gid].isin(list(position)).to_numpy() & ~mine
    considered = chosen | mine
    sized = ~np.isnan(size)
    hidden = _hidden({"no total size": int((considered & ~sized).sum()),
                      "no release date": int((considered & sized & ~dated).sum())})
    sel = np.flatnonzero(chosen & sized & dated)
    gsel = pd.Series(_obj(df[gid])[sel], dtype=object).map(position).to_numpy(dtype=np.int64)
    ids = _obj(df["id"])[sel]
    order = np.lexsort((ids.astype(str), size[sel], df["release_dt"].to_numpy()[sel], gsel))  # names in id order
    rid = sel[order]
    g, dt, sz = gsel[order], df["release_dt"].to_numpy()[rid], size[rid]
    # one point per group, date and size (its first row: the smallest id); the last point of a group's date
    # holds that date's largest size, for the "largest so far" line
    new_point = _changes(g, dt, sz)
    code = np.cumsum(new_point) - 1
    starts = np.flatnonzero(new_point)
    pg, pdt, psz = g[starts], dt[starts], sz[starts]
    labelled, n_plain = _split(lambda points: _obj(df["id"])[rid[starts[points]]], psz)
    names = _joined(_obj(df["name"])[rid], code, len(starts), labelled if n_plain else None)
    dates = _obj(df["release_date"])[rid[starts]]
    date_end = np.r_[_changes(pg, pdt)[1:], True] if len(starts) else np.zeros(0, dtype=bool)
    group_names = _obj(df[gname])
    msize = 12 if talk else 8
    traces = []
    for i, gval in enumerate(groups):
        if position[gval] != i:
            continue
        pts = np.flatnonzero(pg == i)
        if not len(pts):
            continue
        color = SERIES[i % len(SERIES)]
        name = str(group_names[sel[np.argmax(gsel == i)]])  # as the group's first row names it
        tops = pts[date_end[pts]]
        traces.append(dict(type="scatter", x=pdt[tops], y=np.maximum.accumulate(psz[tops]), mode="lines", name=name,
                           legendgroup=gval, line=dict(color=color, width=3 if talk else 2, shape="hv"),
                           hoverinfo="skip", showlegend=False))
        lab, rest = pts[labelled[pts]], pts[~labelled[pts]]
        if len(rest):
            marker = dict(size=msize, color=color, line=dict(width=1.5 if talk else 0.5, color="#333"))
            traces.append(_plain(pdt[rest], psz[rest], name=name, marker=marker, legendgroup=gval,
                                 show_legend=not len(lab)))
        if len(lab):
            traces.append(dict(
                type="scatter", x=pdt[lab], y=psz[lab], mode="markers", name=name, legendgroup=gval,
                text=names[lab], customdata=dates[lab],
                hovertemplate=f"<b>%{{text}}</b><br>{name} · %{{customdata}}<br>Total: %{{y:.3g}}B<extra></extra>",
                marker=dict(size=msize, color=color, line=dict(width=0.5, color="#333"))))
    umask = mine & sized & dated
    if umask.any():
        usize, udt = size[umask], df["release_dt"].to_numpy()[umask]
        lines = [[f"{org} · {date if isinstance(date, str) else ''}".strip(" ·"), f"Total: {x:.3g}B",
                  f"Not counted in a {group}'s “largest so far”"]
                 for org, date, x in zip(_org_array(_obj(df["organization"])[umask]), _obj(df["release_date"])[umask],
                                         usize, strict=True)]
        traces.append(user_trace(udt, usize, _obj(df["name"])[umask], hover_lines=lines, size=msize + 6,
                                 talk=talk).to_plotly_json())
    layout = dict(
        yaxis=dict(type="log", title=dict(text=label("params_total_b") + ", log scale"),
                   **_log_ticks(SIZE_TICKS, _cat(size[sel], size[umask]), _size_text)),
        xaxis=dict(title=dict(text="Release date"), **({"type": "date"} if n_plain else {})),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        **_meta(int(umask.sum()), n_plain, in_record=False))
    fig = _figure(traces, layout, title=f"Total parameters per {group} over time", talk=talk, dark=dark, height=460,
                  n_plain=n_plain, n_total=len(starts))
    return fig, hidden
