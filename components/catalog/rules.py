"""Cross-field and cross-file rules. One function per rule, so each can be tested alone.

A rule yields CatalogErrors; `RULES` maps the rule id (used in tests and in the error)
to its function. The schema (schema.py) already guaranteed types, enums and shapes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from .errors import CatalogError
from .loader import Catalog, ModelRecord
from .schema import FACT_FIELDS, OBLIGATIONS

Rule = Callable[[Catalog], Iterator[CatalogError]]
RULES: dict[str, Rule] = {}

EARLIEST_YEAR = 2017  # the Transformer paper; nothing in scope is older


def rule(rule_id: str):
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn
    return register


def _err(m: ModelRecord, field: str | None, message: str, rule_id: str) -> CatalogError:
    line = m.lines.get(field or "", m.lines.get("_variant"))
    return CatalogError(m.file, line, m.id, field, message, rule_id)


def _num(m: ModelRecord, name: str):
    f = m.variant.__dict__[name]
    return None if f is None else f.value


# The rules run on every load (100k models at the upper end): they read the variants' fields straight from their
# __dict__ (= m.fact(name)) and test the common case first; what they yield, and in which order, is unchanged.


@rule("source_resolves")
def source_resolves(cat: Catalog) -> Iterator[CatalogError]:
    for m in cat.models.values():
        d, sources = m.variant.__dict__, m.sources
        for name in FACT_FIELDS:
            f = d[name]
            if f is not None and f.source not in sources:
                yield _err(m, name, f"source '{f.source}' is not listed under this file's `sources`", "source_resolves")
        for i, s in enumerate(d["scores"]):
            if s.source not in sources:
                yield _err(m, f"scores[{i}]", f"source '{s.source}' is not listed under this file's `sources`",
                           "source_resolves")


@rule("organization_resolves")
def organization_resolves(cat: Catalog) -> Iterator[CatalogError]:
    for fid, fam in cat.families.items():
        if fam.organization not in cat.organizations:
            yield CatalogError(f"data/models/{fid}.yaml", None, None, "organization",
                               f"organization '{fam.organization}' has no file data/organizations/{fam.organization}.yaml",
                               "organization_resolves")


@rule("license_resolves")
def license_resolves(cat: Catalog) -> Iterator[CatalogError]:
    licenses = cat.licenses
    for m in cat.models.values():
        f = m.variant.__dict__["license"]
        if f is None or f.value in licenses:
            continue
        lic = f.value
        if lic is not None and lic not in licenses:
            yield _err(m, "license", f"license '{lic}' has no file data/licenses/{lic}.yaml", "license_resolves")


@rule("benchmark_resolves")
def benchmark_resolves(cat: Catalog) -> Iterator[CatalogError]:
    benchmarks = cat.benchmarks
    for m in cat.models.values():
        for i, s in enumerate(m.variant.__dict__["scores"]):
            if s.benchmark not in benchmarks:
                yield _err(m, f"scores[{i}]",
                           f"benchmark '{s.benchmark}' has no file data/benchmarks/{s.benchmark}.yaml",
                           "benchmark_resolves")


@rule("base_model_resolves")
def base_model_resolves(cat: Catalog) -> Iterator[CatalogError]:
    for m in cat.models.values():
        f = m.variant.__dict__["base_model"]
        if f is None or f.value is None:
            continue
        base = f.value
        if base == m.id:
            yield _err(m, "base_model", "a model cannot be its own base model", "base_model_resolves")
        elif base not in cat.models:
            yield _err(m, "base_model", f"base model '{base}' is not a model id in the catalog "
                       "(ids are '<family file>/<variant key>')", "base_model_resolves")


@rule("required_facts")
def required_facts(cat: Catalog) -> Iterator[CatalogError]:
    for m in cat.models.values():
        d = m.variant.__dict__
        if d["kind"] is not None and d["release_date"] is not None and d["weights"] is not None:
            continue
        for name in ("kind", "release_date", "weights"):
            if d[name] is None:
                yield _err(m, name, "required for every model (set it on the variant or in the family's defaults)",
                           "required_facts")


def _with_architecture(cat: Catalog, architecture: str) -> Iterator[ModelRecord]:
    for m in cat.models.values():
        f = m.variant.__dict__["architecture"]
        if f is not None and f.value == architecture:
            yield m


@rule("moe_experts")
def moe_experts(cat: Catalog) -> Iterator[CatalogError]:
    for m in _with_architecture(cat, "moe"):
        total, active = _num(m, "experts_total"), _num(m, "experts_active")
        if total is None or active is None:
            yield _err(m, "experts_total" if total is None else "experts_active",
                       "a MoE model needs both experts_total and experts_active", "moe_experts")
        elif not total >= active >= 1:
            yield _err(m, "experts_active",
                       f"needs experts_total ≥ experts_active ≥ 1 (got {total} total, {active} active)", "moe_experts")


@rule("moe_active_below_total")
def moe_active_below_total(cat: Catalog) -> Iterator[CatalogError]:
    for m in _with_architecture(cat, "moe"):
        total, active = _num(m, "params_total_b"), _num(m, "params_active_b")
        if total is not None and active is not None and not active < total:
            yield _err(m, "params_active_b",
                       f"a MoE model's active parameters must be below its total (got {active}B active, {total}B total)",
                       "moe_active_below_total")


@rule("dense_has_no_experts")
def dense_has_no_experts(cat: Catalog) -> Iterator[CatalogError]:
    for m in _with_architecture(cat, "dense"):
        d = m.variant.__dict__
        for name in ("experts_total", "experts_active", "experts_shared"):
            if d[name] is not None:
                yield _err(m, name, "a dense model has no experts (is the architecture 'moe'?)", "dense_has_no_experts")
        total, active = _num(m, "params_total_b"), _num(m, "params_active_b")
        if active is not None and total is not None and active != total:
            yield _err(m, "params_active_b",
                       f"a dense model uses all its parameters (active {active}B ≠ total {total}B)",
                       "dense_has_no_experts")


@rule("open_weights_need_license")
def open_weights_need_license(cat: Catalog) -> Iterator[CatalogError]:
    for m in cat.models.values():
        d = m.variant.__dict__
        if d["license"] is None and _num(m, "weights") in ("open", "gated_open"):
            yield _err(m, "license", "open weights need a license", "open_weights_need_license")


@rule("closed_weights_no_download")
def closed_weights_no_download(cat: Catalog) -> Iterator[CatalogError]:
    for m in cat.models.values():
        if m.variant.__dict__["hf_repo"] is not None and _num(m, "weights") in ("closed", "unreleased"):
            yield _err(m, "hf_repo", f"weights are '{_num(m, 'weights')}', so there can be no download repo",
                       "closed_weights_no_download")


def _parse_date(value: str) -> dt.date | None:
    parts = [int(p) for p in value.split("-")]
    try:
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None


@rule("release_date_real")
def release_date_real(cat: Catalog) -> Iterator[CatalogError]:
    today = dt.date.today()
    dates: dict[str, dt.date | None] = {}  # (a few thousand distinct dates among 100k models)
    for m in cat.models.values():
        f = m.variant.__dict__["release_date"]
        if f is None:
            continue
        d = dates[f.value] if f.value in dates else dates.setdefault(f.value, _parse_date(f.value))
        if d is None:
            yield _err(m, "release_date", f"{f.value!r} is not a calendar date", "release_date_real")
        elif not (dt.date(EARLIEST_YEAR, 1, 1) <= d <= today):
            yield _err(m, "release_date", f"{f.value!r} is outside {EARLIEST_YEAR}..today", "release_date_real")


@rule("score_in_range")
def score_in_range(cat: Catalog) -> Iterator[CatalogError]:
    percent = {k for k, b in cat.benchmarks.items() if b.unit == "%"}
    for m in cat.models.values():
        for i, s in enumerate(m.variant.__dict__["scores"]):
            if 0 <= s.value <= 100 or (s.value > 100 and s.benchmark not in percent):
                continue  # (fine on any benchmark / on one that is not a percentage)
            b = cat.benchmarks.get(s.benchmark)
            if b is not None and b.unit == "%" and not 0 <= s.value <= 100:
                yield _err(m, f"scores[{i}]", f"{b.name} is a percentage; {s.value} is outside 0..100", "score_in_range")
            elif s.value < 0:
                yield _err(m, f"scores[{i}]", f"a negative score ({s.value}) is impossible here", "score_in_range")


@rule("score_not_repeated")
def score_not_repeated(cat: Catalog) -> Iterator[CatalogError]:
    for m in cat.models.values():
        scores = m.variant.__dict__["scores"]
        if len(scores) < 2:
            continue
        seen: dict[tuple, int] = {}
        for i, s in enumerate(scores):
            key = (s.benchmark, s.setting, s.source, s.version)
            if key in seen:
                yield _err(m, f"scores[{i}]", f"same benchmark, setting and source as scores[{seen[key]}]",
                           "score_not_repeated")
            seen.setdefault(key, i)


@rule("license_tier_consistent")
def license_tier_consistent(cat: Catalog) -> Iterator[CatalogError]:
    expected = {"permissive": {"yes"}, "conditional": {"yes", "conditional"},
                "non_commercial": {"no"}, "research_only": {"no"}, "proprietary": {"yes", "conditional", "no"}}
    for lid, lic in cat.licenses.items():
        if lic.commercial_use not in expected[lic.tier]:
            yield CatalogError(f"data/licenses/{lid}.yaml", None, None, "commercial_use",
                               f"tier '{lic.tier}' contradicts commercial_use '{lic.commercial_use}'",
                               "license_tier_consistent")


@rule("obligation_has_clause")
def obligation_has_clause(cat: Catalog) -> Iterator[CatalogError]:
    for lid, lic in cat.licenses.items():
        for name in OBLIGATIONS:
            ob = getattr(lic.obligations, name)
            if ob.applies and (ob.excerpt is None or ob.url is None):
                yield CatalogError(f"data/licenses/{lid}.yaml", None, None, f"obligations.{name}",
                                   "an obligation that applies needs a clause excerpt and its url",
                                   "obligation_has_clause")
            if name in ("mau_cap", "revenue_cap") and ob.applies and ob.value is None:
                yield CatalogError(f"data/licenses/{lid}.yaml", None, None, f"obligations.{name}",
                                   "a cap that applies needs its value", "obligation_has_clause")


def run_rules(cat: Catalog, _family_lines=None) -> list[CatalogError]:
    return [e for fn in RULES.values() for e in fn(cat)]
