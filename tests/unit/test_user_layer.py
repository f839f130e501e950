"""Uploaded models ("Your models", issue #9): one separate star layer on every chart that draws models as
points, at the coordinates a catalog model would get, with escaped hover text, never moving a frontier.

The frames are built like the app builds them: catalog rows from the fixture catalog, the upload parsed by
components.catalog.upload.parse_upload, concatenated with a boolean `user` column as in
components.ui.sidebar.filtered_models. Most checks "flip the flag": the same row marked as a catalog model
shows where the chart would draw it; marked as an upload it must be drawn there, in the user layer only.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.catalog.frame import scores_frame, to_frame
from components.catalog.loader import load_catalog
from components.catalog.upload import parse_upload
from components.charts import architecture as arch
from components.charts import size as sz
from components.charts import timeline as tl
from components.charts import user_layer as ul
from components.charts.style import TIER_COLORS, WEIGHTS_COLORS
from tests.conftest import FIXTURE_CATALOG

NAME = "<b>x</b><script>"
ORG = "<i>Lab</i>"
UPLOAD = ("id,name,organization,release_date,weights,license,architecture,kind,params_total_b,params_active_b,"
          "experts_total,experts_active,context_length,vocab_size,hidden_size\n"
          f"mine,{NAME},{ORG},2024-03-15,open,apache-2.0,moe,base,40,8,8,2,1048576,128000,5120\n")
UID = "user/mine"


@pytest.fixture(scope="module")
def cat():
    return load_catalog(FIXTURE_CATALOG)


@pytest.fixture(scope="module")
def upload(cat) -> pd.DataFrame:
    r = parse_upload("mine.csv", UPLOAD.encode(), cat)
    assert r.fatal is None and not r.errors
    return r.models


def with_upload(catalog: pd.DataFrame, upload: pd.DataFrame, *, flag: bool = True) -> pd.DataFrame:
    """As filtered_models builds it; flag=False marks the uploaded row as a catalog row instead."""
    df = pd.concat([catalog.assign(user=False), upload], ignore_index=True)
    if not flag:
        df["user"] = False
    return df


@pytest.fixture(scope="module")
def two(cat) -> pd.DataFrame:
    """Two catalog models with every field the point charts read (fixture rows, gaps filled)."""
    df = to_frame(cat)
    df = df[df["id"].isin(["acme-one/small", "acme-one/moe"])].reset_index(drop=True)
    moe = df["id"] == "acme-one/moe"
    for col, value in (("vocab_size", 32_000), ("hidden_size", 4096), ("context_length", 32_768)):
        df.loc[moe, col] = value
    return df


@pytest.fixture(scope="module")
def open_closed(cat) -> pd.DataFrame:
    """One open-weight and one closed catalog model with a dated MMLU score."""
    df = to_frame(cat)
    return df[df["id"].isin(["acme-one/small", "zeta-chat/pro"])].reset_index(drop=True)


@pytest.fixture(scope="module")
def scores(cat) -> pd.DataFrame:
    """The fixture scores plus an MMLU score for the upload that would beat every catalog model."""
    s = scores_frame(cat)
    mine = {c: None for c in s.columns} | {"model_id": UID, "benchmark": "mmlu", "setting": "5-shot",
                                            "value": 99.0, "self_reported": True}
    return pd.concat([s, pd.DataFrame([mine])], ignore_index=True)


BENCH = pd.DataFrame([{"id": "mmlu", "name": "MMLU", "metric": "accuracy", "unit": "%", "higher_is_better": True,
                       "url": None}])


def user_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if t.name == ul.USER_NAME]


def the_user_trace(fig: go.Figure):
    found = user_traces(fig)
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def xy(t) -> list[tuple]:
    return [(pd.Timestamp(x) if isinstance(x, (str, np.datetime64, pd.Timestamp)) else float(x), float(y))
            for x, y in zip(t.x, t.y, strict=True)]


def close(a, b) -> bool:
    """Points (x, y) or lists of points equal, floats to 1e-9 relative; dates exactly."""
    if isinstance(a, list) or isinstance(b, list):
        return len(a) == len(b) and all(close(p, q) for p, q in zip(a, b, strict=True))
    return all(p == q if isinstance(p, pd.Timestamp) or isinstance(q, pd.Timestamp)
               else bool(np.isclose(p, q, rtol=1e-9, atol=0)) for p, q in zip(a, b, strict=True))


def point_of(fig: go.Figure, name: str) -> tuple:
    """Where a catalog trace draws the model called `name` (by text, else customdata[0])."""
    for t in fig.data:
        if t.name == ul.USER_NAME:
            continue
        if t.text is not None and not isinstance(t.text, str):
            labels = list(t.text)  # the architecture charts: name in text, organization in customdata
        elif t.customdata is not None and np.ndim(t.customdata) == 2:
            labels = [c[0] for c in t.customdata]
        else:
            labels = []
        for i, lab in enumerate(labels):
            if lab == name:
                return xy(t)[i]
    raise AssertionError(f"{name!r} is not drawn by a catalog trace")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def catalog_mentions(fig: go.Figure, needle: str) -> bool:
    """Does any non-user trace carry the text (a name, an id) anywhere in its data?"""
    for t in fig.data:
        if t.name == ul.USER_NAME:
            continue
        decoded = json.loads(pio.to_json(go.Figure(data=[t]), validate=False))  # (the JSON escapes "<")
        if any(needle in v or html.escape(needle, quote=False) in v for v in _strings(decoded["data"])):
            return True
    return False


def assert_escaped(t) -> None:
    cards = list(t.hovertext)
    assert all(html.escape(NAME, quote=False) in c for c in cards)
    assert all(NAME not in c and "<script>" not in c for c in cards)
    assert all(html.escape(ORG, quote=False) in c for c in cards)
    assert all(ul.USER_NOTE in c for c in cards)
    assert t.hoverinfo == "text" and not t.hovertemplate  # plain text: no %{...} substitution in names


def same_figure(a, b) -> bool:
    a = a[0] if isinstance(a, tuple) else a
    b = b[0] if isinstance(b, tuple) else b
    return pio.to_json(a, validate=False) == pio.to_json(b, validate=False)


# ----------------------------------------------------------------------------- the factory
def test_split_and_mask_without_a_user_column_leave_the_frame_alone(two):
    catalog, mine = ul.split_user(two)
    assert catalog is two and mine.empty
    assert not ul.user_mask(two).any()
    flagged = two.assign(user=[False, True])
    catalog, mine = ul.split_user(flagged)
    assert list(catalog["id"]) == ["acme-one/small"] and list(mine["id"]) == ["acme-one/moe"]


def test_user_trace_looks_distinct_and_escapes_every_line():
    t = ul.user_trace([1.0], [2.0], [NAME], hover_lines=[[ORG, "a & b", None]])
    assert t.name == ul.USER_NAME and t.mode == "markers" and t.legendrank == ul.USER_RANK
    assert t.marker.symbol == "star" and t.marker.line.color == ul.USER_OUTLINE and t.marker.line.width >= 1
    assert t.marker.color not in set(TIER_COLORS.values()) | set(WEIGHTS_COLORS.values())
    assert t.hovertext[0] == ("<b>&lt;b&gt;x&lt;/b&gt;&lt;script&gt;</b><br><i>" + ul.USER_NOTE + "</i><br>"
                              "&lt;i&gt;Lab&lt;/i&gt;<br>a &amp; b")
    assert isinstance(ul.user_trace([1], [2], ["a"], gl=True), go.Scattergl)
    with pytest.raises(ValueError):
        ul.user_hover(["a", "b"], [["only one"]])


# ----------------------------------------------------------------------------- size vs score
@pytest.mark.parametrize("size", sz.SIZE_MODES)
def test_size_chart_draws_the_upload_where_a_catalog_model_would_be(two, upload, scores, size):
    df = with_upload(two, upload)
    data = sz.size_score_data(df, scores, "mmlu", size=size, benchmarks=BENCH)
    assert data.points["user"].tolist() == [False, False, True]  # the flag survives the score merge
    fig = sz.size_score_figure(data)
    mine = the_user_trace(fig)

    as_catalog = sz.size_score_figure(sz.size_score_data(with_upload(two, upload, flag=False), scores, "mmlu",
                                                         size=size, benchmarks=BENCH))
    expected = {"total": 40.0, "active": 8.0, "effective": float(np.sqrt(40 * 8)), "both": 40.0}[size]
    assert close(point_of(as_catalog, NAME), (expected, 99.0))
    if size == "both":  # MoE dumbbell: the active end too, and a line in the layer's group
        assert close(sorted(xy(mine)), [(8.0, 99.0), (40.0, 99.0)])
        line = [t for t in fig.data if t.legendgroup == ul.USER_NAME and t.mode == "lines"]
        assert len(line) == 1 and line[0].showlegend is False
    else:
        assert close(xy(mine), [(expected, 99.0)])
    assert not catalog_mentions(fig, NAME) and catalog_mentions(as_catalog, NAME)  # (the check can see it)
    assert_escaped(mine)
    assert ul.NOT_IN_FRONTIER in mine.hovertext[0]


def test_size_chart_frontier_and_labels_ignore_the_upload(two, upload, scores):
    df = with_upload(two, upload)
    fig = sz.size_score_figure(sz.size_score_data(df, scores, "mmlu", benchmarks=BENCH),
                               spotlight=["acme-one/small", UID])
    alone = sz.size_score_figure(sz.size_score_data(two, scores, "mmlu", benchmarks=BENCH),
                                 spotlight=["acme-one/small"])
    front, front_alone = (next(t for t in f.data if t.name.startswith("Pareto")) for f in (fig, alone))
    assert list(front.x) == list(front_alone.x) and list(front.y) == list(front_alone.y)
    assert 99.0 not in list(front.y)  # the upload would top the frontier if it counted
    assert [a.text for a in fig.layout.annotations] == [a.text for a in alone.layout.annotations]
    assert fig.layout.meta == {"user": {"shown": 1, "in_frontier": False}}
    assert "2 models + 1 of yours" in fig.layout.title.subtitle.text
    assert fig.layout.yaxis.range[1] > 99.0 and 10 ** fig.layout.xaxis.range[1] > 40.0  # the star is in view


def test_size_chart_without_uploads_is_unchanged(two, scores):
    plain = sz.size_score_figure(sz.size_score_data(two, scores, "mmlu", benchmarks=BENCH))
    flagged = sz.size_score_figure(sz.size_score_data(two.assign(user=False), scores, "mmlu", benchmarks=BENCH))
    assert not user_traces(plain) and not user_traces(flagged)
    assert plain.layout.meta is None
    assert same_figure(plain, flagged)


# ----------------------------------------------------------------------------- releases timeline
def test_timeline_draws_the_upload_on_its_lane_in_one_star_layer(two, upload):
    fig = tl.releases_timeline(with_upload(two, upload), animate=False)
    mine = the_user_trace(fig)
    as_catalog = tl.releases_timeline(with_upload(two, upload, flag=False), animate=False)
    assert close(xy(mine), [point_of(as_catalog, NAME)])
    lane = list(fig.layout.yaxis.ticktext).index(html.escape(ORG, quote=False))  # its own lane, escaped
    assert abs(mine.y[0] - lane) < 0.5
    assert ORG not in fig.layout.yaxis.ticktext
    assert not catalog_mentions(fig, NAME) and mine.ids == (UID,)
    assert_escaped(mine)
    assert fig.layout.meta["user"] == {"shown": 1} and fig.layout.meta["shown"] == 3
    assert "(1 of them yours, ★)" in fig.layout.title.subtitle.text


def test_timeline_replay_hides_the_upload_until_its_release_month(two, upload):
    fig = tl.releases_timeline(with_upload(two, upload))
    idx = next(i for i, t in enumerate(fig.data) if t.name == ul.USER_NAME)
    frames = {f.name: f for f in fig.frames}
    assert list(frames)[0] == "2023-07" and list(frames)[-1] == "2024-03"
    for month, visible in (("2023-12", 0), ("2024-02", 0), ("2024-03", 1)):
        f = frames[month]
        assert idx in f.traces
        y = np.asarray(f.data[list(f.traces).index(idx)].y, dtype=float)
        assert int(np.isfinite(y).sum()) == visible
        assert type(f.data[list(f.traces).index(idx)]) is type(fig.data[idx])
    last = frames["2024-03"]
    np.testing.assert_allclose(np.asarray(last.data[list(last.traces).index(idx)].y, dtype=float),
                               np.asarray(fig.data[idx].y, dtype=float))
    # an as-of date before the upload's release leaves it out, like any later model
    early = tl.releases_timeline(with_upload(two, upload), asof="2023-12")
    assert not user_traces(early) and "user" not in early.layout.meta


def test_timeline_upload_layer_follows_webgl_when_the_catalog_does(two, upload):
    big = pd.concat([two] * 600, ignore_index=True)
    big["id"] = [f"{i}/{n}" for n, i in enumerate(big["id"])]
    fig = tl.releases_timeline(with_upload(big, upload), animate=False)
    assert isinstance(the_user_trace(fig), go.Scattergl)


def test_timeline_without_uploads_is_unchanged(two):
    for lanes in ("org", "family"):
        plain = tl.releases_timeline(two, lanes=lanes)
        flagged = tl.releases_timeline(two.assign(user=False), lanes=lanes)
        assert not user_traces(plain) and "user" not in plain.layout.meta
        assert same_figure(plain, flagged)


# ----------------------------------------------------------------------------- open vs closed frontier
def test_frontier_chart_draws_the_upload_but_not_in_the_step_lines(open_closed, upload, scores):
    fig = tl.open_closed_frontier(with_upload(open_closed, upload), scores, "mmlu")
    alone = tl.open_closed_frontier(open_closed, scores, "mmlu")
    mine = the_user_trace(fig)
    as_catalog = tl.open_closed_frontier(with_upload(open_closed, upload, flag=False), scores, "mmlu")
    assert xy(mine) == [point_of(as_catalog, NAME)] == [(pd.Timestamp("2024-03-15"), 99.0)]
    assert not catalog_mentions(fig, NAME)
    assert_escaped(mine)
    lines = {t.name: (list(t.x), list(t.y)) for t in fig.data if t.mode == "lines"}
    assert lines == {t.name: (list(t.x), list(t.y)) for t in alone.data if t.mode == "lines"}
    # counted as a catalog model it would have been the open frontier's new best
    assert 99.0 in trace_named(as_catalog, "Open weights: best so far").y
    assert fig.layout.meta["user"] == {"shown": 1, "in_frontier": False}
    assert {k: fig.layout.meta[k] for k in ("n_open", "n_closed", "lags")} == \
        {k: alone.layout.meta[k] for k in ("n_open", "n_closed", "lags")}
    no_upload = tl.open_closed_frontier(open_closed.assign(user=False), scores, "mmlu")
    assert not user_traces(no_upload) and same_figure(no_upload, alone)


def test_uploads_alone_are_drawn_when_the_filters_leave_no_catalog_model(two, open_closed, upload, scores):
    only = with_upload(two.iloc[0:0], upload)
    fig = sz.size_score_figure(sz.size_score_data(only, scores, "mmlu", benchmarks=BENCH))
    assert [t.name for t in fig.data if t.x is not None and len(t.x) and t.x[0] is not None] == [ul.USER_NAME]
    assert the_user_trace(tl.releases_timeline(only)).y is not None
    front = tl.open_closed_frontier(with_upload(open_closed.iloc[0:0], upload), scores, "mmlu")
    assert xy(the_user_trace(front)) == [(pd.Timestamp("2024-03-15"), 99.0)] and not front.layout.annotations
    for build in (arch.vocab_vs_size, arch.share_vs_size, arch.context_over_time):
        assert len(the_user_trace(build(only)[0]).x) == 1


def trace_named(fig, name):
    return next(t for t in fig.data if t.name == name)


# ----------------------------------------------------------------------------- architecture
POINT_CHARTS = {
    "vocab_vs_size": (lambda df: arch.vocab_vs_size(df), (40.0, 128_000.0)),
    "share_vs_size": (lambda df: arch.share_vs_size(df), (40.0, 128_000 * 5120 / 40e9 * 100)),
    "context_over_time": (lambda df: arch.context_over_time(df), (pd.Timestamp("2024-03-15"), 1_048_576.0)),
}


@pytest.mark.parametrize("chart", list(POINT_CHARTS))
def test_architecture_point_charts_draw_the_upload_as_one_layer(two, upload, chart):
    build, expected = POINT_CHARTS[chart]
    fig, hidden = build(with_upload(two, upload))
    mine = the_user_trace(fig)
    as_catalog, hidden_as_catalog = build(with_upload(two, upload, flag=False))
    assert close(point_of(as_catalog, NAME), expected)
    assert close(xy(mine), [expected])
    assert hidden == hidden_as_catalog  # it is a model like any other in the "left out" counts
    assert not catalog_mentions(fig, NAME)
    assert_escaped(mine)
    assert fig.layout.meta["user"]["shown"] == 1
    plain, _ = build(two)
    flagged, _ = build(two.assign(user=False))
    assert not user_traces(plain) and plain.layout.meta is None and same_figure(plain, flagged)


def test_context_record_ignores_the_upload(two, upload):
    fig, _ = arch.context_over_time(with_upload(two, upload))
    alone, _ = arch.context_over_time(two)
    rec, rec_alone = trace_named(fig, "Longest so far"), trace_named(alone, "Longest so far")
    assert list(rec.y) == list(rec_alone.y) and 1_048_576 not in list(rec.y)
    assert fig.layout.meta["user"]["in_record"] is False
    assert max(fig.layout.yaxis.tickvals) >= 1_048_576  # the ticks reach the upload


def test_params_over_time_draws_every_upload_and_keeps_the_group_lines(two, upload):
    df = with_upload(two, upload)
    assert list(arch.size_groups(df)["id"]) == ["acme"]  # the upload's own org is not a catalog group
    assert arch.default_size_groups(df) == arch.default_size_groups(two)
    fig, hidden = arch.params_over_time(df, ["acme"])  # its group is not picked: drawn anyway
    mine = the_user_trace(fig)
    assert xy(mine) == [(pd.Timestamp("2024-03-15"), 40.0)]
    as_catalog, _ = arch.params_over_time(with_upload(two, upload, flag=False), ["acme", ORG])
    assert point_of(as_catalog, NAME) == (pd.Timestamp("2024-03-15"), 40.0)
    alone, hidden_alone = arch.params_over_time(two, ["acme"])
    assert hidden == hidden_alone
    strip = [(t.name, t.mode, list(t.x), list(t.y)) for t in fig.data if t.name != ul.USER_NAME]
    assert strip == [(t.name, t.mode, list(t.x), list(t.y)) for t in alone.data]
    assert not catalog_mentions(fig, NAME)
    assert_escaped(mine)
    # even a pick of the upload's org draws it once, in the user layer
    fig2, _ = arch.params_over_time(df, ["acme", ORG])
    assert len(user_traces(fig2)) == 1 and not catalog_mentions(fig2, NAME)
    plain, _ = arch.params_over_time(two, ["acme"])
    flagged, _ = arch.params_over_time(two.assign(user=False), ["acme"])
    assert not user_traces(plain) and same_figure(plain, flagged)


def test_upload_without_the_needed_fields_is_counted_not_drawn(two, upload):
    bare = upload.assign(vocab_size=pd.array([None], dtype="Int64"), context_length=pd.array([None], dtype="Int64"))
    df = with_upload(two, bare)
    fig, hidden = arch.vocab_vs_size(df)
    assert not user_traces(fig) and hidden["no vocabulary size"] == 1
    fig, hidden = arch.context_over_time(df)
    assert not user_traces(fig) and hidden["no context length"] == 1


def test_nothing_to_draw_gives_no_phantom_points(two):
    """A selection that keeps no row must not turn into rows of NaN (a full Series assigned to an empty
    frame takes its index)."""
    no_vocab = two.assign(vocab_size=pd.array([None, None], dtype="Int64"))
    fig, hidden = arch.vocab_vs_size(no_vocab)
    assert not fig.data and hidden == {"no vocabulary size": 2}
    fig, _ = arch.params_over_time(two, ["nobody"])
    assert not fig.data
