"""Security, as tests: no user text rendered as HTML, capped uploads, escaped CSV exports,
the expression parser's hostile corpus, and a server bound to localhost in tests.

Page-level checks run only when the page exists; the pages' own tests cover their error
messages in depth, these assert the security property across the app.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import tomllib
from pathlib import Path

import pytest

from tests.app.helpers import ROOT, run_page

PAYLOAD = "<img src=x onerror=alert(1)>"
MARKER = "onerror"
SCANNED = ("pages", "lessons", "ui", "figures")


# ---------------------------------------------------------------- static: HTML sinks
def module_constants(tree: ast.Module) -> set[str]:
    """Names bound at module level to a constant string (the only text allowed as HTML)."""
    names = set()
    for node in tree.body:
        value = getattr(node, "value", None)
        if isinstance(node, ast.Assign) and isinstance(value, ast.Constant) and isinstance(value.value, str):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def html_sink_problems(source: str, filename: str = "<src>") -> list[str]:
    """Calls that render HTML (``*.html(...)``, ``unsafe_allow_html`` not literally False,
    ``components...html/iframe``) with anything but a constant string."""
    tree = ast.parse(source, filename=filename)
    constants = module_constants(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        unsafe = any(
            k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if not (unsafe or attr in ("html", "iframe")):
            continue
        body = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("body", "html", "src")), None)
        constant = isinstance(body, ast.Constant) and isinstance(body.value, str)
        if not (constant or (isinstance(body, ast.Name) and body.id in constants)):
            problems.append(f"{filename}:{node.lineno} renders non-constant text as HTML")
    return problems


def python_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for layer in SCANNED:
        files.extend(sorted((ROOT / layer).rglob("*.py")))
    return [f for f in files if f.is_file()]


def test_the_html_scan_can_fail():
    bad = (
        "import streamlit as st\nname = st.text_input('n')\n"
        "st.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\n"
        "st.html(name)\nst.markdown(name, unsafe_allow_html=flag)\n"
        "CSS = '<style></style>'\nst.html(CSS)\nst.markdown('<br>', unsafe_allow_html=True)\n"
    )
    assert len(html_sink_problems(bad)) == 3


def test_no_user_text_is_rendered_as_html():
    problems = [p for f in python_files()
                for p in html_sink_problems(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))]
    assert not problems, problems


def html_rendered(at) -> list[str]:
    """Texts the frontend would render as raw HTML: st.html bodies and markdown allowing HTML."""
    out = []
    for block in (at.main, at.sidebar):
        for node in block:
            kind = getattr(node, "type", None)
            allows_html = kind == "html" or (
                kind in ("markdown", "caption", "latex") and getattr(node.proto, "allow_html", False))
            if allows_html:
                out.append(node.proto.body)
    return out


def assert_payload_stays_text(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    leaked = [body[:120] for body in html_rendered(at) if MARKER in body]
    assert not leaked, f"user text rendered as HTML: {leaked}"


# ---------------------------------------------------------------- dynamic: user text
def page(name: str) -> str:
    path = f"pages/{name}.py"
    if not (ROOT / path).is_file():
        pytest.skip(f"{path} does not exist yet")
    return path


def test_formula_with_html_shows_as_text():
    at = run_page(page("1_Partial_derivatives"))
    for option in reversed(at.selectbox(key="pd_fn").options):  # "type your own" is the last
        at.selectbox(key="pd_fn").set_value(option).run()
        if at.text_input:
            break
    assert at.text_input, "no formula box found on the partial-derivatives page"
    at.text_input[0].set_value(PAYLOAD).run()
    assert_payload_stays_text(at)
    assert at.error, "an invalid formula must get a clear inline message"


def test_channel_name_with_html_shows_as_text():
    mediamix = pytest.importorskip("lessons.media_mix.analysis")
    at = run_page(page("4_Media_mix"))
    name_column = mediamix.COLUMNS["name"]
    at.session_state[mediamix.EDITOR_KEY] = {
        "edited_rows": {0: {name_column: PAYLOAD}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_payload_stays_text(at)
    shown = " ".join(str(m.value) for m in at.markdown) + str(at.get("plotly_chart"))
    assert "onerror" in shown, "the edited channel name should appear (as text) on the page"


def upload(at, name: str, data: bytes):
    media_data = pytest.importorskip("lessons.media_data.data")
    at.radio(key=media_data.SOURCE.key).set_value(media_data.UPLOAD_OPTION).run()
    at.get("file_uploader")[0].set_value((name, data, "text/csv")).run()
    return at


def test_csv_header_with_html_shows_as_text():
    at = run_page(page("5_Your_media_data"))
    rows = ["date,conversions,tv," + PAYLOAD.replace(",", " ")]
    rows += [f"2024-01-{d:02d},{100 + d},{10 + d},{5 + d % 3}" for d in range(1, 29)]
    upload(at, "hostile.csv", "\n".join(rows).encode())
    assert_payload_stays_text(at)


# ---------------------------------------------------------------- uploads
def upload_cap_mb() -> int:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return config["server"]["maxUploadSize"]


def test_uploads_are_capped_by_config():
    cap = upload_cap_mb()
    assert 1 <= cap <= 10, f"server.maxUploadSize = {cap} MB; client CSVs need a few kB"
    media_data = pytest.importorskip("lessons.media_data.data")  # the upload page's own check, if any
    limit = getattr(media_data, "MAX_BYTES", None)
    assert limit in (None, cap * 1024 * 1024), "the page's own limit must match the config"


def test_oversized_upload_gets_a_clear_message():
    at = run_page(page("5_Your_media_data"))
    too_big = b"date,conversions,tv\n" + b"2024-01-01,1,1\n" * (upload_cap_mb() * 1024 * 1024 // 15 + 10)
    upload(at, "huge.csv", too_big)
    assert not at.exception, [e.value for e in at.exception]
    messages = " ".join(str(e.value) for e in at.error)
    assert re.search(r"\blimit\b", messages) and "MB" in messages, messages


# ---------------------------------------------------------------- CSV exports
DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def read_back(text: str) -> list[list[str]]:
    """Parse CSV the way a spreadsheet does: a bare CR or LF ends a row."""
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_export_neutralises_formulas():
    report = pytest.importorskip("core.mmm.report")
    text = report.csv_text(["channel", "spend"], [[cell, 1000.0] for cell in DANGEROUS[:-1]] + [["TV", -5.0]])
    rows = read_back(text)
    cells = [r[0] for r in rows[1:-1]]
    assert all(c.startswith("'") for c in cells), cells
    assert rows[-1] == ["TV", "-5.0"], "numbers written by the app stay numbers"


def test_csv_export_keeps_a_line_break_inside_its_cell():
    """A name like "x\r=cmd()" (possible from an uploaded header) must not start a new row."""
    report = pytest.importorskip("core.mmm.report")
    for name in ("ok\r=1+1", "ok\n=1+1", "\r=1"):
        rows = read_back(report.csv_text(["channel", "spend"], [[name, 1.0]]))
        assert len(rows) == 2, f"{name!r} split into rows {rows}: a formula cell can start a row"


def csv_downloads(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "download_button":
            mime = next((k.value for k in node.keywords if k.arg == "mime"), None)
            if isinstance(mime, ast.Constant) and mime.value == "text/csv":
                yield node


def test_every_csv_download_goes_through_the_escaping_writer():
    """A CSV built from app data uses csv_text; a shipped file (read_bytes) is ours."""
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in csv_downloads(tree):
            data = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "data"), None)
            func = getattr(data, "func", None)
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            assert name in ("csv_text", "read_bytes"), f"{path.name}:{call.lineno} CSV not escaped"


def test_html_report_escapes_user_text():
    report = pytest.importorskip("figures.media_mix_report")
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=["</script>" + PAYLOAD], y=[1.0], name="</script>" + PAYLOAD))
    html = report.html_report(PAYLOAD, f"Move budget to {PAYLOAD}.",
                              [("Per channel", [{"Channel": PAYLOAD, "Spend": 1.0}])], [fig],
                              note=PAYLOAD)
    assert "</script><img" not in html
    outside_scripts = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    assert "<img" not in outside_scripts
    assert "&lt;img" in outside_scripts


# ---------------------------------------------------------------- parser, server binding
def test_hostile_formula_corpus_exists():
    corpus = pytest.importorskip("tests.core.formula.hostile_formulas")
    assert len(corpus.HOSTILE) >= 50, len(corpus.HOSTILE)
    assert "HOSTILE" in (ROOT / "tests" / "core" / "formula" / "test_expression.py").read_text(encoding="utf-8")


def test_test_servers_bind_to_localhost(monkeypatch):
    from tests.browser import helpers

    calls = []

    class FakeProc:
        def __init__(self, args, **kwargs):
            calls.append(args)

        def kill(self):
            pass

    class Ok(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(helpers.subprocess, "Popen", FakeProc)
    monkeypatch.setattr(helpers.urllib.request, "urlopen", lambda *a, **k: Ok(b"ok"))
    _, url = helpers.start_server()
    (args,) = calls
    assert args[args.index("--server.address") + 1] == "127.0.0.1"
    assert url.startswith("http://127.0.0.1:")
    for fixture_file in ("tests/browser/conftest.py", "bench/browser_time.py",
                         "tests/browser/test_concurrency.py"):
        path = ROOT / fixture_file
        if path.is_file():
            source = path.read_text(encoding="utf-8")
            assert "start_server(" in source and "Popen(" not in source, fixture_file
