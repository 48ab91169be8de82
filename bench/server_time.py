"""Server time per rerun, per page: the duration of ``at.run()`` after one widget change.

The interactions are a scripted set a user would typically make: slider moves to seeded
random values on the slider's grid, each option of a choice, a toggle flipped. They are
discovered generically (``bench.widgets``). A lesson's bench module may instead provide
``interactions() -> list[dict]``, each dict mapping a widget key (or label) to the value to
set before one rerun. The first (cold) run of each page is reported separately and not
counted in the median.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench import widgets as W
from bench.stats import row
from tests.app.helpers import ROOT, run_page

# Rerun counts per page: quick is smoke-test sized.
RERUNS = {True: 4, False: 40}


def generic_interactions(at: Any, page: str) -> Iterator[dict[str, Any]]:
    """Round-robin over the page's controls: one new value per control per round."""
    rng = np.random.default_rng(W.seed_for(page, "bench"))
    controls = [c for c in W.discover(at) if c.key != "presenter"]
    per_control: list[Iterator[Any]] = []
    for control in controls:
        node = W.find(at, control.id)
        if node is None:
            continue
        values = W.random_values(node, rng, 30)
        if control.kind not in ("slider", "number_input"):
            values = [v for v in W.extremes(node) if v != control.initial] + values
        per_control.append(iter([(control.id, v) for v in values]))
    for round_ in itertools.zip_longest(*per_control):
        for item in round_:
            if item is not None:
                yield {item[0]: item[1]}


def scripted_interactions(at: Any, script: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A lesson's own interactions, keys or labels resolved to element ids."""
    by_name = {}
    for control in W.discover(at):
        by_name.setdefault(control.label, control.id)
        if control.key:
            by_name[control.key] = control.id
    for step in itertools.cycle(script):
        yield {by_name.get(name, name): value for name, value in step.items()}


def measure_page(page: str, quick: bool, script: list[dict[str, Any]] | None = None,
                 target_ms: float | None = None) -> list[dict]:
    """Cold first run, then the median and p95 over the reruns after each interaction."""
    start = time.perf_counter()
    at = run_page(page)
    cold_ms = (time.perf_counter() - start) * 1000.0
    stem = Path(page).stem
    if at.exception:
        return [{"what": f"server: {stem}", "median_ms": None, "p95_ms": None,
                 "target_ms": target_ms, "note": f"first run raised: {at.exception[0].value}"[:160]}]
    steps = scripted_interactions(at, script) if script else generic_interactions(at, page)
    samples, cpu, errors = _time_reruns(at, steps, RERUNS[quick])
    cpu_median = float(np.median(cpu)) if cpu else None
    source = "lesson script" if script else "generic interactions"
    note = f"{len(samples)} reruns ({source}); CPU median {cpu_median or 0:.0f} ms; cold run {cold_ms:.0f} ms"
    if errors:
        note += f"; {errors} reruns raised"
    return [row(f"server: {stem} per rerun", samples, target_ms, note, cold_ms=cold_ms,
                cpu_ms=cpu_median)]


def _time_reruns(at: Any, steps: Iterator[dict[str, Any]], count: int
                 ) -> tuple[list[float], list[float], int]:
    """Wall and process-CPU milliseconds of each rerun, and how many reruns raised.

    The CPU time (all threads of this process: the script runs in one) is insensitive to
    other load on the machine; the wall time is what a user waits for.
    """
    samples: list[float] = []
    cpu: list[float] = []
    errors = 0
    for step in itertools.islice(steps, count * 3):
        if len(samples) >= count:
            break
        nodes = [(W.find(at, cid), value) for cid, value in step.items()]
        nodes = [(node, value) for node, value in nodes if node is not None]
        if not nodes:
            continue
        for node, value in nodes:
            W.apply(node, value)
        begin, begin_cpu = time.perf_counter(), time.process_time()
        at.run()
        samples.append((time.perf_counter() - begin) * 1000.0)
        cpu.append((time.process_time() - begin_cpu) * 1000.0)
        errors += bool(at.exception)
    return samples, cpu, errors


def measure(pages: list[str], quick: bool,
            scripts: Callable[[str], tuple[list[dict] | None, float | None]]) -> list[dict]:
    """One row per page; ``scripts(page)`` gives a lesson's interactions and its target."""
    rows = []
    for page in pages:
        script, target = scripts(page)
        try:
            rows.extend(measure_page(page, quick, script, target))
        except Exception as exc:  # report, never abort the table
            rows.append({"what": f"server: {Path(page).stem}", "median_ms": None, "p95_ms": None,
                         "target_ms": target, "note": f"failed: {exc!r}"[:160]})
    return rows


def all_pages() -> list[str]:
    """Every page script, relative to the project root, in course order."""
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
