"""The bulk loader (YAML straight to tables) gives exactly the careful path's tables for a valid catalog, and for a
broken one gives way to it, so every error is still reported with its file, line, model and field."""

import math
import os
import random
import shutil
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from benchmarks.synthetic import generate
from components.catalog import bulk, cache, families, loader, parallel
from components.catalog.errors import CatalogInvalid
from components.catalog.rules import RULES
from components.catalog.schema import Variant
from tests.conftest import FIXTURE_CATALOG, edit_yaml
from tests.unit.parallel_probe import double

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("syn") / "data", 1_000, seed=11)


def careful_tables(data_dir: Path, monkeypatch) -> cache.CatalogFrames:
    """The reference: line-tracking loader, Catalog objects, to_frame & co."""
    with monkeypatch.context() as m:
        m.setenv("ATLAS_FAST_LOAD", "0")
        return cache.build_frames(data_dir)


def assert_same_tables(a, b) -> None:
    for t in cache.TABLES:
        x, y = getattr(a, t), getattr(b, t)
        pd.testing.assert_frame_equal(x, y, check_exact=True)
        assert list(x.dtypes) == list(y.dtypes), t
    assert (a.version, a.summary) == (b.version, b.summary)


def assert_same_outcome(data_dir: Path, monkeypatch) -> list:
    """Bulk tables == careful tables for a valid catalog; for a broken one: no bulk tables, and build_frames raises
    with exactly the careful path's errors. Returns the errors."""
    _, errors = loader._check_lines(data_dir)
    assert loader.check_catalog(data_dir)[1] == errors
    tables = bulk.build_tables(data_dir)
    if errors:
        assert tables is None
        with pytest.raises(CatalogInvalid) as info:
            cache.build_frames(data_dir)
        assert info.value.errors == CatalogInvalid(errors).errors
    else:
        assert tables is not None, "a valid catalog left the bulk path"
        assert_same_tables(tables, careful_tables(data_dir, monkeypatch))
    return errors


@pytest.mark.parametrize("where", ["bundled", "fixture", "synthetic"])
def test_bulk_tables_equal_the_careful_ones(where, synthetic, monkeypatch):
    data_dir = {"bundled": ROOT / "data", "fixture": FIXTURE_CATALOG, "synthetic": synthetic}[where]
    assert bulk.build_tables(data_dir) is not None
    assert_same_outcome(data_dir, monkeypatch)


def test_frames_from_catalog_objects_equal_the_row_by_row_reference(synthetic):
    from components.catalog.frame import _to_frame_rows, to_frame

    cat = loader.load_catalog(synthetic)
    a, b = to_frame(cat), _to_frame_rows(cat)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.dtypes) == list(b.dtypes)


def test_every_rule_has_a_bulk_check():
    # A rule without one switches the bulk path off (correct, but slow): add its check to bulk.py.
    assert set(RULES) <= bulk._CHECKED


def test_the_variant_check_knows_every_variant_field():
    assert families.VARIANT_CHECK, "Variant changed: teach families.Variants.fields its new field (or it always defers)"


_TEXTS = st.one_of(st.none(), st.integers(-2, 2), st.booleans(), st.floats(allow_nan=True),
                   st.sampled_from(["", " ", "unknown", " N/A ", "TBD", "?", "-", "x", "a/b", "a/b\n", "a/b/c",
                                    "-a/b", "a.b_c-d/E.9", "a /b", "null", "None", "é/x", "a/b ", "\na/b", "7B"]),
                   st.text(max_size=12))


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(sorted(families.SCALAR_CHECKS)), value=_TEXTS)
def test_variant_scalar_checks_only_accept_what_pydantic_accepts_unchanged(field, value):
    raw = {"name": "x", field: value}
    if not families.SCALAR_CHECKS[field](value):
        return
    try:
        v = Variant.model_validate(raw)
    except ValidationError:
        pytest.fail(f"{field}={value!r} passes the bulk check but not pydantic")
    got = getattr(v, field)
    assert type(got) is type(value) and got == value


# ---------------------------------------------------------------- one rule broken at a time (as test_rules.py)
def _variant(d, key):
    return d["variants"][key]


BREAKS = {
    "source_resolves": ("models/acme-one.yaml", lambda d: _variant(d, "small")["context_length"].update(source="x")),
    "organization_resolves": ("models/zeta-chat.yaml", lambda d: d.update(organization="ghost")),
    "license_resolves": ("models/acme-one.yaml", lambda d: _variant(d, "moe-reasoner")["license"].update(value="no")),
    "benchmark_resolves": ("models/zeta-chat.yaml", lambda d: _variant(d, "pro")["scores"][0].update(benchmark="b")),
    "base_model_resolves": ("models/acme-one.yaml",
                            lambda d: _variant(d, "moe-reasoner")["base_model"].update(value="acme-one/huge")),
    "base_model_itself": ("models/acme-one.yaml",
                          lambda d: _variant(d, "moe-reasoner")["base_model"].update(value="acme-one/moe-reasoner")),
    "required_facts": ("models/zeta-chat.yaml", lambda d: _variant(d, "pro").pop("release_date")),
    "moe_experts": ("models/acme-one.yaml", lambda d: _variant(d, "moe")["experts_active"].update(value=9)),
    "moe_needs_counts": ("models/acme-one.yaml", lambda d: _variant(d, "moe").pop("experts_total")),
    "moe_active_below_total": ("models/acme-one.yaml",
                               lambda d: _variant(d, "moe")["params_active_b"].update(value=12.5)),
    "dense_has_no_experts": ("models/acme-one.yaml",
                             lambda d: _variant(d, "small").update(experts_total={"value": 8, "source": "paper"})),
    "open_weights_need_license": ("models/acme-one.yaml", lambda d: d["defaults"].pop("license")),
    "closed_weights_no_download": ("models/zeta-chat.yaml", lambda d: _variant(d, "pro").update(hf_repo="z/p")),
    "release_date_real": ("models/zeta-chat.yaml",
                          lambda d: _variant(d, "pro")["release_date"].update(value="2024-02-30")),
    "release_date_future": ("models/zeta-chat.yaml", lambda d: _variant(d, "pro")["release_date"].update(value="2999")),
    "score_in_range": ("models/zeta-chat.yaml", lambda d: _variant(d, "pro")["scores"][0].update(value=881)),
    "score_negative": ("models/zeta-chat.yaml", lambda d: _variant(d, "pro")["scores"][0].update(value=-1)),
    "score_not_repeated": ("models/zeta-chat.yaml",
                           lambda d: _variant(d, "pro")["scores"].append(dict(_variant(d, "pro")["scores"][0]))),
    "license_tier_consistent": ("licenses/acme-community.yaml", lambda d: d.update(tier="non_commercial")),
    "obligation_has_clause": ("licenses/acme-community.yaml",
                              lambda d: d["obligations"]["attribution"].pop("excerpt")),
    "schema_unknown_field": ("models/acme-one.yaml", lambda d: _variant(d, "small").update(paramz=3)),
    "schema_placeholder": ("models/acme-one.yaml", lambda d: _variant(d, "small").update(size_label="TBD")),
    "schema_bad_enum": ("models/acme-one.yaml", lambda d: _variant(d, "small")["architecture"].update(value="x")),
    "schema_name_missing": ("models/acme-one.yaml", lambda d: _variant(d, "small").pop("name")),
    "schema_bad_repo": ("models/acme-one.yaml", lambda d: _variant(d, "small").update(hf_repo="not a repo")),
    "schema_bad_variant_key": ("models/acme-one.yaml", lambda d: d["variants"].update({"Big": {"name": "B"}})),
}


def test_the_breaks_cover_every_rule():
    assert set(RULES) <= set(BREAKS)


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_a_broken_catalog_gives_way_to_the_careful_path(case, catalog_dir, monkeypatch):
    file, change = BREAKS[case]
    edit_yaml(catalog_dir / file, change)
    assert assert_same_outcome(catalog_dir, monkeypatch), "the edit should break the catalog"


def test_an_error_in_a_big_synthetic_catalog_names_file_line_model_and_field(synthetic, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(synthetic, data)
    path = sorted((data / "models").glob("*.yaml"))[123]
    text = path.read_text()
    start = text.index("variants:\n") + len("variants:\n")
    key = text[start:].split(":", 1)[0].strip()
    broken = text.replace(f"  {key}:\n", f"  {key}:\n    paramz: 3\n", 1)
    path.write_text(broken)
    (e,) = assert_same_outcome(data, monkeypatch)
    assert (e.file, e.model, e.field) == (f"data/models/{path.name}", f"{path.stem}/{key}", "paramz")
    assert broken.splitlines()[e.line - 1].strip() == "paramz: 3" and "unknown field" in e.message


# ---------------------------------------------------------------- random edits of a synthetic catalog
def _random_edit(rng: random.Random, d: dict, ids: list[str]) -> None:
    variants = d["variants"]
    key = rng.choice(list(variants))
    v = variants[key]
    choice = rng.randrange(16)
    src = next(iter(d["sources"]))
    fact = lambda value: {"value": value, "source": src}
    if choice == 0:
        v["architecture"] = fact(rng.choice(["moe", "dense", "sparse"]))
    elif choice == 1:
        v["experts_total"] = fact(rng.choice([0, 1, 2, 8, 64, "8", 8.0, True]))
    elif choice == 2:
        v["experts_active"] = fact(rng.choice([1, 2, 9, -1]))
    elif choice == 3:
        v[rng.choice(["params_active_b", "params_total_b"])] = fact(rng.choice([1, 7.0, 0.5, 70, 1e6, 0, "7"]))
    elif choice == 4:
        v["license"] = rng.choice([fact("mit"), fact("apache-2.0"), fact("nope"), None])
    elif choice == 5:
        v["weights"] = fact(rng.choice(["open", "closed", "unreleased", "gated_open", "half"]))
    elif choice == 6:
        v["hf_repo"] = rng.choice(["a/b", None, "bad", "a/b\n", "org/Model-7B.v2"])
    elif choice == 7:
        v["release_date"] = {"value": rng.choice(["2016", "2023-02-30", "2099", 2023, "2023-13", "2024-05", "24"]),
                             "source": src, "event": rng.choice(["weights", "paper", "leak"])}
    elif choice == 8:
        scores = v.setdefault("scores", [])
        if scores and rng.random() < 0.5:
            scores.append(dict(scores[0]))
        scores.append({"benchmark": rng.choice(["mmlu", "nope", "codeforces_rating"]), "source": src,
                       "value": rng.choice([-1.0, 50, 150.5, 0, 100]), "self_reported": rng.choice([True, False])})
    elif choice == 9:
        v["base_model"] = fact(rng.choice(ids + ["x/y", f"{d['_stem']}/{key}"]))
    elif choice == 10:
        v.pop(rng.choice(["kind", "release_date", "weights", "name"]), None)
    elif choice == 11:
        v["context_length"] = {"value": 4096, "source": rng.choice([src, "missing"])}
    elif choice == 12:
        v[rng.choice(["name", "size_label", "notes"])] = rng.choice(["", " ", "unknown", "x", 5, None, "N/A"])
    elif choice == 13:
        (d.setdefault("defaults", {}) or {}).update(weights=fact(rng.choice(["open", "closed"])))
    elif choice == 14:
        v[rng.choice(["modalities_in", "modalities_out"])] = fact(rng.choice([["text"], ["text", "smell"], []]))
    else:
        v["kind"] = rng.choice([fact("base"), fact("chat"), {"value": "base"}, {"value": "base", "source": src,
                                                                              "status": "rumored"}])


@pytest.mark.parametrize("seed", range(24))
def test_random_edits_give_the_same_outcome_on_both_paths(seed, tmp_path, monkeypatch):
    data = generate(tmp_path / "data", 60, seed=seed)
    rng = random.Random(seed)
    files = sorted((data / "models").glob("*.yaml"))
    ids = [f"{p.stem}/{k}" for p in files for k in loader.parse_yaml(p.read_text()).data["variants"]]
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(files)

        def change(d, path=path):
            d["_stem"] = path.stem
            _random_edit(rng, d, ids)
            d.pop("_stem")

        edit_yaml(path, change)
    assert_same_outcome(data, monkeypatch)


# ---------------------------------------------------------------- two processes
needs_two = pytest.mark.skipif(parallel.workers() < 2, reason="needs two usable CPUs")


@needs_two
def test_two_processes_give_the_same_tables(synthetic, monkeypatch):
    one = bulk.build_tables(synthetic)
    monkeypatch.setattr(parallel, "MIN_WEIGHT", 0)
    seen = []
    real = parallel._Worker.start
    monkeypatch.setattr(parallel._Worker, "start", lambda *a: seen.append(1) or real(*a))
    two = bulk.build_tables(synthetic)
    assert seen, "the worker process was not used"
    assert_same_tables(one, two)


def _map(trouble, **kw):
    return parallel.map_chunks(double, list(range(40)), trouble, weight=lambda x: 1, min_weight=0, chunks=8, **kw)


def _values(parts):
    return [x for _, p in parts for x in p]


@needs_two
def test_the_worker_takes_chunks_and_the_result_is_in_order():
    parts = _map("none")
    assert len(parts) == 8 and _values(parts) == [x * 2 for x in range(40)]
    assert {pid for pid, _ in parts} - {os.getpid()}, "no chunk was done by the worker"


@needs_two
@pytest.mark.parametrize("trouble", ["raise", "hang", "crash", "garbage", "invalid"])
def test_a_worker_in_trouble_never_changes_the_result(trouble, monkeypatch):
    monkeypatch.setattr(parallel, "CHILD_GRACE_S", 1.0)
    t = time.monotonic()
    parts = _map(trouble)
    if trouble == "invalid":
        assert None in parts
    else:
        assert len(parts) == 8 and _values(parts) == [x * 2 for x in range(40)]
    assert time.monotonic() - t < 30, "a stuck worker must not hold up the load"


@needs_two
def test_a_worker_that_cannot_start_leaves_the_work_here(monkeypatch):
    monkeypatch.setattr(parallel.sys, "executable", "/nonexistent/python")
    parts = _map("none")
    assert _values(parts) == [x * 2 for x in range(40)] and {pid for pid, _ in parts} == {os.getpid()}


@needs_two
def test_never_a_fork_and_no_warning_with_other_threads_running(monkeypatch):
    # Streamlit runs scripts in threads; a fork of a multi-threaded process can deadlock (Python 3.12+ warns)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("os.fork was called"))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parts = _map("none")
    finally:
        stop.set()
    assert _values(parts) == [x * 2 for x in range(40)]


@needs_two
def test_after_runs_here_on_every_result():
    parts = parallel.map_chunks(double, list(range(20)), "none", after=lambda r: (os.getpid(), r),
                                weight=lambda x: 1, min_weight=0, chunks=5)
    assert {pid for pid, _ in parts} == {os.getpid()}
    assert [x for _, (_, p) in parts for x in p] == [x * 2 for x in range(20)]


def test_chunks_cover_the_list_in_order():
    items = [("f", b"x" * n) for n in (5, 1, 1, 9, 3, 3, 3, 1, 8, 2)]
    for n in (1, 2, 3, 4, 10, 20):
        chunks = parallel._chunks(items, parallel._weight, n)
        assert [x for c in chunks for x in c] == items and all(chunks) and len(chunks) <= max(n, 1)


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv("ATLAS_LOAD_WORKERS", "1")
    assert parallel.workers() == 1
    assert parallel.map_chunks(double, [1, 2, 3], "none", weight=lambda x: 1, min_weight=0) == [(os.getpid(), [2, 4, 6])]


@pytest.mark.parametrize(("affinity", "quota", "expected"), [(1, None, 1), (4, None, 2), (4, 1.0, 1), (4, 2.0, 2),
                                                             (2, 0.5, 1)])
def test_one_process_on_one_usable_cpu(affinity, quota, expected, monkeypatch):
    monkeypatch.delenv("ATLAS_LOAD_WORKERS", raising=False)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: set(range(affinity)), raising=False)
    monkeypatch.setattr(parallel, "_cgroup_quota", lambda: quota)
    assert parallel.workers() == (expected if os.name == "posix" else 1)


def test_nan_scores_are_judged_as_the_rule_judges_them(catalog_dir, monkeypatch):
    # NaN is a float pydantic accepts; the score rules treat it differently for percentages and other units
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: _variant(d, "pro")["scores"][0].update(value=math.nan))
    assert_same_outcome(catalog_dir, monkeypatch)


# ---------------------------------------------------------------- the cache's prefetch of the last entry
def test_a_hit_reads_the_last_entry_while_the_folder_is_checked(catalog_dir, tmp_path, monkeypatch):
    built, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "miss"
    started = []
    real = cache._Prefetch.start
    monkeypatch.setattr(cache._Prefetch, "start", lambda self: started.append(self.entry) or real(self))
    hit, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "hit" and started
    assert_same_tables(built, hit)


def test_a_stale_or_garbled_last_entry_changes_nothing(catalog_dir, tmp_path):
    cache.load_frames(catalog_dir, tmp_path / "c")
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"]["context_length"].update(value=4096))
    after, status = cache.load_frames(catalog_dir, tmp_path / "c")  # the last entry is the old data's
    assert status == "miss" and after.models.set_index("id").loc["acme-one/small", "context_length"] == 4096
    cache._last_file(tmp_path / "c", catalog_dir).write_text("not a key")
    again, status = cache.load_frames(catalog_dir, tmp_path / "c")
    assert status == "hit"
    assert_same_tables(after, again)
