"""GRPO vs PPO vs REINFORCE on a toy but faithful environment (pure numpy, no Streamlit).

The math follows ../shared/reference/moe_grpo.md, part B (DeepSeekMath arXiv 2402.03300 eqs. 1-4,
Dr. GRPO arXiv 2503.20783, TRL's GRPOTrainer). Everything here is a *simulation*: one prompt, a few
candidate answers, a tabular softmax policy. It keeps the parts of the algorithms that matter for
intuition (group-relative advantages, the clipped ratio, the k3 KL estimator in the loss vs a KL
penalty in the reward, a learned value baseline) and drops everything else (tokens, batching over
prompts, Adam, length normalisation).

Environment (single-token "answers")
    K candidate answers, default 4: A correct + formatted, B correct but unformatted,
    C wrong but formatted, D wrong and unformatted. Rule-based reward
    r(a) = w_acc * 1[correct] + w_fmt * 1[formatted]  (w_fmt is a toy choice, not R1's).
    Policy pi = softmax(theta); grad log pi(a) = e_a - pi.

Every random draw comes from a numpy.random.Generator passed in, so the same seed gives the
same curves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NORMALIZATIONS = ("std_population", "std_sample", "none")
NORMALIZATION_LABELS = {
    "std_population": "Population std (divide by σ, ddof=0)",
    "std_sample": "Sample std (ddof=1, as TRL)",
    "none": "None: r − mean (Dr. GRPO)",
}
METHODS = ("GRPO", "PPO", "REINFORCE")


# ---------------------------------------------------------------- environment and policy
@dataclass(frozen=True)
class ToyEnv:
    """One prompt, K candidate answers, a rule-based reward (accuracy + format)."""

    w_acc: float = 1.0
    w_fmt: float = 0.5
    labels: tuple[str, ...] = ("A: correct + formatted", "B: correct, unformatted",
                               "C: wrong, formatted", "D: wrong, unformatted")
    correct: tuple[bool, ...] = (True, True, False, False)
    formatted: tuple[bool, ...] = (True, False, True, False)
    # The initial (= frozen reference) policy: the ideal answer A is rare at first.
    init_probs: tuple[float, ...] = (0.10, 0.30, 0.20, 0.40)

    def __post_init__(self):
        k = len(self.labels)
        if not (len(self.correct) == len(self.formatted) == len(self.init_probs) == k) or k < 2:
            raise ValueError("labels, correct, formatted and init_probs must have the same length (>= 2)")
        if min(self.init_probs) <= 0:
            raise ValueError("init_probs must be positive")

    @property
    def k(self) -> int:
        return len(self.labels)

    def reward_table(self) -> np.ndarray:
        """Reward of each answer, shape (K,)."""
        return (self.w_acc * np.asarray(self.correct, float)
                + self.w_fmt * np.asarray(self.formatted, float))

    def theta0(self) -> np.ndarray:
        p = np.asarray(self.init_probs, float)
        return np.log(p / p.sum())

    @property
    def best(self) -> int:
        """Index of the correct and formatted answer (the one RL should learn)."""
        for i, (c, f) in enumerate(zip(self.correct, self.formatted)):
            if c and f:
                return i
        return int(np.argmax(self.reward_table()))


def softmax(theta: np.ndarray) -> np.ndarray:
    z = np.asarray(theta, float)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def grad_log_pi(pi: np.ndarray, actions: np.ndarray) -> np.ndarray:
    """∇_θ log π(a) = e_a − π for each sampled action; shape (N, K)."""
    g = -np.broadcast_to(pi, (len(actions), pi.shape[-1])).copy()
    g[np.arange(len(actions)), actions] += 1.0
    return g


def k3(pi_theta, pi_ref):
    """DeepSeekMath eq. 4 ("unbiased estimator", per token): π_ref/π_θ − log(π_ref/π_θ) − 1 ≥ 0.

    Zero exactly when the two probabilities are equal (x − log x − 1 ≥ 0 with equality at x = 1).
    """
    x = np.asarray(pi_ref, float) / np.asarray(pi_theta, float)
    return x - np.log(x) - 1.0


def kl(p: np.ndarray, q: np.ndarray) -> float:
    """Exact KL(p ‖ q) for two categorical distributions (the toy is small enough to sum)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    m = p > 0
    return float(np.sum(p[m] * np.log(p[m] / q[m])))


# ---------------------------------------------------------------- advantages
def group_advantages(rewards, normalize: str = "std_population") -> np.ndarray:
    """Group-relative advantages, one group per row. `rewards` has shape (groups, G).

    - "std_population": (r − mean) / std with ddof=0 (the DeepSeekMath formula; the paper does not
      say which std, population is the textbook reading). Each group then has unit variance.
    - "std_sample": (r − mean) / std with ddof=1 (Bessel), as TRL's `nanstd`. TRL adds 1e-4 to the
      std; we do not, so the reference's worked numbers come out exactly.
    - "none": r − mean, no std division (Dr. GRPO, arXiv 2503.20783).

    A group whose rewards are all equal carries no signal: its advantages are exactly 0 (never NaN).
    A 1-D input is treated as a single group.
    """
    if normalize not in NORMALIZATIONS:
        raise ValueError(f"normalize must be one of {NORMALIZATIONS}, got {normalize!r}")
    r = np.asarray(rewards, dtype=float)
    one_d = r.ndim == 1
    r = np.atleast_2d(r)
    if r.ndim != 2:
        raise ValueError("rewards must have shape (groups, G)")
    adv = r - r.mean(axis=1, keepdims=True)
    flat = r.max(axis=1) == r.min(axis=1)
    if normalize != "none":
        g = r.shape[1]
        if normalize == "std_sample" and g < 2:
            std = np.zeros((r.shape[0], 1))
        else:
            std = r.std(axis=1, ddof=0 if normalize == "std_population" else 1, keepdims=True)
        safe = np.where(std > 0, std, 1.0)
        adv = adv / safe
    adv[flat] = 0.0
    return adv[0] if one_d else adv


def zero_signal_probability(pi, reward_table, g: int):
    """P(all G rewards in a group are equal) under π: Σ_v P(r = v)^G.

    With a binary reward (correct or not) this is p^G + (1 − p)^G, p = P(correct).
    `pi` may be (K,) (returns a float) or (steps, K) (returns an array).
    """
    pi = np.asarray(pi, float)
    rt = np.asarray(reward_table, float)
    total = sum(pi[..., rt == v].sum(axis=-1) ** g for v in np.unique(rt))
    return float(total) if pi.ndim == 1 else np.asarray(total)


# ---------------------------------------------------------------- one update of each method
@dataclass(frozen=True)
class TrainConfig:
    """Knobs shared by the three methods. Defaults: DeepSeekMath's β = 0.04, ε = 0.2, TRL's G = 8."""

    G: int = 8                 # group size (samples per prompt per group)
    n_groups: int = 4          # groups per step (the toy has one prompt, so these are repeats)
    eps: float = 0.2           # clip range
    beta: float = 0.04         # KL weight (GRPO: k3 in the loss; PPO: −β·log(π/π_ref) in the reward)
    mu: int = 1                # inner optimisation steps per sampled batch (DeepSeekMath used 1)
    normalize: str = "std_population"
    lr: float = 0.2            # plain gradient ascent on the logits (no Adam), same for all methods
    value_lr: float = 0.1      # PPO critic: V ← V + η_v·mean(r − V)
    value_init: float = 0.0    # PPO critic starts untrained
    reinforce_baseline: str = "none"  # "none" (A = r) or "mean" (A = r − batch mean)

    def __post_init__(self):
        if self.G < 1 or self.n_groups < 1 or self.mu < 1:
            raise ValueError("G, n_groups and mu must be >= 1")
        if self.normalize not in NORMALIZATIONS:
            raise ValueError(f"normalize must be one of {NORMALIZATIONS}")
        if self.reinforce_baseline not in ("none", "mean"):
            raise ValueError("reinforce_baseline must be 'none' or 'mean'")


@dataclass
class StepRecord:
    """What happened in one update, per sample (N = n_groups·G samples, group-major order).

    `ratio`, `clipped` and `kl_term` are taken at the *last* inner step (the ratio the final gradient
    saw, ρ = π_θ(a)/π_old(a)); `ratio_inner`/`clipped_inner` keep every inner step, shape (μ, N).
    `ratio_after` is π_new(a)/π_old(a) once the update is done.
    """

    method: str
    group: np.ndarray
    answer: np.ndarray
    reward: np.ndarray
    advantage: np.ndarray
    ratio: np.ndarray
    clipped: np.ndarray
    kl_term: np.ndarray
    ratio_inner: np.ndarray
    clipped_inner: np.ndarray
    ratio_after: np.ndarray
    pi_old: np.ndarray
    pi_new: np.ndarray
    value: float | None = None  # PPO: V before the update

    def group_rows(self, g: int = 0) -> dict[str, np.ndarray]:
        m = self.group == g
        return {"answer": self.answer[m], "reward": self.reward[m], "advantage": self.advantage[m],
                "ratio": self.ratio[m], "clipped": self.clipped[m], "kl_term": self.kl_term[m],
                "ratio_after": self.ratio_after[m]}


def _clip_mask(ratio: np.ndarray, adv: np.ndarray, eps: float) -> np.ndarray:
    """True where min(ρA, clip(ρ,1−ε,1+ε)A) picks the clipped term *and* it differs: gradient is 0."""
    return ((adv > 0) & (ratio > 1 + eps)) | ((adv < 0) & (ratio < 1 - eps))


def _sample(pi: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n i.i.d. draws from the categorical π (inverse-CDF on uniform draws)."""
    cdf = np.cumsum(pi)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), len(pi) - 1)


def _policy_grad(pi: np.ndarray, actions: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """mean_i coef_i·(e_{a_i} − π), without building the (N, K) matrix."""
    n = len(actions)
    return np.bincount(actions, weights=coef, minlength=len(pi)) / n - coef.mean() * pi


def _clipped_ascent(theta, pi_old, actions, adv, cfg: TrainConfig, pi_ref=None):
    """μ steps of gradient ascent on mean_i[min(ρA, clip(ρ)A)] (− β·k3 when pi_ref is given)."""
    n = len(actions)
    ratios = np.empty((cfg.mu, n))
    clips = np.zeros((cfg.mu, n), bool)
    kls = np.zeros((cfg.mu, n))
    for j in range(cfg.mu):
        pi = softmax(theta)
        rho = pi[actions] / pi_old[actions]
        clipped = _clip_mask(rho, adv, cfg.eps)
        coef = np.where(clipped, 0.0, rho * adv)  # ∇(ρA) = ρA ∇log π; clipped branch is constant
        if pi_ref is not None and cfg.beta:
            x = pi_ref[actions] / pi[actions]
            kls[j] = k3(pi[actions], pi_ref[actions])
            coef = coef - cfg.beta * (1.0 - x)     # ∇k3 = (1 − π_ref/π_θ)·∇log π_θ
        elif pi_ref is not None:
            kls[j] = k3(pi[actions], pi_ref[actions])
        theta = theta + cfg.lr * _policy_grad(pi, actions, coef)
        ratios[j], clips[j] = rho, clipped
    return theta, ratios, clips, kls


def grpo_update(theta, theta_ref, env: ToyEnv, cfg: TrainConfig, rng: np.random.Generator):
    """One GRPO update: sample n_groups×G answers from π_old, group-relative Â, μ inner steps on
    the clipped surrogate minus β·k3 (DeepSeekMath eq. 3). Returns (new θ, StepRecord)."""
    rt = env.reward_table()
    pi_old, pi_ref = softmax(theta), softmax(theta_ref)
    actions = _sample(pi_old, cfg.n_groups * cfg.G, rng)
    rewards = rt[actions]
    adv = group_advantages(rewards.reshape(cfg.n_groups, cfg.G), cfg.normalize).ravel()
    new, ratios, clips, kls = _clipped_ascent(np.array(theta, float), pi_old, actions, adv, cfg, pi_ref)
    pi_new = softmax(new)
    rec = StepRecord("GRPO", np.repeat(np.arange(cfg.n_groups), cfg.G), actions, rewards, adv,
                     ratios[-1], clips[-1], kls[-1], ratios, clips, pi_new[actions] / pi_old[actions],
                     pi_old, pi_new)
    return new, rec


def ppo_update(theta, theta_ref, value: float, env: ToyEnv, cfg: TrainConfig, rng: np.random.Generator):
    """One PPO update on the one-token toy (DeepSeekMath §4.1 form, γ = λ = 1, one step ⇒ A = r̃ − V).

    r̃ = r − β·log(π_old(a)/π_ref(a)) (KL *in the reward*), A = r̃ − V with the critic's V before
    its update, then V ← V + η_v·mean(r̃ − V) and μ inner steps on the clipped surrogate (no KL
    term in the loss). Returns (new θ, new V, StepRecord)."""
    rt = env.reward_table()
    pi_old, pi_ref = softmax(theta), softmax(theta_ref)
    actions = _sample(pi_old, cfg.n_groups * cfg.G, rng)
    rewards = rt[actions]
    kl_pen = np.log(pi_old[actions] / pi_ref[actions])
    shaped = rewards - cfg.beta * kl_pen
    adv = shaped - value
    new_value = value + cfg.value_lr * float(np.mean(shaped - value))
    new, ratios, clips, _ = _clipped_ascent(np.array(theta, float), pi_old, actions, adv, cfg, None)
    pi_new = softmax(new)
    rec = StepRecord("PPO", np.repeat(np.arange(cfg.n_groups), cfg.G), actions, rewards, adv,
                     ratios[-1], clips[-1], cfg.beta * kl_pen, ratios, clips,
                     pi_new[actions] / pi_old[actions], pi_old, pi_new, value=value)
    return new, new_value, rec


def reinforce_update(theta, env: ToyEnv, cfg: TrainConfig, rng: np.random.Generator):
    """Vanilla REINFORCE: one gradient step on mean_i A_i·∇log π(a_i); no ratio, no clip, no KL.

    Baseline (cfg.reinforce_baseline): "none" → A = r (the textbook estimator, unbiased but noisy);
    "mean" → A = r − mean of the whole batch (a batch baseline, slightly biased through the sample
    itself; equivalent to Dr. GRPO with one group and μ = 1, β = 0)."""
    rt = env.reward_table()
    pi = softmax(theta)
    actions = _sample(pi, cfg.n_groups * cfg.G, rng)
    rewards = rt[actions]
    adv = rewards - rewards.mean() if cfg.reinforce_baseline == "mean" else rewards.copy()
    new = np.array(theta, float) + cfg.lr * _policy_grad(pi, actions, adv)
    n = len(actions)
    ones, no_clip = np.ones(n), np.zeros(n, bool)
    pi_new = softmax(new)
    rec = StepRecord("REINFORCE", np.repeat(np.arange(cfg.n_groups), cfg.G), actions, rewards, adv,
                     ones, no_clip, np.zeros(n), ones[None], no_clip[None], pi_new[actions] / pi[actions], pi, pi_new)
    return new, rec


# ---------------------------------------------------------------- training runs
@dataclass
class TrainResult:
    """Curves have length steps + 1 (index 0 = before any update), except the per-update ones."""

    method: str
    expected_reward: np.ndarray
    p_best: np.ndarray
    kl_to_ref: np.ndarray
    zero_signal_expected: np.ndarray  # P(a group of G has all-equal rewards) under π at that step
    zero_signal_share: np.ndarray     # observed share of such groups in each update (length steps)
    probs: np.ndarray                 # (steps + 1, K)
    records: list[StepRecord] = field(default_factory=list)


def train(method: str, env: ToyEnv, cfg: TrainConfig, steps: int, rng: np.random.Generator,
          keep_records: bool = False) -> TrainResult:
    """Run `steps` updates of GRPO, PPO or REINFORCE from env.theta0() (also the frozen reference)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    rt = env.reward_table()
    theta_ref = env.theta0()
    theta = theta_ref.copy()
    value = cfg.value_init
    probs = np.empty((steps + 1, env.k))
    zs_share = np.empty(steps)
    records: list[StepRecord] = []
    probs[0] = softmax(theta)
    for s in range(steps):
        if method == "GRPO":
            theta, rec = grpo_update(theta, theta_ref, env, cfg, rng)
        elif method == "PPO":
            theta, value, rec = ppo_update(theta, theta_ref, value, env, cfg, rng)
        else:
            theta, rec = reinforce_update(theta, env, cfg, rng)
        groups = rec.reward.reshape(cfg.n_groups, cfg.G)
        zs_share[s] = float(np.mean(groups.max(axis=1) == groups.min(axis=1)))
        probs[s + 1] = softmax(theta)
        if keep_records:
            records.append(rec)
    pi_ref = softmax(theta_ref)
    return TrainResult(
        method=method,
        expected_reward=probs @ rt,
        p_best=probs[:, env.best].copy(),
        kl_to_ref=np.sum(np.where(probs > 0, probs * np.log(np.maximum(probs, 1e-300) / pi_ref), 0.0), axis=1),
        zero_signal_expected=zero_signal_probability(probs, rt, cfg.G),
        zero_signal_share=zs_share,
        probs=probs,
        records=records,
    )


def compare(env: ToyEnv, cfg: TrainConfig, steps: int, seed: int, keep_records: bool = True) -> dict[str, TrainResult]:
    """The three methods from the same seed (each gets its own generator seeded identically)."""
    return {m: train(m, env, cfg, steps, np.random.default_rng(seed), keep_records=keep_records and m == "GRPO")
            for m in METHODS}


# ---------------------------------------------------------------- multi-token toy: PPO with GAE
def gae(rewards, values, gamma: float = 1.0, lam: float = 1.0) -> np.ndarray:
    """Generalised advantage estimation along the last axis.

    rewards: (..., T); values: (..., T + 1) with values[..., T] the value after the last token
    (0 at a terminal state). δ_t = r_t + γ·V(s_{t+1}) − V(s_t); A_t = Σ_l (γλ)^l δ_{t+l}.
    With γ = λ = 1 and only a terminal reward r, A_t = r − V(s_t).
    """
    r = np.asarray(rewards, float)
    v = np.asarray(values, float)
    if v.shape[-1] != r.shape[-1] + 1:
        raise ValueError("values needs one more entry than rewards along the last axis")
    delta = r + gamma * v[..., 1:] - v[..., :-1]
    adv = np.zeros_like(delta)
    run = np.zeros(delta.shape[:-1])
    for t in range(r.shape[-1] - 1, -1, -1):
        run = delta[..., t] + gamma * lam * run
        adv[..., t] = run
    return adv


@dataclass(frozen=True)
class ChainEnv:
    """A T-token answer: at each position the policy writes a right (1) or a wrong (0) reasoning step.

    The reward model's score arrives only after the last token: w_acc if every step was right.
    State s_t = (position t, "still on track"); the critic is a table V[t, on_track], V[T, ·] = 0.
    The policy is a table of logits per position (it does not see the on-track flag).
    """

    T: int = 4
    p_right_init: float = 0.6
    w_acc: float = 1.0

    def theta0(self) -> np.ndarray:
        p = self.p_right_init
        return np.tile(np.log([1 - p, p]), (self.T, 1))


@dataclass
class ChainRun:
    expected_reward: np.ndarray     # (steps + 1,): P(all steps right)·w_acc
    values: np.ndarray              # final critic table (T + 1, 2)
    theta: np.ndarray               # final policy logits (T, 2)
    example: dict[str, np.ndarray]  # one trajectory from the last batch, per token


def ppo_gae_train(env: ChainEnv, steps: int, rng: np.random.Generator, *, batch: int = 32,
                  gamma: float = 1.0, lam: float = 0.95, eps: float = 0.2, beta: float = 0.04,
                  mu: int = 1, lr: float = 0.5, value_lr: float = 0.2) -> ChainRun:
    """PPO on the multi-token toy, as in DeepSeekMath §4.1: per-token reward
    r_t = −β·log(π_old/π_ref)(a_t) (+ the RM score at the last token), GAE(γ, λ) advantages from the
    critic table, critic regressed on the λ-returns (A_t + V(s_t)), clipped surrogate averaged over
    the tokens of each answer (1/|o|) and over the batch."""
    T = env.T
    theta_ref = env.theta0()
    theta = theta_ref.copy()
    V = np.zeros((T + 1, 2))
    exp_r = np.empty(steps + 1)
    pos = np.arange(T)
    exp_r[0] = env.w_acc * np.prod(softmax(theta)[:, 1])
    example: dict[str, np.ndarray] = {}
    for s in range(steps):
        pi_old, pi_ref = softmax(theta), softmax(theta_ref)
        acts = (rng.random((batch, T)) < pi_old[:, 1]).astype(int)  # (B, T)
        on_track = np.ones((batch, T + 1), int)
        on_track[:, 1:] = np.cumprod(acts, axis=1)
        p_old = pi_old[pos, acts]
        r = -beta * np.log(p_old / pi_ref[pos, acts])
        r[:, -1] += env.w_acc * on_track[:, -1]
        vals = V[np.arange(T + 1), on_track]           # (B, T + 1)
        vals[:, -1] = 0.0                               # terminal
        adv = gae(r, vals, gamma, lam)
        targets = adv + vals[:, :-1]
        for t in range(T):                              # critic step towards the λ-returns
            for ok in (0, 1):
                m = on_track[:, t] == ok
                if m.any():
                    V[t, ok] += value_lr * float(np.mean(targets[m, t] - V[t, ok]))
        for _ in range(mu):
            pi = softmax(theta)
            rho = pi[pos, acts] / p_old
            coef = np.where(_clip_mask(rho, adv, eps), 0.0, rho * adv) / T  # 1/|o| per answer
            grad = np.zeros_like(theta)
            for t in range(T):
                g = grad_log_pi(pi[t], acts[:, t])
                grad[t] = (coef[:, t, None] * g).mean(axis=0)
            theta = theta + lr * grad
        exp_r[s + 1] = env.w_acc * np.prod(softmax(theta)[:, 1])
        if s == steps - 1:
            example = {"token": np.arange(T), "action": acts[0], "reward": r[0], "value": vals[0, :-1],
                       "delta": r[0] + gamma * vals[0, 1:] - vals[0, :-1], "advantage": adv[0]}
    return ChainRun(exp_r, V, theta, example)


# ---------------------------------------------------------------- memory: what the critic costs
MEMORY_ROLES = ("policy", "reference", "reward", "value")


def memory_gb(params_b: float, bytes_per_param: float = 2.0, *, optimizer: bool = False,
              reward_model: bool = True, reference: bool = True,
              reward_params_b: float | None = None) -> dict[str, dict[str, float]]:
    """GB (10^9 bytes) held in accelerator memory by PPO and GRPO, per model role.

    Assumptions (a lower bound, stated on the page too):
    - Weights only: every model held = params × bytes_per_param (2 for bf16/fp16).
    - optimizer=True adds, for the *trained* models only (policy; PPO's value model), a gradient
      of bytes_per_param per parameter and mixed-precision Adam states of 12 bytes per parameter
      (fp32 master weights + first and second moments), i.e. 16 B/param in total at bf16 (the ZeRO
      paper's accounting). Frozen models (reference, reward) hold weights only.
    - The value model is the size of the policy (DeepSeekMath: "a value model of comparable size");
      the reward model is the size of the policy unless reward_params_b says otherwise.
    - reward_model=False: rule-based rewards (R1-Zero) hold no reward model. reference=False: β = 0
      (TRL's default, DAPO) needs no reference model.
    - Not counted: activations, KV cache, a separate inference engine's copy, sharding overhead.
    GRPO holds the same models as PPO minus the value model.
    """
    bpp = float(bytes_per_param)
    n = float(params_b) * 1e9
    rn = n if reward_params_b is None else float(reward_params_b) * 1e9
    trained = n * (bpp + (bpp + 12.0 if optimizer else 0.0)) / 1e9
    frozen = n * bpp / 1e9
    ppo = {"policy": trained, "reference": frozen if reference else 0.0,
           "reward": rn * bpp / 1e9 if reward_model else 0.0, "value": trained}
    grpo = dict(ppo, value=0.0)
    return {"PPO": ppo, "GRPO": grpo}


# ---------------------------------------------------------------- tidy tables for charts and the page
CURVE_METRICS = {
    "expected_reward": "Expected reward E_π[r]",
    "p_best": "P(correct + formatted)",
    "zero_signal_expected": "P(zero-signal group)",
    "kl_to_ref": "KL(π_θ ‖ π_ref)",
}


def curves_frame(results: dict[str, TrainResult]):
    """Long table: method, step, metric, value (one row per method × step × metric)."""
    import pandas as pd

    parts = []
    for method, res in results.items():
        steps = np.arange(len(res.expected_reward))
        for metric in CURVE_METRICS:
            parts.append(pd.DataFrame({"method": method, "step": steps, "metric": metric,
                                       "value": np.asarray(getattr(res, metric), float)}))
    return pd.concat(parts, ignore_index=True)


def record_frame(rec: StepRecord, env: ToyEnv, group: int = 0):
    """One group of a StepRecord as a table for the step-through view."""
    import pandas as pd

    rows = rec.group_rows(group)
    return pd.DataFrame({
        "sample": np.arange(1, len(rows["answer"]) + 1),
        "answer": [env.labels[a] for a in rows["answer"]],
        "reward": rows["reward"],
        "advantage": rows["advantage"],
        "ratio": rows["ratio"],
        "clipped": rows["clipped"].astype(bool),
        "kl_term": rows["kl_term"],
        "ratio_after": rows["ratio_after"],
    })


def records_frame(records: list[StepRecord], env: ToyEnv):
    """Every update's samples in one long table (update and group numbered from 1), built in one go."""
    import pandas as pd

    if not records:
        return pd.DataFrame(columns=["update", "group", "sample", "answer", "reward", "advantage", "ratio",
                                     "clipped", "kl_term", "ratio_after"])
    cat = lambda name: np.concatenate([getattr(r, name) for r in records])  # noqa: E731
    groups = cat("group")
    sizes = [len(r.answer) for r in records]
    g = np.bincount(records[0].group).max()  # group size G
    return pd.DataFrame({
        "update": np.repeat(np.arange(1, len(records) + 1), sizes),
        "group": groups + 1,
        "sample": np.concatenate([np.arange(n) % g + 1 for n in sizes]),
        "answer": np.asarray(env.labels, dtype=object)[cat("answer")],
        "reward": cat("reward"),
        "advantage": cat("advantage"),
        "ratio": cat("ratio"),
        "clipped": cat("clipped").astype(bool),
        "kl_term": cat("kl_term"),
        "ratio_after": cat("ratio_after"),
    })
