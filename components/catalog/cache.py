"""A columnar cache of the catalog's tables: Parquet files keyed by a hash of the data files (and of the code that
turns them into tables), so a new server process reads four Parquet files instead of parsing and validating YAML.

    frames, status = load_frames(data_dir)      # status: "hit", "miss" (built and stored), "off" or "unwritable"

Where: $ATLAS_CACHE_DIR, else ~/.cache/open-llm-atlas (set ATLAS_CACHE_DIR=off to disable). Never inside data/.
Only a validated catalog is cached; a cache that cannot be written (read-only home on a hosted platform, full
disk) or read (corrupt, from another version) is ignored: the catalog is then loaded from YAML as before.
A table is stored only if it reads back identical (values and dtypes), so a hit is always the same frame.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

from .bulk import build_tables
from .frame import CatalogFrames, licenses_frame, scores_frame, to_frame
from .loader import load_catalog

FORMAT = "2"  # 2: meta.json holds each table file's SHA-256
TABLES = ("models", "scores", "licenses", "benchmarks")
_OFF = {"off", "0", "none", "false", "no"}
_KEY = re.compile(r"[0-9a-f]{24}")
# A stat key is only remembered when every file last changed this long before the folder was looked at (as git's
# "racily clean" entries): a later edit then always has a newer timestamp, even where the file system's clock is
# coarse (a few milliseconds on Linux, a second or two on some others) and the edit keeps size and inode.
SETTLED_NS = 2_000_000_000


def default_cache_dir() -> Path | None:
    value = os.environ.get("ATLAS_CACHE_DIR", "").strip()
    if value.lower() in _OFF:
        return None
    if value:
        return Path(value)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "open-llm-atlas"


def _code_salt() -> bytes:
    """Every module of this package and the versions of the libraries that shape the tables: a change to any of them
    makes new keys (an old entry could hold tables the new code would build differently)."""
    import pyarrow
    import pydantic
    import yaml

    h = hashlib.sha256(f"{FORMAT} {pd.__version__} {pyarrow.__version__} {pydantic.VERSION} {yaml.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
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


def _stat_key(data_dir: Path) -> tuple[str, bool]:
    """Cheap stand-in for `data_key`: names, sizes, inodes, modification and change times (as git's index does), and
    whether every file is settled (last changed SETTLED_NS before this look). It only ever points at a content key
    computed earlier, and only for settled files, so an edit always leads back to hashing the bytes: the edit gives
    a new ctime, which no tool can set back (unlike mtime, which `touch -r` or `cp -p` restore).

    The trade-off: one stat per file (0.1-0.2 s for 25,000 files) instead of reading and hashing 70 MB."""
    h = hashlib.sha256(_code_salt())
    h.update(str(data_dir.resolve()).encode())
    now = time.time_ns()
    newest = 0
    parts = []
    for folder in ("organizations", "licenses", "benchmarks", "models"):
        try:
            fd = os.open(data_dir / folder, os.O_RDONLY)
        except OSError:
            continue
        try:  # (stat relative to the open folder: no path lookup per file)
            for name in sorted(e.name for e in os.scandir(fd) if e.name.endswith(".yaml")):
                st = os.stat(name, dir_fd=fd)
                newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
                parts.append(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n")
        finally:
            os.close(fd)
    h.update("".join(parts).encode())
    return h.hexdigest()[:24], newest < now - SETTLED_NS


def build_frames(data_dir: Path | str) -> CatalogFrames:
    """Load and validate the YAML catalog (raises CatalogInvalid) and flatten it into tables."""
    # Millions of long-lived objects and no reference cycles: the cyclic GC would only rescan them, again and again
    # (at 100k models that doubled the time). Off while building; what is garbage afterwards goes by refcount.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        frames = build_tables(Path(data_dir))  # straight to tables, for a catalog without errors; else None
        if frames is not None:
            return frames
        cat = load_catalog(Path(data_dir))
        bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()])
        return CatalogFrames(models=to_frame(cat), scores=scores_frame(cat), licenses=licenses_frame(cat),
                             benchmarks=bench, version=cat.version, summary=cat.summary())
    finally:
        if was_enabled:
            gc.enable()


def _read(entry: Path) -> CatalogFrames | None:
    """The tables stored in `entry`; None if anything is missing, unreadable, or not the bytes that were written."""
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            return None
        frames = {}
        for t in TABLES:
            data = (entry / f"{t}.parquet").read_bytes()
            if hashlib.sha256(data).hexdigest() != meta["sha256"][t]:
                return None  # a damaged file can still parse: never serve it
            frames[t] = pd.read_parquet(io.BytesIO(data))
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
        digests = {}
        for t in TABLES:
            df = getattr(frames, t)
            df.to_parquet(tmp / f"{t}.parquet", index=False)
            data = (tmp / f"{t}.parquet").read_bytes()
            if not _same(pd.read_parquet(io.BytesIO(data)), df.reset_index(drop=True)):
                return False  # a table Parquet cannot hold exactly: never serve an approximation
            digests[t] = hashlib.sha256(data).hexdigest()
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "version": frames.version,
                                                   "summary": frames.summary, "sha256": digests}), encoding="utf-8")
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
    try:
        entries = sorted((p for p in keep.parent.iterdir() if _KEY.fullmatch(p.name)),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:  # (another process pruned at the same time)
        return
    for old in entries[max_entries:]:
        if old != keep:
            _rmtree(old)


class _Prefetch(threading.Thread):
    """Reads a cache entry in the background while the stat key is computed (both mostly wait on the system, with the
    GIL released): the entry last used for this data folder, the likely hit."""

    def __init__(self, entry: Path):
        super().__init__(daemon=True)
        self.entry = entry
        self.frames: CatalogFrames | None = None

    def run(self) -> None:
        self.frames = _read(self.entry)


def _last_file(root: Path, data_dir: Path) -> Path:
    return root / "index" / ("last-" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16])


def _remember(path: Path, key: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(key, encoding="ascii")
        tmp.replace(path)
    except OSError:
        pass


def _recall(path: Path) -> str | None:
    """The key `_remember` wrote there; None if there is none or the file is damaged."""
    try:
        key = path.read_bytes().strip().decode("ascii")
    except (OSError, UnicodeDecodeError):
        return None
    return key if _KEY.fullmatch(key) else None


def load_frames(data_dir: Path | str, cache_dir: Path | str | None | bool = True) -> tuple[CatalogFrames, str]:
    """The catalog's tables and how they were obtained: "hit", "miss" (built, then stored unless the data changed
    while it was read), "off" (no cache dir) or "unwritable" (built; the cache could not be stored).
    cache_dir=True: the default location."""
    root = default_cache_dir() if cache_dir is True else (Path(cache_dir) if cache_dir else None)
    if root is None:
        return build_frames(data_dir), "off"
    data_dir = Path(data_dir)
    last_file = _last_file(root, data_dir)
    last = _recall(last_file)
    prefetch = _Prefetch(root / last) if last else None
    if prefetch is not None:
        prefetch.start()
    try:
        stat, settled = _stat_key(data_dir)
        stat_file = root / "index" / stat
        key = _recall(stat_file)
        if key:
            if key == last:
                prefetch.join()
                frames = prefetch.frames  # (None if unreadable: then as a miss)
            else:
                frames = _read(root / key)
            if frames is not None:
                if key != last:
                    _remember(last_file, key)
                return frames, "hit"
        key = data_key(data_dir)
    except OSError:  # (a data file that cannot be read: the loader reports it)
        return build_frames(data_dir), "unwritable"
    entry = root / key
    frames = _read(entry)
    status = "hit"
    if frames is None:
        frames = build_frames(data_dir)
        if _data_key_now(data_dir) != key:  # (edited while it was read: these tables may hold the new bytes)
            return frames, "miss"
        status = "miss" if _write(entry, frames) else "unwritable"
    if status != "unwritable":
        if settled:
            _remember(stat_file, key)
        _remember(last_file, key)
    return frames, status


def _data_key_now(data_dir: Path) -> str | None:
    try:
        return data_key(data_dir)
    except OSError:
        return None
