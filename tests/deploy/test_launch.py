"""``deploy.launch``: the lessons are imported before Streamlit starts, quietly, in a fresh process.

``make run`` and every replica start the app through it (``tests/deploy/test_defaults.py``);
the browser tests' servers do too, so every page test also runs on a launched server.
"""

from __future__ import annotations

import json
import subprocess
import sys

from deploy.serve import streamlit_command
from tests.browser.helpers import ROOT
from tests.deploy.test_defaults import make_dry_run

# A fresh interpreter: the launcher runs with Streamlit's CLI replaced by a probe that reports
# what was imported by then and the command line Streamlit would have parsed.
PROBE = """
import json, sys
import streamlit.web.cli as cli
def probe(**kwargs):
    lessons = sorted(m for m in sys.modules if m.startswith("lessons.") and m.endswith(".page"))
    print(json.dumps({"argv": sys.argv, "prog": kwargs.get("prog_name"), "lessons": lessons}))
cli.main = probe
from deploy import launch
launch.main(["app.py", "--server.port", "8765"])
"""


def test_the_launcher_imports_every_lesson_then_hands_over_to_streamlit_run():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["argv"] == ["streamlit", "run", "app.py", "--server.port", "8765"]
    assert seen["prog"] == "streamlit"
    pages = {f"lessons.{p.parent.name}.page" for p in (ROOT / "lessons").glob("*/page.py")}
    assert set(seen["lessons"]) == pages and len(pages) == 7, seen["lessons"]
    # Defining cached functions before the server exists is expected here: no warning for it.
    assert "No runtime found" not in done.stderr, done.stderr[-2000:]


def test_make_run_and_every_replica_start_through_the_launcher():
    assert "-m deploy.launch app.py" in make_dry_run("run")
    assert streamlit_command(8601)[1:4] == ["-m", "deploy.launch", "app.py"]
