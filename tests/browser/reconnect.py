"""A browser tab that loses its server and comes back: shared by the restart and replica tests.

A tab opens a lesson with a value in its link and moves one slider (the lesson's state is
then in its URL); a MutationObserver remembers whether the app ever left the CONNECTED
state; after the server is gone, the tab must reconnect by itself and show the same values,
read from its URL, with no exception.
"""

from __future__ import annotations

from tests.browser.helpers import assert_no_exception, wait_idle

# Page, query it opens with, slider key, the query value after one ArrowRight.
SLIDERS = {
    "Gradient_descent": ("?gd_steps=200", "gd_steps", "gd_steps=210"),
    "Media_mix": ("?mm_moved=800", "mm_moved", "mm_moved=850"),
    "Attribution": ("?at_discount_pct=30", "at_discount_pct", "at_discount_pct=35"),
    "Partial_derivatives": ("?pd_x0=1.2", "pd_x0", "pd_x0=1.25"),
}
WATCH_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__lost = false;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') window.__lost = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-connection-state']});
}"""


def visit(page, url: str, path: str, query: str = "") -> None:
    """Open a page; its first run must finish without an exception."""
    page.goto(f"{url}/{path}{query}")
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=90_000)
    wait_idle(page, timeout=90_000)
    assert_no_exception(page)


def move_slider(page, url: str, path: str) -> str:
    """Open ``path`` with a value in its link, press ArrowRight on that slider, watch the tab."""
    query, key, expected = SLIDERS[path]
    visit(page, url, path, query)
    page.locator(f".st-key-{key}").get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**{expected}**")
    page.wait_for_timeout(300)
    wait_idle(page, timeout=60_000)
    assert_no_exception(page)
    page.evaluate(WATCH_JS)
    return expected


def comes_back(page, path: str, expected: str) -> None:
    """The tab lost its server, reconnected by itself and shows the lesson as it was."""
    page.wait_for_function("window.__lost === true", timeout=30_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                           timeout=60_000)
    page.wait_for_timeout(500)
    wait_idle(page, timeout=90_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    assert_no_exception(page)
    assert expected in page.url
    _, key, _ = SLIDERS[path]
    value = float(page.locator(f".st-key-{key}").get_by_role("slider").evaluate("el => el.value"))
    assert value == float(expected.split("=")[1]), (path, value, expected)
