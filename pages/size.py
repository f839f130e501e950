"""Size vs score: one benchmark against total, active or effective parameters, with the Pareto frontier,
MoE dumbbells and the seed article's models labelled. Options live in the URL (bench, size, spot)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.catalog.picking import PICKER_LIMIT, picker_options
from components.charts.size import (
    NO_SETTING,
    SIZE_MODE_LABELS,
    SIZE_MODES,
    benchmark_options,
    default_spotlight,
    pick_scores,
    size_score_data,
    size_score_figure,
    spotlight_choices,
)
from components.ui.data import get_tables
from components.ui.memo import memo_chart, rows_key
from components.ui.page import empty_state, hidden_note, show_chart, show_url_notices
from components.ui.sidebar import filtered_models, is_dark, is_talk
from components.ui.url_state import url_choice, url_multi, write_url

PAGE = "Size vs score"
NO_SPOTLIGHT = "none"  # ?spot=none keeps an emptied spotlight empty (a missing param means "the default")
MAX_TABLE_ROWS = 5_000  # the scores table ships every row to the browser; past this the download has them all

tables = get_tables()
models_all = tables.models
df, filters = filtered_models(models_all)
rows = rows_key(df, tables.version)  # built once per distinct rows + options
all_rows = ("catalog", tables.version)

st.title(PAGE)
st.caption("Does a bigger model score better? Each point is one model's score on one benchmark against its "
           "parameter count (log scale). The dotted line is the Pareto frontier: the best score reached at or "
           "below each size.")

# ---------------------------------------------------------------- options (URL ⇄ widgets)
all_bench = memo_chart(benchmark_options, tables.scores, tables.benchmarks, models_all["id"], key=all_rows)
bench_ids = list(all_bench["id"])
default_bench = "mmlu" if "mmlu" in bench_ids else (bench_ids[0] if bench_ids else None)
url_choice("bench", "sz_bench", bench_ids, default_bench)
url_choice("size", "sz_size", list(SIZE_MODES), "total")

spot_options, names = memo_chart(spotlight_choices, models_all, key=all_rows)  # once per catalog
seed_spot = memo_chart(default_spotlight, models_all, key=all_rows)
if "sz_spot" not in st.session_state and st.query_params.get("spot") == NO_SPOTLIGHT:
    st.session_state["sz_spot"] = []
url_multi("spot", "sz_spot", spot_options, seed_spot)

show_url_notices()  # the sidebar filters' and this page's options' (seeded above)


def picked_scores(scores: pd.DataFrame, *, bench: str):
    """(main setting, one score per model for `bench`): does not depend on the filters, so it is built once per
    catalog and benchmark; only the columns the chart uses. (Main setting first: memo's unpacking compares a
    2-tuple's first item with a marker string, which a DataFrame cannot answer.)"""
    picked, main = pick_scores(scores, bench)
    return main, picked[["model_id", "value", "setting_label", "self_reported", "source_url", "n_scores_bench"]]


def score_data(models: pd.DataFrame, scores: pd.DataFrame, benchmarks: pd.DataFrame, *, bench: str, size: str):
    main, picked = memo_chart(picked_scores, scores, key=all_rows, bench=bench)
    return size_score_data(models, scores, bench, size=size, benchmarks=benchmarks, picked=(picked, main))


def reset_spotlight() -> None:
    st.session_state["sz_spot"] = list(seed_spot)


if df.empty:
    empty_state()
    st.stop()
if not bench_ids:
    empty_state("benchmark scores")
    st.stop()

opts = memo_chart(benchmark_options, tables.scores, tables.benchmarks, df["id"], key=rows)
labels = dict(zip(opts["id"], opts["label"], strict=True))
options = list(opts["id"])
current = st.session_state.get("sz_bench")
if current in bench_ids and current not in options:
    options.append(current)  # keep the chosen benchmark when a filter leaves it without data
    labels[current] = all_bench.set_index("id").loc[current, "name"] + " (no models in this filter)"
elif current not in options:
    st.session_state["sz_bench"] = options[0] if options else default_bench

c1, c2 = st.columns([2, 3], gap="medium", vertical_alignment="bottom")
c1.selectbox("Benchmark", options, key="sz_bench", format_func=lambda b: labels.get(b, b),
             help="Only benchmarks with at least one score; the count is of models in the current filter.")
c2.radio("Size axis", list(SIZE_MODES), key="sz_size", horizontal=True, format_func=SIZE_MODE_LABELS.get,
         help="Active = parameters used per token (for dense models, all of them). Effective = √(total·active), "
              "one size for dense and MoE. 'Total + active' draws each MoE model from its active to its total size.")
s1, s2 = st.columns([6, 1], vertical_alignment="bottom")
spot_query = ""
if len(spot_options) > PICKER_LIMIT:  # too many to list (and to send on every rerun): a search box narrows it
    spot_query = s1.text_input("Find models to spotlight", key="sz_spot_find", max_chars=100,
                               placeholder="Part of a name or id",
                               help=f"The spotlight lists at most {PICKER_LIMIT:,} of the {len(spot_options):,} "
                                    "models at a time.")
spot_offer = picker_options(spot_options, [names.get(i, i) for i in spot_options] if spot_query else spot_options,
                            st.session_state.get("sz_spot", []), spot_query, limit=PICKER_LIMIT)
s1.multiselect("Spotlight (labelled models)", spot_offer.options, key="sz_spot", format_func=names.get,
               placeholder="Pick models to label", help="By default, the models the seed article names.")
if spot_offer.searching and spot_offer.matches == 0:
    s1.caption("No model matches that text.")
elif spot_offer.searching and spot_offer.not_offered:
    s1.caption(f"Listing {spot_offer.offered:,} of {spot_offer.matches:,} matching models: type more of a name "
               "to find the others.")
s2.button("Reset", key="sz_spot_reset", icon=":material/restart_alt:", on_click=reset_spotlight, width="stretch",
          help="Label the seed article's models again (Gemma, Llama, Mixtral, DeepSeek-R1, Qwen, Yi, Grok).")

bench = st.session_state["sz_bench"]
size = st.session_state["sz_size"]
spot = list(st.session_state["sz_spot"])
write_url("bench", bench, default_bench)
write_url("size", size, "total")
if spot:
    write_url("spot", spot, seed_spot)
elif st.query_params.get("spot") != NO_SPOTLIGHT:
    st.query_params["spot"] = NO_SPOTLIGHT

# ---------------------------------------------------------------- chart and its notes
data = memo_chart(score_data, df, tables.scores, tables.benchmarks, key=rows, bench=bench, size=size)
bname = data.bench["name"]
note = hidden_note(data.hidden)

if data.points.empty:
    st.info(f"No model in the current filter has both a {bname} score and a known size on this axis.",
            icon=":material/scatter_plot:")
    if note:
        st.caption(note)
    st.stop()

talk = is_talk()
fig = memo_chart(size_score_figure, data, key=(rows, bench, size), spotlight=spot, talk=talk,
                 dark=talk and is_dark())
show_chart(fig, page=PAGE, view=f"{bench}-{size}", key="sz_chart", data_version=tables.version)

notes = [note] if note else []
if data.no_dumbbell:
    notes.append(f"{data.no_dumbbell} MoE model{'s' if data.no_dumbbell != 1 else ''} of unknown active size "
                 "drawn at total size only.")
if size == "both":
    notes.append("The frontier uses total size.")
plotted = set(data.points["id"])
missing = [i for i in spot if i not in plotted]
if missing:
    in_filter = set(df["id"])
    scored = set(tables.scores.loc[tables.scores["benchmark"] == bench, "model_id"])
    reasons: dict[str, list[str]] = {}
    for i in missing:
        why = "filtered out" if i not in in_filter else (f"no {bname} score" if i not in scored else "size unknown")
        reasons.setdefault(why, []).append(str(names.get(i, i)))
    notes.append("Spotlight models not on the chart: "
                 + "; ".join(f"{why}: {', '.join(who)}" for why, who in reasons.items()) + ".")
st.caption(" ".join(notes))

settings = data.settings
top = next(iter(settings))
others = [f"{k} ({v})" for k, v in settings.items() if k != top]
if len(others) > 4:
    others = [*others[:4], f"{len(others) - 4} more (see the table below)"]
pick = ""
if data.several_scores:
    main = data.main_setting or NO_SETTING
    pick = (f" {data.several_scores} model{'s have' if data.several_scores != 1 else ' has'} several {bname} "
            f"scores: the {main} one is used where there is one, otherwise the first listed in the model's file.")
st.caption(f"Setting: {top} for {settings[top]} of {len(data.points)} models"
           + (f"; others: {', '.join(others)}." if others else ".") + pick)
st.caption("Filled markers: scores the lab reported for its own model; open markers: independent evaluations. "
           "Scores come from different sources, settings and prompt formats, so they are not strictly comparable: "
           "read small gaps and the frontier as indicative, not as a ranking.")

n_points = len(data.points)
# Lazy: the table is built and sent only while the expander is open (opening it reruns the page). Closed, the page
# ships no grid: at 100k models that is up to 5,000 rows, and the grid's JavaScript (~1.5 MB) would be parsed while
# the chart above is being drawn (issue 8: time to first chart).
scores_box = st.expander(f"The {n_points:,} plotted scores, with sources", icon=":material/table:",
                         key="sz_table_open", on_change="rerun")
with scores_box:
    if not scores_box.open:
        st.caption("Loading the table…")  # (seen only while the run that opening it started is under way)
    else:
        p = data.points
        table = pd.DataFrame({
            "Model": p["name"], "Organization": p["organization"], "Size": p["size_text"],
            bname: p["score"], "Setting": p["setting_label"],
            "Reported by": p["reported_text"], "Source": p["source_url"],
        }).sort_values(bname, ascending=not data.bench.get("higher_is_better", True), kind="stable")
        if n_points > MAX_TABLE_ROWS:
            # The grid ships every row to the browser: tens of thousands of rows cost seconds and megabytes per
            # rerun and help nobody scrolling. The download (built only when clicked) has every plotted score.
            st.caption(f"Showing the {MAX_TABLE_ROWS:,} best {bname} scores of {n_points:,}; "
                       "the download below has all of them.")
            st.download_button(f"Download all {n_points:,} plotted scores (CSV)",
                               data=lambda: table.to_csv(index=False), file_name=f"size-vs-score_{bench}-{size}.csv",
                               mime="text/csv", key="sz_table_csv", on_click="ignore", type="tertiary",
                               icon=":material/download:")
        st.dataframe(table.head(MAX_TABLE_ROWS), hide_index=True, width="stretch",
                     column_config={"Source": st.column_config.LinkColumn("Source", display_text="source"),
                                    bname: st.column_config.NumberColumn(bname, format="%.1f")})
