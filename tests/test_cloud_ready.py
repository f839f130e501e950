"""Ready for Streamlit Community Cloud: a fresh virtualenv built from requirements.txt ALONE runs every
registered page in AppTest, with no browser, no dev/test package, no network and a data folder it
must not write to. (Slow: about a minute with a warm pip cache.)"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import venv
from pathlib import Path

import pytest

from tests.app.test_pages import registered_pages

ROOT = Path(__file__).resolve().parents[1]
# What the app needs at run time; tests, docs, scripts and the dev tools stay behind.
APP_FILES = ["app.py", "requirements.txt", ".streamlit", "components", "pages", "data"]


def _mark_slow():
    """pytest.mark.slow once pytest.ini registers it (--strict-markers); a no-op until then."""
    try:
        return pytest.mark.slow
    except pytest.fail.Exception:
        return lambda f: f


RUNNER = r'''
"""Run by the fresh venv's python: every page through the real app frame, offline."""
import json, socket, sys

def no_network(*args, **kwargs):
    raise OSError("network access at run time (blocked by test_cloud_ready)")
socket.socket.connect = no_network
socket.socket.connect_ex = no_network
socket.create_connection = no_network
socket.getaddrinfo = no_network

from streamlit.testing.v1 import AppTest

results = {}
for page, params in json.loads(sys.argv[1]):
    at = AppTest.from_file("app.py", default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if not at.exception and page != "pages/home.py":
        at.switch_page(page).run()
    results[page + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")] = {
        "exception": [e.value for e in at.exception],
        "errors": [e.value for e in at.error],
        "title": at.title[0].value if at.title else None,
        "charts": len(at.get("plotly_chart")),
    }
mods = sorted(m for m in sys.modules if m.split(".")[0] in ("playwright", "kaleido", "pytest", "choreographer"))
print(json.dumps({"pages": results, "dev_modules": mods}))
'''


def tree_state(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_read_only(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        mode = p.stat().st_mode
        p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def make_writable(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


@_mark_slow()
def test_fresh_venv_from_requirements_runs_every_page(tmp_path):
    # 1. a copy of the app as Cloud would clone it (runtime files only), data/ read-only
    app = tmp_path / "app"
    app.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "secrets.toml")
    for name in APP_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, app / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, app / name)
    before = tree_state(app / "data")
    make_read_only(app / "data")

    # 2. a fresh venv with requirements.txt alone (pip's cache makes this quick)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py = env_dir / "bin" / "python"
    clean_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(("PYTHON", "VIRTUAL_ENV", "ATLAS_", "BROWSER_PATH", "HF_TOKEN", "PYTEST"))}
    pip = subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                          "--progress-bar", "off", "--no-compile", "-q", "-r", str(app / "requirements.txt")],
                         cwd=app, env=clean_env, capture_output=True, text=True, timeout=600, check=False)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    check = subprocess.run([str(py), "-m", "pip", "check"], env=clean_env, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr

    # 3. every registered page (and talk mode) in AppTest, offline, HOME not shared, no bytecode written
    pages = [(p, {}) for p in registered_pages()] + [("pages/home.py", {"talk": "1"})]
    run_env = {**clean_env, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
               "HF_HOME": str(tmp_path / "hf-home"), "PYTHONDONTWRITEBYTECODE": "1",
               "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    try:
        run = subprocess.run([str(py), "-c", RUNNER, json.dumps(pages)], cwd=app, env=run_env,
                             capture_output=True, text=True, timeout=600, check=False)
    finally:
        make_writable(app / "data")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])

    assert report["dev_modules"] == []  # nothing from the test/dev stack was needed
    assert len(report["pages"]) == len(pages)
    for page, r in report["pages"].items():
        assert r["exception"] == [], (page, r["exception"])
        assert r["errors"] == [], (page, r["errors"])
        assert r["title"], page
    assert sum(r["charts"] for r in report["pages"].values()) > 0
    assert tree_state(app / "data") == before, "the app wrote into data/"
