"""Load the bundled catalog once per server process (Streamlit cache) and hand out its tables.

The tables come from the columnar cache (components/catalog/cache.py: Parquet keyed by the data's hash) when it
has them, so a new server process does not re-parse the YAML; Streamlit then keeps one copy in memory and every
page gets a cheap copy-on-write view of it (no unpickling per rerun, no way to change the shared copy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from components.catalog.cache import load_frames
from components.catalog.errors import CatalogInvalid
from components.catalog.loader import DATA_DIR, load_catalog
from components.ui.frame import ensure_app_frame


@dataclass(frozen=True)
class CatalogTables:
    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    as_of: str  # newest release date in the data
    summary: str


def python_strings(df: pd.DataFrame) -> pd.DataFrame:
    """The same frame with its text columns held as Python objects instead of Arrow arrays (same `str` dtype
    family and NaN for missing, so values and comparisons are unchanged). Pages slice the models table by row
    dozens of times per run, and taking rows from ~60 Arrow columns cost about twice the NumPy take."""
    conv = {c: pd.StringDtype("python", na_value=np.nan) for c, t in df.dtypes.items()
            if isinstance(t, pd.StringDtype) and t.storage == "pyarrow"}
    return df.astype(conv) if conv else df


@st.cache_resource(show_spinner="Loading the catalog…")
def _load(data_dir: str) -> CatalogTables:
    frames, _status = load_frames(data_dir)
    newest = frames.models["release_dt"].max()
    return CatalogTables(models=python_strings(frames.models), scores=python_strings(frames.scores),
                         licenses=frames.licenses, benchmarks=frames.benchmarks, version=frames.version,
                         as_of=newest.strftime("%Y-%m-%d") if pd.notna(newest) else "",
                         summary=frames.summary)


def _view(t: CatalogTables) -> CatalogTables:
    """Copy-on-write views of the shared tables: a page may change its copy; the cached one never changes."""
    return CatalogTables(models=t.models.copy(deep=False), scores=t.scores.copy(deep=False),
                         licenses=t.licenses.copy(deep=False), benchmarks=t.benchmarks.copy(deep=False),
                         version=t.version, as_of=t.as_of, summary=t.summary)


@st.cache_resource(show_spinner=False)
def load_catalog_cached():
    """The validated Catalog object (read-only; used to validate uploads against the same schema)."""
    return load_catalog(str(DATA_DIR))


def get_tables() -> CatalogTables:
    """The catalog tables, or a readable error and a stopped page if the data does not validate."""
    ensure_app_frame()  # every page starts here, so this also guards deep links on a fresh server
    try:
        return _view(_load(str(DATA_DIR)))
    except CatalogInvalid as e:
        st.error(f"The bundled catalog does not validate ({len(e.errors)} errors). "
                 "Run `python -m components.catalog validate` for the full list.")
        st.code("\n".join(str(x) for x in e.errors[:30]), language=None)
        st.stop()
        raise  # unreachable: st.stop() raises
