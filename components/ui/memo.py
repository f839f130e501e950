"""Build each chart once per distinct input: a rerun that shows rows and options already drawn (a filter toggled
back, a tab revisited, the next visitor on the default view) reuses the finished figure instead of rebuilding it.

    fig, hidden = memo_chart(arch.vocab_vs_size, df, key=rows_key(df, tables.version), talk=talk)

`key` must identify every frame argument completely (rows_key does that for the filtered models table); the
keyword options are part of the cache key. Figures are stored as plain dicts and rebuilt without re-validation:
they were validated when first built. Cached per server process, shared by sessions, bounded in size.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

_FIG = "__atlas_figure__"
MAX_ENTRIES = 192  # figures are 10–300 kB as dicts: a few tens of MB at most


def rows_key(df: pd.DataFrame, *parts: Hashable) -> tuple:
    """A key for a models frame: which rows, in which order, plus the content of any uploaded rows (two sessions
    may upload different models with the same id), plus what the caller adds (e.g. the data version)."""
    h = hashlib.blake2b(digest_size=16)
    # A plain object array joins ~50x faster than iterating pandas' Arrow-backed string column (0.3 s at 100k).
    h.update("\x1f".join(map(str, df["id"].to_numpy(dtype=object, na_value="").tolist())).encode())
    if "user" in df.columns and df["user"].astype(bool).any():
        user_rows = df[df["user"].astype(bool)].astype(str)
        h.update(pd.util.hash_pandas_object(user_rows, index=False).to_numpy().tobytes())
    return (len(df), h.hexdigest(), *parts)


def _pack(value: Any) -> Any:
    if isinstance(value, go.Figure):
        return (_FIG, figure_spec(value))
    if isinstance(value, tuple):
        return tuple(_pack(v) for v in value)
    return value


def _unpack(value: Any) -> Any:
    # The tag check comes first: `value[0] == _FIG` on a DataFrame would compare element-wise.
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and value[0] == _FIG:
        return figure_from_dict(value[1])
    if isinstance(value, tuple):
        return tuple(_unpack(v) for v in value)
    return value


def figure_spec(fig: go.Figure) -> dict:
    """The figure's data, layout and frames as the plain dicts Plotly keeps inside it, without `to_dict`'s deep
    copy (10-30 ms a figure). Only for storing in `_build`'s cache: st.cache_data pickles what it stores right
    away, so later changes to the live figure never reach the stored copy (tested)."""
    try:
        spec = {"data": list(fig._data), "layout": fig._layout}
        frames = [f._props for f in fig._frame_objs]
    except AttributeError:  # a Plotly without these internals: the public, copying way
        return fig.to_dict()
    if frames:
        spec["frames"] = frames
    return spec


def figure_from_dict(spec: dict) -> go.Figure:
    """A figure from a dict that came from a validated figure: skip Plotly's second validation pass (~25 ms a
    figure); fall back to a validated build if this Plotly lacks the switch.

    Animation frames (the Timeline's Replay: ~30 frames of ~13 traces) are validated by Plotly even then, which
    made them most of a memoised Timeline's rebuild. They are made unvalidated too and handed to the figure as
    they are: enough for drawing and exporting it (to_dict/to_json give the same JSON, tested), which is all the
    pages do with a memoised figure; reading `fig.frames[i].data` back would need validated frames."""
    frames = spec.get("frames")
    try:
        fig = go.Figure({k: v for k, v in spec.items() if k != "frames"}, _validate=False)
    except TypeError:
        return go.Figure(spec)
    if frames:
        try:
            fig._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
        except (AttributeError, TypeError, ValueError):  # another Plotly: frames the validated way
            fig.frames = frames
    return fig


# What `_build` just built, for the run that built it: that run uses the live objects and skips rebuilding
# them from the stored copy (a figure from a dict costs 10-25 ms). One slot per script thread.
_fresh = threading.local()


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def _build(name: str, key: Hashable, options: tuple, _fn: Callable, _args: tuple, _kwargs: dict) -> Any:
    value = _fn(*_args, **_kwargs)
    _fresh.value = value
    return _pack(value)


def memo_chart(fn: Callable, *args: Any, key: Hashable, **options: Hashable) -> Any:
    """fn(*args, **options), cached on (fn, key, options). Returns what fn returns (figures rebuilt fresh, so the
    caller may restyle them)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    frozen = tuple(sorted((k, _freeze(v)) for k, v in options.items()))
    _fresh.value = None
    packed = _build(name, key, frozen, fn, args, options)
    fresh, _fresh.value = _fresh.value, None
    return fresh if fresh is not None else _unpack(packed)


def _freeze(v: Any) -> Hashable:
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, (set, frozenset)):
        return tuple(sorted(map(repr, v)))
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    return v
