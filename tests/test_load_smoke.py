"""The load generator at smoke size: five simulated learners for about 30 s, no timing asserts.

It speaks Streamlit's websocket protocol (``bench.learner``), so these tests check that it
really drives the app: a control set over the protocol reaches the page's URL and its
charts, every control of the interaction table is on its lesson, and five learners spread
over the lessons rerun without a single error. ``python -m bench --only load`` is the
measurement; the runner leaves it out unless it is named.
"""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

from bench import load, runner
from bench import load_report as report
from bench.classroom import Classroom, Server
from bench.learner import Tab, with_param
from bench.load_mix import LESSONS, next_value
from tests.browser.helpers import start_server, stop_server


@pytest.fixture(scope="module")
def server():
    proc, url = start_server()
    yield proc, url
    stop_server(proc)


def run(coroutine):
    return load.in_own_thread(coroutine)


def test_a_control_set_over_the_protocol_reaches_the_url_and_the_chart(server):
    _, url = server

    async def scenario():
        tab = Tab(url, "Media_mix")
        opened = await tab.open()
        moved = tab.find("mm_moved", "Move at most this quarter ($K)")
        before = tab.value(moved)
        changed = await tab.set(moved, before + 250)
        reopened = Tab(url, "Media_mix", tab.query_string)
        again = await reopened.open()
        await tab.close()
        await reopened.close()
        return opened, before, changed, tab.query_string, reopened.value(
            reopened.find("mm_moved")), again

    opened, before, changed, query, reopened_value, again = run(scenario())
    assert opened.status == "ok" and not opened.exceptions, opened
    # The cap sits in the plan's fragment, so its rerun is a fragment run.
    assert changed.status in ("ok", "fragment") and not changed.failed and changed.bytes > 0, changed
    assert f"mm_moved={before + 250:g}" in query
    # A fresh tab on that URL starts where the learner left it (the server read the link).
    assert reopened_value == before + 250 and not again.failed


def test_every_control_of_the_interaction_table_is_on_its_lesson(server):
    _, url = server

    async def survey():
        missing = {}
        for path, controls in LESSONS.items():
            for query in sorted({c.shown_by for c in controls}):
                tab = Tab(url, path, query)
                first = await tab.open()
                assert not first.failed, (path, first)
                wanted = [c for c in controls if c.shown_by == query]
                rng = np.random.default_rng(0)
                for control in wanted:
                    found = tab.matching(control.key, control.label)
                    if not found:
                        missing.setdefault(path, []).append(control.key)
                        continue
                    # Every value the table would send is one the widget accepts.
                    next_value(control, found[0], tab.value(found[0]), rng)
                await tab.close()
        return missing

    assert run(survey()) == {}


def test_five_learners_over_every_lesson_for_thirty_seconds_see_no_error(server):
    proc, url = server

    async def lesson(first_lesson: int):
        room = Classroom(url, seed=first_lesson, think_s=(1.0, 2.0), first_lesson=first_lesson)
        await room.grow(5, over_s=2.0)
        await asyncio.sleep(15)
        await room.close()
        return room.samples

    async def two_halves():
        # Lessons 0-4, then 5, 6, 0, 1, 2: the mix's seven lessons are all covered.
        return await lesson(0) + await lesson(5)

    memory_before = Server(proc.pid).rss_mb()
    samples = run(two_halves())
    reruns = [s for s in samples if s.control != "(open)"]
    failures = [(s.lesson, s.control, s.status, s.exceptions) for s in samples if s.failed]
    assert not failures, failures
    assert {s.lesson for s in reruns} == set(LESSONS), "the mix must cover every lesson"
    assert len(reruns) >= 2 * 5 * 4, f"only {len(reruns)} reruns in 30 s"
    assert all(s.status in ("ok", "fragment") and s.ms > 0 for s in reruns)
    assert Server(proc.pid).rss_mb() >= memory_before * 0.5  # the probe reads a live process


def test_a_crowd_opening_one_lesson_at_once_all_get_their_first_run(server):
    _, url = server
    crowd = run(load.crowd_open(url, 4))
    assert crowd["learners"] == 4 and crowd["failed"] == 0 and not crowd["errors"], crowd
    assert 0 < crowd["median_ms"] <= crowd["max_ms"]
    (row,) = [r for r in report.rows({"crowd": crowd, "baseline": {}, "levels": [],
                                      "soak": None, "idle_rss_mb": 1.0})
              if "at once" in r["what"]]
    assert row["median_ms"] == crowd["median_ms"] and "0 failed" in row["note"]


def test_with_param_writes_values_as_streamlit_does():
    assert with_param("a=1", "b", 5.0) == "a=1&b=5"
    assert with_param("a=1&b=2", "b", True) == "a=1&b=true"
    assert with_param("", "c", ["x", "y"]) == "c=x&c=y"


def test_the_runner_leaves_the_load_test_out_unless_it_is_named(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(load, "run", lambda quick: calls.append(quick) or [
        {"what": "load: stub", "median_ms": 1.0, "p95_ms": 2.0, "target_ms": None, "note": ""}])
    modules, _ = runner.discover()
    assert "load" not in modules
    assert "load" in runner.discover(on_demand=("load",))[0]
    assert runner.main(["--only", "load", "--results", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*.json")
    assert [r["what"] for r in json.loads(path.read_text())["rows"]] == ["load: stub"]
    assert calls == [False]
