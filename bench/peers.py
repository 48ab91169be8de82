"""Backprop against finite differences, as a time ratio by parameter count.

The one peer comparison no lesson module covers in full: the backprop module reports one
size, this the trend.

Networks are 2-w-w-1 (tanh, BCE) on 100 points; central differences cost 2P loss
evaluations, backprop a few forward passes whatever P, so the ratio grows about linearly.
"""

from __future__ import annotations

from core.nn import measure_gradient_cost

WIDTHS = {True: (2, 8), False: (2, 4, 8, 12, 18, 24, 31)}


def run(quick: bool) -> list[dict]:
    cost = measure_gradient_cost(widths=WIDTHS[quick], n=100, repeat=5 if quick else 15)
    rows = []
    for p, fwd, bp, fd, ratio in zip(cost["n_params"], cost["forward_s"], cost["backprop_s"],
                                     cost["fd_s"], cost["fd_over_backprop"], strict=True):
        rows.append({
            "what": f"peers: backprop vs finite differences, {int(p):,} parameters",
            "median_ms": float(bp) * 1e3, "p95_ms": None, "target_ms": None,
            "ratio": float(ratio), "fd_ms": float(fd) * 1e3,
            "gradient_over_forward": float(bp / fwd),
            "note": f"finite differences {float(fd) * 1e3:.1f} ms = {float(ratio):,.0f}× backprop; "
                    f"one gradient = {float(bp / fwd):.1f}× one loss evaluation",
        })
    return rows
