"""Timeline figure builders, checked as data: traces, points, lanes, as-of frames, landmarks, frontier lags."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.catalog.errors import CatalogInvalid
from components.catalog.fields import label
from components.catalog.frame import release_timestamp, scores_frame, to_frame
from components.catalog.loader import load_catalog
from components.charts import timeline as tl
from components.charts.figure_data import values
from components.charts.style import TIER_COLORS, TIER_LABELS, WEIGHTS_LABELS
from tests.conftest import FIXTURE_CATALOG


def model(id_, org, date, *, weights="open", tier="permissive", arch="dense", total=7.0, active=None,
          family=None, name=None, precision=None, event="weights"):
    return {"id": id_, "name": name or id_, "family": family or id_.split("/")[0], "organization": org,
            "release_date": date, "release_dt": release_timestamp(date),
            "release_precision": precision or ({1: "year", 2: "month", 3: "day"}[len(date.split("-"))]
                                               if date else None),
            "release_event": event if date else None, "weights": weights, "license_name": f"{tier} license",
            "license_tier": tier, "architecture": arch, "params_total_b": total, "params_active_b": active,
            "release_date_source": f"https://example.org/{id_}", "open_weights": weights in ("open", "gated_open")}


def frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["release_dt"] = pd.to_datetime(df["release_dt"])
    for c in ("params_total_b", "params_active_b"):
        df[c] = pd.to_numeric(df[c]).astype("float64")
    return df


@pytest.fixture
def models() -> pd.DataFrame:
    return frame([
        model("llama/65b", "Meta", "2023-02-24", weights="gated_open", tier="research_only", total=65),
        model("llama-2/70b", "Meta", "2023-07-18", weights="gated_open", tier="conditional", total=70),
        model("llama-2/7b", "Meta", "2023-07-18", weights="gated_open", tier="conditional", total=7),
        model("mixtral/8x7b", "Mistral", "2023-12-11", arch="moe", total=46.7, active=12.9),
        model("gpt-4/gpt-4", "OpenAI", "2023-03", weights="closed", tier="proprietary", arch=None, total=None),
        model("phi/phi-2", "Microsoft", "2023", total=2.7),
        model("undated/x", "Nowhere", None, total=1.0),
    ])


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace {name!r} in {[t.name for t in fig.data]}"
    return found[0]


def ids_in(t) -> list[str]:
    return [c[0] for c in t.customdata]


def ys(v) -> np.ndarray:
    """y values as floats, whether an array or a base64 typed array (the Replay frames carry those)."""
    return values(v).astype(float)


# ----------------------------------------------------------------------------- helpers
def test_size_is_log_scaled_on_a_fixed_range_and_unknown_is_small():
    px = tl.size_px(pd.Series([0.1, 1.0, 10.0, 100.0, 2000.0, np.nan]))
    assert px[0] == pytest.approx(tl.SIZE_PX[0]) and px[4] == pytest.approx(tl.SIZE_PX[1])
    steps = np.diff(px[:4])
    assert steps == pytest.approx([steps[0]] * 3)  # equal steps per decade: log scale
    assert px[5] == tl.UNKNOWN_SIZE_PX


def test_month_options_and_released_by(models):
    months = tl.month_options(models)
    assert months[0] == "2023-01" and months[-1] == "2023-12" and len(months) == 12
    assert set(tl.released_by(models, "2023-03")["id"]) == {"llama/65b", "gpt-4/gpt-4", "phi/phi-2"}
    assert len(tl.released_by(models, None)) == 6  # every dated model
    assert tl.month_end("2023-12") == pd.Timestamp("2024-01-01")


def test_load_landmarks_tolerates_missing_and_malformed_files(tmp_path):
    assert tl.load_landmarks(tmp_path / "nope.yaml").empty
    (tmp_path / "bad.yaml").write_text("landmarks: [unclosed")
    assert tl.load_landmarks(tmp_path / "bad.yaml").empty
    (tmp_path / "ok.yaml").write_text(
        "landmarks:\n  - {model_id: llama/65b, label: LLaMA}\n  - {label: no id}\n  - just text\n")
    got = tl.load_landmarks(tmp_path / "ok.yaml")
    assert got.to_dict("records") == [{"model_id": "llama/65b", "label": "LLaMA"}]


def test_shipped_landmarks_file_names_real_models():
    data = Path(__file__).resolve().parents[2] / "data"
    marks = tl.load_landmarks(data / "landmarks.yaml")
    assert len(marks) >= 7
    try:
        ids = set(to_frame(load_catalog(data))["id"])
    except CatalogInvalid:
        pytest.skip("the shipped catalog does not validate right now (curators at work)")
    missing = set(marks["model_id"]) - ids
    assert not missing, f"landmarks name models that are not in the catalog: {missing}"


# ----------------------------------------------------------------------------- releases over time
def test_one_trace_per_license_tier_with_its_models_and_colour(models):
    fig = tl.releases_timeline(models, animate=False)
    data = [t for t in fig.data if t.customdata is not None]
    assert sum(len(t.x) for t in data) == 6  # the undated model is not drawn...
    assert fig.layout.meta["hidden"] == {"no release date": 1}  # ...and is counted
    assert "1 hidden: no release date" in fig.layout.title.subtitle.text
    research = trace(fig, TIER_LABELS["research_only"])
    assert ids_in(research) == ["llama/65b"] and research.marker.color == TIER_COLORS["research_only"]
    assert sorted(ids_in(trace(fig, TIER_LABELS["conditional"]))) == ["llama-2/70b", "llama-2/7b"]
    assert list(trace(fig, TIER_LABELS["proprietary"]).x) == [pd.Timestamp("2023-03-01")]
    assert fig.layout.xaxis.title.text == label("release_date")
    assert fig.layout.yaxis.title.text == label("organization")


def test_colour_by_weights_uses_the_weights_legend(models):
    fig = tl.releases_timeline(models, color_by="weights", animate=False)
    names = {t.name for t in fig.data if t.customdata is not None}
    assert names == {WEIGHTS_LABELS["open"], WEIGHTS_LABELS["gated_open"], WEIGHTS_LABELS["closed"]}
    assert sorted(ids_in(trace(fig, WEIGHTS_LABELS["gated_open"]))) == ["llama-2/70b", "llama-2/7b", "llama/65b"]


def test_lanes_follow_first_release_and_can_be_families(models):
    fig = tl.releases_timeline(models, animate=False)
    assert list(fig.layout.yaxis.ticktext) == ["Microsoft", "Meta", "OpenAI", "Mistral"]
    fam = tl.releases_timeline(models, lanes="family", animate=False)
    assert list(fam.layout.yaxis.ticktext) == ["phi", "llama", "gpt-4", "llama-2", "mixtral"]
    assert fam.layout.yaxis.title.text == label("family")
    # every marker sits in its own lane's band
    for t in fam.data:
        if t.customdata is not None:
            for y, cd in zip(t.y, t.customdata):
                lane = list(fam.layout.yaxis.ticktext).index(cd[0].split("/")[0])
                assert abs(y - lane) < 0.5


def test_same_day_variants_are_spread_not_stacked(models):
    fig = tl.releases_timeline(models, animate=False)
    cond = trace(fig, TIER_LABELS["conditional"])
    ys = dict(zip(ids_in(cond), cond.y))
    assert ys["llama-2/70b"] != ys["llama-2/7b"]
    assert ys["llama-2/70b"] < ys["llama-2/7b"]  # bigger one on top (axis reversed: smaller y is higher)
    assert abs(ys["llama-2/70b"] - ys["llama-2/7b"]) < 0.5


def test_shape_and_size_encode_architecture_and_parameters(models):
    fig = tl.releases_timeline(models, animate=False)
    perm = trace(fig, TIER_LABELS["permissive"])
    sym = dict(zip(ids_in(perm), perm.marker.symbol))
    size = dict(zip(ids_in(perm), perm.marker.size))
    assert sym["mixtral/8x7b"] == "diamond" and sym["phi/phi-2"] == "circle"
    assert size["mixtral/8x7b"] > size["phi/phi-2"]
    gpt4 = trace(fig, TIER_LABELS["proprietary"])
    assert list(gpt4.marker.size) == [tl.UNKNOWN_SIZE_PX] and gpt4.marker.symbol[0].endswith("-open")
    assert fig.layout.meta["unknown_size"] == 1
    assert "1 of unknown size" in fig.layout.title.subtitle.text
    assert {"Dense", "Mixture of experts", "Size unknown"} <= {t.name for t in fig.data}


def test_hover_card_has_date_precision_params_license_and_source(models):
    fig = tl.releases_timeline(models, animate=False)
    cd = {c[0]: c for t in fig.data if t.customdata is not None for c in t.customdata}
    assert cd["mixtral/8x7b"][3] == "46.7 B total, 12.9 B active (MoE)"
    assert cd["gpt-4/gpt-4"][2] == "2023-03 (month only) · weights" and cd["gpt-4/gpt-4"][3] == "unknown"
    assert cd["llama/65b"][4].startswith("research_only license — Research only")
    assert cd["llama/65b"][5] == "https://example.org/llama/65b"
    assert "customdata[5]" in fig.data[0].hovertemplate


def test_asof_keeps_only_models_released_by_then(models):
    fig = tl.releases_timeline(models, asof="2023-03", animate=False)
    drawn = {i for t in fig.data if t.customdata is not None for i in ids_in(t)}
    assert drawn == {"llama/65b", "gpt-4/gpt-4", "phi/phi-2"}
    assert fig.layout.meta["later"] == 3 and fig.layout.meta["shown"] == 3
    assert "Mistral" not in fig.layout.yaxis.ticktext
    assert fig.layout.title.text.endswith("as of 2023-03")
    assert pd.Timestamp(fig.layout.xaxis.range[1]) < pd.Timestamp("2023-04-15")


def test_frames_replay_month_by_month_and_end_on_the_asof_state(models):
    fig = tl.releases_timeline(models, asof="2023-07")
    names = [f.name for f in fig.frames]
    assert names == ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "2023-07"]
    assert fig.layout.sliders[0].active == len(names) - 1
    assert [s.label for s in fig.layout.sliders[0].steps] == names
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    cond_idx = next(i for i, t in enumerate(fig.data) if t.name == TIER_LABELS["conditional"])
    by_name = {f.name: f for f in fig.frames}
    for month, visible in (("2023-06", 0), ("2023-07", 2)):
        f = by_name[month]
        y = ys(f.data[list(f.traces).index(cond_idx)].y)
        assert int(np.isfinite(y).sum()) == visible
    last = by_name["2023-07"]
    for t_idx, t in zip(last.traces, last.data):
        np.testing.assert_allclose(ys(t.y), ys(fig.data[t_idx].y))


def test_landmarks_are_drawn_from_data_and_missing_ones_are_skipped(models):
    marks = pd.DataFrame({"model_id": ["llama/65b", "mixtral/8x7b", "no-such/model"],
                          "label": ["LLaMA: research-only", "Mixtral: sparse MoE", "Ghost"]})
    fig = tl.releases_timeline(models, landmarks=marks, animate=False)
    ring, text = trace(fig, "Landmark (seed article)"), trace(fig, "Landmark label")
    assert [t.strip() for t in text.text] == ["LLaMA: research-only", "Mixtral: sparse MoE"]
    research = trace(fig, TIER_LABELS["research_only"])
    assert ring.x[0] == research.x[0] and ring.y[0] == pytest.approx(research.y[0])  # on the model's own point
    assert text.x[0] == research.x[0] and all(y < -0.5 for y in text.y)  # label in the band above the lanes
    assert fig.layout.yaxis.range[1] < min(text.y)  # ...and the band is inside the axis range
    assert fig.layout.meta["landmarks"] == ["LLaMA: research-only", "Mixtral: sparse MoE"]
    # a landmark whose model is filtered out (or not yet released) is not drawn
    fig2 = tl.releases_timeline(models[models["id"] != "mixtral/8x7b"], landmarks=marks, asof="2023-12")
    assert [t.strip() for t in trace(fig2, "Landmark label").text] == ["LLaMA: research-only"]
    fig3 = tl.releases_timeline(models, landmarks=marks.iloc[2:], animate=False)
    assert not {t.name for t in fig3.data} & {"Landmark (seed article)", "Landmark label"}


def test_empty_and_large_inputs(models):
    empty = tl.releases_timeline(models.iloc[0:0])
    assert empty.layout.meta["shown"] == 0 and not empty.frames
    early = tl.releases_timeline(models, asof="2022-01")
    assert early.layout.meta["shown"] == 0
    big = pd.concat([models.iloc[:6]] * 200, ignore_index=True)
    big["id"] = [f"{i}/{n}" for n, i in enumerate(big["id"])]
    fig = tl.releases_timeline(big)
    assert all(isinstance(t, go.Scattergl) for t in fig.data if t.customdata is not None)
    assert sum(len(t.x) for t in fig.data if t.customdata is not None) == 1200


def test_works_on_the_fixture_catalog():
    cat = load_catalog(FIXTURE_CATALOG)
    df, scores = to_frame(cat), scores_frame(cat)
    fig = tl.releases_timeline(df, landmarks=tl.load_landmarks(FIXTURE_CATALOG / "landmarks.yaml"))
    assert fig.layout.meta["shown"] == len(df.dropna(subset=["release_dt"]))
    ffig = tl.open_closed_frontier(df, scores, "mmlu")
    assert ffig.layout.meta["n_open"] >= 1 and ffig.layout.meta["n_closed"] >= 1


# ----------------------------------------------------------------------------- open vs closed frontier
@pytest.fixture
def bench_models() -> pd.DataFrame:
    return frame([
        model("o/a", "O", "2023-01-10"), model("o/b", "O", "2023-06-01"), model("o/c", "O", "2024-03-05"),
        model("o/d", "O", "2024-04-01"),
        model("c/x", "C", "2023-03-14", weights="closed", tier="proprietary", total=None),
        model("c/y", "C", "2023-09-01", weights="closed", tier="proprietary", total=None),
        model("c/z", "C", "2024-05-01", weights="closed", tier="proprietary", total=None),
        model("o/noscore", "O", "2023-02-01"),
    ])


@pytest.fixture
def bench_scores() -> pd.DataFrame:
    rows = [("o/a", 50.0), ("o/b", 70.0), ("o/b", 72.0), ("o/c", 86.0), ("o/d", 80.0),
            ("c/x", 60.0), ("c/y", 85.0), ("c/z", 90.0), ("o/a", 40.0)]
    return pd.DataFrame([{"model_id": m, "benchmark": "mmlu", "setting": "5-shot", "value": v, "self_reported": True,
                          "source_url": f"https://example.org/{m}", "version": None, "note": None} for m, v in rows]
                        + [{"model_id": "o/a", "benchmark": "gsm8k", "setting": None, "value": 10.0,
                            "self_reported": False, "source_url": None, "version": None, "note": None}])


def test_best_score_per_model_and_records(bench_models, bench_scores):
    pts = tl.best_scores(bench_models, bench_scores, "mmlu")
    assert dict(zip(pts["model_id"], pts["value"]))["o/b"] == 72.0
    rec = tl.frontier_records(pts[pts["open_weights"]])
    assert list(rec["model_id"]) == ["o/a", "o/b", "o/c"]  # o/d (80) came after 86: not a new best
    low = tl.frontier_records(pts[pts["open_weights"]], higher_is_better=False)
    assert list(low["model_id"]) == ["o/a"]


def test_lags_count_months_until_open_weights_matched(bench_models, bench_scores):
    lags = tl.frontier_lags(tl.best_scores(bench_models, bench_scores, "mmlu"))
    got = {r.closed_model: (r.open_model, r.lag_months) for r in lags.itertuples()}
    assert got["c/x"] == ("o/b", 3)  # 60 in 2023-03, open 72 in 2023-06
    assert got["c/y"] == ("o/c", 6)  # 85 in 2023-09, open 86 in 2024-03
    assert pd.isna(got["c/z"][0]) and pd.isna(got["c/z"][1])  # 90: not yet matched
    # an open model already above the closed best: lag 0
    early = bench_scores.assign(value=np.where(bench_scores["model_id"] == "o/a", 99.0, bench_scores["value"]))
    lags0 = tl.frontier_lags(tl.best_scores(bench_models, early, "mmlu"))
    assert set(lags0["lag_months"]) == {0}


def test_frontier_figure_steps_lags_and_hidden_counts(bench_models, bench_scores):
    fig = tl.open_closed_frontier(bench_models, bench_scores, "mmlu", bench_name="MMLU", unit="%")
    open_line = trace(fig, "Open weights: best so far")
    assert list(open_line.y) == [50.0, 72.0, 86.0, 86.0] and open_line.line.shape == "hv"
    assert pd.Timestamp(open_line.x[-1]) == pd.Timestamp("2024-05-31")  # carried to the as-of month's end
    assert list(trace(fig, "Closed: best so far").y) == [60.0, 85.0, 90.0, 90.0]
    assert len(trace(fig, "Open weights: each model").x) == 4
    texts = [a.text for a in fig.layout.annotations]
    assert sorted(texts) == ["3 mo", "6 mo", "not yet matched"]
    # the lag bracket runs from the closed record to the open match, just under the closed level
    lag = trace(fig, "Months until open weights matched")
    first = [pd.Timestamp(x) for x in lag.x[:4]]
    assert first[0] == pd.Timestamp("2023-03-14") and first[2] == pd.Timestamp("2023-06-01")
    assert lag.y[0] == 60.0 and lag.y[1] < 60.0
    assert fig.layout.meta["hidden"] == {"no MMLU score": 1, "date known only to the year": 0,
                                         "no release date": 0}
    assert "1 hidden (1 no MMLU score)" in fig.layout.title.subtitle.text
    assert "not strictly comparable" in fig.layout.title.subtitle.text
    assert fig.layout.yaxis.title.text == "MMLU (%)"


def test_frontier_leaves_out_year_only_dates_and_says_so(bench_models, bench_scores):
    # o/b's date known only as "2023" would sit on 1 January and set an early record it never held
    models = bench_models.copy()
    models.loc[models["id"] == "o/b", ["release_date", "release_precision"]] = ["2023", "year"]
    models.loc[models["id"] == "o/b", "release_dt"] = pd.Timestamp("2023-01-01")
    fig = tl.open_closed_frontier(models, bench_scores, "mmlu")
    assert list(trace(fig, "Open weights: best so far").y) == [50.0, 86.0, 86.0]
    assert fig.layout.meta["hidden"]["date known only to the year"] == 1
    assert "1 date known only to the year" in fig.layout.title.subtitle.text


def test_frontier_respects_asof(bench_models, bench_scores):
    fig = tl.open_closed_frontier(bench_models, bench_scores, "mmlu", asof="2023-12")
    assert list(trace(fig, "Open weights: best so far").y) == [50.0, 72.0, 72.0]
    assert [lag["months"] for lag in fig.layout.meta["lags"]] == [3, None]  # 85 not matched by 2023-12
    assert fig.layout.meta["n_open"] == 2 and fig.layout.meta["n_closed"] == 2


def test_frontier_benchmarks_need_open_and_closed_scores(bench_models, bench_scores):
    got = tl.frontier_benchmarks(bench_models, bench_scores)
    assert got.to_dict("records") == [{"benchmark": "mmlu", "n_open": 4, "n_closed": 3}]  # gsm8k: open only


def test_lane_labels_are_shortened_readably():
    assert tl.short_lane("Meta") == "Meta"
    assert tl.short_lane("Technology Innovation Institute (TII)") == "TII"
    assert tl.short_lane("Google (Google DeepMind)") == "Google DeepMind"
    long = tl.short_lane("An Extremely Long Organization Name Without Parentheses")
    assert len(long) <= tl.LANE_LABEL_MAX and long.endswith("…")


def test_close_landmarks_get_separate_label_rows_and_replay_with_their_models(models):
    marks = pd.DataFrame({"model_id": ["llama-2/70b", "llama-2/7b", "mixtral/8x7b"],
                          "label": ["Llama 2: commercial license", "Llama 2 small", "Mixtral: sparse MoE"]})
    fig = tl.releases_timeline(models, landmarks=marks)
    text = trace(fig, "Landmark label")
    assert len(set(text.y)) == 3  # same-day labels (and Mixtral's, close by) stack in different rows
    idx = list(fig.data).index(text)
    by_name = {f.name: f for f in fig.frames}
    for month, shown in (("2023-06", 0), ("2023-07", 2), ("2023-12", 3)):
        f = by_name[month]
        y = ys(f.data[list(f.traces).index(idx)].y)
        assert int(np.isfinite(y).sum()) == shown


def test_legend_shows_each_colour_once_with_a_filled_marker(models):
    fig = tl.releases_timeline(models, animate=False)
    entries = [t for t in fig.data if t.showlegend is not False and t.name in TIER_LABELS.values()]
    assert sorted(t.name for t in entries) == sorted({t.name for t in fig.data if t.customdata is not None})
    assert all(t.marker.symbol == "circle" for t in entries)


def test_replay_is_left_out_past_its_size_limit_and_says_so(models, monkeypatch):
    asof = tl.month_options(models)[-1]
    fig = tl.releases_timeline(models, asof=asof)
    assert len(fig.frames) > 1 and "replay_off" not in fig.layout.meta
    monkeypatch.setattr(tl, "REPLAY_MAX_POINTS", fig.layout.meta["shown"] - 1)
    big = tl.releases_timeline(models, asof=asof)
    assert len(big.frames) == 0 and not big.layout.updatemenus        # no frames, no play button
    assert f"this view has {fig.layout.meta['shown']:,}" in big.layout.meta["replay_off"]
    assert big.layout.meta["shown"] == fig.layout.meta["shown"]          # the same points, just no replay
