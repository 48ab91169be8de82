"""Safe network defaults and a valid proxy configuration, checked without starting anything.

``make run`` serves this machine only unless ``HOST`` says otherwise; ``make serve`` passes
its variables through; replicas listen on localhost behind nginx; ``deploy/nginx.conf``
renders into a configuration nginx accepts, with the app's upload cap.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

import pytest

from deploy.serve import nginx_binary, render_config, streamlit_command
from tests.browser.helpers import ROOT


def make_dry_run(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("no make")
    return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def option(command: str, name: str) -> str:
    return re.search(rf"{re.escape(name)} (\S+)", command).group(1)


def test_make_run_listens_on_localhost_unless_host_says_otherwise():
    assert option(make_dry_run("run"), "--server.address") == "127.0.0.1"
    opened = make_dry_run("run", "HOST=0.0.0.0", "PORT=8502")
    assert option(opened, "--server.address") == "0.0.0.0"
    assert option(opened, "--server.port") == "8502"


def test_make_serve_passes_replicas_port_and_host_and_installs_nginx():
    command = make_dry_run("serve", "REPLICAS=2", "PORT=8700")
    assert "scripts/ensure_nginx.sh" in command
    assert (option(command, "--replicas"), option(command, "--port"), option(command, "--host")) == (
        "2", "8700", "127.0.0.1")
    assert "scripts/ensure_nginx.sh" in make_dry_run("test")


def test_replicas_listen_on_localhost_only():
    command = streamlit_command(8601)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"


def test_the_shipped_configuration_runs_without_the_source_watcher():
    # With Streamlit's default watcher every new session resolves ~2,000 module paths on the
    # server's event loop: a class opening a lesson at once waited 7x longer (README).
    # make run, make serve, the tests and the benchmark all read this file.
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert streamlit["server"]["fileWatcherType"] == "none"
    assert not any("fileWatcherType" in part for part in streamlit_command(8601))


def test_nginx_takes_the_rendered_configuration_with_the_apps_upload_cap(tmp_path):
    config = render_config("127.0.0.1:8600", [8601, 8602, 8603], tmp_path)
    assert config.count("server 127.0.0.1:86") == 3 and "${" not in config
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    cap_mb = streamlit["server"]["maxUploadSize"]
    assert re.search(r"client_max_body_size (\d+)m;", config).group(1) == str(cap_mb)
    binary = nginx_binary()
    if binary is None:
        pytest.skip("no nginx (bash scripts/ensure_nginx.sh)")
    (tmp_path / "nginx.conf").write_text(config)
    check = subprocess.run([binary, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
                            "-e", "stderr"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
