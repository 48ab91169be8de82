"""Excel workbooks (.xlsx) read through the same rules as a CSV, checked against the CSV itself."""

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from core.mmm.fit import read_weekly_csv
from core.mmm.fit.workbook import MAX_ROWS
from tests.fixtures.workbooks import SAMPLE, client_export, sample_rows, saved


def test_a_workbook_reads_as_its_csv():
    """Same frame as the CSV: dates, every number, the columns; the sheet is named in notes."""
    from_csv = read_weekly_csv(SAMPLE)
    from_xlsx = read_weekly_csv(client_export())
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
    notes = " ".join(from_xlsx.attrs["notes"])
    assert "Read sheet 'Weekly' of the workbook. Left out: 'Notes'" in notes
    assert "Skipped 2 line(s) above the header ('Client X: weekly media report')" in notes
    assert "(row 160: 'Total')" in notes  # the table reader's own notes, spreadsheet row numbers
    assert from_xlsx.attrs["date_column"] == "date"
    assert from_xlsx.attrs["first_row"] == 4  # the spreadsheet's row number of the first week


def test_an_upload_is_recognised_by_content_not_name():
    data = client_export()
    upload = io.BytesIO(data)
    upload.name = "weekly.csv"  # a workbook renamed .csv is read too
    assert len(read_weekly_csv(upload)) == len(sample_rows()) - 1


def test_an_empty_first_sheet_is_passed_over():
    rows = sample_rows()
    book = Workbook()
    book.active.title = "Cover"
    data_sheet = book.create_sheet("Data")
    for row in rows:
        data_sheet.append(row)  # dates and numbers stored as text: read like a CSV's
    frame = read_weekly_csv(saved(book))
    pd.testing.assert_frame_equal(frame, read_weekly_csv(SAMPLE))
    assert frame.attrs["notes"][0] == "Read sheet 'Data' of the workbook. Left out: 'Cover' " \
        "(only one sheet is read)."


def test_formulas_without_saved_results_are_named():
    """openpyxl, like many programs, writes formulas without their results."""
    rows = sample_rows()[:20]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.active["C5"] = "=C4*2"
    book.active["D9"] = "=SUM(D2:D8)"
    with pytest.raises(ValueError, match=r"2 cells hold formulas whose results were never saved "
                                         r"\(C5, D9\)"):
        read_weekly_csv(saved(book))


def test_formulas_are_found_in_a_table_placed_from_column_b():
    book = Workbook()
    for i, row in enumerate(sample_rows()[:20]):
        for j, value in enumerate(row):
            book.active.cell(row=1 + i, column=2 + j, value=value)
    book.active["D5"] = "=D4*2"
    with pytest.raises(ValueError, match=r"1 cells hold formulas whose results were never saved "
                                         r"\(D5\)"):
        read_weekly_csv(saved(book))


def test_broken_and_empty_workbooks_get_their_own_message():
    data = client_export()
    with pytest.raises(ValueError, match="not a complete one"):
        read_weekly_csv(data[: len(data) // 2])
    with pytest.raises(ValueError, match="no filled cells in any visible sheet"):
        read_weekly_csv(saved(Workbook()))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(ValueError, match=r"zip archive, as an Excel workbook \(.xlsx\) is, but it could not be opened"):
        read_weekly_csv(archive.getvalue())


def test_a_small_file_that_unpacks_to_gigabytes_is_refused_unread():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(archive.getvalue()) < 200_000
    with pytest.raises(ValueError, match="unpacks to 60 MB; the limit is 50 MB"):
        read_weekly_csv(archive.getvalue())


def test_far_more_rows_than_weekly_data_is_refused():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Log")
    for i in range(MAX_ROWS + 1):
        sheet.append([i])
    with pytest.raises(ValueError, match=f"more than {MAX_ROWS:,} rows"):
        read_weekly_csv(saved(book))


def test_a_table_placed_from_column_b_reads_as_the_csv():
    book = Workbook()
    for i, row in enumerate(sample_rows()):
        for j, value in enumerate(row):
            book.active.cell(row=3 + i, column=2 + j, value=value)
    frame = read_weekly_csv(saved(book))
    pd.testing.assert_frame_equal(frame, read_weekly_csv(SAMPLE))
    assert frame.attrs["first_row"] == 4  # the spreadsheet's own row numbers


def serial_rows() -> list[list[str]]:
    """The sample with its dates as Excel writes them in a cell formatted as a number."""
    rows = sample_rows()
    epoch = dt.date(1899, 12, 30)  # Excel's day 0 (day 60 is its fictitious 29 Feb 1900)
    body = [[str((dt.date.fromisoformat(r[0]) - epoch).days), *r[1:]] for r in rows[1:]]
    return [rows[0], *body]


def test_excel_date_serials_are_read_as_dates():
    rows = serial_rows()
    assert rows[1][0] == "44928"  # =DATEVALUE("2023-01-02") in Excel
    text = "\n".join(",".join(r) for r in rows)
    frame = read_weekly_csv(text.encode())
    pd.testing.assert_frame_equal(frame, read_weekly_csv(SAMPLE))
    assert "Column 'date' holds Excel date serial numbers (44928 = 02 Jan 2023): read as " \
        "dates." in frame.attrs["notes"]


def test_a_week_index_is_not_taken_for_dates():
    rows = sample_rows()
    text = "\n".join(",".join([("week" if i == 0 else str(i)), *r[1:]])
                     for i, r in enumerate(rows))
    frame = read_weekly_csv(text.encode())
    assert frame.attrs["date_column"] is None and frame["week"].iloc[-1] == len(rows) - 1


def test_a_hidden_sheet_is_never_the_table():
    book = Workbook()
    book.active.title = "Lookup"
    book.active.append(["code", "value"])
    book.active.append([1, 2])
    book.active.sheet_state = "hidden"
    data = book.create_sheet("Weekly")
    for row in sample_rows():
        data.append(row)
    frame = read_weekly_csv(saved(book))
    assert frame.attrs["notes"][0].startswith("Read sheet 'Weekly' of the workbook. Left out: "
                                              "'Lookup'")
    assert len(frame) == len(sample_rows()) - 1
