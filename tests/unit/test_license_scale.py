"""License matrix rows and hover cards, built on integer group ids and per-license cell tables, checked against
plain-Python definitions on a random catalog with thousands of families (several licenses per family, sizes
from labels or stated totals, missing sizes and family names), and the per-license cell cache."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from components.catalog.schema import OBLIGATIONS
from components.charts import licenses as lc

TOKEN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([MBT])\b")
SCALE = {"M": 1e-3, "B": 1.0, "T": 1e3}


def licenses_table() -> pd.DataFrame:
    rows = []
    for k, (tier, cu) in enumerate([("permissive", "yes"), ("conditional", "conditional"), ("research_only", "no"),
                                    ("non_commercial", "no"), ("conditional", "conditional")]):
        row = {"id": f"lic-{k}", "name": f"Licence Number {k} License Agreement", "url": f"https://example.org/{k}",
               "tier": tier, "commercial_use": cu, "osi_approved": k == 0, "spdx": None, "summary": "Words."}
        for ob in OBLIGATIONS:
            row[ob] = bool((k + len(ob)) % 3) if ob != "territorial_exclusion" else None
            row[f"{ob}_value"] = 700_000_000.0 if ob == "mau_cap" and k == 1 else None
            row[f"{ob}_excerpt"] = f"Clause <{ob}> of licence {k} & more" if k % 2 else None
            row[f"{ob}_url"] = f"https://example.org/{k}#{ob}" if k % 2 else None
        rows.append(row)
    return pd.DataFrame(rows)


def catalog(n_families: int = 3_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for f in rng.permutation(n_families):
        n_lic = int(rng.choice([1, 1, 2, 3]))
        lics = rng.choice(5, n_lic, replace=False)
        family = None if f % 97 == 0 else f"Fam {f:05d}"
        day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 800)))
        for v in range(int(rng.integers(1, 7))):
            label = str(rng.choice(["7B", "0.5B", "350M", "1.1T", "70B", "Base", None]))
            total = float(rng.choice([7.0, 13.0, 70.0, np.nan]))
            rows.append({"id": f"f{f:05d}/v{v}", "name": f"F{f} v{v}", "family": family, "family_id": f"fam-{f:05d}",
                         "license": f"lic-{lics[v % n_lic]}", "release_dt": day if v % 5 else pd.NaT,
                         "size_label": None if label == "None" else label, "params_total_b": total,
                         "weights": "open", "open_weights": True})
    rows.append({"id": "closed/x", "name": "Closed", "family": "Closed", "family_id": "closed", "license": None,
                 "release_dt": pd.NaT, "size_label": None, "params_total_b": np.nan, "weights": "closed",
                 "open_weights": False})
    return pd.DataFrame(rows)


def expected_family_rows(models: pd.DataFrame, licenses: pd.DataFrame) -> pd.DataFrame:
    """The family rows by their definition, one Python loop over the models."""
    names = dict(zip(licenses["id"], licenses["name"], strict=True))
    groups: dict[tuple, list[int]] = defaultdict(list)
    fam_first: dict[str, pd.Timestamp] = {}
    m = models[models["license"].isin(names)].reset_index(drop=True)
    for i, r in m.iterrows():
        fam = r["family"] if isinstance(r["family"], str) else r["family_id"]
        groups[(fam, r["license"])].append(i)
        if pd.notna(r["release_dt"]) and (fam not in fam_first or r["release_dt"] < fam_first[fam]):
            fam_first[fam] = r["release_dt"]
    n_lic = defaultdict(int)
    for fam, _ in groups:
        n_lic[fam] += 1
    out = []
    for (fam, lic), idx in groups.items():
        sized = []
        for i in idx:
            r = m.loc[i]
            hit = TOKEN.match(r["size_label"]) if isinstance(r["size_label"], str) else None
            size = r["params_total_b"] if pd.notna(r["params_total_b"]) else (
                float(hit.group(1)) * SCALE[hit.group(2)] if hit else np.nan)
            token = hit.group(1) + hit.group(2) if hit else (
                f"{r['params_total_b']:g}B" if pd.notna(r["params_total_b"]) else None)
            if pd.notna(size) and token:
                sized.append((size, token))
        if sized:
            lo = min(sized, key=lambda s: s[0])  # first of the smallest
            hi = max(reversed(sized), key=lambda s: s[0])  # last of the largest
            span, min_size = (lo[1] if lo[1] == hi[1] else f"{lo[1]}–{hi[1]}"), lo[0]
        else:
            distinct = list(dict.fromkeys(m.loc[i, "name"] for i in idx))
            span = ", ".join(distinct[:2]) + (f" +{len(distinct) - 2}" if len(distinct) > 2 else "")
            min_size = np.nan
        short = lc.family_license_name(names[lic])
        label = f"{fam} {span} · {short}" if n_lic[fam] > 1 else f"{fam} · {short}"
        out.append({"family": fam, "license_id": lic, "span": span, "label": label, "n_models": len(idx),
                    "model_names": [m.loc[i, "name"] for i in idx], "_first": fam_first.get(fam, pd.NaT),
                    "_min": min_size})
    df = pd.DataFrame(out).sort_values(["_first", "family", "_min", "label"], kind="stable", na_position="last")
    return df.reset_index(drop=True)


@pytest.fixture(scope="module")
def big():
    return catalog(), licenses_table()


def test_family_rows_match_their_definition_on_thousands_of_families(big):
    models, licenses = big
    got = lc.matrix_rows(models, licenses, rows="family")
    want = expected_family_rows(models, licenses)
    assert len(got) == len(want) > 3_000
    for col in ("family", "license_id", "span", "label", "n_models", "model_names"):
        assert got[col].tolist() == want[col].tolist(), col
    assert got["label"].is_unique
    tiers = dict(zip(licenses["id"], licenses["tier"], strict=True))
    assert got["tier"].tolist() == [tiers[i] for i in got["license_id"]]


def test_license_rows_count_every_licensed_model_once(big):
    models, licenses = big
    rows = lc.matrix_rows(models, licenses)
    counts = models["license"].value_counts()
    assert dict(zip(rows["license_id"], rows["n_models"], strict=True)) == counts.to_dict()
    assert sum(len(n) for n in rows["model_names"]) == counts.sum()
    tier_rank = {t: i for i, t in enumerate(lc.TIER_ORDER)}
    keys = [(tier_rank[t], -n) for t, n in zip(rows["tier"], rows["n_models"], strict=True)]
    assert keys == sorted(keys)  # by tier, then most models


def test_family_changes_list_every_family_with_several_licenses(big):
    models, licenses = big
    rows = lc.matrix_rows(models, licenses, rows="family")
    several = rows.groupby("family")["license_id"].transform("size") > 1
    changes = lc.family_license_changes(models, licenses)
    assert list(changes["family"]) == list(dict.fromkeys(rows.loc[several, "family"]))
    short = {i: lc.short_license_name(n) for i, n in zip(licenses["id"], licenses["name"], strict=True)}
    first = changes.iloc[0]
    its_rows = rows[rows["family"] == first["family"]]
    assert first["licenses"] == list(its_rows["license_id"])
    assert first["text"] == f"{first['family']} (" + "; ".join(
        f"{s}: {short[i]}" for s, i in zip(its_rows["span"], its_rows["license_id"], strict=True)) + ")"


def test_family_matrix_hover_cards_join_row_and_clause(big):
    models, licenses = big
    fig = lc.license_matrix(models, licenses, rows="family")
    (hm,) = [t for t in fig.data if t.type == "heatmap"]
    rows = lc.matrix_rows(models, licenses, rows="family")
    assert np.asarray(hm.z).shape == (len(rows), len(lc.COLUMNS)) == np.asarray(hm.hovertext).shape
    cells = lc.license_cells(licenses).set_index(["license_id", "column"])
    full = dict(zip(licenses["id"], licenses["name"], strict=True))
    big_row = int(np.argmax(rows["n_models"].to_numpy()))
    for i in (0, big_row, len(rows) - 1):
        row = rows.iloc[i]
        for j, col in enumerate(lc.COLUMNS):
            cell = cells.loc[(row["license_id"], col.key)]
            card = hm.hovertext[i][j]
            assert card.startswith(f"<b>{row['label']}</b><br>License: {full[row['license_id']]}<br>")
            assert f"<b>{col.title}</b>: {lc.MEANING_MARKS[cell['meaning']]} {cell['meaning_label']}" in card
            n = row["n_models"]
            shown = ", ".join(row["model_names"][:4]) + (f" +{n - 4} more" if n > 4 else "")
            assert card.endswith(f"<i>{n} model{'s' if n != 1 else ''}: {shown}</i>")
            assert hm.z[i][j] == lc.MEANINGS.index(cell["meaning"]) and hm.text[i][j] == cell["cell_text"]
            assert hm.customdata[i][j] == (cell["url"] if isinstance(cell["url"], str) else None)
            if isinstance(cell["excerpt"], str):
                assert "&lt;" in card and f"<{col.key}>" not in card  # excerpts are escaped, never markup


def test_cached_cells_give_the_same_matrix_and_clause_table(big):
    models, licenses = big
    cells = lc.license_cells(licenses)
    for rows in ("license", "family"):
        a = lc.license_matrix(models, licenses, rows=rows, commercial_only=True)
        b = lc.license_matrix(models, licenses, cells, rows=rows, commercial_only=True)
        assert json.loads(a.to_json()) == json.loads(b.to_json())
    for lic_id in licenses["id"]:
        # (a text column of one license alone may hold only None, so its dtype and missing marker can differ)
        alone, cached = (t.astype(object).where(t.notna(), None) for t in (
            lc.clause_table(licenses, lic_id), lc.clause_table(licenses, lic_id, cells)))
        pd.testing.assert_frame_equal(alone, cached)


def test_size_key_reads_label_tokens_then_stated_totals():
    df = pd.DataFrame({"size_label": ["7B", " 1.1T chat", "350M", "Base", None, "13b"],
                       "params_total_b": [6.7, np.nan, np.nan, 70.0, np.nan, np.nan]})
    size, token = lc._size_key(df)
    assert size.tolist()[:4] == pytest.approx([6.7, 1100.0, 0.35, 70.0])
    assert np.isnan(size.iloc[4]) and np.isnan(size.iloc[5])
    assert token.tolist() == ["7B", "1.1T", "350M", "70B", None, None]  # lower-case 'b' is not a size token
