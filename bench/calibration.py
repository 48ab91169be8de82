"""Calibration study of the media-mix fit: do its 95 % intervals cover the truth 95 % of the time.

Several hundred seeded synthetic histories shaped like agency data are fitted with
:func:`core.mmm.fit.fit_media_mix`; the reported intervals are checked against the truth the
histories were made with. The generator is written here, independently of the model code:

- 104-156 weeks, 3-6 channels, yearly seasonality, a 0/1 promotion control;
- spend log-normal AR(1) per channel; about half the channels flighted, off 20-45 % of the
  weeks in runs of a few weeks;
- carry-over rates 0-0.8, elasticities 0.03-0.25, noise (sd of log conversions) 0.02-0.1;
- in half the histories carry-over is already running before week 1: the same spend process
  ran for two years before the data start, and only the last weeks are shown;
- half the histories follow the offset form ``b log(a + 0.1 mean(a))`` (the model's own), half
  a pure power law ``e log(a)`` for the always-on channels (a flighted channel's carried-over
  spend can reach zero, where a pure power law would send conversions to zero, so flighted
  channels keep the offset form in every history).

``python -m bench.calibration`` prints the full table; ``run(quick)`` gives the benchmark rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.mmm.fit import fit_media_mix, response_curves

SEED = 20261113
HISTORIES = 400
WEEKS_PER_YEAR = 365.25 / 7
PRE_WEEKS = 104  # weeks of spend before week 1 when carry-over is already running
BASE = 10_000.0
OFFSET = 0.1


@dataclass(frozen=True)
class History:
    """One synthetic client: the weekly frame and the truth it was made with."""

    frame: pd.DataFrame
    channels: tuple[str, ...]
    elasticity: np.ndarray  # at mean carried-over spend
    decay: np.ndarray
    marginal: np.ndarray  # conversions per $ at steady mean spend, average season
    flighted: np.ndarray  # bool per channel: off some weeks
    running: bool  # carry-over running before week 1
    form: str  # "offset" or "power"
    noise: float


def carry(spend: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """Geometric carry-over from zero, written out independently of core.mmm.fit.adstock."""
    out = np.zeros_like(spend)
    level = np.zeros(spend.shape[1])
    for t in range(spend.shape[0]):
        level = spend[t] + decay * level
        out[t] = level
    return out


def spend_paths(rng: np.random.Generator, weeks: int, flighted: np.ndarray) -> np.ndarray:
    """Log-normal AR(1) spend per channel; flighted channels off 20-45 % of weeks in runs."""
    n_ch = flighted.size
    level = rng.uniform(np.log(5_000), np.log(200_000), n_ch)
    phi, sd = rng.uniform(0.3, 0.9, n_ch), rng.uniform(0.2, 0.5, n_ch)
    log_x = np.empty((weeks, n_ch))
    log_x[0] = level + sd / np.sqrt(1 - phi**2) * rng.standard_normal(n_ch)
    for t in range(1, weeks):
        log_x[t] = level + phi * (log_x[t - 1] - level) + sd * rng.standard_normal(n_ch)
    spend = np.round(np.exp(log_x))
    for j in np.flatnonzero(flighted):
        spend[:, j] *= _flights(rng, weeks, rng.uniform(0.2, 0.45))
    return spend


def _flights(rng: np.random.Generator, weeks: int, off_share: float) -> np.ndarray:
    """On/off pattern: runs of 2-6 weeks off, on-runs sized to hit ``off_share`` on average."""
    mean_off = rng.uniform(2, 6)
    mean_on = mean_off * (1 - off_share) / off_share
    on = np.ones(weeks)
    t, is_on = int(rng.integers(0, 4)), True
    while t < weeks:
        run = max(1, int(round(rng.exponential(mean_on if is_on else mean_off))))
        if not is_on:
            on[t : t + run] = 0.0
        t, is_on = t + run, not is_on
    return on


def make_history(rng: np.random.Generator, running: bool, form: str, rho: float = 0.0) -> History:
    """One history; ``running`` and ``form`` are set by the caller so that they balance.

    ``rho`` is the week-to-week correlation of the noise (0: independent weeks).
    """
    weeks, n_ch = int(rng.integers(104, 157)), int(rng.integers(3, 7))
    flighted = rng.random(n_ch) < 0.5
    decay = rng.uniform(0.0, 0.8, n_ch)
    elasticity = rng.uniform(0.03, 0.25, n_ch)
    noise = float(rng.uniform(0.02, 0.1))
    pre = PRE_WEEKS if running else 0
    spend = spend_paths(rng, pre + weeks, flighted)
    stock = carry(spend, decay)[pre:]
    spend = spend[pre:]
    power = (form == "power") & ~flighted & (stock.min(axis=0) > 0)
    t = np.arange(weeks)
    angle = 2 * np.pi * (t + rng.uniform(0, WEEKS_PER_YEAR)) / WEEKS_PER_YEAR
    season = rng.uniform(0.03, 0.15) * np.sin(angle) + rng.uniform(0, 0.05) * np.cos(2 * angle)
    promo = (rng.random(weeks) < 0.1).astype(float)
    mean_stock = stock.mean(axis=0)
    terms = np.where(power, elasticity * np.log(stock / mean_stock),
                     (1 + OFFSET) * elasticity * np.log((stock + OFFSET * mean_stock) / mean_stock))
    log_y = np.log(BASE) + season + 0.08 * promo + terms.sum(axis=1)
    log_y += noise * ar1_noise(rng, weeks, rho)
    names = tuple(f"ch{j + 1}" for j in range(n_ch))
    frame = pd.DataFrame({"y": np.round(np.exp(log_y)), **dict(zip(names, spend.T, strict=True)),
                          "promo": promo})
    marginal = _true_marginal(spend, decay, elasticity, power, mean_stock, 0.08 * promo.mean(),
                              noise)
    return History(frame, names, elasticity, decay, marginal, flighted, running, form, noise)


def ar1_noise(rng: np.random.Generator, weeks: int, rho: float) -> np.ndarray:
    """Unit-variance noise with lag-one correlation ``rho`` (stationary from the first week)."""
    shocks = rng.standard_normal(weeks)
    out = np.empty(weeks)
    out[0] = shocks[0]
    for t in range(1, weeks):
        out[t] = rho * out[t - 1] + np.sqrt(1 - rho**2) * shocks[t]
    return out


def _true_marginal(spend, decay, elasticity, power, mean_stock, controls, noise) -> np.ndarray:
    """D E[conversions] / d spend at steady mean spend, average season (per week, incl. carry)."""
    steady = spend.mean(axis=0) / (1 - decay)
    c = OFFSET * mean_stock
    log_level = np.where(power, elasticity * np.log(steady / mean_stock),
                         (1 + OFFSET) * elasticity * np.log((steady + c) / mean_stock))
    y = np.exp(np.log(BASE) + controls + log_level.sum() + noise**2 / 2)
    slope = np.where(power, elasticity / steady, (1 + OFFSET) * elasticity / (steady + c))
    return y * slope / (1 - decay)


def histories(count: int, seed: int = SEED, rho: tuple[float, float] = (0.0, 0.0)
              ) -> list[History]:
    """``count`` histories from one seeded generator; start state and form alternate.

    ``rho`` is the range the noise's week-to-week correlation is drawn from.
    """
    rng = np.random.default_rng(seed)
    return [make_history(rng, running=i % 2 == 1, form=("offset", "power")[(i // 2) % 2],
                         rho=float(rng.uniform(*rho)))
            for i in range(count)]


@dataclass
class Study:
    """Per (history, channel) outcomes of one calibration run, and the time of each fit."""

    hits_e: list = field(default_factory=list)
    hits_d: list = field(default_factory=list)
    err_e: list = field(default_factory=list)
    rel_marginal: list = field(default_factory=list)
    groups: dict = field(default_factory=dict)
    fit_ms: list = field(default_factory=list)
    cpu_ms: list = field(default_factory=list)
    failures: int = 0


def study(items: list[History], holdout_weeks: int = 0, **fit_options) -> Study:
    """Fit every history and record interval hits, errors and times (wall and CPU)."""
    out = Study()
    for h in items:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            fit = fit_media_mix(h.frame, "y", h.channels, controls=["promo"],
                                holdout_weeks=holdout_weeks, **fit_options)
        except ValueError:
            out.failures += 1
            continue
        out.fit_ms.append(1000 * (time.perf_counter() - wall))
        out.cpu_ms.append(1000 * (time.process_time() - cpu))
        curves = response_curves(fit, window=len(h.frame))
        for j, name in enumerate(h.channels):
            lo, hi = fit.ci[name]
            dlo, dhi = fit.decay_ci[name]
            out.hits_e.append(lo <= h.elasticity[j] <= hi)
            out.hits_d.append(dlo - 1e-9 <= h.decay[j] <= dhi + 1e-9)
            out.err_e.append(fit.elasticity[name] - h.elasticity[j])
            out.rel_marginal.append(abs(curves.marginal[j] / h.marginal[j] - 1))
            for key, value in _labels(h, j).items():
                out.groups.setdefault((key, value), []).append(len(out.hits_e) - 1)
    return out


def _labels(h: History, j: int) -> dict[str, str]:
    d = h.decay[j]
    return {
        "start": "running before week 1" if h.running else "zero in week 1",
        "zero-spend weeks": "flighted (off weeks)" if h.flighted[j] else "always on",
        "decay": "0-0.27" if d < 0.8 / 3 else "0.27-0.53" if d < 1.6 / 3 else "0.53-0.8",
        "noise": "0.02-0.047" if h.noise < 0.02 + 0.08 / 3 else
                 "0.047-0.073" if h.noise < 0.02 + 0.16 / 3 else "0.073-0.1",
        "form": "offset form" if h.form == "offset" else "power law (always-on channels)",
    }


def summary(result: Study) -> dict:
    """Coverage overall and per subgroup, bias, RMSE, marginal error and time per fit."""
    e, d = np.array(result.hits_e), np.array(result.hits_d)
    err = np.array(result.err_e)
    out = {
        "pairs": int(e.size), "failures": result.failures,
        "coverage_elasticity": float(e.mean()), "coverage_decay": float(d.mean()),
        "bias": float(err.mean()), "rmse": float(np.sqrt(np.mean(err**2))),
        "median_abs_error": float(np.median(np.abs(err))),
        "marginal_median_rel_error": float(np.median(result.rel_marginal)),
        "fit_ms_median": float(np.median(result.fit_ms)),
        "cpu_ms_median": float(np.median(result.cpu_ms)),
        "groups": {},
    }
    for (key, value), idx in sorted(result.groups.items()):
        idx = np.array(idx)
        out["groups"][f"{key}: {value}"] = {
            "n": int(idx.size), "elasticity": float(e[idx].mean()), "decay": float(d[idx].mean()),
            "rmse": float(np.sqrt(np.mean(err[idx] ** 2))),
        }
    return out


def table(columns: dict[str, dict]) -> str:
    """Summaries side by side as a Markdown table (one column per summary)."""
    names = list(columns)
    first = columns[names[0]]
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]

    def add(label: str, get) -> None:
        lines.append(f"| {label} | " + " | ".join(get(columns[n]) for n in names) + " |")

    add("coverage, elasticity (decay)", lambda s: f"{s['coverage_elasticity']:.3f} "
        f"({s['coverage_decay']:.3f})")
    for group in first["groups"]:
        add(f"&nbsp;&nbsp;{group}", lambda s, g=group: f"{s['groups'][g]['elasticity']:.3f} "
            f"({s['groups'][g]['decay']:.3f})")
    add("elasticity bias / RMSE", lambda s: f"{s['bias']:+.4f} / {s['rmse']:.4f}")
    for group in ("start: zero in week 1", "start: running before week 1"):
        if group in first["groups"]:
            add(f"&nbsp;&nbsp;RMSE, {group}", lambda s, g=group: f"{s['groups'][g]['rmse']:.4f}")
    add("elasticity median abs. error", lambda s: f"{s['median_abs_error']:.4f}")
    add("marginal return at mean spend, median rel. error",
        lambda s: f"{100 * s['marginal_median_rel_error']:.1f} %")
    add("time per fit, median wall (CPU)",
        lambda s: f"{s['fit_ms_median']:.0f} ms ({s['cpu_ms_median']:.0f} ms)")
    return "\n".join(lines)


def _row(what: str, s: dict, note: str) -> dict:
    worst = min(s["groups"].items(), key=lambda kv: kv[1]["elasticity"])
    text = (f"{note}coverage elasticity {s['coverage_elasticity']:.3f}, decay "
            f"{s['coverage_decay']:.3f}; worst subgroup '{worst[0]}' "
            f"{worst[1]['elasticity']:.3f}; RMSE {s['rmse']:.4f}")
    return {"what": what, "median_ms": s["fit_ms_median"], "p95_ms": None, "target_ms": 100,
            "note": text, **{k: v for k, v in s.items() if k != "groups"},
            "groups": s["groups"]}


def studies(quick: bool) -> dict[str, dict]:
    """The default fit and the alternatives it was chosen over, on the same histories."""
    items = histories(12 if quick else HISTORIES)
    half = items[: max(6, len(items) // 2)]
    autocorrelated = histories(6 if quick else 150, seed=SEED + 1, rho=(0.3, 0.6))
    return {
        "default (start estimated, intervals auto)": summary(study(items)),
        "start at zero": summary(study(half, start="zero")),
        "start at the first weeks' steady state": summary(study(half, start="steady")),
        "autocorrelated noise, classical intervals": summary(
            study(autocorrelated, covariance="classical")),
        "autocorrelated noise, auto (Newey-West)": summary(study(autocorrelated)),
        "default with the 13-week hold-out refit": summary(study(items[:20], holdout_weeks=13)),
    }


def before(quick: bool = False) -> dict[str, dict]:
    """The studies a fit without ``start`` or ``covariance`` options can run (an older fit)."""
    items = histories(12 if quick else HISTORIES)
    autocorrelated = histories(6 if quick else 150, seed=SEED + 1, rho=(0.3, 0.6))
    return {
        "before": summary(study(items)),
        "before, autocorrelated noise": summary(study(autocorrelated)),
        "before with the 13-week hold-out refit": summary(study(items[:20], holdout_weeks=13)),
    }


def run(quick: bool) -> list[dict]:
    """Benchmark rows: each study's coverage (note and fields) and its median time per fit."""
    results = studies(quick)
    return [_row(f"calibration: {name}", s, f"{s['pairs']} estimates; ")
            for name, s in results.items()]


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--before"]:  # PYTHONPATH=<checkout of an older core>:. python -m ...
        for name, result in before().items():
            print(table({name: result}), end="\n\n")
        raise SystemExit
    found = studies(quick=False)
    print(table(dict(list(found.items())[:3])))
    print()
    print(table(dict(list(found.items())[3:5])))
    print()
    full = found["default with the 13-week hold-out refit"]
    print(f"full fit with hold-out: {full['fit_ms_median']:.0f} ms wall, "
          f"{full['cpu_ms_median']:.0f} ms CPU (median of 20)")
