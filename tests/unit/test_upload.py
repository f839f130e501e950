"""Bring-your-own models: every row validated with the catalog's schema and rules."""

import json

import pytest

from components.catalog.loader import load_catalog
from components.catalog.upload import MAX_ROWS, parse_upload, template_csv
from tests.conftest import FIXTURE_CATALOG

HEADER = "id,name,organization,release_date,weights,license,architecture,params_total_b,params_active_b," \
         "experts_total,experts_active,kind,hf_repo\n"


@pytest.fixture(scope="module")
def cat():
    return load_catalog(FIXTURE_CATALOG)


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_template_round_trips(cat):
    r = parse_upload("template.csv", template_csv().encode(), cat)
    assert r.fatal is None and r.errors == [] and len(r.models) == 1
    row = r.models.iloc[0]
    assert row["id"] == "user/my-model-7b" and row["params_total_b"] == 7.2 and bool(row["user"])


def test_valid_rows_kept_invalid_rows_listed(cat):
    data = csv_bytes(
        "a,Good MoE,Lab,2024-05,open,apache-2.0,moe,40,8,8,2,base,",
        "b,Bad MoE,Lab,2024-05,open,apache-2.0,moe,40,80,8,2,base,",      # active > total
        "c,Bad kind,Lab,2024-05,open,apache-2.0,dense,7,,,,chatbot,",      # enum
        "d,Closed with repo,Lab,2024-05,closed,,dense,,,,,instruct,org/x",  # closed + download
        "e,Bad number,Lab,2024-05,open,apache-2.0,dense,seven,,,,base,",
        "f,Bad date,Lab,2024-02-30,open,apache-2.0,dense,7,,,,base,",
    )
    r = parse_upload("mine.csv", data, cat)
    assert r.fatal is None and list(r.models["id"]) == ["user/a"]
    by_row = {e.row: e for e in r.errors}
    assert set(by_row) == {2, 3, 4, 5, 6}
    assert by_row[2].field == "params_active_b" and by_row[3].field == "kind"
    assert by_row[4].field == "hf_repo" and by_row[5].field == "params_total_b"
    assert by_row[6].field == "release_date"


def test_unknown_license_is_a_row_error(cat):
    r = parse_upload("x.csv", csv_bytes("a,A,Lab,2024,open,wtfpl,dense,1,,,,base,"), cat)
    assert r.models is None and r.errors[0].field == "license"


@pytest.mark.parametrize("name,data,needle", [
    ("x.txt", b"name\nA\n", "only .csv and .json"),
    ("x.csv", b"", "empty"),
    ("x.csv", b"   \n", "empty"),
    ("x.csv", "name\nZ\xe9\n".encode("latin-1"), "UTF-8"),
    ("x.json", b"{not json", "not valid JSON"),
    ("x.json", b'{"a": 1}', "list of model objects"),
    ("x.csv", b"foo,bar\n1,2\n", "no 'name' column"),
    ("x.csv", b"id,name\n", "no rows"),
    ("x.csv", b"id,name\na,A\na,B\n", "duplicate ids"),
])
def test_unusable_files_get_one_clear_message(cat, name, data, needle):
    r = parse_upload(name, data, cat)
    assert r.fatal and needle in r.fatal and r.models is None


def test_size_and_row_limits(cat):
    assert "limit" in parse_upload("big.csv", b"x" * (5 * 1024 * 1024 + 1), cat).fatal
    rows = "".join(f"r{i},M{i}\n" for i in range(MAX_ROWS + 1))
    assert "limit" in parse_upload("many.csv", ("id,name\n" + rows).encode(), cat).fatal


def test_json_export_format_is_accepted(cat):
    data = json.dumps([{"id": "j", "name": "<img src=x onerror=alert(1)>", "weights": "open", "license": "apache-2.0",
                        "release_date": "2024-01", "kind": "base", "params_total_b": 3.0, "architecture": "dense",
                        "modalities_in": "text, image"}]).encode()
    r = parse_upload("x.json", data, cat)
    assert r.fatal is None, r.errors
    row = r.models.iloc[0]
    assert row["name"] == "<img src=x onerror=alert(1)>"  # kept verbatim; rendered as text by the UI
    assert row["modalities_in"] == "text, image"
    assert row["params_total_b_source"] is None
