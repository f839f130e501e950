"""Show untrusted text (catalog, uploads, URL values) inside Streamlit markdown as literal text."""

from __future__ import annotations

import re

# Every character markdown (or its HTML pass-through) could act on.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: object) -> str:
    """Literal text for st.markdown/st.caption/st.error: no links, images, emphasis or HTML from data."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_literal(text: object) -> str:
    """Untrusted text as an inline code span: shown verbatim, never a link, image or HTML — also not a
    bare-URL autolink, which backslash escapes cannot prevent."""
    s = str(text).replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {s} {fence}"
