"""Architecture figure builders, tested on figure data with small hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from components.catalog.frame import release_timestamp, to_frame
from components.catalog.loader import load_catalog
from components.charts import architecture as arch
from components.charts.style import WEIGHTS_COLORS
from tests.conftest import FIXTURE_CATALOG


def frame(rows: list[dict]) -> pd.DataFrame:
    """A models frame with the columns the builders read; unspecified values are unknown."""
    base = {"id": None, "name": None, "family": None, "family_id": None, "organization_id": "org",
            "organization": "Org", "country": "US", "country_name": "United States", "release_date": None,
            "weights": "open", "architecture": "dense", "params_total_b": np.nan, "vocab_size": None,
            "hidden_size": None, "context_length": None}
    df = pd.DataFrame([{**base, **r} for r in rows])
    for c in ("vocab_size", "hidden_size", "context_length"):
        df[c] = pd.array(df[c], dtype="Int64")
    df["params_total_b"] = df["params_total_b"].astype("float64")
    df["release_dt"] = pd.to_datetime(df["release_date"].map(lambda v: release_timestamp(v) if isinstance(v, str) else pd.NaT))
    return df


def xs(trace) -> np.ndarray:
    return np.asarray(trace.x)


GEMMA = {"id": "gemma/2b", "name": "Gemma 2B", "family": "Gemma", "family_id": "gemma", "organization_id": "google",
         "organization": "Google", "release_date": "2024-02-21", "params_total_b": 2.5, "vocab_size": 256_000,
         "hidden_size": 2048, "context_length": 8192}
LLAMA = {"id": "llama-3/70b", "name": "Llama 3 70B", "family": "Llama 3", "family_id": "llama-3",
         "organization_id": "meta", "organization": "Meta", "release_date": "2024-04-18", "params_total_b": 70.0,
         "vocab_size": 128_256, "hidden_size": 8192, "context_length": 8192}
LLAMA_CHAT = {**LLAMA, "id": "llama-3/70b-instruct", "name": "Llama 3 70B Instruct"}
NO_VOCAB = {"id": "x/1", "name": "X1", "family_id": "x", "release_date": "2023-05", "params_total_b": 7.0,
            "context_length": 4096}
NO_SIZE = {"id": "y/1", "name": "Y1", "family_id": "y", "release_date": "2025-01", "vocab_size": 32000,
           "hidden_size": 4096, "context_length": 1_000_000, "weights": "closed", "architecture": None,
           "country": "CN", "country_name": "China"}
NO_HIDDEN = {"id": "z/1", "name": "Z1", "family_id": "z", "release_date": "2024-06", "params_total_b": 11.0,
             "vocab_size": 128_256, "architecture": "moe"}


def test_embedding_share_is_vocab_times_hidden_over_total():
    df = frame([GEMMA, LLAMA, NO_HIDDEN])
    share = arch.embedding_share(df)
    assert share[0] == pytest.approx(256_000 * 2048 / 2.5e9)   # ~21%: the Gemma story
    assert share[1] == pytest.approx(128_256 * 8192 / 70e9)    # ~1.5%
    assert np.isnan(share[2])


def test_share_chart_points_values_and_hidden_counts():
    df = frame([GEMMA, LLAMA, LLAMA_CHAT, NO_VOCAB, NO_SIZE, NO_HIDDEN])
    fig, hidden = arch.share_vs_size(df)
    assert hidden == {"no total size": 1, "no vocabulary size": 1, "no hidden size": 1}
    points = {float(x): float(y) for t in fig.data for x, y in zip(t.x, t.y)}
    # base and instruct twins with the same shape are one point
    assert sorted(points) == [2.5, 70.0]
    assert points[2.5] == pytest.approx(20.97, abs=0.01)
    assert points[70.0] == pytest.approx(1.50, abs=0.01)
    # Gemma's 256k vocabulary and Llama 3's 128k land in different vocabulary bands
    assert len(fig.data) == 2
    assert fig.layout.xaxis.type == "log"
    assert "Total parameters" in fig.layout.xaxis.title.text
    labels = {a.text for a in fig.layout.annotations}
    assert {"Gemma 2B", "Llama 3 70B"} <= labels


def test_vocab_chart_keeps_models_without_hidden_size_as_share_unknown():
    df = frame([GEMMA, LLAMA, NO_HIDDEN, NO_VOCAB])
    fig, hidden = arch.vocab_vs_size(df)
    assert hidden == {"no vocabulary size": 1}
    known, unknown = fig.data
    assert sorted(xs(known)) == [2.5, 70.0]
    assert list(xs(unknown)) == [11.0]
    assert fig.layout.yaxis.type == "log" and "Vocabulary" in fig.layout.yaxis.title.text
    assert list(known.marker.color) == pytest.approx([20.97, 1.50], abs=0.01)


def test_labels_only_for_requested_models():
    fig, _ = arch.share_vs_size(frame([GEMMA, LLAMA]), label_ids=["gemma/2b"])
    assert [a.text for a in fig.layout.annotations] == ["Gemma 2B"]


def test_context_chart_colours_by_weights_and_tracks_the_record():
    df = frame([GEMMA, LLAMA, NO_VOCAB, NO_SIZE, {**NO_HIDDEN, "context_length": None}])
    fig, hidden = arch.context_over_time(df)
    assert hidden == {"no context length": 1}
    by_name = {t.name: t for t in fig.data}
    assert by_name["Open weights"].marker.color == WEIGHTS_COLORS["open"]
    assert sorted(by_name["Open weights"].y) == [4096, 8192, 8192]
    assert list(by_name["Closed (API only)"].y) == [1_000_000]
    assert list(by_name["Closed (API only)"].marker.symbol) == ["circle-open"]  # architecture not disclosed
    assert list(by_name["Longest so far"].y) == [4096, 8192, 8192, 1_000_000]
    assert fig.layout.yaxis.type == "log"


def test_dense_vs_moe_counts_per_quarter_and_year():
    df = frame([GEMMA, LLAMA, LLAMA_CHAT, NO_VOCAB, NO_SIZE, NO_HIDDEN, {"id": "u/1", "family_id": "u"}])
    fig, hidden = arch.dense_vs_moe(df, grain="quarter")
    assert hidden == {"no release date": 1}
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Dense"].x)[0] == "2023 Q2" and list(by_name["Dense"].x)[-1] == "2025 Q1"
    assert sum(by_name["Dense"].y) == 4 and sum(by_name["Mixture of experts"].y) == 1
    assert sum(by_name["Not disclosed"].y) == 1
    fig, _ = arch.dense_vs_moe(df, grain="year", count="families")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Dense"].x) == ["2023", "2024", "2025"]
    assert list(by_name["Dense"].y) == [1, 2, 0]  # Llama 3 base + instruct count once as a family
    with pytest.raises(ValueError):
        arch.dense_vs_moe(df, grain="week")


def test_country_chart_stacks_by_country_and_pools_the_rest():
    rows = [GEMMA, LLAMA, NO_SIZE, {**NO_SIZE, "id": "y/2", "release_date": "2024-03"},
            {"id": "f/1", "family_id": "f", "release_date": "2024-01", "country": "FR", "country_name": "France"},
            {"id": "a/1", "family_id": "a", "release_date": "2024-01", "country": "AE",
             "country_name": "United Arab Emirates"},
            {"id": "n/1", "family_id": "n", "release_date": "2024-01", "country": None, "country_name": None}]
    fig, hidden = arch.releases_by_country(frame(rows), grain="year", max_countries=2)
    assert hidden == {"no organization country": 1}
    names = [t.name for t in fig.data]
    assert names == ["China", "United States", "Other countries (2)"]  # ties: by country code
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["United States"].x) == ["2024", "2025"]
    assert list(by_name["United States"].y) == [2, 0]
    assert list(by_name["China"].y) == [1, 1]
    assert list(by_name["Other countries (2)"].y) == [2, 0]
    assert fig.layout.barmode == "stack"


def test_params_over_time_lines_and_groups():
    rows = [GEMMA, {**GEMMA, "id": "gemma/7b", "name": "Gemma 7B", "params_total_b": 8.5},
            {**GEMMA, "id": "gemma-2/27b", "name": "Gemma 2 27B", "family_id": "gemma-2", "release_date": "2024-06",
             "params_total_b": 27.0},
            LLAMA, LLAMA_CHAT, {**LLAMA, "id": "llama-3/8b", "name": "Llama 3 8B", "params_total_b": 8.0},
            {**LLAMA, "id": "llama-3/x", "name": "Llama 3 X", "params_total_b": np.nan}]
    df = frame(rows)
    groups = arch.size_groups(df, "organization")
    assert list(groups["id"]) == ["google", "meta"]  # google: 2 release dates, meta: 1
    assert arch.default_size_groups(df, "organization") == ["google", "meta"]
    fig, hidden = arch.params_over_time(df, ["google", "meta"])
    assert hidden == {"no total size": 1}
    lines = [t for t in fig.data if t.mode == "lines"]
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [t.name for t in markers] == ["Google", "Meta"]
    assert list(lines[0].y) == [8.5, 27.0]  # largest per release date
    assert sorted(markers[1].y) == [8.0, 70.0]  # instruct twin merged
    assert fig.layout.yaxis.type == "log"
    fig, _ = arch.params_over_time(df, ["gemma"], group="family")
    assert [t.name for t in fig.data if t.mode == "markers"] == ["Gemma"]


def test_builders_accept_the_fixture_catalog_and_an_empty_frame():
    df = to_frame(load_catalog(FIXTURE_CATALOG))
    for build in (arch.vocab_vs_size, arch.share_vs_size, arch.context_over_time, arch.dense_vs_moe,
                  arch.releases_by_country):
        fig, hidden = build(df)
        assert all(v > 0 for v in hidden.values())
        fig, _ = build(df.iloc[0:0])
        assert fig.layout.title.text


def test_labels_of_neighbouring_points_get_different_offsets():
    offsets = arch._place_labels(np.array([[100.0, 100.0], [104.0, 102.0], [400.0, 100.0]]), [60, 60, 60])
    assert offsets[0] != offsets[1]
    assert offsets[2] == arch.LABEL_OFFSETS[0]  # far away: the first choice is free
    fig, _ = arch.share_vs_size(frame([GEMMA, LLAMA, {**GEMMA, "id": "gemma-x/2b", "family_id": "gemma-x",
                                               "name": "Gemma X 2B", "params_total_b": 2.6}]),
                                label_ids=["gemma/2b", "gemma-x/2b"])
    a, b = fig.layout.annotations
    assert (a.ax, a.ay) != (b.ax, b.ay)
