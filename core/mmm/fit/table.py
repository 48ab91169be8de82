"""Reading and validating a client's weekly CSV (stdlib + NumPy; pandas stays in mmm_fit).

Every problem raises a ``ValueError`` whose message names the row and/or column. Row numbers
are spreadsheet row numbers: the header is row 1, the first week is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field

import numpy as np

#: Absolute values above this are rejected as implausible (a quadrillion per week).
MAX_ABS_VALUE = 1e15
#: Residual degrees of freedom the fit keeps at the very least.
MIN_DOF = 5
#: Columns whose name starts with this are controls (may be negative), e.g. ``ctrl_promo``.
CONTROL_PREFIX = "ctrl_"
DATE_NAMES = ("date", "week", "week_start", "week_starting", "week_ending", "period", "ds")
DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y",
    "%m/%d/%y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
)
DATE_FORMAT_NAMES = {"%d/%m/%Y": "day/month/year", "%m/%d/%Y": "month/day/year",
                     "%d/%m/%y": "day/month/year", "%m/%d/%y": "month/day/year"}
MISSING_TOKENS = ("nan", "na", "n/a", "#n/a", "null", "none", "#value!", "#div/0!", "#ref!")
_MONEY = re.compile(r"[$€£]?\s*-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_MAX_LISTED = 8


@dataclass
class WeeklyTable:
    """Parsed file: column names, optional dates, numeric columns and notes for the user."""

    columns: list[str]
    date_column: str | None
    dates: list[dt.date] | None
    values: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)


def parse_weekly_text(text: str) -> WeeklyTable:
    """Parse and validate CSV text: header, delimiter, cells, dates and row count.

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    WeeklyTable
        The validated columns plus notes (blank rows, date format, gaps, zero weeks).
    """
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    _check_delimiter(first)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as err:
        raise ValueError(f"The file is not valid CSV: {err}") from None
    notes: list[str] = []
    header, body = _split_header(rows, notes)
    body = _trim_blank_rows(body, notes)
    if not body:
        raise ValueError("The file has a header (row 1) but no data rows.")
    cells = _rectangular(header, body)
    table = _typed_columns(header, cells)
    table.notes = notes + table.notes
    _check_row_count(table, len(body))
    if table.dates is not None:
        table.notes += _check_dates(table.date_column, table.dates)
    table.notes += _zero_notes(table)
    return table


def _check_delimiter(first: str) -> None:
    if "," in first:
        return
    for sep, name in ((";", "semicolons (;)"), ("\t", "tabs"), ("|", "vertical bars (|)")):
        if sep in first:
            raise ValueError(
                f"Row 1 separates columns with {name}, but this tool reads comma-separated files. "
                "Save as 'CSV UTF-8 (comma delimited)' or replace the separators with commas."
            )
    raise ValueError(
        f"Row 1 has a single column ('{first.strip()[:40]}'). Expected comma-separated columns: "
        "a date, conversions and one column of spend per channel."
    )


def _split_header(rows: list[list[str]], notes: list[str]) -> tuple[list[str], list[list[str]]]:
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise ValueError("The file has no header: every row is empty.")
    if start:
        notes.append(f"Skipped {start} blank line(s) before the header.")
    header = [c.strip() for c in rows[start]]
    while header and not header[-1] and _column_blank(rows[start + 1 :], len(header) - 1):
        header.pop()  # trailing unnamed, empty columns (spreadsheet export artefact)
    if all(_is_number(c) or _parse_date(c) for c in header if c):
        example = ",".join(header[:4])
        raise ValueError(
            f"Row 1 looks like data ('{example}'), not column names: the header is missing. "
            "Add a first row such as: date,conversions,tv,paid_search"
        )
    for j, name in enumerate(header):
        if not name:
            raise ValueError(f"Row 1, column {j + 1} has no name: every column needs a header.")
    lower = [h.lower() for h in header]
    for j, name in enumerate(lower):
        if lower.index(name) != j:
            first = lower.index(name) + 1
            raise ValueError(
                f"Column '{header[j]}' appears twice (columns {first} and {j + 1}): "
                "rename or remove one of them."
            )
    return header, rows[start + 1 :]


def _column_blank(rows: list[list[str]], j: int) -> bool:
    return all(len(r) <= j or not r[j].strip() for r in rows)


def _trim_blank_rows(body: list[list[str]], notes: list[str]) -> list[list[str]]:
    blank = [not any(c.strip() for c in r) for r in body]
    end = len(body)
    while end and blank[end - 1]:
        end -= 1
    if end < len(body):
        notes.append(f"Ignored {len(body) - end} empty row(s) at the end of the file.")
    for i in range(end):
        if blank[i]:
            raise ValueError(f"Row {i + 2} is empty, between weeks: remove it or fill it in.")
    return body[:end]


def _rectangular(header: list[str], body: list[list[str]]) -> list[list[str]]:
    width = len(header)
    out = []
    for i, row in enumerate(body):
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise ValueError(
                f"Row {i + 2} has {len(row)} cells but the header has {width} columns. "
                "A cell may contain an unquoted comma (e.g. 1,234): remove thousands separators."
            )
        if len(row) < width:
            raise ValueError(
                f"Row {i + 2} has {len(row)} cells but the header has {width} columns "
                f"(missing '{header[len(row)]}')."
            )
        out.append([c.strip() for c in row[:width]])
    return out


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _parse_date(cell: str, fmt: str | None = None) -> dt.date | None:
    for f in (fmt,) if fmt else DATE_FORMATS:
        try:
            return dt.datetime.strptime(cell.strip(), f).date()
        except ValueError:
            continue
    return None


def _typed_columns(header: list[str], cells: list[list[str]]) -> WeeklyTable:
    date_col, dates, values, problems, notes = None, None, {}, [], []
    for j, name in enumerate(header):
        col = [r[j] for r in cells]
        numeric = [_number(c) for c in col]
        if all(isinstance(v, float) for v in numeric):
            values[name] = np.array(numeric, dtype=float)
            problems += _range_problems(name, values[name])
        elif date_col is None and _looks_like_dates(name, col):
            date_col = name
            dates = _dates(name, col, notes)
        else:
            problems += _cell_problems(name, col, numeric)
    if problems:
        raise ValueError(_problem_list(problems))
    if len(values) < 2:
        raise ValueError(
            "Need at least two numeric columns: conversions and one channel's spend "
            f"(found {len(values)}: {', '.join(values) or 'none'})."
        )
    return WeeklyTable(header, date_col, dates, values, notes)


def _cell_problems(name: str, col: list[str], parsed: list) -> list[str]:
    bad = [(i, msg) for i, msg in enumerate(parsed) if isinstance(msg, str)]
    if len(bad) > max(3, len(col) // 2):
        i = bad[0][0]
        return [
            f"Column '{name}' holds text, not numbers (row {i + 2}: '{col[i][:30]}'). Remove "
            "the column or keep only numbers in it (only one date column is used)."
        ]
    return [f"Row {i + 2}, column '{name}': {msg}" for i, msg in bad]


def _number(cell: str) -> float | str:
    """Parse one cell; return the float or a message saying what is wrong with it."""
    if not cell:
        return "is empty (enter 0 for a week without spend)"
    if cell.lower() in MISSING_TOKENS:
        return f"is missing ('{cell}'); enter the number, or 0 for no spend"
    try:
        value = float(cell)
    except ValueError:
        if _MONEY.fullmatch(cell):
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


def _range_problems(name: str, col: np.ndarray) -> list[str]:
    out = []
    for i in np.flatnonzero(np.abs(col) > MAX_ABS_VALUE):
        out.append(f"Row {i + 2}, column '{name}': {col[i]:.3g} is implausibly large "
                   "(over 1e15).")
    if not name.lower().startswith(CONTROL_PREFIX):
        for i in np.flatnonzero(col < 0):
            out.append(
                f"Row {i + 2}, column '{name}': {col[i]:g} is negative; spend and conversions "
                f"cannot be negative (name control columns '{CONTROL_PREFIX}...' to allow it)."
            )
    return out


def _problem_list(problems: list[str]) -> str:
    head = problems[:_MAX_LISTED]
    more = len(problems) - len(head)
    text = "\n".join(f"- {p}" for p in head)
    count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
    tail = f"\n- ... and {more} more." if more else ""
    return f"The file has {count}:\n{text}{tail}"


def _looks_like_dates(name: str, col: list[str]) -> bool:
    return name.lower() in DATE_NAMES or (bool(col) and _parse_date(col[0]) is not None)


def _dates(name: str, col: list[str], notes: list[str]) -> list[dt.date]:
    formats = [f for f in DATE_FORMATS if all(_parse_date(c, f) for c in col)]
    if not formats:
        fmt = next((f for f in DATE_FORMATS if _parse_date(col[0], f)), None)
        if fmt is None:
            raise ValueError(
                f"Row 2, column '{name}': '{col[0][:30]}' is not a date. "
                "Write dates as YYYY-MM-DD, e.g. 2024-01-01."
            )
        bad = [
            f"Row {i + 2}, column '{name}': '{c[:30]}' is not a date like the first row's "
            f"('{col[0]}')."
            for i, c in enumerate(col)
            if _parse_date(c, fmt) is None
        ]
        raise ValueError(_problem_list(bad))
    best = max(formats, key=lambda f: _weekly_share([_parse_date(c, f) for c in col]))
    if best in DATE_FORMAT_NAMES:
        notes.append(f"Dates in column '{name}' read as {DATE_FORMAT_NAMES[best]}.")
    return [_parse_date(c, best) for c in col]


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


def _check_dates(name: str, dates: list[dt.date]) -> list[str]:
    for i in range(1, len(dates)):
        if dates[i] == dates[i - 1]:
            raise ValueError(
                f"Rows {i + 1} and {i + 2} have the same date in column '{name}' ({dates[i]}): "
                "each week must appear once."
            )
        if dates[i] < dates[i - 1]:
            raise ValueError(
                f"Row {i + 2}, column '{name}': {dates[i]} is earlier than row {i + 1} "
                f"({dates[i - 1]}). Sort the rows by date, oldest first."
            )
    gaps = [(i, (dates[i] - dates[i - 1]).days) for i in range(1, len(dates))]
    odd = [(i, d) for i, d in gaps if d != 7]
    if not odd:
        return []
    i, days = odd[0]
    return [
        f"Dates are not evenly weekly in {len(odd)} place(s), first between rows {i + 1} and "
        f"{i + 2} ({days} days). Carry-over assumes consecutive weeks."
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
