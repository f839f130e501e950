"""components/catalog/picking.py: what a model picker offers in a catalog too big to list."""

from components.catalog.picking import picker_options

IDS = [f"org{i % 7}/model-{i:04d}" for i in range(3000)]
LABELS = [f"Model {i:04d} · Org {i % 7}" for i in range(3000)]


def test_small_catalog_lists_everything_without_search():
    out = picker_options(IDS[:50], LABELS[:50], limit=100)
    assert out.options == IDS[:50] and not out.searching and out.not_offered == 0


def test_big_catalog_offers_the_first_limit_in_catalog_order():
    out = picker_options(IDS, LABELS, limit=100)
    assert out.searching and out.options == IDS[:100]
    assert out.matches == 3000 and out.not_offered == 2900


def test_query_matches_label_or_id_case_insensitively():
    by_label = picker_options(IDS, LABELS, query="  model 0012 ", limit=100)
    assert by_label.options == ["org5/model-0012"] and by_label.matches == 1
    by_id = picker_options(IDS, LABELS, query="ORG3/", limit=100)
    assert all(i.startswith("org3/") for i in by_id.options)
    assert by_id.matches == sum(1 for i in IDS if i.startswith("org3/")) and by_id.offered == 100


def test_picks_are_always_offered_first_and_once():
    picked = ["org1/model-2999", "org0/model-0000", "org1/model-2999"]
    out = picker_options(IDS, LABELS, picked, query="model-0001", limit=100)
    assert out.options[:2] == ["org1/model-2999", "org0/model-0000"]
    assert len(out.options) == len(set(out.options))
    assert "org1/model-0001" in out.options


def test_query_is_text_not_a_pattern():
    out = picker_options(IDS, LABELS, query=".*", limit=100)
    assert out.options == [] and out.matches == 0
