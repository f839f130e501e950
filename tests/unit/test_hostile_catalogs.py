"""The bundled catalog with one thing broken or made odd at a time, written as a curator would type it (text edits,
not a YAML round trip): every rule, every kind of schema error, and hostile YAML (tags, anchors, BOMs, tabs, CRLF,
huge numbers, NaN, odd dates, yes/no, empty files, unreadable files...).

For each, the fast loaders (bulk tables, loader fast path) must give exactly what the careful path gives: the same
tables for a valid catalog, the same errors (file, line, model, field, message) for a broken one, never a crash."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from components.catalog import bulk, cache, loader, yaml_lines
from components.catalog.errors import CatalogInvalid

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

Edit = Callable[[Path], None]


def sub(rel: str, old: str, new: str, count: int = 1) -> Edit:
    """Replace the first `count` occurrences of `old` (which must be there) in one file."""

    def edit(data: Path) -> None:
        path = data / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def write(rel: str, content: str | bytes) -> Edit:
    def edit(data: Path) -> None:
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return edit


def transform(rel: str, fn: Callable[[bytes], bytes]) -> Edit:
    def edit(data: Path) -> None:
        path = data / rel
        path.write_bytes(fn(path.read_bytes()))

    return edit


def mkdir(rel: str) -> Edit:
    return lambda data: (data / rel).mkdir(parents=True)


def symlink(rel: str, target: str) -> Edit:
    return lambda data: (data / rel).symlink_to(target)


L2, MX, G4, MIT = "models/llama-2.yaml", "models/mixtral.yaml", "models/gpt-4.yaml", "licenses/mit.yaml"
L2_7B = "    name: Llama 2 7B\n"
SCORE = "{benchmark: mmlu, value: 45.3, setting: 5-shot, source: model-card, self_reported: true,"
MX_KIND = "    kind: {value: base, source: paper}\n"
NEW_FAMILY = """family: Odd
organization: meta
sources:
  card: {url: "https://example.org/card", kind: model_card}
defaults:
  weights: {value: open, source: card}
  license: {value: mit, source: card}
  release_date: {value: "2024-01", source: card, event: weights}
  kind: {value: base, source: card}
variants:
  one:
    name: Odd One
"""

CASES: dict[str, Edit] = {
    # ------------------------------------------------------------ every rule in rules.py, broken once
    "source_resolves": sub(MX, MX_KIND, "    kind: {value: base, source: nope}\n"),
    "source_resolves_score": sub(L2, SCORE, SCORE.replace("source: model-card", "source: nope")),
    "source_resolves_default": sub(MX, "architecture: {value: moe, source: paper}", "architecture: {value: moe, source: x}"),
    "organization_resolves": sub(MX, "organization: mistral", "organization: ghost"),
    "license_resolves": sub(MX, "    value: apache-2.0\n", "    value: apache-9\n"),
    "benchmark_resolves": sub(L2, SCORE, SCORE.replace("mmlu", "mmlu-x")),
    "base_model_resolves": sub(MX, "value: mixtral/8x7b\n", "value: mixtral/8x7z\n"),
    "base_model_itself": sub(MX, "value: mixtral/8x7b\n", "value: mixtral/8x7b-instruct\n"),
    "required_facts": sub(MX, MX_KIND, ""),
    "required_facts_defaults": sub(L2, "  release_date: {value: \"2023-07-18\"", "  released: {value: \"2023-07-18\""),
    "moe_experts": sub(MX, "experts_active: {value: 2,", "experts_active: {value: 9,"),
    "moe_experts_zero": sub(MX, "experts_shared: {value: 0,", "experts_shared: {value: -1,"),
    "moe_needs_counts": sub(MX, "  experts_total: {value: 8,", "  experts_totals: {value: 8,"),
    "moe_active_below_total": sub(MX, "params_active_b: {value: 12.9,", "params_active_b: {value: 50,"),
    "dense_has_no_experts": sub(L2, L2_7B, L2_7B + "    experts_total: {value: 8, source: model-card}\n"),
    "dense_active_is_total": sub(L2, L2_7B, L2_7B + "    params_active_b: {value: 3, source: model-card}\n"),
    "open_weights_need_license": sub(L2, "  license: {value: llama-2-community, source: model-card}\n", ""),
    "closed_weights_no_download": sub(G4, "    name: GPT-4\n", "    name: GPT-4\n    hf_repo: openai/gpt-4\n"),
    "release_date_not_a_day": sub(L2, '{value: "2023-07-18"', '{value: "2023-02-30"'),
    "release_date_future": sub(L2, '{value: "2023-07-18"', '{value: "2999"'),
    "release_date_past": sub(L2, '{value: "2023-07-18"', "{value: 2016"),
    "score_in_range": sub(L2, SCORE, SCORE.replace("45.3", "145.3")),
    "score_negative": sub(L2, SCORE, SCORE.replace("mmlu, value: 45.3", "codeforces_rating, value: -954")),
    "score_not_repeated": sub(L2, "      - " + SCORE, "      - " + SCORE.replace("45.3", "45.4") + " note: x}\n      - " + SCORE),
    "license_tier_consistent": sub(MIT, "tier: permissive", "tier: non_commercial"),
    "obligation_has_clause": sub(MIT, "    excerpt: \"The above", "    quote: \"The above"),
    "obligation_cap_value": sub(MIT, "mau_cap: {applies: false}", "mau_cap: {applies: true, excerpt: x, url: 'https://x.org'}"),
    # ------------------------------------------------------------ schema errors
    "unknown_variant_field": sub(L2, L2_7B, L2_7B + "    paramz: 3\n"),
    "unknown_top_field": sub(L2, "family: Llama 2\n", "family: Llama 2\nfamilly: x\n"),
    "unknown_fact_field": sub(MX, MX_KIND, "    kind: {value: base, source: paper, sauce: x}\n"),
    "unknown_defaults_field": sub(MX, "  modalities_in:", "  hf_repo: a/b\n  modalities_in:"),
    "unknown_source_field": sub(MX, "    kind: paper\n", "    kind: paper\n    doi: x\n"),
    "unknown_license_field": sub(MIT, "spdx: mit\n", "spdx: mit\nspdxx: mit\n"),
    "unknown_org_field": sub("organizations/meta.yaml", "type: company\n", "type: company\nceo: x\n"),
    "placeholder_size_label": sub(L2, "size_label: 7B", "size_label: unknown"),
    "placeholder_notes": sub(L2, L2_7B, L2_7B + "    notes: ' N/A '\n"),
    "placeholder_fact": sub(MX, "    value: apache-2.0\n", "    value: TBD\n"),
    "bad_enum_architecture": sub(MX, "{value: moe, source: paper}", "{value: sparse, source: paper}"),
    "bad_enum_kind": sub(MX, MX_KIND, "    kind: {value: chat, source: paper}\n"),
    "bad_enum_country": sub("organizations/meta.yaml", "country: US", "country: XX"),
    "bad_enum_unit": sub("benchmarks/mmlu.yaml", 'unit: "%"', "unit: percent"),
    "missing_name": sub(L2, L2_7B, ""),
    "missing_family": sub(L2, "family: Llama 2\n", ""),
    "missing_sources": sub(G4, "sources:\n", "sourcez:\n"),
    "missing_variants": sub(G4, "variants:\n", "variantz:\n"),
    "empty_variants": write("models/odd.yaml", NEW_FAMILY.split("variants:")[0] + "variants: {}\n"),
    "bad_repo": sub(L2, "hf_repo: meta-llama/Llama-2-7b", "hf_repo: not a repo"),
    "bad_repo_newline": sub(L2, "hf_repo: meta-llama/Llama-2-7b", 'hf_repo: "meta-llama/Llama-2-7b\\n"'),
    "bad_repo_three_parts": sub(L2, "hf_repo: meta-llama/Llama-2-7b", "hf_repo: a/b/c"),
    "bad_variant_key": sub(L2, "  7b:\n", "  Big:\n"),
    "bad_source_key": sub(MX, "  paper:\n", "  Paper:\n"),
    "bad_url": sub(MX, "url: https://arxiv.org/abs/2401.04088", "url: arxiv.org/abs/2401.04088"),
    "name_is_number": sub(L2, L2_7B, "    name: 7\n"),
    "name_empty": sub(L2, L2_7B, "    name: ''\n"),
    "name_null": sub(L2, L2_7B, "    name:\n"),
    "variant_null": sub(G4, "  gpt-4:\n    name: GPT-4\n", "  gpt-4:\n  gpt-4-null:\n    name: GPT-4\n"),
    "variant_is_list": sub(G4, "  gpt-4:\n    name: GPT-4\n", "  gpt-4-list: [a, b]\n  gpt-4:\n    name: GPT-4\n"),
    "fact_is_scalar": sub(MX, MX_KIND, "    kind: base\n"),
    "fact_is_null": sub(MX, MX_KIND, "    kind: null\n"),
    "fact_value_null": sub(MX, MX_KIND, "    kind: {value: null, source: paper}\n"),
    "scores_not_a_list": sub(G4, "    scores:\n      - {benchmark: mmlu, value: 86.4,", "    scores:\n      bad: {benchmark: mmlu, value: 86.4,"),
    "scores_null": sub(G4, "    scores:\n      - {benchmark: mmlu, value: 86.4, setting: 5-shot, source: report, self_reported: true, version: \"Table 2\"}\n", "    scores:\n"),
    "score_is_scalar": sub(G4, "      - {benchmark: mmlu, value: 86.4, setting: 5-shot, source: report, self_reported: true, version: \"Table 2\"}", "      - mmlu"),
    "score_missing_self_reported": sub(L2, SCORE, SCORE.replace(" self_reported: true,", "")),
    "context_as_text": sub(MX, "context_length: {value: 32768,", "context_length: {value: \"32768\","),
    "context_as_float": sub(MX, "context_length: {value: 32768,", "context_length: {value: 32768.0,"),
    "context_fraction": sub(MX, "context_length: {value: 32768,", "context_length: {value: 32768.5,"),
    "context_bool": sub(MX, "context_length: {value: 32768,", "context_length: {value: true,"),
    "modalities_bad": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: [text, smell], source: paper}"),
    "modalities_empty": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: [], source: paper}"),
    "modalities_scalar": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: text, source: paper}"),
    "status_bad": sub(MX, MX_KIND, "    kind: {value: base, source: paper, status: guessed}\n"),
    "status_ok": sub(MX, MX_KIND, "    kind: {value: base, source: paper, status: rumored}\n"),
    "defaults_null": sub(MX, "defaults:\n", "defaults:\ndefaultz:\n"),
    "defaults_list": sub(G4, "defaults:\n  weights: {value: closed, source: report}\n", "defaults: [x]\nfoo:\n  weights: {value: closed, source: report}\n"),
    "new_family_ok": write("models/odd.yaml", NEW_FAMILY),
    "new_family_upper_stem": write("models/Odd.yaml", NEW_FAMILY),
    "new_family_unicode_stem": write("models/ödd.yaml", NEW_FAMILY),
    "hidden_file": write("models/.odd.yaml", NEW_FAMILY),
    "yml_ignored": write("models/odd.yml", "not: [valid"),
    "no_org_files": lambda data: [p.unlink() for p in (data / "organizations").glob("*.yaml")],
    "org_file_removed": lambda data: (data / "organizations/meta.yaml").unlink(),
    # ------------------------------------------------------------ YAML: scalars PyYAML reads its own (1.1) way
    "yes_no_self_reported": sub(L2, "self_reported: true,", "self_reported: yes,"),
    "on_off_osi": sub(MIT, "osi_approved: true", "osi_approved: on"),
    "yes_commercial_plain": sub(MIT, 'commercial_use: "yes"', "commercial_use: yes"),
    "true_commercial": sub(MIT, 'commercial_use: "yes"', "commercial_use: true"),
    "tilde_null_fact": sub(MX, MX_KIND, "    kind: ~\n"),
    "octal_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 010,"),
    "hex_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 0x8000,"),
    "underscore_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 32_768,"),
    "sexagesimal_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 9:06:08,"),
    "exp_params": sub(MX, "params_active_b: {value: 12.9,", "params_active_b: {value: 1.29e+1,"),
    "exp_no_dot_params": sub(MX, "params_active_b: {value: 12.9,", "params_active_b: {value: 129e-1,"),
    "inf_params": sub(MX, "params_total_b: {value: 46.7, source: announcement-8x7b}",
                      "params_total_b: {value: .inf, source: announcement-8x7b}"),
    "nan_params": sub(MX, "params_active_b: {value: 12.9,", "params_active_b: {value: .nan,"),
    "nan_score_percent": sub(L2, SCORE, SCORE.replace("45.3", ".nan")),
    "nan_score_rating": sub(L2, SCORE, SCORE.replace("mmlu, value: 45.3", "codeforces_rating, value: .NaN")),
    "inf_score_rating": sub(L2, SCORE, SCORE.replace("mmlu, value: 45.3", "codeforces_rating, value: .inf")),
    "huge_int_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 99999999999999999999999,"),
    "int64_max_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 9223372036854775807,"),
    "beyond_float_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 9007199254740993,"),
    "float_exact_context": sub(MX, "context_length: {value: 32768,", "context_length: {value: 9007199254740992,"),
    "huge_float_params": sub(MX, "params_active_b: {value: 12.9,", "params_active_b: {value: 1.0e+400,"),
    "tiny_float_params": sub(MX, "params_active_b: {value: 12.9,", "params_active_b: {value: 1.0e-400,"),
    "very_long_int": sub(MX, "context_length: {value: 32768,", "context_length: {value: " + "9" * 5000 + ","),
    "date_unquoted": sub(L2, '{value: "2023-07-18"', "{value: 2023-07-18"),
    "date_year_int": sub(L2, '{value: "2023-07-18"', "{value: 2023"),
    "date_one_digit_month": sub(L2, '{value: "2023-07-18"', "{value: 2023-7-18"),
    "date_with_time": sub(L2, '{value: "2023-07-18"', "{value: 2023-07-18T10:00:00Z"),
    "date_spaced_time": sub(L2, '{value: "2023-07-18"', '{value: "2023-07-18 10:00"'),
    "date_slashes": sub(L2, '{value: "2023-07-18"', "{value: 2023/07/18"),
    "date_month_13": sub(L2, '{value: "2023-07-18"', '{value: "2023-13"'),
    "date_float": sub(L2, '{value: "2023-07-18"', "{value: 2023.07"),
    "date_unicode_digits": sub(L2, '{value: "2023-07-18"', '{value: "٢٠٢٣-07-18"'),
    "date_trailing_newline": sub(L2, '{value: "2023-07-18"', '{value: "2023-07-18\\n"'),
    "explicit_str_tag": sub(L2, L2_7B, "    name: !!str Llama 2 7B\n"),
    "explicit_int_tag_bad": sub(MX, "context_length: {value: 32768,", "context_length: {value: !!int x,"),
    "explicit_int_tag_empty": sub(MX, "context_length: {value: 32768,", "context_length: {value: !!int ,"),
    "explicit_float_tag": sub(MX, "context_length: {value: 32768,", "context_length: {value: !!float 32768,"),
    "binary_name": sub(L2, L2_7B, "    name: !!binary TGxhbWE=\n"),
    "python_object_tag_map": sub(MX, MX_KIND, "    kind: !!python/object:os.system {value: base, source: paper}\n"),
    "python_name_tag": sub(L2, L2_7B, "    name: !!python/name:os.system\n"),
    "custom_tag_map": sub(MX, MX_KIND, "    kind: !fact {value: base, source: paper}\n"),
    "custom_tag_scalar": sub(L2, L2_7B, "    name: !x Llama\n"),
    "set_tag_modalities": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: !!set {text}, source: paper}"),
    "empty_set_modalities": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: !!set {}, source: paper}"),
    "omap_tag": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: !!omap [], source: paper}"),
    "anchor_alias": sub(MX, "  modalities_in: {value: [text], source: paper}\n  modalities_out: {value: [text], source: paper}",
                        "  modalities_in: &m {value: [text], source: paper}\n  modalities_out: *m"),
    "alias_undefined": sub(MX, "  modalities_out: {value: [text], source: paper}", "  modalities_out: *nope"),
    "alias_recursive": sub(MX, "  modalities_out: {value: [text], source: paper}", "  modalities_out: &r {value: [*r], source: paper}"),
    "alias_bomb": sub(MX, "defaults:\n", "x0: &a0 [q, q, q, q, q, q, q, q, q, q]\n" + "".join(
        f"x{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
        for i in range(1, 8)) + "defaults:\n"),
    "merge_key": sub(MX, "  modalities_in: {value: [text], source: paper}\n  modalities_out: {value: [text], source: paper}",
                     "  modalities_in: &m {value: [text], source: paper}\n  modalities_out: {<<: *m}"),
    "duplicate_top_key": sub(L2, "family: Llama 2\n", "family: Llama 2\nfamily: Llama Two\n"),
    "duplicate_variant": sub(G4, "  gpt-4o:\n", "  gpt-4:\n    name: again\n  gpt-4o:\n"),
    "duplicate_field": sub(L2, L2_7B, L2_7B + "    name: Llama 2 7B again\n"),
    "duplicate_in_flow": sub(MX, MX_KIND, "    kind: {value: base, source: paper, value: instruct}\n"),
    "duplicate_int_keys": sub(G4, "  gpt-4o:\n", "  7:\n    name: a\n  '7':\n    name: b\n  gpt-4o:\n"),
    "int_variant_key": sub(G4, "  gpt-4o:\n", "  7:\n    name: Seven\n  gpt-4o:\n"),
    "float_variant_key": sub(G4, "  gpt-4o:\n", "  1.50:\n    name: One and a half\n  gpt-4o:\n"),
    "bool_variant_key": sub(G4, "  gpt-4o:\n", "  yes:\n    name: Yes\n  gpt-4o:\n"),
    "null_variant_key": sub(G4, "  gpt-4o:\n", "  ~:\n    name: Nothing\n  gpt-4o:\n"),
    "date_variant_key": sub(G4, "  gpt-4o:\n", "  2024-05-13:\n    name: Dated\n  gpt-4o:\n"),
    "list_key": sub(G4, "  gpt-4o:\n", "  ? [a, b]\n  : {name: x}\n  gpt-4o:\n"),
    "quoted_keys": sub(L2, L2_7B, '    "name": Llama 2 7B\n'),
    "key_with_colon": sub(L2, L2_7B, L2_7B + '    "a:b": 1\n'),
    "key_with_space": sub(L2, L2_7B, L2_7B + "    size label: 7B\n"),
    "comment_after_value": sub(L2, L2_7B, "    name: Llama 2 7B # the small one\n"),
    "hash_in_value": sub(L2, L2_7B, "    name: Llama#2 7B\n"),
    "plain_multiline": sub(L2, L2_7B, "    name: Llama 2\n      7B\n"),
    "double_quoted_escapes": sub(L2, L2_7B, '    name: "Llama\\t2 \\u00e9\\x41 \\"7B\\" \\\\ \\/ \\N"\n'),
    "double_quoted_bad_escape": sub(L2, L2_7B, '    name: "Llama \\q"\n'),
    "double_quoted_multiline": sub(L2, L2_7B, '    name: "Llama 2\n      7B"\n'),
    "single_quoted": sub(L2, L2_7B, "    name: 'Llama ''2'' 7B'\n"),
    "folded_name": sub(L2, L2_7B, "    name: >-\n      Llama 2\n      7B\n"),
    "literal_name": sub(L2, L2_7B, "    name: |\n      Llama 2\n      7B\n"),
    "literal_keep": sub(L2, L2_7B, "    name: |+\n      Llama 2 7B\n\n"),
    "block_indent_indicator": sub(L2, L2_7B, "    name: >2\n        Llama 2 7B\n"),
    "flow_multiline": sub(MX, MX_KIND, "    kind: {value: base,\n      source: paper}\n"),
    "flow_trailing_comma": sub(MX, MX_KIND, "    kind: {value: base, source: paper,}\n"),
    "flow_json_style": sub(MX, MX_KIND, '    kind: {"value":"base","source":"paper"}\n'),
    "flow_seq_of_pairs": sub(MX, "modalities_in: {value: [text], source: paper}", "modalities_in: {value: [text: x], source: paper}"),
    "url_in_flow": sub(MX, MX_KIND, "    kind: {value: base, source: paper, note: http://x.org/a#b}\n"),
    "question_mark_value": sub(L2, L2_7B, "    name: ?\n"),
    "unicode_name": sub(L2, L2_7B, "    name: Llama 2 7B — ünïcödé 中文 😀\n"),
    "nbsp_name": sub(L2, L2_7B, "    name: Llama\u00a02 7B\n"),
    "rtl_name": sub(L2, L2_7B, "    name: \u05dc\u05de\u05d4 \u202e7B\n"),
    "zero_width_name": sub(L2, L2_7B, "    name: Llama\u200b 7B\n"),
    "control_char": sub(L2, L2_7B, "    name: Llama\x07 7B\n"),
    "nel_line_break": sub(L2, L2_7B, "    name: Llama\x852 7B\n"),
    "line_separator": sub(L2, L2_7B, "    name: Llama\u20282 7B\n"),
    "bom": transform(L2, lambda b: b"\xef\xbb\xbf" + b),
    "bom_in_middle": sub(L2, L2_7B, "    name: Llama\ufeff 7B\n"),
    "crlf": transform(L2, lambda b: b.replace(b"\n", b"\r\n")),
    "cr_only": transform(L2, lambda b: b.replace(b"\n", b"\r")),
    "crlf_one_line": sub(L2, L2_7B, "    name: Llama 2 7B\r\n"),
    "tab_indent": sub(L2, L2_7B, "\tname: Llama 2 7B\n"),
    "tab_after_colon": sub(L2, L2_7B, "    name:\tLlama 2 7B\n"),
    "tab_in_value": sub(L2, L2_7B, "    name: Llama\t2 7B\n"),
    "tab_at_line_end": sub(L2, L2_7B, "    name: Llama 2 7B\t\n"),
    "trailing_spaces": sub(L2, L2_7B, "    name: Llama 2 7B   \n"),
    "odd_indent": sub(L2, L2_7B, "     name: Llama 2 7B\n"),
    "less_indent": sub(L2, L2_7B, "   name: Llama 2 7B\n"),
    "long_line": sub(L2, L2_7B, "    name: Llama 2 7B " + "x" * 200_000 + "\n"),
    "long_flow_key": sub(MX, MX_KIND, "    kind: {value: base, source: paper, " + "k" * 1100 + ": 1}\n"),
    "deep_nesting": sub(L2, L2_7B, "    name: " + "[" * 600 + "]" * 600 + "\n"),
    "deep_block_nesting": sub(L2, L2_7B, L2_7B + "".join(" " * (4 + i) + "n:\n" for i in range(300)) + " " * 304 + "n: 1\n"),
    "document_start": transform(L2, lambda b: b"---\n" + b),
    "document_end": transform(L2, lambda b: b + b"...\n"),
    "two_documents": transform(L2, lambda b: b + b"---\nfamily: again\n"),
    "yaml_directive": transform(L2, lambda b: b"%YAML 1.1\n---\n" + b),
    "broken_yaml": sub(L2, L2_7B, "    name: [Llama 2 7B\n"),
    "broken_quote": sub(L2, L2_7B, "    name: \"Llama 2 7B\n"),
    "stray_colon": sub(L2, L2_7B, "    name: Llama: 2 7B\n"),
    "empty_file": write("models/odd.yaml", ""),
    "comment_only_file": write("models/odd.yaml", "# nothing here\n"),
    "null_document": write("models/odd.yaml", "null\n"),
    "list_document": write("models/odd.yaml", "- a\n- b\n"),
    "scalar_document": write("models/odd.yaml", "hello\n"),
    "empty_license_file": write(MIT, ""),
    "latin1_file": transform(L2, lambda b: b.replace("—".encode(), "\xe9".encode("latin-1")) if "—".encode() in b
                             else b.replace(b"Llama 2 7B", b"Llama \xe9 7B")),
    "nul_byte": sub(L2, L2_7B, "    name: Llama\x002 7B\n"),
    "directory_named_yaml": mkdir("models/odd.yaml"),
    "broken_symlink": symlink("models/odd.yaml", "/nonexistent/odd.yaml"),
}


FAMILIES = ("llama-2", "mixtral", "gpt-4")  # dense and MoE, open and closed, scores; no base model outside them


def _copy(tmp_path: Path) -> Path:
    """The bundled organizations, licenses and benchmarks, and three of its families (a valid catalog, small enough
    to load a few hundred times)."""
    data = tmp_path / "data"
    for folder in ("organizations", "licenses", "benchmarks"):
        shutil.copytree(DATA / folder, data / folder)
    (data / "models").mkdir()
    for family in FAMILIES:
        shutil.copy2(DATA / "models" / f"{family}.yaml", data / "models")
    return data


def outcome(data_dir: Path):
    """What build_frames gives, in comparable form: ("tables", frames...) or ("errors", [...]) or ("crash", ...)."""
    try:
        frames = cache.build_frames(data_dir)
    except CatalogInvalid as e:
        return ("errors", e.errors)
    except Exception as e:  # noqa: BLE001 - a crash is an outcome to compare (and to report)
        return ("crash", type(e).__name__)
    return ("tables", frames)


def same(a, b) -> None:
    assert a[0] == b[0], (a[0], b[0], a[1] if a[0] != "tables" else "", b[1] if b[0] != "tables" else "")
    if a[0] != "tables":
        assert a[1] == b[1]
        return
    for t in cache.TABLES:
        x, y = getattr(a[1], t), getattr(b[1], t)
        pd.testing.assert_frame_equal(x, y, check_exact=True)
        assert list(x.dtypes) == list(y.dtypes), t
    assert (a[1].version, a[1].summary) == (b[1].version, b[1].summary)


def test_the_base_catalog_takes_the_bulk_path(tmp_path):
    assert bulk.build_tables(_copy(tmp_path)) is not None  # (else every case below would compare the careful path)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_paths_give_what_the_careful_path_gives(case, tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_lines, "MAX_VALUES", 50_000)  # (the alias bomb: the same error, sooner)
    data = _copy(tmp_path)
    try:
        CASES[case](data)
    except OSError as e:  # (a symlink where the file system has none)
        pytest.skip(str(e))
    fast = outcome(data)  # the bulk tables, else the loader (its own fast path, else the careful one)
    with monkeypatch.context() as m:
        m.setenv("ATLAS_FAST_LOAD", "0")
        careful = outcome(data)
    same(fast, careful)
    assert fast[0] != "crash", f"{case}: a broken file must give a message, not a {fast[1]}"
    catalog, errors = loader.check_catalog(data)  # (for a valid catalog: the loader's fast path)
    assert (catalog is None) == (fast[0] == "errors")
    if fast[0] == "errors":
        assert CatalogInvalid(errors).errors == fast[1]
        for e in fast[1]:
            assert e.file.startswith("data/") and e.message


def test_every_case_leaves_the_bundled_data_alone():
    assert not (DATA / "models" / "odd.yaml").exists() and os.environ.get("ATLAS_FAST_LOAD", "1") != "0"
