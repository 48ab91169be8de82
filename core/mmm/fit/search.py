r"""Search of one carry-over rate per channel for the media-mix fit (NumPy only).

Exact coordinate search over a grid of rates, with joint moves of channel pairs to get off the
ridges where two rates trade off against each other. Each candidate column is scored exactly
by projecting it on the other columns, so no least-squares problem is solved per candidate.
"""

from __future__ import annotations

import numpy as np


def search_decays(
    y: np.ndarray,
    fixed: np.ndarray,
    candidates: np.ndarray,
    starts: tuple[int, ...] = (0, -1),
    max_sweeps: int = 20,
) -> tuple[np.ndarray, float]:
    r"""Choose one grid column per channel to minimise the residual sum of squares.

    Coordinate search: for one channel at a time, every candidate column is scored exactly
    against the other columns held fixed, using the projection identity

    .. math:: \mathrm{SSE}(z) = r^\top r - \frac{(r^\top \tilde z)^2}{\tilde z^\top \tilde z},
              \qquad \tilde z = (I - QQ^\top) z,

    where :math:`QR` is the factorisation of the other columns and :math:`r = (I - QQ^\top)y`.
    Sweeps repeat until no channel changes; each start is run and the best end point kept.

    Parameters
    ----------
    y : numpy.ndarray
        Response, shape ``(n,)``.
    fixed : numpy.ndarray
        Columns always in the model (intercept, seasonality, controls), shape ``(n, q)``.
    candidates : numpy.ndarray
        Candidate columns, shape ``(n, C, G)``: channel ``j`` uses ``candidates[:, j, g]``.
    starts : tuple of int, default (0, -1)
        Grid indices every channel starts from (``-1`` is the middle of the grid).
    max_sweeps : int, default 20
        Limit on full sweeps per start.

    Returns
    -------
    tuple of (numpy.ndarray, float)
        The chosen grid index per channel and the residual sum of squares.
    """
    n_channels, n_grid = candidates.shape[1], candidates.shape[2]
    best_idx, best_sse = np.zeros(n_channels, dtype=int), np.inf
    for start in starts:
        idx = np.full(n_channels, n_grid // 2 if start < 0 else start, dtype=int)
        sse = np.inf
        for _ in range(max_sweeps):
            sse = _sweeps(y, fixed, candidates, idx, max_sweeps)
            if n_channels < 2 or not _pair_move(y, fixed, candidates, idx, sse):
                break
        if sse < best_sse - 1e-12:
            best_idx, best_sse = idx.copy(), sse
    return best_idx, float(best_sse)


def _sweeps(y, fixed, candidates, idx, max_sweeps) -> float:
    """Coordinate sweeps until no single channel changes (updates ``idx`` in place)."""
    sse = np.inf
    for _ in range(max_sweeps):
        changed = False
        for j in range(candidates.shape[1]):
            new, sse = _best_column(y, fixed, candidates, idx, j)
            changed |= new != idx[j]
            idx[j] = new
        if not changed:
            break
    return sse


def _pair_move(y, fixed, candidates, idx, sse, radius: int = 2) -> bool:
    """Try joint moves of two channels by up to ``radius`` grid steps; apply the best one.

    Coordinate search can stall on a ridge where two carry-over rates trade off against each
    other; moving them together gets off it. Returns whether a move lowered the SSE.
    """
    n_channels, n_grid = candidates.shape[1], candidates.shape[2]
    best = (sse * (1 - 1e-12) - 1e-300, None)
    for i in range(n_channels - 1):
        for j in range(i + 1, n_channels):
            others = [candidates[:, k, idx[k]] for k in range(n_channels) if k not in (i, j)]
            q, _ = np.linalg.qr(np.column_stack([fixed, *others]))
            resid = y - q @ (q.T @ y)
            span_i = np.arange(max(0, idx[i] - radius), min(n_grid, idx[i] + radius + 1))
            span_j = np.arange(max(0, idx[j] - radius), min(n_grid, idx[j] + radius + 1))
            zi = candidates[:, i, span_i] - q @ (q.T @ candidates[:, i, span_i])
            zj = candidates[:, j, span_j] - q @ (q.T @ candidates[:, j, span_j])
            value, a, b = _best_pair(resid, zi, zj)
            if value < best[0]:
                best = (value, (i, j, span_i[a], span_j[b]))
    if best[1] is None:
        return False
    i, j, gi, gj = best[1]
    idx[i], idx[j] = gi, gj
    return True


def _best_pair(resid, zi, zj) -> tuple[float, int, int]:
    """Smallest SSE over all column pairs, each scored by a 2x2 normal-equation solve."""
    gii = np.einsum("ij,ij->j", zi, zi)[:, None]
    gjj = np.einsum("ij,ij->j", zj, zj)[None, :]
    gij = zi.T @ zj
    hi, hj = (resid @ zi)[:, None], (resid @ zj)[None, :]
    det = gii * gjj - gij**2
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = (gjj * hi**2 - 2 * gij * hi * hj + gii * hj**2) / det
    gain = np.where(det > 1e-12 * gii * gjj, gain, -np.inf)
    a, b = np.unravel_index(int(np.argmax(gain)), gain.shape)
    return float(resid @ resid - gain[a, b]), int(a), int(b)


def _best_column(y, fixed, candidates, idx, j) -> tuple[int, float]:
    """Exact best candidate for channel ``j`` with the other channels at ``idx``."""
    others = [candidates[:, k, idx[k]] for k in range(candidates.shape[1]) if k != j]
    basis = np.column_stack([fixed, *others]) if others else fixed
    q, _ = np.linalg.qr(basis)
    resid = y - q @ (q.T @ y)
    z = candidates[:, j, :]
    z_perp = z - q @ (q.T @ z)
    den = np.einsum("ij,ij->j", z_perp, z_perp)
    num = (resid @ z_perp) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        sse = np.where(den > 1e-12 * np.einsum("ij,ij->j", z, z), resid @ resid - num / den, np.inf)
    current = idx[j]
    best = int(np.argmin(sse))
    if sse[current] <= sse[best] + 1e-12 * abs(sse[best]):
        best = current
    return best, float(sse[best])
