"""AppTest of the media-mix lesson: every widget, bad table input, hand-off, downloads."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.mmm import PowerCurve
from core.mmm.fit import CurveHandoff
from lessons.media_mix import handoff
from tests.app.helpers import assert_finite_figures, plotly_spec, plotly_specs, run_page

PAGE = "pages/4_Media_mix.py"
EDITOR = "mm_editor"
CHARTS = ("mm_response", "mm_marginal", "mm_allocation", "mm_shift", "mm_linear", "mm_trap")


def _edits(edited=None, added=(), deleted=()):
    return {"edited_rows": edited or {}, "added_rows": list(added), "deleted_rows": list(deleted)}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _moves(at):
    return next(d.value for d in at.dataframe if "From" in d.value.columns)


def _current_marginals(at) -> np.ndarray:
    data = plotly_spec(at, "mm_marginal")["data"]
    return next(t["y"] for t in data if t.get("mode") == "markers" and not t.get("showlegend"))


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


@pytest.fixture
def at():
    app = run_page(PAGE)
    assert not app.exception
    return app


def test_default_is_the_cpg_example(at):
    metrics = _metrics(at)
    assert metrics["Plan: extra conversions"] == "240,611"
    assert metrics["Budget moved by the plan"] == "$500K"
    moves = _moves(at)
    assert list(zip(moves["From"], moves["To"], strict=True)) == (
        [("Television", "Paid search")] * 3 + [("Television", "Digital video")] * 2
    )
    specs = plotly_specs(at)
    assert len(specs) == len(CHARTS)
    assert_finite_figures(at)
    shift = plotly_spec(at, "mm_shift")["data"][0]
    np.testing.assert_allclose(shift["x"], [-500_000, 200_000, 0, 300_000])
    np.testing.assert_allclose(_current_marginals(at), [0.42, 0.89, 0.61, 1.23], rtol=1e-12)


def test_plan_linear_estimate_next_to_exact(at):
    text = next(m.value for m in at.markdown if "The whole plan" in m.value)
    assert "+337,000" in text and "+240,611" in text  # 0.89*200K + 1.23*300K - 0.42*500K


def test_tangent_labels_are_in_money_terms(at):
    texts = [a["text"] for a in plotly_spec(at, "mm_response")["layout"]["annotations"]]
    assert "Television: each extra $1K brings ≈ 420" in texts
    assert "Paid search: each extra $1K brings ≈ 1,230" in texts


def test_url_sets_the_scenario_cap_and_step():
    at = run_page(PAGE, query={"mm_moved": "300", "mm_step": "50", "mm_scenario": "Target return"})
    assert at.radio(key="mm_scenario").value == "Target return"
    assert not [c for c in at.caption if "not a valid value" in c.value]
    assert _metrics(at)["Budget moved by the plan"] == "$300K"
    assert len(_moves(at)) == 6


def test_sliders_change_the_plan(at):
    at.slider(key="mm_moved").set_value(200).run()
    assert _metrics(at)["Budget moved by the plan"] == "$200K"
    at.slider(key="mm_step").set_value(250).run()
    assert _metrics(at)["Budget moved by the plan"] == "$0"  # 250K does not fit under 200K


def test_target_scenario_shows_the_flexible_budget(at):
    at.radio(key="mm_scenario").set_value("Target return").run()
    assert not at.exception
    before = [i.value for i in at.info if "If the goal is instead" in i.value][0]
    assert "brings at least 500 conversions" in before and "more than today" in before
    at.slider(key="mm_target").set_value(1.0).run()
    after = [i.value for i in at.info if "If the goal is instead" in i.value][0]
    assert "less than today" in after and "fewer conversions" in after
    names = [t["name"] for t in plotly_spec(at, "mm_allocation")["data"]]
    assert names == ["Today", "Plan", "Balanced", "Target return"]


def test_linear_vs_exact_controls(at):
    at.selectbox(key="mm_from").set_value(0)
    at.selectbox(key="mm_to").set_value(3)
    at.slider(key="mm_amount").set_value(1_000).run()
    linear, exact = (t["y"] for t in plotly_spec(at, "mm_linear")["data"][:2])
    assert linear[-1] > exact[-1]  # the tangent overstates large moves
    text = [m.value for m in at.markdown if "Estimate from today's" in m.value][0]
    assert "+810,000" in text  # (1.23 - 0.42) * 1,000,000
    at.selectbox(key="mm_to").set_value(0).run()
    assert any("two different channels" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (_edits({0: {"Spend ($)": -5.0}}), "must be positive"),
        (_edits({0: {"Spend ($)": 0.0}}), "must be positive"),
        (_edits({1: {"Marginal return": None}}), "a number is needed"),
        (_edits({1: {"Spend ($)": "abc"}}), "a number is needed"),
        (_edits({2: {"Elasticity / slope": 1.5}}), "at most 1"),
        (_edits({1: {"Channel": "Television"}}), "must be unique"),
        (_edits(deleted=[0, 1, 2, 3]), "table is empty"),
        (
            _edits(
                {
                    0: {"Min ($)": 2_100_000.0},
                    1: {"Min ($)": 800_000.0},
                    2: {"Min ($)": 600_000.0},
                    3: {"Min ($)": 500_000.0},
                }
            ),
            "minimum spends add up",
        ),
        (
            _edits({k: {"Max ($)": 900_000.0} for k in range(1, 4)} | {0: {"Max ($)": 900_000.0}}),
            "maximum spends add up",
        ),
        (_edits({0: {"Max ($)": 1_000_000.0}}), "outside its min / max"),
        (_edits({0: {"Curve": "Hill (S-curve)"}}), "Saturation"),
    ],
)
def test_bad_table_input_keeps_the_last_good_result(at, edits, message):
    at.session_state[EDITOR] = edits
    at.run()
    assert not at.exception
    assert any(message in e for e in _errors(at)), _errors(at)
    assert _metrics(at)["Plan: extra conversions"] == "240,611"  # last good result stays
    assert len(plotly_specs(at)) == len(CHARTS)


def test_valid_edits_and_reset(at):
    at.session_state[EDITOR] = _edits(
        {0: {"Marginal return": 1.5}},
        added=[
            {
                "Channel": "Social",
                "Spend ($)": 300_000.0,
                "Marginal return": 2.0,
                "Curve": "Hill (S-curve)",
                "Elasticity / slope": 2.5,
                "Saturation ($)": 400_000.0,
            }
        ],
    )
    at.run()
    assert not _errors(at) and not at.exception
    assert _metrics(at)["Plan: extra conversions"] != "240,611"
    assert len(plotly_spec(at, "mm_shift")["data"][0]["x"]) == 5
    at.button(key="mm_reset").click().run()
    assert _metrics(at)["Plan: extra conversions"] == "240,611"


def _fitted(names, spend, curves, source) -> CurveHandoff:
    n = len(names)
    return CurveHandoff(
        names=tuple(names), spend=tuple(spend), marginal=(1.0,) * n, marginal_ci=((0.5, 2.0),) * n,
        elasticity=tuple(c.elasticity for c in curves), contribution=(1.0,) * n,
        curves=tuple(curves), period_weeks=13, window=13, notes=(), source=source,
    )


def test_handoff_from_your_data_page():
    imported = {
        "names": ["TV", "Search", "Social"],
        "spend": [1_000_000.0, 500_000.0, 250_000.0],
        "curves": [PowerCurve(30.0, 0.45), PowerCurve(400.0, 0.25), PowerCurve(60.0, 0.5)],
        "source": "weekly_sample.csv, 156 weeks ![x](http://evil/x.png)",
    }
    at = run_page(PAGE, session={handoff.KEY: _fitted(**imported)})
    assert _metrics(at)["Plan: extra conversions"] == "240,611"  # CPG stays the default
    at.button(key="mm_import").click().run()
    assert not at.exception and not _errors(at)
    caption = next(c.value for c in at.caption if "weekly" in c.value)
    assert "\\!\\[x\\]" in caption  # Markdown escaped: no remote image
    current = _current_marginals(at)
    expected = [
        float(c.marginal(s)) for c, s in zip(imported["curves"], imported["spend"], strict=True)
    ]
    np.testing.assert_allclose(current, expected, rtol=1e-12)
    at.button(key="mm_reset").click().run()
    assert _metrics(at)["Plan: extra conversions"] == "240,611"


def test_broken_handoff_is_a_warning_not_a_crash():
    broken = _fitted(["TV"], [-1.0], [PowerCurve(30.0, 0.45)], "a broken fit")
    at = run_page(PAGE, session={handoff.KEY: broken})
    assert not at.exception
    assert any("cannot be used" in w.value for w in at.warning)


def test_anything_else_under_the_handoff_key_is_ignored():
    at = run_page(PAGE, session={handoff.KEY: {"names": ["TV"], "spend": [1.0]}})
    assert not at.exception
    assert not [b for b in at.button if b.key == "mm_import"]


def test_presenter_mode_shows_the_explanation_without_formulas(at):
    at.toggle(key="presenter").set_value(True).run()
    info = [i.value for i in at.info]
    assert any("Television" in v and "extra conversions" in v for v in info)
    assert not any("$$" in v or "\\frac" in v for v in info)
    assert not [e for e in at.expander if e.label == "The mathematics"]
    assert len(plotly_specs(at)) == len(CHARTS) - 1  # the S-curve aside is for staff


def test_downloads_and_quiz(at):
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the plan (CSV)", "Download the report (HTML, works offline)"]
    at.radio(key="quiz_mediamix_1").set_value(1)
    at.radio(key="quiz_mediamix_2").set_value(0).run()
    assert any("Score: 2 of 2" in i.value for i in at.info)


CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e3, max_value=1e13),
    st.sampled_from(["", "abc", "=1+1", "1e400", "-0", "0"]),
)
COLUMNS = (
    "Spend ($)",
    "Marginal return",
    "Elasticity / slope",
    "Saturation ($)",
    "Min ($)",
    "Max ($)",
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    row=st.integers(0, 3),
    column=st.sampled_from(COLUMNS),
    value=CELLS,
    curve=st.sampled_from(["Power (log-log)", "Hill (S-curve)", "Exponential"]),
)
def test_random_cell_edits_never_crash(at, row, column, value, curve):
    at.session_state[EDITOR] = _edits({row: {column: value, "Curve": curve}})
    at.run()
    assert not at.exception
    assert len(plotly_specs(at)) == len(CHARTS)  # a valid result is always on screen


def test_linear_controls_survive_table_changes(at):
    at.selectbox(key="mm_from").set_value(0)
    at.selectbox(key="mm_to").set_value(3)
    at.slider(key="mm_amount").set_value(2_000).run()
    at.session_state[EDITOR] = _edits({0: {"Spend ($)": 150_000.0}}, deleted=[3])
    at.run()
    assert not at.exception and not _errors(at)
    assert at.slider(key="mm_amount").value <= 150
    assert len(plotly_spec(at, "mm_shift")["data"][0]["x"]) == 3


def test_failed_analysis_keeps_the_matching_channels(at):
    at.radio(key="mm_scenario").set_value("Target return").run()
    linear = {
        "Channel": "Radio",
        "Spend ($)": 100_000.0,
        "Marginal return": 2.0,
        "Curve": "Power (log-log)",
        "Elasticity / slope": 1.0,
    }
    at.session_state[EDITOR] = _edits(added=[linear])  # a linear channel never saturates
    at.run()
    assert not at.exception
    assert any("never falls" in e for e in _errors(at))
    assert len(plotly_spec(at, "mm_shift")["data"][0]["x"]) == 4  # last good, 4 channels


def test_binding_bounds_are_named(at):
    at.session_state[EDITOR] = _edits({3: {"Max ($)": 500_000.0}, 2: {"Min ($)": 600_000.0}})
    at.run()
    caption = next(c.value for c in at.caption if "held at a bound" in c.value)
    assert "Paid search at its maximum" in caption and "Display at its minimum" in caption


def test_absurd_but_valid_numbers_render(at):
    """Regression (found by the fuzzer): 1e14 conversions per $ overflowed an int64 column."""
    at.session_state[EDITOR] = _edits({0: {"Marginal return": 187074086326471.0}})
    at.run()
    assert not at.exception and not _errors(at)


def _download_bytes(at, key: str) -> bytes:
    """The file behind a download button (AppTest keeps it in an in-memory media store)."""
    import gc

    from streamlit.runtime.media_file_manager import MediaFileManager

    button = next(b for b in at.get("download_button") if b.proto.url and key in str(b.proto))
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    for manager in (o for o in gc.get_objects() if isinstance(o, MediaFileManager)):
        try:
            return manager._storage.get_file(file_id).content  # private API, test-only
        except Exception:  # another session's store
            continue
    pytest.skip("media store not reachable in this Streamlit version")


def test_csv_download_escapes_formulas(at):
    at.session_state[EDITOR] = _edits({0: {"Channel": '=HYPERLINK("http://evil","TV")'}})
    at.run()
    text = _download_bytes(at, "Download the plan (CSV)").decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][0] == "Channel"
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\",\"TV\")"
    assert [r[3] for r in rows[1:]] == ["-500000.0", "200000.0", "0.0", "300000.0"]
