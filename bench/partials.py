"""Benchmark of the partial-derivatives lesson (issue 3).

Targets: a slider change reruns the page in at most 50 ms of server time (median, 100×100
surface grid); a hostile formula such as ``9**9**9`` is refused in well under 50 ms.

Rows: the parser (typical formula, worst hostile inputs), the uncached 100×100 grid, the point
analysis and error scan, each figure built and serialised the way ``st.plotly_chart`` does, and
the page rerun itself through AppTest for the x₀ slider (wall and CPU time; AppTest reruns the
whole script even for sliders inside fragments, so this is an upper bound for those).
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
import plotly.io as pio
from sympy.core.cache import clear_cache

from bench.stats import row
from core.calculus import SALES
from core.calculus import explorer as cx
from core.formula import ExpressionError, parse
from figures import partials as pf
from figures import partials_numbers as pn

PAGE = "pages/1_Partial_derivatives.py"
SERVER_TARGET_MS = 50
BROWSER_SLIDER = "x₀"
R = (-2.0, 2.0)
HOSTILE = ("9**9**9", "x" * 10_000, "(" * 5_000 + ")" * 5_000, "-" * 190 + "x",
           "exp(exp(exp(9)))", "__import__('os').system('true')")  # fmt: skip


def interactions() -> list[dict]:
    """Scripted widget changes for the runner's server-time figure (mostly the point sliders)."""
    steps = [{"pd_x0": v} for v in (-1.5, -0.75, 0.0, 0.6, 1.35, 1.9)]
    steps += [{"pd_y0": v} for v in (-1.2, 0.3, 1.1)]
    steps += [{"pd_theta": 120}, {"pd_logh": -2.0}, {"pd_tv": 70}, {"pd_planes": False}, {"pd_tplane": True}]
    return steps


def _refusal_ms(text: str) -> float:
    start = time.perf_counter()
    with contextlib.suppress(ExpressionError):
        parse(text)
    return (time.perf_counter() - start) * 1000.0


def _chart(build) -> None:
    """Build a figure and serialise it like st.plotly_chart (to_dict + to_json)."""
    fig = build()
    fig.to_dict()
    pio.to_json(fig, validate=False)


def timed_row(what: str, fn, repeats: int, target: float | None = None, note: str = "") -> dict:
    """Wall-time row, plus the median CPU time (robust when the machine is busy)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.process_time() - start_cpu) * 1000.0)
    return row(what, wall, target, note, cpu_median_ms=float(np.median(cpu)))


MONSTERS = (  # fuzz-found formulas that once took SymPy seconds (see tests/core)
    "tanh(sigmoid((((((arctan(10))^((3)/(e)))^(((e)+(99))+(sqrt(99))))/(tanh(((y)^(0.5))+"
    "(arctan(3)))))+((exp(cos((99)^(0.5))))/(y)))+((exp((((99)^(x))^(cos(y)))/(((x)/(e))^"
    "(tan(3)))))/(sigmoid(y)))))",
    "sigmoid(sigmoid(sigmoid(((cos(y))*(0.5))-(3))))",
    "abs(cos(sin((tan(x))^((cosh((cos(x))-((y)+(0.5))))*(abs(((x)+(3))/((x)*(y))))))))",
)


def _compile_all(text: str) -> None:
    """What the page does once per new formula: parse, two partials, three LaTeX strings."""
    clear_cache()  # SymPy memoises construction: measure a formula seen for the first time
    e = parse(text)
    dx, dy = e.diff("x"), e.diff("y")
    _ = e.latex, dx.latex, dy.latex


def _core_rows(repeats: int) -> list[dict]:
    e = parse("sin(x)*cos(y)")
    dx, dy = e.diff("x"), e.diff("y")
    cx.surface_grid(e, R, R)  # compile the lambdified code once
    hostile = [max(_refusal_ms(t) for _ in range(repeats)) for t in HOSTILE]
    return [
        timed_row("new formula 'x^2*y - y^3/3': parse + 2 partials + LaTeX",
                  lambda: _compile_all("x^2*y - y^3/3"), repeats,
                  note="SymPy cache cleared each time; the page caches per formula text"),
        timed_row("new formula: parse + 2 partials + LaTeX, worst fuzz formulas",
                  lambda: [_compile_all(m) for m in MONSTERS], max(2, repeats // 5),
                  note="3 formulas per sample, uncached; sympy.diff took 3-8 s on these"),
        row("refuse hostile formula (worst of 6, max over repeats)", hostile, 50,
            note="9**9**9, 10 kB, deep nesting, exp(exp(exp(9))), __import__"),
        timed_row("100×100 grid evaluation (uncached)", lambda: cx.surface_grid(e, R, R), repeats,
                  note="st.cache_data keyed on formula text + ranges on the page"),
        timed_row("point analysis (3 methods × 2 partials, slices)",
                  lambda: cx.analyse_point(e, dx, dy, 0.8, 0.5, R, R), repeats),
        timed_row("error scan (61 steps × 3 methods, vectorised)",
                  lambda: cx.scan_point(e, 0.8, 0.5, 0.6), repeats),
    ]  # fmt: skip


def _figure_rows(repeats: int) -> list[dict]:
    e = parse("sin(x)*cos(y)")
    grid = cx.surface_grid(e, R, R)
    p = cx.analyse_point(e, e.diff("x"), e.diff("y"), 0.8, 0.5, R, R)
    scan = cx.scan_point(e, 0.8, 0.5, float(p.exact[0]))
    angles, values = cx.directional_profile(p.exact)
    tv = np.linspace(0, 100, 201)
    curves = {f"d{d}": SALES.d_tv(tv, d, 1.0) for d in (0, 30, 100)}
    builders = {
        "surface (100×100 + slices, tangents, planes)":
            lambda: pf.surface_figure(grid, p, tangent_plane=True),
        "slice + secant": lambda: pf.slice_figure(p, cx.secant(e, 0.8, 0.5, 0.1), 0.1),
        "contour + arrows": lambda: pf.contour_figure(grid, p, 45),
        "directional derivative": lambda: pf.directional_figure(angles, values, p.exact, 45),
        "error explorer": lambda: pn.error_figure(scan),
        "sales marginal": lambda: pn.sales_marginal_figure(tv, curves, (40, 1.3)),
    }  # fmt: skip
    return [
        timed_row(f"figure: {name}, build + serialise", lambda b=b: _chart(b), repeats)
        for name, b in builders.items()
    ]


def _page_rows(quick: bool) -> list[dict]:
    from tests.app.helpers import run_page

    at = run_page(PAGE)
    if at.exception:
        return [
            {
                "what": "page rerun after x₀/y₀ change",
                "median_ms": None,
                "p95_ms": None,
                "target_ms": SERVER_TARGET_MS,
                "note": f"page raised: {at.exception[0].value}"[:160],
            }
        ]
    wall, cpu = [], []
    values = np.round(np.linspace(-1.9, 1.9, 8 if quick else 60), 2)
    for i, value in enumerate(values):
        at.slider(key="pd_x0" if i % 2 == 0 else "pd_y0").set_value(float(value))
        start, start_cpu = time.perf_counter(), time.process_time()
        at.run()
        wall.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.process_time() - start_cpu) * 1000.0)
    note = "AppTest at.run() after an x₀/y₀ move: whole script incl. AppTest's own overhead"
    return [
        row("page rerun after x₀/y₀ change (AppTest wall)", wall, SERVER_TARGET_MS, note,
            cpu_median_ms=float(np.median(cpu))),
        row("page rerun after x₀/y₀ change (AppTest CPU time)", cpu, SERVER_TARGET_MS,
            "process CPU time of the rerun: insensitive to other load on the machine"),
    ]  # fmt: skip


def run(quick: bool) -> list[dict]:
    repeats = 5 if quick else 40
    return _core_rows(repeats) + _figure_rows(repeats) + _page_rows(quick)


if __name__ == "__main__":
    for r in run(quick=False):
        cells = [r.get(k) for k in ("median_ms", "p95_ms", "cpu_median_ms", "target_ms")]
        text = " ".join(f"{c:8.2f}" if isinstance(c, float) else f"{c!s:>8}" for c in cells)
        print(f"{r['what'][:62]:62s} {text}  {r.get('note', '')[:60]}")
