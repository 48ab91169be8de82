"""Switching presenter mode moves no widget: each keeps its place on the page.

In Streamlit 1.67 a widget whose place changes is mounted again, and when the old instance is
removed after the new one is mounted, its clean-up unregisters the URL binding the new one
registered: the control silently stops writing to the address bar (found in a client session:
the Client field and the plan's step, changed in presenter mode, were missing from the link).
So every part that presenter mode hides or shows is exactly one element in both views
(``ui.lesson``), and this test checks that every widget, chart and fold of every page sits at
the same place in the element tree in both views.
"""

from __future__ import annotations

import pytest

from tests.app.helpers import places, run_page

PAGES = ["app.py", "pages/1_Partial_derivatives.py", "pages/2_Gradient_descent.py",
         "pages/3_Backpropagation.py", "pages/4_Media_mix.py", "pages/5_Your_media_data.py",
         "pages/6_Attribution.py"]


@pytest.mark.parametrize("page", PAGES)
def test_presenter_mode_moves_no_widget(page):
    at = run_page(page)
    learner = places(at._tree)
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    client = places(at._tree)
    both = sorted(set(learner) & set(client))
    assert len(both) >= 3  # the page's own controls, not only the sidebar
    moved = {k: (learner[k], client[k]) for k in both if learner[k] != client[k]}
    assert not moved, moved


MEDIA_MIX = "pages/4_Media_mix.py"
EDITOR = "mm_editor"


def _edits(edited: dict) -> dict:
    return {"edited_rows": edited, "added_rows": [], "deleted_rows": []}


@pytest.mark.parametrize("change", [
    pytest.param(lambda at: at.radio(key="mm_scenario").set_value("Target return"),
                 id="the target slider appears"),
    pytest.param(lambda at: at.session_state.__setitem__(EDITOR, _edits({0: {"Spend ($)": -5.0}})),
                 id="a typo's error and the last-good note appear"),
    pytest.param(lambda at: at.session_state.__setitem__(
        EDITOR, _edits({1: {"Marginal return": 40.0}})), id="a soft warning appears"),
])
def test_messages_and_optional_controls_move_no_later_widget(change):
    """On the client's page, what appears above a control does not move the controls below."""
    at = run_page(MEDIA_MIX)
    before = places(at._tree)
    change(at)
    at.run()
    assert not at.exception
    after = places(at._tree)
    moved = {k: (before[k], after[k]) for k in set(before) & set(after) if before[k] != after[k]}
    assert not moved, moved


@pytest.mark.parametrize(("page", "choice", "formula"), [
    ("pages/1_Partial_derivatives.py", "pd_fn", "pd_formula"),
    ("pages/2_Gradient_descent.py", "gd_surface", "gd_f"),
])
def test_a_formula_typo_moves_no_control(page, choice, formula):
    """A trainer's typo shows its error (state.last_good) without moving the point's controls."""
    at = run_page(page)
    picker = at.selectbox(key=choice)
    picker.set_value(next(o for o in picker.options if "own" in o or "Custom" in o)).run()
    before = places(at._tree)
    at.text_input(key=formula).set_value("x**").run()
    assert at.error and not at.exception  # the typo is named ...
    after = places(at._tree)
    moved = {k: (before[k], after[k]) for k in set(before) & set(after) if before[k] != after[k]}
    assert not moved, moved  # ... and every control stays where it was
