"""The MoE page runs standalone and reacts to its widgets."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "moe.py")


def arr(v):
    """plotly >= 6 typed-array JSON -> numpy (with its shape)."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v, dtype=float)


def chart(at, key):
    return json.loads(at.get_by_key(key).proto.spec)


def test_page_runs_and_states_what_is_simulated():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "MoE routing"
    assert any("Weights are simulated; configs, math and counts are real" in i.value for i in at.info)
    assert at.query_params["preset"] == ["mixtral-8x7b"] or at.query_params["preset"] == "mixtral-8x7b"


def test_changing_preset_updates_the_grid():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    z8 = arr(chart(at, "moe_chart_grid")["data"][0]["z"])
    assert z8.shape[0] == 32
    at.selectbox(key="moe_preset").set_value("deepseek-v3").run()
    assert not at.exception, at.exception
    z = arr(chart(at, "moe_chart_grid")["data"][0]["z"])
    assert z.shape[0] == 61                                  # 61 layers, the first 3 dense (blank)
    assert np.isnan(z[:3]).all() and np.nanmax(z[3:]) < 256 and not np.isnan(z[3:]).any()
    assert "deepseek-v3" in str(at.query_params["preset"])


def test_seed_and_family_override():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    z0 = arr(chart(at, "moe_chart_grid")["data"][0]["z"])
    at.number_input(key="moe_seed").set_value(7).run()
    assert not np.array_equal(arr(chart(at, "moe_chart_grid")["data"][0]["z"]), z0)
    at.selectbox(key="moe_family").set_value("switch")
    at.session_state["moe_tab"] = "Gate weights"   # tabs are lazy: only the open tab's charts are built
    at.run()
    assert not at.exception, at.exception
    with pytest.raises(KeyError):
        at.get_by_key("moe_chart_grid")                      # the closed tab sent nothing
    gates = chart(at, "moe_chart_gates")["data"]
    assert len(gates) == 1                                   # top-1, no shared expert


def test_url_preset_is_read():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["preset"] = "dbrx"
    at.query_params["seed"] = "3"
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="moe_preset").value == "dbrx" and at.number_input(key="moe_seed").value == 3


def test_url_opens_a_tab_and_a_bad_tab_falls_back():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["moe_tab"] = "Parameters & compute"
    at.run()
    assert not at.exception, at.exception
    assert chart(at, "moe_chart_breakdown")["data"]           # the linked tab's chart is there
    with pytest.raises(KeyError):
        at.get_by_key("moe_chart_grid")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["moe_tab"] = "<script>nope</script>"
    at.run()
    assert not at.exception, at.exception
    assert chart(at, "moe_chart_grid")["data"]                # unknown tab: the first one
