"""The Streamlit glue of each lesson: one package per lesson, each with a ``page.render``.

Importing this package imports every lesson, and through them every project module and the
heavy libraries (NumPy, pandas, Plotly, SymPy), in one thread and in one fixed order.

Why: Streamlit runs each browser session's page script in a thread of its own. When a class
opens a freshly started server at the same moment, several threads make their first imports
of the same module graph concurrently, and Python's per-module import locks can then hand a
thread a *partially initialised* module ("partially initialized module 'pandas' has no
attribute 'Series'"). Every page script starts with ``from lessons import <lesson>``
(``tests/test_architecture.py`` checks it), which takes this package's import lock and no
other: the first visitor's thread builds the whole graph while the others wait on that one
lock, holding none, and then find every module complete. (``from lessons.x import page``
would lock ``lessons.x`` first and deadlock against the thread importing every lesson; Python
breaks such a deadlock by handing out partially initialised modules.) It costs nothing after
the first visit: the modules stay imported.
"""

from lessons import attribution, backprop, descent, home, media_data, media_mix, partials

__all__ = ["attribution", "backprop", "descent", "home", "media_data", "media_mix", "partials"]
