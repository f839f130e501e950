"""Which charts each page shows by default, built without Streamlit from the catalog frames.

One entry per chart: ``Chart(page, view, "module:function", build)``. ``page`` is the page's url path
(as in app.py), ``view`` names the chart in the file name, ``"module:function"`` is the builder in
components/charts/ (looked up when the chart is built, so a builder that does not exist yet is skipped
with a message instead of breaking the export), and ``build(fn, ctx)`` calls it with the page's default
options. Adding a page's chart = adding one line to CHARTS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from components.catalog.frame import licenses_frame, scores_frame, to_frame
from components.catalog.loader import DATA_DIR, load_catalog


@dataclass
class Context:
    """The catalog tables (as the app's get_tables() gives them) plus the rendering mode."""

    models: pd.DataFrame
    scores: pd.DataFrame
    licenses: pd.DataFrame
    benchmarks: pd.DataFrame
    version: str
    as_of: str  # newest release date in the data (YYYY-MM-DD): never today's date
    data_dir: Path
    talk: bool = False
    dark: bool = False
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data_dir: Path | str = DATA_DIR, *, talk: bool = False, dark: bool = False) -> Context:
        cat = load_catalog(Path(data_dir))
        models = to_frame(cat)
        bench = pd.DataFrame([{"id": k, **b.model_dump()} for k, b in cat.benchmarks.items()])
        newest = models["release_dt"].max()
        return cls(models=models, scores=scores_frame(cat), licenses=licenses_frame(cat), benchmarks=bench,
                   version=cat.version, as_of=newest.strftime("%Y-%m-%d") if pd.notna(newest) else "",
                   data_dir=Path(data_dir), talk=talk, dark=dark)

    @cached_property
    def df(self) -> pd.DataFrame:
        """What a page sees with no sidebar filter and no uploads (sidebar.filtered_models)."""
        return self.models.assign(user=False)

    def bench_info(self, bench: str) -> dict:
        b = self.benchmarks.set_index("id") if len(self.benchmarks) else pd.DataFrame()
        if bench not in b.index:
            return {"name": bench, "higher_is_better": True, "unit": None}
        row = b.loc[bench]
        return {"name": row["name"],
                "higher_is_better": bool(row["higher_is_better"]) if pd.notna(row["higher_is_better"]) else True,
                "unit": row["unit"] if pd.notna(row["unit"]) else None}


@dataclass(frozen=True)
class Chart:
    page: str
    view: str
    builder: str  # "module:function" inside components.charts
    build: Callable[[Callable, Context], go.Figure | tuple | None]
    source: str | None = None  # the footer's source words; None: the catalog's (named after its folder)

    @property
    def name(self) -> str:
        return f"{self.page}_{self.view}"

    def resolve(self) -> Callable:
        """The builder function; ImportError/AttributeError if it does not exist (yet)."""
        module, func = self.builder.split(":")
        return getattr(importlib.import_module(f"components.charts.{module}"), func)


class Skip(Exception):
    """The chart has nothing to draw in this data (the page would show an info box instead)."""


# ------------------------------------------------------------------ page defaults (mirror pages/*.py)
def _default_bench(ids: list[str]) -> str:
    if not ids:
        raise Skip("no benchmark with scores")
    return "mmlu" if "mmlu" in ids else ids[0]


def _timeline_releases(fn, c: Context):
    from components.charts import timeline as tl
    months = tl.month_options(c.models)
    if not months:
        raise Skip("no dated models")
    fig = fn(c.df, lanes="org", color_by="tier", asof=months[-1],
             landmarks=tl.load_landmarks(c.data_dir / "landmarks.yaml"), talk=c.talk)
    if (fig.layout.meta or {}).get("shown") == 0:
        raise Skip("no model released by the last month")
    return fig


def _timeline_frontier(fn, c: Context):
    from components.charts import timeline as tl
    months = tl.month_options(c.models)
    bench = _default_bench(tl.frontier_benchmarks(c.models, c.scores)["benchmark"].tolist())
    info = c.bench_info(bench)
    return fn(c.df, c.scores, bench, asof=months[-1] if months else None, talk=c.talk,
              higher_is_better=info["higher_is_better"], bench_name=info["name"], unit=info["unit"])


def _size_score(fn, c: Context):
    from components.charts import size as sz
    bench = _default_bench(list(sz.benchmark_options(c.scores, c.benchmarks, c.models["id"])["id"]))
    data = sz.size_score_data(c.df, c.scores, bench, size="total", benchmarks=c.benchmarks)
    if data.points.empty:
        raise Skip(f"no model with a {bench} score and a known size")
    return fn(data, spotlight=sz.default_spotlight(c.models), talk=c.talk)


def _license_matrix(fn, c: Context):
    fig = fn(c.df, c.licenses, rows="license", commercial_only=False, talk=c.talk)
    if not (fig.layout.meta or {}).get("rows", True):
        raise Skip("no license rows")
    return fig


def _license_tiers(fn, c: Context):
    from components.charts import licenses as lc
    return fn(c.df, freq="quarter", landmark=lc.first_release(c.models, "llama-2-community"), talk=c.talk)


def _arch_params(fn, c: Context):
    from components.charts import architecture as arch
    groups = arch.default_size_groups(c.df, "organization")
    if not groups:
        raise Skip("no organization with sizes over time")
    return fn(c.df, groups, group="organization", talk=c.talk)


def _compare_selection(c: Context) -> pd.DataFrame:
    from components.charts import compare as cmp
    picked = cmp.default_models(c.df["id"].tolist())
    if len(picked) < 2:
        raise Skip("fewer than two default models")
    return c.df.set_index("id").loc[picked].reset_index()


def _compare_scores(fn, c: Context):
    from components.charts import compare as cmp
    sel = _compare_selection(c)
    picked = sel["id"].tolist()
    shared = cmp.shared_benchmarks(c.scores, picked)
    if shared.scores.empty:
        raise Skip("no shared benchmark")
    fig, _other_units = fn(shared.scores, picked, cmp.display_names(sel), c.benchmarks, talk=c.talk)
    if not len(fig.data):
        raise Skip("no percentage benchmark in common")
    return fig


def _moe_preset():
    from components.sim import moe as sim
    preset = sim.load_presets().get("mixtral-8x7b")
    if preset is None or preset.params is None:
        raise Skip("no mixtral-8x7b config in data/configs")
    return preset


def _moe_breakdown(fn, c: Context):
    p = _moe_preset()
    return fn(p.params.breakdown, p.params.active_breakdown, label=p.label, talk=c.talk)


def _moe_compute(fn, c: Context):
    from components.sim.compute import summarize
    s = summarize(_moe_preset().params)
    return fn(s.flops_per_token, s.dense_flops_per_token, s.weight_gb, talk=c.talk)


def _reasoning_memory(fn, c: Context):
    from components.sim import grpo as sim
    mem = sim.memory_gb(7.0, 2.0, optimizer=False, reward_model=True, reference=True)
    return fn(mem, talk=c.talk, title="Models held in memory for a 7B policy")


CHARTS: list[Chart] = [
    Chart("home", "releases", "overview:releases_per_quarter", lambda f, c: f(c.df, talk=c.talk)),
    Chart("timeline", "releases", "timeline:releases_timeline", _timeline_releases),
    Chart("timeline", "frontier", "timeline:open_closed_frontier", _timeline_frontier),
    Chart("size", "score-vs-total", "size:size_score_figure", _size_score),
    Chart("licenses", "matrix", "licenses:license_matrix", _license_matrix),
    Chart("licenses", "tiers-quarter", "licenses:releases_by_tier", _license_tiers),
    Chart("architecture", "vocab-vs-size", "architecture:vocab_vs_size", lambda f, c: f(c.df, talk=c.talk)),
    Chart("architecture", "embedding-share", "architecture:share_vs_size", lambda f, c: f(c.df, talk=c.talk)),
    Chart("architecture", "context-length", "architecture:context_over_time", lambda f, c: f(c.df, talk=c.talk)),
    Chart("architecture", "dense-vs-moe", "architecture:dense_vs_moe",
          lambda f, c: f(c.df, grain="quarter", count="variants", talk=c.talk)),
    Chart("architecture", "country", "architecture:releases_by_country",
          lambda f, c: f(c.df, grain="quarter", count="variants", talk=c.talk)),
    Chart("architecture", "params-per-organization", "architecture:params_over_time", _arch_params),
    Chart("compare", "params-to-scale", "compare:params_scale_figure",
          lambda f, c: f(_compare_selection(c), talk=c.talk)),
    Chart("compare", "shared-benchmarks", "compare:shared_scores_figure", _compare_scores),
    Chart("moe", "parameter-breakdown", "moe:param_breakdown", _moe_breakdown, source="parameter calculator"),
    Chart("moe", "compute", "moe:compute_bars", _moe_compute, source="parameter calculator"),
    Chart("reasoning", "memory", "grpo:memory_bars", _reasoning_memory,
          source="arithmetic from the stated assumptions"),
]


def pages() -> list[str]:
    return list(dict.fromkeys(ch.page for ch in CHARTS))


def select(page_names: list[str] | None = None) -> list[Chart]:
    if not page_names:
        return list(CHARTS)
    unknown = sorted(set(page_names) - set(pages()))
    if unknown:
        raise ValueError(f"unknown page(s): {', '.join(unknown)}; known: {', '.join(pages())}")
    return [ch for ch in CHARTS if ch.page in page_names]
