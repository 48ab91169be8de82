"""The load test's figures and the rows and Markdown table they are reported in.

Rerun-time summaries, the knee, memory per session and the soak's slope.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

TARGET_LEARNERS = 30
TARGET_RATIO = 3.0  # p95 under load at most 3x the single learner's


def summary(samples: Sequence[Any]) -> dict:
    """Count, median and p95 milliseconds of a list of :class:`bench.classroom.Sample`."""
    ms = [s.ms for s in samples if not s.failed]
    return {"reruns": len(samples),
            "median_ms": float(np.median(ms)) if ms else None,
            "p95_ms": float(np.percentile(ms, 95)) if ms else None,
            "failed": sum(1 for s in samples if s.failed),
            "error_messages": sum(s.error_messages for s in samples)}


def single(result: dict) -> dict:
    """The single learner's figures, every lesson's reruns pooled (as many per lesson)."""
    ms = [v for b in result["baseline"].values() for v in b["ms"]]
    return {"median_ms": float(np.median(ms)) if ms else None,
            "p95_ms": float(np.percentile(ms, 95)) if ms else None, "reruns": len(ms)}


def ratio(level: dict, reference: dict) -> float | None:
    if not level.get("p95_ms") or not reference.get("p95_ms"):
        return None
    return level["p95_ms"] / reference["p95_ms"]


def knee(result: dict) -> str:
    """How many learners it takes before p95 doubles: interpolated between held levels."""
    ref = single(result)
    points = [(1, 1.0)] + [(lv["learners"], ratio(lv, ref)) for lv in result["levels"]]
    points = [(n, r) for n, r in points if r is not None]
    for (n0, r0), (n1, r1) in zip(points, points[1:], strict=False):
        if r1 >= 2.0:
            at = n0 + (2.0 - r0) * (n1 - n0) / (r1 - r0) if r1 != r0 else n1
            return f"p95 doubles at about {at:.0f} learners (between {n0} and {n1})"
    return f"p95 stays below twice the single learner's up to {points[-1][0]} learners"


def memory_per_session(result: dict) -> float | None:
    """MB of resident memory per learner: the slope of memory against learners held."""
    levels = [(lv["learners"], lv["rss_mb"]) for lv in result["levels"] if lv.get("rss_mb")]
    if len(levels) < 2:
        return None
    n, rss = np.array(levels, dtype=float).T
    return float(np.polyfit(n, rss, 1)[0])


def soak_slope(soak: dict | None) -> tuple[float, float, float] | None:
    """Memory at the soak's half-time and at its end, and its slope in MB per minute between.

    The first half is left out of the slope: arrivals, first visits and the lessons' bounded
    caches (``max_entries``) fill it.
    """
    if not soak or len(soak["memory"]) < 4:
        return None
    t, rss = np.array(soak["memory"], dtype=float).T
    later = t - t[0] >= (t[-1] - t[0]) / 2
    slope = float(np.polyfit((t[later] - t[0]) / 60, rss[later], 1)[0])
    return float(rss[later][0]), float(rss[-1]), slope


def _soak_start(result: dict) -> float:
    return float(result["soak"]["memory"][0][1])


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value:.{digits}f}")


def _level_rows(lv: dict, ref: dict, baseline: dict, target: float | None) -> list[dict]:
    """A held level's row, and its lessons' rows at the target size or over the target ratio."""
    out = [{"what": f"load: {lv['learners']} learners held {lv['seconds']:.0f} s",
            "median_ms": lv["median_ms"], "p95_ms": lv["p95_ms"], "target_ms": None,
            "p95_target_ms": target, "ratio": ratio(lv, ref), "errors": lv["errors"],
            "note": f"{lv['reruns']} reruns, {lv['errors']} errors; server CPU "
                    f"{_fmt(lv['server_cpu_pct'])} % of a core, "
                    f"{_fmt(lv['cpu_ms_per_rerun'])} ms per rerun; RSS {_fmt(lv['rss_mb'])} MB;"
                    f" client {_fmt(lv['client_cpu_pct'])} %", "level": lv}]
    for path, s in lv["per_lesson"].items():
        per = ratio(s, baseline[path])
        if lv["learners"] >= TARGET_LEARNERS or (per or 0) > TARGET_RATIO:
            out.append({"what": f"load: {lv['learners']} learners, /{path}",
                        "median_ms": s["median_ms"], "p95_ms": s["p95_ms"], "target_ms": None,
                        "ratio": per,
                        "note": f"{s['reruns']} reruns; p95 {_fmt(per, 1)}x its single-learner p95"})
    return out


def rows(result: dict) -> list[dict]:
    """The benchmark runner's rows."""
    ref = single(result)
    out = [{"what": "load: 1 learner, each lesson alone", "median_ms": ref["median_ms"],
            "p95_ms": ref["p95_ms"], "target_ms": None,
            "note": f"{ref['reruns']} reruns, every lesson's pooled"}]
    for path, b in result["baseline"].items():
        out.append({"what": f"load: 1 learner, /{path}", "median_ms": b["median_ms"],
                    "p95_ms": b["p95_ms"], "target_ms": None, "cpu_ms": b["cpu_ms_per_rerun"],
                    "note": f"server CPU {_fmt(b['cpu_ms_per_rerun'])} ms per rerun; "
                            f"{_fmt(b['kb_per_rerun'])} KB sent; "
                            f"{_fmt(100 * (b['fragment_share'] or 0))} % fragment reruns"})
    crowd = result.get("crowd")
    if crowd:
        out.append({"what": f"load: {crowd['learners']} open /{crowd['path']} at once",
                    "median_ms": crowd["median_ms"], "p95_ms": crowd["p95_ms"],
                    "target_ms": None, "note": _crowd_note(crowd)})
    target = TARGET_RATIO * ref["p95_ms"] if ref["p95_ms"] else None
    for lv in result["levels"]:
        out += _level_rows(lv, ref, result["baseline"], target)
    per_session, soak = memory_per_session(result), soak_slope(result["soak"])
    out.append({"what": "load: knee", "median_ms": None, "p95_ms": None, "target_ms": None,
                "note": knee(result), "result": result})
    out.append({"what": "load: memory", "median_ms": None, "p95_ms": None, "target_ms": None,
                "note": f"{_fmt(per_session, 1)} MB per session (slope over levels); idle "
                        f"{_fmt(result['idle_rss_mb'])} MB" + (
                            f"; soak {result['soak']['learners']} learners "
                            f"{result['soak']['seconds'] / 60:.0f} min: {_soak_start(result):.0f} → "
                            f"{soak[1]:.0f} MB, second half {soak[2]:+.2f} MB/min, "
                            f"{result['soak']['failed']} errors" if soak else ""),
                "mb_per_session": per_session, "soak": result["soak"]})
    out.append({"what": "load: server log", "median_ms": None, "p95_ms": None, "target_ms": None,
                "note": f"{result.get('server_tracebacks', 0)} tracebacks in the server's log"})
    return out


def _crowd_note(crowd: dict) -> str:
    return (f"{crowd['learners']} learners open /{crowd['path']} at the same moment: first run "
            f"median {_fmt(crowd['median_ms'])} ms, p95 {_fmt(crowd['p95_ms'])} ms, slowest "
            f"{_fmt(crowd['max_ms'])} ms, {crowd['failed']} failed")


def markdown(result: dict) -> str:
    """The README's load table and per-lesson table for this run."""
    ref = single(result)
    lines = ["| Learners | Reruns | Errors | Median ms | p95 ms | p95 × single | Server CPU "
             "| Memory |", "|---|---|---|---|---|---|---|---|",
             f"| 1 (each lesson alone) | {ref['reruns']} | 0 | {_fmt(ref['median_ms'])} | "
             f"{_fmt(ref['p95_ms'])} | 1.0 | – | {_fmt(result['idle_rss_mb'])} MB |"]
    for lv in result["levels"]:
        lines.append(f"| {lv['learners']} | {lv['reruns']} | {lv['errors']} | "
                     f"{_fmt(lv['median_ms'])} | {_fmt(lv['p95_ms'])} | {_fmt(ratio(lv, ref), 1)} | "
                     f"{_fmt(lv['server_cpu_pct'])} % | {_fmt(lv['rss_mb'])} MB |")
    lines += ["", "| Lesson | Server CPU per rerun | Costliest control | 1 learner median / p95 | "
              + " | ".join(f"{lv['learners']} learners p95 (× single)" for lv in result["levels"])
              + " |", "|---|---|---|---|" + "---|" * len(result["levels"])]
    for path, b in result["baseline"].items():
        cells = [f"{_fmt(lv['per_lesson'][path]['p95_ms'])} "
                 f"({_fmt(ratio(lv['per_lesson'][path], b), 1)})" for lv in result["levels"]]
        by_control = b.get("cpu_ms_by_control") or {}
        costliest = max(by_control, key=by_control.get, default=None)
        dearest = f"{costliest} ({by_control[costliest]:.0f} ms)" if costliest else "–"
        lines.append(f"| /{path} | {_fmt(b['cpu_ms_per_rerun'])} ms | {dearest} | "
                     f"{_fmt(b['median_ms'])} / "
                     f"{_fmt(b['p95_ms'])} ms | " + " | ".join(cells) + " |")
    soak = soak_slope(result["soak"])
    if result.get("crowd"):
        lines += ["", _crowd_note(result["crowd"]) + "."]
    lines += ["", knee(result) + ".",
              f"Memory per session: {_fmt(memory_per_session(result), 1)} MB."]
    if soak:
        lines.append(f"Soak, {result['soak']['learners']} learners for "
                     f"{result['soak']['seconds'] / 60:.0f} min: {_soak_start(result):.0f} → "
                     f"{soak[0]:.0f} MB at half-time → {soak[1]:.0f} MB at the end "
                     f"({soak[2]:+.2f} MB/min over the second half), {result['soak']['failed']} errors in "
                     f"{result['soak']['reruns']} reruns.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """``python -m bench.load_report RESULTS.json``: the Markdown tables of a past load run."""
    import json
    from pathlib import Path

    rows = json.loads(Path(argv[0]).read_text(encoding="utf-8"))["rows"]
    result = next(r["result"] for r in rows if r.get("what") == "load: knee")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
