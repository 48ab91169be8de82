"""Media response curves: conversions as a function of one channel's spend.

Every curve has ``response(s)``, its analytic derivative ``marginal(s)`` (the partial
derivative of total conversions with respect to that channel's spend), the second
derivative ``curvature(s)`` and ``inverse_marginal(level)`` (the spend at which the
marginal return equals ``level`` on the diminishing-returns branch). All are vectorised.

The formulas are written once as static functions of parameter arrays so that
:class:`core.mmm.bank.CurveBank` can evaluate many channels of one family in one NumPy call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core.mmm.scalar import hill_inverse as _hill_inverse

__all__ = [
    "ExponentialCurve",
    "HillCurve",
    "PowerCurve",
    "ResponseCurve",
]


def _spend(s: object) -> np.ndarray:
    arr = np.asarray(s, dtype=float)
    if np.any(arr < 0):
        raise ValueError("spend must be zero or positive")
    return arr


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _calibration_point(spend: float, marginal: float) -> tuple[float, float]:
    return _positive("spend", spend), _positive("marginal return", marginal)


def _exact(build, value: float, spend: float, marginal: float):
    """Nudge ``value`` by a few ulps so that ``build(value).marginal(spend) == marginal``."""
    first = build(value)
    for _ in range(16):
        got = float(build(value).marginal(spend))
        if got == marginal:
            return build(value)
        value = float(np.nextafter(value, np.inf if got < marginal else -np.inf))
    return first


class ResponseCurve:
    """Common interface of the response curves (not instantiated directly)."""

    def params(self) -> tuple[float, ...]:
        """Return the parameters as a tuple of floats, in constructor order."""
        raise NotImplementedError

    @property
    def concave(self) -> bool:
        """Whether the curve is concave on ``s >= 0`` (diminishing returns everywhere)."""
        return True

    @property
    def inflection(self) -> float:
        """Spend at the inflection point (0 for concave curves)."""
        return 0.0

    def response(self, s: object) -> np.ndarray:
        """Return the expected conversions at spend ``s`` (vectorised)."""
        return self._r(self.params(), _spend(s))

    def marginal(self, s: object) -> np.ndarray:
        """Return the marginal return, the derivative of the response, at ``s``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._m(self.params(), _spend(s))

    def curvature(self, s: object) -> np.ndarray:
        """Return the second derivative of the response at ``s``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._c(self.params(), _spend(s))

    def inverse_marginal(self, level: object) -> np.ndarray:
        """Return the spend where the marginal return equals ``level``.

        On the diminishing-returns branch (spend at or beyond the inflection point).
        Returns 0 (or the inflection point) when ``level`` exceeds every marginal
        return on that branch, and ``inf`` when the marginal return never falls to it.
        """
        lev = np.asarray(level, dtype=float)
        if np.any(~(lev > 0)):
            raise ValueError("the marginal-return level must be positive")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._inv(self.params(), lev)

    # Vectorised formulas, overridden by each family: p is a tuple of arrays or floats.
    @staticmethod
    def _r(p, s):  # pragma: no cover - abstract
        raise NotImplementedError

    _m = _c = _inv = _r


@dataclass(frozen=True)
class PowerCurve(ResponseCurve):
    r"""Log-log (power) response, constant elasticity.

    .. math:: R(s) = a\,s^{b}, \qquad R'(s) = a\,b\,s^{b-1} = b\,R(s)/s, \quad 0 < b \le 1

    Parameters
    ----------
    scale : float
        The factor :math:`a > 0` (conversions at a spend of 1).
    elasticity : float
        The exponent :math:`b` in (0, 1]: the percent change of conversions per percent
        change of spend.
    """

    scale: float
    elasticity: float
    # Calibration point (spend, marginal) of from_marginal: the marginal return is then
    # evaluated as m0 * (s / s0) ** (b - 1), which returns m0 exactly at s0.
    anchor: tuple[float, float] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _positive("scale", self.scale)
        b = float(self.elasticity)
        if not (0 < b <= 1):
            raise ValueError(f"elasticity must be in (0, 1], got {self.elasticity!r}")

    def marginal(self, s: object) -> np.ndarray:
        r"""Return the marginal return :math:`a\,b\,s^{b-1}` at ``s``."""
        if self.anchor is None:
            return super().marginal(s)
        s0, m0 = self.anchor
        with np.errstate(divide="ignore", invalid="ignore"):
            return m0 * (_spend(s) / s0) ** (float(self.elasticity) - 1.0)

    @classmethod
    def from_marginal(cls, spend: float, marginal: float, elasticity: float) -> PowerCurve:
        r"""Calibrate a curve so that its marginal return at ``spend`` is ``marginal``.

        .. math:: a = \frac{m}{b\,s^{b-1}}

        Parameters
        ----------
        spend : float
            Current spend :math:`s > 0`.
        marginal : float
            Marginal return :math:`m > 0` at that spend (conversions per dollar).
        elasticity : float
            Assumed elasticity :math:`b` in (0, 1].

        Returns
        -------
        PowerCurve
            The calibrated curve.
        """
        s, m = _calibration_point(spend, marginal)
        b = float(elasticity)
        if not (0 < b <= 1):
            raise ValueError(f"elasticity must be in (0, 1], got {elasticity!r}")
        return cls(m / (b * s ** (b - 1.0)), b, anchor=(s, m))

    def params(self) -> tuple[float, ...]:
        """Return ``(scale, elasticity)``."""
        return (float(self.scale), float(self.elasticity))

    @staticmethod
    def _r(p, s):
        a, b = p
        return a * s**b

    @staticmethod
    def _m(p, s):
        a, b = p
        return a * (b * s ** (b - 1.0))

    @staticmethod
    def _c(p, s):
        a, b = p
        return np.where(b == 1.0, 0.0, a * b * (b - 1.0) * s ** (b - 2.0))

    @staticmethod
    def _inv(p, level, guess=None):
        a, b = p
        ab = a * b
        linear = np.where(level < a, np.inf, 0.0)
        safe = np.where(b == 1.0, 0.5, b)
        return np.where(b == 1.0, linear, (level / ab) ** (1.0 / (safe - 1.0)))


@dataclass(frozen=True)
class HillCurve(ResponseCurve):
    r"""Hill saturation curve; a slope above 1 gives an S-curve.

    .. math:: R(s) = V\,\frac{s^{k}}{s^{k} + K^{k}}

    Parameters
    ----------
    vmax : float
        Saturation level :math:`V > 0` (conversions at infinite spend).
    half_saturation : float
        Spend :math:`K > 0` that reaches half of ``vmax``.
    slope : float
        Shape :math:`k > 0`; concave for :math:`k \le 1`, S-shaped for :math:`k > 1`.
    """

    vmax: float
    half_saturation: float
    slope: float

    def __post_init__(self) -> None:
        _positive("vmax", self.vmax)
        _positive("half_saturation", self.half_saturation)
        _positive("slope", self.slope)

    @classmethod
    def from_marginal(
        cls, spend: float, marginal: float, half_saturation: float, slope: float
    ) -> HillCurve:
        r"""Calibrate ``vmax`` so that the marginal return at ``spend`` is ``marginal``.

        .. math:: V = m \Big/ \frac{k\,s^{k-1} K^{k}}{(s^{k} + K^{k})^{2}}

        Parameters
        ----------
        spend : float
            Current spend :math:`s > 0`.
        marginal : float
            Marginal return :math:`m > 0` at that spend.
        half_saturation : float
            Assumed half-saturation spend :math:`K > 0`.
        slope : float
            Assumed slope :math:`k > 0`.

        Returns
        -------
        HillCurve
            The calibrated curve.
        """
        s, m = _calibration_point(spend, marginal)
        unit = cls(1.0, half_saturation, slope)
        vmax = m / float(unit.marginal(s))
        return _exact(lambda v: cls(v, half_saturation, slope), vmax, s, m)

    def params(self) -> tuple[float, ...]:
        """Return ``(vmax, half_saturation, slope)``."""
        return (float(self.vmax), float(self.half_saturation), float(self.slope))

    @property
    def concave(self) -> bool:
        """Whether the slope is at most 1 (no convex start)."""
        return float(self.slope) <= 1.0

    @property
    def inflection(self) -> float:
        r"""Spend :math:`K\,((k-1)/(k+1))^{1/k}` where the S-curve is steepest."""
        k = float(self.slope)
        return 0.0 if k <= 1 else float(self.half_saturation) * ((k - 1) / (k + 1)) ** (1 / k)

    @staticmethod
    def _r(p, s):
        v, big_k, k = p
        x = (s / big_k) ** k
        return v * x / (1.0 + x)

    @staticmethod
    def _m(p, s):
        v, big_k, k = p
        u = s / big_k
        return v * (k / big_k * u ** (k - 1.0) / (1.0 + u**k) ** 2)

    @staticmethod
    def _c(p, s):
        v, big_k, k = p
        u = s / big_k
        x = u**k
        return v * k / big_k**2 * u ** (k - 2.0) * ((k - 1.0) - (k + 1.0) * x) / (1.0 + x) ** 3

    @staticmethod
    def _inv(p, level, guess=None):
        v, big_k, k = np.broadcast_arrays(*(np.asarray(q, dtype=float) for q in p))
        level, v, big_k, k = np.broadcast_arrays(level, v, big_k, k)
        if level.size <= 8:  # a few channels: plain floats beat NumPy's per-call overhead
            g = (
                [None] * level.size
                if guess is None
                else list(np.broadcast_to(guess, level.shape).flat)
            )
            columns = (list(v.flat), list(big_k.flat), list(k.flat), list(level.flat), g)
            out = [_hill_inverse(*args) for args in zip(*columns, strict=True)]
            return np.array(out, dtype=float).reshape(level.shape)
        target = level * big_k / v  # solve f'(u) = target, f(u) = u^k / (1 + u^k)
        u_infl = np.where(k > 1, np.abs((k - 1) / (k + 1)) ** (1 / k), 0.0)
        with np.errstate(divide="ignore"):
            peak = np.where(k < 1, np.inf, HillCurve._m((1.0, 1.0, k), u_infl))
        # Newton on g(t) = log f'(e^t) - log target, concave and decreasing in t, started
        # to the right of the root (f' lies below both of its power-law asymptotes), from
        # where the iterates decrease monotonically to it.
        log_ratio = np.log(k) - np.log(target)
        t = log_ratio / (k + 1)  # large-u asymptote k u^(-k-1)
        small = np.where(k < 1, log_ratio / np.where(k < 1, 1 - k, 1.0), np.inf)
        t = np.minimum(t, small)  # small-u asymptote k u^(k-1), decreasing when k < 1
        if guess is not None:  # warm start (e.g. the previous level's solution)
            u0 = np.asarray(guess, dtype=float) / big_k
            t = np.where((u0 > u_infl) & np.isfinite(u0), np.log(np.maximum(u0, 1e-300)), t)
        t = np.where(np.isfinite(t), t, 0.0)
        const, km1 = log_ratio, k - 1
        for _ in range(80):
            kt = k * t
            g = const + km1 * t - 2 * np.logaddexp(0.0, kt)
            step = np.clip(g / (km1 - 2 * k / (1 + np.exp(-kt))), -5.0, 5.0)
            t = t - step
            if np.max(np.abs(step)) < 1e-13:
                break
        u = np.nan_to_num(np.exp(t), nan=0.0)
        u = np.where(target >= peak, u_infl, u)
        return (u * big_k).reshape(np.shape(level))


@dataclass(frozen=True)
class ExponentialCurve(ResponseCurve):
    r"""Exponential saturation curve.

    .. math:: R(s) = V\,(1 - e^{-s/\lambda}), \qquad R'(s) = \frac{V}{\lambda} e^{-s/\lambda}

    Parameters
    ----------
    vmax : float
        Saturation level :math:`V > 0`.
    spend_scale : float
        Spend :math:`\lambda > 0` that reaches :math:`1 - e^{-1} \approx 63\%` of ``vmax``.
    """

    vmax: float
    spend_scale: float

    def __post_init__(self) -> None:
        _positive("vmax", self.vmax)
        _positive("spend_scale", self.spend_scale)

    @classmethod
    def from_marginal(cls, spend: float, marginal: float, spend_scale: float) -> ExponentialCurve:
        r"""Calibrate ``vmax`` so that the marginal return at ``spend`` is ``marginal``.

        .. math:: V = m\,\lambda\,e^{s/\lambda}

        Parameters
        ----------
        spend : float
            Current spend :math:`s > 0`.
        marginal : float
            Marginal return :math:`m > 0` at that spend.
        spend_scale : float
            Assumed spend scale :math:`\lambda > 0`.

        Returns
        -------
        ExponentialCurve
            The calibrated curve.
        """
        s, m = _calibration_point(spend, marginal)
        lam = _positive("spend_scale", spend_scale)
        unit = math.exp(-s / lam) / lam
        if unit == 0:
            raise ValueError("spend is so far beyond saturation that no curve fits")
        vmax = m / unit
        return _exact(lambda v: cls(v, lam), vmax, s, m)

    def params(self) -> tuple[float, ...]:
        """Return ``(vmax, spend_scale)``."""
        return (float(self.vmax), float(self.spend_scale))

    @staticmethod
    def _r(p, s):
        v, lam = p
        return -v * np.expm1(-s / lam)

    @staticmethod
    def _m(p, s):
        v, lam = p
        return v * (np.exp(-s / lam) / lam)

    @staticmethod
    def _c(p, s):
        v, lam = p
        return -v / lam**2 * np.exp(-s / lam)

    @staticmethod
    def _inv(p, level, guess=None):
        v, lam = p
        return np.maximum(lam * np.log(v / (lam * level)), 0.0)
