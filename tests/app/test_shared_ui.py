"""The shared ui pieces, driven through a minimal lesson script with AppTest."""

import pytest

from tests.app.helpers import assert_finite_figures, assert_no_exception, plotly_spec, run_page
from ui.registry import LESSONS

SCRIPT = "tests/app/scripts/skeleton_page.py"


def values_line(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("values="))


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_defaults_render_every_skeleton_part():
    at = run_page(SCRIPT)
    assert_no_exception(at)
    assert at.title[0].value.endswith("Skeleton")
    assert "{'x0': 0.5, 'n': 10, 'shape': 'bowl', 'plane': False}" in values_line(at)
    assert [e.label for e in at.expander] == ["The mathematics", "In plain words"]
    assert any(h.value == "What to notice" for h in at.subheader)
    assert any(h.value == "Check your understanding" for h in at.subheader)
    assert_finite_figures(at)


def test_url_sets_widgets():
    at = run_page(SCRIPT, query={"x0": "1.5", "n": "20", "shape": "Saddle point", "plane": "true"})
    assert "{'x0': 1.5, 'n': 20, 'shape': 'saddle', 'plane': True}" in values_line(at)
    assert "not a valid value" not in captions(at)
    # AppTest does not mirror the frontend's URL rewrite; tests/browser checks that part.
    at.slider(key="x0").set_value(-1.0).run()
    assert plotly_spec(at, "line")["data"][0]["y"][1] == -1.0


@pytest.mark.parametrize(
    ("key", "raw"),
    [("x0", "banana"), ("x0", "99"), ("n", "-5"), ("shape", "cube"), ("plane", "maybe"), ("x0", "nan")],
)
def test_invalid_url_value_falls_back_with_a_visible_note(key, raw):
    at = run_page(SCRIPT, query={key: raw})
    assert_no_exception(at)
    assert "{'x0': 0.5, 'n': 10, 'shape': 'bowl', 'plane': False}" in values_line(at)
    assert "not a valid value" in captions(at)


def test_choice_accepts_the_label_streamlit_writes_into_the_url():
    at = run_page(SCRIPT, query={"shape": "Saddle point"})
    assert "'shape': 'saddle'" in values_line(at)
    assert "not a valid value" not in captions(at)
    # The internal option name is not what Streamlit matches: it falls back, with a note.
    at = run_page(SCRIPT, query={"shape": "saddle"})
    assert "'shape': 'bowl'" in values_line(at)
    assert "not a valid value" in captions(at)


def test_hostile_url_value_is_not_rendered_as_markup():
    at = run_page(SCRIPT, query={"shape": "<script>alert(1)</script>**bold**"})
    note = captions(at)
    assert "<script>" not in note and "**bold**" not in note
    assert "not a valid value" in note


def test_presenter_mode_hides_formulas_and_enlarges_charts():
    at = run_page(SCRIPT, session={"presenter": True})
    assert_no_exception(at)
    assert [e.label for e in at.expander] == []
    assert any("Plain words." in i.value for i in at.info)
    assert plotly_spec(at, "line")["layout"]["height"] >= 600


def test_last_good_keeps_the_previous_result_on_bad_input():
    at = run_page(SCRIPT)
    assert any(m.value == "doubled=4.0" for m in at.markdown)
    at.text_input(key="number").input("two").run()
    assert_no_exception(at)
    assert "could not convert" in at.error[0].value
    assert any(m.value == "doubled=4.0" for m in at.markdown)
    at.text_input(key="number").input("5").run()
    assert not at.error and any(m.value == "doubled=10.0" for m in at.markdown)


def test_quiz_gives_immediate_feedback():
    at = run_page(SCRIPT)
    at.radio(key="quiz_skeleton_1").set_value(0).run()
    assert "Too small." in at.error[0].value
    at.radio(key="quiz_skeleton_1").set_value(1).run()
    assert "Yes." in at.success[0].value
    assert "Score: 1 of 1" in at.info[-1].value


def test_a_stale_value_under_the_same_key_from_another_page_is_discarded():
    # Widget keys are shared by the whole session: another page may have left x0 = 40.
    at = run_page(SCRIPT, session={"x0": 40.0, "shape": "cube"})
    assert_no_exception(at)
    assert "'x0': 0.5" in values_line(at) and "'shape': 'bowl'" in values_line(at)


def test_ladder_control_round_trips_its_rungs_through_the_url():
    from ui.state import Ladder

    ladder = Ladder("lr", "Learning rate", (0.001, 0.01, 0.1, 1.0), 0.1)
    assert ladder.accepts("0.01") and ladder.accepts("1")
    assert not ladder.accepts("0.05") and not ladder.accepts("banana")
    assert ladder.holds(0.001) and not ladder.holds(0.5)
    assert Ladder.text(0.001) == "0.001" and Ladder.text(1.0) == "1"


@pytest.mark.parametrize("page", ["app.py", *(lesson.page for lesson in LESSONS)])
def test_presenter_mode_is_the_client_view_on_every_page(page):
    """No quiz, no formulas, no "what to notice" in front of a client."""
    at = run_page(page, session={"presenter": True})
    assert not at.exception
    assert not [r for r in at.radio if r.key and r.key.startswith("quiz_")]
    headers = [h.value for h in at.subheader]
    assert "Check your understanding" not in headers and "What to notice" not in headers
    assert not [e for e in at.expander if e.label == "The mathematics"]


def test_quiz_feedback_does_not_repeat_its_verdict():
    at = run_page("pages/1_Partial_derivatives.py")
    at.radio(key="quiz_partials_3").set_value(1).run()  # its explanation starts "Right: …"
    texts = [s.value for s in at.success]
    assert texts and all(not t.startswith("Right. Right") for t in texts), texts
    assert any(t.startswith("Right: best h") for t in texts)
