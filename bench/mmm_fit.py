"""Benchmark of the media-mix fit: 156 weekly rows x 6 channels with carry-over search.

Targets: the whole fit (carry-over rates on a 0.01 grid and start states, least squares,
intervals, 13-week hold-out refit, decomposition) under 100 ms; the plan's uncertainty
(2,000 parameter draws, curves, the plan and who gives in each draw's optimum) well under a
second.
Also times the CSV reader and the hand-off. CPU milliseconds are in the notes: wall times grow
with the machine's other load, CPU times much less.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.stats import row, time_ms
from core.mmm import optimize_budget
from core.mmm.fit import (
    fit_media_mix,
    guess_roles,
    plan_uncertainty,
    read_weekly_csv,
    response_curves,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_weekly.csv"


def _generator():
    path = ROOT / "scripts" / "make_sample_data.py"
    spec = importlib.util.spec_from_file_location("make_sample", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(quick: bool) -> list[dict]:
    repeats = 5 if quick else 30
    frame = read_weekly_csv(SAMPLE)
    roles = guess_roles(frame)
    args = (frame, roles["target"], roles["channels"], roles["date"], roles["controls"])
    fit_media_mix(*args)  # warm-up
    full, full_cpu = _timed(lambda: fit_media_mix(*args), repeats)
    bare, bare_cpu = _timed(lambda: fit_media_mix(*args, holdout_weeks=0), repeats)
    reads = [time_ms(lambda: read_weekly_csv(SAMPLE)) for _ in range(repeats)]
    fit = fit_media_mix(*args)
    handoff = [time_ms(lambda: response_curves(fit)) for _ in range(repeats)]
    curves = response_curves(fit)
    before = np.array(curves.spend)
    after = optimize_budget(curves.curves, before.sum()).spend
    draws = 200 if quick else 2000
    plan, plan_cpu = _timed(lambda: plan_uncertainty(
        curves, before, after, rng=np.random.default_rng(0), draws=draws), 2 if quick else 5)
    n_rows, n_ch = len(frame), len(roles["channels"])
    rows = [
        row(f"mmm_fit: fit {n_rows} weeks x {n_ch} channels, search + hold-out", full, 100,
            f"CPU {np.median(full_cpu):.0f} ms; carry-over 0..0.9 step 0.01 (coarse 0.05, then "
            "fine within ±0.10) x 10 start states, coordinate search + pair moves, 13-week "
            "hold-out refit"),
        row(f"mmm_fit: fit {n_rows} weeks x {n_ch} channels, no hold-out", bare, 100,
            f"CPU {np.median(bare_cpu):.0f} ms; one search + least squares + intervals + "
            "decomposition"),
        row(f"mmm_fit: read_weekly_csv ({n_rows} rows)", reads, None, "parse + validate"),
        row("mmm_fit: response curves for the optimizer", handoff, None, "6 PowerCurves"),
        row(f"mmm_fit: plan uncertainty, {draws} draws", plan, 1000,
            f"CPU {np.median(plan_cpu):.0f} ms; draws -> curves -> plan gain + who gives "
            "from every draw's optimum (one vectorised KKT evaluation)"),
    ]
    if not quick:
        gen = _generator()
        big = pd.DataFrame(gen.generate(1))
        cols = list(gen.CHANNELS)
        times = [time_ms(lambda: fit_media_mix(big, "conversions", cols, controls=["ctrl_promo"]))
                 for _ in range(repeats)]
        rows.append(row("mmm_fit: fit on another seed (same size)", times, 1000, "seed 1"))
        rows += _scipy_comparison(fit)
    return rows


def _timed(fn, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(1000 * (time.perf_counter() - start_wall))
        cpu.append(1000 * (time.process_time() - start_cpu))
    return wall, cpu


def _scipy_comparison(fit) -> list[dict]:
    """Reference: scipy L-BFGS-B on the profile SSE over the six decays (dev-only dependency)."""
    try:
        from scipy import optimize
    except ImportError:
        return []
    from core.mmm.fit.adstock import initial_stock, log_adstock

    model, arrays = fit.model, fit.arrays

    def sse(theta):
        theta = np.asarray(theta)
        start = initial_stock(arrays.level, theta, arrays.start)
        x = np.column_stack([model.fixed, log_adstock(model.spend, theta, initial=start)])
        resid = model.y - x @ np.linalg.lstsq(x, model.y, rcond=None)[0]
        return float(resid @ resid)

    start = np.full(len(fit.channels), 0.45)
    bounds = [(0.0, 0.9)] * len(fit.channels)
    result = {}
    times = [time_ms(lambda: result.update(
        r=optimize.minimize(sse, start, method="L-BFGS-B", bounds=bounds))) for _ in range(5)]
    ratio = sse(fit.arrays.theta) / result["r"].fun
    return [row("reference: scipy L-BFGS-B over the decays (one start)", times, None,
                f"our grid search SSE / scipy SSE = {ratio:.5f} (start states as fitted)")]


if __name__ == "__main__":
    for r in run(quick=False):
        print(f"{r['what']:<70} median {r['median_ms']:8.2f} ms  p95 {r['p95_ms']:8.2f} ms")
