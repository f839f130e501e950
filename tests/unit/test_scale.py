"""components/charts/scale.py: the split between labelled and plain points of a big scatter, and plain traces
as figure_data sees them."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from components.charts.figure_data import figure_frame
from components.charts.scale import (
    as_numbers,
    hover_split,
    marker_sizes,
    plain_trace,
    unlabelled_note,
)


def _models(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 500, n)
    p[::7] = np.nan
    return pd.DataFrame({"id": [f"m{i:05d}" for i in range(n)], "p": p})


def test_small_frames_are_all_labelled():
    df = _models(50)
    top, rest = hover_split(df, df["p"], limit=50)
    assert len(top) == 50 and rest.empty


def test_split_keeps_the_largest_and_every_row_once():
    df = _models(1000)
    top, rest = hover_split(df, df["p"], limit=100)
    assert len(top) == 100 and len(rest) == 900
    assert set(top.index).isdisjoint(rest.index) and set(top.index) | set(rest.index) == set(df.index)
    assert top["p"].notna().all()
    assert top["p"].min() >= rest["p"].max()  # NaN sizes never outrank a known one (max skips NaN)


def test_split_does_not_depend_on_row_order():
    df = _models(500)
    a, _ = hover_split(df, df["p"], limit=40)
    shuffled = df.sample(frac=1.0, random_state=3)
    b, _ = hover_split(shuffled, shuffled["p"], limit=40)
    assert sorted(a["id"]) == sorted(b["id"])


def test_ties_are_broken_by_id():
    df = pd.DataFrame({"id": ["c", "a", "b", "d"], "p": [1.0, 1.0, 1.0, 1.0]})
    top, _ = hover_split(df, df["p"], limit=2)
    assert sorted(top["id"]) == ["a", "b"]


def test_dates_become_epoch_ms_and_missing_stays_missing():
    s = pd.Series(pd.to_datetime(["2024-01-01", None, "1970-01-02"]))
    out = as_numbers(s)
    assert out[0] == pd.Timestamp("2024-01-01").value / 1e6
    assert np.isnan(out[1]) and out[2] == 86_400_000.0


def test_marker_sizes_are_small_integers():
    out = marker_sizes(np.array([6.4, 25.6, 300.0]))
    assert out.dtype == np.uint8 and out.tolist() == [6, 26, 255]
    assert marker_sizes(7.0) == 7.0


def test_plain_trace_serialises_as_typed_arrays_without_text():
    n = 20_000
    x = pd.Series(pd.date_range("2020-01-01", periods=n, freq="h"))
    trace = plain_trace(x, np.linspace(0, 1, n), name="Permissive", marker=dict(size=np.full(n, 9.0)))
    spec = pio.to_json(go.Figure([trace]), validate=False)
    assert '"bdata"' in spec and "2020-01-01" not in spec
    assert len(spec) < n * 30  # two float64 and one uint8 per point, base64: about 23 bytes a point
    assert trace.hoverinfo == "skip" and trace.showlegend is False


def test_figure_data_exports_plain_points_with_dates():
    x = pd.Series(pd.to_datetime(["2023-03-01", "2024-07-01"]))
    fig = go.Figure([plain_trace(x, [1.0, 2.0], name="Open", marker=dict(size=[6.0, 8.0]))])
    fig.update_layout(xaxis=dict(type="date", title="Released"), yaxis_title="Lane")
    frame = figure_frame(fig)
    assert len(frame) == 2
    dates = pd.to_datetime(frame["Released (chart position)"]).dt.strftime("%Y-%m-%d").tolist()
    assert dates == ["2023-03-01", "2024-07-01"]


def test_note_counts():
    assert unlabelled_note(0, 10, "largest") is None
    note = unlabelled_note(98_000, 100_000, "largest total parameters")
    assert "2,000 of 100,000" in note and "98,000" in note
