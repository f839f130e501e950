"""Run a sync: fetch every catalog model's repo, merge with the previous snapshot, summarise.

Pure orchestration: the Hub client (`api`), the clock, sleep and the progress bar are injected,
so tests run it against a mocked transport in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import huggingface_hub

from .client import DEFAULT_POLICY, FetchResult, ModelInfoApi, RetryPolicy, fetch_model, utcnow
from .snapshot import ModelEntry, Snapshot, merge_entry


@dataclass
class SyncReport:
    snapshot: Snapshot
    attempted: int
    ok: list[str] = field(default_factory=list)  # catalog ids fetched this run
    failed: dict[str, str] = field(default_factory=dict)  # catalog id -> fault kind
    kept_previous: list[str] = field(default_factory=list)  # failed, but previous values kept
    dropped: list[str] = field(default_factory=list)  # in the old snapshot, no longer in the catalog

    @property
    def nothing_fetched(self) -> bool:
        return self.attempted > 0 and not self.ok

    def lines(self) -> list[str]:
        out = [f"Fetched {len(self.ok)} of {self.attempted} models"
               + (f" ({len({self.snapshot.models[m].hf_repo for m in self.ok})} repos)" if self.ok else "") + "."]
        if self.failed:
            kinds = Counter(self.failed.values())
            out.append("Failed: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.most_common()) + ".")
            out.append(f"  {len(self.kept_previous)} of them kept their previous values; "
                       f"{len(self.failed) - len(self.kept_previous)} have no Hub numbers yet.")
            width = max(len(m) for m in self.failed)
            for mid, kind in sorted(self.failed.items()):
                e = self.snapshot.models[mid].error
                tries = f" [{e.attempts} attempts]" if e and e.attempts > 1 else ""
                out.append(f"  {mid:<{width}}  {kind:<12}  {(e.message if e else '')[:90]}{tries}")
        if self.dropped:
            out.append(f"Dropped {len(self.dropped)} models no longer in the catalog: {', '.join(self.dropped)}.")
        return out


def run_sync(targets: dict[str, str], previous: Snapshot | None, api: ModelInfoApi, *,
             token: str | None = None, keep: Iterable[str] = (), policy: RetryPolicy = DEFAULT_POLICY,
             sleep: Callable[[float], None] = time.sleep, now: Callable[[], dt.datetime] = utcnow,
             progress: Callable[[Iterable], Iterable] = lambda it: it, endpoint: str | None = None) -> SyncReport:
    """Fetch `targets` (catalog id -> hf_repo). Models in `keep` (catalog ids with a repo that are
    not fetched this run, e.g. with --only) carry over unchanged from `previous`."""
    started = now()
    old = previous.models if previous else {}
    keep = set(keep)
    models: dict[str, ModelEntry] = {mid: old[mid] for mid in sorted(keep) if mid in old}
    report = SyncReport(snapshot=None, attempted=len(targets))  # type: ignore[arg-type]

    # One request per repo even when several catalog ids share it.
    by_repo: dict[str, list[str]] = {}
    for mid, repo in targets.items():
        by_repo.setdefault(repo, []).append(mid)
    results: dict[str, FetchResult] = {}
    for repo in progress(sorted(by_repo)):
        results[repo] = fetch_model(api, repo, token=token, policy=policy, sleep=sleep)

    for mid, repo in sorted(targets.items()):
        res = results[repo]
        entry = merge_entry(old.get(mid), repo, res.values, res.fault, started)
        models[mid] = entry
        if res.ok:
            report.ok.append(mid)
        else:
            report.failed[mid] = res.fault.kind if res.fault else "unknown"
            if entry.values is not None:
                report.kept_previous.append(mid)
    report.dropped = sorted(set(old) - set(models))
    report.snapshot = Snapshot(
        fetched_at=started, huggingface_hub_version=huggingface_hub.__version__,
        endpoint=endpoint or huggingface_hub.constants.ENDPOINT, authenticated=bool(token),
        models=dict(sorted(models.items())),
    )
    return report
