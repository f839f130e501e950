"""Cached simulator runs for the MoE and Reasoning pages, and the Reasoning page's benchmark tables.

They live in a module, not in the page scripts: a page script runs top to bottom on every rerun, and each
@st.cache_data decoration it executes costs Streamlit a source lookup of the function (~4 ms each, measured);
here they are decorated once per process. The simulations themselves are pure (components/sim/)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
import streamlit as st
import yaml

from components.catalog.filtering import (
    LIST_KEYS,
    Filters,
    apply_filters,
    filters_to_params,
)
from components.charts.grpo import (
    memory_bars,
    rank_for_picker,
    step_chart,
    training_curves,
)
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


# ---------------------------------------------------------------- reasoning benchmarks (from the catalog tables)
MODEL_COLUMNS = ["id", "name", "kind", "organization", "weights"]
FILTER_COLUMNS = ["id", *dict.fromkeys(LIST_KEYS.values()), "release_dt", "params_total_b"]


@dataclass(frozen=True)
class ReasoningScores:
    """The Reasoning page's benchmark data for one catalog version, built once per server process and shared by
    every session (st.cache_resource: no copy per rerun). Read it; never change it in place."""

    sel: pd.DataFrame  # the scores on the page's benchmarks of the models in scope, plus MODEL_COLUMNS; by model
    spans: Mapping[str, tuple[int, int]]  # model id -> its rows in `sel` (iloc start, stop)
    ranked: tuple[str, ...]  # the models in scope, best first by rank_for_picker's rule
    in_scope: frozenset[str]  # models with a score on at least one reasoning benchmark (MMLU alone does not count)
    names: Mapping[str, str]  # display name (the id when the name is unknown)
    present: tuple[str, ...]  # the page's benchmarks with at least one score, in the page's order
    models: pd.DataFrame  # the sidebar filters' columns of the models in scope, in rank order

    def rows(self, model_ids: Iterable[str]) -> pd.DataFrame:
        """All rows of these models, model by model (a few index ranges: no scan of the whole table)."""
        spans = [self.spans[m] for m in model_ids if m in self.spans]
        if not spans:
            return self.sel.iloc[:0]
        return self.sel.iloc[np.concatenate([np.arange(a, b) for a, b in spans])]


@st.cache_resource(max_entries=4, show_spinner=False)
def reasoning_scores(version: str, reasoning: tuple[str, ...], benchmarks: tuple[str, ...], _scores: pd.DataFrame,
                     _models: pd.DataFrame) -> ReasoningScores:
    """Keyed by the catalog version (the tables are the ones that version names) and the benchmark lists."""
    scores = _scores
    in_scope = frozenset(scores.loc[scores["benchmark"].isin(reasoning), "model_id"])
    sel = scores[scores["benchmark"].isin(benchmarks) & scores["model_id"].isin(in_scope)]
    sel = sel.merge(_models[MODEL_COLUMNS], left_on="model_id", right_on="id", how="left").drop(columns=["id"])
    sel = sel.sort_values("model_id", kind="stable").reset_index(drop=True)  # each model's rows keep their order
    ids = sel["model_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], dtype=int)
    stops = np.r_[starts[1:], len(ids)]
    spans = {ids[a]: (int(a), int(b)) for a, b in zip(starts, stops)}
    ranked = list(rank_for_picker(scores, list(reasoning))["model_id"])
    ranked += sorted(in_scope.difference(ranked))  # in scope with only blank values: last
    first = sel.drop_duplicates("model_id")
    names = {m: (str(n) if isinstance(n, str) and n else m) for m, n in zip(first["model_id"], first["name"])}
    models = _models[FILTER_COLUMNS].drop_duplicates("id").set_index("id").reindex(ranked)
    models = models.rename_axis("id").reset_index()
    present = tuple(b for b in benchmarks if b in set(sel["benchmark"]))
    return ReasoningScores(sel=sel, spans=MappingProxyType(spans), ranked=tuple(ranked), in_scope=in_scope,
                           names=MappingProxyType(names), present=present, models=models)


def filter_key(f: Filters) -> tuple:
    """The filters as a hashable key (the URL form: equal filters, equal keys)."""
    return tuple(sorted(filters_to_params(f).items()))


@st.cache_resource(max_entries=32, show_spinner=False)
def reasoning_in_filters(data_key: tuple, filters: tuple, _data: ReasoningScores,
                         _filters: Filters) -> tuple[tuple[str, ...], frozenset[str]]:
    """The models in scope that pass the sidebar filters, best first (and as a set). Keyed by `data_key` (what
    reasoning_scores was called with, minus the frames) and `filter_key(_filters)`."""
    if not _filters.active:
        return _data.ranked, _data.in_scope
    kept = tuple(apply_filters(_data.models, _filters)["id"])
    return kept, frozenset(kept)
