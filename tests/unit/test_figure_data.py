"""figure_data: the table behind a chart (CSV download). Real builders on the real catalog, then the trace
kinds and encodings the builders do not use today (typed arrays, box, histogram, frames, subplots)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.catalog.frame import licenses_frame, scores_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog
from components.charts import compare as cmp
from components.charts import licenses as lc
from components.charts import overview as ov
from components.charts import size as sz
from components.charts import timeline as tl
from components.charts.figure_data import figure_csv, figure_frame, plain
from components.charts.style import TIER_LABELS


@pytest.fixture(scope="module")
def catalog():
    cat = load_catalog(DATA_DIR)
    bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()])
    return {"models": to_frame(cat).assign(user=False), "scores": scores_frame(cat),
            "licenses": licenses_frame(cat), "benchmarks": bench}


# ------------------------------------------------------------------ real builders, real catalog
def test_size_chart_has_one_row_per_scored_model_with_its_size_and_score(catalog):
    data = sz.size_score_data(catalog["models"], catalog["scores"], "mmlu", size="total",
                              benchmarks=catalog["benchmarks"])
    fig = sz.size_score_figure(data, spotlight=[])
    frame = figure_frame(fig)
    assert {"Total parameters (B)", "MMLU (%)"} <= set(frame.columns)  # named after the axes
    models = frame[frame["trace"].isin(TIER_LABELS.values())]
    assert len(models) == len(data.points) > 20
    got = sorted(zip(models["Total parameters (B)"].round(6), models["MMLU (%)"].round(6)))
    want = sorted(zip(data.points["x"].astype(float).round(6), data.points["score"].astype(float).round(6)))
    assert got == want
    # the legend keys (one invisible point each, no hover) are not data
    assert not frame["trace"].str.contains("Self-reported score").any()
    assert any("decoration" in s for s in frame.attrs["skipped"])


def test_timeline_rows_are_the_released_models_with_lane_names_not_positions(catalog):
    df = catalog["models"]
    fig = tl.releases_timeline(df, lanes="org", color_by="tier", asof=tl.month_options(df)[-1])
    frame = figure_frame(fig)
    assert len(frame) == fig.layout.meta["shown"] == df["release_dt"].notna().sum()
    assert sorted(pd.to_datetime(frame["Released (chart position)"])) == sorted(df["release_dt"].dropna())
    # y is a lane index plus a small spread on the chart; the CSV gives the lane's label instead
    orgs = frame["customdata 1"]
    assert (frame["Organization"] == orgs.map(tl.short_lane)).all()
    assert sorted(frame["customdata 0"]) == sorted(df["name"])
    # hover lines with a label name their column; a clash with an axis title is marked, not overwritten
    assert {"Parameters", "License", "Date source", "Released (hover)"} <= set(frame.columns)


def test_license_matrix_is_melted_to_one_row_per_cell(catalog):
    fig = lc.license_matrix(catalog["models"], catalog["licenses"], rows="license", commercial_only=False)
    heat = fig.data[0]
    frame = figure_frame(fig)
    assert len(frame) == fig.layout.meta["rows"] * len(heat.x)
    assert set(frame["x"]) == {plain(h) for h in heat.x}
    assert "Attribution" in set(frame["x"]) and not frame["x"].str.contains("<br>").any()
    first = frame[frame["y"] == heat.y[0]]
    assert list(first["value"]) == list(heat.z[0])
    assert list(first["text"]) == list(heat.text[0])
    assert not frame["hovertext"].str.contains("<br>").any()


def test_stacked_bars_add_up_to_the_dated_models(catalog):
    df = catalog["models"]
    fig = ov.releases_per_quarter(df)
    frame = figure_frame(fig)
    assert list(frame.columns[:3]) == ["trace", "Release quarter", "Model variants released"]
    assert len(frame) == sum(len(t.x) for t in fig.data)
    assert frame["Model variants released"].sum() == df["release_dt"].notna().sum()


def test_horizontal_bars_keep_value_and_category_columns(catalog):
    df = catalog["models"]
    sel = df.set_index("id").loc[cmp.default_models(df["id"].tolist())].reset_index()
    fig = cmp.params_scale_figure(sel)
    frame = figure_frame(fig)
    value_col = next(c for c in frame.columns if c.startswith("Parameters"))
    total = frame[frame["trace"] == "Total parameters"].set_index("y")[value_col]
    for _, row in sel.iterrows():
        assert total[str(row["name"])] == pytest.approx(row["params_total_b"])


# ------------------------------------------------------------------ encodings and trace kinds
def test_typed_arrays_from_json_give_the_same_table():
    fig = go.Figure(go.Scatter(x=np.arange(5.0), y=np.array([3, 1, 4, 1, 5], dtype="i4"),
                               customdata=np.arange(10).reshape(5, 2), name="s",
                               hovertemplate="Rank: %{customdata[0]}<br>Votes %{customdata[1]}"))
    fig.update_layout(xaxis_title="Step", yaxis_title="Value")
    spec = fig.to_plotly_json()
    assert "bdata" in spec["data"][0]["y"]  # plotly 7 really stores base64 here
    rebuilt = go.Figure(spec, _validate=False)  # as pages/reasoning.py rebuilds cached specs
    assert isinstance(rebuilt.data[0].y, dict)
    a, b = figure_frame(fig), figure_frame(rebuilt)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert list(a.columns) == ["trace", "Step", "Value", "Rank", "Votes"]
    assert list(a["Value"]) == [3, 1, 4, 1, 5] and list(a["Votes"]) == [1, 3, 5, 7, 9]


def test_a_builder_can_name_unlabelled_customdata_columns():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], customdata=[["A", "org", "x"], ["B", "org", "y"]],
                               hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>Kind: %{customdata[2]}",
                               meta={"customdata": ["Model", "Organization"]}))
    assert list(figure_frame(fig).columns[3:]) == ["Model", "Organization", "Kind"]


def test_heatmap_cells_with_no_value_are_gaps_and_transpose_is_honoured():
    z = [[1.0, None, 3.0], [4.0, 5.0, 6.0]]
    fig = go.Figure(go.Heatmap(z=z, x=["a", "b", "c"], y=["r1", "r2"], colorbar={"title": {"text": "Load"}}))
    frame = figure_frame(fig)
    assert len(frame) == 5 and list(frame.columns[:4]) == ["trace", "x", "y", "Load"]
    assert frame.set_index(["y", "x"]).loc[("r2", "c"), "Load"] == 6.0
    t = figure_frame(go.Figure(go.Heatmap(z=np.array(z, dtype=float).T, x=["a", "b", "c"], y=["r1", "r2"],
                                          transpose=True)))
    assert t.set_index(["y", "x"]).loc[("r2", "c"), "value"] == 6.0


def test_box_and_histogram_give_one_row_per_sample():
    fig = go.Figure([go.Box(y=[1, 2, 3, 10], name="A"), go.Histogram(x=[1, 1, 2], name="H")])
    frame = figure_frame(fig)
    assert len(frame[frame["trace"] == "A"]) == 4 and len(frame[frame["trace"] == "H"]) == 3
    assert sorted(frame.loc[frame["trace"] == "A", "y"]) == [1, 2, 3, 10]


def test_animation_frames_are_ignored():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="now"),
                    frames=[go.Frame(data=[go.Bar(x=["a", "b"], y=[9, 9])], name=str(i)) for i in range(3)])
    frame = figure_frame(fig)
    assert list(frame["y"]) == [1, 2]


def test_implicit_x_scalar_text_and_line_gaps():
    fig = go.Figure(go.Scatter(y=[1.0, None, 3.0], text="same", mode="lines+markers", name="l"))
    frame = figure_frame(fig)
    assert list(frame["x"]) == [0, 1, 2]  # plotly's x0 + dx·i
    assert list(frame["text"]) == ["same"] * 3
    gap = go.Figure(go.Scatter(x=[1, None, 3], y=[1, None, 3]))
    assert len(figure_frame(gap)) == 2  # a NaN separator is not a point


def test_subplots_use_their_own_axis_titles():
    fig = go.Figure([go.Bar(x=["a"], y=[1], name="left"), go.Bar(x=["b"], y=[2], name="right",
                                                                 xaxis="x2", yaxis="y2")])
    fig.update_layout(xaxis={"domain": [0, 0.4]}, xaxis2={"domain": [0.6, 1], "title": {"text": "Kind"}},
                      yaxis={"title": {"text": "GFLOPs"}}, yaxis2={"anchor": "x2", "title": {"text": "GB"}})
    frame = figure_frame(fig).set_index("trace")
    assert frame.loc["left", "GFLOPs"] == 1 and pd.isna(frame.loc["left", "GB"])
    assert frame.loc["right", "GB"] == 2 and frame.loc["right", "Kind"] == "b"


def test_decorations_are_left_out_but_reported_and_can_be_included():
    fig = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], name="data"),
                     go.Scatter(x=[None], y=[None], name="legend key", hoverinfo="skip"),
                     go.Scatter(x=[1, 2], y=[2, 2], name="guide", hoverinfo="none"),
                     go.Pie(values=[1, 2], labels=["a", "b"], name="pie")])
    frame = figure_frame(fig)
    assert set(frame["trace"]) == {"data"}
    assert frame.attrs["skipped"] == ["legend key: decoration (no hover)", "guide: decoration (no hover)",
                                      "pie: pie traces are not exported"]
    assert set(figure_frame(fig, include_decorations=True)["trace"]) == {"data", "guide"}
    # a chart drawn only with hover-less traces still has data
    only = go.Figure(go.Bar(x=["a"], y=[1], name="b", hoverinfo="skip"))
    assert len(figure_frame(only)) == 1


def test_lane_labels_only_for_lane_axes():
    lanes = go.Figure(go.Scatter(x=[1, 2, 3], y=[0.0, 1.1, 0.9], name="p"))
    lanes.update_yaxes(title_text="Org", tickvals=[0, 1], ticktext=["A", "B"])
    assert list(figure_frame(lanes)["Org"]) == ["A", "B", "B"]
    numeric = go.Figure(go.Scatter(x=[1, 2], y=[120.0, 1700.0]))
    numeric.update_yaxes(title_text="Tokens", tickvals=[0, 1000, 2000], ticktext=["0", "1k", "2k"])
    assert list(figure_frame(numeric)["Tokens"]) == [120.0, 1700.0]


def test_csv_round_trip_and_empty_figure():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.0], name="n"))
    fig.update_layout(xaxis_title="Model", yaxis_title="Score (%)")
    back = pd.read_csv(io.BytesIO(figure_csv(fig)))
    assert list(back.columns) == ["trace", "Model", "Score (%)"] and list(back["Score (%)"]) == [1.5, 2.0]
    empty = figure_frame(go.Figure())
    assert list(empty.columns) == ["trace"] and len(empty) == 0


def test_escaped_names_come_back_as_the_typed_text_not_markup():
    fig = go.Figure(go.Scatter(x=[1], y=[2], hovertext=["<b>&lt;script&gt;x&amp;y&lt;/script&gt;</b><br>line 2"]))
    assert figure_frame(fig)["hovertext"].tolist() == ["<script>x&y</script> · line 2"]  # <br> -> " · "
