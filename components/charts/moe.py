"""Figures for the MoE routing page. Pure builders (arrays / results + options → go.Figure); no Streamlit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import OKABE_ITO, SERIES, base_layout

SIM_LABEL = "simulated weights"
CATEGORY_LABELS = {"embedding": "Input embedding", "attention": "Attention", "dense_ffn": "Dense FFN",
                   "routed_experts": "Routed experts", "shared_experts": "Shared experts", "router": "Router",
                   "norms": "Norms", "lm_head": "LM head"}
CATEGORY_COLORS = dict(zip(CATEGORY_LABELS, [OKABE_ITO[c] for c in
                                             ("grey", "blue", "sky", "orange", "green", "purple", "yellow", "black")]))
# Mixtral paper (arXiv 2401.04088) Table 5: consecutive tokens with the same expert, % by domain, layers 0/15/31.
MIXTRAL_TABLE5 = {
    "top1": {0: [14.0, 14.1, 14.9, 13.9, 13.6, 14.2, 13.6, 14.4], 15: [27.9, 28.4, 28.1, 26.1, 25.3, 24.6, 27.2, 23.6],
             31: [22.7, 19.7, 19.7, 26.3, 22.1, 22.0, 23.6, 25.3]},
    "any": {0: [46.5, 44.9, 49.9, 49.5, 46.9, 48.6, 48.2, 49.8], 15: [62.3, 67.0, 66.9, 63.1, 61.9, 61.6, 64.6, 62.1],
            31: [52.9, 44.5, 49.2, 52.2, 51.3, 51.8, 53.6, 51.8]},
}


def _token_labels(tokens: list[str]) -> list[str]:
    def show(t: str) -> str:
        if t == "\n":
            return "⏎"
        if t.isspace():
            return "␣" * len(t)
        return t.replace(" ", "·", 1) if t.startswith(" ") else t
    return [f"{i}:{show(t)}" for i, t in enumerate(tokens)]


def _expert_colorscale(n_experts: int) -> list | str:
    if n_experts <= len(SERIES):
        cols = SERIES[:n_experts]
        scale = []
        for i, c in enumerate(cols):
            scale += [[i / n_experts, c], [(i + 1) / n_experts, c]]
        return scale
    return "Turbo"


def routing_grid(tokens: list[str], top1: np.ndarray, is_moe: np.ndarray, n_experts: int, *,
                 title: str | None = None, talk: bool = False) -> go.Figure:
    """Token × layer grid coloured by the top-1 expert (Mixtral paper Fig. 8 style). top1: (T, L); dense
    layers (is_moe False) are left blank."""
    T, L = top1.shape
    z = top1.T.astype(float)
    z[~is_moe, :] = np.nan
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(T)), y=list(range(L)), zmin=-0.5, zmax=n_experts - 0.5,
        colorscale=_expert_colorscale(n_experts), customdata=np.array([_token_labels(tokens)] * L),
        hovertemplate="token %{customdata}<br>layer %{y}<br>top-1 expert %{z:.0f}<extra></extra>",
        colorbar=dict(title="Top-1 expert"), xgap=1 if T <= 64 else 0, ygap=1 if L <= 64 else 0))
    base_layout(fig, title=title or f"Top-1 expert per token and layer ({SIM_LABEL})", talk=talk,
                height=None if talk else max(300, min(900, 14 * L + 140)))
    tickvals = list(range(T)) if T <= 60 else None
    fig.update_xaxes(title_text="Token (toy tokenizer)", tickvals=tickvals,
                     ticktext=[_token_labels(tokens)[i].split(":", 1)[1] for i in range(T)] if tickvals else None,
                     tickangle=-60)
    fig.update_yaxes(title_text="Layer", autorange="reversed")
    if (~is_moe).any():
        fig.add_annotation(text=f"blank rows: {int((~is_moe).sum())} dense layer(s), no routing", xref="paper",
                           yref="paper", x=1, y=1.02, xanchor="right", yanchor="bottom", showarrow=False,
                           font=dict(size=11, color="#6E7781"))
    return fig


def gate_weights(tokens: list[str], experts: np.ndarray, gates: np.ndarray, shared: np.ndarray | None, *,
                 dropped: np.ndarray | None = None, layer: int = 0, weight_sum: str = "",
                 talk: bool = False) -> go.Figure:
    """Stacked gate weights per token at one layer: one trace per choice (1st, 2nd, ...), plus the shared
    expert's weight when the family has one. experts/gates/dropped: (T, k); shared: (T,) or None."""
    T, k = gates.shape
    labels = _token_labels(tokens)
    fig = go.Figure()
    for j in range(k):
        g = gates[:, j].astype(float)
        text = [f"expert {e}" + (" — dropped" if dropped is not None and dropped[i, j] else "")
                for i, e in enumerate(experts[:, j])]
        fig.add_bar(x=labels, y=g, name=f"choice {j + 1}", marker_color=SERIES[j % len(SERIES)],
                    hovertext=text, hovertemplate="%{x}<br>%{hovertext}<br>gate %{y:.3f}<extra></extra>")
    if shared is not None:
        fig.add_bar(x=labels, y=shared.astype(float), name="shared expert", marker_color=OKABE_ITO["grey"],
                    marker_pattern_shape="/", hovertemplate="%{x}<br>shared weight %{y:.3f}<extra></extra>")
    base_layout(fig, title=f"Gate weights at layer {layer}" + (f" (Σ routed: {weight_sum})" if weight_sum else ""),
                talk=talk, height=None if talk else 380)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    fig.update_xaxes(title_text="Token (toy tokenizer)", tickangle=-60)
    fig.update_yaxes(title_text="Gate weight")
    return fig


def expert_load(loads: np.ndarray, *, uniform: float, capacity: int | None = None, layer: int = 0,
                talk: bool = False) -> go.Figure:
    """Assignments per expert at one layer, with the uniform-share line (and the capacity line if any)."""
    E = loads.size
    fig = go.Figure(go.Bar(x=list(range(E)), y=loads.astype(float), name="load", marker_color=SERIES[0],
                           hovertemplate="expert %{x}<br>%{y:.0f} assignments<extra></extra>"))
    fig.add_trace(go.Scatter(x=[-0.5, E - 0.5], y=[uniform, uniform], mode="lines", name="uniform (T·k/E)",
                             line=dict(color=OKABE_ITO["vermillion"], dash="dash")))
    if capacity is not None:
        fig.add_trace(go.Scatter(x=[-0.5, E - 0.5], y=[capacity, capacity], mode="lines", name="capacity",
                                 line=dict(color=OKABE_ITO["black"], dash="dot")))
    base_layout(fig, title=f"Expert load at layer {layer} ({SIM_LABEL})", talk=talk, height=None if talk else 340)
    fig.update_xaxes(title_text="Expert")
    fig.update_yaxes(title_text="Assignments")
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    return fig


def same_expert_rate(rates: dict[str, np.ndarray], baseline: tuple[float, float], *, top_k: int,
                     show_mixtral: bool = False, talk: bool = False) -> go.Figure:
    """Per-layer share of consecutive tokens sharing the top-1 expert (and overlapping top-k sets), against
    the random baseline; optionally the Mixtral paper's Table 5 measurements (mean over 8 domains)."""
    L = rates["top1"].size
    layers = np.arange(L)
    m = ~np.isnan(rates["top1"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=layers[m], y=100 * rates["top1"][m], mode="lines+markers", name="top-1 (simulated)",
                             line=dict(color=SERIES[0])))
    fig.add_trace(go.Scatter(x=[0, L - 1], y=[100 * baseline[0]] * 2, mode="lines", name="top-1 random baseline",
                             line=dict(color=SERIES[0], dash="dash")))
    if top_k > 1:
        fig.add_trace(go.Scatter(x=layers[m], y=100 * rates["any"][m], mode="lines+markers",
                                 name=f"any of top-{top_k} (simulated)", line=dict(color=SERIES[1])))
        fig.add_trace(go.Scatter(x=[0, L - 1], y=[100 * baseline[1]] * 2, mode="lines",
                                 name=f"top-{top_k} random baseline", line=dict(color=SERIES[1], dash="dash")))
    if show_mixtral:
        for key, color, name in (("top1", SERIES[0], "Mixtral paper, 1st choice"),
                                 ("any", SERIES[1], "Mixtral paper, 1st or 2nd")):
            xs = sorted(MIXTRAL_TABLE5[key])
            fig.add_trace(go.Scatter(x=xs, y=[float(np.mean(MIXTRAL_TABLE5[key][x])) for x in xs], mode="markers",
                                     name=name, marker=dict(symbol="diamond", size=12, color=color,
                                                            line=dict(width=1.5, color="black"))))
    base_layout(fig, title="Consecutive tokens routed to the same expert", talk=talk, height=None if talk else 360)
    fig.update_xaxes(title_text="Layer")
    fig.update_yaxes(title_text="Same expert (% of token pairs)", rangemode="tozero")
    return fig


def balancing_curve(maxvio: np.ndarray, maxvio_no_balance: np.ndarray, *, gamma: float,
                    talk: bool = False) -> go.Figure:
    """MaxVio per step with DeepSeek-V3's bias updates vs without."""
    steps = np.arange(maxvio.size)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=steps, y=maxvio_no_balance, mode="lines", name="no balancing (b = 0)",
                             line=dict(color=OKABE_ITO["vermillion"])))
    fig.add_trace(go.Scatter(x=steps, y=maxvio, mode="lines", name=f"aux-loss-free bias, γ = {gamma:g}",
                             line=dict(color=OKABE_ITO["blue"])))
    base_layout(fig, title=f"DeepSeek-V3 bias balancing: imbalance over steps ({SIM_LABEL})", talk=talk,
                height=None if talk else 340)
    fig.update_xaxes(title_text="Training step")
    fig.update_yaxes(title_text="MaxVio (max load − mean) / mean", rangemode="tozero")
    return fig


def balancing_animation(loads: np.ndarray, bias: np.ndarray, *, n_frames: int = 25, talk: bool = False) -> go.Figure:
    """Animated bars: per-expert load at each (sub-sampled) step, hover shows the bias b_i."""
    S, E = loads.shape
    idx = np.unique(np.linspace(0, S - 1, min(n_frames, S)).round().astype(int))
    x = list(range(E))
    mean = float(loads[0].mean())

    def bar(i):
        return go.Bar(x=x, y=loads[i].astype(float), customdata=bias[i], marker_color=SERIES[0],
                      hovertemplate="expert %{x}<br>load %{y:.0f}<br>bias %{customdata:+.3f}<extra></extra>")
    fig = go.Figure(data=[bar(idx[0]), go.Scatter(x=[-0.5, E - 0.5], y=[mean, mean], mode="lines",
                                                  name="mean load", line=dict(color=OKABE_ITO["vermillion"],
                                                                              dash="dash"))],
                    frames=[go.Frame(data=[bar(i)], traces=[0], name=str(i)) for i in idx])
    ymax = float(loads.max()) * 1.05
    base_layout(fig, title="Expert loads as the bias is updated (press ▶)", talk=talk, height=760 if talk else 470)
    # The ▶/❚❚ buttons and the step slider live in the bottom margin, between the x-axis title and the footer
    # line: anchored at the plot's bottom edge (y=0) and pushed down by a padding in pixels, so they stay put
    # whatever height the chart is drawn or exported at.
    bottom, below_axis = (250, 95) if talk else (175, 62)
    fig.update_layout(
        margin_b=bottom, showlegend=False, yaxis_range=[0, ymax],
        updatemenus=[dict(type="buttons", direction="left", showactive=False, x=0, y=0, xanchor="left",
                          yanchor="top", pad=dict(t=below_axis + (30 if talk else 22), r=8), buttons=[
            dict(label="▶", method="animate", args=[None, dict(frame=dict(duration=250, redraw=True),
                                                                fromcurrent=True)]),
            dict(label="❚❚", method="animate", args=[[None], dict(mode="immediate", frame=dict(duration=0))])])],
        sliders=[dict(x=0.12, len=0.88, y=0, yanchor="top", pad=dict(t=below_axis, b=0),
                      currentvalue=dict(prefix="step ", font=dict(size=18 if talk else 12)),
                      steps=[dict(label=str(i), method="animate",
                                  args=[[str(i)], dict(mode="immediate", frame=dict(duration=0, redraw=True))])
                             for i in idx])])
    fig.update_xaxes(title_text="Expert")
    fig.update_yaxes(title_text="Assignments per step")
    return fig


def params_bars(rows: list[tuple[str, int, int]], *, talk: bool = False) -> go.Figure:
    """Total vs active parameters (billions) per model. rows: (label, total, active)."""
    labels = [r[0] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[r[1] / 1e9 for r in rows], name="Total", marker_color=OKABE_ITO["sky"],
                texttemplate="%{y:.1f}B", textposition="outside")
    fig.add_bar(x=labels, y=[r[2] / 1e9 for r in rows], name="Active per token", marker_color=OKABE_ITO["blue"],
                texttemplate="%{y:.1f}B", textposition="outside")
    base_layout(fig, title="Total vs active parameters (calculator, from the configs)", talk=talk,
                height=None if talk else 380)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    fig.update_yaxes(title_text="Parameters (billions)")
    fig.update_xaxes(title_text="Model")
    return fig


def param_breakdown(breakdown: dict[str, int], active_breakdown: dict[str, int], *, label: str = "",
                    talk: bool = False) -> go.Figure:
    """Stacked horizontal bars: total and active parameters by category (billions)."""
    fig = go.Figure()
    for cat, name in CATEGORY_LABELS.items():
        t, a = breakdown.get(cat, 0), active_breakdown.get(cat, 0)
        if not t and not a:
            continue
        fig.add_bar(y=["Active", "Total"], x=[a / 1e9, t / 1e9], name=name, orientation="h",
                    marker_color=CATEGORY_COLORS[cat], hovertemplate=f"{name}: %{{x:.3f}}B<extra></extra>")
    base_layout(fig, title=f"Where the parameters are{' — ' + label if label else ''}", talk=talk,
                height=None if talk else 260)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.35, x=0))
    fig.update_xaxes(title_text="Parameters (billions)")
    return fig


def compute_bars(flops_moe: float, flops_dense: float, weight_gb: dict[str, float], *,
                 talk: bool = False) -> go.Figure:
    """FLOPs per token (MoE vs a dense model of the same total size) and weight memory by precision."""
    fig = go.Figure()
    fig.add_bar(x=["MoE (2 × active)", "Dense, same total (2 × total)"], y=[flops_moe / 1e9, flops_dense / 1e9],
                name="GFLOPs per token", marker_color=[OKABE_ITO["blue"], OKABE_ITO["sky"]], xaxis="x", yaxis="y",
                texttemplate="%{y:.1f}", textposition="outside")
    fig.add_bar(x=list(weight_gb), y=list(weight_gb.values()), name="Weight memory (GB)", xaxis="x2", yaxis="y2",
                marker_color=OKABE_ITO["orange"], texttemplate="%{y:.0f} GB", textposition="outside")
    base_layout(fig, title="Compute per token and memory for the weights", talk=talk, height=None if talk else 360)
    fig.update_layout(showlegend=False,
                      xaxis=dict(domain=[0, 0.45]), xaxis2=dict(domain=[0.55, 1], anchor="y2", title_text="Precision"),
                      yaxis=dict(title_text="GFLOPs per token (forward)", rangemode="tozero"),
                      yaxis2=dict(anchor="x2", title_text="GB of weights", rangemode="tozero"))
    return fig
