"""The columnar catalog cache: a hit is the same tables, a data change invalidates, no cache dir is no problem."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from components.catalog import cache
from components.catalog.errors import CatalogInvalid
from tests.conftest import edit_yaml


def assert_same(a: cache.CatalogFrames, b: cache.CatalogFrames) -> None:
    for t in cache.TABLES:
        x, y = getattr(a, t), getattr(b, t)
        pd.testing.assert_frame_equal(x, y, check_exact=True)
        assert list(x.dtypes) == list(y.dtypes)
    assert (a.version, a.summary) == (b.version, b.summary)


def test_hit_gives_identical_tables(catalog_dir, tmp_path):
    built = cache.build_frames(catalog_dir)
    first, s1 = cache.load_frames(catalog_dir, tmp_path / "c")
    second, s2 = cache.load_frames(catalog_dir, tmp_path / "c")
    assert (s1, s2) == ("miss", "hit")
    assert_same(built, first)
    assert_same(built, second)


def test_bundled_catalog_round_trips(tmp_path):
    data = Path(__file__).resolve().parents[2] / "data"
    cache.load_frames(data, tmp_path / "c")
    hit, status = cache.load_frames(data, tmp_path / "c")
    assert status == "hit"
    assert_same(cache.build_frames(data), hit)


def test_a_data_change_invalidates(catalog_dir, tmp_path):
    before, _ = cache.load_frames(catalog_dir, tmp_path / "c")
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"]["context_length"].update(value=4096))
    after, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "miss"
    assert after.version != before.version
    small = after.models.set_index("id").loc["acme-one/small"]
    assert small["context_length"] == 4096


def test_same_bytes_new_mtime_is_still_a_hit(catalog_dir, tmp_path):
    cache.load_frames(catalog_dir, tmp_path / "c")
    p = catalog_dir / "models/acme-one.yaml"
    p.write_bytes(p.read_bytes())  # touched, not changed
    _, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "hit"


def test_invalid_data_is_never_cached(catalog_dir, tmp_path):
    edit_yaml(catalog_dir / "models/acme-one.yaml", lambda d: d["variants"]["small"].update(colour="red"))
    with pytest.raises(CatalogInvalid):
        cache.load_frames(catalog_dir, tmp_path / "c")
    assert not (tmp_path / "c").exists() or not any(p.name != "index" for p in (tmp_path / "c").iterdir())


# (An unwritable folder is simulated with a file in the way: root, as in CI, can write anywhere.)
def test_cache_path_that_is_a_file_falls_back(catalog_dir, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")  # mkdir under a file fails even for root
    frames, status = cache.load_frames(catalog_dir, blocker / "cache")
    assert status == "unwritable"
    assert_same(cache.build_frames(catalog_dir), frames)


def test_corrupt_entry_is_a_miss_not_an_error(catalog_dir, tmp_path):
    cache.load_frames(catalog_dir, tmp_path / "c")
    entry = next(p for p in (tmp_path / "c").iterdir() if p.name != "index")
    (entry / "models.parquet").write_bytes(b"garbage")
    frames, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status in ("miss", "unwritable")
    assert_same(cache.build_frames(catalog_dir), frames)


def test_off_and_default_location(monkeypatch, tmp_path, catalog_dir):
    monkeypatch.setenv("ATLAS_CACHE_DIR", "off")
    assert cache.default_cache_dir() is None
    assert cache.load_frames(catalog_dir)[1] == "off"
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "x"))
    assert cache.default_cache_dir() == tmp_path / "x"
    data = Path(__file__).resolve().parents[2] / "data"
    assert data not in cache.default_cache_dir().parents
    shutil.rmtree(tmp_path / "x", ignore_errors=True)


# ---------------------------------------------------------------- the fast load path agrees with the careful one
ROOT = Path(__file__).resolve().parents[2]


def _strict(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_strict(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_strict(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize("allow_rs", [True, False])
def test_fast_parser_reads_every_file_exactly_like_the_line_tracking_one(allow_rs):
    from components.catalog.yaml_lines import parse_fast, parse_yaml

    for path in sorted((ROOT / "data").glob("*/*.yaml")) + sorted((ROOT / "tests/fixtures/catalog").glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert _strict(parse_fast(text, allow_rs=allow_rs), parse_yaml(text).data), path


@pytest.mark.parametrize("text", ["a: 010\n", "a: 1_000\n", "a: 1:30\n", "a: 1e5\n", "a: 0x1f\n", "a: [1, 2e3]\n",
                                  "a: 1.5e3\n", "a: .5\n", "a: !!str 1\n", "a: yes\n", "a: 2023-07-18\n", "a: 2023\n"])
def test_yaml_11_only_scalars_read_as_pyyaml_reads_them(text):
    from components.catalog.yaml_lines import FastPathMiss, parse_fast, parse_yaml

    try:
        fast = parse_fast(text)
    except FastPathMiss:
        return
    assert _strict(fast, parse_yaml(text).data)


def test_duplicate_keys_leave_the_fast_path():
    from components.catalog.yaml_lines import FastPathMiss, parse_fast

    for allow_rs in (True, False):
        with pytest.raises(FastPathMiss):
            parse_fast("a: 1\nb: {c: 1, c: 2}\n", allow_rs=allow_rs)


def test_fast_and_careful_catalogs_are_identical(catalog_dir):
    from components.catalog import loader

    fast = loader._check_fast(catalog_dir)
    careful, errors = loader._check_lines(catalog_dir)
    assert fast is not None and errors == []
    assert fast.version == careful.version and fast.families == careful.families
    assert list(fast.models) == list(careful.models)
    for k, m in fast.models.items():
        assert m == careful.models[k]
        assert dict(m.lines) == careful.models[k].lines
