"""The numbers tab: exact, finite-difference and complex-step partials, and their error against h."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.calculus import PointAnalysis, scan_point
from figures import partials_numbers as pn
from lessons.partials import controls as pc
from ui import lesson, state

METHOD_NAMES = {
    "forward": "forward difference", "central": "central difference", "complex": "complex step"
}  # fmt: skip


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}g}" if np.isfinite(value) else "undefined"


def error_text(error: float) -> str:
    """An absolute error for the table: "0 (exact)", "1.2e-09" or "–" when undefined."""
    if not np.isfinite(error):
        return "–"
    return "0 (exact)" if error == 0 else f"{error:.1e}"


def numbers_table(p: PointAnalysis) -> list[dict[str, str]]:
    """Rows of the numbers panel: each method's value of both partials and its error."""
    rows = [{"method": "exact (symbolic)", "∂f/∂x": _fmt(p.exact[0], 15), "error ∂f/∂x": "",
             "∂f/∂y": _fmt(p.exact[1], 15), "error ∂f/∂y": ""}]  # fmt: skip
    for method, label in METHOD_NAMES.items():
        row = {"method": label}
        for i, name in enumerate(("∂f/∂x", "∂f/∂y")):
            estimate = p.estimates[method][i]
            row[name] = _fmt(estimate, 15)
            row[f"error {name}"] = error_text(abs(estimate - p.exact[i]))
        rows.append(row)
    return rows


def numbers_panel(c: pc.Compiled, p: PointAnalysis) -> None:
    """The numbers table and the log-log error explorer."""
    lesson.table(numbers_table(p))
    var = state.widget(pc.ERROR_OF)
    i = 0 if var == "x" else 1
    if not np.isfinite(p.exact[i]):
        st.info("There is no derivative at this point, so there is no error to plot.")
        return
    scan = scan_point(c.f, p.x0, p.y0, float(p.exact[i]), i=i)
    lesson.chart(pn.error_figure(scan, f"∂f/∂{var}"), key="partials_error")
    best = ", ".join(
        f"{METHOD_NAMES[m]} h ≈ {scan.best_h[m]:.0e} (error {error_text(scan.best_error[m])})"
        for m in scan.errors
    )
    st.caption(
        f"Best step per method: {best}. Right of the best h the formula's own error shrinks "
        "with h (slope 1 forward, 2 central); left of it rounding error grows like 1/h "
        "(slope −1). The complex step never subtracts nearly equal numbers, so it has no "
        "rounding wall."
    )
