"""Licenses: what each open-weights license asks of you (matrix of obligations, clause details,
plain-language summaries) and how license tiers changed over time."""

import streamlit as st

from components.charts import licenses as lc
from components.charts.adoption import downloads_by_tier
from components.ui.data import get_tables
from components.ui.hub import get_hub, snapshot_badge, with_hub
from components.ui.memo import memo_chart, rows_key
from components.ui.page import empty_state, has_uploads, show_chart, show_url_notices
from components.ui.sidebar import filtered_models, is_talk
from components.ui.text import md_escape
from components.ui.url_state import url_choice, url_flag, write_url

ROWS = {"license": "One row per license", "family": "Model families"}
PERIODS = {"quarter": "Quarterly", "month": "Monthly"}
DEFAULT_LICENSE = "llama-2-community"

tables = get_tables()
df, filters = filtered_models(tables.models)
licenses = tables.licenses
rows_id = rows_key(df, tables.version)  # charts are built once per distinct rows + options
catalog_id = ("catalog", tables.version)  # for what depends on the catalog only, not on the filters
# Every license's matrix cells and hover text: built once per catalog; a filter change only recounts rows.
cells = memo_chart(lc.license_cells, licenses, key=catalog_id)
talk = is_talk()

st.title("Licenses")
st.markdown("Open weights are not all open in the same way. Which licenses allow commercial use, which cap "
            "your users, ask for credit, restrict what you may do with outputs, or exclude regions?")

url_choice("rows", "lic_rows", list(ROWS), "license")
url_flag("commercial", "lic_commercial", False)
url_choice("per", "lic_per", list(PERIODS), "quarter")

st.warning("**Not legal advice.** This page is a reading aid built from short clause excerpts; the license text "
           "is what binds you. Read the license before you rely on it: every license below links to its full "
           "text.", icon=":material/gavel:")

if df.empty:
    empty_state()
    st.stop()

# -------------------------------------------------------------------------------------------- matrix
c1, c2 = st.columns([2, 3], vertical_alignment="center")
rows = c1.radio("Rows", list(ROWS), key="lic_rows", format_func=ROWS.get, horizontal=True,
                help="Families whose license changes by size or version get one row per license.")
commercial = c2.toggle("What can I use commercially today?", key="lic_commercial",
                       help="Keep only licenses whose commercial use is 'yes' or 'conditional' "
                            "(caps, policies and other conditions still apply).")
write_url("rows", rows, "license")
write_url("commercial", commercial, False)

summaries = memo_chart(lc.license_summaries, df, licenses, key=rows_id, commercial_only=commercial)
ids = list(summaries["id"])
default_lic = DEFAULT_LICENSE if DEFAULT_LICENSE in ids else (ids[0] if ids else None)
if ids:
    url_choice("lic", "lic_lic", ids, default_lic)

show_url_notices()  # after the page's own options were read, so their notices are included

fig = memo_chart(lc.license_matrix, df, licenses, cells, key=rows_id, rows=rows, commercial_only=commercial,
                 talk=talk)
if fig.layout.meta["rows"]:
    show_chart(fig, page="licenses", view=f"matrix-{rows}", key="lic_matrix_chart", data_version=tables.version,
               uploads=has_uploads(df))
    st.caption("Hover a cell for what the clause means, a short excerpt and its source; the clause table below "
               "has clickable links. \"!\" under OSI means the license is not OSI-approved open source.")
else:
    why = lc.left_out_text(fig.layout.meta["left_out"]) or ""
    st.info(f"No model in view has a weights license to show. {why} Closed-weight models are used on their "
            "owner's API or product terms, not under a weights license.", icon=":material/block:")

changes = memo_chart(lc.family_license_changes, df, licenses, key=rows_id)
if len(changes):
    with st.expander(f"{len(changes)} famil{'ies' if len(changes) != 1 else 'y'} change license by size or version",
                     expanded=rows == "family"):
        st.markdown("\n".join(f"- {text}" for text in changes["text"]))

# -------------------------------------------------------------------------------------------- clause details
if ids:
    st.subheader("Clause details")
    names = dict(zip(summaries["id"], summaries["License"]))
    if st.session_state.get("lic_lic") not in ids:  # the filters changed under the selection
        st.session_state["lic_lic"] = default_lic
    chosen = st.selectbox("License", ids, key="lic_lic", format_func=lambda i: names.get(i, i))
    write_url("lic", chosen, default_lic)
    row = summaries.set_index("id").loc[chosen]
    st.write(f"**{row['License']}** · {row['Tier']} · commercial use: {row['Commercial use']} · "
             f"{row['Models in view']} model{'s' if row['Models in view'] != 1 else ''} in view")
    st.caption(md_escape(row["Summary"]))
    st.link_button("Read the license text", row["License text"], icon=":material/open_in_new:")
    clauses = lc.clause_table(licenses, chosen, cells)
    st.dataframe(
        clauses, hide_index=True, width="stretch", row_height=88, height=38 + len(clauses) * 88,
        placeholder="—",
        column_config={
            "Obligation": st.column_config.TextColumn("Obligation", width=120),
            "For you": st.column_config.TextColumn("For you", width=130),
            "What it says": st.column_config.TextColumn("What it means", width=200),
            "Clause excerpt": st.column_config.TextColumn("Clause excerpt (verbatim)", width=255),
            "Clause": st.column_config.LinkColumn("Source", display_text="open clause", width=85),
        },
    )

    # ---------------------------------------------------------------------------------------- summaries
    st.subheader("Every license in plain words")
    st.caption("Click a cell to read a long summary in full.")
    st.dataframe(
        summaries.drop(columns=["id"]), hide_index=True, width="stretch", row_height=130, height=660,
        column_order=["License", "Tier", "Commercial use", "Models in view", "License text", "Summary"],
        column_config={
            "License": st.column_config.TextColumn("License", width=160),
            "Tier": st.column_config.TextColumn("Tier", width=110),
            "Commercial use": st.column_config.TextColumn("Commercial", width=90),
            "Models in view": st.column_config.NumberColumn("Models", format="%d", width=62),
            "License text": st.column_config.LinkColumn("Text", display_text="read it", width=62),
            "Summary": st.column_config.TextColumn("In plain words", width=305),
        },
    )

# -------------------------------------------------------------------------------------------- over time
st.subheader("Open-weight releases over time, by license tier")
per = st.radio("Bars per", list(PERIODS), key="lic_per", format_func=PERIODS.get, horizontal=True)
write_url("per", per, "quarter")
landmark = memo_chart(lc.first_release, tables.models, DEFAULT_LICENSE, key=catalog_id)
tiers = memo_chart(lc.releases_by_tier, df, key=rows_id, freq=per, landmark=landmark, talk=talk)
show_chart(tiers, page="licenses", view=f"tiers-{per}", key="lic_tiers_chart", data_version=tables.version,
           uploads=has_uploads(df))
if landmark is not None:
    before, after = memo_chart(lc.commercial_share, df, landmark.date, key=rows_id)
    when = landmark.date.strftime("%B %Y")
    if before is not None and after is not None:
        st.caption(f"{landmark.label} ({when}) was the first Llama release licensed for commercial use. Of the "
                   f"open-weight variants in view, {before:.0%} released before it allowed commercial use; "
                   f"{after:.0%} released since do. The commercial toggle above does not apply to this chart.")

# -------------------------------------------------------------------------------------------- adoption
st.subheader("Adoption by license tier")
st.caption("Hugging Face downloads of the models in view, summed per license tier — how licensing relates to "
           "adoption. Numbers come only from a local `python -m components.hub sync` snapshot; the app never "
           "contacts the Hub.")
hub = get_hub()
snapshot_badge(hub)
if hub is not None:
    show_chart(downloads_by_tier(with_hub(df, hub), snapshot_date=hub.date, talk=talk), page="licenses",
               view="adoption", key="lic_adoption_chart", data_version=tables.version, source=hub.label())
