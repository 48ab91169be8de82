"""Peer comparisons of the backpropagation lesson.

1. Backprop against finite differences, as a time ratio by parameter count: the lesson's
   module reports one size, this the trend. Networks are 2-w-w-1 (tanh, BCE) on 100 points;
   central differences cost 2P loss evaluations, backprop a few forward passes whatever P,
   so the ratio grows about linearly.
2. The two designs for a playground that trains while you watch (issue 15), side by side in
   one Chromium session on the same machine:

   - **fragment** (what the page does): ``st.fragment(run_every=0.25)`` trains a few epochs
     per rerun and sends the four live charts;
   - **frames**: the whole run is trained first, and its epochs are sent once as Plotly
     frames (the plane and the loss curve in one figure) that Plotly plays.

   Reported: chart updates per second while playing, bytes sent (once, or per second), and
   the server work. The full run only (two servers and a browser).

The backward pass's scrubber is measured with every other one by ``bench/drag_steps.py``.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path

from core.nn import measure_gradient_cost

WIDTHS = {True: (2, 8), False: (2, 4, 8, 12, 18, 24, 31)}
ROOT = Path(__file__).resolve().parent.parent
WATCH_S = 10.0
# The frames design, as a page: one figure holding the run, one frame per 5 epochs.
FRAMES_APP = '''
import sys, time
sys.path.insert(0, {root!r})
import numpy as np
import plotly.graph_objects as go
import streamlit as st
from core.nn import plane_extent, plane_view, run_playground
from figures.motion import animate, frame

@st.cache_resource
def build():
    start = time.perf_counter()
    split, r = run_playground(epochs=300)
    lo, hi = plane_extent(split)
    fig = go.Figure(layout={{"height": 460, "xaxis": {{"domain": [0, 0.45]}},
                             "xaxis2": {{"domain": [0.55, 1], "anchor": "y2"}},
                             "yaxis2": {{"type": "log", "anchor": "x2"}}}})
    def z(e):
        view = plane_view(r.params_at(e), ("x1", "x2"), "tanh", "bce", "binary", (lo, hi))
        return np.rint(255 * view.prediction.reshape(50, 50)).astype(np.uint8)
    epochs = np.arange(r.epochs_done + 1, dtype=np.float32)
    fig.add_heatmap(z=z(0), zmin=0, zmax=255, showscale=False)
    fig.add_scatter(x=epochs[:1], y=r.train_loss[:1].astype(np.float32), xaxis="x2", yaxis="y2")
    frames = [frame(f"e{{e}}", [{{"type": "heatmap", "z": z(e)}},
                                {{"x": epochs[: e + 1], "y": r.train_loss[: e + 1].astype(np.float32)}}],
                    [0, 1]) for e in range(0, r.epochs_done + 1, 5)]
    animate(fig, frames, active=0, play=True, redraw=True, frame_ms=100)
    return fig, time.perf_counter() - start

fig, seconds = build()
st.caption(f"built in {{seconds:.2f}} s")
st.plotly_chart(fig, key="chart_loss")
'''
COUNT = """([selector, trace, ms]) => new Promise(resolve => {
  const read = () => document.querySelector(selector)?._fullData?.[trace]?.x?.length ?? null;
  let last = read(), changes = 0; const t0 = performance.now();
  const timer = setInterval(() => {
    const now = read();
    if (now !== null && now !== last) { changes++; last = now; }
    if (performance.now() - t0 >= ms) { clearInterval(timer); resolve(changes); }
  }, 40);
})"""


def _gradient_rows(quick: bool) -> list[dict]:
    cost = measure_gradient_cost(widths=WIDTHS[quick], n=100, repeat=3 if quick else 5)
    rows = []
    for p, fwd, bp, fd, ratio in zip(cost["n_params"], cost["forward_s"], cost["backprop_s"],
                                     cost["fd_s"], cost["fd_over_backprop"], strict=True):
        rows.append({
            "what": f"peers: backprop vs finite differences, {int(p):,} parameters",
            "median_ms": float(bp) * 1e3, "p95_ms": None, "target_ms": None,
            "ratio": float(ratio), "fd_ms": float(fd) * 1e3,
            "gradient_over_forward": float(bp / fwd),
            "note": f"finite differences {float(fd) * 1e3:.1f} ms = {float(ratio):,.0f}× backprop; "
                    f"one gradient = {float(bp / fwd):.1f}× one loss evaluation (CPU time)",
        })
    k = cost["ratio_fit"][1]
    rows.append({"what": "peers: fitted growth of the finite-difference / backprop gap",
                 "median_ms": None, "p95_ms": None, "target_ms": None, "exponent": k,
                 "note": f"ratio ∝ P^{k:.2f} (finite differences ∝ P^{cost['fd_fit'][1]:.2f}, "
                         f"backprop ∝ P^{cost['backprop_fit'][1]:.2f})"})
    return rows


def _busy_ms(cdp) -> float:
    """Milliseconds the page's renderer has spent on tasks so far (Chrome's TaskDuration)."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"] * 1000


def _watch(page, selector: str, trace: int, received: list) -> tuple[float, float, float]:
    """Updates per second, KB/s received, and the browser's busy milliseconds per update.

    Measured over ``WATCH_S`` on one trace's x data. The busy time is the renderer's own work
    (Chrome's TaskDuration), which machine load inflates far less than wall time.
    """
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    start, busy = time.perf_counter(), _busy_ms(cdp)
    changes = page.evaluate(COUNT, [selector, trace, WATCH_S * 1000])
    busy = _busy_ms(cdp) - busy
    kb = sum(n for t, n in received if t >= start) / 1024
    return changes / WATCH_S, kb / WATCH_S, busy / max(changes, 1)


def _counted_page(browser) -> tuple[object, list]:
    """A new page, and the list it fills with (time, bytes) of every websocket frame received."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(120_000)
    received: list = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: received.append((time.perf_counter(), len(f)))))
    return page, received


def _fragment_design(browser, url: str) -> dict:
    page, received = _counted_page(browser)
    page.goto(f"{url}/Backpropagation?bp_epochs=600")
    page.get_by_role("button", name="Finish").wait_for()
    first = sum(n for _, n in received) / 1024
    page.get_by_role("button", name="▶ Play").click()
    rate, kb_s, busy = _watch(page, ".st-key-chart_loss .js-plotly-plot", 0, received)
    page.context.close()
    return {"rate": rate, "kb_s": kb_s, "first_kb": first, "busy": busy}


def _frames_design(browser, url: str) -> dict:
    page, received = _counted_page(browser)
    page.goto(url)
    page.locator(".updatemenu-button").first.wait_for()
    first = sum(n for _, n in received) / 1024
    built = page.get_by_text("built in").first.inner_text()
    page.locator(".updatemenu-button").first.click()
    rate, _, busy = _watch(page, ".js-plotly-plot", 1, received)
    page.context.close()
    return {"rate": rate, "first_kb": first, "built": built, "busy": busy}


def live_designs() -> list[dict]:
    """Both live-training designs in one Chromium session; rows with updates/s and KB."""
    from bench.browser_time import chromium, server

    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        script = Path(folder) / "frames_app.py"
        script.write_text(FRAMES_APP.format(root=str(ROOT)), encoding="utf-8")
        browser = stack.enter_context(chromium())
        app = stack.enter_context(server("app.py"))
        frames_url = stack.enter_context(server(str(script)))
        live = _fragment_design(browser, app)
        frames = _frames_design(browser, frames_url)
    return [
        _rate_row("live training, fragment (the page): chart updates per second", live,
                  f"{live['rate']:.1f} updates/s over {WATCH_S:.0f} s, {live['kb_s']:.0f} KB/s "
                  f"while playing; browser busy {live['busy']:.0f} ms per update; page first "
                  f"paint {live['first_kb']:.0f} KB", kb_per_s=live["kb_s"]),
        _rate_row("live training, Plotly frames of a precomputed run: updates per second", frames,
                  f"{frames['rate']:.1f} updates/s; browser busy {frames['busy']:.0f} ms per "
                  f"update; {frames['first_kb']:.0f} KB sent before Play for one 300-epoch run; "
                  f"{frames['built']}; no Step, stops on a change", first_kb=frames["first_kb"]),
    ]


def _rate_row(what: str, design: dict, note: str, **extra: float) -> dict:
    """A row for one live-training design: milliseconds between updates, and updates/s."""
    rate = design["rate"]
    return {"what": what, "median_ms": 1000 / rate if rate else None, "p95_ms": None,
            "target_ms": None, "updates_per_s": rate, "browser_ms_per_update": design["busy"],
            "note": note, **extra}


def run(quick: bool) -> list[dict]:
    rows = _gradient_rows(quick)
    if not quick:
        try:
            rows += live_designs()
        except Exception as exc:  # report, never abort the table
            rows.append({"what": "live training designs", "median_ms": None, "p95_ms": None,
                         "target_ms": None, "note": f"failed: {exc!r}"[:160]})
    return rows
