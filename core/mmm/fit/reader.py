"""The data-loading boundary of the media-mix fit: a weekly CSV in, a pandas frame out.

The parsing and validation happen in :mod:`core.mmm.fit.source` (bytes and encodings) and
:mod:`core.mmm.fit.table` (cells, dates, rows); this module only assembles the frame and
guesses each column's role. pandas is used here and in :mod:`core.mmm.fit.model`, nowhere else
in :mod:`core`.
"""

from __future__ import annotations

import pandas as pd

from core.mmm.fit.roles import check_roles, guess_column_roles
from core.mmm.fit.source import decode_text, read_source_bytes
from core.mmm.fit.table import parse_weekly_text
from core.mmm.fit.workbook import is_workbook, workbook_text


def read_weekly_csv(source) -> pd.DataFrame:
    """Read and validate a weekly CSV (or an .xlsx workbook) of spend and conversions.

    Parameters
    ----------
    source : str, os.PathLike, bytes or file-like
        A path, raw bytes or an uploaded file (anything with ``getvalue()`` or ``read()``).
        An .xlsx workbook (recognised by its content, whatever its name) is read from its
        first visible sheet with cells, through the same rules as a CSV
        (:func:`core.mmm.fit.workbook.workbook_text`).

    Returns
    -------
    pandas.DataFrame
        One row per week in file order; the date column (if any) as datetime64, the others as
        float. ``frame.attrs["notes"]`` lists what the reader noticed (title lines above the
        header, footer rows such as a total, semicolons and decimal commas, zero-spend weeks,
        uneven dates), ``frame.attrs["date_column"]`` names the date column and
        ``frame.attrs["first_row"]`` is the spreadsheet row number of the first week.

    Raises
    ------
    ValueError
        With a message naming the row (spreadsheet numbering: header = row 1) or the column:
        empty file, spreadsheet or UTF-16 saved as .csv, non-UTF-8 bytes, wrong delimiter,
        missing or duplicated header, text/NaN/inf/huge/negative cells, too few rows,
        duplicated or unsorted dates.
    """
    raw = read_source_bytes(source)
    sheet_notes: list[str] = []
    if isinstance(raw, bytes) and is_workbook(raw):
        text, sheet_notes = workbook_text(raw)
    else:
        text = decode_text(raw)
    table = parse_weekly_text(text)
    data = {}
    for name in table.columns:
        if name == table.date_column:
            data[name] = pd.to_datetime(pd.Series(table.dates, dtype="object"))
        else:
            data[name] = table.values[name]
    frame = pd.DataFrame(data)
    frame.attrs["notes"] = [*sheet_notes, *table.notes]
    frame.attrs["date_column"] = table.date_column
    frame.attrs["first_row"] = table.first_row
    return frame


def guess_roles(frame: pd.DataFrame) -> dict:
    """Guess which columns are the date, the target, the channels and the controls.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from :func:`read_weekly_csv`.

    Returns
    -------
    dict
        ``{"date": str | None, "target": str | None, "channels": [...], "controls": [...],
        "ignored": [...], "roles": {column: role}, "reasons": {column: one-line reason}}``;
        see :func:`core.mmm.fit.roles.guess_column_roles` for the rules (event flags, trends
        and calendar columns are controls; the target by name, else by position).
    """
    date = frame.attrs.get("date_column")
    if date is None:
        date = next((c for c in frame if pd.api.types.is_datetime64_any_dtype(frame[c])), None)
    numeric = {c: frame[c].to_numpy(float) for c in frame
               if c != date and pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    guess = guess_column_roles(list(frame.columns), numeric, date)
    return {
        "date": date,
        "target": (guess.columns("target") or [None])[0],
        "channels": guess.columns("channel"),
        "controls": guess.columns("control"),
        "ignored": guess.columns("ignore"),
        "roles": dict(guess.role),
        "reasons": dict(guess.reason),
    }


def roles_from_choices(frame: pd.DataFrame, role: dict[str, str]) -> dict:
    """Validate role choices for ``frame`` (see :func:`core.mmm.fit.roles.check_roles`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The data.
    role : dict of str to str
        Column -> role, for every column.

    Returns
    -------
    dict
        ``{"date", "target", "channels", "controls"}`` ready for :func:`fit_media_mix`.
    """
    missing = [c for c in frame.columns if c not in role]
    if missing:
        raise ValueError(f"Column '{missing[0]}' has no role.")
    numeric = {c for c in frame if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    chosen = check_roles(role, numeric)
    date = chosen["date"]
    if date is not None and not pd.api.types.is_datetime64_any_dtype(frame[date]):
        raise ValueError(f"Column '{date}' does not hold dates, so it cannot be the date.")
    return chosen
