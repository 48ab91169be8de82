"""``make serve REPLICAS=3 PORT=8600``: Streamlit replicas behind nginx, until Ctrl-C.

``python -m deploy.serve --replicas 3 --port 8600 [--host 0.0.0.0]`` starts ``--replicas``
copies of ``streamlit run app.py`` on localhost ports ``PORT+1 … PORT+N`` and one nginx on
``HOST:PORT`` configured from ``deploy/nginx.conf`` (cookie affinity, websockets, gzip,
passive health checks). It stays in the foreground: Ctrl-C (or SIGTERM) stops nginx and
every replica. Meanwhile it polls each replica's ``/_stcore/health`` every few seconds and
restarts a replica that exited or stopped answering (``--no-restart`` leaves a dead replica
dead, as the failover tests need). Logs and nginx's runtime files go to
``/tmp/marginal-lab-serve-<port>/``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
HEALTH_EVERY_S = 5.0
UNHEALTHY_AFTER = 3  # failed health checks in a row before a running replica is restarted
STARTUP_GRACE_S = 60.0  # a replica starting up (imports, first page) is not judged yet


def nginx_binary() -> str | None:
    """The nginx executable, or None when nginx is not installed."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def render_config(listen: str, replica_ports: list[int], runtime: Path,
                  template: Path = TEMPLATE) -> str:
    """``deploy/nginx.conf`` with its placeholders filled in for these replicas."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
                        for p in replica_ports)
    values = {"LISTEN": listen, "UPSTREAM_SERVERS": servers, "RUNTIME": str(runtime)}
    # Only ${NAME} placeholders are ours; nginx's own $variables stay as they are.
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: values[m.group(1)], template.read_text())


# Per-message deflate on the websocket: every rerun's charts travel 2-4x smaller (measured in
# the README) for 3-5 ms of server CPU per rerun; browsers offer it, nginx passes it through.
REPLICA_OPTIONS = ("--server.enableWebsocketCompression", "true")


def streamlit_command(port: int, extra: tuple[str, ...] = REPLICA_OPTIONS) -> list[str]:
    """One replica: ``streamlit run app.py`` on localhost only (nginx is its front door).

    Started through :mod:`deploy.launch`, so a replica listens only once every lesson is
    imported: a replica started or restarted mid-class serves its first learner at once.
    """
    return [sys.executable, "-m", "deploy.launch", "app.py", "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", *extra]


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether the Streamlit server (or the proxy) at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` (closed connections may linger)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class Replica:
    """One ``streamlit run app.py`` process and its health record."""

    index: int
    port: int
    log: Path
    extra: tuple[str, ...] = REPLICA_OPTIONS
    proc: subprocess.Popen | None = None
    failed_checks: int = 0
    started_at: float = 0.0
    restarts: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The replica's own address (localhost only)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process, its output appended to its log."""
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(streamlit_command(self.port, self.extra), cwd=ROOT,
                                         stdout=log, stderr=subprocess.STDOUT)
        self.failed_checks, self.started_at = 0, time.monotonic()

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process; kill it if it has not stopped within ``timeout`` s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Cluster:
    """N replicas and the nginx in front of them, started and stopped together."""

    def __init__(self, replicas: int, port: int, host: str = "127.0.0.1", restart: bool = True,
                 runtime: Path | None = None, extra: tuple[str, ...] = REPLICA_OPTIONS):
        self.host, self.port, self.restart = host, port, restart
        self.runtime = runtime or Path(f"/tmp/marginal-lab-serve-{port}")
        self.replicas = [Replica(i + 1, port + i + 1, self.runtime / f"replica-{i + 1}.log", extra)
                         for i in range(replicas)]
        self.nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Where a browser on this machine opens the app."""
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{shown}:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        """Start every replica, wait until each answers, then start nginx in front."""
        binary = nginx_binary()
        if binary is None:
            raise SystemExit("nginx is not installed: run `bash scripts/ensure_nginx.sh` "
                             "(Debian: apt-get install nginx).")
        busy = [p for p in [self.port, *(r.port for r in self.replicas)]
                if not port_free(self.host if p == self.port else "127.0.0.1", p)]
        if busy:
            raise SystemExit(f"port(s) {busy} are in use: choose another PORT.")
        self.runtime.mkdir(parents=True, exist_ok=True)
        for replica in self.replicas:
            replica.log.write_bytes(b"")
            replica.start()
        self._wait(lambda: all(healthy(r.url) for r in self.replicas), timeout, "the replicas")
        config = self.runtime / "nginx.conf"
        config.write_text(render_config(f"{self.host}:{self.port}", [r.port for r in self.replicas],
                                        self.runtime))
        check = subprocess.run([binary, "-t", "-q", "-c", str(config), "-p", str(self.runtime),
                                "-e", "stderr"], capture_output=True, text=True)
        if check.returncode != 0:
            self.stop()
            raise SystemExit(f"nginx rejected {config}:\n{check.stderr}")
        (self.runtime / "access.log").write_bytes(b"")
        with open(self.runtime / "nginx.log", "ab") as log:
            self.nginx = subprocess.Popen([binary, "-c", str(config), "-p", str(self.runtime),
                                           "-e", "stderr"], stdout=log, stderr=subprocess.STDOUT)
        self._wait(lambda: healthy(f"http://127.0.0.1:{self.port}"), 30, "nginx")

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{what} did not become healthy within {timeout:.0f} s "
                                 f"(logs in {self.runtime})")
            time.sleep(0.3)

    def check(self) -> list[str]:
        """One round of supervision: what happened, restarts done when allowed."""
        events = []
        if self.nginx is not None and self.nginx.poll() is not None:
            events.append(f"nginx exited with code {self.nginx.returncode}")
        for replica in self.replicas:
            if replica.proc is None:
                continue
            code = replica.proc.poll()
            starting = time.monotonic() - replica.started_at < STARTUP_GRACE_S
            alive = code is None and (starting or healthy(replica.url))
            replica.failed_checks = 0 if alive else replica.failed_checks + 1
            if code is None and replica.failed_checks < UNHEALTHY_AFTER:
                continue
            why = (f"exited with code {code}" if code is not None
                   else f"failed {replica.failed_checks} health checks")
            if not self.restart:
                if code is not None or replica.failed_checks == UNHEALTHY_AFTER:
                    events.append(f"replica {replica.index} {why}; left down (--no-restart)")
                replica.proc = None if code is not None else replica.proc
                continue
            recent = [t for t in replica.restarts if time.monotonic() - t < 60]
            if len(recent) >= 3:
                events.append(f"replica {replica.index} {why}; restarted 3 times in a minute, "
                              "left down (see its log)")
                replica.stop()
                replica.proc = None
                continue
            replica.stop()
            replica.start()
            replica.restarts = [*recent, time.monotonic()]
            events.append(f"replica {replica.index} {why}; restarted (pid {replica.proc.pid})")
        return events

    def stop(self) -> None:
        """Stop nginx first (no new requests), then every replica."""
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish requests, close sockets
            try:
                self.nginx.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for replica in self.replicas:
            replica.stop()

    def describe(self) -> str:
        """What runs where, one line each (the replica tests read the pids from it)."""
        lines = [f"Marginal Lab: {self.url}  (nginx on {self.host}:{self.port}, "
                 f"{len(self.replicas)} replicas; logs in {self.runtime})"]
        lines += [f"replica {r.index} pid {r.proc.pid} {r.url}" for r in self.replicas if r.proc]
        lines.append(f"nginx pid {self.nginx.pid}" if self.nginx else "nginx not running")
        lines.append("Ctrl-C stops nginx and every replica.")
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Start the cluster, supervise it until Ctrl-C or SIGTERM, then stop everything."""
    parser = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--port", type=int, default=8600, help="where nginx listens")
    parser.add_argument("--host", default="127.0.0.1",
                        help="nginx's address: 127.0.0.1 (this machine) or 0.0.0.0 (the network)")
    parser.add_argument("--no-restart", action="store_true", help="leave a dead replica dead")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    cluster = Cluster(args.replicas, args.port, args.host, restart=not args.no_restart)

    def stop_on_signal(signum, _frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell starting this in the background would have it ignored.
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    try:
        cluster.start()
        print(cluster.describe(), flush=True)
        while True:
            time.sleep(HEALTH_EVERY_S)
            for event in cluster.check():
                print(event, flush=True)
            if cluster.nginx is not None and cluster.nginx.poll() is not None:
                return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()
        print("stopped nginx and every replica", flush=True)


if __name__ == "__main__":
    sys.exit(main())
