"""Where the table sits in a weekly export: delimiter, title lines, footer rows, decimal mark.

Stdlib only. Spreadsheet exports rarely start with the header and end with the last week:
there are title lines above the header, a "Total" row or notes below the data, semicolons and
decimal commas in European exports. :func:`find_table` finds the header and the weekly rows
and says in ``notes`` what it skipped; :mod:`core.mmm.fit.table` then reads the cells.

Row numbers in notes and messages are spreadsheet row numbers (the file's first line is 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field

DELIMITERS = {",": "commas", ";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}
DATE_NAMES = ("date", "week", "week_start", "week_starting", "week_ending", "period", "ds",
              "date_week", "week_of", "week_commencing")
DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y",
    "%m/%d/%y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
)
#: Lines above the header searched for it (a title, a client name, a date range...).
MAX_TITLE_LINES = 15
#: Rows after the last week that may be skipped as a total, a summary or notes.
MAX_FOOTER_ROWS = 10
_FOOTER_WORDS = re.compile(
    r"total|sum|average|mean|avg|note|source|generated|export|report|summe|gesamt|totaal|"
    r"moyenne|somme", re.IGNORECASE)
_COMMA_DECIMAL = re.compile(r"-?[€$£]?\s?(\d{1,3}(\.\d{3})+|\d+),(\d{1,2}|\d{4,})\s?[€$£]?")
_POINT_DECIMAL = re.compile(r"-?[€$£]?\s?(\d{1,3}(,\d{3})+|\d+)\.(\d{1,2}|\d{4,})\s?[€$£]?")
_DOT_THOUSANDS = re.compile(r"-?[€$£]?\s?\d{1,3}(\.\d{3})+\s?[€$£]?")


@dataclass
class TableText:
    """The header, the weekly rows and how to read them."""

    header: list[str]
    body: list[list[str]]
    first_row: int  # spreadsheet row number of body[0]
    delimiter: str
    decimal: str  # "." or ","
    notes: list[str] = field(default_factory=list)


def parse_date(cell: str, fmt: str | None = None) -> dt.date | None:
    """The date in ``cell`` in one of :data:`DATE_FORMATS` (or ``fmt``), else None."""
    for f in (fmt,) if fmt else DATE_FORMATS:
        try:
            return dt.datetime.strptime(cell.strip(), f).date()
        except ValueError:
            continue
    return None


def is_number(cell: str) -> bool:
    """Whether ``cell`` is a plain number (``float`` reads it)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def find_table(text: str) -> TableText:
    """Split the text into rows and find the header, the weekly rows and the decimal mark.

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    TableText
        Header, body rows (title lines, trailing blank and footer rows removed), the row
        number of the first body row, the delimiter, the decimal mark and notes.
    """
    rows, delimiter = split_rows(text)
    notes = [] if delimiter == "," else [f"Columns are separated by {DELIMITERS[delimiter]}."]
    width = _modal_width(rows)
    start = _header_index(rows, width, notes)
    body = rows[start + 1 :]
    end = _end_of_weeks(rows[start], body, start + 2, notes)
    decimal = decimal_mark(body[:end], delimiter, notes)
    return TableText(rows[start], body[:end], start + 2, delimiter, decimal, notes)


def split_rows(text: str) -> tuple[list[list[str]], str]:
    """Rows of the text with the delimiter that gives the most rows of one width (>= 2)."""
    best: tuple[int, str, list[list[str]]] | None = None
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as err:
            if delimiter == ",":
                raise ValueError(f"The file is not valid CSV: {err}") from None
            continue
        wide = [len(r) for r in rows if len(r) >= 2 and any(c.strip() for c in r)]
        count = Counter(wide).most_common(1)[0][1] if wide else 0
        if count and (best is None or count > best[0]):
            best = (count, delimiter, rows)
    if best is None:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        raise ValueError(
            f"Row 1 has a single column ('{first.strip()[:40]}'). Expected columns separated "
            "by commas (or semicolons): a date, conversions and one column of spend per channel."
        )
    return best[2], best[1]


def _modal_width(rows: list[list[str]]) -> int:
    counts = Counter(sum(1 for c in r if c.strip()) for r in rows)
    counts.pop(0, None)
    counts.pop(1, None)
    return counts.most_common(1)[0][0] if counts else 2


def _header_index(rows: list[list[str]], width: int, notes: list[str]) -> int:
    """The first row that fills most columns: rows above it are blank lines or a title."""
    limit = min(len(rows), MAX_TITLE_LINES + 1)
    for i in range(limit):
        filled = sum(1 for c in rows[i] if c.strip())
        if filled >= max(2, round(0.75 * width)):
            _note_skipped(rows[:i], notes)
            return i
    if not any(any(c.strip() for c in r) for r in rows):
        raise ValueError("The file has no header: every row is empty.")
    raise ValueError(
        f"No header row in the first {limit} rows: no row names {width} columns. "
        "The first row should hold the column names, e.g. date,conversions,tv,paid_search"
    )


def _note_skipped(above: list[list[str]], notes: list[str]) -> None:
    texts = [" ".join(c.strip() for c in r if c.strip()) for r in above]
    titles = [t for t in texts if t]
    if titles:
        shown = "; ".join(f"'{t[:40]}'" for t in titles[:2])
        more = " …" if len(titles) > 2 else ""
        notes.append(f"Skipped {len(above)} line(s) above the header ({shown}{more}): the "
                     f"column names are on row {len(above) + 1}.")
    elif above:
        notes.append(f"Skipped {len(above)} blank line(s) before the header.")


def _end_of_weeks(header: list[str], body: list[list[str]], first: int, notes: list[str]) -> int:
    """Number of leading body rows that are weeks: trailing blank and footer rows are cut."""
    date_col = _date_column(header, body)
    end, footers, blanks = len(body), [], 0
    while end and len(footers) <= MAX_FOOTER_ROWS:
        cells = [c.strip() for c in body[end - 1]]
        if not any(cells):
            blanks += 1
        elif _is_footer(cells, date_col, len(header)):
            footers.append((first + end - 1, next(c for c in cells if c)))
        else:
            break
        end -= 1
    if footers and not _week_row(body[end - 1] if end else [], date_col):
        end, footers, blanks = len(body), [], 0  # no week above them: leave the errors to tell
        while end and not any(c.strip() for c in body[end - 1]):
            end, blanks = end - 1, blanks + 1
    if footers:
        shown = ", ".join(f"row {r}: '{c[:30]}'" for r, c in sorted(footers)[:3])
        notes.append(f"Skipped {len(footers)} row(s) after the last week that are not weeks "
                     f"({shown}), such as a total or notes.")
    if blanks:
        notes.append(f"Ignored {blanks} empty row(s) at the end of the file.")
    return end


def _week_row(row: list[str], date_col: int | None) -> bool:
    """Whether a row can be the last week: it has a date (when the file has a date column)."""
    if not any(c.strip() for c in row):
        return False
    return date_col is None or (date_col < len(row) and parse_date(row[date_col]) is not None)


def _date_column(header: list[str], body: list[list[str]]) -> int | None:
    first = next((r for r in body if any(c.strip() for c in r)), [])
    for j, name in enumerate(header):
        cell = first[j] if j < len(first) else ""
        if name.strip().lower() in DATE_NAMES or (parse_date(cell) and not is_number(cell)):
            return j
    return None


def _is_footer(cells: list[str], date_col: int | None, width: int) -> bool:
    """A total, a summary without a date, or a note: not a week of data."""
    filled = [c for c in cells if c]
    if len(filled) == 1 and width >= 3 and not is_number(filled[0]):
        return True  # a note in one cell
    if date_col is not None:
        date = cells[date_col] if date_col < len(cells) else ""
        return not date or bool(re.search(r"[A-Za-z]", date)) and parse_date(date) is None
    return any(_FOOTER_WORDS.search(c) for c in filled if not is_number(c))


def decimal_mark(body: list[list[str]], delimiter: str, notes: list[str]) -> str:
    """``","`` when a semicolon or tab export writes decimal commas (1.234,5), else ``"."``."""
    if delimiter == ",":
        return "."
    cells = [c.strip() for r in body for c in r]
    comma = sum(1 for c in cells if _COMMA_DECIMAL.fullmatch(c))
    point = sum(1 for c in cells if _POINT_DECIMAL.fullmatch(c))
    dots = [c for c in cells if "." in c and parse_date(c) is None]
    if comma > point:
        notes.append("Numbers are written with decimal commas (1.234,5 is read as 1234.5).")
        return ","
    if len(dots) >= 3 and all(_DOT_THOUSANDS.fullmatch(c) for c in dots):
        notes.append("Dots are read as thousands separators (120.000 is read as 120000).")
        return ","
    return "."
