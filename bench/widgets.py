"""Generic widget discovery for AppTest: find a page's controls and the values worth trying.

Shared by the server-time benchmark and the widget sweep test. A :class:`Control` records one
widget as first seen (its element id, kind, label and value); :func:`extremes` and
:func:`random_values` give the values a user can reach; :func:`apply` sets a value on the
live widget. Buttons, downloads, uploads, data editors, free text and the quizzes are not
swept here (they have their own tests).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

# AppTest element types we know how to drive, by the ``type`` attribute of the element.
SWEPT_KINDS = (
    "slider", "select_slider", "selectbox", "radio", "toggle", "checkbox",
    "number_input", "multiselect", "segmented_control", "pills",
)
SKIPPED_KEY_PREFIXES = ("quiz_",)
FEW_OPTIONS = 8  # a single choice with this many options or fewer is swept through all of them


@dataclass(frozen=True)
class Control:
    """One widget of a page as first seen: enough to find it again and to choose values."""

    id: str
    kind: str
    label: str
    key: str | None
    initial: Any

    @property
    def name(self) -> str:
        """A short human name for reports: the key if there is one, else the label."""
        return self.key or self.label


def seed_for(*parts: object) -> int:
    """A stable seed from names (``hash()`` is salted per process; crc32 is not)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def _kind(node: Any) -> str | None:
    kind = getattr(node, "type", None)
    if kind == "button_group":  # segmented_control / pills share one proto
        kind = "pills"
    return kind if kind in SWEPT_KINDS else None


def iter_widgets(at: Any) -> Iterator[Any]:
    """Every drivable, enabled widget on the page (main area then sidebar), in order."""
    for block in (at.sidebar, at.main):
        for node in block:
            kind = _kind(node)
            if kind is None or getattr(node.proto, "disabled", False):
                continue
            key = getattr(node, "key", None)
            if key and key.startswith(SKIPPED_KEY_PREFIXES):
                continue
            if kind == "slider" and node.proto.data_type not in (0, 1):  # dates and times
                continue
            yield node


def discover(at: Any) -> list[Control]:
    """The controls currently on the page."""
    controls = []
    for node in iter_widgets(at):
        try:
            initial = node.value
        except Exception:  # a widget whose value AppTest cannot read is not drivable
            continue
        controls.append(Control(node.id, _kind(node), str(node.label), node.key, initial))
    return controls


def find(at: Any, control_id: str) -> Any | None:
    """The live widget with this element id, or None if it is not on the page now."""
    for node in iter_widgets(at):
        if node.id == control_id:
            return node
    return None


def _slider_grid(node: Any) -> tuple[float, float, float, bool]:
    proto = node.proto
    is_int = proto.data_type == 0
    return proto.min, proto.max, proto.step or 1, is_int


def _on_grid(lo: float, step: float, k: int, is_int: bool, hi: float) -> float | int:
    value = min(lo + k * step, hi)
    if is_int:
        return int(round(value))
    decimals = max(0, -math.floor(math.log10(step))) + 2 if step > 0 else 6
    return float(round(value, decimals))


def _options(node: Any) -> list[str]:
    return list(node.options) if hasattr(node, "options") else list(node.proto.options)


def extremes(node: Any) -> list[Any]:
    """The minimum and maximum a user can set.

    A choice with at most ``FEW_OPTIONS`` options gives every option: each can change what the
    page shows (a method with its own note), and there is no order that makes the ends enough.
    Longer choices give their first and last option.
    """
    kind = _kind(node)
    if kind == "slider":
        lo, hi, _, is_int = _slider_grid(node)
        lo, hi = (int(lo), int(hi)) if is_int else (float(lo), float(hi))
        if len(node.proto.default) == 2:
            return [[lo, lo], [hi, hi], [lo, hi]]
        return [lo, hi]
    if kind in ("toggle", "checkbox"):
        return [False, True]
    if kind == "number_input":
        return _number_extremes(node)
    options = _options(node)
    if not options:
        return []
    if kind == "multiselect":
        limit = node.proto.max_selections or len(options)
        return [[], options[:limit]]
    if kind == "select_slider" and len(node.proto.default) == 2:
        return [[options[0], options[0]], [options[-1], options[-1]], [options[0], options[-1]]]
    return _dedupe(options if len(options) <= FEW_OPTIONS else [options[0], options[-1]])


def _number_extremes(node: Any) -> list[Any]:
    proto = node.proto
    step = proto.step or 1
    default = node.value if node.value is not None else 0
    lo = proto.min if proto.has_min else default - 100 * step
    hi = proto.max if proto.has_max else default + 100 * step
    if proto.data_type == 0:  # INT
        return _dedupe([int(lo), int(hi)])
    return _dedupe([float(lo), float(hi)])


def random_values(node: Any, rng: np.random.Generator, count: int = 3) -> list[Any]:
    """``count`` seeded random values a user could set (on the slider's step grid)."""
    kind = _kind(node)
    if kind in ("toggle", "checkbox"):
        return [bool(v) for v in rng.integers(0, 2, count)]
    if kind == "slider":
        lo, hi, step, is_int = _slider_grid(node)
        n = max(0, int(math.floor((hi - lo) / step + 1e-9)))
        ks = rng.integers(0, n + 1, (count, 2))
        if len(node.proto.default) == 2:
            return [sorted(_on_grid(lo, step, int(k), is_int, hi) for k in pair) for pair in ks]
        return [_on_grid(lo, step, int(k), is_int, hi) for k in ks[:, 0]]
    if kind == "number_input":
        lo, hi = _number_extremes(node)[0], _number_extremes(node)[-1]
        values = rng.uniform(lo, hi, count)
        return [int(v) for v in values] if node.proto.data_type == 0 else [float(v) for v in values]
    options = _options(node)
    if not options:
        return []
    if kind == "multiselect":
        limit = node.proto.max_selections or len(options)
        picks = []
        for _ in range(count):
            size = int(rng.integers(0, min(limit, len(options)) + 1))
            picks.append([options[i] for i in sorted(rng.choice(len(options), size, replace=False))])
        return picks
    if kind == "select_slider" and len(node.proto.default) == 2:
        pairs = (sorted(rng.integers(0, len(options), 2)) for _ in range(count))
        return [[options[int(a)], options[int(b)]] for a, b in pairs]
    return [options[int(i)] for i in rng.integers(0, len(options), count)]


def _dedupe(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def values_for(node: Any, rng: np.random.Generator, count: int = 3) -> list[Any]:
    """Extremes first, then random values, without repeats."""
    return _dedupe(extremes(node) + random_values(node, rng, count))


def apply(node: Any, value: Any) -> None:
    """Set a value on a live widget the way a user would (labels for choices).

    A select slider gets its option labels sent as the browser sends them: AppTest would
    pass them through the page's ``format_func``, which expects the raw option.
    """
    kind = _kind(node)
    if kind == "select_slider":
        labels = value if isinstance(value, list) else [value]
        if all(isinstance(v, str) and v in _options(node) for v in labels):
            _send_labels(node, labels)
            return
    if kind == "slider" and isinstance(value, list):
        node.set_range(*value)
    else:
        node.set_value(value)


def _send_labels(node: Any, labels: list[str]) -> None:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    class LabelledSelectSlider(type(node)):
        @property
        def _widget_state(self) -> WidgetState:
            state = WidgetState()
            state.id = self.id
            state.string_array_value.data[:] = self.sent_labels
            return state

    node.__class__ = LabelledSelectSlider
    node.sent_labels = list(labels)


def label_of(value: Any) -> str:
    """Compact text of a value for failure reports."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
