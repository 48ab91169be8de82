"""Make data/sample_weekly.csv: three years of weekly spend and conversions with a known truth.

Deterministic (seeded). The data follow the model of core/mmm_fit.py exactly, written out here
independently of that module so that the recovery test compares two implementations:

    log y_t = log(BASE) + sum_i b_i log(a_it + c_i) + seasonality_t + PROMO * promo_t + noise_t
    a_it = x_it + theta_i a_i,t-1,   c_i = 0.1 * mean_t(a_it),   b_i = 1.1 * elasticity_i

so each channel's elasticity at average carried-over spend is exactly TRUE_ELASTICITY[i].

It also writes the messy-but-valid test files of tests/fixtures/real_csv/ (a "Total" row,
notes under the data, title lines above the header, a European export with semicolons and
decimal commas) and a copy of PyMC-Marketing's published example file, built from its column
description (date_week, y, x1, x2, event_1, event_2, dayofyear, t).

Usage: python scripts/make_sample_data.py
(rewrites data/sample_weekly.csv, data/sample_truth.json, data/template.csv and the fixtures)
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


def _euro(value: float) -> str:
    """1234567.5 -> '1.234.567,50' (German/French spreadsheet style)."""
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def messy_files() -> dict[str, str]:
    """Valid files the way spreadsheets export them, each built from the sample data."""
    columns = generate()
    names = list(columns)
    clean = to_csv(columns)
    totals = ",".join(f"{columns[n].sum():.0f}" for n in names)
    europe = ["date;" + ";".join(names)]
    for i in range(WEEKS):
        day = START + dt.timedelta(weeks=i)
        europe.append(";".join([day.strftime("%d.%m.%Y"),
                                *(_euro(columns[n][i]) for n in names)]))
    return {
        "total_row.csv": clean + f"Total,{totals}\n",
        "blank_date_summary.csv": clean + f",{totals}\n,,,,,,,,\n",
        "notes_footer.csv": clean + "\nNotes: spend in USD, conversions from the CRM\n"
                                    "Source: agency export 2026-01-05\n",
        "title_lines.csv": "Weekly media report - sample client\n"
                           "Period: 2023-01-02 to 2025-12-22,,,,,,,,\n\n" + clean,
        "european.csv": "Mediaplan Wochenbericht;;;;;;;;\n" + "\n".join(europe)
                        + f"\nSumme;{';'.join(_euro(columns[n].sum()) for n in names)}\n",
        "pymc_example.csv": pymc_example(),
    }


def pymc_example(weeks: int = 179, seed: int = 42) -> str:
    """A file shaped like PyMC-Marketing's example: spend scaled to 0-1, events, day of year."""
    rng = np.random.default_rng(seed)
    start = dt.date(2018, 4, 2)
    days = [start + dt.timedelta(weeks=i) for i in range(weeks)]
    x1 = np.where(rng.random(weeks) > 0.3, rng.uniform(0.05, 1.0, weeks), 0.0)
    x2 = np.where(rng.random(weeks) > 0.6, rng.uniform(0.3, 1.0, weeks), 0.0)
    event_1 = np.array([d == dt.date(2019, 5, 6) for d in days], dtype=int)
    event_2 = np.array([d == dt.date(2020, 9, 14) for d in days], dtype=int)
    doy = np.array([d.timetuple().tm_yday for d in days])
    t = np.arange(weeks)
    stock1, stock2 = adstock(x1, 0.4), adstock(x2, 0.2)
    log_y = (np.log(5000) + 0.002 * t + 0.1 * np.sin(2 * np.pi * doy / 365.25)
             + 0.12 * np.log(stock1 + 0.1 * stock1.mean()) + 0.06 * np.log(stock2 + 0.1 *
             stock2.mean()) + 0.15 * event_1 - 0.1 * event_2 + 0.03 * rng.standard_normal(weeks))
    lines = ["date_week,y,x1,x2,event_1,event_2,dayofyear,t"]
    for i in range(weeks):
        lines.append(f"{days[i].isoformat()},{np.exp(log_y[i]):.6f},{x1[i]:.6f},{x2[i]:.6f},"
                     f"{event_1[i]},{event_2[i]},{doy[i]},{t[i]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    fixtures = ROOT / "tests" / "fixtures" / "real_csv"
    fixtures.mkdir(parents=True, exist_ok=True)
    for name, text in messy_files().items():
        (fixtures / name).write_text(text, encoding="utf-8")
    (ROOT / "data").mkdir(exist_ok=True)
    (ROOT / "data" / "sample_weekly.csv").write_text(to_csv(generate()), encoding="utf-8")
    (ROOT / "data" / "template.csv").write_text(TEMPLATE, encoding="utf-8")
    (ROOT / "data" / "sample_truth.json").write_text(truth_json(), encoding="utf-8")
    print("wrote data/sample_weekly.csv, data/sample_truth.json, data/template.csv and "
          "tests/fixtures/real_csv/")


if __name__ == "__main__":
    main()
