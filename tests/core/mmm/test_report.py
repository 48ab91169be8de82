"""Channel table validation, money formatting, CSV escaping, client explanation."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from core.mmm import (
    CPG_EXAMPLE,
    HillCurve,
    PowerCurve,
    channels_from_rows,
    reallocation_plan,
    rows_from_channels,
)
from core.mmm.report import (
    count,
    csv_text,
    escape_cell,
    formatted,
    linear_vs_exact,
    md_escape,
    money,
    plan_rows,
    summary_rows,
)


def _cpg_rows():
    ex = CPG_EXAMPLE
    return rows_from_channels(ex.names, ex.spend, ex.curves)


def test_rows_round_trip_to_the_same_curves():
    channels = channels_from_rows(_cpg_rows())
    assert channels.names == CPG_EXAMPLE.names
    for mine, theirs in zip(channels.curves, CPG_EXAMPLE.curves, strict=True):
        assert mine.elasticity == theirs.elasticity
        assert mine.scale == pytest.approx(theirs.scale, rel=1e-14)
    hill = HillCurve.from_marginal(5e5, 0.8, 4e5, 2.5)
    rows = rows_from_channels(["TV", "Social"], [1e6, 5e5], [PowerCurve(30.0, 0.45), hill])
    back = channels_from_rows(rows)
    assert back.curves[1].vmax == pytest.approx(hill.vmax, rel=1e-12)
    assert back.curves[0].scale == pytest.approx(30.0, rel=1e-12)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"spend": -1.0}, re.escape("row 1 (Television), Spend ($): must be positive")),
        ({"spend": "1e5x"}, "is not a number"),
        ({"marginal": float("nan")}, "found NaN"),
        ({"marginal": float("inf")}, "finite"),
        ({"name": ""}, "needs a name"),
        ({"curve": "Cubic"}, "choose one of"),
        ({"shape": 0.0}, "must be positive"),
        ({"min": 3e6, "max": 2e6}, "min spend ≤ max spend"),
        ({"min": 3e6}, "outside its min / max"),
    ],
)
def test_bad_rows_name_row_and_column(change, words):
    rows = _cpg_rows()
    rows[0] = rows[0] | change
    with pytest.raises(ValueError, match=words):
        channels_from_rows(rows)


def test_table_level_errors():
    with pytest.raises(ValueError, match="empty"):
        channels_from_rows([])
    with pytest.raises(ValueError, match="empty"):
        channels_from_rows([dict.fromkeys(_cpg_rows()[0])])
    rows = _cpg_rows()
    rows[1]["name"] = "Television"
    with pytest.raises(ValueError, match="unique"):
        channels_from_rows(rows)
    rows = _cpg_rows()
    for row, low in zip(rows, (2.1e6, 8e5, 6e5, 5e5), strict=True):
        row["min"] = low
    with pytest.raises(ValueError, match="minimum spends add up to \\$4,000,000"):
        channels_from_rows(rows)


def test_money_formatting():
    assert [money(x) for x in (2.1e6, 8e5, 4e5, -5e5, 950, 1.5e9)] == [
        "$2.1M",
        "$800K",
        "$400K",
        "-$500K",
        "$950",
        "$1.5B",
    ]


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (999_600.0, "$1M"),  # rounds up into the next unit, never "$1e+03K"
        (999.6, "$1K"),
        (1_234_567.0, "$1.23M"),
        (0.0, "$0"),
        (-0.3, "$0"),  # no "-$0"
        (float("inf"), "no limit"),
    ],
)
def test_money_edges(amount, shown):
    assert money(amount) == shown


def test_money_is_ascii_with_the_sign_first():
    assert money(-800_000) == "-$800K" and "\u2212" not in money(-800_000)
    assert money(300_000, signed=True) == "+$300K"
    assert money(0, signed=True) == "$0"


def test_count_rounds_as_people_say_it():
    assert [count(x) for x in (12_345, 1_234, 49.04, 4.04)] == ["12,300", "1,230", "49", "4.0"]
    assert [count(x) for x in (241_123, 10_448, 99_960, 1_234_567)] == [
        "241,000", "10,400", "100,000", "1,230,000"]
    assert count(15_112, signed=True) == "+15,100"
    assert [count(x) for x in (np.inf, -np.inf, np.nan)] == ["∞", "-∞", "–"]
    assert count(-5_341, signed=True) == "-5,340"
    assert count(0.0, signed=True) == "0.0"


def test_formatted_rows_use_the_one_money_formatter():
    rows = [{"Channel": "TV", "Spend today ($)": 1_500_000, "Change ($)": -300_000,
             "Conversions per extra $1K today": 49.04, "Note": None, "Step": 3}]
    assert formatted(rows) == [{"Channel": "TV", "Spend today ($)": "$1.5M",
                                "Change ($)": "-$300K", "Conversions per extra $1K today": "49",
                                "Note": "", "Step": "3"}]


def test_summary_keeps_numbers_numeric_with_the_currency_in_the_header():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, max_moved=500_000)
    rows = summary_rows(ex.names, ex.curves, ex.spend, plan.spend)
    assert list(rows[0]) == ["Channel", "Spend today ($)", "Spend in the plan ($)", "Change ($)",
                             "Conversions per extra $1K today",
                             "Conversions per extra $1K in the plan"]
    assert rows[0]["Spend today ($)"] == 2_100_000 and isinstance(rows[0]["Change ($)"], int)
    assert [r["Change ($)"] for r in rows] == [-500_000, 200_000, 0, 300_000]
    assert rows[3]["Conversions per extra $1K today"] == pytest.approx(1230.0)
    text = csv_text(list(rows[0]), [list(r.values()) for r in rows])
    assert "\r\nTelevision,2100000,1600000,-500000,420.0," in text  # whole dollars, no ".0"


@pytest.mark.parametrize("dangerous", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tX", "\rX"])
def test_csv_escapes_formula_cells(dangerous):
    text = csv_text(["Channel", "Change ($)"], [[dangerous, -500000.0], ["TV", 3]])
    cells = list(csv.reader(io.StringIO(text, newline="")))
    assert cells[1][0] == "'" + dangerous
    assert cells[1][1] == "-500000.0"  # numbers we wrote stay numbers
    assert cells[2] == ["TV", "3"]


def test_escape_cell_leaves_safe_values():
    assert escape_cell("Television") == "Television"
    assert escape_cell(-1.5) == -1.5
    assert escape_cell(None) == ""


def test_markdown_escape_neutralises_links_and_math():
    shown = md_escape("[click](http://x) $5 **b**")
    assert "\\[" in shown and "\\$" in shown and "\\*" in shown


def test_linear_vs_exact_agree_for_small_moves_and_diverge_for_large():
    ex = CPG_EXAMPLE
    direction = np.array([-1.0, 0.0, 0.0, 1.0])
    scales = np.array([0.0, 1e3, 1e6])
    linear, exact = linear_vs_exact(ex.curves, ex.spend, direction, scales)
    assert linear[1] == pytest.approx(810.0)
    assert exact[1] == pytest.approx(linear[1], rel=2e-3)
    assert exact[2] < 0.5 * linear[2]
    assert linear[0] == exact[0] == 0.0


def test_linear_vs_exact_matches_the_curves_one_scale_at_a_time():
    ex = CPG_EXAMPLE
    direction = np.array([-1.0, 0.5, 0.0, 0.5])
    scales = np.linspace(0.0, 3e6, 7)  # the last ones floor Television's spend at zero
    linear, exact = linear_vs_exact(ex.curves, ex.spend, direction, scales)
    for t, lin, ex_t in zip(scales, linear, exact, strict=True):
        moved = np.maximum(ex.spend + t * direction, 0.0)
        change = sum(float(c.response(m)) - float(c.response(s))
                     for c, m, s in zip(ex.curves, moved, ex.spend, strict=True))
        assert ex_t == pytest.approx(change, rel=1e-12, abs=1e-6)
        assert lin == pytest.approx(t * float(np.dot(ex.marginal, direction)), rel=1e-12)


def test_plan_rows():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, max_moved=500_000)
    rows = plan_rows(ex.names, plan.moves)
    assert [r["To"] for r in rows] == ["Paid search"] * 3 + ["Digital video"] * 2
    assert all(r["Net conversions"] > 0 for r in rows)
    assert rows[0]["Amount ($)"] == 100_000 and isinstance(rows[0]["Amount ($)"], int)
