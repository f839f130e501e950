"""AppTest: every chart has its 'Download data (CSV)' button, and the sidebar's 'Share this view' gives the
full link of the current view (page options included) with its QR code."""

import pytest

from tests.app.test_pages import registered_pages, run_page

CSV_LABEL = "Download data (CSV)"


def element_key(el) -> str:
    # Streamlit element ids are "$$ID-<hash>-<user key>"
    return el.proto.id.split("-", 2)[2]


@pytest.mark.parametrize("page", registered_pages())
def test_every_chart_has_a_csv_button_right_after_it(page):
    at = run_page(page)
    charts = at.get("plotly_chart")
    buttons = [b for b in at.get("download_button") if b.proto.label == CSV_LABEL]
    assert len(buttons) == len(charts), f"{page}: {len(charts)} charts, {len(buttons)} CSV buttons"
    assert sorted(element_key(b) for b in buttons) == sorted(f"{element_key(c)}_csv" for c in charts)
    assert all(b.proto.ignore_rerun for b in buttons)  # downloading does not rerun the page
    # (file names and the deferred CSV exist only with a server: tests/e2e/test_sidebar_nav.py checks them)


@pytest.fixture
def page_url(monkeypatch):
    """AppTest has no browser, so st.context.url is None: stand in for the address the browser reports."""
    monkeypatch.setattr("components.ui.share._page_url", lambda: "http://atlas.test/size")


def test_share_popover_without_a_browser_address_says_so():
    at = run_page("pages/home.py")
    assert not at.sidebar.code  # no half-link
    assert any("copy it from the browser's address bar" in c.value for c in at.sidebar.caption)


def test_share_link_carries_the_options_the_page_wrote_in_the_same_run(page_url):
    at = run_page("pages/size.py", {"arch": "moe"})
    assert at.sidebar.code[0].value == "http://atlas.test/size?arch=moe"
    at.radio(key="sz_size").set_value("both").run()
    link = at.sidebar.code[0].value
    # the page writes its size axis to the URL after the sidebar was drawn; the link still has it
    assert link.startswith("http://atlas.test/size?") and "arch=moe" in link and "size=both" in link
    assert [b for b in at.sidebar.get("download_button") if b.key == "share_qr_png"]


def test_an_overlong_link_gets_a_message_not_a_qr_code(page_url):
    at = run_page("pages/home.py", {"note": "x" * 1500})
    assert not at.exception
    assert any("too long" in w.value or "characters long" in w.value for w in at.sidebar.warning)
    assert not [b for b in at.sidebar.get("download_button") if b.key == "share_qr_png"]
