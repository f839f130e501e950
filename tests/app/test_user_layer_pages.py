"""AppTest: a model uploaded in this session (session_state, as the Data page keeps it) is drawn on the
timeline and architecture charts as one "Your models" layer, its name escaped; without an upload there is
no such layer. Data-agnostic (works on the shipped or the fixture catalog)."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest

from components.catalog.loader import load_catalog
from components.catalog.upload import parse_upload
from components.ui.sidebar import USER_MODELS_KEY
from tests.app.test_pages import APP, TIMEOUT, values
from tests.conftest import FIXTURE_CATALOG

NAME = "<b>Mine</b><script>"
UPLOAD = ("id,name,organization,release_date,weights,license,architecture,kind,params_total_b,params_active_b,"
          "experts_total,experts_active,context_length,vocab_size,hidden_size\n"
          f"mine,{NAME},My Lab,2023-06-15,open,apache-2.0,moe,base,40,8,8,2,65536,128000,5120\n")
# (page, tab to open or None) -> chart keys; the Architecture page builds only its open tab (?arch_tab=...)
CHARTS = {("pages/timeline.py", None): ["tl_releases"],
          ("pages/architecture.py", "Vocabulary"): ["arch_vocab_chart", "arch_share_chart"],
          ("pages/architecture.py", "Context length"): ["arch_context_chart"],
          ("pages/architecture.py", "Model sizes"): ["arch_params_chart"]}
TAB_KEYS = {"pages/architecture.py": "arch_tab"}


@pytest.fixture(scope="module")
def uploaded():
    r = parse_upload("mine.csv", UPLOAD.encode(), load_catalog(FIXTURE_CATALOG))
    assert r.fatal is None and not r.errors
    return r.models


def run_with(page: str, models, tab: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if models is not None:
        at.session_state[USER_MODELS_KEY] = models
    at.run()
    at.switch_page(page).run()
    if tab is not None:
        at.session_state[TAB_KEYS[page]] = tab
        at.run()
    assert not at.exception, at.exception
    return at


def user_layers(at, key: str) -> list[dict]:
    spec = json.loads(at.get_by_key(key).proto.spec)
    return [t for t in spec["data"] if t.get("name") == "Your models"]


@pytest.mark.parametrize("page,tab", list(CHARTS))
def test_upload_is_one_layer_on_every_point_chart(page, tab, uploaded):
    at = run_with(page, uploaded, tab)
    for key in CHARTS[page, tab]:
        layers = user_layers(at, key)
        assert len(layers) == 1, key
        assert int(np.isfinite(values(layers[0]["y"]).astype(float)).sum()) == 1, key
        card = layers[0]["hovertext"][0]
        assert html.escape(NAME, quote=False) in card and "<script>" not in card, key


@pytest.mark.parametrize("page,tab", list(CHARTS))
def test_no_layer_without_an_upload(page, tab):
    at = run_with(page, None, tab)
    for key in CHARTS[page, tab]:
        assert not user_layers(at, key), key
