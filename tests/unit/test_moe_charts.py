"""MoE figure builders: tested as data (trace counts, values, axis titles)."""

from __future__ import annotations

import numpy as np
import pytest

from components.charts import moe as ch
from components.sim.compute import summarize
from components.sim.moe import (bias_balancing, load_presets, random_baseline, same_expert_rate, simulate_routing,
                                toy_tokenize)


def _res(name="mixtral-8x7b", text="def f(self):\n    return self.x + 1", **kw):
    p = load_presets()[name]
    return p, simulate_routing(p.settings, np.random.default_rng(0), tokens=toy_tokenize(text), **kw)


def test_routing_grid_values_and_dense_rows():
    p, r = _res("deepseek-v3")
    fig = ch.routing_grid(r.tokens, r.experts[:, :, 0], r.is_moe, p.settings.n_experts)
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (61, r.n_tokens)
    assert np.isnan(z[:3]).all() and np.array_equal(z[3:], r.experts[:, 3:, 0].T)
    assert fig.layout.xaxis.title.text == "Token (toy tokenizer)" and fig.layout.yaxis.title.text == "Layer"


def test_routing_grid_discrete_colours_for_8_experts():
    p, r = _res()
    fig = ch.routing_grid(r.tokens, r.experts[:, :, 0], r.is_moe, 8)
    assert len(fig.data[0].colorscale) == 16                       # two stops per expert colour


def test_gate_weights_traces():
    p, r = _res("deepseek-v3")
    l = 5
    fig = ch.gate_weights(r.tokens, r.experts[:, l], r.gates[:, l], r.shared[:, l], layer=l, weight_sum="2.5")
    assert len(fig.data) == 8 + 1
    tot = sum(np.asarray(t.y) for t in fig.data[:8])
    np.testing.assert_allclose(tot, 2.5, rtol=1e-5)
    assert fig.data[-1].name == "shared expert" and np.allclose(fig.data[-1].y, 1.0)
    assert fig.layout.yaxis.title.text == "Gate weight" and fig.layout.barmode == "stack"
    p2, r2 = _res()
    assert len(ch.gate_weights(r2.tokens, r2.experts[:, 0], r2.gates[:, 0], None).data) == 2


def test_expert_load_with_uniform_and_capacity_lines():
    p = load_presets()["switch-base-64"]
    r = simulate_routing(p.settings, np.random.default_rng(0), n_tokens=256)
    l = int(r.moe_layer_ids[0])
    fig = ch.expert_load(r.loads[l], uniform=256 / 64, capacity=r.capacity, layer=l)
    assert len(fig.data) == 3
    assert list(fig.data[0].y) == list(r.loads[l].astype(float))
    assert list(fig.data[1].y) == [4.0, 4.0] and list(fig.data[2].y) == [r.capacity] * 2
    assert fig.layout.yaxis.title.text == "Assignments"
    assert len(ch.expert_load(r.loads[l], uniform=4.0).data) == 2


def test_same_expert_rate_chart():
    p, r = _res()
    rates = same_expert_rate(r)
    fig = ch.same_expert_rate(rates, random_baseline(8, 2), top_k=2, show_mixtral=True)
    assert len(fig.data) == 6
    assert fig.data[1].y[0] == 12.5 and abs(fig.data[3].y[0] - 100 * (1 - 30 / 56)) < 1e-9
    assert list(fig.data[4].x) == [0, 15, 31] and abs(fig.data[4].y[1] - 26.4) < 0.01
    assert fig.layout.yaxis.title.text.startswith("Same expert")


def test_balancing_figures():
    st = load_presets()["deepseek-v3"].settings
    tr = bias_balancing(st, np.random.default_rng(0), steps=30, gamma=0.01, tokens_per_step=256)
    c = ch.balancing_curve(tr.maxvio, tr.maxvio_no_balance, gamma=0.01)
    assert len(c.data) == 2 and np.allclose(c.data[1].y, tr.maxvio)
    assert c.layout.xaxis.title.text == "Training step"
    a = ch.balancing_animation(tr.loads, tr.bias, n_frames=10)
    assert len(a.frames) == 10 and len(a.data) == 2
    assert np.allclose(a.frames[-1].data[0].y, tr.loads[-1]) and np.allclose(a.frames[-1].data[0].customdata, tr.bias[-1])


def test_param_figures():
    P = load_presets()
    pcs = [(P[n].label, P[n].params) for n in ("mixtral-8x7b", "deepseek-v3")]
    fig = ch.params_bars([(lab, pc.total, pc.active) for lab, pc in pcs])
    assert len(fig.data) == 2 and abs(fig.data[0].y[0] - 46.702792704) < 1e-9
    assert abs(fig.data[1].y[1] - pcs[1][1].active / 1e9) < 1e-9
    assert fig.layout.yaxis.title.text == "Parameters (billions)"
    pc = pcs[0][1]
    b = ch.param_breakdown(pc.breakdown, pc.active_breakdown)
    assert {t.name for t in b.data} == {"Input embedding", "Attention", "Routed experts", "Router", "Norms", "LM head"}
    assert abs(sum(t.x[1] for t in b.data) - pc.total / 1e9) < 1e-6
    s = summarize(pc)
    cfig = ch.compute_bars(s.flops_per_token, s.dense_flops_per_token, s.weight_gb)
    assert len(cfig.data) == 2 and list(cfig.data[1].x) == ["bf16", "8-bit", "4-bit"]
    assert cfig.layout.yaxis2.title.text == "GB of weights"


@pytest.mark.parametrize("talk", [False, True])
def test_animation_controls_sit_between_axis_title_and_footer(talk):
    """The ▶/❚❚ buttons and the slider hang below the plot by a fixed number of pixels (not a fraction of the
    plot height, which changes between the page and a 1920×1080 export) and stay above the footer line."""
    loads = np.ones((5, 8), dtype=int)
    fig = ch.balancing_animation(loads, np.zeros((5, 8)), n_frames=5, talk=talk)
    menu, slider = fig.layout.updatemenus[0], fig.layout.sliders[0]
    for ctl in (menu, slider):
        assert ctl.y == 0 and ctl.yanchor == "top"
        assert ctl.pad.t >= 50  # below the x-axis tick labels and title
    footer_room = 30 if talk else 20
    assert menu.pad.t + 40 <= fig.layout.margin.b - footer_room
    assert slider.pad.t + 60 <= fig.layout.margin.b - footer_room  # current value, track and tick labels
