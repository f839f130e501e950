"""Size vs score on large views (components/charts/scale.py policy): every point still drawn exactly once, the
Pareto frontier and the spotlight always labelled, then the largest on the size axis up to HOVER_LIMIT; the rest
are plain typed-array WebGL points in their tier's colour, shape and legend group; the figure says so. The
frontier is computed over every point. Plus the vectorised data helpers against plain-Python definitions.

Expected values are computed here from the synthetic frames with plain Python/pandas, not with the builders'
helpers."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from components.charts import size as sz
from components.charts.figure_data import figure_frame
from components.charts.scale import HOVER_LIMIT, UNLABELLED
from components.charts.style import TIER_COLORS, TIER_LABELS

N = 6_000
BENCH = pd.DataFrame([{"id": "mmlu", "name": "MMLU", "metric": "accuracy", "unit": "%", "higher_is_better": True,
                       "url": "u"}])
TIERS = np.array(["permissive", "conditional", "non_commercial", "research_only", None], dtype=object)


def synthetic(n: int = N, seed: int = 0, *, research_small: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(models, scores): n models with many equal sizes (ties), a fifth of them MoE, one MMLU score each
    (a few with two settings). `research_small`: the research-only tier holds only the smallest models."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"m{i:05d}/v" for i in rng.permutation(n)], dtype=object)  # row order is not id order
    total = rng.choice([0.5, 1.0, 3.0, 7.0, 8.0, 13.0, 34.0, 70.0, 72.0, 405.0], n) * rng.choice([1.0, 1.5], n)
    moe = rng.random(n) < 0.2
    active = np.where(moe, total / 4, np.nan)
    tier = rng.choice(TIERS, n)
    if research_small:
        tier = np.where(tier == "research_only", "permissive", tier).astype(object)
        tier[np.argsort(total, kind="stable")[:50]] = "research_only"
    models = pd.DataFrame({
        "id": ids, "name": [f"Model {i}" for i in ids], "organization": rng.choice(["Org A", "Org B"], n),
        "license_tier": tier, "license_name": "L", "weights": "open",
        "architecture": np.where(moe, "moe", "dense").astype(object), "params_total_b": total,
        "params_active_b": active, "params_active_eff_b": np.where(moe, active, total),
        "params_effective_b": np.sqrt(total * np.where(moe, active, total)),
    })
    values = np.round(rng.normal(50 + 8 * np.log10(total), 6), 1)
    scores = pd.DataFrame({"model_id": ids, "benchmark": "mmlu", "setting": rng.choice(["5-shot", None], n),
                           "value": values, "self_reported": rng.random(n) < 0.5,
                           "source_url": [f"https://example.org/{i}" for i in ids], "version": None, "note": None})
    return models, scores


@pytest.fixture(scope="module")
def big():
    models, scores = synthetic()
    data = sz.size_score_data(models, scores, "mmlu", size="total", benchmarks=BENCH)
    return models, scores, data


def split(fig):
    """(labelled, plain) tier marker traces."""
    tiers = set(TIER_LABELS.values())
    marks = [t for t in fig.data if t.name in tiers and "markers" in (t.mode or "")]
    plain = [t for t in marks if isinstance(t.meta, dict) and t.meta.get(UNLABELLED)]
    return [t for t in marks if t not in plain], plain


def xy(traces) -> Counter:
    return Counter((round(float(x), 6), round(float(y), 6)) for t in traces for x, y in zip(t.x, t.y, strict=True))


def frontier_by_definition(x, y) -> set[int]:
    """Indices of points with a strictly better score than every point at or below their size (ties in size:
    only the best one), by brute force."""
    out = set()
    for i in range(len(x)):
        rivals = [j for j in range(len(x)) if j != i and x[j] <= x[i]]
        if all(y[i] > y[j] for j in rivals if x[j] < x[i]) and all(
                y[i] > y[j] or (y[i] == y[j] and j > i) for j in rivals if x[j] == x[i]):
            out.add(i)
    return out


# ------------------------------------------------------------------------------------------------ the split

def test_every_point_is_drawn_exactly_once_and_only_the_limit_is_labelled(big):
    _, _, data = big
    fig = sz.size_score_figure(data, spotlight=[])
    labelled, plain = split(fig)
    pts = data.points
    assert len(pts) > HOVER_LIMIT + 1000
    want = Counter((round(float(x), 6), round(float(y), 6)) for x, y in zip(pts["x"], pts["score"], strict=True))
    assert xy(labelled) + xy(plain) == want
    n_labelled = sum(len(t.x) for t in labelled)
    assert n_labelled == HOVER_LIMIT
    assert fig.layout.meta["unlabelled"] == len(pts) - HOVER_LIMIT
    sub = fig.layout.title.subtitle.text.replace("<br>", " ")  # (the note is wrapped to the chart's width)
    assert f"{HOVER_LIMIT:,} of {len(pts):,} points have names and hover" in sub
    assert f"other {len(pts) - HOVER_LIMIT:,}" in sub and "largest by total size" in sub


def test_labelled_points_are_the_frontier_the_spotlight_then_the_largest(big):
    _, _, data = big
    pts = data.points.reset_index(drop=True)
    small = pts.sort_values("x", kind="stable")["id"].head(3).tolist()  # far from the size cut-off
    fig = sz.size_score_figure(data, spotlight=small)
    labelled, _ = split(fig)
    names = {row[0] for t in labelled for row in t.customdata}
    by_name = dict(zip(pts["name"], pts["id"], strict=True))
    ids = {by_name[n] for n in names}
    assert set(small) <= ids
    front = pts.loc[sorted(frontier_by_definition(pts["x"].tolist(), pts["score"].tolist())), "id"]
    assert set(front) <= ids
    # the rest of the labels go to the largest models on the size axis: nothing plain is larger
    forced = set(small) | set(front)
    rest = pts[~pts["id"].isin(forced)]
    chosen = rest[rest["id"].isin(ids)]
    skipped = rest[~rest["id"].isin(ids)]
    assert chosen["x"].min() >= skipped["x"].max()
    # ties at the cut-off go to the smaller ids (hover_split's rule), whatever the row order
    cut = chosen["x"].min()
    tied_in, tied_out = chosen[chosen["x"] == cut]["id"], skipped[skipped["x"] == cut]["id"]
    if len(tied_in) and len(tied_out):
        assert max(tied_in) < min(tied_out)
    # the spotlight labels are drawn as annotations too
    assert len(fig.layout.annotations) == len(small)


def test_the_frontier_is_computed_over_every_point(big):
    _, _, data = big
    pts = data.points
    fig = sz.size_score_figure(data)
    front = next(t for t in fig.data if t.name == "Pareto frontier")
    x, y = pts["x"].to_numpy(), pts["score"].to_numpy()
    # the step line: best score so far, rising wherever a point beats everything no larger
    order = np.lexsort((-y, x))
    expect_x, expect_y, best = [], [], -math.inf
    for i in order:
        if y[i] > best:
            expect_x.append(x[i])
            expect_y.append(y[i])
            best = y[i]
    if x.max() > expect_x[-1]:
        expect_x.append(x.max())
        expect_y.append(expect_y[-1])
    assert list(front.x) == expect_x and list(front.y) == expect_y
    # the smallest frontier point (plain by size alone) is still labelled
    labelled, _ = split(fig)
    names = {row[0] for t in labelled for row in t.customdata}
    first = pts[(pts["x"] == expect_x[0]) & (pts["score"] == expect_y[0])]
    assert set(first["name"]) & names


def test_plain_points_keep_the_tier_look_with_numbers_only(big):
    _, _, data = big
    fig = sz.size_score_figure(data)
    labelled, plain = split(fig)
    groups = {t.legendgroup: t for t in labelled}
    assert plain
    for t in plain:
        assert t.type == "scattergl" and t.hoverinfo == "skip"
        assert t.text is None and t.customdata is None and t.hovertext is None
        assert np.asarray(t.x).dtype.kind == "f" and np.asarray(t.y).dtype.kind == "f"
        sibling = groups[t.legendgroup]
        assert t.showlegend is False and t.name == sibling.name
        assert t.marker.color == sibling.marker.color == TIER_COLORS[None if t.legendgroup == "None"
                                                                     else t.legendgroup]
        assert t.marker.size == sibling.marker.size
        assert isinstance(t.marker.symbol, str) and t.marker.symbol in set(sibling.marker.symbol) | {
            "circle", "circle-open", "diamond", "diamond-open"}
    # the shape of every point survives the split: (x, y, symbol) multiset equals the data's
    pts = data.points
    shape = np.where(pts["architecture"].eq("moe"), "diamond", "circle")
    shape = np.where(pts["self_reported"], shape, np.char.add(shape.astype(str), "-open"))
    want = Counter(zip(pts["x"].round(6), pts["score"].round(6), shape, strict=True))
    got = Counter()
    for t in labelled + plain:
        symbols = [t.marker.symbol] * len(t.x) if isinstance(t.marker.symbol, str) else list(t.marker.symbol)
        got.update(zip(np.round(np.asarray(t.x, float), 6), np.round(np.asarray(t.y, float), 6), symbols,
                       strict=True))
    assert got == want


def test_a_tier_with_only_plain_points_keeps_its_legend_entry():
    models, scores = synthetic(research_small=True)
    fig = sz.size_score_figure(sz.size_score_data(models, scores, "mmlu", benchmarks=BENCH))
    labelled, plain = split(fig)
    research = TIER_LABELS["research_only"]
    assert research not in {t.name for t in labelled}  # the 50 smallest: never among the largest
    entries = [t for t in plain if t.name == research and t.showlegend is not False]
    assert len(entries) == 1
    assert sum(len(t.x) for t in plain if t.name == research) >= 50


def test_dumbbells_at_scale_draw_both_ends_once_and_one_line_per_moe_model():
    models, scores = synthetic()
    data = sz.size_score_data(models, scores, "mmlu", size="both", benchmarks=BENCH)
    fig = sz.size_score_figure(data)
    labelled, plain = split(fig)
    pts = data.points
    moe = pts[pts["x_active"].notna()]
    assert len(moe) > 500
    ends = Counter(zip(pts["x"].round(6), pts["score"].round(6), strict=True))
    ends.update(zip(moe["x_active"].round(6), moe["score"].round(6), strict=True))
    assert xy(labelled) + xy(plain) == ends
    lines = [t for t in fig.data if (t.mode or "") == "lines" and t.name.endswith("(active → total)")]
    assert sum(int(np.isnan(np.asarray(t.x, float)).sum()) for t in lines) == len(moe)
    assert all(t.hoverinfo == "skip" for t in lines)


def test_the_csv_still_has_every_point(big):
    _, _, data = big
    frame = figure_frame(sz.size_score_figure(data))
    tiers = set(TIER_LABELS.values())
    assert frame["trace"].isin(tiers).sum() == len(data.points)


def test_payload_stays_small(big):
    _, _, data = big
    size = len(sz.size_score_figure(data).to_json())
    # names, hover and sources (~200 bytes a point) only for HOVER_LIMIT points; the rest are two base64 float64s
    # and a shared marker (~25 bytes). With a hover card on every point this figure is ~180 bytes a point.
    assert size < 250 * HOVER_LIMIT + 40 * (len(data.points) - HOVER_LIMIT), size


def test_small_catalogs_are_not_split(big):
    models, scores, _ = big
    few = models.head(HOVER_LIMIT // 2)
    data = sz.size_score_data(few, scores, "mmlu", benchmarks=BENCH)
    fig = sz.size_score_figure(data)
    labelled, plain = split(fig)
    assert not plain and fig.layout.meta is None
    assert sum(len(t.x) for t in labelled) == len(data.points)
    assert "have names and hover" not in fig.layout.title.subtitle.text


# ------------------------------------------------------------------------------------------------ helpers

def test_labelled_mask_is_hover_split_over_every_row():
    """The pre-narrowed split (only rows at or above the cut are sorted) picks the same rows as sorting all."""
    rng = np.random.default_rng(1)
    for trial in range(40):
        n = int(rng.integers(50, 5000))
        x = rng.choice([1.0, 7.0, 70.0, 405.0], n) if trial % 2 else rng.random(n)
        p = pd.DataFrame({"id": [f"m{i:05d}" for i in rng.permutation(n)], "x": x})
        must = rng.random(n) < 0.02
        limit = int(rng.integers(1, n))
        got = sz.labelled_mask(p, must, limit=limit)
        # by definition: must rows, then largest x, ties by id, up to max(limit, must)
        key = sorted(range(n), key=lambda i: (not must[i], -x[i], p["id"][i]))
        want = np.zeros(n, dtype=bool)
        want[key[:max(limit, int(must.sum()))]] = True
        assert (got == want).all(), trial


def test_pick_scores_prefers_the_main_setting_then_the_first_listed():
    scores = pd.DataFrame({
        "model_id": ["a", "a", "b", "b", "c", "d", "d"],
        "benchmark": ["mmlu"] * 7,
        "setting": ["0-shot", "5-shot", "5-shot", "5-shot", None, None, "0-shot"],
        "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        "self_reported": True, "source_url": "u", "version": None, "note": None,
    })
    picked, main = sz.pick_scores(scores, "mmlu")
    assert main == "0-shot"  # a and d state 0-shot, a and b 5-shot (b twice: one model): tie, alphabetical
    assert list(picked["model_id"]) == ["a", "b", "c", "d"]  # in listed order
    assert list(picked["value"]) == [1.0, 3.0, 5.0, 7.0]  # main setting where there is one, else first listed
    assert list(picked["n_scores_bench"]) == [2, 2, 1, 2]
    assert list(picked["setting_label"]) == ["0-shot", "5-shot", sz.NO_SETTING, "0-shot"]


def test_a_precomputed_pick_gives_the_same_points(big):
    models, scores, data = big
    again = sz.size_score_data(models, scores, "mmlu", benchmarks=BENCH, picked=sz.pick_scores(scores, "mmlu"))
    pd.testing.assert_frame_equal(again.points, data.points)
    assert again.hidden == data.hidden and again.settings == data.settings


def test_size_text_formats_each_size():
    s = pd.Series([7.0, 46.7, 405.0, 1000.0, np.nan, 0.5, 7.0])
    assert list(sz._fmt_b(s)) == ["7B", "46.7B", "405B", "1,000B", "", "0.5B", "7B"]
    assert list(sz._fmt_b(pd.Series([], dtype=float))) == []


def test_spotlight_choices_sort_by_name_then_id():
    models = pd.DataFrame({"id": ["z/1", "a/1", "b/1", "c/1"], "name": ["beta", "Alpha", "alpha", "Gamma"]})
    options, names = sz.spotlight_choices(models)
    assert options == ["a/1", "b/1", "z/1", "c/1"]  # 'Alpha' and 'alpha' tie: by id
    assert names == {"z/1": "beta", "a/1": "Alpha", "b/1": "alpha", "c/1": "Gamma"}


def test_default_spotlight_finds_seed_models_by_name_when_ids_differ():
    models = pd.DataFrame({"id": ["x/1", "x/2", "gemma/7b", "x/3"],
                           "name": ["Grok 1", "Llama-2 70B", "Gemma 7B", "Llama 2 70B"]})
    # ids first (gemma/7b); then names normalised (case, punctuation, spaces): the first model with that name
    assert sz.default_spotlight(models) == ["gemma/7b", "x/2", "x/1"]
