"""Architecture charts on large views (components/charts/scale.py policy): every point still drawn exactly once, only
the HOVER_LIMIT with the largest total parameters (ties by model id) keep names and hover, the rest are plain typed
arrays in the same colours and shapes, and the figure says so. Plus: every figure is valid Plotly (the builders skip
validation while building) and building never changes the shared house style.

Expected values are computed here from the synthetic frame with plain pandas, not with the builders' helpers."""

import re
from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.catalog.frame import to_frame
from components.catalog.loader import load_catalog
from components.charts import architecture as arch
from components.charts.figure_data import figure_frame
from components.charts.scale import HOVER_LIMIT, UNLABELLED
from components.charts.style import WEIGHTS_COLORS, add_footer, slide_style
from tests.conftest import FIXTURE_CATALOG

N = 5_000
ARCH_SYMBOL = {"dense": "circle", "moe": "diamond", None: "circle-open"}


def synthetic(n: int = N, seed: int = 0, *, same_size: bool = False) -> pd.DataFrame:
    """n models, each its own family (so no point merges with another), with many equal sizes (ties)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"m{i:05d}/v" for i in rng.permutation(n)], dtype=object)  # row order is not id order
    size = np.full(n, 7.0) if same_size else rng.integers(1, 400, n).astype(float)
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1200, n), unit="D")
    orgs = rng.choice(["a", "b", "c"], n)
    df = pd.DataFrame({
        "id": ids, "name": [f"Model {i}" for i in ids], "family": ids, "family_id": ids,
        "organization_id": orgs, "organization": [f"Org {o.upper()}" for o in orgs],
        "country": rng.choice(["US", "CN", "FR"], n), "country_name": "Somewhere",
        "release_date": dates.strftime("%Y-%m-%d"), "release_dt": dates.astype("datetime64[us]"),
        "weights": rng.choice(["open", "gated_open", "closed", "unreleased"], n),
        "architecture": rng.choice(np.array(["dense", "moe", None], dtype=object), n),
        "params_total_b": size,
        "vocab_size": pd.array(rng.choice([32_000, 128_256, 256_000], n), dtype="Int64"),
        "hidden_size": pd.array(rng.choice([2048, 4096, 8192], n), dtype="Int64"),
        "context_length": pd.array(rng.choice([4096, 8192, 131_072], n), dtype="Int64"),
    })
    return df


def parts(fig: go.Figure) -> tuple[list, list]:
    """(labelled, plain) catalog marker traces."""
    data = [t for t in fig.data if t.name != "Your models" and "markers" in (t.mode or "")]
    plain = [t for t in data if isinstance(t.meta, dict) and t.meta.get(UNLABELLED)]
    return [t for t in data if t not in plain], plain


def top_ids(df: pd.DataFrame, k: int = HOVER_LIMIT) -> set[str]:
    order = df.assign(_id=df["id"].astype(str)).sort_values(["params_total_b", "_id"], ascending=[False, True])
    return set(order["_id"].head(k))


def name_ids(traces) -> set[str]:
    return {str(n).removeprefix("Model ") for t in traces for n in t.text}


def check_plain(labelled, plain) -> None:
    """Plain traces: positions only (typed numbers), no hover, in a labelled sibling's legend group."""
    groups = {t.legendgroup for t in labelled}
    for t in plain:
        assert t.hoverinfo == "skip" and t.text is None and t.customdata is None and t.hovertext is None
        assert t.showlegend is False or t.legendgroup not in groups  # legend entry only without a sibling
        assert np.asarray(t.x).dtype.kind == "f" and np.asarray(t.y).dtype.kind == "f"
        assert t.type == "scattergl"
    assert all(t.legendgroup for t in labelled)


def check_statement(fig: go.Figure, n_plain: int, n_total: int) -> None:
    assert fig.layout.meta["unlabelled"] == n_plain
    subtitle = fig.layout.title.subtitle.text
    assert f"{n_total - n_plain:,} of {n_total:,}" in subtitle and "largest total parameters" in subtitle


def xy_pairs(traces, *, dates: bool = False) -> Counter:
    out = Counter()
    for t in traces:
        x = np.asarray(t.x)
        if dates:  # labelled: datetimes; plain: epoch milliseconds
            x = pd.to_datetime(x, unit="ms") if x.dtype.kind == "f" else pd.to_datetime(x)
            x = x.strftime("%Y-%m-%d")
        out.update(zip(list(x), np.asarray(t.y, dtype=float).round(9).tolist()))
    return out


def test_vocab_chart_draws_every_point_once_and_labels_the_largest():
    df = synthetic()
    fig, hidden = arch.vocab_vs_size(df)
    assert hidden == {}
    labelled, plain = parts(fig)
    assert sum(len(t.x) for t in labelled) == HOVER_LIMIT
    assert sum(len(t.x) for t in labelled + plain) == N
    expected = Counter(zip(df["params_total_b"].tolist(), df["vocab_size"].astype(float).tolist()))
    assert xy_pairs(labelled + plain) == expected
    assert name_ids(labelled) == top_ids(df)
    check_plain(labelled, plain)
    check_statement(fig, N - HOVER_LIMIT, N)
    # same colours: the plain points carry the embedding share on the same colour scale
    share = df["vocab_size"].astype(float) * df["hidden_size"].astype(float) / (df["params_total_b"] * 1e9) * 100
    known = [t for t in plain if t.name == "Embedding share known"]
    assert known and all(t.marker.cmax == labelled[0].marker.cmax for t in known)
    drawn = np.concatenate([np.asarray(t.marker.color, dtype=float) for t in known + labelled])
    assert sorted(drawn.round(9)) == sorted(share.to_numpy().round(9))


def test_ties_in_size_are_broken_by_id():
    df = synthetic(2_600, seed=3, same_size=True)
    fig, _ = arch.vocab_vs_size(df)
    labelled, plain = parts(fig)
    smallest = set(sorted(df["id"])[:HOVER_LIMIT])
    assert name_ids(labelled) == smallest
    shuffled, _ = arch.vocab_vs_size(df.sample(frac=1.0, random_state=1))
    assert name_ids(parts(shuffled)[0]) == smallest  # row order does not matter


def test_a_merged_point_ranks_by_its_smallest_member_id():
    df = synthetic(2_600, seed=3, same_size=True)
    # instruct twins (same family and shape, drawn as one point with their base model): some with ids that
    # sort before every base id, some after
    early, late = df.iloc[2_000:2_300], df.iloc[:300]
    twins = pd.concat([early.assign(id="a-twin-" + early["id"]), late.assign(id="z-twin-" + late["id"])])
    twins["name"] = twins["name"] + " twin"
    df = pd.concat([df, twins], ignore_index=True)
    fig, _ = arch.vocab_vs_size(df)
    labelled, plain = parts(fig)
    assert sum(len(t.x) for t in labelled + plain) == 2_600  # twins merged
    point_id = df.groupby("family_id")["id"].min().sort_values()
    want = set(point_id.index[:HOVER_LIMIT])
    got = {re.search(r"m\d{5}/v", str(n)).group(0) for t in labelled for n in t.text}
    assert got == want
    assert any(", " in str(n) for t in labelled for n in t.text)  # a merged point keeps both names


def test_share_chart_keeps_vocabulary_band_colours_for_plain_points():
    df = synthetic(seed=1)
    fig, _ = arch.share_vs_size(df)
    labelled, plain = parts(fig)
    assert sum(len(t.x) for t in labelled) == HOVER_LIMIT and sum(len(t.x) for t in plain) == N - HOVER_LIMIT
    band_color = {name: color for _, name, color in arch.VOCAB_BANDS}
    expected = Counter({32_000: band_color["< 64k tokens"], 128_256: band_color["64k–160k tokens"],
                        256_000: band_color["≥ 160k tokens"]}[int(v)] for v in df["vocab_size"])
    drawn = Counter()
    for t in labelled + plain:
        drawn[t.marker.color] += len(t.x)
    assert drawn == expected
    assert name_ids(labelled) == top_ids(df)
    check_plain(labelled, plain)
    check_statement(fig, N - HOVER_LIMIT, N)


def test_context_chart_keeps_colours_shapes_dates_and_the_record():
    df = synthetic(seed=2)
    fig, _ = arch.context_over_time(df)
    labelled, plain = parts(fig)
    assert fig.layout.xaxis.type == "date"  # plain traces hold epoch milliseconds
    assert sum(len(t.x) for t in labelled) == HOVER_LIMIT
    assert name_ids(labelled) == top_ids(df)
    expected = Counter(zip(df["release_dt"].dt.strftime("%Y-%m-%d"), df["context_length"].astype(float)))
    assert xy_pairs(labelled + plain, dates=True) == expected
    drawn = Counter()
    for t in labelled + plain:
        symbols = [t.marker.symbol] * len(t.x) if isinstance(t.marker.symbol, str) else list(t.marker.symbol)
        drawn.update((t.marker.color, s) for s in symbols)
    arch_key = df["architecture"].astype(object).where(df["architecture"].notna(), None)
    assert drawn == Counter((WEIGHTS_COLORS[w], ARCH_SYMBOL[a]) for w, a in zip(df["weights"], arch_key))
    check_plain(labelled, plain)
    check_statement(fig, N - HOVER_LIMIT, N)
    record = next(t for t in fig.data if t.name == "Longest so far")
    best = df.groupby("release_dt")["context_length"].max().astype(float).cummax()
    assert list(np.asarray(record.y, dtype=float)) == best.tolist()


def test_params_chart_labels_the_largest_points_across_groups():
    df = synthetic(seed=4)
    fig, _ = arch.params_over_time(df, ["a", "b", "c"])
    labelled, plain = parts(fig)
    points = df.drop_duplicates(["organization_id", "release_dt", "params_total_b"])
    n = len(points)
    assert n > HOVER_LIMIT
    assert sum(len(t.x) for t in labelled) == HOVER_LIMIT and sum(len(t.x) for t in plain) == n - HOVER_LIMIT
    assert fig.layout.xaxis.type == "date"
    for org in ("a", "b", "c"):
        name = f"Org {org.upper()}"
        mine = [t for t in labelled + plain if t.name == name]
        expected = points[points["organization_id"] == org]
        assert xy_pairs(mine, dates=True) == Counter(zip(expected["release_dt"].dt.strftime("%Y-%m-%d"),
                                                         expected["params_total_b"]))
        assert {t.marker.color for t in mine} == {mine[0].marker.color}
        line = next(t for t in fig.data if t.name == name and t.mode == "lines")
        top = df[df["organization_id"] == org].groupby("release_dt")["params_total_b"].max().cummax()
        assert list(np.asarray(line.y, dtype=float)) == top.tolist()  # the record uses every point
    # the rule: largest total parameters, ties by (smallest) id of the point
    pid = df.groupby(["organization_id", "release_dt", "params_total_b"])["id"].min().reset_index()
    want = pid.sort_values(["params_total_b", "id"], ascending=[False, True]).head(HOVER_LIMIT)
    got = Counter()
    for t in labelled:
        got.update((t.name, d, y) for d, y in xy_pairs([t], dates=True))
    assert got == Counter(zip("Org " + want["organization_id"].str.upper(), want["release_dt"].dt.strftime("%Y-%m-%d"),
                              want["params_total_b"]))
    check_plain(labelled, plain)
    check_statement(fig, n - HOVER_LIMIT, n)


def test_plain_points_are_light_and_exported_as_data():
    df = synthetic(20_000, seed=5)
    fig, _ = arch.vocab_vs_size(df)
    size = len(pio.to_json(fig, validate=False))
    labelled_only, _ = arch.vocab_vs_size(df.nlargest(HOVER_LIMIT, "params_total_b"))
    per_plain = (size - len(pio.to_json(labelled_only, validate=False))) / (20_000 - HOVER_LIMIT)
    assert per_plain < 40  # three float64 per point, base64: ~32 bytes; a hover card costs ~100 more
    table = figure_frame(fig)
    assert len(table) == 20_000  # the CSV still has every point


def test_small_views_have_no_plain_traces_and_no_statement():
    df = to_frame(load_catalog(FIXTURE_CATALOG))
    for build in (arch.vocab_vs_size, arch.share_vs_size, arch.context_over_time):
        fig, _ = build(df)
        labelled, plain = parts(fig)
        assert not plain and labelled
        assert "unlabelled" not in (fig.layout.meta or {}) and not fig.layout.title.subtitle.text
        assert all(t.legendgroup is None for t in labelled)  # unchanged small figures


def builders(df: pd.DataFrame, talk: bool):
    groups = list(df["organization_id"].dropna().unique()[:3])
    return [arch.vocab_vs_size(df, talk=talk)[0], arch.share_vs_size(df, talk=talk)[0],
            arch.context_over_time(df, talk=talk)[0], arch.dense_vs_moe(df, talk=talk)[0],
            arch.releases_by_country(df, grain="quarter", count="families", talk=talk)[0],
            arch.params_over_time(df, groups, talk=talk)[0]]


@pytest.mark.parametrize("talk", [False, True])
@pytest.mark.parametrize("which", ["fixture", "large"])
def test_every_figure_is_valid_plotly(which, talk):
    df = to_frame(load_catalog(FIXTURE_CATALOG)) if which == "fixture" else synthetic(2_500, seed=6)
    for fig in builders(df, talk):
        go.Figure(fig.to_dict())  # validated: raises on a misspelt property or a wrong value


def test_building_never_changes_the_shared_house_style():
    df = to_frame(load_catalog(FIXTURE_CATALOG))
    before = [pio.to_json(f, validate=False) for f in builders(df, True)]
    for fig in builders(df, True):  # what a page does to a finished figure in talk mode
        slide_style(fig, dark=True)
        add_footer(fig, "footer", talk=True)
        fig.update_layout(title_text="changed", margin_t=5)
        fig.update_traces(marker_size=99, selector=dict(mode="markers"))
    assert [pio.to_json(f, validate=False) for f in builders(df, True)] == before


def test_empty_and_tiny_frames_still_give_titled_figures():
    df = synthetic(3, seed=7)
    for frame in (df, df.iloc[0:0]):
        for fig in builders(frame, False):
            assert fig.layout.title.text


@pytest.mark.parametrize("n", [40, N])
def test_talk_mode_scales_each_label_and_marker_once(n):
    """slide_style scales a finished figure's sizes in place: every label and marker grows by the same factor,
    however many labels or traces the figure has (no two of them may share one font or marker)."""
    df = synthetic(n, seed=8)
    ids = list(df.nlargest(6, "params_total_b")["id"])
    figs = [arch.vocab_vs_size(df, label_ids=ids, talk=True)[0], arch.share_vs_size(df, label_ids=ids, talk=True)[0],
            arch.context_over_time(df, talk=True)[0]]
    assert len(figs[0].layout.annotations) == 6
    for fig in figs:
        fonts = [a.font.size for a in fig.layout.annotations]
        sizes = [t.marker.size for t in fig.data]
        slide_style(fig)
        assert [a.font.size for a in fig.layout.annotations] == [max(f * 1.5, 16) for f in fonts]
        assert [t.marker.size for t in fig.data] == [s * 1.5 if isinstance(s, (int, float)) else s for s in sizes]
