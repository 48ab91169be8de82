"""The Streamlit glue of each lesson: one package per lesson, each with a ``page.render``.

Importing this package imports every lesson, and through them every project module and the
heavy libraries (NumPy, pandas, Plotly, SymPy), in one thread and in one fixed order.

Why: Streamlit runs each browser session's page script in a thread of its own. When a class
opens a freshly started server at the same moment, several threads make their first imports
of the same module graph concurrently, and Python's per-module import locks can then hand a
thread a *partially initialised* module ("partially initialized module 'pandas' has no
attribute 'Series'"). Every page script imports from this package before anything else
(``tests/test_architecture.py`` checks it), so the first visitor's thread builds the whole
graph while the others wait on this one package's import lock, and then find every module
complete. It costs nothing after the first visit: the modules stay imported.
"""

from lessons import attribution, backprop, descent, home, media_data, media_mix, partials

__all__ = ["attribution", "backprop", "descent", "home", "media_data", "media_mix", "partials"]
