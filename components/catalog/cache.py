"""A columnar cache of the catalog's tables: Parquet files keyed by a hash of the data files (and of the code that
turns them into tables), so a new server process reads four Parquet files instead of parsing and validating YAML.

    frames, status = load_frames(data_dir)      # status: "hit", "miss" (built and stored), "off" or "unwritable"

Where: $ATLAS_CACHE_DIR, else ~/.cache/open-llm-atlas (set ATLAS_CACHE_DIR=off to disable). Never inside data/.
Only a validated catalog is cached; a cache that cannot be written (read-only home on a hosted platform, full
disk) or read (corrupt, from another version) is ignored: the catalog is then loaded from YAML as before.
A table is stored only if it reads back identical (values and dtypes), so a hit is always the same frame.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .frame import licenses_frame, scores_frame, to_frame
from .loader import load_catalog

FORMAT = "1"
TABLES = ("models", "scores", "licenses", "benchmarks")
_CODE = ("schema.py", "loader.py", "rules.py", "frame.py", "yaml_lines.py", "cache.py")
_OFF = {"off", "0", "none", "false", "no"}


@dataclass(frozen=True)
class CatalogFrames:
    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    summary: str


def default_cache_dir() -> Path | None:
    value = os.environ.get("ATLAS_CACHE_DIR", "").strip()
    if value.lower() in _OFF:
        return None
    if value:
        return Path(value)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "open-llm-atlas"


def _code_salt() -> bytes:
    here = Path(__file__).parent
    h = hashlib.sha256(FORMAT.encode() + pd.__version__.encode())
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.digest()


def data_key(data_dir: Path | str) -> str:
    """Hash of every catalog file (path and bytes) and of the code that builds the tables."""
    data_dir = Path(data_dir)
    h = hashlib.sha256(_code_salt())
    h.update(str(data_dir.resolve()).encode())  # (the tables name files relative to it)
    for folder in ("organizations", "licenses", "benchmarks", "models"):
        d = data_dir / folder
        try:
            names = sorted(e.name for e in os.scandir(d) if e.name.endswith(".yaml"))
        except OSError:
            names = []
        for name in names:
            h.update(f"{folder}/{name}\0".encode())
            with open(d / name, "rb") as f:
                h.update(f.read())
            h.update(b"\0")
    return h.hexdigest()[:24]


def _stat_key(data_dir: Path) -> str:
    """Cheap stand-in for `data_key`: names, sizes and modification times (as git's index does). It only ever
    points at a content key computed earlier, so an edit (new mtime) always leads back to hashing the bytes."""
    h = hashlib.sha256(_code_salt())
    h.update(str(data_dir.resolve()).encode())
    for folder in ("organizations", "licenses", "benchmarks", "models"):
        try:
            entries = sorted((e.name, e.stat()) for e in os.scandir(data_dir / folder) if e.name.endswith(".yaml"))
        except OSError:
            entries = []
        for name, st in entries:
            h.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    return h.hexdigest()[:24]


def build_frames(data_dir: Path | str) -> CatalogFrames:
    """Load and validate the YAML catalog (raises CatalogInvalid) and flatten it into tables."""
    cat = load_catalog(Path(data_dir))
    bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()])
    return CatalogFrames(models=to_frame(cat), scores=scores_frame(cat), licenses=licenses_frame(cat),
                         benchmarks=bench, version=cat.version, summary=cat.summary())


def _read(entry: Path) -> CatalogFrames | None:
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            return None
        frames = {t: pd.read_parquet(entry / f"{t}.parquet") for t in TABLES}
        return CatalogFrames(**frames, version=meta["version"], summary=meta["summary"])
    except Exception:  # noqa: BLE001 - any unreadable cache is a miss, never an error
        return None


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    return list(a.columns) == list(b.columns) and bool((a.dtypes == b.dtypes).all())


def _write(entry: Path, frames: CatalogFrames) -> bool:
    """Store the tables atomically (temp folder, then rename); False when not possible or not exact."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=entry.name + ".", dir=entry.parent))
    except OSError:
        return False
    try:
        for t in TABLES:
            df = getattr(frames, t)
            df.to_parquet(tmp / f"{t}.parquet", index=False)
            if not _same(pd.read_parquet(tmp / f"{t}.parquet"), df.reset_index(drop=True)):
                return False  # a table Parquet cannot hold exactly: never serve an approximation
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "version": frames.version,
                                                   "summary": frames.summary}), encoding="utf-8")
        if entry.exists():  # an unreadable entry from before
            _rmtree(entry)
        tmp.rename(entry)
        tmp = None
        _prune(entry)
        return True
    except Exception:  # noqa: BLE001 - OSError, a full disk, pyarrow errors: just no cache
        return False
    finally:
        if tmp is not None:
            _rmtree(tmp)


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _prune(keep: Path, max_entries: int = 8) -> None:
    """Keep the newest few entries (each data change adds one)."""
    entries = sorted((p for p in keep.parent.iterdir() if p.is_dir() and "." not in p.name and p.name != "index"),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[max_entries:]:
        if old != keep:
            _rmtree(old)


def load_frames(data_dir: Path | str, cache_dir: Path | str | None | bool = True) -> tuple[CatalogFrames, str]:
    """The catalog's tables and how they were obtained: "hit", "miss" (built, then stored), "off" (no cache dir)
    or "unwritable" (built; the cache could not be stored). cache_dir=True: the default location."""
    root = default_cache_dir() if cache_dir is True else (Path(cache_dir) if cache_dir else None)
    if root is None:
        return build_frames(data_dir), "off"
    data_dir = Path(data_dir)
    try:
        stat_file = root / "index" / _stat_key(data_dir)
        key = stat_file.read_text(encoding="ascii").strip() if stat_file.exists() else None
        if key and (root / key / "meta.json").exists():
            frames = _read(root / key)
            if frames is not None:
                return frames, "hit"
        key = data_key(data_dir)
    except OSError:
        return build_frames(data_dir), "unwritable"
    entry = root / key
    frames = _read(entry) if (entry / "meta.json").exists() else None
    status = "hit"
    if frames is None:
        frames = build_frames(data_dir)
        status = "miss" if _write(entry, frames) else "unwritable"
    if status != "unwritable":
        try:
            stat_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = stat_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(key, encoding="ascii")
            tmp.replace(stat_file)
        except OSError:
            pass
    return frames, status
