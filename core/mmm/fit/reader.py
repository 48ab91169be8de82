"""The data-loading boundary of the media-mix fit: a weekly CSV in, a pandas frame out.

The parsing and validation happen in :mod:`core.mmm.fit.source` (bytes and encodings) and
:mod:`core.mmm.fit.table` (cells, dates, rows); this module only assembles the frame and
guesses each column's role. pandas is used here and in :mod:`core.mmm.fit.model`, nowhere else
in :mod:`core`.
"""

from __future__ import annotations

import pandas as pd

from core.mmm.fit.source import decode_text, read_source_bytes
from core.mmm.fit.table import CONTROL_PREFIX, parse_weekly_text

TARGET_NAMES = ("conversions", "sales", "orders", "revenue", "leads", "units", "kpi")


def read_weekly_csv(source) -> pd.DataFrame:
    """Read and validate a weekly CSV of spend per channel and conversions.

    Parameters
    ----------
    source : str, os.PathLike, bytes or file-like
        A path, raw bytes or an uploaded file (anything with ``getvalue()`` or ``read()``).

    Returns
    -------
    pandas.DataFrame
        One row per week in file order; the date column (if any) as datetime64, the others as
        float. ``frame.attrs["notes"]`` lists what the reader noticed (zero-spend weeks, blank
        rows at the end, uneven dates) and ``frame.attrs["date_column"]`` names the date column.

    Raises
    ------
    ValueError
        With a message naming the row (spreadsheet numbering: header = row 1) or the column:
        empty file, spreadsheet or UTF-16 saved as .csv, non-UTF-8 bytes, wrong delimiter,
        missing or duplicated header, text/NaN/inf/huge/negative cells, too few rows,
        duplicated or unsorted dates.
    """
    table = parse_weekly_text(decode_text(read_source_bytes(source)))
    data = {}
    for name in table.columns:
        if name == table.date_column:
            data[name] = pd.to_datetime(pd.Series(table.dates, dtype="object"))
        else:
            data[name] = table.values[name]
    frame = pd.DataFrame(data)
    frame.attrs["notes"] = list(table.notes)
    frame.attrs["date_column"] = table.date_column
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
        ``{"date": str | None, "target": str, "channels": [...], "controls": [...]}``; the
        target is the first column named like conversions/sales/..., else the first numeric
        column; controls are the columns named ``ctrl_...``.
    """
    date = frame.attrs.get("date_column")
    if date is None:
        date = next((c for c in frame if pd.api.types.is_datetime64_any_dtype(frame[c])), None)
    numeric = [c for c in frame if c != date and pd.api.types.is_numeric_dtype(frame[c])]
    named = [c for c in numeric if c.lower() in TARGET_NAMES]
    target = (named or numeric or [None])[0]
    controls = [c for c in numeric if c != target and c.lower().startswith(CONTROL_PREFIX)]
    channels = [c for c in numeric if c not in controls and c != target]
    return {"date": date, "target": target, "channels": channels, "controls": controls}
