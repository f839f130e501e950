"""A seeded, clearly synthetic catalog for benchmarks: 1k / 10k / 100k valid models in the real format.

    from benchmarks.synthetic import generate, synthetic_dir
    path = synthetic_dir(10_000)          # generated once under the temp dir, reused while the generator is unchanged
    generate(tmp_path / "data", 1_000)    # or write one where you want it

Layout and format are the real catalog's (docs/CURATING.md): family YAML files under `models/`, with the
organizations, licenses and benchmarks copied from the bundled data/ (plus a long tail of synthetic
organizations, as a Hub-wide export would have). Every family id, model name, organization and source URL says
"synthetic", so nothing here can be mistaken for (or mixed into) the curated catalog; it is never written into data/.

Distributions follow the curated catalog and the Hub: release counts growing year on year, sizes log-normal around
7B, mostly dense text models, about a fifth MoE, a fifth closed, 0-8 scores per model.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import tempfile
from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[1] / "data"
GENERATOR_VERSION = "1"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}

# Benchmarks in %: (id, typical centre, spread); the rating benchmark is drawn on its own scale.
PERCENT_BENCH = ["mmlu", "mmlu_pro", "gsm8k", "math", "humaneval", "mbpp", "arc_challenge", "hellaswag",
                 "winogrande", "bbh", "gpqa", "gpqa_diamond", "ifeval", "triviaqa", "math_500", "aime_2024",
                 "aime_2025", "livecodebench", "mmmu", "swe_bench_verified", "codeforces_percentile"]
BENCH_WEIGHTS = [30, 12, 12, 10, 12, 6, 6, 5, 5, 6, 6, 5, 4, 3, 4, 3, 2, 3, 2, 2, 1]
SETTINGS = ["5-shot", "0-shot", "pass@1", "4-shot", "0-shot CoT", "3-shot", "25-shot", "cons@64", "5-shot CoT"]
SETTING_WEIGHTS = [30, 18, 14, 8, 8, 6, 4, 3, 3]
CONTEXT = [2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 1048576]
CONTEXT_W = [5, 14, 16, 6, 20, 4, 25, 6, 4]
VOCAB = [32000, 32768, 50257, 65536, 100352, 128256, 151936, 152064, 256000]
VOCAB_W = [20, 8, 8, 6, 8, 18, 14, 6, 12]
LICENSE_WEIGHTS = {"apache-2.0": 30, "mit": 14, "llama-3.1-community": 8, "llama-3-community": 5,
                   "llama-2-community": 5, "qwen-license": 5, "gemma-terms": 5, "cc-by-nc-4.0": 5,
                   "deepseek-license": 3, "mistral-research-license": 3, "qwen-research-license": 2,
                   "llama-3.2-community": 3, "llama-3.3-community": 2, "llama-4-community": 2,
                   "nvidia-open-model-license": 2, "falcon-180b-license": 1, "dbrx-open-model-license": 1,
                   "glm-4-license": 1, "kimi-k2-modified-mit": 1, "minimax-model-license": 1,
                   "llama-1-research": 1}
COUNTRIES = ["US", "CN", "FR", "GB", "DE", "CA", "JP", "KR", "IN", "AE", "SG", "CH", "IL", "INTL"]
COUNTRY_W = [40, 25, 6, 5, 4, 3, 3, 3, 3, 2, 2, 2, 1, 1]


def _s(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def _fact(value, source: str, **extra) -> str:
    if isinstance(value, str):
        v = _s(value)
    elif isinstance(value, list):
        v = "[" + ", ".join(value) + "]"
    else:
        v = repr(value)
    parts = [f"value: {v}", f"source: {source}"] + [f"{k}: {_s(x) if isinstance(x, str) else x}"
                                                     for k, x in extra.items() if x is not None]
    return "{" + ", ".join(parts) + "}"


def _date(rng: random.Random, today: tuple[int, int, int]) -> str:
    # Releases grow ~60% a year: year = today - floor(Exp(λ)), 2018..this year.
    y0, m0, _ = today
    while True:
        year = y0 - int(rng.expovariate(0.47))
        if year >= 2018:
            break
    month = rng.randint(1, 12 if year < y0 else max(1, m0 - 1))
    day = rng.randint(1, 28)
    p = rng.random()
    if p < 0.72:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if p < 0.93:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}" if year < y0 else f"{year:04d}-{month:02d}"


def _round_size(x: float) -> float:
    if x < 1:
        return round(x, 2)
    if x < 20:
        return round(x, 1)
    return float(round(x))


def _family(rng: random.Random, i: int, n_variants: int, orgs: list[str], org_w: list[float],
            licenses: list[str], lic_w: list[float], today: tuple[int, int, int]) -> str:
    fid = f"synthetic-{i:06d}"
    org = rng.choices(orgs, org_w)[0]
    weights = rng.choices(["open", "gated_open", "closed", "unreleased"], [56, 20, 20, 4])[0]
    open_w = weights in ("open", "gated_open")
    arch = rng.choices(["dense", "moe", None], [78, 18, 4] if open_w else [45, 15, 40])[0]
    lic = rng.choices(licenses, lic_w)[0] if open_w else None
    date = _date(rng, today)
    out = [f"family: {_s(f'Synthetic Family {i:06d}')}",
           f"organization: {org}",
           f"description: {_s('Synthetic benchmark data: not a real model family.')}",
           "sources:",
           "  paper:",
           f"    url: https://example.org/synthetic/{fid}/paper",
           f"    title: {_s(f'Synthetic paper {i}')}",
           "    kind: paper",
           "  card:",
           f"    url: https://example.org/synthetic/{fid}/card",
           "    kind: model_card"]
    if rng.random() < 0.5:
        out += ["  announcement:", f"    url: https://example.org/synthetic/{fid}/news", "    kind: announcement"]
    out.append("defaults:")
    out.append(f"  weights: {_fact(weights, 'card')}")
    if lic:
        out.append(f"  license: {_fact(lic, 'card')}")
    if arch:
        out.append(f"  architecture: {_fact(arch, 'paper')}")
    event = rng.choices(["weights", "announcement", "paper", "api"], [50, 35, 10, 5] if open_w else [5, 60, 5, 30])[0]
    out.append(f"  release_date: {_fact(date, 'card', event=event)}")
    mods_in = rng.choices([["text"], ["text", "image"], ["text", "image", "audio"], ["text", "image", "video"]],
                          [80, 15, 3, 2])[0]
    out.append(f"  modalities_in: {_fact(mods_in, 'paper')}")
    out.append(f"  modalities_out: {_fact(['text'], 'paper')}")
    if rng.random() < 0.7:
        out.append(f"  context_length: {_fact(rng.choices(CONTEXT, CONTEXT_W)[0], 'paper')}")
    if rng.random() < 0.6:
        out.append(f"  vocab_size: {_fact(rng.choices(VOCAB, VOCAB_W)[0], 'paper')}")
    if rng.random() < 0.35:
        out.append(f"  training_tokens_t: {_fact(round(rng.lognormvariate(math.log(3), 1.0), 1) or 0.1, 'paper')}")
    if arch == "moe":
        et = rng.choice([8, 16, 32, 64, 128, 256])
        ea = min(et, rng.choice([1, 2, 2, 4, 8]))
        out.append(f"  experts_total: {_fact(et, 'paper')}")
        out.append(f"  experts_active: {_fact(ea, 'paper')}")
        out.append(f"  experts_shared: {_fact(rng.choice([0, 0, 1, 2]), 'paper')}")
    out.append("variants:")
    known_size = open_w or rng.random() < 0.1
    centre = rng.lognormvariate(math.log(7), 1.4)
    base_keys: list[str] = []
    for j in range(n_variants):
        size = _round_size(min(max(centre * rng.choice([0.25, 0.5, 1, 2, 4, 8]), 0.05), 2000))
        kind = rng.choices(["base", "instruct", "reasoning"], [42, 48, 10])[0]
        key = f"v{j}-{str(size).replace('.', 'p')}b-{kind}"
        out.append(f"  {key}:")
        out.append(f"    name: {_s(f'Synthetic {i:06d} {size:g}B {kind} {j}')}")
        out.append(f"    size_label: {_s(f'{size:g}B')}")
        out.append(f"    kind: {_fact(kind, 'card')}")
        if kind != "base" and base_keys and rng.random() < 0.6:
            out.append(f"    base_model: {_fact(f'{fid}/{rng.choice(base_keys)}', 'card')}")
        if kind == "base":
            base_keys.append(key)
        if known_size:
            out.append(f"    params_total_b: {_fact(size, 'paper', status='estimated' if rng.random() < 0.05 else None)}")
            if arch == "moe" and rng.random() < 0.85:
                active = round(size * rng.uniform(0.04, 0.4), 2)
                if 0 < active < size:
                    out.append(f"    params_active_b: {_fact(active, 'paper')}")
            if rng.random() < 0.55:
                layers = max(2, round(12 * size ** 0.3))
                out.append(f"    layers: {_fact(layers, 'paper')}")
                out.append(f"    hidden_size: {_fact(int(256 * max(2, round(8 * size ** 0.35))), 'paper')}")
        if rng.random() < 0.1:
            out.append(f"    release_date: {_fact(_date(rng, today), 'card', event='weights')}")
        if open_w and rng.random() < 0.9:
            out.append(f"    hf_repo: synthetic-org-{org}/{fid}-{key}")
        if rng.random() < 0.1:
            out.append(f"    notes: {_s('Synthetic variant generated for benchmarks.')}")
        n_scores = min(8, int(rng.expovariate(1 / 3.5)))
        if n_scores:
            out.append("    scores:")
            quality = rng.gauss(0, 1) + 0.8 * math.log10(max(size, 0.1))
            for b in dict.fromkeys(rng.choices(PERCENT_BENCH + ["codeforces_rating"], BENCH_WEIGHTS + [1],
                                               k=n_scores)):
                if b == "codeforces_rating":
                    value = round(min(max(1400 + 300 * quality + rng.gauss(0, 150), 400), 3500))
                else:
                    value = round(100 / (1 + math.exp(-(quality - 0.5 + rng.gauss(0, 0.6)))), 1)
                setting = rng.choices(SETTINGS, SETTING_WEIGHTS)[0]
                sr = "true" if rng.random() < 0.9 else "false"
                out.append(f"      - {{benchmark: {b}, value: {value}, setting: {_s(setting)}, source: paper, "
                           f"self_reported: {sr}}}")
    return "\n".join(out) + "\n"


def _org_file(i: int, rng: random.Random) -> str:
    country = rng.choices(COUNTRIES, COUNTRY_W)[0]
    kind = rng.choices(["company", "academic", "nonprofit", "government"], [70, 18, 10, 2])[0]
    return (f"name: {_s(f'Synthetic Org {i:04d}')}\ncountry: {country}\ntype: {kind}\n"
            f"url: https://example.org/synthetic/org-{i:04d}\nsource: https://example.org/synthetic/org-{i:04d}\n")


def generate(out_dir: Path | str, n_models: int, seed: int = 0, source: Path = BUNDLED,
             today: tuple[int, int, int] = (2026, 1, 1)) -> Path:
    """Write a catalog of exactly `n_models` synthetic variants into out_dir (which must not be data/)."""
    out = Path(out_dir).resolve()
    if out == source.resolve() or out == BUNDLED.resolve() or BUNDLED.resolve() in out.parents:
        raise ValueError("synthetic data is never written into the bundled data/ folder")
    rng = random.Random(f"atlas-synthetic-{seed}-{n_models}")
    for folder in ("organizations", "licenses", "benchmarks"):
        shutil.copytree(source / folder, out / folder, dirs_exist_ok=True)
    if (source / "landmarks.yaml").exists():
        shutil.copy2(source / "landmarks.yaml", out / "landmarks.yaml")
    real_orgs = sorted(p.stem for p in (source / "organizations").glob("*.yaml"))
    n_syn_orgs = max(0, n_models // 500)  # a Hub-wide export has a long tail of small organizations
    for k in range(n_syn_orgs):
        (out / "organizations" / f"synthetic-org-{k:04d}.yaml").write_text(_org_file(k, rng), encoding="utf-8")
    orgs = real_orgs + [f"synthetic-org-{k:04d}" for k in range(n_syn_orgs)]
    org_w = [20.0] * len(real_orgs) + [1.0 / (1 + k) ** 0.3 for k in range(n_syn_orgs)]
    licenses = sorted(p.stem for p in (source / "licenses").glob("*.yaml"))
    lic_w = [LICENSE_WEIGHTS.get(name, 1) for name in licenses]
    models = out / "models"
    models.mkdir(parents=True, exist_ok=True)
    left, i = n_models, 0
    while left > 0:
        n = min(left, rng.choices([1, 2, 3, 4, 5, 6, 8, 12], [14, 20, 18, 16, 10, 10, 8, 4])[0])
        (models / f"synthetic-{i:06d}.yaml").write_text(
            _family(rng, i, n, orgs, org_w, licenses, lic_w, today), encoding="utf-8")
        left -= n
        i += 1
    return out


def _source_stamp(source: Path) -> str:
    h = hashlib.sha256(GENERATOR_VERSION.encode())
    h.update(Path(__file__).read_bytes())
    for folder in ("organizations", "licenses", "benchmarks"):
        for p in sorted((source / folder).glob("*.yaml")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def synthetic_dir(n_models: int, seed: int = 0, root: Path | None = None) -> Path:
    """A generated catalog of n_models under the temp dir, reused while generator and reference data are unchanged."""
    root = Path(root or os.environ.get("ATLAS_SYNTHETIC_DIR") or Path(tempfile.gettempdir()) / "atlas-synthetic")
    path = root / f"n{n_models}-seed{seed}-{_source_stamp(BUNDLED)}"
    if (path / ".complete").exists():
        return path
    tmp = Path(tempfile.mkdtemp(prefix=path.name + ".", dir=root)) if root.exists() else None
    if tmp is None:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=path.name + ".", dir=root))
    generate(tmp, n_models, seed)
    (tmp / ".complete").write_text("ok\n")
    try:
        tmp.rename(path)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return path


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(synthetic_dir(n))
