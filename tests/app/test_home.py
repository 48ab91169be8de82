from tests.app.helpers import assert_finite_figures, assert_no_exception, run_page
from ui.lessons import LESSONS, available


def test_home_page_explains_the_lab_and_links_every_available_lesson():
    at = run_page("app.py")
    assert_no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "partial derivative" in text.lower()
    assert "client" in text.lower()
    assert any("First time here?" in i.value for i in at.info)
    assert any("Client session?" in s.value for s in at.success)
    labels = [el.proto.label for el in at.get("page_link")]
    assert labels == [f"**{lesson.title}**" for lesson in available()]
    assert_finite_figures(at)


def test_available_lists_only_lessons_whose_script_exists(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / LESSONS[1].page).write_text("")
    assert available(tmp_path) == (LESSONS[1],)


def test_home_page_lesson_map_is_drawn():
    at = run_page("app.py")
    assert len(at.get("plotly_chart")) == 1


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
