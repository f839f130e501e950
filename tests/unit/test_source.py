"""The footer's source words: the bundled folder is the curated catalog however it is spelled; any other folder is
named by its own (cleaned, shortened, escaped) name; a synthetic catalog says so; uploads add a suffix only when the
chart shows uploaded rows. Also the page helper that decides that, and the export CLI's footer."""

from __future__ import annotations

import html
import os
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.catalog import source as src
from components.catalog.frame import to_frame
from components.catalog.loader import BUNDLED_DATA_DIR, load_catalog
from tests.conftest import FIXTURE_CATALOG


@pytest.fixture(autouse=True)
def fresh_cache():
    src.catalog_source.cache_clear()
    yield
    src.catalog_source.cache_clear()


def visible(label: str) -> str:
    """What Plotly shows for a label: its entities decoded."""
    return html.unescape(label)


# ------------------------------------------------------------------------------------------ the bundled folder
def test_bundled_folder_is_the_curated_catalog():
    assert src.catalog_source(BUNDLED_DATA_DIR) == "curated catalog"


@pytest.mark.parametrize("spelling", [str(BUNDLED_DATA_DIR) + "/", str(BUNDLED_DATA_DIR / "models" / ".."),
                                      os.path.relpath(BUNDLED_DATA_DIR)])
def test_other_spellings_of_the_bundled_folder_are_the_curated_catalog(spelling):
    assert src.catalog_source(spelling) == "curated catalog"


def test_a_symlink_to_the_bundled_folder_is_the_curated_catalog(tmp_path):
    link = tmp_path / "my-data"
    link.symlink_to(BUNDLED_DATA_DIR, target_is_directory=True)
    assert src.catalog_source(link) == "curated catalog"


def test_a_copy_of_the_bundled_facts_elsewhere_is_not_claimed_as_curated(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(FIXTURE_CATALOG, copy)
    # A folder called "data" that is not ours: named, never "curated".
    assert src.catalog_source(copy, bundled=BUNDLED_DATA_DIR) == "catalog: data"


# ------------------------------------------------------------------------------------------ another folder
def test_another_folder_is_named_by_its_own_name(tmp_path):
    acme = tmp_path / "acme-models"
    shutil.copytree(FIXTURE_CATALOG, acme)
    assert src.catalog_source(acme) == "catalog: acme-models"
    assert src.catalog_source(str(acme) + "/") == "catalog: acme-models"


def test_a_folder_name_with_markup_is_escaped(tmp_path):
    folder = tmp_path / "<b>acme<br> & co"  # (a folder name cannot hold "/", so no closing tags)
    folder.mkdir()
    label = src.catalog_source(folder)
    assert label == "catalog: &lt;b&gt;acme&lt;br&gt; &amp; co"
    assert visible(label) == "catalog: <b>acme<br> & co"


def test_the_folder_name_is_read_once_per_process(tmp_path):
    folder = tmp_path / "acme"
    folder.mkdir()
    assert src.catalog_source(folder) == "catalog: acme"
    (folder / src.SYNTHETIC_FIRST_FAMILY).parent.mkdir()
    (folder / src.SYNTHETIC_FIRST_FAMILY).write_text("family: x\n")
    assert src.catalog_source(folder) == "catalog: acme"  # cached: not looked at again on a rerun
    src.catalog_source.cache_clear()
    assert src.catalog_source(folder) == "synthetic catalog: acme"


# ------------------------------------------------------------------------------------------ synthetic
def test_a_generated_synthetic_catalog_reads_as_synthetic(tmp_path):
    from benchmarks.synthetic import generate

    out = generate(tmp_path / "bench-cat", 12)
    assert src.catalog_source(out) == "synthetic catalog: bench-cat"


def test_a_catalog_merely_named_synthetic_is_not_called_synthetic(tmp_path):
    folder = tmp_path / "synthetic"
    shutil.copytree(FIXTURE_CATALOG, folder)
    assert src.catalog_source(folder) == "catalog: synthetic"


# ------------------------------------------------------------------------------------------ hostile names
HOSTILE = {
    "script": "<script>alert(1)<script>",  # (no "/" in a folder name)
    "image": '<img src=x onerror="alert(1)">',
    "link": "<a href='javascript:alert(1)'>click",
    "line break": "first<br>second",
    "entity": "&lt;b&gt;",
    "template": "%{x} $\\alpha$",
    "long": "a" * 250,
    "long markup": "<b>" * 80,
    "cjk": "模型目录" * 20,
    "accents": "Cafe\u0301 catalogue",  # decomposed é
    "rtl override": "\u202egnp.exe",
    "zero width": "ac\u200bme",
    "newline": "two\nlines\ttab",
}


@pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_folder_names_are_safe_and_short(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    label = src.catalog_source(folder)
    assert label.startswith("catalog: ")
    shown = visible(label)[len("catalog: "):]
    assert 0 < len(shown) <= src.NAME_MAX
    assert "<" not in label and ">" not in label  # no tag reaches Plotly
    assert all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in label)
    assert "curated" not in label


def test_a_long_name_keeps_its_start_and_end(tmp_path):
    name = "company-catalog-" + "x" * 60 + "-v2025"
    label = src.folder_label(tmp_path / name)
    assert label.startswith("company-catalog") and label.endswith("-v2025") and src.ELLIPSIS in label
    assert len(label) == src.NAME_MAX


def test_a_shortened_name_never_cuts_an_entity_in_half(tmp_path):
    label = src.folder_label(tmp_path / ("&" * 100))
    assert label.replace("&amp;", "") == src.ELLIPSIS


def test_unicode_names_stay_readable(tmp_path):
    assert src.folder_label(tmp_path / "Cafe\u0301") == "Café"  # composed, one character
    assert src.folder_label(tmp_path / "模型目录") == "模型目录"
    assert src.folder_label(tmp_path / "\u202egnp.exe") == "gnp.exe"  # shown in the order it is stored


def test_the_root_folder_has_a_name():
    assert src.catalog_source(Path("/"), bundled=BUNDLED_DATA_DIR) == "catalog: unnamed folder"


# ------------------------------------------------------------------------------------------ uploads
def test_uploads_add_a_suffix_only_when_shown():
    assert src.chart_source("curated catalog", uploads=True) == "curated catalog + your uploads"
    assert src.chart_source("curated catalog", uploads=False) == "curated catalog"
    assert src.chart_source("catalog: acme", uploads=True) == "catalog: acme + your uploads"


@pytest.fixture(scope="module")
def fixture_frame():
    return to_frame(load_catalog(FIXTURE_CATALOG))


def with_one_upload(df):
    """The frame as filtered_models gives it, with one of its rows standing in for an uploaded model."""
    out = df.assign(user=False)
    row = out[out["context_length"].notna() & out["release_dt"].notna()].iloc[[0]]
    row = row.assign(id="user/mine", name="Mine", user=True)
    return pd.concat([out, row], ignore_index=True)


def test_page_footer_names_uploads_only_for_a_chart_that_draws_them(fixture_frame):
    from components.charts.architecture import context_over_time
    from components.ui.page import figure_shows_uploads, footer_source

    catalog = src.catalog_source()
    drawn, _ = context_over_time(with_one_upload(fixture_frame))
    plain, _ = context_over_time(fixture_frame.assign(user=False))
    assert figure_shows_uploads(drawn) and not figure_shows_uploads(plain)
    assert footer_source(drawn, None, uploads=False) == catalog + " + your uploads"
    assert footer_source(plain, None, uploads=False) == catalog


def test_page_footer_takes_the_pages_word_for_charts_that_only_count_rows(fixture_frame):
    from components.charts.overview import releases_per_quarter
    from components.ui.page import footer_source, has_uploads

    df = with_one_upload(fixture_frame)
    fig = releases_per_quarter(df)  # bars: uploads counted, not marked on the figure
    assert has_uploads(df) and not has_uploads(fixture_frame) and not has_uploads(fixture_frame.assign(user=False))
    assert footer_source(fig, None, uploads=has_uploads(df)).endswith(" + your uploads")


def test_a_catalog_trace_that_happens_to_be_called_your_models_is_not_an_upload():
    from components.ui.page import figure_shows_uploads

    fig = go.Figure(go.Scatter(x=[1], y=[1], name="Your models"))  # e.g. an organization by that name
    assert not figure_shows_uploads(fig)


def test_a_chart_with_its_own_source_keeps_it():
    from components.charts.user_layer import user_trace
    from components.ui.page import footer_source

    fig = go.Figure(user_trace([1], [1], ["Mine"]))
    assert footer_source(fig, "simulated routing", uploads=True) == "simulated routing"


# ------------------------------------------------------------------------------------------ export CLI
def test_export_footer_names_the_catalog_it_was_drawn_from(tmp_path):
    from components.export import CHARTS, Context, build_figure
    from components.export.render import footer_text

    folder = tmp_path / "acme <i>models"
    shutil.copytree(FIXTURE_CATALOG, folder)
    ctx = Context.from_data(folder)
    home = next(c for c in CHARTS if c.name == "home_releases")
    texts = [a.text for a in build_figure(home, ctx).layout.annotations if a.text.startswith("Open LLM Atlas")]
    assert len(texts) == 1
    assert "catalog: acme &lt;i&gt;models" in texts[0] and "curated" not in texts[0]
    own = next(c for c in CHARTS if c.source is not None)
    assert footer_text(ctx, own.source).split(" · ")[1] == own.source


def test_export_footer_of_the_bundled_catalog_says_curated():
    from components.export import Context
    from components.export.render import footer_text

    ctx = Context.from_data(BUNDLED_DATA_DIR)
    assert footer_text(ctx, None).split(" · ")[1] == "curated catalog"
