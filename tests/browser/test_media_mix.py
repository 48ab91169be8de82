"""Media-mix lesson in a real browser: the grid, the link, the motions, presenter mode, phones."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from lessons.media_mix.table import WIDTHS
from tests.browser.helpers import (
    ARTIFACTS,
    assert_no_exception,
    chart,
    drag_scrubber,
    save_screenshot,
    wait_idle,
)
from tests.fixtures import media_client

METRIC = '[data-testid="stMetricValue"]'
CAP = "Move at most this quarter ($K)"
SLOW = 120_000  # ms: the shared test machine can be very busy
SHIFT_NAMES = "document.querySelector('.st-key-mm_shift .js-plotly-plot')?.data?.[0]?.y"


@contextlib.contextmanager
def _session(browser, **options):
    """A page in a fresh browser context (its own viewport), closed afterwards."""
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.set_default_timeout(SLOW)
        yield page
    finally:
        context.close()


def _open(page, server: str, query: str = "") -> None:
    """Open the lesson and wait for its first run (generous timeouts: a busy machine)."""
    page.set_default_timeout(SLOW)
    page.goto(f"{server}/Media_mix{query}")
    page.wait_for_selector('[data-testid="stApp"]')
    wait_idle(page, SLOW)


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
        wait_idle(page, SLOW)


def _report_opens_offline(page, browser, tmp_path, viewport=None, shot=None) -> None:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report (HTML)").click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text)
    offline = browser.new_context(**({"viewport": viewport} if viewport else {}))
    try:
        offline.route(re.compile(r"^https?://.*"), lambda route: route.abort())
        report = offline.new_page()
        report.goto(path.as_uri())
        report.wait_for_function(
            "typeof window.Plotly === 'object' && "
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=SLOW
        )
        if shot:
            save_screenshot(report, shot, full_page=False)
            width = report.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"] + 1, "the report scrolls sideways on a phone"
    finally:
        offline.close()
    return text


def test_media_mix_plan_reruns_and_report_opens_offline(page, server, browser, tmp_path):
    _open(page, server, "?mm_moved=300")
    page.wait_for_selector(".js-plotly-plot")
    assert_no_exception(page)
    before = _first_metric(page)
    _raise_cap_to_default(page)
    # TV -500K, search +300K, video +200K. Wait for the final rerun's value: right after the
    # last key press the app can still read idle while showing an intermediate cap's result.
    page.wait_for_function(f"document.querySelector('{METRIC}')?.innerText === '240,611'")
    assert _first_metric(page) != before
    chart(page, "mm_allocation").scroll_into_view_if_needed()
    save_screenshot(page, "media_mix", full_page=False)
    text = _report_opens_offline(page, browser, tmp_path)
    assert "Television" in text and "<dt>Total budget</dt><dd>$3.9M</dd>" in text


def _cell(page, column: str, row: int) -> tuple[float, float]:
    """The centre of a cell of the channel grid (0-based row under the header)."""
    canvas = page.locator('.st-key-mm_editor [data-testid="stDataFrame"] canvas').first
    box = canvas.bounding_box()
    keys = list(WIDTHS)
    left = 34 + sum(WIDTHS[k] for k in keys[: keys.index(column)])  # after the row markers
    return box["x"] + left + WIDTHS[column] / 2, box["y"] + 35 * (row + 1) + 17


EDITING = "['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)"


def _type_into(page, column: str, row: int, value: str, expect: str) -> None:
    """Type a cell through the real grid: select it, type to open its editor, replace, Enter."""
    page.locator('.st-key-mm_editor [data-testid="stDataFrame"] canvas').first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # no scrolling between measuring the cell and clicking it
    page.mouse.click(*_cell(page, column, row))
    page.wait_for_timeout(1200)  # the grid draws the selection (slow on a busy machine)
    ARTIFACTS.mkdir(exist_ok=True)  # diagnostics: the grid as it was just before typing
    page.screenshot(path=str(ARTIFACTS / f"media_mix_grid_{column}_selected.png"))
    # A key opens the selected cell's editor; keys typed before the editor has the focus are
    # lost or kept at random, so wait for the focus, select the editor's text (in the DOM:
    # Control+A would select the grid's cells) and type over it.
    page.keyboard.type("x")
    page.wait_for_function(EDITING)
    page.wait_for_timeout(300)
    page.evaluate("document.activeElement.select()")
    page.keyboard.type(value, delay=20)
    page.wait_for_function(f"document.activeElement?.value === {value!r}")
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(expect, timeout=SLOW)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"media_mix_grid_{column}.png"))
        raise
    wait_idle(page, SLOW)
    page.wait_for_timeout(1000)  # let the grid settle before the next cell


def test_a_row_added_in_the_grid_is_planned_and_its_link_reopens_it(page, server, browser):
    _open(page, server)
    page.wait_for_function(f"{SHIFT_NAMES}?.length === 4")  # the whole page has drawn
    page.wait_for_timeout(1000)
    alert = "Array.from(document.querySelectorAll('[data-testid=stAlert]')).some(a => " \
            "a.innerText.includes({!r}))"
    # "+ Add row", as an account manager does; the grid is not reset while the row is being
    # typed: the default curve and elasticity come once name, spend and return are in.
    page.locator(".st-key-mm_editor").hover()
    page.get_by_role("button", name="Add row").click()
    wait_idle(page, SLOW)
    page.wait_for_timeout(2000)  # the new row is drawn, its first cell selected
    page.screenshot(path=str(ARTIFACTS / "media_mix_grid_added.png"))
    _type_into(page, "name", 4, "Audio", alert.format("row 5 (Audio), Spend ($): a number"))
    _type_into(page, "spend", 4, "200000", alert.format("Marginal return: a number is needed"))
    _type_into(page, "marginal", 4, "0.045", f"{SHIFT_NAMES}?.includes('Audio')")
    assert_no_exception(page)
    note = page.locator('[data-testid="stAlert"]', has_text="no curve was given")
    assert "Audio" in note.inner_text() and "elasticity 0.5" in note.inner_text()
    assert "mm_table=" in page.url
    with _session(browser, viewport={"width": 1400, "height": 1000}) as other:
        base, query = page.url.split("/Media_mix")
        _open(other, base, query)
        other.wait_for_function(f"{SHIFT_NAMES}?.length === 5")
        names = other.evaluate(SHIFT_NAMES)
        assert names == ["Television", "Digital video", "Display", "Paid search", "Audio"]
        assert_no_exception(other)


def test_the_plan_replay_and_the_single_move_scrub_without_a_rerun(page, server):
    _open(page, server)
    page.wait_for_selector(".st-key-mm_linear .js-plotly-plot")
    replay = drag_scrubber(page, "mm_response", trace=8)  # the first moving trace (4 channels)
    assert replay["changes"] >= 3 and replay["reruns"] == 0, replay
    move = drag_scrubber(page, "mm_linear", trace=2)
    assert move["changes"] >= 3 and move["reruns"] == 0, move
    gap = page.evaluate("document.querySelector('.st-key-mm_linear .js-plotly-plot').data[2]")
    assert gap["x"][0] == gap["x"][1] and gap["y"][0] > gap["y"][1]  # estimate above exact


def _client_link(server: str) -> str:
    from core.mmm import encode_scenario

    return f"{server}/Media_mix?mm_table={encode_scenario(media_client.rows())}"


SECTIONS = {  # screenshot name → the heading it starts at
    "media_mix_presenter_table": "1. The channels",
    "media_mix_presenter_returns": "2. What the next $1,000 brings",
    "media_mix_presenter_plan": "4. The plan",
    "media_mix_presenter_curves": "Conversions against spend, channel by channel",
    "media_mix_presenter_words": "Why this plan, in plain words",
}
HIDDEN = ("λ", "θ", "Σ", "Lagrange", "partial derivative", "scripts/", ".py", "None",
          "Check your understanding", "What to notice", "The mathematics")


def test_a_client_session_in_presenter_mode_at_1920(browser, server, tmp_path):
    with _session(browser, viewport={"width": 1920, "height": 1080}, accept_downloads=True) as page:
        page.goto(_client_link(server))
        wait_idle(page, SLOW)
        page.wait_for_function(f"{SHIFT_NAMES}?.length === 5")
        page.get_by_text("Presenter mode").click()
        moves = page.locator('[data-testid="stMarkdownContainer"] table', has_text="Conversions lost")
        moves.wait_for(state="visible")  # the moves as a large HTML table
        wait_idle(page, SLOW)
        # In the meeting, in presenter mode: the client's name and a plan setting changed there
        # reach the address bar, so the link shared afterwards reopens what the client saw.
        page.get_by_role("textbox", name="Client").fill("Acme Foods")
        page.keyboard.press("Enter")
        page.wait_for_function("location.search.includes('mm_client=Acme')")
        wait_idle(page, SLOW)
        page.get_by_role("slider", name="Move budget in steps of ($K)").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("location.search.includes('mm_step=110')")
        wait_idle(page, SLOW)
        cells = moves.locator("td").evaluate_all("tds => tds.map(td => parseFloat(getComputedStyle(td).fontSize))")
        assert cells and min(cells) >= 20, cells  # readable from the back of the room
        main = page.locator('[data-testid="stMain"]').inner_text()
        for word in HIDDEN:
            assert word not in main, word
        sizes = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot text'))"
            ".filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0"
            " && getComputedStyle(t).fillOpacity !== '0'"  # the scrubber's hidden step labels
            " && getComputedStyle(t).fill !== 'rgba(0, 0, 0, 0)')"
            ".map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert sizes and min(sizes) >= 18, sorted(sizes)[:5]
        grid = page.locator('.st-key-mm_editor canvas').first.bounding_box()
        column = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        assert grid["x"] + grid["width"] <= column["x"] + column["width"] + 2  # zoomed, fits
        for name, heading in SECTIONS.items():
            page.get_by_text(heading, exact=True).first.scroll_into_view_if_needed()
            page.evaluate("document.querySelector('[data-testid=stMain]').scrollBy(0, -20)")
            page.wait_for_timeout(500)
            save_screenshot(page, name, full_page=False)
        _deck_downloads(page, tmp_path)
        page.get_by_role("button", name=re.compile("Copy link to this scenario")).click()
        shown = page.locator('[data-testid="stPopover"] code, [data-testid="stCode"] code')
        link = shown.first.inner_text()
        assert "mm_table=" in link and "mm_client=Acme" in link and "mm_step=110" in link
        assert_no_exception(page)


def _deck_downloads(page, tmp_path) -> None:
    from pptx import Presentation

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the deck (PowerPoint)").click()
    data = (tmp_path / "deck.pptx")
    info.value.save_as(data)
    deck = Presentation(io.BytesIO(data.read_bytes()))
    first = [s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame]
    assert first[0] == "Media plan for Acme Foods"
    charts = [s.chart for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert list(charts[0].plots[0].categories) == list(media_client.NAMES)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}], ids=["phone"])
def test_a_shared_link_and_the_report_on_a_phone(browser, server, tmp_path, viewport):
    with _session(browser, viewport=viewport, is_mobile=True, has_touch=True) as page:
        page.goto(_client_link(server))
        wait_idle(page, SLOW)
        page.wait_for_function(f"{SHIFT_NAMES}?.length === 5")
        page.wait_for_timeout(1000)  # the sidebar's collapse animation
        box = page.locator('[data-testid="stSidebar"]').bounding_box()
        assert box is None or box["x"] + box["width"] <= 1 or box["width"] <= 1, box  # collapsed
        save_screenshot(page, "media_mix_phone", full_page=False)
        chart(page, "mm_shift").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        save_screenshot(page, "media_mix_phone_plan", full_page=False)
        text = _report_opens_offline(page, page.context.browser, tmp_path, viewport,
                                     "media_mix_report_phone")
        assert "Audio" in text
        assert_no_exception(page)


def test_fitted_curves_reach_the_plan_with_their_interval_in_one_click(browser, server):
    """Your-data page → "Plan with these curves" → the plan says how sure it is (1920, client)."""
    with _session(browser, viewport={"width": 1920, "height": 1080}) as page:
        page.goto(f"{server}/Your_media_data")
        wait_idle(page, SLOW)
        button = page.get_by_role("button", name="Plan with these curves in the media-mix optimizer")
        button.scroll_into_view_if_needed()
        button.click()
        page.wait_for_url("**/Media_mix**")
        headline = page.locator('[data-testid="stAlert"]', has_text="90 % interval")
        headline.wait_for(state="visible")
        wait_idle(page, SLOW)
        words = headline.inner_text()
        assert re.search(r"\+[\d,]+ conversions from the plan, 90 % interval [\d,]+ to [\d,]+; "
                         r"it gains in (more than )?\d+ % of 2,000 draws", words), words
        page.wait_for_function(f"{SHIFT_NAMES}?.length === 6")  # the six fitted channels
        page.get_by_text("Presenter mode").click()
        page.locator('[data-testid="stMarkdownContainer"] table',
                     has_text="rather give budget").wait_for(state="visible")
        wait_idle(page, SLOW)
        page.get_by_text("How sure is this plan?").scroll_into_view_if_needed()
        page.evaluate("document.querySelector('[data-testid=stMain]').scrollBy(0, -20)")
        page.wait_for_timeout(500)
        save_screenshot(page, "media_mix_presenter_fitted", full_page=False)
        assert_no_exception(page)


def test_every_grid_column_fits_a_1366_laptop_with_the_sidebar_open(browser, server):
    """The Max column used to be cut off at 1366×768: all eight columns fit without scrolling."""
    with _session(browser, viewport={"width": 1366, "height": 768}) as page:
        page.goto(_client_link(server))
        wait_idle(page, SLOW)
        page.wait_for_function(f"{SHIFT_NAMES}?.length === 5")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("aria-expanded") != "false" and sidebar.bounding_box()["width"] > 200
        grid = page.locator(".st-key-mm_editor canvas").first.bounding_box()
        assert grid["width"] >= 34 + sum(WIDTHS.values()), grid  # row markers + every column
        save_screenshot(page, "media_mix_laptop", full_page=False)
