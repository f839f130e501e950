"""components.charts.adoption: downloads per license tier (tested as data, not pixels)."""

import pandas as pd
import pytest

from components.charts.adoption import adoption_table, compact, downloads_by_tier
from components.charts.style import TIER_COLORS, TIER_LABELS


def frame():
    return pd.DataFrame({
        "id": ["f/a", "f/b", "f/c", "f/d", "f/e", "f/f", "f/g"],
        "name": ["A", "B", "C", "D", "E", "F", "G"],
        "hf_repo": ["o/a", "o/b", "o/a", "o/d", None, "o/f", "o/g"],  # f/c shares f/a's repo
        "license_tier": ["permissive", "conditional", "permissive", "conditional", "permissive", "research_only",
                         "permissive"],
        "open_weights": [True, True, True, True, True, True, True],
        "downloads_30d": pd.array([1_000, 5_000_000, 1_000, 3_000_000, None, 40, None], dtype="Int64"),
        "likes": pd.array([1, 2, 1, 3, None, 4, None], dtype="Int64"),
    })


def test_table_sums_each_repo_once_and_counts_left_out():
    table, left_out = adoption_table(frame())
    assert table["tier"].tolist() == ["permissive", "conditional", "research_only"]  # fixed tier order
    assert table.set_index("tier")["value"].to_dict() == {"permissive": 1_000, "conditional": 8_000_000,
                                                          "research_only": 40}
    assert table.set_index("tier").loc["conditional", "top_model"] == "B"
    assert table.set_index("tier").loc["permissive", "models"] == 1  # f/c dropped as a duplicate repo
    assert left_out == 1  # f/g has a repo but no Hub numbers


def test_median_per_model():
    table, _ = adoption_table(frame(), stat="median")
    assert table.set_index("tier").loc["conditional", "value"] == 4_000_000


def test_figure_bars_colours_and_titles():
    fig = downloads_by_tier(frame(), snapshot_date="2026-11-26")
    assert [t.name for t in fig.data] == [TIER_LABELS[t] for t in ("permissive", "conditional", "research_only")]
    assert [t.marker.color for t in fig.data] == [TIER_COLORS[t] for t in ("permissive", "conditional",
                                                                           "research_only")]
    assert [t.y[0] for t in fig.data] == [1_000, 8_000_000, 40]
    assert fig.data[1].text[0] == "8M"
    assert "2026-11-26" in fig.layout.title.subtitle.text  # the snapshot date is on the figure
    assert "1 model left out: no Hub numbers" in fig.layout.title.subtitle.text
    assert "1 open-weight model without a Hub repo" in fig.layout.title.subtitle.text
    assert fig.layout.yaxis.title.text == "Downloads, last 30 days"
    assert fig.layout.meta["left_out"] == 1


def test_likes_metric_and_talk_mode():
    fig = downloads_by_tier(frame(), snapshot_date="2026-11-26", metric="likes", talk=True)
    font = fig.layout.font.size or fig.layout.template.layout.font.size  # explicit, or the house template's
    assert font >= 20 and fig.layout.yaxis.title.text == "Likes"  # talk: large type


def test_no_hub_numbers_gives_an_empty_figure_with_the_reason():
    df = frame().assign(downloads_30d=pd.array([None] * 7, dtype="Int64"))
    fig = downloads_by_tier(df, snapshot_date="2026-11-26")
    assert len(fig.data) == 0 and "6 models left out" in fig.layout.title.subtitle.text


def test_bad_metric():
    with pytest.raises(ValueError):
        adoption_table(frame(), metric="stars")


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (999, "999"), (1_500, "1.5k"), (2_000_000, "2M"),
                                         (3_250_000_000, "3.2B")])
def test_compact(n, text):
    assert compact(n) == text
