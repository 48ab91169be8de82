"""AppTest of the media-mix lesson: the worked example, controls, bad input, the hand-off."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.mmm import PowerCurve
from core.mmm.fit import CurveHandoff
from lessons.media_mix import handoff
from tests.app.helpers import (
    assert_finite_figures,
    chart_keys,
    plotly_spec,
    plotly_specs,
    run_page,
)

PAGE = "pages/4_Media_mix.py"
EDITOR = "mm_editor"
CHARTS = ("mm_marginal", "mm_response", "mm_allocation", "mm_shift", "mm_linear")


def test_the_s_curve_section_is_folded_until_opened():
    at = run_page(PAGE)
    assert "mm_trap" not in chart_keys(at)
    at.session_state["mm_more_s_curves"] = True
    at.run()
    trap = plotly_spec(at, "mm_trap")
    assert trap["data"] and any("worst" in m.value for m in at.markdown)


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
    assert list(moves["Amount ($)"]) == ["$100K"] * 5  # the one money formatter
    assert len(plotly_specs(at)) == len(CHARTS)
    assert_finite_figures(at)
    shift = plotly_spec(at, "mm_shift")["data"][0]
    np.testing.assert_allclose(shift["x"], [-500_000, 200_000, 0, 300_000])
    np.testing.assert_allclose(_current_marginals(at), [420, 890, 610, 1230], rtol=1e-12)
    assert not at.query_params  # the example needs nothing in the address


def test_plan_linear_estimate_next_to_exact(at):
    text = next(m.value for m in at.markdown if "The whole plan estimated" in m.value)
    assert "+337,000" in text and "+241,000" in text  # 0.89*200K + 1.23*300K - 0.42*500K


def test_the_curves_replay_the_plan_with_money_labels(at):
    spec = plotly_spec(at, "mm_response")
    labels = [d["text"][1] for d in spec["frames"][-1]["data"]]
    assert labels[0] == "$1.6M: next $1K ≈ 490"  # Television after the plan
    first = [d["text"][1] for d in spec["frames"][0]["data"]]
    assert first[0] == "$2.1M: next $1K ≈ 420" and first[3] == "$400K: next $1K ≈ 1,230"
    assert spec["layout"]["sliders"][0]["active"] == len(spec["frames"]) - 1


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
    assert any("already close to balanced" in i.value for i in at.get("expander")[0].markdown)


def test_target_scenario_shows_the_flexible_budget(at):
    at.radio(key="mm_scenario").set_value("Target return").run()
    assert not at.exception
    story = " ".join(m.value for m in at.markdown)
    assert "still brings at least 500 conversions" in story and "more than today" in story
    at.slider(key="mm_target").set_value(1.0).run()
    story = " ".join(m.value for m in at.markdown)
    assert "less than today" in story and "fewer conversions" in story
    spec = plotly_spec(at, "mm_allocation")
    assert [t["name"] for t in spec["data"]] == ["Today", "Plan", "Balanced", "Target return"]
    assert all(t["text"] for t in spec["data"])  # four scenarios, every bar still labelled


def test_single_move_controls(at):
    at.selectbox(key="mm_from").set_value("Television")
    at.selectbox(key="mm_to").set_value("Paid search")
    at.slider(key="mm_amount").set_value(1_000).run()
    spec = plotly_spec(at, "mm_linear")
    linear, exact = spec["data"][0]["y"], spec["data"][1]["y"]
    assert linear[-1] > exact[-1]  # the tangent overstates large moves
    assert spec["data"][2]["x"][0] == 1_000_000  # the scrubber starts at the URL's amount
    text = [m.value for m in at.markdown if "the estimate from today's" in m.value][0]
    assert "**\\$1M**" in text and "+810,000" in text  # (1.23 - 0.42) * 1,000,000
    at.selectbox(key="mm_to").set_value("Television").run()
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
            _edits({0: {"Min ($)": 2_100_000.0}, 1: {"Min ($)": 800_000.0},
                    2: {"Min ($)": 600_000.0}, 3: {"Min ($)": 500_000.0}}),
            "minimum spends add up",
        ),
        (_edits({k: {"Max ($)": 900_000.0} for k in range(4)}), "maximum spends add up"),
        (_edits({0: {"Max ($)": 1_000_000.0}}), "outside its min / max"),
        (_edits({0: {"Curve": "Hill (S-curve)"}}), "Saturation"),
        (_edits(added=[{"Spend ($)": 1e5, "Marginal return": 1.0}]), "needs a name"),
    ],
)
def test_bad_table_input_names_the_row_and_keeps_the_last_good_result(at, edits, message):
    at.session_state[EDITOR] = edits
    at.run()
    assert not at.exception
    assert any(message in e for e in _errors(at)), _errors(at)
    assert any("last valid table" in c.value for c in at.caption)
    assert _metrics(at)["Plan: extra conversions"] == "240,611"  # last good result stays
    assert len(plotly_specs(at)) == len(CHARTS)


def test_valid_edits_and_reset(at):
    social = {"Channel": "Social", "Spend ($)": 300_000.0, "Marginal return": 2.0,
              "Curve": "Hill (S-curve)", "Elasticity / slope": 2.5, "Saturation ($)": 400_000.0}
    at.session_state[EDITOR] = _edits({0: {"Marginal return": 1.5}}, added=[social])
    at.run()
    assert not _errors(at) and not at.exception
    assert _metrics(at)["Plan: extra conversions"] != "240,611"
    assert len(plotly_spec(at, "mm_shift")["data"][0]["x"]) == 5
    assert "mm_table" in at.query_params
    at.button(key="mm_reset").click().run()
    assert _metrics(at)["Plan: extra conversions"] == "240,611"
    assert "mm_table" not in at.query_params


def _fitted(names, spend, curves, source, holdout=None) -> CurveHandoff:
    n = len(names)
    return CurveHandoff(
        names=tuple(names), spend=tuple(spend), marginal=(1.0,) * n, marginal_ci=((0.5, 2.0),) * n,
        elasticity=tuple(c.elasticity for c in curves), contribution=(1.0,) * n,
        curves=tuple(curves), period_weeks=13, window=13, notes=(), source=source,
        holdout_mape=holdout,
    )


IMPORTED = {
    "names": ["TV", "Search", "Social"],
    "spend": [1_000_000.0, 500_000.0, 250_000.0],
    "curves": [PowerCurve(30.0, 0.45), PowerCurve(400.0, 0.25), PowerCurve(60.0, 0.5)],
    "source": "weekly_sample.csv, 156 weeks ![x](http://evil/x.png)",
}


def test_handoff_from_your_data_page():
    at = run_page(PAGE, session={handoff.KEY: _fitted(**IMPORTED, holdout=0.083)})
    assert _metrics(at)["Plan: extra conversions"] == "240,611"  # CPG stays the default
    at.button(key="mm_import").click().run()
    assert not at.exception and not _errors(at)
    caption = next(c.value for c in at.caption if "weekly" in c.value)
    assert "\\!\\[x\\]" in caption  # Markdown escaped: no remote image
    assert "off by 8 % on average" in caption
    current = _current_marginals(at)
    expected = [
        1000 * float(c.marginal(s))
        for c, s in zip(IMPORTED["curves"], IMPORTED["spend"], strict=True)
    ]
    np.testing.assert_allclose(current, expected, rtol=1e-12)
    story = at.get("expander")[0].markdown[0].value
    assert "fitted on your data" in story and "off by 8 % on average" in story
    at.button(key="mm_reset").click().run()
    assert _metrics(at)["Plan: extra conversions"] == "240,611"


def test_arriving_from_plan_with_these_curves_loads_them_at_once():
    session = {handoff.KEY: _fitted(**IMPORTED), handoff.ARRIVING: True}
    at = run_page(PAGE, session=session)
    assert not at.exception
    assert [t["name"] for t in plotly_spec(at, "mm_marginal")["data"][:3]] == IMPORTED["names"]


def test_broken_handoff_is_a_warning_not_a_crash():
    broken = _fitted(["TV"], [-1.0], [PowerCurve(30.0, 0.45)], "a broken fit")
    at = run_page(PAGE, session={handoff.KEY: broken})
    assert not at.exception
    assert any("cannot be used" in w.value for w in at.warning)


def test_anything_else_under_the_handoff_key_is_ignored():
    at = run_page(PAGE, session={handoff.KEY: {"names": ["TV"], "spend": [1.0]}})
    assert not at.exception
    assert not [b for b in at.button if b.key == "mm_import"]


def test_downloads_and_quiz(at):
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the plan (CSV)", "Download the report (HTML)",
                      "Download the deck (PowerPoint)"]
    at.radio(key="quiz_mediamix_1").set_value(1)
    at.radio(key="quiz_mediamix_2").set_value(0).run()
    assert any("Score: 2 of 2" in i.value for i in at.info)


CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e3, max_value=1e13),
    st.sampled_from(["", "abc", "=1+1", "1e400", "-0", "0"]),
)
COLUMNS = ("Spend ($)", "Marginal return", "Elasticity / slope", "Saturation ($)", "Min ($)",
           "Max ($)")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    row=st.integers(0, 3),
    column=st.sampled_from(COLUMNS),
    value=CELLS,
    curve=st.sampled_from(["Power (log-log)", "Hill (S-curve)", "Exponential", None]),
)
def test_random_cell_edits_never_crash(at, row, column, value, curve):
    at.session_state[EDITOR] = _edits({row: {column: value, "Curve": curve}})
    at.run()
    assert not at.exception
    assert len(plotly_specs(at)) == len(CHARTS)  # a valid result is always on screen


def test_single_move_survives_table_changes(at):
    at.selectbox(key="mm_from").set_value("Television")
    at.selectbox(key="mm_to").set_value("Paid search").run()
    at.session_state[EDITOR] = _edits({0: {"Spend ($)": 150_000.0}}, deleted=[3])
    at.run()
    assert not at.exception and not _errors(at)
    assert at.selectbox(key="mm_to").value in ("Digital video", "Display")  # search is gone
    assert max(plotly_spec(at, "mm_linear")["data"][0]["x"]) <= 0.8 * 150_000
    assert len(plotly_spec(at, "mm_shift")["data"][0]["x"]) == 3


def test_failed_analysis_keeps_the_matching_channels(at):
    at.radio(key="mm_scenario").set_value("Target return").run()
    linear = {"Channel": "Radio", "Spend ($)": 100_000.0, "Marginal return": 2.0,
              "Curve": "Power (log-log)", "Elasticity / slope": 1.0}
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
    assert any("20 times above" in w.value for w in at.warning)  # and it is called out
