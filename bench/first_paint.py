"""Time to first chart in a fresh browser, on a warm and on a cold server; figure payload per page.

A *fresh browser* is a new Chromium context: empty HTTP cache, no cookies, no session, so it
downloads and compiles Streamlit's plotly.js chunk (4.7 MB) like a learner's first visit.
The time is measured inside the page, from the start of navigation (``performance``'s time
origin) to the first animation frame in which a Plotly chart holds its data: the frame in
which the chart is painted. A *warm* server has served the page before (modules imported,
``st.cache_*`` filled); a *cold* one was started just before, as ``make run`` starts it
(``deploy.launch``: the lessons are imported before the server listens), so the visitor pays
every cache miss. The floor is the one-chart reference app (``bench/reference_app.py``)
visited in the same way in the same run: on a warm server every page sample is paired with a
reference sample taken right before it, and the ratio is to the median of those; on a cold
server each page gets one reference first visit of its own, and the ratio is to the median of
every cold reference visit of the run (a server start is the slow, noisy part, so the cold
floor is pooled rather than paired).

The same visits give the breakdown the lessons need: when plotly.js was ready, how long
Plotly's first render of each chart took (Streamlit renders all of a page's charts in one
task before the first is painted, so their sum delays the first chart), how long the
server's first run took, and the payload: the bytes of the figure specifications, read from
the ForwardMsgs the page received on its websocket (decoded with Streamlit's protobufs).
"""

from __future__ import annotations

import json
import time

from bench.browser_time import chromium, page_name, server, url_path
from bench.stats import progress, row, summarize
from tests.browser.helpers import IDLE, chromium_path

WARM_TARGET_RATIO = 1.3
COLD_TARGET_RATIO = 2.0
REFERENCE = "bench/reference_app.py"
CHART_TIMEOUT_MS = 180_000

# Runs before the page's own scripts: wraps Plotly.react as soon as Streamlit defines
# window.Plotly (timing each chart's first render), and polls every animation frame for the
# first chart holding data.
INIT_JS = """(() => {
  const t = window.__paint = {chart: null, plotly: null, renders: []};
  const seen = new WeakSet();
  let plotly;
  Object.defineProperty(window, 'Plotly', {configurable: true, get: () => plotly, set: value => {
    plotly = value; t.plotly = performance.now();
    const react = value.react;
    value.react = function (gd, ...rest) {
      const start = performance.now(), out = react.call(this, gd, ...rest);
      if (gd && !seen.has(gd)) {
        seen.add(gd);
        const key = gd.closest?.('[class*="st-key-"]')?.className.match(/st-key-(\\S+)/)?.[1] || '';
        t.renders.push([key, performance.now() - start]);
      }
      return out;
    };
  }});
  const tick = () => {
    if (Array.from(document.querySelectorAll('.js-plotly-plot')).some(gd => gd._fullData?.length)) {
      t.chart = performance.now(); return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""


# When the browser asked for Streamlit's plotly.js chunk: when React first met a chart.
CHUNK_JS = """() => performance.getEntriesByType('resource')
  .find(e => /\\/PlotlyChart\\.[^/]*\\.js$/.test(e.name))?.startTime ?? null"""


def _chart_key(element_id: str) -> str:
    """The Streamlit key at the end of an element id (``$$ID-<hash>-<key>``), or ``""``."""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else ""


def payload(messages: list[tuple[float, bytes]]) -> dict:
    """Figure bytes and the server's first run, from the websocket frames a page received."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    figures, times, total = [], {}, 0
    for received, data in messages:
        if not isinstance(data, bytes):
            continue
        total += len(data)
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # not a ForwardMsg (nothing else is expected): counted in total only
            continue
        kind = msg.WhichOneof("type")
        if kind in ("new_session", "script_finished"):
            times.setdefault(kind, received)
        elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "plotly_chart":
            chart = msg.delta.new_element.plotly_chart
            spec = json.loads(chart.spec)
            figures.append({
                "key": _chart_key(chart.id), "bytes": len(chart.spec),
                "frames_bytes": len(json.dumps(spec.get("frames") or [], separators=(",", ":"))),
                "template_bytes": len(json.dumps(spec.get("layout", {}).get("template", {}),
                                                 separators=(",", ":"))),
            })
    server_ms = None
    if len(times) == 2:
        server_ms = (times["script_finished"] - times["new_session"]) * 1000.0
    return {"figures": figures, "ws_bytes": total, "server_ms": server_ms}


def visit(browser, url: str) -> dict:
    """One fresh-browser visit: first-chart time, plotly.js ready, per-chart renders, payload."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        context.add_init_script(INIT_JS)
        page = context.new_page()
        messages: list[tuple[float, bytes]] = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda data: messages.append((time.perf_counter(), data))))
        page.goto(url, wait_until="commit", timeout=CHART_TIMEOUT_MS)
        page.wait_for_function("() => window.__paint.chart !== null", timeout=CHART_TIMEOUT_MS,
                               polling=100)
        page.wait_for_selector(IDLE, timeout=CHART_TIMEOUT_MS)  # every figure has been sent
        paint = page.evaluate("window.__paint")
        requested = page.evaluate(CHUNK_JS)
    finally:
        context.close()
    return {"ms": paint["chart"], "plotly_ms": paint["plotly"], "chunk_ms": requested,
            "renders": [(key, ms) for key, ms in paint["renders"]], **payload(messages)}


def _pairs(browser, ref_url, page_url, count: int) -> tuple[list[dict], list[dict]]:
    """``count`` (reference, page) visits on warm servers, alternating."""
    refs, pages = [], []
    for _ in range(count):
        refs.append(visit(browser, ref_url))
        pages.append(visit(browser, page_url))
    return refs, pages


def _cold_samples(browser, page_file: str, count: int, pooled: list[dict]) -> list[dict]:
    """First visits on fresh servers: the reference app once (into ``pooled``), the page ``count`` times."""
    with server(REFERENCE) as ref_url:
        pooled.append(visit(browser, ref_url))
    samples = []
    for _ in range(count):
        with server("app.py") as app_url:
            samples.append(visit(browser, f"{app_url}/{url_path(page_file)}"))
    return samples


def _cold_into(cold: dict, browser, page_file: str, count: int, pooled: list[dict]) -> list[dict]:
    """Store a page's cold samples in ``cold`` (rows are made once the pooled floor is known)."""
    cold[page_file] = _cold_samples(browser, page_file, count, pooled)
    return []


def _median_of(samples: list[dict], key: str) -> float:
    return summarize([s[key] for s in samples if s.get(key) is not None])[0]


def _breakdown(samples: list[dict]) -> str:
    """Medians: plotly.js requested and ready, server first run; the last sample's renders."""
    renders = sorted(samples[-1]["renders"], key=lambda r: -r[1])
    text = (f"plotly.js asked {_median_of(samples, 'chunk_ms'):.0f}, ready {_median_of(samples, 'plotly_ms'):.0f} ms;"
            f" server first run {_median_of(samples, 'server_ms'):.0f} ms")
    if renders:
        text += (f"; first render of {len(renders)} charts {sum(r[1] for r in renders):.0f} ms"
                 f" (slowest {renders[0][0] or '?'} {renders[0][1]:.0f})")
    return text


def _paint_row(kind: str, name: str, refs: list[dict], pages: list[dict], target: float,
               floor: str = "in the same pairs") -> dict:
    ref_ms = summarize([r["ms"] for r in refs])[0]
    samples = [p["ms"] for p in pages]
    median = summarize(samples)[0]
    ratio = median / ref_ms if ref_ms == ref_ms and ref_ms > 0 else None
    note = f"reference {ref_ms:.0f} ms {floor}; {_breakdown(pages)}"
    return row(f"first chart {kind}: {name}", samples, note=note, ratio=ratio,
               target_ratio=target, floor_ms=ref_ms, **_parts(pages))


def _parts(samples: list[dict]) -> dict:
    """The breakdown as numbers for the JSON (medians; renders of the last sample)."""
    return {"plotly_asked_ms": _median_of(samples, "chunk_ms"),
            "plotly_ready_ms": _median_of(samples, "plotly_ms"),
            "server_first_run_ms": _median_of(samples, "server_ms"),
            "render_sum_ms": sum(r[1] for r in samples[-1]["renders"]),
            "renders": samples[-1]["renders"]}


def payload_row(name: str, sample: dict) -> dict:
    """The figure bytes of one page's first run, in KB, with the largest figures."""
    figures = sample["figures"]
    kb = sum(f["bytes"] for f in figures) / 1024
    frames = sum(f["frames_bytes"] for f in figures) / 1024
    template = max((f["template_bytes"] for f in figures), default=0)
    largest = sorted(figures, key=lambda f: -f["bytes"])[:3]
    note = (f"{len(figures)} figures ({frames:.0f} KB of frames, template {template} B each); largest "
            + ", ".join(f"{f['key'] or '?'} {f['bytes'] / 1024:.0f}" for f in largest)
            + f"; websocket total {sample['ws_bytes'] / 1024:.0f} KB")
    return {"what": f"payload: {name}", "median_ms": None, "p95_ms": None, "target_ms": None,
            "value": round(kb, 1), "unit": "KB", "note": note, "figures": figures,
            "ws_kb": round(sample["ws_bytes"] / 1024, 1)}


def measure(pages: list[str], quick: bool) -> list[dict]:
    """Warm and cold first-chart rows and a payload row per page, and the reference's rows.

    ``pages`` are page files (``app.py`` for home). Warm: three (reference, page) pairs per
    page, the ratio to the reference visits of those pairs. Cold: one reference and two page
    first visits per page, each on a fresh server; the ratio is to the median of every cold
    reference visit of the run (a server start is the slow part, so the cold floor is pooled
    rather than paired). Quick: see :func:`quick_rows`.
    """
    if chromium_path() is None:
        return [{"what": "first chart: skipped", "median_ms": None, "p95_ms": None,
                 "target_ms": None, "note": "no Chromium found"}]
    if quick:
        with chromium() as browser:
            return quick_rows(browser, pages)
    warm_pairs, cold_visits = 3, 2
    rows, warm_refs, cold_refs, cold = [], [], [], {}
    with chromium() as browser:
        with server(REFERENCE) as ref_url, server("app.py") as app_url:
            last_ref = visit(browser, ref_url)  # the warm-up visits are not counted
            for page_file in pages:
                visit(browser, f"{app_url}/{url_path(page_file)}")
            for page_file in pages:
                progress(f"first chart, warm server: {page_name(page_file)}")
                rows += _safely(page_file, "warm", lambda p=page_file: _warm_rows(
                    browser, ref_url, f"{app_url}/{url_path(p)}", page_name(p), warm_pairs, warm_refs))
        for page_file in pages:
            progress(f"first chart, cold server: {page_name(page_file)}")
            rows += _safely(page_file, "cold", lambda p=page_file: _cold_into(
                cold, browser, p, cold_visits, cold_refs))
    rows += [_paint_row("cold", page_name(p), cold_refs, samples, COLD_TARGET_RATIO,
                        floor=f"(every cold reference visit, {len(cold_refs)})")
             for p, samples in cold.items()]
    return [*_reference_rows(warm_refs, cold_refs, last_ref), *rows]


def quick_rows(browser, pages: list[str]) -> list[dict]:
    """The same rows from two server starts (the smoke test; the figures are single samples).

    The reference server's first visit is its cold sample and its second the warm one; on the
    app's server the first page's first visit is its cold sample, and every page's second
    visit (after one uncounted) its warm sample.
    """
    progress("first chart, quick: reference app")
    with server(REFERENCE) as ref_url:
        ref_cold, ref_warm = visit(browser, ref_url), visit(browser, ref_url)
    rows = []
    with server("app.py") as app_url:
        for index, page_file in enumerate(pages):
            progress(f"first chart, quick: {page_name(page_file)}")
            rows += _safely(page_file, "quick", lambda p=page_file, cold=index == 0: _quick_page(
                browser, f"{app_url}/{url_path(p)}", page_name(p), (ref_warm, ref_cold if cold else None)))
    return [*_reference_rows([ref_warm], [ref_cold], ref_warm), *rows]


def _quick_page(browser, url: str, name: str, refs: tuple[dict, dict | None]) -> list[dict]:
    first, warm = visit(browser, url), visit(browser, url)
    rows = [_paint_row("warm", name, [refs[0]], [warm], WARM_TARGET_RATIO), payload_row(name, warm)]
    if refs[1] is not None:
        rows.append(_paint_row("cold", name, [refs[1]], [first], COLD_TARGET_RATIO))
    return rows


def _warm_rows(browser, ref_url, page_url, name, pairs, pooled) -> list[dict]:
    refs, samples = _pairs(browser, ref_url, page_url, pairs)
    pooled += refs
    return [_paint_row("warm", name, refs, samples, WARM_TARGET_RATIO), payload_row(name, samples[-1])]


def _safely(page_file: str, kind: str, measure_rows) -> list[dict]:
    try:
        return measure_rows()
    except Exception as exc:  # report, never abort the table
        return [{"what": f"first chart {kind}: {page_name(page_file)}", "median_ms": None,
                 "p95_ms": None, "target_ms": None, "note": f"failed: {exc!r}"[:160]}]


def _reference_rows(warm: list[dict], cold: list[dict], sample: dict) -> list[dict]:
    out = []
    for kind, samples in (("warm", warm), ("cold", cold)):
        if samples:
            out.append(row(f"first chart {kind}: reference app", [s["ms"] for s in samples], ratio=1.0,
                           note=f"the floor, pooled over every {kind} reference visit; {_breakdown(samples)}",
                           **_parts(samples)))
    return [*out, payload_row("reference app", sample)]
