"""Momentum, mapped: the (step size, momentum) phase diagram and the error per eigenvector.

After Goh, "Why Momentum Really Works" (Distill, 2017). The numbers come from
:mod:`core.descent.momentum`; these builders only draw them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.descent import critical_damping, lr_limits, momentum_rate, optimal_momentum
from figures.descent import tint
from figures.theme import COLORS, FONT_SIZE, TEMPLATE

_STEP_TICKS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


@dataclass(frozen=True)
class PhaseMap:
    """Everything the phase diagram draws for one quadratic, computed by the caller.

    Attributes
    ----------
    alphas, betas : numpy.ndarray
        The grid's step sizes ``(m,)`` and momenta ``(n,)``.
    rates : numpy.ndarray
        ``(n, m)``: the worst-case rate at each grid pair.
    limit : tuple of numpy.ndarray
        ``(alpha, beta)`` of the stability limit, where the rate reaches 1.
    critical : tuple of (str, numpy.ndarray, numpy.ndarray)
        ``(label, alpha, beta)`` of each critical-damping curve.
    best : tuple of float
        ``(alpha, beta, rate)`` with the fastest rate.
    best_plain : tuple of float
        ``(alpha, 0, rate)``: the fastest without momentum.
    """

    alphas: np.ndarray
    betas: np.ndarray
    rates: np.ndarray
    limit: tuple[np.ndarray, np.ndarray]
    critical: tuple[tuple[str, np.ndarray, np.ndarray], ...]
    best: tuple[float, float, float]
    best_plain: tuple[float, float, float]


def build_phase_map(lambda_min: float, lambda_max: float, alpha_max: float,
                    size: tuple[int, int] = (101, 100), beta_max: float = 0.99) -> PhaseMap:
    """The map's numbers for a quadratic with these extreme curvatures, all from core.

    ``size`` is (step sizes, momenta) on ``[0, alpha_max] x [0, beta_max]``; keep
    ``alpha_max <= 4 / lambda_max`` so the critical-damping curves stay defined.
    """
    lam = (float(lambda_min), float(lambda_max))
    alphas = np.linspace(0.0, alpha_max, size[0])
    betas = np.linspace(0.0, beta_max, size[1])
    rates = momentum_rate(alphas[None, :], betas[:, None], lam)
    limits = lr_limits(np.diag(lam))
    line = np.linspace(0.0, beta_max, 34)
    limit = np.array([limits.limit_for("momentum", float(b)) for b in line])
    keep = limit <= alpha_max
    critical = tuple((label, alphas, critical_damping(alphas, value)) for label, value in (
        ("just enough momentum, steep direction", lam[1]),
        ("just enough momentum, flat direction", lam[0])))
    return PhaseMap(alphas, betas, rates, (limit[keep], line[keep]), critical,
                    optimal_momentum(*lam), (float(limits.lr_best), 0.0,
                                             float(limits.best_factor)))


def steps_per_tenfold(rates) -> np.ndarray:
    r"""Steps needed to cut the error tenfold at each rate: :math:`\ln 10 / -\ln \rho`.

    Infinite at :math:`\rho \ge 1` (no convergence), 0 at :math:`\rho = 0`.
    """
    rho = np.asarray(rates, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(rho < 1.0, np.log(10.0) / -np.log(np.clip(rho, 0.0, 1.0)), np.inf)


def slowest_shown(phase: PhaseMap) -> float:
    """Where the colour scale ends, in steps per tenfold cut; slower runs share one colour.

    The first round number at least five times what the fastest setting without momentum
    needs, and at least 100.
    """
    plain = float(steps_per_tenfold(phase.best_plain[2]))
    return float(next((t for t in _STEP_TICKS if t >= max(100.0, 5.0 * plain)), _STEP_TICKS[-1]))


def _heat_values(rates: np.ndarray, slowest: float) -> tuple[np.ndarray, float, float]:
    """log10 of the steps per tenfold cut, capped; no convergence one notch above the cap."""
    top = np.log10(slowest)
    with np.errstate(divide="ignore"):
        z = np.log10(np.maximum(steps_per_tenfold(rates), 1.0))
    z = np.minimum(z, top)
    z[rates >= 1.0] = top + 0.15
    return z, float(z.min()), top + 0.15


def _colorscale(low: float, top: float, high: float) -> list:
    cut = (top - low) / (high - low)
    return [[0.0, "#08306B"], [0.3 * cut, COLORS["blue"]], [0.65 * cut, COLORS["sky"]],
            [cut, "#F7F7F7"],
            [0.5 * (cut + 1.0), "#F7F7F7"],  # half-way to "never": safe from rounding
            [min(0.5 * (cut + 1.0) + 1e-3, 1.0), tint(COLORS["vermillion"], 0.35)],
            [1.0, tint(COLORS["vermillion"], 0.35)]]


def _heatmap(phase: PhaseMap) -> dict:
    """The speed as a heat map; z is quantised to 0-250 (one byte a cell, a small payload)."""
    slowest = slowest_shown(phase)
    z, low, high = _heat_values(phase.rates, slowest)
    top = np.log10(slowest)
    ticks = [t for t in _STEP_TICKS if low - 1e-9 <= np.log10(t) <= top + 1e-9]
    scale = 250.0 / (high - low)
    return {
        "type": "heatmap", "x": phase.alphas.astype(np.float32),
        "y": phase.betas.astype(np.float32),
        "z": np.round((z - low) * scale).astype(np.uint8), "zmin": 0, "zmax": 250,
        "colorscale": _colorscale(low, top, high), "hoverinfo": "skip", "name": "speed",
        "colorbar": {"title": {"text": "steps to cut<br>the error 10×", "side": "top"},
                     "tickvals": [*((np.log10(ticks) - low) * scale), 250.0],
                     "ticktext": [*(f"{t:g}" for t in ticks[:-1]), f"{ticks[-1]:g}+", "never"],
                     "len": 0.9, "thickness": 16},
    }


def _click_lattice(phase: PhaseMap, every: int) -> dict:
    """Invisible points on a sub-grid: hover tells the rate, a click picks the pair.

    Points within one lattice cell of the ★ or the ◆ are left out: Plotly gives a click to
    a small marker under the mouse before a big one, so they would catch the markers' clicks.
    """
    a, b = np.meshgrid(phase.alphas[::every], phase.betas[::every])
    rates = phase.rates[::every, ::every]
    keep = np.ones(a.shape, dtype=bool)
    cell = (phase.alphas[every] - phase.alphas[0], phase.betas[every] - phase.betas[0])
    for alpha, beta, _ in (phase.best, phase.best_plain):
        keep &= (np.abs(a - alpha) >= cell[0]) | (np.abs(b - beta) >= cell[1])
    return {
        "type": "scatter", "x": a[keep].astype(np.float32), "y": b[keep].astype(np.float32),
        "mode": "markers", "marker": {"size": 12, "color": "rgba(0,0,0,0)"},
        "showlegend": False, "customdata": rates[keep].astype(np.float32), "name": "pick",
        "hovertemplate": "step size α %{x:.2f}, momentum β %{y:.2f}<br>the error is multiplied"
        " by %{customdata:.3f} per step<br>click to run it<extra></extra>",
    }


def _line(x, y, name: str, color: str, dash: str = "solid") -> dict:
    return {"type": "scatter", "x": x, "y": y, "mode": "lines", "name": name,
            "line": {"color": color, "width": 3, "dash": dash}, "hoverinfo": "skip"}


def _marker(point, name: str, symbol: str, color: str, size: int = 20) -> dict:
    alpha, beta, rate = point
    return {"type": "scatter", "x": [alpha], "y": [beta], "mode": "markers", "name": name,
            "marker": {"symbol": symbol, "size": size, "color": color,
                       "line": {"width": 2, "color": "white"}},
            "hovertemplate": f"{name}<br>α %{{x:.3f}}, β %{{y:.3f}}, error × {rate:.3f} per step"
            "<extra></extra>"}


def phase_figure(phase: PhaseMap, chosen: tuple[float, float, float], height: int = 500,
                 lattice_every: int = 4) -> go.Figure:
    """The phase diagram: how fast momentum converges for every step size and momentum.

    A heat map of the steps needed to cut the error tenfold, the stability limit, the
    critical-damping curves, the fastest pair (a star; click it to run it), the fastest
    without momentum (a diamond) and ``chosen = (alpha, beta, rate)`` (a ring).
    """
    curve_colors = (COLORS["orange"], COLORS["green"])
    data = [_heatmap(phase), _click_lattice(phase, lattice_every),
            _line(*phase.limit, "stability limit (beyond: diverges)", COLORS["vermillion"])]
    for (label, a, b), color in zip(phase.critical, curve_colors, strict=False):
        data.append(_line(a, b, label, color, "dash"))
    data += [_marker(phase.best, "fastest", "star", COLORS["black"], 24),
             _marker(phase.best_plain, "fastest without momentum", "diamond", COLORS["grey"]),
             _marker(chosen, "your setting", "circle-open", COLORS["black"], 22)]
    data[-1]["marker"]["line"] = {"width": 4, "color": COLORS["black"]}
    layout = {
        "template": TEMPLATE, "height": height, "hovermode": "closest",
        "margin": {"t": 30, "b": 60, "l": 70, "r": 20},
        "legend": {"orientation": "h", "y": -0.24, "yanchor": "top", "x": 0.0,
                   "font": {"size": FONT_SIZE - 3}},
        "xaxis": {"title": {"text": "step size α (learning rate)"},
                  "range": [float(phase.alphas[0]), float(phase.alphas[-1])], "showgrid": False},
        "yaxis": {"title": {"text": "momentum β"}, "showgrid": False,
                  "range": [float(phase.betas[0]) - 0.03, float(phase.betas[-1]) + 0.01]},
    }
    return go.Figure(data=data, layout=layout, _validate=False)


def _direction_traces(part: np.ndarray, label: str, rho: float, i: int,
                      window: tuple[float, float]) -> list[dict]:
    """One direction's loss part and its predicted pace ``part(0) rho^(2t)`` (dotted)."""
    color = (COLORS["green"], COLORS["orange"], COLORS["purple"])[i % 3]
    steps = np.arange(len(part))
    with np.errstate(over="ignore", under="ignore"):
        guide = part[0] * rho ** (2.0 * steps)
    keep = np.isfinite(guide) & (guide > window[0]) & (guide < window[1])
    return [
        {"type": "scatter", "x": steps, "y": np.maximum(part, window[0]), "mode": "lines",
         "name": label, "line": {"color": color, "width": 3},
         "hovertemplate": "step %{x}: %{y:.3g}<extra>" + label + "</extra>"},
        {"type": "scatter", "x": steps[keep], "y": guide[keep], "mode": "lines",
         "name": "dotted: the pace the map predicts", "showlegend": i == 0,
         "legendgroup": "pace", "line": {"color": color, "width": 2, "dash": "dot"},
         "hoverinfo": "skip"},
    ]


def eigen_error_figure(parts: np.ndarray, labels: Sequence[str], rates: Sequence[float],
                       height: int = 380) -> go.Figure:
    r"""Each eigen-direction's share of the loss over the steps, with the whole loss.

    ``parts`` is ``(k + 1, n)``: :math:`\tfrac12 \lambda_i c_{t,i}^2` per step and
    direction. ``rates`` are each direction's own rate :math:`\rho_i`, drawn as a dotted
    guide :math:`\text{part}_i(0)\, \rho_i^{2t}` (the loss part shrinks by
    :math:`\rho_i^2` per step). The log axis spans 14 decades below the start; a part that
    passes through zero (a ripple crossing the minimum) touches the bottom.
    """
    parts = np.asarray(parts, dtype=float)
    steps = np.arange(len(parts))
    start = float(parts[0].sum()) or 1.0
    floor = start * 1e-14
    data = []
    for i, (label, rho) in enumerate(zip(labels, rates, strict=True)):
        data += _direction_traces(parts[:, i], label, float(rho), i, (floor, start * 1e14))
    total = np.maximum(parts.sum(axis=1), floor)
    data.append({"type": "scatter", "x": steps, "y": total, "mode": "lines",
                 "name": "whole loss", "line": {"color": COLORS["black"], "width": 2,
                                                 "dash": "dash"},
                 "hovertemplate": "step %{x}: %{y:.3g}<extra>whole loss</extra>"})
    top = float(np.log10(max(total.max(), parts.max(), floor)))
    layout = {
        "template": TEMPLATE, "height": height, "hovermode": "x unified",
        "margin": {"t": 40, "b": 60},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0,
                   "font": {"size": FONT_SIZE - 3}},
        "xaxis": {"title": {"text": "step"}},
        "yaxis": {"title": {"text": "loss (log scale)"}, "type": "log",
                  "exponentformat": "power", "range": [np.log10(floor), top + 0.5]},
    }
    return go.Figure(data=data, layout=layout, _validate=False)
