"""Compare: 2–4 models side by side — sourced fact cards, parameters to scale, shared benchmarks
(same setting only) and license obligations."""


import pandas as pd
import streamlit as st

from components.catalog.picking import PICKER_LIMIT, picker_options, picker_rows
from components.charts import compare as cmp
from components.ui.data import get_tables
from components.ui.hub import get_hub, snapshot_badge, with_hub
from components.ui.memo import memo_chart, rows_key
from components.ui.page import empty_state, has_uploads, show_chart, show_url_notices
from components.ui.sidebar import filtered_models, is_talk
from components.ui.text import md_escape, md_literal
from components.ui.url_state import url_multi, write_url

PAGE = "compare"
tables = get_tables()
df, filters = filtered_models(tables.models)
talk = is_talk()
all_ids = tables.models["id"].tolist()

st.title("Compare models")
st.markdown("Pick two to four models: every fact with its source, sizes drawn to scale, benchmarks only where "
            "the setting matches, and the license clauses that matter.")

url_multi("models", "cmp_models", all_ids, cmp.default_models(df["id"].tolist()), max_items=cmp.MAX_MODELS)
show_url_notices()

if df.empty:
    empty_state()
else:
    # Picks the sidebar filters hide are dropped, with a note (they may be re-added once the filters widen).
    visible = set(df["id"])
    hidden_picks = [m for m in st.session_state["cmp_models"] if m not in visible]
    if hidden_picks:
        st.session_state["cmp_models"] = [m for m in st.session_state["cmp_models"] if m in visible]
        st.caption("Not in the current filters, so not compared: " + ", ".join(hidden_picks) + ".")

    ids, texts = memo_chart(picker_rows, df, key=rows_key(df, tables.version))
    labels = dict(zip(ids, texts))
    query = ""
    if len(ids) > PICKER_LIMIT:  # too many to list: a search box narrows what the picker offers
        query = st.text_input("Find models", key="cmp_find", max_chars=100,
                              placeholder="Part of a name, organization or id",
                              help=f"{len(ids):,} models match the sidebar filters; the picker lists at most "
                                   f"{PICKER_LIMIT:,} at a time.")
    offer = picker_options(ids, texts, st.session_state["cmp_models"], query, limit=PICKER_LIMIT)
    st.multiselect("Models", offer.options, key="cmp_models", max_selections=cmp.MAX_MODELS,
                   format_func=lambda m: labels.get(m, m), placeholder="Pick 2 to 4 models",
                   help="Type to search. The sidebar filters narrow this list.")
    if offer.searching:
        if offer.matches == 0:
            st.caption(f"No model matches {md_literal(query)}.")
        elif offer.not_offered:
            st.caption(f"Listing {offer.offered:,} of {offer.matches:,} matching models: type more of a name to "
                       "find the others.")
    picked = list(st.session_state["cmp_models"])
    write_url("models", picked, cmp.default_models(df["id"].tolist()))

    if len(picked) < 2:
        st.info("Pick at least two models to compare them side by side.", icon=":material/compare_arrows:")
    else:
        sel = df.set_index("id").loc[picked].reset_index()
        names = cmp.display_names(sel)
        hub = get_hub()
        sel = with_hub(sel, hub)

        # ------------------------------------------------------------ fact cards
        st.header("Facts")
        if hub is not None:
            snapshot_badge(hub)
        cols = st.columns(len(picked))
        for col, (_, row) in zip(cols, sel.iterrows()):
            with col.container(border=True):
                st.subheader(names[row["id"]], anchor=False)
                st.caption(md_literal(row["id"]))
                lines = []
                for fact in cmp.fact_rows(row):
                    line = f"**{md_escape(fact.label)}:** {md_escape(fact.text)}"
                    if fact.source:
                        line += f" · [source]({fact.source.replace(')', '%29').replace(' ', '%20')})"
                    lines.append(line)
                st.markdown("  \n".join(lines))
                if hub is not None and pd.notna(row.get("downloads_30d")):
                    likes = f"{int(row['likes']):,} likes" if pd.notna(row.get("likes")) else "likes unknown"
                    st.caption(f"Hugging Face: {int(row['downloads_30d']):,} downloads (30 d) · {likes}")

        # ------------------------------------------------------------ sizes
        st.header("Parameters, drawn to scale")
        show_chart(cmp.params_scale_figure(sel, talk=talk), page=PAGE, view="params-to-scale",
                   key="cmp_params_chart", data_version=tables.version, uploads=has_uploads(sel))
        st.caption("One linear axis for every bar. A dense model uses all its parameters per token (active = "
                   "total); a mixture of experts stores all of them but runs only the active ones. "
                   "Unknown sizes are marked \u201cunknown\u201d, not drawn as zero.")

        # ------------------------------------------------------------ benchmarks
        st.header("Shared benchmarks")
        shared = cmp.shared_benchmarks(tables.scores, picked)
        bench_names = tables.benchmarks.set_index("id")["name"].to_dict() if len(tables.benchmarks) else {}
        if shared.scores.empty:
            st.info("These models have no benchmark in common with the same setting.", icon=":material/rule:")
        else:
            fig, other_units = cmp.shared_scores_figure(shared.scores, picked, names, tables.benchmarks, talk=talk)
            if len(fig.data):
                show_chart(fig, page=PAGE, view="shared-benchmarks", key="cmp_scores_chart",
                           data_version=tables.version)
            if other_units:
                st.caption("Not on the chart (not a percentage, shown in the table): " + ", ".join(other_units) + ".")
            table = shared.scores.assign(
                benchmark=shared.scores["benchmark"].map(lambda b: bench_names.get(b, b)),
                model=shared.scores["model_id"].map(names),
                reported=shared.scores["self_reported"].map({True: "self-reported", False: "independent"}),
            )[["benchmark", "setting", "model", "value", "reported", "source_url"]]
            st.dataframe(table, hide_index=True, width="stretch", key="cmp_scores_table",
                         column_config={
                             "benchmark": "Benchmark", "setting": "Setting", "model": "Model",
                             "value": st.column_config.NumberColumn("Score", format="%.1f"),
                             "reported": "Reported by",
                             "source_url": st.column_config.LinkColumn("Source", display_text="source"),
                         })
        if shared.settings_differ:
            parts = []
            for b, per_model in shared.settings_differ.items():
                detail = "; ".join(f"{names.get(m, m)}: {', '.join(s)}" for m, s in per_model.items())
                parts.append(f"{bench_names.get(b, b)} ({detail})")
            with st.expander(f"Left out: {len(parts)} benchmark{'s' if len(parts) != 1 else ''} every model has, "
                             "but with different settings", icon=":material/rule:"):
                for p in parts:
                    st.text(p)
        if shared.not_everyone:
            st.caption(f"Also left out: {len(shared.not_everyone)} benchmark"
                       f"{'s' if len(shared.not_everyone) != 1 else ''} not scored for every picked model. "
                       "Scores from different sources are not strictly comparable even at the same setting.")

        # ------------------------------------------------------------ licenses
        st.header("License obligations")
        lic_table = cmp.license_table(sel, tables.licenses).reset_index()
        st.dataframe(lic_table, hide_index=True, width="stretch", key="cmp_license_table",
                     height=35 * (len(lic_table) + 1) + 3,
                     column_config={"Obligation": st.column_config.TextColumn("Obligation", width="medium",
                                                                               pinned=True)})
        link_cols = st.columns(len(picked))
        for col, (_, row) in zip(link_cols, sel.iterrows()):
            url = row.get("license_url")
            if isinstance(url, str) and url.startswith(("https://", "http://")):
                col.link_button(f"Read the license: {names[row['id']]}", url, icon=":material/open_in_new:",
                                width="stretch")
        clauses = cmp.license_clauses(sel, tables.licenses)
        if clauses:
            with st.expander("Clause excerpts", icon=":material/format_quote:"):
                for c in clauses:
                    st.markdown(f"**{md_escape(c['model'])} · {md_escape(c['obligation'])}**")
                    st.text(c["excerpt"])
                    if c["url"]:
                        st.caption(f"[Clause source]({c['url'].replace(')', '%29').replace(' ', '%20')})")
        st.caption("Not legal advice: read the license itself before you rely on it.")
