"""Reading and validating a client's weekly CSV (stdlib + NumPy; pandas stays in the reader).

Every problem raises a ``ValueError`` whose message names the row and/or column. Row numbers
are spreadsheet row numbers: the file's first line is row 1 (the header, unless title lines
sit above it; :mod:`core.mmm.fit.layout` finds it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import numpy as np

from core.mmm.fit.layout import DATE_FORMATS, DATE_NAMES, find_table, is_number, parse_date

#: Absolute values above this are rejected as implausible (a quadrillion per week).
MAX_ABS_VALUE = 1e15
#: Residual degrees of freedom the fit keeps at the very least.
MIN_DOF = 5
#: Columns whose name starts with this are controls (may be negative), e.g. ``ctrl_promo``.
CONTROL_PREFIX = "ctrl_"
DATE_FORMAT_NAMES = {"%d/%m/%Y": "day/month/year", "%m/%d/%Y": "month/day/year",
                     "%d/%m/%y": "day/month/year", "%m/%d/%y": "month/day/year"}
MISSING_TOKENS = ("nan", "na", "n/a", "#n/a", "null", "none", "#value!", "#div/0!", "#ref!")
_MONEY = re.compile(r"[$€£]?\s*-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*[$€£]?")
_EURO_MONEY = re.compile(r"[$€£]?\s*-?(\d{1,3}([.\s\u00a0\u202f]\d{3})+|\d+)(,\d+)?\s*[$€£]?")
_MAX_LISTED = 8


@dataclass
class WeeklyTable:
    """Parsed file: column names, optional dates, numeric columns and notes for the user."""

    columns: list[str]
    date_column: str | None
    dates: list[dt.date] | None
    values: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)
    first_row: int = 2  # spreadsheet row number of the first week


def parse_weekly_text(text: str) -> WeeklyTable:
    """Parse and validate CSV text: layout, header, cells, dates and row count.

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    WeeklyTable
        The validated columns plus notes (skipped title or footer rows, delimiter, decimal
        commas, blank rows, date format, gaps, zero weeks).
    """
    found = find_table(text)
    header = _check_header(found.header, found.body, found.first_row - 1)
    body = found.body
    if not body:
        raise ValueError(f"The file has a header (row {found.first_row - 1}) but no data rows.")
    first = found.first_row
    for i, row in enumerate(body):
        if not any(c.strip() for c in row):
            raise ValueError(f"Row {first + i} is empty, between weeks: remove it or fill it in.")
    cells = _rectangular(header, body, first)
    table = _typed_columns(header, cells, first, found.decimal)
    table.notes = found.notes + table.notes
    table.first_row = first
    _check_row_count(table, len(body))
    if table.dates is not None:
        table.notes += _check_dates(table.date_column, table.dates, first)
    table.notes += _zero_notes(table)
    return table


def _check_header(header: list[str], body: list[list[str]], row: int) -> list[str]:
    header = [c.strip() for c in header]
    while header and not header[-1] and _column_blank(body, len(header) - 1):
        header.pop()  # trailing unnamed, empty columns (spreadsheet export artefact)
    if all(is_number(c) or parse_date(c) for c in header if c):
        example = ",".join(header[:4])
        raise ValueError(
            f"Row {row} looks like data ('{example}'), not column names: the header is missing. "
            "Add a first row such as: date,conversions,tv,paid_search"
        )
    for j, name in enumerate(header):
        if not name:
            raise ValueError(f"Row {row}, column {j + 1} has no name: every column needs a header.")
    lower = [h.lower() for h in header]
    for j, name in enumerate(lower):
        if lower.index(name) != j:
            first = lower.index(name) + 1
            raise ValueError(
                f"Column '{header[j]}' appears twice (columns {first} and {j + 1}): "
                "rename or remove one of them."
            )
    return header


def _column_blank(rows: list[list[str]], j: int) -> bool:
    return all(len(r) <= j or not r[j].strip() for r in rows)


def _rectangular(header: list[str], body: list[list[str]], first: int) -> list[list[str]]:
    width = len(header)
    out = []
    for i, row in enumerate(body):
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise ValueError(
                f"Row {first + i} has {len(row)} cells but the header has {width} columns. "
                "A cell may contain an unquoted comma (e.g. 1,234): remove thousands separators."
            )
        if len(row) < width:
            raise ValueError(
                f"Row {first + i} has {len(row)} cells but the header has {width} columns "
                f"(missing '{header[len(row)]}')."
            )
        out.append([c.strip() for c in row[:width]])
    return out


def _typed_columns(header: list[str], cells: list[list[str]], first: int,
                   decimal: str) -> WeeklyTable:
    date_col, dates, values, problems, notes = None, None, {}, [], []
    for j, name in enumerate(header):
        col = [r[j] for r in cells]
        numeric = [number(c, decimal) for c in col]
        serials = _excel_serials(name, numeric) if date_col is None else None
        if serials is not None:
            date_col, dates = name, serials
            notes.append(f"Column '{name}' holds Excel date serial numbers ({numeric[0]:.0f} = "
                         f"{serials[0]:%d %b %Y}): read as dates.")
        elif all(isinstance(v, float) for v in numeric):
            values[name] = np.array(numeric, dtype=float)
            problems += _range_problems(name, values[name], first)
        elif date_col is None and _looks_like_dates(name, col):
            date_col = name
            dates = _dates(name, col, notes, first)
        else:
            problems += _cell_problems(name, col, numeric, first)
    if problems:
        raise ValueError(_problem_list(problems))
    if len(values) < 2:
        raise ValueError(
            "Need at least two numeric columns: conversions and one channel's spend "
            f"(found {len(values)}: {', '.join(values) or 'none'})."
        )
    return WeeklyTable(header, date_col, dates, values, notes)


def _cell_problems(name: str, col: list[str], parsed: list, first: int) -> list[str]:
    bad = [(i, msg) for i, msg in enumerate(parsed) if isinstance(msg, str)]
    if len(bad) > max(3, len(col) // 2):
        i = bad[0][0]
        return [
            f"Column '{name}' holds text, not numbers (row {first + i}: '{col[i][:30]}'). Remove "
            "the column or keep only numbers in it (only one date column is used)."
        ]
    return [f"Row {first + i}, column '{name}': {msg}" for i, msg in bad]


def number(cell: str, decimal: str = ".") -> float | str:
    """Parse one cell; return the float or a message saying what is wrong with it.

    Parameters
    ----------
    cell : str
        The cell's text: ``1234.5``, ``$1,234.50``, ``1e6``; with ``decimal=","`` also
        ``1.234,5``, ``1 234,5`` and ``1.234,50 €``.
    decimal : {".", ","}, default "."
        The file's decimal mark.

    Returns
    -------
    float or str
        The number, or a message such as "is empty (enter 0 for a week without spend)".
    """
    if not cell:
        return "is empty (enter 0 for a week without spend)"
    if cell.lower() in MISSING_TOKENS:
        return f"is missing ('{cell}'); enter the number, or 0 for no spend"
    try:
        value = float(cell) if decimal == "." or "," not in cell else float("x")
    except ValueError:
        if decimal == "," and _EURO_MONEY.fullmatch(cell):
            value = float(re.sub(r"[$€£.\s\u00a0\u202f]", "", cell).replace(",", "."))
        elif decimal == "." and _MONEY.fullmatch(cell):
            value = float(re.sub(r"[$€£,\s]", "", cell))
        elif re.fullmatch(r"-?\d+,\d+", cell):
            return f"'{cell}' uses a decimal comma; use a point (e.g. {cell.replace(',', '.')})"
        else:
            return f"'{cell[:30]}' is not a number"
    if math.isnan(value):
        return f"is missing ('{cell}'); enter the number, or 0 for no spend"
    if math.isinf(value):
        return f"'{cell}' is infinite; enter a finite number"
    return value


def _range_problems(name: str, col: np.ndarray, first: int) -> list[str]:
    out = []
    for i in np.flatnonzero(np.abs(col) > MAX_ABS_VALUE):
        out.append(f"Row {first + i}, column '{name}': {col[i]:.3g} is implausibly large "
                   "(over 1e15).")
    if not name.lower().startswith(CONTROL_PREFIX):
        for i in np.flatnonzero(col < 0):
            out.append(
                f"Row {first + i}, column '{name}': {col[i]:g} is negative; spend and "
                f"conversions cannot be negative (name control columns '{CONTROL_PREFIX}...' "
                "to allow it)."
            )
    return out


def _problem_list(problems: list[str]) -> str:
    head = problems[:_MAX_LISTED]
    more = len(problems) - len(head)
    text = "\n".join(f"- {p}" for p in head)
    count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
    tail = f"\n- ... and {more} more." if more else ""
    return f"The file has {count}:\n{text}{tail}"


#: Excel counts days from 30 Dec 1899; serials in this range are 1954-10-03 to 2119-01-08.
EXCEL_EPOCH, EXCEL_SERIALS = dt.date(1899, 12, 30), (20_000, 80_000)


def _excel_serials(name: str, numeric: list) -> list[dt.date] | None:
    """Dates stored as Excel serial numbers (a date column formatted as a number), else None.

    Only under a date-like name, and only whole numbers in the range above, so that a week
    index (1, 2, 3, ...) or a spend column is never taken for dates.
    """
    if name.lower() not in DATE_NAMES or not numeric:
        return None
    lo, hi = EXCEL_SERIALS
    if not all(isinstance(v, float) and v.is_integer() and lo <= v <= hi for v in numeric):
        return None
    return [EXCEL_EPOCH + dt.timedelta(days=int(v)) for v in numeric]


def _looks_like_dates(name: str, col: list[str]) -> bool:
    return name.lower() in DATE_NAMES or (bool(col) and parse_date(col[0]) is not None)


def _dates(name: str, col: list[str], notes: list[str], first: int) -> list[dt.date]:
    formats = [f for f in DATE_FORMATS if all(parse_date(c, f) for c in col)]
    if not formats:
        fmt = next((f for f in DATE_FORMATS if parse_date(col[0], f)), None)
        if fmt is None:
            raise ValueError(
                f"Row {first}, column '{name}': '{col[0][:30]}' is not a date. "
                "Write dates as YYYY-MM-DD, e.g. 2024-01-01."
            )
        bad = [
            f"Row {first + i}, column '{name}': '{c[:30]}' is not a date like the first row's "
            f"('{col[0]}')."
            for i, c in enumerate(col)
            if parse_date(c, fmt) is None
        ]
        raise ValueError(_problem_list(bad))
    best = max(formats, key=lambda f: _weekly_share([parse_date(c, f) for c in col]))
    if best in DATE_FORMAT_NAMES:
        notes.append(f"Dates in column '{name}' read as {DATE_FORMAT_NAMES[best]}.")
    return [parse_date(c, best) for c in col]


def _weekly_share(dates: list[dt.date]) -> float:
    gaps = [(b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False)]
    return sum(gaps) / max(len(gaps), 1)


def _check_row_count(table: WeeklyTable, n_rows: int) -> None:
    n_params = len(table.values)  # intercept + every numeric column except conversions
    needed = n_params + MIN_DOF
    if n_rows < needed:
        raise ValueError(
            f"Only {n_rows} data row(s). With {len(table.values)} numeric columns the model has at "
            f"least {n_params} parameters, so it needs at least {needed} weekly rows "
            "(two years or more is recommended)."
        )


def _check_dates(name: str, dates: list[dt.date], first: int) -> list[str]:
    for i in range(1, len(dates)):
        row, previous = first + i, first + i - 1
        if dates[i] == dates[i - 1]:
            raise ValueError(
                f"Rows {previous} and {row} have the same date in column '{name}' ({dates[i]}): "
                "each week must appear once."
            )
        if dates[i] < dates[i - 1]:
            raise ValueError(
                f"Row {row}, column '{name}': {dates[i]} is earlier than row {previous} "
                f"({dates[i - 1]}). Sort the rows by date, oldest first."
            )
    gaps = [(i, (dates[i] - dates[i - 1]).days) for i in range(1, len(dates))]
    odd = [(i, d) for i, d in gaps if d != 7]
    if not odd:
        return []
    i, days = odd[0]
    return [
        f"Dates are not evenly weekly in {len(odd)} place(s), first between rows {first + i - 1} "
        f"and {first + i} ({days} days). Carry-over assumes consecutive weeks."
    ]


def _zero_notes(table: WeeklyTable) -> list[str]:
    notes = []
    for name, col in table.values.items():
        zeros = int(np.sum(col == 0))
        if zeros and not name.lower().startswith(CONTROL_PREFIX):
            notes.append(
                f"Column '{name}' is 0 in {zeros} of {col.size} weeks; those weeks are kept."
            )
    return notes
