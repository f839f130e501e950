"""The data behind a finished figure, as a tidy table: one row per plotted point, bar, box sample or
heatmap cell, for the "Download data (CSV)" button under every chart. No Streamlit.

Works on the figure a page is about to draw, so it needs no knowledge of the builder that made it:
- columns are named after the axis titles ("Release date", "MMLU (%)"), the colour bar title for a
  heatmap's values, and the hover template's labels for customdata ("License: %{customdata[4]}" ->
  "License"), so the CSV explains itself. A builder can name customdata columns the template leaves
  unlabelled ("<b>%{customdata[0]}</b>") with trace.meta = {"customdata": ["Model", "Organization", ...]};
- values come from the trace attributes, never from `to_plotly_json()`. A figure rebuilt from JSON
  (e.g. a cached spec) holds plotly's base64 typed arrays ({"dtype", "bdata", "shape"}) in those
  attributes; they are decoded here;
- animation frames are ignored: fig.data is what the chart shows;
- traces whose hover is switched off (hoverinfo "skip"/"none") are decoration by this project's
  convention: legend keys, landmark lines, "best so far" staircases, total labels. They repeat or
  annotate the data and are left out unless `include_decorations=True`. The exception is a big chart's
  unlabelled points (scale.plain_trace, meta {"unlabelled": true}): positions only, exported as data, with
  numbers on a date axis turned back into dates.
"""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .scale import UNLABELLED

XY_TRACES = {"scatter", "scattergl", "bar"}
SAMPLE_TRACES = {"box", "histogram", "violin"}  # one row per input sample, not per drawn bin/box
GRID_TRACES = {"heatmap", "contour"}
DECORATION_HOVER = {"skip", "none"}

_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SPLIT_WORD = re.compile(r"(?<=[a-z])-<br\s*/?>(?=[a-z])", re.IGNORECASE)  # "Attri-<br>bution"
_CUSTOM = re.compile(r"%\{customdata\[(\d+)\][^}]*\}")
_PLACEHOLDER = re.compile(r"%\{[^}]*\}")


def plain(text: object, sep: str = " ") -> object:
    """Plotly's tiny HTML subset (<b>, <br>, <span>…) as plain text; non-strings unchanged."""
    if not isinstance(text, str):
        return text
    # Tags out first, then entities decoded: an escaped name (&lt;b&gt;) comes back as the text the user typed,
    # never as markup (a CSV is plain text).
    return " ".join(html.unescape(_TAG.sub("", _BR.sub(sep, _SPLIT_WORD.sub("", text)))).split())


def values(v: object) -> np.ndarray | None:
    """A data attribute as a numpy array: lists, tuples, numpy, pandas, or a base64 typed array."""
    if v is None:
        return None
    if isinstance(v, dict) and "bdata" in v:
        raw = base64.b64decode(v["bdata"])
        arr = np.frombuffer(raw, dtype=np.dtype(v.get("dtype", "f8")).newbyteorder("<"))
        shape = v.get("shape")
        if shape:
            dims = [int(s) for s in str(shape).split(",")] if isinstance(shape, str) else list(shape)
            arr = arr.reshape(dims)
        return arr
    if isinstance(v, (pd.Series, pd.Index)):
        return v.to_numpy()
    if isinstance(v, (str, bytes)) or np.isscalar(v):
        return None  # a scalar is not per-point data (callers handle scalars such as `text` themselves)
    try:
        return np.asarray(v)
    except ValueError:  # ragged nested lists (e.g. customdata rows of unequal length)
        return np.asarray(list(v), dtype=object)


def _per_point(v: object, n: int) -> np.ndarray | None:
    """text/hovertext/customdata for n points: a scalar string is repeated, arrays padded or cut to n."""
    if v is None:
        return None
    if isinstance(v, str):
        return np.full(n, v, dtype=object)
    arr = values(v)
    if arr is None:
        return None
    arr = arr.reshape(len(arr), -1) if arr.ndim > 2 else arr
    if len(arr) >= n:
        return arr[:n]
    pad_shape = (n - len(arr), *arr.shape[1:])
    return np.concatenate([arr.astype(object), np.full(pad_shape, None, dtype=object)])


def _axis(layout: go.Layout, ref: str | None, letter: str):
    """The layout axis a trace is drawn on ('x2' -> layout.xaxis2)."""
    name = f"{letter}axis{(ref or letter)[1:]}"
    try:
        return layout[name]
    except (KeyError, ValueError):
        return None


def _axis_title(axis, fallback: str) -> str:
    text = axis.title.text if axis is not None and axis.title is not None else None
    return (plain(text) or fallback) if isinstance(text, str) else fallback


def _lane_labels(vals: np.ndarray, axis) -> np.ndarray | None:
    """Tick labels instead of positions on a lane axis: integer tick positions with text labels, and every
    value within half a lane of a tick (e.g. the timeline's organization lanes with a small spread).
    A numeric axis whose values fall between ticks keeps its numbers."""
    if axis is None or axis.type in ("log", "date"):
        return None
    tickvals, ticktext = axis.tickvals, axis.ticktext  # read once: each plotly property access is slow
    if not tickvals or not ticktext:
        return None
    if vals.dtype.kind in "MmOU" and not all(isinstance(v, (int, float)) for v in vals if v is not None):
        return None  # dates and category names are already labels
    ticks = np.asarray(tickvals, dtype=float)
    if len(ticks) != len(ticktext) or not np.all(ticks == np.round(ticks)):
        return None
    try:
        num = vals.astype(float)
    except (TypeError, ValueError):
        return None
    ok = ~np.isnan(num)
    if not ok.any():
        return None
    nearest = np.abs(num[ok, None] - ticks[None, :]).argmin(axis=1)
    if np.any(np.abs(num[ok] - ticks[nearest]) >= 0.5):
        return None
    out = np.full(len(num), None, dtype=object)
    out[ok] = [plain(ticktext[i]) for i in nearest]
    return out


def _customdata_labels(hovertemplate: object, k: int) -> list[str | None]:
    """Labels for customdata columns from the hover template: the words just before each placeholder on
    its hover line ("Released %{customdata[2]}" -> "Released"); None where the template gives none."""
    labels: list[str | None] = [None] * k
    template = hovertemplate if isinstance(hovertemplate, str) else None
    if template is None:
        arr = values(hovertemplate)
        template = next((t for t in (arr if arr is not None else []) if isinstance(t, str)), None)
    if not template:
        return labels
    for line in _BR.split(template):
        line = _TAG.sub("", line)
        for m in _CUSTOM.finditer(line):
            i = int(m.group(1))
            before = _PLACEHOLDER.split(line[:m.start()])[-1]
            label = before.strip(" :·-–—(|,").strip()
            if i < k and labels[i] is None and re.search(r"[A-Za-z]", label):
                labels[i] = label
    return labels


def _positions(v: object, start: object, step: object, n: int) -> np.ndarray:
    """Coordinates a trace leaves implicit (y only: x = x0 + dx·i)."""
    arr = values(v)
    if arr is not None:
        return arr
    return (start if isinstance(start, (int, float)) else 0) + \
        (step if isinstance(step, (int, float)) else 1) * np.arange(n)


def _xy_rows(trace, xcol: str, ycol: str) -> dict[str, np.ndarray] | None:
    x, y = values(trace.x), values(trace.y)
    if x is None and y is None:
        return None
    if trace.type in SAMPLE_TRACES:
        # Box/histogram/violin: the samples themselves. A box given only y sits at its trace name.
        n = max(len(a) for a in (x, y) if a is not None)
        cols = {}
        if x is not None:
            cols[xcol] = x[:n]
        if y is not None:
            cols[ycol] = y[:n]
        return cols
    if x is None:
        x = _positions(None, trace.x0, trace.dx, len(y))
    if y is None:
        y = _positions(None, trace.y0, trace.dy, len(x))
    n = min(len(x), len(y))  # as plotly.js draws it: the shorter array wins
    return {xcol: x[:n], ycol: y[:n]}


def _grid_rows(trace, xcol: str, ycol: str, zcol: str) -> dict[str, np.ndarray] | None:
    z = values(trace.z)
    if z is None or z.ndim != 2:
        return None
    if trace.transpose:
        z = z.T
    ny, nx = z.shape
    xs = _positions(trace.x, trace.x0, trace.dx, nx)[:nx]
    ys = _positions(trace.y, trace.y0, trace.dy, ny)[:ny]
    return {xcol: np.tile(np.asarray([plain(v) for v in xs], dtype=object), ny),
            ycol: np.repeat(np.asarray([plain(v) for v in ys], dtype=object), nx),
            zcol: z.ravel()}


def _grid_extra(v: object, shape: tuple[int, int]) -> np.ndarray | None:
    """A heatmap's text/hovertext/customdata matrix flattened like z (row by row)."""
    if v is None:
        return None
    if isinstance(v, str):
        return np.full(shape[0] * shape[1], v, dtype=object)
    arr = values(v)
    if arr is None or arr.shape[:2] != shape:
        return None
    return arr.reshape(shape[0] * shape[1], *arr.shape[2:])


def _trace_frame(i: int, trace, layout: go.Layout) -> pd.DataFrame | None:
    kind = trace.type
    xaxis = _axis(layout, getattr(trace, "xaxis", None), "x")
    yaxis = _axis(layout, getattr(trace, "yaxis", None), "y")
    xcol, ycol = _axis_title(xaxis, "x"), _axis_title(yaxis, "y")
    if ycol == xcol:
        xcol, ycol = f"{xcol} (x)", f"{ycol} (y)"

    extras: dict[str, object] = {}
    if kind in GRID_TRACES:
        bar = trace.colorbar
        if trace.coloraxis:
            bar = getattr(layout[trace.coloraxis], "colorbar", None)
        zcol = _axis_title(bar, "value") if bar is not None else "value"
        cols = _grid_rows(trace, xcol, ycol, zcol)
        if cols is None:
            return None
        z = values(trace.z)
        shape = z.T.shape if trace.transpose else z.shape
        for name in ("text", "hovertext", "customdata"):
            if name in trace:
                extras[name] = _grid_extra(trace[name], shape)
        keep = pd.notna(cols[zcol])  # a null cell is a gap: nothing is drawn there
    elif kind in XY_TRACES | SAMPLE_TRACES:
        cols = _xy_rows(trace, xcol, ycol)
        if cols is None:
            return None
        n = len(next(iter(cols.values())))
        for axis, col in ((xaxis, xcol), (yaxis, ycol)):
            if col in cols and _is_date_axis(axis) and cols[col].dtype.kind in "fiu":
                cols[col] = _epoch_ms_to_dates(cols[col])
                continue
            lanes = _lane_labels(cols[col], axis) if col in cols else None
            if lanes is not None:
                cols[col] = lanes
            elif col in cols and cols[col].dtype.kind in "OU":
                cols[col] = np.asarray([plain(v) for v in cols[col]], dtype=object)
        for name in ("text", "hovertext", "customdata"):
            if name in trace:
                extras[name] = _per_point(trace[name], n)
        # A NaN-separated line (gaps between segments) has rows with no position: not points.
        keep = np.zeros(n, dtype=bool)
        for col in (xcol, ycol):
            if col in cols:
                keep |= pd.notna(cols[col])
    else:
        return None

    n = len(next(iter(cols.values())))
    label = trace.name if trace.name not in (None, "") else f"{kind} {i + 1}"
    data: dict[str, object] = {"trace": np.full(n, plain(label), dtype=object), **cols}
    for name in ("text", "hovertext"):
        arr = extras.get(name)
        if arr is not None and arr.ndim == 1 and any(v not in (None, "") for v in arr):
            data[name] = [plain(v, " · ") for v in arr]
    custom = extras.get("customdata")
    if custom is not None:
        custom = custom.reshape(n, -1) if custom.ndim != 2 else custom
        labels = _customdata_labels(trace.hovertemplate, custom.shape[1])
        named = trace.meta.get("customdata") if isinstance(trace.meta, dict) else None
        if isinstance(named, (list, tuple)):  # the builder's own names win over the template's words
            for j, n in enumerate(named[:len(labels)]):
                if n:
                    labels[j] = str(n)
        for j in range(custom.shape[1]):
            name = labels[j] or f"customdata {j}"
            while name in data:  # e.g. "Released" is both the x axis and a hover line
                name = f"{name} (hover)" if not name.endswith("(hover)") else f"{name} {j}"
            data[name] = [plain(v) for v in custom[:, j]]
    frame = pd.DataFrame(data)  # built once: column-by-column assignment is several times slower
    return frame.loc[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def _is_date_axis(axis) -> bool:
    return axis is not None and axis.type == "date"


def _epoch_ms_to_dates(ms: np.ndarray) -> np.ndarray:
    """Numbers on a date axis (plotly.js reads them as epoch milliseconds) as datetimes; NaN stays missing."""
    return pd.to_datetime(pd.Series(ms, dtype="float64"), unit="ms").to_numpy()


def _is_unlabelled_data(trace) -> bool:
    """A big chart's points drawn without hover (components/charts/scale.py): data, not decoration."""
    meta = getattr(trace, "meta", None)
    return isinstance(meta, dict) and bool(meta.get(UNLABELLED))


def _is_decoration(trace) -> bool:
    return getattr(trace, "hoverinfo", None) in DECORATION_HOVER and not _is_unlabelled_data(trace)


def figure_frame(fig: go.Figure, *, include_decorations: bool = False) -> pd.DataFrame:
    """One row per plotted point / bar / cell of every data trace, columns named after the axes.

    `frame.attrs["skipped"]` lists the traces left out and why (decoration, unsupported type), so the
    caller can say so instead of dropping data silently."""
    decorations = [t for t in fig.data if _is_decoration(t)]
    # A chart made only of hover-less traces has no "decoration": its traces are its data.
    if not include_decorations and len(decorations) == len(fig.data):
        include_decorations = True
    parts, skipped = [], []
    for i, trace in enumerate(fig.data):
        name = trace.name or f"{trace.type} {i + 1}"
        if trace.visible is False:
            skipped.append(f"{name}: hidden")
            continue
        if not include_decorations and _is_decoration(trace):
            skipped.append(f"{name}: decoration (no hover)")
            continue
        part = _trace_frame(i, trace, fig.layout)
        if part is None:
            skipped.append(f"{name}: {trace.type} traces are not exported")
        elif len(part):
            parts.append(part)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"trace": []})
    # A release known only to the month or year is drawn at the start of that period. Say so in the column
    # name, so a CSV never reads as a day the source did not give (the hover column has the stated date).
    frame = frame.rename(columns={c: f"{c} (chart position)" for c in frame.columns if _is_date_column(frame[c])})
    frame.attrs["skipped"] = skipped
    return frame


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _is_date_column(col: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(col):
        return True
    vals = col.dropna()
    return col.dtype == object and len(vals) > 0 and all(isinstance(v, str) and _ISO_DAY.match(v) for v in vals)


def figure_csv(fig: go.Figure) -> bytes:
    """figure_frame() as UTF-8 CSV bytes (no index), ready for a download button."""
    return figure_frame(fig).to_csv(index=False).encode("utf-8")
