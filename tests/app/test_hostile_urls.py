"""Property-based: every page survives arbitrary URL parameters (unknown, malformed, repeated,
oversized, contradictory) — it falls back to defaults and never raises."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.app.test_pages import APP, TIMEOUT, registered_pages

KNOWN_KEYS = ["org", "weights", "tier", "arch", "mod", "from", "to", "smin", "smax", "talk", "dark", "q",
              "lanes", "color", "asof", "bench", "spot", "size", "rows", "lic", "commercial", "models", "grain",
              "preset", "seed", "G", "normalize", "compare", "tokens", "text"]
NASTY = ["", " ", "-1", "0", "1e309", "nan", "NaN", "inf", "2024-13", "1999-01", "2999-12", "9" * 400,
         "<script>alert(1)</script>", "'; DROP TABLE models; --", "../../etc/passwd", "moe,moe,dense",
         "meta,ghost", "%00", "\u202e\u0000", "x" * 10_000, "mixtral/8x7b,llama-2/70b,nope/nope,a,b,c"]

values = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.integers().map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(str))
param_sets = st.dictionaries(
    keys=st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=1, max_size=12)),
    values=st.one_of(values, st.lists(values, min_size=2, max_size=3)),  # lists = repeated keys
    max_size=6,
)


@pytest.mark.parametrize("page", registered_pages())
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(params=param_sets)
def test_page_never_raises_on_hostile_urls(page, params):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/home.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, (params, at.exception)
    assert at.title, f"{page} drew no title with {params!r}"
