"""The "Your media data" page in Chromium: sample fit, hand-off link, real file uploads."""

from pathlib import Path

from tests.browser.helpers import (
    assert_no_exception,
    chart,
    drag_scrubber,
    save_screenshot,
    wait_idle,
)
from tests.fixtures.workbooks import client_export

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad_csv"
PLOTS = "document.querySelectorAll('.js-plotly-plot').length"
SLOW = 120_000  # a fit, 2,000 draws and eight charts: generous on a loaded 2-core machine


def _open(page, server, query=""):
    page.set_default_timeout(SLOW)
    page.goto(f"{server}/Your_media_data{query}")
    wait_idle(page, SLOW)


def test_sample_fit_renders_and_hands_curves_to_the_optimizer(page, server):
    _open(page, server)
    page.wait_for_function(f"{PLOTS} >= 4")  # the other diagnostics are folded
    page.get_by_text("More diagnostics").click()
    page.wait_for_function(f"{PLOTS} >= 8")
    wait_idle(page, SLOW)
    assert_no_exception(page)
    page.get_by_text("Elasticities with 95 % intervals").first.wait_for()
    save_screenshot(page, "your_media_data")
    page.locator(".js-plotly-plot").nth(2).scroll_into_view_if_needed()  # decomposition
    save_screenshot(page, "your_media_data_fit", full_page=False)
    # From an address that carries a URL-bound control's parameter (the opened fold): the
    # hand-off once stayed on this page there (Streamlit refused to clear bound parameters).
    assert "md_more_diagnostics=true" in page.url
    page.get_by_role("button", name="Plan with these curves in the media-mix optimizer").click()
    page.wait_for_url("**/Media_mix**")  # one click: the optimizer opens with the curves
    page.get_by_text("Curves fitted on").first.wait_for()
    wait_idle(page, SLOW)
    assert_no_exception(page)
    # A channel of the fit, not of the CPG example, drawn in the charts (the table's
    # cells are a canvas, so their text is not visible to the page).
    page.locator(".js-plotly-plot text", has_text="Radio").first.wait_for()


def test_uploads_bad_then_good_file(page, server, tmp_path):
    _open(page, server, "?md_data=Upload+a+CSV")
    chooser = page.locator('input[type="file"]')
    chooser.set_input_files(str(BAD / "cp1252_bytes.csv"))
    page.get_by_text("is not UTF-8 text").wait_for()
    wait_idle(page, SLOW)
    assert_no_exception(page)
    chooser.set_input_files(str(BAD / "xlsx_saved_as.csv"))
    page.get_by_text("could not be opened as a workbook").wait_for()
    chooser.set_input_files(str(ROOT / "data" / "sample_weekly.csv"))
    page.get_by_text("uploaded file 'sample_weekly.csv'").wait_for()
    page.wait_for_function(f"{PLOTS} >= 4")
    wait_idle(page, SLOW)
    assert_no_exception(page)
    # The same data as the account team's Excel export: title, total row, a notes sheet.
    export = tmp_path / "client_export.xlsx"
    export.write_bytes(client_export())
    chooser.set_input_files(str(export))
    page.get_by_text("uploaded file 'client_export.xlsx'").wait_for()
    page.get_by_text("Read sheet 'Weekly' of the workbook").wait_for()
    page.wait_for_function(f"{PLOTS} >= 4")
    wait_idle(page, SLOW)
    assert_no_exception(page)
    # The analyst's next click: the uploaded file's curves open in the optimizer, one click.
    page.get_by_role("button", name="Plan with these curves in the media-mix optimizer").click()
    page.wait_for_url("**/Media_mix**")
    page.get_by_text("uploaded file 'client_export.xlsx'").first.wait_for()
    wait_idle(page, SLOW)
    assert_no_exception(page)


def test_carry_over_scrubs_in_the_browser_with_no_rerun(page, server):
    _open(page, server)
    chart(page, "md_carryover_motion").wait_for()
    start = page.evaluate(
        "document.querySelector('.st-key-md_carryover_motion .js-plotly-plot').layout"
        ".sliders[0].active")
    result = drag_scrubber(page, "md_carryover_motion", trace=1, axis="y")
    assert result["changes"] >= 5, result
    assert result["reruns"] == 0, result
    assert start > 0  # it started at the fitted rate, not at zero
    assert_no_exception(page)
    save_screenshot(page, "your_media_data_carryover", full_page=False)


def test_role_table_and_plan_interval_are_on_the_page(page, server):
    _open(page, server)
    page.get_by_text("How sure is the move to the optimum?").wait_for()
    page.get_by_text("90 % interval").first.wait_for()
    chart(page, "md_plan_draws").wait_for()
    assert page.locator(".st-key-" + "md_plan_draws").count() == 1
    assert_no_exception(page)
