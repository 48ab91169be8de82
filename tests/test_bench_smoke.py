"""One smoke run of ``python -m bench`` at tiny sizes, so that it never rots (no timing asserts).

Every lesson benchmark module runs with ``quick=True``; every page gets a few AppTest reruns;
the browser part runs the reference app with two key presses, then the home page's key→idle
row and its scrubber's drag steps, then the first-chart rows (warm and cold server) and the
payload rows of the reference app and the home page. The checks are on the shape of the
results: every module answers with well-formed rows and nothing raised.
"""

from __future__ import annotations

import json
import math
import threading

import pytest

from bench import runner, server_time
from tests.browser.helpers import chromium_path

REQUIRED = ("what", "median_ms", "p95_ms", "target_ms", "note")


def finite_number(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value >= 0


def test_every_lesson_module_answers_quick_with_wellformed_rows():
    modules, problems = runner.discover()
    assert not problems, problems
    for name, module in modules.items():
        rows = runner.run_module(name, module, quick=True)
        assert rows, f"bench/{name}.py returned no rows"
        for r in rows:
            missing = [k for k in REQUIRED if k not in r]
            assert not missing, f"bench/{name}.py row {r.get('what')!r} lacks {missing}"
            assert not str(r["note"]).startswith("run() raised"), r["note"]
            assert finite_number(r["median_ms"]) or r["median_ms"] is None, r
            assert r["target_ms"] is None or finite_number(r["target_ms"]), r


def test_server_time_covers_every_page(monkeypatch):
    monkeypatch.setitem(server_time.RERUNS, True, 2)
    modules, _ = runner.discover()
    pages = server_time.all_pages()
    rows = server_time.measure(pages, quick=True, scripts=lambda p: runner._page_script(p, modules))
    assert len(rows) == len(pages)
    for page, r in zip(pages, rows, strict=True):
        assert finite_number(r["median_ms"]), f"{page}: {r['note']}"
        assert "raised" not in r["note"], f"{page}: {r['note']}"


def test_main_prints_one_table_and_writes_json(tmp_path, capsys):
    assert runner.main(["--quick", "--only", "no-such-module", "--no-browser",
                        "--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("section")
    (path,) = tmp_path.glob("*.json")
    data = json.loads(path.read_text())
    assert data["meta"]["quick"] is True
    assert data["rows"] == []
    fake = [{"section": "s", "what": "w", "median_ms": 2.0, "p95_ms": 3.0, "target_ms": 1,
             "note": "n"}]
    assert "SLOW" in runner.table(fake)


def test_table_judges_ratio_targets_and_shows_payload_units():
    rows = [
        {"what": "drag", "median_ms": 40.0, "p95_ms": 50.0, "target_ms": None, "ratio": 0.2,
         "target_ratio": 0.3, "note": ""},
        {"what": "first chart", "median_ms": 4000.0, "p95_ms": 4100.0, "target_ms": None,
         "ratio": 1.6, "target_ratio": 1.3, "note": ""},
        {"what": "payload", "median_ms": None, "p95_ms": None, "target_ms": None, "value": 144.3,
         "unit": "KB", "note": ""},
    ]
    assert [runner.verdict(r) for r in rows] == ["ok", "SLOW", ""]
    text = runner.table(rows)
    assert "144.3 KB" in text and "≤1.3×" in text


def test_payload_reads_the_figures_from_forward_msgs():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench import first_paint

    session, chart, finished = ForwardMsg(), ForwardMsg(), ForwardMsg()
    session.new_session.SetInParent()
    spec = json.dumps({"data": [{"x": [1, 2]}], "layout": {"template": {"layout": {}}},
                       "frames": [{"name": "a", "data": [{"x": [3, 4]}]}]})
    chart.delta.new_element.plotly_chart.spec = spec
    chart.delta.new_element.plotly_chart.id = "$$ID-abc-idea_chart"
    finished.script_finished = 1
    frames = [(1.0, session.SerializeToString()), (1.2, chart.SerializeToString()),
              (1.5, finished.SerializeToString()), (1.6, "a text frame")]
    out = first_paint.payload(frames)
    (figure,) = out["figures"]
    assert figure["key"] == "idea_chart" and figure["bytes"] == len(spec)
    assert figure["frames_bytes"] > 0 and figure["template_bytes"] == len('{"layout":{}}')
    assert out["server_ms"] == pytest.approx(500.0)


def _in_thread(fn, timeout: float):
    """Run ``fn`` in its own thread: the browser tests' session-wide Playwright owns this loop."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(fn()))
    worker.start()
    worker.join(timeout=timeout)
    assert out, "the browser benchmark did not finish (see the thread's exception above)"
    return out[0]


def test_browser_time_and_drag_steps_on_the_home_page():
    if chromium_path() is None:
        pytest.skip("no Chromium")
    from bench import browser_time

    rows = _in_thread(lambda: browser_time.measure(["app.py"], True, presses=2), timeout=240)
    by_what = {r["what"]: r for r in rows}
    reference = by_what["browser: reference app (1 slider, 1 contour) key→idle"]
    assert finite_number(reference["median_ms"]) and reference["n"] >= 2
    home = by_what["browser: home key→idle"]
    assert finite_number(home["median_ms"]) and finite_number(home["ratio"]), home["note"]
    assert finite_number(home["chart_ms"]) and home["chart_ms"] <= home["median_ms"]
    drag = by_what["drag: home idea_chart"]
    assert drag["n"] >= 3 and finite_number(drag["ratio"]), drag["note"]
    assert drag["reruns"] == 0, drag["note"]


def test_first_chart_warm_and_cold_and_payload():
    if chromium_path() is None:
        pytest.skip("no Chromium")
    from bench import first_paint

    rows = _in_thread(lambda: first_paint.measure(["app.py"], quick=True), timeout=400)
    by_what = {r["what"]: r for r in rows}
    for what in ("first chart warm: reference app", "first chart cold: reference app",
                 "first chart warm: home", "first chart cold: home"):
        assert finite_number(by_what[what]["median_ms"]), by_what.get(what, rows)
    assert finite_number(by_what["first chart cold: home"]["ratio"])
    assert {f["key"] for f in by_what["payload: home"]["figures"]} >= {"idea_chart", "lesson_map"}
    assert by_what["payload: home"]["value"] > by_what["payload: reference app"]["value"] / 10
    assert [f["key"] for f in by_what["payload: reference app"]["figures"]] == ["reference_chart"]
