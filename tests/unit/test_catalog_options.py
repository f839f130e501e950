"""The sidebar's filter options are worked out once per catalog version, and never served for another catalog."""

from __future__ import annotations

import uuid

import pandas as pd

from components.catalog import filtering
from components.ui import sidebar


def table(orgs, names, sizes, version=None):
    df = pd.DataFrame({"organization_id": orgs, "organization": names, "params_total_b": sizes,
                       "release_dt": pd.to_datetime(["2024-01-15", "2024-03-01", "2025-02-10"][:len(orgs)])})
    if version is not None:
        df.attrs[sidebar.CATALOG_VERSION_ATTR] = version
    return df


def counting_options(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = filtering.Options.from_frame.__func__

    def counting(cls, df):
        calls.append(len(df))
        return real(cls, df)

    monkeypatch.setattr(filtering.Options, "from_frame", classmethod(counting))
    return calls


def test_options_once_per_catalog_version_across_the_pages_shallow_copies(monkeypatch):
    calls = counting_options(monkeypatch)
    version = uuid.uuid4().hex  # (nothing cached by another test)
    a = table(["meta", "qwen", "meta"], ["Meta", "Alibaba", "Meta"], [8.0, 0.5, 70.0], version)
    opts, names = sidebar.catalog_options(a)
    assert opts.organizations == ("meta", "qwen") and (opts.size_min, opts.size_max) == (0.5, 70.0)
    assert opts.first_month == "2024-01" and opts.last_month == "2025-02"
    assert names == {"meta": "Meta", "qwen": "Alibaba"}
    # Every page gets its own shallow copy of the catalog table (components/ui/data.py): still one computation.
    assert sidebar.catalog_options(a.copy(deep=False)) == (opts, names) and calls == [3]

    b = table(["x", "y"], ["X", "Y"], [1.0, 2.0], uuid.uuid4().hex)  # another catalog: its own options
    opts_b, names_b = sidebar.catalog_options(b)
    assert opts_b.organizations == ("x", "y") and names_b == {"x": "X", "y": "Y"} and calls == [3, 2]


def test_a_table_without_a_catalog_version_is_worked_out_every_time(monkeypatch):
    calls = counting_options(monkeypatch)
    t = table(["meta"], ["Meta"], [8.0])
    first = sidebar.catalog_options(t)
    t2 = table(["zeta", "eta"], ["Zeta", "Eta"], [3.0, 4.0])
    assert sidebar.catalog_options(t2)[0].organizations == ("eta", "zeta")
    assert sidebar.catalog_options(t) == first and calls == [1, 2, 1]


def test_the_apps_catalog_table_carries_its_version():
    from components.catalog.cache import load_frames
    from components.ui.data import _load
    from tests.conftest import DATA_DIR

    tables = _load(str(DATA_DIR))
    assert tables.models.attrs[sidebar.CATALOG_VERSION_ATTR] == tables.version == load_frames(str(DATA_DIR))[0].version
