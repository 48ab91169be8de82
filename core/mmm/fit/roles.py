"""What each column of a weekly file is for, guessed the way an analyst would (NumPy only).

A column is the ``date``, the ``target`` (conversions), a ``channel`` (media spend), a
``control`` (an event flag, a trend, a calendar column, a price) or ``ignore``. The guess
comes with a one-line reason per column so that a person can check it, and
:func:`check_roles` validates whatever the person then chooses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

ROLES = ("date", "target", "channel", "control", "ignore")
TARGET_NAMES = ("conversions", "sales", "orders", "revenue", "leads", "units", "kpi", "y",
                "target", "signups", "sign_ups", "installs", "bookings", "transactions",
                "purchases", "applications", "registrations")
CALENDAR_NAMES = ("dayofyear", "day_of_year", "doy", "weekofyear", "week_of_year", "weeknum",
                  "week_number", "week_no", "weekno", "isoweek", "month", "month_of_year",
                  "quarter", "year", "dayofweek", "day_of_week", "weekday", "day")
TREND_NAMES = ("t", "time", "trend", "time_index", "week_index", "index", "counter")
CONTROL_PREFIX = "ctrl_"


@dataclass(frozen=True)
class RoleGuess:
    """A role and a one-line reason per column, in the file's column order."""

    role: dict[str, str]
    reason: dict[str, str]

    def columns(self, role: str) -> list[str]:
        """The columns with this role, in file order."""
        return [c for c, r in self.role.items() if r == role]


def guess_column_roles(columns, numeric: dict[str, np.ndarray], date: str | None) -> RoleGuess:
    """Guess each column's role from its name and values.

    Parameters
    ----------
    columns : sequence of str
        Every column, in file order.
    numeric : dict of str to numpy.ndarray
        The numeric columns' values.
    date : str or None
        The date column, if the reader found one.

    Returns
    -------
    RoleGuess
        Event flags (only 0 and 1), trends (counting up evenly), calendar columns (day of
        year, week number, month) and columns with negative values are controls; the target
        is the first column named like an outcome (conversions, sales, y...), else the first
        remaining number column; the other non-negative columns are channels.
    """
    role, reason = {}, {}
    for name in columns:
        if name == date:
            role[name], reason[name] = "date", "dates, one row per week"
        elif name not in numeric:
            role[name], reason[name] = "ignore", "not numbers"
        else:
            role[name], reason[name] = _numeric_role(name, np.asarray(numeric[name], float))
    named = [c for c in columns if c in numeric and c != date and _key(c) in TARGET_NAMES]
    open_columns = [c for c in columns if role[c] == "channel"]
    if named:
        role[named[0]] = "target"
        reason[named[0]] = f"named like an outcome ('{named[0]}')"
    elif open_columns:
        role[open_columns[0]] = "target"
        reason[open_columns[0]] = ("the first number column (no column is named like "
                                   "conversions or sales)")
    return RoleGuess(role, reason)


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _numeric_role(name: str, values: np.ndarray) -> tuple[str, str]:
    key = _key(name)
    finite = values[np.isfinite(values)]
    if key.startswith(CONTROL_PREFIX):
        return "control", f"named {CONTROL_PREFIX}…: a control"
    if finite.size and np.all((finite == 0) | (finite == 1)):
        if np.all(finite == 0):
            return "ignore", "always 0"
        return "control", "only 0 and 1: an event or promotion flag"
    if key in CALENDAR_NAMES or (key not in TREND_NAMES and _calendar(finite)):
        return "control", "a calendar column (the model's seasonality covers the yearly cycle)"
    if key in TREND_NAMES or _counter(finite):
        return "control", "counts up evenly week by week: a trend"
    if finite.size and finite.min() < 0:
        return "control", "has negative values: not spend (a price, a temperature…)"
    if finite.size and np.all(finite == 0):
        return "ignore", "always 0"
    return "channel", "non-negative amounts: media spend"


def _counter(values: np.ndarray) -> bool:
    """Strictly increasing by one constant step: a week counter."""
    if values.size < 3:
        return False
    steps = np.diff(values)
    return bool(steps[0] > 0 and np.allclose(steps, steps[0]))


def _calendar(values: np.ndarray) -> bool:
    """Whole numbers in 0-366 that step evenly and wrap around (day of year, week number)."""
    if values.size < 8 or not np.allclose(values, np.round(values)):
        return False
    if values.min() < 0 or values.max() > 366:
        return False
    steps = np.diff(values)
    resets = steps < 0
    if not resets.any() or resets.mean() > 0.1:
        return False
    forward = steps[~resets]
    return bool(forward.size and np.allclose(forward, np.median(forward), atol=1.0))


def check_roles(role: dict[str, str], numeric: set[str]) -> dict:
    """Validate a person's role choices and return them grouped.

    Parameters
    ----------
    role : dict of str to str
        Column -> one of :data:`ROLES`.
    numeric : set of str
        The columns that hold numbers.

    Returns
    -------
    dict
        ``{"date": str | None, "target": str, "channels": [...], "controls": [...]}``.

    Raises
    ------
    ValueError
        Naming the column: an unknown role, no or two targets, no channel, two dates, or a
        column without numbers used as target, channel or control.
    """
    for name, value in role.items():
        if value not in ROLES:
            raise ValueError(f"Column '{name}': '{value}' is not a role "
                             f"(choose {', '.join(ROLES)}).")
        if value in ("target", "channel", "control") and name not in numeric:
            raise ValueError(f"Column '{name}' does not hold numbers, so it cannot be a {value}: "
                             "set it to ignore.")
    grouped = {r: [c for c, v in role.items() if v == r] for r in ROLES}
    if len(grouped["target"]) != 1:
        found = ", ".join(f"'{c}'" for c in grouped["target"]) or "none"
        raise ValueError(f"Choose exactly one target (conversions) column; now {found}.")
    if not grouped["channel"]:
        raise ValueError("Choose at least one channel (a column of media spend).")
    if len(grouped["date"]) > 1:
        raise ValueError("Only one column can be the date; now "
                         + ", ".join(f"'{c}'" for c in grouped["date"]) + ".")
    return {"date": (grouped["date"] or [None])[0], "target": grouped["target"][0],
            "channels": grouped["channel"], "controls": grouped["control"]}
