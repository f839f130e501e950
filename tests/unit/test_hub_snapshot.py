"""components.hub.snapshot: schema, atomic write (crash-safe), merge, flatten."""

import datetime as dt
import json
import os

import pytest

from components.hub import snapshot as snapmod
from components.hub.snapshot import (
    FRAME_COLUMNS,
    HubFault,
    HubValues,
    ModelEntry,
    Snapshot,
    SnapshotUnreadable,
    merge_entry,
    read_snapshot,
    snapshot_frame,
    write_snapshot,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def values(repo="a/b", downloads=10, **kw) -> HubValues:
    return HubValues(repo_id=repo, downloads_30d=downloads, downloads_all_time=100, likes=1,
                     safetensors_total=7_000_000_000, safetensors_parameters={"BF16": 7_000_000_000}, **kw)


def snap(models: dict) -> Snapshot:
    return Snapshot(fetched_at=T0, huggingface_hub_version="2.4.0", endpoint="https://huggingface.co",
                    authenticated=False, models=models)


def test_round_trip(tmp_path):
    path = tmp_path / "hub" / "snapshot.json"
    s = snap({"fam/a": ModelEntry(hf_repo="a/b", values=values(), fetched_at=T0, last_attempt_at=T0)})
    write_snapshot(path, s)
    assert read_snapshot(path) == s
    raw = json.loads(path.read_text())
    assert raw["huggingface_hub_version"] == "2.4.0" and raw["fetched_at"].startswith("2026-01-01")
    assert "Not curated" in raw["note"]


def test_missing_snapshot_is_none_and_broken_one_is_reported(tmp_path):
    assert read_snapshot(tmp_path / "nope.json") is None
    bad = tmp_path / "snapshot.json"
    bad.write_text('{"fetched_at": ')
    with pytest.raises(SnapshotUnreadable):
        read_snapshot(bad)


def _only_snapshot_left(folder):
    return sorted(p.name for p in folder.iterdir()) == ["snapshot.json"]


def test_crash_during_serialisation_leaves_previous_file_intact(tmp_path):
    path = tmp_path / "snapshot.json"
    write_snapshot(path, snap({"fam/a": ModelEntry(hf_repo="a/b", values=values(), fetched_at=T0)}))
    before = path.read_bytes()
    # json.dump writes in chunks: the first half reaches the temp file, then a value it cannot encode aborts.
    half_written = {"fetched_at": "2026-03-01", "models": {"fam/a": {"x": 1}, "fam/b": object()}}
    with pytest.raises(TypeError):
        write_snapshot(path, half_written)
    assert path.read_bytes() == before
    assert _only_snapshot_left(tmp_path)  # the temp file is cleaned up


def test_interrupt_before_replace_leaves_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "snapshot.json"
    write_snapshot(path, snap({}))
    before = path.read_bytes()
    written = []

    def crash(fd):  # the temp file holds the whole new snapshot, then the process "dies"
        written.append(True)
        raise KeyboardInterrupt

    monkeypatch.setattr(snapmod.os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(path, snap({"fam/a": ModelEntry(hf_repo="a/b", values=values(), fetched_at=T1)}))
    assert written and path.read_bytes() == before and _only_snapshot_left(tmp_path)


def test_failed_replace_leaves_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "snapshot.json"
    write_snapshot(path, snap({}))
    before = path.read_bytes()

    def no_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(snapmod.os, "replace", no_replace)
    with pytest.raises(OSError):
        write_snapshot(path, snap({"fam/a": ModelEntry(hf_repo="a/b", values=values(), fetched_at=T1)}))
    assert path.read_bytes() == before and _only_snapshot_left(tmp_path)


def test_temp_file_is_in_the_same_folder(tmp_path, monkeypatch):
    path = tmp_path / "hub" / "snapshot.json"
    seen = []
    real = os.replace
    monkeypatch.setattr(snapmod.os, "replace", lambda s, d: (seen.append(s), real(s, d)))
    write_snapshot(path, snap({}))
    assert os.path.dirname(seen[0]) == str(path.parent)


def test_merge_new_values_replace_old():
    old = ModelEntry(hf_repo="a/b", values=values(downloads=1), fetched_at=T0)
    new = merge_entry(old, "a/b", values(downloads=2), None, T1)
    assert new.values.downloads_30d == 2 and new.fetched_at == T1 and new.error is None


def test_merge_fault_keeps_previous_good_values():
    old = ModelEntry(hf_repo="a/b", values=values(downloads=1), fetched_at=T0, last_attempt_at=T0)
    fault = HubFault(kind="server_error", status=500, message="Internal Error")
    new = merge_entry(old, "a/b", None, fault, T1)
    assert new.values.downloads_30d == 1 and new.fetched_at == T0  # old values, old date
    assert new.last_attempt_at == T1 and new.error == fault


def test_merge_fault_drops_values_of_another_repo():
    old = ModelEntry(hf_repo="old/repo", values=values(), fetched_at=T0)
    new = merge_entry(old, "new/repo", None, HubFault(kind="not_found", status=404, message="x"), T1)
    assert new.values is None and new.fetched_at is None


def test_frame_columns_and_types():
    s = snap({
        "fam/a": ModelEntry(hf_repo="a/b", values=values(gated="manual", license="mit"), fetched_at=T0),
        "fam/b": ModelEntry(hf_repo="c/d", error=HubFault(kind="not_found", status=404, message="nope")),
    })
    df = snapshot_frame(s)
    assert list(df.columns) == FRAME_COLUMNS and list(df["id"]) == ["fam/a", "fam/b"]
    a, b = df.iloc[0], df.iloc[1]
    assert a["downloads_30d"] == 10 and a["gated"] == "manual" and a["hub_license"] == "mit"
    assert a["safetensors_dtypes"] == "BF16" and str(df["downloads_30d"].dtype) == "Int64"
    assert str(df["fetched_at"].dtype).startswith("datetime64") and b["error_kind"] == "not_found"
    assert snapshot_frame(None).empty and list(snapshot_frame(None).columns) == FRAME_COLUMNS


def test_oldest_values_at():
    s = snap({"x/a": ModelEntry(hf_repo="a/b", values=values(), fetched_at=T1),
              "x/b": ModelEntry(hf_repo="c/d", values=values(), fetched_at=T0),
              "x/c": ModelEntry(hf_repo="e/f")})
    assert s.oldest_values_at() == T0 and snap({}).oldest_values_at() is None

