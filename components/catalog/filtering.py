"""The shared sidebar filters as pure data: parse them from URL parameters (tolerantly), write
them back, and apply them to the models frame. No Streamlit here.

URL form (all optional, comma-separated lists; repeated keys are merged):
    org=meta,google  weights=open,gated_open  tier=permissive  arch=moe  mod=image
    from=2023-01  to=2024-12  smin=1  smax=100   (size range in billions of total parameters)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

MAX_PARAM_LEN = 2_000  # longer values are ignored outright (hostile or broken links)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")

LIST_KEYS = {"org": "organization_id", "weights": "weights", "tier": "license_tier",
             "arch": "architecture", "mod": "modalities_in"}


@dataclass(frozen=True)
class Options:
    """What the data allows: used to reject unknown values and to clamp ranges."""

    organizations: tuple[str, ...]
    weights: tuple[str, ...] = ("open", "gated_open", "closed", "unreleased")
    tiers: tuple[str, ...] = ("permissive", "conditional", "non_commercial", "research_only", "proprietary")
    architectures: tuple[str, ...] = ("dense", "moe")
    modalities: tuple[str, ...] = ("text", "image", "audio", "video")
    first_month: str = "2017-01"
    last_month: str = "2030-12"
    size_min: float = 0.1
    size_max: float = 2000.0

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Options:
        dates = df["release_dt"].dropna()
        sizes = df["params_total_b"].dropna()
        return cls(
            organizations=tuple(sorted(df["organization_id"].dropna().unique())),
            first_month=dates.min().strftime("%Y-%m") if len(dates) else "2017-01",
            last_month=dates.max().strftime("%Y-%m") if len(dates) else "2030-12",
            size_min=float(sizes.min()) if len(sizes) else 0.1,
            size_max=float(sizes.max()) if len(sizes) else 2000.0,
        )

    def allowed(self, key: str) -> tuple[str, ...]:
        return {"org": self.organizations, "weights": self.weights, "tier": self.tiers,
                "arch": self.architectures, "mod": self.modalities}[key]


@dataclass(frozen=True)
class Filters:
    org: tuple[str, ...] = ()
    weights: tuple[str, ...] = ()
    tier: tuple[str, ...] = ()
    arch: tuple[str, ...] = ()
    mod: tuple[str, ...] = ()
    date_from: str | None = None  # "YYYY-MM"
    date_to: str | None = None
    size_min: float | None = None  # billions of total parameters
    size_max: float | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def active(self) -> bool:
        return bool(self.org or self.weights or self.tier or self.arch or self.mod or self.date_from
                    or self.date_to or self.size_min is not None or self.size_max is not None)


def _values(params: Mapping[str, object], key: str) -> list[str]:
    raw = params.get(key)
    items = raw if isinstance(raw, (list, tuple)) else ([] if raw is None else [raw])
    out: list[str] = []
    for item in items:
        out.extend(p.strip() for p in str(item).split(",") if p.strip())
    return out


def _month(text: str) -> str | None:
    m = MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return text


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 and value == value and value != float("inf") else None


def parse_filters(params: Mapping[str, object], options: Options) -> Filters:
    """Read filters from URL parameters. Anything unusable is dropped with a notice; never raises."""
    notices: list[str] = []
    lists: dict[str, tuple[str, ...]] = {}
    for key in LIST_KEYS:
        vals = _values(params, key)
        if any(len(v) > MAX_PARAM_LEN for v in vals):
            notices.append(f"'{key}': a value was too long and was ignored")
            vals = [v for v in vals if len(v) <= MAX_PARAM_LEN]
        allowed = options.allowed(key)
        unknown = [v for v in vals if v not in allowed]
        if unknown:
            shown = ", ".join(repr(u[:40]) for u in unknown[:3]) + (" …" if len(unknown) > 3 else "")
            notices.append(f"'{key}': ignored unknown value{'s' if len(unknown) > 1 else ''} {shown}")
        lists[key] = tuple(dict.fromkeys(v for v in vals if v in allowed))

    def one(key: str) -> str | None:
        vals = _values(params, key)
        if len(vals) > 1:
            notices.append(f"'{key}' was given {len(vals)} times; used the first")
        return vals[0][:MAX_PARAM_LEN + 1] if vals else None

    dates: dict[str, str | None] = {}
    for key in ("from", "to"):
        raw = one(key)
        value = _month(raw) if raw else None
        if raw and value is None:
            notices.append(f"'{key}': {raw[:40]!r} is not a month like 2024-03; ignored")
        if value and not options.first_month <= value <= options.last_month:
            value = min(max(value, options.first_month), options.last_month)
            notices.append(f"'{key}': moved into the data's range ({options.first_month} … {options.last_month})")
        dates[key] = value
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        notices.append("'from' was after 'to'; swapped them")
        dates["from"], dates["to"] = dates["to"], dates["from"]

    sizes: dict[str, float | None] = {}
    for key in ("smin", "smax"):
        raw = one(key)
        value = _number(raw) if raw else None
        if raw and value is None:
            notices.append(f"'{key}': {raw[:40]!r} is not a positive number; ignored")
        sizes[key] = value
    if sizes["smin"] and sizes["smax"] and sizes["smin"] > sizes["smax"]:
        notices.append("'smin' was above 'smax'; swapped them")
        sizes["smin"], sizes["smax"] = sizes["smax"], sizes["smin"]

    return Filters(org=lists["org"], weights=lists["weights"], tier=lists["tier"], arch=lists["arch"],
                   mod=lists["mod"], date_from=dates["from"], date_to=dates["to"],
                   size_min=sizes["smin"], size_max=sizes["smax"], notices=tuple(notices))


def filters_to_params(f: Filters) -> dict[str, str]:
    """The URL parameters that reproduce `f` (empty filters produce no parameters)."""
    out: dict[str, str] = {}
    for key in LIST_KEYS:
        vals = getattr(f, key)
        if vals:
            out[key] = ",".join(vals)
    if f.date_from:
        out["from"] = f.date_from
    if f.date_to:
        out["to"] = f.date_to
    if f.size_min is not None:
        out["smin"] = f"{f.size_min:g}"
    if f.size_max is not None:
        out["smax"] = f"{f.size_max:g}"
    return out


def _month_end(month: str) -> pd.Timestamp:
    return pd.Timestamp(month + "-01") + pd.offsets.MonthEnd(0)


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Rows matching every active filter. Unknown values (NaN) never match an active filter,
    except that a size filter keeps models of unknown size out (they are counted as hidden)."""
    mask = pd.Series(True, index=df.index)
    for key, col in LIST_KEYS.items():
        vals = getattr(f, key)
        if not vals:
            continue
        if key == "mod":
            mods = df[col].fillna("")
            mask &= mods.map(lambda s: any(v in s.split(", ") for v in vals)).astype(bool)
        else:
            mask &= df[col].isin(vals)
    if f.date_from:
        mask &= df["release_dt"] >= pd.Timestamp(f.date_from + "-01")
    if f.date_to:
        mask &= df["release_dt"] <= _month_end(f.date_to)
    if f.size_min is not None:
        mask &= df["params_total_b"] >= f.size_min
    if f.size_max is not None:
        mask &= df["params_total_b"] <= f.size_max
    return df[mask.fillna(False).astype(bool)]


def with_values(f: Filters, **changes: Iterable | str | float | None) -> Filters:
    return replace(f, **changes)
