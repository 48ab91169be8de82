"""Browser time: from a slider key press until the app is idle again with new chart data.

Every figure is measured in the same session as the floor, a one-slider one-chart reference
app (``bench/reference_app.py``) served by its own ``streamlit run``; the figure that matters
is each page's median as a ratio to the reference median. A press is timed twice: until any
Plotly chart on the page holds a new data array (Streamlit hands Plotly a fresh figure on
every rerun that changes it: "key→chart"), and until the script has finished and the app is
idle again ("key→idle", the round trip a learner waits for, and the figure the ratio uses).
On the same open page, every in-browser scrubber is then dragged (``bench/drag_steps.py``),
and its step time is reported as a ratio to the same floor.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import drag_steps
from bench.stats import progress, row, summarize
from tests.browser.helpers import CHROMIUM_FLAGS, IDLE, ROOT, chromium_path, start_server

MARK_JS = """() => document.querySelectorAll('.js-plotly-plot').forEach(gd => {
  gd.__benchMark = true; if (gd.data) gd.data.__benchMark = true; })"""
CHANGED_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(
  gd => !gd.__benchMark || (gd.data && !gd.data.__benchMark))"""
HAS_CHART_JS = "() => !!document.querySelector('.js-plotly-plot')?.data"
RANGE_JS = "el => [Number(el.value), Number(el.min), Number(el.max)]"
PRESS_TIMEOUT_MS = 10_000
#: Targets from issue 15, as ratios to the reference app's key→idle round trip.
KEY_TARGET_RATIO = 1.5
DRAG_TARGET_RATIO = 0.3


@contextlib.contextmanager
def server(script: str) -> Iterator[str]:
    """A ``streamlit run`` of ``script`` bound to 127.0.0.1, stopped on exit."""
    proc, url = start_server(script)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (the system one), with HOME pointed at a temporary folder."""
    from playwright.sync_api import sync_playwright

    home = tempfile.mkdtemp(prefix="bench-chromium-")
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = home
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if old_home is not None:
            os.environ["HOME"] = old_home
        shutil.rmtree(home, ignore_errors=True)


def url_path(page_file: str) -> str:
    """The URL path Streamlit derives from a page file name (``2_Gradient_descent``).

    The entry script (``app.py``, the home page) is served at the root: ``""``.
    """
    if Path(page_file).name == "app.py":
        return ""
    stem = Path(page_file).stem
    return stem.split("_", 1)[1] if stem[0].isdigit() else stem


def page_name(page_file: str) -> str:
    """A short name for rows: the URL path, ``home`` for the entry script."""
    return url_path(page_file) or "home"


def _open(page, url: str) -> bool:
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=60_000)
    try:
        page.wait_for_function(HAS_CHART_JS, timeout=20_000)
    except Exception:
        return False
    page.wait_for_selector(IDLE)
    return True


def _press(page, slider) -> tuple[float, float] | None:
    """One key press on the slider; milliseconds until a chart changed and until idle.

    None if no chart changed within the timeout. Moves right until the maximum, then left
    until the minimum, and so on, so that a run of presses mostly asks for values the page
    has not computed yet.
    """
    value, low, high = slider.evaluate(RANGE_JS)
    going_left = slider.evaluate("el => el.dataset.benchLeft === '1'")
    if value >= high:
        going_left = True
    elif value <= low:
        going_left = False
    slider.evaluate(f"el => {{ el.dataset.benchLeft = '{int(going_left)}'; }}")
    key = "ArrowLeft" if going_left else "ArrowRight"
    page.evaluate(MARK_JS)
    start = time.perf_counter()
    page.keyboard.press(key)
    try:
        page.wait_for_function(CHANGED_JS, timeout=PRESS_TIMEOUT_MS, polling="raf")
    except Exception:
        return None
    chart = (time.perf_counter() - start) * 1000.0
    page.wait_for_selector(IDLE, timeout=60_000)
    return chart, (time.perf_counter() - start) * 1000.0


def _choose_slider(page, hint: str | None):
    """The first slider whose key press changes a chart (the hinted label first)."""
    main = page.locator('[data-testid="stMain"]')
    candidates = main.get_by_role("slider").all()
    if hint:
        candidates = [*main.get_by_role("slider", name=hint).all(), *candidates]
    for slider in candidates[:5]:
        label = slider.get_attribute("aria-label") or "?"
        slider.focus()
        if _press(page, slider) is not None:
            return slider, label
    return None, None


def prepare(page, url: str, hint: str | None = None):
    """Open a page and find its slider; (slider, label) or (None, reason)."""
    if not _open(page, url):
        return None, "no chart"
    slider, label = _choose_slider(page, hint)
    if slider is None:
        return None, "no slider changes a chart"
    _press(page, slider)  # one more warm-up press
    return slider, label


def presses_on(page, slider, count: int) -> tuple[list[tuple[float, float]], int]:
    """(key→chart, key→idle) times of ``count`` key presses; how many timed out."""
    page.bring_to_front()
    samples, timeouts = [], 0
    for _ in range(count):
        slider.focus()
        elapsed = _press(page, slider)
        if elapsed is None:
            timeouts += 1
            page.wait_for_selector(IDLE, timeout=60_000)
        else:
            samples.append(elapsed)
    return samples, timeouts


def idle_times(samples: list[tuple[float, float]]) -> list[float]:
    """The key→idle times of :func:`presses_on`'s samples."""
    return [s[1] for s in samples]


def chart_times(samples: list[tuple[float, float]]) -> list[float]:
    """The key→chart times of :func:`presses_on`'s samples."""
    return [s[0] for s in samples]


def measure(pages: list[str], quick: bool, hints: dict[str, str] | None = None,
            presses: int | None = None, drags: bool = True,
            queries: dict[str, str] | None = None) -> list[dict]:
    """Reference app and each page in one session; page rows carry ``ratio`` to the floor.

    The floor is re-measured right before each page (a few presses on the reference app,
    kept open in its own tab), so a change in machine load during the run does not skew
    the ratios; the reference row pools every reference press. With ``drags``, every
    scrubber of each page is dragged after its key presses (one row per scrubber).
    ``queries`` opens a page with a URL query (``?...``), e.g. to unfold the section
    holding its hinted slider.
    """
    if chromium_path() is None:
        return [{"what": "browser: skipped", "median_ms": None, "p95_ms": None,
                 "target_ms": None, "note": "no Chromium found"}]
    presses = presses or (5 if quick else 20)
    local = max(2, presses // 3)
    hints, queries = hints or {}, queries or {}
    with contextlib.ExitStack() as stack:
        browser = stack.enter_context(chromium())
        ref_url = stack.enter_context(server("bench/reference_app.py"))
        app_url = stack.enter_context(server("app.py")) if pages else ""
        ref_page, page = (_new_page(browser) for _ in range(2))
        ref_slider, _ = prepare(ref_page, ref_url)
        pooled, _ = presses_on(ref_page, ref_slider, presses)
        rows = []
        for page_file in pages:
            progress(f"key→idle and drag steps: {page_name(page_file)}")
            floor_samples, _ = presses_on(ref_page, ref_slider, local)
            pooled += floor_samples
            floors = summarize(idle_times(floor_samples))[0], summarize(chart_times(floor_samples))[0]
            rows.extend(_page_rows(page, app_url, page_file, presses, hints.get(page_file), floors,
                                   drag_moves=(6 if quick else 12) if drags else 0,
                                   query=queries.get(page_file, "")))
        if drags:
            rows.extend(_motion_floor(stack, page, summarize(idle_times(pooled))[0], quick))
    reference = row("browser: reference app (1 slider, 1 contour) key→idle", idle_times(pooled),
                    ratio=1.0, chart_ms=summarize(chart_times(pooled))[0],
                    note=f"the floor; key→chart median {summarize(chart_times(pooled))[0]:.0f} ms; "
                    f"re-measured ({local} presses) before each page, whose ratios are to that")
    return [reference, *rows]


def _motion_floor(stack, page, floor_ms: float, quick: bool) -> list[dict]:
    """Drag steps of the smallest motions (``bench/reference_motion.py``): Plotly's own floor."""
    progress("drag steps: reference motions")
    try:
        url = stack.enter_context(server("bench/reference_motion.py"))
        if not _open(page, url):
            raise RuntimeError("the reference motions drew no chart")
        return drag_steps.rows(page, "reference motion", 6 if quick else 12, floor_ms,
                               DRAG_TARGET_RATIO, seen=set())
    except Exception as exc:  # report, never abort the table
        return [{"what": "drag: reference motion", "median_ms": None, "p95_ms": None,
                 "target_ms": None, "note": f"failed: {exc!r}"[:160]}]


def _new_page(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    return page


def _page_rows(page, app_url: str, page_file: str, presses: int, hint: str | None,
               floors: tuple[float, float], drag_moves: int, query: str = "") -> list[dict]:
    """The key→idle row of a page, then one drag row per scrubber on it."""
    name = page_name(page_file)
    try:
        slider, label = prepare(page, f"{app_url}/{url_path(page_file)}{query}", hint)
        samples, timeouts = presses_on(page, slider, presses) if slider is not None else ([], 0)
    except Exception as exc:  # report, never abort the table
        return [{"what": f"browser: {name}", "median_ms": None, "p95_ms": None, "target_ms": None,
                 "note": f"failed: {exc!r}"[:160]}]
    if slider is None:
        rows = [{"what": f"browser: {name}", "median_ms": None, "p95_ms": None, "target_ms": None,
                 "note": label}]
    else:
        rows = [_key_row(name, label, samples, timeouts, floors)]
    if drag_moves and label != "no chart":
        try:
            page.wait_for_selector(IDLE, timeout=60_000)
            rows += drag_steps.rows_in_every_tab(page, name, drag_moves, floors[0], DRAG_TARGET_RATIO)
        except Exception as exc:
            rows.append({"what": f"drag: {name}", "median_ms": None, "p95_ms": None,
                         "target_ms": None, "note": f"failed: {exc!r}"[:160]})
    return rows


def _ratio(value: float, floor: float) -> float | None:
    return value / floor if value == value and floor == floor and floor > 0 else None


def _key_row(name: str, label: str, samples: list[tuple[float, float]], timeouts: int,
             floors: tuple[float, float]) -> dict:
    """Key→idle (the ratio) and key→chart (in the note and JSON) of one page."""
    idle, chart = idle_times(samples), chart_times(samples)
    floor, chart_floor = floors
    ratio = _ratio(summarize(idle)[0], floor)
    note = (f"slider '{label}', {len(samples)} presses; key→chart {summarize(chart)[0]:.0f} ms "
            f"({_ratio(summarize(chart)[0], chart_floor) or 0:.1f}×)")
    if timeouts:
        note += f", {timeouts} with no chart change in {PRESS_TIMEOUT_MS // 1000} s"
    if ratio is not None:
        note += f"; floor just before: {floor:.0f} ms"
    return row(f"browser: {name} key→idle", idle, note=note, ratio=ratio,
               target_ratio=KEY_TARGET_RATIO, floor_ms=floor, chart_ms=summarize(chart)[0],
               chart_ratio=_ratio(summarize(chart)[0], chart_floor))


if __name__ == "__main__":  # quick manual check: python -m bench.browser_time
    os.chdir(ROOT)
    for item in measure([], quick=True):
        print(item)
