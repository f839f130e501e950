"""Size vs score builders, checked as data: picked scores, hidden counts, frontier, dumbbells, labels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.catalog.frame import scores_frame, to_frame
from components.catalog.loader import load_catalog
from components.charts import size as sz
from components.charts.style import TIER_COLORS, TIER_LABELS
from tests.conftest import FIXTURE_CATALOG

BENCH = pd.DataFrame([
    {"id": "mmlu", "name": "MMLU", "metric": "accuracy", "unit": "%", "higher_is_better": True, "url": "u"},
    {"id": "gsm8k", "name": "GSM8K", "metric": "accuracy", "unit": "%", "higher_is_better": True, "url": "u"},
    {"id": "ppl", "name": "Perplexity", "metric": "ppl", "unit": "score", "higher_is_better": False, "url": "u"},
])


def _model(mid, total, active=None, arch="dense", tier="permissive", weights="open", name=None):
    eff_active = total if arch == "dense" and active is None else active
    eff = math.sqrt(total * eff_active) if total is not None and eff_active is not None else None
    return {"id": mid, "name": name or mid.upper(), "organization": "Org " + mid[0], "license_tier": tier,
            "license_name": "L", "weights": weights, "architecture": arch, "params_total_b": total,
            "params_active_b": active, "params_active_eff_b": eff_active, "params_effective_b": eff}


@pytest.fixture
def models():
    rows = [
        _model("a", 7.0),
        _model("b", 70.0, tier="conditional"),
        _model("c", 46.7, 12.9, arch="moe"),
        _model("d", 2.0, tier="research_only"),
        _model("e", None, weights="closed", tier="proprietary"),  # closed, size not disclosed
        _model("f", None),  # open, size unknown
        _model("g", 13.0),  # no score at all
        _model("h", 400.0, None, arch="moe", tier="conditional"),  # MoE without active size
    ]
    df = pd.DataFrame(rows)
    for c in ("params_total_b", "params_active_b", "params_active_eff_b", "params_effective_b"):
        df[c] = df[c].astype("float64")
    return df


def _score(mid, value, setting="5-shot", bench="mmlu", self_reported=True):
    return {"model_id": mid, "benchmark": bench, "setting": setting, "value": value,
            "self_reported": self_reported, "source_url": f"https://example.org/{mid}", "version": None,
            "note": None}


@pytest.fixture
def scores():
    return pd.DataFrame([
        _score("a", 60.0),
        _score("b", 0.0, setting="0-shot CoT"),   # listed first, but not the main setting
        _score("b", 69.0),                          # the 5-shot one is picked
        _score("c", 70.6, self_reported=False),
        _score("d", 40.0, setting=None),            # only score: picked although not 5-shot
        _score("e", 86.0),
        _score("f", 55.0),
        _score("h", 80.0, setting="0-shot"),
        _score("a", 30.0, bench="gsm8k", setting="8-shot"),
    ])


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace named {name!r}: {[t.name for t in fig.data]}"
    return found[0]


def _points(fig):
    """All data points of the tier traces (not the frontier, dumbbell lines or legend keys)."""
    tiers = set(TIER_LABELS.values())
    return [t for t in fig.data if t.name in tiers and t.mode == "markers"]


# ------------------------------------------------------------------------ options and picking

def test_benchmark_options_only_with_data_and_counted_per_model(scores):
    opts = sz.benchmark_options(scores, BENCH, ["a", "b", "c", "d"])
    assert list(opts["id"]) == ["mmlu", "gsm8k"]  # no 'ppl': it has no scores
    assert list(opts["n_models"]) == [4, 1]  # b's two MMLU scores count once
    assert list(opts["label"]) == ["MMLU (4 models)", "GSM8K (1 model)"]


def test_main_setting_is_most_common_and_prefers_stated_settings(scores):
    assert sz.main_setting(scores, "mmlu") == "5-shot"
    tie = pd.DataFrame([_score("x", 1, setting=None), _score("y", 1, setting="3-shot")])
    assert sz.main_setting(tie, "mmlu") == "3-shot"
    mostly_unstated = pd.DataFrame([_score("x", 1, setting=None), _score("y", 1, setting=None),
                                    _score("z", 1, setting="4-shot")])
    assert sz.main_setting(mostly_unstated, "mmlu") == "4-shot"
    only_unstated = pd.DataFrame([_score("x", 1, setting=None)])
    assert sz.main_setting(only_unstated, "mmlu") == sz.NO_SETTING
    assert sz.main_setting(scores, "nope") is None


def test_pick_prefers_main_setting_then_first_listed(scores):
    picked, main = sz.pick_scores(scores, "mmlu")
    by_id = picked.set_index("model_id")
    assert main == "5-shot"
    assert by_id.loc["b", "value"] == 69.0 and by_id.loc["b", "n_scores_bench"] == 2
    assert by_id.loc["d", "setting_label"] == sz.NO_SETTING
    assert by_id.loc["h", "setting_label"] == "0-shot"
    assert picked["model_id"].is_unique


def test_default_spotlight_uses_existing_ids_then_names():
    models = pd.DataFrame({"id": ["gemma/7b", "yi/34b", "mistral/mixtral-8x7b", "other/x"],
                           "name": ["Gemma 7B", "Yi-34B", "Mixtral 8x7B", "Other"]})
    assert sz.default_spotlight(models) == ["gemma/7b", "mistral/mixtral-8x7b", "yi/34b"]


def test_default_spotlight_ids_exist_in_the_shipped_catalog():
    from components.catalog.loader import DATA_DIR
    ids = {p.stem for p in (DATA_DIR / "models").glob("*.yaml")}
    for _, candidates in sz.SEED_SPOTLIGHT[:8]:  # Grok-1 is matched by name if its id differs
        assert candidates[0].split("/")[0] in ids, candidates


# ------------------------------------------------------------------------ points and hidden counts

def test_hidden_counts_and_points_total(models, scores):
    d = sz.size_score_data(models, scores, "mmlu", size="total", benchmarks=BENCH)
    assert sorted(d.points["id"]) == ["a", "b", "c", "d", "h"]
    assert d.hidden == {"no MMLU score": 1, "closed weights with undisclosed size": 1, "no total size": 1}
    assert d.several_scores == 1
    assert d.settings == {"5-shot": 3, "setting not stated": 1, "0-shot": 1}
    assert next(iter(d.settings)) == "5-shot"
    pts = d.points.set_index("id")
    assert pts.loc["c", "x"] == 46.7 and not pts.loc["c", "self_reported"]


def test_active_and_effective_axes(models, scores):
    act = sz.size_score_data(models, scores, "mmlu", size="active", benchmarks=BENCH)
    eff = sz.size_score_data(models, scores, "mmlu", size="effective", benchmarks=BENCH)
    assert act.points.set_index("id").loc["c", "x"] == 12.9
    assert act.points.set_index("id").loc["a", "x"] == 7.0  # dense: active = total
    assert eff.points.set_index("id").loc["c", "x"] == pytest.approx(math.sqrt(46.7 * 12.9))
    assert "h" not in set(act.points["id"])  # MoE without active size is hidden, and counted
    assert act.hidden["no active size"] == 2 and eff.hidden["no effective size"] == 2
    with pytest.raises(ValueError):
        sz.size_score_data(models, scores, "mmlu", size="biggest")


# ------------------------------------------------------------------------ frontier

def test_pareto_frontier_points():
    x = [1, 2, 3, 4, 5, 5]
    y = [10, 8, 12, 12, 20, 25]
    idx = sz.pareto_frontier(x, y)
    assert list(idx) == [0, 2, 5]  # 8 and the second 12 are dominated; 25 beats 20 at the same size
    fx, fy = sz.frontier_line(x, y, x_end=9)
    assert fx == [1, 3, 5, 9] and fy == [10, 12, 25, 25]
    low = sz.pareto_frontier([1, 2, 3], [5.0, 3.0, 4.0], higher_is_better=False)
    assert list(low) == [0, 1]
    assert len(sz.pareto_frontier([], [])) == 0


# ------------------------------------------------------------------------ figure

def test_figure_traces_axes_and_encoding(models, scores):
    d = sz.size_score_data(models, scores, "mmlu", size="total", benchmarks=BENCH)
    fig = sz.size_score_figure(d, spotlight=["b", "c", "g"])
    pts = _points(fig)
    assert sum(len(t.x) for t in pts) == 5
    assert all(isinstance(t, go.Scatter) for t in pts)
    cond = _trace(fig, TIER_LABELS["conditional"])
    assert cond.marker.color == TIER_COLORS["conditional"]
    assert sorted(cond.x) == [70.0, 400.0]
    perm = _trace(fig, TIER_LABELS["permissive"])
    syms = dict(zip(perm.x, perm.marker.symbol, strict=True))
    assert syms[46.7] == "diamond-open"  # MoE, independent score
    assert syms[7.0] == "circle"  # dense, self-reported
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "Total parameters (B)"
    assert fig.layout.yaxis.title.text == "MMLU (%)"
    for key in ("Self-reported score (filled)", "Independent evaluation (open)"):
        assert _trace(fig, key).x == (None,)
    assert _trace(fig, "Pareto frontier").line.shape == "hv"
    # Spotlight: b and c are labelled; g has no score, so no label.
    texts = sorted(a.text for a in fig.layout.annotations)
    assert texts == ["B", "C"]
    ann_c = next(a for a in fig.layout.annotations if a.text == "C")
    assert ann_c.x == pytest.approx(math.log10(46.7))
    assert "https://example.org/b" in cond.customdata[list(cond.x).index(70.0)]
    assert "5-shot" in fig.layout.title.subtitle.text


def test_frontier_values(models, scores):
    d = sz.size_score_data(models, scores, "mmlu", size="total", benchmarks=BENCH)
    front = _trace(sz.size_score_figure(d), "Pareto frontier")
    # d(2B,40) -> a(7B,60) -> c(46.7B,70.6) -> h(400B,80); b (70B, 69) is below c.
    assert list(front.x) == [2.0, 7.0, 46.7, 400.0]
    assert list(front.y) == [40.0, 60.0, 70.6, 80.0]


def test_dumbbells_join_active_and_total(models, scores):
    d = sz.size_score_data(models, scores, "mmlu", size="both", benchmarks=BENCH)
    assert d.no_dumbbell == 1  # h is MoE without an active size
    fig = sz.size_score_figure(d)
    lines = [t for t in fig.data if t.mode == "lines" and t.name.endswith("(active → total)")]
    assert len(lines) == 1
    x = np.asarray(lines[0].x, dtype=float)
    y = np.asarray(lines[0].y, dtype=float)
    assert list(x[:2]) == [12.9, 46.7] and math.isnan(x[2])
    assert list(y[:2]) == [70.6, 70.6]
    perm = _trace(fig, TIER_LABELS["permissive"])
    assert sorted(perm.x) == [7.0, 12.9, 46.7]  # markers at both ends of c's dumbbell
    assert _trace(fig, "Pareto frontier (by total size)")
    assert "active" in fig.layout.xaxis.title.text


def test_scattergl_above_threshold(monkeypatch, models, scores):
    monkeypatch.setattr(sz, "SCATTERGL_ABOVE", 2)
    d = sz.size_score_data(models, scores, "mmlu", size="both", benchmarks=BENCH)
    fig = sz.size_score_figure(d, spotlight=["a"])
    assert all(isinstance(t, go.Scattergl) for t in _points(fig))
    assert [a.text for a in fig.layout.annotations] == ["A"]


def test_labels_do_not_overlap_when_points_crowd():
    # Six points within a few pixels of each other in the middle of an 800 x 400 plot.
    px = np.array([400.0, 404, 408, 402, 406, 410])
    py = np.array([200.0, 203, 199, 205, 201, 204])
    texts = [f"Model number {i}" for i in range(len(px))]
    font = 12
    offsets = sz._place_labels(px, py, texts, px, py, 800, 400, font)
    boxes = []
    for (ax, ay), x, y, t in zip(offsets, px, py, texts, strict=True):
        w, h = 0.6 * font * len(t) + 8, font + 10
        cx, cy = x + ax, y - ay
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= 800 and 0 <= a[1] and a[3] <= 400
        for b in boxes[i + 1:]:
            overlap = min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
            assert not overlap, (a, b)


def test_empty_points_give_axes_but_no_traces(models, scores):
    d = sz.size_score_data(models[models["id"] == "g"], scores, "mmlu", benchmarks=BENCH)
    assert d.points.empty and d.hidden["no MMLU score"] == 1
    fig = sz.size_score_figure(d)
    assert len(fig.data) == 0 and fig.layout.xaxis.type == "log"


def test_fixture_catalog_end_to_end():
    cat = load_catalog(FIXTURE_CATALOG)
    models, scores = to_frame(cat), scores_frame(cat)
    bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()])
    d = sz.size_score_data(models, scores, "mmlu", size="effective", benchmarks=bench)
    assert set(d.points["id"]) == {"acme-one/small", "acme-one/moe"}
    assert d.points.set_index("id").loc["acme-one/moe", "x"] == pytest.approx(math.sqrt(12.5 * 3.9))
    assert d.hidden["closed weights with undisclosed size"] == 1  # zeta-chat/pro
    assert d.hidden["no MMLU score"] == 1  # acme-one/moe-reasoner
    fig = sz.size_score_figure(d, spotlight=["acme-one/moe"])
    assert [a.text for a in fig.layout.annotations] == ["Acme One MoE"]


def test_short_name_drops_a_trailing_parenthetical():
    assert sz.short_name("Grok-1 (open base checkpoint)") == "Grok-1"
    assert sz.short_name("Mistral Small 3 (Mistral-Small-24B-Instruct-2501)") == "Mistral Small 3"
    assert sz.short_name("Gemma 7B") == "Gemma 7B"
    assert sz.short_name("(x)") == "(x)"


def test_leader_lines_do_not_cross():
    # Two points stacked vertically: the naive first choice (up-right for both) would cross or collide.
    px, py = np.array([300.0, 300.0]), np.array([200.0, 170.0])
    texts = ["Upper model", "Lower model"]
    offsets = sz._place_labels(px, py, texts, px, py, 800, 400, 12)
    segs = [(x, y, x + ax, y - ay) for (ax, ay), x, y in zip(offsets, px, py, strict=True)]
    assert not sz._crosses(segs[0], segs[1])
    assert sz._crosses((0, 0, 10, 10), (0, 10, 10, 0)) and not sz._crosses((0, 0, 1, 1), (2, 2, 3, 3))


def test_talk_layout_puts_the_legend_at_the_right(models, scores):
    d = sz.size_score_data(models, scores, "mmlu", benchmarks=BENCH)
    screen, slide = sz.size_score_figure(d), sz.size_score_figure(d, talk=True)
    assert screen.layout.legend.orientation == "h" and slide.layout.legend.orientation == "v"
    assert slide.layout.legend.x > 1
    assert screen.layout.margin.t > 78  # room for the legend rows under the title


def test_dark_slides_keep_the_frontier_visible(models, scores):
    d = sz.size_score_data(models, scores, "mmlu", benchmarks=BENCH)
    light, dark = sz.size_score_figure(d), sz.size_score_figure(d, talk=True, dark=True)
    assert _trace(light, "Pareto frontier").line.color == "#000000"
    assert _trace(dark, "Pareto frontier").line.color != dark.layout.paper_bgcolor
