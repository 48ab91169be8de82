r"""Search of one carry-over column per channel for the media-mix fit (NumPy only).

Exact coordinate search over a grid of candidate columns (carry-over rates, and start states
when those are searched too), with joint moves of channel pairs to get off the ridges where two
rates trade off against each other. Each candidate column is scored exactly by projecting it
on the other columns, so no least-squares problem is solved per candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class _Problem:
    """The search's fixed inputs; ``weight`` turns an SSE into the criterion (1 = plain SSE)."""

    y: np.ndarray
    fixed: np.ndarray
    columns: np.ndarray  # (C, n, G): channel j's candidate columns are columns[j]
    norms: np.ndarray  # (C, G) squared norms of the candidate columns
    weight: np.ndarray  # (G,) multiplies the SSE: exp(penalty / n)
    shape: tuple[int, int] | None

    def basis(self, idx: np.ndarray, skip: tuple[int, ...]) -> np.ndarray:
        """Orthonormal basis of the fixed columns and the channels not in ``skip``."""
        others = [self.columns[k, :, idx[k]] for k in range(idx.size) if k not in skip]
        q, _ = np.linalg.qr(np.column_stack([self.fixed, *others]) if others else self.fixed)
        return q


def search_decays(
    y: np.ndarray,
    fixed: np.ndarray,
    candidates: np.ndarray,
    starts: tuple[int, ...] = (0, -1),
    max_sweeps: int = 20,
    shape: tuple[int, int] | None = None,
    penalty: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    r"""Choose one grid column per channel to minimise the residual sum of squares.

    Coordinate search: for one channel at a time, every candidate column is scored exactly
    against the other columns held fixed, using the projection identity

    .. math:: \mathrm{SSE}(z) = r^\top r - \frac{(r^\top z)^2}{\lVert z\rVert^2
              - \lVert Q^\top z\rVert^2}, \qquad r = (I - QQ^\top) y,

    where :math:`Q` is an orthonormal basis of the other columns. Sweeps repeat until no
    channel changes; each start is run and the best end point kept. With a ``penalty`` the
    criterion is :math:`n \log \mathrm{SSE} + \sum_j \mathrm{penalty}[g_j]` (an information
    criterion: a candidate with an extra parameter must lower the SSE enough to pay for it).

    Parameters
    ----------
    y : numpy.ndarray
        Response, shape ``(n,)``.
    fixed : numpy.ndarray
        Columns always in the model (intercept, seasonality, controls), shape ``(n, q)``.
    candidates : numpy.ndarray
        Candidate columns, shape ``(n, C, G)``: channel ``j`` uses ``candidates[:, j, g]``.
    starts : tuple of int or of arrays, default (0, -1)
        Grid index every channel starts from (``-1`` is the middle of the grid), or an array
        of one starting index per channel.
    max_sweeps : int, default 20
        Limit on full sweeps per start.
    shape : tuple of (int, int) or None, default None
        ``(R, S)`` when the grid is a flattened ``R x S`` grid (carry-over rate major, start
        state minor): joint moves then stay near the current rates but try every start state.
        None is a one-dimensional grid.
    penalty : numpy.ndarray or None, default None
        Criterion cost of each grid index, shape ``(G,)``; None is no cost.

    Returns
    -------
    tuple of (numpy.ndarray, float)
        The chosen grid index per channel and the residual sum of squares there.
    """
    n, n_channels, n_grid = candidates.shape
    weight = np.ones(n_grid) if penalty is None else np.exp(np.asarray(penalty, float) / n)
    columns = np.ascontiguousarray(candidates.transpose(1, 0, 2))  # one (n, G) block per channel
    norms = np.einsum("cng,cng->cg", columns, columns)
    problem = _Problem(y, fixed, columns, norms, weight, shape)
    best_idx, best_score, best_sse = np.zeros(n_channels, dtype=int), np.inf, np.inf
    for start in starts:
        if np.ndim(start):
            idx = np.array(start, dtype=int)
        else:
            idx = np.full(n_channels, n_grid // 2 if start < 0 else start, dtype=int)
        for _ in range(max_sweeps):
            score = _sweeps(problem, idx, max_sweeps)
            if n_channels < 2 or not _pair_move(problem, idx, score):
                break
        sse = _sse(problem, idx)
        score = sse * np.prod(weight[idx])
        if score < best_score * (1 - 1e-12):
            best_idx, best_score, best_sse = idx.copy(), score, sse
    return best_idx, float(best_sse)


def _sse(problem: _Problem, idx: np.ndarray) -> float:
    q = problem.basis(idx, ())
    resid = problem.y - q @ (q.T @ problem.y)
    return float(resid @ resid)


def _sweeps(problem: _Problem, idx: np.ndarray, max_sweeps: int) -> float:
    """Coordinate sweeps until no single channel changes (updates ``idx`` in place)."""
    score = np.inf
    for _ in range(max_sweeps):
        changed = False
        for j in range(idx.size):
            new, score = _best_column(problem, idx, j)
            changed |= new != idx[j]
            idx[j] = new
        if not changed:
            break
    return score


def _projected(problem: _Problem, q: np.ndarray, j: int, cols: np.ndarray | slice):
    """Residual of y, and each candidate's residual norm and cross product with it."""
    resid = problem.y - q @ (q.T @ problem.y)
    z = problem.columns[j][:, cols]
    qz = q.T @ z
    den = problem.norms[j, cols] - np.einsum("kg,kg->g", qz, qz)
    return resid, z, den, resid @ z


def _best_column(problem: _Problem, idx: np.ndarray, j: int) -> tuple[int, float]:
    """Exact best candidate for channel ``j`` with the other channels at ``idx``."""
    q = problem.basis(idx, (j,))
    resid, _, den, cross = _projected(problem, q, j, slice(None))
    rr = resid @ resid
    others = np.prod(problem.weight[np.delete(idx, j)])
    with np.errstate(divide="ignore", invalid="ignore"):
        sse = np.where(den > 1e-10 * problem.norms[j], rr - cross**2 / den, np.inf)
    score = np.maximum(sse, 0.0) * problem.weight * others
    current = idx[j]
    best = int(np.argmin(score))
    if score[current] <= score[best] + 1e-12 * abs(score[best]):
        best = current
    return best, float(score[best])


def _span(index: int, n_grid: int, shape, radius: int) -> np.ndarray:
    """Grid indices within ``radius`` rate steps of ``index``, with every start state."""
    rows, cols = shape or (n_grid, 1)
    r = index // cols
    r_span = np.arange(max(0, r - radius), min(rows, r + radius + 1))
    return (r_span[:, None] * cols + np.arange(cols)[None, :]).ravel()


def _pair_move(problem: _Problem, idx: np.ndarray, score: float, radius: int = 2) -> bool:
    """Try joint moves of two channels by up to ``radius`` grid steps; apply the best one.

    Coordinate search can stall on a ridge where two carry-over rates trade off against each
    other; moving them together gets off it. Returns whether a move lowered the criterion.
    """
    n_grid = problem.columns.shape[2]
    best = (score * (1 - 1e-9), None)  # a real improvement, not rounding
    for i in range(idx.size - 1):
        for j in range(i + 1, idx.size):
            q = problem.basis(idx, (i, j))
            span_i = _span(idx[i], n_grid, problem.shape, radius)
            span_j = _span(idx[j], n_grid, problem.shape, radius)
            resid = problem.y - q @ (q.T @ problem.y)
            zi = problem.columns[i][:, span_i] - q @ (q.T @ problem.columns[i][:, span_i])
            zj = problem.columns[j][:, span_j] - q @ (q.T @ problem.columns[j][:, span_j])
            sse = _pair_sse(resid, zi, zj)
            others = np.prod(problem.weight[np.delete(idx, [i, j])])
            value = sse * np.outer(problem.weight[span_i], problem.weight[span_j]) * others
            a, b = np.unravel_index(int(np.argmin(value)), value.shape)
            if value[a, b] < best[0]:
                best = (float(value[a, b]), (i, j, span_i[a], span_j[b]))
    if best[1] is None:
        return False
    i, j, gi, gj = best[1]
    idx[i], idx[j] = gi, gj
    return True


def _pair_sse(resid, zi, zj) -> np.ndarray:
    """SSE of every column pair, each scored by a 2x2 normal-equation solve."""
    gii = np.einsum("ij,ij->j", zi, zi)[:, None]
    gjj = np.einsum("ij,ij->j", zj, zj)[None, :]
    gij = zi.T @ zj
    hi, hj = (resid @ zi)[:, None], (resid @ zj)[None, :]
    det = gii * gjj - gij**2
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = (gjj * hi**2 - 2 * gij * hi * hj + gii * hj**2) / det
    gain = np.where(det > 1e-12 * gii * gjj, gain, -np.inf)
    return np.maximum(resid @ resid - gain, 0.0)
