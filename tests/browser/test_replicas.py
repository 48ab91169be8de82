"""Two replicas behind nginx (``python -m deploy.serve``, what ``make serve`` runs), one killed.

Three browser sessions go through the proxy, each with the affinity cookie nginx hashes
(values chosen by probing the hash, so that all three land on replica 1 while another value
lands on replica 2: the cookie spreads sessions). Between them they open every page, and
each ends on a lesson whose slider it moved, so the lesson's state is in its URL. Replica 2
has served none of them: its Python has imported nothing of the app. Then replica 1 dies
(SIGKILL). This is the failover the cold-start issue found: all three sessions must see the
disconnect, reconnect by themselves, at once, through nginx to the cold replica, and show
their lesson as it was, from the URL, with no exception on a page and no traceback in the
replica's log. nginx's access log (the replica that answered each request; a websocket is
logged when it closes) shows that each session stayed on one replica until it died. Ctrl-C
(SIGINT) then stops nginx and every replica.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

from bench.learner import stream_url
from deploy.serve import nginx_binary, port_free
from tests.browser.helpers import ROOT, free_port
from tests.browser.reconnect import comes_back, move_slider, visit

COOKIE = "marginal_lab_replica"
# deploy/nginx.conf's log_format "replicas".
LOG_LINE = re.compile(r'(\S+) (\d+) "([^"]*)" bytes=\d+ upstream=(.*) affinity=(\S*) gzip=')
class Serve:
    """``python -m deploy.serve --replicas 2 --no-restart`` on free ports, as ``make serve``."""

    def __init__(self) -> None:
        port = free_port()
        while not all(port_free("127.0.0.1", p) for p in (port + 1, port + 2)):
            port = free_port()
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.runtime = Path(f"/tmp/marginal-lab-serve-{port}")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deploy.serve", "--replicas", "2", "--port", str(port),
             "--no-restart"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.output: list[str] = []
        threading.Thread(target=lambda: self.output.extend(self.proc.stdout), daemon=True).start()
        deadline = time.monotonic() + 150
        while not any(line.startswith("Ctrl-C") for line in self.output):
            assert self.proc.poll() is None and time.monotonic() < deadline, "".join(self.output)
            time.sleep(0.2)
        self.pids = {int(line.split()[1]): int(line.split()[3])
                     for line in self.output if line.startswith("replica ")}
        self.ports = {1: port + 1, 2: port + 2}

    def served(self) -> list[tuple[float, int, str, str, int]]:
        """Access-log lines: (time, status, request, affinity key, replica that answered)."""
        out = []
        for line in (self.runtime / "access.log").read_text().splitlines():
            found = LOG_LINE.match(line)
            if found is None:
                continue
            msec, status, request, upstream, key = found.groups()
            answered = upstream.split(",")[-1].strip()  # nginx lists every replica it tried
            replica = next((i for i, p in self.ports.items() if answered.endswith(f":{p}")), 0)
            out.append((float(msec), int(status), request, key, replica))
        return out

    def key_for(self, replica: int, taken: set[str]) -> str:
        """An affinity cookie value that nginx's hash sends to ``replica`` (probed via health)."""
        for i in range(500):
            key = f"learner-{i}"
            if key in taken:
                continue
            request = urllib.request.Request(f"{self.url}/_stcore/health",
                                             headers={"Cookie": f"{COOKIE}={key}"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            for _ in range(50):
                lines = [s for s in self.served() if s[3] == key]
                if lines:
                    break
                time.sleep(0.05)
            if lines and lines[-1][4] == replica:
                return key
        raise AssertionError(f"no cookie value hashes to replica {replica}")

    def kill(self, replica: int) -> float:
        os.kill(self.pids[replica], signal.SIGKILL)
        return time.time()

    def stop(self) -> int:
        """Ctrl-C: nginx and every replica stop; the command's exit code."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def serve():
    if nginx_binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no nginx: scripts/ensure_nginx.sh should have installed it")
        pytest.skip("no nginx (bash scripts/ensure_nginx.sh)")
    cluster = Serve()
    yield cluster
    if cluster.proc.poll() is None:
        cluster.stop()


def session(browser, serve: Serve, key: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": COOKIE, "value": key, "url": serve.url}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def replicas_of(serve: Serve, key: str, start: float = 0.0, end: float = float("inf")
                ) -> list[int]:
    """The replica that answered each of a session's requests logged in [start, end)."""
    return [s[4] for s in serve.served() if s[3] == key and start <= s[0] < end]


def test_three_sessions_stick_to_a_replica_then_fail_over_at_once_to_a_cold_one(browser, serve):
    taken: set[str] = set()
    for _ in range(3):
        taken.add(serve.key_for(1, taken))
    serve.key_for(2, taken)  # another cookie value lands on replica 2: the hash spreads them
    keys = sorted(taken)
    plan = [(keys[0], ["", "Partial_derivatives"], "Gradient_descent"),
            (keys[1], ["Backpropagation"], "Media_mix"),
            (keys[2], ["Your_media_data"], "Attribution")]
    tabs = []
    for key, pages, last in plan:  # between them, every page of the app
        context, page = session(browser, serve, key)
        for path in pages:
            visit(page, serve.url, path)
        tabs.append((context, page, last, move_slider(page, serve.url, last)))
    assert not [s for s in serve.served() if s[4] == 2 and "/_stcore/health" not in s[2]], (
        "replica 2 must be cold: it has served no page yet")
    killed_at = serve.kill(1)
    for _context, page, last, expected in tabs:  # all three reconnect to replica 2 at once
        comes_back(page, last, expected)
    for context, *_ in tabs:
        context.close()
    time.sleep(1)  # nginx logs each websocket when it closes
    for key in keys:
        before = replicas_of(serve, key, end=killed_at - 0.1)
        after = [s[4] for s in serve.served() if s[3] == key and s[0] > killed_at + 0.5
                 and not (s[1] == 101 and s[4] == 1)]  # the websocket cut by the kill
        assert set(before) == {1} and len(before) > 5, before
        assert set(after) == {2}, after
        assert any(s[1] == 101 and s[4] == 2 for s in serve.served() if s[3] == key)
    log = (serve.runtime / "replica-2.log").read_text(errors="replace")
    assert "Traceback" not in log and "partially initialized" not in log, log[-3000:]
    proxy_compresses_scripts_and_caps_uploads(serve.url)
    assert serve.stop() == 0  # Ctrl-C
    assert not any(_alive(pid) for pid in serve.pids.values())
    assert port_free("127.0.0.1", serve.port)


def proxy_compresses_scripts_and_caps_uploads(url: str) -> None:
    """Through nginx: gzipped JavaScript, a deflated websocket, no body over 5 MB.

    The app's scripts arrive gzipped, the websocket negotiates per-message deflate with the
    replica, and an upload over the app's 5 MB cap is refused by nginx itself (413).
    """
    with connect(stream_url(url), subprotocols=["streamlit"], open_timeout=30) as websocket:
        assert "permessage-deflate" in websocket.response.headers["Sec-WebSocket-Extensions"]
    with urllib.request.urlopen(url, timeout=30) as response:
        script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', response.read().decode()).group(1)
    request = urllib.request.Request(f"{url}/{script}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Encoding"] == "gzip"
    statuses = {}
    for mb in (4, 6):
        upload = urllib.request.Request(f"{url}/_stcore/upload_file/session/file", method="PUT",
                                        data=b"x" * (mb * 1024 * 1024))
        try:
            with urllib.request.urlopen(upload, timeout=30) as response:
                statuses[mb] = response.status
        except urllib.error.HTTPError as error:
            statuses[mb] = error.code
    assert statuses[6] == 413 and statuses[4] != 413, statuses


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except OSError:
        return False
    return state != "Z"
