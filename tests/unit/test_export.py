"""Static export: the registry builds every page's default charts without kaleido (fast), and a real
kaleido + Chromium export of two charts is byte-identical when run twice (determinism)."""

from __future__ import annotations

import ast
import datetime as dt
import os
import shutil
import struct
from pathlib import Path

import plotly.graph_objects as go
import pytest

from components.charts.style import APP_NAME
from components.export import (
    CHARTS,
    Chart,
    Context,
    ExportError,
    Skip,
    build_all,
    build_figure,
    export,
    select,
)
from components.export.__main__ import main as cli_main
from components.export.render import find_chromium, normalize_svg

ROOT = Path(__file__).resolve().parents[2]


def _mark_slow():
    """pytest.mark.slow once pytest.ini registers it (--strict-markers); a no-op until then."""
    try:
        return pytest.mark.slow
    except pytest.fail.Exception:
        return lambda f: f


slow = _mark_slow()


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.from_data()


@pytest.fixture(scope="module")
def talk_ctx() -> Context:
    return Context.from_data(talk=True)


def app_url_paths() -> list[str]:
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            return [elt.elts[3].value for elt in node.value.elts]
    raise AssertionError("PAGES not found in app.py")


def footer(fig: go.Figure) -> str:
    texts = [a.text for a in fig.layout.annotations if a.text and a.text.startswith(APP_NAME)]
    assert len(texts) == 1, texts
    return texts[0]


def test_registry_names_are_unique_and_pages_exist():
    names = [c.name for c in CHARTS]
    assert len(names) == len(set(names))
    known = set(app_url_paths())
    assert {c.page for c in CHARTS} <= known
    # every page with charts in app.py is covered (data is tables only)
    assert known - {c.page for c in CHARTS} <= {"data"}


def test_registry_builds_every_default_chart_without_kaleido(ctx):
    built = list(build_all(CHARTS, ctx))
    figures = [b for b in built if b.figure is not None]
    assert len(figures) >= 10, [(b.chart.name, b.skipped) for b in built]
    for b in figures:
        fig = b.figure
        assert len(fig.data) > 0, b.chart.name
        text = footer(fig)
        assert f"data {ctx.version}" in text and ctx.as_of in text
        assert dt.date.today().isoformat() not in text or dt.date.today().isoformat() == ctx.as_of
        assert all(t.uid == f"{b.chart.name}-{i}" for i, t in enumerate(fig.data))
        assert not fig.frames and not fig.layout.updatemenus
    for b in built:
        if b.figure is None:
            assert b.skipped, b.chart.name


def test_same_data_gives_the_same_figure_json(ctx):
    charts = select(["home", "size"])
    first = [b.figure.to_json() for b in build_all(charts, ctx) if b.figure is not None]
    again = [b.figure.to_json() for b in build_all(charts, Context.from_data()) if b.figure is not None]
    assert first and first == again


def test_talk_mode_is_slide_styled(talk_ctx):
    fig = build_figure(next(c for c in CHARTS if c.name == "home_releases"), talk_ctx)
    assert fig.layout.font.size >= 22
    footer_ann = next(a for a in fig.layout.annotations if a.text.startswith(APP_NAME))
    assert footer_ann.font.size >= 16


def test_missing_builder_is_skipped_with_a_message(ctx):
    ghost = Chart("home", "ghost", "overview:no_such_builder", lambda f, c: f(c.df))
    gone = Chart("home", "gone", "no_such_module:fig", lambda f, c: f(c.df))
    empty = Chart("home", "empty", "overview:releases_per_quarter", lambda f, c: (_ for _ in ()).throw(Skip("nothing")))
    results = {b.chart.view: b for b in build_all([ghost, gone, empty], ctx)}
    assert all(b.figure is None for b in results.values())
    assert "overview:no_such_builder" in results["ghost"].skipped
    assert "no_such_module" in results["gone"].skipped
    assert results["empty"].skipped == "nothing"


def test_unknown_page_is_an_error():
    with pytest.raises(ValueError, match="unknown page"):
        select(["nope"])
    assert cli_main(["--out", "/tmp/never-written", "--pages", "nope"]) == 2


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(ExportError, match="BROWSER_PATH"):
        find_chromium()
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExportError, match="apt-get install chromium"):
        find_chromium()
    assert cli_main(["--out", str(tmp_path / "out"), "--pages", "home"]) == 2
    assert "No Chromium found" in capsys.readouterr().err


def test_svg_random_plot_id_is_pinned():
    svg = (b'<svg><defs id="defs-3fa2b1"><clipPath id="clip3fa2b1xyplot"/></defs><g clip-path="url(#clip3fa2b1xyplot)"/>'
           b'<image href="data:image/png;base64,AAA3fa2b1BBB"/><g id="topdefs-3fa2b1"/></svg>')
    out = normalize_svg(svg).decode()
    assert "clipatlas0xyplot" in out and "url(#clipatlas0xyplot)" in out and 'id="defs-atlas0"' in out
    assert "AAA3fa2b1BBB" in out  # embedded images untouched


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@slow
@pytest.mark.skipif(not (os.environ.get("BROWSER_PATH") or shutil.which("chromium")), reason="needs Chromium")
def test_kaleido_export_is_byte_identical_twice(tmp_path):
    """Two separate exports (two browser sessions) of the same chart: the same bytes, PNG and SVG."""
    charts = [c for c in CHARTS if c.name == "home_releases"]
    a = export(charts, Context.from_data(), tmp_path / "a", log=lambda _m: None)
    b = export(charts, Context.from_data(), tmp_path / "b", log=lambda _m: None)
    assert [p.name for p in a] == [p.name for p in b] == ["home_releases.png", "home_releases.svg"]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert png_size(a[0]) == (3840, 2160)  # 1920x1080 at scale 2, like the modebar download
    svg = a[1].read_text()
    assert svg.startswith("<svg") and "newest release" in svg and "atlas0" in svg


def test_export_config_formats():
    import pytest

    from components.charts.style import export_config

    assert export_config("f")["toImageButtonOptions"]["format"] == "png"
    opts = export_config("f", "svg")["toImageButtonOptions"]
    assert (opts["format"], opts["width"], opts["height"]) == ("svg", 1920, 1080)
    with pytest.raises(ValueError):
        export_config("f", "gif")
