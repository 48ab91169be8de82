"""The channel table in a link: a compact, validated, size-capped encoding for the URL.

A scenario (the table rows, and where fitted curves came from) becomes compact JSON, is
compressed with zlib and written in URL-safe base64, so a five-channel table fits in about
250 characters of a query parameter. A link is untrusted input: :func:`decode_scenario`
caps the text, the decompressed size and the number of rows, checks every cell's type and
raises ``ValueError`` with a plain reason for anything else.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from collections.abc import Mapping, Sequence

from core.mmm.briefing import FitSource
from core.mmm.channels import COLUMNS, CURVE_KINDS

__all__ = ["MAX_LINK_CHARS", "MAX_LINK_ROWS", "decode_scenario", "encode_scenario"]

VERSION = 1
#: Longest link text accepted (browsers and servers keep URLs well under 8,000 characters).
MAX_LINK_CHARS = 4_000
#: Most channels a link may carry.
MAX_LINK_ROWS = 40
MAX_NAME_CHARS = 40
MAX_LABEL_CHARS = 200
_MAX_JSON_BYTES = 64_000
_KEYS = tuple(COLUMNS)  # name, spend, marginal, curve, shape, saturation, min, max


def _compact(value: object) -> object:
    """Numbers as short as JSON allows: 1500000 rather than 1500000.0."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _row_cells(row: Mapping) -> list:
    cells = []
    for key in _KEYS:
        value = row.get(key)
        if key == "curve":
            value = CURVE_KINDS.index(value) if value in CURVE_KINDS else None
        elif key != "name" and value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                value = None
        cells.append(_compact(value))
    return cells


def encode_scenario(rows: Sequence[Mapping], fit: FitSource | None = None) -> str:
    """Encode table rows (and the fit they came from) as URL-safe text.

    Parameters
    ----------
    rows : sequence of mapping
        Table rows keyed as :data:`core.mmm.COLUMNS`.
    fit : FitSource, optional
        Where fitted rows came from; the rows it still covers are marked in the link.

    Returns
    -------
    str
        Base64url text without padding (characters ``A-Z a-z 0-9 - _`` only).
    """
    payload: dict = {"v": VERSION, "r": [_row_cells(r) for r in rows]}
    if fit is not None:
        covered = [i for i, r in enumerate(rows) if fit.covers(r)]
        payload["f"] = {"l": fit.label, "e": fit.holdout_mape, "r": covered}
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    packed = zlib.compress(text.encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def _unpack(text: str) -> object:
    if not isinstance(text, str) or not text:
        raise ValueError("the link holds no table")
    if len(text) > MAX_LINK_CHARS:
        raise ValueError(f"the table in the link is too long ({len(text):,} characters)")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_JSON_BYTES + 1)
        if len(raw) > _MAX_JSON_BYTES or inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("the table in the link is damaged or too large")
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("the table in the link is damaged (was the address cut short?)") from None


def _number(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where} is not a number")
    return float(value)


def _row(cells: object, i: int) -> dict:
    if not isinstance(cells, list) or len(cells) != len(_KEYS):
        raise ValueError(f"row {i + 1} of the link's table is malformed")
    name, curve = cells[0], cells[3]
    if name is not None and (not isinstance(name, str) or len(name) > MAX_NAME_CHARS):
        raise ValueError(f"row {i + 1} of the link's table has an invalid channel name")
    if curve is not None and (isinstance(curve, bool) or curve not in range(len(CURVE_KINDS))):
        raise ValueError(f"row {i + 1} of the link's table has an unknown curve type")
    row = {key: _number(v, f"row {i + 1}, {COLUMNS[key]}") for key, v in zip(_KEYS, cells, strict=True)
           if key not in ("name", "curve")}
    return {"name": name, **row, "curve": None if curve is None else CURVE_KINDS[curve]}


def _fit(payload: Mapping, rows: list[dict]) -> FitSource | None:
    fit = payload.get("f")
    if fit is None:
        return None
    label, error, covered = (fit.get(k) if isinstance(fit, dict) else None for k in "ler")
    if not isinstance(label, str) or len(label) > MAX_LABEL_CHARS or not isinstance(covered, list):
        raise ValueError("the link's note on fitted curves is malformed")
    error = _number(error, "the fit's hold-out error")
    if error is not None and error < 0:
        raise ValueError("the fit's hold-out error in the link is negative")
    if any(isinstance(k, bool) or k not in range(len(rows)) for k in covered):
        raise ValueError("the link's note on fitted curves names rows it does not hold")
    return FitSource(label, error, tuple(FitSource.key(rows[k]) for k in covered))


def decode_scenario(text: str) -> tuple[list[dict], FitSource | None]:
    """Read table rows (and their fit) back from :func:`encode_scenario`'s text.

    Parameters
    ----------
    text : str
        The link's text (untrusted).

    Returns
    -------
    rows : list of dict
        Table rows keyed as :data:`core.mmm.COLUMNS`, with ``None`` for empty cells. They
        still need :func:`core.mmm.channels_from_rows` to be a valid table.
    fit : FitSource or None
        Where the fitted rows came from, if the link says.

    Raises
    ------
    ValueError
        For text that is too long, damaged, too large once inflated, of another version,
        with too many rows, or with a cell of the wrong type; the message says which.
    """
    payload = _unpack(text)
    if not isinstance(payload, dict) or payload.get("v") != VERSION:
        raise ValueError("the link was made by another version of this page")
    cells = payload.get("r")
    if not isinstance(cells, list) or not cells:
        raise ValueError("the link's table has no rows")
    if len(cells) > MAX_LINK_ROWS:
        raise ValueError(f"the link's table has more than {MAX_LINK_ROWS} rows")
    rows = [_row(c, i) for i, c in enumerate(cells)]
    return rows, _fit(payload, rows)
