"""The package boundaries of the design, enforced on the source text.

pages → ui, figures, core; ui → figures, core; figures → core; core → numpy (+ stdlib).
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
    "figures": {"numpy", "plotly", "core", "figures"},
    "ui": {"numpy", "pandas", "streamlit", "plotly", "core", "figures", "ui"},
    "pages": {"numpy", "pandas", "streamlit", "plotly", "core", "figures", "ui"},
}
# The two documented exceptions inside core/.
CORE_EXCEPTIONS = {
    "core/expressions.py": {"sympy"},
    "core/expressions_vocab.py": {"sympy"},
    "core/expressions_build.py": {"sympy"},
    "core/mmm_fit.py": {"pandas"},
}


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
    sources = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    for path in sources:
        assert "st.navigation" not in path.read_text(encoding="utf-8"), path


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
    for layer in ("pages", "ui", "figures"):
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
