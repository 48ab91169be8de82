"""Evaluate many response curves at once: one NumPy call per curve family.

The bank groups the channels by family, stacks each family's coefficients into arrays and
calls the family's public formulas (:meth:`~core.mmm.curves.ResponseCurve.marginal_of` and
its siblings) once per family. The last axis of every input and output runs over the
channels, so a ``(levels, channels)`` array evaluates a whole grid of levels in the same
calls as a single vector.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from core.mmm.curves import Coefficients, ResponseCurve

__all__ = ["CurveBank", "FamilyGroup"]

Formula = Callable[[Coefficients, np.ndarray], np.ndarray]
_QUIET = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}


def _response(family: type[ResponseCurve]) -> Formula:
    return family.response_of


def _marginal(family: type[ResponseCurve]) -> Formula:
    return family.marginal_of


def _curvature(family: type[ResponseCurve]) -> Formula:
    return family.curvature_of


def _slopes(family: type[ResponseCurve]) -> Callable:
    return family.slopes_of


def _inverse(family: type[ResponseCurve]) -> Formula:
    return family.inverse_marginal_of


def _join(parts: list, unorder: np.ndarray | None):
    """Join per-family results (arrays, or tuples of arrays) along the channel axis."""
    if isinstance(parts[0], tuple):
        return tuple(_join([p[k] for p in parts], unorder) for k in range(len(parts[0])))
    joined = np.concatenate(parts, axis=-1)
    return joined if unorder is None else joined[..., unorder]


class FamilyGroup(NamedTuple):
    """The channels of one curve family in a bank.

    Attributes
    ----------
    family : type of ResponseCurve
        The family whose formulas evaluate these channels.
    index : numpy.ndarray
        Their positions among the bank's channels.
    span : slice
        Where they stand once the channels are ordered by family (see
        :attr:`CurveBank.order`).
    coefficients : tuple of numpy.ndarray
        One array per coefficient, one entry per channel of the group.
    """

    family: type[ResponseCurve]
    index: np.ndarray
    span: slice
    coefficients: tuple[np.ndarray, ...]


def _groups(curves: Sequence[ResponseCurve]) -> tuple[FamilyGroup, ...]:
    members: dict[type[ResponseCurve], list[int]] = {}
    for i, c in enumerate(curves):
        members.setdefault(type(c), []).append(i)
    groups, start = [], 0
    for family, idx in members.items():
        table = np.array([curves[i].coefficients() for i in idx], dtype=float)
        span = slice(start, start + len(idx))
        groups.append(FamilyGroup(family, np.array(idx), span, tuple(table.T)))
        start = span.stop
    return tuple(groups)


class CurveBank:
    """Evaluate many curves at once, one NumPy call per curve family.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One curve per channel.

    Attributes
    ----------
    curves : tuple of ResponseCurve
        The curves, in channel order.
    n : int
        Number of channels.
    groups : tuple of FamilyGroup
        The channels of each family, with their stacked coefficients.
    order : numpy.ndarray or None
        The channels ordered by family, so that each family's channels are one slice
        (None when they already are): inputs are gathered once, each family reads its
        slice, and the joined results are put back in channel order once.

    Notes
    -----
    Every evaluation takes ``quiet`` (default True): it runs under :func:`numpy.errstate`
    so that the infinities of a zero spend raise no warning. Callers already inside an
    ``errstate`` of their own (the optimiser) pass False and save its cost.
    """

    def __init__(self, curves: object) -> None:
        curves = tuple(curves)
        if not curves:
            raise ValueError("at least one channel is needed")
        for c in curves:
            if not isinstance(c, ResponseCurve):
                raise ValueError(f"not a response curve: {c!r}")
        self.__dict__["curves"] = curves  # the value of the ``curves`` property
        self._arrange(_groups(curves), len(curves))

    @classmethod
    def from_coefficients(cls, family: type[ResponseCurve], coefficients) -> CurveBank:
        """A bank of channels of one family, given that family's coefficient arrays.

        No curve object is made (``curves`` builds them only when read): thousands of
        parameter draws become a bank in one step.

        Parameters
        ----------
        family : type of ResponseCurve
            The curve family.
        coefficients : sequence of array_like
            One array per coefficient (in ``family``'s :meth:`~ResponseCurve.coefficients`
            order), one entry per channel.
        """
        columns = tuple(np.atleast_1d(np.asarray(c, dtype=float)) for c in coefficients)
        n = len(columns[0]) if columns else 0
        if n == 0 or any(c.shape != (n,) for c in columns):
            raise ValueError("one coefficient array per coefficient, one entry per channel")
        bank = cls.__new__(cls)
        bank._arrange((FamilyGroup(family, np.arange(n), slice(0, n), columns),), n)
        return bank

    def _arrange(self, groups: tuple[FamilyGroup, ...], n: int) -> None:
        self.n = n
        self.groups = groups
        order = [i for g in groups for i in g.index.tolist()]
        ordered = order == sorted(order)
        self.order = None if ordered else np.array(order)
        self._unorder = None if ordered else np.argsort(self.order)

    @functools.cached_property
    def curves(self) -> tuple[ResponseCurve, ...]:
        """The curves, in channel order (built from the coefficients on first read)."""
        out: list = [None] * self.n
        for g in self.groups:
            for i, c in zip(g.index.tolist(), zip(*g.coefficients, strict=True), strict=True):
                out[i] = g.family.from_coefficients(c)
        return tuple(out)

    @functools.cached_property
    def concave(self) -> bool:
        """Whether every curve is concave."""
        return all(c.concave for c in self.curves)

    @functools.cached_property
    def inflection(self) -> np.ndarray:
        """Each channel's inflection spend (0 for concave curves)."""
        return np.array([c.inflection for c in self.curves])

    def _each(self, formula: Callable[[type[ResponseCurve]], Callable], x: np.ndarray):
        """Apply one formula of every family to its channels (last axis of ``x``).

        An ``x`` whose last axis has length 1 (or a scalar) applies to every channel: each
        family's coefficients broadcast against it.
        """
        if len(self.groups) == 1:
            group = self.groups[0]
            return formula(group.family)(group.coefficients, x)
        if x.shape[-1:] != (self.n,):
            parts = [formula(g.family)(g.coefficients, x) for g in self.groups]
            return _join(parts, self._unorder)
        if self.order is not None:
            x = x[..., self.order]
        parts = [formula(g.family)(g.coefficients, x[..., g.span]) for g in self.groups]
        return _join(parts, self._unorder)

    def _run(self, formula, x: object, quiet: bool):
        x = np.asarray(x, dtype=float)
        if not quiet:
            return self._each(formula, x)
        with np.errstate(**_QUIET):
            return self._each(formula, x)

    def response(self, s: object, *, quiet: bool = True) -> np.ndarray:
        """Return each channel's response at its spend ``s[..., i]``."""
        return self._run(_response, s, quiet)

    def marginal(self, s: object, *, quiet: bool = True) -> np.ndarray:
        """Return each channel's marginal return at ``s[..., i]``."""
        return self._run(_marginal, s, quiet)

    def curvature(self, s: object, *, quiet: bool = True) -> np.ndarray:
        """Return each channel's second derivative at ``s[..., i]``."""
        return self._run(_curvature, s, quiet)

    def slopes(self, s: object, *, quiet: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Return each channel's marginal return and curvature at ``s[..., i]``, together."""
        return self._run(_slopes, s, quiet)

    def inverse_marginal(self, level: object, *, quiet: bool = True) -> np.ndarray:
        """Return each channel's spend where its marginal return equals ``level[..., i]``.

        A scalar level, or an array whose last axis has length 1, applies to every channel.
        0 (or the inflection point) where the level exceeds every marginal return on the
        diminishing branch, ``inf`` where the marginal return never falls to it.
        """
        return self._run(_inverse, level, quiet)
