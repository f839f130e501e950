"""The floor: the least a page can do — load the cached catalog frame and render one figure with N points.

    streamlit run benchmarks/floor_page.py        (?n=5000 sets the number of points; default 1000)

A page's time divided by the floor's (same data, same number of points) is the cost of everything else it does.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.ui.data import get_tables

try:
    n = max(1, min(int(st.query_params.get("n", "1000")), 5_000_000))
except ValueError:
    n = 1000
tables = get_tables()
df = tables.models
st.title("Floor")
st.selectbox("Colour", ["a", "b"], key="floor_pick")  # a widget to change, as a page's filter change
idx = np.arange(n) % max(len(df), 1)
x = df["release_dt"].to_numpy()[idx]
y = df["params_total_b"].fillna(1.0).to_numpy()[idx]
fig = go.Figure(go.Scattergl(x=x, y=y, mode="markers"))
fig.update_layout(yaxis_type="log", height=420, margin={"l": 40, "r": 10, "t": 30, "b": 40})
st.plotly_chart(fig, key="floor_chart", width="stretch")
