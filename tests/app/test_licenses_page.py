"""AppTest: the Licenses page through the real app frame: matrix rows by license or family, the
commercial filter, the clause table, monthly/quarterly bars, URL round trip, notices, empty state."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog.frame import licenses_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog
from components.charts.licenses import short_license_name
from tests.app.test_pages import APP, TIMEOUT, plotly_specs, values

PAGE = "pages/licenses.py"


@pytest.fixture(scope="module")
def catalog():
    cat = load_catalog(DATA_DIR)
    return to_frame(cat), licenses_frame(cat)


def open_page(params: dict | None = None) -> AppTest:
    """A fresh session opened on the Licenses page with these URL parameters (like pasting a link)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def matrix(at: AppTest) -> dict:
    spec = plotly_specs(at)[0]
    (hm,) = [t for t in spec["data"] if t["type"] == "heatmap"]
    return {"y": list(hm["y"]), "z": values(hm["z"]) if not isinstance(hm["z"], list) else hm["z"],
            "layout": spec["layout"], "hover": hm["hovertext"]}


def tier_bars(at: AppTest) -> list[dict]:
    return [t for t in plotly_specs(at)[1]["data"] if t["type"] == "bar"]


def test_page_renders_matrix_note_clause_table_and_tiers(catalog):
    models, licenses = catalog
    at = open_page()
    assert [t.value for t in at.title] == ["Licenses"]
    assert any("Not legal advice" in w.value for w in at.warning)
    assert len(plotly_specs(at)) == 2
    m = matrix(at)
    used = models["license"].dropna().unique()
    assert len(m["y"]) == len(used)
    closed = int((~models["open_weights"]).sum())
    assert m["layout"]["title"]["subtitle"]["text"].startswith(f"{closed} model")
    assert "closed weights (no license)" in m["layout"]["title"]["subtitle"]["text"]
    # Clause table for the default license (Llama 2), with its links; summary table links every license text.
    assert at.selectbox(key="lic_lic").value == "llama-2-community"
    clauses, summaries = at.dataframe[0].value, at.dataframe[1].value
    assert len(clauses) == 10 and clauses["Clause"].notna().any()
    assert set(summaries["License text"]) <= set(licenses["url"])
    assert len(summaries) == len(used)


def test_rows_toggle_switches_to_family_rows(catalog):
    models, _ = catalog
    at = open_page()
    n_license = len(matrix(at)["y"])
    at.radio(key="lic_rows").set_value("family").run()
    assert not at.exception
    rows = matrix(at)["y"]
    assert len(rows) > n_license
    assert all(" · " in r for r in rows)
    families = models.loc[models["license"].notna(), "family"].nunique()
    assert len(rows) >= families
    # Families whose license changes by size are listed in words.
    assert any("change license by size" in e.label for e in at.expander)


def test_commercial_filter_drops_non_commercial_licenses():
    at = open_page()
    before = matrix(at)["y"]
    at.toggle(key="lic_commercial").set_value(True).run()
    assert not at.exception
    after = matrix(at)
    assert 0 < len(after["y"]) < len(before)
    summaries = at.dataframe[1].value
    assert set(summaries["Commercial use"]) <= {"yes", "conditional"}
    assert "non-commercial or research-only license" in after["layout"]["title"]["subtitle"]["text"]


def test_choosing_a_license_shows_its_clauses():
    at = open_page()
    first = at.dataframe[0].value["Clause excerpt"].tolist()
    at.selectbox(key="lic_lic").set_value("apache-2.0").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Clause excerpt"].tolist() != first
    assert table.set_index("Obligation").loc["Commercial use", "For you"] == "✓ No restriction"
    assert any("Apache License 2.0" in m.value for m in at.markdown)


def test_monthly_bars_and_llama_2_landmark(catalog):
    models, _ = catalog
    at = open_page()
    assert all(" Q" in x for x in tier_bars(at)[0]["x"])
    at.radio(key="lic_per").set_value("month").run()
    bars = tier_bars(at)
    assert all(len(x) == 7 and x[4] == "-" for x in bars[0]["x"])
    total = sum(values(b["y"]).sum() for b in bars)
    assert total == int((models["open_weights"] & models["release_dt"].notna()).sum())
    first = models.loc[models["license"].eq("llama-2-community"), "release_dt"].min()
    notes = [a for a in plotly_specs(at)[1]["layout"]["annotations"] if a.get("name") == "landmark"]
    assert [a["x"] for a in notes] == [first.strftime("%Y-%m")]


def test_a_copied_url_restores_the_view():
    params = {"rows": "family", "lic": "apache-2.0", "commercial": "1", "per": "month"}
    at = open_page(params)
    assert at.radio(key="lic_rows").value == "family"
    assert at.toggle(key="lic_commercial").value is True
    assert at.selectbox(key="lic_lic").value == "apache-2.0"
    assert at.radio(key="lic_per").value == "month"
    assert all(" · " in r for r in matrix(at)["y"])
    # The same options set by hand give the same matrix.
    by_hand = open_page()
    by_hand.radio(key="lic_rows").set_value("family").run()
    by_hand.toggle(key="lic_commercial").set_value(True).run()
    assert matrix(by_hand)["y"] == matrix(at)["y"]


def test_bad_url_values_fall_back_with_a_notice():
    at = open_page({"rows": "<b>x</b>", "lic": "no-such-license", "commercial": "maybe"})
    assert at.radio(key="lic_rows").value == "license"
    assert at.toggle(key="lic_commercial").value is False
    assert at.selectbox(key="lic_lic").value == "llama-2-community"
    notes = " ".join(c.value for c in at.caption)
    assert "'rows'" in notes and "'lic'" in notes and "'commercial'" in notes


def test_empty_filter_result_shows_the_empty_state():
    at = open_page({"smin": "0.1", "smax": "0.11"})
    assert any("No models match" in i.value for i in at.info)
    assert not plotly_specs(at)
    assert any("Not legal advice" in w.value for w in at.warning)


def test_a_filter_that_leaves_only_closed_models_says_so(catalog):
    models, _ = catalog
    closed = int((~models["open_weights"]).sum())
    if not closed:
        pytest.skip("no closed-weight model in the catalog")
    at = open_page({"weights": "closed"})
    texts = " ".join(i.value for i in at.info)
    assert "No model in view has a weights license" in texts
    assert f"{closed} closed weights (no license)" in texts


def test_every_matrix_cell_has_its_rows_hover_card_and_a_meaning(catalog):
    models, licenses = catalog
    at = open_page()
    spec = plotly_specs(at)[0]
    (hm,) = [t for t in spec["data"] if t["type"] == "heatmap"]
    rows, hover = hm["y"], hm["hovertext"]
    z = values(hm["z"]).reshape(len(rows), -1) if isinstance(hm["z"], dict) else np.asarray(hm["z"])
    assert z.shape == (len(rows), 10) and set(np.unique(z)) <= {0, 1, 2, 3}
    counts = models["license"].value_counts()
    names = dict(zip(licenses["id"], licenses["name"], strict=True))
    by_label = {short_license_name(names[i]): i for i in counts.index}  # rows are labelled by short name
    for label, cards in zip(rows, hover, strict=True):
        n = int(counts[by_label[label]])
        for card in cards:
            assert card.startswith(f"<b>{label}</b><br>")
            assert f"<i>{n} model{'s' if n != 1 else ''}: " in card and card.endswith("</i>")
