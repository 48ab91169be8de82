"""One browser tab's conversation with Streamlit, spoken over its websocket without a browser.

The Streamlit frontend talks to the server over one websocket at ``/_stcore/stream``, in the
protobufs of ``streamlit.proto``: it sends ``BackMsg`` and receives ``ForwardMsg``. A
:class:`Tab` does what the frontend does (Streamlit 1.67):

1. It connects with the subprotocol ``streamlit`` and sends ``BackMsg.rerun_script``, a
   ``ClientState`` holding the page's URL path as ``page_name`` and the URL's
   ``query_string``: the server runs that page with the values in the link.
2. It reads ``ForwardMsg`` until ``script_finished``: ``navigation`` names the page's
   ``page_script_hash`` (sent with every later rerun); each ``delta`` adds an element, and a
   widget's element carries its ``id`` (``$$ID-<hash>-<key>``), label, options and current
   value, its delta the ``fragment_id`` of the ``st.fragment`` it lives in;
   ``page_info_changed`` carries the new query string (URL-bound widgets write their values
   there); an ``exception`` element is a traceback shown to the user.
3. A control changes with another ``rerun_script`` whose ``widget_states`` hold the values
   the tab has set, each in the field its kind uses (a slider's ``double_array_value``, a
   select slider's ``string_array_value`` of option labels, a select box's or radio's
   ``string_value``, a checkbox's ``bool_value``), with the page hash, the query string and,
   for a widget inside a fragment, its ``fragment_id``: then only the fragment reruns and
   ``script_finished`` says ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``. (The browser also lists
   the widgets it has not touched, with the values the server already holds: a no-op.)
4. Elements the server marks ``metadata.cacheable`` are kept by hash and listed in
   ``cached_message_hashes``; the server then sends a ``ref_hash`` for an unchanged one, as it
   does to a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
}
SETTABLE = ("slider", "selectbox", "radio", "checkbox", "multiselect", "text_input")


@dataclass(frozen=True)
class Widget:
    """A control found in the page's deltas."""

    id: str
    kind: str
    label: str
    fragment_id: str
    proto: Any = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        """The widget's user key: the tail of its id (``$$ID-<hash>-<key>``)."""
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and parts[2] != "None" else ""

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(getattr(self.proto, "options", ()))

    def initial(self) -> Any:
        """The value the page shows now: the server's ``value`` when it set one, else the default."""
        p, set_value = self.proto, getattr(self.proto, "set_value", False)
        if self.kind == "slider":
            if set_value and p.raw_value:  # the value the script set, as text
                return p.raw_value[0] if self.options else float(p.raw_value[0])
            raw = list(p.value) if set_value and p.value else list(p.default)
            return self.options[int(raw[0])] if self.options else raw[0]
        if self.kind in ("selectbox", "radio"):
            return p.raw_value if set_value else self.options[p.default]
        if self.kind == "checkbox":
            return p.value if set_value else p.default
        if self.kind == "multiselect":
            return list(p.raw_values) if set_value else [self.options[i] for i in p.default]
        return getattr(p, "value", None) if set_value else getattr(p, "default", None)


@dataclass
class Run:
    """One script run seen from the tab: how long until it finished, and what it showed."""

    ms: float
    status: str  # "ok", "fragment", "compile error", "timeout", "disconnected"
    exceptions: list[str] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)
    bytes: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.exceptions) or self.status not in ("ok", "fragment")


def encode(widget: Widget, value: Any) -> WidgetState:
    """The ``WidgetState`` a browser sends for ``widget`` set to ``value``."""
    state = WidgetState(id=widget.id)
    if widget.kind == "slider" and widget.proto.type == Slider.SELECT_SLIDER:
        _check_option(widget, str(value))
        state.string_array_value.data[:] = [str(value)]
    elif widget.kind == "slider":
        state.double_array_value.data[:] = [float(value)]
    elif widget.kind in ("selectbox", "radio"):
        _check_option(widget, str(value))
        state.string_value = str(value)
    elif widget.kind == "checkbox":
        state.bool_value = bool(value)
    elif widget.kind == "multiselect":
        for option in value:
            _check_option(widget, option)
        state.string_array_value.data[:] = list(value)
    elif widget.kind == "text_input":
        state.string_value = str(value)
    else:
        raise ValueError(f"a {widget.kind} cannot be set by a simulated learner")
    return state


def _check_option(widget: Widget, option: str) -> None:
    if option not in widget.options:
        raise ValueError(f"{widget.label!r} offers no option {option!r}: {widget.options}")


def url_text(value: Any) -> str | list[str]:
    """A value as Streamlit writes it into the URL (``5.0`` → ``5``, ``True`` → ``true``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def with_param(query: str, param: str, value: Any) -> str:
    """``query`` with ``param`` set to ``value`` (a list repeats the parameter)."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != param]
    text = url_text(value)
    pairs += [(param, v) for v in text] if isinstance(text, list) else [(param, text)]
    return urlencode(pairs)


def stream_url(base_url: str) -> str:
    """The websocket address of a server's ``/_stcore/stream``."""
    return base_url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + (
        "/_stcore/stream")


class Tab:
    """One browser tab on one page: open it, read its widgets, change one, wait for the rerun."""

    def __init__(self, base_url: str, path: str = "", query: str = "", timeout: float = 90.0):
        self.base_url, self.path, self.timeout = base_url.rstrip("/"), path, timeout
        self.query_string = query.lstrip("?")
        self.page_hash = ""
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, Any] = {}  # what this tab has set, by widget id
        self._states: dict[str, WidgetState] = {}
        self._cache: dict[str, ForwardMsg] = {}
        self._ws: Any = None

    async def open(self) -> Run:
        """Connect and run the page as a browser opening its URL does."""
        start = time.perf_counter()
        try:
            self._ws = await asyncio.wait_for(websockets.connect(
                stream_url(self.base_url), subprotocols=["streamlit"], max_size=None,
                open_timeout=self.timeout), self.timeout)  # offers permessage-deflate, as browsers do
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            return Run((time.perf_counter() - start) * 1000, "disconnected", [f"connect: {exc!r}"])
        return await self._rerun(self._client_state(), start)

    async def set(self, widget: Widget, value: Any) -> Run:
        """Change one control and wait until its rerun (whole page or fragment) has finished."""
        self._states[widget.id] = encode(widget, value)
        self.values[widget.id] = value
        param = getattr(widget.proto, "query_param_key", "")
        if param:  # the frontend writes a URL-bound widget's new value into the address
            self.query_string = with_param(self.query_string, param, value)
        msg = self._client_state()
        msg.rerun_script.fragment_id = widget.fragment_id
        return await self._rerun(msg, time.perf_counter())

    def matching(self, key: str, label: str = "") -> list[Widget]:
        """Widgets with this key, else whose key starts with it, else with this label.

        A prefix finds ``quiz_…`` or ``md_channels_<n>``; a label finds a control whose key
        was renamed.
        """
        widgets = list(self.widgets.values())
        return ([w for w in widgets if key and w.key == key]
                or [w for w in widgets if key and w.key.startswith(key)]
                or [w for w in widgets if label and w.label == label])

    def find(self, key: str, label: str = "") -> Widget | None:
        """The one widget :meth:`matching` finds, or None (absent or ambiguous)."""
        found = self.matching(key, label)
        return found[0] if len(found) == 1 else None

    def value(self, widget: Widget) -> Any:
        """The widget's value as this tab sees it now."""
        return self.values.get(widget.id, widget.initial())

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None

    def _client_state(self) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.path
        state.widget_states.widgets.extend(self._states.values())
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Europe/London", 0, "en-GB"
        info.url = f"{self.base_url}/{self.path}" + (f"?{self.query_string}" if self.query_string else "")
        return msg

    async def _rerun(self, msg: BackMsg, start: float) -> Run:
        run = Run(0.0, "timeout")
        try:
            await self._ws.send(msg.SerializeToString())
            await asyncio.wait_for(self._read_until_finished(run, msg.rerun_script.fragment_id),
                                   self.timeout)
        except TimeoutError:
            run.status = "timeout"
        except (websockets.ConnectionClosed, OSError) as exc:
            run.status = "disconnected"
            run.exceptions.append(f"websocket closed: {exc!r}"[:200])
        run.ms = (time.perf_counter() - start) * 1000.0
        return run

    async def _read_until_finished(self, run: Run, fragment_id: str) -> None:
        seen: dict[str, Widget] = {}
        while True:
            data = await self._ws.recv()
            run.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.ref_hash:
                cached = self._cache.get(msg.ref_hash)
                if cached is None:
                    continue
                delta_path = list(msg.metadata.delta_path)
                msg = ForwardMsg()
                msg.CopyFrom(cached)
                msg.metadata.delta_path[:] = delta_path
            elif msg.metadata.cacheable and msg.hash:
                self._cache[msg.hash] = msg
            kind = msg.WhichOneof("type")
            if kind == "delta":
                self._read_delta(msg.delta, run, seen)
            elif kind == "navigation" and msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                run.status = FINISHED.get(msg.script_finished, "ok")
                self._keep_widgets(seen, fragment_id if run.status == "fragment" else "")
                return

    def _read_delta(self, delta: Any, run: Run, seen: dict[str, Widget]) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            run.exceptions.append(f"{proto.type}: {proto.message}"[:300])
        elif kind == "alert" and proto.format == Alert.ERROR:
            run.error_messages.append(proto.body[:200])
        elif kind in SETTABLE and getattr(proto, "id", ""):
            seen[proto.id] = Widget(proto.id, kind, proto.label, delta.fragment_id, proto)

    def _keep_widgets(self, seen: dict[str, Widget], fragment_id: str) -> None:
        """After a full run the page holds the widgets seen; a fragment run replaces its own."""
        # A widget the script has just set (set_value) shows the server's value from now on.
        overridden = {i for i, w in seen.items() if getattr(w.proto, "set_value", False)}
        if fragment_id:
            seen = {**{i: w for i, w in self.widgets.items() if w.fragment_id != fragment_id},
                    **seen}
        self.widgets = seen
        for widget_id in (set(self._states) - set(self.widgets)) | overridden:
            self._states.pop(widget_id, None)
            self.values.pop(widget_id, None)
