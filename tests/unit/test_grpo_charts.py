"""Figure builders for the reasoning page, checked as data (traces, values, axis titles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components.charts import grpo as ch
from components.charts.figure_data import plain
from components.sim import grpo as sim


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace named {name!r}: {[t.name for t in fig.data]}"
    return found[0]


@pytest.fixture(scope="module")
def record():
    env, cfg = sim.ToyEnv(), sim.TrainConfig(G=8, n_groups=2, mu=4, eps=0.1, lr=0.5)
    for seed in range(20):  # find a seeded update where clipping fires in group 0
        _, rec = sim.grpo_update(env.theta0(), env.theta0(), env, cfg, np.random.default_rng(seed))
        frame = sim.record_frame(rec, env, 0)
        if frame["clipped"].any() and not frame["clipped"].all():
            return frame
    pytest.fail("no seed produced a partly clipped group")


def test_step_chart_shows_reward_advantage_ratio_and_clipping(record):
    fig = ch.step_chart(record, eps=0.1)
    np.testing.assert_allclose(_trace(fig, "Reward r").y, record["reward"])
    np.testing.assert_allclose(_trace(fig, "Advantage Â").y, record["advantage"])
    np.testing.assert_allclose(_trace(fig, "Ratio ρ = π_θ/π_old").y, record["ratio"])
    clipped = _trace(fig, "Clipped (no gradient)")
    assert len(clipped.x) == int(record["clipped"].sum()) > 0
    np.testing.assert_allclose(clipped.y, record.loc[record["clipped"], "ratio"])
    assert list(_trace(fig, "Reward r").x) == [f"#{i}" for i in range(1, len(record) + 1)]
    hlines = sorted(s.y0 for s in fig.layout.shapes)
    assert hlines == pytest.approx([0.9, 1.0, 1.1])
    assert fig.layout.yaxis.title.text == "Reward / advantage"
    assert fig.layout.yaxis2.title.text == "Ratio ρ"
    assert fig.layout.xaxis2.title.text == "Sample in the group"


def test_step_chart_without_clipping_has_empty_clip_trace():
    frame = pd.DataFrame({"sample": [1, 2], "answer": ["A", "D"], "reward": [1.5, 0.0], "advantage": [1.0, -1.0],
                          "ratio": [1.0, 1.0], "clipped": [False, False]})
    fig = ch.step_chart(frame, eps=0.2)
    assert len(_trace(fig, "Clipped (no gradient)").x) == 0


def test_training_curves_one_panel_per_metric_one_line_per_method():
    env, cfg = sim.ToyEnv(), sim.TrainConfig()
    res = sim.compare(env, cfg, 20, seed=0, keep_records=False)
    curves = sim.curves_frame(res)
    fig = ch.training_curves(curves)
    assert len(fig.data) == 3 * 4
    assert {t.name for t in fig.data} == {"GRPO", "PPO", "REINFORCE"}
    assert sum(t.showlegend for t in fig.data) == 3
    grpo_reward = [t for t in fig.data if t.name == "GRPO"][0]  # first panel is expected reward
    np.testing.assert_allclose(grpo_reward.y, res["GRPO"].expected_reward)
    np.testing.assert_array_equal(grpo_reward.x, np.arange(21))
    titles = [a.text for a in fig.layout.annotations]
    assert titles == list(ch.DEFAULT_METRICS.values())
    assert fig.layout.yaxis.title.text == "Expected reward E_π[r]"
    assert fig.layout.xaxis4.title.text == "Update step"
    assert list(ch.DEFAULT_METRICS) == list(sim.CURVE_METRICS)


def test_training_curves_subset_of_metrics():
    curves = pd.DataFrame({"method": ["GRPO"] * 3, "step": [0, 1, 2], "metric": ["p_best"] * 3,
                           "value": [0.1, 0.2, 0.4]})
    fig = ch.training_curves(curves, metrics={"p_best": "P(best)"})
    assert len(fig.data) == 1
    np.testing.assert_allclose(fig.data[0].y, [0.1, 0.2, 0.4])


def test_memory_bars_stack_roles_and_label_totals():
    mem = sim.memory_gb(7, 2)
    fig = ch.memory_bars(mem)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == [ch.ROLE_LABELS[r] for r in ("policy", "reference", "reward", "value")]
    assert list(bars[0].x) == ["PPO", "GRPO"]
    np.testing.assert_allclose(_trace(fig, ch.ROLE_LABELS["value"]).y, [14.0, 0.0])
    total = _trace(fig, "Total")
    assert list(total.text) == ["56 GB", "42 GB"]
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.title.text == "Memory held (GB)"


def test_memory_bars_drop_roles_nobody_holds():
    fig = ch.memory_bars(sim.memory_gb(7, 2, reward_model=False))
    assert ch.ROLE_LABELS["reward"] not in [t.name for t in fig.data]


def _scores():
    return pd.DataFrame({
        "model_id": ["deepseek-r1/r1", "deepseek-r1/r1", "openai-o1/o1", "deepseek-v3/v3", "deepseek-v3/v3"],
        "name": ["DeepSeek-R1", "DeepSeek-R1", "OpenAI o1", "DeepSeek-V3", "DeepSeek-V3"],
        "benchmark": ["aime_2024", "math_500", "aime_2024", "aime_2024", "mmlu"],
        "value": [79.8, 97.3, 79.2, 39.2, 88.5],
        "setting": ["pass@1", "pass@1", "pass@1", "pass@1", "EM"],
        "self_reported": [True, True, True, True, True],
        "source_url": ["https://arxiv.org/abs/2501.12948"] * 5,
        "version": ["arXiv v1", "arXiv v1", None, None, None],
        "kind": ["reasoning", "reasoning", "reasoning", "instruct", "instruct"],
    })


def test_benchmark_comparison_panels_colours_and_hover():
    df = _scores()
    fig = ch.benchmark_comparison(df, ["aime_2024", "math_500", "mmlu", "gpqa_diamond"],
                                  benchmark_names={"aime_2024": "AIME 2024", "math_500": "MATH-500", "mmlu": "MMLU"})
    assert [a.text for a in fig.layout.annotations] == ["AIME 2024", "MATH-500", "MMLU"]  # no empty gpqa panel
    reasoning = [t for t in fig.data if t.name == "Reasoning model"]
    generation = [t for t in fig.data if t.name == "Non-reasoning (generation) model"]
    aime_r = reasoning[0]
    assert aime_r.xaxis == "x" and set(aime_r.y) == {"OpenAI o1", "DeepSeek-R1"}
    assert dict(zip(aime_r.y, aime_r.x)) == {"OpenAI o1": 79.2, "DeepSeek-R1": 79.8}
    assert aime_r.marker.color == ch.REASONING_COLOR
    assert generation[0].marker.color == ch.GENERATION_COLOR
    np.testing.assert_allclose(generation[0].x, [39.2])
    r1 = list(aime_r.y).index("DeepSeek-R1")
    assert aime_r.customdata[r1][1] == "arXiv v1" and aime_r.customdata[r1][2] == "self-reported"
    assert aime_r.customdata[r1][3] == "https://arxiv.org/abs/2501.12948"
    assert sum(bool(t.showlegend) for t in fig.data) == 2
    assert fig.layout.xaxis.title.text == "AIME 2024"
    # one shared row per model: reasoning models first (top), ordered by the first benchmark
    assert list(fig.layout.yaxis.categoryarray)[::-1] == ["DeepSeek-R1", "OpenAI o1", "DeepSeek-V3"]
    assert fig.layout.yaxis2.matches == "y" and fig.layout.yaxis2.showticklabels is False


def test_benchmark_comparison_one_bar_per_model_prefers_pass_at_1():
    df = _scores()
    extra = df.iloc[[0]].assign(value=86.7, setting="cons@64")
    df = pd.concat([extra, df], ignore_index=True).drop(columns=["kind"])
    fig = ch.benchmark_comparison(df, ["aime_2024"], reasoning_ids={"deepseek-r1/r1"})
    r = [t for t in fig.data if t.name == "Reasoning model"][0]
    assert list(r.y) == ["DeepSeek-R1"] and list(r.x) == [79.8]
    assert "also reported: 86.7 (cons@64)" in r.customdata[0][4]
    g = [t for t in fig.data if t.name == "Non-reasoning (generation) model"][0]
    assert set(g.y) == {"OpenAI o1", "DeepSeek-V3"}


def test_benchmark_comparison_same_name_different_models_kept_apart():
    df = _scores().iloc[[0, 3]].assign(name="Same")
    fig = ch.benchmark_comparison(df, ["aime_2024"])
    ys = [y for t in fig.data for y in t.y]
    assert sorted(ys) == ["Same (deepseek-r1/r1)", "Same (deepseek-v3/v3)"]


PAGE_BENCHMARKS = {"aime_2024": "AIME 2024", "math_500": "MATH-500", "gpqa_diamond": "GPQA Diamond",
                   "codeforces_rating": "Codeforces rating", "codeforces_percentile": "Codeforces percentile",
                   "livecodebench": "LiveCodeBench", "mmlu": "MMLU"}


def _all_benchmarks_frame():
    rows = []
    for m, (name, kind) in enumerate([("DeepSeek-R1", "reasoning"), ("DeepSeek-V3", "instruct")]):
        for b in PAGE_BENCHMARKS:
            rows.append({"model_id": f"m/{m}", "name": name, "kind": kind, "benchmark": b,
                         "value": 2029.0 - 500 * m if b == "codeforces_rating" else 90.0 - 20 * m,
                         "setting": "pass@1", "self_reported": True, "source_url": "https://example.org",
                         "version": None})
    return pd.DataFrame(rows)


def test_wrap_title_breaks_at_spaces_then_inside_long_words():
    assert ch.wrap_title("Codeforces percentile", 10) == ["Codeforces", "percentile"]
    assert ch.wrap_title("GPQA Diamond", 12) == ["GPQA Diamond"]
    assert ch.wrap_title("LiveCodeBench", 10) == ["LiveCode-", "Bench"]
    assert ch.wrap_title("MATH-500", 6) == ["MATH-", "500"]
    assert ch.wrap_title("Supercalifragilistic", 8) == ["Supercalifragilistic"]  # no place to cut: left whole


def test_seven_benchmark_panel_titles_fit_their_panels_and_do_not_overlap():
    """All seven of the page's benchmarks in one row (the 1280-px layout that used to overlap): every title line
    fits its panel's width, neighbouring titles stay apart, and the panels start below the titles' two lines."""
    fig = ch.benchmark_comparison(_all_benchmarks_frame(), list(PAGE_BENCHMARKS), benchmark_names=PAGE_BENCHMARKS,
                                  title="Reasoning vs non-reasoning models, as reported")
    anns = [a for a in fig.layout.annotations if a.yanchor == "bottom" and a.xanchor == "center"]
    assert len(anns) == 7
    font = anns[0].font.size
    width = fig.layout.xaxis.domain[1] - fig.layout.xaxis.domain[0]
    limit = ch.title_chars(width, font)
    assert limit >= 10  # "Codeforces" fits on a line
    lines = [a.text.split("<br>") for a in anns]
    assert all(len(line) <= limit for ls in lines for line in ls), lines
    assert max(len(ls) for ls in lines) == 2  # "Codeforces<br>percentile" and friends
    # the words are all there, in order (a word cut in two ends its first line with a hyphen)
    assert [plain(a.text) for a in anns] == list(PAGE_BENCHMARKS.values())
    # neighbours: half their estimated widths (in plot fractions) fit between their centres
    est = [max(map(len, ls)) * ch.CHAR_EM * font / ch.NOMINAL_PLOT_PX for ls in lines]
    for i in range(6):
        assert (est[i] + est[i + 1]) / 2 < anns[i + 1].x - anns[i].x
    # room for two lines of 13 px above the panels (paper fraction of the plot height)
    plot_h = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert (1 - fig.layout.yaxis.domain[1]) * plot_h >= 30 + 18
    assert fig.layout.xaxis5.title.text == "Codeforces<br>percentile"  # same wrap below the panel
    assert fig.layout.xaxis5.title.font.size == font
    # one panel's last tick label and the next one's first stay apart: at least 20 px of gap at the nominal width
    assert (fig.layout.xaxis2.domain[0] - fig.layout.xaxis.domain[1]) * ch.NOMINAL_PLOT_PX >= 20
    assert fig.layout.xaxis4.tickformat == "~s"  # ratings tick as 1k, 2k in a narrow panel
    assert fig.layout.xaxis.tickformat is None


def test_few_panels_keep_single_line_titles():
    df = _all_benchmarks_frame()
    fig = ch.benchmark_comparison(df, ["aime_2024", "codeforces_percentile", "mmlu"], benchmark_names=PAGE_BENCHMARKS)
    assert [a.text for a in fig.layout.annotations] == ["AIME 2024", "Codeforces percentile", "MMLU"]


def test_rank_for_picker_most_benchmarks_then_average_percentile():
    rows = [("a", "aime_2024", 10.0), ("a", "math_500", 10.0),  # two benchmarks, weak
            ("b", "aime_2024", 90.0),  # one benchmark, the best
            ("c", "aime_2024", 50.0), ("c", "math_500", 95.0), ("c", "math_500", 20.0),  # two, strong (best of two)
            ("d", "mmlu", 99.0),  # not a listed benchmark
            ("e", "aime_2024", None)]  # no value
    df = pd.DataFrame(rows, columns=["model_id", "benchmark", "value"])
    out = ch.rank_for_picker(df, ["aime_2024", "math_500"])
    assert list(out["model_id"]) == ["c", "a", "b"]
    assert list(out["n_benchmarks"]) == [2, 2, 1]
    assert out.loc[0, "avg_percentile"] == pytest.approx((2 / 3 + 1) / 2)
    assert out.loc[2, "avg_percentile"] == pytest.approx(1.0)
