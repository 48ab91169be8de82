"""``streamlit run`` with every lesson imported before the server listens.

``python -m deploy.launch app.py [streamlit options]`` takes the same arguments as
``streamlit run``; ``make run`` and each replica of ``make serve`` start the app this way.

Why: a fresh ``streamlit run`` imports the lessons (and NumPy, pandas, Plotly, SymPy through
them) when the first visitor's page runs, about 1.3-1.9 s on the development machine, so the
first learner after a start waited that long for a page the others got at once. Here the
imports happen first, in this one thread, and Streamlit prints its "You can now view" line
only when they are done: whoever opens the link finds a ready server. ``lessons/__init__.py``
still serialises the imports for a plain ``streamlit run app.py`` (Community Cloud runs the
app that way), which ``tests/browser/test_cold_start.py`` checks.
"""

from __future__ import annotations

import logging
import sys

# Streamlit checks each cache's settings when a cached function is defined and, with no server
# running yet, warns that it would use an in-memory store. The caches are created on their
# first call, inside the server, with the server's own store, so the warning does not apply.
QUIET_WHILE_IMPORTING = ("streamlit.runtime.caching.cache_data_api",)


def import_lessons() -> None:
    """Import every lesson (``lessons`` imports them all), without the warnings above."""
    import streamlit  # noqa: F401  first: it sets its loggers' levels when imported

    loggers = [logging.getLogger(name) for name in QUIET_WHILE_IMPORTING]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        import lessons  # noqa: F401
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def main(argv: list[str]) -> None:
    """Import the lessons, then hand ``argv`` to Streamlit's own ``streamlit run``."""
    import_lessons()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *argv]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
