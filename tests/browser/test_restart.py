"""A server restarted during a lesson: the open page reconnects by itself, values from its URL.

One ``streamlit run app.py`` serves a tab whose learner has moved a slider (the value is in
the tab's URL). The server stops (SIGTERM, as a trainer's Ctrl-C or a redeploy does) and a
new one starts on the same port. Without a reload, the tab must notice the lost connection,
reconnect to the new process and show the same lesson values, read from its URL, with no
exception.
"""

from __future__ import annotations

from tests.browser.helpers import free_port, start_server, stop_server
from tests.browser.reconnect import comes_back, move_slider


def test_a_restarted_server_brings_the_open_lesson_back_from_its_url(page):
    port = free_port()
    first, url = start_server(port=port)
    second = None
    try:
        expected = move_slider(page, url, "Media_mix")
        stop_server(first)
        page.wait_for_function("window.__lost === true", timeout=30_000)
        second, again = start_server(port=port)
        assert again == url
        comes_back(page, "Media_mix", expected)
    finally:
        stop_server(first)
        if second is not None:
            stop_server(second)
