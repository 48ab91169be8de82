"""Drag-step time of the in-browser motions: mouse move on a Plotly scrubber → chart holds new data.

A *scrubber* is any Plotly chart on a page whose ``layout.sliders`` has steps that change the
chart in the browser (``method`` ``animate``, ``restyle`` or ``update``): the lessons build
them with ``figures/motion.py``. They are discovered on the open page and in each of its
tabs, so a new motion gets its row without a change here.

One drag holds the mouse button down on the slider's grip and moves along the rail, one
mouse event per position, forward and back. A step is timed inside the page: from the
``mousemove`` event's own timestamp (when the browser received it) to the next animation
frame after Plotly reported the chart changed (``plotly_animated`` / ``plotly_restyle``)
with the slider on a new step, that is, until the new state is on screen. A
MutationObserver counts Streamlit reruns meanwhile: a scrubber that runs in the browser
has none.
"""

from __future__ import annotations

import contextlib

from bench.stats import row, summarize
from tests.browser.helpers import IDLE

METHODS = ("animate", "restyle", "update")
STEP_TIMEOUT_MS = 2_000
APP = '[data-testid="stApp"]'
TABS = '[data-testid="stMain"] [role="tab"]'
DRAWN_JS = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).every(gd => gd._fullLayout)"

FIND_JS = """(methods) => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd, index) => {
  const sliders = (gd._fullLayout?.sliders || []).filter(s => s.visible !== false);
  const slider = sliders.findIndex(s => (s.steps || []).some(st => methods.includes(st.method)));
  const key = gd.closest('[class*="st-key-"]')?.className.match(/st-key-(\\S+)/)?.[1] || null;
  return {index, key, slider, steps: slider < 0 ? 0 : sliders[slider].steps.length,
          methods: slider < 0 ? [] : [...new Set(sliders[slider].steps.map(st => st.method))],
          frames: (gd._transitionData?._frames || []).length};
}).filter(s => s.slider >= 0)"""

INSTALL_JS = """(gd) => {
  const active = () => (gd._fullLayout?.sliders || []).map(s => s.active).join(',');
  const m = window.__drag = {gd, reruns: 0, steps: [], move: null, active: active()};
  if (!window.__dragMove) {
    window.__dragMove = true;
    document.addEventListener('mousemove', e => { if (window.__drag) window.__drag.move = e.timeStamp; },
                              {capture: true});
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => {
      if (window.__drag && app.getAttribute('data-test-script-state') === 'running') window.__drag.reruns++;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  const changed = () => {
    if (window.__drag !== m || m.move === null) return;
    const now = active();
    if (now === m.active) return;
    m.active = now;
    const start = m.move, data = performance.now();
    m.move = null;
    requestAnimationFrame(() => m.steps.push([data - start, performance.now() - start]));
  };
  ['plotly_animated', 'plotly_restyle', 'plotly_redraw'].forEach(name => gd.on(name, changed));
}"""


def find(page) -> list[dict]:
    """The scrubbers on the open page: chart index, Streamlit key, steps, methods, frames."""
    return page.evaluate(FIND_JS, list(METHODS))


def _positions(left: float, width: float, moves: int) -> list[float]:
    """``moves`` points along the rail, then back: each lands on a different step."""
    forward = [left + width * (i + 0.5) / moves for i in range(moves)]
    return forward + forward[-2::-1]


def drag(page, scrubber: dict, moves: int) -> dict:
    """Drag one scrubber along its rail; step times (ms), reruns and the steps that timed out."""
    plot = page.locator(".js-plotly-plot").nth(scrubber["index"])
    plot.scroll_into_view_if_needed()
    group = plot.locator(".slider-group").nth(scrubber["slider"])
    grip, rail = group.locator(".slider-grip-rect").bounding_box(), group.locator(".slider-rail-rect").bounding_box()
    if grip is None or rail is None:
        return {"data_ms": [], "paint_ms": [], "reruns": 0, "missed": 0, "note": "slider not visible"}
    page.evaluate(INSTALL_JS, plot.element_handle())
    y = grip["y"] + grip["height"] / 2
    page.mouse.move(grip["x"] + grip["width"] / 2, y)
    page.mouse.down()
    missed = 0
    try:
        for x in _positions(rail["x"], rail["width"], moves):
            before = page.evaluate("window.__drag.steps.length")
            page.mouse.move(x, y)
            try:
                page.wait_for_function(f"window.__drag.steps.length > {before}", timeout=STEP_TIMEOUT_MS)
            except Exception:  # the same step again, or a chart that did not change
                missed += 1
    finally:
        page.mouse.up()
    result = page.evaluate("({steps: window.__drag.steps, reruns: window.__drag.reruns})")
    with contextlib.suppress(Exception):
        page.evaluate("window.__drag = null")
    return {"data_ms": [s[0] for s in result["steps"]], "paint_ms": [s[1] for s in result["steps"]],
            "reruns": result["reruns"], "missed": missed, "note": ""}


def rows_in_every_tab(page, path: str, moves: int, floor_ms: float | None,
                      target_ratio: float) -> list[dict]:
    """One row per scrubber on the open page, opening each of its tabs in turn.

    Lessons render a tab only when it is open (``st.tabs`` with ``tab.open``), so a scrubber
    in another tab is found only after a click on that tab; each chart is dragged once.
    """
    out = rows(page, path, moves, floor_ms, target_ratio, seen=set())
    seen = {r["chart"] for r in out}
    tabs = page.locator(TABS)
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        if tab.get_attribute("aria-selected") == "true":
            continue
        tab.click()
        _settle(page)
        more = rows(page, path, moves, floor_ms, target_ratio, seen=seen)
        seen |= {r["chart"] for r in more}
        out += more
    if not out:
        return [{"what": f"drag: {path or 'home'}", "median_ms": None, "p95_ms": None, "target_ms": None,
                 "note": "no scrubber on this page (no Plotly slider with animate/restyle steps)",
                 "scrubbers": 0}]
    return out


def _settle(page) -> None:
    """Wait for the rerun a tab click starts, then for every chart on the page to be drawn."""
    with contextlib.suppress(Exception):
        page.wait_for_selector(f'{APP}:not([data-test-script-state="notRunning"])', timeout=2_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    with contextlib.suppress(Exception):
        page.wait_for_function(DRAWN_JS, timeout=10_000)


def rows(page, path: str, moves: int, floor_ms: float | None, target_ratio: float,
         seen: set[str]) -> list[dict]:
    """One row per scrubber on the open page whose chart is not in ``seen``."""
    out = []
    for scrubber in find(page):
        name = scrubber["key"] or f"chart {scrubber['index']}"
        if name in seen:
            continue
        try:
            drag(page, scrubber, max(2, min(moves, scrubber["steps"] - 1)))  # warm-up pass
            result = drag(page, scrubber, max(2, min(moves, scrubber["steps"] - 1)))
        except Exception as exc:  # report, never abort the table
            out.append({"what": f"drag: {path or 'home'} {name}", "median_ms": None, "p95_ms": None,
                        "target_ms": None, "note": f"failed: {exc!r}"[:160], "chart": name})
            continue
        samples = result["paint_ms"]
        median, _ = summarize(samples)
        ratio = median / floor_ms if samples and floor_ms else None
        note = (f"{len(samples)} steps of {scrubber['steps']} ({'/'.join(scrubber['methods'])}, "
                f"{scrubber['frames']} frames); {result['reruns']} reruns")
        if result["missed"]:
            note += f"; {result['missed']} moves with no new step"
        data_median, _ = summarize(result["data_ms"])
        out.append(row(f"drag: {path or 'home'} {name}", samples, note=note, ratio=ratio,
                       target_ratio=target_ratio, floor_ms=floor_ms, data_ms=data_median,
                       reruns=result["reruns"], chart=name, frames=scrubber["frames"]))
    return out
