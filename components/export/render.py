"""Figures -> deterministic PNG/SVG with kaleido and the system Chromium (one browser for the batch)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from components.catalog.source import catalog_source
from components.charts.style import APP_NAME, add_footer, export_config, slide_style

from .registry import Chart, Context, Skip

_SLIDE = export_config("x")["toImageButtonOptions"]
WIDTH, HEIGHT, SCALE = _SLIDE["width"], _SLIDE["height"], _SLIDE["scale"]  # same as the modebar download
FORMATS = ("png", "svg")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class ExportError(RuntimeError):
    pass


@dataclass
class Built:
    chart: Chart
    figure: go.Figure | None
    skipped: str | None = None


def footer_text(ctx: Context, source: str | None) -> str:
    """Source line: fixed by the data (version and newest release), never by today's date. A catalog chart
    (source None) names the catalog it was drawn from, as the app does; the export has no uploads."""
    parts = [APP_NAME, catalog_source(ctx.data_dir) if source is None else source, f"data {ctx.version}"]
    if ctx.as_of:
        parts.append(f"newest release {ctx.as_of}")
    return " · ".join(parts)


def build_figure(chart: Chart, ctx: Context) -> go.Figure:
    """The chart as its page draws it by default, styled like show_chart() does, made deterministic.
    Raises Skip when the builder is missing or has nothing to draw."""
    try:
        fn = chart.resolve()
    except (ImportError, AttributeError) as e:
        raise Skip(f"builder {chart.builder} not available ({type(e).__name__}: {e})") from None
    fig = chart.build(fn, ctx)
    if isinstance(fig, tuple):  # several builders return (figure, hidden counts)
        fig = fig[0]
    if fig is None:
        raise Skip("builder returned no figure")
    fig = go.Figure(fig)  # a copy: never restyle a figure the caller keeps
    if ctx.talk:
        slide_style(fig, dark=ctx.dark)
    add_footer(fig, footer_text(ctx, chart.source), talk=ctx.talk)
    return make_static(fig, chart.name)


def make_static(fig: go.Figure, name: str) -> go.Figure:
    """Fixed trace uids (plotly.js would draw random ones), and no animation controls: a still image
    cannot play the replay frames, so the ▶ button and the frame slider would be clutter on a slide."""
    if fig.frames:
        fig.frames = ()
        fig.layout.updatemenus = ()
        fig.layout.sliders = ()
    for i, trace in enumerate(fig.data):
        trace.uid = f"{name}-{i}"
    return fig


def build_all(charts: Iterable[Chart], ctx: Context) -> Iterator[Built]:
    for chart in charts:
        try:
            yield Built(chart, build_figure(chart, ctx))
        except Skip as e:
            yield Built(chart, None, skipped=str(e))


# ------------------------------------------------------------------------------ browser
def find_chromium() -> str:
    """BROWSER_PATH if set (as kaleido/choreographer honour it), else a Chromium/Chrome on PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise ExportError(f"BROWSER_PATH={explicit!r} is not an executable file. Point it at Chromium "
                          "(Debian: apt-get install chromium -> /usr/bin/chromium) or unset it.")
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise ExportError("No Chromium found: static export renders with kaleido, which needs a Chromium/Chrome "
                      "browser. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set BROWSER_PATH "
                      "to its executable. The in-app modebar download needs no browser on the server.")


_SVG_UID = re.compile(r'id="defs-([0-9a-f]+)"')
_SVG_REFS = re.compile(r'(id="|url\(#)([^")]*)')


def normalize_svg(data: bytes) -> bytes:
    """plotly.js names its clip paths and defs after a random per-plot id (id="clip3fa2b1xyplot",
    url(#legend3fa2b1)); pin it. Only ids and url(#…) references are touched, never embedded images."""
    text = data.decode("utf-8")
    m = _SVG_UID.search(text)
    if m:
        uid = m.group(1)
        text = _SVG_REFS.sub(lambda r: r.group(1) + r.group(2).replace(uid, "atlas0"), text)
    return text.encode("utf-8")


async def _render(jobs: list[tuple[dict, Path, str]], *, browser: str, width: int, height: int, scale: float,
                  timeout: float) -> None:
    import kaleido
    from kaleido import Kaleido

    async with Kaleido(n=1, timeout=timeout, mathjax=False, path=browser) as k:
        for spec, path, fmt in jobs:
            data = await k.calc_fig(spec, opts={"format": fmt, "width": width, "height": height, "scale": scale})
            if fmt == "svg":
                data = normalize_svg(data)
            path.write_bytes(data)
    del kaleido


def _run_coroutine(coro) -> None:
    """asyncio.run, also when the caller already runs an event loop (e.g. beside Playwright's sync API):
    then the batch gets a private thread with its own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def export(charts: Iterable[Chart], ctx: Context, out: Path | str, *, formats: Iterable[str] = FORMATS,
           width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE, timeout: float = 120,
           log=print) -> list[Path]:
    """Build every chart and write <out>/<page>_<view>[_talk].<fmt>; returns the written paths."""
    formats = tuple(formats)
    bad = sorted(set(formats) - {"png", "svg", "pdf", "jpg", "webp"})
    if bad:
        raise ExportError(f"unsupported format(s): {', '.join(bad)}")
    browser = find_chromium()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = ("_talk" + ("_dark" if ctx.dark else "")) if ctx.talk else ""
    jobs: list[tuple[dict, Path, str]] = []
    for b in build_all(charts, ctx):
        if b.figure is None:
            log(f"skipped {b.chart.name}: {b.skipped}")
            continue
        spec = b.figure.to_plotly_json()
        for fmt in formats:
            jobs.append((spec, out / f"{b.chart.name}{suffix}.{fmt}", fmt))
    if jobs:
        try:
            _run_coroutine(_render(jobs, browser=browser, width=width, height=height, scale=scale, timeout=timeout))
        except Exception as e:  # choreographer/kaleido errors: say which browser failed
            if isinstance(e, ExportError):
                raise
            raise ExportError(f"kaleido could not render with {browser}: {type(e).__name__}: {e}") from e
    for _spec, path, _fmt in jobs:
        log(str(path))
    return [p for _s, p, _f in jobs]
