"""The Hub snapshot file (data/hub/snapshot.json): schema, atomic write, read, merge, flatten.

Only `python -m components.hub sync` writes it; the app only reads it (no Hub request ever).
Every entry is keyed by catalog model id and keeps its last good values next to the fault of
its last attempt, so a failed model never loses what an earlier run measured.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
SNAPSHOT_NOTE = ("Measured from the Hugging Face Hub API by `python -m components.hub sync`. "
                 "Not curated facts: downloads and likes change daily.")
FaultKind = Literal["not_found", "gated", "disabled", "rate_limited", "server_error", "http_error",
                    "timeout", "network", "malformed"]
FRAME_COLUMNS = ["id", "hf_repo", "downloads_30d", "downloads_all_time", "likes", "created_at", "last_modified",
                 "gated", "hub_license", "hub_license_name", "safetensors_total", "safetensors_dtypes",
                 "fetched_at", "error_kind", "error"]


def snapshot_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / "hub" / "snapshot.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HubValues(_Strict):
    repo_id: str  # as the Hub names it (may differ in case from the catalog's hf_repo)
    sha: str | None = None
    downloads_30d: int | None = Field(default=None, ge=0)
    downloads_all_time: int | None = Field(default=None, ge=0)
    likes: int | None = Field(default=None, ge=0)
    created_at: dt.datetime | None = None
    last_modified: dt.datetime | None = None
    gated: Literal[False, "auto", "manual"] | None = None
    license: str | None = None  # cardData.license, else the license:xxx tag
    license_name: str | None = None  # cardData.license_name (set when license is "other")
    safetensors_total: int | None = Field(default=None, ge=0)
    safetensors_parameters: dict[str, int] = Field(default_factory=dict)  # dtype -> count


class HubFault(_Strict):
    kind: FaultKind
    status: int | None = None
    message: str
    retry_after_s: float | None = None
    attempts: int = 1


class ModelEntry(_Strict):
    hf_repo: str
    values: HubValues | None = None
    fetched_at: dt.datetime | None = None  # when `values` were measured
    last_attempt_at: dt.datetime | None = None
    error: HubFault | None = None  # fault of the last attempt; None when it succeeded


class Snapshot(_Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    note: str = SNAPSHOT_NOTE
    fetched_at: dt.datetime  # when the last sync ran
    huggingface_hub_version: str
    endpoint: str
    authenticated: bool  # whether HF_TOKEN was set (the token itself is never written)
    models: dict[str, ModelEntry]

    def oldest_values_at(self) -> dt.datetime | None:
        times = [e.fetched_at for e in self.models.values() if e.values is not None and e.fetched_at]
        return min(times) if times else None


class SnapshotUnreadable(Exception):
    pass


def read_snapshot(path: str | Path) -> Snapshot | None:
    """The snapshot, None when there is none; SnapshotUnreadable when it exists but is broken."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return Snapshot.model_validate_json(path.read_bytes())
    except ValueError as e:
        raise SnapshotUnreadable(f"{path}: {str(e).splitlines()[0]}") from e


def write_snapshot(path: str | Path, snap: Snapshot | dict) -> Path:
    """Atomic write: a temp file in the same folder, fsync, then os.replace.
    Any failure before the replace (a crash mid-write) leaves the previous file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = snap.model_dump(mode="json") if isinstance(snap, Snapshot) else snap
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False, sort_keys=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def merge_entry(previous: ModelEntry | None, hf_repo: str, values: HubValues | None, fault: HubFault | None,
                at: dt.datetime) -> ModelEntry:
    """New values replace old ones; a fault keeps the previous good values (same repo only)."""
    if values is not None:
        return ModelEntry(hf_repo=hf_repo, values=values, fetched_at=at, last_attempt_at=at, error=None)
    keep = previous if previous is not None and previous.hf_repo == hf_repo else None
    return ModelEntry(hf_repo=hf_repo, values=keep.values if keep else None,
                      fetched_at=keep.fetched_at if keep else None, last_attempt_at=at, error=fault)


def snapshot_frame(snap: Snapshot | None) -> pd.DataFrame:
    """One row per catalog model id in the snapshot (numbers null where never fetched)."""
    rows = []
    for mid, e in (snap.models.items() if snap else []):
        v = e.values
        rows.append({
            "id": mid, "hf_repo": e.hf_repo,
            "downloads_30d": v.downloads_30d if v else None,
            "downloads_all_time": v.downloads_all_time if v else None,
            "likes": v.likes if v else None,
            "created_at": v.created_at if v else None,
            "last_modified": v.last_modified if v else None,
            "gated": (None if v.gated is None else str(v.gated)) if v else None,
            "hub_license": v.license if v else None,
            "hub_license_name": v.license_name if v else None,
            "safetensors_total": v.safetensors_total if v else None,
            "safetensors_dtypes": ", ".join(sorted(v.safetensors_parameters)) if v and v.safetensors_parameters
            else None,
            "fetched_at": e.fetched_at,
            "error_kind": e.error.kind if e.error else None,
            "error": e.error.message if e.error else None,
        })
    df = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    for col in ("downloads_30d", "downloads_all_time", "likes", "safetensors_total"):
        df[col] = pd.array(df[col], dtype="Int64")
    for col in ("created_at", "last_modified", "fetched_at"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df
