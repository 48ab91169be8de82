r"""Pure-Python KKT solver for a few concave channels.

For a handful of channels NumPy's per-call overhead (about a microsecond per operation)
dominates the arithmetic, so the same algorithm as :mod:`core.mmm.optimize` — a
safeguarded Newton / bisection search on :math:`v = \log\lambda` for

.. math:: f(v) = \sum_i \mathrm{clip}\big(R_i'^{-1}(e^{v}), l_i, u_i\big) - T = 0

— runs here on plain floats with :mod:`math`. Both implementations are tested against
each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from core.mmm.curves import ExponentialCurve, HillCurve, PowerCurve
from core.mmm.scalar import hill_inverse as _hill_inverse

__all__ = ["SMALL", "kkt_small", "scalar_kit"]

SMALL = 8  # channels up to which the pure-Python path is used

Kit = tuple[Callable, Callable, Callable, Callable]  # response, marginal, curvature, inverse


def _power_kit(a: float, b: float) -> Kit:
    ab = a * b
    if b == 1.0:
        return (
            lambda s: a * s,
            lambda s: a,
            lambda s: 0.0,
            lambda lev, g: math.inf if lev < a else 0.0,
        )
    e, c2 = 1.0 / (b - 1.0), ab * (b - 1.0)
    return (
        lambda s: a * s**b,
        lambda s: ab * s ** (b - 1.0) if s > 0 else math.inf,
        lambda s: c2 * s ** (b - 2.0) if s > 0 else -math.inf,
        lambda lev, g: (lev / ab) ** e,
    )


def _exponential_kit(v: float, lam: float) -> Kit:
    rate = v / lam
    return (
        lambda s: -v * math.expm1(-s / lam),
        lambda s: rate * math.exp(-s / lam),
        lambda s: -rate / lam * math.exp(-s / lam),
        lambda lev, g: max(lam * math.log(rate / lev), 0.0),
    )


def _hill_kit(v: float, big_k: float, k: float) -> Kit:
    def marginal(s: float) -> float:
        u = s / big_k
        if u == 0:
            return math.inf if k < 1 else (v / big_k if k == 1 else 0.0)
        return v * k / big_k * u ** (k - 1) / (1 + u**k) ** 2

    def curvature(s: float) -> float:
        u = s / big_k
        if u == 0:
            return -math.inf if k <= 1 else 0.0
        x = u**k
        return v * k / big_k**2 * u ** (k - 2) * ((k - 1) - (k + 1) * x) / (1 + x) ** 3

    return (
        lambda s: v * (s / big_k) ** k / (1 + (s / big_k) ** k),
        marginal,
        curvature,
        lambda lev, g: _hill_inverse(v, big_k, k, lev, g),
    )


def scalar_kit(curve: object) -> Kit | None:
    """Scalar (response, marginal, curvature, inverse) functions, or None if unknown."""
    if type(curve) is PowerCurve:
        return _power_kit(*curve.params())
    if type(curve) is ExponentialCurve:
        return _exponential_kit(*curve.params())
    if type(curve) is HillCurve:
        return _hill_kit(*curve.params())
    return None


def _spends(kits, level, lo, hi, guess):
    out = []
    for j, kit in enumerate(kits):
        s = kit[3](level, None if guess is None else guess[j])
        out.append(lo[j] if not s > lo[j] else (hi[j] if s > hi[j] else s))
    return out


def _bracket(kits, lo, hi, total):
    n = len(kits)
    eps = (total - sum(lo)) * 1e-12 / n
    tops = [kit[1](min(lo[j] + eps, hi[j])) for j, kit in enumerate(kits)]
    tops = [t for t in tops if math.isfinite(t)]
    lam_hi = (max(tops) if tops else 1e300) * 2.0
    lam_lo = max(min(kit[1](hi[j]) for j, kit in enumerate(kits)), 1e-300) * 0.5
    return math.log(min(lam_lo, lam_hi / 4)), math.log(lam_hi)


def _guess(kits, lo, hi, total):
    """Start: the level at which the equal split's median channel would sit."""
    mids = [kit[1](min(max(total / len(kits), lo[j]), hi[j])) for j, kit in enumerate(kits)]
    mids = sorted(m for m in mids if m > 0 and math.isfinite(m))
    return math.log(mids[len(mids) // 2]) if mids else 0.0


def _search(kits, lo, hi, total):
    """Newton on v = log(level); the bracket is only computed if Newton misbehaves."""
    v_lo, v_hi, bracketed = -math.inf, math.inf, False
    v, s, tol = _guess(kits, lo, hi, total), None, 1e-13 * max(total, 1.0)
    for _ in range(200):
        lam = math.exp(v)
        s = _spends(kits, lam, lo, hi, s)
        f = sum(s) - total
        if f > 0:
            v_lo = v
        else:
            v_hi = v
        slope = 0.0
        for kit, x, a, b in zip(kits, s, lo, hi, strict=True):
            if a < x < b:
                c = kit[2](x)
                if c < 0:
                    slope += lam / c
        if abs(f) <= tol or v_hi - v_lo < 1e-13:
            return v, v_lo, v_hi, s, abs(f) <= tol and slope < 0
        v_new = v - f / slope if slope < 0 else math.nan
        if not v_lo < v_new < v_hi:
            if not bracketed:
                b_lo, b_hi = _bracket(kits, lo, hi, total)
                v_lo, v_hi, bracketed = max(v_lo, b_lo), min(v_hi, b_hi), True
            v_new = v_new if v_lo < v_new < v_hi else 0.5 * (v_lo + v_hi)
        v = v_new
    return v, v_lo, v_hi, s, False


def kkt_small(
    curves: Sequence, lo: Sequence[float], hi: Sequence[float], total: float
) -> tuple[list[float], float, list[float], list[float]] | None:
    """Exact allocation for a few concave channels; None if a curve has no scalar kit.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        Concave response curves.
    lo, hi : sequence of float
        Feasible bounds (see :func:`core.mmm.optimize.resolve_bounds`).
    total : float
        Budget strictly between the sums of ``lo`` and ``hi``.

    Returns
    -------
    tuple or None
        Spend per channel (summing to ``total``), the common marginal return, and the
        marginal return and response of each channel at that spend.
    """
    kits = [scalar_kit(c) for c in curves]
    if any(k is None for k in kits):
        return None
    v, v_lo, v_hi, s, smooth = _search(kits, lo, hi, total)
    if smooth:  # one Newton step in spend space along ds/dlambda = 1/R''
        free = [j for j in range(len(s)) if lo[j] < s[j] < hi[j] and kits[j][2](s[j]) < 0]
        weights = [1.0 / kits[j][2](s[j]) for j in free]
        residual, norm = total - sum(s), sum(weights)
        for j, w in zip(free, weights, strict=True):
            s[j] = min(max(s[j] + residual * w / norm, lo[j]), hi[j])
    else:  # a kink (bound or linear channel): interpolate a tight bracket
        s = _interpolate(kits, lo, hi, total, v, v_lo, v_hi, s)
    residual = total - sum(s)
    room = [(b - x) if residual > 0 else (x - a) for x, a, b in zip(s, lo, hi, strict=True)]
    j = room.index(max(room))
    s[j] = min(max(s[j] + residual, lo[j]), hi[j])
    marginal = [kit[1](x) for kit, x in zip(kits, s, strict=True)]
    response = [kit[0](x) for kit, x in zip(kits, s, strict=True)]
    return s, math.exp(v), marginal, response


def _interpolate(kits, lo, hi, total, v, v_lo, v_hi, guess):
    width = 1e-12
    for _ in range(30):
        a, b = max(v - width, v_lo), min(v + width, v_hi)
        s_a, s_b = (
            _spends(kits, math.exp(a), lo, hi, guess),
            _spends(kits, math.exp(b), lo, hi, guess),
        )
        if sum(s_a) >= total >= sum(s_b):
            break
        width *= 4.0
    else:
        s_a = _spends(kits, math.exp(v_lo), lo, hi, guess)
        s_b = _spends(kits, math.exp(v_hi), lo, hi, guess)
    gap = sum(s_a) - sum(s_b)
    theta = 0.0 if gap <= 0 else (total - sum(s_b)) / gap
    return [
        min(max(y + theta * (x - y), a), b) for x, y, a, b in zip(s_a, s_b, lo, hi, strict=True)
    ]
