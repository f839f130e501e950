"""One look for every figure: colour-blind-safe palettes, fonts, the talk-mode variant, the footer.

Colours are fixed per category value (not per trace order) so the same license tier or
weights access has the same colour on every page and in every filter state.
"""

from __future__ import annotations

import plotly.graph_objects as go

APP_NAME = "Open LLM Atlas"

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#7F7F7F", "black": "#000000",
}

TIER_COLORS = {
    "permissive": OKABE_ITO["green"],
    "conditional": OKABE_ITO["blue"],
    "non_commercial": OKABE_ITO["orange"],
    "research_only": OKABE_ITO["purple"],
    "proprietary": OKABE_ITO["vermillion"],
    None: OKABE_ITO["grey"],
}
TIER_LABELS = {
    "permissive": "Permissive", "conditional": "Conditional (open, with conditions)",
    "non_commercial": "Non-commercial", "research_only": "Research only",
    "proprietary": "Proprietary / closed", None: "Unknown",
}
WEIGHTS_COLORS = {
    "open": OKABE_ITO["green"], "gated_open": OKABE_ITO["sky"],
    "closed": OKABE_ITO["vermillion"], "unreleased": OKABE_ITO["grey"],
}
WEIGHTS_LABELS = {"open": "Open weights", "gated_open": "Open weights (gated)", "closed": "Closed (API only)",
                  "unreleased": "Unreleased"}
ARCH_SYMBOLS = {"dense": "circle", "moe": "diamond", None: "circle-open"}
# Generic qualitative sequence for series that have no fixed meaning (e.g. GRPO / PPO / REINFORCE).
SERIES = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]

FONT = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"


def base_layout(fig: go.Figure, *, title: str | None = None, talk: bool = False, dark: bool = False,
                height: int | None = None) -> go.Figure:
    """Apply the house style. Talk mode: 16:9, large type, thicker marks."""
    fg = "#F5F5F5" if dark else "#1F2328"
    grid = "#3A3F44" if dark else "#E6E8EB"
    bg = "#0E1117" if dark else "#FFFFFF"
    size = 22 if talk else 13
    top = (120 if talk else 90) if title else (60 if talk else 40)
    fig.update_layout(
        template="plotly_dark" if dark else "plotly_white",
        font=dict(family=FONT, size=size, color=fg),
        title=dict(text=title, x=0.01, xanchor="left", y=0.985, yanchor="top",
                   font=dict(size=size + (10 if talk else 5))) if title else None,
        paper_bgcolor=bg, plot_bgcolor=bg,
        margin=dict(l=80 if talk else 60, r=30, t=top, b=150 if talk else 110),
        # Legend in one row between the title and the plot, so it never covers either.
        legend=dict(font=dict(size=size - 2), bgcolor="rgba(0,0,0,0)", orientation="h",
                    x=0, xanchor="left", y=1.01, yanchor="bottom"),
        hoverlabel=dict(font=dict(family=FONT, size=13)),
    )
    fig.update_xaxes(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    fig.update_yaxes(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    if talk:
        # On screen the chart takes the container's width; exports are 1920×1080 via export_config.
        fig.update_layout(height=760)
        fig.update_traces(selector=dict(type="scatter"), marker=dict(line=dict(width=1.5)))
    elif height:
        fig.update_layout(height=height)
    return fig


def slide_style(fig: go.Figure, *, dark: bool = False, height: int = 760) -> go.Figure:
    """Talk mode for any finished figure: large type, high contrast, thicker marks, 16:9-friendly.

    Applied after a builder ran, so every chart gets it the same way (pages need not know)."""
    fg, bg, grid = ("#FFFFFF", "#000000", "#444444") if dark else ("#000000", "#FFFFFF", "#D0D7DE")
    fig.update_layout(
        template="plotly_dark" if dark else "plotly_white",
        font=dict(size=22, color=fg), paper_bgcolor=bg, plot_bgcolor=bg, height=height,
        margin=dict(l=90, r=40, t=120 if fig.layout.title.text else 70, b=150),
        legend=dict(font=dict(size=20)), hoverlabel=dict(font=dict(size=18)),
    )
    if fig.layout.title.text:
        fig.update_layout(title=dict(font=dict(size=34, color=fg)))
    fig.update_xaxes(tickfont=dict(size=20, color=fg), title_font=dict(size=24, color=fg), gridcolor=grid,
                     linecolor=fg, zerolinecolor=grid)
    fig.update_yaxes(tickfont=dict(size=20, color=fg), title_font=dict(size=24, color=fg), gridcolor=grid,
                     linecolor=fg, zerolinecolor=grid)
    for trace in fig.data:
        if trace.type in ("scatter", "scattergl"):
            if trace.line is not None and (trace.mode or "").find("lines") >= 0:
                trace.line.width = max((trace.line.width or 2) * 1.8, 3.5)
            size = trace.marker.size if trace.marker is not None else None
            if isinstance(size, (int, float)):
                trace.marker.size = size * 1.5
    for ann in fig.layout.annotations:
        ann.font.size = max((ann.font.size or 12) * 1.5, 16)
        if ann.font.color is None:
            ann.font.color = fg
    return fig


def add_footer(fig: go.Figure, text: str, *, talk: bool = False) -> go.Figure:
    """Source/version line in the bottom margin (stays on exported images, never on the axes)."""
    bottom = fig.layout.margin.b if fig.layout.margin.b is not None else 80
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 4,
                       xanchor="left", yanchor="bottom", showarrow=False,
                       font=dict(size=16 if talk else 10, color="#6E7781"))
    return fig


def export_config(filename: str) -> dict:
    """Plotly modebar config: PNG/SVG downloads at slide resolution (1920×1080 at 2×)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": 1920, "height": 1080, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
