"""Parameter counting for decoder-only (MoE) transformers from a Hugging Face style config dict.

Pure: no I/O except in the CLI at the bottom. The formula is the one in shared/reference/moe_grpo.md §A4:

    total  = L·attn + L_dense·FFN + L_moe·(E·expert + router + shared) + norms + embedding + LM head
    active = the same with E replaced by k (shared experts and the router are always active)

"Active" conventions differ between labs: DeepSeek, Mistral, Qwen, AI2 and Databricks count the input
embedding; OpenAI's gpt-oss figures exclude it. The default follows the lab (see DEFAULT_INCLUDE_INPUT_EMBEDDING)
and can be overridden with ``include_input_embedding``.

CLI:  python -m components.sim.params PATH/TO/config.json [--exclude-input-embedding | --include-input-embedding]
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

CATEGORIES = ("embedding", "attention", "dense_ffn", "routed_experts", "shared_experts", "router", "norms",
              "lm_head")

SUPPORTED_MODEL_TYPES = (
    "llama", "mistral", "mixtral", "gemma", "gemma2", "qwen2", "qwen2_moe", "qwen3_moe", "deepseek_v2",
    "deepseek_v3", "llama4", "llama4_text", "gpt_oss", "dbrx", "olmoe", "grok1",
)

# True = the lab's stated active count includes the input embedding.
DEFAULT_INCLUDE_INPUT_EMBEDDING = {t: True for t in SUPPORTED_MODEL_TYPES}
DEFAULT_INCLUDE_INPUT_EMBEDDING["gpt_oss"] = False


class ConfigError(ValueError):
    """A config the calculator cannot count: unsupported model_type, or a missing / malformed key."""

    def __init__(self, message: str, *, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class ParamCount:
    model_type: str
    total: int
    active: int
    convention: str
    include_input_embedding: bool
    breakdown: dict[str, int]          # total parameters per category (CATEGORIES)
    active_breakdown: dict[str, int]   # active parameters per category (embedding is 0 when excluded)
    n_layers: int
    moe_layers: tuple[int, ...]        # indices of the MoE layers; the others are dense
    n_experts: int = 0
    top_k: int = 0
    n_shared_experts: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_moe_layers(self) -> int:
        return len(self.moe_layers)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["moe_layers"] = list(self.moe_layers)
        d["notes"] = list(self.notes)
        d["n_moe_layers"] = self.n_moe_layers
        return d


# ----------------------------------------------------------------------------------------------- helpers

def _get(cfg: dict, key: str, default: Any = ..., *, kind: type | tuple = int) -> Any:
    """Read a key, with a clear error naming it when absent (and no default) or of the wrong type."""
    if key not in cfg or cfg[key] is None:
        if default is ...:
            raise ConfigError(f"missing key '{key}'", key=key)
        return default
    v = cfg[key]
    if kind is int:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            raise ConfigError(f"key '{key}' must be an integer, got {v!r}", key=key)
        v = int(v)
        if v < 0:
            raise ConfigError(f"key '{key}' must be >= 0, got {v}", key=key)
        return v
    if kind is bool:
        if not isinstance(v, bool):
            raise ConfigError(f"key '{key}' must be true/false, got {v!r}", key=key)
        return v
    if not isinstance(v, kind):
        raise ConfigError(f"key '{key}' has the wrong type: {v!r}", key=key)
    return v


def _positive(cfg: dict, key: str, default: Any = ...) -> int:
    v = _get(cfg, key, default)
    if v <= 0:
        raise ConfigError(f"key '{key}' must be > 0, got {v}", key=key)
    return v


def _sub(cfg: dict, key: str) -> dict:
    v = cfg.get(key)
    if not isinstance(v, dict):
        raise ConfigError(f"missing or malformed key '{key}' (expected an object)", key=key)
    return v


@dataclass
class _Spec:
    """Normalised architecture: everything the counter needs, whatever the config's dialect."""
    model_type: str
    d: int
    n_layers: int
    vocab: int
    tied: bool
    attn_per_layer: int
    norms_per_layer: int          # number of d-sized norm vectors per layer
    dense_ff: int                 # d_ff of dense layers (0 if none)
    dense_ffn_extra: int = 0      # bias terms etc. of one dense FFN
    moe_layers: tuple[int, ...] = ()
    n_experts: int = 0
    top_k: int = 0
    expert_params: int = 0        # one routed expert
    router_params: int = 0        # per MoE layer
    shared_params: int = 0        # all shared experts of one MoE layer (incl. their gate)
    n_shared: int = 0
    final_norm: bool = True
    notes: list[str] = field(default_factory=list)


def _gqa(d: int, n_h: int, n_kv: int, hd: int, *, qkv_bias: bool = False, o_bias: bool = False) -> int:
    p = d * n_h * hd + 2 * d * n_kv * hd + n_h * hd * d
    if qkv_bias:
        p += n_h * hd + 2 * n_kv * hd
    if o_bias:
        p += d
    return p


def _swiglu(d: int, ff: int) -> int:
    return 3 * d * ff


def _heads(cfg: dict, d: int, *, nh_key="num_attention_heads", kv_key="num_key_value_heads") -> tuple[int, int, int]:
    n_h = _positive(cfg, nh_key)
    n_kv = _positive(cfg, kv_key, n_h)
    hd = _positive(cfg, "head_dim", 0) if cfg.get("head_dim") else None
    if hd is None:
        if d % n_h:
            raise ConfigError(f"'hidden_size' {d} is not divisible by '{nh_key}' {n_h}; give 'head_dim'", key="head_dim")
        hd = d // n_h
    if n_h % n_kv:
        raise ConfigError(f"'{nh_key}' {n_h} is not a multiple of '{kv_key}' {n_kv}", key=kv_key)
    return n_h, n_kv, hd


def _sparse_layers(n_layers: int, step: int, mlp_only: list | None, has_experts: bool) -> tuple[int, ...]:
    """Qwen2-MoE / Qwen3-MoE rule: MoE iff not in mlp_only_layers and (i+1) % decoder_sparse_step == 0."""
    if not has_experts:
        return ()
    mlp_only = set(mlp_only or [])
    if step <= 0:
        raise ConfigError("key 'decoder_sparse_step' must be > 0", key="decoder_sparse_step")
    return tuple(i for i in range(n_layers) if i not in mlp_only and (i + 1) % step == 0)


# --------------------------------------------------------------------------------------- per dialect

def _dense_llama_like(cfg: dict, mt: str) -> _Spec:
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h, n_kv, hd = _heads(cfg, d)
    tied_default = mt in ("gemma", "gemma2")
    tied = bool(_get(cfg, "tie_word_embeddings", tied_default, kind=bool))
    qkv_bias = mt == "qwen2" or bool(_get(cfg, "attention_bias", False, kind=bool))
    o_bias = mt != "qwen2" and bool(_get(cfg, "attention_bias", False, kind=bool))
    ff = _positive(cfg, "intermediate_size")
    extra = (2 * ff + d) if _get(cfg, "mlp_bias", False, kind=bool) else 0
    return _Spec(mt, d, L, V, tied, _gqa(d, n_h, n_kv, hd, qkv_bias=qkv_bias, o_bias=o_bias),
                 norms_per_layer=4 if mt == "gemma2" else 2, dense_ff=ff, dense_ffn_extra=extra)


def _mixtral(cfg: dict) -> _Spec:
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h, n_kv, hd = _heads(cfg, d)
    E = _positive(cfg, "num_local_experts")
    k = _positive(cfg, "num_experts_per_tok")
    ff = _positive(cfg, "intermediate_size")
    return _Spec("mixtral", d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)),
                 _gqa(d, n_h, n_kv, hd), 2, 0, moe_layers=tuple(range(L)), n_experts=E, top_k=k,
                 expert_params=_swiglu(d, ff), router_params=d * E)


def _qwen_moe(cfg: dict, mt: str) -> _Spec:
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h, n_kv, hd = _heads(cfg, d)
    E = _get(cfg, "num_experts")
    k = _positive(cfg, "num_experts_per_tok")
    d_e = _positive(cfg, "moe_intermediate_size")
    ff = _positive(cfg, "intermediate_size")
    step = _get(cfg, "decoder_sparse_step", 1)
    mlp_only = cfg.get("mlp_only_layers") or []
    if not isinstance(mlp_only, list):
        raise ConfigError("key 'mlp_only_layers' must be a list of layer indices", key="mlp_only_layers")
    moe = _sparse_layers(L, step, mlp_only, E > 0)
    if mt == "qwen2_moe":
        attn = _gqa(d, n_h, n_kv, hd, qkv_bias=True)
        d_s = _get(cfg, "shared_expert_intermediate_size", 0)
        shared = (_swiglu(d, d_s) + d) if d_s else 0          # + sigmoid gate Linear(d, 1)
        n_shared = 1 if d_s else 0
    else:  # qwen3_moe: QK-norm over head_dim, no qkv bias
        attn = _gqa(d, n_h, n_kv, hd, qkv_bias=bool(_get(cfg, "attention_bias", False, kind=bool))) + 2 * hd
        shared, n_shared = 0, 0
    notes = []
    if len(moe) < L:
        notes.append(f"{L - len(moe)} dense layer(s) (decoder_sparse_step / mlp_only_layers)")
    return _Spec(mt, d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)), attn, 2, ff,
                 moe_layers=moe, n_experts=E, top_k=k, expert_params=_swiglu(d, d_e), router_params=d * E,
                 shared_params=shared, n_shared=n_shared, notes=notes)


def _mla(d: int, n_h: int, q_lora: int, kv_lora: int, nope: int, rope: int, v: int) -> int:
    if q_lora:
        q = d * q_lora + q_lora + q_lora * n_h * (nope + rope)       # q_a_proj, q_a_layernorm, q_b_proj
    else:
        q = d * n_h * (nope + rope)
    kv = d * (kv_lora + rope) + kv_lora + kv_lora * n_h * (nope + v)  # kv_a_proj_with_mqa, norm, kv_b_proj
    return q + kv + n_h * v * d


def _deepseek(cfg: dict, mt: str) -> _Spec:
    """HF DeepseekV2/V3 config.json."""
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h = _positive(cfg, "num_attention_heads")
    attn = _mla(d, n_h, _get(cfg, "q_lora_rank", 0), _positive(cfg, "kv_lora_rank"),
                _positive(cfg, "qk_nope_head_dim"), _positive(cfg, "qk_rope_head_dim"), _positive(cfg, "v_head_dim"))
    E = _get(cfg, "n_routed_experts")
    k = _positive(cfg, "num_experts_per_tok")
    d_e = _positive(cfg, "moe_intermediate_size")
    n_s = _get(cfg, "n_shared_experts", 0)
    first_dense = _get(cfg, "first_k_dense_replace", 0)
    freq = _positive(cfg, "moe_layer_freq", 1)
    moe = tuple(i for i in range(L) if E > 0 and i >= first_dense and i % freq == 0)
    noaux = mt == "deepseek_v3" or cfg.get("topk_method") == "noaux_tc"
    notes = []
    if _get(cfg, "num_nextn_predict_layers", 0):
        notes.append("multi-token-prediction (MTP) layers excluded from the counts")
    return _Spec(mt, d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)), attn, 2,
                 _positive(cfg, "intermediate_size"), moe_layers=moe, n_experts=E, top_k=k,
                 expert_params=_swiglu(d, d_e), router_params=d * E + (E if noaux else 0),
                 shared_params=n_s * _swiglu(d, d_e), n_shared=n_s, notes=notes)


def _deepseek_inference(cfg: dict) -> _Spec:
    """DeepSeek's own inference/configs/*.json format (dim, n_layers, ...; no model_type)."""
    d = _positive(cfg, "dim")
    L = _positive(cfg, "n_layers")
    V = _positive(cfg, "vocab_size")
    n_h = _positive(cfg, "n_heads")
    attn = _mla(d, n_h, _get(cfg, "q_lora_rank", 0), _positive(cfg, "kv_lora_rank"),
                _positive(cfg, "qk_nope_head_dim"), _positive(cfg, "qk_rope_head_dim"), _positive(cfg, "v_head_dim"))
    E = _positive(cfg, "n_routed_experts")
    k = _positive(cfg, "n_activated_experts")
    d_e = _positive(cfg, "moe_inter_dim")
    n_s = _get(cfg, "n_shared_experts", 0)
    n_dense = _get(cfg, "n_dense_layers", 0)
    score = cfg.get("score_func", "softmax")
    if score not in ("softmax", "sigmoid"):
        raise ConfigError(f"key 'score_func' must be 'softmax' or 'sigmoid', got {score!r}", key="score_func")
    mt = "deepseek_v3" if score == "sigmoid" else "deepseek_v2"
    # inference/model.py Gate: a selection bias exists only for dim == 7168 (V3)
    router = d * E + (E if d == 7168 else 0)
    return _Spec(mt, d, L, V, False, attn, 2, _positive(cfg, "inter_dim"),
                 moe_layers=tuple(range(n_dense, L)), n_experts=E, top_k=k, expert_params=_swiglu(d, d_e),
                 router_params=router, shared_params=n_s * _swiglu(d, d_e), n_shared=n_s,
                 notes=["DeepSeek inference-format config (inference/configs/*.json)"])


def _llama4(cfg: dict) -> _Spec:
    if "text_config" in cfg:
        cfg = _sub(cfg, "text_config")
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h, n_kv, hd = _heads(cfg, d)
    E = _positive(cfg, "num_local_experts")
    k = _positive(cfg, "num_experts_per_tok")
    d_e = _positive(cfg, "intermediate_size")
    d_dense = _positive(cfg, "intermediate_size_mlp", d_e)
    layers = cfg.get("moe_layers")
    if layers is None:
        step = _positive(cfg, "interleave_moe_layer_step", 1)
        layers = list(range(step - 1, L, step))
    elif not isinstance(layers, list) or not all(isinstance(i, int) for i in layers):
        raise ConfigError("key 'moe_layers' must be a list of layer indices", key="moe_layers")
    attn = _gqa(d, n_h, n_kv, hd, qkv_bias=bool(_get(cfg, "attention_bias", False, kind=bool)))
    notes = ["text decoder only (vision encoder not counted)"]
    if cfg.get("use_qk_norm"):
        notes.append("QK-norm is a weightless L2 norm (0 parameters)")
    return _Spec("llama4_text", d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)), attn, 2,
                 d_dense, moe_layers=tuple(sorted(set(layers))), n_experts=E, top_k=k,
                 expert_params=_swiglu(d, d_e), router_params=d * E, shared_params=_swiglu(d, d_e), n_shared=1,
                 notes=notes)


def _gpt_oss(cfg: dict) -> _Spec:
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h, n_kv, hd = _heads(cfg, d)
    E = _positive(cfg, "num_local_experts") if "num_local_experts" in cfg else _positive(cfg, "num_experts")
    k = _positive(cfg, "num_experts_per_tok") if "num_experts_per_tok" in cfg else _positive(cfg, "experts_per_token")
    d_e = _positive(cfg, "intermediate_size")
    bias = bool(_get(cfg, "attention_bias", True, kind=bool))
    attn = _gqa(d, n_h, n_kv, hd, qkv_bias=bias, o_bias=bias) + n_h          # + attention sinks
    expert = _swiglu(d, d_e) + 2 * d_e + d                                   # gate_up bias + down bias
    return _Spec("gpt_oss", d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)), attn, 2, 0,
                 moe_layers=tuple(range(L)), n_experts=E, top_k=k, expert_params=expert,
                 router_params=d * E + E)


def _dbrx(cfg: dict) -> _Spec:
    d = _positive(cfg, "d_model")
    L = _positive(cfg, "n_layers")
    V = _positive(cfg, "vocab_size")
    n_h = _positive(cfg, "n_heads")
    attn_cfg = _sub(cfg, "attn_config")
    ffn_cfg = _sub(cfg, "ffn_config")
    n_kv = _positive(attn_cfg, "kv_n_heads")
    if d % n_h:
        raise ConfigError(f"'d_model' {d} is not divisible by 'n_heads' {n_h}", key="n_heads")
    E = _positive(ffn_cfg, "moe_num_experts")
    k = _positive(ffn_cfg, "moe_top_k")
    d_e = _positive(ffn_cfg, "ffn_hidden_size")
    return _Spec("dbrx", d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)),
                 _gqa(d, n_h, n_kv, d // n_h), 2, 0, moe_layers=tuple(range(L)), n_experts=E, top_k=k,
                 expert_params=_swiglu(d, d_e), router_params=d * E)


def _olmoe(cfg: dict) -> _Spec:
    d = _positive(cfg, "hidden_size")
    L = _positive(cfg, "num_hidden_layers")
    V = _positive(cfg, "vocab_size")
    n_h, n_kv, hd = _heads(cfg, d)
    E = _positive(cfg, "num_experts")
    k = _positive(cfg, "num_experts_per_tok")
    d_e = _positive(cfg, "intermediate_size")
    attn = _gqa(d, n_h, n_kv, hd, qkv_bias=bool(_get(cfg, "attention_bias", False, kind=bool)))
    attn += n_h * hd + n_kv * hd                                             # q_norm, k_norm (full width)
    return _Spec("olmoe", d, L, V, bool(_get(cfg, "tie_word_embeddings", False, kind=bool)), attn, 2, 0,
                 moe_layers=tuple(range(L)), n_experts=E, top_k=k, expert_params=_swiglu(d, d_e),
                 router_params=d * E)


def _grok1(cfg: dict) -> _Spec:
    m = _sub(cfg, "model")
    d = _positive(m, "emb_size")
    L = _positive(m, "num_layers")
    V = _positive(cfg, "vocab_size")
    n_h = _positive(m, "num_q_heads")
    n_kv = _positive(m, "num_kv_heads")
    hd = _positive(m, "key_size")
    wf = m.get("widening_factor")
    if not isinstance(wf, (int, float)) or isinstance(wf, bool) or wf <= 0:
        raise ConfigError("missing or malformed key 'widening_factor'", key="widening_factor")
    ff = int(wf * d) * 2 // 3
    ff = ff + (8 - ff) % 8                                                   # model.py ffn_size()
    E = _positive(m, "num_experts")
    k = _positive(m, "num_selected_experts")
    return _Spec("grok1", d, L, V, True, _gqa(d, n_h, n_kv, hd), 4, 0, moe_layers=tuple(range(L)),
                 n_experts=E, top_k=k, expert_params=_swiglu(d, ff), router_params=d * E,
                 notes=["input and output embeddings are tied (InOutEmbed)", "4 RMSNorms per layer (model.py)"])


def _spec(config: dict) -> _Spec:
    if not isinstance(config, dict):
        raise ConfigError("config must be a JSON object")
    mt = config.get("model_type")
    if mt in (None, "") and {"dim", "n_routed_experts", "moe_inter_dim"} <= config.keys():
        return _deepseek_inference(config)
    if mt in (None, "") and isinstance(config.get("text_config"), dict):
        mt = config["text_config"].get("model_type")
    if mt in (None, ""):
        raise ConfigError("missing key 'model_type'", key="model_type")
    if not isinstance(mt, str):
        raise ConfigError(f"key 'model_type' must be a string, got {mt!r}", key="model_type")
    if mt in ("llama", "mistral", "gemma", "gemma2", "qwen2"):
        return _dense_llama_like(config, mt)
    if mt == "mixtral":
        return _mixtral(config)
    if mt in ("qwen2_moe", "qwen3_moe"):
        return _qwen_moe(config, mt)
    if mt in ("deepseek_v2", "deepseek_v3"):
        return _deepseek(config, mt)
    if mt in ("llama4", "llama4_text"):
        return _llama4(config)
    if mt == "gpt_oss":
        return _gpt_oss(config)
    if mt == "dbrx":
        return _dbrx(config)
    if mt == "olmoe":
        return _olmoe(config)
    if mt in ("grok1", "grok-1"):
        return _grok1(config)
    raise ConfigError(f"unsupported model_type '{mt}' (supported: {', '.join(SUPPORTED_MODEL_TYPES)})",
                      key="model_type")


# ------------------------------------------------------------------------------------------ public API

def count_params(config: dict, *, include_input_embedding: bool | None = None) -> ParamCount:
    """Total and active parameters of a config dict, with a per-category breakdown."""
    s = _spec(config)
    if s.top_k > s.n_experts and s.n_experts:
        raise ConfigError(f"top-k 'num_experts_per_tok' ({s.top_k}) exceeds the number of experts ({s.n_experts})",
                          key="num_experts_per_tok")
    for i in s.moe_layers:
        if not 0 <= i < s.n_layers:
            raise ConfigError(f"MoE layer index {i} is outside 0..{s.n_layers - 1}", key="moe_layers")
    if include_input_embedding is None:
        include_input_embedding = DEFAULT_INCLUDE_INPUT_EMBEDDING.get(s.model_type, True)
    n_moe = len(s.moe_layers)
    n_dense = s.n_layers - n_moe
    emb = s.vocab * s.d
    head = 0 if s.tied else s.vocab * s.d
    dense_ffn = n_dense * (_swiglu(s.d, s.dense_ff) + s.dense_ffn_extra) if s.dense_ff else 0
    if n_dense and not s.dense_ff:
        raise ConfigError("config has dense layers but no dense FFN size", key="intermediate_size")
    total = {
        "embedding": emb,
        "attention": s.n_layers * s.attn_per_layer,
        "dense_ffn": dense_ffn,
        "routed_experts": n_moe * s.n_experts * s.expert_params,
        "shared_experts": n_moe * s.shared_params,
        "router": n_moe * s.router_params,
        "norms": s.n_layers * s.norms_per_layer * s.d + (s.d if s.final_norm else 0),
        "lm_head": head,
    }
    active = dict(total)
    active["routed_experts"] = n_moe * s.top_k * s.expert_params
    if s.tied:
        # one matrix serves as both; it is "the LM head" when the input embedding is excluded
        active["embedding"] = emb if include_input_embedding else 0
        active["lm_head"] = 0 if include_input_embedding else emb
    elif not include_input_embedding:
        active["embedding"] = 0
    conv = ("input embedding counted in active" if include_input_embedding
            else "input embedding excluded from active (OpenAI gpt-oss convention)")
    return ParamCount(
        model_type=s.model_type, total=sum(total.values()), active=sum(active.values()), convention=conv,
        include_input_embedding=include_input_embedding, breakdown=total, active_breakdown=active,
        n_layers=s.n_layers, moe_layers=s.moe_layers, n_experts=s.n_experts, top_k=s.top_k,
        n_shared_experts=s.n_shared, notes=tuple(s.notes))


def load_config(path: str) -> dict:
    """Read a config.json; ConfigError for a missing file or bad JSON."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"not a file: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"bad JSON in {path}: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: config must be a JSON object")
    return data


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    include: bool | None = None
    if "--exclude-input-embedding" in argv:
        argv.remove("--exclude-input-embedding")
        include = False
    if "--include-input-embedding" in argv:
        argv.remove("--include-input-embedding")
        include = True
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python -m components.sim.params PATH/TO/config.json "
              "[--exclude-input-embedding|--include-input-embedding]", file=sys.stderr)
        return 2
    try:
        pc = count_params(load_config(argv[0]), include_input_embedding=include)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(pc.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
