"""Cross-check curated facts against the Hub snapshot: parameter counts and declared licenses.

A parameter count differs when the catalog's `params_total_b` and the repo's safetensors total
are more than 3% apart. Known conventions that account for a difference are data (CONVENTIONS
below); a difference no convention explains is "unexplained" and makes `check` exit 1.
Licenses are compared through the license file's `spdx` (the Hub's license tag).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch

import pandas as pd

TOLERANCE = 0.03
CHECK_COLUMNS = ["id", "hf_repo", "check", "catalog", "hub", "diff_pct", "status", "convention", "explanation"]
STATUS_ORDER = ["unexplained", "explained", "not_checked", "ok"]
# Safetensors dtypes that pack several low-bit weights into one stored element (INT4/MXFP4/GPTQ/AWQ...).
PACKED_DTYPES = {"U8", "I8", "U16", "I16", "U32", "I32", "U4", "I4"}


@dataclass(frozen=True)
class Convention:
    key: str
    check: str  # "params" or "license"
    applies_to: tuple[str, ...]  # fnmatch globs over catalog ids
    rule: str  # name of a predicate in RULES
    args: tuple  # the rule's bounds or allowed values
    explanation: str


# The table of known conventions. Add a row (not code) when a new one turns up.
CONVENTIONS: tuple[Convention, ...] = (
    Convention("mtp_weights", "params", ("deepseek-v3/*", "deepseek-r1/*"), "excess_b", (10.0, 16.0),
               "The repo also ships the ~14B-parameter multi-token-prediction (MTP) module (685B on the Hub); "
               "the announced 671B counts the main model only."),
    Convention("vision_encoder", "params", ("*",), "multimodal_excess", (0.0, 0.35),
               "The repo also holds the vision encoder and projector; the catalog counts the language model."),
    Convention("quantized_packing", "params", ("*",), "packed_dtypes", (),
               "Weights are stored in a packed low-bit format (e.g. MXFP4 or INT4 inside U8/I32 tensors): "
               "the safetensors count is per stored element, not per weight."),
    Convention("moe_active_vs_total", "params", ("*",), "matches_active", (),
               "The Hub's count matches the active parameters per token; the catalog's total counts every expert."),
    Convention("rounded_label", "params", ("*",), "rounded_label", (),
               "The source states the rounded size label; the weights hold the exact count."),
    Convention("distill_license", "license", ("deepseek-r1-distill/*",), "hub_license_is", ("mit",),
               "The distilled checkpoint's repo declares the fine-tuner's license; the base model's license "
               "(recorded in the catalog) still governs the weights."),
)


def _frac(hub_b: float, cat_b: float) -> float:
    return (hub_b - cat_b) / cat_b


Rule = Callable[[dict, tuple], bool]
RULES: dict[str, Rule] = {
    # hub - catalog (in billions) within [lo, hi]
    "excess_b": lambda r, a: a[0] <= r["hub_b"] - r["cat_b"] <= a[1],
    "multimodal_excess": lambda r, a: "image" in str(r.get("modalities_in") or "")
    and a[0] < _frac(r["hub_b"], r["cat_b"]) <= a[1],
    "packed_dtypes": lambda r, a: r["hub_b"] < r["cat_b"] and bool(PACKED_DTYPES & set(r["dtypes"])),
    "matches_active": lambda r, a: r.get("architecture") == "moe" and _num(r.get("active_b")) is not None
    and abs(_frac(r["hub_b"], r["active_b"])) <= TOLERANCE,
    "rounded_label": lambda r, a: float(r["cat_b"]).is_integer() and round(r["hub_b"]) == r["cat_b"],
    "hub_license_is": lambda r, a: str(r["hub"]).strip().lower() in a,
}


def _num(v) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def explain(model_id: str, check: str, facts: dict) -> Convention | None:
    for c in CONVENTIONS:
        if c.check == check and any(fnmatch(model_id, g) for g in c.applies_to) and RULES[c.rule](facts, c.args):
            return c
    return None


def _row(mid, repo, check, catalog, hub, diff, status, conv=None, text=None) -> dict:
    return {"id": mid, "hf_repo": repo, "check": check, "catalog": catalog, "hub": hub, "diff_pct": diff,
            "status": status, "convention": conv.key if conv else None,
            "explanation": conv.explanation if conv else text}


def _params_row(m: dict, h: dict | None) -> dict:
    mid, repo = m["id"], m["hf_repo"]
    cat_b = _num(m.get("params_total_b"))
    total = _num(h.get("safetensors_total")) if h else None
    if h is None:
        return _row(mid, repo, "params", _fmt_b(cat_b), None, None, "not_checked", text="not in the Hub snapshot")
    if total is None:
        why = f"no Hub values ({h['error_kind']})" if h.get("error_kind") and h.get("fetched_at") is None else \
            "the repo reports no safetensors parameter count"
        return _row(mid, repo, "params", _fmt_b(cat_b), None, None, "not_checked", text=why)
    hub_b = total / 1e9
    if cat_b is None:
        return _row(mid, repo, "params", None, _fmt_b(hub_b), None, "not_checked",
                    text="the catalog has no params_total_b")
    diff = round(100 * _frac(hub_b, cat_b), 1)
    if abs(_frac(hub_b, cat_b)) <= TOLERANCE:
        return _row(mid, repo, "params", _fmt_b(cat_b), _fmt_b(hub_b), diff, "ok")
    dtypes = [d.strip() for d in str(h.get("safetensors_dtypes") or "").split(",") if d.strip()]
    facts = {"cat_b": cat_b, "hub_b": hub_b, "active_b": _num(m.get("params_active_b")),
             "architecture": m.get("architecture"), "modalities_in": m.get("modalities_in"), "dtypes": dtypes}
    conv = explain(mid, "params", facts)
    return _row(mid, repo, "params", _fmt_b(cat_b), _fmt_b(hub_b), diff, "explained" if conv else "unexplained", conv,
                None if conv else f"differs by more than {TOLERANCE:.0%} and no known convention accounts for it")


def _license_row(m: dict, h: dict | None, spdx_by_license: dict[str, str | None]) -> dict:
    mid, repo, lic = m["id"], m["hf_repo"], m.get("license")
    hub_lic = h.get("hub_license") if h else None
    hub_show = hub_lic + (f" ({h['hub_license_name']})" if h.get("hub_license_name") else "") if hub_lic else None
    if not isinstance(lic, str):
        return _row(mid, repo, "license", None, hub_show, None, "not_checked", text="the catalog has no license")
    spdx = spdx_by_license.get(lic)
    if not isinstance(spdx, str):
        return _row(mid, repo, "license", lic, hub_show, None, "not_checked",
                    text=f"data/licenses/{lic}.yaml has no spdx (the Hub's license tag) to compare")
    if h is None or hub_lic is None:
        return _row(mid, repo, "license", spdx, None, None, "not_checked",
                    text="not in the Hub snapshot" if h is None else "the repo declares no license")
    if spdx.strip().lower() == hub_lic.strip().lower():
        return _row(mid, repo, "license", spdx, hub_show, None, "ok")
    conv = explain(mid, "license", {"catalog": spdx, "hub": hub_lic})
    return _row(mid, repo, "license", spdx, hub_show, None, "explained" if conv else "unexplained", conv,
                None if conv else f"the repo declares {hub_lic!r}; the catalog's license maps to {spdx!r}")


def _clean(record: dict) -> dict:
    """NaN / NA / NaT -> None, so truthiness tests mean what they say."""
    return {k: (None if not isinstance(v, (list, dict)) and pd.isna(v) else v) for k, v in record.items()}


def _fmt_b(v: float | None) -> str | None:
    return None if v is None else f"{v:,.2f}B"


def check_frame(models: pd.DataFrame, licenses: pd.DataFrame, hub: pd.DataFrame) -> pd.DataFrame:
    """One params row and one license row per catalog model with an hf_repo.
    `models` from catalog.frame.to_frame, `licenses` from licenses_frame, `hub` from snapshot_frame."""
    spdx = {r["id"]: (r["spdx"] if isinstance(r.get("spdx"), str) else None) for r in licenses.to_dict("records")}
    hub_by_id = {r["id"]: _clean(r) for r in hub.to_dict("records")} if len(hub) else {}
    rows = []
    for m in models[models["hf_repo"].notna()].to_dict("records"):
        m = _clean(m)
        h = hub_by_id.get(m["id"])
        if h is not None and h.get("hf_repo") != m["hf_repo"]:
            h = None  # the snapshot measured another repo: not comparable
        rows.append(_params_row(m, h))
        rows.append(_license_row(m, h, spdx))
    df = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    df["diff_pct"] = pd.to_numeric(df["diff_pct"]).astype("float64")
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return df.sort_values(["status", "check", "id"], key=lambda s: s.map(order) if s.name == "status" else s,
                          kind="stable").reset_index(drop=True)


def format_table(df: pd.DataFrame, *, include_ok: bool = False) -> str:
    """Plain-text table for the terminal."""
    view = df if include_ok else df[df["status"] != "ok"]
    if view.empty:
        return "(no differences)"
    cols = ["status", "check", "id", "catalog", "hub", "diff_pct", "explanation"]
    cells = [[("" if v is None or (isinstance(v, float) and math.isnan(v)) else
               (f"{v:+.1f}%" if c == "diff_pct" else str(v))) for c, v in zip(cols, row, strict=True)]
             for row in view[cols].itertuples(index=False)]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols[:-1])]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols[:-1], widths, strict=True)) + "  explanation"]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 11)
    for r in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1])
    return "\n".join(lines)


def summary_counts(df: pd.DataFrame) -> dict[str, int]:
    return {s: int((df["status"] == s).sum()) for s in STATUS_ORDER}
