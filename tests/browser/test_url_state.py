"""URL-bound widgets in the browser: the URL sets the slider, the slider rewrites the URL."""

import pytest

from tests.browser.helpers import assert_no_exception, start_server, wait_idle

SCRIPT = "tests/app/scripts/skeleton_page.py"


@pytest.fixture(scope="module")
def skeleton_server():
    proc, url = start_server(SCRIPT)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def line_end(page) -> float | None:
    return page.evaluate("document.querySelector('.js-plotly-plot')?.data?.[0]?.y?.[1] ?? null")


def test_url_sets_slider_and_key_press_rewrites_url_and_chart(page, skeleton_server):
    page.goto(f"{skeleton_server}/?x0=1.2")
    wait_idle(page)
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data?.[0]?.y?.[1] === 1.2")
    slider = page.get_by_role("slider", name="x₀")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data?.[0]?.y?.[1] === 1.3")
    page.wait_for_url("**x0=1.3**")
    wait_idle(page)
    assert_no_exception(page)


def test_invalid_url_value_shows_a_note_not_a_traceback(page, skeleton_server):
    page.goto(f"{skeleton_server}/?x0=banana")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot")
    assert page.get_by_text("not a valid value").count() == 1
    assert line_end(page) == 0.5
    assert_no_exception(page)
