"""Regenerate the screenshot gallery (docs/screenshots/): every page at 1280 px (normal) and at
1920×1080 in talk mode, from a real Streamlit server in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--pages home data ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, READY_JS, start_streamlit, stop  # noqa: E402

PAGES = ["home", "timeline", "size", "licenses", "architecture", "compare", "moe", "reasoning", "data"]


def wait_ready(page) -> None:
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_function(READY_JS, timeout=60_000)
    # Every chart painted (Plotly draws after the script run ends; on a busy machine that takes seconds).
    # (A page without charts, e.g. Data, times out here and is shot as it is.)
    try:
        page.wait_for_function("() => { const c = [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')];"
                               " return c.length > 0 && c.every(x => x.querySelector('.main-svg')); }",
                               timeout=30_000, polling=200)
    except PlaywrightTimeout:
        pass
    page.wait_for_timeout(1500)  # let plotly finish its transitions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--pages", nargs="*", default=PAGES)
    ap.add_argument("--query", default="", help="extra query string, e.g. 'arch=moe'")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    proc, url = start_streamlit()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for mode, viewport, extra in (("normal", {"width": 1280, "height": 2000}, ""),
                                          ("talk", {"width": 1920, "height": 1080}, "talk=1")):
                ctx = browser.new_context(viewport=viewport)
                page = ctx.new_page()
                for name in args.pages:
                    query = "&".join(q for q in (extra, args.query) if q)
                    page.goto(f"{url}/{'' if name == 'home' else name}" + (f"?{query}" if query else ""))
                    wait_ready(page)
                    path = args.out / f"{name}_{mode}.png"
                    page.screenshot(path=str(path), full_page=(mode == "normal"))
                    print(path)
                ctx.close()
            browser.close()
    finally:
        stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
