"""Benchmark of the gradient-descent lesson (issues 4 and 15).

Target: 3 optimizers × 500 steps plus the contour figure in at most 50 ms of server time
(median). Measured here without Streamlit (optimizers + contour picture + figure with its
replay frames + the JSON that Streamlit sends) and, by ``bench.server_time``, as AppTest
reruns of the page with the scripted ``interactions`` below. The page's figure payload is a
row of its own. In Chromium the generic browser rows (``bench/browser_time.py`` and
``bench/drag_steps.py``) press the learning rate (:data:`BROWSER_SLIDER`) and drag the replay
scrubber, against the reference app in the same run (issue 15: at most 1.5× and 0.3×).
"""

from __future__ import annotations

import time

import numpy as np
import plotly.io as pio

from bench.stats import row, time_ms
from core.descent import init_state, make_surface, optimize, step
from figures.descent import Run, contour_background
from figures.descent_explorer import explorer_figure
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


GRID = 301  # the contour picture's pixels, as on the page (lessons.descent.controls)


def _explorer(key: str, steps: int) -> int:
    """Everything the explorer recomputes from scratch: runs, picture, both figures, JSON."""
    surface = make_surface(key)
    runs = _three_runs(surface, steps)
    fig = explorer_figure(surface, contour_background(surface, surface.grid(GRID)), runs,
                          surface.min_value)
    return len(pio.to_json(fig.to_dict(), validate=False))


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
    background = contour_background(surface, surface.grid(GRID))
    runs = _three_runs(surface, 500)
    _explorer("rosenbrock", 500)  # warm-up
    size_kb = _explorer("rosenbrock", 500) / 1000
    rows = [
        _timed("descent: 3 optimizers × 500 steps + contour (uncached)",
               lambda: _explorer("rosenbrock", 500), repeats, SERVER_TARGET_MS,
               f"Rosenbrock, SGD/momentum/Adam, {GRID}² picture as on the page, JSON "
               f"{size_kb:.0f} kB"),
        _timed("descent: 3 optimizers × 500 steps only", lambda: _three_runs(surface, 500),
               repeats, None, "optimize() with loss tracking and divergence checks"),
        _timed("descent: explorer figure + replay frames + JSON (runs, picture cached)",
               lambda: pio.to_json(explorer_figure(surface, background, runs,
                                                   surface.min_value).to_dict(), validate=False),
               repeats, None, "what a learning-rate change costs in figures"),
    ]
    rows.append(_step_row(repeats))
    rows.append(payload_row())
    return rows


def page_payload() -> dict[str, int]:
    """Bytes of every chart's figure JSON on the default page, by chart key (one AppTest run)."""
    from tests.app.helpers import run_page

    at = run_page(PAGE)
    return {el.proto.id.rsplit("-", 1)[-1]: len(el.proto.spec) for el in at.get("plotly_chart")}


def payload_row() -> dict:
    """The page's figure payload as a row (no timing)."""
    sizes = page_payload()
    total = sum(sizes.values()) / 1000
    detail = ", ".join(f"{k.removeprefix('gd_')} {v / 1000:.0f}" for k, v in sizes.items())
    return {"what": "descent: page figure payload (KB, default page)", "median_ms": None,
            "p95_ms": None, "target_ms": None, "payload_kb": round(total, 1),
            "note": f"{total:.0f} KB in {len(sizes)} charts: {detail}"}


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
