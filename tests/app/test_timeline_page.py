"""AppTest: the Timeline page through app.py — keyed options change the charts, a copied URL restores them,
and an empty filter result shows the empty state. Data-agnostic (works on the shipped or the fixture catalog)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tests.app.test_pages import run_page, values

PAGE = "pages/timeline.py"


def chart(at, key: str) -> dict:
    return json.loads(at.get_by_key(key).proto.spec)


def drawn_points(spec: dict) -> int:
    """Markers of the model traces (those with hover data), NaN-hidden ones excluded."""
    return sum(int(np.isfinite(values(t["y"]).astype(float)).sum()) for t in spec["data"] if t.get("customdata"))


def trace_names(spec: dict) -> set[str]:
    return {t["name"] for t in spec["data"] if t.get("customdata")}


def test_page_renders_both_charts_with_a_replay():
    at = run_page(PAGE)
    assert at.title[0].value == "Timeline"
    rel, front = chart(at, "tl_releases"), chart(at, "tl_frontier")
    months = at.select_slider(key="tl_asof").options
    assert rel["frames"] and rel["frames"][-1]["name"] == months[-1]
    assert rel["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"
    assert rel["layout"]["title"]["text"].endswith(f"as of {months[-1]}")
    assert "best so far" in " ".join(t["name"] for t in front["data"])
    assert any("released by" in c.value for c in at.caption)
    assert any("not strictly comparable" in c.value for c in at.caption)
    assert not at.error


def test_keyed_options_change_the_chart_data():
    at = run_page(PAGE)
    before = chart(at, "tl_releases")
    at.radio(key="tl_lanes").set_value("family").run()
    fam = chart(at, "tl_releases")
    assert fam["layout"]["yaxis"]["title"]["text"] == "Family"
    assert fam["layout"]["yaxis"]["ticktext"] != before["layout"]["yaxis"]["ticktext"]

    at.radio(key="tl_color").set_value("weights").run()
    names = trace_names(chart(at, "tl_releases"))
    assert names & {"Open weights", "Open weights (gated)", "Closed (API only)"}
    assert not names & {"Permissive", "Conditional (open, with conditions)"}

    months = at.select_slider(key="tl_asof").options
    all_points = drawn_points(chart(at, "tl_releases"))
    mid = months[len(months) // 2]
    at.select_slider(key="tl_asof").set_value(mid).run()
    early = chart(at, "tl_releases")
    assert 0 < drawn_points(early) < all_points
    assert early["layout"]["title"]["text"].endswith(f"as of {mid}")
    assert early["frames"][-1]["name"] == mid
    # the frontier follows the as-of date too
    assert chart(at, "tl_frontier")["layout"]["title"]["text"].endswith(f"as of {mid}")

    box = at.selectbox(key="tl_bench")
    assert len(box.options) >= 2
    first_title = chart(at, "tl_frontier")["layout"]["yaxis"]["title"]["text"]
    box.select_index(1 if box.index == 0 else 0).run()
    assert not at.exception
    assert chart(at, "tl_frontier")["layout"]["yaxis"]["title"]["text"] != first_title


def test_a_copied_url_restores_the_view():
    params = {"lanes": "family", "color": "weights", "asof": "2024-01", "bench": "aime_2024"}
    at = run_page(PAGE, params)
    assert at.radio(key="tl_lanes").value == "family"
    assert at.radio(key="tl_color").value == "weights"
    assert at.select_slider(key="tl_asof").value == "2024-01"
    assert at.selectbox(key="tl_bench").value == "aime_2024"
    rel = chart(at, "tl_releases")
    assert rel["layout"]["yaxis"]["title"]["text"] == "Family"
    assert rel["layout"]["title"]["text"].endswith("as of 2024-01")
    last_x = max(pd.Timestamp(x) for t in rel["data"] if t.get("customdata") for x in t["x"])
    assert last_x < pd.Timestamp("2024-02-01")


def test_bad_url_values_fall_back_with_a_notice():
    at = run_page(PAGE, {"lanes": "<b>x</b>", "asof": "1999-01", "bench": "nope"})
    assert not at.exception
    assert at.radio(key="tl_lanes").value == "org"
    assert at.select_slider(key="tl_asof").value == at.select_slider(key="tl_asof").options[-1]
    assert any("'asof'" in c.value for c in at.caption)


def test_empty_filter_result_shows_the_empty_state():
    at = run_page(PAGE, {"smin": "0.1", "smax": "0.11"})
    at.run()  # AppTest drops the sidebar's widget state on switch_page; the next run reads the URL again
    assert not at.exception
    assert any("No models match" in i.value for i in at.info)
    assert not at.get("plotly_chart")
