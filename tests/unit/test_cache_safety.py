"""The columnar cache never serves stale tables after a data file changes, and a damaged cache is rebuilt, never an
error (test_cache.py has the basics: hit, miss, invalid data, unwritable places)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from components.catalog import cache
from tests.conftest import edit_yaml

SMALL = "models/acme-one.yaml"


def _context(frames: cache.CatalogFrames) -> int:
    return frames.models.set_index("id").loc["acme-one/small", "context_length"]


def _same(a: cache.CatalogFrames, b: cache.CatalogFrames) -> None:
    for t in cache.TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), check_exact=True)
    assert (a.version, a.summary) == (b.version, b.summary)


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (the real rule waits two seconds after the last change)."""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)


def _set_context(data, value: int) -> None:
    edit_yaml(data / SMALL, lambda d: d["variants"]["small"]["context_length"].update(value=value))


# ---------------------------------------------------------------- stale data
def test_an_edit_that_keeps_size_inode_and_mtime_is_still_seen(catalog_dir, tmp_path, settled):
    _set_context(catalog_dir, 4096)
    path = catalog_dir / SMALL
    before = os.stat(path)
    first, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "miss" and _context(first) == 4096
    assert cache.load_frames(catalog_dir, tmp_path / "c")[1] == "hit"
    text = path.read_text()
    with open(path, "r+", encoding="utf-8") as f:  # rewritten in place: same inode, same size
        f.write(text.replace("value: 4096", "value: 8192", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime put back (as `touch -r` does)
    after = os.stat(path)
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (before.st_size, before.st_ino, before.st_mtime_ns)
    frames, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "miss" and _context(frames) == 8192


def test_files_changed_just_now_are_hashed_every_time(catalog_dir, tmp_path, monkeypatch):
    # A file system's clock may be coarse (a second or two on some): a second same-size edit within the same tick would
    # leave every stat field as it was. Until the files have settled, the stat key is not trusted: the bytes decide.
    monkeypatch.setattr(cache, "SETTLED_NS", 3600 * 10**9)
    cache.load_frames(catalog_dir, tmp_path / "c")
    assert not list((tmp_path / "c" / "index").glob("[0-9a-f]*[0-9a-f]"))  # (only the `last-` hint)
    hashed = []
    real = cache.data_key
    monkeypatch.setattr(cache, "data_key", lambda d: hashed.append(1) or real(d))
    assert cache.load_frames(catalog_dir, tmp_path / "c")[1] == "hit" and hashed


def test_adding_or_removing_a_file_is_seen(catalog_dir, tmp_path, settled):
    base, _ = cache.load_frames(catalog_dir, tmp_path / "c")
    extra = catalog_dir / "models" / "zz-extra.yaml"
    extra.write_text((catalog_dir / SMALL).read_text().replace("family: ", "family: Extra ", 1))
    grown, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "miss" and len(grown.models) > len(base.models)
    extra.unlink()
    back, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "hit"
    _same(back, base)


def test_a_change_during_the_build_is_not_stored_under_the_old_bytes(catalog_dir, tmp_path, monkeypatch, settled):
    real = cache.build_frames

    def build_then_edit(data_dir):
        frames = real(data_dir)
        _set_context(catalog_dir, 2048)  # (a curator saves while the load runs)
        return frames

    monkeypatch.setattr(cache, "build_frames", build_then_edit)
    _, status = cache.load_frames(catalog_dir, tmp_path / "c")
    monkeypatch.setattr(cache, "build_frames", real)
    assert status == "miss"
    frames, _ = cache.load_frames(catalog_dir, tmp_path / "c")
    assert _context(frames) == 2048


def test_a_code_change_makes_new_keys(catalog_dir, monkeypatch):
    key = cache.data_key(catalog_dir)
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + "x")
    assert cache.data_key(catalog_dir) != key


# ---------------------------------------------------------------- a damaged cache
def _entry(root) -> os.PathLike:
    (entry,) = [p for p in root.iterdir() if p.name != "index"]
    return entry


def _flip_middle_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1  # (Parquet may still read it, with one value changed)
    path.write_bytes(bytes(data))


DAMAGE = {
    "garbage_parquet": lambda e: (e / "models.parquet").write_bytes(b"\x00garbage" * 100),
    "truncated_parquet": lambda e: (e / "scores.parquet").write_bytes((e / "scores.parquet").read_bytes()[:200]),
    "empty_parquet": lambda e: (e / "licenses.parquet").write_bytes(b""),
    "missing_parquet": lambda e: (e / "benchmarks.parquet").unlink(),
    "parquet_is_a_folder": lambda e: ((e / "models.parquet").unlink(), (e / "models.parquet").mkdir()),
    "one_byte_flipped": lambda e: _flip_middle_byte(e / "models.parquet"),
    "tables_swapped": lambda e: (e / "licenses.parquet").write_bytes((e / "benchmarks.parquet").read_bytes()),
    "bad_meta_json": lambda e: (e / "meta.json").write_text("{not json"),
    "meta_not_utf8": lambda e: (e / "meta.json").write_bytes(b"\xff\xfe\x00"),
    "meta_wrong_shape": lambda e: (e / "meta.json").write_text("[1, 2]"),
    "meta_without_digests": lambda e: (e / "meta.json").write_text('{"format": "2", "version": "x", "summary": "y"}'),
    "missing_meta": lambda e: (e / "meta.json").unlink(),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_entry_is_rebuilt_not_served(damage, catalog_dir, tmp_path, settled):
    built, _ = cache.load_frames(catalog_dir, tmp_path / "c")
    DAMAGE[damage](_entry(tmp_path / "c"))
    frames, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "miss"
    _same(frames, built)
    again, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "hit"  # (rebuilt in place)
    _same(again, built)


@pytest.mark.parametrize("content", [b"\xff\xfe garbage", b"", b"../../../../etc", b"0" * 24 + b"\n" * 3,
                                     b"abc", "é".encode() * 12])
def test_damaged_index_files_are_ignored(content, catalog_dir, tmp_path, settled):
    built, _ = cache.load_frames(catalog_dir, tmp_path / "c")
    for f in (tmp_path / "c" / "index").iterdir():
        f.write_bytes(content)
    frames, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "hit"  # (found again by hashing the data)
    _same(frames, built)
