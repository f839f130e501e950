"""Every page opened the way a person does: from Home, through the sidebar's navigation, in one browser tab.
Per page: the URL path, the page's heading, every chart drawn with points and followed by its CSV button,
no exception box, no console error. On the way, two downloads: a chart's CSV (rows = the points the
browser drew) and the share popover's link (= the browser's address) and QR PNG."""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, READY_JS
from tests.e2e.test_browser import PAGES_WITHOUT_CHARTS, assert_clean, console_errors  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
NAV = '[data-testid="stSidebarNav"] a'
CHART = '[data-testid="stPlotlyChart"]'
CSV_BUTTON = '[data-testid="stDownloadButton"]'
TIMEOUT = 60_000  # generous: a machine shared with other test runs can take long for a cold page
# After a click in the nav the script runs while the old "not running" state may still show for a moment,
# and the status widget appears only after a delay: so wait for the new page's heading first, then for
# the app's own run state (the attribute Streamlit's e2e suite waits on) and the charts' layout.
RUN_DONE_JS = f"""() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
  && ({READY_JS})()"""
# Points per chart as plotly.js laid them out (heatmaps: rows of z).
POINTS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(gd =>
  (gd._fullData || []).reduce((s, t) => s + (t._length || (t.z ? t.z.length : 0) || 0), 0))"""
# Points of the traces a person can hover: what the CSV holds (hover-less traces are decoration).
DATA_POINTS_JS = """() => { const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  return gd._fullData.filter(t => t.visible === true && !['skip', 'none'].includes(t.hoverinfo))
    .reduce((s, t) => s + t._length, 0); }"""


def app_pages() -> list[tuple[str, str, str]]:
    """(file, nav title, url path) from app.py's PAGES, in sidebar order."""
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            rows = [tuple(e.value for e in elt.elts) for elt in node.value.elts]
            return [(f, title, path) for f, title, _icon, path in rows if (ROOT / f).exists()]
    raise AssertionError("PAGES not found in app.py")


def expected_heading(page_file: str) -> str | None:
    """The page's st.title(...) text when the source gives it as a literal (or a module constant)."""
    tree = ast.parse((ROOT / page_file).read_text())
    consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
              for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "title"
                and node.args):
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                return arg.value
            if isinstance(arg, ast.Name):
                return consts.get(arg.id)
    return None


def nav_link(page: Page, title: str):
    # The link's text also holds the icon's ligature name ("scatter_plot\n\nSize vs score").
    return page.locator(NAV).filter(has=page.get_by_text(title, exact=True))


def on_path(path: str):
    want = {"/", "/home"} if path == "home" else {f"/{path}"}
    return lambda url: urlparse(url).path in want


def check_page(page: Page, page_file: str, title: str, path: str, errors: list[str]) -> None:
    page.wait_for_url(on_path(path), timeout=TIMEOUT)
    expect(nav_link(page, title)).to_have_attribute("aria-current", "page", timeout=TIMEOUT)
    heading = expected_heading(page_file)
    h1 = page.get_by_role("heading", name=heading, exact=True) if heading else page.locator("h1").first
    expect(h1).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(RUN_DONE_JS, timeout=TIMEOUT)
    points = page.evaluate(POINTS_JS)
    if page_file not in PAGES_WITHOUT_CHARTS:
        assert points, f"{title}: no chart"
    assert all(n > 0 for n in points), f"{title}: a chart without points {points}"
    csv_buttons = page.locator(CSV_BUTTON).filter(has_text="Download data (CSV)")
    assert csv_buttons.count() == len(points), f"{title}: {len(points)} charts, {csv_buttons.count()} CSV buttons"
    assert_clean(page, errors)


def check_chart_csv(page: Page, path: str) -> None:
    """The first chart's CSV: dated file name, and one row per hoverable point the browser drew."""
    with page.expect_download() as dl:
        page.locator(CSV_BUTTON).filter(has_text="Download data (CSV)").first.click()
    download = dl.value
    # <page>_<view>_<date>.csv, as the modebar PNG (the page slug may be longer: "size-vs-score")
    assert re.fullmatch(rf"{path}[a-z0-9-]*_[a-z0-9-]+_\d{{4}}-\d{{2}}-\d{{2}}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == page.evaluate(DATA_POINTS_JS) > 0
    assert rows[0]["trace"]


def check_share(page: Page, path: str) -> None:
    """The share popover's link is the address in the browser; its QR downloads as a PNG."""
    # get_by_role skips the popover's hidden twin button (Streamlit renders one for measuring the label)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Share this view").click()
    body = page.locator('[data-testid="stPopoverBody"]')
    expect(body.locator("img")).to_be_visible(timeout=TIMEOUT)
    assert body.locator("code").inner_text().strip() == page.url
    with page.expect_download() as dl:
        body.get_by_role("button", name="Download QR code (PNG)").click()
    assert dl.value.suggested_filename == f"{path}_qr.png"
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"share-{path}.png"))
    page.keyboard.press("Escape")
    expect(body).to_be_hidden(timeout=TIMEOUT)


def test_every_page_through_the_sidebar(page: Page, app_url, console_errors):  # noqa: F811
    pages = app_pages()
    home_file, home_title, home_path = pages[0]
    assert home_path == "home"
    page.set_default_timeout(TIMEOUT)  # clicks and downloads too
    page.goto(app_url + "/")
    check_page(page, home_file, home_title, home_path, console_errors)
    check_share(page, home_path)
    for page_file, title, path in [*pages[1:], pages[0]]:  # every other page, then back Home
        nav_link(page, title).click()
        check_page(page, page_file, title, path, console_errors)
        if path == "size":
            check_chart_csv(page, path)
            check_share(page, path)
    assert_clean(page, console_errors)
