"""The words a chart's footer uses for where its data comes from.

A chart's footer is drawn into the figure, so it travels with every screenshot and PNG/SVG export onto a slide.
It must never claim "curated catalog" for data that is not ours: the app (and the export CLI) can run on another
catalog folder (ATLAS_DATA_DIR, e.g. a synthetic benchmark catalog or a company's own), and a session may add
uploaded models to what a chart shows.

    catalog_source()                       -> "curated catalog"            (the bundled data/ folder)
                                           -> "catalog: acme-models"       (any other folder, by its own name)
                                           -> "synthetic catalog: n10000-seed0-…"  (benchmarks/synthetic.py output)
    chart_source(catalog_source(), uploads=True)  -> "curated catalog + your uploads"

The folder name is shown as plain text in a Plotly annotation, which renders a small HTML subset: it is cleaned
of invisible characters, shortened, and escaped here, so callers put the result into the figure as it is.
No Streamlit here: the page helper and the export CLI both use it.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from .loader import BUNDLED_DATA_DIR, DATA_DIR

CURATED = "curated catalog"
UPLOADS_SUFFIX = " + your uploads"
NAME_MAX = 32  # visible characters of a folder name on a footer line (the line has to fit a narrow chart)
ELLIPSIS = "…"
UNNAMED = "unnamed folder"
# benchmarks/synthetic.py writes no marker file of its own (synthetic_dir adds ".complete", which only says the
# folder is finished). What every generated catalog does have: family files numbered from
# models/synthetic-000000.yaml, written first, and no curated family id starts with "synthetic-". One stat.
SYNTHETIC_FIRST_FAMILY = Path("models") / "synthetic-000000.yaml"

# Characters a viewer cannot see or that reorder what they see: control characters, and format characters such
# as right-to-left overrides and zero-width joiners (a folder name could otherwise read backwards on a slide).
_INVISIBLE = ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")
_SPACES = re.compile(r"\s+")


def is_bundled(data_dir: Path | str, bundled: Path | str = BUNDLED_DATA_DIR) -> bool:
    """True when `data_dir` is the bundled catalog folder, however it is spelled (relative, trailing slash,
    through a symlink)."""
    try:
        return os.path.samefile(data_dir, bundled)
    except OSError:  # one of them does not exist: compare where the paths lead
        return Path(data_dir).resolve() == Path(bundled).resolve()


def is_synthetic(data_dir: Path | str) -> bool:
    """True for a catalog written by benchmarks/synthetic.py (see SYNTHETIC_FIRST_FAMILY)."""
    return (Path(data_dir) / SYNTHETIC_FIRST_FAMILY).is_file()


def visible_text(text: str) -> str:
    """`text` without invisible or reordering characters, whitespace runs as one space, in composed form."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def shortened(text: str, limit: int = NAME_MAX) -> str:
    """At most `limit` characters: the start and the end kept around an ellipsis (a generated folder's name
    often differs only at its end, e.g. a hash)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    tail = limit - 1 - head
    return text[:head].rstrip() + ELLIPSIS + text[len(text) - tail:].lstrip()


def folder_label(data_dir: Path | str) -> str:
    """The folder's own name as safe, short plain text for a Plotly label (escaped: Plotly decodes it back)."""
    path = Path(data_dir).resolve()
    name = visible_text(path.name) or UNNAMED  # ("/" has no name)
    # Shortened before escaping, so the limit counts what a viewer sees and no entity is cut in half.
    return html.escape(shortened(name), quote=False)


@lru_cache(maxsize=8)
def catalog_source(data_dir: Path | str = DATA_DIR, bundled: Path | str = BUNDLED_DATA_DIR) -> str:
    """How a footer names the catalog in `data_dir`. Cached: the folder does not change while a process runs
    (the app reads it once too), and a rerun should not touch the file system for a footer."""
    if is_bundled(data_dir, bundled):
        return CURATED
    kind = "synthetic catalog" if is_synthetic(data_dir) else "catalog"
    return f"{kind}: {folder_label(data_dir)}"


def chart_source(catalog: str, *, uploads: bool) -> str:
    """The catalog's words, plus that the chart also shows models uploaded in this session."""
    return catalog + UPLOADS_SUFFIX if uploads else catalog
