"""Open LLM Atlas — router and frame: page config, navigation, shared sidebar, talk mode.

Run with `streamlit run app.py`. Pages live in pages/ and are registered explicitly below
(with st.navigation, Streamlit does not discover pages/ on its own).
"""

from pathlib import Path

import streamlit as st

from components.ui.data import get_tables
from components.ui.share import share_view
from components.ui.sidebar import sidebar_filters, talk_toggle

TALK_AT_START = str(st.query_params.get("talk", "")).lower() in ("1", "true", "yes", "on")
st.set_page_config(page_title="Open LLM Atlas", page_icon=":material/public:", layout="wide",
                   initial_sidebar_state="collapsed" if TALK_AT_START else "expanded")

ROOT = Path(__file__).parent
PAGES = [
    # (file, title, icon, url_path)
    ("pages/home.py", "Home", ":material/home:", "home"),
    ("pages/timeline.py", "Timeline", ":material/timeline:", "timeline"),
    ("pages/size.py", "Size vs score", ":material/scatter_plot:", "size"),
    ("pages/licenses.py", "Licenses", ":material/gavel:", "licenses"),
    ("pages/architecture.py", "Architecture", ":material/architecture:", "architecture"),
    ("pages/compare.py", "Compare", ":material/compare_arrows:", "compare"),
    ("pages/moe.py", "MoE routing", ":material/hub:", "moe"),
    ("pages/reasoning.py", "Reasoning & GRPO", ":material/psychology:", "reasoning"),
    ("pages/data.py", "Data", ":material/table:", "data"),
]

pages = [
    st.Page(file, title=title, icon=icon, url_path=url, default=(url == "home"))
    for file, title, icon, url in PAGES
    if (ROOT / file).exists()
]
nav = st.navigation(pages)

tables = get_tables()
sidebar_filters(tables.models)
if talk_toggle():
    # Talk mode: Streamlit's own chrome out of the way, so a plain screenshot is slide-ready.
    # A fixed stylesheet (no data in it).
    st.html("<style>header[data-testid='stHeader']{display:none}"
            ".block-container{padding-top:1.2rem;padding-bottom:0}</style>")
# A place for "Share this view", filled after the page ran: the link must carry the options the page
# itself writes to the URL. (A page that stops early, e.g. on an empty filter, leaves it empty.)
share_slot = st.sidebar.container()
st.sidebar.caption(f"Data version {tables.version} · newest release {tables.as_of}")

nav.run()
share_view(share_slot, page=nav.url_path or "home")
