"""License figures and tables: the obligations matrix, the clause table, and open-weights releases
over time stacked by license tier. Pure functions of the catalog frames; no Streamlit.

A matrix cell says what an obligation means for a user, in four colour-blind-safe classes that also
carry a mark (so the meaning survives greyscale and colour-vision deficiencies):
  ✓ no restriction · ! condition applies · ✕ prohibits or excludes · ? not checked in the catalog.
"""

from __future__ import annotations

import functools
import html
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.catalog.fields import label

from .style import OKABE_ITO, TIER_COLORS, TIER_LABELS, base_layout, set_layout

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


@functools.lru_cache(maxsize=4096)
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
    # Column by column into plain lists (to_dict(orient="records") on Arrow-backed columns is ~10x slower).
    columns = {c: licenses[c].to_numpy(dtype=object).tolist() for c in licenses.columns}
    for values in zip(*columns.values(), strict=True) if columns else ():
        lic = dict(zip(columns, values, strict=True))
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
                         "excerpt": excerpt, "url": url,
                         "hover": _cell_hover(col.title, meaning, detail, excerpt, url)})
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


CELL_COLUMNS = ["license_id", "column", "title", "meaning", "meaning_label", "code", "cell_text", "detail",
                "excerpt", "url", "hover"]


@functools.lru_cache(maxsize=8192)  # pure function of short strings; the same clauses come back every rerun
def _cell_hover(title: str, meaning: str, detail: str, excerpt: str | None, url: str | None) -> str:
    """The part of a matrix cell's hover card that depends only on the license and the clause (the row's
    name and models are added per row): clause meaning, plain-words detail, short wrapped excerpt, URL."""
    lines = [f"<b>{title}</b>: {MEANING_MARKS[meaning]} {MEANING_LABELS[meaning]}"]
    lines.extend(html.escape(x, quote=False) for x in textwrap.wrap(detail, WRAP))
    ex = _excerpt(excerpt)
    if ex:
        lines.append(ex)
    if url:
        lines.append(f"Source: {html.escape(url[:90], quote=False)}")
    return "<br>".join(lines)


def clause_table(licenses: pd.DataFrame, license_id: str, cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """The clause details of one license, as a plain table (for st.dataframe with a link column).
    `cells` may pass in license_cells(licenses), built once per licenses table."""
    if cells is None:
        cells = license_cells(licenses[licenses["id"] == license_id])
    else:
        cells = cells[cells["license_id"].eq(license_id).to_numpy()]
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
    # Parsed and formatted once per distinct label / size: a big catalog repeats a few hundred of each.
    codes, labels = pd.factorize(df["size_label"].astype(object))
    parsed = pd.Series(labels, dtype="string").str.extract(SIZE_TOKEN.pattern)
    scale = parsed[1].map({"M": 1e-3, "B": 1.0, "T": 1e3}).astype("float64")
    label_size = (pd.to_numeric(parsed[0], errors="coerce").astype("float64") * scale).to_numpy()
    label_token = (parsed[0] + parsed[1]).astype(object).where(parsed[0].notna(), None).to_numpy(dtype=object)
    known = codes >= 0
    from_label = np.full(len(df), np.nan)
    from_label[known] = label_size[codes[known]]
    token = np.full(len(df), None, dtype=object)
    token[known] = label_token[codes[known]]
    total = df["params_total_b"].astype("float64")
    size = total.fillna(pd.Series(from_label, index=df.index))
    t_codes, t_values = pd.factorize(total)  # NaN: code -1
    stated = np.array([f"{v:g}B" for v in t_values], dtype=object)
    need = pd.isna(token) & (t_codes >= 0)
    token[need] = stated[t_codes[need]]
    return size, pd.Series(token, index=df.index, dtype=object)


def _size_spans(df: pd.DataFrame, group: np.ndarray, n_groups: int) -> pd.DataFrame:
    """Per group (`group`: an integer id 0..n_groups-1 per row of `df`, -1 for none): span ('0.5B–32B', '72B',
    or variant names when no size is known) and the smallest size (for ordering). Vectorised over integer
    group ids: a big catalog has tens of thousands of (family, license) groups."""
    size, token = _size_key(df)
    s = size.to_numpy(dtype="float64")
    tok = token.to_numpy(dtype=object)
    idx = np.flatnonzero((group >= 0) & ~np.isnan(s) & pd.notna(tok))
    # By group, then size, then row order: a group's first row is its smallest (earliest of equals), its
    # last row its largest (latest of equals).
    order = idx[np.lexsort((idx, s[idx], group[idx]))]
    g = group[order]
    start = np.ones(len(g), dtype=bool)
    start[1:] = g[1:] != g[:-1]
    end = np.ones(len(g), dtype=bool)
    end[:-1] = g[1:] != g[:-1]
    lo = np.full(n_groups, None, dtype=object)
    hi = np.full(n_groups, None, dtype=object)
    min_size = np.full(n_groups, np.nan)
    lo[g[start]], hi[g[end]], min_size[g[start]] = tok[order[start]], tok[order[end]], s[order[start]]
    span = np.full(n_groups, None, dtype=object)
    has = pd.notna(lo)
    span[has] = np.where(lo[has] == hi[has], lo[has], lo[has] + "–" + hi[has])
    # Groups without any size: their variant names (the first two distinct and how many more).
    rows = (group >= 0) & ~has[np.maximum(group, 0)]
    if rows.any():
        names = pd.DataFrame({"g": group[rows], "name": df["name"].to_numpy(dtype=object)[rows]}).drop_duplicates()
        rank = names.groupby("g", sort=False).cumcount().to_numpy()
        first = names[rank == 0].set_index("g")["name"].astype(object)
        second = names[rank == 1].set_index("g")["name"].astype(object).reindex(first.index)
        n = names.groupby("g", sort=False).size().reindex(first.index)
        more = pd.Series(np.where(n > 2, " +" + (n - 2).astype(str), ""), index=first.index, dtype=object)
        span[first.index.to_numpy()] = (first + (", " + second).fillna("") + more).to_numpy(dtype=object)
    return pd.DataFrame({"span": span, "_min_size": min_size})


@functools.lru_cache(maxsize=4096)
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


def _name_lists(codes: np.ndarray, names: pd.Series, counts: np.ndarray) -> list[list]:
    """Per group id 0..len(counts)-1 (codes: one per row of `names`, -1 for none): its names in row order.
    One split of a sorted array instead of a Python call per group."""
    valid = codes >= 0
    order = np.argsort(codes[valid], kind="stable")
    if not len(counts):
        return []
    parts = np.split(names.to_numpy(dtype=object)[valid][order], np.cumsum(counts)[:-1])
    return [part.tolist() for part in parts]


def _sort_rank(values) -> np.ndarray:
    """Integer ranks that sort like the values (ascending, Python/pandas string order)."""
    codes, _ = pd.factorize(pd.Series(values, dtype=object), sort=True)
    return codes


def matrix_rows(models: pd.DataFrame, licenses: pd.DataFrame, *, rows: str = "license",
                commercial_only: bool = False) -> pd.DataFrame:
    """The matrix's rows, top to bottom: one per license, or one per (family, license).

    Columns: label, license_id, license_name, tier, family, span, n_models, model_names.
    Built on integer group ids and plain arrays (one DataFrame at the end): tens of rows for the curated
    catalog, tens of thousands of family rows for a big one, and pandas' per-operation cost dominates both.
    """
    if rows not in ("license", "family"):
        raise ValueError(f"rows must be 'license' or 'family', not {rows!r}")
    info = {i: (t, cu, n) for i, t, cu, n in zip(licenses["id"], licenses["tier"], licenses["commercial_use"],
                                                  licenses["name"], strict=True)}
    # Only the columns the rows need, and only the licensed rows: a big catalog has ~80 columns.
    need = [c for c in ("license", "name", "family", "family_id", "release_dt", "size_label", "params_total_b")
            if c in models.columns]
    keep = models.loc[models["license"].isin(list(info)).to_numpy(), need]
    cols = ["label", "license_id", "license_name", "tier", "family", "span", "n_models", "model_names"]
    if keep.empty:
        return pd.DataFrame(columns=cols)
    lic_codes, lic_uniq = pd.factorize(keep["license"].astype(object))
    lic_uniq = lic_uniq.to_numpy(dtype=object)
    if rows == "license":
        lic_id = lic_uniq
        counts = np.bincount(lic_codes, minlength=len(lic_id))
        names = _name_lists(lic_codes, keep["name"], counts)
        family = np.full(len(lic_id), None, dtype=object)
        span = np.full(len(lic_id), None, dtype=object)
        label = np.array([short_license_name(info[i][2]) for i in lic_id], dtype=object)
        tier_rank = {t: k for k, t in enumerate(TIER_ORDER)}
        rank = np.array([tier_rank.get(info[i][0], len(TIER_ORDER)) for i in lic_id])
        order = np.lexsort((_sort_rank(label), -counts, rank))  # tier, most models, label; stable
    else:
        # One integer id per (family, license) group, in order of first appearance.
        fam_codes, families = pd.factorize(keep["family"].fillna(keep["family_id"]).astype(object))
        families = families.to_numpy(dtype=object)
        valid = fam_codes >= 0  # rows without a family name or id belong to no row
        group = np.full(len(keep), -1, dtype="int64")
        group[valid], pairs = pd.factorize(fam_codes[valid].astype("int64") * len(lic_uniq) + lic_codes[valid])
        g_fam, g_lic = pairs // len(lic_uniq), pairs % len(lic_uniq)
        counts = np.bincount(group[valid], minlength=len(pairs))
        names = _name_lists(group, keep["name"], counts)
        family, lic_id = families[g_fam], lic_uniq[g_lic]
        spans = _size_spans(keep, group, len(pairs))
        span, min_size = spans["span"].to_numpy(dtype=object), spans["_min_size"].to_numpy(dtype="float64")
        first = pd.Series(keep["release_dt"].to_numpy()[valid]).groupby(fam_codes[valid]).min()
        first = first.reindex(np.arange(len(families))).to_numpy()[g_fam]
        n_lic = np.bincount(g_fam, minlength=len(families))[g_fam]
        short = {i: family_license_name(info[i][2]) for i in lic_uniq}
        lic_short = np.array([short[i] for i in lic_id], dtype=object)
        label = np.where(n_lic > 1, family + " " + span + " · " + lic_short, family + " · " + lic_short)
        # By first release of the family, family, smallest size, label; missing values last; stable.
        first_na, size_na = pd.isna(first), np.isnan(min_size)
        first_i8 = np.where(first_na, 0, first.astype("datetime64[ns]").astype("int64"))
        order = np.lexsort((_sort_rank(label), np.where(size_na, 0, min_size), size_na, _sort_rank(family),
                            first_i8, first_na))
    tier = np.array([info[i][0] for i in lic_id], dtype=object)
    commercial = np.array([info[i][1] for i in lic_id], dtype=object)
    if commercial_only:  # after the labels, so a family's rows keep their size spans
        order = order[np.isin(commercial[order], COMMERCIAL_OK)]
    label = label[order]
    # Row labels must be unique on a categorical axis.
    seen = pd.Series(label, dtype=object).duplicated(keep=False).to_numpy()
    label = np.where(seen, label + " (" + lic_id[order] + ")", label)
    return pd.DataFrame({
        "label": label, "license_id": lic_id[order], "license_name": [info[i][2] for i in lic_id[order]],
        "tier": tier[order], "family": family[order], "span": span[order], "n_models": counts[order],
        "model_names": pd.Series([names[k] for k in order], dtype=object),
    }, columns=cols)


def family_license_changes(models: pd.DataFrame, licenses: pd.DataFrame) -> pd.DataFrame:
    """Families whose license changes by size or version, in one line each:
    'Qwen2.5 (0.5B–32B: Apache License 2.0; 3B: Tongyi Qianwen Research License; 72B: …)'."""
    rows = matrix_rows(models, licenses, rows="family")
    if rows.empty:
        return pd.DataFrame(columns=["family", "licenses", "text"])
    codes, _ = pd.factorize(rows["family"].astype(object))
    multi = np.bincount(codes)[codes] > 1
    short = {i: short_license_name(n) for i, n in zip(licenses["id"], licenses["name"], strict=True)}
    found: dict[str, tuple[list, list]] = {}  # family -> (license ids, "span: license" parts), in row order
    for fam, lic_id, span in zip(rows["family"][multi], rows["license_id"][multi], rows["span"][multi], strict=True):
        ids, parts = found.setdefault(fam, ([], []))
        ids.append(lic_id)
        parts.append(f"{span}: {short[lic_id]}")
    return pd.DataFrame({"family": list(found), "licenses": [v[0] for v in found.values()],
                         "text": [f"{fam} ({'; '.join(parts)})" for fam, (_, parts) in found.items()]},
                        columns=["family", "licenses", "text"])


# ---------------------------------------------------------------------------------------------- matrix


_ESCAPE = np.frompyfunc(lambda s: html.escape(str(s), quote=False), 1, 1)  # elementwise over object arrays


def _row_hover_parts(table: pd.DataFrame, licenses: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(head, tail) of every row's hover cards: the row's name (and its license's full name on family rows),
    and its models ('2 models: a, b' with at most four names). Object arrays, one entry per row."""
    full = dict(zip(licenses["id"], licenses["name"], strict=True))
    lic_ids = table["license_id"].to_numpy(dtype=object)
    head = "<b>" + _ESCAPE(table["label"].to_numpy(dtype=object)) + "</b>"
    family = np.array([isinstance(f, str) for f in table["family"]], dtype=bool)
    if family.any():
        names = np.array([full.get(i, i) for i in lic_ids], dtype=object)
        head = np.where(family, head + "<br>License: " + _ESCAPE(names), head)
    n = table["n_models"].to_numpy(dtype="int64")
    shown = np.array([", ".join(map(str, m[:4])) for m in table["model_names"]], dtype=object)
    shown = np.where(n > 4, shown + " +" + (n - 4).astype(str).astype(object) + " more", shown)
    count = n.astype(str).astype(object) + np.where(n != 1, " models", " model").astype(object)
    tail = "<i>" + count + ": " + _ESCAPE(shown) + "</i>"
    return np.asarray(head, dtype=object), np.asarray(tail, dtype=object)


def license_matrix(models: pd.DataFrame, licenses: pd.DataFrame, cells: pd.DataFrame | None = None, *,
                   rows: str = "license", commercial_only: bool = False, talk: bool = False,
                   dark: bool = False) -> go.Figure:
    """Rows (licenses, or families × license) × obligations; each cell coloured by what it means for a user.

    Hover: what the clause means, a short verbatim excerpt, and the clause's URL (layout.meta carries
    the row table's size and what was left out, so tests and captions read the same numbers).
    `cells` may pass in license_cells(licenses): it depends only on the licenses table, not on the filters,
    so a page builds it once. The cells are looked up per license, never rebuilt per row."""
    table = matrix_rows(models, licenses, rows=rows, commercial_only=commercial_only)
    if cells is None:
        cells = license_cells(licenses[licenses["id"].isin(table["license_id"])])
    x = [c.header for c in COLUMNS]
    # Talk mode is a fixed 16:9 canvas: the rows share ~780 px, so long matrices get smaller type.
    row_px = min(34.0, 780 / max(len(table), 1)) if talk else 24.0
    cell_font = int(max(9, min(18, row_px * 0.55))) if talk else 12
    n = len(MEANINGS)
    scale = []
    for i, m in enumerate(MEANINGS):
        scale += [[i / n, MEANING_COLORS[m]], [(i + 1) / n, MEANING_COLORS[m]]]
    traces = []
    if len(table):
        # (license × column) grids of the cell fields, then one row per matrix row by the row's license.
        lic_pos = {i: k for k, i in enumerate(dict.fromkeys(cells["license_id"]))}
        col_pos = {c.key: j for j, c in enumerate(COLUMNS)}
        li = np.array([lic_pos[i] for i in cells["license_id"]], dtype="int64")
        cj = np.array([col_pos[c] for c in cells["column"]], dtype="int64")
        at = np.array([lic_pos[i] for i in table["license_id"]], dtype="int64")

        def grid(field: str) -> np.ndarray:
            g = np.full((len(lic_pos), len(COLUMNS)), None, dtype=object)
            g[li, cj] = cells[field].to_numpy(dtype=object)
            return g[at]

        z = grid("code").astype("int8")  # 2-D numpy arrays, not nested lists: Plotly copies them whole
        urls = grid("url")
        urls[pd.isna(urls)] = None
        head, tail = _row_hover_parts(table, licenses)
        hover = head[:, None] + "<br>" + grid("hover") + "<br>" + tail[:, None]
        traces.append(dict(
            type="heatmap", z=z, x=x, y=list(table["label"]), text=grid("cell_text"),
            hovertext=hover, customdata=urls, texttemplate="%{text}", textfont=dict(size=cell_font),
            hovertemplate="%{hovertext}<extra></extra>", colorscale=scale, zmin=-0.5, zmax=n - 0.5,
            showscale=False, xgap=2, ygap=2, name="Obligations", hoverongaps=False,
        ))
    for m in MEANINGS:  # legend entries (a heatmap has no legend of its own)
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers",
                           name=f"{MEANING_MARKS[m]} {MEANING_LABELS[m]}",
                           marker=dict(symbol="square", size=14, color=MEANING_COLORS[m],
                                       line=dict(width=1, color="#8C959F")), hoverinfo="skip"))
    height = max(300, int(170 + row_px * len(table)))
    title = ("What each license asks of you" if rows == "license"
             else "What each family's license asks of you")
    fig = go.Figure(data=traces)
    base_layout(fig, title=title, talk=talk, dark=dark, height=height)  # (talk: thicker legend-key outlines)
    hidden = left_out(models, licenses, commercial_only=commercial_only)
    note = left_out_text(hidden) or "Every model in view is shown."
    return set_layout(fig, dict(
        title=dict(subtitle=dict(text=note)),
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="top", traceorder="normal"),
        margin=dict(t=190 if talk else 120, b=130 if talk else 95, l=10, r=10),
        meta={"rows": len(table), "left_out": hidden},
        xaxis=dict(side="top", type="category", showgrid=False, fixedrange=True, title=dict(text=None),
                   tickfont=dict(size=16 if talk else 12)),
        # dtick=1: every row keeps its label (Plotly thins crowded category labels, which left rows unnamed).
        yaxis=dict(autorange="reversed", type="category", dtick=1, showgrid=False, fixedrange=True,
                   ticksuffix="  ", tickfont=dict(size=max(cell_font, 10) if talk else 13), title=dict(text=None)),
    ))


# ---------------------------------------------------------------------------------------------- summaries


def license_summaries(models: pd.DataFrame, licenses: pd.DataFrame, *, commercial_only: bool = False) -> pd.DataFrame:
    """One row per license in view: tier, commercial use, models in view, plain-language summary, link."""
    counts = models["license"].value_counts().to_dict()
    tier_rank = {t: i for i, t in enumerate(TIER_ORDER)}
    ids, tiers, uses = (licenses[c].to_numpy(dtype=object) for c in ("id", "tier", "commercial_use"))
    keep = [i for i in range(len(ids)) if ids[i] in counts and (not commercial_only or uses[i] in COMMERCIAL_OK)]
    # By tier (unknown tiers last), then most models; stable. The row order is decided on plain lists (the
    # table has one row per license) and the columns are taken from the licenses table once.
    keep.sort(key=lambda i: (tiers[i] not in tier_rank, tier_rank.get(tiers[i], 0), -counts[ids[i]]))
    out = licenses.iloc[keep]
    return pd.DataFrame({
        "id": out["id"], "License": out["name"], "Tier": out["tier"].map(TIER_LABELS),
        "Commercial use": out["commercial_use"],
        "Models in view": pd.Series([counts[i] for i in ids[keep]], index=out.index, dtype="int64"),
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
    ow = models.loc[models["open_weights"].to_numpy(dtype=bool), ["release_dt", "license_tier"]]
    dated = ow.dropna(subset=["release_dt"])
    hidden = {"closed weights": int((~models["open_weights"]).sum()), "no release date": len(ow) - len(dated)}
    periods = dated["release_dt"].dt.to_period(code)
    x: list[str] = []
    totals = pd.Series(dtype="int64")
    bars = []
    if len(dated):
        all_p = pd.period_range(periods.min(), periods.max(), freq=code)
        x = [_period_label(p) for p in all_p]
        counts = dated.groupby([periods, dated["license_tier"].fillna("unknown")]).size().unstack(fill_value=0)
        counts = counts.reindex(all_p, fill_value=0)
        totals = pd.Series(counts.sum(axis=1).to_numpy(), index=x)
        for tier in TIER_ORDER + ["unknown"]:
            if tier in counts and counts[tier].sum():
                key = None if tier == "unknown" else tier
                bars.append(dict(type="bar", x=x, y=counts[tier].to_numpy(), name=TIER_LABELS[key],
                                 marker=dict(color=TIER_COLORS[key]),
                                 hovertemplate="%{x}: %{y} " + TIER_LABELS[key].lower() + " release(s)<extra></extra>"))
    fig = go.Figure(data=bars)
    per = "quarter" if code == "Q" else "month"
    base_layout(fig, title=f"Open-weight releases per {per}, by license tier", talk=talk, dark=dark, height=420)
    shown_hidden = {k: v for k, v in hidden.items() if v}
    # A fixed category range: plotly would otherwise widen it to fit the annotation's text box.
    xaxis = dict(title=dict(text=f"Release {per}"), type="category", range=[-0.5, max(len(x), 1) - 0.5])
    if code == "M" and x:  # one horizontal tick per quarter ('Jan 2023', 'Apr', …) instead of 30 rotated ones
        months = pd.PeriodIndex(x, freq="M")
        at = [i for i, p in enumerate(months) if p.month in (1, 4, 7, 10)]
        xaxis.update(tickangle=0, tickvals=[x[i] for i in at],
                     ticktext=[months[i].strftime("%b<br>%Y") if months[i].month == 1 or i == at[0]
                               else months[i].strftime("%b") for i in at])
    layout = dict(
        barmode="stack", bargap=0.15,
        title=dict(subtitle=dict(text=left_out_text(shown_hidden) or "Every open-weight model in view.")),
        legend=dict(orientation="h", y=1.0, x=1, xanchor="right", yanchor="bottom", traceorder="normal"),
        margin=dict(t=130 if talk else 100),
        meta={"left_out": shown_hidden},
        xaxis=xaxis, yaxis=dict(title=dict(text="Open-weight variants released")),
    )
    if landmark is not None and x:
        where = _period_label(landmark.date.to_period(code))
        if where in totals.index:
            when = landmark.date.strftime("%b %Y" if landmark.precision in ("month", "day") else "%Y")
            layout["annotations"] = [dict(
                x=where, y=float(totals[where]), text=f"{html.escape(landmark.label)} ({when}):<br>"
                "commercial use allowed", showarrow=True, arrowhead=2, ax=0, ay=-50, align="center",
                bgcolor="rgba(255,255,255,0.85)", font=dict(size=18 if talk else 12), name="landmark")]
    return set_layout(fig, layout)


__all__ = [
    "COLUMNS", "MEANINGS", "MEANING_COLORS", "MEANING_LABELS", "Landmark", "clause_table", "commercial_share",
    "family_license_changes", "first_release", "left_out", "left_out_text", "license_cells",
    "license_matrix", "license_summaries", "matrix_rows", "releases_by_tier", "short_license_name",
]
