"""AppTest: the Architecture page through app.py — one tab per deep dive, only the open tab is built and sent,
widgets change the chart data, a copied URL restores the tab and the options, options of a closed tab survive,
and an empty filter result shows the empty state."""

import json

import numpy as np
import pytest

from components.catalog.frame import to_frame
from components.catalog.loader import DATA_DIR, load_catalog
from components.catalog.upload import parse_upload
from components.charts import architecture as arch
from components.ui.sidebar import USER_MODELS_KEY
from tests.app.test_pages import plotly_specs, run_page, values

PAGE = "pages/architecture.py"
# tab -> (chart keys, title starts) it draws; written out here, not read from the page
TABS = {
    "Vocabulary": (["arch_vocab_chart", "arch_share_chart"], ["Vocabulary size vs model size", "Share of parameters"]),
    "Context length": (["arch_context_chart"], ["Context length over time"]),
    "Releases": (["arch_moe_chart", "arch_country_chart"], ["Dense vs mixture-of-experts", "Releases per quarter"]),
    "Model sizes": (["arch_params_chart"], ["Total parameters per organization"]),
}
ALL_KEYS = [k for keys, _ in TABS.values() for k in keys]


@pytest.fixture(scope="module")
def models():
    return to_frame(load_catalog(DATA_DIR))


def chart(at, title_start: str) -> dict:
    for spec in plotly_specs(at):
        if spec["layout"].get("title", {}).get("text", "").startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r}")


def keys_drawn(at) -> set[str]:
    drawn = set()
    for key in ALL_KEYS:
        try:
            at.get_by_key(key)
        except KeyError:
            continue
        drawn.add(key)
    return drawn


def open_tab(at, tab: str):
    at.session_state["arch_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def bar_x(spec: dict) -> list[str]:
    return list(spec["data"][0]["x"])


def bar_total(spec: dict) -> int:
    return int(sum(values(t["y"]).sum() for t in spec["data"]))


def markers(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["mode"] == "markers"]


def test_page_opens_on_the_first_tab_and_sends_only_its_charts():
    at = run_page(PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Architecture"
    assert keys_drawn(at) == {"arch_vocab_chart", "arch_share_chart"}
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert len(titles) == 2
    assert any(t.startswith("Vocabulary size") for t in titles)
    assert any(t.startswith("Share of parameters") for t in titles)
    notes = " ".join(c.value for c in at.caption)
    assert "input embedding only" in notes.replace("**", "")


@pytest.mark.parametrize("tab", list(TABS))
def test_every_tab_draws_its_charts_with_notes(tab):
    at = open_tab(run_page(PAGE), tab)
    chart_keys, title_starts = TABS[tab]
    assert keys_drawn(at) == set(chart_keys)  # the closed tabs sent nothing
    for start in title_starts:
        spec = chart(at, start)
        assert spec["data"], start
        assert "unlabelled" not in (spec["layout"].get("meta") or {})  # the curated catalog is a small view
        assert "subtitle" not in spec["layout"]["title"]
    assert at.caption  # every tab explains its charts


def test_grain_and_count_change_the_bars(models):
    at = open_tab(run_page(PAGE), "Releases")
    quarter = chart(at, "Dense vs mixture-of-experts")
    assert " Q" in bar_x(quarter)[0]
    assert bar_total(quarter) == int(models["release_dt"].notna().sum())
    at.segmented_control(key="arch_grain").set_value("year").run()
    assert not at.exception
    year = chart(at, "Dense vs mixture-of-experts")
    assert all(len(x) == 4 for x in bar_x(year))
    assert bar_total(year) == bar_total(quarter)
    assert bar_x(chart(at, "Releases per year"))[0] == bar_x(year)[0]
    at.segmented_control(key="arch_count").set_value("families").run()
    assert bar_total(chart(at, "Dense vs mixture-of-experts")) < bar_total(year)


def test_group_picker_changes_the_lines(models):
    at = open_tab(run_page(PAGE), "Model sizes")
    spec = chart(at, "Total parameters per organization")
    default = arch.default_size_groups(models, "organization")
    assert len(markers(spec)) == len(default)
    at.multiselect(key="arch_orgs").set_value(default[:1]).run()
    spec = chart(at, "Total parameters per organization")
    assert len(markers(spec)) == 1
    at.radio(key="arch_group").set_value("family").run()
    assert not at.exception
    assert chart(at, "Total parameters per family")


def test_options_of_a_closed_tab_survive_other_tabs(models):
    at = open_tab(run_page(PAGE), "Releases")
    at.segmented_control(key="arch_grain").set_value("year").run()
    org = arch.default_size_groups(models, "organization")[1]
    open_tab(at, "Model sizes")
    at.multiselect(key="arch_orgs").set_value([org]).run()
    open_tab(at, "Context length")
    open_tab(at, "Releases")
    assert at.segmented_control(key="arch_grain").value == "year"
    assert all(len(x) == 4 for x in bar_x(chart(at, "Dense vs mixture-of-experts")))
    open_tab(at, "Model sizes")
    assert at.multiselect(key="arch_orgs").value == [org]
    assert len(markers(chart(at, "Total parameters per organization"))) == 1


def test_url_restores_the_tab_and_the_options_in_a_fresh_session(models):
    fams = arch.size_groups(models, "family")["id"].tolist()[:2]
    params = {"arch_tab": "Model sizes", "arch_grain": "year", "arch_count": "families", "arch_group": "family",
              "arch_fams": ",".join(fams)}
    at = run_page(PAGE, params)
    assert keys_drawn(at) == {"arch_params_chart"}  # the linked tab, and only it
    assert at.radio(key="arch_group").value == "family"
    assert at.multiselect(key="arch_fams").value == fams
    assert len(markers(chart(at, "Total parameters per family"))) == len(fams)
    # the other tab's options in the same link apply when that tab is opened (a link changes the URL's tab)
    at.query_params["arch_tab"] = "Releases"
    at.run()
    assert not at.exception, at.exception
    assert keys_drawn(at) == {"arch_moe_chart", "arch_country_chart"}
    assert at.segmented_control(key="arch_grain").value == "year"
    assert at.segmented_control(key="arch_count").value == "families"
    assert all(len(x) == 4 for x in bar_x(chart(at, "Dense vs mixture-of-experts")))


def test_bad_url_values_fall_back_with_a_notice():
    at = run_page(PAGE, {"arch_tab": "Releases", "arch_grain": "decade", "arch_orgs": "no-such-org"})
    assert not at.exception
    assert at.segmented_control(key="arch_grain").value == "quarter"
    notes = " ".join(c.value for c in at.caption)
    assert "arch_grain" in notes and "no-such-org" in notes


@pytest.mark.parametrize("bad", ["<script>x</script>", "Vocabulary ", "releases"])
def test_an_unknown_tab_in_the_url_opens_the_first_tab(bad):
    at = run_page(PAGE, {"arch_tab": bad})
    assert not at.exception, at.exception
    assert keys_drawn(at) == {"arch_vocab_chart", "arch_share_chart"}


def test_empty_filter_result_shows_the_empty_state():
    at = run_page(PAGE, {"smin": "0.1", "smax": "0.11"})
    at.run()  # the first run after AppTest's switch_page loses the sidebar's URL state; a rerun has it
    assert not at.exception
    assert any("No models match" in i.value for i in at.info)
    assert plotly_specs(at) == []


UPLOAD = ("id,name,organization,release_date,weights,license,architecture,kind,params_total_b,params_active_b,"
          "experts_total,experts_active,context_length,vocab_size,hidden_size\n"
          "mine,<b>Mine</b>,My Lab,2023-06-15,open,apache-2.0,moe,base,40,8,8,2,65536,128000,5120\n")


@pytest.mark.parametrize("tab", ["Vocabulary", "Context length", "Model sizes"])
def test_an_upload_is_one_layer_on_every_point_chart_of_each_tab(tab):
    from streamlit.testing.v1 import AppTest

    from tests.app.test_pages import APP, TIMEOUT

    upload = parse_upload("mine.csv", UPLOAD.encode(), load_catalog(DATA_DIR))
    assert upload.fatal is None and not upload.errors
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[USER_MODELS_KEY] = upload.models
    at.run()
    at.switch_page(PAGE).run()
    open_tab(at, tab)
    for key in TABS[tab][0]:
        spec = json.loads(at.get_by_key(key).proto.spec)
        layers = [t for t in spec["data"] if t.get("name") == "Your models"]
        assert len(layers) == 1, key
        assert int(np.isfinite(values(layers[0]["y"]).astype(float)).sum()) == 1, key
        assert "&lt;b&gt;Mine&lt;/b&gt;" in layers[0]["hovertext"][0], key
        assert spec["layout"]["meta"]["user"]["shown"] == 1, key


def test_talk_mode_labels_are_slide_sized_not_compounded():
    at = run_page(PAGE, {"talk": "1"})
    at.run()  # (the sidebar's URL state after AppTest's switch_page: see the empty-state test)
    spec = chart(at, "Vocabulary size vs model size")
    labels = [a for a in spec["layout"]["annotations"] if a.get("showarrow")]
    assert labels  # the Gemma / Llama story labels
    assert {a["font"]["size"] for a in labels} == {24}  # 16 px talk labels × 1.5 by slide_style, once
    assert spec["layout"]["height"] >= 760
