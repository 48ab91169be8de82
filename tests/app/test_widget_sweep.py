"""Widget sweep: every page, every control at its minimum, maximum and seeded random values.

One control at a time (the others at their defaults), then all controls together. After each
rerun: no exception, no NaN or inf in any figure's data, no error element other than the
page's intended validation messages, and no URL-bound control moved from where it was (a
moved control can stop writing to the address bar, so a shared link would lose it). Controls that appear only in some state (a slider shown
for one method) are swept in that state, as soon as they appear.

Cost control (the whole sweep must stay near 3 minutes on 2 cores): one AppTest per page,
extremes first and random values last, and a per-page budget of reruns and seconds
(``SWEEP_BUDGET_S``, default 25; ``SWEEP_FULL=1`` lifts both caps). What the budget cut is
printed, so a shortened sweep is visible, never silent.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench import widgets as W
from tests.app.helpers import ROOT, bound_places, numeric_arrays, plotly_specs, run_page

SKELETON = "tests/app/scripts/skeleton_page.py"
FULL = os.environ.get("SWEEP_FULL") == "1"
BUDGET_S = float(os.environ.get("SWEEP_BUDGET_S", "25"))
MAX_RERUNS = 200

# Intended validation messages, per page file stem (regular expressions on the error text).
ALLOWED_ERRORS: dict[str, tuple[str, ...]] = {
    # Divergence at a too-large learning rate is the lesson, shown as a red message.
    # The momentum section says the same of an (α, β) past the stability limit.
    "2_Gradient_descent": (r"diverged at step \d+", r"This setting diverges \(step \d+\)"),
    # Picking roles that cannot be fitted (e.g. a spend column with zero weeks as the
    # conversions target) is answered by the fit's own validation message, as it should be.
    "5_Your_media_data": (
        r"must be positive \(the model takes its logarithm\)",
        r"is negative spend",
        r"is not numeric",
        r"Choose at least one channel",
        r"is used twice",
        r"has no spend in any week",
        r"has no spend in the first \d+ weeks",
        r"is constant or moves in lockstep",
        r"too few or too regular",
        r"weeks for \d+ parameters",
    ),
}
# Trace fields where a page deliberately draws NaN gaps (e.g. a formula's undefined region).
ALLOWED_NAN_FIELDS: dict[str, tuple[str, ...]] = {}
# Heavy pages: fewer random values and a tighter rerun cap.
LIMITS: dict[str, dict[str, float]] = {
    "2_Gradient_descent": {"budget_s": 35},  # 40 controls (per-surface start points)
    "3_Backpropagation": {"budget_s": 40},  # ~0.5 s per rerun (training, cached by settings)
    "6_Attribution": {"budget_s": 40},  # ~1 s per rerun
}


def pages() -> list[str]:
    found = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    return [SKELETON, *found]


@dataclass
class Sweep:
    """Drives one AppTest through a plan of widget settings and collects what went wrong."""

    at: Any
    page: str
    random_count: int = 3
    max_reruns: int = MAX_RERUNS
    budget_s: float = BUDGET_S
    reruns: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.perf_counter)
    failures: dict[str, str] = field(default_factory=dict)
    seen: dict[str, W.Control] = field(default_factory=dict)
    pending_reset: dict[str, Any] = field(default_factory=dict)
    places: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return Path(self.page).stem

    def out_of_budget(self) -> bool:
        if FULL:
            return False
        elapsed = time.perf_counter() - self.started
        return self.reruns >= self.max_reruns or elapsed > self.budget_s

    def step(self, assign: dict[str, Any], label: str) -> bool:
        """Set the given controls (by element id), rerun, check. False if out of budget."""
        if self.out_of_budget():
            self.skipped += 1
            return False
        wanted = {**self.pending_reset, **assign}
        self.pending_reset = {}
        applied = False
        for control_id, value in wanted.items():
            node = W.find(self.at, control_id)
            if node is None:
                continue
            try:
                W.apply(node, value)
            except Exception as exc:  # a value AppTest refuses is a sweep bug, report it
                self.fail(label, f"could not set {W.label_of(value)}: {exc!r}")
                continue
            applied = applied or control_id in assign
        if not applied:
            return True
        self.at.run()
        self.reruns += 1
        self.check(label)
        self.discover_new(label)
        return True

    def check(self, label: str) -> None:
        for exc in self.at.exception:
            self.fail(label, f"exception: {exc.value}")
        allowed = ALLOWED_ERRORS.get(self.stem, ())
        for err in self.at.error:
            text = str(err.value)
            if not any(re.search(pattern, text) for pattern in allowed):
                self.fail(label, f"error element: {text[:200]}")
        nan_ok = ALLOWED_NAN_FIELDS.get(self.stem, ())
        for index, spec in enumerate(plotly_specs(self.at)):
            for path, array in numeric_arrays(spec.get("data", [])):
                if any(path.endswith(f) for f in nan_ok):
                    continue
                bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
                if bad:
                    name = f"chart {index} ({chart_title(spec)!r})"
                    self.fail(label, f"{name} has {bad} non-finite values at data{path}")
        places = bound_places(self.at._tree)
        for key in sorted(set(places) & set(self.places)):
            if places[key] != self.places[key]:
                self.fail(label, f"URL-bound {key} moved {self.places[key]} → {places[key]}")
        self.places = places

    def fail(self, label: str, problem: str) -> None:
        self.failures.setdefault(problem, label)

    def discover_new(self, context: str) -> None:
        """Sweep controls that just appeared, in the state that revealed them."""
        new = [c for c in W.discover(self.at) if c.id not in self.seen]
        for control in new:
            self.seen[control.id] = control
        for control in new:  # in context: extremes and one random value (all of them if FULL)
            self.sweep_one(control, randoms=self.random_count if FULL else 1, context=context)

    def sweep_one(self, control: W.Control, randoms: int, context: str = "") -> None:
        node = W.find(self.at, control.id)
        if node is None:
            return
        rng = np.random.default_rng(W.seed_for(self.page, control.name))
        values = W._dedupe(W.extremes(node) + W.random_values(node, rng, randoms))
        where = f" (with {context})" if context else ""
        for value in values:
            self.step({control.id: value}, f"{control.name}={W.label_of(value)}{where}")
        self.pending_reset[control.id] = control.initial

    def combos(self) -> Iterator[tuple[str, dict[str, Any]]]:
        rng = np.random.default_rng(W.seed_for(self.page, "combos"))
        for name, pick in (("all minimum", 0), ("all maximum", -1)):
            yield name, {n.id: W.extremes(n)[pick] for n in W.iter_widgets(self.at) if W.extremes(n)}
        for i in range(self.random_count):
            picks = {n.id: W.random_values(n, rng, 1) for n in W.iter_widgets(self.at)}
            yield f"random combination {i + 1}", {k: v[0] for k, v in picks.items() if v}

    def run(self) -> None:
        for control in W.discover(self.at):
            self.seen[control.id] = control
        initial = list(self.seen.values())
        for control in initial:  # phase 1: each control's extremes, alone
            self.sweep_one(control, randoms=0)
        for name, assign in self.combos():  # phase 2: all together
            self.step(assign, name)
        self.step({c.id: c.initial for c in initial}, "back to defaults")
        for control in initial:  # phase 3: seeded random values, alone
            node = W.find(self.at, control.id)
            if node is None:
                continue
            rng = np.random.default_rng(W.seed_for(self.page, control.name))
            extremes = W.extremes(node)
            for value in W.random_values(node, rng, self.random_count):
                if value not in extremes:
                    self.step({control.id: value}, f"{control.name}={W.label_of(value)}")
            self.pending_reset[control.id] = control.initial


def chart_title(spec: dict) -> str:
    title = spec.get("layout", {}).get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    return str(text)[:60]


def open_folded_sections(at: Any) -> None:
    """Open every folded section (an expander bound to the URL), so its controls are swept."""
    folded = [e.proto.query_param_key for e in at.expander if e.proto.query_param_key]
    for key in folded:
        at.session_state[key] = True
    if folded:
        at.run()


@pytest.mark.parametrize("page", pages(), ids=lambda p: Path(p).stem)
def test_widget_sweep(page: str) -> None:
    at = run_page(page)
    if at.exception:
        pytest.fail(f"{page} raised on its first run: {at.exception[0].value}", pytrace=False)
    open_folded_sections(at)
    limits = LIMITS.get(Path(page).stem, {})
    sweep = Sweep(at, page, **limits)
    sweep.check("first run")
    sweep.run()
    elapsed = time.perf_counter() - sweep.started
    print(
        f"{Path(page).stem}: {len(sweep.seen)} controls, {sweep.reruns} reruns in {elapsed:.1f} s"
        + (f", {sweep.skipped} steps cut by the budget" if sweep.skipped else "")
    )
    assert sweep.reruns > 0 or not sweep.seen, "no rerun happened: the sweep drove nothing"
    report = "\n".join(f"- {problem}  [at {label}]" for problem, label in sweep.failures.items())
    if sweep.failures:
        pytest.fail(f"{page}: {len(sweep.failures)} problems:\n{report}", pytrace=False)
