"""``deploy.serve``'s supervision: a replica that exits is restarted, a crash loop is left down.

The replicas here are stand-in processes (``sleep``) so that no Streamlit starts: the logic
under test is the bookkeeping of ``Cluster.check``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from deploy import serve


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "streamlit_command",
                        lambda port, extra=(): [sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(serve, "healthy", lambda url, timeout=2.0: True)
    made = serve.Cluster(2, 18600, runtime=tmp_path)
    for replica in made.replicas:
        replica.start()
    yield made
    for replica in made.replicas:
        replica.stop()


def kill(replica: serve.Replica) -> None:
    replica.proc.kill()
    replica.proc.wait()


def test_a_replica_that_exits_is_restarted_and_the_others_are_left_alone(cluster):
    first, second = cluster.replicas
    untouched = second.proc.pid
    kill(first)
    events = cluster.check()
    assert len(events) == 1 and events[0].startswith("replica 1 exited with code")
    assert "restarted" in events[0] and first.proc.poll() is None
    assert second.proc.pid == untouched and cluster.check() == []


def test_a_replica_crashing_in_a_loop_is_left_down_after_three_restarts(cluster):
    first = cluster.replicas[0]
    for _ in range(3):
        kill(first)
        assert "restarted" in cluster.check()[0]
    kill(first)
    assert "left down" in cluster.check()[0] and first.proc is None
    assert cluster.check() == []


def test_without_restart_a_dead_replica_stays_dead(cluster):
    cluster.restart = False
    kill(cluster.replicas[0])
    assert cluster.check() == ["replica 1 exited with code -9; left down (--no-restart)"]
    assert cluster.replicas[0].proc is None and cluster.check() == []


def test_an_unresponsive_replica_is_restarted_after_three_failed_checks(cluster, monkeypatch):
    first = cluster.replicas[0]
    first.started_at -= serve.STARTUP_GRACE_S  # past its start-up
    monkeypatch.setattr(serve, "healthy", lambda url, timeout=2.0: url != first.url)
    pid = first.proc.pid
    assert cluster.check() == [] and cluster.check() == []
    (event,) = cluster.check()
    assert event.startswith("replica 1 failed 3 health checks; restarted")
    assert first.proc.pid != pid
    assert subprocess.run(["kill", "-0", str(pid)], capture_output=True).returncode != 0
