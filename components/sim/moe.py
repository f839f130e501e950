"""MoE routing simulator: real router math per family, simulated weights and hidden states.

Pure numpy, seeded by an explicit ``numpy.random.Generator``: the same inputs and seed give the same result.
The router rule of every family follows shared/reference/moe_grpo.md table A1 exactly (score function,
selection incl. group-limited top-k and DeepSeek-V3's selection-only bias, weight normalisation,
route_scale, shared-expert weight, capacity and dropping). What is *simulated*: the router weight
matrices W_g, the hidden states x (a token-identity part plus an AR(1) part whose correlation is the
"locality" knob), and the text's token ids (a toy tokenizer, not any model's real tokenizer).
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from .params import ConfigError, count_params, ParamCount

# ------------------------------------------------------------------------------------------ families

FAMILIES = ("mixtral", "switch", "gshard", "deepseek_v3", "deepseek_v2", "qwen2_moe", "qwen3_moe", "llama4",
            "gpt_oss", "grok1", "dbrx", "olmoe")


@dataclass(frozen=True)
class FamilyRule:
    score: str          # "softmax" | "sigmoid" | "logits"
    selection: str
    weights: str
    weight_sum: str     # what Σ routed gate weights equals
    shared: str
    dropless: bool      # the real model never drops tokens


FAMILY_RULES: dict[str, FamilyRule] = {
    "mixtral": FamilyRule("softmax", "top-k of softmax", "p_i / Σ p_selected (renormalised)", "1", "none", True),
    "switch": FamilyRule("softmax", "top-1", "full-softmax p_i, not renormalised", "p_i < 1", "none", False),
    "gshard": FamilyRule("softmax", "top-1, then best of the rest; 2nd kept w.p. min(1, g2/0.2) in training",
                         "g1/(g1+g2), g2/(g1+g2)", "1, or < 1 if the 2nd is dropped", "none", False),
    "deepseek_v3": FamilyRule("sigmoid", "on s+b: group score = Σ top-2 per group; keep top groups; top-k",
                              "route_scale · s_i / Σ s_selected (unbiased s)", "route_scale (2.5)", "weight 1",
                              True),
    "deepseek_v2": FamilyRule("softmax", "group score = max per group; keep top groups; top-k",
                              "route_scale · p_i (raw)", "≠ 1", "weight 1", True),
    "qwen2_moe": FamilyRule("softmax", "top-k", "raw p_i (norm_topk_prob = false)", "< 1", "sigmoid(w_s·x)", True),
    "qwen3_moe": FamilyRule("softmax", "top-k", "renormalised (norm_topk_prob = true) [unverified]", "1", "none",
                            True),
    "llama4": FamilyRule("logits", "top-1 of the logits", "sigmoid(logit), applied to the expert input",
                         "in (0, 1)", "weight 1", True),
    "gpt_oss": FamilyRule("logits", "top-k of logits + router bias", "softmax over the k selected logits", "1",
                          "none", True),
    "grok1": FamilyRule("softmax", "top-2 of softmax", "raw p_i", "< 1", "none", True),
    "dbrx": FamilyRule("softmax", "top-k of softmax", "L1-renormalised", "1", "none", True),
    "olmoe": FamilyRule("softmax", "top-k of softmax", "raw p_i (norm_topk_prob = false) [unverified]", "< 1",
                        "none", True),
}


@dataclass(frozen=True)
class RouterSettings:
    """Everything the router needs. Presets fill it from data/configs; the page can edit it by hand."""
    family: str
    n_experts: int
    top_k: int
    n_layers: int
    moe_layers: tuple[int, ...] | None = None   # None = every layer is MoE
    n_groups: int = 1                            # DeepSeek group-limited routing
    topk_groups: int = 1
    route_scale: float = 1.0
    n_shared: int = 0
    capacity_factor: float | None = None         # switch/gshard: always used; others: only if hypothetical
    hypothetical_capacity: bool = False          # apply a capacity to a dropless family (labelled on the page)
    gshard_second_policy: str = "random"         # "random" (Mesh-TF training) or "all"
    gshard_second_threshold: float = 0.2
    d_sim: int = 16                              # width of the simulated hidden state
    logit_scale: float = 1.5                     # std of the simulated router logits
    expert_skew: float = 0.0                     # std of a per-expert popularity offset (imbalance)

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"unknown router family {self.family!r}; choose one of {FAMILIES}")
        if self.n_experts < 1 or not 1 <= self.top_k <= self.n_experts:
            raise ValueError(f"need 1 <= top_k ({self.top_k}) <= n_experts ({self.n_experts})")
        if self.family in ("switch", "llama4") and self.top_k != 1:
            raise ValueError(f"{self.family} routes each token to exactly 1 expert (top_k=1)")
        if self.family == "gshard" and self.top_k != 2:
            raise ValueError("gshard routes each token to 2 experts (top_k=2)")
        if self.n_groups > 1:
            if self.n_experts % self.n_groups:
                raise ValueError("n_experts must be divisible by n_groups")
            if not 1 <= self.topk_groups <= self.n_groups:
                raise ValueError("need 1 <= topk_groups <= n_groups")
            if self.topk_groups * (self.n_experts // self.n_groups) < self.top_k:
                raise ValueError("the kept groups hold fewer experts than top_k")
        if self.moe_layers is not None and any(not 0 <= i < self.n_layers for i in self.moe_layers):
            raise ValueError("moe_layers must be layer indices in 0..n_layers-1")
        if self.family in ("switch", "gshard") and not self.capacity_factor:
            object.__setattr__(self, "capacity_factor", 1.25)

    @property
    def rule(self) -> FamilyRule:
        return FAMILY_RULES[self.family]

    @property
    def is_moe(self) -> np.ndarray:
        m = np.zeros(self.n_layers, dtype=bool)
        m[list(range(self.n_layers)) if self.moe_layers is None else list(self.moe_layers)] = True
        return m

    @property
    def drops_tokens(self) -> bool:
        return (not self.rule.dropless) or (self.hypothetical_capacity and bool(self.capacity_factor))


# ------------------------------------------------------------------------------------- router maths

def _softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def _sigmoid(x: np.ndarray) -> np.ndarray:
    y = np.negative(x)
    np.exp(y, out=y)
    y += 1.0
    return np.reciprocal(y, out=y)


def _topk(scores: np.ndarray, k: int, *, inplace: bool = False) -> np.ndarray:
    """Indices of the k largest along the last axis, sorted by score descending (ties: lower index first).

    k passes of argmax (each masks its winner): faster than argpartition for the small k of MoE routers."""
    T = scores.shape[0]
    y = scores if inplace else np.array(scores, copy=True)
    out = np.empty((T, k), dtype=np.int64)
    rows = np.arange(T)
    for i in range(k):
        a = y.argmax(axis=-1)
        out[:, i] = a
        if i + 1 < k:
            y[rows, a] = -np.inf
    return out


def _group_topk(sel: np.ndarray, k: int, n_groups: int, topk_groups: int, how: str, transform=None) -> np.ndarray:
    """Group-limited top-k: rank groups (how = "max": best score, DeepSeek-V2; "top2sum": sum of the two best,
    DeepSeek-V3), keep the best `topk_groups` groups, then take the top-k experts inside the kept groups only.
    transform: a monotonic map applied to the two best values before summing (lets DeepSeek-V3 rank on raw
    logits and apply the sigmoid only to 2 values per group). Returns indices (T, k) sorted by score descending."""
    T, E = sel.shape
    gs = E // n_groups
    g = sel.reshape(T, n_groups, gs)
    # running max / second max over the experts of each group (a loop over the short group axis is much
    # faster in numpy than a reduction along it)
    gt = np.ascontiguousarray(g.transpose(2, 0, 1))                    # (gs, T, G): contiguous slices
    m1 = gt[0].copy()
    m2 = np.full_like(m1, -np.inf)
    for i in range(1, gs):
        v = gt[i]
        np.maximum(m2, np.minimum(m1, v), out=m2)
        np.maximum(m1, v, out=m1)
    if how == "max":
        gscore = m1
    else:                                        # sum of the two best scores (a tie at the top counts twice)
        gscore = m1 + m2 if transform is None else transform(m1) + transform(m2)
    keep = _topk(gscore, topk_groups, inplace=True)                       # (T, topk_groups)
    cand = g[np.arange(T)[:, None], keep].reshape(T, topk_groups * gs)
    j = _topk(cand, k, inplace=True)
    return np.take_along_axis(keep, j // gs, axis=1) * gs + j % gs


def route(logits: np.ndarray, settings: RouterSettings, *, bias: np.ndarray | None = None,
          router_bias: np.ndarray | None = None, shared_logit: np.ndarray | None = None,
          rng: np.random.Generator | None = None, with_probs: bool = True) -> dict[str, np.ndarray]:
    """Route one layer. logits: (T, E) router logits W_g·x.

    bias: DeepSeek-V3 selection-only bias b (E,). router_bias: gpt-oss's Linear bias (E,).
    shared_logit: (T,) w_s·x for Qwen2-MoE's shared-expert gate. rng: for GShard's random second expert.
    Returns experts (T,k) sorted by selection score, gates (T,k), shared (T,), skipped (T,k) (GShard's
    randomly dropped 2nd expert), probs (T,E) (softmax of the logits, for the auxiliary losses; None if
    with_probs is False and the family does not need it).
    """
    s = settings
    fam, k, E = s.family, s.top_k, s.n_experts
    T = logits.shape[0]
    if logits.shape != (T, E):
        raise ValueError(f"logits must be (tokens, {E})")
    skipped = np.zeros((T, k), dtype=bool)
    shared = np.zeros(T, dtype=logits.dtype)
    probs = None
    if fam == "deepseek_v3":
        if bias is None:
            # exact fast path: the sigmoid is monotonic, so selection (and each group's two best) can be
            # found on the raw logits; the sigmoid is then applied to the few values that matter.
            if s.n_groups > 1:
                idx = _group_topk(logits, k, s.n_groups, s.topk_groups, "top2sum", transform=_sigmoid)
            else:
                idx = _topk(logits, k)
            w = _sigmoid(np.take_along_axis(logits, idx, axis=-1))
            sc = None
        else:
            sc = _sigmoid(logits)
            sel = sc + bias                                            # bias: selection only
            if s.n_groups > 1:
                idx = _group_topk(sel, k, s.n_groups, s.topk_groups, "top2sum")
            else:
                idx = _topk(sel, k)
            w = np.take_along_axis(sc, idx, axis=-1)                    # unbiased scores
        gates = w / w.sum(axis=-1, keepdims=True) * s.route_scale
        shared[:] = 1.0 if s.n_shared else 0.0
    elif fam == "deepseek_v2":
        probs = _softmax(logits)
        idx = _group_topk(probs, k, s.n_groups, s.topk_groups, "max") if s.n_groups > 1 else _topk(probs, k)
        gates = np.take_along_axis(probs, idx, axis=-1) * s.route_scale
        shared[:] = 1.0 if s.n_shared else 0.0
    elif fam == "llama4":
        idx = _topk(logits, k)
        gates = _sigmoid(np.take_along_axis(logits, idx, axis=-1))
        shared[:] = 1.0
    elif fam == "gpt_oss":
        lg = logits + (router_bias if router_bias is not None else 0.0)
        idx = _topk(lg, k)
        gates = _softmax(np.take_along_axis(lg, idx, axis=-1))
        probs = _softmax(lg)
    else:  # softmax families
        probs = _softmax(logits)
        idx = _topk(probs, k)
        p = np.take_along_axis(probs, idx, axis=-1)
        if fam in ("mixtral", "qwen3_moe", "dbrx", "gshard"):
            gates = p / p.sum(axis=-1, keepdims=True)
        else:                                   # switch, grok1, olmoe, qwen2_moe: raw probabilities
            gates = p
        if fam == "qwen2_moe" and s.n_shared:
            shared = _sigmoid(shared_logit) if shared_logit is not None else np.full(T, 0.5, logits.dtype)
        if fam == "gshard" and s.gshard_second_policy == "random":
            if rng is None:
                raise ValueError("gshard's random second-expert policy needs rng")
            keep2 = rng.random(T) < gates[:, 1] / max(s.gshard_second_threshold, 1e-9)
            skipped[:, 1] = ~keep2
    if probs is None and with_probs:
        probs = _softmax(logits)
    return {"experts": idx, "gates": gates, "shared": shared, "skipped": skipped, "probs": probs}


def capacity_for(settings: RouterSettings, n_tokens: int) -> int | None:
    """Expert capacity (assignments per expert per layer), or None when the family is dropless."""
    s = settings
    if not s.drops_tokens:
        return None
    cf = float(s.capacity_factor)
    if s.family == "switch":                     # Fedus et al. §2.2: tokens/N × cf
        return max(1, int(n_tokens * cf / s.n_experts))
    if s.family == "gshard":                     # Mesh-TF _top_2_gating: min(T, int(T·cf/E)), at least 4
        return max(4, min(n_tokens, int(n_tokens * cf / s.n_experts)))
    return max(1, int(cf * n_tokens * s.top_k / s.n_experts))   # hypothetical: ⌊cf·T·k/E⌋


def apply_capacity(experts: np.ndarray, skipped: np.ndarray, n_experts: int, capacity: int | None) -> np.ndarray:
    """Capacity drops (T,k) bool. Priority: all 1st choices in token order, then all 2nd choices, ... (Mesh-TF).
    Assignments already skipped do not consume capacity."""
    T, k = experts.shape
    if capacity is None:
        return np.zeros((T, k), dtype=bool)
    e = experts.T.reshape(-1)                    # slot-major order
    live = ~skipped.T.reshape(-1)
    key = np.where(live, e, n_experts)           # skipped go to a dummy expert
    order = np.argsort(key, kind="stable")
    sk = key[order]
    starts = np.searchsorted(sk, np.arange(n_experts + 1))
    pos = np.empty_like(order)
    pos[order] = np.arange(order.size) - starts[sk]
    dropped = live & (pos >= capacity)
    return dropped.reshape(k, T).T


# ------------------------------------------------------------------------------- tokens and hidden states

_TOKEN_RE = re.compile(r"\n|[ \t]{2,}| ?[A-Za-z]+| ?\d| ?[^\sA-Za-z\d]")


def toy_tokenize(text: str, max_piece: int = 6) -> list[str]:
    """TOY tokenizer (not any model's real one): words with their leading space, single digits, punctuation,
    newlines and indentation runs; words longer than `max_piece` letters are cut into pieces. Deterministic."""
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        t = m.group(0)
        lead = " " if t.startswith(" ") and len(t) > 1 and not t.isspace() else ""
        body = t[len(lead):]
        if body.isalpha() and len(body) > max_piece:
            pieces = [body[i:i + max_piece] for i in range(0, len(body), max_piece)]
            out.append(lead + pieces[0])
            out.extend(pieces[1:])
        else:
            out.append(t)
    return out


def toy_token_ids(tokens: Sequence[str], vocab: int = 50_000) -> np.ndarray:
    """Stable ids (crc32 of the token text): the same token always gets the same id."""
    return np.array([zlib.crc32(t.encode("utf-8")) % vocab for t in tokens], dtype=np.int64)


def simulate_hidden(token_ids: np.ndarray, d: int, rng: np.random.Generator, *, locality: float = 0.5,
                    token_weight: float = 0.3) -> np.ndarray:
    """Simulated router inputs (T, d), float32, shared by every layer (each layer has its own random W_g, so
    its routing differs).

    x[t] = √w · v[token_t] + √(1−w) · a[t]: v is a per-token-id vector (same token → same vector) and a is an
    AR(1) process over positions with correlation `locality` (0 = independent neighbours, →1 = consecutive
    tokens nearly identical)."""
    if not 0.0 <= locality < 1.0:
        raise ValueError("locality must be in [0, 1)")
    if not 0.0 <= token_weight <= 1.0:
        raise ValueError("token_weight must be in [0, 1]")
    T = len(token_ids)
    uniq, inv = np.unique(np.asarray(token_ids), return_inverse=True)
    table = rng.standard_normal((uniq.size, d), dtype=np.float32)
    eps = rng.standard_normal((T, d), dtype=np.float32)
    a = np.empty_like(eps)
    rho = np.float32(locality)
    c = np.float32(np.sqrt(1.0 - locality ** 2))
    a[0] = eps[0]
    for t in range(1, T):
        np.multiply(a[t - 1], rho, out=a[t])
        a[t] += c * eps[t]
    return np.float32(np.sqrt(token_weight)) * table[inv] + np.float32(np.sqrt(1.0 - token_weight)) * a


# ------------------------------------------------------------------------------------------ simulation

@dataclass
class RoutingResult:
    settings: RouterSettings
    tokens: list[str]
    token_ids: np.ndarray
    is_moe: np.ndarray            # (L,) bool
    experts: np.ndarray           # (T, L, k) int16, sorted by selection score; -1 on dense layers
    gates: np.ndarray             # (T, L, k) float32: the family's gate weights (before any drop)
    shared: np.ndarray            # (T, L) float32: shared-expert weight (0 if none / dense layer)
    dropped: np.ndarray           # (T, L, k) bool: not dispatched (capacity overflow or GShard's random 2nd)
    drop_reason: np.ndarray       # (T, L, k) int8: 0 kept, 1 capacity overflow, 2 GShard random 2nd expert
    loads: np.ndarray             # (L, E) int: dispatched assignments per expert
    mean_prob: np.ndarray         # (L, E): mean softmax(router logits) per expert (for the aux losses)
    capacity: int | None
    bias: np.ndarray | None = None

    @property
    def effective_gates(self) -> np.ndarray:
        return np.where(self.dropped, 0.0, self.gates).astype(np.float32)

    @property
    def n_tokens(self) -> int:
        return len(self.token_ids)

    @property
    def moe_layer_ids(self) -> np.ndarray:
        return np.flatnonzero(self.is_moe)


def simulate_routing(settings: RouterSettings, rng: np.random.Generator, *, tokens: Sequence[str] | None = None,
                     n_tokens: int | None = None, locality: float = 0.5, token_weight: float = 0.3,
                     bias: np.ndarray | None = None, aux_stats: bool = True) -> RoutingResult:
    """Route `tokens` (or `n_tokens` synthetic tokens) through every layer of `settings`.

    bias: DeepSeek-V3 selection bias, shape (E,) or (n_moe_layers, E). Only deepseek_v3 uses it.
    Weights (router W_g, token vectors, AR noise, gpt-oss router bias, Qwen shared gate) are drawn from rng.
    aux_stats=False skips the mean softmax probabilities (aux losses then NaN) for sigmoid/logit routers."""
    s = settings
    if tokens is None:
        if not n_tokens or n_tokens < 1:
            raise ValueError("give tokens or n_tokens >= 1")
        ids = rng.integers(0, 2_000, n_tokens)
        tokens = [f"tok{i}" for i in ids]
    else:
        tokens = list(tokens)
        if not tokens:
            raise ValueError("no tokens to route")
        ids = toy_token_ids(tokens)
    T, E, k, L = len(tokens), s.n_experts, s.top_k, s.n_layers
    is_moe = s.is_moe
    moe_ids = np.flatnonzero(is_moe)
    Lm = moe_ids.size
    d = s.d_sim
    # simulated weights
    W = rng.standard_normal((Lm, d, E), dtype=np.float32) * np.float32(s.logit_scale / np.sqrt(d))
    skew = (rng.standard_normal((Lm, E)).astype(np.float32) * np.float32(s.expert_skew)) if s.expert_skew else None
    rbias = rng.standard_normal((Lm, E)).astype(np.float32) * np.float32(0.1) if s.family == "gpt_oss" else None
    ws = rng.standard_normal((Lm, d)).astype(np.float32) / np.float32(np.sqrt(d)) if s.family == "qwen2_moe" else None
    X = simulate_hidden(ids, d, rng, locality=locality, token_weight=token_weight)
    if bias is not None:
        bias = np.asarray(bias, dtype=np.float32)
        if bias.shape == (E,):
            bias = np.broadcast_to(bias, (Lm, E))
        if bias.shape != (Lm, E):
            raise ValueError(f"bias must have shape ({E},) or ({Lm}, {E})")

    experts = np.full((L, T, k), -1, dtype=np.int16)     # layer-major storage; exposed as (T, L, k) views
    gates = np.zeros((L, T, k), dtype=np.float32)
    shared = np.zeros((L, T), dtype=np.float32)
    reason = np.zeros((L, T, k), dtype=np.int8)
    loads = np.zeros((L, E), dtype=np.int64)
    mean_prob = np.zeros((L, E), dtype=np.float64)
    cap = capacity_for(s, T)
    for j, l in enumerate(moe_ids):
        logits = X @ W[j]
        if skew is not None:
            logits += skew[j]
        r = route(logits, s, bias=None if bias is None else bias[j],
                  router_bias=None if rbias is None else rbias[j],
                  shared_logit=None if ws is None else X @ ws[j], rng=rng, with_probs=aux_stats)
        drop = apply_capacity(r["experts"], r["skipped"], E, cap)
        experts[l] = r["experts"]
        gates[l] = r["gates"]
        shared[l] = r["shared"]
        reason[l][r["skipped"]] = 2
        reason[l][drop] = 1
        live = reason[l] == 0
        loads[l] = np.bincount(r["experts"][live].ravel(), minlength=E)
        mean_prob[l] = r["probs"].mean(axis=0) if r["probs"] is not None else np.nan
    tr = (1, 0, 2)
    return RoutingResult(s, list(tokens), ids, is_moe, experts.transpose(tr), gates.transpose(tr), shared.T,
                         (reason > 0).transpose(tr), reason.transpose(tr), loads, mean_prob, cap, bias)


# ------------------------------------------------------------------------------------------- metrics

def switch_aux_loss(res: RoutingResult, alpha: float = 1e-2) -> np.ndarray:
    """Switch Transformer (Fedus et al. §2.2): α·N·Σ_i f_i·P_i, f_i = share of tokens whose argmax is i.
    = α at uniform routing, α·N at collapse. Per layer (NaN on dense layers)."""
    out = np.full(res.settings.n_layers, np.nan)
    E = res.settings.n_experts
    for l in res.moe_layer_ids:
        f = np.bincount(res.experts[:, l, 0], minlength=E) / res.n_tokens
        out[l] = alpha * E * float(f @ res.mean_prob[l])
    return out


def hf_aux_loss(res: RoutingResult, coef: float = 1.0) -> np.ndarray:
    """Hugging Face load_balancing_loss_func: E·Σ over (k×E) of f·P (= k at uniform routing), × coef."""
    out = np.full(res.settings.n_layers, np.nan)
    E, k = res.settings.n_experts, res.settings.top_k
    for l in res.moe_layer_ids:
        f = np.zeros((k, E))
        for slot in range(k):
            f[slot] = np.bincount(res.experts[:, l, slot], minlength=E) / res.n_tokens
        out[l] = coef * E * float((f * res.mean_prob[l]).sum())
    return out


def max_violation(loads: np.ndarray) -> np.ndarray:
    """MaxVio = (max_i load_i − mean load) / mean load, along the last axis (arXiv 2408.15664)."""
    loads = np.asarray(loads, dtype=float)
    mean = loads.mean(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, (loads.max(axis=-1) - mean) / np.where(mean > 0, mean, 1), np.nan)


def random_baseline(n_experts: int, top_k: int) -> tuple[float, float]:
    """Chance that two consecutive tokens share (a) the top-1 expert, (b) any of their top-k experts,
    under independent uniform routing: 1/E and 1 − C(E−k, k)/C(E, k)."""
    p1 = 1.0 / n_experts
    if 2 * top_k > n_experts:
        return p1, 1.0
    none = 1.0
    for i in range(top_k):
        none *= (n_experts - top_k - i) / (n_experts - i)
    return p1, 1.0 - none


def same_expert_rate(res: RoutingResult) -> dict[str, np.ndarray]:
    """Per layer: share of consecutive token pairs with the same top-1 expert, and with overlapping top-k sets
    (the Mixtral paper's Table 5 'first choice' / 'first or second choice'). NaN on dense layers."""
    L = res.settings.n_layers
    top1 = np.full(L, np.nan)
    anyk = np.full(L, np.nan)
    if res.n_tokens < 2:
        return {"top1": top1, "any": anyk}
    for l in res.moe_layer_ids:
        e = res.experts[:, l, :].astype(np.int64)
        top1[l] = float(np.mean(e[1:, 0] == e[:-1, 0]))
        anyk[l] = float(np.mean((e[1:, :, None] == e[:-1, None, :]).any(axis=(1, 2))))
    return {"top1": top1, "any": anyk}


# ---------------------------------------------------------------------- DeepSeek-V3 aux-loss-free balancing

@dataclass
class BalanceTrace:
    gamma: float
    loads: np.ndarray        # (steps+1, E) loads of each step's batch (row 0: before any update)
    bias: np.ndarray         # (steps+1, E) bias used for that batch
    maxvio: np.ndarray       # (steps+1,)
    maxvio_no_balance: np.ndarray  # (steps+1,) same batches routed with b = 0


def bias_balancing(settings: RouterSettings, rng: np.random.Generator, *, steps: int = 100,
                   gamma: float = 0.001, tokens_per_step: int = 1024, expert_skew: float = 0.5) -> BalanceTrace:
    """DeepSeek-V3 auxiliary-loss-free balancing on one simulated MoE layer (V3 report §2.1.2): after each
    step, b_i −= γ if expert i was overloaded, += γ if underloaded. b only changes which experts are selected;
    gate weights always use the unbiased sigmoid scores. A per-expert popularity skew makes the router
    imbalanced to begin with."""
    s = replace(settings, family="deepseek_v3") if settings.family != "deepseek_v3" else settings
    E, d = s.n_experts, s.d_sim
    W = rng.standard_normal((d, E), dtype=np.float32) * np.float32(s.logit_scale / np.sqrt(d))
    skew = rng.standard_normal(E).astype(np.float32) * np.float32(expert_skew)
    b = np.zeros(E, dtype=np.float32)
    loads = np.zeros((steps + 1, E), dtype=np.int64)
    biases = np.zeros((steps + 1, E), dtype=np.float32)
    mv0 = np.zeros(steps + 1)
    for t in range(steps + 1):
        x = rng.standard_normal((tokens_per_step, d), dtype=np.float32)
        logits = x @ W + skew
        r = route(logits, s, bias=b)
        load = np.bincount(r["experts"].ravel(), minlength=E)
        loads[t], biases[t] = load, b
        r0 = route(logits, s)
        mv0[t] = max_violation(np.bincount(r0["experts"].ravel(), minlength=E))
        b = b - np.float32(gamma) * np.sign(load - load.mean()).astype(np.float32)
    return BalanceTrace(gamma, loads, biases, max_violation(loads), mv0)


# --------------------------------------------------------------------------------------------- presets

CONFIG_DIR = Path(__file__).resolve().parents[2] / "data" / "configs"

_FAMILY_OF = {"mixtral": "mixtral", "deepseek_v3": "deepseek_v3", "deepseek_v2": "deepseek_v2",
              "qwen2_moe": "qwen2_moe", "qwen3_moe": "qwen3_moe", "llama4_text": "llama4", "gpt_oss": "gpt_oss",
              "grok1": "grok1", "dbrx": "dbrx", "olmoe": "olmoe"}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    settings: RouterSettings
    source: str                    # "config" (data/configs/<name>.json) or "hand" (reference table A2)
    params: ParamCount | None = None
    note: str = ""


def _group_settings(cfg: dict) -> tuple[int, int, float]:
    if "dim" in cfg:   # DeepSeek inference format
        return int(cfg.get("n_expert_groups", 1)), int(cfg.get("n_limited_groups", 1)), float(cfg.get("route_scale", 1.0))
    return (int(cfg.get("n_group") or 1), int(cfg.get("topk_group") or 1),
            float(cfg.get("routed_scaling_factor") or 1.0))


def preset_from_config(name: str, config: dict, label: str | None = None) -> Preset:
    """Router settings from a config dict, layers (MoE vs dense) from the parameter calculator."""
    pc = count_params(config)
    fam = _FAMILY_OF.get(pc.model_type)
    if fam is None:
        raise ConfigError(f"model_type '{pc.model_type}' is not a MoE model", key="model_type")
    n_groups, topk_groups, scale = _group_settings(config) if fam.startswith("deepseek") else (1, 1, 1.0)
    st = RouterSettings(family=fam, n_experts=pc.n_experts, top_k=pc.top_k, n_layers=pc.n_layers,
                        moe_layers=pc.moe_layers, n_groups=n_groups, topk_groups=topk_groups, route_scale=scale,
                        n_shared=pc.n_shared_experts)
    return Preset(name, label or name, st, "config", pc)


_LABELS = {"mixtral-8x7b": "Mixtral 8x7B", "mixtral-8x22b": "Mixtral 8x22B", "deepseek-v3": "DeepSeek-V3 / R1",
           "deepseek-v2": "DeepSeek-V2", "dbrx": "DBRX", "olmoe-1b-7b": "OLMoE-1B-7B", "grok-1": "Grok-1",
           "gpt-oss-120b": "gpt-oss-120b", "qwen1.5-moe-a2.7b": "Qwen1.5-MoE-A2.7B"}

# Families without a shipped config: hand settings from shared/reference/moe_grpo.md table A2.
HAND_PRESETS: dict[str, tuple[str, RouterSettings, str]] = {
    "qwen3-235b-a22b": ("Qwen3-235B-A22B (hand)", RouterSettings("qwen3_moe", 128, 8, 94),
                        "reference A2; Qwen3 Technical Report, Table 2: 94 layers, 128 experts, 8 active"),
    "qwen3-30b-a3b": ("Qwen3-30B-A3B (hand)", RouterSettings("qwen3_moe", 128, 8, 48),
                      "Qwen3 Technical Report (QwenLM/Qwen3), Table 2: 48 layers, 128 experts, 8 active"),
    "llama-4-scout": ("Llama 4 Scout (hand)", RouterSettings("llama4", 16, 1, 48, n_shared=1), "reference A2"),
    "llama-4-maverick": ("Llama 4 Maverick (hand)",
                         RouterSettings("llama4", 128, 1, 48, moe_layers=tuple(range(1, 48, 2)), n_shared=1),
                         "reference A2: interleave_moe_layer_step = 2 (odd layers MoE)"),
    "gpt-oss-20b": ("gpt-oss-20b (hand)", RouterSettings("gpt_oss", 32, 4, 24), "reference A2"),
    "switch-base-64": ("Switch (hand, 64 experts)",
                       RouterSettings("switch", 64, 1, 12, moe_layers=tuple(range(1, 12, 2)), capacity_factor=1.25),
                       "generic Switch layer: top-1, capacity factor 1.25, MoE every other layer"),
    "gshard-64": ("GShard (hand, 64 experts)", RouterSettings("gshard", 64, 2, 12, moe_layers=tuple(range(1, 12, 2)),
                                                             capacity_factor=1.25),
                  "generic GShard layer: top-2, random 2nd expert, capacity factor 1.25 (train)"),
}


def load_presets(config_dir: Path | str = CONFIG_DIR, *, include_hand: bool = True) -> dict[str, Preset]:
    """Presets from every data/configs/*.json (MoE only), then the hand presets. Ordered by name within each."""
    out: dict[str, Preset] = {}
    for p in sorted(Path(config_dir).glob("*.json")):
        cfg = json.loads(p.read_text(encoding="utf-8"))
        try:
            out[p.stem] = preset_from_config(p.stem, cfg, _LABELS.get(p.stem, p.stem))
        except ConfigError:
            continue
    if include_hand:
        for name, (label, st, note) in HAND_PRESETS.items():
            out.setdefault(name, Preset(name, label, st, "hand", None, note))
    return out
