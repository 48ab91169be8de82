"""Shared AppTest helpers: run a page, read its Plotly figures, check they are finite."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


class _NoScriptRunContextNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "missing ScriptRunContext" not in record.getMessage()


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _NoScriptRunContextNoise()
)


def run_page(
    path: str,
    query: Mapping[str, str] | None = None,
    session: Mapping[str, Any] | None = None,
    timeout: float = 60,
) -> AppTest:
    """Run a page script (relative to the project root) once and return the AppTest."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def decode_array(value: Any) -> Any:
    """Decode Plotly 7's base64 typed arrays (recursively); leave other values alone."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
            if "shape" in value:
                shape = tuple(int(s) for s in str(value["shape"]).split(","))
                array = array.reshape(shape)
            return array
        return {key: decode_array(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_array(item) for item in value]
    return value


def plotly_specs(at: AppTest) -> list[dict[str, Any]]:
    """Every Plotly chart on the page as ``{"data": [...], "layout": {...}}``, arrays decoded."""
    return [decode_array(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


def chart_keys(at: AppTest) -> set[str]:
    """The keys of the Plotly charts the page's last run sent."""
    return {el.key for el in at.get("plotly_chart")}


def plotly_spec(at: AppTest, key: str) -> dict[str, Any]:
    """The Plotly chart with the given widget key, arrays decoded."""
    return decode_array(json.loads(at.get_by_key(key).proto.spec))


def numeric_arrays(value: Any, path: str = ""):
    """Float arrays of a decoded figure spec (typed arrays, and floats inside lists)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from numeric_arrays(item, f"{path}.{key}")
    elif isinstance(value, list):
        floats = [v for v in value if isinstance(v, float)]
        if floats:
            yield path, np.asarray(floats)
        for i, item in enumerate(value):
            if isinstance(item, (dict, list, np.ndarray)):
                yield from numeric_arrays(item, f"{path}[{i}]")


def assert_finite_figures(at: AppTest, allow_nan_keys: tuple[str, ...] = ()) -> None:
    """No NaN or inf in any figure's data (NaN gaps allowed only under named trace fields)."""
    for index, spec in enumerate(plotly_specs(at)):
        for path, array in numeric_arrays(spec.get("data", [])):
            if any(path.endswith(k) for k in allow_nan_keys):
                continue
            assert np.all(np.isfinite(array)), f"chart {index} has non-finite values at {path}"


def assert_no_exception(at: AppTest) -> None:
    """The page ran without an uncaught exception."""
    assert not at.exception, [e.value for e in at.exception]


def _user_key(element: Any) -> str | None:
    return getattr(element, "key", None)


def _url_key(element: Any) -> str | None:
    return getattr(getattr(element, "proto", None), "query_param_key", None) or None


def places(node: Any, name: Callable[[Any], str | None] = _user_key,
           prefix: tuple[int, ...] = ()) -> dict[str, tuple[int, ...]]:
    """Where each named element sits: its name → the indices from the page's root down to it.

    ``name`` gives an element's name, or None to leave it out (default: its widget key).
    """
    out: dict[str, tuple[int, ...]] = {}
    for index, child in getattr(node, "children", {}).items():
        place = prefix + (index,)
        named = name(child)
        if named:
            out[named] = place
        out.update(places(child, name, place))
    return out


def bound_places(node: Any) -> dict[str, tuple[int, ...]]:
    """Where each URL-bound control sits: its URL key → the indices from the page's root.

    A bound control whose place changes between two runs is mounted again in Streamlit 1.67,
    and can lose its URL binding (``tests/app/test_presenter_places.py`` says how).
    """
    return places(node, _url_key)
