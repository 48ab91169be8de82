"""One smoke run of ``python -m bench`` at tiny sizes, so that it never rots (no timing asserts).

Every lesson benchmark module runs with ``quick=True``; every page gets a few AppTest reruns;
the browser part runs the reference app with two key presses. The checks are on
the shape of the results: every module answers with well-formed rows and nothing raised.
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


def test_browser_time_against_the_reference_floor():
    if chromium_path() is None:
        pytest.skip("no Chromium")
    from bench import browser_time

    # The reference app alone: the page path shares measure_url() and costs ~10 s more.
    # In its own thread: the browser tests' session-wide Playwright owns this thread's loop.
    out: list = []
    worker = threading.Thread(target=lambda: out.append(browser_time.measure([], True, presses=2)))
    worker.start()
    worker.join(timeout=120)
    assert out, "the browser benchmark did not finish (see the thread's exception above)"
    (reference,) = out[0]
    assert reference["what"].startswith("browser: reference app")
    assert finite_number(reference["median_ms"]) and reference["n"] == 2
