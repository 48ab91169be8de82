"""A class on one server, measured: ``python -m bench --only load`` (about 22 minutes).

Simulated learners (:mod:`bench.classroom`) speak Streamlit's own websocket protocol
(:mod:`bench.learner`), so forty of them cost the client side a few per cent of a core and
the server does exactly what it does for browsers. Why a small asyncio client and not
Locust: Locust has no websocket user; its gevent workers would wrap the same protobuf client
in greenlets and add a web UI and a second event system, while ``websockets`` (already
installed: Streamlit depends on it) and asyncio hold forty connections in one thread.

The run, on a freshly started server (``app.py`` started as ``make run`` starts it):

1. every page is opened once (imports and caches warm, as after the trainer's own check);
   then ``crowd`` learners open one lesson at the same moment, as a room does when the trainer
   says "open the link": the time each waits for its first run to finish;
2. **one learner**: each lesson alone, ``BASELINE_RERUNS`` changes from the interaction
   table, with the server's CPU time per rerun (``/proc/<pid>/stat``): the single-learner
   rerun times every level is compared with, and the CPU per rerun per lesson;
3. **learners held** at each of ``LEVELS`` for ``HOLD_S`` seconds after ``WARMUP_S`` seconds
   of arrivals, learners spread over every lesson in turn, each changing a control every
   3–5 s; the class only grows, so each level adds learners to the last;
4. the ``SOAK_AT`` level is held ``SOAK_S`` seconds in all (its first ``HOLD_S`` are its
   level's figures), with the server's resident memory every 10 s: it must stay flat.

Errors are exception elements on a page, lost websockets and reruns that did not finish
within 90 s. The knee is where p95 reaches twice the single learner's. ``LOAD_LEVELS``,
``LOAD_HOLD_S`` and ``LOAD_SOAK_S`` override the plan (e.g. ``LOAD_LEVELS=5,10``);
``LOAD_SERVER_ARGS`` adds Streamlit options to the server (e.g.
``"--runner.postScriptGC false"``), to measure a configuration before adopting it.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from bench.classroom import Classroom, Learner, Sample, Server
from bench.learner import Tab
from bench.load_mix import LESSONS
from bench.load_report import markdown, rows, summary

LEVELS = (10, 20, 30, 40)
HOLD_S = 120
WARMUP_S = 20
SOAK_AT, SOAK_S = 30, 600
BASELINE_RERUNS = 20
MEMORY_EVERY_S = 10
CROWD, CROWD_LESSON = 30, "Partial_derivatives"


@dataclass(frozen=True)
class Plan:
    """How many learners, for how long."""

    levels: tuple[int, ...] = LEVELS
    hold_s: float = HOLD_S
    warmup_s: float = WARMUP_S
    soak_at: int = SOAK_AT
    soak_s: float = SOAK_S
    baseline_reruns: int = BASELINE_RERUNS
    crowd: int = CROWD
    seed: int = 0

    @classmethod
    def quick(cls) -> Plan:
        """The smoke size: five learners for twenty seconds, no soak."""
        return cls(levels=(5,), hold_s=20, warmup_s=8, soak_at=0, soak_s=0, baseline_reruns=2,
                   crowd=5)

    def from_environment(self) -> Plan:
        env = os.environ
        plan = self
        if env.get("LOAD_LEVELS"):
            plan = replace(plan, levels=tuple(int(v) for v in env["LOAD_LEVELS"].split(",")))
        if env.get("LOAD_HOLD_S"):
            plan = replace(plan, hold_s=float(env["LOAD_HOLD_S"]))
        if env.get("LOAD_SOAK_S"):
            plan = replace(plan, soak_s=float(env["LOAD_SOAK_S"]))
        return plan


def run(quick: bool) -> list[dict]:
    """The benchmark runner's entry: start a server, measure, print the README table."""
    from tests.browser.helpers import ARTIFACTS, start_server, stop_server

    plan = (Plan.quick() if quick else Plan()).from_environment()
    extra = tuple(os.environ.get("LOAD_SERVER_ARGS", "").split())
    proc, url = start_server(extra=extra)
    try:
        result = in_own_thread(measure(url, Server(proc.pid), plan))
    finally:
        stop_server(proc)
    log = (ARTIFACTS / f"streamlit-{url.rsplit(':', 1)[1]}.log").read_text(errors="replace")
    result["server_tracebacks"] = log.count("Traceback")
    result["server_args"] = " ".join(extra)
    print(markdown(result), flush=True)
    return rows(result)


def in_own_thread(coroutine: Any) -> Any:
    """Run a coroutine to completion in a thread of its own (the caller may own a loop)."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=target, name="load")
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


async def measure(url: str, server: Server, plan: Plan) -> dict:
    """Warm the server, time one learner per lesson, then hold each level; one result dict."""
    opened = await warm(url)
    crowd = await crowd_open(url, plan.crowd)
    baseline = await single_learner(url, server, plan.baseline_reruns, plan.seed)
    room = Classroom(url, seed=plan.seed)
    levels, soak = [], None
    idle_rss = server.rss_mb()
    try:
        for size in plan.levels:
            await room.grow(size)
            await asyncio.sleep(plan.warmup_s)
            soaking = size == plan.soak_at and plan.soak_s > plan.hold_s
            level, memory = await hold(room, server, size, plan.soak_s if soaking else plan.hold_s,
                                       plan.hold_s)
            levels.append(level)
            if soaking:
                soak = {"learners": size, "seconds": plan.soak_s, "memory": memory,
                        **summary(room.window(memory[0][0], memory[-1][0]))}
    finally:
        await room.close()
    return {"plan": plan.__dict__, "url": url, "first_visits_ms": opened, "crowd": crowd,
            "idle_rss_mb": idle_rss,
            "baseline": baseline, "levels": levels, "soak": soak,
            "lessons": list(LESSONS), "cpus": os.cpu_count(), "loadavg_end": os.getloadavg()}


async def warm(url: str) -> dict[str, float]:
    """Open every page once, one after another; the milliseconds of each first visit."""
    times = {}
    for path in LESSONS:
        tab = Tab(url, path)
        run = await tab.open()
        times[path or "/"] = round(run.ms)
        await tab.close()
        if run.failed:
            raise RuntimeError(f"/{path} failed on its first visit: {run.status} {run.exceptions}")
    return times


async def crowd_open(url: str, size: int, path: str = CROWD_LESSON) -> dict:
    """``size`` learners open ``path`` at the same moment; their first runs, summarised."""
    tabs = [Tab(url, path) for _ in range(size)]
    try:
        runs = await asyncio.gather(*(tab.open() for tab in tabs))
    finally:
        for tab in tabs:
            await tab.close()
    samples = [Sample.of(run, path, "(open)") for run in runs]
    return {"learners": size, "path": path, **summary(samples),
            "max_ms": max((s.ms for s in samples if not s.failed), default=None),
            "errors": sorted({e for run in runs for e in (*run.exceptions, *run.error_messages)})}


async def single_learner(url: str, server: Server, reruns: int, seed: int) -> dict[str, dict]:
    """Each lesson alone: rerun times and the server's CPU seconds per rerun."""
    out = {}
    for index, path in enumerate(LESSONS):
        samples: list[Sample] = []
        learner = Learner(url, path, np.random.default_rng([seed, index]), samples.append)
        await learner.tab.open()
        cpu, by_control = [], {}
        for _ in range(reruns):
            before = server.cpu_s()
            sample = await learner.change()
            if sample is not None:
                cpu.append(server.cpu_s() - before)
                by_control.setdefault(sample.control, []).append(1000 * cpu[-1])
            await asyncio.sleep(0.3)
        await learner.tab.close()
        done = [s for s in samples if s.control != "(open)"]
        out[path] = {**summary(done), "ms": [s.ms for s in done if not s.failed],
                     "cpu_ms_per_rerun": 1000 * float(np.mean(cpu)) if cpu else None,
                     "fragment_share": float(np.mean([s.status == "fragment" for s in done]))
                     if done else None,
                     "kb_per_rerun": float(np.mean([s.bytes for s in done])) / 1024 if done else None,
                     "cpu_ms_by_control": {c: float(np.mean(v)) for c, v in by_control.items()}}
    return out


async def hold(room: Classroom, server: Server, size: int, seconds: float, level_s: float
               ) -> tuple[dict, list[tuple[float, float]]]:
    """Hold the class for ``seconds``; the level's figures over its first ``level_s``."""
    start, cpu0, mine0 = time.monotonic(), server.cpu_s(), time.process_time()
    memory = [(start, server.rss_mb())]
    level_end = start + level_s
    level: dict = {}
    while time.monotonic() < start + seconds:
        await asyncio.sleep(min(MEMORY_EVERY_S, max(0.0, start + seconds - time.monotonic())))
        now = time.monotonic()
        memory.append((now, server.rss_mb()))
        if not level and now >= level_end - 0.5:
            level = _level(room, size, start, now, server.cpu_s() - cpu0,
                           time.process_time() - mine0, memory[-1][1])
    return level or _level(room, size, start, time.monotonic(), server.cpu_s() - cpu0,
                           time.process_time() - mine0, memory[-1][1]), memory


def _level(room: Classroom, size: int, start: float, end: float, server_cpu: float,
           client_cpu: float, rss: float) -> dict:
    done = room.window(start, end)
    failures = room.failures(start, end)
    seconds = end - start
    return {"learners": size, "seconds": round(seconds, 1), **summary(done),
            "errors": len(failures), "error_examples": [_describe(s) for s in failures[:5]],
            "per_lesson": {p: summary([s for s in done if s.lesson == p]) for p in LESSONS},
            "per_control": {f"/{p} {c}": summary([s for s in done if (s.lesson, s.control) == (p, c)])
                            for p, c in sorted({(s.lesson, s.control) for s in done})},
            "server_cpu_pct": 100 * server_cpu / seconds, "client_cpu_pct": 100 * client_cpu / seconds,
            "cpu_ms_per_rerun": 1000 * server_cpu / len(done) if done else None,
            "rss_mb": rss, "connected": sum(1 for learner in room.learners if learner.changes)}


def _describe(sample: Sample) -> str:
    what = "; ".join(sample.exceptions) or sample.status
    return f"/{sample.lesson} {sample.control}: {what}"[:240]
