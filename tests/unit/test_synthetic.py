"""The benchmark's synthetic catalog: valid in the real format, seeded, clearly synthetic, never in data/."""

from pathlib import Path

import pytest

from benchmarks.synthetic import BUNDLED, generate
from components.catalog.loader import check_catalog


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_generated_catalog_validates_with_the_requested_count(tmp_path):
    out = generate(tmp_path / "syn", 1_000, seed=3)
    cat, errors = check_catalog(out)
    assert errors == [], errors[:5]
    assert len(cat.models) == 1_000
    assert all(m.family_id.startswith("synthetic-") for m in cat.models.values())
    assert all("Synthetic" in m.variant.name for m in cat.models.values())
    kinds = {m.variant.architecture.value for m in cat.models.values() if m.variant.architecture}
    assert kinds == {"dense", "moe"}
    assert sum(len(m.variant.scores) for m in cat.models.values()) > 1_000


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = _files(generate(tmp_path / "a", 300, seed=1))
    b = _files(generate(tmp_path / "b", 300, seed=1))
    c = _files(generate(tmp_path / "c", 300, seed=2))
    assert a == b
    assert a != c


def test_never_writes_into_the_bundled_data():
    with pytest.raises(ValueError):
        generate(BUNDLED, 10)
    with pytest.raises(ValueError):
        generate(BUNDLED / "models" / "x", 10)
