"""Shared filters: tolerant URL parsing, round trip, application to the frame."""

import pytest

from components.catalog.filtering import Filters, Options, apply_filters, filters_to_params, parse_filters
from components.catalog.frame import to_frame
from components.catalog.loader import load_catalog
from tests.conftest import FIXTURE_CATALOG


@pytest.fixture(scope="module")
def models():
    return to_frame(load_catalog(FIXTURE_CATALOG))


@pytest.fixture(scope="module")
def options(models):
    return Options.from_frame(models)


def test_round_trip(options):
    f = Filters(org=("acme",), weights=("open", "gated_open"), arch=("moe",), date_from="2023-08",
                date_to="2024-01", size_min=1.0, size_max=20.0)
    again = parse_filters(filters_to_params(f), options)
    assert again == f and again.notices == ()


def test_empty_params_mean_no_filter(options, models):
    f = parse_filters({}, options)
    assert not f.active and len(apply_filters(models, f)) == len(models)


def test_unknown_and_oversized_values_are_dropped_with_notices(options):
    f = parse_filters({"org": ["acme,ghost", "x" * 5000], "weights": "open,leaked"}, options)
    assert f.org == ("acme",) and f.weights == ("open",)
    text = " ".join(f.notices)
    assert "ghost" in text and "too long" in text and "leaked" in text


def test_malformed_dates_and_sizes_are_ignored(options):
    f = parse_filters({"from": "yesterday", "to": "2024-13", "smin": "-3", "smax": "lots"}, options)
    assert (f.date_from, f.date_to, f.size_min, f.size_max) == (None, None, None, None)
    assert len(f.notices) == 4


def test_contradictory_ranges_are_swapped(options):
    f = parse_filters({"from": "2024-01", "to": "2023-09", "smin": "20", "smax": "2"}, options)
    assert (f.date_from, f.date_to) == ("2023-09", "2024-01") and (f.size_min, f.size_max) == (2.0, 20.0)


def test_dates_out_of_range_are_clamped(options):
    f = parse_filters({"from": "1999-01", "to": "2099-01"}, options)
    assert f.date_from == options.first_month and f.date_to == options.last_month


def test_repeated_single_value_key_uses_first(options):
    f = parse_filters({"smin": ["2", "5"]}, options)
    assert f.size_min == 2.0 and any("2 times" in n for n in f.notices)


def test_apply_filters(models):
    ids = lambda f: set(apply_filters(models, f)["id"])  # noqa: E731
    assert ids(Filters(arch=("moe",))) == {"acme-one/moe", "acme-one/moe-reasoner"}
    assert ids(Filters(weights=("closed",))) == {"zeta-chat/pro"}
    assert ids(Filters(mod=("image",))) == {"zeta-chat/pro"}
    assert ids(Filters(date_from="2023-12", date_to="2023-12")) == {"acme-one/moe"}
    # models of unknown size drop out of a size filter
    assert ids(Filters(size_min=1.0, size_max=5.0)) == {"acme-one/small"}
    assert ids(Filters(tier=("proprietary",))) == {"zeta-chat/pro"}
