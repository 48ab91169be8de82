"""Widget keys are URL parameters shared by the whole browser session: one namespace per lesson.

Every page is run; every keyed widget it shows must carry its lesson's prefix (the sidebar's
presenter toggle and the quiz radios, which are not in the URL, aside), so no two lessons can
share a key. Links made before the prefixes keep opening the lesson as they did.
"""

import pytest

from tests.app.helpers import assert_no_exception, run_page
from ui.registry import LESSONS

SHARED = {"presenter"}  # the sidebar's presenter toggle, the same on every page
KINDS = ("slider", "select_slider", "selectbox", "radio", "toggle", "checkbox", "number_input",
         "text_input", "text_area", "multiselect", "button", "download_button", "file_uploader")


def widget_keys(at) -> set[str]:
    keys = set()
    for kind in KINDS:
        for element in at.get(kind):
            key = getattr(element, "key", None) or getattr(element.proto, "id", "")
            if key and not key.startswith("$$"):
                keys.add(key)
    return keys


@pytest.fixture(scope="module")
def keys_by_page() -> dict[str, set[str]]:
    pages = {"app.py": "home_"} | {lesson.page: lesson.prefix for lesson in LESSONS}
    found = {}
    for page in pages:
        at = run_page(page)
        assert_no_exception(at)
        found[page] = widget_keys(at)
    return found


def test_every_control_carries_its_lessons_prefix(keys_by_page):
    prefixes = {"app.py": "home_"} | {lesson.page: lesson.prefix for lesson in LESSONS}
    for page, keys in keys_by_page.items():
        foreign = sorted(k for k in keys - SHARED
                         if not k.startswith((prefixes[page], "quiz_")))
        assert not foreign, f"{page}: keys without the prefix {prefixes[page]!r}: {foreign}"


def test_no_two_lessons_share_a_widget_key(keys_by_page):
    seen: dict[str, str] = {}
    for page, keys in keys_by_page.items():
        for key in keys - SHARED:
            assert key not in seen, f"{key!r} is used by {seen[key]} and {page}"
            seen[key] = page


def test_prefixes_are_distinct():
    prefixes = [lesson.prefix for lesson in LESSONS] + ["home_"]
    assert len(set(prefixes)) == len(prefixes)


# A link of each lesson as trainers shared them before the prefixes, and what it must set.
OLD_LINKS = {
    "pages/1_Partial_derivatives.py": ({"fn": "Saddle", "x0": "1.2", "y0": "-0.5"},
                                       {"pd_fn": "Saddle", "pd_x0": 1.2, "pd_y0": -0.5}),
    "pages/2_Gradient_descent.py": ({"surface": "Rosenbrock valley", "steps": "500",
                                     "lr1": "0.0015"},
                                    {"gd_surface": "rosenbrock", "gd_steps": 500,
                                     "gd_lr1": 0.0015}),
    "pages/4_Media_mix.py": ({"scenario": "Target return", "target": "0.8"},
                             {"mm_scenario": "Target return", "mm_target": 0.8}),
    "pages/5_Your_media_data.py": ({"trend": "true", "window": "8"},
                                   {"md_trend": True, "md_window": 8}),
    "pages/6_Attribution.py": ({"creative": "Cluttered", "steps": "20", "truth": "false"},
                               {"at_creative": "Cluttered", "at_steps": 20, "at_truth": False}),
}


@pytest.mark.parametrize("page", sorted(OLD_LINKS))
def test_links_shared_before_the_prefixes_still_open_and_rewrite_the_address(page):
    old, expected = OLD_LINKS[page]
    at = run_page(page, query=old)
    assert_no_exception(at)
    for key, value in expected.items():
        assert at.get_by_key(key).value == value, key
    assert set(old).isdisjoint(at.query_params), "the old names must leave the address"
    assert set(expected) <= set(at.query_params), "the new names must be in the address"
