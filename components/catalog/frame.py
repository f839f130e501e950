"""Flatten a Catalog into pandas tables: models, scores, licenses.

The models table is what every page filters and draws. Column names follow the export
contract (see the Foundation issue); `<field>_source` columns carry each fact's source URL.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .loader import Catalog, ModelRecord
from .schema import COUNTRY_NAMES, FACT_FIELDS, OBLIGATIONS

MODEL_COLUMNS = [
    "id", "name", "family", "organization", "country", "release_date", "weights", "license",
    "license_tier", "commercial_use", "architecture", "params_total_b", "params_active_b",
    "experts_total", "experts_active", "experts_shared", "context_length", "vocab_size", "layers",
    "hidden_size", "training_tokens_t", "modalities_in", "modalities_out", "kind", "base_model", "hf_repo",
]
SCORE_COLUMNS = ["model_id", "benchmark", "setting", "value", "self_reported", "source_url", "version", "note"]
INT_COLUMNS = ["experts_total", "experts_active", "experts_shared", "context_length", "vocab_size",
               "layers", "hidden_size"]


def release_timestamp(value: str | None) -> pd.Timestamp:
    """Start of the period a date names ('2023' -> 2023-01-01); NaT when unknown."""
    if not value:
        return pd.NaT
    parts = value.split("-")
    return pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)


def _precision(value: str | None) -> str | None:
    if not value:
        return None
    return {1: "year", 2: "month", 3: "day"}[len(value.split("-"))]


def _row(cat: Catalog, m: ModelRecord) -> dict:
    v = m.variant
    org = cat.organizations.get(m.organization)
    row: dict = {"id": m.id, "name": v.name, "family": m.family, "family_id": m.family_id,
                 "organization_id": m.organization,
                 "organization": org.name if org else m.organization,
                 "org_type": org.type if org else None,
                 "country": org.country if org else None,
                 "country_name": COUNTRY_NAMES.get(org.country) if org else None,
                 "size_label": v.size_label, "hf_repo": v.hf_repo, "notes": v.notes, "file": m.file}
    for name in FACT_FIELDS:
        f = getattr(v, name)
        value = None if f is None else f.value
        if isinstance(value, list):
            value = ", ".join(value)
        row[name] = value
        row[f"{name}_source"] = m.source_url(name)
        row[f"{name}_status"] = None if f is None else f.status
    rd = v.release_date
    row["release_event"] = rd.event if rd else None
    row["release_precision"] = _precision(rd.value if rd else None)
    lic = cat.licenses.get(row["license"]) if row["license"] else None
    if lic is not None:
        row["license_name"], row["license_tier"], row["commercial_use"] = lic.name, lic.tier, lic.commercial_use
        row["license_url"] = lic.url
    elif row["weights"] in ("closed", "unreleased"):
        # No weights, so no weights license: the model is only usable on its owner's terms.
        row["license_name"], row["license_tier"], row["commercial_use"], row["license_url"] = (
            "No weights (API / product terms only)", "proprietary", None, None)
    else:
        row["license_name"] = row["license_tier"] = row["commercial_use"] = row["license_url"] = None
    row["n_scores"] = len(v.scores)
    return row


_ROW_COLUMNS = (
    ["id", "name", "family", "family_id", "organization_id", "organization", "org_type", "country", "country_name",
     "size_label", "hf_repo", "notes", "file"]
    + [c for name in FACT_FIELDS for c in (name, f"{name}_source", f"{name}_status")]
    + ["release_event", "release_precision", "license_name", "license_tier", "commercial_use", "license_url",
       "n_scores"]
)


def _columns(cat: Catalog) -> dict[str, list]:
    """The same values as `_row` for every model, gathered column by column (one pass, no per-row dicts)."""
    cols: dict[str, list] = {c: [] for c in _ROW_COLUMNS}
    app = {c: cols[c].append for c in _ROW_COLUMNS}
    fact_cols = [(name, app[name], app[f"{name}_source"], app[f"{name}_status"]) for name in FACT_FIELDS]
    orgs: dict[str, tuple] = {}
    for oid, org in cat.organizations.items():
        orgs[oid] = (org.name, org.type, org.country, COUNTRY_NAMES.get(org.country))
    lic_info = {lid: (lic.name, lic.tier, lic.commercial_use, lic.url) for lid, lic in cat.licenses.items()}
    no_weights = ("No weights (API / product terms only)", "proprietary", None, None)
    unknown = (None, None, None, None)
    precision = {1: "year", 2: "month", 3: "day"}
    for m in _sorted_models(cat):
        v = m.variant
        d = v.__dict__
        org = orgs.get(m.organization)
        app["id"](m.id)
        app["name"](d["name"])
        app["family"](m.family)
        app["family_id"](m.family_id)
        app["organization_id"](m.organization)
        if org:
            app["organization"](org[0])
            app["org_type"](org[1])
            app["country"](org[2])
            app["country_name"](org[3])
        else:
            app["organization"](m.organization)
            app["org_type"](None)
            app["country"](None)
            app["country_name"](None)
        app["size_label"](d["size_label"])
        app["hf_repo"](d["hf_repo"])
        app["notes"](d["notes"])
        app["file"](m.file)
        sources = m.sources
        for name, a_val, a_src, a_status in fact_cols:
            f = d[name]
            if f is None:
                a_val(None)
                a_src(None)
                a_status(None)
                continue
            value = f.value
            if isinstance(value, list):
                value = ", ".join(value)
            a_val(value)
            src = sources.get(f.source)
            a_src(src.url if src else None)
            a_status(f.status)
        rd = d["release_date"]
        app["release_event"](rd.event if rd else None)
        app["release_precision"](precision[len(rd.value.split("-"))] if rd and rd.value else None)
        lic = d["license"]
        info = lic_info.get(lic.value) if lic is not None and lic.value else None
        if info is None:
            w = d["weights"]
            info = no_weights if w is not None and w.value in ("closed", "unreleased") else unknown
        app["license_name"](info[0])
        app["license_tier"](info[1])
        app["commercial_use"](info[2])
        app["license_url"](info[3])
        app["n_scores"](len(d["scores"]))
    return cols


def _sorted_models(cat: Catalog) -> list[ModelRecord]:
    """Models in the frame's final order (release date, unknown last, then id): built in order, not sorted after."""
    stamps: dict = {}
    far = pd.Timestamp.max

    def key(m: ModelRecord):
        rd = m.variant.release_date
        x = rd.value if rd else None
        t = stamps[x] if x in stamps else stamps.setdefault(x, release_timestamp(x))
        return (t is pd.NaT, far if t is pd.NaT else t, m.id)

    return sorted(cat.models.values(), key=key)


def to_frame(cat: Catalog) -> pd.DataFrame:
    if not cat.models:  # (the row-by-row build gives an empty frame without columns)
        return _to_frame_rows(cat)
    return _finish(pd.DataFrame(_columns(cat)), presorted=True)


def _to_frame_rows(cat: Catalog) -> pd.DataFrame:
    """The reference implementation (row dicts); `to_frame` builds the same frame column-wise."""
    return _finish(pd.DataFrame([_row(cat, m) for m in cat.models.values()]))


def _finish(df: pd.DataFrame, presorted: bool = False) -> pd.DataFrame:
    for col in INT_COLUMNS:
        df[col] = pd.array(df[col], dtype="Int64")
    for col in ("params_total_b", "params_active_b", "training_tokens_t"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    stamps: dict = {}
    df["release_dt"] = [stamps[x] if x in stamps else stamps.setdefault(x, release_timestamp(x))
                        for x in df["release_date"]]
    df["release_dt"] = pd.to_datetime(df["release_dt"])
    # Dense models use every parameter: active = total. Kept in a separate column so the
    # sourced `params_active_b` stays exactly what the source said.
    dense = df["architecture"].eq("dense")
    df["params_active_eff_b"] = np.where(dense & df["params_active_b"].isna(), df["params_total_b"], df["params_active_b"])
    df["params_effective_b"] = np.sqrt(df["params_total_b"] * df["params_active_eff_b"])
    df["open_weights"] = df["weights"].isin(["open", "gated_open"])
    if presorted:
        return df
    return df.sort_values(["release_dt", "id"], kind="stable").reset_index(drop=True)


def scores_frame(cat: Catalog) -> pd.DataFrame:
    cols: dict[str, list] = {c: [] for c in SCORE_COLUMNS}
    a = [cols[c].append for c in SCORE_COLUMNS]
    for m in cat.models.values():
        sources = m.sources
        for s in m.variant.scores:
            src = sources[s.source]
            a[0](m.id)
            a[1](s.benchmark)
            a[2](s.setting)
            a[3](s.value)
            a[4](s.self_reported)
            a[5](src.url)
            a[6](s.version or src.version)
            a[7](s.note)
    if not cols["model_id"]:
        return pd.DataFrame([], columns=SCORE_COLUMNS)
    return pd.DataFrame(cols, columns=SCORE_COLUMNS)


def licenses_frame(cat: Catalog) -> pd.DataFrame:
    rows = []
    for lid, lic in cat.licenses.items():
        row = {"id": lid, "name": lic.name, "url": lic.url, "tier": lic.tier, "commercial_use": lic.commercial_use,
               "osi_approved": lic.osi_approved, "spdx": lic.spdx, "summary": lic.summary}
        for name in OBLIGATIONS:
            ob = getattr(lic.obligations, name)
            row[name] = ob.applies
            row[f"{name}_value"] = ob.value
            row[f"{name}_excerpt"] = ob.excerpt
            row[f"{name}_url"] = ob.url
        rows.append(row)
    return pd.DataFrame(rows)


def export_models(df: pd.DataFrame) -> pd.DataFrame:
    """The public export: the contract columns first, then each fact's source URL."""
    source_cols = [f"{n}_source" for n in FACT_FIELDS]
    out = df[MODEL_COLUMNS + ["release_event", "release_precision", "size_label"] + source_cols].copy()
    return out


def json_safe(value):
    """None for NaN/NA so JSON never contains NaN."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
