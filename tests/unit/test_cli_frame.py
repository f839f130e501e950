"""The catalog CLI contract and the flattened tables."""

import csv
import io
import json
import subprocess
import sys

import pandas as pd

from components.catalog.frame import MODEL_COLUMNS, SCORE_COLUMNS, to_frame
from components.catalog.loader import load_catalog
from tests.conftest import ROOT, edit_yaml


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "components.catalog", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_validate_ok_prints_one_summary_line(catalog_dir):
    r = run_cli("--data", str(catalog_dir), "validate")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1 and "4 models" in lines[0] and "2 organizations" in lines[0] and "6 scores" in lines[0]


def test_validate_failure_prints_every_error_and_exits_1(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: d["variants"]["pro"].update(hf_repo="z/p"))
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["moe"]["experts_active"].update(value=50))
    r = run_cli("--data", str(catalog_dir), "validate")
    assert r.returncode == 1
    out = r.stdout.strip().splitlines()
    assert len(out) == 2
    assert any("data/models/zeta-chat.yaml" in line and "zeta-chat/pro" in line and "hf_repo" in line for line in out)
    assert "Traceback" not in r.stderr


def test_export_models_csv_has_contract_columns(catalog_dir):
    r = run_cli("--data", str(catalog_dir), "export", "--table", "models", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 4
    assert set(MODEL_COLUMNS) <= set(rows[0])
    small = next(r for r in rows if r["id"] == "acme-one/small")
    assert small["params_total_b"] == "2.51" and small["country"] == "US" and small["license_tier"] == "conditional"
    assert small["params_total_b_source"] == "https://example.org/acme-one/paper"


def test_export_scores_json(catalog_dir):
    r = run_cli("--data", str(catalog_dir), "export", "--table", "scores", "--format", "json")
    data = json.loads(r.stdout)
    assert len(data) == 6 and set(SCORE_COLUMNS) <= set(data[0])
    cf = next(d for d in data if d["benchmark"] == "codeforces_rating")
    assert cf["value"] == 1500 and cf["self_reported"] is False and cf["model_id"] == "acme-one/moe-reasoner"


def test_export_json_has_no_nan(catalog_dir):
    r = run_cli("--data", str(catalog_dir), "export", "--format", "json")
    assert "NaN" not in r.stdout
    closed = next(d for d in json.loads(r.stdout) if d["id"] == "zeta-chat/pro")
    assert closed["params_total_b"] is None and closed["license_tier"] == "proprietary"


def test_export_licenses(catalog_dir):
    r = run_cli("--data", str(catalog_dir), "export", "--table", "licenses", "--format", "csv")
    df = pd.read_csv(io.StringIO(r.stdout))
    row = df.set_index("id").loc["acme-community"]
    assert row["mau_cap_value"] == 1_000_000 and bool(row["gated_download"])


def test_frame_derived_columns(catalog_dir):
    df = to_frame(load_catalog(catalog_dir)).set_index("id")
    assert df.loc["acme-one/moe", "release_dt"] == pd.Timestamp("2023-12-01")
    assert df.loc["acme-one/moe", "release_precision"] == "month"
    # effective size of a MoE: sqrt(total * active); a dense model's active size is its total
    assert abs(df.loc["acme-one/moe", "params_effective_b"] - (12.5 * 3.9) ** 0.5) < 1e-9
    assert df.loc["acme-one/small", "params_active_eff_b"] == 2.51
    assert pd.isna(df.loc["acme-one/small", "params_active_b"])  # the sourced column is untouched
    assert df.loc["zeta-chat/pro", "modalities_in"] == "text, image"
    assert df.loc["acme-one/moe-reasoner", "base_model"] == "acme-one/moe"
