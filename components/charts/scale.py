"""Large views: every point is still drawn, but only the most notable ones carry a name and a hover card.

Per-point hover text is what makes a big scatter heavy: about 100 bytes a point, so 12 MB for the
architecture page at 100,000 models, while its positions alone are about 11 bytes a coordinate as a base64
typed array. Above `HOVER_LIMIT` points a chart therefore splits its rows in two:
- the `HOVER_LIMIT` most notable (by a rule the chart states, e.g. largest total parameters) are drawn as
  before, with names, hover cards and CSV columns;
- the rest are drawn at exactly the same positions, colours and sizes as one WebGL trace per colour whose
  data is only numbers (`plain_trace`): dates as epoch milliseconds, sizes as small integers. Their hover is
  skipped, and the figure says how many points are unlabelled (`unlabelled_note`, layout.meta).
Nothing is aggregated or dropped: the picture is the same as with full hover, only the labels are fewer.
A date axis holding plain traces must say `type="date"` itself: plotly.js guesses an axis type from the first
trace on it, and a plain trace's numbers would otherwise read as a linear axis.
Small catalogs (the curated one has a few hundred models) never reach the limit. No Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

HOVER_LIMIT = 2_000  # points per chart that keep a hover card; ~0.2 MB of text at most
UNLABELLED = "unlabelled"  # trace.meta flag on a plain trace (figure_data exports its positions only)


def hover_split(df: pd.DataFrame, priority: pd.Series | None, *, limit: int = HOVER_LIMIT,
                ascending: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(labelled, plain): the `limit` rows that come first by `priority` (largest first unless `ascending`;
    missing values last; ties by row id, so the split never depends on row order), and the others.
    With `limit` rows or fewer, everything is labelled."""
    if len(df) <= limit:
        return df, df.iloc[0:0]
    keys = pd.DataFrame({"p": pd.to_numeric(priority, errors="coerce") if priority is not None else 0.0,
                         "id": df["id"].astype(str) if "id" in df else np.arange(len(df))}, index=df.index)
    keys = keys.sort_values(["p", "id"], ascending=[ascending, True], na_position="last", kind="stable")
    top = keys.index[:limit]
    mask = df.index.isin(top)
    return df[mask], df[~mask]


def as_numbers(values) -> np.ndarray:
    """Positions as a float array plotly sends as a typed array: datetimes become epoch milliseconds
    (how plotly.js reads a number on a date axis); missing values become NaN (not drawn)."""
    s = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s):
        ms = s.astype("datetime64[ms]").astype("int64").astype("float64")
        return np.where(s.isna().to_numpy(), np.nan, ms.to_numpy())
    return pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()


def marker_sizes(px) -> np.ndarray | float:
    """Marker diameters in whole pixels as uint8 (a quarter of the bytes of float64); a scalar stays one."""
    if np.isscalar(px):
        return px
    return np.clip(np.rint(np.asarray(px, dtype="float64")), 0, 255).astype("uint8")


def plain_trace(x, y, *, name: str, marker: dict, legendgroup: str | None = None, **kwargs) -> go.Scattergl:
    """The unlabelled part of a big scatter: positions only, no text, no hover, no legend entry of its own
    (it shares the labelled trace's legend group, so a legend click hides both)."""
    m = dict(marker)
    if "size" in m:
        m["size"] = marker_sizes(m["size"])
    return go.Scattergl(x=as_numbers(x), y=as_numbers(y), mode="markers", name=name, marker=m,
                        legendgroup=legendgroup, showlegend=False, hoverinfo="skip",
                        meta={UNLABELLED: True}, **kwargs)


def unlabelled_note(n_plain: int, n_total: int, rule: str) -> str | None:
    """The sentence a chart shows when some points carry no name (None when all do)."""
    if n_plain <= 0:
        return None
    return (f"{n_total - n_plain:,} of {n_total:,} points have names and hover ({rule}); "
            f"the other {n_plain:,} are drawn without labels")
