"""A class opening a freshly started server at the same moment sees no traceback.

Each trial starts a new plain ``streamlit run app.py`` (nothing imported yet, as Community
Cloud starts the app; ``make run`` imports the lessons first, see ``deploy/launch.py``) and opens the home
page and every lesson in separate browser contexts at once, as a room does when the trainer
says "open the link". Each page script runs in its own server thread, so their first imports
race; before ``lessons/__init__.py`` serialised them, two or three of the six lessons showed
``partially initialized module`` errors in every trial.
"""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from tests.browser.helpers import ARTIFACTS, CHROMIUM_FLAGS, IDLE, chromium_path, start_server
from ui.registry import LESSONS

TRIALS = int(os.environ.get("COLD_START_TRIALS", "3"))
PATHS = ["", *(lesson.url_path for lesson in LESSONS)]
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


async def _open_all(url: str, executable: str | None) -> dict[str, str]:
    """Open every page at once in its own context; return the error text found per page."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable,
                                                   args=CHROMIUM_FLAGS)
        contexts = [await browser.new_context(viewport={"width": 1280, "height": 900})
                    for _ in PATHS]
        pages = [await context.new_page() for context in contexts]

        async def visit(page, path: str) -> str:
            await page.goto(f"{url}/{path}", timeout=120_000)
            await page.wait_for_selector('[data-testid="stMainBlockContainer"] h1',
                                         timeout=120_000)
            await page.wait_for_selector(IDLE, timeout=120_000)
            errors = page.locator(ERRORS)
            return "\n".join(await errors.all_inner_texts())

        found = await asyncio.gather(*(visit(p, path) for p, path in zip(pages, PATHS,
                                                                          strict=True)))
        await browser.close()
    return {path or "/": text for path, text in zip(PATHS, found, strict=True) if text}


def _run_in_own_thread(coroutine) -> dict[str, str]:
    """Playwright's sync session owns this thread's event loop: run asyncio elsewhere."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the test's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_class_opening_a_cold_server_at_once_sees_no_traceback(trial):
    pytest.importorskip("playwright.async_api")
    executable = chromium_path()
    if executable is None and os.environ.get("CI") != "true":
        pytest.skip("no Chromium")
    proc, url = start_server(preload=False)  # plain streamlit run: the lessons' import lock
    try:
        errors = _run_in_own_thread(_open_all(url, executable))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    log = (ARTIFACTS / f"streamlit-{url.rsplit(':', 1)[1]}.log").read_text(errors="replace")
    first_lines = {path: text.splitlines()[0] for path, text in errors.items()}
    assert not errors, f"trial {trial}: pages showed errors: {first_lines}"
    assert "partially initialized" not in log and "Traceback" not in log, log[-3000:]
