"""Backpropagation in Chromium: the backward pass scrubs in the browser; the playground trains live."""

import time

from figures.backprop_graph import GRADS, HIDDEN, HOT_LABELS
from figures.backprop_network import NODE_TRACE
from tests.browser.helpers import (
    assert_no_exception,
    chart,
    drag_scrubber,
    save_screenshot,
    wait_idle,
)

GRAPH = ".st-key-chart_graph .js-plotly-plot"
REVEALED = (  # gradient labels shown in the graph chart right now
    f"(() => {{ const gd = document.querySelector('{GRAPH}');"
    f" const c = gd?._fullData?.[{GRADS}]?.textfont?.color;"
    f" return Array.isArray(c) ? c.filter(v => v !== '{HIDDEN}').length : null; }})()"
)
LOSS_POINTS = ("document.querySelector('.st-key-chart_loss .js-plotly-plot')"
               "?._fullData?.[0]?.x?.length ?? null")
# How often ``expr`` changes within ``ms`` (counting stops early once it reaches ``enough``).
COUNT_CHANGES = """([expr, ms, enough = Infinity]) => new Promise(resolve => {
  let last = eval(expr), changes = 0; const t0 = performance.now();
  const timer = setInterval(() => {
    const now = eval(expr);
    if (now !== null && now !== last) { changes++; last = now; }
    if (changes >= enough || performance.now() - t0 >= ms) { clearInterval(timer); resolve(changes); }
  }, 40);
})"""


# A page of ~40 controls and six charts: on a shared, loaded machine Chromium can take many
# seconds to draw it after the script has finished, so these tests wait longer than the default.
SLOW_MS = 120_000


# The gradient check and the playground are folded until opened.
OPEN = "bp_more_check=true&bp_more_playground=true"


def _open(page, server, query=""):
    page.set_default_timeout(SLOW_MS)
    page.goto(f"{server}/Backpropagation{query}{'&' if query else '?'}{OPEN}")
    page.get_by_role("button", name="Finish").wait_for()
    wait_idle(page, SLOW_MS)


def test_backward_pass_scrubs_in_the_browser_from_the_url_step(page, server):
    _open(page, server, "?bp_step=3")
    chart(page, "chart_graph").wait_for()
    assert_no_exception(page)
    page.wait_for_function(f"{REVEALED} === 3")
    assert page.evaluate(f"document.querySelector('{GRAPH}').layout.sliders[0].active") == 3
    chart(page, "chart_graph").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    save_screenshot(page, "backpropagation", full_page=False)

    result = drag_scrubber(page, "chart_graph", trace=HOT_LABELS)
    assert result["changes"] >= 5, result  # the chart followed the mouse ...
    assert result["reruns"] == 0, result  # ... with no server round trip
    assert page.evaluate(REVEALED) > 3

    slider = page.get_by_role("slider", name="Backward step")  # the URL-bound step stays
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**bp_step=4**")
    page.wait_for_function(f"{REVEALED} === 4")
    wait_idle(page, SLOW_MS)
    assert_no_exception(page)


def test_the_playground_trains_live_and_pauses(page, server):
    _open(page, server, "?bp_epochs=600")
    page.get_by_role("button", name="▶ Play").click()
    # About three updates a second on a quiet machine. The window allows for a shared test
    # machine where Chromium gets a fifth of a core (measured: 5 updates in 10 s there); the
    # count stops at three, so Pause comes while training still runs (600 epochs take ~12 s
    # on a quiet machine, less than the window).
    changes = page.evaluate(COUNT_CHANGES, [LOSS_POINTS, 15_000, 3])
    assert changes >= 3, changes  # the loss curve grew at least three times
    page.get_by_role("button", name="❚❚ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    wait_idle(page, SLOW_MS)
    stopped = page.evaluate(LOSS_POINTS)
    assert page.evaluate(COUNT_CHANGES, [LOSS_POINTS, 1500]) == 0  # paused: nothing moves
    assert page.evaluate(LOSS_POINTS) == stopped
    assert 1 < stopped < 601
    assert_no_exception(page)


def _trained(page, server, epochs: int, query: str = "") -> None:
    """Open the page with ``epochs`` to train, press Finish, wait for the whole loss curve."""
    _open(page, server, f"?bp_epochs={epochs}{query}")
    page.get_by_role("button", name="Finish").click()
    page.wait_for_function(f"{LOSS_POINTS} === {epochs + 1}")
    wait_idle(page, SLOW_MS)


def test_a_changed_setting_restarts_training(page, server):
    _trained(page, server, 40)
    page.get_by_text("x₁x₂", exact=True).click()  # a new input feature
    page.wait_for_url("**bp_f_x1x2=true**")
    page.wait_for_function(f"{LOSS_POINTS} === 1")  # back to epoch 0 with the new inputs
    wait_idle(page, SLOW_MS)
    assert_no_exception(page)


def test_clicking_a_neuron_shows_it_large(page, server):
    _trained(page, server, 200, "&bp_f_x1sq=true&bp_f_x2sq=true")
    network = chart(page, "chart_network")
    network.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(500)
    x, y = page.evaluate(f"""() => {{
        const gd = document.querySelector('.st-key-chart_network .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, t = gd._fullData[{NODE_TRACE}];
        const i = t.customdata.findIndex(c => c[0] === 1 && c[1] === 2);
        const r = gd.getBoundingClientRect();
        return [r.left + xa._offset + xa.l2p(t.x[i]), r.top + ya._offset + ya.l2p(t.y[i])];
    }}""")
    images = "document.querySelectorAll('.st-key-chart_network image').length"
    assert page.evaluate(images) == 4 + 8 + 8 + 1  # a picture in every node
    page.mouse.click(x, y)
    page.wait_for_function(
        "document.querySelector('.st-key-chart_boundary .js-plotly-plot')?.layout?.title?.text"
        "?.includes('Neuron 3 of hidden layer 1')")
    wait_idle(page, SLOW_MS)
    assert_no_exception(page)
    page.locator(".st-key-bp_finish").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    save_screenshot(page, "backpropagation_neurons", full_page=False)


def test_exploding_then_clipped_scenarios_play_live(page, server):
    _open(page, server)
    page.get_by_role("button", name="Exploding: large weights").click()
    page.get_by_text("Training blew up").first.wait_for()
    wait_idle(page, SLOW_MS)
    page.get_by_role("button", name="…tamed by clipping").click()
    page.wait_for_url("**bp_clip=true**")
    start = time.monotonic()
    page.get_by_role("button", name="❚❚ Pause").wait_for()  # a scenario starts playing
    page.wait_for_function(f"{LOSS_POINTS} > 20")
    assert page.get_by_text("Training blew up").count() == 0
    assert time.monotonic() - start < SLOW_MS / 1000
    page.get_by_role("button", name="❚❚ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    wait_idle(page, SLOW_MS)
    assert_no_exception(page)
    page.locator(".st-key-bp_finish").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    save_screenshot(page, "backpropagation_playground", full_page=False)
