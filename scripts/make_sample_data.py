"""Make data/sample_weekly.csv: three years of weekly spend and conversions with a known truth.

Deterministic (seeded). The data follow the model of core/mmm_fit.py exactly, written out here
independently of that module so that the recovery test compares two implementations:

    log y_t = log(BASE) + sum_i b_i log(a_it + c_i) + seasonality_t + PROMO * promo_t + noise_t
    a_it = x_it + theta_i a_i,t-1,   c_i = 0.1 * mean_t(a_it),   b_i = 1.1 * elasticity_i

so each channel's elasticity at average carried-over spend is exactly TRUE_ELASTICITY[i].

Usage: python scripts/make_sample_data.py
(rewrites data/sample_weekly.csv, data/sample_truth.json and data/template.csv)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

SEED = 20261126
WEEKS = 156
START = dt.date(2023, 1, 2)  # a Monday
CHANNELS = ("tv", "digital_video", "paid_search", "social", "display", "radio")
TRUE_ELASTICITY = {
    "tv": 0.18,
    "digital_video": 0.12,
    "paid_search": 0.15,
    "social": 0.07,
    "display": 0.04,
    "radio": 0.03,
}
TRUE_DECAY = {
    "tv": 0.7,
    "digital_video": 0.4,
    "paid_search": 0.1,
    "social": 0.5,
    "display": 0.2,
    "radio": 0.3,
}
STRONG = ("tv", "digital_video", "paid_search")
OFFSET_FRACTION = 0.1
BASE = 20_000.0  # conversions per week at average spend and season (about)
PROMO_EFFECT = 0.10
NOISE_SD = 0.035
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = """date,conversions,tv,paid_search,social,ctrl_promo
2024-01-01,18250,120000,40000,25000,0
2024-01-08,19410,0,42000,27500,1
2024-01-15,18980,95000,38500,26000,0
"""


def spend_patterns(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weekly spend per channel in dollars: flighted TV and radio, noisy always-on digital."""
    t = np.arange(WEEKS)
    season = np.sin(2 * np.pi * t / (365.25 / 7))
    flights = (t // 5) % 2 == 0  # TV on five weeks, off five weeks
    tv = np.where(flights, 150_000 * rng.lognormal(0, 0.35, WEEKS), 0.0)
    radio = np.where(rng.random(WEEKS) < 0.6, 20_000 * rng.lognormal(0, 0.3, WEEKS), 0.0)
    return {
        "tv": tv,
        "digital_video": 60_000 * rng.lognormal(0, 0.45, WEEKS) * (1 + 0.002 * t),
        "paid_search": 40_000 * rng.lognormal(0, 0.4, WEEKS) * (1 + 0.15 * season),
        "social": 30_000 * rng.lognormal(0, 0.45, WEEKS),
        "display": 25_000 * rng.lognormal(0, 0.45, WEEKS),
        "radio": radio,
    }


def adstock(x: np.ndarray, theta: float) -> np.ndarray:
    """Geometric carry-over a_t = x_t + theta * a_(t-1), starting from zero."""
    out, carry = np.empty_like(x), 0.0
    for i, value in enumerate(x):
        carry = value + theta * carry
        out[i] = carry
    return out


def generate(seed: int = SEED) -> dict[str, np.ndarray]:
    """Columns of the sample data set (spend rounded to dollars, conversions to units)."""
    rng = np.random.default_rng(seed)
    spend = {k: np.round(v) for k, v in spend_patterns(rng).items()}
    t = np.arange(WEEKS)
    angle = 2 * np.pi * t / (365.25 / 7)
    log_y = np.log(BASE) + 0.12 * np.sin(angle) + 0.06 * np.cos(angle) + 0.03 * np.sin(2 * angle)
    promo = (rng.random(WEEKS) < 0.12).astype(float)
    log_y += PROMO_EFFECT * promo + NOISE_SD * rng.standard_normal(WEEKS)
    for name in CHANNELS:
        stock = adstock(spend[name], TRUE_DECAY[name])
        b = (1 + OFFSET_FRACTION) * TRUE_ELASTICITY[name]
        # dividing by the mean only moves the intercept; it keeps BASE a weekly level
        log_y += b * np.log((stock + OFFSET_FRACTION * stock.mean()) / stock.mean())
    return {"conversions": np.round(np.exp(log_y)), **spend, "ctrl_promo": promo}


def to_csv(columns: dict[str, np.ndarray]) -> str:
    """CSV text with a date column first."""
    names = list(columns)
    lines = [",".join(["date", *names])]
    for i in range(WEEKS):
        day = START + dt.timedelta(weeks=i)
        lines.append(",".join([day.isoformat(), *(f"{columns[n][i]:.0f}" for n in names)]))
    return "\n".join(lines) + "\n"


def truth_json() -> str:
    """The known truth of the sample, for the page's "true value" markers."""
    return json.dumps({"seed": SEED, "elasticity": TRUE_ELASTICITY, "decay": TRUE_DECAY,
                       "promo_effect": PROMO_EFFECT, "noise_sd": NOISE_SD}, indent=2) + "\n"


def main() -> None:
    (ROOT / "data").mkdir(exist_ok=True)
    (ROOT / "data" / "sample_weekly.csv").write_text(to_csv(generate()), encoding="utf-8")
    (ROOT / "data" / "template.csv").write_text(TEMPLATE, encoding="utf-8")
    (ROOT / "data" / "sample_truth.json").write_text(truth_json(), encoding="utf-8")
    print("wrote data/sample_weekly.csv, data/sample_truth.json and data/template.csv")


if __name__ == "__main__":
    main()
