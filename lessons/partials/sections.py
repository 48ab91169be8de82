"""Streamlit glue of the partial-derivatives lesson: controls, cached parsing and grids, sections.

Each interactive section below is an ``st.fragment``: moving its own slider (secant width,
direction angle, error-explorer variable, sales sliders) reruns only that section in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.calculus import PRESETS, SALES
from core.calculus import explorer as cx
from core.formula import MAX_CHARS, Expression, parse
from figures import partials as pf
from figures import partials_numbers as pn
from ui import lesson, state

K = "pd_"  # key prefix: this lesson's widget keys and URL parameters
CUSTOM = "custom"
DOMAIN = (-2.0, 2.0)
GRID_N = 100
DEFAULT_CUSTOM = "x^2*y - y^3/3"
SYNTAX_HELP = (
    "Use x and y; + - * /; ^ or ** for powers; numbers like 2, 0.5, 1e-3; pi, e; "
    "sin cos tan exp log sqrt abs tanh sinh cosh arctan sigmoid. Write 2*x, not 2x. "
    f"At most {MAX_CHARS} characters."
)
# Streamlit writes a select box's *displayed* option into the URL, so the options are the short
# display names themselves (?fn=Saddle) and map to preset keys here.
FUNCTIONS = {
    "Paraboloid": "paraboloid", "Saddle": "saddle", "Ripple": "ripple",
    "Rosenbrock": "rosenbrock", "Gaussian bump": "bump", "Custom formula": CUSTOM,
}  # fmt: skip
FUNCTION = state.Choice(
    K + "fn", "Function", tuple(FUNCTIONS), "Ripple",
    help="A preset surface, or type your own formula in x and y.",
)  # fmt: skip
FORMULA = state.Text(K + "formula", "Your formula f(x, y)", DEFAULT_CUSTOM, MAX_CHARS, SYNTAX_HELP)
POINT = (
    state.Slider(K + "x0", "x₀", *DOMAIN, 0.8, 0.05, help="Where the slice x = x₀ cuts the surface."),
    state.Slider(K + "y0", "y₀", *DOMAIN, 0.5, 0.05, help="Where the slice y = y₀ cuts the surface."),
)
SHOW = (
    state.Toggle(K + "planes", "Slice planes", True, help="The vertical planes x = x₀ and y = y₀."),
    state.Toggle(K + "tplane", "Tangent plane", False, help="z = f₀ + ∂f/∂x·Δx + ∂f/∂y·Δy"),
)
SECANT_H = state.Slider(
    K + "logh", "Secant width h (log₁₀ h)", -3.0, 0.0, -0.3, 0.1, fmt="%.1f",
    help="Shrink h: the secant turns into the tangent.",
)  # fmt: skip
THETA = state.Slider(K + "theta", "Direction angle θ of u (degrees)", 0, 360, 45, 5)
ERROR_OF = state.Choice(
    K + "err", "Error explorer for the partial derivative with respect to", ("x", "y"), "x",
    horizontal=True,
)  # fmt: skip
SALES_CONTROLS = (
    state.Slider(K + "tv", "TV spend per week ($ thousands)", 0, 100, 40, 1),
    state.Slider(K + "digital", "Digital spend per week ($ thousands)", 0, 100, 30, 1),
    state.Slider(K + "season", "Seasonality index (1 = average week)", 0.6, 1.4, 1.0, 0.05),
)

#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {
    p.key.removeprefix(K): p
    for p in (FUNCTION, FORMULA, *POINT, *SHOW, SECANT_H, THETA, ERROR_OF, *SALES_CONTROLS)
}


@dataclass(frozen=True)
class Compiled:
    """A parsed formula with its two symbolic partial derivatives."""

    text: str
    f: Expression
    dfdx: Expression
    dfdy: Expression


@st.cache_resource(show_spinner=False, max_entries=64)
def compile_formula(text: str) -> Compiled:
    """Parse once per distinct text (raises ExpressionError, which is not cached)."""
    f = parse(text)
    compiled = Compiled(text, f, f.diff("x"), f.diff("y"))
    for e in (compiled.f, compiled.dfdx, compiled.dfdy):  # compile the NumPy code now
        e.evaluate(x=0.5, y=0.5)
        e.evaluate_complex(x=0.5, y=0.5)
    return compiled


@st.cache_data(show_spinner=False, max_entries=64)
def surface(text: str, x_range: tuple, y_range: tuple, n: int = GRID_N) -> cx.Grid:
    """The n×n grid of f, cached on the formula text and the ranges."""
    return cx.surface_grid(compile_formula(text).f, x_range, y_range, n)


def choose_formula(where=st) -> str:
    """Preset picker, or a text box when "custom" is chosen; returns the formula text."""
    choice = FUNCTIONS[state.widget(FUNCTION, where)]
    if choice != CUSTOM:
        preset = PRESETS[choice]
        where.caption(f"f(x, y) = {preset.formula} — {preset.note}")
        return preset.formula
    return state.widget(FORMULA, where)


def show_derivatives(c: Compiled, where=st) -> None:
    """f, ∂f/∂x and ∂f/∂y in LaTeX (the symbolic derivatives come from SymPy)."""
    where.latex(rf"f(x, y) = {c.f.latex}")
    where.latex(rf"\frac{{\partial f}}{{\partial x}} = {c.dfdx.latex}")
    where.latex(rf"\frac{{\partial f}}{{\partial y}} = {c.dfdy.latex}")


def point_metrics(p: cx.PointAnalysis, where=st) -> None:
    """f, the two partials and |∇f| at the point as large numbers, in one row."""
    cols = where.columns(4)
    cols[0].metric("f(x₀, y₀)", _fmt(p.f0))
    cols[1].metric("∂f/∂x", _fmt(p.exact[0]), help="Slope of the vermillion tangent line.")
    cols[2].metric("∂f/∂y", _fmt(p.exact[1]), help="Slope of the sky-blue tangent line.")
    cols[3].metric("|∇f|", _fmt(float(np.hypot(*p.exact))), help="Steepest slope at the point.")
    if not np.isfinite(p.f0):
        where.warning("f is undefined at this point (for example log of a negative number).")


def _fmt(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}" if np.isfinite(value) else "undefined"


@st.fragment
def secant_section(c: Compiled, p: cx.PointAnalysis) -> None:
    """The slice f(x, y0), its tangent, and a secant whose width h the learner shrinks."""
    log_h = state.widget(SECANT_H)
    h = float(10.0**log_h)
    sec = cx.secant(c.f, p.x0, p.y0, h)
    lesson.chart(pf.slice_figure(p, sec, h), key="partials_slice")
    gap = sec[2] - p.exact[0]
    if not np.isfinite(gap):
        st.caption("f or its slope is undefined at this point: move x₀ or y₀.")
        return
    st.caption(
        f"h = {h:.3g}: secant slope {_fmt(sec[2], 6)}, tangent slope ∂f/∂x = "
        f"{_fmt(p.exact[0], 6)}, gap {_fmt(gap, 3)}. Halve h and the gap roughly halves."
    )


@st.fragment
def direction_section(grid: cx.Grid, p: cx.PointAnalysis) -> None:
    """Contour map with ∇f and u, and ∇f·u for every angle."""
    theta = state.widget(THETA)
    left, right = st.columns([1.1, 1])
    with left:
        lesson.chart(pf.contour_figure(grid, p, theta), key="partials_contour")
    angles, values = cx.directional_profile(p.exact)
    with right:
        lesson.chart(pf.directional_figure(angles, values, p.exact, theta), key="partials_dir")
    rad = np.deg2rad(theta)
    du = p.exact[0] * np.cos(rad) + p.exact[1] * np.sin(rad)
    if not np.isfinite(du):
        return
    st.caption(
        f"u = (cos θ, sin θ) = ({np.cos(rad):.2f}, {np.sin(rad):.2f}); "
        f"∇f·u = {_fmt(p.exact[0], 3)}·{np.cos(rad):.2f} + {_fmt(p.exact[1], 3)}·{np.sin(rad):.2f}"
        f" = {_fmt(du)}."
    )


METHOD_NAMES = {
    "forward": "forward difference", "central": "central difference", "complex": "complex step"
}  # fmt: skip


def numbers_table(p: cx.PointAnalysis) -> list[dict[str, str]]:
    """Rows of the numbers panel: each method's value of both partials and its error."""
    rows = [{"method": "exact (symbolic)", "∂f/∂x": _fmt(p.exact[0], 15), "error ∂f/∂x": "",
             "∂f/∂y": _fmt(p.exact[1], 15), "error ∂f/∂y": ""}]  # fmt: skip
    for method, label in METHOD_NAMES.items():
        row = {"method": label}
        for i, name in enumerate(("∂f/∂x", "∂f/∂y")):
            estimate = p.estimates[method][i]
            error = abs(estimate - p.exact[i])
            row[name] = _fmt(estimate, 15)
            row[f"error {name}"] = _error_text(error)
        rows.append(row)
    return rows


def _error_text(error: float) -> str:
    if not np.isfinite(error):
        return "–"
    return "0 (exact)" if error == 0 else f"{error:.1e}"


def markdown_table(rows: list[dict[str, str]]) -> str:
    """A Markdown table (much cheaper to send than a dataframe) from rows of constant cells."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row[k] for k in head) + " |" for row in rows]
    return "\n".join(lines)


@st.fragment
def numbers_section(c: Compiled, p: cx.PointAnalysis) -> None:
    """The numbers panel and the log-log error explorer."""
    st.markdown(markdown_table(numbers_table(p)))
    var = state.widget(ERROR_OF)
    i = 0 if var == "x" else 1
    if not np.isfinite(p.exact[i]):
        st.info("There is no derivative at this point, so there is no error to plot.")
        return
    scan = cx.scan_point(c.f, p.x0, p.y0, float(p.exact[i]), i=i)
    lesson.chart(pn.error_figure(scan, f"∂f/∂{var}"), key="partials_error")
    best = ", ".join(
        f"{METHOD_NAMES[m]} h ≈ {scan.best_h[m]:.0e} (error {_error_text(scan.best_error[m])})"
        for m in scan.errors
    )
    st.caption(
        f"Best step per method: {best}. Right of the best h the formula's own error shrinks "
        "with h (slope 1 forward, 2 central); left of it rounding error grows like 1/h "
        "(slope −1). The complex step never subtracts nearly equal numbers, so it has no "
        "rounding wall."
    )


def sales_sentence(tv: float, digital: float, season: float) -> str:
    """The TV partial in plain words, with the synergy stated as a number."""
    d_tv = float(SALES.d_tv(tv, digital, season))
    cross = float(SALES.d_tv_d_digital(tv, digital, season))
    verdict = "more than pays for itself in sales" if d_tv > 1 else "returns less than it costs"
    return (
        f"At **\\${tv:.0f}k of TV and \\${digital:.0f}k of digital per week** "
        f"(season index {season:.2f}), one more dollar of TV brings about "
        f"**\\${d_tv:.2f} of extra forecast sales**, holding digital and seasonality fixed: "
        f"the next TV dollar {verdict}. That number depends on what is held fixed: each extra "
        f"\\$1k of digital raises it by about \\${cross:.4f} (the synergy, "
        "∂²sales/∂TV∂digital), and a busier season scales it up."
    )


@st.fragment
def sales_section() -> None:
    """Sales forecast: sliders, the TV marginal in words, and how it moves with digital."""
    left, right = st.columns([1, 1.6])
    with left:
        tv, digital, season = state.widgets(SALES_CONTROLS).values()
        d_tv = float(SALES.d_tv(tv, digital, season))
        more = float(SALES.d_tv(tv, min(digital + 10, 100.0), season))
        cols = st.columns(2)
        cols[0].metric("Forecast sales / week", f"${float(SALES.sales(tv, digital, season)):,.0f}k")
        cols[1].metric("∂sales/∂TV, per $1", f"${d_tv:.2f}", help="Extra sales per extra $1 of TV.")
        cols = st.columns(2)
        cols[0].metric(
            "∂sales/∂digital, per $1", f"${float(SALES.d_digital(tv, digital, season)):.2f}"
        )
        cols[1].metric(
            "∂sales/∂TV, digital +$10k", f"${more:.2f}", delta=f"{more - d_tv:+.3f}",
            help="The synergy: the TV marginal moves when the held-fixed digital spend moves.",
        )  # fmt: skip
    tv_axis = np.linspace(0.0, 100.0, 201)
    levels = {"digital $0": 0.0, f"digital ${digital:.0f}k (yours)": digital,
              "digital $100k": 100.0}  # fmt: skip
    curves = {name: SALES.d_tv(tv_axis, level, season) for name, level in levels.items()}
    with right:
        fig = pn.sales_marginal_figure(
            tv_axis, curves, (tv, float(SALES.d_tv(tv, digital, season)))
        )
        lesson.chart(fig, key="partials_sales")
    st.markdown(sales_sentence(tv, digital, season))
