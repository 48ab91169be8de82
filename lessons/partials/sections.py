"""The partial-derivatives lesson's sections: the formula, the point, and one tab per exploration.

Each exploration with a control of its own (secant width, direction angle, error explorer,
3-D toggles) is an ``st.fragment``: moving that control reruns only its tab. The motions (the
walks, h shrinking, u turning) run in the browser as Plotly frames, computed by
:mod:`core.calculus.walks`; their scrubbers start at the URL-bound controls' values.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.calculus import (
    PRESETS,
    PointAnalysis,
    analyse_point,
    direction_turn,
    directional_profile,
    secant_family,
    slice_curve,
    slice_walk,
)
from figures import partials as pf
from figures import partials_motion as pm
from lessons.partials import controls as pc
from lessons.partials.numbers import numbers_panel
from ui import lesson, state

WALK_HALF_WIDTH = 0.11 * (pc.DOMAIN[1] - pc.DOMAIN[0])


def choose_formula(where=st) -> str:
    """Preset picker, or a text box when "custom" is chosen; returns the formula text."""
    choice = pc.FUNCTIONS[state.widget(pc.FUNCTION, where)]
    if choice != pc.CUSTOM:
        preset = PRESETS[choice]
        where.caption(f"f(x, y) = {preset.formula} — {preset.note}")
        return preset.formula
    return state.widget(pc.FORMULA, where)


def show_derivatives(c: pc.Compiled, where=st) -> None:
    """f, ∂f/∂x and ∂f/∂y in LaTeX (the symbolic derivatives come from SymPy)."""
    where.latex(rf"f(x, y) = {c.f.latex}")
    where.latex(rf"\frac{{\partial f}}{{\partial x}} = {c.dfdx.latex}")
    where.latex(rf"\frac{{\partial f}}{{\partial y}} = {c.dfdy.latex}")


def fmt(value: float, digits: int = 4) -> str:
    """A number for the page, or "undefined"."""
    return f"{value:.{digits}g}" if np.isfinite(value) else "undefined"


def point_metrics(p: PointAnalysis, where=st) -> None:
    """f, the two partials and |∇f| at the point as large numbers, two by two."""
    top, bottom = where.columns(2), where.columns(2)
    top[0].metric("f(x₀, y₀)", fmt(p.f0))
    top[1].metric("|∇f|", fmt(float(np.hypot(*p.exact))), help="Steepest slope at the point.")
    bottom[0].metric("∂f/∂x", fmt(p.exact[0]), help="Slope of the vermillion tangent line.")
    bottom[1].metric("∂f/∂y", fmt(p.exact[1]), help="Slope of the sky-blue tangent line.")
    if not np.isfinite(p.f0):
        where.warning("f is undefined at this point (for example log of a negative number).")


# The motion figures are pure functions of a few numbers: built once per scenario (Plotly
# validates every frame, a few milliseconds a figure) and reused when a control comes back to
# a value it had. Streamlit only reads the figures (to_dict), so sharing them is safe.


@st.cache_resource(show_spinner=False, max_entries=512)
def walk_chart(text: str, along: str, fixed: float, start: float):
    """The slice along ``along`` with ``fixed`` held, walked from ``start`` (cached)."""
    c = pc.compile_formula(text)
    derivative = c.dfdx if along == "x" else c.dfdy
    stops, active = pc.stops_through(start, pc.WALK_STEP, *pc.DOMAIN)
    walk = slice_walk(c.f, derivative, along, fixed, stops, WALK_HALF_WIDTH)
    return pm.walk_figure(walk, slice_curve(c.f, along, fixed, pc.DOMAIN), active)


@st.cache_resource(show_spinner=False, max_entries=256)
def secant_chart(text: str, x0: float, y0: float, h: float):
    """The secants through (x₀, y₀) for every width, starting at ``h`` (cached)."""
    c = pc.compile_formula(text)
    p = analyse_point(c.f, c.dfdx, c.dfdy, x0, y0, pc.DOMAIN, pc.DOMAIN)
    family = secant_family(c.f, x0, y0, pc.H_VALUES)
    return pm.secant_figure(p, family, pc.H_VALUES.index(h)), family


@st.cache_resource(show_spinner=False, max_entries=256)
def direction_chart(text: str, x0: float, y0: float, theta: float):
    """The contour map with u turning around (x₀, y₀), starting at ``theta`` (cached)."""
    c = pc.compile_formula(text)
    p = analyse_point(c.f, c.dfdx, c.dfdy, x0, y0, pc.DOMAIN, pc.DOMAIN)
    angles, active = pc.stops_through(float(theta), pc.THETA_STEP, 0.0, 360.0)
    turn = direction_turn(p.exact, angles)
    return pm.direction_figure(pc.surface(text, pc.CONTOUR_N), p, turn,
                               directional_profile(p.exact, n=121), active)


def walk_section(c: pc.Compiled, p: PointAnalysis) -> None:
    """Two slices through the point, each with a point walking along it and its tangent."""
    left, right = st.columns(2)
    with left:
        lesson.chart(walk_chart(c.text, "x", p.y0, p.x0), key="partials_walk_x")
    with right:
        lesson.chart(walk_chart(c.text, "y", p.x0, p.y0), key="partials_walk_y")
    lesson.client_explanation(
        "Each chart is a slice of the surface: hold one input fixed and let the other move. "
        "Drag the slider under a chart and the point walks along the slice; the coloured line "
        "is the slope you would feel walking there, and its number is the partial derivative. "
        "It changes as you walk, and it changes again when you move the held-fixed input."
    )


@st.fragment
def surface_section(c: pc.Compiled, p: PointAnalysis) -> None:
    """The 3-D surface with both slice planes, their curves and tangent lines at the point."""
    controls, chart_col = st.columns([1, 4])
    with controls:
        planes, tangent_plane = state.widgets(pc.SHOW).values()
        st.caption("Drag to turn the surface; scroll to zoom.")
    grid = pc.surface(c.text)
    fig = pf.surface_figure(grid, p, planes=planes, tangent_plane=tangent_plane, revision=c.text)
    with chart_col:
        lesson.chart(fig, key="partials_surface")
    lesson.client_explanation(
        "Stand on the surface at the black dot. Walk due east (along x) and the vermillion line "
        "is the slope you feel: that is ∂f/∂x. Walk due north and the sky-blue line gives "
        "∂f/∂y. Each one answers *what happens if I change only this one thing?*"
    )


@st.fragment
def secant_section(c: pc.Compiled, p: PointAnalysis) -> None:
    """The slice f(x, y₀), its tangent, and secants whose width h shrinks in the browser."""
    h = state.widget(pc.SECANT_H)
    fig, family = secant_chart(c.text, p.x0, p.y0, h)
    active = pc.H_VALUES.index(h)
    lesson.chart(fig, key="partials_secant")
    gap = family.slopes[active] - p.exact[0]
    if not np.isfinite(gap):
        st.caption("f or its slope is undefined at this point: move x₀ or y₀.")
        return
    st.caption(
        f"h = {h:g}: secant slope {fmt(family.slopes[active], 6)}, tangent slope ∂f/∂x = "
        f"{fmt(p.exact[0], 6)}, gap {fmt(gap, 3)}. Halve h and the gap roughly halves: drag "
        "the slider under the chart to the right to shrink h."
    )


@st.fragment
def direction_section(c: pc.Compiled, p: PointAnalysis) -> None:
    """Contour map with ∇f and a turning u, and ∇f·u for every direction."""
    theta = state.widget(pc.THETA)
    lesson.chart(direction_chart(c.text, p.x0, p.y0, theta), key="partials_direction")
    rad = np.deg2rad(theta)
    du = p.exact[0] * np.cos(rad) + p.exact[1] * np.sin(rad)
    if not np.isfinite(du):
        return
    st.caption(
        f"u = (cos θ, sin θ) = ({np.cos(rad):.2f}, {np.sin(rad):.2f}); "
        f"∇f·u = {fmt(p.exact[0], 3)}·{np.cos(rad):.2f} + {fmt(p.exact[1], 3)}·{np.sin(rad):.2f}"
        f" = {fmt(du)}. Drag the slider under the chart to turn u."
    )


@st.fragment
def numbers_section(c: pc.Compiled, p: PointAnalysis) -> None:
    """Exact, finite-difference and complex-step values, and the error against h."""
    numbers_panel(c, p)


EXPLORATIONS = (walk_section, surface_section, secant_section, direction_section, numbers_section)


def explorations(c: pc.Compiled, p: PointAnalysis) -> None:
    """One tab per exploration; only the open one is computed and sent (``pd_view``)."""
    tabs = st.tabs(pc.VIEWS, key=pc.VIEW, bind="query-params")
    for tab, section in zip(tabs, EXPLORATIONS, strict=True):
        if tab.open:
            with tab:
                section(c, p)
