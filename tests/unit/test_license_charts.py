"""License figures and tables, checked as data: cell meanings, matrix rows and cells, hover text,
what is left out, family rows by size, the commercial filter, and releases over time by tier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components.catalog.frame import licenses_frame, to_frame
from components.catalog.loader import load_catalog
from components.catalog.schema import OBLIGATIONS
from components.charts import licenses as lc
from components.charts.style import TIER_COLORS, TIER_LABELS

FIXTURE = "tests/fixtures/catalog"
CODE = {m: i for i, m in enumerate(lc.MEANINGS)}


def lic(id_, name, tier, commercial, osi=False, summary="Plain words.", **obligations):
    """One licenses_frame row; obligations given as name=(applies, value, excerpt) or name=applies."""
    row = {"id": id_, "name": name, "url": f"https://example.org/{id_}", "tier": tier, "commercial_use": commercial,
           "osi_approved": osi, "spdx": None, "summary": summary}
    for ob in OBLIGATIONS:
        spec = obligations.get(ob, False)
        applies, value, excerpt = spec if isinstance(spec, tuple) else (spec, None, None)
        row[ob] = applies
        row[f"{ob}_value"] = value
        row[f"{ob}_excerpt"] = excerpt
        row[f"{ob}_url"] = f"https://example.org/{id_}#{ob}" if excerpt else None
    return row


@pytest.fixture
def licenses() -> pd.DataFrame:
    return pd.DataFrame([
        lic("apache-2.0", "Apache License 2.0", "permissive", "yes", osi=True,
            attribution=(True, None, "You must give any other recipients a copy of this License")),
        lic("llama-2-community", "Llama 2 Community License Agreement", "conditional", "conditional",
            mau_cap=(True, 700_000_000, "greater than 700 million monthly active users <in the preceding month>"),
            attribution=True, acceptable_use_policy=True, gated_download=True,
            output_training_limit=(True, None, "You will not use the Llama Materials to improve any other LLM"),
            territorial_exclusion=None),
        lic("qwen-research", "Tongyi Qianwen Research License Agreement", "research_only", "no",
            output_training_limit=True),
        lic("qwen-license", "Tongyi Qianwen License Agreement", "conditional", "conditional",
            mau_cap=(True, 100_000_000, None)),
        lic("unused", "Unused License", "permissive", "yes", osi=True),
    ])


def model(id_, family, license_, date, size=None, size_label=None, weights="open"):
    dt = pd.Timestamp(date) if date else pd.NaT
    return {"id": id_, "name": id_.replace("/", " "), "family": family, "family_id": family.lower(),
            "license": license_, "weights": weights, "open_weights": weights in ("open", "gated_open"),
            "release_dt": dt, "release_precision": "day" if date else None, "params_total_b": size,
            "size_label": size_label, "license_tier": None, "commercial_use": None}


@pytest.fixture
def models(licenses) -> pd.DataFrame:
    rows = [
        model("llama/7b", "LLaMA", "qwen-research", "2023-02-24", 7, "7B"),  # research-only before Llama 2
        model("llama-2/7b", "Llama 2", "llama-2-community", "2023-07-18", 7, "7B"),
        model("llama-2/70b", "Llama 2", "llama-2-community", "2023-07-18", 70, "70B"),
        model("qwen2.5/0.5b", "Qwen2.5", "apache-2.0", "2024-09-19", 0.49, "0.5B"),
        model("qwen2.5/32b", "Qwen2.5", "apache-2.0", "2024-09-19", 32.5, "32B"),
        model("qwen2.5/3b", "Qwen2.5", "qwen-research", "2024-09-19", 3.09, "3B"),
        model("qwen2.5/72b", "Qwen2.5", "qwen-license", "2024-09-19", 72.7, "72B"),
        model("qwen2.5/7b", "Qwen2.5", "apache-2.0", "2024-09-19", None, "7B"),  # size only in its label
        model("gpt-4/gpt-4", "GPT-4", None, "2023-03-14", weights="closed"),
        model("o1/o1", "o1", None, "2024-09-12", weights="closed"),
        model("undated/x", "Undated", "apache-2.0", None, 1, "1B"),
    ]
    df = pd.DataFrame(rows)
    by = licenses.set_index("id")
    df["license_tier"] = df["license"].map(by["tier"]).where(df["open_weights"], "proprietary")
    df["commercial_use"] = df["license"].map(by["commercial_use"])
    return df


def _heatmap(fig):
    maps = [t for t in fig.data if t.type == "heatmap"]
    assert len(maps) == 1
    return maps[0]


def _cell(fig, row_label, column_key):
    hm = _heatmap(fig)
    i = list(hm.y).index(row_label)
    j = [c.key for c in lc.COLUMNS].index(column_key)
    return hm.z[i][j], hm.text[i][j], hm.hovertext[i][j], hm.customdata[i][j]


# ------------------------------------------------------------------------------------------------ cells

def test_cells_say_what_each_clause_means(licenses):
    cells = lc.license_cells(licenses).set_index(["license_id", "column"])
    assert len(cells) == len(licenses) * len(lc.COLUMNS)
    assert cells.loc[("apache-2.0", "commercial_use"), "meaning"] == lc.OK
    assert cells.loc[("apache-2.0", "attribution"), "meaning"] == lc.CONDITION
    assert cells.loc[("apache-2.0", "osi_approved"), "meaning"] == lc.OK
    llama = cells.loc["llama-2-community"]
    assert llama.loc["commercial_use", "meaning"] == lc.CONDITION
    assert llama.loc["mau_cap", "meaning"] == lc.CONDITION
    assert llama.loc["mau_cap", "cell_text"] == "! 700M"
    assert llama.loc["mau_cap", "detail"] == "Above 700M monthly active users, a further condition or permission applies"
    assert llama.loc["output_training_limit", "meaning"] == lc.PROHIBITS
    assert llama.loc["territorial_exclusion", "meaning"] == lc.UNKNOWN  # applies: null = not checked
    assert llama.loc["territorial_exclusion", "cell_text"] == "?"
    assert llama.loc["revenue_cap", "meaning"] == lc.OK
    assert llama.loc["osi_approved", "meaning"] == lc.CONDITION
    assert cells.loc[("qwen-research", "commercial_use"), "meaning"] == lc.PROHIBITS


def test_clause_table_lists_every_column_with_its_link(licenses):
    table = lc.clause_table(licenses, "llama-2-community")
    assert list(table["Obligation"]) == [c.title for c in lc.COLUMNS]
    mau = table.set_index("Obligation").loc["MAU cap"]
    assert mau["For you"] == "! Condition applies"
    assert mau["Clause"] == "https://example.org/llama-2-community#mau_cap"
    assert "700 million" in mau["Clause excerpt"]
    assert table.set_index("Obligation").loc["Commercial use", "Clause"] == "https://example.org/llama-2-community"


@pytest.mark.parametrize("name, short", [
    ("Llama 2 Community License Agreement", "Llama 2 Community License"),
    ("Creative Commons Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)", "CC BY-NC 4.0"),
    ("DeepSeek License Agreement (Version 1.0, 23 October 2023)", "DeepSeek License"),
    ("LLaMA (v1) Non-Commercial Research License", "LLaMA Non-Commercial Research License"),
    ("Apache License 2.0", "Apache License 2.0"),
])
def test_short_license_names(name, short):
    assert lc.short_license_name(name) == short


# ------------------------------------------------------------------------------------------------ matrix

def test_license_rows_one_per_license_in_view_ordered_by_tier(models, licenses):
    fig = lc.license_matrix(models, licenses)
    hm = _heatmap(fig)
    assert list(hm.y) == ["Apache License 2.0", "Llama 2 Community License", "Tongyi Qianwen License",
                          "Tongyi Qianwen Research License"]  # 'Unused License' has no model in view
    assert list(hm.x) == [c.header for c in lc.COLUMNS] and len(hm.x) == 10
    assert np.asarray(hm.z).shape == (4, 10)
    z, text, _, url = _cell(fig, "Llama 2 Community License", "mau_cap")
    assert (z, text, url) == (CODE[lc.CONDITION], "! 700M", "https://example.org/llama-2-community#mau_cap")
    assert _cell(fig, "Llama 2 Community License", "output_training_limit")[0] == CODE[lc.PROHIBITS]
    assert _cell(fig, "Apache License 2.0", "osi_approved")[0] == CODE[lc.OK]
    assert fig.layout.meta["rows"] == 4


def test_hover_has_meaning_short_escaped_excerpt_and_source(models, licenses):
    _, _, hover, _ = _cell(lc.license_matrix(models, licenses), "Llama 2 Community License", "mau_cap")
    assert "MAU cap" in hover and "Condition applies" in hover
    flat = hover.replace("<br>", " ")
    assert "&lt;in the preceding month&gt;" in flat and "<in the" not in flat  # data never becomes markup
    assert "Source: https://example.org/llama-2-community#mau_cap" in hover
    assert "2 models: llama-2 7b, llama-2 70b" in hover
    long = licenses.assign(mau_cap_excerpt="word " * 200)
    _, _, hover, _ = _cell(lc.license_matrix(models, long), "Llama 2 Community License", "mau_cap")
    assert "word\u00a0…”" in hover and hover.count("word") < 60
    assert all(len(line) <= 75 for line in hover.split("<br>") if "word" in line)


def test_matrix_says_closed_weights_are_left_out(models, licenses):
    fig = lc.license_matrix(models, licenses)
    assert fig.layout.meta["left_out"] == {"closed weights (no license)": 2}
    assert fig.layout.title.subtitle.text == "2 models left out: 2 closed weights (no license)."
    legend = [t.name for t in fig.data if t.type == "scatter"]
    assert legend == ["✓ No restriction", "! Condition applies", "✕ Prohibits / excludes", "? Not checked"]


def test_commercial_filter_keeps_yes_and_conditional_and_counts_the_rest(models, licenses):
    fig = lc.license_matrix(models, licenses, commercial_only=True)
    assert "Tongyi Qianwen Research License" not in list(_heatmap(fig).y)
    assert len(_heatmap(fig).y) == 3
    assert fig.layout.meta["left_out"] == {"closed weights (no license)": 2, "non-commercial or research-only license": 2}
    summaries = lc.license_summaries(models, licenses, commercial_only=True)
    assert set(summaries["Commercial use"]) <= {"yes", "conditional"}
    assert list(summaries["id"]) == ["apache-2.0", "llama-2-community", "qwen-license"]
    assert summaries.set_index("id").loc["apache-2.0", "Models in view"] == 4


def test_family_rows_show_each_license_of_a_family_with_its_sizes(models, licenses):
    rows = lc.matrix_rows(models, licenses, rows="family")
    qwen = rows[rows["family"] == "Qwen2.5"]
    assert list(qwen["span"]) == ["0.5B–32B", "3B", "72B"]  # 7B's size comes from its label
    assert list(qwen["license_id"]) == ["apache-2.0", "qwen-research", "qwen-license"]
    assert list(qwen["label"]) == ["Qwen2.5 0.5B–32B · Apache 2.0", "Qwen2.5 3B · Tongyi Qianwen Research",
                                   "Qwen2.5 72B · Tongyi Qianwen"]
    assert rows.loc[rows["family"] == "Llama 2", "label"].tolist() == ["Llama 2 · Llama 2 Community"]
    assert list(rows["family"].drop_duplicates()) == ["LLaMA", "Llama 2", "Qwen2.5", "Undated"]  # by first release
    changes = lc.family_license_changes(models, licenses)
    assert changes["text"].tolist() == [("Qwen2.5 (0.5B–32B: Apache License 2.0; 3B: Tongyi Qianwen Research "
                                         "License; 72B: Tongyi Qianwen License)")]
    fig = lc.license_matrix(models, licenses, rows="family")
    assert _cell(fig, "Qwen2.5 3B · Tongyi Qianwen Research", "commercial_use")[0] == CODE[lc.PROHIBITS]
    assert _cell(fig, "Qwen2.5 0.5B–32B · Apache 2.0", "commercial_use")[0] == CODE[lc.OK]


def test_commercial_family_rows_keep_their_size_spans(models, licenses):
    rows = lc.matrix_rows(models, licenses, rows="family", commercial_only=True)
    qwen = rows[rows["family"] == "Qwen2.5"]
    assert list(qwen["label"]) == ["Qwen2.5 0.5B–32B · Apache 2.0", "Qwen2.5 72B · Tongyi Qianwen"]
    assert "LLaMA" not in set(rows["family"])


def test_no_licensed_model_gives_an_empty_matrix(models, licenses):
    closed = models[~models["open_weights"]]
    fig = lc.license_matrix(closed, licenses)
    assert not [t for t in fig.data if t.type == "heatmap"]
    assert fig.layout.meta["rows"] == 0
    with pytest.raises(ValueError):
        lc.matrix_rows(models, licenses, rows="organization")


def test_matrix_on_the_fixture_catalog():
    cat = load_catalog(FIXTURE)
    models, licenses = to_frame(cat), licenses_frame(cat)
    fig = lc.license_matrix(models, licenses)
    used = models["license"].dropna().unique()
    assert len(_heatmap(fig).y) == len(used)
    closed = int((~models["open_weights"]).sum())
    assert fig.layout.meta["left_out"].get("closed weights (no license)", 0) == closed


# ------------------------------------------------------------------------------------------------ over time

def _bars(fig):
    return {t.name: dict(zip(t.x, np.asarray(t.y).tolist())) for t in fig.data if t.type == "bar"}


def test_releases_by_tier_counts_open_weights_per_quarter(models):
    fig = lc.releases_by_tier(models, freq="quarter")
    bars = _bars(fig)
    assert set(bars) == {TIER_LABELS["permissive"], TIER_LABELS["conditional"], TIER_LABELS["research_only"]}
    x = list(fig.data[0].x)
    assert x[0] == "2023 Q1" and x[-1] == "2024 Q3" and len(x) == 7  # empty quarters kept
    assert bars[TIER_LABELS["conditional"]]["2023 Q3"] == 2
    assert bars[TIER_LABELS["research_only"]]["2023 Q1"] == 1
    assert bars[TIER_LABELS["permissive"]]["2024 Q3"] == 3
    assert bars[TIER_LABELS["conditional"]]["2024 Q3"] == 1
    total = sum(sum(b.values()) for b in bars.values())
    assert total == 8  # 11 models - 2 closed - 1 undated
    assert fig.layout.meta["left_out"] == {"closed weights": 2, "no release date": 1}
    colors = {t.name: t.marker.color for t in fig.data}
    assert colors[TIER_LABELS["permissive"]] == TIER_COLORS["permissive"]
    assert fig.layout.xaxis.title.text == "Release quarter"
    assert fig.layout.yaxis.title.text == "Open-weight variants released"
    assert fig.layout.barmode == "stack"


def test_monthly_bars_and_the_llama_2_landmark_comes_from_the_data(models):
    landmark = lc.first_release(models, "llama-2-community")
    assert landmark.label == "Llama 2" and landmark.date == pd.Timestamp("2023-07-18")
    fig = lc.releases_by_tier(models, freq="month", landmark=landmark)
    x = list(fig.data[0].x)
    assert x[0] == "2023-02" and x[-1] == "2024-09" and len(x) == 20
    (note,) = [a for a in fig.layout.annotations if a.name == "landmark"]
    assert note.x == "2023-07" and note.y == 2 and "Llama 2 (Jul 2023)" in note.text
    assert list(fig.layout.xaxis.tickvals) == ["2023-04", "2023-07", "2023-10", "2024-01", "2024-04", "2024-07"]
    assert list(fig.layout.xaxis.ticktext)[:4] == ["Apr<br>2023", "Jul", "Oct", "Jan<br>2024"]
    moved = models.assign(release_dt=models["release_dt"].where(~models["id"].eq("llama-2/7b"),
                                                                pd.Timestamp("2023-05-02")))
    fig = lc.releases_by_tier(moved, freq="quarter", landmark=lc.first_release(moved))
    (note,) = [a for a in fig.layout.annotations if a.name == "landmark"]
    assert note.x == "2023 Q2" and "May 2023" in note.text


def test_landmark_outside_the_range_is_not_drawn(models):
    landmark = lc.first_release(models)
    later = models[models["release_dt"] >= pd.Timestamp("2024-01-01")]
    fig = lc.releases_by_tier(later, landmark=landmark)
    assert not [a for a in fig.layout.annotations if a.name == "landmark"]
    assert lc.first_release(models, "no-such-license") is None


def test_commercial_share_before_and_after(models):
    before, after = lc.commercial_share(models, pd.Timestamp("2023-07-18"))
    assert before == 0.0  # only the research-only LLaMA before
    assert after == pytest.approx(6 / 7)  # 7 dated open releases since, one research-only
