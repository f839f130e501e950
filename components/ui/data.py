"""Load the bundled catalog once per server process (Streamlit cache) and hand out its tables."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.catalog.errors import CatalogInvalid
from components.catalog.frame import licenses_frame, scores_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog


@dataclass(frozen=True)
class CatalogTables:
    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    as_of: str  # newest release date in the data
    summary: str


@st.cache_data(show_spinner="Loading the catalog…")
def _load(data_dir: str) -> CatalogTables:
    cat = load_catalog(data_dir)
    models = to_frame(cat)
    bench = pd.DataFrame(
        [{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()]
    )
    newest = models["release_dt"].max()
    return CatalogTables(models=models, scores=scores_frame(cat), licenses=licenses_frame(cat),
                         benchmarks=bench, version=cat.version,
                         as_of=newest.strftime("%Y-%m-%d") if pd.notna(newest) else "",
                         summary=cat.summary())


@st.cache_resource(show_spinner=False)
def load_catalog_cached():
    """The validated Catalog object (read-only; used to validate uploads against the same schema)."""
    return load_catalog(str(DATA_DIR))


def get_tables() -> CatalogTables:
    """The catalog tables, or a readable error and a stopped page if the data does not validate."""
    try:
        return _load(str(DATA_DIR))
    except CatalogInvalid as e:
        st.error(f"The bundled catalog does not validate ({len(e.errors)} errors). "
                 "Run `python -m components.catalog validate` for the full list.")
        st.code("\n".join(str(x) for x in e.errors[:30]), language=None)
        st.stop()
        raise  # unreachable: st.stop() raises
