"""Schema-level refusals and the loader's error reporting (file, line, model, field; all at once)."""

from pathlib import Path

import pytest

from components.catalog.errors import CatalogInvalid
from components.catalog.loader import check_catalog, load_catalog
from tests.conftest import edit_yaml


def errors_for(data_dir: Path):
    return check_catalog(data_dir)[1]


def test_loads_fixture_with_ids_from_file_names(catalog_dir):
    cat = load_catalog(catalog_dir)
    assert set(cat.models) == {"acme-one/small", "acme-one/moe", "acme-one/moe-reasoner", "zeta-chat/pro"}
    assert cat.models["acme-one/small"].variant.license.value == "acme-community"  # from the family defaults
    assert cat.models["acme-one/moe-reasoner"].variant.license.value == "apache-2.0"  # own value wins
    assert cat.models["acme-one/small"].source_url("vocab_size") == "https://example.org/acme-one/card"


def test_dates_keep_their_precision(catalog_dir):
    cat = load_catalog(catalog_dir)
    assert cat.models["acme-one/small"].variant.release_date.value == "2023-07-18"
    assert cat.models["acme-one/moe"].variant.release_date.value == "2023-12"
    assert cat.models["acme-one/moe-reasoner"].variant.release_date.value == "2024"  # unquoted YAML int


def test_version_changes_when_a_fact_changes(catalog_dir):
    before = load_catalog(catalog_dir).version
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"]["context_length"].update(value=4096))
    assert load_catalog(catalog_dir).version != before


@pytest.mark.parametrize("placeholder", ["unknown", "N/A", "", "TBD"])
def test_placeholders_are_refused(catalog_dir, placeholder):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"].update(size_label=placeholder))
    errs = errors_for(catalog_dir)
    assert len(errs) == 1 and errs[0].field == "size_label"


def test_unknown_field_is_refused_with_its_line(catalog_dir):
    path = catalog_dir / "models/acme-one.yaml"
    text = path.read_text().replace("    size_label: 2B\n", "    size_label: 2B\n    paramz: 3\n", 1)
    path.write_text(text)
    (e,) = errors_for(catalog_dir)
    assert e.field == "paramz" and e.model == "acme-one/small" and "unknown field" in e.message
    assert text.splitlines()[e.line - 1].strip() == "paramz: 3"


def test_wrong_type_names_model_field_and_value(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"]["params_total_b"].update(value="seven"))
    (e,) = errors_for(catalog_dir)
    assert (e.model, e.field) == ("acme-one/small", "params_total_b.value") and "'seven'" in e.message


def test_bad_enum_value(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"]["architecture"].update(value="sparse"))
    (e,) = errors_for(catalog_dir)
    assert e.field == "architecture.value" and "'dense' or 'moe'" in e.message


def test_invented_date_shape_is_refused(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml",
              lambda d: d["variants"]["small"]["release_date"].update(value="July 2023"))
    (e,) = errors_for(catalog_dir)
    assert e.field == "release_date.value" and "YYYY" in e.message


def test_duplicate_variant_key_is_reported_with_both_lines(catalog_dir):
    path = catalog_dir / "models/zeta-chat.yaml"
    path.write_text(path.read_text() + "  pro:\n    name: Copy\n")
    errs = [e for e in errors_for(catalog_dir) if e.rule == "duplicate_key"]
    assert len(errs) == 1 and errs[0].model == "zeta-chat/pro" and "first defined on line" in errs[0].message


def test_malformed_yaml_names_file_and_line(catalog_dir):
    path = catalog_dir / "organizations/zeta.yaml"
    path.write_text("name: Zeta Lab\ncountry: [FR\n")
    errs = errors_for(catalog_dir)
    yaml_errs = [e for e in errs if e.rule == "yaml"]
    assert yaml_errs and yaml_errs[0].file == "data/organizations/zeta.yaml" and yaml_errs[0].line


def test_many_errors_are_reported_together(catalog_dir):
    edit_yaml(catalog_dir / "models/acme-one.yaml", lambda d: d["variants"]["moe"]["experts_active"].update(value=99))
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: d["variants"]["pro"].update(hf_repo="z/p"))
    edit_yaml(catalog_dir / "organizations/acme.yaml", lambda d: d.update(country="Atlantis"))
    errs = errors_for(catalog_dir)
    files = {e.file for e in errs}
    assert {"data/models/acme-one.yaml", "data/models/zeta-chat.yaml", "data/organizations/acme.yaml"} <= files


def test_one_broken_variant_does_not_hide_the_others(catalog_dir):
    def change(d):
        d["variants"]["small"]["kind"]["value"] = "chatty"       # schema error in one variant
        d["variants"]["moe"]["experts_active"]["value"] = 20      # rule error in another
    edit_yaml(catalog_dir / "models/acme-one.yaml", change)
    rules = {(e.model, e.rule) for e in errors_for(catalog_dir)}
    assert ("acme-one/small", "schema") in rules and ("acme-one/moe", "moe_experts") in rules


def test_load_catalog_raises_with_every_error(catalog_dir):
    edit_yaml(catalog_dir / "models/zeta-chat.yaml", lambda d: d["variants"]["pro"].update(hf_repo="z/p"))
    with pytest.raises(CatalogInvalid) as info:
        load_catalog(catalog_dir)
    assert "zeta-chat/pro" in str(info.value) and len(info.value.errors) == 1


def test_non_utf8_file_is_reported(catalog_dir):
    (catalog_dir / "organizations/zeta.yaml").write_bytes("name: Z\xe9ta\n".encode("latin-1"))
    errs = errors_for(catalog_dir)
    assert any(e.file == "data/organizations/zeta.yaml" and "UTF-8" in e.message for e in errs)


def test_missing_data_folder():
    (e,) = errors_for(Path("/nonexistent/data"))
    assert "not found" in e.message
