"""components.ui.hub: reading the snapshot in the app (no Hub request), the date badge, the cross-check."""

import datetime as dt

import pandas as pd
from streamlit.testing.v1 import AppTest

from components.hub.snapshot import HubValues, ModelEntry, Snapshot, snapshot_path, write_snapshot
from components.ui import hub as ui
from tests.unit.hub_mock import no_network  # noqa: F401  (fixture: any Hub request fails the test)

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def write(data_dir, fetched_at=NOW, oldest=None):
    entries = {
        "acme-one/small": ModelEntry(hf_repo="acme/acme-one-small", fetched_at=oldest or fetched_at, values=HubValues(
            repo_id="acme/acme-one-small", downloads_30d=1234, downloads_all_time=99999, likes=5, gated="manual",
            license="apache-2.0", safetensors_total=3_000_000_000, safetensors_parameters={"BF16": 3_000_000_000})),
        "acme-one/moe": ModelEntry(hf_repo="acme/acme-one-moe", fetched_at=fetched_at, values=HubValues(
            repo_id="acme/acme-one-moe", downloads_30d=10, safetensors_total=12_500_000_000,
            safetensors_parameters={"BF16": 12_500_000_000})),
    }
    write_snapshot(snapshot_path(data_dir), Snapshot(fetched_at=fetched_at, huggingface_hub_version="2.4.0",
                                                     endpoint="https://huggingface.co", authenticated=False,
                                                     models=entries))


def app(data_dir, body="snapshot_badge(get_hub(DATA))") -> AppTest:
    script = (f"from components.ui.hub import *\nDATA = {str(data_dir)!r}\n{body}\n")
    return AppTest.from_string(script, default_timeout=30).run()


def texts(at) -> str:
    return " ".join([*(e.value for e in at.caption), *(e.value for e in at.markdown), *(e.value for e in at.info),
                     *(e.value for e in at.warning)])


def test_no_snapshot_says_how_to_make_one(tmp_path):
    at = app(tmp_path)
    assert not at.exception
    assert "No Hub snapshot yet" in at.info[0].value and "python -m components.hub sync" in at.info[0].value


def test_fresh_snapshot_shows_its_date_without_stale_badge(tmp_path):
    write(tmp_path)
    at = app(tmp_path)
    assert not at.exception
    assert f"Hugging Face Hub snapshot {NOW:%Y-%m-%d}" in texts(at) and "stale" not in texts(at)


def test_old_values_get_a_stale_badge(tmp_path):
    write(tmp_path, oldest=NOW - dt.timedelta(days=120))
    at = app(tmp_path)
    assert not at.exception and "stale" in texts(at)
    assert "oldest value" in texts(at)


def test_unreadable_snapshot_warns_and_hides_numbers(tmp_path):
    snapshot_path(tmp_path).parent.mkdir(parents=True)
    snapshot_path(tmp_path).write_text("{not json")
    at = app(tmp_path)
    assert not at.exception and "could not be read" in at.warning[0].value
    assert "No Hub snapshot yet" in at.info[0].value


def test_hub_frame_and_join(tmp_path):
    write(tmp_path)
    hub = ui._load.__wrapped__(str(snapshot_path(tmp_path)), 0)  # the uncached loader
    assert hub.frame.index.name == "id"
    assert set(ui.HUB_COLUMNS) <= set(hub.frame.columns)
    assert hub.frame.loc["acme-one/small", "downloads_30d"] == 1234 and hub.date == f"{NOW:%Y-%m-%d}"
    models = pd.DataFrame({"id": ["acme-one/small", "zeta/pro"], "name": ["S", "P"]})
    joined = ui.with_hub(models, hub)
    assert joined.loc[0, "downloads_30d"] == 1234 and pd.isna(joined.loc[1, "downloads_30d"])
    assert ui.with_hub(models, None) is models  # no snapshot: the table is unchanged


def test_staleness_boundary(tmp_path):
    write(tmp_path, fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    hub = ui._load.__wrapped__(str(snapshot_path(tmp_path)), 0)
    assert not ui.is_stale(hub, today=dt.date(2026, 4, 1))  # 90 days
    assert ui.is_stale(hub, today=dt.date(2026, 4, 2))  # 91 days


def test_cross_check_section(catalog_dir):
    write(catalog_dir)
    body = ("from components.catalog.loader import load_catalog\n"
            "from components.catalog.frame import to_frame, licenses_frame\n"
            "cat = load_catalog(DATA)\n"
            "show_hub_check(to_frame(cat), licenses_frame(cat), DATA)\n")
    at = app(catalog_dir, body)
    assert not at.exception, at.exception
    assert at.header[0].value == "Hub cross-check"
    table = at.dataframe[0].value
    # acme-one/small: 2.51B in the catalog vs 3.00B on the Hub -> unexplained
    assert "acme-one/small" in set(table["id"]) and "✕ unexplained" in set(table["status"])
