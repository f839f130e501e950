"""CLI: python -m components.hub sync [--only ID ...] | check [--all]

sync   fetch Hub numbers for every catalog model with an hf_repo into data/hub/snapshot.json
       (exit 1 only if nothing could be fetched; per-model faults are recorded, not fatal)
check  compare the catalog with the snapshot (parameter counts, licenses); exit 1 on
       unexplained differences, 2 when there is no snapshot
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from components.catalog.errors import CatalogInvalid
from components.catalog.frame import licenses_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog

from .check import check_frame, format_table, summary_counts
from .client import RetryPolicy, token_from_env
from .snapshot import SnapshotUnreadable, read_snapshot, snapshot_frame, snapshot_path, write_snapshot
from .sync import run_sync


def _progress(enabled: bool) -> Callable[[Iterable], Iterable]:
    def wrap(items: Iterable) -> Iterable:
        items = list(items)
        if not enabled:
            yield from items
            return
        from tqdm.auto import tqdm

        with tqdm(total=len(items), desc="Hub sync", unit="repo", file=sys.stderr, dynamic_ncols=True) as bar:
            for item in items:
                bar.set_postfix_str(str(item)[:40], refresh=False)
                yield item
                bar.update(1)

    return wrap


def _say(*lines: str, err: bool = False) -> None:
    for line in lines:
        print(line, file=sys.stderr if err else sys.stdout)


def cmd_sync(args, *, api=None, sleep: Callable[[float], None] = time.sleep) -> int:
    cat = load_catalog(args.data_dir)
    with_repo = {mid: m.variant.hf_repo for mid, m in sorted(cat.models.items()) if m.variant.hf_repo}
    if not with_repo:
        _say("No catalog model has an hf_repo: nothing to sync.", err=True)
        return 2
    if args.only:
        unknown = [m for m in args.only if m not in with_repo]
        if unknown:
            _say(f"Not catalog ids with an hf_repo: {', '.join(unknown)}", err=True)
            return 2
        targets = {m: with_repo[m] for m in args.only}
    else:
        targets = with_repo
    keep = set(with_repo) - set(targets)

    path = Path(args.snapshot) if args.snapshot else snapshot_path(args.data_dir)
    try:
        previous = read_snapshot(path)
    except SnapshotUnreadable as e:
        _say(f"Warning: the previous snapshot is unreadable and will be replaced ({e}).", err=True)
        previous = None

    token = token_from_env()
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    _say(f"Syncing {len(targets)} models ({len(set(targets.values()))} repos) from the Hugging Face Hub"
         f"; token: {'HF_TOKEN' if token else 'none (gated repos may fail)'}.", err=True)
    report = run_sync(targets, previous, api, token=token, keep=keep,
                      policy=RetryPolicy(max_attempts=args.max_attempts, max_wait_s=args.max_wait),
                      sleep=sleep, progress=_progress(not args.no_progress))
    _say(*report.lines())
    if report.nothing_fetched:
        _say(f"Nothing could be fetched; {path} left unchanged.")
        return 1
    write_snapshot(path, report.snapshot)
    _say(f"Wrote {path} (fetched_at {report.snapshot.fetched_at.isoformat()}, "
         f"huggingface_hub {report.snapshot.huggingface_hub_version}).")
    return 0


def cmd_check(args) -> int:
    cat = load_catalog(args.data_dir)
    path = Path(args.snapshot) if args.snapshot else snapshot_path(args.data_dir)
    try:
        snap = read_snapshot(path)
    except SnapshotUnreadable as e:
        _say(f"Snapshot unreadable: {e}", err=True)
        return 2
    if snap is None:
        _say(f"No snapshot at {path}: run `python -m components.hub sync` first.", err=True)
        return 2
    df = check_frame(to_frame(cat), licenses_frame(cat), snapshot_frame(snap))
    _say(f"Hub cross-check: catalog {cat.version} vs snapshot of {snap.fetched_at:%Y-%m-%d}", "")
    _say(format_table(df, include_ok=args.all), "")
    c = summary_counts(df)
    _say(f"{c['ok']} ok, {c['explained']} explained, {c['unexplained']} unexplained, "
         f"{c['not_checked']} not checked ({len(df)} checks).")
    return 1 if c["unexplained"] else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m components.hub", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=str(DATA_DIR), help="catalog folder (default: the bundled data/)")
    p.add_argument("--snapshot", default=None, help="snapshot file (default: <data-dir>/hub/snapshot.json)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sync", help="fetch Hub numbers into the snapshot")
    s.add_argument("--only", nargs="+", metavar="ID", help="catalog model ids to fetch; others keep their values")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--max-attempts", type=int, default=3, help="attempts per repo (429/5xx/timeout), default 3")
    s.add_argument("--max-wait", type=float, default=60.0, help="longest Retry-After to honour, seconds")
    c = sub.add_parser("check", help="compare the catalog with the snapshot")
    c.add_argument("--all", action="store_true", help="list matching rows too")
    return p


def main(argv: list[str] | None = None, *, api=None, sleep: Callable[[float], None] = time.sleep) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "sync":
            return cmd_sync(args, api=api, sleep=sleep)
        return cmd_check(args)
    except CatalogInvalid as e:
        _say(f"The catalog does not validate ({len(e.errors)} errors): "
             "run `python -m components.catalog validate`.", err=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
