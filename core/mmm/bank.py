"""Evaluate many response curves at once: one NumPy call per curve family."""

from __future__ import annotations

import numpy as np

from core.mmm.curves import ResponseCurve

__all__ = ["CurveBank"]


class CurveBank:
    """Evaluate many curves at once, one NumPy call per curve family.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One curve per channel.
    """

    def __init__(self, curves: object) -> None:
        curves = tuple(curves)
        if not curves:
            raise ValueError("at least one channel is needed")
        for c in curves:
            if not isinstance(c, ResponseCurve):
                raise ValueError(f"not a response curve: {c!r}")
        self.curves = curves
        self.n = len(curves)
        families: dict[type, list[int]] = {}
        for i, c in enumerate(curves):
            families.setdefault(type(c), []).append(i)
        self._groups = []
        for cls, idx in families.items():
            columns = zip(*(curves[i].params() for i in idx), strict=True)
            params = tuple(np.array(col, dtype=float) for col in columns)
            whole = len(idx) == self.n
            self._groups.append((cls, None if whole else np.array(idx), params))
        self.concave = all(c.concave for c in curves)
        self.inflection = np.array([c.inflection for c in curves])

    def _apply(self, name: str, x: np.ndarray) -> np.ndarray:
        if not (isinstance(x, np.ndarray) and x.shape == (self.n,)):
            x = np.broadcast_to(np.asarray(x, dtype=float), (self.n,))
        if len(self._groups) == 1 and self._groups[0][1] is None:
            cls, _, params = self._groups[0]
            return np.asarray(getattr(cls, name)(params, x), dtype=float)
        out = np.empty(self.n)
        for cls, idx, params in self._groups:
            out[idx] = getattr(cls, name)(params, x if idx is None else x[idx])
        return out

    def response(self, s: np.ndarray) -> np.ndarray:
        """Return each channel's response at its spend ``s[i]``."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._apply("_r", s)

    def marginal(self, s: np.ndarray) -> np.ndarray:
        """Return each channel's marginal return at ``s[i]``."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._apply("_m", s)

    def curvature(self, s: np.ndarray) -> np.ndarray:
        """Return each channel's second derivative at ``s[i]``."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._apply("_c", s)

    def inverse_marginal(self, level: float | np.ndarray) -> np.ndarray:
        """Return each channel's spend where its marginal return equals ``level``.

        NaN-free: 0 where the level exceeds every marginal return of the channel.
        """
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._apply("_inv", level)

    def inverse_from(self, level: np.ndarray, guess: np.ndarray) -> np.ndarray:
        """Like :meth:`raw` ``("_inv", level)`` but warm-started at spends ``guess``."""
        out = np.empty(self.n)
        for cls, idx, params in self._groups:
            sel = slice(None) if idx is None else idx
            out[sel] = cls._inv(params, level[sel], guess[sel])
        return out

    def raw(self, name: str, x: np.ndarray) -> np.ndarray:
        """Evaluate ``_r``, ``_m``, ``_c`` or ``_inv`` without an error-state context.

        For inner loops that already run under :func:`numpy.errstate`.
        """
        return self._apply(name, x)
