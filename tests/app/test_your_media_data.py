"""AppTest of the "Your media data" page: every widget, every bad file, the hand-off."""

from pathlib import Path

import numpy as np
import pytest

from core.mmm import PowerCurve
from core.mmm.fit import (
    CurveHandoff,
    fit_media_mix,
    guess_roles,
    read_weekly_csv,
    response_curves,
)
from lessons.media_data.data import UPLOAD_OPTION, read_and_report, roles_key
from lessons.media_mix import handoff
from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    chart_keys,
    plotly_spec,
    run_page,
)
from tests.core.mmm.fit.test_fit import CORPUS
from tests.fixtures.workbooks import client_export

PAGE = "pages/5_Your_media_data.py"
ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad_csv"
REAL = ROOT / "tests" / "fixtures" / "real_csv"
SAMPLE = ROOT / "data" / "sample_weekly.csv"


# The diagnostic charts beyond actual vs fitted are folded until opened.
OPEN = {"md_more_diagnostics": "true"}


@pytest.fixture(scope="module")
def at():
    """One AppTest reused across tests (cold start once); each test resets what it changes."""
    return run_page(PAGE, query=OPEN)


def test_the_diagnostic_charts_are_folded_until_opened():
    at = run_page(PAGE, query={})
    keys = chart_keys(at)
    assert "md_fit_avf" in keys and not keys & {"md_fit_resid", "md_fit_decomp",
                                                "md_fit_elasticity", "md_fit_carryover"}
    at.session_state["md_more_diagnostics"] = True
    at.run()
    assert {"md_fit_resid", "md_fit_decomp"} <= chart_keys(at)


@pytest.fixture(scope="module")
def reference_fit():
    frame = read_weekly_csv(SAMPLE)
    r = guess_roles(frame)
    return fit_media_mix(frame, r["target"], r["channels"], r["date"], r["controls"])


def _errors(at):
    return " ".join(e.value for e in at.error)


def _table(at, column):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _edit_roles(at, frame, edits):
    """Set roles in the role table (row index -> role) the way the data editor stores edits."""
    at.session_state[roles_key(frame)] = {
        "edited_rows": {i: {"role": r} for i, r in edits.items()},
        "added_rows": [], "deleted_rows": []}
    return at.run()


def test_sample_page_renders_all_diagnostics(at, reference_fit):
    assert_no_exception(at)
    assert not at.error
    keys = ["md_fit_avf", "md_fit_resid", "md_fit_decomp", "md_fit_elasticity",
            "md_fit_carryover", "md_fit_marginal", "md_carryover_motion", "md_plan_draws"]
    for key in keys:
        assert plotly_spec(at, key)["data"], key
    assert_finite_figures(at)
    spec = plotly_spec(at, "md_fit_elasticity")
    estimates = [float(np.ravel(t["x"])[0]) for t in spec["data"] if t["name"] != "True value"]
    expected = [reference_fit.elasticity[c] for c in reference_fit.channels]
    np.testing.assert_allclose(estimates, expected, rtol=1e-9)
    fitted = plotly_spec(at, "md_fit_avf")["data"][1]["y"]
    np.testing.assert_allclose(fitted, reference_fit.fitted.to_numpy(), rtol=1e-6)  # float32
    assert [m.label for m in at.metric][0].startswith("R²")
    assert "carried in before week 1" in _table(at, "elasticity").columns
    assert any(c.value.startswith("Intervals: classical") for c in at.caption)


def test_use_these_curves_sets_the_handoff(at, reference_fit):
    at.button(key="md_use_curves").click().run()
    assert_no_exception(at)
    imported = at.session_state[handoff.KEY]
    assert isinstance(imported, CurveHandoff)
    assert imported.names == ("TV", "Digital video", "Paid search", "Social", "Display", "Radio")
    assert all(isinstance(c, PowerCurve) for c in imported.curves)
    assert len(imported.spend) == len(imported.curves) == len(imported.contribution) == 6
    assert "last 13 weeks" in imported.source
    assert imported.holdout_mape is not None
    for curve, spend in zip(imported.curves, imported.spend, strict=True):
        assert curve.marginal(spend) > 0
    assert any("Curves ready" in s.value for s in at.success)


def test_window_slider_moves_the_calibration_point(at):
    before = plotly_spec(at, "md_fit_marginal")["data"][0]["x"]
    at.slider(key="md_window").set_value(26).run()
    assert_no_exception(at)
    after = plotly_spec(at, "md_fit_marginal")["data"][0]["x"]
    assert not np.allclose(before, after)
    at.slider(key="md_window").set_value(13).run()


def test_carryover_toggle_off_gives_zero_decays(at):
    at.toggle(key="md_carryover").set_value(False).run()
    assert_no_exception(at)
    table = _table(at, "carry-over θ")
    assert (table["carry-over θ"] == 0).all()
    at.toggle(key="md_carryover").set_value(True).run()
    assert (_table(at, "carry-over θ")["carry-over θ"] > 0).any()


def test_trend_toggle_adds_a_trend(at):
    at.toggle(key="md_trend").set_value(True).run()
    assert_no_exception(at)
    assert not at.error
    at.toggle(key="md_trend").set_value(False).run()


def test_role_table_shows_the_guess_and_why(at):
    table = _table(at, "why")
    frame = read_weekly_csv(SAMPLE)
    assert list(table["column"]) == list(frame.columns)
    assert dict(zip(table["column"], table["role"], strict=True)) == {
        "date": "date", "conversions": "target", "tv": "channel", "digital_video": "channel",
        "paid_search": "channel", "social": "channel", "display": "channel", "radio": "channel",
        "ctrl_promo": "control"}
    assert all(isinstance(w, str) and w for w in table["why"])
    assert at.session_state[roles_key(frame)]["edited_rows"] == {}


def test_role_table_edits_change_the_model(at):
    frame = read_weekly_csv(SAMPLE)
    columns = list(frame.columns)
    _edit_roles(at, frame, {columns.index("display"): "ignore", columns.index("radio"): "ignore"})
    assert_no_exception(at)
    spec = plotly_spec(at, "md_fit_elasticity")
    names = [t["y"][0] for t in spec["data"] if t["name"] != "True value"]
    assert names == ["TV", "Digital video", "Paid search", "Social"]
    _edit_roles(at, frame, {columns.index(c): "ignore" for c in columns[2:8]})
    assert "Choose at least one channel" in _errors(at)
    assert plotly_spec(at, "md_fit_elasticity")  # the last good fit stays on screen
    _edit_roles(at, frame, {columns.index("radio"): "target", columns.index("conversions"):
                            "channel"})
    assert "must be positive" in _errors(at) or "target" in _errors(at)
    _edit_roles(at, frame, {})
    assert not at.error


def test_controls_in_the_role_table_change_the_fit(at):
    frame = read_weekly_csv(SAMPLE)
    r2_with = at.metric[0].value
    _edit_roles(at, frame, {list(frame.columns).index("ctrl_promo"): "ignore"})
    assert_no_exception(at)
    assert float(at.metric[0].value) < float(r2_with)  # the promotion effect goes unexplained
    _edit_roles(at, frame, {})
    assert at.metric[0].value == r2_with


def test_the_optimum_comes_with_its_interval(at):
    text = " ".join(m.value for m in at.markdown)
    assert "How sure is the move to the optimum?" in text
    assert "90 % interval" in text and "draws of the model" in text
    table = _table(at, "optimum spends less in")
    assert list(table["channel"]) == ["TV", "Digital video", "Paid search", "Social", "Display",
                                      "Radio"]
    assert all(v.endswith("% of 2,000 draws") for v in table["optimum spends less in"])
    draws = plotly_spec(at, "md_plan_draws")["data"][0]
    assert float(np.sum(draws["y"])) == pytest.approx(100, abs=0.01)
    explanation = " ".join(m.value for m in at.markdown if "pays off in" in m.value)
    assert "9 times in 10" in explanation


def test_carryover_motion_starts_at_the_fitted_rate(at, reference_fit):
    spec = plotly_spec(at, "md_carryover_motion")
    slider = spec["layout"]["sliders"][0]
    theta = reference_fit.decay["tv"]  # the channel with the most carry-over
    assert slider["steps"][slider["active"]]["label"].startswith(f"{theta:.2f}")
    picker = at.selectbox(key="md_motion")
    picker.set_value("radio").run()
    assert_no_exception(at)
    slider = plotly_spec(at, "md_carryover_motion")["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["label"].startswith(
        f"{reference_fit.decay['radio']:.2f}")
    at.selectbox(key="md_motion").set_value("tv").run()


def test_template_download_and_presenter_mode(at):
    assert any("template" in b.proto.label.lower() for b in at.get("download_button"))
    at.toggle(key="presenter").set_value(True).run()
    assert_no_exception(at)
    assert not any(e.label == "The mathematics" for e in at.expander)
    at.toggle(key="presenter").set_value(False).run()
    assert any(e.label == "The mathematics" for e in at.expander)


def test_quiz_answers(at):
    at.radio(key="quiz_media_data_1").set_value(1).run()
    at.radio(key="quiz_media_data_2").set_value(0).run()
    at.radio(key="quiz_media_data_3").set_value(1).run()
    assert any("Score: 2 of 3" in i.value for i in at.info)


@pytest.fixture(scope="module")
def upload_at():
    at = run_page(PAGE, query=OPEN)
    at.radio(key="md_data").set_value(UPLOAD_OPTION).run()
    return at


def test_upload_without_file_asks_for_one(upload_at):
    assert_no_exception(upload_at)
    assert any("Upload a file" in i.value for i in upload_at.info)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_bad_upload_gets_its_message_and_no_crash(upload_at, name):
    upload_at.file_uploader(key="md_upload").set_value(
        (name, (BAD / name).read_bytes(), "text/csv")).run()
    assert_no_exception(upload_at)
    text = _errors(upload_at)
    assert f"Could not use '{name}'" in text
    for fragment in CORPUS[name]:
        assert fragment.lower() in text.lower()


def test_good_upload_after_bad_ones_fits(upload_at):
    upload_at.file_uploader(key="md_upload").set_value(
        ("history.csv", SAMPLE.read_bytes(), "text/csv")).run()
    assert_no_exception(upload_at)
    assert not upload_at.error
    assert plotly_spec(upload_at, "md_fit_elasticity")["data"]
    assert any("uploaded file 'history.csv'" in c.value for c in upload_at.caption)


def test_an_excel_export_uploads_and_fits(upload_at):
    upload_at.file_uploader(key="md_upload").set_value(
        ("client_export.xlsx", client_export(),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert_no_exception(upload_at)
    assert not upload_at.error
    assert plotly_spec(upload_at, "md_fit_elasticity")["data"]
    assert any("Read sheet 'Weekly' of the workbook" in i.value for i in upload_at.info)


def test_oversized_upload_is_refused(upload_at):
    big = b"date,conversions,tv\n" + b"2024-01-01,1,1\n" * 400_000
    upload_at.file_uploader(key="md_upload").set_value(("big.csv", big, "text/csv")).run()
    assert_no_exception(upload_at)
    assert "limit is 5 MB" in _errors(upload_at)
    # the last good data and fit stay on screen
    assert plotly_spec(upload_at, "md_fit_elasticity")["data"]
    assert any("last valid result" in c.value for c in upload_at.caption)


def test_upload_without_a_date_column_uses_week_numbers(upload_at):
    frame = read_weekly_csv(SAMPLE).drop(columns="date")
    data = frame.to_csv(index=False).encode()
    upload_at.file_uploader(key="md_upload").set_value(("nodate.csv", data, "text/csv")).run()
    assert_no_exception(upload_at)
    assert not upload_at.error
    trace = plotly_spec(upload_at, "md_fit_avf")["data"][0]
    assert (trace["x0"], trace["dx"]) == (0, 1)  # week numbers 0, 1, 2, ...
    assert len(trace["y"]) == 156


class _Upload:
    def __init__(self, name, data):
        self.name, self._data = name, data

    def getvalue(self):
        return self._data


def test_read_and_report_directly():
    loaded = read_and_report(_Upload("x.csv", SAMPLE.read_bytes()))
    assert len(loaded.frame) == 156 and not loaded.is_sample
    with pytest.raises(ValueError, match="Could not use 'bad.csv'. The file is empty"):
        read_and_report(_Upload("bad.csv", b""))


def test_media_mix_page_accepts_the_handoff(reference_fit):
    """Contract with issue 6: the media-mix page loads the curves this page stores."""
    if not (ROOT / "pages/4_Media_mix.py").is_file():
        pytest.skip("media-mix page not installed")
    imported = response_curves(reference_fit).described(reference_fit.channels, "test data")
    mix = run_page("pages/4_Media_mix.py", session={handoff.KEY: imported})
    assert_no_exception(mix)
    mix.button(key="mm_import").click().run()
    assert_no_exception(mix)
    assert not mix.error
    assert "paid_search" in str(mix.session_state["mm_rows"])


def test_url_parameters_set_the_controls():
    at = run_page(PAGE, query={**OPEN, "md_carryover": "false", "md_window": "20", "md_trend": "true"})
    assert_no_exception(at)
    assert at.toggle(key="md_carryover").value is False
    assert at.toggle(key="md_trend").value is True
    assert at.slider(key="md_window").value == 20
    assert (_table(at, "carry-over θ")["carry-over θ"] == 0).all()


def test_collinear_upload_shows_a_read_with_care_warning(upload_at):
    rng = np.random.default_rng(5)
    n = 110
    tv = 1000 * rng.lognormal(0, 0.5, n)
    video = tv * rng.lognormal(0, 0.05, n)
    lines = ["week,sales,tv,video"] + [
        f"{d},{np.exp(5 + 0.2 * np.log(a) + 0.1 * np.log(b)):.2f},{a:.2f},{b:.2f}"
        for d, a, b in zip(_weeks(n), tv, video, strict=True)
    ]
    upload_at.file_uploader(key="md_upload").set_value(
        ("together.csv", "\n".join(lines).encode(), "text/csv")).run()
    assert_no_exception(upload_at)
    assert any("'tv' and 'video' move together" in w.value for w in upload_at.warning)


def _weeks(n):
    start = np.datetime64("2022-01-03")
    return [str(start + np.timedelta64(7 * i, "D")) for i in range(n)]


@pytest.mark.parametrize(("name", "note"), [
    ("total_row.csv", "'Total'"), ("title_lines.csv", "above the header"),
    ("european.csv", "decimal commas"), ("notes_footer.csv", "not weeks"),
])
def test_real_exports_are_read_and_say_what_they_skipped(upload_at, name, note):
    upload_at.file_uploader(key="md_upload").set_value(
        (name, (REAL / name).read_bytes(), "text/csv")).run()
    assert_no_exception(upload_at)
    assert not upload_at.error
    assert any(note in i.value for i in upload_at.info)
    assert plotly_spec(upload_at, "md_fit_elasticity")["data"]


def test_pymc_marketing_example_is_read_without_edits(upload_at):
    upload_at.file_uploader(key="md_upload").set_value(
        ("data_mmm.csv", (REAL / "pymc_example.csv").read_bytes(), "text/csv")).run()
    assert_no_exception(upload_at)
    assert not upload_at.error
    spec = plotly_spec(upload_at, "md_fit_elasticity")
    assert [t["y"][0] for t in spec["data"]] == ["X1", "X2"]  # no "dayofyear elasticity"
    frame = read_weekly_csv(REAL / "pymc_example.csv")
    assert upload_at.session_state[roles_key(frame)]["edited_rows"] == {}
    notes = " ".join(i.value for i in upload_at.info)
    assert "+ 0)" not in notes
