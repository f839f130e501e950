"""Flatten a Catalog into pandas tables: models, scores, licenses.

The models table is what every page filters and draws. Column names follow the export
contract (see the Foundation issue); `<field>_source` columns carry each fact's source URL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .loader import Catalog, ModelRecord
from .rows import SCORE_COLUMNS, ModelRows, ScoreRows
from .schema import COUNTRY_NAMES, FACT_FIELDS, OBLIGATIONS

MODEL_COLUMNS = [
    "id", "name", "family", "organization", "country", "release_date", "weights", "license",
    "license_tier", "commercial_use", "architecture", "params_total_b", "params_active_b",
    "experts_total", "experts_active", "experts_shared", "context_length", "vocab_size", "layers",
    "hidden_size", "training_tokens_t", "modalities_in", "modalities_out", "kind", "base_model", "hf_repo",
]


@dataclass(frozen=True)
class CatalogFrames:
    """The catalog as tables (what the app draws from), its data version and its one-line summary."""

    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    summary: str


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


def _columns(cat: Catalog) -> dict[str, list]:
    """The same values as `_row` for every model, gathered column by column (one pass, no per-row dicts)."""
    rows = ModelRows(cat.organizations, cat.licenses)
    add = rows.add
    for m in _sorted_models(cat):
        add(m.id, m.family, m.family_id, m.organization, m.variant.__dict__, m.sources, m.file)
    return rows.cols


def _sorted_models(cat: Catalog) -> list[ModelRecord]:
    """Models in the frame's final order (release date, unknown last, then id): built in order, not sorted after.
    The sort key holds the date as (year, month, day) ints: the order of release_timestamp(), compared faster."""
    keys: dict = {}

    def date_key(x):
        t = release_timestamp(x)  # (raises on a date that is not one, as the reference frame does)
        return (True, (0, 0, 0)) if t is pd.NaT else (False, (t.year, t.month, t.day))

    def key(m: ModelRecord):
        rd = m.variant.__dict__["release_date"]
        x = rd.value if rd else None
        k = keys[x] if x in keys else keys.setdefault(x, date_key(x))
        return (*k, m.id)

    return sorted(cat.models.values(), key=key)


_STR_DTYPE = None


def _str_dtype():
    """The dtype pandas infers for a column of text (pandas 3: "str", Arrow-backed); None if that is not Arrow."""
    global _STR_DTYPE
    if _STR_DTYPE is None:
        dtype = pd.Series(["a", None]).dtype
        _STR_DTYPE = dtype if getattr(dtype, "storage", None) == "pyarrow" else False
    return _STR_DTYPE or None


def text_piece(values: list) -> tuple[set, object]:
    """(the types in `values`, an Arrow large_string array of them or None): one piece of a column for
    `text_column`, converted as soon as it is ready (the bulk loader converts one half while the other is read)."""
    types = set(map(type, values))
    if _str_dtype() is None or not types <= {str, type(None)}:
        return types, None
    import pyarrow as pa

    return types, pa.array(values).cast(pa.large_string())  # (inferred: string, or null if all None)


def text_column(pieces: list[tuple[set, object]]):
    """The column pandas infers from the pieces' values put together when that is text (str, and None read as NaN):
    an Arrow-backed array of them; None when it is not text (then the caller gives pandas the values)."""
    types = set().union(*(t for t, _ in pieces))
    if str not in types or not types <= {str, type(None)} or any(a is None for _, a in pieces):
        return None
    import pyarrow as pa
    from pandas.arrays import ArrowStringArray

    arrays = [a for _, a in pieces]
    data = arrays[0] if len(arrays) == 1 else pa.chunked_array(arrays, type=pa.large_string())
    return ArrowStringArray(data, dtype=_str_dtype())


def _frame(cols: dict[str, list], columns: list[str] | None = None) -> pd.DataFrame:
    """pd.DataFrame(cols): the same frame, with text columns built by Arrow directly (pandas' own inference of a
    list of str goes through every value in Python first; 51 text columns x 100k rows). A column that is not a
    list (an array from text_column) is taken as it is."""
    out = {}
    for name, values in cols.items():
        if isinstance(values, list):
            text = text_column([text_piece(values)])
            if text is not None:
                values = text
        out[name] = values
    return pd.DataFrame(out, columns=columns)


def to_frame(cat: Catalog) -> pd.DataFrame:
    if not cat.models:  # (the row-by-row build gives an empty frame without columns)
        return _to_frame_rows(cat)
    return _finish(_frame(_columns(cat)), presorted=True)


def _to_frame_rows(cat: Catalog) -> pd.DataFrame:
    """The reference implementation (row dicts); `to_frame` builds the same frame column-wise."""
    return _finish(pd.DataFrame([_row(cat, m) for m in cat.models.values()]))


def _finish(df: pd.DataFrame, presorted: bool = False) -> pd.DataFrame:
    for col in INT_COLUMNS:
        df[col] = pd.array(df[col], dtype="Int64")
    for col in ("params_total_b", "params_active_b", "training_tokens_t"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    codes, uniques = pd.factorize(df["release_date"])
    if len(uniques) and (codes >= 0).all():  # (a few thousand distinct dates: convert each once)
        df["release_dt"] = pd.to_datetime([release_timestamp(x) for x in uniques]).take(codes)
    else:
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


def _scores_table(rows: ScoreRows) -> pd.DataFrame:
    if not rows.rows:
        return pd.DataFrame([], columns=SCORE_COLUMNS)
    return _frame(rows.cols, columns=SCORE_COLUMNS)


def scores_frame(cat: Catalog) -> pd.DataFrame:
    rows = ScoreRows()
    add = rows.add
    for m in cat.models.values():
        add(m.id, m.variant.__dict__["scores"], m.sources)
    return _scores_table(rows)


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
