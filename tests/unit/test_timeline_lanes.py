"""Releases timeline lane cap: past LANE_CAP lanes, the LANE_CAP - 1 lanes with the most models keep their lane
(in the chart's own order) and every other model is drawn, once and in its true place, in one last "Other" lane
whose label counts the lanes merged; the figure says so. Views with LANE_CAP lanes or fewer are unchanged.

Expected values come from plain Python over the test's own rows (sorted(), Counter), not from the builder's
helpers."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.catalog.frame import to_frame
from components.catalog.loader import load_catalog
from components.charts import timeline as tl
from components.charts.figure_data import figure_frame, values
from components.charts.scale import UNLABELLED
from components.charts.style import TIER_LABELS
from tests.conftest import DATA_DIR

CAP = tl.LANE_CAP
EPOCH = pd.Timestamp("2023-01-01")
MARKER_NAMES = set(TIER_LABELS.values()) | {"Unknown / not recorded"}
BUSY_DAY = pd.Timestamp("2024-06-03")  # many models of small lanes released on one day
EXTRA = 23  # lanes over the cap in the `wide` frame: CAP - 1 are kept, so EXTRA + 1 are merged
MERGED = EXTRA + 1


def lanes_frame(n_lanes: int, seed: int = 0, counts: list[int] | None = None) -> pd.DataFrame:
    """Models of `n_lanes` organizations (family = organization + " family"): lane k has counts[k] models
    (default 1 + k % 7), so many lanes tie on their count; first releases are shuffled so count order, date
    order and name order all differ; rows in random order. The one-model lanes also release a variant on
    BUSY_DAY, so the merged lane has a crowd of same-day points to spread."""
    rng = np.random.default_rng(seed)
    rows = []
    starts = rng.permutation(n_lanes) * 5  # a distinct first release per lane (days after EPOCH)
    for k in range(n_lanes):
        org = f"Org {rng.integers(0, 10**6):06d}-{k:03d}"
        n = counts[k] if counts is not None else 1 + k % 7
        days = [int(starts[k])] + sorted(int(d) for d in starts[k] + rng.integers(0, 400, n - 1))
        dates = [EPOCH + pd.Timedelta(days=d) for d in days]
        if n == 1:
            dates.append(BUSY_DAY)
        for j, date in enumerate(dates):
            rows.append({"id": f"{org.lower().replace(' ', '-')}/m{j}", "organization": org,
                         "family": org + " family", "release_dt": date,
                         "params_total_b": float(rng.choice([1.0, 7.0, 70.0, np.nan]))})
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    df["name"] = df["id"]  # the hover card's first field: tells which model a point is
    df["release_date"] = df["release_dt"].dt.strftime("%Y-%m-%d")
    df["release_dt"] = df["release_dt"].astype("datetime64[us]")
    df["release_precision"] = "day"
    df["release_event"] = "weights"
    df["release_date_source"] = "https://example.org"
    df["weights"] = "open"
    df["license_name"] = "L"
    df["license_tier"] = np.array(["permissive", "conditional", None], dtype=object)[np.arange(len(df)) % 3]
    df["architecture"] = np.array(["dense", "moe"], dtype=object)[np.arange(len(df)) % 2]
    df["params_active_b"] = np.nan
    df["open_weights"] = True
    return df


def expected_lanes(df: pd.DataFrame, column: str, cap: int = CAP) -> tuple[list[str], set[str]]:
    """(kept lanes in chart order, merged lanes), by the stated rule: most models first, ties by earlier first
    release, then name; kept lanes ordered by first release, then name."""
    count = Counter(df[column])
    first = df.groupby(column)["release_dt"].min().to_dict()
    names = list(count)
    if len(names) <= cap:
        return sorted(names, key=lambda n: (first[n], n)), set()
    kept = sorted(names, key=lambda n: (-count[n], first[n], n))[: cap - 1]
    return sorted(kept, key=lambda n: (first[n], n)), set(names) - set(kept)


def marker_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if t.name in MARKER_NAMES and t.x is not None and len(values(t.x))
            and values(t.x)[0] is not None]


def labelled_points(fig: go.Figure) -> pd.DataFrame:
    """One row per named point: model id (hover name), card organization, card row, y, trace."""
    rows = []
    for t in marker_traces(fig):
        if t.customdata is None:
            continue
        for card, y in zip(t.customdata, values(t.y), strict=True):
            rows.append({"id": card[0], "org": card[1], "card": list(card), "y": float(y), "trace": t})
    return pd.DataFrame(rows)


def lane_label(fig: go.Figure, y: float) -> str:
    return fig.layout.yaxis.ticktext[round(y)]


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    return lanes_frame(CAP + EXTRA)


# ----------------------------------------------------------------------------- the cap
def test_cap_leaves_room_for_the_curated_family_lanes():
    assert CAP >= 60


@pytest.mark.parametrize("lanes", ["org", "family"])
def test_capped_chart_keeps_the_most_populous_lanes_in_chart_order(wide, lanes):
    column = tl.LANES[lanes]
    kept, merged = expected_lanes(wide, column)
    fig = tl.releases_timeline(wide, lanes=lanes, animate=False)
    ticks = list(fig.layout.yaxis.ticktext)
    what = "organizations" if lanes == "org" else "families"
    assert len(ticks) == CAP and len(merged) == MERGED
    assert ticks[:-1] == [tl.short_lane(n) for n in kept]
    assert ticks[-1] == f"Other {what} ({MERGED})"
    assert list(fig.layout.yaxis.tickvals) == list(range(CAP))
    # the kept lanes keep the order they have in the full chart
    full_order = sorted(set(wide[column]), key=lambda n: (wide.loc[wide[column] == n, "release_dt"].min(), n))
    assert [n for n in full_order if n in set(kept)] == kept


def test_thousands_separator_in_the_other_label():
    fig = tl.releases_timeline(lanes_frame(CAP + 1_200, seed=3), animate=False)
    assert fig.layout.yaxis.ticktext[-1] == "Other organizations (1,201)"
    assert fig.layout.meta["lanes_merged"] == 1_201


def test_exactly_cap_lanes_are_all_kept_and_one_more_merges_two():
    at_cap = tl.releases_timeline(lanes_frame(CAP, seed=1), animate=False)
    assert len(at_cap.layout.yaxis.ticktext) == CAP and "lanes_merged" not in at_cap.layout.meta
    assert not any(str(t).startswith("Other ") for t in at_cap.layout.yaxis.ticktext)
    over = tl.releases_timeline(lanes_frame(CAP + 1, seed=1), animate=False)
    assert len(over.layout.yaxis.ticktext) == CAP
    assert over.layout.yaxis.ticktext[-1] == "Other organizations (2)" and over.layout.meta["lanes_merged"] == 2


def test_tied_counts_keep_the_earlier_first_release():
    # 50 lanes of 3 models, then 20 lanes of 2 (twins: one model plus its BUSY_DAY variant): the cut at CAP - 1
    # falls among the 2-model lanes, and the tie goes to the earlier first release
    df = lanes_frame(70, seed=5, counts=[3] * 50 + [1] * 20)
    kept, merged = expected_lanes(df, "organization")
    count = Counter(df["organization"])
    first = df.groupby("organization")["release_dt"].min()
    cut = min(count[n] for n in kept)
    tied_in, tied_out = ([n for n in group if count[n] == cut] for group in (kept, merged))
    assert tied_in and tied_out  # the frame does exercise the tie-break
    assert max(first[n] for n in tied_in) < min(first[n] for n in tied_out)
    ticks = set(tl.releases_timeline(df, animate=False).layout.yaxis.ticktext)
    assert {tl.short_lane(n) for n in tied_in} <= ticks and not {tl.short_lane(n) for n in tied_out} & ticks


def test_lane_layout_applies_the_cap_and_leaves_every_y_in_its_band(wide):
    labels, y = tl.lane_layout(wide)
    kept, merged = expected_lanes(wide, "organization")
    assert labels == [*kept, f"Other organizations ({len(merged)})"]
    lane = wide["organization"].map({n: i for i, n in enumerate(kept)}).fillna(CAP - 1).to_numpy()
    assert np.all(np.abs(y.to_numpy() - lane) <= 0.35 + 1e-9)
    assert tl.lane_layout(wide, cap=10**6)[0] == sorted(
        set(wide["organization"]), key=lambda n: (wide.loc[wide["organization"] == n, "release_dt"].min(), n))


# ----------------------------------------------------------------------------- every model, once, in place
@pytest.mark.parametrize("lanes", ["org", "family"])
def test_every_model_is_drawn_once_in_its_lane_or_the_other_lane(wide, lanes):
    column = tl.LANES[lanes]
    kept, _ = expected_lanes(wide, column)
    fig = tl.releases_timeline(wide, lanes=lanes, animate=False)
    points = labelled_points(fig)
    assert sorted(points["id"]) == sorted(wide["id"])  # every model exactly once
    lane_of = wide.set_index("id")[column]
    other = fig.layout.yaxis.ticktext[-1]
    for model_id, y in zip(points["id"], points["y"], strict=True):
        own = lane_of[model_id]
        assert lane_label(fig, y) == (tl.short_lane(own) if own in kept else other)
        assert abs(y - round(y)) <= 0.35 + 1e-9  # inside its lane's band


def test_points_keep_their_date_colour_size_and_shape(wide, monkeypatch):
    capped = tl.releases_timeline(wide, animate=False)
    monkeypatch.setattr(tl, "LANE_CAP", 10**6)
    full = tl.releases_timeline(wide, animate=False)
    assert len(full.layout.yaxis.ticktext) == wide["organization"].nunique()  # (the cap is what merges)

    def looks(fig):
        out = {}
        for t in marker_traces(fig):
            sizes = np.broadcast_to(values(t.marker.size), (len(t.customdata),))
            for card, x, size, sym in zip(t.customdata, values(t.x), sizes, t.marker.symbol, strict=True):
                out[card[0]] = (pd.Timestamp(x), t.marker.color, float(size), sym, tuple(card))
        return out

    assert looks(capped) == looks(full)


def test_same_day_crowd_in_the_other_lane_is_spread_inside_its_band():
    df = lanes_frame(CAP + 80, seed=2)
    fig = tl.releases_timeline(df, animate=False)
    points = labelled_points(fig)
    busy = set(df.loc[df["release_dt"] == BUSY_DAY, "id"])
    crowd = points[points["id"].isin(busy)]
    in_other = crowd[[lane_label(fig, y).startswith("Other ") for y in crowd["y"]]]
    assert len(in_other) >= 10  # the merged one-model lanes all released on the busy day
    assert in_other["y"].nunique() == len(in_other)  # none hides another
    assert in_other["y"].max() - in_other["y"].min() <= 0.7 + 1e-9  # squeezed to fit, however many
    assert in_other["y"].between(CAP - 1 - 0.35 - 1e-9, CAP - 1 + 0.35 + 1e-9).all()


def test_large_view_draws_labelled_and_plain_points_once_each(wide, monkeypatch):
    monkeypatch.setattr(tl, "HOVER_LIMIT", 50)
    fig = tl.releases_timeline(wide, animate=False)
    plain = [t for t in marker_traces(fig) if isinstance(t.meta, dict) and t.meta.get(UNLABELLED)]
    n_plain = sum(len(values(t.y)) for t in plain)
    assert n_plain == len(wide) - 50 and len(labelled_points(fig)) == 50
    ys = np.concatenate([values(t.y).astype(float) for t in marker_traces(fig)])
    assert np.all(np.abs(ys - np.round(ys)) <= 0.35 + 1e-9) and ys.max() < CAP - 0.5
    assert fig.layout.meta["n_lanes"] == CAP and fig.layout.meta["lanes_merged"] == MERGED


# ----------------------------------------------------------------------------- what the figure says
def test_figure_states_the_merge_in_meta_and_subtitle(wide):
    fig = tl.releases_timeline(wide, lanes="family", animate=False)
    meta = fig.layout.meta
    assert meta["lane_cap"] == CAP and meta["lanes_merged"] == MERGED
    note = meta["lanes_merged_note"]
    assert f"the {CAP - 1} families with the most models" in note and f"the other {MERGED} " in note
    assert f"Other families ({MERGED})" in note
    assert note in fig.layout.title.subtitle.text
    assert meta["lanes"][-1] == f"Other families ({MERGED})"


def test_the_note_line_gets_its_own_room(wide):
    capped = tl.releases_timeline(wide, animate=False)
    few = tl.releases_timeline(lanes_frame(12, seed=4), animate=False)
    # one more subtitle line: the plot starts 18 px lower, and so does the legend above it
    assert capped.layout.margin.t == few.layout.margin.t + 18
    legend_top = [(1 - f.layout.legend.y) * f.layout.height for f in (capped, few)]
    assert legend_top[0] == pytest.approx(legend_top[1] + 18)


def test_capped_slide_shrinks_lane_labels_to_fit_its_fixed_height(wide):
    fig = tl.releases_timeline(wide, talk=True, animate=False)
    assert fig.layout.height == 1080  # a slide does not grow with its lanes
    lane_px = (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b) / CAP
    assert 9 <= fig.layout.yaxis.tickfont.size < lane_px  # neighbouring labels do not overprint
    few = tl.releases_timeline(lanes_frame(12, seed=4), talk=True, animate=False)
    assert few.layout.yaxis.tickfont.size is None  # under the cap: the slide's own type


@pytest.mark.parametrize("lanes", ["org", "family"])
def test_merged_models_hover_names_their_real_lane(wide, lanes):
    column = tl.LANES[lanes]
    _, merged = expected_lanes(wide, column)
    fig = tl.releases_timeline(wide, lanes=lanes, animate=False)
    points = labelled_points(fig)
    real = wide.set_index("id")
    in_other = points[[lane_label(fig, y).startswith("Other ") for y in points["y"]]]
    assert len(in_other) == int(wide[column].isin(merged).sum())
    for model_id, card in zip(in_other["id"], in_other["card"], strict=True):
        assert card[1] == real.loc[model_id, "organization"]
        if lanes == "family":
            assert card[6] == real.loc[model_id, "family"]
    if lanes == "family":
        template = in_other["trace"].iloc[0].hovertemplate
        assert "Family: %{customdata[6]}" in template and "%{customdata[1]}" in template


def test_an_upload_in_a_merged_family_is_starred_there_and_its_card_names_the_family(wide):
    _, merged = expected_lanes(wide, "family")
    mine = wide[wide["family"].isin(merged)].head(1).assign(
        id="my/upload", name="My <b>model</b>", family="My own family", user=True)
    df = pd.concat([wide.assign(user=False), mine], ignore_index=True)
    fig = tl.releases_timeline(df, lanes="family", animate=False)
    star = next(t for t in fig.data if t.name == "Your models")
    assert lane_label(fig, values(star.y)[0]).startswith("Other families")  # a one-model family: merged too
    assert "Family: My own family" in star.hovertext[0] and "&lt;b&gt;" in star.hovertext[0]  # escaped


def test_csv_export_keeps_the_real_organization_and_family_of_named_points(wide):
    table = figure_frame(tl.releases_timeline(wide, lanes="family", animate=False))
    real = wide.set_index("id")
    assert sorted(table["customdata 0"]) == sorted(wide["id"])  # one row per model
    ids = table["customdata 0"]
    assert (table["customdata 1"].to_numpy() == real.loc[ids, "organization"].to_numpy()).all()
    assert (table["Family (hover)"].to_numpy() == real.loc[ids, "family"].to_numpy()).all()
    assert table["Family"].str.startswith("Other families").sum() == int(
        wide["family"].isin(expected_lanes(wide, "family")[1]).sum())


# ----------------------------------------------------------------------------- replay and landmarks
def test_replay_frames_and_landmarks_follow_the_new_lanes(wide):
    _, merged = expected_lanes(wide, "organization")
    merged_model = min(wide.loc[wide["organization"].isin(merged), "id"])
    kept_model = min(wide.loc[~wide["organization"].isin(merged), "id"])
    marks = pd.DataFrame({"model_id": [merged_model, kept_model], "label": ["Merged one", "Kept one"]})
    fig = tl.releases_timeline(wide, landmarks=marks)
    assert fig.layout.meta["frames"] and fig.layout.meta["landmarks"]
    last = fig.frames[-1]  # the as-of month: every released point at its drawn y
    for trace_index, frame_trace in zip(last.traces, last.data, strict=True):
        np.testing.assert_array_equal(values(frame_trace.y).astype(float),
                                      values(fig.data[trace_index].y).astype(float))
    points = labelled_points(fig).set_index("id")
    ring = next(t for t in fig.data if t.name == "Landmark (seed article)")
    ring_y = dict(zip(fig.layout.meta["landmarks"], values(ring.y).astype(float), strict=True))
    assert ring_y["Merged one"] == points.loc[merged_model, "y"]
    assert ring_y["Kept one"] == points.loc[kept_model, "y"]
    assert lane_label(fig, ring_y["Merged one"]).startswith("Other organizations")


# ----------------------------------------------------------------------------- views under the cap: unchanged
@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return to_frame(load_catalog(DATA_DIR))


@pytest.mark.parametrize("lanes", ["org", "family"])
@pytest.mark.parametrize("talk", [False, True])
def test_curated_chart_is_unchanged_by_the_cap(curated, lanes, talk, monkeypatch):
    marks = tl.load_landmarks(DATA_DIR / "landmarks.yaml")
    dated = curated[curated["release_dt"].notna()]
    kept, merged = expected_lanes(dated.assign(**{tl.LANES[lanes]: dated[tl.LANES[lanes]].fillna("(unknown)")}),
                                  tl.LANES[lanes])
    assert not merged  # the curated catalog is under the cap
    fig = tl.releases_timeline(curated, lanes=lanes, landmarks=marks, talk=talk)
    assert list(fig.layout.yaxis.ticktext) == [tl.short_lane(n) for n in kept]
    assert not {"lane_cap", "lanes_merged", "lanes_merged_note"} & set(fig.layout.meta)
    assert "share the last lane" not in fig.layout.title.subtitle.text
    assert all("Family:" not in (t.hovertemplate or "") for t in fig.data)
    monkeypatch.setattr(tl, "LANE_CAP", 10**6)  # no cap at all: the same figure, byte for byte
    uncapped = tl.releases_timeline(curated, lanes=lanes, landmarks=marks, talk=talk)
    assert pio.to_json(fig, validate=False) == pio.to_json(uncapped, validate=False)


def test_capped_spec_is_valid_plotly(wide, monkeypatch):
    monkeypatch.setattr(tl, "HOVER_LIMIT", 50)  # plain traces as well as named ones
    fig = tl.releases_timeline(wide, lanes="family", landmarks=pd.DataFrame(
        {"model_id": [wide["id"].iloc[0]], "label": ["A landmark"]}))
    go.Figure(fig.to_dict())  # validated: raises on any invalid property
