"""Timeline figures: releases over time (lanes, as-of replay, landmarks) and the open vs closed frontier.

Pure builders: DataFrames + options -> plotly Figure. No Streamlit. Every figure records what it leaves
out in `fig.layout.meta` (and says it in its subtitle) so pages and tests read the same numbers.

Dates keep their precision in the data; here a year- or month-precision date sits at the start of its
period (the `release_dt` convention of the models frame), and the hover card says which precision it is.

Speed (issue 8): the builders work on NumPy arrays (no per-row Python loops, no repeated DataFrame slicing) and
assemble each figure once, as plain dicts, without Plotly's per-property validation (tests/unit validate every
spec these builders make). The Replay frames carry base64 typed arrays - what `Figure.to_dict` would turn their
arrays into anyway - because Plotly validates frames even in an unvalidated figure. Past `scale.HOVER_LIMIT`
points a chart keeps drawing every point but names only the most notable (components/charts/scale.py).
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from components.catalog.fields import label

from .scale import HOVER_LIMIT, plain_trace, unlabelled_note
from .style import (
    ARCH_SYMBOLS,
    OKABE_ITO,
    TIER_COLORS,
    TIER_LABELS,
    WEIGHTS_COLORS,
    WEIGHTS_LABELS,
    base_layout,
    merged_dict,
    set_layout,
)
from .user_layer import NOT_IN_FRONTIER, escape, user_mask, user_trace

LANES = {"org": "organization", "family": "family"}
# At most this many lanes; past it, the (LANE_CAP - 1) lanes with the most models keep their own lane and the rest
# share one last lane. Why 60: on screen the chart grows with its lanes up to 1,600 px (releases_timeline), which
# leaves about 1,330 px of plot, so 60 lanes get ~22 px each - comfortable for 13 px tick labels and the marker
# spread, where hundreds of lanes would overprint into a black band. The curated catalog's 48 family lanes (and
# 20 organization lanes) stay under it, so its chart is unchanged.
LANE_CAP = 60
OTHER_LANE = {"org": ("Other organizations", "organizations"), "family": ("Other families", "families")}
COLOR_BY = {
    "tier": ("license_tier", TIER_COLORS, TIER_LABELS,
             ["permissive", "conditional", "non_commercial", "research_only", "proprietary"], "License tier"),
    "weights": ("weights", WEIGHTS_COLORS, WEIGHTS_LABELS, ["open", "gated_open", "closed", "unreleased"],
                "Weights"),
}
UNKNOWN_COLOR = OKABE_ITO["grey"]
# Marker size: log10 of total parameters over a FIXED range, so a 70B model is the same size on every
# page, in every filter state and in every animation frame.
SIZE_RANGE_B = (0.1, 2000.0)
SIZE_PX = (6.0, 26.0)
UNKNOWN_SIZE_PX = 7.0
GL_THRESHOLD = 1000  # above this many points the release traces switch to WebGL
# The Replay frames repeat every point's y once per month: ~40 months x N points. Past this many points the
# figure would weigh tens of MB (155 MB at 100k models, measured) and the browser would stall, so the replay
# is offered only for views up to this size (layout.meta["replay_off"] says why, for the page to caption).
REPLAY_MAX_POINTS = 5_000
# The builders assemble each figure from plain dicts without Plotly's per-property validation (it was most of a
# rerun's time); the unit tests switch it on to check every spec they make.
VALIDATE = False
OPEN_COLOR, CLOSED_COLOR = WEIGHTS_COLORS["open"], WEIGHTS_COLORS["closed"]
LAG_COLOR = "#57606A"


# ----------------------------------------------------------------------------- landmarks and months
def load_landmarks(path: str | Path) -> pd.DataFrame:
    """The landmarks file as (model_id, label) rows. A missing, unreadable or malformed file gives no
    landmarks rather than an error; entries without both fields are skipped."""
    empty = pd.DataFrame({"model_id": pd.Series(dtype="str"), "label": pd.Series(dtype="str")})
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return empty
    items = raw.get("landmarks") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        return empty
    rows = [{"model_id": str(i["model_id"]), "label": str(i["label"])} for i in items
            if isinstance(i, dict) and i.get("model_id") and i.get("label")]
    return pd.DataFrame(rows, columns=["model_id", "label"]) if rows else empty


def month_options(df: pd.DataFrame) -> list[str]:
    """Every month from the first to the last release in `df`, as 'YYYY-MM' (empty without dates)."""
    dates = df["release_dt"].dropna()
    if dates.empty:
        return []
    months = pd.period_range(dates.min().to_period("M"), dates.max().to_period("M"), freq="M")
    return [p.strftime("%Y-%m") for p in months]


def month_end(month: str) -> pd.Timestamp:
    """Exclusive end of a 'YYYY-MM' month: the first instant of the next month."""
    return (pd.Period(month, freq="M") + 1).to_timestamp()


def released_by(df: pd.DataFrame, asof: str | None) -> pd.DataFrame:
    """Models with a release date up to the end of the `asof` month (all dated models when None)."""
    dated = df[df["release_dt"].notna()]
    if not asof:
        return dated
    return dated[dated["release_dt"] < month_end(asof)]


# ----------------------------------------------------------------------------- releases over time
def size_px(params_b: pd.Series) -> np.ndarray:
    """Marker diameter in px from total parameters (log scale, fixed range); unknown -> small."""
    lo, hi = np.log10(SIZE_RANGE_B[0]), np.log10(SIZE_RANGE_B[1])
    x = np.log10(params_b.astype("float64").clip(*SIZE_RANGE_B).to_numpy())
    px = SIZE_PX[0] + (x - lo) / (hi - lo) * (SIZE_PX[1] - SIZE_PX[0])
    return np.where(np.isnan(px), UNKNOWN_SIZE_PX, px)


def _strings(values) -> pa.Array:
    """Text values as an Arrow string array (missing values null): hashing and sorting then run in C++."""
    if isinstance(values, pa.Array):
        return values
    return pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)


def _text_ranks(values) -> np.ndarray:
    """Dense ranks of text values in sorted (code point) order - equal texts, equal ranks; missing as "" -
    as a cheap sort key. Arrow ranks strings in C++; Python strings would be compared one pair at a time."""
    text = _strings(values).fill_null("")
    return pc.rank(text, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)


def _top_rows(priority, ids, *, limit: int | None = None, ascending: bool = False) -> np.ndarray:
    """True for the rows `scale.hover_split` labels: the `limit` first by `priority` (largest first unless
    `ascending`; missing last), ties by id. The same rule, found with a partial sort of the numbers and a
    text sort of the tied rows only, instead of sorting every row by (number, id)."""
    limit = HOVER_LIMIT if limit is None else limit
    p = pd.to_numeric(pd.Series(priority, copy=False), errors="coerce").to_numpy(dtype="float64")
    n = len(p)
    if n <= limit:
        return np.ones(n, dtype=bool)
    key = np.where(np.isnan(p), np.inf, p if ascending else -p)  # smaller first; missing after everything
    kth = np.partition(key, limit - 1)[limit - 1]
    top = key < kth
    tied = np.flatnonzero(key == kth)
    tied_ids = _strings(ids).take(pa.array(tied)) if isinstance(ids, pa.Array) else np.asarray(ids, dtype=object)[tied]
    by_id = tied[np.argsort(_text_ranks(tied_ids), kind="stable")]
    top[by_id[: limit - int(top.sum())]] = True
    return top


def lane_layout(df: pd.DataFrame, lanes: str = "org", cap: int = LANE_CAP) -> tuple[list[str], pd.Series]:
    """Lane labels (earliest first release first) and each model's y position: its lane index plus a small
    spread when several variants share a lane and a date (biggest on top, then by id), so none hides another.
    Past `cap` lanes, the last lane holds the models of every lane but the (cap - 1) most populous
    (`capped_lanes`). For dated rows (the chart's); all array work, no grouping by Python objects."""
    labels, y, _ = _lane_layout(df, lanes, cap)
    return labels, pd.Series(y, index=df.index)


def capped_lanes(count: np.ndarray, chart_order: np.ndarray, cap: int) -> tuple[np.ndarray, int]:
    """The lanes that keep a lane of their own, in chart order, and how many are merged into one last lane.

    `count` is each lane's number of models, `chart_order` the lanes top to bottom (by first release, then
    name). Up to `cap` lanes all are kept; past it the (cap - 1) with the most models, ties broken by chart
    order (earlier first release, then name), so the choice never depends on row order."""
    n_lanes = len(chart_order)
    if n_lanes <= cap:
        return chart_order, 0
    place = np.empty(n_lanes, dtype=np.int64)
    place[chart_order] = np.arange(n_lanes)
    by_size = np.lexsort((place, -count))  # most models first, then the chart's own order
    kept = np.zeros(n_lanes, dtype=bool)
    kept[by_size[: cap - 1]] = True
    return chart_order[kept[chart_order]], n_lanes - (cap - 1)


def fitted_label_px(lane_px: float) -> int:
    """A tick label size (px) for lanes `lane_px` apart: a little less than the gap, so neighbours never
    touch, between 9 px (still legible) and the slide's 22 px."""
    return int(min(22, max(9, 0.85 * lane_px)))


def other_lane_label(lanes: str, merged: int) -> str:
    """The last lane's label when lanes were merged: 'Other organizations (253)'."""
    return f"{OTHER_LANE[lanes][0]} ({merged:,})"


def lanes_merged_note(lanes: str, kept: int, merged: int) -> str:
    """The sentence a capped chart shows: which lanes it kept and where the others went."""
    what = OTHER_LANE[lanes][1]
    return (f"Lanes: the {kept:,} {what} with the most models; the other {merged:,} share the last lane, "
            f"“{other_lane_label(lanes, merged)}”")


def _lane_layout(df: pd.DataFrame, lanes: str, cap: int) -> tuple[list[str], np.ndarray, int]:
    """`lane_layout`'s labels and y positions (as an array), and how many lanes were merged (0: none)."""
    names = df[LANES[lanes]].fillna("(unknown)")
    codes, uniques = pd.factorize(names)
    dt = df["release_dt"].to_numpy(dtype="datetime64[ns]").view("int64")
    first = np.full(len(uniques), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, dt)
    lane_names = np.asarray(uniques, dtype=object)
    chart_order = np.lexsort((lane_names.astype(str), first))  # by first release, then by name
    kept, merged = capped_lanes(np.bincount(codes, minlength=len(uniques)), chart_order, cap)
    position = np.full(len(uniques), len(kept), dtype=np.int64)  # a merged lane: the last one, after the kept
    position[kept] = np.arange(len(kept))
    lane = position[codes]  # each row's lane: the merged lanes' rows share one, so they spread as one lane
    labels = lane_names[kept].tolist() + ([other_lane_label(lanes, merged)] if merged else [])
    return labels, lane.astype("float64") + _same_day_offsets(df, lane, dt), merged


def _same_day_offsets(df: pd.DataFrame, lane: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Each row's offset from its lane's centre: rows sharing a lane and a date are spread over at most
    0.7 of a lane (so always inside its band, however many), biggest on top (unknown size last), ties by id."""
    p = df["params_total_b"].astype("float64").fillna(-1.0).to_numpy()
    o = np.lexsort((-p, dt, lane))
    same = (lane[o][1:] == lane[o][:-1]) & (dt[o][1:] == dt[o][:-1]) & (p[o][1:] == p[o][:-1])
    if same.any():  # ties on lane, date and size, next to each other in `o`: each run in id order
        slots = np.flatnonzero(np.concatenate([same, [False]]) | np.concatenate([[False], same]))
        run = np.cumsum(np.concatenate([[True], ~same[slots[:-1]]]))  # (slots i, i+1 tie iff same[i])
        rank = _text_ranks(df["id"].to_numpy(dtype=object)[o[slots]])
        o[slots] = o[slots][np.lexsort((rank, run))]
    n_rows = len(o)
    new = np.ones(n_rows, dtype=bool)
    new[1:] = (lane[o][1:] != lane[o][:-1]) | (dt[o][1:] != dt[o][:-1])
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    sizes = np.diff(np.append(starts, n_rows))
    rank, n = np.empty(n_rows, dtype="float64"), np.empty(n_rows, dtype="float64")
    rank[o] = np.arange(n_rows) - starts[group]
    n[o] = sizes[group]
    step = np.where(n > 1, np.minimum(0.7 / np.maximum(n - 1, 1), 0.14), 0.0)
    return (rank - (n - 1) / 2) * step


def _fmt_b(v: pd.Series) -> np.ndarray:
    """'46.7 B' per value ('' when unknown). '%.3g' is Python's format(x, '.3g'): three significant digits
    never need a thousands separator (1,000 and up print as 1e+03)."""
    x = v.astype("float64").to_numpy()
    known = ~np.isnan(x)
    out = np.full(len(x), "", dtype=object)
    if known.any():
        out[known] = np.char.mod("%.3g B", x[known]).astype(object)
    return out


def _text(s: pd.Series, fill: str) -> np.ndarray:
    """A text column as an object array with `fill` for missing values."""
    a = s.to_numpy(dtype=object)  # a copy for a string column; copy-on-write views for object columns
    missing = pd.isna(a)
    if missing.any():
        a = a.copy()
        a[missing] = fill
    return a


def _lookup(values: np.ndarray, table: dict, default: object = "") -> np.ndarray:
    """table[value] per text value (the None entry, if any, for missing values; `default` for the rest), by
    one hash lookup per row in Arrow."""
    keys = [k for k in table if k is not None]
    mapped = np.array([*(table[k] for k in keys), table.get(None, default), default], dtype=object)
    try:
        text = _strings(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not text: compare value by value
        out = np.full(len(values), default, dtype=object)
        missing = pd.isna(values)
        for key, value in table.items():
            out[missing if key is None else (values == key) & ~missing] = value
        return out
    at = pc.index_in(text, value_set=pa.array(keys, type=pa.string())).fill_null(len(keys) + 1)
    at = at.to_numpy(zero_copy_only=False).astype(np.int64)
    at[text.is_null().to_numpy(zero_copy_only=False)] = len(keys)
    return mapped[at]


def _hover_columns(df: pd.DataFrame, *, family: bool = False) -> np.ndarray:
    """Hover-card fields per model: name, organization, date line, parameters, license, date source (and the
    family, with `family`). Column-wise string operations on object arrays (one pass per field, not one
    Python call per row)."""
    precision = _text(df["release_precision"], "")
    event = _text(df["release_event"], "")
    coarse = (precision == "year") | (precision == "month")
    date = (_text(df["release_date"], "?")
            + np.where(coarse, " (" + precision + " only)", "")
            + np.where(event != "", " · " + event, ""))
    total, active = _fmt_b(df["params_total_b"]), _fmt_b(df["params_active_b"])
    moe = _text(df["architecture"], "") == "moe"
    params = np.where(total == "", "unknown",
                      np.where(moe & (active != ""), total + " total, " + active + " active (MoE)",
                               total + np.where(moe, " (MoE)", "")))
    tier = _lookup(df["license_tier"].to_numpy(dtype=object), TIER_LABELS)
    lic = _text(df["license_name"], "unknown") + np.where(tier != "", " — " + tier, "")
    out = np.empty((len(df), 7 if family else 6), dtype=object)
    out[:, 0] = df["name"].to_numpy(dtype=object)
    out[:, 1] = _text(df["organization"], "")
    out[:, 2], out[:, 3], out[:, 4] = date, params, lic
    out[:, 5] = _text(df["release_date_source"], "no source")
    if family:
        out[:, 6] = _text(df["family"], "(unknown)")
    return out


HOVER = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>Released %{customdata[2]}<br>"
         "Parameters: %{customdata[3]}<br>License: %{customdata[4]}<br>"
         "<span style='font-size:11px'>Date source: %{customdata[5]}</span><extra></extra>")
# With merged family lanes, the lane no longer names every model's family: the card does (the organization is
# on every card already).
HOVER_FAMILY = HOVER.replace("<br>Released", "<br>Family: %{customdata[6]}<br>Released", 1)


def _symbols(df: pd.DataFrame) -> np.ndarray:
    """Marker symbol per model: dense or MoE shape (unknown architecture: hollow circle), hollow when the size
    is unknown."""
    sym = _lookup(df["architecture"].to_numpy(dtype=object), ARCH_SYMBOLS, ARCH_SYMBOLS[None])
    unknown = df["params_total_b"].isna().to_numpy()
    for symbol in {v for v in ARCH_SYMBOLS.values() if not v.endswith("-open")}:
        sym[unknown & (sym == symbol)] = symbol + "-open"
    return sym


def _frame_months(first: pd.Timestamp, asof: str) -> list[str]:
    months = pd.period_range(first.to_period("M"), pd.Period(asof, freq="M"), freq="M")
    return [p.strftime("%Y-%m") for p in months]


def _typed(values) -> dict:
    """A float array as Plotly's base64 typed-array spec (`Figure.to_dict` makes the same of a float64 array)."""
    a = np.ascontiguousarray(values, dtype="<f8")
    return {"dtype": "f8", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def _dates(s: pd.Series) -> np.ndarray:
    """Datetimes as a NumPy array in the column's own unit (serialised like the Series would be)."""
    return s.to_numpy()


def releases_timeline(df: pd.DataFrame, *, lanes: str = "org", color_by: str = "tier", asof: str | None = None,
                      landmarks: pd.DataFrame | None = None, animate: bool = True, talk: bool = False,
                      dark: bool = False) -> go.Figure:
    """One marker per model on a lane per organization (or family), coloured by license tier or weights
    access, shaped dense/MoE, sized by total parameters; only models released by `asof` ('YYYY-MM';
    None = all). With `animate`, frames replay the landscape month by month up to `asof` (play button +
    slider), ending on the as-of state the figure shows initially.

    Past `HOVER_LIMIT` catalog points, the `HOVER_LIMIT` largest by total parameters (ties by id) keep their
    name and hover card; the others are drawn at the same place, colour, shape and size without a label
    (`scale.plain_trace`), and the subtitle and `meta["unlabelled"]` say how many.

    Past `LANE_CAP` lanes, the (LANE_CAP - 1) with the most models keep theirs and every other model is drawn,
    in its true place, in one last lane ('Other organizations (253)'); the subtitle and `meta["lanes_merged"]`
    say how many lanes were merged, and with family lanes the hover cards name each model's family."""
    col, colors, labels, order, legend_title = COLOR_BY[color_by]
    released = df["release_dt"]
    has_date = released.notna().to_numpy()
    no_date = len(df) - int(has_date.sum())
    if not asof and has_date.any():  # the last month with a release (month_options' last entry)
        asof = released.max().strftime("%Y-%m")
    view = np.flatnonzero(has_date & (released < month_end(asof)).to_numpy() if asof else has_date)
    # released_by(dated, asof) in one step, and only the columns every point needs (the hover card's are
    # read for the labelled points alone): copying text columns of 100,000 rows is what costs.
    core = [c for c in dict.fromkeys(["id", "release_dt", "params_total_b", "architecture", LANES[lanes], col,
                                      "user"]) if c in df.columns]
    shown = pd.DataFrame({c: _column(df[c].to_numpy()[view]) for c in core})
    later = int(has_date.sum()) - len(shown)
    # Uploaded models (column `user`) take part in the lane layout - they get their organization's (or
    # family's) lane and the same-day spread, so they sit where a catalog model of theirs would - and are
    # drawn as one "Your models" star layer; everything else below (colour traces, landmarks, the
    # "small and hollow" count) is the catalog's.
    mine = user_mask(shown)
    unknown_size = int(shown.loc[~mine, "params_total_b"].isna().sum())
    hidden = {"no release date": no_date}
    title = f"Releases over time, as of {asof}" if asof else "Releases over time"
    meta = {"shown": len(shown), "hidden": hidden, "later": later, "unknown_size": unknown_size, "asof": asof,
            "lanes": [], "landmarks": [], "frames": []}
    if mine.any():  # (absent without uploads: the catalog-only meta is unchanged)
        meta["user"] = {"shown": int(mine.sum())}

    if shown.empty:
        fig = go.Figure()
        base_layout(fig, title=title, talk=talk, dark=dark, height=320)
        fig.update_layout(meta=meta)
        fig.add_annotation(text="No model released by this date", showarrow=False, xref="paper", yref="paper",
                           x=0.5, y=0.5, font=dict(size=16, color=UNKNOWN_COLOR))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig

    lane_names, y_all, lanes_merged = _lane_layout(shown, lanes, LANE_CAP)
    # (merged family lanes: the cards name each model's family, which its lane may no longer say)
    card_family = bool(lanes_merged) and lanes == "family"
    size_all = size_px(shown["params_total_b"])
    first_dt = shown["release_dt"].min()  # uploads included: the axis and the replay start at the first point
    gl = len(shown) > GL_THRESHOLD
    mine_rows, mine_y, mine_size = df.iloc[view[mine]], y_all[mine], size_all[mine]
    if mine.any():
        shown, y_all, size_all, view = shown[~mine], y_all[~mine], size_all[~mine], view[~mine]
    sym_all = _symbols(shown)
    dt_all = _dates(shown["release_dt"])
    ids = shown["id"].to_numpy(dtype=object)
    # colour category per point: its index in `order`, or len(order) for anything else ("Unknown")
    ccode = _lookup(shown[col].to_numpy(dtype=object), {v: k for k, v in enumerate(order)}, len(order))
    ccode = ccode.astype(np.int64)
    trace_type = "scattergl" if gl else "scatter"
    replay = animate and len(shown) <= REPLAY_MAX_POINTS
    frame_months = _frame_months(first_dt, asof) if replay else []
    x_lo = first_dt.to_period("M").to_timestamp() - pd.Timedelta(days=20)
    x_hi = month_end(asof) + pd.Timedelta(days=10)
    # Large view: which catalog points keep a name and a hover card (all of them up to HOVER_LIMIT).
    is_labelled = _top_rows(shown["params_total_b"], ids)  # scale.hover_split's rule: the largest, ties by id
    n_plain = int((~is_labelled).sum())
    hover = _hover_columns(df.iloc[view[is_labelled] if n_plain else view], family=card_family)
    hover_row = np.cumsum(is_labelled) - 1  # row of each labelled point in `hover`

    data: list = []
    # (trace index, release date per point, y per point, trace type, user layer): what the replay hides or shows
    data_traces: list[tuple[int, np.ndarray, np.ndarray, str, bool]] = []

    # Landmarks: positions from the models' own rows; missing or filtered-out models are not drawn.
    marks = _landmark_points(landmarks, ids, shown["release_dt"].to_numpy(), y_all, size_all)
    band_rows = 0
    label_y = side = None
    if marks:
        side, row = _landmark_rows(marks, x_lo, x_hi, talk=talk)
        band_rows = int(row.max()) + 1
        label_y = -0.75 - row * BAND_ROW
        n = len(marks["label"])
        lx = np.repeat(marks["release_dt"], 3).astype("datetime64[ns]")
        lx[2::3] = np.datetime64("NaT")
        ly = np.column_stack([label_y, marks["y"], np.full(n, np.nan)]).ravel()
        data.append(dict(type="scatter", x=lx, y=ly, mode="lines", name="Landmark line", showlegend=False,
                         line=dict(color=LAG_COLOR, width=1, dash="dot"), hoverinfo="skip", connectgaps=False))
        data_traces.append((len(data) - 1, lx, ly, "scatter", False))

    values = [*order, None]
    names = [labels.get(v, "Unknown") if v is not None else "Unknown / not recorded" for v in values]
    point_colors = [colors.get(v, UNKNOWN_COLOR) for v in values]
    if n_plain:
        # The unlabelled points first (drawn under the named ones): one WebGL trace per colour and shape,
        # numbers only, in its colour's legend group (a legend click hides both).
        sym_codes, sym_names = pd.factorize(sym_all)
        for k, (name, color) in enumerate(zip(names, point_colors, strict=True)):
            for s, symbol in enumerate(sym_names):
                idx = np.flatnonzero((ccode == k) & (sym_codes == s) & ~is_labelled)
                if len(idx):
                    data.append(plain_trace(
                        dt_all[idx], y_all[idx], name=name, legendgroup=name,
                        marker=dict(color=color, size=size_all[idx], symbol=symbol, opacity=0.85,
                                    line=dict(width=1, color=color))))
    for k, (name, color) in enumerate(zip(names, point_colors, strict=True)):
        in_colour = ccode == k
        if not in_colour.any():
            continue
        idx = np.flatnonzero(in_colour & is_labelled)
        if len(idx):
            trace = dict(type=trace_type, x=dt_all[idx], y=y_all[idx], mode="markers", name=name, legendgroup=name,
                         showlegend=False,
                         marker=dict(color=color, size=size_all[idx], symbol=sym_all[idx].tolist(), opacity=0.85,
                                     line=dict(width=1, color=color if gl else "white")),
                         customdata=hover[hover_row[idx]], hovertemplate=HOVER_FAMILY if card_family else HOVER)
            if not gl:
                trace["ids"] = ids[idx].tolist()
            data.append(trace)
            data_traces.append((len(data) - 1, dt_all[idx], y_all[idx], trace_type, False))
        # Legend entry with a plain filled marker (a trace's legend symbol copies its first point's shape).
        data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=name, legendgroup=name,
                         legendrank=100, hoverinfo="skip", marker=dict(symbol="circle", size=11, color=color)))

    ink = "#F5F5F5" if dark else "#1F2328"
    if marks:
        mdt = marks["release_dt"]
        data.append(dict(type="scatter", x=mdt, y=marks["y"], mode="markers", name="Landmark (seed article)",
                         marker=dict(symbol="circle-open", size=marks["size"] + 8, color=ink, line=dict(width=1.5)),
                         hoverinfo="skip", legendrank=300))
        data_traces.append((len(data) - 1, mdt, marks["y"], "scatter", False))
        data.append(dict(type="scatter", x=mdt, y=label_y, mode="text", name="Landmark label", showlegend=False,
                         text=[f" {t} " for t in marks["label"]], textposition=[f"middle {s}" for s in side],
                         textfont=dict(size=(20 if talk else 12), color=ink), hoverinfo="skip"))
        data_traces.append((len(data) - 1, mdt, label_y, "scatter", False))
        meta["landmarks"] = marks["label"].tolist()

    if len(mine_rows):
        # On top of everything, in the replay frames like the catalog's points (a static layer would show a
        # 2025 upload while the replay is in 2023). Star a little larger than the catalog marker of its size.
        mine_hover = _hover_columns(mine_rows, family=card_family)
        lines = [[org, f"Released {date}", f"Parameters: {params}", f"License: {lic}"]
                 for org, date, params, lic in mine_hover[:, 1:5]]
        if card_family:  # (as on the catalog's cards: the lane may not say it)
            for line, family in zip(lines, mine_hover[:, 6], strict=True):
                line.insert(1, f"Family: {family}")
        mine_dt = _dates(mine_rows["release_dt"])
        data.append(user_trace(mine_dt, mine_y, mine_rows["name"], hover_lines=lines, size=mine_size + 6,
                               talk=talk, gl=gl, ids=mine_rows["id"].tolist() if not gl else None))
        data_traces.append((len(data) - 1, mine_dt, mine_y, trace_type, True))

    # Shape legend (no data): what the marker symbols mean.
    shape_items = [("Dense", ARCH_SYMBOLS["dense"]), ("Mixture of experts", ARCH_SYMBOLS["moe"])]
    if unknown_size:
        shape_items.append(("Size unknown", "circle-open"))
    for text, symbol in shape_items:
        data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=text, hoverinfo="skip",
                         legendrank=200, marker=dict(symbol=symbol, size=11, color=UNKNOWN_COLOR)))

    note = unlabelled_note(n_plain, len(shown), "the largest by total parameters")
    n_lanes = len(lane_names)
    lane_note = lanes_merged_note(lanes, n_lanes - 1, lanes_merged) if lanes_merged else None
    per_lane = (44 if talk else 26) if lanes == "family" else (48 if talk else 34)
    plot_h = per_lane * (n_lanes + band_rows * BAND_ROW + (0.4 if band_rows else 0))
    note_h = (32 if talk else 18) * ((note is not None) + (lane_note is not None))  # one subtitle line each
    top = ((330 if talk else 190) if len(frame_months) > 1 else (255 if talk else 135)) + note_h
    bottom = 110 if talk else 74  # (room for the footer under the date axis title, also a long one)
    height = 1080 if talk else int(min(max(top + bottom + plot_h, 420), 1600))
    notes = [f"{len(shown) + len(mine_rows):,} models released by {asof}"
             + (f" ({len(mine_rows)} of them yours, ★)" if len(mine_rows) else "")]
    if later:
        notes.append(f"{later:,} later")
    if unknown_size:
        notes.append(f"{unknown_size:,} of unknown size drawn small and hollow")
    if no_date:
        notes.append(f"{no_date:,} hidden: no release date")
    subtitle = (" · ".join(notes) + f".<br>Colour: {legend_title.lower()}; shape: dense or MoE; "
                "size: total parameters (log scale).") + "".join(f"<br>{n}." for n in (note, lane_note) if n)
    if n_plain:  # (a large view: the lane names are the y axis' tick labels already; not a second copy)
        del meta["lanes"]
        meta["n_lanes"] = n_lanes
    else:
        meta["lanes"] = lane_names
    meta["lane_by"] = label(LANES[lanes])
    if lanes_merged:  # (absent when every lane is drawn: an uncapped chart's meta is unchanged)
        meta["lane_cap"] = LANE_CAP
        meta["lanes_merged"] = lanes_merged
        meta["lanes_merged_note"] = lane_note
    if n_plain:
        meta["unlabelled"] = n_plain
        meta["unlabelled_note"] = note
    if len(frame_months) > 1:
        meta["frames"] = frame_months
    elif animate and not replay:
        meta["replay_off"] = (f"Replay is available for up to {REPLAY_MAX_POINTS:,} models; this view has "
                              f"{len(shown) + int(mine.sum()):,}. Narrow the filters to replay it.")
    ticktext = [escape(short_lane(n)) for n in lane_names]  # an upload's lane name is user text
    if lanes_merged:  # the merged lane's label is ours and kept whole (short_lane would leave only "(253)")
        ticktext[-1] = escape(lane_names[-1])
    xaxis = dict(title=dict(text=label("release_date")), range=[x_lo, x_hi], showgrid=True)
    if n_plain:
        xaxis["type"] = "date"  # plain traces hold epoch milliseconds: the axis must not guess "linear"
    layout = _layout_head(subtitle, meta, height=height, note_h=note_h, talk=talk, xaxis=xaxis,
                          yaxis=dict(title=dict(text=label(LANES[lanes])), tickvals=list(range(n_lanes)),
                                     ticktext=ticktext,
                                     range=[n_lanes - 0.5, -0.5 - band_rows * BAND_ROW - (0.4 if band_rows else 0)],
                                     showgrid=True, zeroline=False, automargin=True),
                          itemsizing="constant")
    if talk and lanes_merged:
        # A slide's height is fixed, so a capped chart's lanes are ~11 px apart there: labels in the slide's
        # 22 px type would overprint each other. (Views under the cap keep the slide's type.)
        lane_span = n_lanes + band_rows * BAND_ROW + (0.4 if band_rows else 0)
        layout["yaxis"]["tickfont"] = {"size": fitted_label_px((height - top - bottom) / lane_span)}
    if len(frame_months) > 1:
        layout.update(_replay_controls(frame_months, gl=gl, talk=talk, plot_h=height - top - bottom))
    return _assemble(data, layout, _replay_frames(data_traces, frame_months), title=title, talk=talk, dark=dark,
                     height=height, margin=dict(t=top, b=bottom, r=20))


def _layout_head(subtitle: str, meta: dict, *, height: int, note_h: int, talk: bool, xaxis: dict, yaxis: dict,
                 itemsizing: str | None = None) -> dict:
    """The layout both timeline charts share: subtitle at the top, legend in a row under it (lower by `note_h`
    when the subtitle has extra note lines), closest-point hover, and the chart's own axes."""
    legend = dict(orientation="h", yref="container", y=1 - ((150 if talk else 78) + note_h) / height,
                  yanchor="top", xref="container", x=0.005, xanchor="left", traceorder="normal")
    if itemsizing:
        legend["itemsizing"] = itemsizing
    legend["font"] = dict(size=18 if talk else 12)
    return dict(title=dict(subtitle=dict(text=subtitle), yref="container", y=1 - 8 / height, yanchor="top"),
                meta=meta, hovermode="closest", legend=legend, xaxis=xaxis, yaxis=yaxis)


def _assemble(data: list, layout: dict, frames: list | None = None, *, title: str, talk: bool, dark: bool,
              height: int, margin: dict) -> go.Figure:
    """The figure from finished trace dicts and layout, in one step and without Plotly's per-property
    validation (the builders' specs are validated by the unit tests), with the house style (`base_layout`)
    under the chart's own layout and margins, as if they had been set one after the other."""
    spec = {"data": data, "layout": layout}
    if frames:
        spec["frames"] = frames
    if talk:  # talk mode also restyles the traces: the house style is applied to the figure itself
        fig = go.Figure(spec, _validate=VALIDATE)
        base_layout(fig, title=title, talk=talk, dark=dark, height=height)
        return set_layout(fig, {"margin": margin})
    # On screen `base_layout` sets layout properties only: take them from a figure it styled once (cached), so
    # the figure is built in one pass instead of being updated property by property.
    house = _house_layout(title, dark, height)
    spec["layout"] = merged_dict(merged_dict(layout, house.to_plotly_json() | {"template": house.template}),
                             {"margin": margin})  # (house style over the chart's layout, as base_layout does)
    return go.Figure(spec, _validate=VALIDATE)


@functools.lru_cache(maxsize=256)
def _house_layout(title: str, dark: bool, height: int) -> go.Layout:
    """The layout `base_layout` gives an empty screen figure (read-only: callers copy what they use)."""
    probe = go.Figure()
    base_layout(probe, title=title, talk=False, dark=dark, height=height)
    return probe.layout


BAND_ROW = 0.8  # height of one landmark-label row, in lanes
LANE_LABEL_MAX = 22


def short_lane(name: str, max_len: int = LANE_LABEL_MAX) -> str:
    """A lane label that fits: the name, or its parenthesised short form ('Technology Innovation Institute
    (TII)' -> 'TII'), or the name cut with an ellipsis. The hover card keeps the full name."""
    if len(name) <= max_len:
        return name
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1:-1].strip()
        if 0 < len(inner) <= max_len:
            return inner
    return name[: max_len - 1].rstrip() + "…"


def _landmark_points(landmarks: pd.DataFrame | None, ids: np.ndarray, dates: np.ndarray, y: np.ndarray,
                     size: np.ndarray) -> dict[str, np.ndarray]:
    """The landmarks whose model is drawn, at that model's point, in date order (then by model id): arrays
    model_id, label, release_dt, y, size. Empty (falsy) when none is drawn."""
    if landmarks is None or not len(landmarks):
        return {}
    lm_ids = landmarks["model_id"].to_numpy(dtype=object)
    _, first = np.unique(lm_ids.astype(str), return_index=True)
    first = np.sort(first)  # the first entry per model, in file order
    lm_ids, labels = lm_ids[first], landmarks["label"].to_numpy(dtype=object)[first]
    hit = np.flatnonzero(pc.is_in(_strings(ids), value_set=_strings(lm_ids)).to_numpy(zero_copy_only=False))
    mark_of = {m: k for k, m in enumerate(lm_ids)}
    pairs = sorted((mark_of[ids[p]], p) for p in hit)  # every drawn point of a landmark's model gets its mark
    pos = np.array([p for _, p in pairs], dtype=np.int64)
    lm_ids = np.array([lm_ids[k] for k, _ in pairs], dtype=object)
    labels = np.array([labels[k] for k, _ in pairs], dtype=object)
    if not len(pos):
        return {}
    dt = dates[pos]
    order = np.lexsort((lm_ids.astype(str), dt.astype("datetime64[ns]").view("int64")))
    return {"model_id": lm_ids[order], "label": labels[order], "release_dt": dt[order], "y": y[pos][order],
            "size": size[pos][order]}


def _landmark_rows(marks: dict, x_lo: pd.Timestamp, x_hi: pd.Timestamp, *,
                   talk: bool) -> tuple[np.ndarray, np.ndarray]:
    """Text side ('right' of its line, or 'left' near the right edge) and a label row per landmark so
    labels do not overlap: greedy, in date order, with widths estimated from the text length."""
    plot_px = 1500.0 if talk else 640.0
    char_px = 11.0 if talk else 7.0
    span = max((x_hi - x_lo).days, 1)
    days = (pd.DatetimeIndex(marks["release_dt"]) - x_lo).days
    x = np.asarray(days, dtype="float64") / span * plot_px
    width = np.array([len(str(t)) for t in marks["label"]], dtype="float64") * char_px + 12
    side = np.where(x + width > plot_px, "left", "right")
    lo = np.where(side == "right", x, x - width)
    hi = np.where(side == "right", x + width, x)
    row_end: list[float] = []
    rows = np.zeros(len(x), dtype=int)
    for i in range(len(x)):  # a handful of landmarks: a plain loop is clearest
        for r, end in enumerate(row_end):
            if lo[i] > end + 6:
                rows[i], row_end[r] = r, hi[i]
                break
        else:
            rows[i] = len(row_end)
            row_end.append(hi[i])
    return side, rows


def _replay_frames(data_traces: list, months: list[str]) -> list[dict]:
    """Plotly frames (one per month): each frame hides the points not yet released by setting their y to
    NaN, so hover data stays aligned and the frames stay small. One comparison per trace for all months."""
    if len(months) <= 1:
        return []
    ends = (pd.PeriodIndex(months, freq="M") + 1).to_timestamp().to_numpy(dtype="datetime64[ns]")  # month_end
    indices = [i for i, *_ in data_traces]
    per_trace = []
    for _, dts, ys, kind, user in data_traces:
        ys = np.asarray(ys, dtype="float64")
        released = np.asarray(dts, dtype="datetime64[ns]")[None, :] < ends[:, None]  # NaT: never
        hidden = np.where(released, ys[None, :], np.nan)
        # the upload layer keeps plain arrays (it is one small trace); the catalog's travel as typed arrays
        per_trace.append([{"type": kind, "y": row if user else _typed(row)} for row in hidden])
    return [{"name": m, "data": [frames[k] for frames in per_trace], "traces": indices}
            for k, m in enumerate(months)]


def _replay_controls(months: list[str], *, gl: bool, talk: bool, plot_h: float) -> dict:
    """Play button + month slider at the top of the plot, for the frames of `_replay_frames`."""
    anim = dict(mode="immediate", transition=dict(duration=0))
    jump = dict(anim, frame=dict(duration=0, redraw=gl))
    y = 1 + 12 / max(plot_h, 1)  # just above the plot area, below the legend
    return dict(
        updatemenus=[dict(
            type="buttons", direction="left", showactive=False, x=0, xanchor="left", y=y, yanchor="bottom",
            pad=dict(t=0, b=0, r=0), font=dict(size=18 if talk else 12),
            buttons=[
                dict(label="▶ Replay", method="animate",
                     args=[None, dict(anim, frame=dict(duration=450, redraw=gl), fromcurrent=False)]),
                dict(label="❚❚ Pause", method="animate",
                     args=[[None], dict(anim, frame=dict(duration=0, redraw=False))]),
            ])],
        sliders=[dict(
            active=len(months) - 1, x=0, len=1, xanchor="left", y=y, yanchor="bottom",
            pad=dict(t=0, b=0, l=250 if talk else 165, r=0), ticklen=3, minorticklen=0,
            font=dict(color="rgba(0,0,0,0)", size=8),  # 30+ month labels would overlap: currentvalue shows it
            currentvalue=dict(prefix="Replay: as of ", visible=True, xanchor="right", offset=6,
                              font=dict(size=18 if talk else 12, color="#57606A")),
            # (one options dict shared by every step: copied once when the figure is copied)
            steps=[dict(label=m, method="animate", args=[[m], jump]) for m in months],
        )],
    )


# ----------------------------------------------------------------------------- open vs closed frontier
def _id_positions(keys, ids) -> np.ndarray | None:
    """Each key's row in `ids` (-1 when absent); None when `ids` repeats a value. One Arrow hash table for
    both: codes follow first occurrence, so unique ids get the codes 0..n-1 and a key's code is its row."""
    n = len(ids)
    encoded = pa.chunked_array([_strings(ids), _strings(keys)]).dictionary_encode()
    codes = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in encoded.chunks]
                           + [np.zeros(0, dtype=np.int32)]).astype(np.int64)
    if not np.array_equal(codes[:n], np.arange(n)):
        return None
    return np.where(codes[n:] < n, codes[n:], -1)


class _RowView:
    """Some rows of a table, read column by column as arrays (no copy of the other columns)."""

    def __init__(self, df: pd.DataFrame, rows: np.ndarray) -> None:
        self.df, self.rows = df, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, col: str) -> np.ndarray:
        return self.df[col].to_numpy()[self.rows]

    def frame(self) -> pd.DataFrame:
        return self.df.iloc[self.rows]


def _column(values: np.ndarray) -> pd.Series:
    """A column that keeps the array's dtype (object text stays object: no inference to Arrow strings)."""
    return pd.Series(values, dtype=values.dtype, copy=False)


_BEST_COLUMNS = ["model_id", "value", "setting", "source_url", "self_reported", "name", "organization", "release_dt",
                 "release_date", "open_weights"]


def best_scores(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *,
                higher_is_better: bool = True) -> pd.DataFrame:
    """One row per model of `models` with a score on `benchmark`: its best value (across settings), with the
    setting, source and self-reported flag of that score, plus release date, name and open_weights.
    Rows in model id order; of equal best values, the first listed."""
    return _best_scores(models, scores, benchmark, higher_is_better=higher_is_better)[0]


def _best_per_model(value: np.ndarray, model_rank: np.ndarray, *, higher_is_better: bool) -> np.ndarray:
    """Positions of each model's best value, in model order (of equal best values, the first listed)."""
    o = np.lexsort((-value if higher_is_better else value, model_rank))  # stable
    first = np.ones(len(o), dtype=bool)
    first[1:] = model_rank[o][1:] != model_rank[o][:-1]
    return o[first]


def _best_scores(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, higher_is_better: bool,
                 among: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray | None]:
    """`best_scores` of the models at positions `among` (None: all), and each row's position in `among`
    (None when those models repeat an id)."""
    if among is not None:
        if len(among) != len(models):  # (a view of some rows, without copying the table's text columns)
            models = _RowView(models, among)
    value = scores["value"].to_numpy(dtype="float64")
    rows = np.flatnonzero((scores["benchmark"].to_numpy(dtype=object) == benchmark) & ~np.isnan(value))
    if not len(rows) or not len(models):
        return pd.DataFrame(columns=_BEST_COLUMNS), np.zeros(0, dtype=np.int64)
    model_ids = scores["model_id"].to_numpy(dtype=object)[rows]
    at = _id_positions(model_ids, models["id"])
    if at is None:  # (uploads may repeat a catalog id): a join keeps every match
        models = models.frame() if isinstance(models, _RowView) else models
        s = scores.iloc[rows]
        s = s[s["model_id"].isin(models["id"])]
        best = s.iloc[_best_per_model(s["value"].to_numpy(dtype="float64"), _text_ranks(s["model_id"]),
                                      higher_is_better=higher_is_better)]
        out = best.merge(models[["id", *_BEST_COLUMNS[5:]]], left_on="model_id", right_on="id", how="inner")
        return out[_BEST_COLUMNS].reset_index(drop=True), None
    found = at >= 0
    rows, at, model_ids = rows[found], at[found], model_ids[found]
    if not len(rows):
        return pd.DataFrame(columns=_BEST_COLUMNS), np.zeros(0, dtype=np.int64)
    pick = _best_per_model(value[rows], _text_ranks(model_ids), higher_is_better=higher_is_better)
    rows, at = rows[pick], at[pick]
    out = {c: _column(scores[c].to_numpy()[rows]) for c in _BEST_COLUMNS[:5]}
    out.update({c: _column(np.asarray(models[c])[at]) for c in _BEST_COLUMNS[5:]})
    return pd.DataFrame(out), at


def _record_positions(dt: np.ndarray, signed: np.ndarray, model_rank: np.ndarray) -> np.ndarray:
    """Positions of the running-best records in date order (`signed`: larger is better; ties on a date:
    the best of that date, then by model id)."""
    o = np.lexsort((model_rank, -signed, dt))
    v = signed[o]
    prev = np.concatenate([[-np.inf], np.maximum.accumulate(v)[:-1]])
    return o[v > prev]


def frontier_records(points: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """The models that set a new running best when they came out (ties on a date: the best of that date)."""
    if points.empty:
        return points.iloc[0:0]
    sign = 1.0 if higher_is_better else -1.0
    pos = _record_positions(points["release_dt"].to_numpy(dtype="datetime64[ns]").view("int64"),
                            points["value"].to_numpy(dtype="float64") * sign, _text_ranks(points["model_id"]))
    return points.iloc[pos].reset_index(drop=True)


def frontier_lags(points: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """For each closed-model record: the first open-weight model (by release date) that matched or beat it,
    and the months in between (0 when open weights were already there; NA = not yet matched)."""
    closed = frontier_records(points[~points["open_weights"].astype(bool)], higher_is_better=higher_is_better)
    return _lags(points, closed, higher_is_better=higher_is_better)


def _lags(points: pd.DataFrame, closed: pd.DataFrame, *, higher_is_better: bool,
          model_rank: np.ndarray | None = None) -> pd.DataFrame:
    """`frontier_lags` given the closed records (and, if known, the points' model id ranks)."""
    cols = ["closed_model", "closed_date", "closed_value", "open_model", "open_date", "open_value",
            "lag_months", "matched"]
    if closed.empty:
        return pd.DataFrame(columns=cols)
    dates, value = points["release_dt"].to_numpy(), points["value"].to_numpy(dtype="float64")
    opened = np.flatnonzero(points["open_weights"].astype(bool).to_numpy())
    rank = _text_ranks(points["model_id"].to_numpy(dtype=object)[opened]) if model_rank is None else model_rank[opened]
    order = opened[np.lexsort((rank, dates[opened].astype("datetime64[ns]").view("int64")))]  # by date, then id
    ov = value[order]
    cv = closed["value"].to_numpy(dtype="float64")
    closed_date = closed["release_dt"].to_numpy()
    beats = (ov[None, :] >= cv[:, None]) if higher_is_better else (ov[None, :] <= cv[:, None])
    matched = beats.any(axis=1) if len(ov) else np.zeros(len(cv), dtype=bool)
    if len(ov):
        hit = order[beats.argmax(axis=1)]
        open_model = np.where(matched, points["name"].to_numpy(dtype=object)[hit], None)
        open_date = np.where(matched, dates[hit], np.datetime64("NaT"))
        open_value = np.where(matched, value[hit], np.nan)
        cd, od = pd.DatetimeIndex(closed_date), pd.DatetimeIndex(open_date)  # whole calendar months between
        lag = np.asarray((od.year - cd.year) * 12 + (od.month - cd.month), dtype="float64")
        months = pd.array(np.where(matched, np.maximum(np.nan_to_num(lag, nan=0), 0), 0), dtype="Int64")
        months[~matched] = pd.NA
    else:
        open_model = np.full(len(cv), None, dtype=object)
        open_date = np.full(len(cv), np.datetime64("NaT"), dtype=closed_date.dtype)
        open_value = np.full(len(cv), np.nan)
        months = pd.array([pd.NA] * len(cv), dtype="Int64")
    return pd.DataFrame({"closed_model": closed["name"].to_numpy(), "closed_date": closed_date,
                         "closed_value": cv, "open_model": open_model, "open_date": open_date,
                         "open_value": open_value, "lag_months": months, "matched": matched}, columns=cols)


def frontier_benchmarks(models: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Benchmarks that have dated scores for both open-weight and closed models: id, n_open, n_closed
    (distinct models), most models first."""
    cols = ["benchmark", "n_open", "n_closed"]
    dated = models[models["release_dt"].notna().to_numpy()]
    s = scores[scores["value"].notna().to_numpy()]
    at = _id_positions(s["model_id"], dated["id"]) if len(s) and len(dated) else np.zeros(0, dtype=np.int64)
    if at is None:  # (repeated model ids): the first model row of an id counts, as a join would keep it first
        at = pc.index_in(_strings(s["model_id"]), value_set=_strings(dated["id"])).fill_null(-1)
        at = at.to_numpy(zero_copy_only=False).astype(np.int64)
    found = at >= 0
    if not found.any():
        return pd.DataFrame(columns=cols)
    bench, names = pd.factorize(s["benchmark"].to_numpy(dtype=object)[found])
    pair = np.sort(bench.astype(np.int64) * len(dated) + at[found])
    pair = pair[np.concatenate([[True], pair[1:] != pair[:-1]])]  # distinct (benchmark, model) (np.unique is slow)
    pair_bench, pair_model = pair // len(dated), pair % len(dated)
    is_open = dated["open_weights"].astype(bool).to_numpy()[pair_model]
    n_open = np.bincount(pair_bench, weights=is_open, minlength=len(names)).astype(np.int64)
    n_all = np.bincount(pair_bench, minlength=len(names)).astype(np.int64)
    counts = pd.DataFrame({"benchmark": np.asarray(names, dtype=object), "n_open": n_open, "n_closed": n_all - n_open})
    counts = counts[(counts["n_open"] > 0) & (counts["n_closed"] > 0)]
    order = np.lexsort((_text_ranks(counts["benchmark"]), -(counts["n_open"] + counts["n_closed"]).to_numpy()))
    return counts.iloc[order].reset_index(drop=True)


def _step(records: pd.DataFrame, until: pd.Timestamp) -> tuple[list, list]:
    x = list(records["release_dt"]) + [until]
    y = list(records["value"].astype("float64")) + [float(records["value"].iloc[-1])]
    return x, y


def _score_hover(points: pd.DataFrame) -> np.ndarray:
    out = np.empty((len(points), 5), dtype=object)
    out[:, 0] = points["name"].to_numpy(dtype=object)
    out[:, 1] = _text(points["release_date"], "?")
    out[:, 2] = _text(points["setting"], "setting not stated")
    reported = points["self_reported"].astype(object).where(points["self_reported"].notna(), True)
    out[:, 3] = np.where(reported.astype(bool).to_numpy(), "self-reported", "independent")
    out[:, 4] = _text(points["source_url"], "no source")
    return out


SCORE_HOVER = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{y:.4g} · %{customdata[2]} · %{customdata[3]}<br>"
               "<span style='font-size:11px'>Source: %{customdata[4]}</span><extra></extra>")
def _released_rows(models: pd.DataFrame, asof: str | None) -> np.ndarray:
    """Positions of `released_by(models, asof)`'s rows."""
    released = models["release_dt"]
    keep = released.notna().to_numpy()
    if asof:
        keep = keep & (released < month_end(asof)).to_numpy()
    return np.flatnonzero(keep)


def frontier_points(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, asof: str | None = None,
                    higher_is_better: bool = True, bench_name: str | None = None) -> tuple[pd.DataFrame, dict]:
    """The scored models the frontier uses (best score per model, released by `asof`) and what it leaves
    out. A date known only to the year would sit on 1 January: too early to claim "first to reach"
    anything, so those models are left out (and counted)."""
    return _frontier_points(models, _released_rows(models, asof), scores, benchmark,
                            higher_is_better=higher_is_better, name=bench_name or benchmark)


def _frontier_points(models: pd.DataFrame, dated: np.ndarray, scores: pd.DataFrame, benchmark: str, *,
                     higher_is_better: bool, name: str) -> tuple[pd.DataFrame, dict]:
    """`frontier_points` of the models at positions `dated`."""
    year_only = (_text(models["release_precision"], "")[dated] == "year" if "release_precision" in models
                 else np.zeros(len(dated), dtype=bool))
    scored, at = _best_scores(models, scores, benchmark, higher_is_better=higher_is_better, among=dated)
    if at is not None:  # one row per dated model with a score
        points = scored[~year_only[at]].reset_index(drop=True)
        no_score = len(dated) - len(scored)
    else:
        ids = models["id"].iloc[dated]
        points = scored[~scored["model_id"].isin(ids[year_only])].reset_index(drop=True)
        no_score = int((~ids.isin(scored["model_id"])).sum())
    hidden = {f"no {name} score": no_score,
              "date known only to the year": len(scored) - len(points),
              "no release date": int(models["release_dt"].isna().sum())}
    return points, hidden


def open_closed_frontier(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, asof: str | None = None,
                         bench_name: str | None = None, unit: str | None = None, higher_is_better: bool = True,
                         talk: bool = False, dark: bool = False) -> go.Figure:
    """Step lines of the running best `benchmark` score of open-weight and of closed models over time, all
    scored models as faint dots, and for each closed record a dotted segment to the first open-weight model
    that matched it, labelled with the months in between (or 'not yet matched' up to `asof`).

    Past `HOVER_LIMIT` scored models, every dot is still drawn, the same, but without a hover card
    (`scale.plain_trace`); the records - what the chart is about - keep theirs on their "new best" markers, and
    the subtitle and `meta["unlabelled"]` say how many models have no card. Every trace is then WebGL, so the
    lines and records stay on top of the dots."""
    return frontier_view(models, scores, benchmark, asof=asof, bench_name=bench_name, unit=unit,
                         higher_is_better=higher_is_better, talk=talk, dark=dark)[0]


def frontier_view(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, asof: str | None = None,
                  bench_name: str | None = None, unit: str | None = None, higher_is_better: bool = True,
                  talk: bool = False, dark: bool = False) -> tuple[go.Figure, pd.DataFrame]:
    """`open_closed_frontier` and its lag table (`frontier_lags` of the catalog's points: uploads never
    count), computed together so a page that shows both finds the points once."""
    name = bench_name or benchmark
    dated = _released_rows(models, asof)  # positions: the table's text columns are not copied
    points, hidden = _frontier_points(models, dated, scores, benchmark, higher_is_better=higher_is_better,
                                      name=name)
    # Uploaded models (column `user`) with a score are drawn as one "Your models" layer, but the step lines,
    # records and lags are the catalog's alone: an upload never moves the open or the closed frontier. They
    # still count in `hidden` (an upload without a score is left out like any model).
    user_ids = models["id"].to_numpy(dtype=object)[user_mask(models)]
    mine = (pc.is_in(_strings(points["model_id"]), value_set=_strings(user_ids)).to_numpy(zero_copy_only=False)
            if len(user_ids) and len(points) else np.zeros(len(points), dtype=bool))
    mine_points = points[mine]
    if mine.any():
        points = points[~mine].reset_index(drop=True)
    dated_dt = models["release_dt"].iloc[dated]
    if not asof and len(dated):  # the last month with a release (month_options' last entry)
        asof = dated_dt.max().strftime("%Y-%m")
    until = month_end(asof) - pd.Timedelta(days=1) if asof else None
    is_open = points["open_weights"].astype(bool).to_numpy()
    meta = {"hidden": hidden, "benchmark": benchmark, "asof": asof, "n_open": int(points["open_weights"].sum()),
            "n_closed": int((~is_open).sum()), "lags": []}
    if len(mine_points):  # (absent without uploads: the catalog-only meta is unchanged)
        meta["user"] = {"shown": len(mine_points), "in_frontier": False}
    # Large view: past HOVER_LIMIT scored models the dots are drawn without hover cards; the records, the
    # chart's subject, keep theirs on their "new best" markers.
    is_plain = np.full(len(points), len(points) > HOVER_LIMIT)
    n_plain = int(is_plain.sum())
    # WebGL draws above SVG: with WebGL dots, the lines and records are WebGL too, so they stay on top.
    kind = "scattergl" if n_plain else "scatter"
    data: list = []
    dates, value = points["release_dt"].to_numpy(), points["value"].to_numpy(dtype="float64")
    dt = dates.astype("datetime64[ns]").view("int64")
    signed = value * (1.0 if higher_is_better else -1.0)
    model_rank = np.arange(len(points))  # points come in model id order (best_scores)
    closed_records = points.iloc[0:0]
    n_records = 0
    for opened, group_name, color in ((True, "Open weights", OPEN_COLOR), (False, "Closed", CLOSED_COLOR)):
        in_group = is_open == opened
        if not in_group.any():
            continue
        at = np.flatnonzero(in_group)
        rec = points.iloc[at[_record_positions(dt[at], signed[at], model_rank[at])]].reset_index(drop=True)
        n_records += len(rec)
        if not opened:
            closed_records = rec
        dots = dict(color=color, size=6, opacity=0.35)
        rest = np.flatnonzero(in_group & is_plain)
        if len(rest):
            data.append(plain_trace(dates[rest], value[rest], name=f"{group_name}: each model",
                                    legendgroup=group_name, marker=dots))
        named = np.flatnonzero(in_group & ~is_plain)
        if len(named):
            data.append(dict(type=kind, x=dates[named], y=value[named], mode="markers",
                             name=f"{group_name}: each model", legendgroup=group_name, legendrank=2, marker=dots,
                             customdata=_score_hover(points.iloc[named]), hovertemplate=SCORE_HOVER))
        else:  # every dot of this group is unlabelled: a legend entry of its own
            data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=f"{group_name}: each model",
                             legendgroup=group_name, legendrank=2, marker=dots, hoverinfo="skip"))
        x, y = _step(rec, until)
        data.append(dict(type=kind, x=x, y=y, mode="lines", line=dict(color=color, width=3, shape="hv"),
                         name=f"{group_name}: best so far", legendgroup=group_name, legendrank=1, hoverinfo="skip"))
        data.append(dict(type=kind, x=_dates(rec["release_dt"]), y=rec["value"].to_numpy(dtype="float64"),
                         mode="markers", name=f"{group_name}: new best", legendgroup=group_name, showlegend=False,
                         marker=dict(color=color, size=10, line=dict(width=1.5, color="white")),
                         customdata=_score_hover(rec), hovertemplate=SCORE_HOVER))

    lags = _lags(points, closed_records, higher_is_better=higher_is_better, model_rank=model_rank)
    # The lag: a dotted bracket just under the closed record's level, from the closed model to its open
    # match (or to the as-of date), labelled in months. Offset so it does not hide the closed step line.
    offset = 0.025 * float(value.max() - value.min()) if len(value) > 1 else 0.5
    offset = offset if higher_is_better else -offset
    seg_x: list = []
    seg_y: list = []
    annotations: list[dict] = []
    for row in lags.itertuples(index=False):  # one row per closed record: a handful
        meta["lags"].append({"closed": row.closed_model, "open": row.open_model if row.matched else None,
                             "months": None if pd.isna(row.lag_months) else int(row.lag_months)})
        end = row.open_date if row.matched else until
        if (row.matched and int(row.lag_months) <= 0) or end is None or pd.isna(end):
            continue  # open weights were already there: nothing to draw (the table lists it)
        text = f"{int(row.lag_months)} mo" if row.matched else "not yet matched"
        y0, y1 = row.closed_value, row.closed_value - offset
        seg_x += [row.closed_date, row.closed_date, end, end, None]
        seg_y += [y0, y1, y1, y0 if row.matched else y1, None]
        mid = row.closed_date + (end - row.closed_date) / 2
        annotations.append(dict(x=mid, y=y1, text=text, showarrow=False,
                                yanchor="top" if higher_is_better else "bottom", yshift=-1 if higher_is_better else 1,
                                font=dict(size=16 if talk else 11, color=LAG_COLOR),
                                bgcolor="rgba(14,17,23,0.75)" if dark else "rgba(255,255,255,0.8)"))
    if seg_x:
        data.append(dict(type=kind, x=seg_x, y=seg_y, mode="lines", name="Months until open weights matched",
                         line=dict(color=LAG_COLOR, width=1.5, dash="dot"), hoverinfo="skip", legendrank=3))
    if len(mine_points):
        mine_values = mine_points["value"].astype("float64")
        lines = [[org if isinstance(org, str) else "", f"Released {date}",
                  f"{name}: {v:.4g} · {setting if isinstance(setting, str) else 'setting not stated'}",
                  "open weights" if ow else "closed weights", NOT_IN_FRONTIER]
                 for org, date, v, setting, ow in zip(
                     mine_points["organization"], mine_points["release_date"].fillna("?"), mine_values,
                     mine_points["setting"], mine_points["open_weights"].astype(bool), strict=True)]
        data.append(user_trace(_dates(mine_points["release_dt"]), mine_values.to_numpy(), mine_points["name"],
                               hover_lines=lines, size=14 if talk else 11, talk=talk, gl=bool(n_plain)))

    title = f"Open vs closed frontier: best {name} score so far" + (f", as of {asof}" if asof else "")
    # (the named models are the records, on their own markers: the rest of the models have no card)
    note = unlabelled_note(len(points) - n_records, len(points), "each new best") if n_plain else None
    note_h = (32 if talk else 18) if note else 0  # one more subtitle line
    height = 1080 if talk else 540 + note_h
    n_hidden = sum(hidden.values())
    parts = [f"{len(points):,} models with a dated {name} score"
             + (f" (+ {len(mine_points)} of yours, ★, not in the frontier)" if len(mine_points) else "")]
    if n_hidden:
        parts.append(f"{n_hidden:,} hidden (" + ", ".join(f"{v:,} {k}" for k, v in hidden.items() if v) + ")")
    subtitle = (" · ".join(parts) + ".<br>Best score per model across settings; mostly self-reported, "
                "so scores are not strictly comparable.") + (f"<br>{note}." if note else "")
    if n_plain:
        meta["unlabelled"] = len(points) - n_records
        meta["unlabelled_note"] = note
    xaxis: dict = dict(title=dict(text=label("release_date")))
    first = dated_dt.min()
    if until is not None and pd.notna(first):  # same time span as the releases chart, even if scores are few
        xaxis["range"] = [first.to_period("M").to_timestamp() - pd.Timedelta(days=20), until + pd.Timedelta(days=10)]
    if n_plain:
        xaxis["type"] = "date"  # plain traces hold epoch milliseconds: the axis must not guess "linear"
    layout = _layout_head(subtitle, meta, height=height, note_h=note_h, talk=talk, xaxis=xaxis,
                          yaxis=dict(title=dict(text=name + (f" ({unit})" if unit else ""))))
    if annotations:
        layout["annotations"] = annotations
    fig = _assemble(data, layout, title=title, talk=talk, dark=dark, height=height,
                    margin=dict(t=(250 if talk else 125) + note_h, r=20))
    if points.empty and mine_points.empty:
        fig.add_annotation(text=f"No dated {name} scores for these models", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5, font=dict(size=16, color=UNKNOWN_COLOR))
    return fig, lags
