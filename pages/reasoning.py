"""Reasoning models: o1 vs R1, GRPO vs PPO — a toy simulator of the RL updates plus sourced benchmarks."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.charts.grpo import (
    benchmark_comparison,
)
from components.sim import grpo as sim
from components.ui.data import get_tables
from components.ui.frame import ensure_app_frame
from components.ui.memo import figure_from_dict, memo_chart
from components.ui.page import show_chart, show_url_notices
from components.ui.sidebar import active_filters, is_talk
from components.ui.sim_runs import (
    curves_figure,
    filter_key,
    memory_figure,
    reasoning_in_filters,
    reasoning_scores,
    run_chain,
    run_sim,
    step_figure,
)
from components.ui.text import md_escape
from components.ui.url_state import url_multi, write_url

PAGE = "Reasoning models"
G_CHOICES = [2, 4, 8, 16, 32, 64]
REASONING_BENCHMARKS = ["aime_2024", "math_500", "gpqa_diamond", "codeforces_rating", "codeforces_percentile",
                        "livecodebench"]
ALL_BENCHMARKS = [*REASONING_BENCHMARKS, "mmlu"]
# Shown by default when present: the reasoning models the seed article names, and strong generation models.
DEFAULT_MODELS = ["openai-o1/o1", "openai-o1/o1-preview", "deepseek-r1/r1", "deepseek-r1/r1-zero",
                  "deepseek-r1-distill/qwen-32b", "deepseek-r1-distill/llama-70b", "qwq/32b", "qwen3/235b-a22b",
                  "deepseek-v3/chat", "gpt-4/gpt-4o", "claude-3.5/claude-3.5-sonnet", "kimi-k2/instruct",
                  "llama-3.3/70b-instruct"]
SIM_NOTE = "simulated toy (one prompt, 4 answers, tabular softmax policy)"


# The model picker: a big catalog has tens of thousands of models with a reasoning score. The list offers the top
# PICKER_TOP by rank_for_picker's rule (plus the current picks) and says how many it leaves out; with none of
# DEFAULT_MODELS in the catalog (or the filters), the first DEFAULT_TOP by that rule are picked.
PICKER_TOP = 200
DEFAULT_TOP = 12
MAX_PICKS = 60


def bench_figure(view: pd.DataFrame, *, chosen: tuple[str, ...], names: tuple[tuple[str, str], ...],
                 talk: bool) -> go.Figure:
    return benchmark_comparison(view, list(chosen), benchmark_names=dict(names), talk=talk,
                                title="Reasoning vs non-reasoning models, as reported")


# ---------------------------------------------------------------- URL <-> widgets (main options only)
def _init_from_url(key: str, param: str, parse, default) -> None:
    if key in st.session_state:
        return
    raw = st.query_params.get(param)
    try:
        value = parse(raw) if raw is not None else default
    except (TypeError, ValueError):
        value = default
    st.session_state[key] = value


def _parse_g(raw: str) -> int:
    v = int(raw)
    if v not in G_CHOICES:
        raise ValueError(v)
    return v


def _parse_norm(raw: str) -> str:
    if raw not in sim.NORMALIZATIONS:
        raise ValueError(raw)
    return raw


def _parse_seed(raw: str) -> int:
    v = int(raw)
    if not 0 <= v <= 9999:
        raise ValueError(v)
    return v


_init_from_url("grpo_G", "G", _parse_g, 8)
_init_from_url("grpo_normalize", "normalize", _parse_norm, "std_population")
_init_from_url("grpo_seed", "seed", _parse_seed, 0)

talk = is_talk()

# ---------------------------------------------------------------- header
ensure_app_frame()  # the catalog (and get_tables' guard) comes only at the end of this page
st.title("Reasoning models: o1 vs R1, GRPO vs PPO")
st.markdown(
    "**Reasoning models** (OpenAI o1, DeepSeek-R1, …) are trained with reinforcement learning to spend tokens "
    "on a chain of thought before answering; **generation models** answer directly. OpenAI has not published "
    "how o1 was trained. DeepSeek did: R1-Zero is **GRPO** applied directly to DeepSeek-V3-Base with no SFT, "
    "with rule-based rewards only (accuracy of the boxed answer or test cases, plus a `<think>…</think>` "
    "format reward; no neural reward model, which the authors say may suffer from reward hacking at scale)."
)
m1, m2, m3 = st.columns(3)
m1.metric("R1-Zero AIME 2024 pass@1, before RL", "15.6%", help="DeepSeek-V3-Base at the start of RL, as reported.")
m2.metric("… after RL (arXiv v1, Jan 2025)", "71.0%", delta="+55.4 pts",
          help="DeepSeek-R1 paper, arXiv 2501.12948 v1; 86.7% with majority voting over 64 samples.")
m3.metric("… after RL (Nature 645:633, 2025)", "77.9%", delta="+62.3 pts",
          help="The journal version (also arXiv v2) reports 77.9% pass@1 and 86.7% cons@16.")
st.caption(
    "As reported by DeepSeek: [arXiv 2501.12948](https://arxiv.org/abs/2501.12948) v1 (January 2025) and the "
    "journal version, Nature 645:633 (2025). The two versions give different after-RL numbers; this page quotes "
    "both and labels each. The paper's \"aha moment\" (RL increasing self-reflection) is real, but Dr. GRPO "
    "([arXiv 2503.20783](https://arxiv.org/abs/2503.20783)) found such phrases already in DeepSeek-V3-Base: RL "
    "*amplified* reflection rather than inventing it."
)

# ---------------------------------------------------------------- controls
st.subheader("The simulator")
st.caption(
    "A toy, but with the real update rules: one prompt, four candidate answers — **A** correct and formatted, "
    "**B** correct but unformatted, **C** wrong but formatted, **D** wrong — reward "
    "r = w_acc·1[correct] + w_fmt·1[formatted], policy π = softmax(θ) starting at (0.10, 0.30, 0.20, 0.40) "
    "and also used as the frozen reference. Each update samples 4 groups of G answers; all three methods get "
    "the same sample budget and the same learning rate (0.2, plain gradient ascent on θ)."
)
with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    G = c1.select_slider("Group size G", options=G_CHOICES, key="grpo_G",
                         help="Answers sampled per prompt. DeepSeekMath used 64; TRL's default is 8.")
    normalize = c2.selectbox("Advantage normalisation", sim.NORMALIZATIONS, key="grpo_normalize",
                             format_func=sim.NORMALIZATION_LABELS.get)
    seed = int(c3.number_input("Seed", min_value=0, max_value=9999, step=1, key="grpo_seed"))
    steps = c4.slider("Update steps", 20, 300, 150, step=10, key="grpo_steps")
    c5, c6, c7, c8 = st.columns(4)
    eps = c5.slider("Clip ε", 0.05, 0.5, 0.2, step=0.05, key="grpo_eps")
    beta = c6.slider("KL weight β", 0.0, 0.2, 0.04, step=0.01, key="grpo_beta",
                     help="DeepSeekMath: 0.04. R1: 0.001. TRL ≥ 0.19 defaults to 0.0.")
    mu = c7.slider("Inner steps μ", 1, 8, 2, key="grpo_mu",
                   help="Gradient steps per sampled batch. DeepSeekMath used μ = 1 (ratio ≡ 1, so nothing is clipped).")
    baseline = c8.selectbox("REINFORCE baseline", ["none", "mean"], key="grpo_baseline",
                            format_func={"none": "none (A = r)", "mean": "batch mean (A = r − r̄)"}.get)
    c9, c10, _ = st.columns([1, 1, 2])
    w_acc = c9.slider("Accuracy reward w_acc", 0.0, 2.0, 1.0, step=0.1, key="grpo_w_acc")
    w_fmt = c10.slider("Format reward w_fmt", 0.0, 1.0, 0.5, step=0.1, key="grpo_w_fmt",
                       help="A toy choice, not R1's weighting.")

for param, value in (("seed", str(seed)), ("G", str(G)), ("normalize", normalize)):
    if st.query_params.get(param) != value:
        st.query_params[param] = value

SIM_ARGS = (int(G), float(eps), float(beta), int(mu), normalize, float(w_acc), float(w_fmt), int(steps), seed,
            baseline)
curves, groups, final = run_sim(*SIM_ARGS)
N_GROUPS = sim.TrainConfig().n_groups

# ---------------------------------------------------------------- one update
st.subheader("One GRPO update, step by step")
s1, s2 = st.columns(2)
if st.session_state.get("grpo_update", 1) > steps:
    st.session_state["grpo_update"] = int(steps)
update = s1.slider("Update", 1, int(steps), 1, key="grpo_update", help="Which training update to inspect.")
group_no = s2.radio("Group", list(range(1, N_GROUPS + 1)), horizontal=True, key="grpo_group")
frame = groups[(groups["update"] == update) & (groups["group"] == group_no)].drop(columns=["update", "group"])
frame = frame.reset_index(drop=True)

left, right = st.columns([3, 2])
with left:
    show_chart(figure_from_dict(step_figure(SIM_ARGS, int(update), int(group_no), talk)), page=PAGE, view="grpo-step",
               key="grpo_step_chart", source=SIM_NOTE)
    st.dataframe(
        frame.drop(columns=["ratio_after"]), hide_index=True, width="stretch",
        column_config={
            "sample": "#", "answer": "Answer", "reward": st.column_config.NumberColumn("Reward r", format="%.2f"),
            "advantage": st.column_config.NumberColumn("Advantage Â", format="%.3f"),
            "ratio": st.column_config.NumberColumn("Ratio ρ (last inner step)", format="%.3f"),
            "clipped": st.column_config.CheckboxColumn("Clipped?"),
            "kl_term": st.column_config.NumberColumn("k3 KL term", format="%.4f"),
        },
    )
with right:
    flat = bool((frame["reward"] == frame["reward"].iloc[0]).all())
    st.markdown(
        "**What happens.** GRPO ([DeepSeekMath, arXiv 2402.03300](https://arxiv.org/abs/2402.03300), eq. 3) "
        "samples G answers from the current policy π_old and scores each with the rule reward. "
        "The baseline is the **group itself**: Â_i = (r_i − mean r) / std r, given to every token of answer i. "
        "No value network is trained.\n\n"
        "Then μ gradient steps maximise the PPO-style clipped surrogate "
        "min(ρÂ, clip(ρ, 1−ε, 1+ε)Â), with ρ = π_θ(a)/π_old(a), **minus β·KL** to the frozen reference, "
        "estimated per sample with k3 = π_ref/π_θ − log(π_ref/π_θ) − 1 (unbiased, never negative).\n\n"
        "At the first inner step θ = θ_old, so ρ = 1 and nothing is clipped; with the paper's μ = 1 that is the "
        "only step. With μ > 1, ρ drifts, and an ✕ marks a sample whose ratio left the band in the direction its "
        "advantage pushes: its gradient is zero."
    )
    if flat:
        st.info("This group's rewards are all equal, so every advantage is 0: a **zero-signal group**. "
                "Only the KL term (when β > 0) moves the policy.", icon=":material/block:")
    st.caption("Normalisation: " + sim.NORMALIZATION_LABELS[normalize] + ". The paper does not say whether its "
               "std is the population or sample std; TRL (v1.10.0.dev0) uses the sample std plus 1e-4. "
               "Dr. GRPO drops the division: dividing by a small std up-weights prompts the model finds almost "
               "always easy or almost always hard. Dr. GRPO also drops GRPO's per-answer 1/|o| length "
               "normalisation, which penalises long wrong answers less per token; one-token answers cannot show "
               "that effect.")

# ---------------------------------------------------------------- training curves
st.subheader("Training curves: GRPO vs PPO vs REINFORCE")
left, right = st.columns([3, 2])
with left:
    show_chart(figure_from_dict(curves_figure(SIM_ARGS, talk)), page=PAGE, view="training-curves",
               key="grpo_curves_chart", source=SIM_NOTE)
    summary = pd.DataFrame([
        {"method": m, "expected reward (end)": v["expected_reward"], "P(correct+formatted) (end)": v["p_best"],
         "KL to ref (end)": v["kl"], "observed zero-signal share (all steps)": v["zero_share"]}
        for m, v in final.items()])
    st.dataframe(summary, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.3f") for c in summary.columns[1:]})
with right:
    st.markdown(
        "**GRPO** uses the group mean (and std) as its baseline. **PPO** (as written in DeepSeekMath §4.1) learns "
        "a value V with V ← V + η_v(r̃ − V), uses A = r̃ − V and puts the KL penalty **inside the reward**, "
        "r̃ = r − β·log(π/π_ref); its advantages do not sum to zero. In this one-token toy GAE reduces to "
        "A = r̃ − V (γ = λ = 1); the multi-token version is below. **REINFORCE** takes one plain gradient step on "
        "A·∇log π, with no ratio, no clipping and no KL. Its baseline is none (A = r) or the batch mean.\n\n"
        "**Zero-signal groups.** If all G answers get the same reward, GRPO's advantages are all 0, so the "
        "group teaches nothing. With a binary reward and success rate p, this happens with probability "
        "p^G + (1 − p)^G: 81.5% for p = 0.05 and G = 4, but 3.8% at G = 64. It happens at both ends: when a "
        "prompt is too hard early on, and again once the policy has converged. DAPO "
        "([arXiv 2503.14476](https://arxiv.org/abs/2503.14476)) drops such groups and resamples. PPO's critic "
        "still produces a non-zero A = r − V for them."
    )
    st.caption("The zero-signal panel plots Σ_v P(r = v)^G under the current policy (the expectation). "
               "The table gives the share actually observed in the sampled groups.")

with st.expander("Multi-token PPO with GAE (γ, λ)"):
    g1, g2, _ = st.columns([1, 1, 2])
    gamma = g1.slider("γ", 0.8, 1.0, 1.0, step=0.01, key="grpo_gamma")
    lam = g2.slider("λ", 0.0, 1.0, 0.95, step=0.05, key="grpo_lambda")
    exp_r, example, values = run_chain(float(gamma), float(lam), float(beta), seed)
    st.markdown(
        "A 4-token answer. Each token is a right or a wrong reasoning step, and the reward model's score (1 if every "
        "step was right) arrives only after the last token. Every token also pays −β·log(π/π_ref). "
        "The critic is a table V(position, still-on-track). Then δ_t = r_t + γV(s_{t+1}) − V(s_t) and "
        "A_t = Σ_l (γλ)^l δ_{t+l}. With γ = λ = 1 and β = 0 this gives A_t = r − V(s_t). With λ < 1 the "
        "advantage leans more on the critic: lower variance, more bias. "
        f"P(all steps right) went from {exp_r[0]:.2f} to {exp_r[-1]:.2f} over 120 PPO updates."
    )
    st.dataframe(example.rename(columns={"token": "t", "action": "token", "reward": "r_t", "value": "V(s_t)",
                                         "delta": "δ_t", "advantage": "A_t (GAE)"}),
                 hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.3f")
                                for c in ("r_t", "V(s_t)", "δ_t", "A_t (GAE)")})

# ---------------------------------------------------------------- memory
st.subheader("What the critic costs")
left, right = st.columns([3, 2])
with right:
    params_b = st.number_input("Policy size (billions of parameters)", 0.5, 1000.0, 7.0, step=0.5,
                               key="grpo_params_b")
    bpp = st.selectbox("Bytes per parameter (weights)", [2.0, 1.0, 4.0], key="grpo_bpp",
                       format_func={2.0: "2 (bf16/fp16)", 1.0: "1 (int8/fp8)", 4.0: "4 (fp32)"}.get)
    optimizer = st.checkbox("Include gradients + Adam states for the trained models", value=False,
                            key="grpo_optimizer")
    rm = st.checkbox("Neural reward model (off = rule-based rewards, as R1-Zero)", value=True, key="grpo_rm")
    ref = st.checkbox("Reference model for the KL (off = β = 0, TRL's default)", value=True, key="grpo_ref")
mem = sim.memory_gb(params_b, bpp, optimizer=optimizer, reward_model=rm, reference=ref)
ppo_total, grpo_total = sum(mem["PPO"].values()), sum(mem["GRPO"].values())
with left:
    show_chart(figure_from_dict(memory_figure(float(params_b), float(bpp), optimizer, rm, ref, talk)), page=PAGE,
               view="memory", key="grpo_memory_chart", source="arithmetic from the stated assumptions")
with right:
    st.markdown(
        f"PPO holds **{ppo_total:,.0f} GB** and GRPO **{grpo_total:,.0f} GB** "
        f"({1 - grpo_total / ppo_total:.0%} less). The value model is the critic GRPO \"foregoes\"; in PPO it is "
        "typically the size of the policy."
    )
    st.caption(
        "Assumptions: GB = 10⁹ bytes. Each model holds params × bytes/param. The value and reward models are the "
        "policy's size. With the option on, each *trained* model (policy, and PPO's value) adds a gradient "
        "(bytes/param) and mixed-precision Adam states (12 B/param: fp32 master copy, m, v), i.e. 16 B/param "
        "at bf16. Frozen models hold weights only. Not counted: activations, KV cache, a separate "
        "inference-engine copy, sharding."
    )

# ---------------------------------------------------------------- reasoning vs generation benchmarks
st.subheader("Reasoning vs generation: benchmarks")
# The same shared, validated tables as every other page (loaded once per server; the simulator above does not
# need them, so it has already been drawn if the catalog fails to load). The page's view of them (scores in scope,
# the picker's ranking) is built once per catalog version and shared; a rerun only looks things up in it.
tables = get_tables()
version = tables.version
data_key = (version, tuple(REASONING_BENCHMARKS), tuple(ALL_BENCHMARKS))
data = reasoning_scores(*data_key, tables.scores, tables.models)
bench_names = dict(zip(tables.benchmarks["id"], tables.benchmarks["name"]))

if not data.ranked:
    st.info("The catalog has no scores on AIME 2024, MATH-500, GPQA Diamond, Codeforces or LiveCodeBench yet, "
            "so there is nothing to compare. They appear here as soon as curators add them to `data/models/`.",
            icon=":material/hourglass_empty:")
else:
    filters = active_filters(tables.models)
    ranked, in_filters = reasoning_in_filters(data_key, filter_key(filters), data, filters)
    default = [m for m in DEFAULT_MODELS if m in in_filters] or list(ranked[:DEFAULT_TOP])
    # A link may name any model in scope, also one the picker would not offer by itself.
    url_multi("models", "grpo_bench_models", data.in_scope, default, max_items=MAX_PICKS)
    picks = [m for m in st.session_state["grpo_bench_models"] if m in data.in_scope][:MAX_PICKS]
    if picks != st.session_state["grpo_bench_models"]:  # models gone from a reloaded catalog
        st.session_state["grpo_bench_models"] = picks
    top = ranked[:PICKER_TOP]
    top_set = set(top)
    offered = sorted(dict.fromkeys([*top, *picks]), key=lambda i: (data.names[i].lower(), i))
    not_offered = len(ranked) - len(top) - sum(1 for m in picks if m in in_filters and m not in top_set)
    where = " within the sidebar filters" if filters.active else ""

    b1, b2 = st.columns(2)
    chosen = b1.multiselect("Benchmarks", list(data.present), default=list(data.present), key="grpo_benchmarks",
                            format_func=lambda b: bench_names.get(b, b))
    models = b2.multiselect(
        "Models", offered, key="grpo_bench_models", max_selections=MAX_PICKS,
        format_func=lambda i: data.names.get(i, i), placeholder="Pick models to compare",
        help=f"{len(ranked):,} models{where} have a reasoning-benchmark score. "
             + (f"The list offers the {len(top)} that report the most of the six reasoning benchmarks (ties: the "
                "higher average percentile across them), plus your picks." if not_offered else "All are listed."))
    write_url("models", models, default)
    if not_offered:
        st.caption(f"{not_offered:,} models with a reasoning-benchmark score{where} are not offered in the list, "
                   f"which shows the {len(top)} that report the most of the six reasoning benchmarks (ties: the "
                   "higher average percentile across them) plus your picks. Narrow the sidebar filters "
                   "(organization, weights, architecture, release date, size) to reach the others.")
    show_url_notices()
    hidden = [m for m in models if m not in in_filters]
    if hidden:
        st.caption(f"{len(hidden)} picked model{'s are' if len(hidden) != 1 else ' is'} hidden by the sidebar "
                   "filters: " + ", ".join(md_escape(data.names.get(m, m)) for m in hidden) + ".")
    shown = tuple(m for m in models if m in in_filters)
    rows = data.rows(shown)
    view = rows[rows["benchmark"].isin(chosen)]
    if view.empty:
        if ranked:
            st.info("Pick at least one benchmark and one model with a score on it.", icon=":material/touch_app:")
        else:
            st.info("No model with a reasoning-benchmark score matches the sidebar filters. Widen or reset them in "
                    "the sidebar.", icon=":material/filter_alt_off:")
    else:
        fig = memo_chart(bench_figure, view, key=("catalog", version, shown), chosen=tuple(chosen),
                         names=tuple(sorted(bench_names.items())), talk=talk)
        show_chart(fig, page=PAGE,
                   view="reasoning-vs-generation", key="grpo_bench_chart", data_version=version)
        n_models = view["model_id"].nunique()
        n_self = int(view["self_reported"].fillna(False).astype(bool).sum())
        st.caption(f"{n_models} of {len(ranked):,} models with a reasoning-benchmark score{where} are shown. "
                   f"{n_self} of {len(view)} numbers are self-reported by the model's developer. Settings "
                   "(pass@1, maj@k, shots) and paper versions differ between rows: hover a bar or read the "
                   "table.")
        table = view.assign(benchmark=view["benchmark"].map(lambda b: bench_names.get(b, b)))
        st.dataframe(
            table[["name", "kind", "benchmark", "value", "setting", "version", "self_reported", "source_url"]],
            hide_index=True, width="stretch",
            column_config={"name": "Model", "kind": "Kind", "benchmark": "Benchmark", "value": "Score",
                           "setting": "Setting", "version": "Source version",
                           "self_reported": st.column_config.CheckboxColumn("Self-reported"),
                           "source_url": st.column_config.LinkColumn("Source")},
        )
