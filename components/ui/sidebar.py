"""The shared sidebar: filters every page applies the same way, kept in the URL, plus talk mode.

The URL is the source of truth when a session starts (a copied link reopens the same view);
after that the widgets are, and every run writes their state back to st.query_params.
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from components.catalog.filtering import (
    LIST_KEYS,
    Filters,
    Options,
    apply_filters,
    filters_to_params,
    parse_filters,
)
from components.charts.style import TIER_LABELS, WEIGHTS_LABELS

SIZE_STEPS = [0.1, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 70, 100, 200, 300, 500, 700, 1000, 2000]
FILTER_PARAM_KEYS = (*LIST_KEYS, "from", "to", "smin", "smax")
WIDGET_KEYS = {"org": "f_org", "weights": "f_weights", "tier": "f_tier", "arch": "f_arch", "mod": "f_mod"}
TRUE_WORDS = {"1", "true", "yes", "on"}


# The filter options and organization names belong to the catalog, not to a run: worked out once per catalog
# version (~70 ms a run at 100k models, twice per run before). The app's catalog table carries its version in
# `attrs["catalog_version"]` (components/ui/data.py; pandas keeps attrs through the pages' shallow copies); a
# table without it (tests, tools) is worked out every time, as before.
CATALOG_VERSION_ATTR = "catalog_version"
_CATALOG_OPTIONS: dict[str, tuple[Options, dict[str, str]]] = {}
_CATALOG_OPTIONS_MAX = 8  # (one catalog per server; a few more only if its data changes while it runs)
_CATALOG_OPTIONS_LOCK = threading.Lock()


def catalog_options(models: pd.DataFrame) -> tuple[Options, dict[str, str]]:
    """(the filter options, organization id -> name) of the catalog's models table."""
    version = models.attrs.get(CATALOG_VERSION_ATTR)
    if isinstance(version, str) and version in _CATALOG_OPTIONS:
        return _CATALOG_OPTIONS[version]
    options = Options.from_frame(models)
    names = models.drop_duplicates("organization_id").set_index("organization_id")["organization"].to_dict()
    if isinstance(version, str):
        with _CATALOG_OPTIONS_LOCK:
            if len(_CATALOG_OPTIONS) >= _CATALOG_OPTIONS_MAX:
                _CATALOG_OPTIONS.clear()
            _CATALOG_OPTIONS[version] = (options, names)
    return options, names


def _query_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def _months(options: Options) -> list[str]:
    months = pd.period_range(options.first_month, options.last_month, freq="M")
    return [p.strftime("%Y-%m") for p in months]


def _size_steps(options: Options, extra: tuple[float | None, ...]) -> list[float]:
    steps = {s for s in SIZE_STEPS if s <= options.size_max * 1.5} | {x for x in extra if x}
    return sorted(steps)


SAVED_KEY = "_filters_saved"
RANGE_KEYS = ("f_dates", "f_size")
ALL_WIDGET_KEYS = (*WIDGET_KEYS.values(), *RANGE_KEYS, "talk")


def _restore_widgets() -> None:
    """Streamlit may drop a widget's state on a page switch, or hand a range slider back as a single
    value (seen with Streamlit 1.67): restore such keys from our own copy of the last good state."""
    saved = st.session_state.get(SAVED_KEY, {})
    for key, value in saved.items():
        current = st.session_state.get(key)
        broken_range = key in RANGE_KEYS and not (isinstance(current, (tuple, list)) and len(current) == 2)
        if key not in st.session_state or broken_range:
            st.session_state[key] = value


def _save_widgets() -> None:
    st.session_state[SAVED_KEY] = {k: st.session_state[k] for k in ALL_WIDGET_KEYS if k in st.session_state}


def _init_from_url(options: Options, months: list[str]) -> None:
    """First run of a session: copy the URL's filters into the widgets' state."""
    if st.session_state.get("_filters_loaded"):
        _restore_widgets()
        return
    f = parse_filters(_query_dict(), options)
    for key, wkey in WIDGET_KEYS.items():
        st.session_state[wkey] = list(getattr(f, key))
    if f.date_from or f.date_to:
        st.session_state["f_dates"] = (f.date_from or months[0], f.date_to or months[-1])
    if f.size_min is not None or f.size_max is not None:
        st.session_state["f_size"] = (f.size_min, f.size_max)  # completed once the steps are known
    talk = st.query_params.get("talk")
    st.session_state["talk"] = str(talk).lower() in TRUE_WORDS if talk is not None else False
    st.session_state["_filter_notices"] = f.notices
    st.session_state["_filters_loaded"] = True


def sidebar_filters(models: pd.DataFrame) -> Filters:
    """Draw the filter widgets; return the Filters in force (also written to the URL)."""
    options, org_names = catalog_options(models)
    months = _months(options)
    _init_from_url(options, months)

    sb = st.sidebar
    sb.header("Filters")
    sb.multiselect("Organization", options.organizations, key="f_org", format_func=lambda o: org_names.get(o, o),
                   placeholder="All organizations")
    sb.multiselect("Weights", options.weights, key="f_weights", format_func=lambda w: WEIGHTS_LABELS.get(w, w),
                   placeholder="Any access")
    sb.multiselect("License tier", options.tiers, key="f_tier", format_func=lambda t: TIER_LABELS.get(t, t),
                   placeholder="Any tier")
    sb.multiselect("Architecture", options.architectures, key="f_arch",
                   format_func={"dense": "Dense", "moe": "Mixture of experts"}.get, placeholder="Dense or MoE")
    sb.multiselect("Input modality", options.modalities, key="f_mod", format_func=str.capitalize,
                   placeholder="Any input")

    steps = _size_steps(options, _pair(st.session_state.get("f_size")))
    st.session_state["f_dates"], st.session_state["f_size"] = _ranges(months, steps)
    sb.select_slider("Released between", options=months, key="f_dates")
    sb.select_slider("Total parameters (B)", options=steps, key="f_size", format_func=lambda v: f"{v:g}B",
                     help="Models of unknown size are hidden while this range is narrowed.")

    f = _filters_from_widgets(months, steps)
    if f.active and sb.button("Reset filters", key="f_reset", width="stretch"):
        for wkey in WIDGET_KEYS.values():
            st.session_state[wkey] = []
        st.session_state["f_dates"] = (months[0], months[-1])
        st.session_state["f_size"] = (steps[0], steps[-1])
        st.rerun()
    _write_url(filters_to_params(f))
    _save_widgets()
    return f


def _pair(value) -> tuple:
    """A (low, high) range from widget state; anything else (lost or mangled state) -> (None, None)."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(value)
    return (None, None)


def _ranges(months: list[str], steps: list[float]) -> tuple[tuple, tuple]:
    """The date and size ranges in the widgets' state, repaired if missing or out of the options."""
    dates = _pair(st.session_state.get("f_dates"))
    if not all(d in months for d in dates):
        dates = (months[0], months[-1])
    lo, hi = _pair(st.session_state.get("f_size"))
    return dates, (lo if lo in steps else steps[0], hi if hi in steps else steps[-1])


def _filters_from_widgets(months: list[str], steps: list[float]) -> Filters:
    ss = st.session_state
    (d_from, d_to), (s_lo, s_hi) = _ranges(months, steps)
    return Filters(
        org=tuple(ss["f_org"]), weights=tuple(ss["f_weights"]), tier=tuple(ss["f_tier"]),
        arch=tuple(ss["f_arch"]), mod=tuple(ss["f_mod"]),
        date_from=None if d_from == months[0] else d_from, date_to=None if d_to == months[-1] else d_to,
        size_min=None if s_lo == steps[0] else s_lo, size_max=None if s_hi == steps[-1] else s_hi,
    )


def active_filters(models: pd.DataFrame) -> Filters:
    """The filters in force for a page: the sidebar's widgets, or the URL when the page runs alone."""
    options = catalog_options(models)[0]
    _restore_widgets()
    if "f_dates" not in st.session_state or "f_size" not in st.session_state:
        return parse_filters(_query_dict(), options)
    months = _months(options)
    steps = _size_steps(options, _pair(st.session_state["f_size"]))
    return _filters_from_widgets(months, steps)


def is_talk() -> bool:
    if "talk" in st.session_state:
        return bool(st.session_state["talk"])
    return str(st.query_params.get("talk", "")).lower() in TRUE_WORDS


def _write_url(params: dict[str, str]) -> None:
    for key in FILTER_PARAM_KEYS:
        if key in params:
            if st.query_params.get(key) != params[key] or len(st.query_params.get_all(key)) > 1:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]


def talk_toggle() -> bool:
    st.sidebar.divider()
    if "dark" not in st.session_state:
        st.session_state["dark"] = str(st.query_params.get("dark", "")).lower() in TRUE_WORDS
    talk = st.sidebar.toggle("Talk mode", key="talk",
                             help="Slide-ready charts: large type, high contrast, a source footer, "
                                  "Streamlit's toolbar hidden. Also ?talk=1 in the link.")
    dark = st.sidebar.toggle("Dark slides", key="dark", disabled=not talk,
                             help="Dark background for talk mode (?dark=1).")
    for key, on in (("talk", talk), ("dark", talk and dark)):
        if on:
            st.query_params[key] = "1"
        elif key in st.query_params:
            del st.query_params[key]
    if "img_fmt" not in st.session_state:
        st.session_state["img_fmt"] = "svg" if str(st.query_params.get("img", "")).lower() == "svg" else "png"
    fmt = st.sidebar.segmented_control(
        "Chart camera button saves", IMAGE_FORMATS, key="img_fmt", format_func=IMAGE_FORMATS.get,
        help="What the camera button in each chart's toolbar downloads, at slide size (1920×1080): PNG at 2× "
             "(3840×2160 pixels) or SVG (vector, for editing). Also ?img=svg in the link.") or "png"
    if fmt == "svg":
        st.query_params["img"] = "svg"
    elif "img" in st.query_params:
        del st.query_params["img"]
    return talk


IMAGE_FORMATS = {"png": "PNG", "svg": "SVG"}


def image_format() -> str:
    """The camera button's download format for this session: "png" (default) or "svg"."""
    fmt = st.session_state.get("img_fmt") or str(st.query_params.get("img", "png")).lower()
    return fmt if fmt in IMAGE_FORMATS else "png"


def is_dark() -> bool:
    if "dark" in st.session_state:
        return bool(st.session_state["dark"])
    return str(st.query_params.get("dark", "")).lower() in TRUE_WORDS


def filter_notices() -> tuple[str, ...]:
    return tuple(st.session_state.get("_filter_notices", ()))


USER_MODELS_KEY = "user_models"


def user_models() -> pd.DataFrame | None:
    """Models this browser session uploaded on the Data page (never written anywhere)."""
    df = st.session_state.get(USER_MODELS_KEY)
    return df if isinstance(df, pd.DataFrame) and len(df) else None


def filtered_models(models: pd.DataFrame) -> tuple[pd.DataFrame, Filters]:
    """The catalog plus this session's uploaded models (column `user`), with the shared filters applied."""
    f = active_filters(models)
    extra = user_models()
    if extra is not None:
        models = pd.concat([models.assign(user=False), extra], ignore_index=True)
    else:
        models = models.assign(user=False)
    return apply_filters(models, f), f
