"""Share and talk, in real Chromium: a sidebar filter updates the chart and the URL, the copied URL
reopens the same view in a fresh browser context, talk mode at 1920×1080 gives a slide-filling chart,
and the modebar's PNG download is 3840×2160 with a page_view_date file name."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, READY_JS

CHART = '[data-testid="stPlotlyChart"]'
# Generous: CI machines shared with other jobs can take a minute for a cold first page.
TIMEOUT = 120_000
# Sum of every bar's height over the page's first chart (the Home page's releases per quarter).
BAR_TOTAL_JS = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  return gd._fullData.filter(t => t.type === 'bar' && t.visible !== false)
    .reduce((s, t) => s + Array.from(t.y || []).reduce((a, v) => a + (Number(v) || 0), 0), 0);
}"""


def wait_ready(page: Page) -> None:
    page.set_default_timeout(TIMEOUT)
    expect(page.locator("h1").first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(READY_JS, timeout=TIMEOUT)


def bar_total(page: Page) -> float:
    page.wait_for_function(f"() => ({BAR_TOTAL_JS})() !== null", timeout=TIMEOUT)
    return page.evaluate(BAR_TOTAL_JS)


def metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def architecture_widget(page: Page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text="Architecture")


def selected_tags(widget) -> list[str]:
    tags = widget.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def pick_moe(page: Page) -> None:
    widget = architecture_widget(page)
    widget.locator("input").click()
    page.locator('[role="option"]', has_text="Mixture of experts").click()
    page.keyboard.press("Escape")


def open_fresh(browser: Browser, url: str, **ctx_args) -> tuple:
    ctx = browser.new_context(**ctx_args)
    page = ctx.new_page()
    page.goto(url)
    wait_ready(page)
    return ctx, page


def test_filter_updates_chart_and_url_and_the_copied_link_reopens_it(page: Page, app_url, browser: Browser,
                                                                     browser_context_args):
    # (a) a filter change updates the chart and lands in the URL
    page.goto(app_url + "/")
    wait_ready(page)
    all_total, all_models = bar_total(page), metric(page, "Model variants")
    assert all_total > 0
    pick_moe(page)
    page.wait_for_url(re.compile(r"[?&]arch=moe\b"), timeout=TIMEOUT)
    page.wait_for_function(f"() => {{ const v = ({BAR_TOTAL_JS})(); return v !== null && v !== {all_total}; }}",
                           timeout=TIMEOUT)
    wait_ready(page)
    moe_total, moe_models = bar_total(page), metric(page, "Model variants")
    assert 0 < moe_total < all_total
    assert int(moe_models) < int(all_models)
    assert metric(page, "Mixture-of-experts") == moe_models  # every model shown is MoE
    assert parse_qs(urlparse(page.url).query)["arch"] == ["moe"]
    assert selected_tags(architecture_widget(page)) == ["Mixture of experts"]

    # (b) the copied link, opened in a fresh context (no shared session), restores the same view
    copied = page.url
    ctx, fresh = open_fresh(browser, copied, **browser_context_args)
    try:
        assert selected_tags(architecture_widget(fresh)) == ["Mixture of experts"]
        assert bar_total(fresh) == moe_total
        assert metric(fresh, "Model variants") == moe_models
        assert parse_qs(urlparse(fresh.url).query)["arch"] == ["moe"]  # and the URL keeps it
    finally:
        ctx.close()


def test_talk_mode_fills_a_1920x1080_frame(app_url, browser: Browser, browser_context_args):
    viewport = {"width": 1920, "height": 1080}
    ctx, page = open_fresh(browser, app_url + "/?talk=1", **{**browser_context_args, "viewport": viewport})
    try:
        # Streamlit's chrome is out of the way: sidebar collapsed, header hidden.
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_have_attribute("data-collapsed", "true")
        box = sidebar.bounding_box()
        assert box is None or box["x"] + box["width"] <= 1, box
        expect(page.locator('header[data-testid="stHeader"]')).to_be_hidden()
        # The talk toggle reflects the URL (the sidebar keeps its state while collapsed).
        expect(page.locator('[data-testid="stSidebar"] .st-key-talk input[type="checkbox"]')).to_be_checked()

        chart = page.locator(CHART).first
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # let plotly settle after the scroll
        cbox = chart.bounding_box()
        assert cbox is not None
        assert cbox["width"] >= 0.85 * viewport["width"], cbox
        assert cbox["height"] >= 0.55 * viewport["height"], cbox
        assert cbox["y"] >= 0 and cbox["y"] + cbox["height"] <= viewport["height"] + 1, cbox  # all of it in frame
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "talk_home_1920x1080.png"
        page.screenshot(path=str(shot))
        assert png_size(shot) == (1920, 1080)
        # Large type reached the browser: the chart's tick labels are slide-sized.
        font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector("
                             "'[data-testid=\"stPlotlyChart\"] .xtick text')).fontSize)")
        assert font >= 18
    finally:
        ctx.close()


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def modebar_download(page: Page, url: str) -> tuple[str, Path]:
    """Open `url`, click the first chart's camera button, save the download: (suggested name, saved path)."""
    page.goto(url)
    wait_ready(page)
    chart = page.locator(CHART).first
    chart.hover()
    button = chart.locator('.modebar-btn[data-title^="Download plot"]')
    expect(button).to_be_visible(timeout=10_000)
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    download = info.value
    ARTIFACTS.mkdir(exist_ok=True)
    dest = ARTIFACTS / f"download_{download.suggested_filename}"
    download.save_as(dest)
    return download.suggested_filename, dest


def test_modebar_png_download_is_slide_sized(page: Page, app_url):
    name, dest = modebar_download(page, app_url + "/")
    assert re.fullmatch(r"home_releases_\d{4}-\d{2}-\d{2}\.png", name), name
    assert png_size(dest) == (3840, 2160)


def test_modebar_svg_download_with_img_svg(page: Page, app_url):
    """?img=svg (or the sidebar switch): the same camera button saves an SVG at slide size."""
    name, dest = modebar_download(page, app_url + "/?img=svg")
    assert re.fullmatch(r"home_releases_\d{4}-\d{2}-\d{2}\.svg", name), name
    head = dest.read_text(encoding="utf-8", errors="replace")[:2000]
    assert "<svg" in head and 'width="1920"' in head and 'height="1080"' in head
