"""Browser-test helpers: start the app, launch flags, wait for reruns, screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)


def chromium_path() -> str | None:
    """The system Chromium if there is one; None means Playwright's own build."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    script: str = "app.py", cwd: Path = ROOT, stderr: int | None = None,
    port: int | None = None, extra: tuple[str, ...] = (), preload: bool | None = None,
) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run`` bound to localhost; return the process and its base URL.

    The server's log goes to ``test-artifacts/streamlit-<port>.log`` unless ``stderr``
    says otherwise (a pipe must then be drained by the caller). ``port`` defaults to a free
    one; ``extra`` adds Streamlit options (``("--runner.postScriptGC", "false")``).
    ``preload`` starts the app as ``make run`` does, through :mod:`deploy.launch` (the
    lessons imported before the server listens); it defaults to true for ``app.py``. False
    is a plain ``streamlit run``, as Community Cloud starts it.
    """
    port = port or free_port()
    preload = script == "app.py" if preload is None else preload
    runner = ["deploy.launch"] if preload else ["streamlit", "run"]
    command = [
        sys.executable, "-m", *runner, script, "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", *extra,
    ]
    if stderr is None:
        ARTIFACTS.mkdir(exist_ok=True)
        with open(ARTIFACTS / f"streamlit-{port}.log", "ab") as log:
            proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=log)
    else:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop_server(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a server started by :func:`start_server`; kill it if it lingers."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished its rerun and the app is connected."""
    page.wait_for_selector(IDLE, timeout=timeout)


def open_lesson(page, server: str, url_path: str = "", query: str = "") -> None:
    """Open a page (``""`` for home) and wait for its first run to finish."""
    page.goto(f"{server}/{url_path}{query}")
    page.wait_for_selector('[data-testid="stApp"]')
    wait_idle(page)


def assert_no_exception(page) -> None:
    count = page.locator('[data-testid="stException"]').count()
    assert count == 0, page.locator('[data-testid="stException"]').first.inner_text()


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot under docs/screenshots/ (used by the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def chart(page, key: str):
    """The Plotly chart rendered with the Streamlit key ``key``."""
    return page.locator(f".st-key-{key} .js-plotly-plot").first


_WATCH = """([root, trace, axis]) => {
  const plot = document.querySelector(root + ' .js-plotly-plot');
  const app = document.querySelector('[data-testid="stApp"]');
  window.__motion = {reruns: 0, changes: 0, last: JSON.stringify(plot.data[trace][axis])};
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__motion.reruns++;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  plot.on('plotly_animated', () => {
    const now = JSON.stringify(plot.data[trace][axis]);
    if (now !== window.__motion.last) { window.__motion.changes++; window.__motion.last = now; }
  });
}"""


def drag_scrubber(page, key: str, trace: int, moves: int = 12, axis: str = "x") -> dict:
    """Drag the Plotly slider of chart ``key`` along its rail with the mouse.

    Returns how many times trace ``trace``'s ``axis`` data changed while dragging, how many
    Streamlit reruns happened (there must be none: the motion runs in the browser), and
    the milliseconds from each mouse move until the chart held new data.
    """
    root = f".st-key-{key}"
    plot = chart(page, key)
    plot.scroll_into_view_if_needed()
    page.evaluate(_WATCH, [root, trace, axis])
    grip = plot.locator(".slider-grip-rect").first.bounding_box()
    rail = plot.locator(".slider-rail-rect").first.bounding_box()
    y = grip["y"] + grip["height"] / 2
    page.mouse.move(grip["x"] + grip["width"] / 2, y)
    page.mouse.down()
    step_ms = []
    for i in range(1, moves + 1):
        before = page.evaluate("window.__motion.changes")
        start = time.perf_counter()
        page.mouse.move(rail["x"] + rail["width"] * i / (moves + 1), y)
        try:
            page.wait_for_function(f"window.__motion.changes > {before}", timeout=2_000)
            step_ms.append((time.perf_counter() - start) * 1000)
        except Exception:  # the same frame again (a small move): no change to wait for
            pass
    page.mouse.up()
    result = page.evaluate("window.__motion")
    return {"changes": result["changes"], "reruns": result["reruns"], "step_ms": step_ms}
