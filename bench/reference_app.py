"""The floor for browser timing: one slider and one chart, nothing else.

``bench/browser_time.py`` serves this script next to the real app and reports each lesson's
key-press-to-chart time as a ratio to this app's time, measured in the same session.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

x0 = st.slider("x0", -2.0, 2.0, 0.0, 0.05, key="x0")
grid = np.linspace(-2.0, 2.0, 61)
xx, yy = np.meshgrid(grid, grid)
fig = go.Figure(go.Contour(x=grid, y=grid, z=(xx - x0) ** 2 + yy**2, showscale=False))
fig.add_scatter(x=[x0], y=[0.0], mode="markers", marker={"size": 14})
fig.update_layout(height=420, margin={"l": 40, "r": 20, "t": 20, "b": 40})
st.plotly_chart(fig, key="reference_chart")
