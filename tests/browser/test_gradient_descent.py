"""Gradient descent in Chromium: the log-scale learning-rate slider drives URL, paths and messages."""

from tests.browser.helpers import assert_no_exception, open_lesson, save_screenshot, wait_idle

# Trace order in the contour: contour, arrow field, click overlay, minima, then per run
# (path, start). The first run's path is trace 4.
FIRST_PATH_LENGTH = (
    "(() => { const d = document.querySelector('.js-plotly-plot')?.data;"
    " const f = document.querySelector('.js-plotly-plot')?._fullData;"
    " return f?.[4]?._length ?? null; })()"
)


def test_lr_slider_steps_through_log_values_to_divergence(page, server):
    open_lesson(page, server, "Gradient_descent", "?gd_lr1=0.15&gd_on2=false&gd_on3=false")
    page.wait_for_function(f"{FIRST_PATH_LENGTH} === 101")  # 100 steps on the bowl
    assert page.get_by_text("diverged at step").count() == 0

    slider = page.get_by_role("slider", name="Learning rate (log scale)").nth(0)
    slider.focus()
    page.keyboard.press("ArrowRight")  # 0.15 -> 0.2: exactly the limit 2/λmax for κ = 10
    page.wait_for_url("**lr1=0.2**")
    wait_idle(page)
    page.get_by_text("beyond the stability limit").first.wait_for()

    slider.focus()
    page.keyboard.press("ArrowRight")  # 0.2 -> 0.3: past the limit, diverges
    page.wait_for_url("**lr1=0.3**")
    page.get_by_text("diverged at step").first.wait_for()
    # the path stops at the last finite point
    page.wait_for_function(f"({FIRST_PATH_LENGTH} ?? 999) < 101")
    wait_idle(page)
    assert_no_exception(page)


def test_three_optimizers_on_rosenbrock_screenshot(page, server):
    page.set_viewport_size({"width": 1400, "height": 1250})
    open_lesson(page, server, "Gradient_descent",
                "?gd_surface=Rosenbrock+valley&gd_steps=500&gd_lr1=0.0015&gd_lr2=0.0015&gd_lr3=0.1")
    page.wait_for_function(f"{FIRST_PATH_LENGTH} === 501")
    page.evaluate("document.querySelector('[data-testid=stMain]')?.scrollTo(0, 330)")
    assert page.get_by_text("diverged at step").count() == 0
    assert_no_exception(page)
    save_screenshot(page, "gradient_descent", full_page=False)
    # a click on the map starts every optimizer there (a scatter overlay, as contours can't select)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    x = box["x"] + box["width"] * (0.6 + 2) / 4  # window x in [-2, 2], y in [-1, 3]
    y = box["y"] + box["height"] * (3 - 2.6) / 4
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_url(lambda url: "x0_rosenbrock=0.6" in url and "y0_rosenbrock=2.6" in url)
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot')?._fullData?.[4]?.x?.[0] === 0.6")
    wait_idle(page)
    assert_no_exception(page)
