"""The partial-derivatives lesson's controls, links made before they were renamed, cached work.

Every control is a URL-bound ``ui.state`` parameter with the prefix ``pd_``. The lesson's
explorations sit in tabs bound to ``pd_view``; only the open tab is computed and sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.calculus import explorer as cx
from core.formula import MAX_CHARS, Expression, parse
from ui import state

K = "pd_"  # key prefix: this lesson's widget keys and URL parameters
CUSTOM = "custom"
DOMAIN = (-2.0, 2.0)
#: Points per axis of the 3-D surface: the smallest grid that still looks smooth on the presets
#: (measured in bench/partials.py; 100 before).
GRID_N = 60
CONTOUR_N = 50
#: The walks stop at x₀ ± multiples of WALK_STEP (21 stops), so the scrubber passes through x₀;
#: u turns by THETA_STEP degrees (24 stops). Fewer frames render faster (measured: a 41-step
#: scrubber costs a 2-D chart about 15 ms more to draw than a 21-step one).
WALK_STEP = 0.2
THETA_STEP = 15
DEFAULT_CUSTOM = "x^2*y - y^3/3"
SYNTAX_HELP = (
    "Use x and y; + - * /; ^ or ** for powers; numbers like 2, 0.5, 1e-3; pi, e; "
    "sin cos tan exp log sqrt abs tanh sinh cosh arctan sigmoid. Write 2*x, not 2x. "
    f"At most {MAX_CHARS} characters."
)
# Streamlit writes a select box's *displayed* option into the URL, so the options are the short
# display names themselves (?pd_fn=Saddle) and map to preset keys here.
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
#: Secant widths from wide to narrow: the control and the scrubber both shrink h to the right.
H_VALUES = (*(round(m * 10.0**-k, 6) for k in range(3)
              for m in (1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15)), 0.001)
SECANT_H = state.Ladder(
    K + "h", "Secant width h", H_VALUES, 0.5,
    help="Where the secant starts; drag under the chart to shrink h and watch it turn into the "
    "tangent.",
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
VIEW = K + "view"
VIEWS = ("Walk along the slices", "The surface in 3-D", "Secant to tangent",
         "Direction and gradient", "Exact vs finite differences")

#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {
    p.key.removeprefix(K): p
    for p in (FUNCTION, FORMULA, *POINT, *SHOW, THETA, ERROR_OF, *SALES_CONTROLS)
}
#: The secant width was once a slider of log₁₀ h (−3 … 0) under these names.
OLD_LOG_H = ("pd_logh", "logh")


def nearest_h(log10_h: float) -> float:
    """The rung of :data:`H_VALUES` nearest to ``10**log10_h`` on a log scale."""
    return min(H_VALUES, key=lambda v: abs(math.log10(v) - log10_h))


def h_from_log10(raw: str) -> str:
    """The secant width of an old link's log₁₀ h, as the h control writes it."""
    try:
        log_h = float(raw)
    except ValueError:
        log_h = float("nan")
    if not (math.isfinite(log_h) and -3.0 <= log_h <= 0.0):
        raise ValueError("The link set the secant width as log₁₀ h to a value that is not a "
                         "number between −3 and 0, so the default h is used.")
    return SECANT_H.text(nearest_h(log_h))


def accept_old_links() -> None:
    """Open links made before the renames: un-prefixed keys, and log₁₀ h as h itself."""
    state.accept_old_keys({**RENAMED, **dict.fromkeys(OLD_LOG_H, SECANT_H)},
                          dict.fromkeys(OLD_LOG_H, h_from_log10))


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
def surface(text: str, n: int = GRID_N) -> cx.Grid:
    """The n×n grid of f over the lesson's domain, cached on the formula text."""
    return cx.surface_grid(compile_formula(text).f, DOMAIN, DOMAIN, n)


def stops_through(value: float, step: float, low: float, high: float) -> tuple[np.ndarray, int]:
    """Stops ``value + k·step`` inside [low, high], and the index of ``value`` among them."""
    first = math.ceil((low - value) / step - 1e-9)
    last = math.floor((high - value) / step + 1e-9)
    stops = np.round(value + step * np.arange(first, last + 1), 10)
    return stops, -first
