"""The home page and the shared pieces in a real Chromium."""

import re

import pytest

from tests.browser.helpers import (
    assert_no_exception,
    chart,
    drag_scrubber,
    open_lesson,
    save_screenshot,
    start_server,
    wait_idle,
)
from ui.registry import available


def test_home_page_renders_map_and_links(page, server):
    open_lesson(page, server)
    assert_no_exception(page)
    assert page.title() == "Marginal Lab"
    page.wait_for_selector(".js-plotly-plot")
    assert page.get_by_text("How the ideas connect").is_visible()
    for item in available():
        assert page.get_by_role("link", name=item.title).first.is_visible()
    save_screenshot(page, "home")


@pytest.mark.parametrize("lesson", available(), ids=lambda lesson: lesson.url_path)
def test_every_lesson_deep_link_loads_without_exception(page, server, lesson):
    open_lesson(page, server, lesson.url_path)
    assert_no_exception(page)
    assert page.title() == f"{lesson.title} · Marginal Lab"
    page.wait_for_selector(".js-plotly-plot")


def test_presenter_mode_persists_across_pages(page, server):
    lessons = available()
    if not lessons:
        pytest.skip("no lesson page installed yet")
    open_lesson(page, server)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Presenter mode").click()
    page.wait_for_function(
        "document.querySelector('[role=switch]')?.getAttribute('aria-checked') === 'true'"
        " || document.querySelector('[role=switch]')?.checked === true"
    )
    wait_idle(page)
    sidebar.get_by_role("link", name=lessons[0].title).click()
    page.wait_for_url(re.compile(lessons[0].url_path))
    wait_idle(page)
    assert page.get_by_role("switch", name="Presenter mode").is_checked()
    assert page.get_by_text("The mathematics").count() == 0
    assert_no_exception(page)


def test_fresh_server_deep_link_gets_page_config(browser):
    """A deep link opened first on a fresh server still runs the page's own set-up."""
    lessons = available()
    if not lessons:
        pytest.skip("no lesson page installed yet")
    proc, url = start_server()
    try:
        context = browser.new_context()
        page = context.new_page()
        open_lesson(page, url, lessons[-1].url_path)
        # The shared sidebar is there too (wait: the first run can still be drawing it).
        page.get_by_role("switch", name="Presenter mode").wait_for(timeout=30_000)
        assert page.title() == f"{lessons[-1].title} · Marginal Lab"
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_home_slider_key_press_moves_the_tangent_and_the_url(page, server):
    open_lesson(page, server)
    page.wait_for_function(
        "document.querySelector('[class*=\"plotly\"] .js-plotly-plot, .js-plotly-plot')?.data?.[2]?.x?.[0] === 2100000"
    )
    page.get_by_role("slider", name="TV spend per quarter ($K)").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data?.[2]?.x?.[0] === 2150000")
    page.wait_for_url("**home_tv=2150**")
    wait_idle(page)
    assert page.get_by_text("$2,150,000").count() >= 1
    assert_no_exception(page)


def test_the_tangent_follows_the_mouse_with_no_server_round_trip(page, server):
    open_lesson(page, server, "", "?home_tv=1000")
    chart(page, "idea_chart").wait_for()
    assert page.evaluate(
        "document.querySelector('.st-key-idea_chart .js-plotly-plot').data[2].x[0]") == 1e6
    result = drag_scrubber(page, "idea_chart", trace=2)
    assert result["changes"] >= 5, result
    assert result["reruns"] == 0, result
    assert_no_exception(page)
