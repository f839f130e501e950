"""Straight from YAML to the catalog's tables, for a catalog without errors (the usual case), fast at 100k models.

    tables = build_tables(data_dir)   # BulkTables, or None: then load_catalog + to_frame (the careful way) run

`cache.build_frames` tries this first. It gives exactly what `to_frame(load_catalog(...))` and friends give, without
building a ModelRecord and a merged Variant per model and without running each rule over 100k objects:

- every file is read once (its bytes also feed the data version) and parsed by the subset reader (yaml_subset.py),
  or by the fast PyYAML loader where that one is not sure;
- organizations, licenses, benchmarks and each family's header are validated by pydantic, as always; facts and
  scores by pydantic too, each distinct one once (loader._Validator);
- a variant's own fields (name, size_label, notes, hf_repo, which keys it has) are checked by `_Variants.fields`,
  which only says yes where pydantic would say yes and give the same values; for anything else pydantic decides;
- each model becomes one row (frame.ModelRows / ScoreRows: the same code as to_frame and scores_frame);
- the rules are checked on those rows (`_rules_pass` and a few checks while writing them), each check a condition
  that holds exactly when the rule in rules.py reports nothing; the license rules run as they are;
- on a big catalog, a forked second process does about half of the family files (parallel.py).

Any doubt — a file the YAML loaders refuse, a validation error, a rule that may fail, a rule without a check here —
and the answer is None: the careful path then runs and reports every error with its file, line, model and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from . import parallel
from .frame import (
    SCORE_COLUMNS,
    ModelRows,
    ScoreRows,
    _finish,
    _frame,
    licenses_frame,
    text_column,
    text_piece,
)
from .loader import (
    _VARIANT_FACTS,
    Catalog,
    _family_defaults,
    _parser,
    _read_folder,
    _Validator,
    summary_text,
)
from .rules import EARLIEST_YEAR, RULES, _parse_date
from .schema import (
    HF_REPO,
    PLACEHOLDERS,
    Benchmark,
    License,
    Organization,
    Score,
    Variant,
)
from .yaml_lines import FastPathMiss


@dataclass(frozen=True)
class BulkTables:
    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    summary: str


# ---------------------------------------------------------------- a variant's own fields
def _text(x: Any) -> bool:  # Text: a str of at least one character
    return type(x) is str and len(x) >= 1


def _opt_plain_text(x: Any) -> bool:  # Text | None with the _no_placeholder validator
    return x is None or (type(x) is str and len(x) >= 1 and x.strip().lower() not in PLACEHOLDERS)


_HF_REPO = re.compile(HF_REPO.pattern)


def _opt_hf_repo(x: Any) -> bool:  # Annotated[str, Field(pattern=HF_REPO)] | None (pydantic: the whole string)
    return x is None or (type(x) is str and _HF_REPO.fullmatch(x) is not None)


_SCALAR_CHECKS = {"name": _text, "size_label": _opt_plain_text, "notes": _opt_plain_text, "hf_repo": _opt_hf_repo}
_FIELDS = Variant.model_fields
_REQUIRED = frozenset(name for name, f in _FIELDS.items() if f.is_required())
# The check knows every Variant field; a field added to the schema switches it off (pydantic then does it all).
_VARIANT_CHECK = set(_FIELDS) == set(_VARIANT_FACTS) | set(_SCALAR_CHECKS) | {"scores"} and _REQUIRED == {"name"}
_TEMPLATE = {name: None for name in _FIELDS}  # every field, in the schema's order; scores get a new list each


class _Variants(_Validator):
    def fields(self, raw: Any, base: dict) -> dict:
        """Every Variant field as Variant.model_validate(raw) sets it (its __dict__), the family's default facts
        applied (as loader._merge_defaults); raises ValidationError. `base`: _TEMPLATE updated with those defaults.

        Facts and scores: validated by pydantic, each distinct object once. The variant's own keys and its name,
        size_label, notes and hf_repo: checked here where the check is sure (a str, not empty, not a placeholder,
        the repo pattern over the whole string; no unknown key, a name), else pydantic decides."""
        if type(raw) is not dict:
            return _merged(Variant.model_validate(raw).__dict__, base)
        d = dict(base)
        sure = _VARIANT_CHECK and "name" in raw
        memos, score_memo, score, checks = self._variant, self._scores, self._score, _SCALAR_CHECKS
        for name, value in raw.items():
            m = memos.get(name)
            if m is not None:
                if type(value) is dict:
                    inst = m[1].get(id(value))
                    if inst is None:
                        inst = m[1][id(value)] = m[0].model_validate(value)
                        self._keep.append(value)
                    d[name] = inst
                elif value is not None:
                    sure = False
                # (None: the family's default, if any, stays)
            elif name == "scores":
                if type(value) is list:  # (a Score instance is always true)
                    value = [score_memo.get(id(x)) or score(x) for x in value]
                    if sure:
                        for x in value:
                            if type(x) is not Score:
                                sure = False
                                break
                else:
                    sure = False
                d[name] = value
            else:
                check = checks.get(name)
                if check is None or not check(value):
                    sure = False
                d[name] = value
        if sure:
            if "scores" not in raw:
                d["scores"] = []
            return d
        return _merged(Variant.model_validate(self.variant_input(raw)).__dict__, base)


def _merged(own: dict, base: dict) -> dict:
    """A variant's fields with the defaults in `base` where it has none (= loader._merge_defaults)."""
    d = dict(own)
    for name, value in base.items():
        if value is not None and d[name] is None:
            d[name] = value
    return d


# ---------------------------------------------------------------- the rules, on the finished tables
# Rules checked while the rows are written (the organization of each family, the source of every score, repeated
# scores) or afterwards on the columns; the license rules run as they are, on a catalog without models.
_RUN_AS_IS = ("license_tier_consistent", "obligation_has_clause")
_CHECKED = frozenset(_RUN_AS_IS) | {
    "organization_resolves", "source_resolves", "license_resolves", "benchmark_resolves", "base_model_resolves", "required_facts",
    "moe_experts", "moe_active_below_total", "dense_has_no_experts", "open_weights_need_license",
    "closed_weights_no_download", "release_date_real", "score_in_range", "score_not_repeated",
}


def _dates_real(values: list) -> bool:
    """release_date_real: every release date is a calendar date from EARLIEST_YEAR to today."""
    today = dt.date.today()
    first = dt.date(EARLIEST_YEAR, 1, 1)
    for value in set(values):
        if value is None:
            continue
        d = _parse_date(value)
        if d is None or not first <= d <= today:
            return False
    return True


def _rules_pass(cols: dict[str, list], score_cols: dict[str, list], licenses: dict, benchmarks: dict) -> bool:
    """True exactly when the model and score rules of rules.py report nothing, source_resolves aside (counted as the
    rows are written). `cols` / `score_cols`: the rows written by ModelRows / ScoreRows (fact values as the rules see
    them; modalities joined, never None)."""
    ids = cols["id"]
    lic, weights, arch, base = cols["license"], cols["weights"], cols["architecture"], cols["base_model"]
    # license_resolves
    if any(x is not None and x not in licenses for x in lic):
        return False
    # base_model_resolves: not the model itself, and an id in the catalog
    known = set(ids)
    if any(b is not None and (b == i or b not in known) for b, i in zip(base, ids)):
        return False
    # required_facts
    if None in cols["kind"] or None in cols["release_date"] or None in weights:
        return False
    et, ea, es = cols["experts_total"], cols["experts_active"], cols["experts_shared"]
    pt, pa = cols["params_total_b"], cols["params_active_b"]
    for i, a in enumerate(arch):
        if a == "moe":
            # moe_experts: both counts, and total >= active >= 1
            if et[i] is None or ea[i] is None or not et[i] >= ea[i] >= 1:
                return False
            # moe_active_below_total
            if pt[i] is not None and pa[i] is not None and not pa[i] < pt[i]:
                return False
        elif a == "dense":
            # dense_has_no_experts: no expert counts; active = total when both are given
            if et[i] is not None or ea[i] is not None or es[i] is not None:
                return False
            if pa[i] is not None and pt[i] is not None and pa[i] != pt[i]:
                return False
    # open_weights_need_license / closed_weights_no_download
    if any(w in ("open", "gated_open") and x is None for w, x in zip(weights, lic)):
        return False
    if any(w in ("closed", "unreleased") and r is not None for w, r in zip(weights, cols["hf_repo"])):
        return False
    # benchmark_resolves / score_in_range: a percentage within 0..100, any other score not negative
    percent = {k for k, b in benchmarks.items() if b.unit == "%"}
    for b, v in zip(score_cols["benchmark"], score_cols["value"]):
        if b not in benchmarks or (not 0 <= v <= 100 if b in percent else v < 0):
            return False
    return True


# ---------------------------------------------------------------- the build
def build_tables(data_dir: Path) -> BulkTables | None:
    """The catalog's tables when every file parses, validates and passes every rule; None otherwise."""
    if os.environ.get("ATLAS_FAST_LOAD", "1") == "0" or not _CHECKED >= RULES.keys():
        return None
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return None
    try:
        return _build(data_dir)
    except (OSError, UnicodeDecodeError, FastPathMiss, ValidationError):
        return None


def _parse_fn():
    mode = os.environ.get("ATLAS_YAML_PARSER", "")
    return _parser(allow_rs=mode != "pyyaml", use_subset=mode != "pyyaml")


@dataclass
class _Part:
    """Some family files, validated and written as table columns (in file order)."""

    cols: dict[str, list]
    score_cols: dict[str, list]
    n_families: int
    organizations_used: set[str]
    n_scores: int
    text: dict[str, tuple] | None = None  # column -> frame.text_piece(values) (set in the parent process)
    score_text: dict[str, tuple] | None = None


def _with_text(part: _Part) -> _Part:
    """The part with its text columns converted to Arrow (in the parent process only: no pyarrow in the child)."""
    part.text = {name: text_piece(values) for name, values in part.cols.items()}
    part.score_text = {name: text_piece(values) for name, values in part.score_cols.items()}
    return part


def _columns(parts: list[_Part], text: str, cols: dict[str, list]) -> dict[str, Any]:
    """The frame's columns: Arrow text put together from the parts' pieces where the whole column is text, else
    the values (`cols`: the parts' columns put together)."""
    out = {}
    for name, values in cols.items():
        column = text_column([getattr(p, text)[name] for p in parts])
        out[name] = values if column is None else column
    return out


class _Work:
    """The parser and validator one process uses for all its parts (their memos are what make them fast)."""

    def __init__(self) -> None:
        self._tools: tuple | None = None

    def tools(self) -> tuple:
        if self._tools is None:  # (created where first used: in a forked child, its own)
            self._tools = (_parse_fn(), _Variants())
        return self._tools


def _models_part(files: list[tuple[str, bytes]], organizations: dict, licenses: dict,
                 work: _Work | None = None) -> _Part | None:
    """Parse, validate and write the rows of these family files; None when one breaks a rule checked here or has
    anything the careful path should look at. (Runs in a forked child for part of a big catalog.)"""
    try:
        return _models_rows(files, organizations, licenses, work or _Work())
    except (OSError, UnicodeDecodeError, FastPathMiss, ValidationError):
        return None


def _models_rows(files: list[tuple[str, bytes]], organizations: dict, licenses: dict, work: _Work) -> _Part | None:
    parse, variants = work.tools()
    rows, score_rows = ModelRows(organizations, licenses), ScoreRows()
    add_row, add_scores, fields = rows.add, score_rows.add, variants.fields
    used_orgs: set[str] = set()
    n_scores = 0
    for name, data in files:
        stem = name[:-5]
        head, raw_variants = variants.header(parse(data.decode("utf-8")))
        family, organization, sources = head.family, head.organization, head.sources
        if organization not in organizations:  # organization_resolves
            return None
        used_orgs.add(organization)
        base = dict(_TEMPLATE)
        base.update(_family_defaults(head))
        rel = f"data/models/{stem}.yaml"  # = loader._rel(...)
        for key, raw in raw_variants.items():
            d = fields(raw, base)
            mid = f"{stem}/{key}"
            add_row(mid, family, stem, organization, d, sources, rel)
            scores = d["scores"]
            if scores:
                for s in scores:  # source_resolves (scores)
                    if s.source not in sources:
                        return None
                # score_not_repeated: no two scores with the same benchmark, setting, source and version
                if len(scores) > 1 and len({(s.benchmark, s.setting, s.source, s.version) for s in scores}) < len(scores):
                    return None
                add_scores(mid, scores, sources)
                n_scores += len(scores)
    if rows.unresolved_sources:  # source_resolves (facts)
        return None
    return _Part(rows.cols, score_rows.cols, len(files), used_orgs, n_scores)


def _concat(lists) -> list:
    out: list = []
    for part in lists:
        out += part
    return out


def _build(data_dir: Path) -> BulkTables | None:
    h = hashlib.sha256()  # = loader._data_version: name and bytes of every file, in path order (folders sorted)
    files: dict[str, list[tuple[str, bytes]]] = {}
    for folder in ("benchmarks", "licenses", "models", "organizations"):
        files[folder] = _read_folder(data_dir / folder) if (data_dir / folder).is_dir() else []
        if not files[folder]:
            return None
        for name, data in files[folder]:
            h.update(name.encode())
            h.update(data)
    version = h.hexdigest()[:10]
    parse = _parse_fn()
    small: dict[str, dict[str, Any]] = {}
    for folder, schema in (("organizations", Organization), ("licenses", License), ("benchmarks", Benchmark)):
        small[folder] = {name[:-5]: schema.model_validate(parse(data.decode("utf-8"))) for name, data in files[folder]}
    organizations, licenses, benchmarks = small["organizations"], small["licenses"], small["benchmarks"]
    catalog = Catalog(organizations=organizations, licenses=licenses, benchmarks=benchmarks, families={},
                      models={}, data_dir=data_dir, version=version)
    if any(e for rule_id in _RUN_AS_IS for e in RULES[rule_id](catalog)):
        return None

    # (this process also turns its parts' text into Arrow as it goes; the child's after they arrive)
    parts = parallel.map_chunks(_models_part, files.pop("models"), organizations, licenses, _Work(), after=_with_text)
    if None in parts:
        return None
    cols = {name: _concat(p.cols[name] for p in parts) for name in parts[0].cols}
    score_cols = {name: _concat(p.score_cols[name] for p in parts) for name in parts[0].score_cols}
    if not _rules_pass(cols, score_cols, licenses, benchmarks) or not _dates_real(cols["release_date"]):
        return None
    models = _finish(_frame(_columns(parts, "text", cols)))  # (sorted there: release date, then id)
    bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in benchmarks.items()])
    summary = summary_text(
        n_models=len(cols["id"]), n_families=sum(p.n_families for p in parts),
        n_organizations_used=len(set().union(*(p.organizations_used for p in parts))),
        n_organizations=len(organizations), n_licenses=len(licenses), n_benchmarks=len(benchmarks),
        n_scores=sum(p.n_scores for p in parts), version=version)
    scores = (_frame(_columns(parts, "score_text", score_cols), columns=SCORE_COLUMNS) if score_cols["model_id"]
              else ScoreRows().frame())
    return BulkTables(models=models, scores=scores, licenses=licenses_frame(catalog), benchmarks=bench,
                      version=version, summary=summary)
