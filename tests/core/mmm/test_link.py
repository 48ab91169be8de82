"""The channel table in a link: round trip, compact, and hostile input refused with a reason."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.mmm import (
    CPG_EXAMPLE,
    FitSource,
    channels_from_rows,
    decode_scenario,
    encode_scenario,
    rows_from_channels,
)
from core.mmm.link import MAX_LINK_CHARS, MAX_LINK_ROWS
from tests.fixtures import media_client

URL_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _pack(payload) -> str:
    raw = zlib.compress(json.dumps(payload).encode())
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_the_client_table_round_trips_compactly():
    rows = media_client.rows()
    text = encode_scenario(rows)
    assert set(text) <= URL_SAFE and len(text) < 300
    back, fit = decode_scenario(text)
    assert fit is None
    assert [r["name"] for r in back] == list(media_client.NAMES)
    assert back[-1]["curve"] is None and back[-1]["shape"] is None  # still to be filled
    planned, original = channels_from_rows(back), channels_from_rows(rows)
    assert planned.names == original.names
    assert list(planned.spend) == list(original.spend)
    assert list(planned.marginal) == list(original.marginal)


def test_the_fit_travels_with_the_rows_it_still_covers():
    ex = CPG_EXAMPLE
    rows = rows_from_channels(ex.names, ex.spend, ex.curves)
    fit = FitSource("sample.csv, 156 weeks", 0.08, tuple(FitSource.key(r) for r in rows[:2]))
    back, got = decode_scenario(encode_scenario(rows, fit))
    assert got.label == "sample.csv, 156 weeks" and got.holdout_mape == 0.08
    assert [got.covers(r) for r in back] == [True, True, False, False]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "name": st.text(max_size=40),
    "spend": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    "marginal": st.one_of(st.none(), st.floats(0, 10)),
    "curve": st.sampled_from([None, "Power (log-log)", "Hill (S-curve)", "Exponential"]),
    "shape": st.one_of(st.none(), st.floats(0, 5)),
    "saturation": st.none(), "min": st.none(), "max": st.none(),
}), min_size=1, max_size=8))
def test_any_table_round_trips(rows):
    back, _ = decode_scenario(encode_scenario(rows))
    assert back == [r | {k: float(r[k]) for k in ("spend", "marginal", "shape") if r[k] is not None}
                    for r in rows]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "holds no table"),
        ("A" * (MAX_LINK_CHARS + 1), "too long"),
        ("not*base64!", "damaged"),
        (base64.urlsafe_b64encode(b"plain text").decode(), "damaged"),
        (_pack({"v": 99, "r": [["TV", 1, 1, 0, 0.5, None, None, None]]}), "another version"),
        (_pack({"v": 1, "r": []}), "no rows"),
        (_pack({"v": 1, "r": [["TV", 1, 1, 0, 0.5, None, None, None]] * (MAX_LINK_ROWS + 1)}),
         "more than"),
        (_pack({"v": 1, "r": [["TV", 1, 1]]}), "malformed"),
        (_pack({"v": 1, "r": [["TV", "1e6", 1, 0, 0.5, None, None, None]]}), "not a number"),
        (_pack({"v": 1, "r": [["TV", True, 1, 0, 0.5, None, None, None]]}), "not a number"),
        (_pack({"v": 1, "r": [["TV", 1, 1, 7, 0.5, None, None, None]]}), "unknown curve"),
        (_pack({"v": 1, "r": [[{"a": 1}, 1, 1, 0, 0.5, None, None, None]]}), "channel name"),
        (_pack({"v": 1, "r": [["x" * 41, 1, 1, 0, 0.5, None, None, None]]}), "channel name"),
        (_pack({"v": 1, "r": [["TV", 1, 1, 0, 0.5, None, None, None]],
                "f": {"l": "fit", "e": 0.1, "r": [3]}}), "names rows"),
        (_pack({"v": 1, "r": [["TV", 1, 1, 0, 0.5, None, None, None]],
                "f": {"l": "fit", "e": -1, "r": []}}), "negative"),
        (_pack([1, 2, 3]), "another version"),
    ],
)
def test_hostile_links_are_refused_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        decode_scenario(text)


def test_a_decompression_bomb_is_refused_without_inflating_it():
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" * 2_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < MAX_LINK_CHARS
    with pytest.raises(ValueError, match="damaged or too large"):
        decode_scenario(bomb)


def test_nan_from_a_float_in_the_table_is_written_as_empty():
    rows = [{"name": "TV", "spend": float("nan"), "marginal": 0.1}]
    back, _ = decode_scenario(encode_scenario(rows))
    assert back[0]["spend"] is None
