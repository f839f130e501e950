"""Hostile links in real Chromium: every page renders its title and no exception box, whatever the URL says.

The AppTest property tests (tests/app/test_hostile_urls.py) cover many more parameter sets; this checks
the same thing end to end, through the browser's own URL handling (percent-encoding, repeated keys).
"""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from tests.app.test_pages import registered_pages
from tests.e2e.test_browser import url_path
from tests.e2e.test_injection import Watch, wait_ready, watch  # noqa: F401 - fixture

HOSTILE = [
    # unknown values, repeated keys, contradictory and out-of-range values
    ("org", "ghost-lab"), ("org", "meta"), ("org", "meta"), ("weights", "maybe"), ("arch", "moe,dense,moe"),
    ("from", "2999-12"), ("to", "1999-01"), ("smin", "-1"), ("smax", "nan"), ("smin", "1e309"),
    ("models", "nope/nope,mixtral/8x7b,a,b,c,d,e"), ("asof", "2023-13"), ("lanes", ""), ("rows", "%00"),
    ("lic", "../../etc/passwd"), ("preset", "\u202e\u0000"), ("seed", "-99999999999999999999"), ("G", "0"),
    ("normalize", "NaN"), ("talk", "yes"), ("dark", "2"), ("q", "'; DROP TABLE models; --"),
    # an oversized value and an unknown key
    ("spot", "x" * 10_000), ("utm_source", "y"),
]


@pytest.mark.parametrize("page_file", registered_pages())
def test_page_survives_hostile_link(page: Page, app_url, watch: Watch, page_file):  # noqa: F811
    path = url_path(page_file)
    page.goto(f"{app_url}/{'' if path == 'home' else path}?{urlencode(HOSTILE)}")
    wait_ready(page)
    problems = watch.problems()
    assert problems == {}, problems
