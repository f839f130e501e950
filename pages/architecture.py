"""Architecture: the seed's efficiency deep dives — vocabulary and embedding share, context length,
dense vs MoE, parameters per family or organization over time, and where models come from."""

import streamlit as st

from components.charts import architecture as arch
from components.ui.data import get_tables
from components.ui.memo import memo_chart, rows_key
from components.ui.page import empty_state, hidden_note, show_chart, show_url_notices
from components.ui.sidebar import filtered_models, is_talk
from components.ui.url_state import url_choice, url_multi, write_url

PAGE = "architecture"
GRAIN_LABELS = {"quarter": "Quarter", "year": "Year"}
COUNT_LABELS = {"variants": "Model variants", "families": "Families"}
GROUP_LABELS = {"organization": "Organization", "family": "Family"}
GROUP_KEYS = {"organization": ("arch_orgs", "arch_orgs"), "family": ("arch_fams", "arch_fams")}  # param, key
MAX_LINES = 8


def note(hidden: dict[str, int]) -> None:
    text = hidden_note(hidden)
    if text:
        st.caption(text)


tables = get_tables()
df, filters = filtered_models(tables.models)
talk = is_talk()
rows = rows_key(df, tables.version)  # charts are built once per distinct rows + options
all_rows = ("catalog", tables.version)

st.title("Architecture")
st.markdown("How models spend their parameters, how far they read, and where they come from: the efficiency "
            "deep dives of the seed article, drawn from the catalog.")

url_choice("arch_grain", "arch_grain", list(arch.GRAINS), "quarter")
url_choice("arch_count", "arch_count", list(arch.COUNTS), "variants")
url_choice("arch_group", "arch_group", list(arch.GROUPS), "organization")
# Seed both line pickers once, so a link reopens the same lines in either grouping.
for grp, (param, key) in GROUP_KEYS.items():
    options = memo_chart(arch.size_groups, tables.models, key=all_rows, group=grp)["id"].tolist()
    url_multi(param, key, options, memo_chart(arch.default_size_groups, df, key=rows, group=grp), max_items=MAX_LINES)
show_url_notices()

if df.empty:
    empty_state()
else:
    if filters.active:
        st.caption(f"Filtered view: {len(df)} of {len(tables.models)} models.")

    # ---------------------------------------------------------------- vocabulary
    st.header("Vocabulary size and the embedding share")
    st.markdown("The input embedding is a table of *vocabulary × hidden size* parameters. Gemma's 256k-token "
                "vocabulary makes that table about a fifth of a 2B model; the 128k vocabulary of Llama 3 70B costs "
                "it under 2%. A big vocabulary is cheap at scale and expensive when small.")
    fig, hidden = memo_chart(arch.vocab_vs_size, df, key=rows, talk=talk)
    show_chart(fig, page=PAGE, view="vocab-vs-size", key="arch_vocab_chart", data_version=tables.version)
    note(hidden)
    fig, hidden = memo_chart(arch.share_vs_size, df, key=rows, talk=talk)
    show_chart(fig, page=PAGE, view="embedding-share", key="arch_share_chart", data_version=tables.version)
    note(hidden)
    st.caption("Embedding share = vocabulary size × hidden size ÷ total parameters, and counts the **input "
               "embedding only**. Models with untied embeddings (a separate output projection of the same shape) "
               "spend the same again on the output layer; tied models reuse the input table. Base and instruct "
               "variants with identical shapes are drawn as one point.")

    # ---------------------------------------------------------------- context
    st.header("Context length over time")
    fig, hidden = memo_chart(arch.context_over_time, df, key=rows, talk=talk)
    show_chart(fig, page=PAGE, view="context-length", key="arch_context_chart", data_version=tables.version)
    note(hidden)
    st.caption("Marker shape: ● dense, ◆ mixture of experts, ○ architecture not disclosed. The maximum context "
               "a model supports, as its source states it; effective long-context quality varies.")

    # ---------------------------------------------------------------- releases per period
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

    fig, hidden = memo_chart(arch.dense_vs_moe, df, key=rows, grain=grain, count=count, talk=talk)
    show_chart(fig, page=PAGE, view=f"dense-vs-moe-{grain}", key="arch_moe_chart", data_version=tables.version)
    note(hidden)
    fig, hidden = memo_chart(arch.releases_by_country, df, key=rows, grain=grain, count=count, talk=talk)
    show_chart(fig, page=PAGE, view=f"country-{grain}", key="arch_country_chart", data_version=tables.version)
    note(hidden)
    st.caption("Country = headquarters of the releasing organization (a multinational lab counts once, where "
               "its organization file places it). Closed models count too: use the sidebar's weights filter to "
               "compare open releases only.")

    # ---------------------------------------------------------------- parameters per family
    st.header("Model sizes over time")
    c1, c2 = st.columns([1, 3])
    c1.radio("Lines per", list(arch.GROUPS), key="arch_group", format_func=GROUP_LABELS.get)
    group = st.session_state["arch_group"]
    write_url("arch_group", group, "organization")
    param, key = GROUP_KEYS[group]
    groups_df = memo_chart(arch.size_groups, df, key=rows, group=group)
    names = dict(zip(groups_df["id"], groups_df["name"]))
    # Keep picks that the filters hide (they come back when the filters widen) out of the options list.
    options = list(groups_df["id"]) + [g for g in st.session_state[key] if g not in names]
    all_names = memo_chart(arch.size_groups, tables.models, key=all_rows, group=group).set_index("id")["name"].to_dict()
    c2.multiselect(f"{GROUP_LABELS[group]}s to draw", options, key=key, max_selections=MAX_LINES,
                   format_func=lambda g: all_names.get(g, g),
                   help=f"Up to {MAX_LINES}. The defaults are those with the most release dates and sizes.")
    picked = st.session_state[key]
    for grp, (p, _k) in GROUP_KEYS.items():
        default = memo_chart(arch.default_size_groups, df, key=rows, group=grp) if grp == group else []
        write_url(p, st.session_state[_k] if grp == group else [], default)
    if not picked:
        st.info(f"Pick at least one {group} to draw its sizes over time.", icon=":material/timeline:")
    else:
        fig, hidden = memo_chart(arch.params_over_time, df, key=rows, groups=picked, group=group, talk=talk)
        show_chart(fig, page=PAGE, view=f"params-per-{group}", key="arch_params_chart",
                   data_version=tables.version)
        note(hidden)
        missing = [all_names.get(g, g) for g in picked if g not in names]
        if missing:
            st.caption("Not in the current filters: " + ", ".join(missing) + ".")
        st.caption("Each marker is one distinct size released on that date; the step line follows the largest "
                   "model released so far. MoE models are placed at their total size.")
