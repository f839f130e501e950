"""Cached simulator runs for the MoE and Reasoning pages.

They live in a module, not in the page scripts: a page script runs top to bottom on every rerun, and each
@st.cache_data decoration it executes costs Streamlit a source lookup of the function (~4 ms each, measured);
here they are decorated once per process. The simulations themselves are pure (components/sim/)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
import yaml

from components.charts.grpo import memory_bars, step_chart, training_curves
from components.sim import grpo as sim
from components.sim import moe as moe_sim


# ---------------------------------------------------------------- MoE routing
@st.cache_data(show_spinner=False)
def presets() -> dict[str, moe_sim.Preset]:
    return moe_sim.load_presets()


@st.cache_data(show_spinner=False)
def sources() -> dict:
    p = moe_sim.CONFIG_DIR / "SOURCES.yaml"
    return yaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else {}


@st.cache_data(max_entries=32, show_spinner=False)
def run_routing(settings: dict, text: str, n_tokens: int, locality: float, seed: int) -> moe_sim.RoutingResult:
    toks = moe_sim.toy_tokenize(text) or ["(empty)"]
    toks = (toks * (n_tokens // len(toks) + 1))[:n_tokens]
    return moe_sim.simulate_routing(moe_sim.RouterSettings(**settings), np.random.default_rng(seed), tokens=toks,
                                locality=locality)


@st.cache_data(max_entries=16, show_spinner=False)
def run_balancing(settings: dict, steps: int, gamma: float, skew: float, seed: int) -> moe_sim.BalanceTrace:
    return moe_sim.bias_balancing(moe_sim.RouterSettings(**settings), np.random.default_rng(seed), steps=steps,
                                  gamma=gamma, tokens_per_step=512, expert_skew=skew)


# ---------------------------------------------------------------- GRPO / PPO
@st.cache_data(max_entries=64, show_spinner=False)
def run_sim(G: int, eps: float, beta: float, mu: int, normalize: str, w_acc: float, w_fmt: float, steps: int,
            seed: int, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    env = sim.ToyEnv(w_acc=w_acc, w_fmt=w_fmt)
    cfg = sim.TrainConfig(G=G, eps=eps, beta=beta, mu=mu, normalize=normalize, reinforce_baseline=baseline)
    res = sim.compare(env, cfg, steps, seed)
    groups = sim.records_frame(res["GRPO"].records, env)
    final = {m: {"expected_reward": float(r.expected_reward[-1]), "p_best": float(r.p_best[-1]),
                 "kl": float(r.kl_to_ref[-1]), "zero_share": float(np.mean(r.zero_signal_share))}
             for m, r in res.items()}
    return sim.curves_frame(res), groups, final


@st.cache_data(max_entries=64, show_spinner=False)
def curves_figure(sim_args: tuple, talk: bool) -> dict:
    """The training-curves figure as a dict (rebuilding a plotly figure costs more than re-validating one)."""
    curves = run_sim(*sim_args)[0]
    seed, G = sim_args[8], sim_args[0]
    fig = training_curves(curves, talk=talk, title=f"Same seed ({seed}), same samples per step (4 × {G})")
    return fig.to_dict()


@st.cache_data(max_entries=48, show_spinner=False)
def step_figure(sim_args: tuple, update: int, group_no: int, talk: bool) -> dict:
    groups = run_sim(*sim_args)[1]
    frame = groups[(groups["update"] == update) & (groups["group"] == group_no)]
    G, eps, mu = sim_args[0], sim_args[1], sim_args[3]
    fig = step_chart(frame, eps=eps, talk=talk,
                     title=f"Update {update}, group {group_no}: G = {G}, ε = {eps:g}, μ = {mu}")
    return fig.to_dict()


@st.cache_data(max_entries=64, show_spinner=False)
def memory_figure(params_b: float, bpp: float, optimizer: bool, rm: bool, ref: bool, talk: bool) -> dict:
    mem = sim.memory_gb(params_b, bpp, optimizer=optimizer, reward_model=rm, reference=ref)
    return memory_bars(mem, talk=talk, title=f"Models held in memory for a {params_b:g}B policy").to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def run_chain(gamma: float, lam: float, beta: float, seed: int) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    run = sim.ppo_gae_train(sim.ChainEnv(), 120, np.random.default_rng(seed), gamma=gamma, lam=lam, beta=beta)
    ex = pd.DataFrame(run.example)
    ex["action"] = np.where(ex["action"] == 1, "right step", "wrong step")
    return run.expected_reward, ex, run.values


