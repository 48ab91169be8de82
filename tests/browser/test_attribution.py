"""The attribution lesson in a real browser: deep link, sign switch, α dragged, screenshots."""

from tests.browser.helpers import (
    assert_no_exception,
    chart,
    drag_scrubber,
    open_lesson,
    save_screenshot,
    wait_idle,
)

PANELS = "document.querySelectorAll('.js-plotly-plot')[0]"


def heat_colour(page) -> str:
    return page.evaluate(f"{PANELS}?.data?.[1]?.colorscale?.[1]?.[1] ?? ''")


def test_deep_link_sign_switch_and_screenshot(page, server):
    open_lesson(page, server, "Attribution", "?creative=Cluttered&baseline=Black+image&steps=40&rule=gausslegendre")
    assert_no_exception(page)
    page.wait_for_function(f"{PANELS}?.data?.length >= 3")
    title = page.evaluate(f"{PANELS}.layout.title.text")
    assert "black image" in title
    # three panels: creative image, heat map, overlay image
    kinds = page.evaluate(f"{PANELS}.data.slice(0, 3).map(t => t.type)")
    assert kinds == ["image", "heatmap", "image"]
    before = heat_colour(page)

    page.get_by_role("radiogroup", name="Show pixels that…").get_by_text("Lowers CTR").click()
    page.wait_for_function("window.location.search.includes('sign=Lowers')")
    page.wait_for_function(f"({PANELS}?.data?.[1]?.colorscale?.[1]?.[1] ?? '{before}') !== '{before}'")
    wait_idle(page)
    assert_no_exception(page)
    assert "steps=40" in page.url
    assert "rule=gausslegendre" in page.url
    page.get_by_role("radiogroup", name="Show pixels that…").get_by_text("Raises CTR").click()
    page.wait_for_function("!window.location.search.includes('sign=')")
    wait_idle(page)
    # the README picture: the default baseline (average creative), same creative and rule
    open_lesson(page, server, "Attribution", "?creative=Cluttered&rule=gausslegendre")
    page.wait_for_function(f"{PANELS}?.layout?.title?.text?.includes('average creative')")
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    save_screenshot(page, "attribution", full_page=False)


def test_alpha_follows_the_mouse_with_no_server_round_trip(page, server):
    open_lesson(page, server, "Attribution", "?at_creative=Cluttered")
    path = chart(page, "attribution_path")
    path.wait_for()
    opacity = "document.querySelector('.st-key-attribution_path .js-plotly-plot').data[1].opacity"
    assert page.evaluate(opacity) == 0  # the scrubber starts at the baseline
    result = drag_scrubber(page, "attribution_path", trace=3)  # the running sum so far
    assert result["changes"] >= 5, result
    assert result["reruns"] == 0, result
    assert 0 < page.evaluate(opacity) <= 1  # the creative shows through the baseline
    assert_no_exception(page)
    page.wait_for_timeout(300)
    save_screenshot(page, "attribution_path", full_page=False)
