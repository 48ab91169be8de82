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
from core.mmm.report import money

__all__ = [
    "COLUMNS",
    "CURVE_KINDS",
    "DEFAULT_CURVE",
    "DEFAULT_ELASTICITY",
    "ChannelSet",
    "Default",
    "channels_from_rows",
    "curve_shape",
    "fill_defaults",
    "implausible",
    "rows_from_channels",
]

CURVE_KINDS = ("Power (log-log)", "Hill (S-curve)", "Exponential")
#: What a row that names a channel, its spend and marginal return but no curve gets: a power
#: curve of elasticity 0.5 (a 1 % rise in spend brings 0.5 % more conversions).
DEFAULT_CURVE = CURVE_KINDS[0]
DEFAULT_ELASTICITY = 0.5
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

    @property
    def key(self) -> tuple:
        """A cheap hashable identity: names, numbers and curve parameters (for caches)."""
        arrays = (self.spend, self.marginal, self.lower, self.upper)
        return (self.names, *(a.tobytes() for a in arrays),
                tuple((type(c).__name__, c.params()) for c in self.curves))


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


@dataclass(frozen=True)
class Default:
    """A value the table did not give and :func:`fill_defaults` assumed.

    Attributes
    ----------
    row : int
        Row index (0-based) in the table.
    name : str
        The row's channel name ("" if none yet).
    column : str
        Row key of the filled cell, ``"curve"`` or ``"shape"``.
    value : str or float
        The assumed value.
    """

    row: int
    name: str
    column: str
    value: str | float


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def fill_defaults(rows: Sequence[Mapping]) -> tuple[list[dict], tuple[Default, ...]]:
    """Give rows without a curve the default curve, and power rows without a shape its elasticity.

    A client often knows a channel's spend and marginal return but not the shape of its
    curve. Such a row is planned with :data:`DEFAULT_CURVE` and :data:`DEFAULT_ELASTICITY`;
    the filled values are returned so that the table can show them as editable assumptions.
    Blank rows are left blank.

    Parameters
    ----------
    rows : sequence of mapping
        Table rows keyed as :data:`COLUMNS`.

    Returns
    -------
    rows : list of dict
        Copies of the rows with the defaults filled in.
    filled : tuple of Default
        Every value that was assumed, row by row.
    """
    out, filled = [], []
    for i, row in enumerate(rows):
        row = dict(row)
        if not all(_blank(v) for v in row.values()):
            name = "" if _blank(row.get("name")) else str(row["name"]).strip()
            if _blank(row.get("curve")):
                row["curve"] = DEFAULT_CURVE
                filled.append(Default(i, name, "curve", DEFAULT_CURVE))
            if row["curve"] == CURVE_KINDS[0] and _blank(row.get("shape")):
                row["shape"] = DEFAULT_ELASTICITY
                filled.append(Default(i, name, "shape", DEFAULT_ELASTICITY))
        out.append(row)
    return out, tuple(filled)


def channels_from_rows(rows: Sequence[Mapping]) -> ChannelSet:
    """Validate table rows and calibrate one response curve per channel.

    Rows without a curve get the defaults of :func:`fill_defaults`; blank rows are skipped.

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
    rows, _ = fill_defaults(rows)
    rows = [r for r in rows if not all(_blank(v) for v in r.values())]
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


def curve_shape(curve: ResponseCurve) -> tuple[str, float | None, float | None]:
    """The table's description of a curve: its family, elasticity or slope, saturation spend.

    Parameters
    ----------
    curve : ResponseCurve
        A power, Hill or exponential curve.

    Returns
    -------
    kind : str
        One of :data:`CURVE_KINDS`.
    shape, saturation : float or None
        The elasticity (power) or slope (Hill), and the saturation spend (Hill, exponential).
    """
    if isinstance(curve, PowerCurve):
        return CURVE_KINDS[0], float(curve.elasticity), None
    if isinstance(curve, HillCurve):
        return CURVE_KINDS[1], float(curve.slope), float(curve.half_saturation)
    if isinstance(curve, ExponentialCurve):
        return CURVE_KINDS[2], None, float(curve.spend_scale)
    raise ValueError(f"unsupported curve: {curve!r}")


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
        try:
            kind, shape, saturation = curve_shape(curve)
        except ValueError:
            raise ValueError(f"unsupported curve for {name}: {curve!r}") from None
        high = None if upper is None or not np.isfinite(upper[i]) else float(upper[i])
        rows.append(
            {
                "name": str(name),
                "spend": float(s),
                "marginal": float(curve.marginal(float(s))),
                "curve": kind,
                "shape": shape,
                "saturation": saturation,
                "min": None if lower is None else float(lower[i]),
                "max": high,
            }
        )
    return rows


#: A spend below this share of the median channel's spend, or a marginal return this many
#: times above or below the median channel's, gets a soft warning.
SPEND_FLOOR_SHARE = 0.01
MARGINAL_RATIO = 20.0


def implausible(channels: ChannelSet) -> list[str]:
    """Soft warnings for values far outside the rest of the table (typos, wrong units).

    Spend under 1 % of the median channel's spend, and a marginal return more than 20 times
    above or below the median channel's, are allowed but worth a second look.

    Parameters
    ----------
    channels : ChannelSet
        Validated channels.

    Returns
    -------
    list of str
        One plain sentence per suspicious value (empty when nothing stands out).
    """
    names, spend, marginal = channels.names, channels.spend, channels.marginal
    if len(names) < 2:
        return []
    notes = []
    median_spend = float(np.median(spend))
    for name, s in zip(names, spend, strict=True):
        if s < SPEND_FLOOR_SHARE * median_spend:
            notes.append(
                f"{name}: a spend of {money(s)} is under 1 % of the median channel's "
                f"({money(median_spend)}). A typo?"
            )
    typical = float(np.median(marginal))
    for name, m in zip(names, marginal, strict=True):
        if m > MARGINAL_RATIO * typical or m * MARGINAL_RATIO < typical:
            notes.append(
                f"{name}: a marginal return of {m:.3g} conversions per $ is more than 20 times "
                f"{'above' if m > typical else 'below'} the median channel's ({typical:.3g}). "
                "Check the units (per dollar, not per $1,000)."
            )
    return notes
