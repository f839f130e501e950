"""Home: the landscape at a glance, computed from the (filtered) catalog, and the seed topics."""

from pathlib import Path

import pandas as pd
import streamlit as st

from components.charts.overview import releases_per_quarter
from components.ui.data import get_tables
from components.ui.memo import memo_chart, rows_key
from components.ui.page import empty_state, has_uploads, show_chart, show_url_notices
from components.ui.sidebar import filtered_models, is_talk

ROOT = Path(__file__).resolve().parents[1]

TOPICS = [
    ("pages/architecture.py", "Gemma & vocabulary size",
     "Why a 256k vocabulary costs a 2B model a quarter of its weights, and a 70B model almost nothing."),
    ("pages/licenses.py", "Llama 2's commercial license",
     "Research-only LLaMA, then a commercial license with a 700M-user cap: the turning point in open weights."),
    ("pages/moe.py", "Mixtral & sparse experts",
     "8 experts, 2 active per token: watch a router pick experts, layer by layer, for real configurations."),
    ("pages/reasoning.py", "o1, R1 and GRPO",
     "Reasoning vs generation models, and a GRPO vs PPO simulator: why GRPO needs no critic."),
    ("pages/timeline.py", "Who released what, when",
     "Every release on one timeline, replayable month by month, with the open vs closed frontier."),
    ("pages/size.py", "Size vs score",
     "Benchmark scores against total, active or effective parameters, with the Pareto frontier."),
]

tables = get_tables()
df, filters = filtered_models(tables.models)

st.title("Open LLM Atlas")
st.markdown("A sourced, explorable map of open (and some closed) large language models: who released what and "
            "when, how big, under which license, dense or mixture-of-experts, and how well it scores.")
show_url_notices()

if df.empty:
    empty_state()
else:
    c = st.columns(5)
    c[0].metric("Model variants", len(df))
    c[1].metric("Organizations", df["organization_id"].nunique())
    c[2].metric("Open weights", f"{df['open_weights'].mean():.0%}", help="Open or gated-open weights.")
    c[3].metric("Mixture-of-experts", int(df["architecture"].eq("moe").sum()))
    newest = df["release_dt"].max()
    c[4].metric("Newest release", newest.strftime("%Y-%m") if pd.notna(newest) else "—")
    if filters.active:
        st.caption(f"Filtered view: {len(df)} of {len(tables.models)} models.")

    talk = is_talk()
    # In talk mode the chart gets the full width (slide), the table moves below it.
    left, right = (st.container(), st.container()) if talk else st.columns([3, 2], gap="large")
    with left:
        undated = int(df["release_dt"].isna().sum())
        fig = memo_chart(releases_per_quarter, df, key=rows_key(df, tables.version), talk=talk)
        show_chart(fig, page="home", view="releases", key="home_releases", data_version=tables.version,
                   uploads=has_uploads(df))
        if undated:
            st.caption(f"{undated} model{'s' if undated != 1 else ''} without a release date not shown.")
    with right:
        st.subheader("Newest releases")
        newest_rows = df.dropna(subset=["release_dt"]).sort_values("release_dt", ascending=False).head(8)
        st.dataframe(
            newest_rows[["name", "organization", "release_date"]],
            hide_index=True, width="stretch",
            column_config={
                "name": "Model", "organization": "Organization", "release_date": "Released",
            },
        )

st.subheader("Explore the topics")
cols = st.columns(3)
for i, (page, title, blurb) in enumerate(TOPICS):
    with cols[i % 3].container(border=True):
        st.markdown(f"**{title}**")
        st.caption(blurb)
        if (ROOT / page).exists():
            st.page_link(page, label="Open", icon=":material/arrow_forward:")
        else:
            st.caption("Coming soon.")

st.caption(f"Data version {tables.version} · newest release in the data: {tables.as_of} · "
           "every fact links to its primary source on the Data page.")
