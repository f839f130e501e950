"""AppTest: when the releases chart merges lanes past its cap, the Timeline page's caption says so; under the cap it
says nothing about lanes. The cap is lowered for the test (the catalog under test has fewer lanes than the real
cap); charts are cached per server process, so the cache is cleared around the lowered cap."""

from __future__ import annotations

import json

import streamlit as st

from components.charts import timeline as tl
from tests.app.test_pages import run_page

PAGE = "pages/timeline.py"


def release_caption(at) -> str:
    return next(c.value for c in at.caption if "released by" in c.value)


def test_caption_states_the_merged_lanes(monkeypatch):
    st.cache_data.clear()  # a chart built with the real cap must not be reused
    monkeypatch.setattr(tl, "LANE_CAP", 4)
    try:
        at = run_page(PAGE)
        spec = json.loads(at.get_by_key("tl_releases").proto.spec)
        ticks = spec["layout"]["yaxis"]["ticktext"]
        merged = spec["layout"]["meta"]["lanes_merged"]
        assert len(ticks) == 4 and ticks[-1] == f"Other organizations ({merged:,})" and merged >= 2
        caption = release_caption(at)
        assert f"the 3 organizations with the most models; the other {merged:,} share the last lane" in caption
        assert not at.exception and not at.error
    finally:
        st.cache_data.clear()


def test_no_lane_sentence_under_the_cap():
    at = run_page(PAGE)
    spec = json.loads(at.get_by_key("tl_releases").proto.spec)
    assert "lanes_merged" not in spec["layout"]["meta"]
    assert "share the last lane" not in release_caption(at)
