"""AppTest: the reasoning page runs on its own, and its main controls change what it draws."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "reasoning.py")


def arr(v):
    """plotly >= 6 typed-array JSON -> numpy."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v)


def spec(at, key):
    el = at.get_by_key(key) if hasattr(at, "get_by_key") else None
    if el is None:
        raise AssertionError(f"no element with key {key}")
    return json.loads(el.proto.spec)


def curves(at, trace_name="GRPO", panel=0):
    traces = [t for t in spec(at, "grpo_curves_chart")["data"] if t["name"] == trace_name]
    return arr(traces[panel]["y"])


@pytest.fixture()
def at():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_runs_and_shows_every_view(at):
    assert at.title[0].value == "Reasoning models: o1 vs R1, GRPO vs PPO"
    keys = {"grpo_step_chart", "grpo_curves_chart", "grpo_memory_chart"}
    for k in keys:
        assert at.get_by_key(k).type == "plotly_chart"
    names = {t["name"] for t in spec(at, "grpo_curves_chart")["data"]}
    assert names == {"GRPO", "PPO", "REINFORCE"}
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    for needle in ("2402.03300", "2503.20783", "2501.12948"):
        assert needle in text
    labels = [m.label for m in at.metric]
    assert any("arXiv v1" in lab for lab in labels) and any("Nature" in lab for lab in labels)
    assert [m.value for m in at.metric] == ["15.6%", "71.0%", "77.9%"]
    # the benchmark section shows either a chart or a clear empty/unavailable state, never an error
    has_bench = any(el.type == "plotly_chart" for el in at.get("plotly_chart")
                    if json.loads(el.proto.spec)["layout"].get("title", {}).get("text", "").startswith("Reasoning vs"))
    assert has_bench or any("catalog" in i.value for i in at.info)
    assert not at.error


def test_url_keeps_main_options(at):
    assert at.query_params["seed"] == ["0"] or at.query_params["seed"] == "0"
    at.selectbox(key="grpo_normalize").set_value("none").run()
    q = at.query_params["normalize"]
    assert (q[0] if isinstance(q, list) else q) == "none"


def test_url_params_seed_the_widgets():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["G"] = "16"
    at.query_params["normalize"] = "std_sample"
    at.query_params["seed"] = "7"
    at.run()
    assert not at.exception
    assert at.select_slider(key="grpo_G").value == 16
    assert at.selectbox(key="grpo_normalize").value == "std_sample"
    assert at.number_input(key="grpo_seed").value == 7


def test_bad_url_params_fall_back_to_defaults():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["G"] = "7"
    at.query_params["normalize"] = "bogus"
    at.query_params["seed"] = "abc"
    at.run()
    assert not at.exception
    assert at.select_slider(key="grpo_G").value == 8
    assert at.selectbox(key="grpo_normalize").value == "std_population"


def test_changing_normalisation_changes_the_chart_data(at):
    before_curve = curves(at)
    before_adv = arr([t for t in spec(at, "grpo_step_chart")["data"] if t["name"] == "Advantage Â"][0]["y"])
    at.selectbox(key="grpo_normalize").set_value("none").run()
    assert not at.exception
    after_curve = curves(at)
    after_adv = arr([t for t in spec(at, "grpo_step_chart")["data"] if t["name"] == "Advantage Â"][0]["y"])
    assert not np.allclose(before_curve, after_curve)
    assert not np.allclose(before_adv, after_adv)
    # PPO does not use group normalisation: same seed, same PPO curve
    at2 = AppTest.from_file(PAGE, default_timeout=60).run()
    np.testing.assert_allclose(curves(at2, "PPO"), curves(at, "PPO"))


def test_changing_seed_and_group_size(at):
    before = curves(at)
    at.number_input(key="grpo_seed").set_value(3).run()
    assert not np.allclose(before, curves(at))
    at.select_slider(key="grpo_G").set_value(4).run()
    adv = [t for t in spec(at, "grpo_step_chart")["data"] if t["name"] == "Advantage Â"][0]
    assert len(arr(adv["y"])) == 4


def test_step_through_controls_and_mu_one(at):
    at.slider(key="grpo_mu").set_value(1).run()
    for update in (1, 7):
        at.slider(key="grpo_update").set_value(update).run()
        ratio = [t for t in spec(at, "grpo_step_chart")["data"] if t["name"].startswith("Ratio")][0]
        np.testing.assert_allclose(arr(ratio["y"]), 1.0)
    at.slider(key="grpo_steps").set_value(20).run()
    assert not at.exception
    assert at.slider(key="grpo_update").value <= 20


def test_memory_controls(at):
    at.number_input(key="grpo_params_b").set_value(70.0).run()
    data = spec(at, "grpo_memory_chart")["data"]
    value = [t for t in data if t["name"].startswith("Value model")][0]
    np.testing.assert_allclose(arr(value["y"]), [140.0, 0.0])
    at.checkbox(key="grpo_optimizer").check().run()
    data = spec(at, "grpo_memory_chart")["data"]
    value = [t for t in data if t["name"].startswith("Value model")][0]
    np.testing.assert_allclose(arr(value["y"]), [70 * 16, 0.0])


def test_catalog_failure_shows_info_not_crash(monkeypatch, tmp_path):
    """Point the app at a data folder that does not validate: the benchmark section shows the shared catalog
    error; the simulator above it (which needs no catalog) is still drawn."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "broken.yaml").write_text("family: [unclosed\n")
    import components.ui.data as ui_data

    monkeypatch.setattr(ui_data, "DATA_DIR", tmp_path)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("does not validate" in e.value for e in at.error)
    assert at.get_by_key("grpo_curves_chart").type == "plotly_chart"


def _fake_catalog(monkeypatch, tmp_path, scores):
    """A catalog stand-in: the page only needs the shared tables' models / scores / benchmarks."""
    import pandas as pd

    import components.catalog.frame as frame
    import components.ui.data as ui_data

    models = pd.DataFrame({"id": ["a/r", "b/g"], "name": ["Reasoner", "Generator"], "kind": ["reasoning", "instruct"],
                           "organization": ["A", "B"], "organization_id": ["a", "b"], "weights": ["open", "closed"],
                           "license_tier": ["permissive", "proprietary"], "architecture": ["dense", "moe"],
                           "modalities_in": ["text", "text, image"],
                           "release_dt": pd.to_datetime(["2025-01-20", "2024-05-13"]),
                           "params_total_b": [32.0, None]})
    bench = pd.DataFrame({"id": ["aime_2024", "mmlu"], "name": ["AIME 2024", "MMLU"]})
    version = f"test-{tmp_path.name}"  # a fresh version per test: no figure cached by another test is reused
    tables = ui_data.CatalogTables(models=models, scores=pd.DataFrame(scores, columns=frame.SCORE_COLUMNS),
                                   licenses=pd.DataFrame(), benchmarks=bench, version=version, as_of="", summary="")
    monkeypatch.setattr(ui_data, "_load", lambda d: tables)


def test_empty_state_when_catalog_has_no_reasoning_scores(monkeypatch, tmp_path):
    _fake_catalog(monkeypatch, tmp_path, [
        {"model_id": "b/g", "benchmark": "mmlu", "setting": "5-shot", "value": 80.0, "self_reported": True,
         "source_url": "https://example.org", "version": None, "note": None}])
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no scores on AIME 2024" in i.value for i in at.info)


def test_benchmark_section_draws_catalog_scores(monkeypatch, tmp_path):
    row = {"setting": "pass@1", "self_reported": True, "source_url": "https://example.org", "version": "v1",
           "note": None}
    _fake_catalog(monkeypatch, tmp_path, [
        {**row, "model_id": "a/r", "benchmark": "aime_2024", "value": 70.0},
        {**row, "model_id": "b/g", "benchmark": "aime_2024", "value": 20.0},
        {**row, "model_id": "b/g", "benchmark": "mmlu", "value": 85.0}])
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    data = spec(at, "grpo_bench_chart")["data"]
    bars = {(t["name"], t["xaxis"]): dict(zip(t["y"], arr(t["x"]).tolist())) for t in data}
    assert bars[("Reasoning model", "x")] == {"Reasoner": 70.0}
    assert bars[("Non-reasoning (generation) model", "x")] == {"Generator": 20.0}
    assert bars[("Non-reasoning (generation) model", "x2")] == {"Generator": 85.0}
    at.multiselect(key="grpo_benchmarks").unselect("mmlu").run()
    assert {t["xaxis"] for t in spec(at, "grpo_bench_chart")["data"]} == {"x"}


def _big_catalog(monkeypatch, tmp_path, n=260):
    """n models with reasoning scores, none of them in the page's DEFAULT_MODELS: model i reports one benchmark
    (AIME) if i is odd, two (AIME and MATH-500) if even, and a higher i scores higher. Every model is dense except
    the top-ranked one."""
    import pandas as pd

    import components.ui.data as ui_data
    from components.catalog import frame

    ids = [f"syn/m{i:03d}" for i in range(n)]
    models = pd.DataFrame({
        "id": ids, "name": [f"Model {i:03d}" for i in range(n)], "kind": ["reasoning"] * n,
        "organization": ["Syn"] * n, "organization_id": ["syn"] * n, "weights": ["open"] * n,
        "license_tier": ["permissive"] * n, "architecture": ["moe" if i == n - 2 else "dense" for i in range(n)],
        "modalities_in": ["text"] * n, "release_dt": pd.to_datetime(["2025-01-01"] * n), "params_total_b": [7.0] * n})
    row = {"setting": "pass@1", "self_reported": True, "source_url": "https://example.org", "version": None,
           "note": None}
    scores = [{**row, "model_id": m, "benchmark": "aime_2024", "value": float(i)} for i, m in enumerate(ids)]
    scores += [{**row, "model_id": m, "benchmark": "math_500", "value": float(i)} for i, m in enumerate(ids)
               if i % 2 == 0]
    bench = pd.DataFrame({"id": ["aime_2024", "math_500", "mmlu"], "name": ["AIME 2024", "MATH-500", "MMLU"]})
    tables = ui_data.CatalogTables(models=models, scores=pd.DataFrame(scores, columns=frame.SCORE_COLUMNS),
                                   licenses=pd.DataFrame(), benchmarks=bench, version=f"big-{tmp_path.name}",
                                   as_of="", summary="")
    monkeypatch.setattr(ui_data, "_load", lambda d: tables)
    return ids


def _bench_models(at):
    return {y for t in spec(at, "grpo_bench_chart")["data"] for y in t["y"]}


def test_big_catalog_caps_the_picker_and_says_so(monkeypatch, tmp_path):
    ids = _big_catalog(monkeypatch, tmp_path)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.multiselect(key="grpo_bench_models")
    assert len(picker.options) == 200  # not all 260
    # the rule: most reasoning benchmarks first (the 130 even ones), then the higher average percentile
    top12 = [f"syn/m{i:03d}" for i in range(258, 234, -2)]
    assert sorted(picker.value) == sorted(top12)
    offered = {o.removeprefix("Model ") for o in picker.options}
    assert "259" in offered and "001" not in offered  # best single-benchmark models fill the rest of the list
    assert _bench_models(at) == {f"Model {i}" for i in range(236, 259, 2)}
    text = " ".join(c.value for c in at.caption)
    assert "60 models with a reasoning-benchmark score are not offered" in text
    assert "sidebar filters" in text
    assert len(ids) == 260


def test_big_catalog_url_picks_outside_the_top_are_offered_and_drawn(monkeypatch, tmp_path):
    _big_catalog(monkeypatch, tmp_path)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["models"] = "syn/m001,syn/m258,nope/nope"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.multiselect(key="grpo_bench_models")
    assert picker.value == ["syn/m001", "syn/m258"]
    assert "Model 001" in picker.options and len(picker.options) == 201
    assert _bench_models(at) == {"Model 001", "Model 258"}
    assert any("nope/nope" in c.value for c in at.caption)  # the unknown id is reported, not silently dropped
    text = " ".join(c.value for c in at.caption)
    assert "59 models with a reasoning-benchmark score are not offered" in text
    # the URL keeps the picks
    picker.set_value(["syn/m001"]).run()
    q = at.query_params["models"]
    assert (q[0] if isinstance(q, list) else q) == "syn/m001"


def test_sidebar_filters_narrow_the_pool_and_hidden_picks_are_named(monkeypatch, tmp_path):
    _big_catalog(monkeypatch, tmp_path)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["arch"] = "dense"
    at.query_params["models"] = "syn/m258,syn/m256"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _bench_models(at) == {"Model 256"}
    text = " ".join(c.value for c in at.caption)
    assert "1 picked model is hidden by the sidebar filters: Model 258" in text
    assert "59 models with a reasoning-benchmark score within the sidebar filters are not offered" in text
    assert "syn/m258" in at.multiselect(key="grpo_bench_models").value  # kept: widening the filters brings it back
