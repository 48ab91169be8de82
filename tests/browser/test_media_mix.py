"""Media-mix lesson in a real browser: a key press reruns the plan, the report opens offline."""

from __future__ import annotations

import re

from tests.browser.helpers import assert_no_exception, open_lesson, save_screenshot, wait_idle

METRIC = '[data-testid="stMetricValue"]'
CAP = "Move at most this quarter ($K)"


def _first_metric(page) -> str:
    return page.locator(METRIC).first.inner_text()


def _raise_cap_to_default(page) -> None:
    """One key press per rerun: 300 -> 500 ($K); the default (500) leaves the URL."""
    for expected in ("moved=350", "moved=400", "moved=450", None):
        page.get_by_role("slider", name=CAP).focus()
        page.keyboard.press("ArrowRight")
        if expected:
            page.wait_for_function(f"location.search.includes('{expected}')")
        else:
            page.wait_for_function("!location.search.includes('moved=')")
        wait_idle(page)


def _report_opens_offline(page, browser, tmp_path) -> None:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report (HTML, works offline)").click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "Television" in text and not re.search(r"<script[^>]+src=", text)
    offline = browser.new_context()
    try:
        offline.route(re.compile(r"^https?://.*"), lambda route: route.abort())
        report = offline.new_page()
        report.goto(path.as_uri())
        report.wait_for_function(
            "typeof window.Plotly === 'object' && "
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3"
        )
    finally:
        offline.close()


def test_media_mix_plan_reruns_and_report_opens_offline(page, server, browser, tmp_path):
    open_lesson(page, server, "Media_mix", "?mm_moved=300")
    page.wait_for_selector(".js-plotly-plot")
    assert_no_exception(page)
    before = _first_metric(page)
    _raise_cap_to_default(page)
    # TV -500K, search +300K, video +200K. Wait for the final rerun's value: right after the
    # last key press the app can still read idle while showing an intermediate cap's result.
    page.wait_for_function(f"document.querySelector('{METRIC}')?.innerText === '240,611'")
    assert _first_metric(page) != before
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    save_screenshot(page, "media_mix", full_page=False)
    _report_opens_offline(page, browser, tmp_path)
    page.get_by_text("Presenter mode").click()  # the client explanation, without formulas
    page.wait_for_selector('[data-testid="stAlert"]:has-text("extra conversions")')
    wait_idle(page)
    assert page.get_by_text("The mathematics").count() == 0
    page.locator(
        '[data-testid="stAlert"]:has-text("extra conversions")'
    ).scroll_into_view_if_needed()
    save_screenshot(page, "media_mix_presenter", full_page=False)
    assert_no_exception(page)
