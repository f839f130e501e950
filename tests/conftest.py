"""Shared test set-up: paths, a copy of the fixture catalog to break one rule at a time,
and no network (the Hub and telemetry are switched off before anything imports them)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="hf-home-")
os.environ.pop("HF_TOKEN", None)
# The columnar catalog cache goes to a private folder per test run (subprocesses inherit it), so no run
# reads entries written by another checkout or code version.
os.environ["ATLAS_CACHE_DIR"] = tempfile.mkdtemp(prefix="atlas-cache-")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
DATA_DIR = ROOT / "data"


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the small fixture catalog (valid as shipped)."""
    dest = tmp_path / "data"
    shutil.copytree(FIXTURE_CATALOG, dest)
    return dest


def edit_yaml(path: Path, change) -> None:
    """Load a YAML file, let `change(data)` modify it, write it back."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
