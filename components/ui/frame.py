"""Make sure every page runs inside app.py's frame (navigation, sidebar, wide layout)."""

from __future__ import annotations

import streamlit as st


def ensure_app_frame() -> None:
    """Streamlit quirk (1.67): until some session has called st.navigation, a freshly started
    server routes a deep link such as /timeline through the legacy pages/ folder and runs that
    page alone, without app.py (no filters, no layout). Seen on the first visit after a start —
    i.e. after every Community Cloud wake-up. Detect that state and rerun once: the rerun goes
    through app.py, whose st.navigation resolves the same URL path to the same page."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # internals moved: nothing to repair
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
