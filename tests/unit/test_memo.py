"""The chart memo: built once per distinct rows + options, never confused between different inputs."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import plotly.graph_objects as go

from components.ui.memo import memo_chart, rows_key


def frame(ids, user=None, names=None):
    df = pd.DataFrame({"id": ids, "name": names or [f"n{i}" for i in ids]})
    if user is not None:
        df["user"] = user
    return df


def test_rows_key_tells_row_sets_order_and_uploaded_content_apart():
    a = frame(["x", "y"])
    assert rows_key(a, "v1") == rows_key(frame(["x", "y"]), "v1")
    assert rows_key(a, "v1") != rows_key(frame(["y", "x"]), "v1")          # order is part of a chart
    assert rows_key(a, "v1") != rows_key(a, "v2")                          # data version
    assert rows_key(frame(["x", "y"]), "v") != rows_key(frame(["x", "yz"]), "v")
    # Two sessions upload a model with the same id but different content: different keys.
    up1 = frame(["x", "u"], user=[False, True], names=["n", "Mine"])
    up2 = frame(["x", "u"], user=[False, True], names=["n", "Yours"])
    assert rows_key(up1) != rows_key(up2)
    assert rows_key(up1) == rows_key(frame(["x", "u"], user=[False, True], names=["n", "Mine"]))


def test_memo_builds_once_per_key_and_options_and_returns_fresh_figures():
    calls = []

    def build(df, *, title):
        calls.append(title)
        fig = go.Figure(go.Bar(x=list(df["id"]), y=list(range(len(df)))))
        fig.update_layout(title_text=title)
        return fig, {"hidden": len(df)}

    df = frame(["a", "b", "c"])
    key = rows_key(df, uuid.uuid4().hex)  # unique per test run: nothing cached by another run
    f1, h1 = memo_chart(build, df, key=key, title="one")
    f2, h2 = memo_chart(build, df, key=key, title="one")
    assert calls == ["one"] and h1 == h2 == {"hidden": 3}
    assert f1.to_json() == f2.to_json() == build(df, title="one")[0].to_json()
    f1.update_layout(title_text="changed by a caller")                     # callers restyle their copy...
    assert memo_chart(build, df, key=key, title="one")[0].layout.title.text == "one"  # ...never the cache
    memo_chart(build, df, key=key, title="two")                            # other options: built again
    other = frame(["a", "b"])
    assert list(memo_chart(build, other, key=rows_key(other, key), title="one")[0].data[0].x) == ["a", "b"]
    assert calls == ["one", "one", "two", "one"]


def test_the_run_that_builds_gets_the_live_figure_and_later_runs_an_untouched_copy():
    built = []

    def build(df):
        fig = go.Figure(go.Scatter(x=list(df["id"]), y=[1, 2]),
                        frames=[go.Frame(name="f1", data=[go.Scatter(y=[None, 2])])])
        built.append(fig)
        return fig

    df = frame(["a", "b"])
    key = rows_key(df, uuid.uuid4().hex)
    first = memo_chart(build, df, key=key)
    assert first is built[0]  # no second copy made for the run that built it
    pristine = built[0].to_json()
    first.update_layout(title_text="restyled")  # what show_chart does (footer, talk mode)
    first.data[0].marker.color = "red"
    first.frames[0].data[0].y = (9, 9)
    again = memo_chart(build, df, key=key)
    assert len(built) == 1 and again is not first
    assert again.to_json() == pristine  # frames included: the stored copy was taken before the changes


def test_builders_never_hand_out_shared_state():
    """A figure from memo_chart's build run is restyled in place by the page; the next build of the same chart
    must not see those changes (no dict shared with a builder's own caches)."""
    import plotly.io as pio

    from components.catalog.cache import load_frames
    from components.charts import architecture as arch
    from components.charts import licenses as lc
    from components.charts import timeline as tl
    from components.charts.style import add_footer, slide_style
    from tests.conftest import FIXTURE_CATALOG

    t, _ = load_frames(str(FIXTURE_CATALOG))
    asof = tl.month_options(t.models)[-1]
    bench = tl.frontier_benchmarks(t.models, t.scores)["benchmark"].iloc[0]
    cells = lc.license_cells(t.licenses)
    builders = {
        "releases": lambda talk: tl.releases_timeline(t.models, asof=asof, talk=talk),
        "frontier": lambda talk: tl.frontier_view(t.models, t.scores, benchmark=bench, asof=asof, talk=talk)[0],
        "vocab": lambda talk: arch.vocab_vs_size(t.models, talk=talk)[0],
        "matrix": lambda talk: lc.license_matrix(t.models, t.licenses, cells, talk=talk),
        "tiers": lambda talk: lc.releases_by_tier(t.models, talk=talk),
    }
    for name, build in builders.items():
        for talk in (False, True):
            before = pio.to_json(build(talk), validate=False)
            fig = build(talk)
            slide_style(fig, dark=True)
            add_footer(fig, "footer", talk=True)
            fig.update_layout(font_size=99, title_font_color="red", margin_t=1)
            assert pio.to_json(build(talk), validate=False) == before, (name, talk)


def test_a_figure_with_replay_frames_comes_back_from_its_stored_copy_unchanged():
    import plotly.io as pio

    from components.catalog.cache import load_frames
    from components.charts import timeline as tl
    from components.ui.memo import figure_from_dict, figure_spec
    from tests.conftest import FIXTURE_CATALOG

    t, _ = load_frames(str(FIXTURE_CATALOG))
    for talk in (False, True):
        fig = tl.releases_timeline(t.models, asof=tl.month_options(t.models)[-1], talk=talk)
        assert len(fig.frames) > 1  # (the Replay is there to be carried over)
        again = figure_from_dict(figure_spec(fig))
        # (the same JSON; key order may differ: Plotly keeps the order properties were set in)
        assert json.loads(pio.to_json(again, validate=False)) == json.loads(pio.to_json(fig, validate=False))
