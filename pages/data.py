"""Data: the catalog as a searchable, sortable table with sources, downloads, dictionary and citation."""

import html
import json

import pandas as pd
import streamlit as st

from components.catalog.fields import FIELDS
from components.catalog.frame import MODEL_COLUMNS, export_models, json_safe
from components.catalog.source import CURATED, catalog_source
from components.catalog.upload import parse_upload, template_csv
from components.charts.style import TIER_LABELS, WEIGHTS_LABELS
from components.ui.data import get_tables, load_catalog_cached
from components.ui.hub import (
    get_hub,
    hub_column_config,
    show_hub_check,
    snapshot_badge,
    with_hub,
)
from components.ui.page import empty_state, show_url_notices
from components.ui.sidebar import USER_MODELS_KEY, filtered_models, user_models
from components.ui.text import md_literal

MAX_QUERY = 200
MAX_GRID_ROWS = 5_000

tables = get_tables()
df, filters = filtered_models(tables.models)

st.title("Data")
st.caption(f"Newest release {tables.as_of} · {tables.summary}")
show_url_notices()

if "data_q" not in st.session_state:
    st.session_state["data_q"] = str(st.query_params.get("q", ""))[:MAX_QUERY]
query = st.text_input("Search", key="data_q", max_chars=MAX_QUERY, placeholder="Name, family, organization, license…",
                      help="Case-insensitive; every word must match somewhere in the row.")
if query:
    st.query_params["q"] = query
elif "q" in st.query_params:
    del st.query_params["q"]

if query.strip():
    haystack = (df["name"].fillna("") + " " + df["family"].fillna("") + " " + df["organization"].fillna("") + " "
                + df["license_name"].fillna("") + " " + df["id"]).str.lower()
    for word in query.lower().split():
        haystack = haystack[haystack.str.contains(word, regex=False)]
    df = df.loc[haystack.index]

st.write(f"**{len(df)}** of {len(tables.models)} models" + (" (filtered)" if filters.active or query else ""))

if df.empty:
    empty_state()
else:
    view = df.assign(
        hf_url=df["hf_repo"].map(lambda r: f"https://huggingface.co/{r}" if isinstance(r, str) else None),
        weights=df["weights"].map(WEIGHTS_LABELS),
        license_tier=df["license_tier"].map(TIER_LABELS),
    )
    columns = ["name", "organization", "release_date", "release_date_source", "weights", "license_name",
               "license_tier", "architecture", "params_total_b", "params_active_b", "params_total_b_source",
               "context_length", "vocab_size", "layers", "hidden_size", "training_tokens_t", "modalities_in",
               "kind", "hf_url", "id"]

    def num(name: str) -> st.column_config.NumberColumn:
        info = FIELDS[name]
        return st.column_config.NumberColumn(info.title, help=info.help, format=info.fmt)

    hub = get_hub()
    view = with_hub(view, hub)
    snapshot_badge(hub)
    if hub is not None:
        columns += ["downloads_30d", "likes", "hub_license"]
    if view["user"].any():
        view = view.assign(name=view["name"].where(~view["user"], "★ " + view["name"]))
        st.caption("★ = your uploaded models (this session only; no sources).")
    if len(view) > MAX_GRID_ROWS:
        # The grid ships every row to the browser: past a few thousand rows that costs seconds per rerun and
        # helps nobody scrolling. The downloads below still hold every matching row.
        st.caption(f"Showing the first {MAX_GRID_ROWS:,} of {len(view):,} rows. Narrow them with the search box "
                   "or the sidebar filters; the downloads below include all of them.")
        view = view.head(MAX_GRID_ROWS)
    st.dataframe(
        view[columns], hide_index=True, width="stretch", height=560,
        column_config={
            "name": st.column_config.TextColumn("Model", pinned=True),
            "organization": "Organization",
            "release_date": st.column_config.TextColumn("Released", help=FIELDS["release_date"].help),
            "release_date_source": st.column_config.LinkColumn("Date source", display_text="source"),
            "weights": st.column_config.TextColumn("Weights", help=FIELDS["weights"].help),
            "license_name": "License",
            "license_tier": st.column_config.TextColumn("Tier", help=FIELDS["license_tier"].help),
            "architecture": "Architecture",
            "params_total_b": num("params_total_b"),
            "params_active_b": num("params_active_b"),
            "params_total_b_source": st.column_config.LinkColumn("Size source", display_text="source"),
            "context_length": num("context_length"),
            "vocab_size": num("vocab_size"),
            "layers": num("layers"),
            "hidden_size": num("hidden_size"),
            "training_tokens_t": num("training_tokens_t"),
            "modalities_in": "Input",
            "kind": "Kind",
            "hf_url": st.column_config.LinkColumn("Hugging Face", display_text=r"https://huggingface\.co/(.*)"),
            "id": "Id",
            **(hub_column_config() if hub is not None else {}),
        },
    )
    # Deferred downloads: Streamlit builds the file only when the button is clicked, so a rerun never pays
    # for exporting every row (seconds at 100k models). The frame is not changed after this point.
    export_rows = df

    def csv_file() -> str:
        return export_models(export_rows).to_csv(index=False)

    def json_file() -> str:
        records = export_models(export_rows).to_dict(orient="records")
        return json.dumps([{k: json_safe(v) for k, v in row.items()} for row in records], indent=1,
                          ensure_ascii=False)

    c1, c2, _ = st.columns([1.3, 1.3, 3])
    c1.download_button("Download CSV", csv_file, file_name=f"open-llm-atlas_{tables.version}.csv",
                       mime="text/csv", key="data_dl_csv", icon=":material/download:", on_click="ignore")
    c2.download_button("Download JSON", json_file, file_name=f"open-llm-atlas_{tables.version}.json",
                       mime="application/json", key="data_dl_json", icon=":material/download:",
                       on_click="ignore")

with st.expander("Add your own models (this browser session only)", icon=":material/upload_file:",
                 expanded=user_models() is not None):
    st.caption("Upload a CSV or JSON in the export format (max 5 MB / 20,000 rows). Every row is checked with the "
               "catalog's schema; valid rows appear on every page as \"your models\". The bundled catalog is "
               "never changed, and nothing is stored after you close the tab.")
    c1, c2 = st.columns([3, 1])
    upload = c1.file_uploader("Your models", type=["csv", "json"], key="data_upload", label_visibility="collapsed")
    c2.download_button("Template CSV", template_csv(), file_name="open-llm-atlas_template.csv", mime="text/csv",
                       key="data_template", icon=":material/description:")
    if upload is not None:
        token = (upload.name, upload.size)
        if st.session_state.get("_upload_token") != token:  # validate each file once, not on every rerun
            result = parse_upload(upload.name, upload.getvalue(), load_catalog_cached())
            st.session_state["_upload_token"] = token
            st.session_state["_upload_result"] = result
            st.session_state[USER_MODELS_KEY] = result.models
            st.rerun()
    result = st.session_state.get("_upload_result")
    if result is not None:
        if result.fatal:
            st.error(f"That file could not be used: {md_literal(result.fatal)}.", icon=":material/error:")
        else:
            kept = 0 if result.models is None else len(result.models)
            st.success(f"{kept} of {result.n_rows} rows added as your models.", icon=":material/check_circle:")
            if result.errors:
                st.warning(f"{len(result.errors)} problem{'s' if len(result.errors) != 1 else ''} in "
                           f"{len({e.row for e in result.errors})} rows (those rows were left out):")
                st.dataframe(pd.DataFrame([{"Row": e.row, "Field": e.field or "", "Reason": e.reason}
                                           for e in result.errors]), hide_index=True, width="stretch")
    if user_models() is not None and st.button("Remove your models", key="data_upload_clear"):
        for key in (USER_MODELS_KEY, "_upload_result", "_upload_token"):
            st.session_state.pop(key, None)
        st.rerun()

with st.expander("Data dictionary", icon=":material/menu_book:"):
    st.caption("Generated from the field registry (components/catalog/fields.py). Every fact has a "
               "`<field>_source` column with its primary source in the downloads.")
    dictionary = pd.DataFrame(
        [{"Column": name, "Label": info.label, "Unit": info.unit or "", "Meaning": info.help,
          "In export": name in MODEL_COLUMNS} for name, info in FIELDS.items()]
    )
    st.dataframe(dictionary, hide_index=True, width="stretch")

show_hub_check(tables.models, tables.licenses)

with st.expander("How to cite, and how to correct a fact", icon=":material/format_quote:"):
    # (another catalog folder, ATLAS_DATA_DIR, is named as the charts' footers name it, as literal text)
    words = catalog_source()
    catalog_words = "curated catalog of LLM facts" if words == CURATED else md_literal(html.unescape(words))
    st.markdown(
        f"**Cite as:** Open LLM Atlas, {catalog_words}, data version "
        f"`{tables.version}` (newest release {tables.as_of}). Each number links to its primary source; "
        "please cite that source for the number itself.\n\n"
        "**Found a wrong fact?** Edit the model's file in `data/models/`, give the primary source URL, run "
        "`python -m components.catalog validate`, and open a pull request. Unknown facts stay empty (null)."
    )
