"""AppTest: the Compare page through app.py — default pair, picking models changes the cards and
charts, the URL restores the pick (unknown ids ignored with a notice), fewer than two models and an
empty filter result show clear empty states."""

import pytest

from components.catalog.frame import scores_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog
from components.charts import compare as cmp
from tests.app.test_pages import plotly_specs, run_page, values

PAGE = "pages/compare.py"


@pytest.fixture(scope="module")
def models():
    return to_frame(load_catalog(DATA_DIR))


def params_chart(at) -> dict:
    return next(s for s in plotly_specs(at) if s["layout"]["title"]["text"].startswith("Total vs active"))


def test_default_view_compares_the_default_pair(models):
    at = run_page(PAGE)
    assert not at.exception, at.exception
    expected = cmp.default_models(models["id"].tolist())
    assert at.multiselect(key="cmp_models").value == expected
    spec = params_chart(at)
    assert len(spec["data"][0]["y"]) == 2
    names = models.set_index("id").loc[expected, "name"].tolist()
    assert [s.value for s in at.subheader] == names
    facts = " ".join(m.value for m in at.markdown)
    assert "**Total parameters:**" in facts and "[source](https://" in facts
    assert at.dataframe[-1].value.shape[1] == 3  # obligation + 2 models


def test_picking_models_changes_cards_and_chart(models):
    at = run_page(PAGE)
    sized = models[models["params_total_b"].notna()]["id"].tolist()
    at.multiselect(key="cmp_models").set_value(sized[:3]).run()
    assert not at.exception
    spec = params_chart(at)
    names = cmp.display_names(models.set_index("id").loc[sized[:3]].reset_index())
    assert list(spec["data"][0]["y"]) == [names[i] for i in sized[:3]]
    assert values(spec["data"][0]["x"]).tolist() == models.set_index("id").loc[sized[:3], "params_total_b"].tolist()
    assert len(at.subheader) == 3
    at.multiselect(key="cmp_models").set_value(sized[:1]).run()
    assert any("Pick at least two" in i.value for i in at.info)
    assert plotly_specs(at) == []


def test_unknown_size_is_labelled_not_zero(models):
    unsized = models[models["params_total_b"].isna()]["id"].tolist()
    sized = models[models["params_total_b"].notna()]["id"].tolist()
    if not unsized:
        pytest.skip("every model in the catalog has a size")
    at = run_page(PAGE, {"models": f"{sized[0]},{unsized[0]}"})
    spec = params_chart(at)
    x = values(spec["data"][0]["x"]) if isinstance(spec["data"][0]["x"], dict) else spec["data"][0]["x"]
    assert x[1] is None or x[1] != x[1]  # null/NaN, never 0
    assert "unknown" in [a["text"] for a in spec["layout"]["annotations"]]


def test_url_restores_the_pick_and_ignores_unknown_ids(models):
    ids = models["id"].tolist()[:5]
    at = run_page(PAGE, {"models": ",".join([ids[2], "no/such-model", ids[0], ids[1], ids[3], ids[4]])})
    assert not at.exception
    assert at.multiselect(key="cmp_models").value == [ids[2], ids[0], ids[1], ids[3]]  # max 4, in URL order
    notes = " ".join(c.value for c in at.caption)
    assert "no/such-model" in notes and "first 4" in notes
    assert len(params_chart(at)["data"][0]["y"]) == 4


def test_shared_benchmarks_use_one_setting(models):
    s = scores_frame(load_catalog(DATA_DIR))
    counts = s.groupby(["benchmark", "setting"])["model_id"].nunique()
    bench, setting = counts.idxmax()
    pair = s[(s["benchmark"] == bench) & (s["setting"] == setting)]["model_id"].drop_duplicates().tolist()[:2]
    at = run_page(PAGE, {"models": ",".join(pair)})
    table = at.dataframe[0].value
    assert (table["setting"][table["benchmark"] == table["benchmark"].iloc[0]].nunique()) == 1
    assert setting in set(table["setting"])


def test_empty_filter_result_shows_the_empty_state():
    at = run_page(PAGE, {"smin": "0.1", "smax": "0.11"})
    at.run()  # the first run after AppTest's switch_page loses the sidebar's URL state; a rerun has it
    assert not at.exception
    assert any("No models match" in i.value for i in at.info)
    assert plotly_specs(at) == []


def test_a_catalog_over_the_picker_limit_gets_a_search_box(models, monkeypatch):
    """Past PICKER_LIMIT models the picker lists only matches of the search box (and the picks), and says so."""
    import components.catalog.picking as picking

    monkeypatch.setattr(picking, "PICKER_LIMIT", 20)
    label = dict(zip(models["id"], models["name"].fillna(models["id"]) + " · " + models["organization"].fillna("")))
    at = run_page(PAGE)
    assert not at.exception, at.exception
    default = cmp.default_models(models["id"].tolist())
    picker = at.multiselect(key="cmp_models")
    assert picker.value == default
    offered = set(picker.options)
    assert {label[m] for m in default} <= offered and len(offered) <= 20 + len(default)
    assert any(f"Listing 20 of {len(models)}" in c.value for c in at.caption)

    target = models[~models["id"].isin(default)].iloc[-1]
    at.text_input(key="cmp_find").set_value(target["name"].upper()).run()
    picker = at.multiselect(key="cmp_models")
    assert picker.value == default  # the picks survive a search that does not match them
    hay = (models["name"].fillna(models["id"]) + " · " + models["organization"].fillna("") + " " + models["id"])
    hits = models.loc[hay.str.casefold().str.contains(target["name"].casefold(), regex=False), "id"]
    assert set(picker.options) == {label[m] for m in [*default, *hits.head(20)]}
    assert label[target["id"]] in picker.options

    at.text_input(key="cmp_find").set_value("zz-no-such-model-zz").run()
    assert not at.exception
    assert any("No model matches" in c.value for c in at.caption)
    assert at.multiselect(key="cmp_models").value == default
