"""URL-shareable lesson state: one table of parameters drives the controls and the URL.

Each lesson declares its controls as :class:`Slider`, :class:`Choice` or :class:`Toggle`
records and renders them with :func:`widget`. Streamlit's own binding
(``bind="query-params"``) keeps every value in the address bar, so a trainer can copy the
URL and reopen the lesson exactly as it was. Streamlit silently ignores an invalid URL
value; :func:`widget` adds the visible note a user deserves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")


@dataclass(frozen=True)
class Slider:
    """A numeric slider bound to the URL parameter ``key``."""

    key: str
    label: str
    min_value: float
    max_value: float
    default: float
    step: float
    fmt: str | None = None
    help: str | None = None

    def accepts(self, raw: str) -> bool:
        try:
            value = float(raw)
        except ValueError:
            return False
        return math.isfinite(value) and self.min_value <= value <= self.max_value

    def holds(self, value: Any) -> bool:
        return isinstance(value, (int, float)) and self.accepts(str(value))

    def render(self, where: Any) -> float:
        numeric = int if all(isinstance(v, int) for v in (self.min_value, self.default)) else float
        return where.slider(
            self.label,
            min_value=numeric(self.min_value),
            max_value=numeric(self.max_value),
            value=numeric(self.default),
            step=numeric(self.step),
            format=self.fmt,
            help=self.help,
            key=self.key,
            bind="query-params",
        )


@dataclass(frozen=True)
class Choice:
    """A choice among fixed options (select box, or radio when ``horizontal``)."""

    key: str
    label: str
    options: tuple[str, ...]
    default: str
    labels: Mapping[str, str] = field(default_factory=dict)
    help: str | None = None
    horizontal: bool = False
    on_change: Callable[..., None] | None = None
    args: tuple = ()

    def accepts(self, raw: str) -> bool:
        # Streamlit matches the URL against the displayed labels (and writes them there).
        return raw in {self.labels.get(o, o) for o in self.options}

    def holds(self, value: Any) -> bool:
        return value in self.options

    def render(self, where: Any) -> str:
        kwargs = {
            "options": self.options,
            "index": self.options.index(self.default),
            "format_func": lambda option: self.labels.get(option, option),
            "help": self.help,
            "key": self.key,
            "bind": "query-params",
            "on_change": self.on_change,
            "args": self.args,
        }
        if self.horizontal:
            return where.radio(self.label, horizontal=True, **kwargs)
        return where.selectbox(self.label, **kwargs)


@dataclass(frozen=True)
class Ladder:
    """A slider over a fixed ladder of numbers, e.g. a log-scale learning rate 0.001 … 1."""

    key: str
    label: str
    values: tuple[float, ...]
    default: float
    help: str | None = None

    @staticmethod
    def text(value: float) -> str:
        """How a rung is written on the control and in the URL."""
        return f"{value:g}"

    def accepts(self, raw: str) -> bool:
        return raw in {self.text(v) for v in self.values}

    def holds(self, value: Any) -> bool:
        return value in self.values

    def render(self, where: Any) -> float:
        return where.select_slider(
            self.label, options=self.values, value=self.default, format_func=self.text,
            key=self.key, bind="query-params", help=self.help,
        )


@dataclass(frozen=True)
class Toggle:
    """An on/off switch bound to the URL parameter ``key``."""

    key: str
    label: str
    default: bool = False
    help: str | None = None

    def accepts(self, raw: str) -> bool:
        return raw.lower() in {"true", "false"}

    def holds(self, value: Any) -> bool:
        return isinstance(value, bool)

    def render(self, where: Any) -> bool:
        return where.toggle(
            self.label, value=self.default, help=self.help, key=self.key, bind="query-params"
        )


Param = Slider | Choice | Ladder | Toggle

_UNSAFE = re.compile(r"[^A-Za-z0-9 .,_\-+]")


def _display(raw: str) -> str:
    """Make an untrusted URL value safe to show inside Markdown."""
    shown = _UNSAFE.sub("?", raw[:40])
    return shown + ("…" if len(raw) > 40 else "")


def widget(param: Param, where: Any = None) -> Any:
    """Render one URL-bound control and return its value.

    An invalid or out-of-range URL value falls back to the default (Streamlit's own
    behaviour) and a short note under the control says so.
    """
    where = st if where is None else where
    if param.key in st.session_state and not param.holds(st.session_state[param.key]):
        # A value left under the same key by another page's control (widget keys and URL
        # parameters are shared by the whole session) would crash this control.
        del st.session_state[param.key]
    raw = st.query_params.get(param.key)
    value = param.render(where)
    if raw is not None and not param.accepts(raw):
        where.caption(
            f"⚠️ The link set **{param.label}** to “{_display(raw)}”, which is not a valid "
            f"value here, so the default ({value}) is used."
        )
    return value


def widgets(params: tuple[Param, ...], where: Any = None) -> dict[str, Any]:
    """Render a table of parameters in order; return their values keyed by ``key``."""
    return {param.key: widget(param, where) for param in params}


def last_good(key: str, compute: Callable[[], T], *, errors: tuple[type[Exception], ...] = (ValueError,)) -> T | None:
    """Run ``compute``; on a user-input error show it and return the last good result.

    The message of the exception is shown as a clear inline error (never a traceback)
    and the previous successful result, kept in session state under ``key``, stays
    on screen. Returns ``None`` if there has never been a good result.
    """
    store = f"_last_good::{key}"
    try:
        result = compute()
    except errors as exc:
        st.error(f"{exc}", icon="⚠️")
        if store in st.session_state:
            st.caption("Showing the last valid result until the input is fixed.")
        return st.session_state.get(store)
    st.session_state[store] = result
    return result
