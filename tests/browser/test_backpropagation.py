"""Backpropagation in Chromium: the backward-step slider reveals gradients; scenarios retrain."""

from tests.browser.helpers import assert_no_exception, open_lesson, save_screenshot, wait_idle

# The graph chart is the first Plotly chart; its trace 1 holds the revealed gradient labels.
REVEALED = (
    "(() => { const el = document.querySelectorAll('.js-plotly-plot')[0];"
    " return el?.data?.[1]?.text?.length ?? null; })()"
)


def test_backward_steps_then_exploding_and_clipped_training(page, server):
    open_lesson(page, server, "Backpropagation", "?bp_step=3")
    page.wait_for_selector(".js-plotly-plot")
    assert_no_exception(page)
    page.wait_for_function(f"{REVEALED} === 3")
    page.get_by_text("local derivative × upstream gradient").first.wait_for()
    page.get_by_text("Backward step").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    save_screenshot(page, "backpropagation", full_page=False)

    slider = page.get_by_role("slider", name="Backward step")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**bp_step=4**")
    page.wait_for_function(f"{REVEALED} === 4")
    wait_idle(page)

    page.get_by_role("button", name="Exploding: large weights").click()
    page.get_by_text("Training blew up").first.wait_for()
    wait_idle(page)
    page.get_by_role("button", name="…tamed by clipping").click()
    page.wait_for_url("**bp_clip=true**")
    wait_idle(page)
    assert page.get_by_text("Training blew up").count() == 0
    assert_no_exception(page)
    page.get_by_text("Replay training").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    save_screenshot(page, "backpropagation_playground", full_page=False)
