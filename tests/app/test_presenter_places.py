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

from tests.app.helpers import run_page

PAGES = ["app.py", "pages/1_Partial_derivatives.py", "pages/2_Gradient_descent.py",
         "pages/3_Backpropagation.py", "pages/4_Media_mix.py", "pages/5_Your_media_data.py",
         "pages/6_Attribution.py"]


def places(node, prefix: tuple[int, ...] = ()) -> dict[str, tuple[int, ...]]:
    """Every keyed element's place: the indices from the page's root down to it."""
    out: dict[str, tuple[int, ...]] = {}
    for index, child in getattr(node, "children", {}).items():
        place = prefix + (index,)
        key = getattr(child, "key", None)
        if key:
            out[key] = place
        out.update(places(child, place))
    return out


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
