"""The channel table of the media-mix lesson: validated rows in, calibrated curves out.

A row holds what a client can tell us (name, current spend, marginal return at current
spend, optional minimum and maximum spend) and the assumed shape of the curve (family,
elasticity or slope, saturation spend). Each curve is calibrated so that its marginal
return at current spend equals the row's marginal return. Every problem becomes a
``ValueError`` whose message names the row and the column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.mmm.curves import ExponentialCurve, HillCurve, PowerCurve, ResponseCurve
from core.mmm.optimize import resolve_bounds

__all__ = ["COLUMNS", "CURVE_KINDS", "ChannelSet", "channels_from_rows", "rows_from_channels"]

CURVE_KINDS = ("Power (log-log)", "Hill (S-curve)", "Exponential")
# Row keys and the column labels shown in the table.
COLUMNS = {
    "name": "Channel",
    "spend": "Spend ($)",
    "marginal": "Marginal return",
    "curve": "Curve",
    "shape": "Elasticity / slope",
    "saturation": "Saturation ($)",
    "min": "Min ($)",
    "max": "Max ($)",
}


@dataclass(frozen=True)
class ChannelSet:
    """Validated channels, ready for the optimiser.

    Attributes
    ----------
    names : tuple of str
        Unique channel names.
    spend, marginal, lower, upper : numpy.ndarray
        Current spend, marginal return at current spend, minimum and maximum spend.
    curves : tuple of ResponseCurve
        Calibrated response curves.
    """

    names: tuple[str, ...]
    spend: np.ndarray
    marginal: np.ndarray
    curves: tuple[ResponseCurve, ...]
    lower: np.ndarray
    upper: np.ndarray

    @property
    def total(self) -> float:
        """Current total budget."""
        return float(self.spend.sum())


def _where(i: int, name: str, key: str) -> str:
    label = f"row {i + 1}" + (f" ({name})" if name else "")
    return f"{label}, {COLUMNS[key]}"


def _number(row: Mapping, key: str, i: int, name: str, *, optional: bool = False) -> float | None:
    raw = row.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if optional:
            return None
        raise ValueError(f"{_where(i, name, key)}: a number is needed")
    try:
        value = float(str(raw).replace(",", "").replace("$", "").strip())
    except ValueError:
        raise ValueError(f"{_where(i, name, key)}: “{str(raw)[:30]}” is not a number") from None
    if math.isnan(value):
        if optional:
            return None
        raise ValueError(f"{_where(i, name, key)}: a number is needed (found NaN)")
    if math.isinf(value) and not (optional and key == "max" and value > 0):
        raise ValueError(f"{_where(i, name, key)}: must be a finite number")
    return value


def _positive(row, key, i, name, what):
    value = _number(row, key, i, name)
    if value <= 0:
        raise ValueError(f"{_where(i, name, key)}: {what} must be positive, got {value:g}")
    return value


def _curve(row: Mapping, i: int, name: str, spend: float, marginal: float) -> ResponseCurve:
    kind = str(row.get("curve") or CURVE_KINDS[0])
    if kind not in CURVE_KINDS:
        raise ValueError(f"{_where(i, name, 'curve')}: choose one of {', '.join(CURVE_KINDS)}")
    if kind == CURVE_KINDS[2]:
        scale = _positive(row, "saturation", i, name, "the saturation spend")
        return ExponentialCurve.from_marginal(spend, marginal, scale)
    shape = _positive(row, "shape", i, name, "the elasticity / slope")
    if kind == CURVE_KINDS[0]:
        if shape > 1:
            raise ValueError(f"{_where(i, name, 'shape')}: an elasticity must be at most 1")
        return PowerCurve.from_marginal(spend, marginal, shape)
    half = _positive(row, "saturation", i, name, "the half-saturation spend")
    return HillCurve.from_marginal(spend, marginal, half, shape)


def _row(row: Mapping, i: int):
    name = str(row.get("name") or "").strip()
    if not name or name.lower() == "nan":
        raise ValueError(f"row {i + 1}, {COLUMNS['name']}: every channel needs a name")
    spend = _number(row, "spend", i, name)
    if spend <= 0:
        raise ValueError(
            f"{_where(i, name, 'spend')}: must be positive to calibrate the curve from its "
            "marginal return (a channel with no spend has no measured marginal return)"
        )
    marginal = _positive(row, "marginal", i, name, "the marginal return")
    try:
        curve = _curve(row, i, name, spend, marginal)
    except ValueError as exc:
        message = str(exc)
        raise ValueError(
            message if message.startswith("row") else f"row {i + 1}: {message}"
        ) from None
    low = _number(row, "min", i, name, optional=True) or 0.0
    high = _number(row, "max", i, name, optional=True)
    high = math.inf if high is None else high
    if low < 0 or high < low:
        raise ValueError(f"row {i + 1} ({name}): need 0 ≤ min spend ≤ max spend")
    return name, spend, marginal, curve, low, high


def channels_from_rows(rows: Sequence[Mapping]) -> ChannelSet:
    """Validate table rows and calibrate one response curve per channel.

    Parameters
    ----------
    rows : sequence of mapping
        One mapping per channel with the keys of :data:`COLUMNS`.

    Returns
    -------
    ChannelSet
        The validated channels.

    Raises
    ------
    ValueError
        For an empty table, a missing, non-numeric, NaN, infinite or non-positive value,
        an unknown curve type, duplicate names, or infeasible minimum / maximum spends;
        the message names the row and column.
    """
    rows = [r for r in rows if any(v not in (None, "") for v in r.values())]
    if not rows:
        raise ValueError("The table is empty: add at least one channel.")
    parsed = [_row(row, i) for i, row in enumerate(rows)]
    names = [p[0] for p in parsed]
    seen = {n for n in names if names.count(n) > 1}
    if seen:
        raise ValueError(f"Channel names must be unique: “{sorted(seen)[0]}” appears twice.")
    columns = list(zip(*parsed, strict=True))
    spend, lower, upper = (np.array(columns[k], dtype=float) for k in (1, 4, 5))
    resolve_bounds(len(names), spend.sum(), lower, upper)
    outside = np.flatnonzero((spend < lower) | (spend > upper))
    if outside.size:
        i = int(outside[0])
        raise ValueError(
            f"row {i + 1} ({names[i]}): current spend lies outside its min / max spend; "
            "the plan starts from today's spend, so widen the bounds or update the spend"
        )
    return ChannelSet(
        names=tuple(names),
        spend=spend,
        marginal=np.array(columns[2], dtype=float),
        curves=tuple(columns[3]),
        lower=lower,
        upper=upper,
    )


def rows_from_channels(
    names: Sequence[str],
    spend: Sequence[float],
    curves: Sequence[ResponseCurve],
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
) -> list[dict]:
    """Describe channels as table rows (the inverse of :func:`channels_from_rows`).

    Parameters
    ----------
    names : sequence of str
        Channel names.
    spend : sequence of float
        Current spend per channel (positive).
    curves : sequence of ResponseCurve
        Response curves; their marginal return at ``spend`` fills the marginal column.
    lower, upper : sequence of float, optional
        Minimum / maximum spend (default: none).

    Returns
    -------
    list of dict
        Rows keyed as :data:`COLUMNS`.
    """
    rows = []
    for i, (name, s, curve) in enumerate(zip(names, spend, curves, strict=True)):
        if isinstance(curve, PowerCurve):
            kind, shape, saturation = CURVE_KINDS[0], curve.elasticity, None
        elif isinstance(curve, HillCurve):
            kind, shape, saturation = CURVE_KINDS[1], curve.slope, curve.half_saturation
        elif isinstance(curve, ExponentialCurve):
            kind, shape, saturation = CURVE_KINDS[2], None, curve.spend_scale
        else:
            raise ValueError(f"unsupported curve for {name}: {curve!r}")
        high = None if upper is None or not np.isfinite(upper[i]) else float(upper[i])
        rows.append(
            {
                "name": str(name),
                "spend": float(s),
                "marginal": float(curve.marginal(float(s))),
                "curve": kind,
                "shape": None if shape is None else float(shape),
                "saturation": None if saturation is None else float(saturation),
                "min": None if lower is None else float(lower[i]),
                "max": high,
            }
        )
    return rows
