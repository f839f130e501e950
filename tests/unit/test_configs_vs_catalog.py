"""The catalog's MoE entries agree with what the parameter calculator computes from the shipped
official configs (within 2%), and every shipped config names a catalog model and a source."""

import json
from pathlib import Path

import pytest
import yaml

from components.catalog.loader import load_catalog
from components.sim.params import count_params

CONFIGS = Path(__file__).resolve().parents[2] / "data" / "configs"
SOURCES = yaml.safe_load((CONFIGS / "SOURCES.yaml").read_text())


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_every_config_file_has_a_source_entry():
    names = {p.stem for p in CONFIGS.glob("*.json")}
    assert names == set(SOURCES), names ^ set(SOURCES)
    for name, info in SOURCES.items():
        assert info["url"].startswith("https://"), name


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_catalog_counts_match_the_calculator(catalog, name):
    info = SOURCES[name]
    model = catalog.models[info["model_id"]]
    assert model.variant.architecture.value == "moe"
    counted = count_params(json.loads((CONFIGS / f"{name}.json").read_text()))
    total = model.variant.params_total_b
    assert total is not None
    assert abs(counted.total / 1e9 - total.value) / total.value <= 0.02, (counted.total, total.value)
    active = model.variant.params_active_b
    if active is not None:
        assert abs(counted.active / 1e9 - active.value) / active.value <= 0.02, (counted.active, active.value)
