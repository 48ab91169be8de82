"""A class of simulated learners on one server, and what the server spends on them.

A :class:`Learner` opens its lesson, then every 3–5 s (a think time drawn after each rerun
has finished) changes one control of the lesson's table (:mod:`bench.load_mix`) and waits
for the rerun, recording its time and whatever went wrong: an exception element on the
page, a lost websocket, a rerun that never finished. A lost learner reconnects with its
URL, as a browser does. A :class:`Server` reads the server process's memory and CPU time
from ``/proc``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.learner import Run, Tab
from bench.load_mix import LESSONS, choose, next_value

THINK_S = (3.0, 5.0)


@dataclass
class Sample:
    """One rerun as a learner saw it."""

    end: float  # time.monotonic() when it finished
    lesson: str
    control: str
    ms: float
    status: str
    exceptions: list[str] = field(default_factory=list)
    error_messages: int = 0
    bytes: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.exceptions) or self.status not in ("ok", "fragment")

    @classmethod
    def of(cls, run: Run, lesson: str, control: str) -> Sample:
        """The sample of one run a tab saw, finished now."""
        return cls(time.monotonic(), lesson, control, run.ms, run.status, run.exceptions,
                   len(run.error_messages), run.bytes)


class Server:
    """The resident memory and CPU time of one server process, from ``/proc/<pid>``."""

    def __init__(self, pid: int):
        self.pid = pid
        self._tick = os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self) -> float:
        """User plus system CPU seconds of the process (all its threads)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / self._tick


class Learner:
    """One simulated learner on one lesson, until ``stop`` is set."""

    def __init__(self, base_url: str, path: str, rng: np.random.Generator,
                 record: Callable[[Sample], None], think_s: tuple[float, float] = THINK_S):
        self.base_url, self.path, self.rng, self.record = base_url, path, rng, record
        self.think_s = think_s
        self.tab = Tab(base_url, path)
        self.changes = 0

    async def run(self, stop: asyncio.Event, first_pause: float = 0.0) -> None:
        await _pause(stop, first_pause)
        try:
            await self._open()
            while not stop.is_set():
                await _pause(stop, float(self.rng.uniform(*self.think_s)))
                if not stop.is_set():
                    await self.change()
        finally:
            await self.tab.close()

    async def change(self) -> Sample | None:
        """Change one control, wait for its rerun, record it; reconnect after a lost link."""
        picked = choose(self.tab, LESSONS[self.path], self.rng)
        if picked is None:
            await self._reconnect()
            return None
        control, widget = picked
        value = next_value(control, widget, self.tab.value(widget), self.rng)
        run = await self.tab.set(widget, value)
        self.changes += 1
        sample = self._sample(run, widget.key or widget.label)
        if run.status in ("disconnected", "timeout"):
            await self._reconnect()
        return sample

    async def _open(self) -> None:
        run = await self.tab.open()
        self._sample(run, "(open)")

    async def _reconnect(self) -> None:
        """What the browser does after losing its server: reopen the page from its URL."""
        await self.tab.close()
        self.tab = Tab(self.base_url, self.path, self.tab.query_string)
        await self._open()

    def _sample(self, run: Run, control: str) -> Sample:
        sample = Sample.of(run, self.path, control)
        self.record(sample)
        return sample


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    if seconds <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


class Classroom:
    """Learners spread over every lesson in the table's order, added a few at a time."""

    def __init__(self, base_url: str, seed: int = 0, think_s: tuple[float, float] = THINK_S,
                 first_lesson: int = 0):
        self.base_url, self.think_s, self.first_lesson = base_url, think_s, first_lesson
        self.rng = np.random.default_rng(seed)
        self.samples: list[Sample] = []
        self.learners: list[Learner] = []
        self._tasks: list[asyncio.Task] = []
        self._stop = asyncio.Event()

    def lesson_of(self, index: int) -> str:
        paths = list(LESSONS)
        return paths[(index + self.first_lesson) % len(paths)]

    async def grow(self, size: int, over_s: float = 5.0) -> None:
        """Add learners until there are ``size``, their first visits spread over ``over_s``."""
        while len(self.learners) < size:
            index = len(self.learners)
            learner = Learner(self.base_url, self.lesson_of(index),
                              np.random.default_rng([index, int(self.rng.integers(2**31))]),
                              self.samples.append, self.think_s)
            self.learners.append(learner)
            pause = float(self.rng.uniform(0, over_s))
            self._tasks.append(asyncio.create_task(learner.run(self._stop, pause)))

    async def close(self) -> None:
        self._stop.set()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        crashed = [r for r in results if isinstance(r, BaseException)]
        if crashed:
            raise RuntimeError(f"{len(crashed)} learners crashed: {crashed[0]!r}") from crashed[0]

    def window(self, start: float, end: float) -> list[Sample]:
        """The reruns (not first visits) that finished between two ``time.monotonic()`` times."""
        return [s for s in self.samples if start <= s.end < end and s.control != "(open)"]

    def failures(self, start: float, end: float) -> list[Sample]:
        """Every failed run in the window, first visits and reconnections included."""
        return [s for s in self.samples if start <= s.end < end and s.failed]
