"""Benchmark of the backpropagation lesson (issues 5, 14 and 15).

Targets:
- one gradient of the playground network (2-8-8-1, 200 training points) costs at most 3x one
  forward pass (the loss evaluation, as finite differences use it);
- it is at least 100x faster than a central finite-difference gradient at ~1 000 parameters;
- 300 epochs of a 2-8-8-1 net on 400 training points take at most 0.5 s;
- one live-training update (a few epochs, the plane, the network and both curves, serialised)
  costs at most 25 ms of server CPU;
- the page reruns in at most 60 ms of server time once its work is cached.

Also reported: the page's figure payload in KB (first paint, and per live update). The two
designs for live training are measured side by side in Chromium by :mod:`bench.peers`.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.stats import row, time_ms
from core.nn import (
    gradcheck,
    make_dataset,
    mlp,
    plane_extent,
    plane_view,
    start_playground,
    training,
)

PAGE = "pages/3_Backpropagation.py"
SERVER_TARGET_MS = 60
TICK_TARGET_MS = 25
BROWSER_SLIDER = "Backward step"
ROOT = Path(__file__).resolve().parent.parent


def interactions() -> list[dict]:
    """What a trainer does: step through the backward pass, check it, change the playground."""
    return [
        {"bp_step": 5}, {"bp_step": 12}, {"bp_h": -4.0}, {"bp_x1": 0.5}, {"bp_fd": "forward"},
        {"bp_data": "xor"}, {"bp_data": "circles"}, {"bp_lr": 0.1}, {"bp_step": 0},
        {"bp_w11": 0.8}, {"bp_neurons": 6}, {"bp_neurons": 8},
    ]


def _forward_vs_gradient(repeats: int) -> list[dict]:
    split = make_dataset("circles", 400, 0.05, 0)
    X, y = split.X_train, split.y_train
    params = mlp.init_params((2, 8, 8, 1), seed=0)
    for _ in range(50):  # warm-up
        mlp.loss_and_grads(params, X, y)
    loss = [time_ms(lambda: mlp.loss_value(params, X, y)) for _ in range(repeats)]
    grad = [time_ms(lambda: mlp.loss_and_grads(params, X, y)) for _ in range(repeats)]
    logits = [time_ms(lambda: mlp.forward(params, X)) for _ in range(repeats)]
    f, g, z = (float(np.median(v)) for v in (loss, grad, logits))
    return [
        row("backprop: one gradient, 2-8-8-1 on 200 points", grad, 3 * f,
            f"target = 3 x one loss evaluation ({f * 1e3:.0f} µs); ratio {g / f:.2f}x "
            f"(vs bare logits {g / z:.2f}x)", ratio=g / f),
        row("backprop: one loss evaluation (forward pass + loss)", loss, None,
            "the 'forward pass' of the cheap-gradient ratio"),
    ]


def _fd_gap(quick: bool) -> list[dict]:
    cost = gradcheck.measure_gradient_cost(widths=(12, 24) if quick else (4, 12, 31), n=100,
                                           repeat=3 if quick else 5)
    p = int(cost["n_params"][-1])
    bp, fd = cost["backprop_s"][-1] * 1e3, cost["fd_s"][-1] * 1e3
    ratio = float(cost["fd_over_backprop"][-1])
    return [
        row(f"backprop gradient at {p} parameters (CPU time)", [bp], fd / 100,
            f"target = finite-difference time / 100; backprop is {ratio:,.0f}x faster; the gap "
            f"grows like P^{cost['ratio_fit'][1]:.2f}", ratio=ratio),
        row(f"central finite-difference gradient at {p} parameters (CPU time)", [fd], None,
            f"{2 * p} loss evaluations; time grows like P^{cost['fd_fit'][1]:.2f}"),
    ]


def _training(quick: bool) -> list[dict]:
    split = make_dataset("circles", 800, 0.05, 0)  # 400 training points
    args = (split.X_train, split.y_train, split.X_test, split.y_test, (8, 8))
    out = []
    for batch, label in ((0, "full batch, Adam"), (32, "mini-batch 32, Adam"))[: 1 if quick else 2]:
        times = [time_ms(lambda b=batch: training.train(*args, batch_size=b, epochs=300))
                 for _ in range(1 if quick else 7)]
        out.append(row(f"train 300 epochs, 2-8-8-1 on 400 points ({label})", times,
                       500 if batch == 0 else None,
                       "page default is full batch" if batch == 0 else "for reference"))
    return out


def live_update(split, run, epochs: int = 6) -> dict[str, int]:
    """One live update as the page makes it; returns the payload of each chart in bytes."""
    import plotly.io as pio
    import plotly.tools

    from figures.backprop import grad_norm_figure, loss_figure
    from figures.backprop_network import network_figure
    from figures.backprop_playground import boundary_figure

    run.advance(epochs)
    result = run.result()
    view = plane_view(run.params(), ("x1", "x2"), "tanh", "bce", "binary", plane_extent(split))
    figs = {
        "network": network_figure(run.params(), view, result.grad_norms[-1],
                                  result.epochs_done, ["x₁", "x₂"]),
        "plane": boundary_figure(view, split, result.epochs_done),
        "loss": loss_figure(result, 300, "cross-entropy"),
        "gradients": grad_norm_figure(result, 300, None),
    }
    return {k: len(pio.to_json(plotly.tools.return_figure_from_figure_or_data(f, True),
                               validate=False)) for k, f in figs.items()}


def _live_tick(quick: bool) -> list[dict]:
    """Server CPU per live update (the measuring thread's CPU time: load elsewhere is not counted)."""
    split, run = start_playground(epochs=300)
    live_update(split, run)
    cpu, sizes = [], {}
    for _ in range(10 if quick else 40):
        if run.epochs_done > 280:
            split, run = start_playground(epochs=300)
        start = time.thread_time()
        sizes = live_update(split, run)
        cpu.append((time.thread_time() - start) * 1e3)
    kb = sum(sizes.values()) / 1024
    detail = ", ".join(f"{k} {v / 1024:.0f}" for k, v in sizes.items())
    return [row("live training: one update (6 epochs + 4 charts, serialised), server CPU", cpu,
                TICK_TARGET_MS, f"{kb:.0f} KB per update ({detail}); one core serves "
                f"{1000 / np.median(cpu):.0f} updates/s", cpu_ms=float(np.median(cpu)),
                kb=round(kb, 1))]


def _payload() -> list[dict]:
    """Figure payload of the page in KB: first paint, after training, per chart."""
    from tests.app.helpers import run_page

    at = run_page(PAGE)
    first = {el.key or "?": len(el.proto.spec) / 1024 for el in at.get("plotly_chart")}
    at.button(key="bp_finish").click().run()
    trained = sum(len(el.proto.spec) for el in at.get("plotly_chart")) / 1024
    detail = ", ".join(f"{k.removeprefix('chart_')} {v:.0f}" for k, v in first.items())
    return [{"what": "payload: figures at first paint (KB)", "median_ms": None, "p95_ms": None,
             "target_ms": None, "kb": round(sum(first.values()), 1),
             "note": f"{sum(first.values()):.0f} KB: {detail}; after training {trained:.0f} KB"}]


def _page_rerun() -> list[dict]:
    from tests.app.helpers import run_page  # AppTest only in the full run

    at = run_page(PAGE)
    for step in (0, 5, 12, 26):  # fill the graph cache
        at.slider(key="bp_step").set_value(step).run()
    same, stepped, cpu_same, cpu_step = [], [], [], []

    def timed(wall: list, cpu: list) -> None:
        start, cpu0 = time.perf_counter(), time.process_time()
        at.run()
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - cpu0) * 1e3)

    for i in range(20):
        timed(same, cpu_same)
        at.slider(key="bp_step").set_value((0, 5, 12, 26)[i % 4])
        timed(stepped, cpu_step)
    note = "whole script incl. AppTest overhead; CPU time median {:.0f} ms"
    return [
        row("page rerun, nothing changed (AppTest)", same, SERVER_TARGET_MS,
            note.format(np.median(cpu_same)), cpu_ms=float(np.median(cpu_same))),
        row("page rerun, backward step moved (AppTest, cached graph)", stepped,
            SERVER_TARGET_MS, note.format(np.median(cpu_step)), cpu_ms=float(np.median(cpu_step))),
    ]


def run(quick: bool) -> list[dict]:
    rows = _forward_vs_gradient(200 if quick else 2000)
    rows += _fd_gap(quick)
    rows += _training(quick)
    rows += _live_tick(quick)
    if not quick:
        rows += _payload()
        rows += _page_rerun()
    return rows


if __name__ == "__main__":
    for r in run(quick=False):
        target = "" if r["target_ms"] is None else f"target {r['target_ms']:8.3f}"
        median = "" if r["median_ms"] is None else f"median {r['median_ms']:8.3f} ms"
        print(f"{r['what']:<70} {median} {target}  {r['note']}")
