"""The partial-derivatives lesson in a real browser: key presses, scrubbers dragged with the mouse,
the 3-D tab, labels at 1366×768, screenshots."""

import math

import pytest

from tests.browser.helpers import (
    assert_no_exception,
    chart,
    drag_scrubber,
    open_lesson,
    save_screenshot,
    wait_idle,
)

PAGE = "Partial_derivatives"
WALK_X = "document.querySelector('.st-key-partials_walk_x .js-plotly-plot')"


def trace_index(page, key: str, name: str) -> int:
    script = (f"document.querySelector('.st-key-{key} .js-plotly-plot').data"
              f".findIndex(t => t.name === {name!r})")
    return page.evaluate(script)


def test_x0_key_press_moves_the_walk_and_the_url(page, server):
    open_lesson(page, server, PAGE, "?pd_fn=Ripple&pd_x0=0.8&pd_y0=0.5")
    assert_no_exception(page)
    page.wait_for_function(f"{WALK_X}?.data?.[1]?.x?.[1] === 0.8")
    page.get_by_role("slider", name="x₀").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.location.search.includes('pd_x0=0.85')")
    page.wait_for_function(f"{WALK_X}?.data?.[1]?.x?.[1] === 0.85")
    wait_idle(page)
    assert_no_exception(page)
    page.get_by_text(f"{math.cos(0.85) * math.cos(0.5):.4g}", exact=True).first.wait_for()


@pytest.mark.parametrize(("view", "key", "trace"), [
    ("", "partials_walk_x", "tangent: slope ∂f/∂x"),
    ("", "partials_walk_y", "tangent: slope ∂f/∂y"),
    ("&pd_view=Secant+to+tangent", "partials_secant", "secant through x₀ and x₀ + h"),
    ("&pd_view=Direction+and+gradient", "partials_direction", "u"),
])
def test_each_scrubber_follows_the_mouse_with_no_server_round_trip(page, server, view, key, trace):
    open_lesson(page, server, PAGE, f"?pd_fn=Ripple&pd_x0=0.8&pd_y0=0.5{view}")
    chart(page, key).wait_for()
    result = drag_scrubber(page, key, trace=trace_index(page, key, trace))
    assert result["changes"] >= 5, result
    assert result["reruns"] == 0, result
    assert_no_exception(page)


def test_the_3d_tab_and_a_bad_formula(page, server):
    open_lesson(page, server, PAGE, "?pd_fn=Ripple&pd_x0=0.85&pd_y0=0.5&pd_tplane=true"
                "&pd_view=The+surface+in+3-D")
    surface = chart(page, "partials_surface")
    surface.wait_for()
    names = page.evaluate("Array.from(document.querySelector('.st-key-partials_surface "
                          ".js-plotly-plot').data, t => t.name)")
    assert "slice x = 0.85" in names and "tangent plane" in names
    surface.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # let WebGL finish drawing before the screenshot
    save_screenshot(page, "partial_derivatives_3d", full_page=False)

    open_lesson(page, server, PAGE, "?pd_fn=Custom+formula&pd_formula=x%5E2%2By")
    page.wait_for_function(f"!!({WALK_X}?.data)")
    box = page.get_by_role("textbox", name="Your formula f(x, y)")
    box.fill("x.__class__")
    box.press("Enter")
    page.get_by_text("Not allowed in a formula", exact=False).wait_for()
    wait_idle(page)
    assert page.evaluate(f"!!({WALK_X}?.data)")
    assert_no_exception(page)


def test_labels_fit_at_1366_by_768_and_screenshot(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_lesson(page, server, PAGE, "?pd_fn=Ripple&pd_x0=0.8&pd_y0=0.5")
        chart(page, "partials_sales").wait_for()
        labels = page.locator('[data-testid="stMetricLabel"]')
        assert labels.count() >= 8  # four at the point, four in the sales forecast
        cut = page.evaluate("""() => Array.from(document.querySelectorAll(
            '[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div'))
            .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)""")
        assert not cut, f"labels cut short: {cut}"
        page.get_by_text("Walk along the slices").first.evaluate("el => el.scrollIntoView()")
        page.wait_for_timeout(500)
        save_screenshot(page, "partial_derivatives", full_page=False)
    finally:
        context.close()
