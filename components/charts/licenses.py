"""License figures and tables: the obligations matrix, the clause table, and open-weights releases
over time stacked by license tier. Pure functions of the catalog frames; no Streamlit.

A matrix cell says what an obligation means for a user, in four colour-blind-safe classes that also
carry a mark (so the meaning survives greyscale and colour-vision deficiencies):
  ✓ no restriction · ! condition applies · ✕ prohibits or excludes · ? not checked in the catalog.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.catalog.fields import label

from .style import OKABE_ITO, TIER_COLORS, TIER_LABELS, base_layout

# ---------------------------------------------------------------------------------------------- meanings

OK, CONDITION, PROHIBITS, UNKNOWN = "ok", "condition", "prohibits", "unknown"
MEANINGS = [OK, CONDITION, PROHIBITS, UNKNOWN]  # z code = index
MEANING_LABELS = {OK: "No restriction", CONDITION: "Condition applies", PROHIBITS: "Prohibits / excludes",
                  UNKNOWN: "Not checked"}
MEANING_MARKS = {OK: "✓", CONDITION: "!", PROHIBITS: "✕", UNKNOWN: "?"}
MEANING_COLORS = {OK: OKABE_ITO["green"], CONDITION: OKABE_ITO["yellow"], PROHIBITS: OKABE_ITO["vermillion"],
                  UNKNOWN: "#D0D4D9"}


@dataclass(frozen=True)
class Column:
    key: str          # licenses_frame column (obligation id, or commercial_use / osi_approved)
    title: str        # one-line title (tables, hovers)
    header: str       # matrix column header (may break lines)
    when_true: str    # meaning class when the clause applies
    means: str        # what the clause means for a user, plain words


COLUMNS: tuple[Column, ...] = (
    Column("commercial_use", label("commercial_use"), "Commercial<br>use", CONDITION, ""),
    Column("mau_cap", "MAU cap", "MAU<br>cap", CONDITION,
           "Above a number of monthly active users, a further condition or permission applies"),
    Column("revenue_cap", "Revenue cap", "Revenue<br>cap", CONDITION,
           "Above a revenue threshold, a further condition or permission applies"),
    Column("attribution", "Attribution", "Attri-<br>bution", CONDITION,
           "You must credit the model or pass on its license and notices"),
    Column("naming", "Naming rule", "Naming<br>rule", CONDITION,
           "Rules on naming derivatives or showing the model's name"),
    Column("acceptable_use_policy", "Acceptable-use policy", "Use<br>policy", CONDITION,
           "An acceptable-use policy lists uses you must not make"),
    Column("output_training_limit", "Output-use limits", "Output<br>use", PROHIBITS,
           "Outputs may not be used to train or improve other models"),
    Column("territorial_exclusion", "Territorial exclusions", "Terri-<br>tory", PROHIBITS,
           "Some regions or users are excluded from the license"),
    Column("gated_download", "Gated download", "Gated<br>access", CONDITION,
           "You must accept the terms (and share details) before downloading"),
    Column("osi_approved", "OSI approved", "OSI<br>approved", OK, ""),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COMMERCIAL_OK = ("yes", "conditional")
TIER_ORDER = ["permissive", "conditional", "non_commercial", "research_only", "proprietary"]
EXCERPT_CHARS = 180
WRAP = 60


def _tri(value) -> bool | None:
    """True / False / None (not checked) from an object column that may hold None, NaN or NA."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return bool(value)


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def compact_number(value: float) -> str:
    """700000000 -> '700M', 20000000 -> '20M', 1500 -> '1.5k'."""
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:.3g}{suffix}"
    return f"{value:g}"


def short_license_name(name: str) -> str:
    """'Llama 2 Community License Agreement' -> 'Llama 2 Community License';
    'Creative Commons … (CC BY-NC 4.0)' -> 'CC BY-NC 4.0'; '(v1)', 'Version 1.0' and dates dropped."""
    m = re.search(r"\(([^)]*)\)\s*$", name)
    inner = m.group(1).strip() if m else ""
    base = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if inner and " " in inner and not re.match(r"(?i)version|v\d|\d", inner) and len(inner) < len(base):
        return inner
    base = re.sub(r"\s+Agreement$", "", base)
    base = re.sub(r"(?i)\s+version\s+[\d.]+$", "", base)
    base = re.sub(r"^The\s+", "", base)
    return base if len(base) <= 40 else base[:39].rstrip() + "…"


def _excerpt(text: str | None) -> str | None:
    """A short clause excerpt for a hover, wrapped, escaped for plotly's label markup."""
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "\u00a0…"  # no-break space: "…" stays on the line
    return "<br>".join(html.escape(line, quote=False) for line in textwrap.wrap(f"“{text}”", WRAP))


# ---------------------------------------------------------------------------------------------- cells


def license_cells(licenses: pd.DataFrame) -> pd.DataFrame:
    """One row per (license, matrix column): meaning class, mark, short cell text, detail, excerpt, url.

    The licenses table is small (one row per license file), so a plain loop is fine here.
    """
    rows = []
    for lic in licenses.to_dict(orient="records"):
        for col in COLUMNS:
            excerpt = url = None
            detail = ""
            if col.key == "commercial_use":
                cu = _text(lic.get("commercial_use"))
                meaning = {"yes": OK, "conditional": CONDITION, "no": PROHIBITS}.get(cu, UNKNOWN)
                detail = {"yes": "Commercial use allowed", "conditional": "Commercial use allowed, with conditions",
                          "no": "No commercial use"}.get(cu, "Not checked")
                value_text = ""
                url = _text(lic.get("url"))
            elif col.key == "osi_approved":
                osi = _tri(lic.get("osi_approved"))
                meaning = UNKNOWN if osi is None else (OK if osi else CONDITION)
                detail = ("OSI-approved open-source license" if osi else
                          "Not an OSI-approved open-source license" if osi is False else "Not checked")
                value_text = ""
                url = _text(lic.get("url"))
            else:
                applies = _tri(lic.get(col.key))
                value = lic.get(f"{col.key}_value")
                value = float(value) if isinstance(value, (int, float)) and not np.isnan(value) else None
                excerpt, url = _text(lic.get(f"{col.key}_excerpt")), _text(lic.get(f"{col.key}_url"))
                if applies is None:
                    meaning, detail = UNKNOWN, "Not checked yet in the catalog"
                elif applies:
                    meaning, detail = col.when_true, col.means
                else:
                    meaning, detail = OK, "No such clause"
                value_text = ""
                if applies and value is not None:
                    value_text = ("$" if col.key == "revenue_cap" else "") + compact_number(value)
                    what = (f"{compact_number(value)} monthly active users" if col.key == "mau_cap"
                            else f"${compact_number(value)} of revenue")
                    detail = f"Above {what}, a further condition or permission applies"
            mark = MEANING_MARKS[meaning]
            rows.append({"license_id": lic["id"], "column": col.key, "title": col.title, "meaning": meaning,
                         "meaning_label": MEANING_LABELS[meaning], "code": MEANINGS.index(meaning),
                         "cell_text": f"{mark} {value_text}".strip(), "detail": detail,
                         "excerpt": excerpt, "url": url})
    return pd.DataFrame(rows, columns=["license_id", "column", "title", "meaning", "meaning_label", "code",
                                       "cell_text", "detail", "excerpt", "url"])


def clause_table(licenses: pd.DataFrame, license_id: str) -> pd.DataFrame:
    """The clause details of one license, as a plain table (for st.dataframe with a link column)."""
    cells = license_cells(licenses[licenses["id"] == license_id])
    return pd.DataFrame({
        "Obligation": cells["title"],
        "For you": cells["meaning"].map(MEANING_MARKS) + " " + cells["meaning_label"],
        "What it says": cells["detail"],
        "Clause excerpt": cells["excerpt"],
        "Clause": cells["url"],
    }).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- rows


SIZE_TOKEN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([MBT])\b")


def _size_key(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(size in B, display token) per variant, vectorised: the size label's leading '7B' where there
    is one, else the stated total parameters."""
    parsed = df["size_label"].astype("string").str.extract(SIZE_TOKEN.pattern)
    scale = parsed[1].map({"M": 1e-3, "B": 1.0, "T": 1e3}).astype("float64")
    from_label = pd.to_numeric(parsed[0], errors="coerce").astype("float64") * scale
    total = df["params_total_b"].astype("float64")
    size = total.fillna(from_label)
    stated = total.map("{:g}B".format).where(total.notna())
    token = (parsed[0] + parsed[1]).astype(object).where(parsed[0].notna(), stated.astype(object))
    return size, token


def _size_spans(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of `keys`: span ('0.5B–32B', '72B', or variant names when no size is known) and
    the smallest size (for ordering)."""
    size, token = _size_key(df)
    known = df.assign(_size=size, _token=token).dropna(subset=["_size", "_token"])
    known = known.sort_values("_size", kind="stable")
    g = known.groupby(keys, sort=False)
    lo, hi = g["_token"].first(), g["_token"].last()
    spans = pd.DataFrame({"span": lo.where(lo == hi, lo + "–" + hi), "_min_size": g["_size"].min()})
    names = df.groupby(keys, sort=False)["name"].agg(
        lambda s: ", ".join(list(dict.fromkeys(s))[:2]) + (f" +{s.nunique() - 2}" if s.nunique() > 2 else ""))
    out = pd.DataFrame({"names": names}).join(spans)
    out["span"] = out["span"].fillna(out["names"])
    return out[["span", "_min_size"]]


def family_license_name(name: str) -> str:
    """Shorter still, for family rows: 'Llama 3.3 Community License Agreement' -> 'Llama 3.3 Community'."""
    short = re.sub(r"\s*\bLicen[cs]e\b", "", short_license_name(name)).strip()
    return short or short_license_name(name)


def left_out(models: pd.DataFrame, licenses: pd.DataFrame, *, commercial_only: bool = False) -> dict[str, int]:
    """How many models the matrix leaves out, and why (for the 'N models left out' note)."""
    no_license = models["license"].isna()
    closed = no_license & ~models["open_weights"]
    out = {"closed weights (no license)": int(closed.sum()),
           "open weights without a license on file": int((no_license & models["open_weights"]).sum())}
    known = models["license"].isin(licenses["id"])
    out["license not in the catalog"] = int((~no_license & ~known).sum())
    if commercial_only:
        cu = models["license"].map(licenses.set_index("id")["commercial_use"])
        out["non-commercial or research-only license"] = int((known & ~cu.isin(COMMERCIAL_OK)).sum())
    return {k: v for k, v in out.items() if v}


def left_out_text(parts: dict[str, int]) -> str | None:
    if not parts:
        return None
    total = sum(parts.values())
    detail = ", ".join(f"{v} {k}" for k, v in parts.items())
    return f"{total} model{'s' if total != 1 else ''} left out: {detail}."


def matrix_rows(models: pd.DataFrame, licenses: pd.DataFrame, *, rows: str = "license",
                commercial_only: bool = False) -> pd.DataFrame:
    """The matrix's rows, top to bottom: one per license, or one per (family, license).

    Columns: label, license_id, license_name, tier, family, span, n_models, model_names.
    """
    lic = licenses.set_index("id")
    keep = models[models["license"].isin(lic.index)]
    cols = ["label", "license_id", "license_name", "tier", "family", "span", "n_models", "model_names"]
    if keep.empty:
        return pd.DataFrame(columns=cols)
    short = {i: short_license_name(n) for i, n in lic["name"].items()}
    tier_rank = {t: i for i, t in enumerate(TIER_ORDER)}
    if rows == "license":
        g = keep.groupby("license", sort=False)
        out = pd.DataFrame({"n_models": g.size(), "model_names": g["name"].agg(list)}).reset_index(names="license_id")
        out["family"] = None
        out["span"] = None
        out["tier"] = out["license_id"].map(lic["tier"])
        out["commercial_use"] = out["license_id"].map(lic["commercial_use"])
        out["license_name"] = out["license_id"].map(lic["name"])
        out["label"] = out["license_id"].map(short)
        out["_rank"] = out["tier"].map(tier_rank).fillna(len(TIER_ORDER))
        out = out.sort_values(["_rank", "n_models", "label"], ascending=[True, False, True], kind="stable")
    elif rows == "family":
        keep = keep.assign(family=keep["family"].fillna(keep["family_id"]))
        first = keep.groupby("family")["release_dt"].min()
        g = keep.groupby(["family", "license"], sort=False)
        out = pd.DataFrame({"n_models": g.size(), "model_names": g["name"].agg(list)})
        out = out.join(_size_spans(keep, ["family", "license"])).reset_index()
        out = out.rename(columns={"license": "license_id"})
        n_lic = out.groupby("family")["license_id"].transform("size")
        out["tier"] = out["license_id"].map(lic["tier"])
        out["commercial_use"] = out["license_id"].map(lic["commercial_use"])
        out["license_name"] = out["license_id"].map(lic["name"])
        lic_short = out["license_id"].map({i: family_license_name(n) for i, n in lic["name"].items()})
        out["label"] = np.where(n_lic > 1, out["family"] + " " + out["span"] + " · " + lic_short,
                                out["family"] + " · " + lic_short)
        out["_first"] = out["family"].map(first)
        out = out.sort_values(["_first", "family", "_min_size", "label"], kind="stable", na_position="last")
    else:
        raise ValueError(f"rows must be 'license' or 'family', not {rows!r}")
    if commercial_only:  # after the labels, so a family's rows keep their size spans
        out = out[out["commercial_use"].isin(COMMERCIAL_OK)]
    out = out.reset_index(drop=True)
    # Row labels must be unique on a categorical axis.
    dup = out["label"].duplicated(keep=False)
    out.loc[dup, "label"] = out.loc[dup, "label"] + " (" + out.loc[dup, "license_id"] + ")"
    return out[cols]


def family_license_changes(models: pd.DataFrame, licenses: pd.DataFrame) -> pd.DataFrame:
    """Families whose license changes by size or version, in one line each:
    'Qwen2.5 (0.5B–32B: Apache License 2.0; 3B: Tongyi Qianwen Research License; 72B: …)'."""
    rows = matrix_rows(models, licenses, rows="family")
    if rows.empty:
        return pd.DataFrame(columns=["family", "licenses", "text"])
    multi = rows[rows.groupby("family")["license_id"].transform("size") > 1]
    short = multi["license_id"].map({i: short_license_name(n) for i, n in zip(licenses["id"], licenses["name"])})
    multi = multi.assign(part=multi["span"] + ": " + short)
    g = multi.groupby("family", sort=False)
    out = pd.DataFrame({"licenses": g["license_id"].agg(list), "parts": g["part"].agg("; ".join)}).reset_index()
    out["text"] = out["family"] + " (" + out["parts"] + ")"
    return out[["family", "licenses", "text"]]


# ---------------------------------------------------------------------------------------------- matrix


def _hover(row: dict, cell: dict, license_name: str) -> str:
    """Hover card of one cell: row, clause meaning, short wrapped excerpt, URL, models in the row."""
    lines = [f"<b>{html.escape(row['label'], quote=False)}</b>"]
    if isinstance(row["family"], str):
        lines.append(f"License: {html.escape(license_name, quote=False)}")
    lines.append(f"<b>{cell['title']}</b>: {MEANING_MARKS[cell['meaning']]} {cell['meaning_label']}")
    lines.extend(html.escape(x, quote=False) for x in textwrap.wrap(cell["detail"], WRAP))
    ex = _excerpt(_text(cell["excerpt"]))
    if ex:
        lines.append(ex)
    url = _text(cell["url"])
    if url:
        lines.append(f"Source: {html.escape(url[:90], quote=False)}")
    names = row["model_names"]
    shown = ", ".join(names[:4]) + (f" +{len(names) - 4} more" if len(names) > 4 else "")
    lines.append(f"<i>{row['n_models']} model{'s' if row['n_models'] != 1 else ''}: "
                 f"{html.escape(shown, quote=False)}</i>")
    return "<br>".join(lines)


def license_matrix(models: pd.DataFrame, licenses: pd.DataFrame, *, rows: str = "license",
                   commercial_only: bool = False, talk: bool = False, dark: bool = False) -> go.Figure:
    """Rows (licenses, or families × license) × obligations; each cell coloured by what it means for a user.

    Hover: what the clause means, a short verbatim excerpt, and the clause's URL (layout.meta carries
    the row table's size and what was left out, so tests and captions read the same numbers)."""
    table = matrix_rows(models, licenses, rows=rows, commercial_only=commercial_only)
    cells = license_cells(licenses[licenses["id"].isin(table["license_id"])])
    by = {(c["license_id"], c["column"]): c for c in cells.to_dict(orient="records")}
    names = licenses.set_index("id")["name"].to_dict()
    x = [c.header for c in COLUMNS]
    # Talk mode is a fixed 16:9 canvas: the rows share ~780 px, so long matrices get smaller type.
    row_px = min(34.0, 780 / max(len(table), 1)) if talk else 24.0
    cell_font = int(max(9, min(18, row_px * 0.55))) if talk else 12
    z, text, hover, urls = [], [], [], []
    for row in table.to_dict(orient="records"):  # one per license or family: tens of rows, not thousands
        zc, tc, hc, uc = [], [], [], []
        for col in COLUMNS:
            cell = by[(row["license_id"], col.key)]
            zc.append(cell["code"])
            tc.append(cell["cell_text"])
            hc.append(_hover(row, cell, names.get(row["license_id"], row["license_id"])))
            uc.append(_text(cell["url"]))
        z.append(zc)
        text.append(tc)
        hover.append(hc)
        urls.append(uc)
    fig = go.Figure()
    n = len(MEANINGS)
    scale = []
    for i, m in enumerate(MEANINGS):
        scale += [[i / n, MEANING_COLORS[m]], [(i + 1) / n, MEANING_COLORS[m]]]
    if len(table):
        fig.add_heatmap(
            z=z, x=x, y=list(table["label"]), text=text, hovertext=hover, customdata=urls,
            texttemplate="%{text}", textfont=dict(size=cell_font),
            hovertemplate="%{hovertext}<extra></extra>", colorscale=scale, zmin=-0.5, zmax=n - 0.5,
            showscale=False, xgap=2, ygap=2, name="Obligations", hoverongaps=False,
        )
    for m in MEANINGS:  # legend entries (a heatmap has no legend of its own)
        fig.add_scatter(x=[None], y=[None], mode="markers", name=f"{MEANING_MARKS[m]} {MEANING_LABELS[m]}",
                        marker=dict(symbol="square", size=14, color=MEANING_COLORS[m],
                                    line=dict(width=1, color="#8C959F")), hoverinfo="skip")
    height = max(300, int(170 + row_px * len(table)))
    title = ("What each license asks of you" if rows == "license"
             else "What each family's license asks of you")
    base_layout(fig, title=title, talk=talk, dark=dark, height=height)
    hidden = left_out(models, licenses, commercial_only=commercial_only)
    note = left_out_text(hidden) or "Every model in view is shown."
    fig.update_layout(
        title_subtitle_text=note,
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="top", traceorder="normal"),
        margin=dict(t=190 if talk else 120, b=130 if talk else 95, l=10, r=10),
        meta={"rows": len(table), "left_out": hidden},
    )
    fig.update_xaxes(side="top", type="category", showgrid=False, fixedrange=True,
                     title_text=None, tickfont=dict(size=16 if talk else 12))
    # dtick=1: every row keeps its label (Plotly thins crowded category labels, which left rows unnamed).
    fig.update_yaxes(autorange="reversed", type="category", dtick=1, showgrid=False, fixedrange=True, ticksuffix="  ",
                     tickfont=dict(size=max(cell_font, 10) if talk else 13),
                     title_text=None)
    return fig


# ---------------------------------------------------------------------------------------------- summaries


def license_summaries(models: pd.DataFrame, licenses: pd.DataFrame, *, commercial_only: bool = False) -> pd.DataFrame:
    """One row per license in view: tier, commercial use, models in view, plain-language summary, link."""
    counts = models["license"].value_counts()
    out = licenses[licenses["id"].isin(counts.index)]
    if commercial_only:
        out = out[out["commercial_use"].isin(COMMERCIAL_OK)]
    tier_rank = {t: i for i, t in enumerate(TIER_ORDER)}
    out = out.assign(models=out["id"].map(counts).astype("int64"),
                     _rank=out["tier"].map(tier_rank)).sort_values(["_rank", "models"], ascending=[True, False],
                                                                 kind="stable")
    return pd.DataFrame({
        "id": out["id"], "License": out["name"], "Tier": out["tier"].map(TIER_LABELS),
        "Commercial use": out["commercial_use"], "Models in view": out["models"],
        "Summary": out["summary"], "License text": out["url"],
    }).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- over time

FREQS = {"quarter": "Q", "month": "M"}


def _period_label(p: pd.Period) -> str:
    return f"{p.year} Q{p.quarter}" if p.freqstr.startswith("Q") else p.strftime("%Y-%m")


@dataclass(frozen=True)
class Landmark:
    label: str
    date: pd.Timestamp
    precision: str | None = None


def first_release(models: pd.DataFrame, license_id: str = "llama-2-community") -> Landmark | None:
    """The first dated model released under a license (Llama 2's: the commercial turning point)."""
    rows = models[models["license"].eq(license_id)].dropna(subset=["release_dt"])
    if rows.empty:
        return None
    first = rows.sort_values("release_dt", kind="stable").iloc[0]
    family = first["family"] if isinstance(first["family"], str) else first["name"]
    return Landmark(label=family, date=first["release_dt"], precision=first.get("release_precision"))


def commercial_share(models: pd.DataFrame, when: pd.Timestamp) -> tuple[float | None, float | None]:
    """Share of dated open-weight releases whose license allows commercial use, before and from `when`."""
    ow = models[models["open_weights"]].dropna(subset=["release_dt"])
    ok = ow["commercial_use"].isin(COMMERCIAL_OK)
    before, after = ok[ow["release_dt"] < when], ok[ow["release_dt"] >= when]
    return (float(before.mean()) if len(before) else None, float(after.mean()) if len(after) else None)


def releases_by_tier(models: pd.DataFrame, *, freq: str = "quarter", landmark: Landmark | None = None,
                     talk: bool = False, dark: bool = False) -> go.Figure:
    """Stacked bars: open-weight model variants released per month or quarter, by license tier.

    Closed-weight and undated models are left out (said in the subtitle; counts in layout.meta).
    The landmark (e.g. Llama 2's commercial license) is annotated at its period if in range."""
    code = FREQS[freq]
    ow = models[models["open_weights"]]
    dated = ow.dropna(subset=["release_dt"])
    hidden = {"closed weights": int((~models["open_weights"]).sum()), "no release date": len(ow) - len(dated)}
    fig = go.Figure()
    periods = dated["release_dt"].dt.to_period(code)
    x: list[str] = []
    totals = pd.Series(dtype="int64")
    if len(dated):
        all_p = pd.period_range(periods.min(), periods.max(), freq=code)
        x = [_period_label(p) for p in all_p]
        counts = dated.groupby([periods, dated["license_tier"].fillna("unknown")]).size().unstack(fill_value=0)
        counts = counts.reindex(all_p, fill_value=0)
        totals = pd.Series(counts.sum(axis=1).to_numpy(), index=x)
        for tier in TIER_ORDER + ["unknown"]:
            if tier in counts and counts[tier].sum():
                key = None if tier == "unknown" else tier
                fig.add_bar(x=x, y=counts[tier].to_numpy(), name=TIER_LABELS[key], marker_color=TIER_COLORS[key],
                            hovertemplate="%{x}: %{y} " + TIER_LABELS[key].lower() + " release(s)<extra></extra>")
    per = "quarter" if code == "Q" else "month"
    base_layout(fig, title=f"Open-weight releases per {per}, by license tier", talk=talk, dark=dark, height=420)
    fig.update_layout(
        barmode="stack", bargap=0.15,
        title_subtitle_text=left_out_text({k: v for k, v in hidden.items() if v}) or "Every open-weight model in view.",
        legend=dict(orientation="h", y=1.0, x=1, xanchor="right", yanchor="bottom", traceorder="normal"),
        margin=dict(t=130 if talk else 100),
        meta={"left_out": {k: v for k, v in hidden.items() if v}},
    )
    # A fixed category range: plotly would otherwise widen it to fit the annotation's text box.
    fig.update_xaxes(title_text=f"Release {per}", type="category", range=[-0.5, max(len(x), 1) - 0.5])
    if code == "M" and x:  # one horizontal tick per quarter ('Jan 2023', 'Apr', …) instead of 30 rotated ones
        months = pd.PeriodIndex(x, freq="M")
        at = [i for i, p in enumerate(months) if p.month in (1, 4, 7, 10)]
        fig.update_xaxes(tickangle=0, tickvals=[x[i] for i in at],
                         ticktext=[months[i].strftime("%b<br>%Y") if months[i].month == 1 or i == at[0]
                                   else months[i].strftime("%b") for i in at])
    fig.update_yaxes(title_text="Open-weight variants released")
    if landmark is not None and x:
        where = _period_label(landmark.date.to_period(code))
        if where in totals.index:
            when = landmark.date.strftime("%b %Y" if landmark.precision in ("month", "day") else "%Y")
            fig.add_annotation(x=where, y=float(totals[where]), text=f"{html.escape(landmark.label)} ({when}):<br>"
                               "commercial use allowed", showarrow=True, arrowhead=2, ax=0, ay=-50,
                               align="center", bgcolor="rgba(255,255,255,0.85)",
                               font=dict(size=18 if talk else 12), name="landmark")
    return fig


__all__ = [
    "COLUMNS", "MEANINGS", "MEANING_COLORS", "MEANING_LABELS", "Landmark", "clause_table", "commercial_share",
    "family_license_changes", "first_release", "left_out", "left_out_text", "license_cells",
    "license_matrix", "license_summaries", "matrix_rows", "releases_by_tier", "short_license_name",
]
