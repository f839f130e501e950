"""Parameter calculator: official counts, the Mixtral worked example, conventions, errors, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from components.sim.params import CATEGORIES, ConfigError, count_params, load_config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "data" / "configs"
SOURCES = yaml.safe_load((CONFIGS / "SOURCES.yaml").read_text())
SHIPPED = sorted(p.stem for p in CONFIGS.glob("*.json"))


def test_every_shipped_config_has_a_source():
    assert SHIPPED, "no configs shipped"
    assert set(SHIPPED) == set(SOURCES), "SOURCES.yaml and data/configs/*.json disagree"
    for name, src in SOURCES.items():
        assert src["url"].startswith("https://"), name
        assert {"model_id", "official_total_b", "official_active_b", "official_source_url", "note"} <= src.keys()


@pytest.mark.parametrize("name", SHIPPED)
def test_official_counts_within_2_percent(name):
    pc = count_params(load_config(CONFIGS / f"{name}.json"))
    src = SOURCES[name]
    assert pc.total == sum(pc.breakdown.values()) and pc.active == sum(pc.active_breakdown.values())
    assert abs(pc.total / 1e9 - src["official_total_b"]) / src["official_total_b"] <= 0.02
    if src["official_active_b"] is not None:
        assert abs(pc.active / 1e9 - src["official_active_b"]) / src["official_active_b"] <= 0.02
    else:
        assert "active" in src["note"].lower()      # the missing official active count is explained


def test_mixtral_worked_example_exact():
    pc = count_params(load_config(CONFIGS / "mixtral-8x7b.json"))
    assert pc.total == 46_702_792_704
    assert pc.active == 12_879_925_248
    assert pc.breakdown["attention"] == 32 * 41_943_040
    assert pc.breakdown["routed_experts"] == 32 * 8 * 176_160_768
    assert pc.breakdown["router"] == 32 * 32_768
    assert pc.breakdown["embedding"] == pc.breakdown["lm_head"] == 32_000 * 4096
    assert set(pc.breakdown) == set(CATEGORIES)


def test_gpt_oss_excludes_input_embedding_by_default():
    cfg = load_config(CONFIGS / "gpt-oss-120b.json")
    pc = count_params(cfg)
    assert not pc.include_input_embedding and "excluded" in pc.convention
    assert pc.total == 116_829_156_672 and pc.active == 5_132_849_472           # model card: 116.83B / 5.13B
    with_emb = count_params(cfg, include_input_embedding=True)
    assert with_emb.active - pc.active == 201_088 * 2880 and with_emb.total == pc.total


def test_deepseek_v3_layers_and_mla():
    pc = count_params(load_config(CONFIGS / "deepseek-v3.json"))
    assert pc.model_type == "deepseek_v3" and pc.n_layers == 61
    assert pc.moe_layers == tuple(range(3, 61))
    assert pc.breakdown["attention"] // 61 == 187_107_328                          # 187.1M per layer (ref A4)
    assert pc.breakdown["dense_ffn"] == 3 * 3 * 7168 * 18432
    assert pc.breakdown["shared_experts"] == 58 * 3 * 7168 * 2048


def _hf_deepseek_v3():
    # the HF-style keys of the same architecture (dialect test; values from config_671B.json)
    return {"model_type": "deepseek_v3", "hidden_size": 7168, "num_hidden_layers": 61, "vocab_size": 129280,
            "num_attention_heads": 128, "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128,
            "qk_rope_head_dim": 64, "v_head_dim": 128, "n_routed_experts": 256, "num_experts_per_tok": 8,
            "moe_intermediate_size": 2048, "n_shared_experts": 1, "first_k_dense_replace": 3,
            "moe_layer_freq": 1, "intermediate_size": 18432, "tie_word_embeddings": False}


def test_hf_and_inference_deepseek_dialects_agree():
    a = count_params(_hf_deepseek_v3())
    b = count_params(load_config(CONFIGS / "deepseek-v3.json"))
    assert (a.total, a.active) == (b.total, b.active)


def test_interleaved_llama4_and_qwen_sparse_step():
    text = {"model_type": "llama4_text", "hidden_size": 5120, "num_hidden_layers": 48, "vocab_size": 202048,
            "num_attention_heads": 40, "num_key_value_heads": 8, "head_dim": 128, "num_local_experts": 128,
            "num_experts_per_tok": 1, "intermediate_size": 8192, "intermediate_size_mlp": 16384,
            "interleave_moe_layer_step": 2}
    pc = count_params({"model_type": "llama4", "text_config": text})
    assert pc.moe_layers == tuple(range(1, 48, 2))
    assert abs(pc.total / 1e9 - 400.71) < 0.01 and abs(pc.active / 1e9 - 17.18) < 0.01      # ref A2
    q = {"model_type": "qwen2_moe", "hidden_size": 2048, "num_hidden_layers": 24, "vocab_size": 151936,
         "num_attention_heads": 16, "num_key_value_heads": 16, "num_experts": 60, "num_experts_per_tok": 4,
         "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632, "intermediate_size": 5632,
         "decoder_sparse_step": 1, "mlp_only_layers": []}
    pq = count_params(q)
    assert abs(pq.total / 1e9 - 14.32) < 0.01 and abs(pq.active / 1e9 - 2.69) < 0.01           # ref A2
    assert count_params({**q, "decoder_sparse_step": 2}).moe_layers == tuple(range(1, 24, 2))
    assert 0 not in count_params({**q, "mlp_only_layers": [0]}).moe_layers


def test_dense_models_and_tied_embeddings():
    llama = {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000,
             "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 11008}
    pc = count_params(llama)
    assert pc.total == pc.active == 6_738_415_616                                   # Llama-2-7B
    gemma = {"model_type": "gemma", "hidden_size": 3072, "num_hidden_layers": 28, "vocab_size": 256000,
             "num_attention_heads": 16, "num_key_value_heads": 16, "head_dim": 256, "intermediate_size": 24576}
    g = count_params(gemma)
    assert g.breakdown["lm_head"] == 0 and abs(g.total / 1e9 - 8.54) < 0.01           # Gemma-7B, tied
    qwen2 = {**llama, "model_type": "qwen2"}
    assert count_params(qwen2).total - pc.total == 32 * 3 * 4096                      # q, k, v biases


@pytest.mark.parametrize("cfg, key", [
    ({"model_type": "bert", "hidden_size": 8}, "model_type"),
    ({"hidden_size": 8}, "model_type"),
    ({"model_type": "mixtral", "num_hidden_layers": 2}, "hidden_size"),
    ({"model_type": "mixtral", "hidden_size": "4096", "num_hidden_layers": 2}, "hidden_size"),
    ({"model_type": "dbrx", "d_model": 64, "n_layers": 2, "vocab_size": 10, "n_heads": 4}, "attn_config"),
    ({"model_type": "mixtral", "hidden_size": 64, "num_hidden_layers": 2, "vocab_size": 10,
      "num_attention_heads": 4, "num_local_experts": 2, "num_experts_per_tok": 3, "intermediate_size": 8},
     "num_experts_per_tok"),
])
def test_errors_name_the_key(cfg, key):
    with pytest.raises(ConfigError) as e:
        count_params(cfg)
    assert e.value.key == key and key in str(e.value)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "components.sim.params", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_cli_prints_json():
    r = _cli(str(CONFIGS / "mixtral-8x7b.json"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["total"] == 46_702_792_704 and out["active"] == 12_879_925_248 and out["convention"]
    assert set(out["breakdown"]) == set(CATEGORIES)


def test_cli_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    unsupported = tmp_path / "u.json"
    unsupported.write_text(json.dumps({"model_type": "t5"}))
    malformed = tmp_path / "m.json"
    malformed.write_text(json.dumps({"model_type": "olmoe", "hidden_size": 2048}))
    for path in (tmp_path / "missing.json", bad, unsupported, malformed):
        r = _cli(str(path))
        assert r.returncode == 2
        assert r.stdout == "" and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_compute_summary():
    from components.sim.compute import summarize
    c = summarize(count_params(load_config(CONFIGS / "mixtral-8x7b.json")))
    assert c.flops_per_token == 2 * 12_879_925_248 and c.dense_flops_per_token == 2 * 46_702_792_704
    assert abs(c.weight_gb["bf16"] - 93.41) < 0.01 and abs(c.weight_gb["4-bit"] - 23.35) < 0.01
    assert 3.6 < c.flops_ratio < 3.7
