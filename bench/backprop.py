"""Benchmark of the backpropagation lesson (issue 5).

Targets:
- one gradient of the playground network (2-8-8-1, 200 training points) costs at most 3x one
  forward pass (the loss evaluation, as finite differences use it);
- it is at least 100x faster than a central finite-difference gradient at ~1 000 parameters;
- 300 epochs of a 2-8-8-1 net on 400 training points take at most 0.5 s;
- the page reruns in at most 60 ms of server time once its training is cached.
"""

from __future__ import annotations

import time

import numpy as np

from bench.stats import row, time_ms
from core.nn import gradcheck, make_dataset, mlp, training

PAGE = "pages/3_Backpropagation.py"
SERVER_TARGET_MS = 60
BROWSER_SLIDER = "Backward step"


def interactions() -> list[dict]:
    """What a trainer does: step through the backward pass, replay training, edit weights."""
    return [
        {"bp_step": 5}, {"bp_replay": 50}, {"bp_step": 12}, {"bp_replay": 20},
        {"bp_h": -4.0}, {"bp_x1": 0.5}, {"bp_replay": 100}, {"bp_fd": "forward"},
        {"bp_data": "xor"}, {"bp_data": "circles"}, {"bp_step": 0}, {"bp_w11": 0.8},
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
    widths = (24,) if quick else (12, 31)
    rows = []
    for _ in range(1 if quick else 3):
        cost = gradcheck.measure_gradient_cost(widths=widths, n=100, repeat=15)
        rows.append(cost)
    bp = [c["backprop_s"][-1] * 1e3 for c in rows]
    fd = [c["fd_s"][-1] * 1e3 for c in rows]
    p = int(rows[0]["n_params"][-1])
    ratio = float(np.median(fd)) / float(np.median(bp))
    return [
        row(f"backprop gradient at {p} parameters", bp, float(np.median(fd)) / 100,
            f"target = finite-difference time / 100; backprop is {ratio:,.0f}x faster",
            ratio=ratio),
        row(f"central finite-difference gradient at {p} parameters", fd, None,
            f"{2 * p} loss evaluations"),
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


def _page_rerun() -> list[dict]:
    from tests.app.helpers import run_page  # AppTest only in the full run

    at = run_page(PAGE)
    for share in (0, 25, 50, 75, 100):  # fill the replay cache
        at.slider(key="bp_replay").set_value(share).run()
    same, replay, cpu_same, cpu_replay = [], [], [], []

    def timed(wall: list, cpu: list) -> None:
        start, cpu0 = time.perf_counter(), time.process_time()
        at.run()
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - cpu0) * 1e3)

    for i in range(20):
        timed(same, cpu_same)
        at.slider(key="bp_replay").set_value((0, 25, 50, 75, 100)[i % 5])
        timed(replay, cpu_replay)
    note = "whole script incl. AppTest overhead; CPU time median {:.0f} ms"
    return [
        row("page rerun, training cached (AppTest, nothing changed)", same, SERVER_TARGET_MS,
            note.format(np.median(cpu_same)), cpu_ms=float(np.median(cpu_same))),
        row("page rerun, replay slider moved (AppTest, cached epochs)", replay,
            SERVER_TARGET_MS, note.format(np.median(cpu_replay)),
            cpu_ms=float(np.median(cpu_replay))),
    ]


def run(quick: bool) -> list[dict]:
    rows = _forward_vs_gradient(200 if quick else 2000)
    rows += _fd_gap(quick)
    rows += _training(quick)
    if not quick:
        rows += _page_rerun()
    return rows


if __name__ == "__main__":
    for r in run(quick=False):
        target = "" if r["target_ms"] is None else f"target {r['target_ms']:8.3f}"
        print(f"{r['what']:<66} median {r['median_ms']:8.3f} ms {target}  {r['note']}")
