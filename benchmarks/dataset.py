"""Measure one catalog (run in its own process by `python -m benchmarks`, so caches and memory start clean).

    python -m benchmarks.dataset DATA_DIR OUT.json [--no-browser] [--no-pyyaml]
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR, OUT = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
FLAGS = set(sys.argv[3:])
CACHE = Path(tempfile.mkdtemp(prefix="atlas-bench-cache-"))
os.environ["ATLAS_DATA_DIR"] = str(DATA_DIR)  # before the app's modules read it
os.environ["ATLAS_CACHE_DIR"] = str(CACHE)
sys.path.insert(0, str(ROOT))

from benchmarks.apptest_util import FIRST_CHART_ROUNDS, RERUNS, share_script_cache
from components.catalog.cache import build_frames, load_frames
from components.catalog.yaml_lines import fast_parser_name

APP = str(ROOT / "app.py")
FLOOR = str(ROOT / "benchmarks" / "floor_page.py")
TIMEOUT = 600  # AppTest script runs
DEFAULT_PAGE_URL = "home"  # app.py's default page (st.Page(default=True))
BROWSER_TIMEOUT_MS = 120_000  # one navigation or wait in Chromium


def log(msg: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {DATA_DIR.name}: {msg}", file=sys.stderr, flush=True)
result: dict = {"data_dir": str(DATA_DIR)}


def save() -> None:
    OUT.write_text(json.dumps(result, indent=1, default=str))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


# ---------------------------------------------------------------- load + validate, cached load
def measure_load() -> None:
    os.environ["ATLAS_YAML_PARSER"] = ""
    cold, frames = timed(lambda: build_frames(DATA_DIR))
    result["models"] = len(frames.models)
    result["scores"] = len(frames.scores)
    result["cold_load_s"] = cold
    result["fast_parser"] = fast_parser_name()
    if "--no-pyyaml" not in FLAGS and fast_parser_name() == "yaml_rs":
        os.environ["ATLAS_YAML_PARSER"] = "pyyaml"
        result["cold_load_pyyaml_s"] = timed(lambda: build_frames(DATA_DIR))[0]
        os.environ["ATLAS_YAML_PARSER"] = ""
    os.environ["ATLAS_FAST_LOAD"] = "0"
    if "--no-careful" not in FLAGS:
        result["cold_load_careful_s"] = timed(lambda: build_frames(DATA_DIR))[0]
    os.environ["ATLAS_FAST_LOAD"] = "1"
    first, (_, status) = timed(lambda: load_frames(DATA_DIR, CACHE))
    result["cache_store_s"], result["cache_store_status"] = first, status
    hits = []
    for _ in range(3):
        t, (_, status) = timed(lambda: load_frames(DATA_DIR, CACHE))
        hits.append(t)
    result["cached_load_s"], result["cached_status"] = min(hits), status
    save()


# ---------------------------------------------------------------- AppTest: every page, and the floor
def n_points(spec: dict) -> int:
    total = 0
    for tr in spec.get("data", []):
        for axis in ("x", "y", "z"):
            v = tr.get(axis)
            if isinstance(v, dict) and "bdata" in v:
                size = {"f8": 8, "f4": 4, "i4": 4, "u4": 4, "i2": 2, "u2": 2, "i1": 1, "u1": 1}.get(v.get("dtype"), 8)
                total += len(base64.b64decode(v["bdata"])) // size
                break
            if isinstance(v, list):
                total += len(v)
                break
    return total


def charts(at) -> tuple[int, int]:
    specs = [el.proto.spec for el in at.get("plotly_chart")]
    return sum(len(s.encode()) for s in specs), sum(n_points(json.loads(s)) for s in specs)


def registered_pages() -> list[tuple[str, str]]:
    import ast

    tree = ast.parse(Path(APP).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            return [(e.elts[0].value, e.elts[3].value) for e in node.value.elts if (ROOT / e.elts[0].value).exists()]
    return []


def measure_pages() -> None:
    from streamlit.testing.v1 import AppTest

    share_script_cache()

    warm = AppTest.from_file(APP, default_timeout=TIMEOUT)
    result["app_warmup_s"] = timed(warm.run)[0]  # fills the process-wide catalog cache
    from components.ui.data import (
        get_tables,  # (the catalog the app just loaded, from the same cache)
    )

    dates = get_tables().models["release_dt"].dropna()
    months = sorted(set(dates.dt.strftime("%Y-%m")))
    pages = {}
    for page, url in registered_pages():
        row: dict = {"file": page}
        try:
            at = AppTest.from_file(APP, default_timeout=TIMEOUT)
            if page == "pages/home.py":  # the app opens on home: that run is home's first
                row["first_s"] = timed(at.run)[0]
            else:
                at.run()
                at.switch_page(page)
                row["first_s"] = timed(at.run)[0]
            row["exception"] = str(at.exception[0].message)[:200] if at.exception else None
            row["payload_bytes"], row["points"] = charts(at)
            # Sidebar filters never seen before (every chart is built), set through session state: after
            # AppTest's switch_page the sidebar widgets are not in its element tree, but the app reads their state
            # as usual. First the architecture filter, then the date range's start moved a month at a time.
            times = []
            at.session_state["f_arch"] = ["dense"]
            times.append(timed(at.run)[0])
            row["filtered_payload_bytes"] = charts(at)[0]
            at.session_state["f_arch"] = []
            for start in months[1:RERUNS]:
                at.session_state["f_dates"] = (start, months[-1])
                times.append(timed(at.run)[0])
            row["rerun_s"], row["rerun_max_s"], row["reruns"] = statistics.median(times), max(times), len(times)
            at.session_state["f_dates"] = (months[0], months[-1])
            row["rerun2_s"] = timed(at.run)[0]
            row["rerun_payload_bytes"] = charts(at)[0]
        except Exception as e:  # noqa: BLE001 - a page that fails is reported, the benchmark goes on
            row["error"] = f"{type(e).__name__}: {e}"[:300]
        # the floor: the same number of points, no app frame
        try:
            fl = AppTest.from_file(FLOOR, default_timeout=TIMEOUT)
            fl.query_params["n"] = str(max(row.get("points", 0), 1))
            fl.run()
            row["floor_first_s"] = timed(fl.run)[0]
            floor_times = []
            for i in range(RERUNS):
                fl.selectbox(key="floor_pick").set_value("ab"[(i + 1) % 2])
                floor_times.append(timed(fl.run)[0])
            row["floor_rerun_s"] = statistics.median(floor_times)
            row["floor_payload_bytes"] = charts(fl)[0]
        except Exception as e:  # noqa: BLE001
            row["floor_error"] = f"{type(e).__name__}: {e}"[:300]
        pages[url] = row
        log(f"page {url}: first {row.get('first_s', 0):.2f}s rerun {row.get('rerun_s', 0) or 0:.2f}s")
        result["pages"] = pages
        save()


# ---------------------------------------------------------------- server RSS and browser time to first chart
CHART_JS = "() => !!document.querySelector('[data-testid=\"stPlotlyChart\"] .main-svg')"


def page_url(app_url: str, url_path: str) -> str:
    """The address a visitor opens for a page: the default page (Home) lives at the root. Its url_path ("/home") is
    not a page address: Streamlit would show "page not found" and then run the default page, which a first-chart
    time must not include."""
    return f"{app_url}/" if url_path == DEFAULT_PAGE_URL else f"{app_url}/{url_path}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_browser() -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop

    env = {"ATLAS_DATA_DIR": str(DATA_DIR), "ATLAS_CACHE_DIR": str(CACHE)}
    app, app_url = start_streamlit("app.py", env=env)
    bare, bare_url = start_streamlit("benchmarks/floor_page.py", env=env)
    out: dict = {"rss_start_mb": rss_mb(app.pid)}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            visits = {}
            for _page, url in registered_pages():
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                pg = ctx.new_page()
                t = time.perf_counter()
                pg.goto(page_url(app_url, url), timeout=BROWSER_TIMEOUT_MS)
                try:
                    pg.wait_for_function("() => document.querySelector('h1') && "
                                         "!document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                         timeout=BROWSER_TIMEOUT_MS, polling=100)
                    visits[url] = time.perf_counter() - t
                except Exception as e:  # noqa: BLE001
                    visits[url] = f"{type(e).__name__}"
                log(f"visited {url}: {visits[url]}")
                ctx.close()
            out["visit_s"] = visits
            out["rss_after_all_pages_mb"] = rss_mb(app.pid)

            def first_chart(url: str) -> float | None:
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                pg = ctx.new_page()
                t = time.perf_counter()
                pg.goto(url, timeout=BROWSER_TIMEOUT_MS)
                try:
                    pg.wait_for_function(CHART_JS, timeout=BROWSER_TIMEOUT_MS, polling=50)
                    return time.perf_counter() - t
                except Exception as e:  # noqa: BLE001
                    log(f"no chart at {url}: {type(e).__name__}")
                    return None
                finally:
                    ctx.close()

            targets = {"bare": f"{bare_url}/?n=1000", "home": page_url(app_url, "home"),
                       "size": page_url(app_url, "size")}
            for url in targets.values():
                first_chart(url)  # warm both servers' caches (and the browser's HTTP cache, as for the rest)
            # Round robin, FIRST_CHART_ROUNDS times: a slow spell of the machine hits every target alike, which
            # measuring one target's runs back to back does not give (the ratio moved by 0.3 between runs).
            samples: dict[str, list[float]] = {name: [] for name in targets}
            for _ in range(FIRST_CHART_ROUNDS):
                for name, url in targets.items():
                    if (took := first_chart(url)) is not None:
                        samples[name].append(took)
            chart = {name: statistics.median(ts) if ts else None for name, ts in samples.items()}
            chart["samples"] = samples
            log(f"first chart (median of {FIRST_CHART_ROUNDS}): {chart}")
            out["first_chart_s"] = chart
            out["rss_end_mb"] = rss_mb(app.pid)
            browser.close()
    finally:
        stop(app)
        stop(bare)
    result["browser"] = out
    save()


if __name__ == "__main__":
    result["load_avg_start"] = os.getloadavg()
    measure_load()
    log(f"load: cold {result['cold_load_s']:.2f}s cached {result['cached_load_s']:.3f}s")
    measure_pages()
    if "--no-browser" not in FLAGS:
        try:
            measure_browser()
        except Exception as e:  # noqa: BLE001
            result["browser_error"] = f"{type(e).__name__}: {e}"[:300]
    result["load_avg_end"] = os.getloadavg()
    save()
    import shutil

    shutil.rmtree(CACHE, ignore_errors=True)
