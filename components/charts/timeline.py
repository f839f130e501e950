"""Timeline figures: releases over time (lanes, as-of replay, landmarks) and the open vs closed frontier.

Pure builders: DataFrames + options -> plotly Figure. No Streamlit. Every figure records what it leaves
out in `fig.layout.meta` (and says it in its subtitle) so pages and tests read the same numbers.

Dates keep their precision in the data; here a year- or month-precision date sits at the start of its
period (the `release_dt` convention of the models frame), and the hover card says which precision it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml

from components.catalog.fields import label

from .style import (
    ARCH_SYMBOLS,
    OKABE_ITO,
    TIER_COLORS,
    TIER_LABELS,
    WEIGHTS_COLORS,
    WEIGHTS_LABELS,
    base_layout,
)
from .user_layer import NOT_IN_FRONTIER, escape, user_mask, user_trace

LANES = {"org": "organization", "family": "family"}
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


def _months_between(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Whole calendar months from a to b (b later -> positive)."""
    return ((b.dt.year - a.dt.year) * 12 + (b.dt.month - a.dt.month)).to_numpy()


# ----------------------------------------------------------------------------- releases over time
def size_px(params_b: pd.Series) -> np.ndarray:
    """Marker diameter in px from total parameters (log scale, fixed range); unknown -> small."""
    lo, hi = np.log10(SIZE_RANGE_B[0]), np.log10(SIZE_RANGE_B[1])
    x = np.log10(params_b.astype("float64").clip(*SIZE_RANGE_B).to_numpy())
    px = SIZE_PX[0] + (x - lo) / (hi - lo) * (SIZE_PX[1] - SIZE_PX[0])
    return np.where(np.isnan(px), UNKNOWN_SIZE_PX, px)


def lane_layout(df: pd.DataFrame, lanes: str = "org") -> tuple[list[str], pd.Series]:
    """Lane labels (earliest first release first) and each model's y position: its lane index plus a small
    spread when several variants share a lane and a date (biggest on top), so none hides another."""
    col = LANES[lanes]
    names = df[col].fillna("(unknown)")
    first = df.assign(_lane=names).groupby("_lane")["release_dt"].min().sort_values(kind="stable")
    order = sorted(first.index, key=lambda n: (first[n], n))
    index = pd.Series(np.arange(len(order), dtype="float64"), index=order)
    base = names.map(index).to_numpy()
    key = pd.DataFrame({"lane": names, "dt": df["release_dt"], "p": df["params_total_b"].fillna(-1.0),
                        "id": df["id"]}, index=df.index)
    key = key.sort_values(["lane", "dt", "p", "id"], ascending=[True, True, False, True], kind="stable")
    grp = key.groupby(["lane", "dt"], sort=False)
    rank = grp.cumcount().reindex(df.index).to_numpy(dtype="float64")
    n = grp["id"].transform("size").reindex(df.index).to_numpy(dtype="float64")
    step = np.where(n > 1, np.minimum(0.7 / np.maximum(n - 1, 1), 0.14), 0.0)
    y = base + (rank - (n - 1) / 2) * step
    return order, pd.Series(y, index=df.index)


def _fmt_b(v: pd.Series) -> pd.Series:
    return v.map(lambda x: f"{x:,.3g} B" if pd.notna(x) else "")


def _hover_columns(df: pd.DataFrame) -> np.ndarray:
    """Hover-card fields per model: name, organization, date line, parameters, license, date source."""
    precision = df["release_precision"].fillna("")
    event = df["release_event"].fillna("")
    date = (df["release_date"].fillna("?")
            + np.where(precision.isin(["year", "month"]), " (" + precision + " only)", "")
            + np.where(event != "", " · " + event, ""))
    total, active = _fmt_b(df["params_total_b"]), _fmt_b(df["params_active_b"])
    moe = df["architecture"].eq("moe")
    params = np.where(total == "", "unknown",
                      np.where(moe & (active != ""), total + " total, " + active + " active (MoE)",
                               total + np.where(moe, " (MoE)", "")))
    lic = df["license_name"].fillna("unknown")
    tier = df["license_tier"].map(TIER_LABELS).fillna("")
    lic = lic + np.where(tier != "", " — " + tier, "")
    source = df["release_date_source"].fillna("no source")
    return np.column_stack([df["name"].astype(object), df["organization"].fillna("").astype(object),
                            date.astype(object), params.astype(object), lic.astype(object),
                            source.astype(object)])


HOVER = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>Released %{customdata[2]}<br>"
         "Parameters: %{customdata[3]}<br>License: %{customdata[4]}<br>"
         "<span style='font-size:11px'>Date source: %{customdata[5]}</span><extra></extra>")


def _symbols(df: pd.DataFrame) -> np.ndarray:
    arch = df["architecture"].astype(object).where(df["architecture"].notna(), None)
    sym = np.array([ARCH_SYMBOLS.get(a, ARCH_SYMBOLS[None]) for a in arch], dtype=object)
    unknown = df["params_total_b"].isna().to_numpy()
    hollow = np.array([s.endswith("-open") for s in sym], dtype=bool)
    sym[unknown & ~hollow] = np.char.add(sym[unknown & ~hollow].astype(str), "-open")
    return sym


def _frame_months(first: pd.Timestamp, asof: str) -> list[str]:
    months = pd.period_range(first.to_period("M"), pd.Period(asof, freq="M"), freq="M")
    return [p.strftime("%Y-%m") for p in months]


def releases_timeline(df: pd.DataFrame, *, lanes: str = "org", color_by: str = "tier", asof: str | None = None,
                      landmarks: pd.DataFrame | None = None, animate: bool = True, talk: bool = False,
                      dark: bool = False) -> go.Figure:
    """One marker per model on a lane per organization (or family), coloured by license tier or weights
    access, shaped dense/MoE, sized by total parameters; only models released by `asof` ('YYYY-MM';
    None = all). With `animate`, frames replay the landscape month by month up to `asof` (play button +
    slider), ending on the as-of state the figure shows initially."""
    col, colors, labels, order, legend_title = COLOR_BY[color_by]
    dated = df[df["release_dt"].notna()]
    no_date = len(df) - len(dated)
    months_all = month_options(dated)
    asof = asof or (months_all[-1] if months_all else None)
    shown = released_by(dated, asof)
    later = len(dated) - len(shown)
    # Uploaded models (column `user`) take part in the lane layout - they get their organization's (or
    # family's) lane and the same-day spread, so they sit where a catalog model of theirs would - and are
    # drawn as one "Your models" star layer; everything else below (colour traces, landmarks, the
    # "small and hollow" count) is the catalog's.
    mine = user_mask(shown)
    unknown_size = int(shown.loc[~mine, "params_total_b"].isna().sum())
    hidden = {"no release date": no_date}
    fig = go.Figure()
    title = f"Releases over time, as of {asof}" if asof else "Releases over time"
    meta = {"shown": len(shown), "hidden": hidden, "later": later, "unknown_size": unknown_size, "asof": asof,
            "lanes": [], "landmarks": [], "frames": []}
    if mine.any():  # (absent without uploads: the catalog-only meta is unchanged)
        meta["user"] = {"shown": int(mine.sum())}

    if shown.empty:
        base_layout(fig, title=title, talk=talk, dark=dark, height=320)
        fig.update_layout(meta=meta)
        fig.add_annotation(text="No model released by this date", showarrow=False, xref="paper", yref="paper",
                           x=0.5, y=0.5, font=dict(size=16, color=UNKNOWN_COLOR))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig

    lane_names, y = lane_layout(shown, lanes)
    shown = shown.assign(_y=y, _size=size_px(shown["params_total_b"]), _symbol=_symbols(shown))
    first_dt = shown["release_dt"].min()  # uploads included: the axis and the replay start at the first point
    gl = len(shown) > GL_THRESHOLD
    mine_rows = shown[mine]
    if mine.any():
        shown = shown[~mine]
    cat = shown[col].astype(object).where(shown[col].isin(order), None)
    Trace = go.Scattergl if gl else go.Scatter
    replay = animate and len(shown) <= REPLAY_MAX_POINTS
    frame_months = _frame_months(first_dt, asof) if replay else []
    x_lo = first_dt.to_period("M").to_timestamp() - pd.Timedelta(days=20)
    x_hi = month_end(asof) + pd.Timedelta(days=10)
    # (trace index, release date per point, y per point, trace class): what the replay frames hide or show
    data_traces: list[tuple[int, np.ndarray, np.ndarray, type]] = []

    # Landmarks: positions from the models' own rows; missing or filtered-out models are not drawn.
    marks = pd.DataFrame()
    if landmarks is not None and len(landmarks):
        marks = landmarks.drop_duplicates("model_id").merge(shown, left_on="model_id", right_on="id", how="inner")
        marks = marks.sort_values(["release_dt", "model_id"], kind="stable").reset_index(drop=True)
    band_rows = 0
    if len(marks):
        side, row = _landmark_rows(marks, x_lo, x_hi, talk=talk)
        band_rows = int(row.max()) + 1
        label_y = -0.75 - row * BAND_ROW
        n = len(marks)
        lx = np.repeat(marks["release_dt"].to_numpy(), 3).astype("datetime64[ns]")
        lx[2::3] = np.datetime64("NaT")
        ly = np.column_stack([label_y, marks["_y"].to_numpy(), np.full(n, np.nan)]).ravel()
        fig.add_trace(go.Scatter(x=pd.Series(lx), y=ly, mode="lines", name="Landmark line", showlegend=False,
                                 line=dict(color=LAG_COLOR, width=1, dash="dot"), hoverinfo="skip",
                                 connectgaps=False))
        data_traces.append((len(fig.data) - 1, lx, ly, go.Scatter))

    for value in [*order, None]:
        rows = shown[(cat == value).to_numpy()] if value is not None else shown[cat.isna().to_numpy()]
        if rows.empty:
            continue
        name = labels.get(value, "Unknown") if value is not None else "Unknown / not recorded"
        color = colors.get(value, UNKNOWN_COLOR)
        fig.add_trace(Trace(
            x=rows["release_dt"], y=rows["_y"].to_numpy(), mode="markers", name=name, legendgroup=name,
            showlegend=False,
            marker=dict(color=color, size=rows["_size"].to_numpy(), symbol=rows["_symbol"].tolist(),
                        opacity=0.85, line=dict(width=1, color=color if gl else "white")),
            customdata=_hover_columns(rows), hovertemplate=HOVER, ids=rows["id"].tolist() if not gl else None,
        ))
        data_traces.append((len(fig.data) - 1, rows["release_dt"].to_numpy(), rows["_y"].to_numpy(), Trace))
        # Legend entry with a plain filled marker (a trace's legend symbol copies its first point's shape).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=name, legendrank=100,
                                 hoverinfo="skip", marker=dict(symbol="circle", size=11, color=color)))

    ink = "#F5F5F5" if dark else "#1F2328"
    if len(marks):
        fig.add_trace(go.Scatter(
            x=marks["release_dt"], y=marks["_y"].to_numpy(), mode="markers", name="Landmark (seed article)",
            marker=dict(symbol="circle-open", size=marks["_size"].to_numpy() + 8, color=ink, line=dict(width=1.5)),
            hoverinfo="skip", legendrank=300))
        data_traces.append((len(fig.data) - 1, marks["release_dt"].to_numpy(), marks["_y"].to_numpy(), go.Scatter))
        fig.add_trace(go.Scatter(
            x=marks["release_dt"], y=label_y, mode="text", name="Landmark label", showlegend=False,
            text=[f" {t} " for t in marks["label"]], textposition=[f"middle {s}" for s in side],
            textfont=dict(size=(20 if talk else 12), color=ink), hoverinfo="skip"))
        data_traces.append((len(fig.data) - 1, marks["release_dt"].to_numpy(), label_y, go.Scatter))
        meta["landmarks"] = marks["label"].tolist()

    if len(mine_rows):
        # On top of everything, in the replay frames like the catalog's points (a static layer would show a
        # 2025 upload while the replay is in 2023). Star a little larger than the catalog marker of its size.
        hover = _hover_columns(mine_rows)
        lines = [[org, f"Released {date}", f"Parameters: {params}", f"License: {lic}"]
                 for org, date, params, lic in hover[:, 1:5]]
        fig.add_trace(user_trace(mine_rows["release_dt"], mine_rows["_y"].to_numpy(), mine_rows["name"],
                                 hover_lines=lines, size=mine_rows["_size"].to_numpy() + 6, talk=talk, gl=gl,
                                 ids=mine_rows["id"].tolist() if not gl else None))
        data_traces.append((len(fig.data) - 1, mine_rows["release_dt"].to_numpy(), mine_rows["_y"].to_numpy(),
                            go.Scattergl if gl else go.Scatter))

    # Shape legend (no data): what the marker symbols mean.
    shape_items = [("Dense", ARCH_SYMBOLS["dense"]), ("Mixture of experts", ARCH_SYMBOLS["moe"])]
    if unknown_size:
        shape_items.append(("Size unknown", "circle-open"))
    for text, symbol in shape_items:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=text,
                                 hoverinfo="skip", legendrank=200,
                                 marker=dict(symbol=symbol, size=11, color=UNKNOWN_COLOR)))

    n_lanes = len(lane_names)
    per_lane = (44 if talk else 26) if lanes == "family" else (48 if talk else 34)
    plot_h = per_lane * (n_lanes + band_rows * BAND_ROW + (0.4 if band_rows else 0))
    top = (330 if talk else 190) if len(frame_months) > 1 else (255 if talk else 135)
    bottom = 110 if talk else 60
    height = 1080 if talk else int(min(max(top + bottom + plot_h, 420), 1600))
    base_layout(fig, title=title, talk=talk, dark=dark, height=height)
    notes = [f"{len(shown) + len(mine_rows)} models released by {asof}"
             + (f" ({len(mine_rows)} of them yours, ★)" if len(mine_rows) else "")]
    if later:
        notes.append(f"{later} later")
    if unknown_size:
        notes.append(f"{unknown_size} of unknown size drawn small and hollow")
    if no_date:
        notes.append(f"{no_date} hidden: no release date")
    subtitle = (" · ".join(notes) + f".<br>Colour: {legend_title.lower()}; shape: dense or MoE; "
                "size: total parameters (log scale).")
    fig.update_layout(
        title=dict(subtitle_text=subtitle, yref="container", y=1 - 8 / height, yanchor="top"),
        meta=meta, hovermode="closest", margin=dict(t=top, b=bottom, r=20),
        legend=dict(orientation="h", yref="container", y=1 - (150 if talk else 78) / height, yanchor="top",
                    xref="container", x=0.005, xanchor="left", traceorder="normal", itemsizing="constant",
                    font=dict(size=18 if talk else 12)))
    fig.update_xaxes(title_text=label("release_date"), range=[x_lo, x_hi], showgrid=True)
    fig.update_yaxes(title_text=label(LANES[lanes]), tickvals=list(range(n_lanes)),
                     ticktext=[escape(short_lane(n)) for n in lane_names],  # an upload's lane name is user text
                     range=[n_lanes - 0.5, -0.5 - band_rows * BAND_ROW - (0.4 if band_rows else 0)],
                     showgrid=True, zeroline=False, automargin=True)
    meta["lanes"] = lane_names
    meta["lane_by"] = label(LANES[lanes])

    if len(frame_months) > 1:
        _add_replay(fig, data_traces, frame_months, gl=gl, talk=talk, plot_h=height - top - bottom)
        meta["frames"] = frame_months
    elif animate and not replay:
        meta["replay_off"] = (f"Replay is available for up to {REPLAY_MAX_POINTS:,} models; this view has "
                              f"{len(shown) + int(mine.sum()):,}. Narrow the filters to replay it.")
    fig.update_layout(meta=meta)
    return fig


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


def _landmark_rows(marks: pd.DataFrame, x_lo: pd.Timestamp, x_hi: pd.Timestamp, *,
                   talk: bool) -> tuple[np.ndarray, np.ndarray]:
    """Text side ('right' of its line, or 'left' near the right edge) and a label row per landmark so
    labels do not overlap: greedy, in date order, with widths estimated from the text length."""
    plot_px = 1500.0 if talk else 640.0
    char_px = 11.0 if talk else 7.0
    span = max((x_hi - x_lo).days, 1)
    x = ((marks["release_dt"] - x_lo).dt.days / span * plot_px).to_numpy(dtype="float64")
    width = marks["label"].str.len().to_numpy(dtype="float64") * char_px + 12
    side = np.where(x + width > plot_px, "left", "right")
    lo = np.where(side == "right", x, x - width)
    hi = np.where(side == "right", x + width, x)
    row_end: list[float] = []
    rows = np.zeros(len(marks), dtype=int)
    for i in range(len(marks)):  # a handful of landmarks: a plain loop is clearest
        for r, end in enumerate(row_end):
            if lo[i] > end + 6:
                rows[i], row_end[r] = r, hi[i]
                break
        else:
            rows[i] = len(row_end)
            row_end.append(hi[i])
    return side, rows


def _add_replay(fig: go.Figure, data_traces: list, months: list[str], *, gl: bool, talk: bool,
                plot_h: float) -> None:
    """Plotly frames (one per month): each frame hides the points not yet released by setting their y to
    NaN, so hover data stays aligned and the frames stay small. Play button + month slider at the top."""
    indices = [i for i, _, _, _ in data_traces]
    frames = []
    for m in months:
        end = np.datetime64(month_end(m))
        data = [cls(y=np.where(np.asarray(dts, dtype="datetime64[ns]") < end, ys, np.nan))
                for _, dts, ys, cls in data_traces]
        frames.append(go.Frame(name=m, data=data, traces=indices))
    fig.frames = frames
    anim = dict(mode="immediate", transition=dict(duration=0))
    y = 1 + 12 / max(plot_h, 1)  # just above the plot area, below the legend
    fig.update_layout(
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
            steps=[dict(label=m, method="animate",
                        args=[[m], dict(anim, frame=dict(duration=0, redraw=gl))]) for m in months],
        )],
    )


# ----------------------------------------------------------------------------- open vs closed frontier
def best_scores(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *,
                higher_is_better: bool = True) -> pd.DataFrame:
    """One row per model of `models` with a score on `benchmark`: its best value (across settings), with the
    setting, source and self-reported flag of that score, plus release date, name and open_weights."""
    s = scores[scores["benchmark"] == benchmark]
    s = s[s["model_id"].isin(models["id"]) & s["value"].notna()]
    cols = ["model_id", "value", "setting", "source_url", "self_reported", "name", "organization", "release_dt",
            "release_date", "open_weights"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    s = s.sort_values(["model_id", "value"], ascending=[True, not higher_is_better], kind="stable")
    best = s.drop_duplicates("model_id")
    out = best.merge(models[["id", "name", "organization", "release_dt", "release_date", "open_weights"]],
                     left_on="model_id", right_on="id", how="inner")
    return out[cols].reset_index(drop=True)


def frontier_records(points: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """The models that set a new running best when they came out (ties on a date: the best of that date)."""
    if points.empty:
        return points.iloc[0:0]
    sign = 1.0 if higher_is_better else -1.0
    p = points.assign(_v=points["value"].astype("float64") * sign)
    p = p.sort_values(["release_dt", "_v", "model_id"], ascending=[True, False, True], kind="stable")
    prev = p["_v"].cummax().shift(1, fill_value=-np.inf)
    return p[p["_v"] > prev].drop(columns="_v").reset_index(drop=True)


def frontier_lags(points: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """For each closed-model record: the first open-weight model (by release date) that matched or beat it,
    and the months in between (0 when open weights were already there; NA = not yet matched)."""
    cols = ["closed_model", "closed_date", "closed_value", "open_model", "open_date", "open_value",
            "lag_months", "matched"]
    closed = frontier_records(points[~points["open_weights"].astype(bool)], higher_is_better=higher_is_better)
    if closed.empty:
        return pd.DataFrame(columns=cols)
    opened = points[points["open_weights"].astype(bool)].sort_values(["release_dt", "model_id"], kind="stable")
    ov, cv = opened["value"].to_numpy(dtype="float64"), closed["value"].to_numpy(dtype="float64")
    beats = (ov[None, :] >= cv[:, None]) if higher_is_better else (ov[None, :] <= cv[:, None])
    matched = beats.any(axis=1) if len(ov) else np.zeros(len(cv), dtype=bool)
    first = beats.argmax(axis=1) if len(ov) else np.zeros(len(cv), dtype=int)
    out = pd.DataFrame({"closed_model": closed["name"].to_numpy(), "closed_date": closed["release_dt"].to_numpy(),
                        "closed_value": cv, "matched": matched})
    if len(ov):
        hit = opened.iloc[first]
        out["open_model"] = np.where(matched, hit["name"].to_numpy(dtype=object), None)
        out["open_date"] = pd.Series(hit["release_dt"].to_numpy()).where(matched)
        out["open_value"] = np.where(matched, hit["value"].to_numpy(dtype="float64"), np.nan)
    else:
        out["open_model"], out["open_date"], out["open_value"] = None, pd.NaT, np.nan
    out["open_date"] = pd.to_datetime(out["open_date"])
    lag = _months_between(out["closed_date"], out["open_date"])
    out["lag_months"] = pd.array(np.where(matched, np.maximum(np.nan_to_num(lag, nan=0), 0), 0), dtype="Int64")
    out.loc[~out["matched"], "lag_months"] = pd.NA
    return out[cols]


def frontier_benchmarks(models: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Benchmarks that have dated scores for both open-weight and closed models: id, n_open, n_closed
    (distinct models), most models first."""
    dated = models[models["release_dt"].notna()][["id", "open_weights"]]
    s = scores[scores["value"].notna()].merge(dated, left_on="model_id", right_on="id", how="inner")
    if s.empty:
        return pd.DataFrame(columns=["benchmark", "n_open", "n_closed"])
    s = s.drop_duplicates(["benchmark", "model_id"])
    counts = s.groupby("benchmark")["open_weights"].agg(n_open="sum", n_closed=lambda x: int((~x).sum()))
    counts = counts[(counts["n_open"] > 0) & (counts["n_closed"] > 0)].reset_index()
    counts["n_open"] = counts["n_open"].astype(int)
    counts["_n"] = counts["n_open"] + counts["n_closed"]
    return counts.sort_values(["_n", "benchmark"], ascending=[False, True]).drop(columns="_n").reset_index(drop=True)


def _step(records: pd.DataFrame, until: pd.Timestamp) -> tuple[list, list]:
    x = list(records["release_dt"]) + [until]
    y = list(records["value"].astype("float64")) + [float(records["value"].iloc[-1])]
    return x, y


def _score_hover(points: pd.DataFrame) -> np.ndarray:
    setting = points["setting"].fillna("setting not stated").astype(object)
    rep = np.where(points["self_reported"].fillna(True).astype(bool), "self-reported", "independent")
    return np.column_stack([points["name"].astype(object), points["release_date"].fillna("?").astype(object),
                            setting, rep.astype(object), points["source_url"].fillna("no source").astype(object)])


SCORE_HOVER = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{y:.4g} · %{customdata[2]} · %{customdata[3]}<br>"
               "<span style='font-size:11px'>Source: %{customdata[4]}</span><extra></extra>")


def frontier_points(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, asof: str | None = None,
                    higher_is_better: bool = True, bench_name: str | None = None) -> tuple[pd.DataFrame, dict]:
    """The scored models the frontier uses (best score per model, released by `asof`) and what it leaves
    out. A date known only to the year would sit on 1 January: too early to claim "first to reach"
    anything, so those models are left out (and counted)."""
    name = bench_name or benchmark
    dated = released_by(models, asof)
    year_only = (dated["release_precision"].eq("year") if "release_precision" in dated
                 else pd.Series(False, index=dated.index))
    scored = best_scores(dated, scores, benchmark, higher_is_better=higher_is_better)
    points = scored[~scored["model_id"].isin(dated.loc[year_only, "id"])].reset_index(drop=True)
    hidden = {f"no {name} score": int((~dated["id"].isin(scored["model_id"])).sum()),
              "date known only to the year": len(scored) - len(points),
              "no release date": int(models["release_dt"].isna().sum())}
    return points, hidden


def open_closed_frontier(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, asof: str | None = None,
                         bench_name: str | None = None, unit: str | None = None, higher_is_better: bool = True,
                         talk: bool = False, dark: bool = False) -> go.Figure:
    """Step lines of the running best `benchmark` score of open-weight and of closed models over time, all
    scored models as faint dots, and for each closed record a dotted segment to the first open-weight model
    that matched it, labelled with the months in between (or 'not yet matched' up to `asof`)."""
    name = bench_name or benchmark
    dated = released_by(models, asof)
    points, hidden = frontier_points(models, scores, benchmark, asof=asof, higher_is_better=higher_is_better,
                                     bench_name=name)
    # Uploaded models (column `user`) with a score are drawn as one "Your models" layer, but the step lines,
    # records and lags are the catalog's alone: an upload never moves the open or the closed frontier. They
    # still count in `hidden` (an upload without a score is left out like any model).
    user_ids = models.loc[user_mask(models), "id"]
    mine = points["model_id"].isin(user_ids).to_numpy() if len(user_ids) else np.zeros(len(points), dtype=bool)
    mine_points = points[mine]
    if mine.any():
        points = points[~mine].reset_index(drop=True)
    months = month_options(dated)
    asof = asof or (months[-1] if months else None)
    until = month_end(asof) - pd.Timedelta(days=1) if asof else None
    lags = frontier_lags(points, higher_is_better=higher_is_better)
    fig = go.Figure()
    meta = {"hidden": hidden, "benchmark": benchmark, "asof": asof, "n_open": int(points["open_weights"].sum()),
            "n_closed": int((~points["open_weights"].astype(bool)).sum()), "lags": []}
    if len(mine_points):  # (absent without uploads: the catalog-only meta is unchanged)
        meta["user"] = {"shown": len(mine_points), "in_frontier": False}
    for is_open, group_name, color in ((True, "Open weights", OPEN_COLOR), (False, "Closed", CLOSED_COLOR)):
        grp = points[points["open_weights"].astype(bool) == is_open]
        if grp.empty:
            continue
        fig.add_trace(go.Scatter(
            x=grp["release_dt"], y=grp["value"].astype("float64"), mode="markers", name=f"{group_name}: each model",
            legendgroup=group_name, legendrank=2, marker=dict(color=color, size=6, opacity=0.35),
            customdata=_score_hover(grp), hovertemplate=SCORE_HOVER))
        rec = frontier_records(grp, higher_is_better=higher_is_better)
        x, y = _step(rec, until)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=color, width=3, shape="hv"),
                                 name=f"{group_name}: best so far", legendgroup=group_name, legendrank=1,
                                 hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=rec["release_dt"], y=rec["value"].astype("float64"), mode="markers", name=f"{group_name}: new best",
            legendgroup=group_name, showlegend=False,
            marker=dict(color=color, size=10, line=dict(width=1.5, color="white")),
            customdata=_score_hover(rec), hovertemplate=SCORE_HOVER))

    # The lag: a dotted bracket just under the closed record's level, from the closed model to its open
    # match (or to the as-of date), labelled in months. Offset so it does not hide the closed step line.
    values = points["value"].astype("float64")
    offset = 0.025 * float(values.max() - values.min()) if len(values) > 1 else 0.5
    offset = offset if higher_is_better else -offset
    seg_x: list = []
    seg_y: list = []
    for row in lags.itertuples(index=False):
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
        fig.add_annotation(x=mid, y=y1, text=text, showarrow=False, yanchor="top" if higher_is_better else "bottom",
                           yshift=-1 if higher_is_better else 1, font=dict(size=16 if talk else 11, color=LAG_COLOR),
                           bgcolor="rgba(14,17,23,0.75)" if dark else "rgba(255,255,255,0.8)")
    if seg_x:
        fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", name="Months until open weights matched",
                                 line=dict(color=LAG_COLOR, width=1.5, dash="dot"), hoverinfo="skip", legendrank=3))
    if len(mine_points):
        mine_values = mine_points["value"].astype("float64")
        lines = [[org if isinstance(org, str) else "", f"Released {date}",
                  f"{name}: {v:.4g} · {setting if isinstance(setting, str) else 'setting not stated'}",
                  "open weights" if ow else "closed weights", NOT_IN_FRONTIER]
                 for org, date, v, setting, ow in zip(
                     mine_points["organization"], mine_points["release_date"].fillna("?"), mine_values,
                     mine_points["setting"], mine_points["open_weights"].astype(bool), strict=True)]
        fig.add_trace(user_trace(mine_points["release_dt"], mine_values.to_numpy(), mine_points["name"],
                                 hover_lines=lines, size=14 if talk else 11, talk=talk))

    title = f"Open vs closed frontier: best {name} score so far" + (f", as of {asof}" if asof else "")
    height = 1080 if talk else 540
    base_layout(fig, title=title, talk=talk, dark=dark, height=height)
    n_hidden = sum(hidden.values())
    parts = [f"{len(points)} models with a dated {name} score"
             + (f" (+ {len(mine_points)} of yours, ★, not in the frontier)" if len(mine_points) else "")]
    if n_hidden:
        parts.append(f"{n_hidden} hidden (" + ", ".join(f"{v} {k}" for k, v in hidden.items() if v) + ")")
    subtitle = (" · ".join(parts) + ".<br>Best score per model across settings; mostly self-reported, "
                "so scores are not strictly comparable.")
    fig.update_layout(
        title=dict(subtitle_text=subtitle, yref="container", y=1 - 8 / height, yanchor="top"),
        meta=meta, hovermode="closest", margin=dict(t=250 if talk else 125, r=20),
        legend=dict(orientation="h", yref="container", y=1 - (150 if talk else 78) / height, yanchor="top",
                    xref="container", x=0.005, xanchor="left", traceorder="normal",
                    font=dict(size=18 if talk else 12)))
    y_title = name + (f" ({unit})" if unit else "")
    fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(title_text=label("release_date"))
    first = dated["release_dt"].min()
    if until is not None and pd.notna(first):  # same time span as the releases chart, even if scores are few
        fig.update_xaxes(range=[first.to_period("M").to_timestamp() - pd.Timedelta(days=20),
                                until + pd.Timedelta(days=10)])
    if points.empty and mine_points.empty:
        fig.add_annotation(text=f"No dated {name} scores for these models", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5, font=dict(size=16, color=UNKNOWN_COLOR))
    return fig
