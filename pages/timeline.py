"""Timeline: who released what, when — replayable month by month — and the open vs closed frontier."""

from pathlib import Path

import pandas as pd
import streamlit as st

from components.catalog.loader import DATA_DIR
from components.charts import timeline as tl
from components.ui.data import get_tables, landmarks
from components.ui.memo import memo_chart, rows_key
from components.ui.page import empty_state, hidden_note, show_chart, show_url_notices
from components.ui.sidebar import filtered_models, is_talk
from components.ui.url_state import url_choice, write_url

PAGE = "Timeline"
LANES = {"org": "Organization", "family": "Family"}
COLORS = {"tier": "License tier", "weights": "Weights access"}


def _stamp(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


tables = get_tables()
df, filters = filtered_models(tables.models)
talk = is_talk()
rows = rows_key(df, tables.version)  # charts are built once per distinct rows + options
all_rows = ("catalog", tables.version)

st.title("Timeline")
st.caption("Every release on one chart, lane by lane; replay the landscape month by month, and see how long "
           "open weights took to catch up with the best closed models.")
months = memo_chart(tl.month_options, tables.models, key=all_rows)
bench_counts = memo_chart(tl.frontier_benchmarks, tables.models, tables.scores, key=all_rows)
bench_ids = bench_counts["benchmark"].tolist()
default_bench = "mmlu" if "mmlu" in bench_ids else (bench_ids[0] if bench_ids else None)

url_choice("lanes", "tl_lanes", list(LANES), "org")
url_choice("color", "tl_color", list(COLORS), "tier")
if months:
    url_choice("asof", "tl_asof", months, months[-1])
if bench_ids:
    url_choice("bench", "tl_bench", bench_ids, default_bench)
show_url_notices()

if df.empty or not months:
    empty_state()
    st.stop()

c1, c2, c3 = st.columns([1, 1, 3], gap="medium")
lanes = c1.radio("Lanes", list(LANES), key="tl_lanes", format_func=LANES.get, horizontal=True)
color_by = c2.radio("Colour by", list(COLORS), key="tl_color", format_func=COLORS.get, horizontal=True)
asof = c3.select_slider("As of", options=months, key="tl_asof",
                        help="Everything on this page shows only models released up to the end of this month. "
                             "The ▶ Replay button in the chart animates the months up to here.")
write_url("lanes", lanes, "org")
write_url("color", color_by, "tier")
write_url("asof", asof, months[-1])

marks_path = Path(DATA_DIR) / "landmarks.yaml"
fig = memo_chart(tl.releases_timeline, df, key=rows, lanes=lanes, color_by=color_by, asof=asof,
                 landmarks=landmarks(str(marks_path), _stamp(marks_path)), talk=talk)
meta = fig.layout.meta
if meta["shown"] == 0:
    st.info(f"None of the {len(df)} models in this view was released by {asof}. Move the “As of” slider later.",
            icon=":material/history:")
else:
    show_chart(fig, page=PAGE, view=f"releases-{lanes}-{color_by}-{asof}", key="tl_releases",
               data_version=tables.version)
    notes = [f"{meta['shown']:,} of {len(df):,} models released by {asof}"
             + (f" ({meta['later']:,} came later)." if meta["later"] else ".")]
    if meta["unknown_size"]:
        notes.append(f"{meta['unknown_size']:,} of unknown size are drawn as small hollow markers.")
    hidden = hidden_note(meta["hidden"])
    if hidden:
        notes.append(hidden)
    notes.append("Dates known only to the month or year sit at the start of that period.")
    if meta.get("unlabelled"):
        notes.append(meta["unlabelled_note"] + ".")
    if meta.get("lanes_merged"):
        notes.append(meta["lanes_merged_note"] + ".")
    if meta.get("replay_off"):
        notes.append(meta["replay_off"])
    st.caption(" ".join(notes))

st.subheader("Open vs closed frontier")
if not bench_ids:
    st.info("No benchmark has scores for both open-weight and closed models yet.", icon=":material/info:")
    st.stop()

# Plain dicts for the option labels (a pandas lookup per option per rerun adds up).
bench_meta = {r["id"]: r for r in tables.benchmarks.to_dict("records")} if len(tables.benchmarks) else {}
bench_labels = {b: f"{bench_meta.get(b, {}).get('name', b)} · {o} open, {c} closed models"
                for b, o, c in zip(bench_counts["benchmark"], bench_counts["n_open"], bench_counts["n_closed"],
                                   strict=True)}
bench = st.selectbox("Benchmark", bench_ids, key="tl_bench", format_func=lambda b: bench_labels.get(b, str(b)),
                     help="Benchmarks with scores for both open-weight and closed models (counts: whole catalog).")
write_url("bench", bench, default_bench)

info = bench_meta.get(bench)
higher = bool(info["higher_is_better"]) if info is not None and pd.notna(info["higher_is_better"]) else True
# The chart and the lag table under it come from one pass over the scores (the table is the chart's lags:
# the catalog's models only, as in the chart).
ffig, lags = memo_chart(
    tl.frontier_view, df, tables.scores, key=rows, benchmark=bench, asof=asof, talk=talk, higher_is_better=higher,
    bench_name=info["name"] if info is not None else bench,
    unit=info["unit"] if info is not None and pd.notna(info["unit"]) else None)
show_chart(ffig, page=PAGE, view=f"frontier-{bench}-{asof}", key="tl_frontier", data_version=tables.version)
fmeta = ffig.layout.meta
hidden = hidden_note(fmeta["hidden"])
caveat = ("Each model counts with its best score across settings (shots, CoT). Most scores are self-reported by "
          "the model's makers, in different settings and harness versions: they are not strictly comparable.")
unlabelled = f" {fmeta['unlabelled_note']}." if fmeta.get("unlabelled") else ""
st.caption((f"{hidden} {caveat}" if hidden else caveat) + unlabelled)

if len(lags):
    st.markdown("**How long until open weights matched each closed best**")
    st.dataframe(
        lags.assign(closed_date=lags["closed_date"].dt.strftime("%Y-%m"),
                    open_date=lags["open_date"].dt.strftime("%Y-%m")),
        hide_index=True, width="stretch", key="tl_lags",
        column_order=["closed_model", "closed_date", "closed_value", "open_model", "open_date", "open_value",
                      "lag_months"],
        column_config={
            "closed_model": "Closed model (new best)", "closed_date": "Released", "closed_value": "Score",
            "open_model": st.column_config.TextColumn("First open-weight match", help="Empty: not yet matched."),
            "open_date": "Released", "open_value": "Score",
            "lag_months": st.column_config.NumberColumn("Lag (months)", help="0: open weights were already there."),
        },
    )
