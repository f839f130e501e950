"""'Share this view': the full link to the current view (with a copy button) and its QR code, for a talk's
last slide. Drawn after the page ran, so the link includes the options the page wrote to the URL."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.share import LinkTooLongError, qr_png, qr_svg, view_url


@st.cache_data(max_entries=64, show_spinner=False)
def _qr_svg(url: str) -> str:
    # ~15 ms per new link (segno picks the best mask); reruns with an unchanged URL cost nothing.
    return qr_svg(url)


def _page_url() -> str | None:
    """The page's address in the user's browser (scheme, host, port, page path; no query). None in AppTest
    and in a bare `python app.py` run, where no browser reported it."""
    try:
        return st.context.url
    except Exception:  # noqa: BLE001 - a Streamlit without st.context.url: offer no link rather than crash
        return None


def current_view_url() -> str | None:
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    return view_url(_page_url(), params)


def share_view(where: DeltaGenerator, *, page: str = "view") -> None:
    url = current_view_url()
    pop = where.popover("Share this view", icon=":material/qr_code_2:", width="stretch",
                        help="A link that reopens this page with its filters and options, and its QR code.")
    if url is None:
        pop.caption("The full link is not known here: copy it from the browser's address bar.")
        return
    pop.caption("Link to this view (filters and options included). Copy it with the button on the right.")
    pop.code(url, language=None, wrap_lines=True)
    try:
        svg = _qr_svg(url)
    except LinkTooLongError as e:
        pop.warning(str(e), icon=":material/link_off:")
        return
    pop.image(svg, width=220, caption="Scan to open this view")
    # The PNG (for a slide) is made only when the button is clicked; 10 px per module.
    pop.download_button("Download QR code (PNG)", data=lambda: qr_png(url), file_name=f"{page}_qr.png",
                        mime="image/png", key="share_qr_png", on_click="ignore", icon=":material/download:",
                        width="stretch")
