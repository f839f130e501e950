"""Page options ⇄ URL. A page declares each option once; its widget state is seeded from the URL
the first time the session sees that widget, bad values fall back to the default with a notice,
and every run writes the current value back (defaults are left out to keep links short).

Usage in a page:
    url_choice("view", "tl_view", ["org", "family"], "org")
    st.radio("Lanes", ["org", "family"], key="tl_view")
    write_url("view", st.session_state["tl_view"], "org")
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

MAX_LEN = 2_000
NOTICE_KEY = "_url_notices"


def _raw(param: str) -> list[str]:
    return [v for v in st.query_params.get_all(param)]


def _notice(text: str) -> None:
    notices = st.session_state.setdefault(NOTICE_KEY, [])
    if text not in notices:
        notices.append(text)


def _seed(param: str, key: str, default: Any, parse: Callable[[list[str]], Any]) -> None:
    if key in st.session_state:
        return
    raw = _raw(param)
    if not raw:
        st.session_state[key] = default
        return
    if any(len(v) > MAX_LEN for v in raw):
        _notice(f"'{param}': value too long; using the default")
        st.session_state[key] = default
        return
    try:
        st.session_state[key] = parse(raw)
    except (ValueError, TypeError) as e:
        _notice(f"'{param}': {e}; using the default")
        st.session_state[key] = default


def url_choice(param: str, key: str, options: Sequence[Any], default: Any) -> None:
    def parse(raw: list[str]):
        if len(raw) > 1:
            _notice(f"'{param}' was given {len(raw)} times; used the first")
        by_text = {str(o): o for o in options}
        if raw[0] not in by_text:
            raise ValueError(f"{raw[0][:40]!r} is not one of {', '.join(map(str, options))}")
        return by_text[raw[0]]
    _seed(param, key, default, parse)


def url_multi(param: str, key: str, options: Sequence[str], default: Sequence[str] = (),
              max_items: int | None = None) -> None:
    def parse(raw: list[str]):
        values = [p.strip() for item in raw for p in item.split(",") if p.strip()]
        known = [v for v in dict.fromkeys(values) if v in options]
        unknown = [v for v in values if v not in options]
        if unknown:
            _notice(f"'{param}': ignored unknown {', '.join(repr(u[:40]) for u in unknown[:3])}"
                    + (" …" if len(unknown) > 3 else ""))
        if max_items is not None and len(known) > max_items:
            _notice(f"'{param}': kept the first {max_items} of {len(known)}")
            known = known[:max_items]
        return known
    _seed(param, key, list(default), parse)


def url_number(param: str, key: str, lo: float, hi: float, default: float, *, integer: bool = True) -> None:
    def parse(raw: list[str]):
        value = float(raw[0])
        if math.isnan(value) or not lo <= value <= hi:
            raise ValueError(f"{raw[0][:40]!r} is outside {lo:g}..{hi:g}")
        return int(value) if integer else value
    _seed(param, key, default, parse)


def url_text(param: str, key: str, default: str = "", max_len: int = 200) -> None:
    _seed(param, key, default, lambda raw: raw[0][:max_len])


def url_flag(param: str, key: str, default: bool = False) -> None:
    def parse(raw: list[str]):
        word = raw[0].lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{raw[0][:40]!r} is not 1 or 0")
    _seed(param, key, default, parse)


def write_url(param: str, value: Any, default: Any) -> None:
    """Mirror a widget value into the URL; the default value removes the parameter."""
    if value == default or value is None or value == [] or value == "":
        if param in st.query_params:
            del st.query_params[param]
        return
    text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else (
        ("1" if value else "0") if isinstance(value, bool) else str(value))
    if st.query_params.get(param) != text or len(st.query_params.get_all(param)) > 1:
        st.query_params[param] = text


def url_notices() -> list[str]:
    return list(st.session_state.get(NOTICE_KEY, []))
