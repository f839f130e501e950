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


def to_frame(cat: Catalog) -> pd.DataFrame:
    rows = [_row(cat, m) for m in cat.models.values()]
    df = pd.DataFrame(rows)
    for col in INT_COLUMNS:
        df[col] = pd.array(df[col], dtype="Int64")
    for col in ("params_total_b", "params_active_b", "training_tokens_t"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    df["release_dt"] = [release_timestamp(x) for x in df["release_date"]]
    df["release_dt"] = pd.to_datetime(df["release_dt"])
    # Dense models use every parameter: active = total. Kept in a separate column so the
    # sourced `params_active_b` stays exactly what the source said.
    dense = df["architecture"].eq("dense")
    df["params_active_eff_b"] = np.where(dense & df["params_active_b"].isna(), df["params_total_b"], df["params_active_b"])
    df["params_effective_b"] = np.sqrt(df["params_total_b"] * df["params_active_eff_b"])
    df["open_weights"] = df["weights"].isin(["open", "gated_open"])
    return df.sort_values(["release_dt", "id"], kind="stable").reset_index(drop=True)


def scores_frame(cat: Catalog) -> pd.DataFrame:
    rows = []
    for m in cat.models.values():
        for s in m.variant.scores:
            rows.append({"model_id": m.id, "benchmark": s.benchmark, "setting": s.setting, "value": s.value,
                         "self_reported": s.self_reported, "source_url": m.sources[s.source].url,
                         "version": s.version or m.sources[s.source].version, "note": s.note})
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


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
