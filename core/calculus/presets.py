r"""Preset functions for the partial-derivatives lesson, each with closed-form derivatives.

Two-variable surfaces (paraboloid, saddle, ripple, Rosenbrock, Gaussian bump) carry their formula
as text for :func:`core.formula.expression.parse` and hand-written NumPy derivatives, so the symbolic and
numerical derivatives can be checked against an independent closed form.

The sales forecast (:class:`SalesModel`) depends on weekly TV spend :math:`T`, digital spend
:math:`D` (both in $ thousands) and a seasonal index :math:`s` (1 = an average week):

.. math::

    \mathrm{sales}(T, D, s) = s\,\bigl(B + a_T\,\ell_T + a_D\,\ell_D + c\,\ell_T\,\ell_D\bigr),
    \qquad \ell_T = \ln(1 + T/k_T),\quad \ell_D = \ln(1 + D/k_D).

Each channel has diminishing returns (the logarithms), and the synergy term
:math:`c\,\ell_T \ell_D` makes :math:`\partial\,\mathrm{sales}/\partial T` grow with :math:`D`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Preset:
    r"""A two-variable function with closed-form partial derivatives.

    Parameters
    ----------
    key : str
        Short identifier (used in URLs).
    label : str
        Display name.
    formula : str
        The function as text in ``x`` and ``y``, accepted by :func:`core.formula.expression.parse`.
    f : callable
        ``f(x, y)`` on NumPy arrays (real or complex).
    fx : callable
        Closed-form :math:`\partial f/\partial x`.
    fy : callable
        Closed-form :math:`\partial f/\partial y`.
    note : str
        One sentence on what the surface shows.
    """

    key: str
    label: str
    formula: str
    f: Callable
    fx: Callable
    fy: Callable
    note: str

    def point_function(self) -> Callable[[np.ndarray], float]:
        """Return ``p -> f(p[0], p[1])``, the form :mod:`core.calculus` expects.

        Returns
        -------
        callable
            Maps a 1-D array of length 2 to a (real or complex) scalar.
        """
        return lambda p: self.f(p[0], p[1])


def _gauss(x, y):
    return np.exp(-(x**2 + y**2) / 2)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "paraboloid", "Paraboloid  x² + y²", "x^2 + y^2",
            lambda x, y: x**2 + y**2, lambda x, y: 2 * x, lambda x, y: 2 * y,
            "A bowl: each slope grows with the distance from the bottom along its own axis.",
        ),
        Preset(
            "saddle", "Saddle  x² − y²", "x^2 - y^2",
            lambda x, y: x**2 - y**2, lambda x, y: 2 * x, lambda x, y: -2 * y,
            "Uphill along x, downhill along y: the two partials can have opposite signs.",
        ),
        Preset(
            "ripple", "Ripple  sin x · cos y", "sin(x)*cos(y)",
            lambda x, y: np.sin(x) * np.cos(y),
            lambda x, y: np.cos(x) * np.cos(y),
            lambda x, y: -np.sin(x) * np.sin(y),
            "Waves: the slope along x depends on where you stand in y.",
        ),
        Preset(
            "rosenbrock", "Rosenbrock banana", "(1 - x)^2 + 100*(y - x^2)^2",
            lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            lambda x, y: -2 * (1 - x) - 400 * x * (y - x**2),
            lambda x, y: 200 * (y - x**2),
            "A curved valley with steep walls: huge slopes across it, tiny ones along it.",
        ),
        Preset(
            "bump", "Gaussian bump", "exp(-(x^2 + y^2)/2)",
            _gauss, lambda x, y: -x * _gauss(x, y), lambda x, y: -y * _gauss(x, y),
            "A hill: the gradient always points to the top, and vanishes there.",
        ),
    )
}  # fmt: skip
"""The surface presets, keyed by :attr:`Preset.key`."""

DEFAULT_PRESET = "ripple"


@dataclass(frozen=True)
class SalesModel:
    r"""Weekly sales forecast from TV spend, digital spend and seasonality.

    .. math::

        \mathrm{sales} = s\,(B + a_T \ell_T + a_D \ell_D + c\,\ell_T \ell_D),\quad
        \ell_T = \ln(1 + T/k_T),\ \ell_D = \ln(1 + D/k_D)

    Spends and sales are in $ thousands per week, so a partial derivative with respect to a
    spend is "extra $ of sales per extra $1 spent".

    Parameters
    ----------
    base : float, optional
        Sales with no media in an average week, :math:`B`.
    tv_effect : float, optional
        :math:`a_T`, scale of the TV response.
    tv_half : float, optional
        :math:`k_T`, TV spend at which returns start to flatten.
    digital_effect : float, optional
        :math:`a_D`, scale of the digital response.
    digital_half : float, optional
        :math:`k_D`, digital spend at which returns start to flatten.
    synergy : float, optional
        :math:`c`, strength of the TV × digital interaction.
    """

    base: float = 200.0
    tv_effect: float = 60.0
    tv_half: float = 20.0
    digital_effect: float = 30.0
    digital_half: float = 10.0
    synergy: float = 15.0

    variables = ("tv", "digital", "season")

    @property
    def formula(self) -> str:
        """The forecast as text in ``tv``, ``digital``, ``season`` for the parser."""
        lt = f"log(1 + tv/{self.tv_half:g})"
        ld = f"log(1 + digital/{self.digital_half:g})"
        return (
            f"season*({self.base:g} + {self.tv_effect:g}*{lt} + {self.digital_effect:g}*{ld}"
            f" + {self.synergy:g}*{lt}*{ld})"
        )

    def _logs(self, tv, digital):
        return np.log1p(np.asarray(tv) / self.tv_half), np.log1p(
            np.asarray(digital) / self.digital_half
        )

    def sales(self, tv, digital, season):
        r"""Forecast weekly sales ($ thousands).

        Parameters
        ----------
        tv, digital : array_like
            Weekly spends ($ thousands), non-negative.
        season : array_like
            Seasonal index (1 = average week).

        Returns
        -------
        numpy.ndarray
            :math:`s (B + a_T \ell_T + a_D \ell_D + c \ell_T \ell_D)`.
        """
        lt, ld = self._logs(tv, digital)
        media = self.tv_effect * lt + self.digital_effect * ld + self.synergy * lt * ld
        return np.asarray(season) * (self.base + media)

    def d_tv(self, tv, digital, season):
        r"""Marginal sales of TV, :math:`\partial\,\mathrm{sales}/\partial T`.

        .. math::

            \frac{\partial\,\mathrm{sales}}{\partial T} = \frac{s\,(a_T + c\,\ell_D)}{k_T + T}

        Parameters
        ----------
        tv, digital : array_like
            Weekly spends ($ thousands).
        season : array_like
            Seasonal index.

        Returns
        -------
        numpy.ndarray
            Extra $ of sales per extra $1 of TV, digital and season held fixed.
        """
        _, ld = self._logs(tv, digital)
        return (
            np.asarray(season)
            * (self.tv_effect + self.synergy * ld)
            / (self.tv_half + np.asarray(tv))
        )

    def d_digital(self, tv, digital, season):
        r"""Marginal sales of digital, :math:`\partial\,\mathrm{sales}/\partial D`.

        .. math::

            \frac{\partial\,\mathrm{sales}}{\partial D} = \frac{s\,(a_D + c\,\ell_T)}{k_D + D}

        Parameters
        ----------
        tv, digital : array_like
            Weekly spends ($ thousands).
        season : array_like
            Seasonal index.

        Returns
        -------
        numpy.ndarray
            Extra $ of sales per extra $1 of digital, TV and season held fixed.
        """
        lt, _ = self._logs(tv, digital)
        return (
            np.asarray(season)
            * (self.digital_effect + self.synergy * lt)
            / (self.digital_half + np.asarray(digital))
        )

    def d_season(self, tv, digital, season):
        r"""Sensitivity to the seasonal index, :math:`\partial\,\mathrm{sales}/\partial s`.

        .. math::

            \frac{\partial\,\mathrm{sales}}{\partial s} = B + a_T \ell_T + a_D \ell_D + c\,\ell_T \ell_D

        Parameters
        ----------
        tv, digital : array_like
            Weekly spends ($ thousands).
        season : array_like
            Seasonal index (the result does not depend on it).

        Returns
        -------
        numpy.ndarray
            Extra sales ($ thousands) per +1 of seasonal index.
        """
        return self.sales(tv, digital, 1.0) + 0 * np.asarray(season)

    def d_tv_d_digital(self, tv, digital, season):
        r"""Synergy: how the TV marginal moves with digital, :math:`\partial^2 \mathrm{sales}/\partial T \partial D`.

        .. math::

            \frac{\partial^2 \mathrm{sales}}{\partial T\,\partial D} = \frac{s\,c}{(k_T + T)(k_D + D)}

        Parameters
        ----------
        tv, digital : array_like
            Weekly spends ($ thousands).
        season : array_like
            Seasonal index.

        Returns
        -------
        numpy.ndarray
            Change of the TV marginal (per $1) for each extra $1 thousand of digital.
        """
        return (
            np.asarray(season) * self.synergy
            / ((self.tv_half + np.asarray(tv)) * (self.digital_half + np.asarray(digital)))
        )  # fmt: skip

    def point_function(self) -> Callable[[np.ndarray], float]:
        """Return ``p -> sales(p[0], p[1], p[2])``, the form :mod:`core.calculus` expects.

        Returns
        -------
        callable
            Maps ``[tv, digital, season]`` to the forecast (real or complex input).
        """

        def f(p):
            lt = np.log(1 + p[0] / self.tv_half)
            ld = np.log(1 + p[1] / self.digital_half)
            media = self.tv_effect * lt + self.digital_effect * ld + self.synergy * lt * ld
            return p[2] * (self.base + media)

        return f


SALES = SalesModel()
"""The sales forecast used in the lesson."""
