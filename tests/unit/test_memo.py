"""The chart memo: built once per distinct rows + options, never confused between different inputs."""

from __future__ import annotations

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
