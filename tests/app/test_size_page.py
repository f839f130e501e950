"""AppTest: the Size vs score page through app.py — keyed options change the chart data, a copied URL
restores the view (bench, size, spot), bad links fall back with a notice, and an empty filter result shows
the empty state. Data-agnostic: works on the shipped catalog or ATLAS_DATA_DIR=tests/fixtures/catalog."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from components.catalog.frame import scores_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog
from components.charts.size import benchmark_options, default_spotlight, short_name
from tests.app.test_pages import run_page, values

PAGE = "pages/size.py"


@pytest.fixture(scope="module")
def catalog():
    cat = load_catalog(DATA_DIR)
    models, scores = to_frame(cat), scores_frame(cat)
    bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()])
    return models, scores, benchmark_options(scores, bench, models["id"])


def chart(at) -> dict:
    return json.loads(at.get_by_key("sz_chart").proto.spec)


def point_traces(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t.get("customdata") and t.get("mode") == "markers"]


def plotted_names(spec: dict) -> set[str]:
    return {row[0] for t in point_traces(spec) for row in t["customdata"]}


def xs(spec: dict) -> np.ndarray:
    return np.sort(np.concatenate([values(t["x"]).astype(float) for t in point_traces(spec)]))


def labels(spec: dict) -> set[str]:
    return {a["text"] for a in spec["layout"].get("annotations", []) if a.get("showarrow")}


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_page_renders_with_notes_and_the_seed_spotlight(catalog):
    models, _, opts = catalog
    at = run_page(PAGE)
    assert at.title[0].value == "Size vs score"
    assert at.selectbox(key="sz_bench").value == ("mmlu" if "mmlu" in set(opts["id"]) else opts["id"][0])
    assert all(o.endswith(("models)", "model)", "filter)")) for o in at.selectbox(key="sz_bench").options)
    spec = chart(at)
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert len(xs(spec)) > 0
    assert any(t["name"].startswith("Pareto frontier") for t in spec["data"])
    assert {"Self-reported score (filled)", "Independent evaluation (open)"} <= {t["name"] for t in spec["data"]}
    seed = default_spotlight(models)
    assert at.multiselect(key="sz_spot").value == seed
    names = models.set_index("id")["name"]
    expected = {short_name(names[i]) for i in seed if names[i] in plotted_names(spec)}
    assert labels(spec) == expected
    text = captions(at)
    assert "not strictly comparable" in text
    assert "Setting:" in text
    assert not at.exception and not at.error


def test_keyed_options_change_the_chart_data(catalog):
    models, _, opts = catalog
    at = run_page(PAGE)
    total = chart(at)
    at.radio(key="sz_size").set_value("active").run()
    active = chart(at)
    assert active["layout"]["xaxis"]["title"]["text"] != total["layout"]["xaxis"]["title"]["text"]
    if models["architecture"].eq("moe").any():
        assert not np.array_equal(xs(active), xs(total))

    at.radio(key="sz_size").set_value("both").run()
    both = chart(at)
    assert "active" in both["layout"]["xaxis"]["title"]["text"]
    assert any(t.get("mode") == "lines" and "active → total" in t.get("name", "") for t in both["data"]) or not (
        models["architecture"].eq("moe").any())

    at.multiselect(key="sz_spot").set_value([]).run()
    assert labels(chart(at)) == set()

    if len(opts) > 1:
        other = opts["id"][1] if at.selectbox(key="sz_bench").value == opts["id"][0] else opts["id"][0]
        y_title = chart(at)["layout"]["yaxis"]["title"]["text"]
        at.selectbox(key="sz_bench").set_value(other).run()
        assert not at.exception
        assert at.get("plotly_chart") == [] or chart(at)["layout"]["yaxis"]["title"]["text"] != y_title


def test_a_copied_url_restores_the_view(catalog):
    models, scores, opts = catalog
    sized = set(models.loc[models["params_total_b"].notna(), "id"])

    def drawable(b):
        return [i for i in scores.loc[scores["benchmark"] == b, "model_id"].drop_duplicates() if i in sized][:2]

    # a benchmark other than the default where possible, with models that can be drawn and labelled
    candidates = [b for b in opts["id"][1:] if drawable(b)] + [b for b in opts["id"][:1] if drawable(b)]
    assert candidates, "need a model with a size and a score"
    bench = candidates[0]
    pick = drawable(bench)
    at = run_page(PAGE, {"bench": bench, "size": "both", "spot": ",".join(pick)})
    assert at.selectbox(key="sz_bench").value == bench
    assert at.radio(key="sz_size").value == "both"
    assert at.multiselect(key="sz_spot").value == pick
    spec = chart(at)
    names = models.set_index("id")["name"]
    assert labels(spec) == {short_name(names[i]) for i in pick}
    assert "MoE" in spec["layout"]["title"]["text"]
    # the page writes its options back to the URL, so a copied link reopens this view
    default = "mmlu" if "mmlu" in set(opts["id"]) else opts["id"][0]
    assert at.query_params.get("bench") == (None if bench == default else bench)  # defaults stay out
    assert at.query_params.get("size") == "both"
    assert at.query_params.get("spot") == ",".join(pick)


def test_an_emptied_spotlight_survives_the_url():
    at = run_page(PAGE, {"spot": "none"})
    assert at.multiselect(key="sz_spot").value == []
    assert labels(chart(at)) == set()
    assert not captions(at).count("ignored")


def test_bad_url_values_fall_back_with_a_notice():
    at = run_page(PAGE, {"bench": "<b>nope</b>", "size": "huge", "spot": "no/such,<script>"})
    assert not at.exception
    assert at.radio(key="sz_size").value == "total"
    assert at.multiselect(key="sz_spot").value == []
    text = captions(at)
    assert "'bench'" in text and "'size'" in text and "'spot'" in text


def test_empty_filter_result_shows_the_empty_state():
    at = run_page(PAGE, {"smin": "0.1", "smax": "0.11"})
    at.run()  # AppTest drops the sidebar's widget state on switch_page; the next run reads the URL again
    assert not at.exception
    assert any("No models match" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_curated_view_labels_every_point_and_lists_every_score():
    at = run_page(PAGE)
    spec = chart(at)
    assert not [t for t in spec["data"] if (t.get("meta") or {}).get("unlabelled")]
    assert "unlabelled" not in (spec["layout"].get("meta") or {})
    assert "have names and hover" not in spec["layout"]["title"]["subtitle"]["text"]
    n = len(plotted_names(spec))
    assert not at.dataframe  # the scores table is built only once its expander is opened
    at.session_state["sz_table_open"] = True  # (what opening the expander does: it reruns the page)
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == n  # far below the table's cap: every plotted score, no download-only rows
    assert table["Source"].notna().all()
    assert not [b for b in at.get("download_button") if b.proto.id.endswith("sz_table_csv")]


def test_spotlight_over_the_picker_limit_gets_a_search_box(monkeypatch):
    """Past PICKER_LIMIT models the spotlight lists only the matches of its search box plus the current picks."""
    import components.catalog.picking as picking

    monkeypatch.setattr(picking, "PICKER_LIMIT", 15)
    at = run_page(PAGE)
    assert not at.exception, at.exception
    seed = list(at.multiselect(key="sz_spot").value)
    assert seed, "the seed article's models are spotlighted by default"
    assert len(at.multiselect(key="sz_spot").options) <= 15 + len(seed)
    assert any("Listing 15 of" in c.value for c in at.caption)

    at.text_input(key="sz_spot_find").set_value("mixtral").run()
    spot = at.multiselect(key="sz_spot")
    assert list(spot.value) == seed  # picks survive a search
    # (options are the shown labels, value the ids) the picks come first, then only names matching the search
    rest = spot.options[len(seed):]
    assert any("mixtral" in o.lower() for o in spot.options)
    assert all("mixtral" in o.lower() for o in rest)
    assert len(spot.options) < 15

    at.text_input(key="sz_spot_find").set_value("zz-nothing-zz").run()
    assert not at.exception and any("No model matches" in c.value for c in at.caption)
