"""An Excel workbook (.xlsx) as the text of a weekly CSV, so one reader handles both.

The sheet's cells become comma-separated text: dates as ISO dates, numbers as plain numbers,
text as it is. Everything a spreadsheet export carries around the table (title lines, a blank
row, a "Total" row below) is then found by :mod:`core.mmm.fit.table`, exactly as for a CSV.
openpyxl reads the file here and nowhere else in :mod:`core`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from openpyxl import load_workbook

#: Workbooks are zip archives: the unpacked size is checked before anything is read, so that a
#: small file cannot unpack to gigabytes. Weekly data for a few years unpacks to well under 1 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: More rows or columns than this is not a weekly table (and reading them would be slow).
MAX_ROWS, MAX_COLUMNS = 20_000, 200


def is_workbook(data: bytes) -> bool:
    """Whether the bytes start like a zip archive, the container of an .xlsx workbook."""
    return data[:4] == b"PK\x03\x04"


def workbook_text(data: bytes) -> tuple[str, list[str]]:
    """The first visible sheet that holds cells, as CSV text, and what was noticed on the way.

    Parameters
    ----------
    data : bytes
        The content of an .xlsx file.

    Returns
    -------
    text : str
        The sheet as comma-separated text, one line per row.
    notes : list of str
        Which sheet was read, and the other sheets that were left out.

    Raises
    ------
    ValueError
        When the file is not a readable workbook, unpacks to too much, has no cells, has
        formulas whose results were never saved, or is far larger than weekly data.
    """
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds (zip, XML, key) for a broken file
        raise ValueError(
            "The file is a zip archive, as an Excel workbook (.xlsx) is, but it could not be "
            f"opened as a workbook ({type(err).__name__}). If it is a workbook, open it in "
            "Excel and save it again; if it is a zipped CSV, unzip it first."
        ) from None
    try:
        names = list(book.sheetnames)
        visible = [n for n in names if book[n].sheet_state == "visible"]
        for name in visible:  # a hidden sheet (a lookup, a pivot cache) is never the table
            rows = _sheet_rows(book[name], name)
            if rows:
                _check_formulas(data, book[name], rows)
                return _as_csv(rows), _sheet_notes(name, names)
    finally:
        book.close()
    raise ValueError("The workbook has no filled cells in any visible sheet.")


def _check_formulas(data: bytes, values, rows: list[list[str]]) -> None:
    """Refuse formulas without a saved result: they would read as empty cells.

    A workbook written by a program rather than saved by Excel keeps its formulas but not
    their results. Only looked for when the table has empty cells: a second, formula view of
    the sheet is read beside the ``values`` one, cell by cell.
    """
    if all(all(row) for row in rows):
        return
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = [
            formula.coordinate
            for formulas, shown in zip(book[values.title].iter_rows(), values.iter_rows(),
                                       strict=False)
            for formula, value in zip(formulas, shown, strict=False)
            if isinstance(formula.value, str) and formula.value.startswith("=")
            and value.value is None
        ]
    finally:
        book.close()
    if found:
        shown = ", ".join(found[:3]) + (f" and {len(found) - 3:,} more" if len(found) > 3 else "")
        raise ValueError(
            f"Sheet '{values.title}': {len(found):,} cells hold formulas whose results were never saved "
            f"({shown}), so they have no value to read. The workbook was probably written by a "
            "program: open it in Excel and save it, or save the sheet as CSV."
        )


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise ValueError(
            "The file starts like an Excel workbook (.xlsx) but is not a complete one: it may "
            "have been cut off while saving or uploading. Save it again and upload it again."
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(
            f"The workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB; the limit is "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. Weekly data for a few years unpacks to "
            "well under 1 MB: check that this is the right file."
        )


def _sheet_rows(sheet, name: str) -> list[list[str]]:
    """The sheet's cells as text, without the empty columns around the table.

    Empty rows after the table are dropped; those above it stay, so that row numbers in
    messages are the spreadsheet's own.
    """
    rows: list[list[str]] = []
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if index > MAX_ROWS:
            raise ValueError(f"Sheet '{name}' has more than {MAX_ROWS:,} rows: weekly data for "
                             "a few years has a few hundred. Check that this is the right file.")
        cells = [_cell_text(value) for value in row[:MAX_COLUMNS + 1]]
        if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
            raise ValueError(f"Sheet '{name}' has more than {MAX_COLUMNS} columns: is this the "
                             "weekly table (one column per channel)?")
        rows.append(cells)
    while rows and not any(rows[-1]):
        rows.pop()
    filled = [[i for i, c in enumerate(r) if c] for r in rows]
    width = max((f[-1] + 1 for f in filled if f), default=0)
    lead = min((f[0] for f in filled if f), default=0)  # a table placed from column B or later
    return [(r + [""] * (width - len(r)))[lead:width] for r in rows] if width else []


def _cell_text(value) -> str:
    """One cell as CSV text: ISO dates, plain numbers (no thousands separators), text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _sheet_notes(name: str, names: list[str]) -> list[str]:
    others = [n for n in names if n != name]
    note = f"Read sheet '{name}' of the workbook."
    if others:
        note += " Left out: " + ", ".join(f"'{n}'" for n in others) + " (only one sheet is read)."
    return [note]
