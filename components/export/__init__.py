"""Static export of every page's default charts: `python -m components.export --out DIR [--talk]`.

The registry (registry.CHARTS) lists each page's charts and the builder defaults its page uses;
render.export() draws them with kaleido in one Chromium, deterministically (fixed ids, footer dated by
the data, not by the clock)."""

from .registry import CHARTS, Chart, Context, Skip, pages, select
from .render import (
           ExportError,
           build_all,
           build_figure,
           export,
           find_chromium,
           footer_text,
)

__all__ = ["CHARTS", "Chart", "Context", "ExportError", "Skip", "build_all", "build_figure", "export",
           "find_chromium", "footer_text", "pages", "select"]
