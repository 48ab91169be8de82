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
from lessons.media_data.data import UPLOAD_OPTION, read_and_report
from lessons.media_mix import handoff
from tests.app.helpers import assert_finite_figures, assert_no_exception, plotly_spec, run_page
from tests.core.mmm.fit.test_fit import CORPUS

PAGE = "pages/5_Your_media_data.py"
ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad_csv"
SAMPLE = ROOT / "data" / "sample_weekly.csv"


@pytest.fixture(scope="module")
def at():
    """One AppTest reused across tests (cold start once); each test resets what it changes."""
    return run_page(PAGE)


@pytest.fixture(scope="module")
def reference_fit():
    frame = read_weekly_csv(SAMPLE)
    r = guess_roles(frame)
    return fit_media_mix(frame, r["target"], r["channels"], r["date"], r["controls"])


def _errors(at):
    return " ".join(e.value for e in at.error)


def test_sample_page_renders_all_diagnostics(at, reference_fit):
    assert_no_exception(at)
    assert not at.error
    keys = ["md_fit_avf", "md_fit_resid", "md_fit_decomp", "md_fit_elasticity",
            "md_fit_carryover", "md_fit_marginal"]
    for key in keys:
        assert plotly_spec(at, key)["data"], key
    assert_finite_figures(at)
    spec = plotly_spec(at, "md_fit_elasticity")
    estimates = [float(np.ravel(t["x"])[0]) for t in spec["data"] if t["name"] != "True value"]
    expected = [reference_fit.elasticity[c] for c in reference_fit.channels]
    np.testing.assert_allclose(estimates, expected, rtol=1e-9)
    fitted = plotly_spec(at, "md_fit_avf")["data"][1]["y"]
    np.testing.assert_allclose(fitted, reference_fit.fitted.to_numpy(), rtol=1e-9)
    assert [m.label for m in at.metric][0].startswith("R²")
    assert "elasticity" in at.dataframe[1].value.columns


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
    table = at.dataframe[1].value
    assert (table["carry-over θ"] == 0).all()
    at.toggle(key="md_carryover").set_value(True).run()
    assert (at.dataframe[1].value["carry-over θ"] > 0).any()


def test_trend_toggle_adds_a_trend(at):
    at.toggle(key="md_trend").set_value(True).run()
    assert_no_exception(at)
    assert not at.error
    at.toggle(key="md_trend").set_value(False).run()


def test_role_pickers_change_the_model(at):
    channels = next(m for m in at.multiselect if m.label.startswith("Channels"))
    channels.set_value(["tv", "paid_search"]).run()
    assert_no_exception(at)
    spec = plotly_spec(at, "md_fit_elasticity")
    assert [t["y"][0] for t in spec["data"] if t["name"] != "True value"] == ["TV", "Paid search"]
    channels.set_value([]).run()
    assert "Choose at least one channel" in _errors(at)
    assert plotly_spec(at, "md_fit_elasticity")  # the last good fit stays on screen
    channels.set_value(["tv", "digital_video", "paid_search", "social", "display", "radio"]).run()
    target = next(s for s in at.selectbox if s.label == "Conversions column")
    target.set_value("radio").run()  # radio has zero weeks: cannot be logged
    assert "must be positive" in _errors(at)
    target.set_value("conversions").run()
    assert not at.error


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
    at = run_page(PAGE)
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
    x = plotly_spec(upload_at, "md_fit_avf")["data"][0]["x"]
    np.testing.assert_array_equal(x, np.arange(156))


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


def test_controls_picker_changes_the_fit(at):
    controls = next(m for m in at.multiselect if m.label == "Controls")
    r2_with = at.metric[0].value
    controls.set_value([]).run()
    assert_no_exception(at)
    assert float(at.metric[0].value) < float(r2_with)  # the promotion effect goes unexplained
    controls.set_value(["ctrl_promo"]).run()
    assert at.metric[0].value == r2_with


def test_url_parameters_set_the_controls():
    at = run_page(PAGE, query={"md_carryover": "false", "md_window": "20", "md_trend": "true"})
    assert_no_exception(at)
    assert at.toggle(key="md_carryover").value is False
    assert at.toggle(key="md_trend").value is True
    assert at.slider(key="md_window").value == 20
    assert (at.dataframe[1].value["carry-over θ"] == 0).all()


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
