"""What a first visit costs over a slow network: ``python -m bench --only transfer`` (~2 min).

Headless Chromium opens the media-mix page in a fresh browser profile (a first visit), then
again in the same profile (a repeat visit: the scripts come from the browser's cache), and
counts the bytes that crossed the network:

- HTTP: the encoded (on-the-wire) length of every response, from Chrome DevTools Protocol's
  ``Network.loadingFinished`` events (headers included; a response served from the cache
  counts 0 and is not counted as a network request);
- the websocket: its frames as received (DevTools gives the payload after any
  decompression), or, behind nginx, the bytes nginx sent on it (``$bytes_sent`` in its
  access log), which are the compressed ones when per-message deflate is on.

Three set-ups: Streamlit alone (what ``make run`` serves), behind ``deploy/nginx.conf``
(gzip), and behind nginx with Streamlit's websocket compression switched on
(``server.enableWebsocketCompression``, as ``make serve``'s replicas run), which also shows
whether per-message deflate is negotiated through nginx (the ``Sec-WebSocket-Extensions``
answer the browser receives).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PAGE = "Media_mix"
COMPRESSION = ("--server.enableWebsocketCompression", "true")
NO_COMPRESSION = ("--server.enableWebsocketCompression", "false")


def run(quick: bool) -> list[dict]:
    """One row per set-up and visit."""
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.extend(_measure_all()), name="transfer")
    worker.start()  # the caller's thread may own an event loop (Playwright's sync API needs none)
    worker.join()
    return out


def _measure_all() -> list[dict]:
    from deploy.serve import Cluster, nginx_binary
    from tests.browser.helpers import free_port, start_server, stop_server

    rows = []
    proc, url = start_server()
    try:
        rows += _rows("Streamlit alone", measure(url))
    finally:
        stop_server(proc)
    if nginx_binary() is None:
        return [*rows, {"what": "transfer: behind nginx", "median_ms": None, "p95_ms": None,
                        "target_ms": None, "note": "no nginx (bash scripts/ensure_nginx.sh)"}]
    for label, extra in (("behind nginx (gzip)", NO_COMPRESSION),
                         ("behind nginx, websocket deflate", COMPRESSION)):
        runtime = Path(tempfile.mkdtemp(prefix="marginal-lab-transfer-"))
        cluster = Cluster(1, free_port(), restart=False, runtime=runtime, extra=extra)
        cluster.start()
        try:
            rows += _rows(label, measure(cluster.url, runtime / "access.log"))
        finally:
            cluster.stop()
            shutil.rmtree(runtime, ignore_errors=True)
    return rows


def _rows(label: str, visits: dict[str, dict]) -> list[dict]:
    return [{"what": f"transfer: {visit} visit, {label}", "median_ms": None, "p95_ms": None,
             "target_ms": None, **v,
             "note": f"{v['total_bytes'] / 1e6:.2f} MB in {v['requests']} network requests "
                     f"(HTTP {v['http_bytes'] / 1e6:.2f} MB, websocket {v['ws_bytes'] / 1e6:.2f} MB"
                     f"{', deflate' if v['ws_deflate'] else ''})"}
            for visit, v in visits.items()]


def measure(url: str, access_log: Path | None = None) -> dict[str, dict]:
    """Bytes of a first and a repeat visit of the media-mix page at ``url``."""
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import CHROMIUM_FLAGS, chromium_path, wait_idle

    home = tempfile.mkdtemp(prefix="chromium-home-")
    old_home, os.environ["HOME"] = os.environ.get("HOME"), home
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(),
                                                 args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            visits = {}
            for visit in ("first", "repeat"):
                page = context.new_page()
                counter = _Counter(context.new_cdp_session(page))
                page.goto(f"{url}/{PAGE}")
                wait_idle(page, timeout=120_000)
                page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                page.wait_for_timeout(1500)  # late requests: fonts, icons
                before = _nginx_ws_bytes(access_log)
                page.close()  # nginx logs the websocket when it closes
                page_ws = _wait_nginx_ws(access_log, before)
                visits[visit] = counter.totals(page_ws)
            browser.close()
    finally:
        if old_home is not None:
            os.environ["HOME"] = old_home
        shutil.rmtree(home, ignore_errors=True)
    return visits


class _Counter:
    """Network bytes of one page, from its DevTools session."""

    def __init__(self, cdp: Any):
        self.http = 0
        self.requests = 0
        self.ws_payload = 0
        self.deflate = False
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)

    def _finished(self, event: dict) -> None:
        length = int(event.get("encodedDataLength", 0))
        self.http += length
        self.requests += length > 0  # a response from the browser's cache crosses no network

    def _frame(self, event: dict) -> None:
        response = event["response"]
        data = response.get("payloadData", "")
        self.ws_payload += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data)

    def _handshake(self, event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        self.deflate = "permessage-deflate" in headers.get("sec-websocket-extensions", "")

    def totals(self, wire_ws: int | None) -> dict:
        ws = wire_ws if wire_ws is not None else self.ws_payload
        return {"http_bytes": self.http, "ws_bytes": ws, "ws_payload_bytes": self.ws_payload,
                "total_bytes": self.http + ws, "requests": self.requests + 1,
                "ws_deflate": self.deflate}


WEBSOCKET_LINE = re.compile(r"^\S+ 101 .* bytes=(\d+) ")


def _nginx_ws_bytes(access_log: Path | None) -> list[int]:
    """Bytes sent on each closed websocket so far, from nginx's access log."""
    if access_log is None or not access_log.exists():
        return []
    found = (WEBSOCKET_LINE.match(line) for line in access_log.read_text().splitlines())
    return [int(m.group(1)) for m in found if m]


def _wait_nginx_ws(access_log: Path | None, before: list[int]) -> int | None:
    """The bytes nginx sent on the websocket that has just closed."""
    if access_log is None:
        return None
    for _ in range(50):
        now = _nginx_ws_bytes(access_log)
        if len(now) > len(before):
            return sum(now[len(before):])
        time.sleep(0.1)
    return None
