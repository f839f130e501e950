"""Compare 2–4 models: fact rows with sources, shared benchmarks (same setting only), license
obligations side by side, and total vs active parameters drawn to scale. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.catalog.fields import FIELDS, label

from .style import OKABE_ITO, SERIES, TIER_LABELS, WEIGHTS_LABELS, base_layout

MAX_MODELS = 4
# Tried in order: the first pair whose models all exist (and pass the filters) is the default view.
DEFAULT_PAIRS = (
    ("mistral/mixtral-8x7b", "llama-2/70b"),
    ("mixtral/8x7b", "llama-2/70b"),
    ("deepseek-v3/base", "llama-3.1/405b"),
    ("qwen3/30b-a3b", "qwen3/32b"),
)
UNKNOWN = "unknown"

OBLIGATION_LABELS = {
    "mau_cap": "Monthly-active-user cap",
    "revenue_cap": "Revenue cap",
    "attribution": "Attribution required",
    "naming": "Naming rules",
    "acceptable_use_policy": "Acceptable-use policy",
    "output_training_limit": "Output-use limits",
    "territorial_exclusion": "Territorial exclusions",
    "gated_download": "Gated download",
}
COMMERCIAL_LABELS = {"yes": "Yes", "conditional": "Conditional", "no": "No"}
TOTAL_COLOR, ACTIVE_COLOR = OKABE_ITO["blue"], OKABE_ITO["orange"]


# ------------------------------------------------------------------ choosing models
def default_models(available: list[str] | pd.Index) -> list[str]:
    """The first default pair whose models are all available; else the first two available ids."""
    avail = set(available)
    for pair in DEFAULT_PAIRS:
        if all(m in avail for m in pair):
            return list(pair)
    return list(available)[:2]


def display_names(sel: pd.DataFrame) -> dict[str, str]:
    """id -> column header; names that repeat get their id appended so columns stay distinct."""
    names = sel.set_index("id")["name"].astype(object).fillna(pd.Series(sel["id"].to_numpy(), index=sel["id"]))
    dup = names.duplicated(keep=False)
    return {i: (f"{n} ({i})" if d else str(n)) for i, n, d in zip(names.index, names, dup)}


# ------------------------------------------------------------------ fact cards
@dataclass(frozen=True)
class Fact:
    label: str
    text: str            # the value as shown ("unknown" when the catalog has no value)
    source: str | None   # primary source URL of the fact


def _is_missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _num_text(v, field_name: str) -> str:
    if _is_missing(v):
        return UNKNOWN
    unit = FIELDS[field_name].unit
    if isinstance(v, (float, np.floating)):
        text = f"{float(v):,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(v):,}"
    return f"{text} {unit}" if unit and unit != "tokens" else (f"{text} tokens" if unit == "tokens" else text)


def fact_rows(row: pd.Series) -> list[Fact]:
    """The card of one model: every fact with its source URL (None where the catalog has none)."""
    def src(name: str) -> str | None:
        v = row.get(f"{name}_source")
        return None if _is_missing(v) else str(v)

    def text(v) -> str:
        return UNKNOWN if _is_missing(v) else str(v)

    facts: list[Fact] = []
    org = text(row.get("organization"))
    if not _is_missing(row.get("country_name")):
        org += f" ({row['country_name']})"
    facts.append(Fact("Organization", org, None))
    date = text(row.get("release_date"))
    if date != UNKNOWN and not _is_missing(row.get("release_event")):
        date += f" ({row['release_event']})"
    facts.append(Fact("Released", date, src("release_date")))
    w = row.get("weights")
    facts.append(Fact("Weights", UNKNOWN if _is_missing(w) else WEIGHTS_LABELS.get(w, str(w)), src("weights")))
    lic = text(row.get("license_name"))
    tier = row.get("license_tier")
    if not _is_missing(tier) and lic != UNKNOWN:
        lic += f" — {TIER_LABELS.get(tier, tier)}"
    facts.append(Fact("License", lic, src("license") or (None if _is_missing(row.get("license_url"))
                                                          else str(row["license_url"]))))
    arch = row.get("architecture")
    facts.append(Fact("Architecture", {"dense": "Dense", "moe": "Mixture of experts"}.get(arch, UNKNOWN)
                      if not _is_missing(arch) else UNKNOWN, src("architecture")))
    facts.append(Fact(FIELDS["params_total_b"].label, _num_text(row.get("params_total_b"), "params_total_b"),
                      src("params_total_b")))
    active = row.get("params_active_b")
    if _is_missing(active) and arch == "dense" and not _is_missing(row.get("params_total_b")):
        facts.append(Fact(FIELDS["params_active_b"].label, "all (dense)", src("params_total_b")))
    else:
        facts.append(Fact(FIELDS["params_active_b"].label, _num_text(active, "params_active_b"),
                          src("params_active_b")))
    if arch == "moe":
        et, ea, es = (row.get(k) for k in ("experts_total", "experts_active", "experts_shared"))
        txt = UNKNOWN if _is_missing(et) else (
            f"{int(et)} routed, {UNKNOWN if _is_missing(ea) else int(ea)} active per token"
            + ("" if _is_missing(es) or int(es) == 0 else f", {int(es)} shared"))
        facts.append(Fact("Experts", txt, src("experts_total")))
    for name in ("context_length", "vocab_size", "layers", "hidden_size", "training_tokens_t"):
        facts.append(Fact(FIELDS[name].label, _num_text(row.get(name), name), src(name)))
    facts.append(Fact(FIELDS["modalities_in"].label + " modalities", text(row.get("modalities_in")),
                      src("modalities_in")))
    facts.append(Fact(FIELDS["kind"].label, text(row.get("kind")), src("kind")))
    if not _is_missing(row.get("base_model")):
        facts.append(Fact(FIELDS["base_model"].label, str(row["base_model"]), src("base_model")))
    repo = row.get("hf_repo")
    if not _is_missing(repo):
        facts.append(Fact(FIELDS["hf_repo"].label, str(repo), f"https://huggingface.co/{repo}"))
    return facts


# ------------------------------------------------------------------ license obligations
def _obligation_text(name: str, applies, value) -> str:
    if applies is None or (isinstance(applies, float) and np.isnan(applies)):
        return "not checked"
    if not bool(applies):
        return "No"
    if _is_missing(value):
        return "Yes"
    v = float(value)
    if name == "mau_cap":
        return f"Yes: {v / 1e6:,.0f}M monthly active users" if v >= 1e6 else f"Yes: {v:,.0f} MAU"
    if name == "revenue_cap":
        return f"Yes: US${v / 1e6:,.0f}M revenue" if v >= 1e6 else f"Yes: US${v:,.0f}"
    return f"Yes ({v:g})"


def license_table(sel: pd.DataFrame, licenses: pd.DataFrame) -> pd.DataFrame:
    """Obligations (rows) × selected models (columns, display names), as plain text."""
    names = display_names(sel)
    lic = licenses.set_index("id") if len(licenses) else pd.DataFrame()
    rows = ["License", "Tier", "Commercial use", *OBLIGATION_LABELS.values(), "OSI approved"]
    out = pd.DataFrame(index=rows, columns=list(names.values()), dtype=object)
    for _, m in sel.iterrows():  # 2–4 models: a loop is the clear way
        col = names[m["id"]]
        lid = m.get("license")
        if _is_missing(lid) or lid not in lic.index:
            reason = ("no weights: API / product terms only" if m.get("weights") in ("closed", "unreleased")
                      else "license unknown")
            out[col] = [reason] + ["—"] * (len(rows) - 1)
            out.loc["Tier", col] = TIER_LABELS.get(None if _is_missing(m.get("license_tier")) else m["license_tier"])
            continue
        L = lic.loc[lid]
        values = [str(L["name"]), TIER_LABELS.get(L["tier"], str(L["tier"])),
                  COMMERCIAL_LABELS.get(L["commercial_use"], str(L["commercial_use"]))]
        values += [_obligation_text(ob, L.get(ob), L.get(f"{ob}_value")) for ob in OBLIGATION_LABELS]
        values.append("Yes" if bool(L["osi_approved"]) else "No")
        out[col] = values
    out.index.name = "Obligation"
    return out


def license_clauses(sel: pd.DataFrame, licenses: pd.DataFrame) -> list[dict]:
    """Clause excerpts (with their links) that apply to each selected model's license."""
    lic = licenses.set_index("id") if len(licenses) else pd.DataFrame()
    names = display_names(sel)
    out = []
    for _, m in sel.iterrows():
        lid = m.get("license")
        if _is_missing(lid) or lid not in lic.index:
            continue
        L = lic.loc[lid]
        for ob, ob_label in OBLIGATION_LABELS.items():
            ex = L.get(f"{ob}_excerpt")
            applies = L.get(ob)
            if not _is_missing(applies) and bool(applies) and not _is_missing(ex):
                url = L.get(f"{ob}_url")
                out.append({"model": names[m["id"]], "license": str(L["name"]), "obligation": ob_label,
                            "excerpt": str(ex), "url": None if _is_missing(url) else str(url)})
    return out


# ------------------------------------------------------------------ shared benchmarks
@dataclass
class SharedBenchmarks:
    scores: pd.DataFrame                      # benchmark, setting, model_id, value, self_reported, source_url
    settings_differ: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # bench -> model -> settings
    not_everyone: dict[str, int] = field(default_factory=dict)  # bench -> how many selected models have it


def shared_benchmarks(scores: pd.DataFrame, ids: list[str]) -> SharedBenchmarks:
    """Scores of benchmarks that every selected model has *with the same setting*. Where several
    sources give the same (model, benchmark, setting), an independent score is preferred."""
    cols = ["benchmark", "setting", "model_id", "value", "self_reported", "source_url"]
    s = scores[scores["model_id"].isin(ids)].copy()
    if s.empty or not ids:
        return SharedBenchmarks(pd.DataFrame(columns=cols))
    s["setting"] = s["setting"].astype(object).where(s["setting"].notna(), "(setting not stated)")
    n = len(set(ids))
    per_bench = s.groupby("benchmark")["model_id"].nunique()
    full = per_bench[per_bench == n].index
    pairs = s[s["benchmark"].isin(full)].groupby(["benchmark", "setting"])["model_id"].nunique()
    good = pairs[pairs == n].index
    keyed = s.set_index(["benchmark", "setting"])
    shared = keyed[keyed.index.isin(good)].reset_index()
    shared = (shared.sort_values(["benchmark", "setting", "model_id", "self_reported"], kind="stable")
              .drop_duplicates(["benchmark", "setting", "model_id"], keep="first"))
    differ_b = [b for b in full if b not in set(good.get_level_values(0))]
    differ = {b: {m: sorted(g["setting"].unique()) for m, g in s[s["benchmark"] == b].groupby("model_id")}
              for b in differ_b}
    partial = {str(b): int(k) for b, k in per_bench[per_bench < n].items()}
    order = {m: i for i, m in enumerate(ids)}
    shared = shared.assign(_o=shared["model_id"].map(order)).sort_values(["benchmark", "setting", "_o"])
    return SharedBenchmarks(shared[cols].reset_index(drop=True), differ, partial)


def shared_scores_figure(shared: pd.DataFrame, ids: list[str], names: dict[str, str], benchmarks: pd.DataFrame,
                         *, talk: bool = False, dark: bool = False) -> tuple[go.Figure, list[str]]:
    """Grouped bars of shared percent-scale benchmarks (one colour per model, in pick order).
    Returns the figure and the benchmarks left off the chart because their unit is not %."""
    meta = benchmarks.set_index("id") if len(benchmarks) else pd.DataFrame(columns=["name", "unit"])
    unit = shared["benchmark"].map(lambda b: meta["unit"].get(b) if b in meta.index else None)
    pct = shared[unit.eq("%").fillna(False).to_numpy(dtype=bool)]
    other = sorted({(meta["name"].get(b) if b in meta.index else b) for b in shared.loc[~shared.index.isin(pct.index),
                                                                                         "benchmark"]})
    bname = pct["benchmark"].map(lambda b: meta["name"].get(b) if b in meta.index else b)
    pct = pct.assign(x=bname + "<br>(" + pct["setting"] + ")")
    fig = go.Figure()
    for i, mid in enumerate(ids):
        part = pct[pct["model_id"] == mid]
        if part.empty:
            continue
        kind = np.where(part["self_reported"].astype(bool), "self-reported", "independent")
        fig.add_bar(x=part["x"], y=part["value"], name=names.get(mid, mid), marker_color=SERIES[i % len(SERIES)],
                    text=part["value"].map(lambda v: f"{v:.1f}"), textposition="outside",
                    customdata=kind, hovertemplate="%{x}<br>" + names.get(mid, mid).replace("%", "%%")
                    + ": %{y:.1f} (%{customdata})<extra></extra>")
    base_layout(fig, title="Shared benchmarks (same setting)", talk=talk, dark=dark, height=400)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    fig.update_yaxes(title_text="Score (%)", range=[0, 105])
    fig.update_xaxes(type="category")
    return fig, other


# ------------------------------------------------------------------ parameters to scale
def params_scale_figure(sel: pd.DataFrame, *, talk: bool = False, dark: bool = False) -> go.Figure:
    """Total and active parameters per model on one linear axis. Unknown sizes get no bar (never 0)
    and an "unknown" label instead; a dense model's active bar equals its total."""
    names = display_names(sel)
    y = [names[i] for i in sel["id"]]
    total = pd.to_numeric(sel["params_total_b"], errors="coerce").astype("float64").to_numpy()
    active = pd.to_numeric(sel["params_active_eff_b"], errors="coerce").astype("float64").to_numpy()
    dense = sel["architecture"].eq("dense").fillna(False).to_numpy(dtype=bool)

    def txt(v: np.ndarray, suffix: np.ndarray | None = None) -> list[str]:
        out = ["" if np.isnan(x) else f"{x:,.3g}B" for x in v]
        if suffix is not None:
            out = [t + (s if t else "") for t, s in zip(out, suffix)]
        return out

    fig = go.Figure()
    fig.add_bar(y=y, x=total, orientation="h", name="Total parameters", marker_color=TOTAL_COLOR,
                text=txt(total), textposition="outside", cliponaxis=False,
                hovertemplate="%{y}<br>Total: %{x:,.3g}B<extra></extra>")
    fig.add_bar(y=y, x=active, orientation="h", name="Active per token", marker_color=ACTIVE_COLOR,
                text=txt(active, np.where(dense, " (dense: all)", "")), textposition="outside", cliponaxis=False,
                hovertemplate="%{y}<br>Active per token: %{x:,.3g}B<extra></extra>")
    # Grouped horizontal bars: trace 0 sits below the category centre, trace 1 above it.
    for series, offset in ((total, -0.19), (active, 0.19)):
        for i, v in enumerate(series):
            if np.isnan(v):
                fig.add_annotation(x=0, y=i + offset, xref="x", yref="y", text=UNKNOWN, showarrow=False,
                                   xanchor="left", font=dict(size=15 if talk else 11, color="#6E7781"))
    base_layout(fig, title="Total vs active parameters, to scale", talk=talk, dark=dark,
                height=140 + 70 * len(y))
    known = np.nanmax(np.r_[total, active, 1.0])
    fig.update_layout(barmode="group", bargap=0.25,
                      legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom", traceorder="normal"))
    fig.update_xaxes(title_text=f"{label('params_total_b').replace('Total parameters', 'Parameters')} (linear)",
                     range=[0, known * 1.18], rangemode="tozero")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig
