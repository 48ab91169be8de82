"""Media-mix lesson in a real browser: controls rerun the plan, the HTML report opens offline."""

from __future__ import annotations

import re

from tests.browser.helpers import assert_no_exception, open_lesson, save_screenshot, wait_idle

PLAN_METRIC = '[data-testid="stMetric"]'


def _first_metric(page) -> str:
    return page.locator(PLAN_METRIC).first.locator('[data-testid="stMetricValue"]').inner_text()


def test_media_mix_plan_reacts_to_the_cap_and_screenshot(page, server):
    open_lesson(page, server, "Media_mix", "?moved=300")
    page.wait_for_selector(".js-plotly-plot")
    assert_no_exception(page)
    before = _first_metric(page)
    # one key press per rerun: 300 -> 500 ($K); the default (500) leaves the URL
    for expected in ("moved=350", "moved=400", "moved=450", "!moved="):
        slider = page.get_by_role("slider", name="Move at most this quarter ($K)")
        slider.focus()
        page.keyboard.press("ArrowRight")
        test = expected.lstrip("!")
        negate = "!" if expected.startswith("!") else ""
        page.wait_for_function(f"{negate}location.search.includes('{test}')")
        wait_idle(page)
    page.wait_for_function(
        f"[...document.querySelectorAll('[data-testid=stMetricValue]')][0]?.innerText !== {before!r}"
    )
    wait_idle(page)
    assert _first_metric(page) == "240,611"  # TV -500K, search +300K, video +200K
    assert_no_exception(page)
    save_screenshot(page, "media_mix")


def test_html_report_opens_without_internet(page, server, browser, tmp_path):
    open_lesson(page, server, "Media_mix")
    page.wait_for_selector(".js-plotly-plot")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report (HTML, works offline)").click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "Television" in text and text.count("<script") >= 3
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
    wait_idle(page)
