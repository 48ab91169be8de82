from tests.app.helpers import assert_finite_figures, assert_no_exception, plotly_spec, run_page
from ui.registry import LESSONS, available


def test_home_page_explains_the_lab_and_links_every_available_lesson():
    at = run_page("app.py")
    assert_no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "partial derivative" in text.lower()
    assert "client" in text.lower()
    assert any("First time here?" in i.value for i in at.info)
    assert any("Client session?" in s.value for s in at.success)
    labels = [el.proto.label for el in at.main.get("page_link")]
    nav = [el.proto.label for el in at.sidebar.get("page_link")]
    assert nav == ["Home", *[lesson.title for lesson in available()]]
    assert labels == [f"**{lesson.title}**" for lesson in available()]
    assert_finite_figures(at)


def test_available_lists_only_lessons_whose_script_exists(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / LESSONS[1].page).write_text("")
    assert available(tmp_path) == (LESSONS[1],)


def test_home_page_draws_the_idea_and_the_lesson_map():
    at = run_page("app.py")
    assert len(at.get("plotly_chart")) == 2
    assert plotly_spec(at, "lesson_map")["layout"]["annotations"]


def idea_sentence(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("At **$"))


def test_idea_slider_moves_the_tangent_and_the_marginal_return():
    at = run_page("app.py")
    # Calibrated: 0.42 conversions per $ at $2.1M, so 420 per extra $1,000.
    assert "**$2,100,000**" in idea_sentence(at) and "**420 conversions**" in idea_sentence(at)
    at.slider(key="home_tv").set_value(4000).run()
    # Power curve with elasticity 0.4: marginal ∝ s^(b-1), so 420·(4000/2100)^(-0.6).
    expected = 420 * (4000 / 2100) ** -0.6
    assert f"**{expected:,.0f} conversions**" in idea_sentence(at)
    spec = plotly_spec(at, "idea_chart")
    tangent = spec["data"][1]
    slope = (tangent["y"][1] - tangent["y"][0]) / (tangent["x"][1] - tangent["x"][0])
    assert abs(slope * 1000 - expected) < 1e-6 * expected
    assert_finite_figures(at)


def test_idea_slider_reads_the_url_and_notes_bad_values():
    at = run_page("app.py", query={"home_tv": "1000"})
    assert "**$1,000,000**" in idea_sentence(at)
    at = run_page("app.py", query={"home_tv": "1e9"})
    assert "**$2,100,000**" in idea_sentence(at)
    assert any("not a valid value" in c.value for c in at.caption)


def test_registry_paths_are_unique_and_numbered_in_course_order():
    pages = [lesson.page for lesson in LESSONS]
    assert len(set(pages)) == len(pages)
    numbers = [int(page.split("/")[1].split("_")[0]) for page in pages]
    assert numbers == sorted(numbers)
    assert LESSONS[0].url_path == "Partial_derivatives"


def test_presenter_mode_is_a_sidebar_toggle_on_the_home_page():
    at = run_page("app.py")
    toggle = at.sidebar.toggle[0]
    assert toggle.label == "Presenter mode" and toggle.value is False
    toggle.set_value(True).run()
    assert_no_exception(at)
    assert at.session_state["presenter"] is True
