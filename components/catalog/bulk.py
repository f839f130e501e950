"""Straight from YAML to the catalog's tables, for a catalog without errors (the usual case), fast at 100k models.

    tables = build_tables(data_dir)   # CatalogFrames, or None: then load_catalog + to_frame (the careful way) run

`cache.build_frames` tries this first. It gives exactly what `to_frame(load_catalog(...))` and friends give, without
building a ModelRecord and a merged Variant per model and without running each rule over 100k objects:

- every file is read once (its bytes also feed the data version) and parsed by the subset reader (yaml_subset.py),
  or by the fast PyYAML loader where that one is not sure;
- organizations, licenses, benchmarks and each family's header are validated by pydantic, as always; facts and
  scores by pydantic too, each distinct one once (loader._Validator);
- a variant's own fields (name, size_label, notes, hf_repo, which keys it has) are checked by
  `families.Variants.fields`, which only says yes where pydantic would say yes and give the same values; for anything else pydantic decides;
- each model becomes one row (rows.ModelRows / ScoreRows: the same code as to_frame and scores_frame);
- the rules are checked on those rows (`_rules_pass` and a few checks while writing them), each check a condition
  that holds exactly when the rule in rules.py reports nothing; the license rules run as they are;
- the family files are done by families.py; on a big catalog a worker process does about half of them (parallel.py).

Any doubt — a file the YAML loaders refuse, a validation error, a rule that may fail, a rule without a check here —
and the answer is None: the careful path then runs and reports every error with its file, line, model and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from . import parallel
from .families import Part, Work, models_part
from .frame import (
    SCORE_COLUMNS,
    CatalogFrames,
    _finish,
    _frame,
    _scores_table,
    licenses_frame,
    text_column,
    text_piece,
)
from .loader import Catalog, _read_folder, fast_parser, summary_text
from .rows import ScoreRows
from .rules import EARLIEST_YEAR, RULES, _parse_date
from .schema import Benchmark, License, Organization

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
def build_tables(data_dir: Path) -> CatalogFrames | None:
    """The catalog's tables when every file parses, validates and passes every rule; None otherwise, and also on
    anything unexpected (the careful path then decides, and words every error)."""
    if os.environ.get("ATLAS_FAST_LOAD", "1") == "0" or not _CHECKED >= RULES.keys():
        return None
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return None
    try:
        return _build(data_dir)
    except Exception:  # noqa: BLE001 - only a speed-up: never an error of its own
        return None


def _with_text(part: Part) -> Part:
    """The part with its text columns converted to Arrow (in this process only: no pyarrow in the worker)."""
    part.text = {name: text_piece(values) for name, values in part.cols.items()}
    part.score_text = {name: text_piece(values) for name, values in part.score_cols.items()}
    return part


def _columns(parts: list[Part], text: str, cols: dict[str, list]) -> dict[str, Any]:
    """The frame's columns: Arrow text put together from the parts' pieces where the whole column is text, else
    the values (`cols`: the parts' columns put together)."""
    out = {}
    for name, values in cols.items():
        column = text_column([getattr(p, text)[name] for p in parts])
        out[name] = values if column is None else column
    return out


def _concat(lists) -> list:
    out: list = []
    for part in lists:
        out += part
    return out


def _build(data_dir: Path) -> CatalogFrames | None:
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
    parse = fast_parser()
    small: dict[str, dict[str, Any]] = {}
    for folder, schema in (("organizations", Organization), ("licenses", License), ("benchmarks", Benchmark)):
        small[folder] = {name[:-5]: schema.model_validate(parse(data.decode("utf-8"))) for name, data in files[folder]}
    organizations, licenses, benchmarks = small["organizations"], small["licenses"], small["benchmarks"]
    catalog = Catalog(organizations=organizations, licenses=licenses, benchmarks=benchmarks, families={},
                      models={}, data_dir=data_dir, version=version)
    if any(e for rule_id in _RUN_AS_IS for e in RULES[rule_id](catalog)):
        return None

    # (this process also turns its parts' text into Arrow as it goes; the worker's after they arrive)
    parts = parallel.map_chunks(models_part, files.pop("models"), organizations, licenses, Work(), after=_with_text)
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
              else _scores_table(ScoreRows()))
    return CatalogFrames(models=models, scores=scores, licenses=licenses_frame(catalog), benchmarks=bench,
                         version=version, summary=summary)
