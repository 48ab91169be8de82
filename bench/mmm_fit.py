"""Benchmark of the media-mix fit (issue 7): 156 weekly rows x 6 channels with carry-over search.

Target: the whole fit (carry-over search on a 0.01 grid, least squares, intervals, 13-week
hold-out refit, decomposition) in at most 1 s. Also times the CSV reader and the hand-off.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from bench.stats import row, time_ms
from core.mmm.fit import fit_media_mix, guess_roles, read_weekly_csv, response_curves

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
    full = [time_ms(lambda: fit_media_mix(*args)) for _ in range(repeats)]
    bare = [time_ms(lambda: fit_media_mix(*args, holdout_weeks=0)) for _ in range(repeats)]
    reads = [time_ms(lambda: read_weekly_csv(SAMPLE)) for _ in range(repeats)]
    fit = fit_media_mix(*args)
    handoff = [time_ms(lambda: response_curves(fit)) for _ in range(repeats)]
    n_rows, n_ch = len(frame), len(roles["channels"])
    rows = [
        row(f"mmm_fit: fit {n_rows} weeks x {n_ch} channels, search + hold-out", full, 1000,
            "carry-over grid 0.00..0.90 step 0.01, exact coordinate search + pair moves, "
            "13-week hold-out refit"),
        row(f"mmm_fit: fit {n_rows} weeks x {n_ch} channels, no hold-out", bare, 1000,
            "one carry-over search + least squares + intervals + decomposition"),
        row(f"mmm_fit: read_weekly_csv ({n_rows} rows)", reads, None, "parse + validate"),
        row("mmm_fit: response curves for the optimizer", handoff, None, "6 PowerCurves"),
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


def _scipy_comparison(fit) -> list[dict]:
    """Reference: scipy L-BFGS-B on the profile SSE over the six decays (dev-only dependency)."""
    try:
        from scipy import optimize
    except ImportError:
        return []
    import numpy as np

    from core.mmm.fit.adstock import log_adstock

    model = fit.model

    def sse(theta):
        x = np.column_stack([model.fixed, log_adstock(model.spend, np.asarray(theta))])
        resid = model.y - x @ np.linalg.lstsq(x, model.y, rcond=None)[0]
        return float(resid @ resid)

    start = np.full(len(fit.channels), 0.45)
    bounds = [(0.0, 0.9)] * len(fit.channels)
    result = {}
    times = [time_ms(lambda: result.update(
        r=optimize.minimize(sse, start, method="L-BFGS-B", bounds=bounds))) for _ in range(5)]
    ratio = sse(fit.arrays.theta) / result["r"].fun
    return [row("reference: scipy L-BFGS-B over the decays (one start)", times, None,
                f"our grid search SSE / scipy SSE = {ratio:.5f}")]


if __name__ == "__main__":
    for r in run(quick=False):
        print(f"{r['what']:<70} median {r['median_ms']:8.2f} ms  p95 {r['p95_ms']:8.2f} ms")
