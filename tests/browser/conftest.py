"""Fixtures: one ``streamlit run app.py`` and one headless Chromium for the browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest

from tests.browser.helpers import CHROMIUM_FLAGS, chromium_path, start_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    proc, url = start_server()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# Package scope: the sync Playwright (and its event loop in this thread) ends with the browser
# tests, so later tests (the benchmark's smoke test) can start their own.
@pytest.fixture(scope="package")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    if executable is None and os.environ.get("CI") == "true":
        pytest.fail("CI=true but no Chromium at /usr/bin/chromium: the browser tests must run.")
    home = tempfile.mkdtemp(prefix="chromium-home-")
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = home  # Chromium writes into $HOME
    try:
        with sync_api.sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            except Exception as exc:  # no browser at all outside CI: skip, never pass silently in CI
                if os.environ.get("CI") == "true":
                    raise
                pytest.skip(f"no Chromium available: {exc}")
            yield browser
            browser.close()
    finally:
        if old_home is not None:
            os.environ["HOME"] = old_home
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
