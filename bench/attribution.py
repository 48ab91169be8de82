"""Benchmark of the attribution lesson (issue 8).

Targets: Integrated Gradients with 50 steps on a 32×32×3 creative in at most 100 ms, and a page
rerun in at most 100 ms of server time (measured by ``bench.server_time`` with the scripted
``interactions`` below). Also times SmoothGrad, SmoothGrad + IG and the convergence chart's
35 IG runs, which are cached per creative on the page.
"""

from __future__ import annotations

import numpy as np
import plotly.io as pio

from bench.stats import row, time_ms
from core import attribution as A
from core.attribution import creatives, ctr_models
from figures.attribution_path import path_figure

PAGE = "pages/6_Attribution.py"
#: The browser figure presses the tabular model's slider, in its folded section (opened by URL).
BROWSER_SLIDER = "Headline length (words)"
BROWSER_QUERY = "?at_more_table=true"
SERVER_TARGET_MS = 100


def interactions() -> list[dict]:
    """What a presenter does: flip the sign, move steps, switch method, baseline and creative."""
    return [
        {"at_sign": "Lowers CTR"},
        {"at_steps": 80},
        {"at_method": "SmoothGrad"},
        {"at_sign": "Raises CTR"},
        {"at_baseline": "Black image"},
        {"at_method": "Integrated Gradients"},
        {"at_creative": "Cluttered"},
        {"at_discount_pct": 40.0},
        {"at_steps": 50},
        {"at_baseline": "Blurred creative"},
        {"at_creative": "Strong call to action"},
        {"at_truth": False},
        {"at_truth": True},
        {"at_captum": True},
        {"at_captum": False},
    ]


def payload_rows() -> list[dict]:
    """The figures the page sends on opening, in KB (the spec JSON of every Plotly chart)."""
    from tests.app.helpers import run_page

    at = run_page(PAGE)
    sizes = {el.proto.id.rsplit("-", 1)[-1]: len(el.proto.spec.encode()) / 1024
             for el in at.get("plotly_chart")}
    note = ", ".join(f"{k.removeprefix('attribution_')} {v:.1f}" for k, v in sizes.items())
    return [{"what": "attribution: payload of the page (KB)", "median_ms": None, "p95_ms": None,
             "target_ms": None, "kb": round(sum(sizes.values()), 1), "note": note}]


def run(quick: bool) -> list[dict]:
    repeats = 5 if quick else 40
    model, tabular, mean = ctr_models.load_shipped()

    def f(X):
        return ctr_models.ctr(model, X)

    def grad_f(X):
        return ctr_models.ctr_gradient(model, X)

    image = creatives.render(creatives.PRESETS["Cluttered"])
    base = creatives.blur(image, 3.0)
    A.integrated_gradients(f, grad_f, image, base, 50)  # warm-up
    rows = [
        row("attribution: IG 50 steps, 32×32×3 creative", [
            time_ms(lambda: A.integrated_gradients(f, grad_f, image, base, 50))
            for _ in range(repeats)], 100, "trapezoid rule, blurred baseline, 3 072 → 16 → 1 tanh MLP"),
        row("attribution: IG 50 steps Gauss–Legendre", [
            time_ms(lambda: A.integrated_gradients(f, grad_f, image, base, 50, "gausslegendre"))
            for _ in range(repeats)], 100, "includes computing the Legendre nodes"),
        row("attribution: SmoothGrad 50 samples", [
            time_ms(lambda: A.smoothgrad(grad_f, image, 0.15, 50, 0, (0.0, 1.0)))
            for _ in range(repeats)], None, "σ = 15 % of the pixel range"),
    ]
    heavy = 2 if quick else 10
    rows.append(row("attribution: SmoothGrad + IG, 30 samples × 16 steps", [
        time_ms(lambda: A.smooth_integrated_gradients(grad_f, image, base, 16, "riemann_trapezoid",
                                                      0.15, 30, 0, (0.0, 1.0)))
        for _ in range(heavy)], None, "as in the page's methods-against-truth chart (cached)"))
    rows.append(row("attribution: convergence chart, 5 rules × 6 step counts", [
        time_ms(lambda: A.completeness_gaps(f, grad_f, image, base, (2, 4, 8, 16, 32, 64)))
        for _ in range(heavy)], None, "630 gradient rows; cached per creative and baseline"))
    rows.append(row("attribution: walk along the path, 50 steps, 41 stops", [
        time_ms(lambda: A.path_walk(f, grad_f, image, base, 50)) for _ in range(repeats)], None,
        "the running sum at every stop and f along the path (cached per scenario)"))
    walk = A.path_walk(f, grad_f, image, base, 50)
    rows.append(row("attribution: walk figure, 41 frames, build + serialise", [
        time_ms(lambda: pio.to_json(path_figure(walk).to_dict(), validate=False))
        for _ in range(heavy)], None, "st.cache_resource per scenario on the page"))
    rows += payload_rows()
    x = np.array([9.0, 25.0, 0.8, 0.7, 12.0])
    rows.append(row("attribution: tabular IG, 64-node Gauss–Legendre", [
        time_ms(lambda: A.integrated_gradients(
            lambda X: ctr_models.ctr(tabular, X), lambda X: ctr_models.ctr_gradient(tabular, X),
            x, np.full(5, 0.5), 64, "gausslegendre")) for _ in range(repeats)], None, "5 features"))
    return rows
