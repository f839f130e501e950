"""components.hub.check: parameter counts and licenses, catalog vs snapshot; the `check` command."""

import datetime as dt

import pandas as pd
import pytest

from components.hub.__main__ import main
from components.hub.check import CHECK_COLUMNS, CONVENTIONS, RULES, check_frame, format_table, summary_counts
from components.hub.snapshot import (
    HubFault,
    HubValues,
    ModelEntry,
    Snapshot,
    snapshot_frame,
    snapshot_path,
    write_snapshot,
)
from tests.unit.hub_mock import no_network  # noqa: F401  (fixture: no test here may reach the network)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LICENSES = pd.DataFrame([
    {"id": "apache-2.0", "spdx": "apache-2.0"}, {"id": "mit", "spdx": "mit"},
    {"id": "llama-3.1-community", "spdx": "llama3.1"}, {"id": "deepseek-license", "spdx": None},
])


def model(mid, repo, total=None, active=None, arch="dense", license="apache-2.0", modalities="text"):
    return {"id": mid, "hf_repo": repo, "params_total_b": total, "params_active_b": active, "architecture": arch,
            "license": license, "modalities_in": modalities}


def entry(repo, total=None, dtypes=None, license="apache-2.0", **kw):
    params = dtypes or ({"BF16": total} if total else {})
    return ModelEntry(hf_repo=repo, fetched_at=T0, values=HubValues(
        repo_id=repo, safetensors_total=total, safetensors_parameters=params, license=license, **kw))


def run(models: list[dict], entries: dict) -> pd.DataFrame:
    snap = Snapshot(fetched_at=T0, huggingface_hub_version="2.4.0", endpoint="x", authenticated=False,
                    models=entries)
    return check_frame(pd.DataFrame(models), LICENSES, snapshot_frame(snap))


def row(df, mid, check):
    (r,) = df[(df["id"] == mid) & (df["check"] == check)].to_dict("records")
    return r


def test_within_three_percent_is_ok():
    df = run([model("m/a", "o/a", total=46.7)], {"m/a": entry("o/a", 46_702_792_704)})
    assert list(df.columns) == CHECK_COLUMNS
    r = row(df, "m/a", "params")
    assert r["status"] == "ok" and r["diff_pct"] == pytest.approx(0.0, abs=0.1) and r["hub"] == "46.70B"
    assert row(df, "m/a", "license")["status"] == "ok"


def test_unexplained_difference():
    df = run([model("m/a", "o/a", total=40.0)], {"m/a": entry("o/a", 41_800_000_000)})
    r = row(df, "m/a", "params")
    assert r["status"] == "unexplained" and r["diff_pct"] == 4.5 and r["convention"] is None


def test_mtp_weights_explained_only_for_deepseek_v3_family():
    facts = ([model("deepseek-v3/base", "d/v3", total=450.0, active=37.0, arch="moe")],
             {"deepseek-v3/base": entry("d/v3", 464_000_000_000)})
    assert row(run(*facts), "deepseek-v3/base", "params")["convention"] == "mtp_weights"
    other = run([model("other/x", "d/v3", total=450.0, active=37.0, arch="moe")],
                {"other/x": entry("d/v3", 464_000_000_000)})
    assert row(other, "other/x", "params")["status"] == "unexplained"


def test_vision_encoder_in_multimodal_repo():
    df = run([model("m/v", "o/v", total=10.0, modalities="text, image"), model("m/t", "o/t", total=10.0)],
             {"m/v": entry("o/v", 10_700_000_000), "m/t": entry("o/t", 10_700_000_000)})
    assert row(df, "m/v", "params")["convention"] == "vision_encoder"
    assert row(df, "m/t", "params")["status"] == "unexplained"  # text-only: no encoder to blame


def test_quantized_packing():
    df = run([model("m/q", "o/q", total=21.0, active=3.6, arch="moe")],
             {"m/q": entry("o/q", 12_000_000_000, dtypes={"BF16": 1_500_000_000, "U8": 10_500_000_000})})
    r = row(df, "m/q", "params")
    assert r["status"] == "explained" and r["convention"] == "quantized_packing" and r["diff_pct"] < -40


def test_moe_active_vs_total():
    df = run([model("m/e", "o/e", total=109.0, active=17.0, arch="moe")], {"m/e": entry("o/e", 17_200_000_000)})
    assert row(df, "m/e", "params")["convention"] == "moe_active_vs_total"


def test_rounded_size_label():
    df = run([model("m/r", "o/r", total=7.0), model("m/s", "o/s", total=7.3)],
             {"m/r": entry("o/r", 6_738_415_616), "m/s": entry("o/s", 6_738_415_616)})
    assert row(df, "m/r", "params")["convention"] == "rounded_label"
    assert row(df, "m/s", "params")["status"] == "unexplained"  # 7.3 is not a rounded label


def test_not_checked_cases():
    df = run([model("m/none", "o/none", total=7.0), model("m/nocat", "o/nocat", total=None),
              model("m/missing", "o/missing", total=7.0), model("m/other", "o/new", total=7.0),
              model("m/fail", "o/fail", total=7.0)],
             {"m/none": entry("o/none", None), "m/nocat": entry("o/nocat", 8_000_000_000),
              "m/other": entry("o/old", 7_000_000_000),
              "m/fail": ModelEntry(hf_repo="o/fail", error=HubFault(kind="gated", status=403, message="x"))})
    params = df[df["check"] == "params"].set_index("id")
    assert (params["status"] == "not_checked").all()
    assert "no safetensors" in params.loc["m/none", "explanation"]
    assert params.loc["m/nocat", "hub"] == "8.00B" and "no params_total_b" in params.loc["m/nocat", "explanation"]
    assert params.loc["m/missing", "explanation"] == "not in the Hub snapshot"
    assert params.loc["m/other", "explanation"] == "not in the Hub snapshot"  # snapshot measured another repo
    assert "gated" in params.loc["m/fail", "explanation"]


def test_license_compared_through_spdx():
    df = run([model("m/a", "o/a", total=7.0, license="llama-3.1-community"),
              model("m/b", "o/b", total=7.0, license="mit"),
              model("m/c", "o/c", total=7.0, license="deepseek-license"),
              model("deepseek-r1-distill/llama-8b", "o/d", total=8.0, license="llama-3.1-community")],
             {"m/a": entry("o/a", 7_000_000_000, license="Llama3.1"),
              "m/b": entry("o/b", 7_000_000_000, license="apache-2.0"),
              "m/c": entry("o/c", 7_000_000_000, license="other", license_name="deepseek"),
              "deepseek-r1-distill/llama-8b": entry("o/d", 8_000_000_000, license="mit")})
    assert row(df, "m/a", "license")["status"] == "ok"  # case-insensitive
    b = row(df, "m/b", "license")
    assert b["status"] == "unexplained" and b["catalog"] == "mit" and b["hub"] == "apache-2.0"
    c = row(df, "m/c", "license")
    assert c["status"] == "not_checked" and "has no spdx" in c["explanation"] and c["hub"] == "other (deepseek)"
    assert row(df, "deepseek-r1-distill/llama-8b", "license")["convention"] == "distill_license"


def test_rows_sorted_unexplained_first_and_counts():
    df = run([model("m/a", "o/a", total=46.7), model("m/b", "o/b", total=40.0)],
             {"m/a": entry("o/a", 46_702_792_704), "m/b": entry("o/b", 41_800_000_000)})
    assert df.iloc[0]["status"] == "unexplained"
    assert summary_counts(df) == {"unexplained": 1, "explained": 0, "not_checked": 0, "ok": 3}
    text = format_table(df)
    assert "m/b" in text and "+4.5%" in text and "m/a" not in text
    assert "m/a" in format_table(df, include_ok=True)


def test_every_convention_names_a_known_rule():
    assert {c.rule for c in CONVENTIONS} <= set(RULES)
    assert len({c.key for c in CONVENTIONS}) == len(CONVENTIONS)
    assert all(c.check in {"params", "license"} and c.explanation for c in CONVENTIONS)


# ---------------------------------------------------------------- the command

def write(data, entries):
    write_snapshot(snapshot_path(data), Snapshot(fetched_at=T0, huggingface_hub_version="2.4.0",
                                                 endpoint="x", authenticated=False, models=entries))


def test_check_without_snapshot_exits_2(catalog_dir, capsys):
    assert main(["--data-dir", str(catalog_dir), "check"]) == 2
    assert "python -m components.hub sync" in capsys.readouterr().err


def test_check_exit_codes(catalog_dir, capsys):
    # acme-one/small: 2.51B in the catalog; acme-one/moe: 12.5B total, 3.9B active
    write(catalog_dir, {"acme-one/small": entry("acme/acme-one-small", 2_506_172_416, license="acme-community"),
                        "acme-one/moe": entry("acme/acme-one-moe", 12_400_000_000, license="acme-community")})
    assert main(["--data-dir", str(catalog_dir), "check"]) == 0
    out = capsys.readouterr().out
    assert "0 unexplained" in out and "not checked" in out

    write(catalog_dir, {"acme-one/small": entry("acme/acme-one-small", 3_000_000_000),
                        "acme-one/moe": entry("acme/acme-one-moe", 12_400_000_000)})
    assert main(["--data-dir", str(catalog_dir), "check"]) == 1
    out = capsys.readouterr().out
    assert "unexplained" in out and "acme-one/small" in out and "+19.5%" in out
