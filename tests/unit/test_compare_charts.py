"""Compare builders: fact rows, shared benchmarks, license table, parameters to scale."""

import numpy as np
import pandas as pd
import pytest

from components.catalog.frame import licenses_frame, scores_frame, to_frame
from components.catalog.loader import load_catalog
from components.charts import compare as cmp
from tests.conftest import FIXTURE_CATALOG


@pytest.fixture(scope="module")
def cat():
    return load_catalog(FIXTURE_CATALOG)


@pytest.fixture(scope="module")
def models(cat):
    return to_frame(cat)


def pick(models: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    return models.set_index("id").loc[ids].reset_index()


def scores(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"model_id": m, "benchmark": b, "setting": s, "value": v, "self_reported": sr,
                          "source_url": f"https://example.org/{m}/{b}", "version": None, "note": None}
                         for m, b, s, v, sr in rows])


BENCH = pd.DataFrame([{"id": "mmlu", "name": "MMLU", "unit": "%"}, {"id": "gsm8k", "name": "GSM8K", "unit": "%"},
                      {"id": "elo", "name": "Codeforces", "unit": "rating"}])


def test_default_models_prefers_the_seed_pair_and_falls_back():
    assert cmp.default_models(["a", "mixtral/8x7b", "llama-2/70b"]) == ["mixtral/8x7b", "llama-2/70b"]
    assert cmp.default_models(["a", "b", "c"]) == ["a", "b"]
    assert cmp.default_models([]) == []


def test_fact_rows_carry_sources_and_say_unknown(models):
    small = pick(models, ["acme-one/small"]).iloc[0]
    facts = {f.label: f for f in cmp.fact_rows(small)}
    assert facts["Total parameters"].text == "2.51 B"
    assert facts["Total parameters"].source == "https://example.org/acme-one/paper"
    assert facts["Active parameters"].text == "all (dense)"
    assert facts["Vocabulary"].text == "256,000 tokens"
    assert facts["Context length"].source == "https://example.org/acme-one/card"
    assert facts["Hugging Face repo"].source == "https://huggingface.co/acme/acme-one-small"
    pro = pick(models, ["zeta-chat/pro"]).iloc[0]
    facts = {f.label: f for f in cmp.fact_rows(pro)}
    assert facts["Total parameters"].text == "unknown" and facts["Total parameters"].source is None
    assert facts["Architecture"].text == "unknown"
    moe = {f.label: f for f in cmp.fact_rows(pick(models, ["acme-one/moe"]).iloc[0])}
    assert moe["Experts"].text == "8 routed, 2 active per token"
    assert moe["Active parameters"].text == "3.9 B"


def test_shared_benchmarks_need_every_model_and_the_same_setting():
    s = scores([("a", "mmlu", "5-shot", 70.0, True), ("b", "mmlu", "5-shot", 60.0, True),
                ("b", "mmlu", "5-shot", 61.0, False),            # independent score preferred
                ("a", "gsm8k", "8-shot", 50.0, True), ("b", "gsm8k", "4-shot", 40.0, True),  # settings differ
                ("a", "elo", "rating", 1500.0, True), ("b", "elo", "rating", 1200.0, True),
                ("a", "humaneval", "0-shot", 30.0, True)])        # only one model
    shared = cmp.shared_benchmarks(s, ["b", "a"])
    got = shared.scores.set_index(["benchmark", "model_id"])["value"].to_dict()
    assert got == {("elo", "b"): 1200.0, ("elo", "a"): 1500.0, ("mmlu", "b"): 61.0, ("mmlu", "a"): 70.0}
    assert list(shared.scores["model_id"][:2]) == ["b", "a"]  # pick order
    assert shared.settings_differ == {"gsm8k": {"a": ["8-shot"], "b": ["4-shot"]}}
    assert shared.not_everyone == {"humaneval": 1}


def test_shared_scores_figure_groups_percent_benchmarks_only():
    s = scores([("a", "mmlu", "5-shot", 70.0, True), ("b", "mmlu", "5-shot", 61.0, False),
                ("a", "elo", "rating", 1500.0, True), ("b", "elo", "rating", 1200.0, True)])
    shared = cmp.shared_benchmarks(s, ["a", "b"])
    fig, other = cmp.shared_scores_figure(shared.scores, ["a", "b"], {"a": "Model A", "b": "Model B"}, BENCH)
    assert [t.name for t in fig.data] == ["Model A", "Model B"]
    assert [list(t.y) for t in fig.data] == [[70.0], [61.0]]
    assert list(fig.data[0].x) == ["MMLU<br>(5-shot)"]
    assert list(fig.data[1].customdata) == ["independent"]
    assert other == ["Codeforces"]
    assert fig.layout.barmode == "group"


def test_params_to_scale_never_draws_unknown_as_zero(models):
    sel = pick(models, ["acme-one/moe", "acme-one/small", "zeta-chat/pro"])
    fig = cmp.params_scale_figure(sel)
    total, active = fig.data
    assert list(total.y) == ["Acme One MoE", "Acme One Small", "Zeta Pro"]
    assert list(total.x[:2]) == [12.5, 2.51] and np.isnan(total.x[2])
    assert list(active.x[:2]) == [3.9, 2.51] and np.isnan(active.x[2])  # dense: active = total
    assert "dense" in active.text[1]
    unknown = [a for a in fig.layout.annotations if a.text == "unknown"]
    assert len(unknown) == 2 and all(a.x == 0 for a in unknown)
    assert fig.layout.xaxis.type in (None, "linear", "-")  # to scale: linear
    assert fig.layout.xaxis.range[0] == 0


def test_license_table_side_by_side(cat, models):
    lic = licenses_frame(cat)
    sel = pick(models, ["acme-one/small", "acme-one/moe-reasoner", "zeta-chat/pro"])
    table = cmp.license_table(sel, lic)
    assert list(table.columns) == ["Acme One Small", "Acme One Reasoner", "Zeta Pro"]
    assert table.loc["License", "Acme One Reasoner"] == "Apache License 2.0"
    assert table.loc["OSI approved", "Acme One Reasoner"] == "Yes"
    assert table.loc["License", "Zeta Pro"].startswith("no weights")
    small = table["Acme One Small"]
    assert small["Monthly-active-user cap"] == "Yes: 1M monthly active users"
    assert small["Naming rules"] == "No"
    assert small["Output-use limits"] == "not checked"  # applies: null
    assert small["Commercial use"] == "Conditional"
    assert set(table.index) >= set(cmp.OBLIGATION_LABELS.values())


def test_display_names_disambiguate_duplicates(models):
    sel = pick(models, ["acme-one/small", "acme-one/moe"]).assign(name="Same")
    assert cmp.display_names(sel) == {"acme-one/small": "Same (acme-one/small)", "acme-one/moe": "Same (acme-one/moe)"}


def test_fixture_scores_shared_between_two_models(cat):
    s = scores_frame(cat)
    shared = cmp.shared_benchmarks(s, ["acme-one/small", "zeta-chat/pro"])
    assert set(shared.scores["benchmark"]) == {"mmlu"}


def test_license_clauses_list_applicable_excerpts(cat, models):
    clauses = cmp.license_clauses(pick(models, ["acme-one/small", "zeta-chat/pro"]), licenses_frame(cat))
    assert {c["obligation"] for c in clauses} == {"Monthly-active-user cap", "Attribution required",
                                                   "Acceptable-use policy", "Gated download"}
    assert all(c["model"] == "Acme One Small" for c in clauses)
