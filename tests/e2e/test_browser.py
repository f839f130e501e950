"""Every page in real Chromium: renders, draws its charts, no console errors, no exception box."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.test_pages import registered_pages
from tests.e2e.conftest import ARTIFACTS, READY_JS

# Offline noise only: favicon fetches for material icons, and deep-link probes of /<page>/_stcore/*.
IGNORED = re.compile(r"fonts\.gstatic\.com|/_stcore/(host-config|health)|ERR_NAME_NOT_RESOLVED")
PAGES_WITHOUT_CHARTS = {"pages/data.py", "pages/compare.py"}


def url_path(page_file: str) -> str:
    import ast
    from pathlib import Path
    tree = ast.parse((Path(__file__).resolve().parents[2] / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            for elt in node.value.elts:
                if elt.elts[0].value == page_file:
                    return elt.elts[3].value
    raise KeyError(page_file)


@pytest.fixture
def console_errors(page: Page):
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} @ {m.location.get('url')}"))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    return errors


def wait_ready(page: Page) -> None:
    expect(page.locator("h1").first).to_be_visible(timeout=30_000)
    page.wait_for_function(READY_JS, timeout=30_000)


def assert_clean(page: Page, errors: list[str]) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, "Streamlit exception box on the page"
    real = [e for e in errors if not IGNORED.search(e)]
    assert real == [], real


def plot_points(page: Page) -> int:
    """Points as plotly.js laid them out (a heatmap has no _length: count its rows of z)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(gd => (gd._fullData || []).reduce((s, t) => s + (t._length || (t.z ? t.z.length : 0) || 0), 0))"
        ".reduce((a, b) => a + b, 0)")


@pytest.mark.parametrize("page_file", registered_pages())
def test_page_by_url(page: Page, app_url, console_errors, page_file):
    path = url_path(page_file)
    page.goto(f"{app_url}/{'' if path == 'home' else path}")
    wait_ready(page)
    if page_file not in PAGES_WITHOUT_CHARTS:
        expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible(timeout=30_000)
        expect(page.locator(".main-svg").first).to_be_attached()
        assert plot_points(page) > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{path}.png"), full_page=True)
    assert_clean(page, console_errors)


def test_data_page_through_the_sidebar(page: Page, app_url, console_errors):
    page.goto(app_url + "/")
    wait_ready(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Data").click()
    expect(page.get_by_role("heading", name="Data")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=30_000)
    assert_clean(page, console_errors)


def test_data_page_downloads_every_filtered_row(page: Page, app_url, console_errors):
    """The CSV is built only on click (deferred): it must still hold every row the filters keep."""
    import csv
    import io

    page.goto(app_url + "/data?arch=moe")
    wait_ready(page)
    shown = page.get_by_text(re.compile(r"^\d+ of \d+ models")).first.inner_text()
    n_rows = int(shown.split()[0])
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    assert len(rows) == n_rows > 0
    assert {r["architecture"] for r in rows} == {"moe"}
    assert_clean(page, console_errors)


def test_filter_lands_in_the_url_and_reopens(page: Page, app_url, console_errors):
    page.goto(app_url + "/?arch=moe")
    wait_ready(page)
    moe_count = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.goto(app_url + "/")
    wait_ready(page)
    all_count = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert int(moe_count) < int(all_count)
    assert_clean(page, console_errors)


@pytest.mark.parametrize(("path", "heading"), [
    ("/licenses?arch=moe", "Licenses"),
    ("/moe?preset=deepseek-v3", "MoE routing"),  # a page that needs no catalog calls the guard itself
])
def test_deep_link_on_a_fresh_server_runs_inside_the_app_frame(browser, path, heading):
    """The first request after a server start is a deep link (a shared URL after a Cloud wake-up)."""
    from tests.e2e.conftest import start_streamlit, stop
    proc, url = start_streamlit()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + path)
        wait_ready(page)
        expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
        # the app frame ran: our registered navigation and the shared filters are there
        expect(page.locator('[data-testid="stSidebar"]').get_by_text("Filters", exact=True)).to_be_visible()
        assert page.locator('[data-testid="stSidebarNav"] a', has_text="Size vs score").count() == 1
        page.close()
    finally:
        stop(proc)


def test_size_scores_table_is_built_when_its_expander_opens(page: Page, app_url, console_errors):
    """The table under Size vs score is lazy: no grid while the chart loads; opening the expander shows it."""
    page.goto(app_url + "/size")
    wait_ready(page)
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_attached(timeout=30_000)
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    page.get_by_text("plotted scores, with sources").click()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=30_000)
    assert_clean(page, console_errors)
