"""URL-shareable lesson state: one table of parameters drives the controls and the URL.

Each lesson declares its controls as :class:`Slider`, :class:`Choice`, :class:`Ladder`,
:class:`Toggle` or :class:`Text` records and renders them with :func:`widget`, under keys that
carry the lesson's prefix (widget keys and URL parameters are shared by the whole browser
session); :func:`accept_old_keys` keeps links with earlier names working. Streamlit's own binding
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

    def parse(self, raw: str) -> float:
        """The value a URL text stands for (only called when :meth:`accepts` is true)."""
        integral = all(isinstance(v, int) for v in (self.min_value, self.default, self.step))
        return int(float(raw)) if integral and float(raw).is_integer() else float(raw)

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

    def parse(self, raw: str) -> str:
        """The option whose label is ``raw``."""
        return next(o for o in self.options if self.labels.get(o, o) == raw)

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

    def parse(self, raw: str) -> float:
        """The rung written as ``raw``."""
        return next(v for v in self.values if self.text(v) == raw)

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

    def parse(self, raw: str) -> bool:
        """``true`` or ``false``, in any case."""
        return raw.lower() == "true"

    def render(self, where: Any) -> bool:
        return where.toggle(
            self.label, value=self.default, help=self.help, key=self.key, bind="query-params"
        )


@dataclass(frozen=True)
class Text:
    """A line of text (a formula, say) bound to the URL parameter ``key``."""

    key: str
    label: str
    default: str
    max_chars: int = 200
    help: str | None = None

    def accepts(self, raw: str) -> bool:
        return len(raw) <= self.max_chars

    def holds(self, value: Any) -> bool:
        return isinstance(value, str) and self.accepts(value)

    def parse(self, raw: str) -> str:
        """The text itself."""
        return raw

    def render(self, where: Any) -> str:
        return where.text_input(
            self.label, value=self.default, max_chars=self.max_chars, help=self.help,
            key=self.key, bind="query-params",
        )


Param = Slider | Choice | Ladder | Toggle | Text

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


def accept_old_keys(
    renamed: Mapping[str, Param],
    translate: Mapping[str, Callable[[str], str]] | None = None,
) -> None:
    """Let links made before a lesson renamed its URL parameters keep working.

    ``renamed`` maps each old parameter name to the control that now owns it. A value found
    under an old name is given to that control (so the address bar shows the new name from
    then on) and the old name is removed; a value the control cannot take gets the same
    visible note as a bad value under the new name. ``translate`` maps an old name whose
    values were written differently to a function turning the old text into the control's
    text; it raises ``ValueError`` with the note to show when it cannot. Call it before the
    lesson's controls.
    """
    for old, param in renamed.items():
        if old not in st.query_params:
            continue
        raw = st.query_params[old]
        del st.query_params[old]
        if param.key in st.query_params:
            continue
        if translate and old in translate:
            try:
                raw = translate[old](raw)
            except ValueError as exc:
                st.caption(f"⚠️ {exc}")
                continue
        if param.accepts(raw):
            st.session_state[param.key] = param.parse(raw)  # the control starts there
            st.query_params[param.key] = raw  # and the address shows the new name at once
        else:
            st.caption(
                f"⚠️ The link set **{param.label}** to “{_display(raw)}”, which is not a valid "
                "value here, so the default is used."
            )


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
    # One element with or without the message, so that the controls below keep their place
    # (and their URL binding: see ui.lesson).
    slot = st.empty()
    try:
        result = compute()
    except errors as exc:
        with slot.container():
            st.error(f"{exc}", icon="⚠️")
            if store in st.session_state:
                st.caption("Showing the last valid result until the input is fixed.")
        return st.session_state.get(store)
    st.session_state[store] = result
    return result
