r"""A plan evaluated over many plausible versions of the response curves (NumPy only).

When curves come from a fit, each parameter draw of the fit gives one set of curves
:math:`R^{(d)}_i`. A plan moving spend from :math:`s` to :math:`s'` then gains

.. math:: \Delta^{(d)} = \sum_i R_i^{(d)}(s_i') - R_i^{(d)}(s_i), \qquad d = 1, \dots, D

in draw :math:`d`; the spread of :math:`\Delta^{(d)}` says how sure the plan is.
:class:`CurveDraws` holds all :math:`D \times C` curves in one :class:`~core.mmm.CurveBank`, so
that a new plan is evaluated with two vectorised calls, without drawing again: the draws can be
made (and cached) once per set of fitted curves, and every plan the page proposes is scored
against the same draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.mmm.bank import CurveBank
from core.mmm.curves import ResponseCurve
from core.mmm.optimize import resolve_bounds

__all__ = ["CurveDraws", "GainSpread"]


@dataclass(frozen=True)
class GainSpread:
    r"""A plan's extra conversions over the draws.

    Attributes
    ----------
    mean : float
        Average over the draws.
    interval : tuple of float
        The central ``level`` share of the draws (equal tails).
    probability_gain : float
        Share of draws in which the plan gains at all (:math:`\Delta^{(d)} > 0`).
    draws : int
        Number of draws :math:`D`.
    level : float
        Probability covered by ``interval``.
    samples : numpy.ndarray
        :math:`\Delta^{(d)}` per draw.
    """

    mean: float
    interval: tuple[float, float]
    probability_gain: float
    draws: int
    level: float
    samples: np.ndarray = field(compare=False, repr=False)


class CurveDraws:
    """``D`` draws of ``C`` channels' curves, evaluated all at once.

    Parameters
    ----------
    draws : sequence of sequence of ResponseCurve
        One tuple of curves per draw, every tuple in the same channel order.
    """

    def __init__(self, draws: Sequence[Sequence[ResponseCurve]]) -> None:
        draws = [tuple(d) for d in draws]
        if not draws or not draws[0]:
            raise ValueError("at least one draw of at least one channel is needed")
        self.channels = len(draws[0])
        if any(len(d) != self.channels for d in draws):
            raise ValueError("every draw needs one curve per channel")
        self.count = len(draws)
        self.bank = CurveBank([c for d in draws for c in d])

    @classmethod
    def from_coefficients(cls, family: type[ResponseCurve], coefficients) -> CurveDraws:
        """Draws of one curve family, from coefficient arrays of shape ``(D, C)``.

        The same draws as one curve object per draw and channel, made in one step (see
        :meth:`core.mmm.CurveBank.from_coefficients`).
        """
        arrays = [np.asarray(c, dtype=float) for c in coefficients]
        if not arrays or arrays[0].ndim != 2 or any(a.shape != arrays[0].shape for a in arrays):
            raise ValueError("coefficient arrays of one shape (draws, channels) are needed")
        drawn = cls.__new__(cls)
        drawn.count, drawn.channels = arrays[0].shape
        drawn.bank = CurveBank.from_coefficients(family, [a.ravel() for a in arrays])
        return drawn

    def _spend(self, values, name: str) -> np.ndarray:
        spend = np.asarray(values, dtype=float)
        if spend.shape != (self.channels,) or not np.all(np.isfinite(spend)) or np.any(spend < 0):
            raise ValueError(f"'{name}' needs one finite, non-negative spend per channel "
                             f"({self.channels})")
        return spend

    def gains(self, before, after) -> np.ndarray:
        r"""Extra conversions :math:`\Delta^{(d)}` of moving spend from ``before`` to ``after``.

        Parameters
        ----------
        before, after : array_like
            Spend per channel, shape ``(C,)``.

        Returns
        -------
        numpy.ndarray
            One value per draw, shape ``(D,)``.
        """
        start, end = self._spend(before, "before"), self._spend(after, "after")
        change = (self.bank.response(np.tile(end, self.count))
                  - self.bank.response(np.tile(start, self.count)))
        return change.reshape(self.count, self.channels).sum(axis=1)

    def gives(self, before, total: float, lower=None, upper=None) -> np.ndarray:
        r"""Per channel, the share of draws whose optimum for the budget spends less than today.

        For concave curves no optimisation is needed. At the optimum every channel sits at
        :math:`s_i(\lambda^*) = \mathrm{clip}(R_i'^{-1}(\lambda^*), l_i, u_i)` (see
        :mod:`core.mmm.kkt`), and both :math:`s_i` and :math:`S(\lambda) = \sum_j s_j(\lambda)`
        fall as the level :math:`\lambda` rises. So the optimum spends less than :math:`b_i`
        on channel :math:`i` exactly when its level lies above :math:`R_i'(b_i)`, that is
        when the spends at that level still add up to more than the budget:

        .. math:: s_i^* < b_i \iff \lambda^* > R_i'(b_i) \iff S\big(R_i'(b_i)\big) > T .

        One vectorised evaluation of every draw's inverse marginal returns at the
        :math:`C` levels of that draw, instead of one optimisation per draw.

        Parameters
        ----------
        before : array_like
            Today's spend per channel :math:`b`, shape ``(C,)``.
        total : float
            The budget :math:`T` the optimum spends.
        lower, upper : array_like, optional
            Spend bounds, as for :func:`core.mmm.optimize_budget`.

        Returns
        -------
        numpy.ndarray
            Shape ``(C,)``: the share of draws whose optimum gives money away from
            each channel.
        """
        start = self._spend(before, "before")
        lo, hi = resolve_bounds(self.channels, total, lower, upper)
        levels = self.bank.marginal(np.tile(start, self.count)).reshape(self.count, self.channels)
        # Row i holds, for every draw's every curve, that draw's level R_i'(b_i).
        spends = self.bank.inverse_marginal(np.repeat(levels.T, self.channels, axis=1))
        spends = spends.reshape(self.channels, self.count, self.channels)
        demand = np.clip(spends, lo, hi).sum(axis=2)  # S(R_i'(b_i)), per channel i and draw
        below = ((demand > total) & (start > lo)[:, None]) | (start > hi)[:, None]
        return below.mean(axis=1)

    def spread(self, before, after, level: float = 0.90) -> GainSpread:
        """The plan's extra conversions over the draws: mean, central interval, chance to gain.

        Parameters
        ----------
        before, after : array_like
            Spend per channel, shape ``(C,)``.
        level : float, default 0.90
            Probability covered by the interval.

        Returns
        -------
        GainSpread
        """
        if not 0 < level < 1:
            raise ValueError("level must be between 0 and 1")
        samples = self.gains(before, after)
        tail = (1 - level) / 2
        low, high = np.quantile(samples, [tail, 1 - tail])
        return GainSpread(float(samples.mean()), (float(low), float(high)),
                          float(np.mean(samples > 0)), self.count, level, samples)
