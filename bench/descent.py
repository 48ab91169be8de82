"""Benchmark of the gradient-descent lesson (issue 4).

Target: 3 optimizers × 500 steps plus the contour figure in at most 50 ms of server time
(median). Measured here without Streamlit (optimizers + contour grid + figure + JSON that
Streamlit sends) and, by ``bench.server_time``, as AppTest reruns of the page with the
scripted ``interactions`` below.
"""

from __future__ import annotations

import time

import numpy as np
import plotly.io as pio

from bench.stats import row, time_ms
from core.descent import init_state, make_surface, optimize, step
from figures.descent import Run, descent_figure
from figures.descent_charts import loss_figure
from figures.theme import SEQUENCE

PAGE = "pages/2_Gradient_descent.py"
SERVER_TARGET_MS = 50
BROWSER_SLIDER = "Learning rate (log scale)"
RUNS = (("sgd", 0.0015), ("momentum", 0.0015), ("adam", 0.1))


def interactions() -> list[dict]:
    """What a trainer does: move learning rates, switch methods and surfaces, steps, start."""
    return [
        {"gd_lr1": 0.2},
        {"gd_lr1": 0.3},
        {"gd_lr1": 0.1},
        {"gd_m2": "nesterov"},
        {"gd_lr3": 0.05},
        {"gd_steps": 500},
        {"gd_kappa": 30.0},
        {"gd_angle": -20},
        {"gd_x0_bowl": 1.5},
        {"gd_m2": "momentum"},
        {"gd_steps": 100},
        {"gd_lr2": 0.01},
    ]


def _three_runs(surface, steps: int) -> list[Run]:
    return [Run(f"{i + 1}: {m}", SEQUENCE[i], optimize(surface.grad, surface.start, m, lr, steps,
                                                       loss=surface.loss))
            for i, (m, lr) in enumerate(RUNS)]


def _explorer(key: str, steps: int) -> int:
    """Everything the explorer recomputes from scratch: runs, grid, both figures, JSON."""
    surface = make_surface(key)
    runs = _three_runs(surface, steps)
    contour = descent_figure(surface, surface.grid(81), runs)
    loss = loss_figure(runs, surface.min_value)
    return len(pio.to_json(contour.to_dict(), validate=False)) + len(
        pio.to_json(loss.to_dict(), validate=False))


def _timed(what: str, fn, repeats: int, target: float | None, note: str) -> dict:
    """Wall-time row plus the median CPU time of the calling thread (robust to a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeats):
        c0 = time.thread_time()
        wall.append(time_ms(fn))
        cpu.append((time.thread_time() - c0) * 1000.0)
    median_cpu = float(np.median(cpu))
    return row(what, wall, target, f"{note}; CPU median {median_cpu:.1f} ms", cpu_ms=median_cpu)


def run(quick: bool) -> list[dict]:
    repeats = 5 if quick else 40
    surface = make_surface("rosenbrock")
    grid = surface.grid(81)
    runs = _three_runs(surface, 500)
    _explorer("rosenbrock", 500)  # warm-up
    size_kb = _explorer("rosenbrock", 500) / 1000
    rows = [
        _timed("descent: 3 optimizers × 500 steps + contour (uncached)",
               lambda: _explorer("rosenbrock", 500), repeats, SERVER_TARGET_MS,
               f"Rosenbrock, SGD/momentum/Adam, 81² grid as on the page, JSON {size_kb:.0f} kB"),
        _timed("descent: 3 optimizers × 500 steps only", lambda: _three_runs(surface, 500),
               repeats, None, "optimize() with loss tracking and divergence checks"),
        _timed("descent: contour figure + JSON (runs cached)",
               lambda: pio.to_json(descent_figure(surface, grid, runs).to_dict(), validate=False),
               repeats, None, "what a start-point or colour change costs"),
    ]
    rows.append(_step_row(repeats))
    return rows


def _step_row(repeats: int):
    n = 10_000
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=n), rng.normal(size=n)

    def hundred_adam_steps():
        state, p = init_state("adam", n), x
        for t in range(1, 101):
            p, state = step("adam", p, g, state, 1e-3, t)

    return _timed("descent: 100 Adam steps on 10 000 parameters", hundred_adam_steps, repeats,
                  None, "the flat-vector step() the backprop lesson reuses")
