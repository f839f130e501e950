"""With a Hub snapshot, the Licenses page shows adoption by license tier (and says the snapshot date);
without one it says how to make one. Runs the real app on a copy of the fixture catalog."""

import os
import shutil
import subprocess
import sys

from tests.conftest import FIXTURE_CATALOG, ROOT

SCRIPT = r'''
import json, sys
from streamlit.testing.v1 import AppTest
from tests.unit.test_hub_ui import write
from pathlib import Path
data = Path(sys.argv[1])
if sys.argv[2] == "with":
    write(data)
at = AppTest.from_file("app.py", default_timeout=60)
at.switch_page("pages/licenses.py")
at.run()
specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
titles = [((s.get("layout") or {}).get("title") or {}).get("text") or "" for s in specs]
print(json.dumps({"exc": [e.value for e in at.exception], "titles": titles,
                  "info": [i.value for i in at.info], "captions": [c.value for c in at.caption]}))
'''


def run(tmp_path, mode):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_CATALOG, data)
    env = {**os.environ, "ATLAS_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(data), mode], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    import json
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_licenses_page_shows_adoption_by_tier_from_a_snapshot(tmp_path):
    res = run(tmp_path, "with")
    assert res["exc"] == []
    assert any("download" in t.lower() for t in res["titles"]), res["titles"]
    assert not any("No Hub snapshot yet" in i for i in res["info"])


def test_licenses_page_without_snapshot_says_how_to_make_one(tmp_path):
    res = run(tmp_path, "without")
    assert res["exc"] == []
    assert any("No Hub snapshot yet" in i for i in res["info"])
    assert not any("download" in t.lower() for t in res["titles"])


COMPARE = r'''
import json, sys
from streamlit.testing.v1 import AppTest
from tests.unit.test_hub_ui import write
from pathlib import Path
data = Path(sys.argv[1])
write(data)
at = AppTest.from_file("app.py", default_timeout=60)
at.query_params["models"] = "acme-one/small,acme-one/moe"
at.switch_page("pages/compare.py")
at.run()
print(json.dumps({"exc": [e.value for e in at.exception], "captions": [c.value for c in at.caption]}))
'''


def test_compare_cards_show_hub_numbers(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_CATALOG, data)
    env = {**os.environ, "ATLAS_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", COMPARE, str(data)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    import json
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["exc"] == []
    assert any("1,234 downloads (30 d) · 5 likes" in c for c in res["captions"]), res["captions"]
    assert any("10 downloads (30 d) · likes unknown" in c for c in res["captions"]), res["captions"]
