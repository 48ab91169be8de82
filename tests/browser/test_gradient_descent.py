"""Gradient descent in Chromium: the learning-rate ladder, the replay played in the browser,
click-to-start on the map, and the momentum map."""

from tests.browser.helpers import (
    assert_no_exception,
    chart,
    drag_scrubber,
    open_lesson,
    save_screenshot,
    wait_idle,
)

# Trace order in the map: click overlay, minima, then per run (path, start), then one trace
# of every run's current point and arrow. The first run's path is trace 2.
FIRST_PATH_LENGTH = (
    "(() => document.querySelector('.st-key-gd_contour .js-plotly-plot')"
    "?._fullData?.[2]?._length ?? null)()"
)
MOVING_TRACE = 8  # with three runs on a surface with a known minimum


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


def test_the_replay_scrubs_every_optimizer_in_the_browser_and_keeps_the_map(page, server):
    open_lesson(page, server, "Gradient_descent")
    plot = chart(page, "gd_contour")
    plot.wait_for()
    images = ".st-key-gd_contour .imagelayer image"  # the contour picture, under the map
    page.locator(images).first.wait_for(state="attached")
    assert page.locator(images).count() == 1
    result = drag_scrubber(page, "gd_contour", trace=MOVING_TRACE)
    assert result["changes"] >= 5, result
    assert result["reruns"] == 0, result  # no server round trip while dragging
    # the frames moved only the dots: the contour picture and the arrow field are still there
    assert page.locator(images).count() == 1
    assert page.locator(".st-key-gd_contour .shapelayer path[d*='M']").count() >= 1
    before = page.evaluate(
        f"JSON.stringify(document.querySelector('.st-key-gd_contour .js-plotly-plot')"
        f".data[{MOVING_TRACE}].x)")
    plot.scroll_into_view_if_needed()
    page.locator(".st-key-gd_contour .updatemenu-button").first.click()  # ▶ Play from here
    page.wait_for_function(
        f"JSON.stringify(document.querySelector('.st-key-gd_contour .js-plotly-plot')"
        f".data[{MOVING_TRACE}].x) !== {before!r}")
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
    # a click on the map starts every optimizer at the nearest point of a 15 x 15 lattice
    # (a scatter overlay: a picture can't select), on the start sliders' 0.02 grid
    box = page.locator(".st-key-gd_contour .nsewdrag").first.bounding_box()
    x = box["x"] + box["width"] * (0.6 + 2) / 4  # window x in [-2, 2], y in [-1, 3]
    y = box["y"] + box["height"] * (3 - 2.6) / 4
    page.mouse.move(x, y)
    page.mouse.click(x, y)  # nearest lattice point: (-2 + 4 * 9/14, -1 + 4 * 13/14)
    page.wait_for_url(lambda url: "x0_rosenbrock=0.58" in url and "y0_rosenbrock=2.72" in url)
    page.wait_for_function(
        "document.querySelector('.st-key-gd_contour .js-plotly-plot')?._fullData?.[2]?.x?.[0]"
        " === 0.58")
    wait_idle(page)
    assert_no_exception(page)


PHASE = "document.querySelector('.st-key-gd_phase .js-plotly-plot')"
TO_SCREEN = f"""([a, b]) => {{
  const gd = {PHASE}; const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const r = gd.getBoundingClientRect();
  return [r.left + xa._offset + xa.d2p(a), r.top + ya._offset + ya.d2p(b)]; }}"""


def test_a_click_on_the_momentum_map_runs_that_setting(page, server):
    page.set_viewport_size({"width": 1400, "height": 1100})
    open_lesson(page, server, "Gradient_descent", "?gd_on2=false&gd_on3=false")
    page.get_by_text("Momentum, mapped").click()  # the section is folded until opened
    chart(page, "gd_phase").scroll_into_view_if_needed()
    page.wait_for_function(f"!!{PHASE}?._fullLayout?.xaxis")
    path_x = ("document.querySelector('.st-key-gd_mom_path .js-plotly-plot')"
              "?._fullData?.[1]?.x?.[5]")
    first = page.evaluate(path_x)
    # the star: the fastest setting, alpha* = (2 / (0.2 + 1))^2, beta* = (4/6)^2 for kappa 25
    x, y = page.evaluate(TO_SCREEN, [2.7778, 0.4444])
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    # snaps to the fastest pair on the sliders' 0.01 grid (2.78, 0.44 would be x 0.764)
    page.wait_for_url(lambda url: "gd_malpha=2.71" in url and "gd_mbeta=0.45" in url)
    page.wait_for_function(f"{path_x} !== {first}")
    page.get_by_text("shrinks the error × 0.671").first.wait_for(state="visible")
    wait_idle(page)
    # a click anywhere else on the map picks the nearest lattice point
    x, y = page.evaluate(TO_SCREEN, [1.0, 0.2])
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_url(lambda url: "gd_malpha=0.96" in url and "gd_mbeta=0.2" in url)
    wait_idle(page)
    assert_no_exception(page)
    chart(page, "gd_phase").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('[data-testid=stMain]')?.scrollBy(0, -160)")
    save_screenshot(page, "gradient_descent_momentum_map", full_page=False)
