"""MoE routing: real router math and real configs, simulated weights. Thin page over components.sim.moe."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import streamlit as st

from components.charts import moe as ch
from components.sim import moe as sim
from components.sim.compute import summarize
from components.ui.frame import ensure_app_frame
from components.ui.page import show_chart
from components.ui.sidebar import is_talk
from components.ui.sim_runs import presets, run_balancing, run_routing, sources

PAGE = "MoE routing"
DEFAULT_TEXT = ("def forward(self, x):\n    h = self.norm(x)\n    return self.experts(h) + x\n"
                "Question: why does a mixture of experts use only two experts per token? "
                "Answer: the router picks them.")
GRID_MAX_TOKENS = 64
TABS = ["Routing grid", "Gate weights", "Expert load", "Locality", "Balance", "Parameters & compute", "Compare"]
NOTE = ("**Weights are simulated; configs, math and counts are real.** Router weights and hidden states are "
        "random (seeded), and the text is split by a toy tokenizer. The model configurations come from "
        "`data/configs/` (official sources), each router family follows its published code, and the parameter "
        "counts are computed from the configs.")


def _init_from_url(names: list[str]) -> None:
    qp = st.query_params
    if "moe_preset" not in st.session_state:
        st.session_state["moe_preset"] = qp.get("preset") if qp.get("preset") in names else "mixtral-8x7b"
    if "moe_seed" not in st.session_state:
        try:
            st.session_state["moe_seed"] = int(qp.get("seed", 0))
        except ValueError:
            st.session_state["moe_seed"] = 0


def _settings_editor(base: sim.RouterSettings) -> sim.RouterSettings:
    with st.expander("Router family and settings", expanded=False):
        c1, c2, c3 = st.columns(3)
        fam = c1.selectbox("Router family", sim.FAMILIES, index=sim.FAMILIES.index(base.family), key="moe_family",
                           help="Defaults to the preset's family; change it to see another lab's router on the "
                                "same shape.")
        rule = sim.FAMILY_RULES[fam]
        fixed_k = {"switch": 1, "llama4": 1, "gshard": 2}.get(fam)
        k = c2.number_input("Experts per token (top-k)", 1, base.n_experts, fixed_k or base.top_k,
                            disabled=fixed_k is not None, key="moe_topk")
        skew = c3.slider("Expert popularity skew", 0.0, 2.0, 0.0, 0.1, key="moe_skew",
                         help="Std of a per-expert logit offset: 0 = no built-in imbalance.")
        hyp = False
        cf = base.capacity_factor or 1.25
        if rule.dropless:
            hyp = c1.checkbox("Hypothetical capacity (this model is dropless)", key="moe_hypo")
        if not rule.dropless or hyp:
            cf = c2.slider("Capacity factor", 0.25, 4.0, float(cf), 0.05, key="moe_cf")
        st.caption(f"**{fam}** — score: {rule.score}; selection: {rule.selection}; weights: {rule.weights}; "
                   f"Σ routed: {rule.weight_sum}; shared expert: {rule.shared}; "
                   f"{'dropless' if rule.dropless else 'capacity + dropping'}.")
    groups = {} if fam.startswith("deepseek") else {"n_groups": 1, "topk_groups": 1}
    try:
        return replace(base, family=fam, top_k=int(fixed_k or k), expert_skew=float(skew), hypothetical_capacity=hyp,
                       capacity_factor=float(cf) if (hyp or not rule.dropless) else None,
                       route_scale=base.route_scale if fam.startswith("deepseek") else 1.0,
                       n_shared=base.n_shared if rule.shared != "none" else 0, **groups)
    except ValueError as e:
        st.warning(f"Those settings are not valid ({e}); using the preset's.")
        return base


def _balance_panel(res: sim.RoutingResult, talk: bool, seed: int) -> None:
    s = res.settings
    sw, hf, mv = sim.switch_aux_loss(res), sim.hf_aux_loss(res), sim.max_violation(res.loads[res.is_moe])
    c = st.columns(4)
    c[0].metric("Switch aux loss (α·N·Σ f·P, α = 0.01)", f"{np.nanmean(sw):.4f}", help="= α at uniform routing")
    c[1].metric("HF aux loss (N·Σ over k×E of f·P)", f"{np.nanmean(hf):.3f}", help=f"= k = {s.top_k} at uniform")
    c[2].metric("MaxVio (mean over MoE layers)", f"{np.nanmean(mv):.2f}")
    drops = int(res.dropped.sum())
    # A short value: a long one ("none (dropless)") is cut off with an ellipsis in a quarter-width column.
    c[3].metric("Dropped assignments", f"{drops:,}" if s.drops_tokens else "none",
                help=(f"capacity = {res.capacity} per expert per layer" if res.capacity
                      else "Dropless routing: every token reaches its experts, whatever the load."))
    if s.hypothetical_capacity:
        st.caption("⚠️ Hypothetical capacity: the real model never drops tokens.")
    st.subheader("DeepSeek-V3 auxiliary-loss-free balancing")
    c1, c2, c3 = st.columns(3)
    gamma = c1.select_slider("Bias update speed γ", [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02], 0.005,
                             key="moe_gamma", help="V3 used γ = 0.001 over trillions of tokens; larger here to be visible.")
    steps = c2.slider("Steps", 20, 300, 120, 10, key="moe_steps")
    skew = c3.slider("Initial imbalance (popularity skew)", 0.1, 2.0, 0.6, 0.1, key="moe_bal_skew")
    base = {**asdict(s), "family": "deepseek_v3", "capacity_factor": None, "hypothetical_capacity": False}
    if s.family != "deepseek_v3":
        base.update(n_groups=1, topk_groups=1, route_scale=1.0)
        st.caption(f"DeepSeek-V3's mechanism applied to this preset's shape ({s.n_experts} experts, top-{s.top_k}).")
    tr = run_balancing(base, steps, gamma, skew, seed)
    show_chart(ch.balancing_curve(tr.maxvio, tr.maxvio_no_balance, gamma=gamma, talk=talk), page=PAGE,
               view="bias balancing", key="moe_chart_balance", source="simulated")
    show_chart(ch.balancing_animation(tr.loads, tr.bias, talk=talk), page=PAGE, view="bias animation",
               key="moe_chart_balance_anim", source="simulated")
    st.caption("b_i −= γ when expert i is overloaded, += γ when underloaded; the bias changes which experts are "
               "selected, never the gate weights (they use the unbiased sigmoid scores).")


def _params_panel(preset: sim.Preset, talk: bool) -> None:
    if preset.params is None:
        st.info("No official config shipped for this preset (hand settings from the reference), so no parameter "
                "count. See data/configs/README.md.")
        return
    pc = preset.params
    src = sources().get(preset.name, {})
    c = st.columns(3)
    c[0].metric("Total parameters", f"{pc.total / 1e9:.2f}B",
                help=f"official: {src.get('official_total_b')}B" if src else None)
    c[1].metric("Active per token", f"{pc.active / 1e9:.2f}B",
                help=f"official: {src.get('official_active_b')}B" if src else None)
    c[2].metric("Active share", f"{pc.active / pc.total:.1%}")
    st.caption(f"Convention: {pc.convention}. " + (f"Official: {src.get('official_total_b')}B total / "
                                                   f"{src.get('official_active_b')}B active ([source]"
                                                   f"({src.get('official_source_url')})). " if src else "")
               + (f"Config: [{src.get('url')}]({src.get('url')}). " if src else "") + " ".join(pc.notes))
    show_chart(ch.param_breakdown(pc.breakdown, pc.active_breakdown, label=preset.label, talk=talk), page=PAGE,
               view="parameter breakdown", key="moe_chart_breakdown", source="parameter calculator")
    s = summarize(pc)
    show_chart(ch.compute_bars(s.flops_per_token, s.dense_flops_per_token, s.weight_gb, talk=talk), page=PAGE,
               view="compute", key="moe_chart_compute", source="parameter calculator")
    st.caption(f"FLOPs ≈ 2 × parameters used per token (forward, attention over the context ignored): "
               f"{s.flops_ratio:.1f}× fewer than a dense model with the same {pc.total / 1e9:.0f}B parameters. "
               "Memory counts weights only (no KV cache, no activations).")


def main() -> None:
    ensure_app_frame()  # this page needs no catalog, so it does not get the guard through get_tables()
    st.title("MoE routing")
    st.info(NOTE, icon=":material/science:")
    talk = is_talk()
    P = presets()
    names = list(P)
    _init_from_url(names)
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    name = c1.selectbox("Preset", names, format_func=lambda n: P[n].label, key="moe_preset")
    seed = int(c2.number_input("Seed", 0, 10_000, step=1, key="moe_seed"))
    n_tokens = int(c3.select_slider("Tokens", [16, 32, 64, 128, 256, 512, 1024, 2048], 256, key="moe_tokens",
                                    help="The text's tokens, repeated to this length."))
    locality = c4.slider("Locality", 0.0, 0.95, 0.6, 0.05, key="moe_locality",
                         help="How similar consecutive tokens' hidden states are (AR(1) correlation).")
    st.query_params["preset"] = name
    st.query_params["seed"] = str(seed)
    text = st.text_area("Text (split by a toy tokenizer, not the model's)", DEFAULT_TEXT, key="moe_text", height=90)
    preset = P[name]
    settings = _settings_editor(preset.settings)
    res = run_routing(asdict(settings), text, n_tokens, locality, seed)
    s = settings
    moe_layers = [int(i) for i in res.moe_layer_ids]
    st.caption(f"{preset.label}: {s.n_layers} layers ({len(moe_layers)} MoE), {s.n_experts} routed experts, "
               f"top-{s.top_k}" + (f", {s.n_shared} shared" if s.n_shared else "")
               + (f", {s.n_groups} groups / {s.topk_groups} kept" if s.n_groups > 1 else "")
               + (f", route scale {s.route_scale:g}" if s.route_scale != 1 else "")
               + (" · preset from " + ("data/configs" if preset.source == "config" else "hand settings (reference)")))

    # Lazy tabs: only the open tab's charts are computed and sent (the page computed every tab before: 1.2 s),
    # and the open tab is part of the shareable URL (?moe_tab=...).
    tabs = dict(zip(TABS, st.tabs(TABS, key="moe_tab", bind="query-params")))
    ctx = _TabContext(preset=preset, res=res, talk=talk, name=name, names=names, presets=P, text=text,
                      n_tokens=n_tokens, locality=locality, seed=seed, moe_layers=moe_layers)
    for label, render in TAB_RENDERERS.items():
        if tabs[label].open is not False:  # None = state not tracked (never here, but then render all)
            with tabs[label]:
                render(ctx)


@dataclass(frozen=True)
class _TabContext:
    preset: sim.Preset
    res: sim.RoutingResult
    talk: bool
    name: str
    names: list[str]
    presets: dict[str, sim.Preset]
    text: str
    n_tokens: int
    locality: float
    seed: int
    moe_layers: list[int]

    @property
    def grid_tokens(self) -> int:
        return min(GRID_MAX_TOKENS, self.res.n_tokens)

    def layer_picker(self) -> int:
        ls = self.moe_layers
        if len(ls) == 1:
            return ls[0]
        return st.select_slider("Layer", ls, ls[min(len(ls) - 1, len(ls) // 2)], key="moe_layer")


def _tab_grid(c: _TabContext) -> None:
    res, T = c.res, c.grid_tokens
    show_chart(ch.routing_grid(res.tokens[:T], res.experts[:T, :, 0], res.is_moe, res.settings.n_experts,
                               talk=c.talk), page=PAGE, view=f"grid {c.name}", key="moe_chart_grid",
               source="simulated routing, real config")
    st.caption(f"First {T} tokens. Like Fig. 8 of the Mixtral paper (arXiv 2401.04088), but with "
               "simulated weights: patterns here come from token identity and the locality knob.")


def _tab_gates(c: _TabContext) -> None:
    res, s = c.res, c.res.settings
    layer = c.layer_picker()
    gT = min(32, res.n_tokens)
    show_chart(ch.gate_weights(res.tokens[:gT], res.experts[:gT, layer], res.gates[:gT, layer],
                               res.shared[:gT, layer] if s.rule.shared != "none" else None,
                               dropped=res.dropped[:gT, layer], layer=layer, weight_sum=s.rule.weight_sum,
                               talk=c.talk), page=PAGE, view="gate weights", key="moe_chart_gates",
               source="simulated routing")


def _tab_load(c: _TabContext) -> None:
    res, s = c.res, c.res.settings
    layer = c.layer_picker()
    live = res.n_tokens * s.top_k - int(res.dropped[:, layer].sum())
    show_chart(ch.expert_load(res.loads[layer], uniform=res.n_tokens * s.top_k / s.n_experts,
                              capacity=res.capacity, layer=layer, talk=c.talk), page=PAGE, view="expert load",
               key="moe_chart_load", source="simulated routing")
    st.caption(f"{live:,} assignments dispatched at layer {layer}; MaxVio "
               f"{float(sim.max_violation(res.loads[layer])):.2f}.")


def _tab_locality(c: _TabContext) -> None:
    s = c.res.settings
    rates = sim.same_expert_rate(c.res)
    show_chart(ch.same_expert_rate(rates, sim.random_baseline(s.n_experts, s.top_k), top_k=s.top_k,
                                   show_mixtral=(s.n_experts == 8 and s.top_k == 2), talk=c.talk), page=PAGE,
               view="same expert rate", key="moe_chart_locality", source="simulated; Mixtral paper Table 5")
    st.caption("Random baseline: 1/E for the top-1 expert, 1 − C(E−k,k)/C(E,k) for overlapping top-k sets. "
               "Mixtral's measured rates (Table 5, mean of 8 Pile domains) are shown for 8-expert top-2 presets.")


def _tab_compare(c: _TabContext) -> None:
    P, others = c.presets, [n for n in c.names if n != c.name]
    other = st.selectbox("Compare with", others, format_func=lambda n: P[n].label,
                         index=others.index("deepseek-v3") if "deepseek-v3" in others else 0, key="moe_compare")
    res2 = run_routing(asdict(P[other].settings), c.text, c.n_tokens, c.locality, c.seed)
    T = c.grid_tokens
    cols = st.columns(2)
    for col, p, r, key in ((cols[0], c.preset, c.res, "moe_chart_cmp_a"), (cols[1], P[other], res2, "moe_chart_cmp_b")):
        with col:
            rt = sim.same_expert_rate(r)
            st.markdown(f"**{p.label}** — {r.settings.n_experts} experts, top-{r.settings.top_k}; same top-1 "
                        f"expert for {np.nanmean(rt['top1']):.0%} of consecutive tokens "
                        f"(random {1 / r.settings.n_experts:.1%})")
            show_chart(ch.routing_grid(r.tokens[:T], r.experts[:T, :, 0], r.is_moe, r.settings.n_experts,
                                       title=p.label, talk=c.talk), page=PAGE, view=f"grid {p.name}", key=key,
                       source="simulated routing, real config")
    rows = [(p.label, p.params.total, p.params.active) for p in (c.preset, P[other]) if p.params is not None]
    if rows:
        show_chart(ch.params_bars(rows, talk=c.talk), page=PAGE, view="params compare", key="moe_chart_cmp_params",
                   source="parameter calculator")


TAB_RENDERERS = {
    "Routing grid": _tab_grid,
    "Gate weights": _tab_gates,
    "Expert load": _tab_load,
    "Locality": _tab_locality,
    "Balance": lambda c: _balance_panel(c.res, c.talk, c.seed),
    "Parameters & compute": lambda c: _params_panel(c.preset, c.talk),
    "Compare": _tab_compare,
}
assert list(TAB_RENDERERS) == TABS

main()
