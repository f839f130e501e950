"""Show Hub snapshot numbers (downloads, likes) in the app. Reads data/hub/snapshot.json if it
exists; never contacts the Hub. Without a snapshot every helper degrades to a short notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from components.catalog.loader import DATA_DIR
from components.hub.check import check_frame, summary_counts
from components.hub.snapshot import (
    SnapshotUnreadable,
    read_snapshot,
    snapshot_frame,
    snapshot_path,
)

STALE_AFTER_DAYS = 90
SYNC_COMMAND = "python -m components.hub sync"
# The columns pages join onto the models table (index: catalog model id).
HUB_COLUMNS = ["downloads_30d", "downloads_all_time", "likes", "created_at", "last_modified", "gated",
               "hub_license", "safetensors_total", "fetched_at"]


@dataclass(frozen=True)
class HubTables:
    frame: pd.DataFrame  # index: catalog model id; HUB_COLUMNS + hf_repo, hub_error
    fetched_at: pd.Timestamp  # when the last sync ran
    oldest_at: pd.Timestamp | None  # oldest measurement still in use (a failed model keeps old values)
    hub_version: str
    full: pd.DataFrame  # components.hub.snapshot.snapshot_frame (what the cross-check needs)

    @property
    def date(self) -> str:
        return self.fetched_at.strftime("%Y-%m-%d")

    def label(self) -> str:
        """'Hugging Face Hub snapshot 2026-11-26' for chart footers and captions."""
        return f"Hugging Face Hub snapshot {self.date}"


def age_days(hub: HubTables, today: dt.date | None = None) -> int:
    """Age of the oldest value in use, in days."""
    ref = hub.oldest_at if hub.oldest_at is not None else hub.fetched_at
    return ((today or dt.datetime.now(dt.UTC).date()) - ref.date()).days


def is_stale(hub: HubTables, today: dt.date | None = None) -> bool:
    return age_days(hub, today) > STALE_AFTER_DAYS


@st.cache_data(show_spinner=False)
def _load(path: str, mtime_ns: int) -> HubTables | None:  # mtime in the key: a new sync invalidates the cache
    snap = read_snapshot(path)
    if snap is None:
        return None
    full = snapshot_frame(snap)
    frame = full.set_index("id")[["hf_repo", *HUB_COLUMNS, "error"]].rename(columns={"error": "hub_error"})
    oldest = snap.oldest_values_at()
    return HubTables(frame=frame, fetched_at=pd.Timestamp(snap.fetched_at),
                     oldest_at=pd.Timestamp(oldest) if oldest else None, hub_version=snap.huggingface_hub_version,
                     full=full)


def get_hub(data_dir: str | Path = DATA_DIR) -> HubTables | None:
    """The snapshot's tables, or None when there is none (or it cannot be read: a warning says so)."""
    path = snapshot_path(data_dir)
    if not path.is_file():
        return None
    try:
        return _load(str(path), path.stat().st_mtime_ns)
    except SnapshotUnreadable as e:
        st.warning(f"The Hub snapshot could not be read, so Hub numbers are hidden ({e}). "
                   f"Run `{SYNC_COMMAND}` to rebuild it.", icon=":material/sync_problem:")
        return None


def with_hub(models: pd.DataFrame, hub: HubTables | None) -> pd.DataFrame:
    """The models table plus the Hub columns (unchanged when there is no snapshot)."""
    if hub is None:
        return models
    return models.join(hub.frame[HUB_COLUMNS], on="id")


def no_snapshot_notice() -> None:
    st.info(f"No Hub snapshot yet: run `{SYNC_COMMAND}` to add downloads and likes. "
            "The app itself never contacts the Hugging Face Hub.", icon=":material/cloud_off:")


def snapshot_badge(hub: HubTables | None) -> None:
    """The snapshot date next to its numbers; a 'stale' badge after 90 days; a notice when there is none."""
    if hub is None:
        no_snapshot_notice()
        return
    oldest = (f" (oldest value {hub.oldest_at:%Y-%m-%d})"
              if hub.oldest_at is not None and hub.oldest_at.date() != hub.fetched_at.date() else "")
    cols = st.columns([6, 1], vertical_alignment="center")
    cols[0].caption(f"{hub.label()}{oldest} · huggingface_hub {hub.hub_version} · downloads = last 30 days. "
                    "Measured, not curated: these numbers change daily.")
    if is_stale(hub):
        cols[1].badge("stale", icon=":material/schedule:", color="orange",
                      help=f"Hub numbers older than {STALE_AFTER_DAYS} days ({age_days(hub)} days). "
                           f"Run `{SYNC_COMMAND}` to refresh.")


def hub_column_config() -> dict:
    """st.dataframe column_config for the Hub columns."""
    return {
        "downloads_30d": st.column_config.NumberColumn("Downloads (30 d)", format="compact",
                                                       help="Hugging Face downloads in the last 30 days, at the "
                                                            "snapshot date"),
        "downloads_all_time": st.column_config.NumberColumn("Downloads (all time)", format="compact"),
        "likes": st.column_config.NumberColumn("Likes", format="compact"),
        "created_at": st.column_config.DatetimeColumn("Repo created", format="YYYY-MM-DD"),
        "last_modified": st.column_config.DatetimeColumn("Repo updated", format="YYYY-MM-DD"),
        "gated": st.column_config.TextColumn("Gated", help="False, auto or manual (the Hub's gating mode)"),
        "hub_license": st.column_config.TextColumn("Repo license", help="The license the repo declares"),
        "safetensors_total": st.column_config.NumberColumn("Safetensors params", format="compact"),
        "fetched_at": st.column_config.DatetimeColumn("Hub fetched", format="YYYY-MM-DD"),
    }


CHECK_STATUS_LABELS = {"unexplained": "✕ unexplained", "explained": "! explained", "not_checked": "? not checked",
                       "ok": "✓ ok"}


def show_hub_check(models: pd.DataFrame, licenses: pd.DataFrame, data_dir: str | Path = DATA_DIR) -> None:
    """The Data page's "Hub cross-check" section: the `check` results as a table."""
    st.header("Hub cross-check")
    hub = get_hub(data_dir)
    snapshot_badge(hub)
    if hub is None:
        return
    df = check_frame(models, licenses, hub.full)
    c = summary_counts(df)
    st.write(f"**{c['unexplained']}** unexplained · {c['explained']} explained · {c['ok']} match · "
             f"{c['not_checked']} not checked. Parameter counts are compared with the safetensors total "
             "(more than 3% apart counts as a difference); licenses through each license's Hub tag.")
    show_ok = st.toggle("Show matching rows", key="hub_check_ok", value=False)
    view = df if show_ok else df[df["status"] != "ok"]
    st.dataframe(
        view.assign(status=view["status"].map(CHECK_STATUS_LABELS)), hide_index=True, width="stretch",
        key="hub_check_table",
        column_config={
            "id": st.column_config.TextColumn("Model", pinned=True),
            "hf_repo": "Repo", "check": "Check", "catalog": "Catalog", "hub": "Hub",
            "diff_pct": st.column_config.NumberColumn("Diff", format="%+.1f%%"),
            "status": "Status", "convention": "Convention",
            "explanation": st.column_config.TextColumn("Explanation", width="large"),
        },
    )
    st.caption("Run `python -m components.hub check` for the same table in a terminal (exit 1 on unexplained "
               "differences).")
