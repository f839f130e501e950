"""Architecture deep dives: vocabulary vs size and the embedding share, context length over time,
dense vs MoE releases, parameters per family/organization over time, releases per country.

Every builder takes the (filtered) models frame and returns ``(figure, hidden)`` where ``hidden``
maps a reason ("no vocabulary size") to the number of models the chart had to leave out, so the
page can say what is missing. No Streamlit here.

Models the user uploaded (column ``user``, see user_layer.py) are drawn by the scatter charts as one
"Your models" star layer at the same coordinates as catalog models; they are never merged with catalog
variants, labelled, or counted in a running record ("longest so far", a group's "largest so far"). They do
count in ``hidden`` like any model. The stacked bar charts count releases and keep them in their counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.catalog.fields import label

from .style import (
    ARCH_SYMBOLS,
    OKABE_ITO,
    SERIES,
    WEIGHTS_COLORS,
    WEIGHTS_LABELS,
    base_layout,
)
from .user_layer import split_user, user_mask, user_trace

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


def _log_ticks(ticks: list[float], values: pd.Series, fmt) -> dict:
    """Explicit tick values/labels for a log axis (no unlabelled minor digits), within the data's range."""
    v = values.dropna()
    if v.empty:
        return {}
    lo, hi = float(v.min()) / 1.6, float(v.max()) * 1.6
    keep = [t for t in ticks if lo <= t <= hi] or ticks
    return dict(tickvals=keep, ticktext=[fmt(t) for t in keep])


def _size_text(b: float) -> str:
    return f"{b:g}B" if b < 1000 else f"{b / 1000:g}T"


def _num(s: pd.Series) -> pd.Series:
    """A nullable/integer column as float64 with NaN for unknown."""
    return pd.to_numeric(s, errors="coerce").astype("float64")


def embedding_share(df: pd.DataFrame) -> pd.Series:
    """Input-embedding parameters as a fraction of all parameters: vocab × hidden ÷ total.
    NaN when any of the three is unknown. (Untied output embeddings cost the same again.)"""
    total = _num(df["params_total_b"]) * 1e9
    return _num(df["vocab_size"]) * _num(df["hidden_size"]) / total.where(total > 0)


def _fmt_tokens(n: float) -> str:
    if n != n:
        return "unknown"
    if n >= 1_000_000:
        return f"{n / 1_048_576:g}M" if n % 1_048_576 == 0 else f"{n / 1e6:.1f}M"
    return f"{n / 1024:g}k" if n % 1024 == 0 else f"{n / 1000:.0f}k"


def _merge_variants(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One point per family and identical values (base/instruct twins), keeping every name for the hover."""
    if df.empty:
        return df.copy()
    keyed = df.assign(_fam=df["family_id"].fillna(df["id"]))
    agg = {c: "first" for c in df.columns if c not in ("name", "id", *keys)}
    # (str + dropna: with dropna=False groupby, pandas can hand an all-NaN-key group over as floats)
    agg.update(name=lambda s: ", ".join(map(str, s.dropna())), id=lambda s: " ".join(map(str, s.dropna())))
    out = keyed.groupby(["_fam", *keys], dropna=False, sort=False).agg(agg).reset_index()
    return out.drop(columns="_fam")


def _rows(df: pd.DataFrame, mask: pd.Series, **columns: pd.Series) -> pd.DataFrame:
    """df[mask] with some columns replaced by (numeric) versions. The new columns are masked too: assigning a
    full-length Series to an empty selection would give it the Series' whole index (rows of NaN)."""
    mask = np.asarray(mask, dtype=bool)
    return df[mask].assign(**{k: v[mask] for k, v in columns.items()})


def _hidden(parts: dict[str, int]) -> dict[str, int]:
    return {k: int(v) for k, v in parts.items() if v}


def _with_user(pts: pd.DataFrame, upts: pd.DataFrame, col: str) -> pd.Series:
    """A column over the catalog points and the uploads (for axis ticks that cover both)."""
    values = pts.get(col, pd.Series(dtype=float))
    return pd.concat([values, upts[col]], ignore_index=True) if len(upts) else values


def _user_meta(fig: go.Figure, upts: pd.DataFrame, **extra) -> None:
    """layout.meta["user"] for a page caption; not set without uploads, so catalog-only figures are unchanged."""
    if len(upts):
        fig.update_layout(meta={"user": {"shown": len(upts), **extra}})


def _org(p: pd.DataFrame) -> list[str]:
    return [o if isinstance(o, str) else "" for o in p["organization"]]


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


def _label_annotations(fig: go.Figure, pts: pd.DataFrame, x: str, y: str, label_ids, *,
                       log_y: bool = False, talk: bool = False, size_px: tuple[int, int] = (640, 250)) -> None:
    """Arrowed labels for the chosen models (by id; a merged point is labelled by its first name),
    placed so that they do not overlap at the usual chart size."""
    wanted = set(label_ids)
    if pts.empty:
        return
    hit = pts.loc[pts["id"].map(lambda ids: bool(wanted & set(ids.split()))).astype(bool)]
    if hit.empty:
        return
    hit = hit.sort_values(y, ascending=False)
    xs = np.log10(pts[x].to_numpy(dtype="float64"))
    ys = pts[y].to_numpy(dtype="float64")
    ys = np.log10(ys) if log_y else ys

    def span(v: np.ndarray) -> tuple[float, float]:
        lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
        return lo, (hi - lo) or 1.0

    (x0, dx), (y0, dy) = span(xs), span(ys)
    hx = np.log10(hit[x].to_numpy(dtype="float64"))
    hy = hit[y].to_numpy(dtype="float64")
    hy = np.log10(hy) if log_y else hy
    # pixel space: x to the right, y downwards (annotation offsets use the same convention)
    xy = np.column_stack([(hx - x0) / dx * size_px[0], (1 - (hy - y0) / dy) * size_px[1]])
    names = [str(n).split(", ")[0] for n in hit["name"]]
    char = 9.5 if talk else 6.2
    offsets = _place_labels(xy, [len(n) * char for n in names], height=22 if talk else 15)
    for xv, yv, name, (ax, ay) in zip(hx, hy, names, offsets):
        fig.add_annotation(x=xv, y=yv, text=name, showarrow=True, arrowhead=0, arrowwidth=1,
                           arrowcolor="#6E7781", ax=ax, ay=ay,
                           font=dict(size=16 if talk else 11), bgcolor="rgba(255,255,255,0.8)")


# ------------------------------------------------------------------ vocabulary vs size
def vocab_vs_size(df: pd.DataFrame, *, label_ids=DEFAULT_VOCAB_LABELS, talk: bool = False,
                  dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Vocabulary size against total parameters (both log), coloured by the embedding share."""
    size, vocab = _num(df["params_total_b"]), _num(df["vocab_size"])
    hidden = _hidden({"no total size": int(size.isna().sum()),
                      "no vocabulary size": int((size.notna() & vocab.isna()).sum())})
    data = _rows(df, size.notna() & vocab.notna(), params_total_b=size, vocab_size=vocab)
    data = data.assign(share=embedding_share(data) * 100)
    data, mine = split_user(data)  # uploads: merged only among themselves, never with a catalog twin
    pts = _merge_variants(data, ["params_total_b", "vocab_size", "hidden_size"])
    upts = _merge_variants(mine, ["params_total_b", "vocab_size", "hidden_size"])
    fig = go.Figure()
    known = pts[pts["share"].notna()]
    unknown = pts[pts["share"].isna()]
    hover = ("<b>%{text}</b><br>%{customdata[0]}<br>Total: %{x:.3g}B<br>Vocabulary: %{y:,.0f}"
             "<br>Embedding share: %{customdata[1]}<extra></extra>")

    def custom(p: pd.DataFrame) -> np.ndarray:
        share = p["share"].map(lambda v: "unknown (no hidden size)" if v != v else f"{v:.1f}%")
        return np.column_stack([p["organization"].fillna("").to_numpy(dtype=object), share.to_numpy(dtype=object)])

    msize = 16 if talk else 11
    if len(known):
        fig.add_trace(go.Scattergl(
            x=known["params_total_b"], y=known["vocab_size"], mode="markers", name="Embedding share known",
            text=known["name"], customdata=custom(known), hovertemplate=hover, showlegend=False,
            marker=dict(size=msize, color=known["share"], colorscale="Cividis", cmin=0,
                        cmax=max(25.0, float(known["share"].max())), line=dict(width=0.5, color="#333"),
                        colorbar=dict(title=dict(text="Embedding<br>share (%)"), ticksuffix="%", thickness=14))))
    if len(unknown):
        fig.add_trace(go.Scattergl(
            x=unknown["params_total_b"], y=unknown["vocab_size"], mode="markers",
            name="Share unknown (no hidden size)", text=unknown["name"], customdata=custom(unknown),
            hovertemplate=hover, marker=dict(size=msize - 2, color="rgba(0,0,0,0)",
                                             line=dict(width=1.5, color=OKABE_ITO["grey"]))))
    if len(upts):
        shares = custom(upts)[:, 1]
        lines = [[org, f"Total: {x:.3g}B", f"Vocabulary: {v:,.0f}", f"Embedding share: {sh}"]
                 for org, x, v, sh in zip(_org(upts), upts["params_total_b"], upts["vocab_size"], shares, strict=True)]
        fig.add_trace(user_trace(upts["params_total_b"], upts["vocab_size"], upts["name"], hover_lines=lines,
                                 size=msize + 5, talk=talk))
    _label_annotations(fig, pts, "params_total_b", "vocab_size", label_ids, log_y=True, talk=talk)
    base_layout(fig, title="Vocabulary size vs model size", talk=talk, dark=dark, height=440)
    fig.update_xaxes(type="log", title_text=label("params_total_b") + ", log scale",
                     **_log_ticks(SIZE_TICKS, _with_user(pts, upts, "params_total_b"), _size_text))
    fig.update_yaxes(type="log", title_text=label("vocab_size") + ", log scale",
                     **_log_ticks(VOCAB_TICKS, _with_user(pts, upts, "vocab_size"), lambda t: f"{t / 1000:g}k"))
    _user_meta(fig, upts)
    fig.update_layout(legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"))
    return fig, hidden


def share_vs_size(df: pd.DataFrame, *, label_ids=DEFAULT_VOCAB_LABELS, talk: bool = False,
                  dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Input-embedding share of all parameters against total parameters, one colour per vocabulary band."""
    size, vocab, hid = _num(df["params_total_b"]), _num(df["vocab_size"]), _num(df["hidden_size"])
    hidden = _hidden({"no total size": int(size.isna().sum()),
                      "no vocabulary size": int((size.notna() & vocab.isna()).sum()),
                      "no hidden size": int((size.notna() & vocab.notna() & hid.isna()).sum())})
    data = _rows(df, size.notna() & vocab.notna() & hid.notna(), params_total_b=size, vocab_size=vocab,
                 hidden_size=hid)
    data = data.assign(share=embedding_share(data) * 100)
    data, mine = split_user(data)
    pts = _merge_variants(data, ["params_total_b", "vocab_size", "hidden_size"])
    upts = _merge_variants(mine, ["params_total_b", "vocab_size", "hidden_size"])
    fig = go.Figure()
    lower = 0
    for upper, name, color in VOCAB_BANDS:
        band = pts[(pts["vocab_size"] >= lower) & (pts["vocab_size"] < upper)]
        lower = upper
        if band.empty:
            continue
        custom = np.column_stack([band["organization"].fillna("").to_numpy(dtype=object),
                                  band["vocab_size"].to_numpy(dtype="float64"),
                                  band["hidden_size"].to_numpy(dtype="float64")])
        fig.add_trace(go.Scattergl(
            x=band["params_total_b"], y=band["share"], mode="markers", name=f"Vocabulary {name}",
            text=band["name"], customdata=custom,
            hovertemplate=("<b>%{text}</b><br>%{customdata[0]}<br>Total: %{x:.3g}B<br>"
                           "Vocabulary %{customdata[1]:,.0f} × hidden %{customdata[2]:,.0f}"
                           "<br>Embedding share: %{y:.1f}%<extra></extra>"),
            marker=dict(size=16 if talk else 11, color=color, line=dict(width=0.5, color="#333"))))
    if len(upts):
        lines = [[org, f"Total: {x:.3g}B", f"Vocabulary {v:,.0f} × hidden {h:,.0f}", f"Embedding share: {sh:.1f}%"]
                 for org, x, v, h, sh in zip(_org(upts), upts["params_total_b"], upts["vocab_size"],
                                             upts["hidden_size"], upts["share"], strict=True)]
        fig.add_trace(user_trace(upts["params_total_b"], upts["share"], upts["name"], hover_lines=lines,
                                 size=(16 if talk else 11) + 5, talk=talk))
    _label_annotations(fig, pts, "params_total_b", "share", label_ids, talk=talk)
    base_layout(fig, title="Share of parameters in the input embedding", talk=talk, dark=dark, height=440)
    fig.update_xaxes(type="log", title_text=label("params_total_b") + ", log scale",
                     **_log_ticks(SIZE_TICKS, _with_user(pts, upts, "params_total_b"), _size_text))
    _user_meta(fig, upts)
    fig.update_yaxes(title_text="Input embedding ÷ total (%)", ticksuffix="%", rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    return fig, hidden


# ------------------------------------------------------------------ context length over time
def context_over_time(df: pd.DataFrame, *, talk: bool = False, dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Context window per release (log y), coloured by weights access, shaped dense/MoE, with the
    running record as a step line."""
    ctx = _num(df["context_length"])
    dated = df["release_dt"].notna()
    hidden = _hidden({"no release date": int((~dated).sum()),
                      "no context length": int((dated & ctx.isna()).sum())})
    data = _rows(df, dated & ctx.notna(), context_length=ctx)
    data, mine = split_user(data)  # uploads: their own layer, not in the "longest so far" record
    pts = _merge_variants(data, ["release_dt", "context_length", "weights", "architecture"])
    upts = _merge_variants(mine, ["release_dt", "context_length", "weights", "architecture"])
    fig = go.Figure()
    for w in ("open", "gated_open", "closed", "unreleased"):
        part = pts[pts["weights"] == w]
        if part.empty:
            continue
        arch = part["architecture"].astype(object).where(part["architecture"].notna(), None)
        fig.add_trace(go.Scattergl(
            x=part["release_dt"], y=part["context_length"], mode="markers", name=WEIGHTS_LABELS[w],
            text=part["name"],
            customdata=np.column_stack([part["organization"].fillna("").to_numpy(dtype=object),
                                        part["release_date"].fillna("").to_numpy(dtype=object),
                                        arch.map(lambda a: ARCH_LABELS.get(a, a)).to_numpy(dtype=object)]),
            hovertemplate=("<b>%{text}</b><br>%{customdata[0]} · %{customdata[1]}<br>"
                           "Context: %{y:,.0f} tokens<br>%{customdata[2]}<extra></extra>"),
            marker=dict(size=14 if talk else 10, color=WEIGHTS_COLORS[w],
                        symbol=[ARCH_SYMBOLS.get(a, "circle-open") for a in arch],
                        line=dict(width=0.5, color="#333"))))
    if len(pts):
        rec = pts.sort_values("release_dt")
        best = rec.groupby("release_dt")["context_length"].max().cummax()
        fig.add_trace(go.Scatter(x=best.index, y=best.to_numpy(), mode="lines", line_shape="hv",
                                 name="Longest so far", line=dict(color="#6E7781", width=1.5, dash="dot"),
                                 hoverinfo="skip"))
    if len(upts):
        arch_text = upts["architecture"].map(lambda a: ARCH_LABELS.get(a if isinstance(a, str) else None, a))
        lines = [[f"{org} · {date if isinstance(date, str) else ''}".strip(" ·"), f"Context: {c:,.0f} tokens",
                  " · ".join(x for x in (str(a), WEIGHTS_LABELS.get(w, "")) if x),
                  "Not counted in “longest so far”"]
                 for org, date, c, a, w in zip(_org(upts), upts["release_date"], upts["context_length"], arch_text,
                                               upts["weights"], strict=True)]
        fig.add_trace(user_trace(upts["release_dt"], upts["context_length"], upts["name"], hover_lines=lines,
                                 size=(14 if talk else 10) + 6, talk=talk))
    base_layout(fig, title="Context length over time", talk=talk, dark=dark, height=420)
    ctx_all = _with_user(pts, upts, "context_length")
    ticks = [t for t in CONTEXT_TICKS if len(ctx_all) and ctx_all.min() / 2 <= t <= ctx_all.max() * 2]
    ticks = ticks[::2] if len(ticks) > 8 else ticks
    fig.update_yaxes(type="log", title_text=label("context_length") + ", log scale", tickvals=ticks,
                     ticktext=[_fmt_tokens(t) for t in ticks])
    fig.update_xaxes(title_text="Release date")
    fig.update_layout(legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    _user_meta(fig, upts, in_record=False)
    return fig, hidden


# ------------------------------------------------------------------ stacked counts per period
def _period_labels(dt: pd.Series, grain: str) -> tuple[pd.Series, list]:
    freq = "Q" if grain == "quarter" else "Y"
    periods = dt.dt.to_period(freq)
    full = list(pd.period_range(periods.min(), periods.max(), freq=freq)) if len(periods) else []
    return periods, full


def _period_text(p: pd.Period, grain: str) -> str:
    return str(p).replace("Q", " Q") if grain == "quarter" else str(p)


def _stacked(df: pd.DataFrame, col: str, order: list, names: dict, colors: dict, *, grain: str, count: str,
             title: str, legend_title: str, talk: bool, dark: bool) -> go.Figure:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    if count not in COUNTS:
        raise ValueError(f"count must be one of {COUNTS}")
    periods, full = _period_labels(df["release_dt"], grain)
    key = df[col].astype(object).where(df[col].notna(), None)
    frame = pd.DataFrame({"p": periods, "k": key.fillna("__none__"),
                          "fam": df["family_id"].fillna(df["id"])})
    if count == "variants":
        counts = frame.groupby(["p", "k"]).size()
    else:
        counts = frame.groupby(["p", "k"])["fam"].nunique()
    x = [_period_text(p, grain) for p in full]
    noun = "model variants" if count == "variants" else "model families"
    fig = go.Figure()
    for value in order:
        k = "__none__" if value is None else value
        y = [int(counts.get((p, k), 0)) for p in full]
        if sum(y):
            fig.add_bar(x=x, y=y, name=names.get(value, str(value)), marker_color=colors.get(value, OTHER_COLOR),
                        hovertemplate="%{x}: %{y} " + noun + " · " + names.get(value, str(value)) + "<extra></extra>")
    base_layout(fig, title=title, talk=talk, dark=dark, height=380)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom",
                                                   title=dict(text=legend_title), traceorder="normal"), bargap=0.15)
    fig.update_xaxes(title_text=f"Release {grain}", type="category")
    fig.update_yaxes(title_text=("Model variants" if count == "variants" else "Model families") + " released")
    return fig


def dense_vs_moe(df: pd.DataFrame, *, grain: str = "quarter", count: str = "variants", talk: bool = False,
                 dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Stacked bars per period: dense, MoE and undisclosed-architecture releases."""
    dated = df[df["release_dt"].notna()]
    hidden = _hidden({"no release date": len(df) - len(dated)})
    fig = _stacked(dated, "architecture", ["dense", "moe", None], ARCH_LABELS, ARCH_COLORS, grain=grain,
                   count=count, title=f"Dense vs mixture-of-experts releases per {grain}", legend_title="",
                   talk=talk, dark=dark)
    return fig, hidden


def releases_by_country(df: pd.DataFrame, *, grain: str = "year", count: str = "variants", talk: bool = False,
                        dark: bool = False, max_countries: int = 6) -> tuple[go.Figure, dict[str, int]]:
    """Stacked bars per period by the releasing organization's country; beyond the top
    ``max_countries`` (by releases in view) countries are pooled as "Other countries"."""
    dated_mask = df["release_dt"].notna()
    has_country = df["country"].notna()
    hidden = _hidden({"no release date": int((~dated_mask).sum()),
                      "no organization country": int((dated_mask & ~has_country).sum())})
    data = df[dated_mask & has_country]
    top = data["country"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    keep = list(top.index[:max_countries])
    names = (data.drop_duplicates("country").set_index("country")["country_name"]
             .astype(object).where(lambda s: s.notna(), None).to_dict())
    names = {c: (names.get(c) or c) for c in keep}
    pooled = data["country"].where(data["country"].isin(keep), "OTHER")
    order = keep + (["OTHER"] if (pooled == "OTHER").any() else [])
    names["OTHER"] = f"Other countries ({data.loc[pooled == 'OTHER', 'country'].nunique()})"
    colors = {c: COUNTRY_COLORS.get(c, OTHER_COLOR) for c in order}
    fig = _stacked(data.assign(country=pooled), "country", order, names, colors, grain=grain, count=count,
                   title=f"Releases per {grain} by the organization's country", legend_title="",
                   talk=talk, dark=dark)
    return fig, hidden


# ------------------------------------------------------------------ parameters per family over time
def group_column(group: str) -> tuple[str, str]:
    """(id column, display column) for a grouping."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}")
    return ("organization_id", "organization") if group == "organization" else ("family_id", "family")


def size_groups(df: pd.DataFrame, group: str = "organization") -> pd.DataFrame:
    """Groups with at least one dated, sized model: id, name, distinct sizes, distinct dates — sorted
    so the most line-worthy groups (more release dates, then more sizes) come first. Uploaded models
    are left out: params_over_time draws them all as their own layer, whichever groups are picked."""
    gid, gname = group_column(group)
    df, _ = split_user(df)
    ok = df[df["release_dt"].notna() & df["params_total_b"].notna() & df[gid].notna()]
    if ok.empty:
        return pd.DataFrame(columns=["id", "name", "sizes", "dates"])
    g = ok.groupby(gid).agg(name=(gname, "first"), sizes=("params_total_b", "nunique"),
                            dates=("release_dt", "nunique"))
    g = g.reset_index().rename(columns={gid: "id"})
    return g.sort_values(["dates", "sizes", "id"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def default_size_groups(df: pd.DataFrame, group: str = "organization", n: int = 6) -> list[str]:
    """The first ``n`` groups with at least two distinct sizes."""
    g = size_groups(df, group)
    return list(g.loc[g["sizes"] >= 2, "id"].head(n))


def params_over_time(df: pd.DataFrame, groups: list[str], *, group: str = "organization", talk: bool = False,
                     dark: bool = False) -> tuple[go.Figure, dict[str, int]]:
    """Total parameters over time for the chosen groups (log y): every distinct size as a marker,
    and a step line for each group's largest model so far.

    Uploaded models belong to no catalog group: all of them (dated and sized) are drawn as the "Your models"
    layer whatever groups are picked, and they never move a group's "largest so far" line."""
    gid, gname = group_column(group)
    size = _num(df["params_total_b"])
    dated = df["release_dt"].notna()
    mine = user_mask(df)
    chosen = df[gid].isin(groups) & ~mine
    considered = chosen | mine
    hidden = _hidden({"no total size": int((considered & size.isna()).sum()),
                      "no release date": int((considered & size.notna() & ~dated).sum())})
    data = _rows(df, chosen & size.notna() & dated, params_total_b=size)
    upts = _rows(df, mine & size.notna() & dated, params_total_b=size)
    fig = go.Figure()
    for i, g in enumerate(groups):
        part = data[data[gid] == g]
        if part.empty:
            continue
        color = SERIES[i % len(SERIES)]
        name = str(part[gname].iloc[0])
        pts = (part.sort_values(["release_dt", "params_total_b", "id"])
               .groupby(["release_dt", "params_total_b"], sort=True)
               .agg(name=("name", lambda s: ", ".join(s)), date=("release_date", "first")).reset_index())
        top = pts.groupby("release_dt")["params_total_b"].max().cummax()
        fig.add_trace(go.Scatter(x=top.index, y=top.to_numpy(), mode="lines", name=name, legendgroup=g,
                                 line=dict(color=color, width=3 if talk else 2), line_shape="hv", hoverinfo="skip",
                                 showlegend=False))
        fig.add_trace(go.Scatter(
            x=pts["release_dt"], y=pts["params_total_b"], mode="markers", name=name, legendgroup=g,
            text=pts["name"], customdata=pts["date"],
            hovertemplate=f"<b>%{{text}}</b><br>{name} · %{{customdata}}<br>Total: %{{y:.3g}}B<extra></extra>",
            marker=dict(size=12 if talk else 8, color=color, line=dict(width=0.5, color="#333"))))
    if len(upts):
        lines = [[f"{org} · {date if isinstance(date, str) else ''}".strip(" ·"), f"Total: {x:.3g}B",
                  f"Not counted in a {group}'s “largest so far”"]
                 for org, date, x in zip(_org(upts), upts["release_date"], upts["params_total_b"], strict=True)]
        fig.add_trace(user_trace(upts["release_dt"], upts["params_total_b"], upts["name"], hover_lines=lines,
                                 size=(12 if talk else 8) + 6, talk=talk))
    base_layout(fig, title=f"Total parameters per {group} over time", talk=talk, dark=dark, height=460)
    fig.update_yaxes(type="log", title_text=label("params_total_b") + ", log scale",
                     **_log_ticks(SIZE_TICKS, _with_user(data, upts, "params_total_b"), _size_text))
    fig.update_xaxes(title_text="Release date")
    fig.update_layout(legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    _user_meta(fig, upts, in_record=False)
    return fig, hidden
