"""GRPO / PPO / REINFORCE toy simulator: the math against ../shared/reference/moe_grpo.md part B."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from components.sim import grpo as g

ROOT = Path(__file__).resolve().parents[2]
MODES = ("std_population", "std_sample", "none")


# ---------------------------------------------------------------- group advantages
@pytest.mark.parametrize("mode", MODES)
def test_advantages_sum_to_zero_per_group(mode):
    r = np.random.default_rng(1).integers(0, 3, size=(50, 8)).astype(float)
    a = g.group_advantages(r, mode)
    assert a.shape == r.shape
    np.testing.assert_allclose(a.sum(axis=1), 0.0, atol=1e-12)


def test_population_std_gives_unit_variance():
    r = np.random.default_rng(2).normal(size=(20, 16))
    a = g.group_advantages(r, "std_population")
    np.testing.assert_allclose(a.std(axis=1, ddof=0), 1.0, rtol=1e-12)
    s = g.group_advantages(r, "std_sample")
    np.testing.assert_allclose(s.std(axis=1, ddof=1), 1.0, rtol=1e-12)
    assert not np.allclose(s.std(axis=1, ddof=0), 1.0)  # the two modes really differ


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", [0.0, 1.0, 0.1, 1.5, -3.7])
def test_all_equal_group_gives_zeros_not_nan(mode, value):
    r = np.array([[value] * 5, [1.0, 0.0, 0.0, 1.0, 0.0]])
    a = g.group_advantages(r, mode)
    assert np.isfinite(a).all()
    assert (a[0] == 0.0).all()
    assert np.abs(a[1]).sum() > 0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value,n", [(0.1, 3), (0.7, 7), (0.3, 10), (2.3, 7)])
def test_all_equal_group_with_float_roundoff_is_exactly_zero(mode, value, n):
    """mean([0.1]*3) != 0.1 in floating point: the std is ~1e-17, not 0, and a naive division gives ±1."""
    a = g.group_advantages(np.full((2, n), value), mode)
    assert (a == 0.0).all()


def test_single_sample_groups_do_not_nan():
    for mode in MODES:
        a = g.group_advantages(np.array([[1.0], [0.0]]), mode)
        assert np.isfinite(a).all() and (a == 0).all()


@pytest.mark.parametrize("mode", ["std_population", "std_sample"])
def test_std_modes_are_shift_and_scale_invariant(mode):
    r = np.random.default_rng(3).integers(0, 3, size=(30, 8)).astype(float)
    base = g.group_advantages(r, mode)
    np.testing.assert_allclose(g.group_advantages(r + 5.0, mode), base, atol=1e-12)
    np.testing.assert_allclose(g.group_advantages(3.0 * r, mode), base, atol=1e-12)
    np.testing.assert_allclose(g.group_advantages(0.25 * r - 2.0, mode), base, atol=1e-12)


def test_none_mode_is_shift_but_not_scale_invariant():
    r = np.array([[1.0, 0.0, 0.0, 0.0], [2.0, 1.0, 1.0, 0.0]])
    base = g.group_advantages(r, "none")
    np.testing.assert_allclose(g.group_advantages(r + 5.0, "none"), base, atol=1e-12)
    np.testing.assert_allclose(g.group_advantages(3.0 * r, "none"), 3.0 * base, atol=1e-12)
    assert not np.allclose(g.group_advantages(3.0 * r, "none"), base)


def test_reference_worked_table():
    r = np.array([[1.0, 0, 0, 0], [2, 1, 1, 0], [1, 1, 1, 1]])
    pop = g.group_advantages(r, "std_population")
    np.testing.assert_allclose(pop[0], [1.732, -0.577, -0.577, -0.577], atol=5e-4)
    np.testing.assert_allclose(pop[1], [1.414, 0, 0, -1.414], atol=5e-4)
    samp = g.group_advantages(r, "std_sample")
    np.testing.assert_allclose(samp[0], [1.5, -0.5, -0.5, -0.5], atol=1e-12)
    np.testing.assert_allclose(samp[1], [1.225, 0, 0, -1.225], atol=5e-4)
    dr = g.group_advantages(r, "none")
    np.testing.assert_allclose(dr[0], [0.75, -0.25, -0.25, -0.25], atol=1e-12)
    np.testing.assert_allclose(dr[1], [1, 0, 0, -1], atol=1e-12)
    for a in (pop, samp, dr):
        assert (a[2] == 0).all()


def test_one_dimensional_input_is_one_group():
    np.testing.assert_allclose(g.group_advantages([1.0, 0, 0, 0], "none"), [0.75, -0.25, -0.25, -0.25])


def test_unknown_normalisation_rejected():
    with pytest.raises(ValueError):
        g.group_advantages(np.zeros((1, 4)), "std")


# ---------------------------------------------------------------- KL estimator
def test_k3_reference_examples():
    assert g.k3(0.5, 0.25) == pytest.approx(0.193, abs=5e-4)
    assert g.k3(0.25, 0.5) == pytest.approx(0.307, abs=5e-4)
    assert g.k3(0.3, 0.3) == 0.0


def test_k3_nonnegative_and_zero_only_when_equal():
    rng = np.random.default_rng(4)
    p, q = rng.uniform(1e-4, 1, 10_000), rng.uniform(1e-4, 1, 10_000)
    v = g.k3(p, q)
    assert (v >= 0).all()
    assert (v[np.abs(p - q) > 1e-3] > 0).all()
    np.testing.assert_array_equal(g.k3(p, p), 0.0)


def test_k3_is_unbiased_for_kl_in_expectation():
    rng = np.random.default_rng(5)
    pi, ref = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.5, 0.3])
    a = rng.choice(3, size=200_000, p=pi)
    assert g.k3(pi[a], ref[a]).mean() == pytest.approx(g.kl(pi, ref), rel=0.02)


# ---------------------------------------------------------------- GRPO update
def test_mu_one_ratio_is_one_and_never_clips():
    env, cfg = g.ToyEnv(), g.TrainConfig(mu=1, eps=0.01, lr=5.0)
    res = g.train("GRPO", env, cfg, 30, np.random.default_rng(0), keep_records=True)
    for rec in res.records:
        np.testing.assert_array_equal(rec.ratio, 1.0)
        assert not rec.clipped.any()
    # the update did move the policy, so the ratio *after* it is not 1
    assert not np.allclose(res.records[0].ratio_after, 1.0)


def test_mu_above_one_makes_clipping_fire():
    env, cfg = g.ToyEnv(), g.TrainConfig(mu=4, eps=0.1, lr=0.5)
    res = g.train("GRPO", env, cfg, 10, np.random.default_rng(0), keep_records=True)
    assert any(rec.clipped.any() for rec in res.records)
    for rec in res.records:
        np.testing.assert_array_equal(rec.ratio_inner[0], 1.0)  # first inner step: θ = θ_old
        # clipped samples are exactly those outside [1-ε, 1+ε] on the side the advantage pushes
        expect = ((rec.advantage > 0) & (rec.ratio > 1 + cfg.eps)) | ((rec.advantage < 0) & (rec.ratio < 1 - cfg.eps))
        np.testing.assert_array_equal(rec.clipped, expect)


def test_step_record_fields_are_consistent():
    env, cfg = g.ToyEnv(), g.TrainConfig(G=6, n_groups=3, mu=2)
    theta0 = env.theta0()
    _, rec = g.grpo_update(theta0, theta0, env, cfg, np.random.default_rng(7))
    n = cfg.G * cfg.n_groups
    for arr in (rec.answer, rec.reward, rec.advantage, rec.ratio, rec.clipped, rec.kl_term, rec.group):
        assert arr.shape == (n,)
    np.testing.assert_allclose(rec.reward, env.reward_table()[rec.answer])
    np.testing.assert_allclose(rec.advantage, g.group_advantages(rec.reward.reshape(3, 6), cfg.normalize).ravel())
    np.testing.assert_array_equal(rec.kl_term, g.k3(softmax_at(rec, env), np.asarray(env.init_probs)[rec.answer]))
    assert (rec.kl_term >= 0).all()
    assert set(rec.group_rows(1)) >= {"answer", "reward", "advantage", "ratio", "clipped", "kl_term"}


def softmax_at(rec, env):
    """π_θ at the last inner step, recovered from the recorded ratio."""
    return rec.ratio * rec.pi_old[rec.answer]


def test_kl_gradient_pulls_back_towards_reference():
    """With zero advantages (all-equal rewards) only the k3 term acts: it moves π towards π_ref."""
    env = g.ToyEnv(w_acc=0.0, w_fmt=0.0)
    cfg = g.TrainConfig(beta=1.0, lr=0.5, mu=1)
    theta_ref = env.theta0()
    theta = theta_ref + np.array([2.0, 0.0, 0.0, 0.0])
    before = g.kl(g.softmax(theta), g.softmax(theta_ref))
    for s in range(50):
        theta, _ = g.grpo_update(theta, theta_ref, env, cfg, np.random.default_rng(s))
    assert g.kl(g.softmax(theta), g.softmax(theta_ref)) < 0.5 * before


def test_grpo_expected_reward_rises_on_default_env():
    env, cfg = g.ToyEnv(), g.TrainConfig()
    res = g.train("GRPO", env, cfg, 100, np.random.default_rng(0))
    assert res.expected_reward[-1] > res.expected_reward[0] + 0.5
    assert res.p_best[-1] > 0.8 > res.p_best[0]
    assert res.kl_to_ref[0] == pytest.approx(0.0, abs=1e-12) and res.kl_to_ref[-1] > 0


@pytest.mark.parametrize("method", g.METHODS)
def test_all_methods_learn_and_curves_have_the_right_shape(method):
    env, cfg = g.ToyEnv(), g.TrainConfig()
    res = g.train(method, env, cfg, 150, np.random.default_rng(1))
    assert len(res.expected_reward) == len(res.p_best) == len(res.kl_to_ref) == 151
    assert len(res.zero_signal_share) == 150
    assert res.expected_reward[-1] > res.expected_reward[0]
    np.testing.assert_allclose(res.probs.sum(axis=1), 1.0)


def test_same_seed_same_results_different_seed_differs():
    env, cfg = g.ToyEnv(), g.TrainConfig(mu=2)
    a = g.compare(env, cfg, 40, seed=11)
    b = g.compare(env, cfg, 40, seed=11)
    c = g.compare(env, cfg, 40, seed=12)
    for m in g.METHODS:
        np.testing.assert_array_equal(a[m].probs, b[m].probs)
    for ra, rb in zip(a["GRPO"].records, b["GRPO"].records):
        np.testing.assert_array_equal(ra.answer, rb.answer)
        np.testing.assert_array_equal(ra.ratio, rb.ratio)
    assert not np.array_equal(a["GRPO"].probs, c["GRPO"].probs)


# ---------------------------------------------------------------- zero-signal groups
@pytest.mark.parametrize("p,G", [(0.05, 4), (0.5, 4), (0.3, 8)])
def test_zero_signal_share_matches_formula(p, G):
    env = g.ToyEnv(w_fmt=0.0, init_probs=(p / 2, p / 2, (1 - p) / 2, (1 - p) / 2))  # binary reward
    expected = p**G + (1 - p) ** G
    pi = np.asarray(env.init_probs)
    assert g.zero_signal_probability(pi, env.reward_table(), G) == pytest.approx(expected, rel=1e-12)
    cfg = g.TrainConfig(G=G, n_groups=20_000)
    _, rec = g.grpo_update(env.theta0(), env.theta0(), env, cfg, np.random.default_rng(8))
    groups = rec.reward.reshape(cfg.n_groups, G)
    share = np.mean(groups.max(axis=1) == groups.min(axis=1))
    sd = np.sqrt(expected * (1 - expected) / cfg.n_groups)
    assert abs(share - expected) < 4 * sd + 1e-9


def test_zero_signal_reference_numbers():
    for p, G, want in [(0.05, 4, 0.815), (0.05, 8, 0.663), (0.05, 16, 0.440), (0.05, 64, 0.038), (0.5, 4, 0.125),
                       (0.5, 8, 0.008)]:
        assert g.zero_signal_probability([p, 1 - p], [1.0, 0.0], G) == pytest.approx(want, abs=6e-4)


def test_zero_signal_groups_carry_no_grpo_gradient_but_do_for_ppo():
    env = g.ToyEnv(w_fmt=0.0, init_probs=(0.0005, 0.0005, 0.4995, 0.4995))  # almost always all-wrong
    cfg = g.TrainConfig(beta=0.0, mu=1, G=4, n_groups=1)
    th = env.theta0()
    rng = np.random.default_rng(0)
    new, rec = g.grpo_update(th, th, env, cfg, rng)
    assert (rec.reward == 0).all()
    np.testing.assert_array_equal(new, th)
    new_p, _, rec_p = g.ppo_update(th, th, 0.5, env, cfg, np.random.default_rng(0))
    np.testing.assert_allclose(rec_p.advantage, -0.5)  # A = r − V does not vanish
    assert not np.array_equal(new_p, th)


# ---------------------------------------------------------------- PPO and REINFORCE
def test_ppo_reference_advantages_and_value_update():
    """Reference: V = 0.8, rewards [2,1,1,0] -> A = [1.2, 0.2, 0.2, -0.8] (do not sum to 0)."""
    env = g.ToyEnv(w_acc=1.0, w_fmt=1.0, init_probs=(0.25, 0.25, 0.25, 0.25))
    cfg = g.TrainConfig(G=4, n_groups=1, beta=0.0, value_lr=0.5)
    th = env.theta0()
    rng = np.random.default_rng(0)
    _, v_new, rec = g.ppo_update(th, th, 0.8, env, cfg, rng)
    np.testing.assert_allclose(rec.advantage, rec.reward - 0.8)
    assert v_new == pytest.approx(0.8 + 0.5 * np.mean(rec.reward - 0.8))
    adv = np.array([2.0, 1, 1, 0]) - 0.8
    np.testing.assert_allclose(adv, [1.2, 0.2, 0.2, -0.8])
    assert adv.sum() != pytest.approx(0.0)


def test_ppo_kl_sits_in_the_reward():
    env = g.ToyEnv()
    cfg = g.TrainConfig(beta=0.5, n_groups=1)
    ref = env.theta0()
    th = ref + np.array([1.0, 0, 0, 0])
    _, _, rec = g.ppo_update(th, ref, 0.0, env, cfg, np.random.default_rng(3))
    log_ratio = np.log(g.softmax(th)[rec.answer] / g.softmax(ref)[rec.answer])
    np.testing.assert_allclose(rec.advantage, rec.reward - 0.5 * log_ratio)


def test_reinforce_baselines():
    env = g.ToyEnv()
    th = env.theta0()
    _, rec = g.reinforce_update(th, env, g.TrainConfig(reinforce_baseline="none"), np.random.default_rng(0))
    np.testing.assert_array_equal(rec.advantage, rec.reward)
    _, rec = g.reinforce_update(th, env, g.TrainConfig(reinforce_baseline="mean"), np.random.default_rng(0))
    assert rec.advantage.sum() == pytest.approx(0.0, abs=1e-12)


def test_gae_terminal_reward_gamma_lambda_one():
    v = np.array([0.3, 0.5, 0.9, 0.0])  # V(s_0..s_2), terminal 0
    r = np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(g.gae(r, v, 1.0, 1.0), 1.0 - v[:-1])
    # λ = 0: one-step TD errors
    np.testing.assert_allclose(g.gae(r, v, 1.0, 0.0), r + v[1:] - v[:-1])
    # hand-computed λ = 0.5, γ = 0.9
    d = r + 0.9 * v[1:] - v[:-1]
    a2 = d[2]
    a1 = d[1] + 0.45 * a2
    a0 = d[0] + 0.45 * a1
    np.testing.assert_allclose(g.gae(r, v, 0.9, 0.5), [a0, a1, a2])


def test_ppo_gae_multitoken_learns_and_is_deterministic():
    env = g.ChainEnv()
    a = g.ppo_gae_train(env, 80, np.random.default_rng(0))
    b = g.ppo_gae_train(env, 80, np.random.default_rng(0))
    np.testing.assert_array_equal(a.expected_reward, b.expected_reward)
    assert a.expected_reward[-1] > a.expected_reward[0] + 0.2
    assert a.values[-1].tolist() == [0.0, 0.0]
    ex = a.example
    np.testing.assert_allclose(ex["advantage"], g.gae(ex["reward"], np.r_[ex["value"], 0.0], 1.0, 0.95))


# ---------------------------------------------------------------- memory
def test_memory_model():
    m = g.memory_gb(7, 2)
    assert m["PPO"] == {"policy": 14.0, "reference": 14.0, "reward": 14.0, "value": 14.0}
    assert m["GRPO"]["value"] == 0.0 and sum(m["GRPO"].values()) == 42.0
    o = g.memory_gb(7, 2, optimizer=True)
    assert o["PPO"]["policy"] == pytest.approx(7 * 16) and o["PPO"]["value"] == pytest.approx(7 * 16)
    assert o["PPO"]["reference"] == 14.0
    assert sum(o["PPO"].values()) - sum(o["GRPO"].values()) == pytest.approx(112.0)
    r0 = g.memory_gb(7, 2, reward_model=False, reference=False)
    assert sum(r0["GRPO"].values()) == 14.0


def test_pure_logic_does_not_import_streamlit():
    tree = ast.parse((ROOT / "components/sim/grpo.py").read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(x.split(".")[0] == "streamlit" for x in names)


def test_records_frame_matches_record_frame():
    env, cfg = g.ToyEnv(), g.TrainConfig(G=4, n_groups=3, mu=2)
    res = g.train("GRPO", env, cfg, 5, np.random.default_rng(0), keep_records=True)
    big = g.records_frame(res.records, env)
    assert len(big) == 5 * 3 * 4
    one = big[(big["update"] == 3) & (big["group"] == 2)].drop(columns=["update", "group"]).reset_index(drop=True)
    small = g.record_frame(res.records[2], env, 1)
    assert one["sample"].tolist() == [1, 2, 3, 4]
    for col in small.columns:
        assert one[col].tolist() == small[col].tolist(), col
