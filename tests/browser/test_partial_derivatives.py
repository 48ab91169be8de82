"""The partial-derivatives lesson in a real browser: move x0, the 3-D slices follow; screenshot."""

import math

from tests.browser.helpers import assert_no_exception, open_lesson, save_screenshot, wait_idle

SURFACE = "document.querySelectorAll('.js-plotly-plot')[0]"
SLICE_X = f"{SURFACE}?.data?.find(t => (t.name || '').startsWith('slice x'))"


def slice_name(page) -> str | None:
    return page.evaluate(f"{SLICE_X}?.name ?? null")


def test_x0_slider_moves_the_slice_and_screenshot(page, server):
    open_lesson(page, server, "Partial_derivatives", "?pd_fn=Ripple&pd_x0=0.8&pd_y0=0.5&pd_tplane=true")
    assert_no_exception(page)
    page.wait_for_function(f"!!({SLICE_X})")
    assert slice_name(page) == "slice x = 0.80"

    page.get_by_role("slider", name="x₀").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.location.search.includes('x0=0.85')")
    page.wait_for_function(f"{SLICE_X}?.name === 'slice x = 0.85'")
    wait_idle(page)
    assert_no_exception(page)
    # The trace data itself moved too (Plotly keeps NumPy arrays as base64 typed arrays).
    x = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')[0]._fullData"
        ".find(t => t.name.startsWith('slice x')).x).slice(0, 3)"
    )
    assert x == [0.85, 0.85, 0.85]
    # The metric shows the new exact partial ∂f/∂x = cos(x0) cos(y0).
    page.get_by_text(f"{math.cos(0.85) * math.cos(0.5):.4g}", exact=True).first.wait_for()

    page.get_by_text("2 · The surface", exact=False).first.evaluate("el => el.scrollIntoView()")
    page.wait_for_timeout(1000)  # let WebGL finish drawing before the screenshot
    save_screenshot(page, "partial_derivatives", full_page=False)

    # A bad formula shows an inline error and keeps the plot.
    open_lesson(page, server, "Partial_derivatives", "?pd_fn=Custom+formula&pd_formula=x%5E2%2By")
    page.wait_for_function(f"!!({SLICE_X})")
    box = page.get_by_role("textbox", name="Your formula f(x, y)")
    box.fill("x.__class__")
    box.press("Enter")
    page.get_by_text("Not allowed in a formula", exact=False).wait_for()
    wait_idle(page)
    assert page.evaluate(f"!!({SLICE_X})")
    assert_no_exception(page)
