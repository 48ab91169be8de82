"""Small timing helpers shared by the benchmark modules."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

import numpy as np


def summarize(samples_ms: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile (linear interpolation) of samples in milliseconds."""
    if not samples_ms:
        return float("nan"), float("nan")
    values = np.asarray(samples_ms, dtype=float)
    return float(np.median(values)), float(np.percentile(values, 95))


def time_ms(fn: Callable[[], object]) -> float:
    """Wall time of one call, in milliseconds (``time.perf_counter``)."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def row(what: str, samples_ms: Sequence[float], target_ms: float | None = None, note: str = "",
        **extra: object) -> dict:
    """A result row in the shared format, from raw samples."""
    median, p95 = summarize(samples_ms)
    return {"what": what, "median_ms": median, "p95_ms": p95, "target_ms": target_ms,
            "note": note, "n": len(samples_ms), **extra}


def progress(text: str) -> None:
    """One line on stderr, so a long run shows where it is (the table goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)
