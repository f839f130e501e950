"""The sidebar's filter options are worked out once per catalog table object, and never served for another table."""

from __future__ import annotations

import gc

import pandas as pd

from components.catalog import filtering
from components.ui import sidebar


def table(orgs, names, sizes):
    return pd.DataFrame({"organization_id": orgs, "organization": names, "params_total_b": sizes,
                         "release_dt": pd.to_datetime(["2024-01-15", "2024-03-01", "2025-02-10"][:len(orgs)])})


def test_options_once_per_table_object(monkeypatch):
    calls = []
    real = filtering.Options.from_frame.__func__

    def counting(cls, df):
        calls.append(len(df))
        return real(cls, df)

    monkeypatch.setattr(filtering.Options, "from_frame", classmethod(counting))
    a = table(["meta", "qwen", "meta"], ["Meta", "Alibaba", "Meta"], [8.0, 0.5, 70.0])
    opts, names = sidebar.catalog_options(a)
    assert opts == real(filtering.Options, a)  # the same options as computed directly
    assert opts.organizations == ("meta", "qwen") and (opts.size_min, opts.size_max) == (0.5, 70.0)
    assert opts.first_month == "2024-01" and opts.last_month == "2025-02"
    assert names == {"meta": "Meta", "qwen": "Alibaba"}
    assert sidebar.catalog_options(a) == (opts, names) and calls == [3]  # second run: remembered

    b = table(["x", "y"], ["X", "Y"], [1.0, 2.0])  # another table (another catalog): its own options
    opts_b, names_b = sidebar.catalog_options(b)
    assert opts_b.organizations == ("x", "y") and names_b == {"x": "X", "y": "Y"} and calls == [3, 2]


def test_a_table_that_is_gone_is_forgotten_and_never_confused_with_a_new_one():
    a = table(["meta"], ["Meta"], [8.0])
    sidebar.catalog_options(a)
    del a
    gc.collect()
    c = table(["zeta", "eta"], ["Zeta", "Eta"], [3.0, 4.0])  # may get the freed table's id
    assert sidebar.catalog_options(c)[0].organizations == ("eta", "zeta")
    alive = [ref() for ref, _, _ in sidebar._CATALOG_OPTIONS.values()]
    assert all(t is not None for t in alive)  # dead entries were dropped when c's was added
