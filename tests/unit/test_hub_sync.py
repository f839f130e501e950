"""`python -m components.hub sync` end to end on the fixture catalog, against a mocked Hub."""
# ruff: noqa: F811  (pytest fixtures imported from hub_mock are redefined as test arguments)

import datetime as dt
import json

import pytest
from huggingface_hub import HfApi

from components.hub import snapshot as snapmod
from components.hub.__main__ import main
from components.hub.snapshot import read_snapshot, snapshot_path
from components.hub.sync import run_sync
from tests.conftest import edit_yaml
from tests.unit import hub_mock as hm
from tests.unit.hub_mock import hub, no_network  # noqa: F401  (fixtures)

SMALL, MOE, REASONER = "acme-one/small", "acme-one/moe", "acme-one/moe-reasoner"
R_SMALL, R_MOE, R_REASONER = "acme/acme-one-small", "acme/acme-one-moe", "acme/acme-one-reasoner"


@pytest.fixture
def data(catalog_dir):
    """The fixture catalog with a third model on the Hub."""
    edit_yaml(catalog_dir / "models" / "acme-one.yaml",
              lambda d: d["variants"]["moe-reasoner"].update(hf_repo=R_REASONER))
    return catalog_dir


def body(repo, downloads=1000):
    return hm.model_json("mixtral-8x7b", repo, downloads=downloads)


def sync(data, *extra, sleep=lambda s: None):
    return main(["--data-dir", str(data), "sync", "--no-progress", *extra], sleep=sleep)


def saved(data):
    return read_snapshot(snapshot_path(data))


def test_all_ok(hub, data, capsys):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r)))
    assert sync(data, sleep=pytest.fail) == 0
    s = saved(data)
    assert set(s.models) == {SMALL, MOE, REASONER}
    assert all(e.values and e.error is None and e.fetched_at == s.fetched_at for e in s.models.values())
    assert s.huggingface_hub_version == __import__("huggingface_hub").__version__ and not s.authenticated
    out = capsys.readouterr().out
    assert "Fetched 3 of 3 models" in out and "Wrote" in out


def test_mixed_faults_are_recorded_and_the_rest_proceeds(hub, data, capsys):
    hub.on(R_SMALL, hm.ok(body(R_SMALL)))
    hub.on(R_MOE, hm.server_error())
    hub.on(R_REASONER, hm.not_found())
    assert sync(data) == 0  # something was fetched
    s = saved(data)
    assert s.models[SMALL].values.downloads_30d == 1000
    assert s.models[MOE].values is None and s.models[MOE].error.kind == "server_error"
    assert s.models[REASONER].error.kind == "not_found" and s.models[REASONER].error.status == 404
    assert len(hub.calls(R_REASONER)) == 1 and len(hub.calls(R_MOE)) == 3  # 404 never retried; 5xx bounded
    out = capsys.readouterr().out
    assert "Fetched 1 of 3" in out and "1 server error" in out and "1 not found" in out


@pytest.mark.parametrize("fault", [hm.not_found(), hm.gated(), hm.rate_limited("1"), hm.server_error(),
                                   hm.timeout(), hm.malformed()])
def test_partial_failure_keeps_old_values(hub, data, fault):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r, downloads=1)))
    assert sync(data) == 0
    first = saved(data)

    hub.on(R_SMALL, hm.ok(body(R_SMALL, downloads=2)))
    hub.on(R_MOE, fault)
    hub.on(R_REASONER, hm.ok(body(R_REASONER, downloads=2)))
    assert sync(data) == 0
    second = saved(data)
    assert second.models[SMALL].values.downloads_30d == 2
    moe = second.models[MOE]
    assert moe.values == first.models[MOE].values and moe.fetched_at == first.models[MOE].fetched_at
    assert moe.error is not None and moe.last_attempt_at == second.fetched_at


def test_nothing_fetched_exits_1_and_leaves_the_snapshot_alone(hub, data, capsys):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r)))
    assert sync(data) == 0
    before = snapshot_path(data).read_bytes()
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.timeout())
    assert sync(data) == 1
    assert snapshot_path(data).read_bytes() == before
    assert "Nothing could be fetched" in capsys.readouterr().out


def test_nothing_fetched_without_previous_writes_nothing(hub, data):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.not_found())
    assert sync(data) == 1 and not snapshot_path(data).exists()


def test_only_fetches_the_named_models_and_keeps_the_rest(hub, data):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r, downloads=1)))
    assert sync(data) == 0
    first = saved(data)
    hub.requests.clear()
    hub.on(R_MOE, hm.ok(body(R_MOE, downloads=5)))
    assert sync(data, "--only", MOE) == 0
    assert [r.url.path for r in hub.requests] == [f"/api/models/{R_MOE}"]
    second = saved(data)
    assert second.models[MOE].values.downloads_30d == 5
    assert second.models[SMALL] == first.models[SMALL] and second.models[REASONER] == first.models[REASONER]


def test_only_rejects_unknown_ids(hub, data, capsys):
    assert sync(data, "--only", "acme-one/nope") == 2
    assert "acme-one/nope" in capsys.readouterr().err and not hub.requests


def test_token_is_used_but_never_logged_or_written(hub, data, monkeypatch, capsys):
    secret = "hf_TOPsecretTOKEN123"
    monkeypatch.setenv("HF_TOKEN", secret)
    auth = []

    def check(repo):
        def respond(req):
            auth.append(req.headers.get("authorization"))
            return hm.ok(body(repo))(req) if repo != R_MOE else \
                hm.status(403, error_code="GatedRepo", message=f"token {secret} lacks access")(req)
        return respond

    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, check(r))
    assert sync(data) == 0
    assert auth == [f"Bearer {secret}"] * 3
    text = snapshot_path(data).read_text()
    captured = capsys.readouterr()
    assert secret not in text and secret not in captured.out and secret not in captured.err
    assert json.loads(text)["authenticated"] is True


def test_crash_while_writing_keeps_previous_snapshot(hub, data, monkeypatch):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r, downloads=1)))
    assert sync(data) == 0
    before = snapshot_path(data).read_bytes()
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r, downloads=9)))

    def die(fd):
        raise KeyboardInterrupt  # e.g. Ctrl-C between writing the temp file and renaming it

    monkeypatch.setattr(snapmod.os, "fsync", die)
    with pytest.raises(KeyboardInterrupt):
        sync(data)
    assert snapshot_path(data).read_bytes() == before
    assert [p.name for p in snapshot_path(data).parent.iterdir()] == ["snapshot.json"]


def test_progress_bar_on_stderr(hub, data, capsys):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r)))
    assert main(["--data-dir", str(data), "sync"]) == 0
    assert "Hub sync" in capsys.readouterr().err


def test_models_dropped_from_the_catalog_leave_the_snapshot(hub, data, capsys):
    for r in (R_SMALL, R_MOE, R_REASONER):
        hub.on(r, hm.ok(body(r)))
    assert sync(data) == 0
    edit_yaml(data / "models" / "acme-one.yaml", lambda d: d["variants"]["moe-reasoner"].pop("hf_repo"))
    assert sync(data) == 0
    assert REASONER not in saved(data).models and "Dropped 1" in capsys.readouterr().out


def test_one_request_per_repo_and_injected_clock(hub):
    hub.on("x/shared", hm.ok(body("x/shared")))
    t = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    report = run_sync({"f/a": "x/shared", "f/b": "x/shared"}, None, HfApi(), now=lambda: t, sleep=pytest.fail)
    assert len(hub.requests) == 1 and report.ok == ["f/a", "f/b"]
    assert report.snapshot.fetched_at == t and report.snapshot.models["f/b"].fetched_at == t
