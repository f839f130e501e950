"""Injection in real Chromium: names from an upload and values from the URL are shown as text, never run.

Each test watches the page for
- dialogs (alert/confirm/prompt) — any dialog is a script that ran;
- elements a payload would create (img[src=x], svg[onload], on* attributes, iframes, javascript: or
  evil.invalid links, images from evil.invalid), both in the final DOM and, through a MutationObserver
  installed before the app loads, anything added and removed again in between;
- requests that leave the machine (all aborted; only the offline favicon noise is tolerated);
- console errors beyond the offline noise of test_browser.IGNORED, and Streamlit exception boxes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from components.catalog.frame import MODEL_COLUMNS
from tests.app.test_pages import registered_pages
from tests.e2e.conftest import READY_JS
from tests.e2e.test_browser import IGNORED, url_path

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS_URL = "javascript:alert(1)"
MD_JS_LINK = "[x](javascript:alert(1))"
MD_IMAGE = "![x](https://evil.invalid/a.png)"
MD_LINK = "[click me](https://evil.invalid/phish)"
HTML_LINK = "<a href=javascript:alert(1)>y</a>"
IFRAME = "<iframe src=javascript:alert(1)></iframe>"
PLOTLY_LINK = '<a href="https://evil.invalid/p">plotly link</a>'
HTML_PAYLOADS = [SCRIPT, IMG, SVG, JS_URL, HTML_LINK, IFRAME, PLOTLY_LINK]
MARKDOWN_PAYLOADS = [MD_JS_LINK, MD_IMAGE, MD_LINK]
PAYLOADS = HTML_PAYLOADS + MARKDOWN_PAYLOADS
FAMILY_TAG = "zzinjectionfamily"  # searchable marker shared by every uploaded row

# Installed before any page script: records every suspicious element the moment it is added.
OBSERVER_JS = r"""
(() => {
  window.__injected = [];
  const bad = (el) => {
    if (!(el instanceof Element)) return null;
    const tag = el.tagName.toLowerCase();
    const href = el.getAttribute('href') || el.getAttribute('xlink:href') || '';
    const src = el.getAttribute('src') || '';
    if (tag === 'script' && /alert\(1\)/.test(el.textContent + src)) return 'script';
    if (['iframe', 'object', 'embed'].includes(tag)) return tag;
    if (tag === 'img' && (src === 'x' || /evil\.invalid/.test(src))) return 'img';
    if ([...el.attributes].some(a => /^on/i.test(a.name))) return 'on* attribute';
    if (/^\s*javascript:/i.test(href) || /^\s*javascript:/i.test(src)) return 'javascript: url';
    if (/evil\.invalid/.test(href + src)) return 'evil.invalid url';
    return null;
  };
  const scan = (root) => {
    for (const el of [root, ...(root.querySelectorAll ? root.querySelectorAll('*') : [])]) {
      const why = bad(el);
      if (why) window.__injected.push(why + ': ' + el.outerHTML.slice(0, 160));
    }
  };
  new MutationObserver(muts => {
    for (const m of muts) {
      if (m.type === 'attributes') scan(m.target);
      else m.addedNodes.forEach(n => n instanceof Element && scan(n));
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['src', 'href', 'xlink:href', 'onload', 'onerror', 'onclick']});
})();
"""
# The same checks on the DOM as it is now.
DOM_SCAN_JS = r"""
() => {
  const out = [];
  const q = (sel) => [...document.querySelectorAll(sel)];
  q('img[src="x"], svg[onload], iframe, object, embed').forEach(e => out.push(e.outerHTML.slice(0, 160)));
  q('*').forEach(e => { if ([...e.attributes].some(a => /^on/i.test(a.name))) out.push(e.outerHTML.slice(0, 160)); });
  q('a, area, img, image, source').forEach(e => {
    const u = e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('src') || '';
    if (/^\s*javascript:/i.test(u) || /evil\.invalid/.test(u)) out.push(e.outerHTML.slice(0, 160));
  });
  q('script').forEach(s => { if (/alert\(1\)/.test(s.textContent + (s.getAttribute('src') || ''))) out.push('script'); });
  return out;
}
"""
# Cold page runs take 30+ s on a busy 2-core machine; a payload must not pass because a page timed out.
WAIT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "120000"))
LOOPBACK = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]")
OFFLINE_NOISE = re.compile(r"^https://fonts\.gstatic\.com/")


@dataclass
class Watch:
    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        injected = self.page.evaluate("() => window.__injected || []") + self.page.evaluate(DOM_SCAN_JS)
        found = {
            "dialogs": self.dialogs,
            "injected elements": sorted(set(injected)),
            "external requests": [u for u in self.external if not OFFLINE_NOISE.search(u)],
            "console errors": [e for e in self.errors
                               if not IGNORED.search(e) and not OFFLINE_NOISE.search(e.rsplit(" @ ", 1)[-1])],
            "exception boxes": self.page.locator('[data-testid="stException"]').all_inner_texts(),
        }
        return {k: v for k, v in found.items() if v}


@pytest.fixture
def watch(page: Page) -> Watch:
    w = Watch(page)
    page.on("dialog", lambda d: (w.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("console", lambda m: m.type == "error" and w.errors.append(f"{m.text} @ {m.location.get('url')}"))
    page.on("pageerror", lambda e: w.errors.append(f"pageerror: {e}"))

    def block(route):
        w.external.append(route.request.url)
        route.abort()

    page.route(lambda url: not LOOPBACK.match(url) and not url.startswith(("data:", "blob:")), block)
    page.add_init_script(OBSERVER_JS)
    return w


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MODEL_COLUMNS)
    writer.writeheader()
    base = {c: "" for c in MODEL_COLUMNS} | {
        "family": FAMILY_TAG, "release_date": dt.date.today().strftime("%Y-%m"), "weights": "open", "license": "apache-2.0",
        "architecture": "dense", "params_total_b": "7", "context_length": "32768", "modalities_in": "text",
        "kind": "instruct"}
    for row in rows:
        writer.writerow(base | row)
    return buf.getvalue().encode()


def hostile_rows() -> list[dict]:
    """One row per payload as the name; organizations get the payloads shifted by one."""
    return [{"id": f"inj-{i}", "name": p, "organization": PAYLOADS[(i + 1) % len(PAYLOADS)],
             "params_total_b": str(3 + 5 * i)} for i, p in enumerate(PAYLOADS)]


def grid_text(page: Page) -> str:
    """Text of the data grids (glide-data-grid draws on canvas; its accessibility table holds the cells)."""
    return "\n".join(page.locator('[data-testid="stDataFrame"] table').all_text_contents())


def open_uploader(page: Page, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_text("Add your own models").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))


def wait_ready(page: Page) -> None:
    expect(page.locator("h1").first).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function(READY_JS, timeout=WAIT_MS)


def go(page: Page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_timeout(300)  # let the rerun start before waiting for it to finish
    wait_ready(page)


def test_uploaded_payloads_stay_text_on_every_page(page: Page, app_url, watch: Watch, tmp_path):
    page.goto(app_url + "/")
    wait_ready(page)
    go(page, "Data")
    open_uploader(page, tmp_path, "hostile.csv", _csv(hostile_rows()))
    expect(page.get_by_text(f"{len(PAYLOADS)} of {len(PAYLOADS)} rows added as your models")).to_be_visible(
        timeout=WAIT_MS)
    wait_ready(page)
    assert watch.problems() == {}

    # Only the uploaded rows, then every payload must be in the grid verbatim (names carry a ★ prefix).
    search = page.get_by_role("textbox", name="Search")
    search.fill(FAMILY_TAG)
    search.press("Enter")
    expect(page.get_by_text(re.compile(rf"^{len(PAYLOADS)} of \d+ models"))).to_be_visible(timeout=WAIT_MS)
    wait_ready(page)
    expect(page.locator('[data-testid="stDataFrame"] table').first).to_contain_text(f"★ {PAYLOADS[0]}",
                                                                                    timeout=WAIT_MS)
    text = grid_text(page)
    missing = [p for p in PAYLOADS if p not in text]
    assert not missing, f"payloads not shown as text in the Data grid: {missing}\n{text[:2000]}"
    assert watch.problems() == {}

    # The session's models are on every page; none of them may turn into markup there.
    for title in ["Home", "Timeline", "Size vs score", "Licenses", "Architecture", "Compare", "MoE routing",
                  "Reasoning & GRPO", "Data"]:
        if page.locator('[data-testid="stSidebarNav"] a', has_text=title).count() == 0:
            continue
        go(page, title)
        if title == "Home":  # "Newest releases" lists the uploaded rows (the newest dates), as text
            expect(page.locator('[data-testid="stDataFrame"] table').first).to_contain_text(
                re.compile("|".join(map(re.escape, PAYLOADS))), timeout=WAIT_MS)
        assert watch.problems() == {}, f"on {title}"


def test_duplicate_ids_message_shows_ids_as_text(page: Page, app_url, watch: Watch, tmp_path):
    """The one-line error for duplicate ids quotes the ids: they must not become markdown/HTML."""
    rows = [{"id": p, "name": f"dup {i}"} for i, p in enumerate([MD_IMAGE, MD_IMAGE, IMG, IMG, SVG, SVG])]
    page.goto(app_url + "/")
    wait_ready(page)
    go(page, "Data")
    open_uploader(page, tmp_path, "dupes.csv", _csv(rows))
    alert = page.locator('[data-testid="stAlert"]', has_text="duplicate ids")
    expect(alert).to_be_visible(timeout=WAIT_MS)
    wait_ready(page)
    message = alert.inner_text()
    problems = watch.problems()
    assert problems == {}, problems
    assert IMG in message and MD_IMAGE in message, message


def test_invalid_rows_report_shows_values_as_text(page: Page, app_url, watch: Watch, tmp_path):
    """Rows that fail validation are listed with their reason; quoted values stay text."""
    rows = [{"id": f"bad-{i}", "name": p, "license": p, "params_total_b": p}
            for i, p in enumerate([SCRIPT, IMG, MD_IMAGE])]
    page.goto(app_url + "/")
    wait_ready(page)
    go(page, "Data")
    open_uploader(page, tmp_path, "invalid.csv", _csv(rows))
    expect(page.get_by_text("problems in 3 rows", exact=False)).to_be_visible(timeout=WAIT_MS)
    wait_ready(page)
    assert watch.problems() == {}


def url_params(payloads: list[str], shift: int = 0) -> list[tuple[str, str]]:
    """Every URL key the pages read, plus unknown and repeated keys, each with one of the payloads."""
    keys = ["org", "weights", "tier", "arch", "mod", "from", "to", "smin", "smax", "q", "lanes", "color",
            "asof", "bench", "spot", "size", "rows", "lic", "commercial", "per", "models", "grain", "count",
            "group", "arch_orgs", "arch_fams", "preset", "seed", "G", "normalize", "talk", "dark"]
    params = [(k, payloads[(i + shift) % len(payloads)]) for i, k in enumerate(keys)]
    params += [("org", payloads[shift % len(payloads)]), ("models", payloads[(shift + 1) % len(payloads)]),
               (payloads[(shift + 2) % len(payloads)], payloads[(shift + 3) % len(payloads)])]
    return params


@pytest.mark.parametrize("page_file", registered_pages())
def test_html_and_markdown_payloads_in_url_stay_text(page: Page, app_url, watch: Watch, page_file):
    """One link per page carrying every HTML/JS and markdown payload on some parameter."""
    path = url_path(page_file)
    params = url_params(MARKDOWN_PAYLOADS + HTML_PAYLOADS)
    page.goto(f"{app_url}/{'' if path == 'home' else path}?{urlencode(params)}")
    wait_ready(page)
    page.wait_for_timeout(500)
    problems = watch.problems()
    assert problems == {}, problems
    # Where a page quotes an ignored value back, it must quote it verbatim.
    notices = [c for c in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
               if re.search(r"link parameters? (was |were )?ignored", c, re.IGNORECASE)]
    for notice in notices:
        assert any(p in notice for p in MARKDOWN_PAYLOADS + HTML_PAYLOADS), notice[:1500]
