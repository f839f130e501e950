"""Architecture: the seed's efficiency deep dives — vocabulary and embedding share, context length,
dense vs MoE, parameters per family or organization over time, and where models come from.

One tab per deep dive, and only the open tab is built and sent: the six charts together cost more than the page's
budget for a rerun, and a rerun after a filter change should redraw what is on screen, not sections out of view.
The open tab is in the link (?arch_tab=Releases; none = the first tab), and every tab's options stay in it too, so
a link reopens the same tab with the same bars and lines, and the other tabs as they were left."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.charts import architecture as arch
from components.ui.data import get_tables
from components.ui.memo import memo_chart, rows_key
from components.ui.page import (
    empty_state,
    has_uploads,
    hidden_note,
    show_chart,
    show_url_notices,
)
from components.ui.sidebar import filtered_models, is_talk
from components.ui.url_state import url_choice, url_multi, write_url

PAGE = "architecture"
GRAIN_LABELS = {"quarter": "Quarter", "year": "Year"}
COUNT_LABELS = {"variants": "Model variants", "families": "Families"}
GROUP_LABELS = {"organization": "Organization", "family": "Family"}
GROUP_KEYS = {"organization": ("arch_orgs", "arch_orgs"), "family": ("arch_fams", "arch_fams")}  # param, key
MAX_LINES = 8
TAB_KEY = "arch_tab"  # the URL parameter too (st.tabs bind="query-params"); values are the labels below
TABS = ["Vocabulary", "Context length", "Releases", "Model sizes"]
OPTION_KEYS = ("arch_grain", "arch_count", "arch_group", "arch_orgs", "arch_fams")  # widgets inside the tabs


@dataclass(frozen=True)
class _View:
    df: pd.DataFrame
    rows: tuple  # memo key of df
    talk: bool
    version: str
    catalog_groups: dict[str, pd.DataFrame]  # size_groups of the whole catalog (what a link may name)
    view_groups: dict[str, pd.DataFrame]  # ... and of the filtered view
    defaults: dict[str, list[str]]


def note(hidden: dict[str, int]) -> None:
    text = hidden_note(hidden)
    if text:
        st.caption(text)


def chart(v: _View, build, *, view: str, key: str, counts_rows: bool = False, **options) -> None:
    """Build (or reuse) one chart for the view, draw it, and say what it leaves out. `counts_rows`: a chart that
    counts the view's models (bars) rather than drawing each: its footer says when uploads are counted."""
    fig, hidden = memo_chart(build, v.df, key=v.rows, talk=v.talk, **options)
    show_chart(fig, page=PAGE, view=view, key=key, data_version=v.version,
               uploads=counts_rows and has_uploads(v.df))
    note(hidden)  # (a large view says in its subtitle which points keep names and hover)


def _tab_vocabulary(v: _View) -> None:
    st.header("Vocabulary size and the embedding share")
    st.markdown("The input embedding is a table of *vocabulary × hidden size* parameters. Gemma's 256k-token "
                "vocabulary makes that table about a fifth of a 2B model; the 128k vocabulary of Llama 3 70B costs "
                "it under 2%. A big vocabulary is cheap at scale and expensive when small.")
    chart(v, arch.vocab_vs_size, view="vocab-vs-size", key="arch_vocab_chart")
    chart(v, arch.share_vs_size, view="embedding-share", key="arch_share_chart")
    st.caption("Embedding share = vocabulary size × hidden size ÷ total parameters, and counts the **input "
               "embedding only**. Models with untied embeddings (a separate output projection of the same shape) "
               "spend the same again on the output layer; tied models reuse the input table. Base and instruct "
               "variants with identical shapes are drawn as one point.")


def _tab_context(v: _View) -> None:
    st.header("Context length over time")
    chart(v, arch.context_over_time, view="context-length", key="arch_context_chart")
    st.caption("Marker shape: ● dense, ◆ mixture of experts, ○ architecture not disclosed. The maximum context "
               "a model supports, as its source states it; effective long-context quality varies.")


def _tab_releases(v: _View) -> None:
    st.header("Releases: dense vs MoE, and by country")
    c1, c2, _ = st.columns([1, 1.4, 1.6])
    c1.segmented_control("Bars per", list(arch.GRAINS), key="arch_grain", format_func=GRAIN_LABELS.get,
                         selection_mode="single")
    c2.segmented_control("Count", list(arch.COUNTS), key="arch_count", format_func=COUNT_LABELS.get,
                         selection_mode="single",
                         help="Model variants counts every size and base/instruct release; families counts "
                              "each release family once per period.")
    # A segmented control can be cleared by clicking the active option: fall back to the default.
    grain = st.session_state.get("arch_grain") or "quarter"
    count = st.session_state.get("arch_count") or "variants"
    write_url("arch_grain", grain, "quarter")
    write_url("arch_count", count, "variants")
    chart(v, arch.dense_vs_moe, view=f"dense-vs-moe-{grain}", key="arch_moe_chart", counts_rows=True, grain=grain,
          count=count)
    chart(v, arch.releases_by_country, view=f"country-{grain}", key="arch_country_chart", counts_rows=True,
          grain=grain, count=count)
    st.caption("Country = headquarters of the releasing organization (a multinational lab counts once, where "
               "its organization file places it). Closed models count too: use the sidebar's weights filter to "
               "compare open releases only.")


def _tab_sizes(v: _View) -> None:
    st.header("Model sizes over time")
    c1, c2 = st.columns([1, 3])
    c1.radio("Lines per", list(arch.GROUPS), key="arch_group", format_func=GROUP_LABELS.get)
    group = st.session_state["arch_group"]
    write_url("arch_group", group, "organization")
    param, key = GROUP_KEYS[group]
    groups_df = v.view_groups[group]
    names = dict(zip(groups_df["id"], groups_df["name"]))
    # Keep picks that the filters hide (they come back when the filters widen) out of the options list.
    options = list(groups_df["id"]) + [g for g in st.session_state[key] if g not in names]
    all_names = dict(zip(v.catalog_groups[group]["id"], v.catalog_groups[group]["name"]))
    c2.multiselect(f"{GROUP_LABELS[group]}s to draw", options, key=key, max_selections=MAX_LINES,
                   format_func=lambda g: all_names.get(g, g),
                   help=f"Up to {MAX_LINES}. The defaults are those with the most release dates and sizes.")
    picked = st.session_state[key]
    for grp, (p, _k) in GROUP_KEYS.items():
        write_url(p, st.session_state[_k] if grp == group else [], v.defaults[grp] if grp == group else [])
    if not picked:
        st.info(f"Pick at least one {group} to draw its sizes over time.", icon=":material/timeline:")
        return
    chart(v, arch.params_over_time, view=f"params-per-{group}", key="arch_params_chart", groups=picked, group=group)
    missing = [all_names.get(g, g) for g in picked if g not in names]
    if missing:
        st.caption("Not in the current filters: " + ", ".join(missing) + ".")
    st.caption("Each marker is one distinct size released on that date; the step line follows the largest "
               "model released so far. MoE models are placed at their total size.")


TAB_RENDERERS = {"Vocabulary": _tab_vocabulary, "Context length": _tab_context, "Releases": _tab_releases,
                 "Model sizes": _tab_sizes}


tables = get_tables()
df, filters = filtered_models(tables.models)
rows = rows_key(df, tables.version)  # charts are built once per distinct rows + options

st.title("Architecture")
st.markdown("How models spend their parameters, how far they read, and where they come from: the efficiency "
            "deep dives of the seed article, drawn from the catalog.")

url_choice("arch_grain", "arch_grain", list(arch.GRAINS), "quarter")
url_choice("arch_count", "arch_count", list(arch.COUNTS), "variants")
url_choice("arch_group", "arch_group", list(arch.GROUPS), "organization")
catalog_groups = memo_chart(arch.size_group_tables, tables.models, key=("catalog", tables.version))
view_groups = memo_chart(arch.size_group_tables, df, key=rows)
defaults = {grp: arch.default_groups(view_groups[grp]) for grp in arch.GROUPS}
# Seed both line pickers once, so a link reopens the same lines in either grouping.
for grp, (param, key) in GROUP_KEYS.items():
    url_multi(param, key, catalog_groups[grp]["id"].tolist(), defaults[grp], max_items=MAX_LINES)
show_url_notices()
# Options of the closed tabs keep their values: Streamlit drops a widget's state in a run that does not draw it.
for key in OPTION_KEYS:
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]

if df.empty:
    empty_state()
else:
    if filters.active:
        st.caption(f"Filtered view: {len(df)} of {len(tables.models)} models.")
    view = _View(df=df, rows=rows, talk=is_talk(), version=tables.version, catalog_groups=catalog_groups,
                 view_groups=view_groups, defaults=defaults)
    tabs = dict(zip(TABS, st.tabs(TABS, key=TAB_KEY, bind="query-params")))
    for label, render in TAB_RENDERERS.items():
        if tabs[label].open is not False:  # None = state not tracked (never here, but then render all)
            with tabs[label]:
                render(view)
