"""Negative schema tests: break exactly one rule in a valid fixture catalog and expect exactly
that complaint, naming file, model and field."""

from pathlib import Path

import pytest

from components.catalog.loader import check_catalog
from components.catalog.rules import RULES
from tests.conftest import edit_yaml


def errors_for(data_dir: Path):
    catalog, errors = check_catalog(data_dir)
    assert catalog is None if errors else catalog is not None
    return errors


def only_error(data_dir: Path):
    errors = errors_for(data_dir)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def variant(data, key):
    return data["variants"][key]


def test_fixture_catalog_is_valid(catalog_dir):
    assert errors_for(catalog_dir) == []


def test_every_rule_has_a_negative_test():
    tested = {name[len("test_rule_"):] for name in globals() if name.startswith("test_rule_")}
    assert set(RULES) <= tested, f"rules without a negative test: {set(RULES) - tested}"


def test_rule_source_resolves(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "small")["context_length"].update(source="nowhere"))
    e = only_error(catalog_dir)
    assert (e.rule, e.model, e.field) == ("source_resolves", "acme-one/small", "context_length")
    assert "nowhere" in e.message and e.file == "data/models/acme-one.yaml"


def test_rule_organization_resolves(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: d.update(organization="ghost"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("organization_resolves", "organization") and "ghost" in e.message


def test_rule_license_resolves(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "moe-reasoner")["license"].update(value="no-such-license"))
    e = only_error(catalog_dir)
    assert (e.rule, e.model, e.field) == ("license_resolves", "acme-one/moe-reasoner", "license")


def test_rule_benchmark_resolves(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml",
              lambda d: variant(d, "pro")["scores"][0].update(benchmark="mmlu-typo"))
    e = only_error(catalog_dir)
    assert (e.rule, e.model, e.field) == ("benchmark_resolves", "zeta-chat/pro", "scores[0]")


def test_rule_base_model_resolves(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "moe-reasoner")["base_model"].update(value="acme-one/huge"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("base_model_resolves", "base_model") and "acme-one/huge" in e.message


def test_base_model_cannot_be_itself(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "moe-reasoner")["base_model"].update(value="acme-one/moe-reasoner"))
    assert "own base model" in only_error(catalog_dir).message


def test_rule_required_facts(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: variant(d, "pro").pop("release_date"))
    e = only_error(catalog_dir)
    assert (e.rule, e.model, e.field) == ("required_facts", "zeta-chat/pro", "release_date")


def test_rule_moe_experts(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "moe")["experts_active"].update(value=9))
    e = only_error(catalog_dir)
    assert (e.rule, e.model, e.field) == ("moe_experts", "acme-one/moe", "experts_active")
    assert "9 active" in e.message


def test_moe_needs_expert_counts(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml", lambda d: variant(d, "moe").pop("experts_total"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("moe_experts", "experts_total")


def test_rule_moe_active_below_total(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "moe")["params_active_b"].update(value=12.5))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("moe_active_below_total", "params_active_b")


def test_rule_dense_has_no_experts(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: variant(d, "small").update(experts_total={"value": 8, "source": "paper"}))
    e = only_error(catalog_dir)
    assert (e.rule, e.model, e.field) == ("dense_has_no_experts", "acme-one/small", "experts_total")


def test_rule_open_weights_need_license(catalog_dir):
    def change(d):
        d["defaults"].pop("license")
    edit_yaml(catalog_dir / "models/acme-one.yaml", change)
    errors = errors_for(catalog_dir)
    # two variants inherit the license from the defaults; the third has its own
    assert {(e.rule, e.model) for e in errors} == {
        ("open_weights_need_license", "acme-one/small"), ("open_weights_need_license", "acme-one/moe")}


def test_rule_closed_weights_no_download(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: variant(d, "pro").update(hf_repo="zeta/pro"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("closed_weights_no_download", "hf_repo")


def test_rule_release_date_real(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml",
              lambda d: variant(d, "pro")["release_date"].update(value="2024-02-30"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("release_date_real", "release_date") and "2024-02-30" in e.message


def test_release_date_in_the_future_is_rejected(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml",
              lambda d: variant(d, "pro")["release_date"].update(value="2999-01"))
    assert only_error(catalog_dir).rule == "release_date_real"


def test_rule_score_in_range(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: variant(d, "pro")["scores"][0].update(value=881))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("score_in_range", "scores[0]") and "0..100" in e.message


def test_rule_score_not_repeated(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml",
              lambda d: variant(d, "pro")["scores"].append(dict(variant(d, "pro")["scores"][0])))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("score_not_repeated", "scores[2]")


def test_rule_license_tier_consistent(catalog_dir):
    edit_yaml(catalog_dir / "licenses/acme-community.yaml", lambda d: d.update(tier="non_commercial"))
    e = only_error(catalog_dir)
    assert (e.rule, e.file) == ("license_tier_consistent", "data/licenses/acme-community.yaml")


def test_rule_obligation_has_clause(catalog_dir):
    edit_yaml(catalog_dir / "licenses/acme-community.yaml",
              lambda d: d["obligations"]["attribution"].pop("excerpt"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("obligation_has_clause", "obligations.attribution")


def test_cap_needs_value(catalog_dir):
    edit_yaml(catalog_dir / "licenses/acme-community.yaml", lambda d: d["obligations"]["mau_cap"].pop("value"))
    e = only_error(catalog_dir)
    assert (e.rule, e.field) == ("obligation_has_clause", "obligations.mau_cap") and "value" in e.message
