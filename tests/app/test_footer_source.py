"""AppTest: the footer drawn into a chart names the catalog the app runs on — by its folder name (escaped) when
ATLAS_DATA_DIR points elsewhere, never "curated catalog" — and adds "+ your uploads" only when the chart shows
models uploaded in this session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from components.catalog.source import catalog_source
from tests.app.test_pages import APP, TIMEOUT
from tests.conftest import FIXTURE_CATALOG, ROOT

FOOTER_START = "Open LLM Atlas · "
FOLDER = "acme <b>models"  # a company's catalog folder, with markup in its name (a folder name has no "/")

# Runs in a fresh interpreter: ATLAS_DATA_DIR is read when the app's modules are first imported.
SCRIPT = r'''
import json, sys
from streamlit.testing.v1 import AppTest
from components.catalog.loader import load_catalog
from components.catalog.upload import parse_upload
from components.ui.sidebar import USER_MODELS_KEY
from tests.app.test_footer_source import UPLOAD, footers

def run(page, upload=None, talk=False):
    at = AppTest.from_file("app.py", default_timeout=60)
    if talk:
        at.query_params["talk"] = "1"
    if upload is not None:
        at.session_state[USER_MODELS_KEY] = upload
    at.run()
    if page != "pages/home.py":
        at.switch_page(page).run()
    return {"exc": [e.value for e in at.exception], "footers": footers(at)}

upload = parse_upload("mine.csv", UPLOAD.encode(), load_catalog(sys.argv[1])).models
def cite():
    at = AppTest.from_file("app.py", default_timeout=60)
    at.run()
    at.switch_page("pages/data.py").run()
    return [m.value for m in at.markdown if "Cite as" in m.value]

print(json.dumps({"home": run("pages/home.py"), "home_talk": run("pages/home.py", talk=True),
                  "timeline_upload": run("pages/timeline.py", upload), "cite": cite()}))
'''

UPLOAD = ("id,name,organization,release_date,weights,license,architecture,kind,params_total_b,context_length\n"
          "mine,Mine,My Lab,2023-06-15,open,apache-2.0,dense,base,7,8192\n")


def footer(chart) -> str:
    """The footer annotation of one rendered Plotly chart (exactly one)."""
    spec = json.loads(chart.proto.spec)
    texts = [a.get("text", "") for a in spec["layout"].get("annotations", [])
             if a.get("text", "").startswith(FOOTER_START)]
    assert len(texts) == 1, texts
    return texts[0]


def footers(at) -> list[str]:
    """The footer of every Plotly chart on the page."""
    return [footer(el) for el in at.get("plotly_chart")]


def source_words(footer: str) -> str:
    """'Open LLM Atlas · <source> · data <version>' -> '<source>'."""
    return footer[len(FOOTER_START):].rsplit(" · data ", 1)[0]


def run_on_other_catalog(tmp_path) -> dict:
    data = tmp_path / FOLDER
    shutil.copytree(FIXTURE_CATALOG, data)
    env = {**os.environ, "ATLAS_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(data)], check=False, cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_footer_names_another_catalog_folder_and_never_claims_curated(tmp_path):
    res = run_on_other_catalog(tmp_path)
    for view in ("home", "home_talk", "timeline_upload"):
        assert res[view]["exc"] == [], res[view]["exc"]
        assert res[view]["footers"], view
        for footer in res[view]["footers"]:
            assert "curated" not in footer, footer
            assert "<b>" not in footer, footer  # the folder's markup is escaped, not drawn
    assert [source_words(f) for f in res["home"]["footers"]] == ["catalog: acme &lt;b&gt;models"]
    assert [source_words(f) for f in res["home_talk"]["footers"]] == ["catalog: acme &lt;b&gt;models"]
    timeline = [source_words(f) for f in res["timeline_upload"]["footers"]]
    assert "catalog: acme &lt;b&gt;models + your uploads" in timeline, timeline
    # The Data page's citation names the folder too, as literal text (a code span), never "curated".
    [cite] = res["cite"]
    assert "Open LLM Atlas, ` catalog: acme <b>models `, data version" in cite and "curated" not in cite, cite


def run_page(page: str, upload=None):
    from streamlit.testing.v1 import AppTest

    from components.ui.sidebar import USER_MODELS_KEY

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if upload is not None:
        at.session_state[USER_MODELS_KEY] = upload
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_uploads_are_named_only_on_charts_that_show_them():
    from components.catalog.loader import DATA_DIR, load_catalog
    from components.catalog.upload import parse_upload

    upload = parse_upload("mine.csv", UPLOAD.encode(), load_catalog(DATA_DIR)).models
    catalog = catalog_source()
    with_upload = run_page("pages/timeline.py", upload)
    assert source_words(footer(with_upload.get_by_key("tl_releases"))) == catalog + " + your uploads"
    # The upload has no score, so the frontier chart does not show it: no suffix there.
    assert source_words(footer(with_upload.get_by_key("tl_frontier"))) == catalog
    without = run_page("pages/timeline.py")
    assert {source_words(f) for f in footers(without)} == {catalog}


def test_simulations_keep_their_own_source():
    at = run_page("pages/moe.py")
    words = {source_words(f) for f in footers(at)}
    assert words and not any("catalog" in w for w in words), words


def test_charts_that_count_models_say_when_uploads_are_counted():
    """Bars count rows and draw no "Your models" layer: the page tells show_chart that uploads are in the count."""
    from components.catalog.loader import DATA_DIR, load_catalog
    from components.catalog.upload import parse_upload

    upload = parse_upload("mine.csv", UPLOAD.encode(), load_catalog(DATA_DIR)).models
    catalog = catalog_source()
    charts = {"pages/home.py": ["home_releases"], "pages/licenses.py": ["lic_matrix_chart", "lic_tiers_chart"]}
    for page, keys in charts.items():
        with_upload, without = run_page(page, upload), run_page(page)
        for key in keys:
            assert source_words(footer(with_upload.get_by_key(key))) == catalog + " + your uploads", (page, key)
            assert source_words(footer(without.get_by_key(key))) == catalog, (page, key)
