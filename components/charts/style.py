"""One look for every figure: colour-blind-safe palettes, fonts, the talk-mode variant, the footer.

Colours are fixed per category value (not per trace order) so the same license tier or
weights access has the same colour on every page and in every filter state.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

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

# The house style lives in four Plotly templates (normal/talk × light/dark), built and registered once at
# import. Each is a lean copy of Plotly's white/dark template — only the trace types and layout parts our
# charts use — plus our fonts, colours and legend placement. Applying Plotly's full template and then a dozen
# style properties cost ~60 ms per figure (validation and deep copies), a third of some page reruns; one
# small template is a fraction of that. Values a builder sets explicitly still win over the template.
_LAYOUT_KEYS = ("autotypenumbers", "colorway", "font", "hovermode", "hoverlabel", "coloraxis", "colorscale",
                "xaxis", "yaxis", "title", "annotationdefaults", "shapedefaults")
_TRACE_KEYS = ("bar", "heatmap", "scatter", "scattergl", "histogram", "box")


def _house_template(*, talk: bool, dark: bool) -> go.layout.Template:
    spec = pio.templates["plotly_dark" if dark else "plotly_white"].to_plotly_json()
    fg = "#F5F5F5" if dark else "#1F2328"
    grid = "#3A3F44" if dark else "#E6E8EB"
    bg = "#0E1117" if dark else "#FFFFFF"
    size = 22 if talk else 13
    axis = dict(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    t = go.layout.Template({
        "layout": {k: v for k, v in spec["layout"].items() if k in _LAYOUT_KEYS},
        "data": {k: v for k, v in spec["data"].items() if k in _TRACE_KEYS},
    })
    t.layout.update(
        font=dict(family=FONT, size=size, color=fg),
        title=dict(x=0.01, xanchor="left", y=0.985, yanchor="top", font=dict(size=size + (10 if talk else 5))),
        paper_bgcolor=bg, plot_bgcolor=bg,
        # Legend in one row between the title and the plot, so it never covers either.
        legend=dict(font=dict(size=size - 2), bgcolor="rgba(0,0,0,0)", orientation="h",
                    x=0, xanchor="left", y=1.01, yanchor="bottom"),
        hoverlabel=dict(font=dict(family=FONT, size=13)),
        xaxis=axis, yaxis=axis,
    )
    return t


def house_template(*, talk: bool = False, dark: bool = False) -> str:
    """Name of the registered house template for this mode."""
    return f"atlas_{'talk' if talk else 'screen'}_{'dark' if dark else 'light'}"


for _talk in (False, True):
    for _dark in (False, True):
        pio.templates[house_template(talk=_talk, dark=_dark)] = _house_template(talk=_talk, dark=_dark)


def apply_template(fig: go.Figure, *, talk: bool = False, dark: bool = False) -> go.Figure:
    """Set the registered house template without re-validating it: it was validated once when built, so this
    does what Plotly itself does for its default template (the validated path deep-copies it: ~8 ms a figure).
    The figure gets its own copy; the registered template is never changed."""
    layout = fig.layout
    layout._validate = False
    try:
        layout.template = pio.templates[house_template(talk=talk, dark=dark)]
    finally:
        layout._validate = True
    return fig


def base_layout(fig: go.Figure, *, title: str | None = None, talk: bool = False, dark: bool = False,
                height: int | None = None) -> go.Figure:
    """Apply the house style. Talk mode: 16:9, large type, thicker marks."""
    top = (120 if talk else 90) if title else (60 if talk else 40)
    # On screen the chart takes the container's width; exports are 1920×1080 via export_config.
    apply_template(fig, talk=talk, dark=dark)
    fig.update_layout(title_text=title,
                      margin=dict(l=80 if talk else 60, r=30, t=top, b=150 if talk else 110),
                      height=max(height or 0, 760) if talk else height)  # a builder may need a taller slide
    if talk:
        fig.update_traces(selector=dict(type="scatter"), marker=dict(line=dict(width=1.5)))
    return fig


def slide_style(fig: go.Figure, *, dark: bool = False, height: int = 760) -> go.Figure:
    """Talk mode for any finished figure: large type, high contrast, thicker marks, 16:9-friendly.

    Applied after a builder ran, so every chart gets it the same way (pages need not know)."""
    fg, bg, grid = ("#FFFFFF", "#000000", "#444444") if dark else ("#000000", "#FFFFFF", "#D0D7DE")
    apply_template(fig, talk=True, dark=dark)
    # Never less room than the builder asked for: a builder that laid out its own talk geometry (the timeline's
    # lanes and legend rows, a long license matrix) keeps its height and margins; the rest get the slide defaults.
    m = fig.layout.margin
    title = bool(fig.layout.title.text)
    fig.update_layout(
        font=dict(size=22, color=fg), paper_bgcolor=bg, plot_bgcolor=bg,
        height=max(fig.layout.height or 0, height),
        margin=dict(l=max(m.l or 0, 90), r=max(m.r or 0, 40), t=max(m.t or 0, 120 if title else 70),
                    b=max(m.b or 0, 150)),
        legend=dict(font=dict(size=20)), hoverlabel=dict(font=dict(size=18)),
    )
    if title:
        fig.update_layout(title=dict(font=dict(size=34, color=fg)))
    for update in (fig.update_xaxes, fig.update_yaxes):
        update(title_font=dict(size=24, color=fg), gridcolor=grid, linecolor=fg, zerolinecolor=grid)
    # Tick labels at slide size, except where a builder chose a smaller size to fit many rows (lanes).
    fig.for_each_xaxis(lambda ax: ax.update(tickfont=dict(size=ax.tickfont.size or 20, color=fg)))
    fig.for_each_yaxis(lambda ax: ax.update(tickfont=dict(size=ax.tickfont.size or 20, color=fg)))
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


def export_config(filename: str, fmt: str = "png") -> dict:
    """Plotly modebar config: the camera button downloads the chart at slide size, 1920×1080 — PNG at 2× scale
    (3840×2160 pixels) or SVG (vector; scale does not apply). Done in the browser, so it works on any host."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": fmt, "filename": filename, "width": 1920, "height": 1080, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def merged_dict(base: dict, top: dict) -> dict:
    """`base` updated by `top`, nested dicts merged key by key (top wins); neither is changed."""
    out = dict(base)
    for k, v in top.items():
        out[k] = merged_dict(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def set_layout(fig: go.Figure, props: dict) -> go.Figure:
    """fig.update_layout(**props) for a builder's last word on the layout, without Plotly's update machinery
    (batched relayout and property-path parsing cost ~20 ms a call, a fifth of a curated page's rerun): each
    top-level property is assigned once, its dicts merged into what base_layout already set."""
    layout = fig.layout
    for key, value in props.items():
        if isinstance(value, dict) and layout[key] is not None and hasattr(layout[key], "to_plotly_json"):
            value = merged_dict(layout[key].to_plotly_json(), value)
        layout[key] = value
    return fig
