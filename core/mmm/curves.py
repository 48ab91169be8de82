r"""Media response curves: conversions as a function of one channel's spend.

A curve family is written once, as vectorised formulas of its coefficients and the spend:
the response :math:`R(s)`; the marginal return :math:`R'(s)` (the partial derivative of
total conversions with respect to that channel's spend) together with the curvature
:math:`R''(s)`; and the inverse of the marginal return on the diminishing-returns branch.
They are public static methods (:meth:`ResponseCurve.response_of`, ``slopes_of``,
``inverse_marginal_of``) and broadcast: with one coefficient entry per channel,
:class:`core.mmm.bank.CurveBank` evaluates every channel of a family in one NumPy call. A
curve instance calls the same formulas with its own coefficients.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Coefficients", "ExponentialCurve", "HillCurve", "PowerCurve", "ResponseCurve"]

# A family's coefficients in ResponseCurve.coefficients() order: floats, or arrays with one
# entry per channel that broadcast against the spends.
Coefficients = Sequence[np.ndarray | float]

_QUIET = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}
_TINY = np.finfo(float).tiny


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


def _exact(build, value: float, spend: float, marginal: float):
    """Nudge ``value`` by a few ulps so that ``build(value).marginal(spend) == marginal``."""
    first = build(value)
    for _ in range(16):
        got = float(build(value).marginal(spend))
        if got == marginal:
            return build(value)
        value = float(np.nextafter(value, np.inf if got < marginal else -np.inf))
    return first


class ResponseCurve(ABC):
    """A curve family's formulas (static, vectorised) and one curve's parameters."""

    @abstractmethod
    def params(self) -> tuple[float, ...]:
        """Return the parameters as a tuple of floats, in constructor order."""

    def coefficients(self) -> tuple[float, ...]:
        """Return the numbers the family's formulas take (default: :meth:`params`)."""
        return self.params()

    @classmethod
    def from_coefficients(cls, c: Sequence[float]) -> ResponseCurve:
        """The curve whose :meth:`coefficients` are ``c`` (default: the constructor's order)."""
        return cls(*(float(v) for v in c))

    @property
    def concave(self) -> bool:
        """Whether the curve is concave on ``s >= 0`` (diminishing returns everywhere)."""
        return True

    @property
    def inflection(self) -> float:
        """Spend at the inflection point (0 for concave curves)."""
        return 0.0

    # The family's formulas, vectorised over coefficients and spends.
    @staticmethod
    @abstractmethod
    def response_of(c: Coefficients, s: np.ndarray) -> np.ndarray:
        """Return the response :math:`R(s)`."""

    @staticmethod
    @abstractmethod
    def slopes_of(c: Coefficients, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the marginal return :math:`R'(s)` and the curvature :math:`R''(s)`."""

    @staticmethod
    @abstractmethod
    def inverse_marginal_of(c: Coefficients, level: np.ndarray) -> np.ndarray:
        """Return the spend on the diminishing branch where :math:`R'(s)` equals ``level``."""

    @classmethod
    def marginal_of(cls, c: Coefficients, s: np.ndarray) -> np.ndarray:
        """Return the marginal return :math:`R'(s)` (the first of :meth:`slopes_of`)."""
        return cls.slopes_of(c, s)[0]

    @classmethod
    def curvature_of(cls, c: Coefficients, s: np.ndarray) -> np.ndarray:
        """Return the curvature :math:`R''(s)` (the second of :meth:`slopes_of`)."""
        return cls.slopes_of(c, s)[1]

    # One curve: the same formulas with this curve's coefficients.
    def response(self, s: object) -> np.ndarray:
        """Return the expected conversions at spend ``s`` (vectorised)."""
        return self.response_of(self.coefficients(), _spend(s))

    def marginal(self, s: object) -> np.ndarray:
        """Return the marginal return, the derivative of the response, at ``s``."""
        with np.errstate(**_QUIET):
            return self.marginal_of(self.coefficients(), _spend(s))

    def curvature(self, s: object) -> np.ndarray:
        """Return the second derivative of the response at ``s``."""
        with np.errstate(**_QUIET):
            return self.curvature_of(self.coefficients(), _spend(s))

    def inverse_marginal(self, level: object) -> np.ndarray:
        """Return the spend on the diminishing branch where the marginal return is ``level``.

        0 (or the inflection point) where ``level`` exceeds every marginal return on that
        branch, ``inf`` where the marginal return never falls to it.
        """
        lev = np.asarray(level, dtype=float)
        if np.any(~(lev > 0)):
            raise ValueError("the marginal-return level must be positive")
        with np.errstate(**_QUIET):
            return self.inverse_marginal_of(self.coefficients(), lev)


@dataclass(frozen=True)
class PowerCurve(ResponseCurve):
    r"""Log-log (power) response, constant elasticity.

    .. math:: R(s) = a\,s^{b}, \qquad R'(s) = a\,b\,s^{b-1} = m_0 (s/s_0)^{b-1},
              \quad 0 < b \le 1

    The marginal return is evaluated from a point :math:`(s_0, m_0)` on it: the calibration
    point of :meth:`from_marginal` (so that the curve returns :math:`m_0` exactly at
    :math:`s_0`), otherwise :math:`(1, a\,b)`.

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
    anchor: tuple[float, float] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _positive("scale", self.scale)
        b = float(self.elasticity)
        if not (0 < b <= 1):
            raise ValueError(f"elasticity must be in (0, 1], got {self.elasticity!r}")

    @classmethod
    def from_marginal(cls, spend: float, marginal: float, elasticity: float) -> PowerCurve:
        r"""Calibrate a curve so that its marginal return at ``spend`` is ``marginal``.

        .. math:: a = \frac{m}{b\,s^{b-1}}

        Parameters
        ----------
        spend, marginal : float
            Current spend :math:`s > 0` and its marginal return :math:`m > 0`.
        elasticity : float
            Assumed elasticity :math:`b` in (0, 1].

        Returns
        -------
        PowerCurve
            The calibrated curve.
        """
        s, m = _positive("spend", spend), _positive("marginal return", marginal)
        b = float(elasticity)
        if not (0 < b <= 1):
            raise ValueError(f"elasticity must be in (0, 1], got {elasticity!r}")
        return cls.from_coefficients(cls.calibrated(s, m, b))

    @staticmethod
    def calibrated(spend, marginal, elasticity) -> tuple[np.ndarray, ...]:
        r"""Coefficients ``(a, b, s0, m0)`` of the curves through ``(spend, marginal)``.

        Vectorised (the arguments broadcast); :meth:`from_marginal` checks one curve's numbers
        and calls it.

        .. math:: a = \frac{m}{b\,s^{b-1}}, \qquad (s_0, m_0) = (s, m)
        """
        s, m, b = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                         for v in (spend, marginal, elasticity)))
        with np.errstate(**_QUIET):  # an extreme scale overflows to inf: the callers refuse it
            return (m / (b * s ** (b - 1.0)), b, s, m)

    def params(self) -> tuple[float, ...]:
        """Return ``(scale, elasticity)``."""
        return (float(self.scale), float(self.elasticity))

    def coefficients(self) -> tuple[float, ...]:
        """Return ``(scale, elasticity, s0, m0)``."""
        a, b = self.params()
        s0, m0 = self.anchor if self.anchor is not None else (1.0, a * b)
        return (a, b, float(s0), float(m0))

    @classmethod
    def from_coefficients(cls, c: Sequence[float]) -> PowerCurve:
        """The curve with coefficients ``(a, b, s0, m0)``, marginal returns read at ``(s0, m0)``."""
        a, b, s0, m0 = (float(v) for v in c)
        return cls(a, b, anchor=(s0, m0))

    @staticmethod
    def response_of(c: Coefficients, s: np.ndarray) -> np.ndarray:
        r"""Return :math:`a\,s^b`."""
        return c[0] * s ** c[1]

    @staticmethod
    def slopes_of(c: Coefficients, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Return :math:`R' = m_0 (s/s_0)^{b-1}` and :math:`R'' = (b-1)\,R'/s` (0 if linear)."""
        _, b, s0, m0 = c
        m = m0 * (s / s0) ** (b - 1.0)
        return m, (b - 1.0) * m / np.maximum(s, _TINY)

    @staticmethod
    def inverse_marginal_of(c: Coefficients, level: np.ndarray) -> np.ndarray:
        r"""Return :math:`s_0 (\lambda/m_0)^{1/(b-1)}` (``inf``/0 below/above a linear one)."""
        _, b, s0, m0 = c
        return s0 * (level / m0) ** (-1.0 / np.subtract(1.0, b))


@dataclass(frozen=True)
class HillCurve(ResponseCurve):
    r"""Hill saturation curve; a slope above 1 gives an S-curve.

    .. math:: R(s) = V\,\frac{s^{k}}{s^{k} + K^{k}}, \qquad
              R'(s) = \frac{V k}{K}\,\frac{u^{k-1}}{(1 + u^{k})^{2}}, \quad u = s/K

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
        spend, marginal : float
            Current spend :math:`s > 0` and its marginal return :math:`m > 0`.
        half_saturation, slope : float
            Assumed half-saturation spend :math:`K > 0` and slope :math:`k > 0`.

        Returns
        -------
        HillCurve
            The calibrated curve.
        """
        s, m = _positive("spend", spend), _positive("marginal return", marginal)
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
    def response_of(c: Coefficients, s: np.ndarray) -> np.ndarray:
        """Return :math:`V x/(1+x)` with :math:`x = (s/K)^k`."""
        v, big_k, k = c
        x = (s / big_k) ** k
        return v * x / (1.0 + x)

    @staticmethod
    def slopes_of(c: Coefficients, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Return :math:`R'` (above) and its derivative :math:`R''`.

        .. math:: R''(s) = \frac{V k}{K^2}\,\frac{u^{k-2}\,((k-1) - (k+1) u^k)}{(1 + u^k)^3}
        """
        v, big_k, k = c
        u = s / big_k
        x = u**k
        w2 = (1.0 + x) ** 2
        scale = v * k / big_k
        m = scale * u ** (k - 1.0) / w2
        return m, scale / big_k * u ** (k - 2.0) * ((k - 1.0) - (k + 1.0) * x) / (w2 * (1.0 + x))

    @staticmethod
    def inverse_marginal_of(c: Coefficients, level: np.ndarray) -> np.ndarray:
        r"""Solve :math:`R'(s) = \lambda` by Newton's method on :math:`y = k \log(s/K)`.

        .. math:: G(y) = \log\frac{k V}{\lambda K} + \frac{k-1}{k}\,y - 2 \log(1 + e^{y}) = 0

        :math:`G` is concave and decreasing on the diminishing branch. Both power-law
        asymptotes of :math:`R'` lie above it, so where the nearer one meets the level is
        right of the root, and Newton's iterates fall monotonically from there. Levels at
        or above the peak marginal return give the inflection point.
        """
        v, big_k, k = c
        u_peak = (np.maximum(k - 1.0, 0.0) / (k + 1.0)) ** (1.0 / k)  # 0 for k <= 1
        above = level >= HillCurve.marginal_of(c, u_peak * big_k)
        k = k * np.ones(np.shape(above))  # broadcast once: the loop then runs on one shape
        p = 1.0 - 1.0 / k
        # above the peak there is no root: solve a harmless stand-in (root y = 0) instead
        log_ratio = np.where(above, 2.0 * math.log(2.0), np.log(k * v / (level * big_k)))
        y = np.minimum(log_ratio / (2.0 - p), np.where(p < 0, log_ratio / -p, np.inf))
        for _ in range(60):
            soft = np.logaddexp(0.0, y)
            step = (log_ratio + p * y - 2.0 * soft) / (p - 2.0 * np.exp(y - soft))
            y = y - np.maximum(np.minimum(step, 5.0), -5.0)
            if float(np.vdot(step, step)) <= 1e-26:
                break
        return np.where(above, u_peak, np.exp(y / k)) * big_k


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
        spend, marginal : float
            Current spend :math:`s > 0` and its marginal return :math:`m > 0`.
        spend_scale : float
            Assumed spend scale :math:`\lambda > 0`.

        Returns
        -------
        ExponentialCurve
            The calibrated curve.
        """
        s, m = _positive("spend", spend), _positive("marginal return", marginal)
        lam = _positive("spend_scale", spend_scale)
        unit = math.exp(-s / lam) / lam
        if unit == 0:
            raise ValueError("spend is so far beyond saturation that no curve fits")
        return _exact(lambda v: cls(v, lam), m / unit, s, m)

    def params(self) -> tuple[float, ...]:
        """Return ``(vmax, spend_scale)``."""
        return (float(self.vmax), float(self.spend_scale))

    @staticmethod
    def response_of(c: Coefficients, s: np.ndarray) -> np.ndarray:
        r"""Return :math:`-V\,\mathrm{expm1}(-s/\lambda)`."""
        v, lam = c
        return -v * np.expm1(-s / lam)

    @staticmethod
    def slopes_of(c: Coefficients, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Return :math:`R' = (V/\lambda)\,e^{-s/\lambda}` and :math:`R'' = -R'/\lambda`."""
        v, lam = c
        m = v / lam * np.exp(-s / lam)
        return m, -m / lam

    @staticmethod
    def inverse_marginal_of(c: Coefficients, level: np.ndarray) -> np.ndarray:
        r"""Return :math:`\max(0, \lambda \log(V/(\lambda\,\mathrm{level})))`."""
        v, lam = c
        return np.maximum(lam * np.log(v / (lam * level)), 0.0)
