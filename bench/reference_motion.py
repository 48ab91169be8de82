"""The floor for drag steps: the smallest scrubbable motions, one moving point on one curve.

``bench/browser_time.py`` drags these next to the lessons' scrubbers in the same run, so a
lesson's drag-step time can be read against what Plotly itself needs for a step on this
browser: one chart whose slider animates to frames (as the lessons' motions do, built by
``figures/motion.py``), and one whose slider restyles the point directly.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # streamlit runs this from bench/

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import streamlit as st  # noqa: E402

from figures.motion import animated, frame  # noqa: E402
from figures.theme import TEMPLATE  # noqa: E402

STOPS = np.linspace(0.0, 1.0, 30)
GRID = np.linspace(0.0, 1.0, 100)


def spec() -> dict:
    """A curve and a point on it, the point at the middle stop."""
    return {"data": [{"type": "scatter", "x": GRID.tolist(), "y": (GRID**2).tolist()},
                     {"type": "scatter", "x": [0.5], "y": [0.25], "mode": "markers"}],
            "layout": {"template": TEMPLATE, "height": 400, "showlegend": False}}


frames = [frame(f"f{i}", [{"x": [float(s)], "y": [float(s * s)]}], [1]) for i, s in enumerate(STOPS)]
motion = animated(spec(), frames, active=15)
st.plotly_chart(motion, key="reference_animate")

restyled = motion.to_dict()  # a copy of data and layout; the frames are dropped from it
restyled.pop("frames")
for step, s in zip(restyled["layout"]["sliders"][0]["steps"], STOPS, strict=True):
    step["method"], step["args"] = "restyle", [{"x": [[float(s)]], "y": [[float(s * s)]]}, [1]]
st.plotly_chart(go.Figure(restyled), key="reference_restyle")
