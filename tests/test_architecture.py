"""The package boundaries of the design, enforced on the source text.

pages → lessons → ui → figures → core → numpy (+ stdlib). Each layer may import the layers
below it, never one above; core is split into topic packages that re-export their public names.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)

# Third-party packages each layer may import, beyond the standard library and itself.
ALLOWED = {
    "core": {"numpy", "core"},
    "figures": {"numpy", "plotly", "pptx", "core", "figures"},  # pptx: the media-mix deck
    "ui": {"numpy", "pandas", "streamlit", "plotly", "core", "figures", "ui"},
    "lessons": {"numpy", "pandas", "streamlit", "plotly", "core", "figures", "ui", "lessons"},
    "pages": {"lessons", "ui"},
}
# The documented exceptions inside core/: sympy in the formula package, pandas and openpyxl
# (an uploaded .xlsx) at the media-mix fit's data boundary.
CORE_EXCEPTIONS = {
    **{f"core/formula/{name}.py": {"sympy"} for name in ("builder", "expression", "vocabulary")},
    "core/mmm/fit/reader.py": {"pandas"},
    "core/mmm/fit/model.py": {"pandas"},
    "core/mmm/fit/workbook.py": {"openpyxl"},
}
TOPICS = ("attribution", "calculus", "descent", "formula", "mmm", "nn")


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def layer_files():
    for layer in ALLOWED:
        for path in sorted((ROOT / layer).rglob("*.py")):
            yield pytest.param(layer, path, id=str(path.relative_to(ROOT)))


@pytest.mark.parametrize(("layer", "path"), list(layer_files()))
def test_imports_respect_the_layers(layer, path):
    relative = path.relative_to(ROOT).as_posix()
    allowed = ALLOWED[layer] | CORE_EXCEPTIONS.get(relative, set())
    foreign = {root for root in imported_roots(path) if root not in STDLIB} - allowed
    assert not foreign, f"{relative} imports {sorted(foreign)}, outside its layer"


def test_core_never_touches_streamlit_or_plotly():
    for path in (ROOT / "core").rglob("*.py"):
        assert not imported_roots(path) & {"streamlit", "plotly", "figures", "ui"}, path


def test_sympy_and_pandas_stay_in_their_one_module():
    for path in (ROOT / "core").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        extra = imported_roots(path) & {"sympy", "pandas", "scipy"}
        assert extra <= CORE_EXCEPTIONS.get(relative, set()), f"{relative} imports {extra}"


def test_app_is_the_home_page_and_pages_use_discovery_not_navigation():
    for path in page_scripts():
        assert "st.navigation" not in path.read_text(encoding="utf-8"), path


def page_scripts() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("path", page_scripts(), ids=lambda p: p.name)
def test_pages_are_thin_and_import_the_lessons_first(path):
    """A page imports only lessons and the ui kit, lessons first, and renders one lesson.

    The first import must be exactly ``from lessons import <lesson>``: it takes the import
    lock of the ``lessons`` package and no other, so on a cold server the first thread builds
    the whole import graph while the others wait on that one lock (see
    ``lessons/__init__.py``). ``from lessons.media_mix import page`` would first lock
    ``lessons.media_mix`` and deadlock against the thread importing every lesson, which
    Python resolves by handing out partially initialised modules.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    first = imports[0]
    assert isinstance(first, ast.ImportFrom) and first.module == "lessons", (
        f"{path.name} must start with `from lessons import <lesson>`"
    )
    roots = imported_roots(path)
    assert roots <= {"lessons", "ui"}, f"{path.name} imports {sorted(roots)}"
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 15, f"{path.name} is not thin"


def test_the_lessons_package_imports_every_lesson():
    init = ast.parse((ROOT / "lessons" / "__init__.py").read_text(encoding="utf-8"))
    imported = {a.name for n in init.body if isinstance(n, ast.ImportFrom) for a in n.names}
    lessons = {p.name for p in (ROOT / "lessons").iterdir() if (p / "__init__.py").is_file()}
    assert lessons <= imported, f"lessons/__init__.py misses {sorted(lessons - imported)}"


@pytest.mark.parametrize("topic", TOPICS)
def test_core_is_split_into_topic_packages_that_re_export(topic):
    package = ROOT / "core" / topic
    init = (package / "__init__.py").read_text(encoding="utf-8")
    assert "__all__" in init, f"core/{topic}/__init__.py must list its public names"
    flat = sorted(p.name for p in (ROOT / "core").glob("*.py") if p.name != "__init__.py")
    assert not flat, f"core/ must hold topic packages only, not {flat}"


def test_no_module_is_a_giant():
    for layer in (*ALLOWED, "bench"):
        for path in (ROOT / layer).rglob("*.py"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= 450, f"{path.relative_to(ROOT)} has {lines} lines (at most 450)"


def test_no_private_name_is_imported_across_modules():
    for layer in ALLOWED:
        for path in (ROOT / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    private = [a.name for a in node.names if a.name.startswith("_")]
                    assert not private, f"{path.relative_to(ROOT)} imports {private}"


def test_every_page_starts_with_the_shared_setup():
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            node for node in tree.body
            if isinstance(node, (ast.Expr, ast.Assign)) and isinstance(node.value, ast.Call)
        ]
        assert calls, f"{path.name} makes no calls"
        first = calls[0].value.func
        name = first.id if isinstance(first, ast.Name) else getattr(first, "attr", "")
        assert name == "setup_page", f"{path.name} must call setup_page() first, not {name}()"


def test_no_unsafe_html_from_variables():
    """unsafe_allow_html and st.html only ever receive constant strings."""
    for layer in ("pages", "lessons", "ui", "figures"):
        for path in (ROOT / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                is_html = isinstance(func, ast.Attribute) and func.attr == "html"
                unsafe = any(
                    k.arg == "unsafe_allow_html"
                    and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                    for k in node.keywords
                )
                if is_html or unsafe:
                    arg = node.args[0] if node.args else None
                    assert isinstance(arg, (ast.Constant, ast.Name)), (
                        f"{path}:{node.lineno} passes computed text as HTML"
                    )
