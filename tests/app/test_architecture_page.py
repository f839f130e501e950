"""AppTest: the Architecture page through app.py — renders, widgets change the chart data, a copied
URL restores the options, and an empty filter result shows the empty state."""

import pytest

from components.catalog.frame import to_frame
from components.catalog.loader import DATA_DIR, load_catalog
from components.charts import architecture as arch
from tests.app.test_pages import plotly_specs, run_page, values

PAGE = "pages/architecture.py"


@pytest.fixture(scope="module")
def models():
    return to_frame(load_catalog(DATA_DIR))


def chart(at, title_start: str) -> dict:
    for spec in plotly_specs(at):
        if spec["layout"].get("title", {}).get("text", "").startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r}")


def bar_x(spec: dict) -> list[str]:
    return list(spec["data"][0]["x"])


def bar_total(spec: dict) -> int:
    return int(sum(values(t["y"]).sum() for t in spec["data"]))


def test_page_renders_every_chart_with_notes():
    at = run_page(PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Architecture"
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert len(titles) == 6
    assert any(t.startswith("Vocabulary size") for t in titles)
    assert any(t.startswith("Share of parameters") for t in titles)
    notes = " ".join(c.value for c in at.caption)
    assert "input embedding only" in notes.replace("**", "")


def test_grain_and_count_change_the_bars(models):
    at = run_page(PAGE)
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
    at = run_page(PAGE)
    spec = chart(at, "Total parameters per organization")
    default = arch.default_size_groups(models, "organization")
    assert len([t for t in spec["data"] if t["mode"] == "markers"]) == len(default)
    at.multiselect(key="arch_orgs").set_value(default[:1]).run()
    spec = chart(at, "Total parameters per organization")
    assert len([t for t in spec["data"] if t["mode"] == "markers"]) == 1
    at.radio(key="arch_group").set_value("family").run()
    assert not at.exception
    assert chart(at, "Total parameters per family")


def test_url_restores_the_options_in_a_fresh_session(models):
    fams = arch.size_groups(models, "family")["id"].tolist()[:2]
    at = run_page(PAGE, {"arch_grain": "year", "arch_count": "families", "arch_group": "family",
                         "arch_fams": ",".join(fams)})
    assert at.segmented_control(key="arch_grain").value == "year"
    assert at.segmented_control(key="arch_count").value == "families"
    assert at.radio(key="arch_group").value == "family"
    assert at.multiselect(key="arch_fams").value == fams
    spec = chart(at, "Total parameters per family")
    assert len([t for t in spec["data"] if t["mode"] == "markers"]) == len(fams)
    assert all(len(x) == 4 for x in bar_x(chart(at, "Dense vs mixture-of-experts")))


def test_bad_url_values_fall_back_with_a_notice():
    at = run_page(PAGE, {"arch_grain": "decade", "arch_orgs": "no-such-org"})
    assert not at.exception
    assert at.segmented_control(key="arch_grain").value == "quarter"
    notes = " ".join(c.value for c in at.caption)
    assert "arch_grain" in notes and "no-such-org" in notes


def test_empty_filter_result_shows_the_empty_state():
    at = run_page(PAGE, {"smin": "0.1", "smax": "0.11"})
    at.run()  # the first run after AppTest's switch_page loses the sidebar's URL state; a rerun has it
    assert not at.exception
    assert any("No models match" in i.value for i in at.info)
    assert plotly_specs(at) == []
