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
    ARCH_SYMBOLS, OKABE_ITO, TIER_COLORS, TIER_LABELS, WEIGHTS_COLORS, WEIGHTS_LABELS, base_layout,
)

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
    return v.map(lambda x: f"{x:,.3g} B" if x == x else "")


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
    unknown_size = int(shown["params_total_b"].isna().sum())
    hidden = {"no release date": no_date}
    fig = go.Figure()
    title = f"Releases over time, as of {asof}" if asof else "Releases over time"
    meta = {"shown": len(shown), "hidden": hidden, "later": later, "unknown_size": unknown_size, "asof": asof,
            "lanes": [], "landmarks": [], "frames": []}

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
    cat = shown[col].astype(object).where(shown[col].isin(order), None)
    gl = len(shown) > GL_THRESHOLD
    Trace = go.Scattergl if gl else go.Scatter
    frame_months = _frame_months(shown["release_dt"].min(), asof) if animate else []
    data_traces: list[tuple[int, pd.DataFrame, type]] = []  # (trace index, rows, trace class) for frames

    for value in [*order, None]:
        rows = shown[(cat == value).to_numpy()] if value is not None else shown[cat.isna().to_numpy()]
        if rows.empty:
            continue
        name = labels.get(value, "Unknown") if value is not None else "Unknown / not recorded"
        color = colors.get(value, UNKNOWN_COLOR)
        fig.add_trace(Trace(
            x=rows["release_dt"], y=rows["_y"].to_numpy(), mode="markers", name=name,
            legendgroup="color", legendgrouptitle_text=legend_title,
            marker=dict(color=color, size=rows["_size"].to_numpy(), symbol=rows["_symbol"].tolist(),
                        opacity=0.85, line=dict(width=1, color=color if gl else "white")),
            customdata=_hover_columns(rows), hovertemplate=HOVER, ids=rows["id"].tolist() if not gl else None,
        ))
        data_traces.append((len(fig.data) - 1, rows, Trace))

    # Landmarks: positions from the models' own rows; missing or filtered-out models are not drawn.
    marks = pd.DataFrame()
    if landmarks is not None and len(landmarks):
        marks = landmarks.drop_duplicates("model_id").merge(shown, left_on="model_id", right_on="id", how="inner")
        marks = marks.sort_values(["release_dt", "model_id"], kind="stable")
    if len(marks):
        x0, x1 = shown["release_dt"].min(), month_end(asof)
        frac = ((marks["release_dt"] - x0) / max(x1 - x0, pd.Timedelta(days=1))).to_numpy(dtype="float64")
        side = np.where(frac < 0.2, "right", np.where(frac > 0.75, "left", "center"))
        vert = np.where(np.arange(len(marks)) % 2 == 0, "top", "bottom")
        fig.add_trace(go.Scatter(
            x=marks["release_dt"], y=marks["_y"].to_numpy(), mode="markers+text", name="Landmark",
            text=marks["label"].tolist(), textposition=[f"{v} {s}" for v, s in zip(vert, side)],
            textfont=dict(size=(18 if talk else 12), color="#F5F5F5" if dark else "#1F2328",
                          shadow="auto"),
            marker=dict(symbol="circle-open", size=marks["_size"].to_numpy() + 10,
                        color="#F5F5F5" if dark else "#1F2328", line=dict(width=1.5)),
            hoverinfo="skip", legendgroup="landmark", showlegend=True,
        ))
        data_traces.append((len(fig.data) - 1, marks, go.Scatter))
        meta["landmarks"] = marks["label"].tolist()

    # Shape legend (no data): what the marker symbols mean.
    shape_items = [("Dense", ARCH_SYMBOLS["dense"]), ("Mixture of experts", ARCH_SYMBOLS["moe"])]
    if unknown_size:
        shape_items.append(("Size unknown (small, hollow)", "circle-open"))
    for text, symbol in shape_items:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=text, legendgroup="shape",
                                 legendgrouptitle_text="Marker", hoverinfo="skip",
                                 marker=dict(symbol=symbol, size=11, color=UNKNOWN_COLOR)))

    n_lanes = len(lane_names)
    per_lane = 26 if lanes == "family" else 34
    height = int(min(max(200 + per_lane * n_lanes, 420), 1400))
    base_layout(fig, title=title, talk=talk, dark=dark, height=height)
    notes = [f"{len(shown)} models released by {asof}"]
    if later:
        notes.append(f"{later} later")
    if unknown_size:
        notes.append(f"{unknown_size} of unknown size drawn small and hollow")
    if no_date:
        notes.append(f"{no_date} hidden: no release date")
    subtitle = " · ".join(notes) + ". Marker size: total parameters (log scale)."
    fig.update_layout(title_subtitle_text=subtitle, meta=meta,
                      legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top",
                                  groupclick="toggleitem", tracegroupgap=14),
                      hovermode="closest")
    x_lo = shown["release_dt"].min().to_period("M").to_timestamp() - pd.Timedelta(days=20)
    fig.update_xaxes(title_text=label("release_date"), range=[x_lo, month_end(asof) + pd.Timedelta(days=10)],
                     showgrid=True)
    fig.update_yaxes(title_text=label(LANES[lanes]), tickvals=list(range(n_lanes)), ticktext=lane_names,
                     range=[n_lanes - 0.5, -0.5], showgrid=True, zeroline=False, automargin=True)
    meta["lanes"] = lane_names

    if len(frame_months) > 1:
        _add_replay(fig, data_traces, frame_months, gl=gl, talk=talk)
        meta["frames"] = frame_months
    fig.update_layout(meta=meta)
    return fig


def _add_replay(fig: go.Figure, data_traces: list, months: list[str], *, gl: bool, talk: bool) -> None:
    """Plotly frames (one per month): each frame hides the points not yet released by setting their y to
    NaN, so hover data stays aligned and the frames stay small. Play button + month slider at the top."""
    indices = [i for i, _, _ in data_traces]
    frames = []
    for m in months:
        end = month_end(m)
        data = [cls(y=np.where(rows["release_dt"] < end, rows["_y"].to_numpy(), np.nan))
                for _, rows, cls in data_traces]
        frames.append(go.Frame(name=m, data=data, traces=indices))
    fig.frames = frames
    anim = dict(mode="immediate", transition=dict(duration=0))
    fig.update_layout(
        updatemenus=[dict(
            type="buttons", direction="left", showactive=False, x=0, xanchor="left", y=1.0, yanchor="bottom",
            pad=dict(t=0, b=8, r=8), font=dict(size=16 if talk else 12),
            buttons=[
                dict(label="▶ Replay", method="animate",
                     args=[None, dict(anim, frame=dict(duration=450, redraw=gl), fromcurrent=False)]),
                dict(label="❚❚ Pause", method="animate",
                     args=[[None], dict(anim, frame=dict(duration=0, redraw=False))]),
            ])],
        sliders=[dict(
            active=len(months) - 1, x=0.17, len=0.83, xanchor="left", y=1.0, yanchor="bottom",
            pad=dict(t=0, b=4), ticklen=3, minorticklen=0,
            font=dict(color="rgba(0,0,0,0)", size=8),  # 30+ month labels would overlap: currentvalue shows it
            currentvalue=dict(prefix="Replay: as of ", visible=True, xanchor="right",
                              font=dict(size=16 if talk else 12)),
            steps=[dict(label=m, method="animate",
                        args=[[m], dict(anim, frame=dict(duration=0, redraw=gl))]) for m in months],
        )],
    )
    top = fig.layout.margin.t or 60
    fig.update_layout(margin=dict(t=top + (110 if talk else 75)))


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


def open_closed_frontier(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str, *, asof: str | None = None,
                         bench_name: str | None = None, unit: str | None = None, higher_is_better: bool = True,
                         talk: bool = False, dark: bool = False) -> go.Figure:
    """Step lines of the running best `benchmark` score of open-weight and of closed models over time, all
    scored models as faint dots, and for each closed record a dotted segment to the first open-weight model
    that matched it, labelled with the months in between (or 'not yet matched' up to `asof`)."""
    name = bench_name or benchmark
    dated = released_by(models, asof)
    points = best_scores(dated, scores, benchmark, higher_is_better=higher_is_better)
    hidden = {f"no {name} score": int((~dated["id"].isin(points["model_id"])).sum()),
              "no release date": int(models["release_dt"].isna().sum())}
    months = month_options(dated)
    asof = asof or (months[-1] if months else None)
    until = month_end(asof) - pd.Timedelta(days=1) if asof else None
    lags = frontier_lags(points, higher_is_better=higher_is_better)
    fig = go.Figure()
    meta = {"hidden": hidden, "benchmark": benchmark, "asof": asof, "n_open": int(points["open_weights"].sum()),
            "n_closed": int((~points["open_weights"].astype(bool)).sum()), "lags": []}
    for is_open, group_name, color in ((True, "Open weights", OPEN_COLOR), (False, "Closed", CLOSED_COLOR)):
        grp = points[points["open_weights"].astype(bool) == is_open]
        if grp.empty:
            continue
        fig.add_trace(go.Scatter(
            x=grp["release_dt"], y=grp["value"].astype("float64"), mode="markers", name=f"{group_name}: every model",
            legendgroup=group_name, marker=dict(color=color, size=6, opacity=0.3), customdata=_score_hover(grp),
            hovertemplate=SCORE_HOVER))
        rec = frontier_records(grp, higher_is_better=higher_is_better)
        x, y = _step(rec, until)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=color, width=3, shape="hv"),
                                 name=f"{group_name}: best so far", legendgroup=group_name, hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=rec["release_dt"], y=rec["value"].astype("float64"), mode="markers", name=f"{group_name}: new best",
            legendgroup=group_name, showlegend=False,
            marker=dict(color=color, size=10, line=dict(width=1.5, color="white")),
            customdata=_score_hover(rec), hovertemplate=SCORE_HOVER))

    # The lag: a dotted segment at the closed record's level, from the closed model to its open match.
    seg_x: list = []
    seg_y: list = []
    for row in lags.itertuples(index=False):
        end = row.open_date if row.matched else until
        if row.matched and (row.lag_months or 0) <= 0:
            text = None
        else:
            text = f"{int(row.lag_months)} mo to open match" if row.matched else "not yet matched by open weights"
        meta["lags"].append({"closed": row.closed_model, "open": row.open_model if row.matched else None,
                             "months": None if pd.isna(row.lag_months) else int(row.lag_months)})
        if text is None or end is None or pd.isna(end):
            continue
        seg_x += [row.closed_date, end, None]
        seg_y += [row.closed_value, row.closed_value, None]
        mid = row.closed_date + (end - row.closed_date) / 2
        fig.add_annotation(x=mid, y=row.closed_value, text=text, showarrow=False, yanchor="bottom", yshift=2,
                           font=dict(size=15 if talk else 11, color=LAG_COLOR),
                           bgcolor="rgba(14,17,23,0.7)" if dark else "rgba(255,255,255,0.75)")
    if seg_x:
        fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", name="Lag until open weights matched",
                                 line=dict(color=LAG_COLOR, width=1.5, dash="dot"), hoverinfo="skip"))

    title = f"Open vs closed frontier: best {name} score so far" + (f", as of {asof}" if asof else "")
    base_layout(fig, title=title, talk=talk, dark=dark, height=460)
    n_hidden = sum(hidden.values())
    parts = [f"{len(points)} models with a {name} score"]
    if n_hidden:
        parts.append(f"{n_hidden} hidden (" + ", ".join(f"{v} {k}" for k, v in hidden.items() if v) + ")")
    parts.append("best score per model across settings; self-reported scores are not strictly comparable")
    fig.update_layout(title_subtitle_text=" · ".join(parts) + ".", meta=meta, hovermode="closest",
                      legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"))
    y_title = name + (f" ({unit})" if unit else "")
    fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(title_text=label("release_date"))
    if points.empty:
        fig.add_annotation(text=f"No {name} scores for these models", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5, font=dict(size=16, color=UNKNOWN_COLOR))
    return fig
