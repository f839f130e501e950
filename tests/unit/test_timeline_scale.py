"""Timeline charts on large views (components/charts/scale.py policy) and the array helpers behind the fast builders.

Releases: past HOVER_LIMIT points every model is still drawn exactly once, at the same place, colour, shape and
size; the HOVER_LIMIT largest by total parameters (ties by id) keep their hover card, the rest are plain WebGL
points in their colour's legend group; the figure says how many. Frontier: the HOVER_LIMIT best scores keep their
card, every dot is still drawn, and the step lines, records and lags are those of every point. The builders skip
Plotly's validation, so every spec they make is validated here.

Expected values are computed with plain Python/pandas (sorted(), brute force), or by building the same chart with
the limit out of reach, not with the builders' helpers."""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.catalog.frame import scores_frame, to_frame
from components.catalog.loader import load_catalog
from components.charts import timeline as tl
from components.charts.figure_data import values
from components.charts.scale import HOVER_LIMIT, UNLABELLED, hover_split
from components.charts.style import TIER_COLORS, TIER_LABELS, base_layout
from tests.conftest import FIXTURE_CATALOG

N = 6_000
TIERS = np.array(["permissive", "conditional", "non_commercial", "research_only", "proprietary", None], dtype=object)
EPOCH = pd.Timestamp("2023-01-01")


def synthetic(n: int = N, seed: int = 0) -> pd.DataFrame:
    """n dated models on a dozen lanes over two years: many equal sizes (ties), some unknown, row order not id
    order, every architecture and tier (and unknowns)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"m{i:05d}/v" for i in rng.permutation(n)], dtype=object)
    total = rng.choice([0.5, 1.0, 7.0, 13.0, 70.0, 405.0, np.nan], n)
    arch = rng.choice(np.array(["dense", "moe", None], dtype=object), n)
    dates = EPOCH + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    weights = rng.choice(["open", "gated_open", "closed"], n)
    return pd.DataFrame({
        "id": ids, "name": [f"Model {i}" for i in ids], "organization": rng.choice([f"Org {k}" for k in range(12)], n),
        "family": [i.split("/")[0] for i in ids], "release_date": dates.strftime("%Y-%m-%d"),
        "release_dt": dates.astype("datetime64[us]"), "release_precision": "day", "release_event": "weights",
        "release_date_source": "https://example.org", "weights": weights, "license_name": "L",
        "license_tier": rng.choice(TIERS, n), "architecture": arch, "params_total_b": total,
        "params_active_b": np.where(arch == "moe", total / 4, np.nan), "open_weights": weights != "closed",
    })


def synthetic_scores(models: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """One or two MMLU scores per model (values rounded: many ties)."""
    rng = np.random.default_rng(seed)
    ids = models["id"].to_numpy()
    extra = rng.choice(ids, len(ids) // 5, replace=False)
    all_ids = np.concatenate([ids, extra])
    return pd.DataFrame({"model_id": all_ids, "benchmark": "mmlu",
                         "setting": rng.choice(["5-shot", None], len(all_ids)),
                         "value": np.round(rng.uniform(20, 90, len(all_ids)), 0), "self_reported": True,
                         "source_url": "https://example.org/score", "version": None, "note": None})


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return synthetic()


def ms(x) -> np.ndarray:
    """Positions on a date axis as epoch milliseconds, from datetimes or from a plain trace's numbers."""
    v = values(x)
    if v.dtype.kind == "O":  # Timestamps (a step line's corners)
        v = pd.to_datetime(v).to_numpy()
    if v.dtype.kind == "M":
        return v.astype("datetime64[ms]").astype("int64").astype("float64")
    return v.astype("float64")


def marker_points(fig, names) -> tuple[list, list]:
    """(labelled, plain) marker traces whose name is one of `names`."""
    marks = [t for t in fig.data if t.name in names and t.x is not None and len(values(t.x))
             and values(t.x)[0] is not None]
    plain = [t for t in marks if isinstance(t.meta, dict) and t.meta.get(UNLABELLED)]
    return [t for t in marks if t not in plain], plain


def drawn(traces) -> Counter:
    """Every drawn point as (x ms, y, colour, size px, symbol)."""
    out = Counter()
    for t in traces:
        x, y = ms(t.x), values(t.y).astype(float)
        size = np.broadcast_to(np.asarray(values(t.marker.size) if not np.isscalar(t.marker.size)
                                          else t.marker.size, dtype=float), x.shape)
        sym = t.marker.symbol
        sym = [sym] * len(x) if isinstance(sym, str) else list(sym)
        out.update((float(a), round(float(b), 9), t.marker.color, int(np.rint(s)), m)
                   for a, b, s, m in zip(x, y, size, sym, strict=True))
    return out


def top_by_definition(df: pd.DataFrame, priority: str, limit: int, *, ascending: bool = False) -> set:
    """The ids hover_split's rule labels, by a plain sort: by priority (largest first unless ascending; missing
    last), ties by id."""
    def key(row):
        p = row[priority]
        return (math.isnan(p), p if ascending else -p, row["id"])
    rows = sorted(df[["id", priority]].to_dict("records"), key=key)
    return {r["id"] for r in rows[:limit]}


# ----------------------------------------------------------------------------- the labelling rule
@pytest.mark.parametrize("ascending", [False, True])
@pytest.mark.parametrize("limit", [1, 37, 500])
def test_top_rows_follow_hover_splits_rule(limit, ascending):
    rng = np.random.default_rng(limit)
    df = pd.DataFrame({"id": [f"id{v:04d}" for v in rng.permutation(900)],
                       "p": rng.choice([1.0, 2.0, 2.0, 5.0, np.nan], 900)})
    got = set(df["id"][tl._top_rows(df["p"], df["id"], limit=limit, ascending=ascending)])
    assert got == top_by_definition(df, "p", limit, ascending=ascending)
    assert got == set(hover_split(df, df["p"], limit=limit, ascending=ascending)[0]["id"])
    assert tl._top_rows(df["p"], df["id"], limit=900).all()  # up to the limit: everything is labelled


# ----------------------------------------------------------------------------- releases over time
def test_releases_label_the_largest_and_draw_the_rest_plainly(big):
    fig = tl.releases_timeline(big, animate=False)
    names = set(TIER_LABELS.values()) | {"Unknown / not recorded"}
    labelled, plain = marker_points(fig, names)
    assert sum(len(values(t.x)) for t in labelled) == HOVER_LIMIT
    assert sum(len(values(t.x)) for t in plain) == N - HOVER_LIMIT
    named = {c[0].removeprefix("Model ") for t in labelled for c in t.customdata}
    assert named == top_by_definition(big, "params_total_b", HOVER_LIMIT)
    assert fig.layout.meta["unlabelled"] == N - HOVER_LIMIT and fig.layout.meta["shown"] == N
    assert f"{HOVER_LIMIT:,} of {N:,} points have names and hover" in fig.layout.title.subtitle.text
    assert fig.layout.meta["unlabelled_note"] in fig.layout.title.subtitle.text
    assert fig.layout.xaxis.type == "date"  # plain traces hold epoch ms: the axis type is not left to a guess
    for t in plain:
        assert t.type == "scattergl" and t.hoverinfo == "skip" and t.showlegend is False
        assert t.customdata is None and t.text is None and t.hovertext is None
        assert t.legendgroup in {x.name for x in labelled} | names  # toggled with its colour's legend entry
        assert values(t.x).dtype == np.float64 and values(t.marker.size).dtype == np.uint8
    tier_of = {TIER_LABELS[k]: TIER_COLORS[k] for k in TIER_LABELS if k} | {"Unknown / not recorded": TIER_COLORS[None]}
    assert all(t.marker.color == tier_of[t.name] for t in plain)


def test_releases_large_view_keeps_every_point_in_place(big, monkeypatch):
    fig = tl.releases_timeline(big, animate=False)
    monkeypatch.setattr(tl, "HOVER_LIMIT", 10 * N)
    full = tl.releases_timeline(big, animate=False)
    names = set(TIER_LABELS.values()) | {"Unknown / not recorded"}
    assert "unlabelled" not in full.layout.meta and full.layout.xaxis.type is None
    assert full.layout.meta["lanes"] == list(full.layout.yaxis.ticktext)  # (plain text lane names)
    assert "lanes" not in fig.layout.meta and fig.layout.meta["n_lanes"] == len(fig.layout.yaxis.ticktext)
    assert drawn(sum(marker_points(fig, names), [])) == drawn(sum(marker_points(full, names), []))
    # the lanes and the rest of the layout do not depend on the labels
    assert list(fig.layout.yaxis.ticktext) == list(full.layout.yaxis.ticktext)
    assert fig.layout.xaxis.range == full.layout.xaxis.range


def test_releases_large_view_payload_is_bounded(big, monkeypatch):
    size = len(pio.to_json(tl.releases_timeline(big, animate=False), validate=False))
    # positions as typed arrays (~11 bytes a coordinate), one byte a size; text only for the labelled points
    assert size < 30 * (N - HOVER_LIMIT) + 450 * HOVER_LIMIT + 20_000
    monkeypatch.setattr(tl, "HOVER_LIMIT", 10 * N)
    assert size < 0.6 * len(pio.to_json(tl.releases_timeline(big, animate=False), validate=False))


def test_small_views_have_no_plain_points(big):
    fig = tl.releases_timeline(big.iloc[:HOVER_LIMIT], animate=False)
    assert "unlabelled" not in fig.layout.meta and fig.layout.xaxis.type is None
    assert not [t for t in fig.data if isinstance(t.meta, dict) and t.meta.get(UNLABELLED)]
    assert "points have names" not in fig.layout.title.subtitle.text


# ----------------------------------------------------------------------------- frontier
@pytest.fixture(scope="module")
def big_scores(big) -> pd.DataFrame:
    return synthetic_scores(big)


@pytest.mark.parametrize("higher", [True, False])
def test_frontier_keeps_every_dot_and_names_the_records(big, big_scores, higher, monkeypatch):
    fig, lags = tl.frontier_view(big, big_scores, "mmlu", higher_is_better=higher)
    dots = {"Open weights: each model", "Closed: each model"}
    labelled, plain = marker_points(fig, dots)
    points, _ = tl.frontier_points(big, big_scores, "mmlu", higher_is_better=higher)
    assert len(points) > HOVER_LIMIT and not labelled
    assert sum(len(values(t.x)) for t in plain) == len(points)
    assert {t.legendgroup for t in plain} == {"Open weights", "Closed"}
    assert dots <= {t.name for t in fig.data if t.showlegend is not False}  # legend entries without the dots' cards
    records = [t for t in fig.data if t.name.endswith(": new best")]
    n_records = sum(len(t.customdata) for t in records)
    assert fig.layout.meta["unlabelled"] == len(points) - n_records
    note = f"{n_records:,} of {len(points):,} points have names and hover (each new best)"
    assert note in fig.layout.title.subtitle.text
    assert fig.layout.xaxis.type == "date"
    # WebGL draws above SVG: with WebGL dots every data trace is WebGL, so the lines stay on top of the dots
    assert {t.type for t in fig.data if t.x is not None and len(values(t.x)) > 1} == {"scattergl"}

    monkeypatch.setattr(tl, "HOVER_LIMIT", 10 * N)
    full, full_lags = tl.frontier_view(big, big_scores, "mmlu", higher_is_better=higher)
    xy = lambda traces: Counter((float(a), float(b)) for t in traces for a, b in zip(ms(t.x), values(t.y), strict=True))  # noqa: E731
    assert xy(plain) == xy(sum(marker_points(full, dots), []))  # every dot, in place
    # the records are those of every point, found by their definition (a strictly better running best)
    sign = 1 if higher else -1
    for group, is_open in (("Open weights", True), ("Closed", False)):
        grp = points[points["open_weights"] == is_open].assign(v=lambda d: sign * d["value"])
        grp = grp.sort_values(["release_dt", "v", "model_id"], ascending=[True, False, True])
        best, want = -math.inf, []
        for row in grp.itertuples():
            if row.v > best:
                best = row.v
                want.append(row.name)
        a, b = (next(t for t in f.data if t.name == f"{group}: new best") for f in (fig, full))
        assert [c[0] for c in a.customdata] == want == [c[0] for c in b.customdata]  # each keeps its card
        line, full_line = (next(t for t in f.data if t.name == f"{group}: best so far") for f in (fig, full))
        assert list(ms(line.x)) == list(ms(full_line.x)) and list(values(line.y)) == list(values(full_line.y))
    pd.testing.assert_frame_equal(lags, full_lags)
    assert fig.layout.meta["lags"] == full.layout.meta["lags"]


def test_frontier_view_is_the_chart_and_its_catalog_lags():
    cat = load_catalog(FIXTURE_CATALOG)
    models, scores = to_frame(cat), scores_frame(cat)
    fig, lags = tl.frontier_view(models, scores, "mmlu")
    assert pio.to_json(fig) == pio.to_json(tl.open_closed_frontier(models, scores, "mmlu"))
    points, _ = tl.frontier_points(models, scores, "mmlu")
    pd.testing.assert_frame_equal(lags, tl.frontier_lags(points))
    # an upload that would beat every closed record at once never shortens a lag
    top = models[models["id"].isin(points["model_id"])].iloc[[0]].assign(id="user/x", name="Mine", user=True)
    with_upload = pd.concat([models.assign(user=False), top], ignore_index=True)
    up_scores = pd.concat([scores, scores.iloc[[0]].assign(model_id="user/x", benchmark="mmlu", value=1e9)])
    _, up_lags = tl.frontier_view(with_upload, up_scores, "mmlu")
    pd.testing.assert_frame_equal(up_lags, lags)


def test_best_scores_join_every_row_of_a_repeated_id():
    models = pd.DataFrame({"id": ["a", "b", "a"], "name": ["A", "B", "A (upload)"], "organization": "O",
                           "release_dt": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                           "release_date": ["2024-01-01", "2024-02-01", "2024-03-01"],
                           "open_weights": [True, False, True]})
    scores = pd.DataFrame({"model_id": ["a", "a", "b", "c"], "benchmark": "mmlu", "setting": None,
                           "value": [50.0, 60.0, 70.0, 80.0], "self_reported": True, "source_url": None})
    got = tl.best_scores(models, scores, "mmlu")
    assert sorted(zip(got["name"], got["value"], strict=True)) == [("A", 60.0), ("A (upload)", 60.0), ("B", 70.0)]
    unique = tl.best_scores(models.iloc[:2], scores, "mmlu")
    got = list(zip(unique["model_id"], unique["value"], unique["name"], strict=True))
    assert got == [("a", 60.0, "A"), ("b", 70.0, "B")]
    counts = tl.frontier_benchmarks(models, scores)  # distinct models; the first row of a repeated id counts
    assert counts.to_dict("records") == [{"benchmark": "mmlu", "n_open": 1, "n_closed": 1}]


# ----------------------------------------------------------------------------- specs are valid Plotly
def _fixture():
    cat = load_catalog(FIXTURE_CATALOG)
    return to_frame(cat), scores_frame(cat)


@pytest.mark.parametrize("talk,dark", [(False, False), (True, False), (True, True)])
def test_every_spec_validates(big, big_scores, talk, dark, monkeypatch):
    """The builders assemble figures without Plotly's validation: with it switched on they must build the same
    figures (an unknown property name or an invalid value raises), and a validated rebuild must accept them."""
    monkeypatch.setattr(tl, "VALIDATE", True)
    models, scores = _fixture()
    dated = models[models["release_dt"].notna()]
    marks = pd.DataFrame({"model_id": dated["id"].iloc[[0, 1, -1]].tolist() + ["no-such/model"],
                          "label": ["First landmark", "Second", "Last one", "Ghost"]})
    upload = models.iloc[[0]].assign(id="user/x", name="<b>Mine</b>", user=True)
    with_upload = pd.concat([models.assign(user=False), upload], ignore_index=True)
    figures = [
        tl.releases_timeline(with_upload, landmarks=marks, talk=talk, dark=dark),
        tl.releases_timeline(models, lanes="family", color_by="weights", landmarks=marks, talk=talk, dark=dark),
        tl.releases_timeline(models.iloc[0:0], talk=talk),
        tl.open_closed_frontier(with_upload, scores, "mmlu", talk=talk, dark=dark, bench_name="MMLU", unit="%"),
        tl.open_closed_frontier(models, scores, "no-such-benchmark", talk=talk),
        tl.releases_timeline(big, animate=False, talk=talk, dark=dark,
                             landmarks=pd.DataFrame({"model_id": big["id"].iloc[:2], "label": ["A", "B"]})),
        tl.open_closed_frontier(big, big_scores, "mmlu", talk=talk, dark=dark),
    ]
    assert "Landmark (seed article)" in {t.name for t in figures[0].data} and figures[0].frames
    for fig in figures:
        spec = fig.to_dict()
        rebuilt = go.Figure(spec)  # raises on any property Plotly does not know or any invalid value
        assert len(rebuilt.data) == len(fig.data) and len(rebuilt.frames) == len(fig.frames)


# ----------------------------------------------------------------------------- array helpers
def test_parameter_text_matches_pythons_format():
    rng = np.random.default_rng(3)
    xs = np.concatenate([[0.1, 0.5, 1, 1.5, 2.7, 7, 12.9, 46.7, 99.95, 999.4, 999.5, 1000, 1234.5, 1e5, 0.001234],
                         rng.lognormal(2, 3, 2000)])
    got = tl._fmt_b(pd.Series(np.append(xs, np.nan)))
    assert list(got) == [f"{x:,.3g} B" for x in xs] + [""]


def test_lane_order_and_same_day_ties_follow_python_string_order():
    names = ["b", "B", "ä", "a", "Z"]
    df = pd.DataFrame({"id": [f"{n}/{k}" for n in names for k in ("z", "é", "A")],
                       "organization": [n for n in names for _ in range(3)],
                       "release_dt": pd.Timestamp("2024-01-01"), "params_total_b": 7.0})
    lanes, y = tl.lane_layout(df)
    assert lanes == sorted(names)  # same first release: by name, in Python's (code point) order
    for name in names:
        rows = df[df["organization"] == name]
        order = [i for _, i in sorted(zip(y[rows.index], rows["id"], strict=True))]
        assert order == sorted(rows["id"])  # same lane, day and size: by id, top to bottom


@pytest.mark.parametrize("dark", [False, True])
def test_screen_figures_get_exactly_the_house_style(dark):
    """On screen the builders take base_layout's layout from a styled empty figure (cached) instead of
    styling each figure: the result must be what base_layout itself gives (it must stay layout-only there)."""
    data = [{"type": "scatter", "x": [1, 2], "y": [3, 4], "mode": "markers", "marker": {"size": [5, 6]}}]
    layout = {"title": {"subtitle": {"text": "sub"}}, "margin": {"l": 7}, "meta": {"a": 1}, "xaxis": {"range": [0, 3]}}
    fast = tl._assemble(data, layout, title="T", talk=False, dark=dark, height=500, margin={"t": 99, "r": 20})
    slow = go.Figure({"data": data, "layout": layout})
    base_layout(slow, title="T", talk=False, dark=dark, height=500)
    slow.update_layout(margin={"t": 99, "r": 20})
    assert json.loads(pio.to_json(fast, validate=False)) == json.loads(pio.to_json(slow, validate=False))
