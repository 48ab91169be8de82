"""Real files as they come: footers, title lines, European exports, and the columns' roles."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.mmm.fit import fit_media_mix, guess_roles, read_weekly_csv, roles_from_choices
from core.mmm.fit.table import number

ROOT = Path(__file__).resolve().parents[4]
REAL = ROOT / "tests" / "fixtures" / "real_csv"
SAMPLE = ROOT / "data" / "sample_weekly.csv"


@pytest.fixture(scope="module")
def clean():
    return read_weekly_csv(SAMPLE)


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("total_row.csv", "Skipped 1 row(s) after the last week that are not weeks (row 158: "
                          "'Total')"),
        ("blank_date_summary.csv", "Skipped 1 row(s) after the last week"),
        ("notes_footer.csv", "Skipped 2 row(s) after the last week that are not weeks (row 159: "
                             "'Notes: spend in USD"),
        ("title_lines.csv", "Skipped 3 line(s) above the header ('Weekly media report - sample "
                            "client'; 'Period: 2023-01-02 to 2025-12-22'): the column names are "
                            "on row 4"),
        ("european.csv", "decimal commas"),
    ],
)
def test_messy_exports_read_like_the_clean_file_and_say_what_was_skipped(clean, name, note):
    frame = read_weekly_csv(REAL / name)
    pd.testing.assert_frame_equal(frame, clean, check_like=False)
    notes = " ".join(frame.attrs["notes"])
    assert note in notes, notes


def test_european_export_notes_the_semicolons_and_the_total(clean):
    frame = read_weekly_csv(REAL / "european.csv")
    notes = " ".join(frame.attrs["notes"])
    assert "semicolons" in notes and "'Summe'" in notes and "day/month/year" not in notes
    assert frame.attrs["first_row"] == 3


@pytest.mark.parametrize("name", ["semicolon.csv", "tab_separated.csv"])
def test_semicolon_and_tab_files_are_read(name):
    frame = read_weekly_csv(REAL / name)
    assert list(frame.columns) == ["date", "conversions", "tv", "paid_search"]
    assert frame["conversions"].iloc[0] == 18000.0


@pytest.mark.parametrize(
    ("cell", "decimal", "value"),
    [("1.234,56", ",", 1234.56), ("1 234,5", ",", 1234.5), ("12,5 €", ",", 12.5),
     ("€1.234.567", ",", 1234567.0), ("-3,25", ",", -3.25), ("1234,5", ",", 1234.5),
     ("$12,345", ".", 12345.0), ("$1,234.50", ".", 1234.5), ("1e3", ".", 1000.0),
     ("0.5", ",", 0.5)],
)
def test_numbers_in_both_conventions(cell, decimal, value):
    assert number(cell, decimal) == pytest.approx(value)


def test_decimal_comma_in_a_comma_file_still_gets_its_message():
    assert "decimal comma" in number("123456,5", ".")


def test_row_numbers_count_the_title_lines():
    text = (REAL / "title_lines.csv").read_text().splitlines()
    cells = text[8].split(",")  # spreadsheet row 9: the fifth week
    cells[2] = "lots"
    text[8] = ",".join(cells)
    with pytest.raises(ValueError, match="Row 9, column 'tv': 'lots' is not a number"):
        read_weekly_csv("\n".join(text).encode())
    frame = read_weekly_csv((REAL / "title_lines.csv").read_bytes())
    frame.loc[3, "conversions"] = 0.0  # the model's own check names the spreadsheet row too
    with pytest.raises(ValueError, match="Row 8, column 'conversions'"):
        fit_media_mix(frame, "conversions", ["tv"], "date")


def test_only_trailing_rows_are_footers():
    rows = [f"2024-01-{1 + 7 * i:02d},{100 + i},{10 + i}" for i in range(4)]
    rows += [f"2024-02-{5 + 7 * i:02d},{110 + i},{20 + i}" for i in range(4)]
    middle = "date,conversions,tv\n" + "\n".join(rows[:4] + ["Total,1,2"] + rows[4:]) + "\n"
    with pytest.raises(ValueError, match="Row 6, column 'date'"):
        read_weekly_csv(middle.encode())
    typo = "date,conversions,tv\n" + "\n".join(rows + ["2024-13-04,1,2"]) + "\n"
    with pytest.raises(ValueError, match="Row 10, column 'date'"):
        read_weekly_csv(typo.encode())  # a mistyped last week is an error, not a footer


def test_a_title_only_file_has_a_clear_message():
    with pytest.raises(ValueError, match="single column"):
        read_weekly_csv(b"Weekly report\nnothing here yet\n")


# --- roles --------------------------------------------------------------------------------


def test_pymc_marketing_example_roles_are_guessed_like_an_analyst():
    frame = read_weekly_csv(REAL / "pymc_example.csv")
    roles = guess_roles(frame)
    assert roles["date"] == "date_week"
    assert roles["target"] == "y"
    assert roles["channels"] == ["x1", "x2"]
    assert roles["controls"] == ["event_1", "event_2", "dayofyear", "t"]
    reasons = roles["reasons"]
    assert "event" in reasons["event_1"] and "calendar" in reasons["dayofyear"]
    assert "trend" in reasons["t"] and "outcome" in reasons["y"]
    assert all(len(r) < 90 for r in reasons.values())
    fit = fit_media_mix(frame, roles["target"], roles["channels"], roles["date"],
                        roles["controls"])
    assert set(fit.elasticity) == {"x1", "x2"}
    note = next(n for n in fit.notes if "'x2'" in n)
    assert "+ 0)" not in note and f"+ {fit.offset['x2']:.3g})" in note


def test_values_alone_reveal_counters_and_calendar_columns():
    n = 120
    days = pd.date_range("2022-01-03", periods=n, freq="7D")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "week": days, "spend_a": rng.uniform(1, 5, n), "result": rng.uniform(50, 60, n),
        "wk": days.isocalendar().week.to_numpy(float), "counter": np.arange(n) * 7.0 + 3,
        "price": rng.normal(0, 1, n), "dead": np.zeros(n),
    })
    frame.attrs["date_column"] = "week"
    roles = guess_roles(frame)
    assert roles["target"] == "spend_a"  # no outcome name: the first number column
    assert "first number column" in roles["reasons"]["spend_a"]
    assert roles["roles"]["wk"] == "control" and "calendar" in roles["reasons"]["wk"]
    assert roles["roles"]["counter"] == "control" and "trend" in roles["reasons"]["counter"]
    assert roles["roles"]["price"] == "control" and "negative" in roles["reasons"]["price"]
    assert roles["roles"]["dead"] == "ignore"
    assert roles["channels"] == ["result"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"conversions": "channel"}, "exactly one target"),
        ({"tv": "target"}, "exactly one target"),
        ({c: "ignore" for c in ("tv", "digital_video", "paid_search", "social", "display",
                                "radio")}, "at least one channel"),
        ({"tv": "date"}, "Only one column can be the date"),
        ({"date": "channel"}, "Column 'date' does not hold numbers"),
        ({"tv": "sometimes"}, "'sometimes' is not a role"),
    ],
)
def test_role_choices_are_checked_with_clear_messages(clean, change, message):
    role = {**guess_roles(clean)["roles"], **change}
    with pytest.raises(ValueError, match=message):
        roles_from_choices(clean, role)


def test_role_choices_group_the_columns(clean):
    role = {**guess_roles(clean)["roles"], "radio": "ignore", "ctrl_promo": "control"}
    chosen = roles_from_choices(clean, role)
    assert chosen["target"] == "conversions" and "radio" not in chosen["channels"]
    assert chosen["controls"] == ["ctrl_promo"] and chosen["date"] == "date"
