"""Discover the benchmark modules, run them, print one table, write JSON.

A lesson benchmark is any ``bench/<name>.py`` (other than the infrastructure modules below)
that defines ``run(quick: bool) -> list[dict]``. It may also define ``PAGE`` (the page file it
belongs to, when its name does not say), ``SERVER_TARGET_MS`` (the page's server-time
target), ``interactions()`` (the scripted widget changes for the server-time figure) and
``BROWSER_SLIDER`` (the label of the slider to press in the browser figure) and
``BROWSER_QUERY`` (a URL query that shows it when it sits in a folded section). Failures
are rows in the table, never a crash: the benchmark reports and does not fail.

The modules in ``ON_DEMAND`` take too long for every run (the load test holds a class for
20 minutes; the transfer test starts nginx): they run only when named exactly,
``python -m bench --only load`` or ``--only transfer``, and then without the server and
browser sections.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

from bench import server_time

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
INFRASTRUCTURE = {"runner", "server_time", "browser_time", "reference_app", "reference_motion",
                  "widgets", "stats",
                  "learner", "load_mix", "classroom", "load_report", "drag_steps", "first_paint"}
ON_DEMAND = {"load", "transfer"}
# Section names ``--only`` accepts besides module and page names.
SECTIONS = ("server", "browser", "paint")
HOME = "app.py"
# Server-time targets stated in the lesson issues, used when the lesson module gives none.
PAGE_TARGETS_MS = {
    "1_Partial_derivatives": 50, "2_Gradient_descent": 50, "3_Backpropagation": 60,
    "4_Media_mix": 50, "6_Attribution": 100,
}


def module_names() -> list[str]:
    """Names of the candidate lesson benchmark modules in ``bench/``."""
    return sorted(
        p.stem for p in BENCH.glob("*.py")
        if not p.stem.startswith("_") and p.stem not in INFRASTRUCTURE
    )


def discover(on_demand: tuple[str, ...] = ()) -> tuple[dict[str, ModuleType], list[dict]]:
    """Importable modules that define ``run``; import failures come back as rows.

    A module of ``ON_DEMAND`` is included only when ``on_demand`` names it.
    """
    modules, problems = {}, []
    for name in module_names():
        if name in ON_DEMAND and name not in on_demand:
            continue
        try:
            module = importlib.import_module(f"bench.{name}")
        except Exception as exc:
            problems.append(_failure_row(name, f"import failed: {exc!r}"))
            continue
        if callable(getattr(module, "run", None)):
            modules[name] = module
    return modules, problems


def _normal(text: str) -> str:
    stem = Path(text).stem
    stem = stem.split("_", 1)[1] if stem[:1].isdigit() and "_" in stem else stem
    return stem.lower().replace("-", "_")


def module_for_page(page: str, modules: dict[str, ModuleType]) -> ModuleType | None:
    """The lesson module of a page: its ``PAGE`` attribute, else the same name."""
    for module in modules.values():
        if getattr(module, "PAGE", None) and Path(module.PAGE).name == Path(page).name:
            return module
    for name, module in modules.items():
        if not getattr(module, "PAGE", None) and _normal(name) == _normal(page):
            return module
    return None


def _failure_row(section: str, note: str) -> dict:
    return {"section": section, "what": section, "median_ms": None, "p95_ms": None,
            "target_ms": None, "note": note[:200]}


def run_module(name: str, module: ModuleType, quick: bool) -> list[dict]:
    """One lesson module's rows, each tagged with its section; an exception becomes a row."""
    start = time.perf_counter()
    try:
        rows = list(module.run(quick))
    except Exception as exc:
        return [_failure_row(name, f"run() raised {exc!r}")]
    seconds = time.perf_counter() - start
    return [{"section": name, **r, "module_seconds": round(seconds, 2)} for r in rows]


def selected(name: str, only: list[str]) -> bool:
    return not only or any(o.lower() in name.lower() for o in only)


def collect(quick: bool, only: list[str], browser: bool) -> list[dict]:
    """Every row: lesson modules, server time per page, browser rows, first paint per page."""
    asked = tuple(o for o in only if o in ON_DEMAND)
    modules, rows = discover(on_demand=asked)
    for name, module in modules.items():
        if name in asked or (selected(name, only) and name not in ON_DEMAND):
            rows.extend(run_module(name, module, quick))
    pages = server_time.all_pages()
    only = [o.lower() for o in only if o not in ON_DEMAND]
    if asked and not only:
        return rows
    section_only = [o for o in only if o not in SECTIONS]
    if not only or "server" in only or section_only:
        chosen = pages if not section_only else [p for p in pages if selected(p, section_only)]
        rows.extend({"section": "server", **r} for r in server_time.measure(
            chosen, quick, lambda p: _page_script(p, modules)))
    if browser:
        rows.extend(browser_rows(quick, only, section_only, [HOME, *pages], modules))
    return rows


def browser_rows(quick: bool, only: list[str], section_only: list[str], pages: list[str],
                 modules: dict[str, ModuleType]) -> list[dict]:
    """Key→idle and drag steps per page ("browser"), then first chart and payload ("paint")."""
    chosen = pages if not section_only else [p for p in pages if selected(p, section_only)
                                             or (p == HOME and selected("home", section_only))]
    rows = []
    if not only or "browser" in only or section_only:
        from bench import browser_time

        hints = {p: getattr(module_for_page(p, modules), "BROWSER_SLIDER", None) for p in chosen}
        queries = {p: getattr(module_for_page(p, modules), "BROWSER_QUERY", "") for p in chosen}
        rows.extend({"section": "browser", **r}
                    for r in browser_time.measure(chosen, quick, {k: v for k, v in hints.items() if v},
                                                  queries={k: v for k, v in queries.items() if v}))
    if not only or "paint" in only or "browser" in only or section_only:
        from bench import first_paint

        rows.extend({"section": "paint", **r} for r in first_paint.measure(chosen, quick))
    return rows


def _page_script(page: str, modules: dict[str, ModuleType]) -> tuple[list[dict] | None, float | None]:
    module = module_for_page(page, modules)
    target = getattr(module, "SERVER_TARGET_MS", None) or PAGE_TARGETS_MS.get(Path(page).stem)
    script = module.interactions() if module is not None and hasattr(module, "interactions") else None
    return script, target


NOTE_WIDTH = 150


def _fmt(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if abs(value) < 1e5 else f"{value:.3g}"
    return str(value)


def _fmt_target(value: object) -> str:
    if isinstance(value, (int, float)) and 0 < value < 10:
        return f"{value:.3g}"
    return _fmt(float(value) if isinstance(value, int) else value, 0)


def _median_cell(r: dict) -> str:
    """The median in ms, or a row's own value with its unit (payload rows: KB)."""
    if "value" in r and r.get("median_ms") is None:
        return f"{_fmt(r['value'])} {r.get('unit', '')}".rstrip()
    return _fmt(r.get("median_ms"), 2)


def _target_cell(r: dict) -> str:
    """A ratio target as ``≤1.3×`` (to the reference app), else the target in ms."""
    if isinstance(r.get("target_ratio"), (int, float)):
        return f"≤{r['target_ratio']:g}×"
    return _fmt_target(r.get("target_ms"))


def verdict(r: dict) -> str:
    """"ok" / "SLOW" against the row's target: its ratio target if any, else its median's."""
    target, ratio = r.get("target_ratio"), r.get("ratio")
    if isinstance(target, (int, float)) and isinstance(ratio, (int, float)) and ratio == ratio:
        return "ok" if ratio <= target else "SLOW"
    target, median = r.get("target_ms"), r.get("median_ms")
    if not isinstance(target, (int, float)) or not isinstance(median, (int, float)) or median != median:
        return ""
    return "ok" if median <= target else "SLOW"


def table(rows: list[dict]) -> str:
    """One plain-text table of every row."""
    head = ("section", "what", "median ms", "p95 ms", "target", "", "ratio", "note")
    body = [
        (str(r.get("section", "")), str(r.get("what", "")), _median_cell(r),
         _fmt(r.get("p95_ms"), 2), _target_cell(r), verdict(r),
         _fmt(r.get("ratio"), 2), str(r.get("note", ""))[:NOTE_WIDTH])
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    right = {2, 3, 4, 6}
    lines = []
    for line in (head, *body):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def write_json(rows: list[dict], quick: bool, results: Path = RESULTS) -> Path:
    """Write the rows and the machine's description to ``results/<UTC timestamp>.json``."""
    now = dt.datetime.now(dt.UTC)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{now:%Y%m%dT%H%M%SZ}.json"
    meta = {"timestamp": now.isoformat(), "quick": quick, "commit": _commit(),
            "python": platform.python_version(), "machine": platform.platform(),
            "cpus": os.cpu_count(), "loadavg_1min_at_end": round(os.getloadavg()[0], 2)}
    clean = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
             for r in rows]
    path.write_text(json.dumps({"meta": meta, "rows": clean}, indent=2, default=str), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds per module")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="only modules / pages whose name contains NAME ('home' for the home "
                        "page); 'server', 'browser' (key→idle, drag steps, first chart, payload) or "
                        "'paint' (first chart and payload only) for those sections alone (repeatable)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium timings")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON file")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    start, load = time.perf_counter(), os.getloadavg()[0]
    rows = collect(args.quick, args.only, browser=not args.no_browser)
    print(table(rows))
    print(f"\nLoad average (1 min) {load:.1f} at start, {os.getloadavg()[0]:.1f} at end on "
          f"{os.cpu_count()} CPUs: wall times above grow with other load; 'cpu_ms' in the JSON does not.")
    path = write_json(rows, args.quick, args.results)
    print(f"\n{len(rows)} rows in {time.perf_counter() - start:.0f} s; JSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
