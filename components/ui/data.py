"""Load the bundled catalog once per server process (Streamlit cache) and hand out its tables.

The tables come from the columnar cache (components/catalog/cache.py: Parquet keyed by the data's hash) when it
has them, so a new server process does not re-parse the YAML; Streamlit then keeps one copy in memory and every
page gets a cheap copy-on-write view of it (no unpickling per rerun, no way to change the shared copy)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.catalog.cache import load_frames
from components.catalog.errors import CatalogInvalid
from components.catalog.loader import DATA_DIR, load_catalog
from components.charts.timeline import load_landmarks
from components.ui.frame import ensure_app_frame
from components.ui.sidebar import CATALOG_VERSION_ATTR


@dataclass(frozen=True)
class CatalogTables:
    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    as_of: str  # newest release date in the data
    summary: str


def consolidated(df: pd.DataFrame) -> pd.DataFrame:
    """The same table with its text columns as NumPy object columns, stored together in one block.

    Pages slice the models table by row dozens of times per run. With one Arrow-backed `str` array per column,
    every slice is ~60 separate takes; as one object block it is a single NumPy take (3-4x faster per slice,
    measured). Values are unchanged: the same Python strings, NaN for missing."""
    conv = {c: object for c, t in df.dtypes.items() if isinstance(t, pd.StringDtype)}
    return df.astype(conv).copy() if conv else df  # copy() consolidates same-dtype columns into one block


@st.cache_resource(show_spinner="Loading the catalog…")
def _load(data_dir: str) -> CatalogTables:
    frames, _status = load_frames(data_dir)
    newest = frames.models["release_dt"].max()
    models = consolidated(frames.models)
    models.attrs[CATALOG_VERSION_ATTR] = frames.version  # (the sidebar's filter options are worked out once per version)
    return CatalogTables(models=models, scores=consolidated(frames.scores),
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


@st.cache_data(show_spinner=False, max_entries=4)
def landmarks(path: str, stamp: float | None) -> pd.DataFrame:
    """The landmarks file (read again only when it changes; a missing file means no landmarks)."""
    return load_landmarks(path)
