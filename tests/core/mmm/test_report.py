"""Channel table validation, money formatting, CSV escaping, client explanation."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from core.mmm import (
    CPG_EXAMPLE,
    CurveBank,
    HillCurve,
    PowerCurve,
    channels_from_rows,
    optimize_budget,
    reallocation_plan,
    rows_from_channels,
)
from core.mmm.report import (
    client_explanation,
    csv_text,
    escape_cell,
    linear_vs_exact,
    md_escape,
    money,
    plan_rows,
    target_explanation,
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


def test_client_explanation_uses_the_current_numbers():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, max_moved=500_000)
    bank = CurveBank(ex.curves)
    now = bank.response(ex.spend)
    best = optimize_budget(bank, ex.spend.sum()).total_response - now.sum()
    text = client_explanation(ex.names, ex.spend, ex.marginal, plan.shift, plan.gain, best, now)
    assert "about 420 conversions" in text and "about 1,230 conversions" in text
    assert "\\$500K out of Television" in text
    assert "\\$300K to Paid search and \\$200K to Digital video" in text
    assert "241,000 extra conversions" in text
    assert "Television stays at \\$1.6M" in text
    assert "$$" not in text and "\\frac" not in text
    still = client_explanation(ex.names, ex.spend, ex.marginal, np.zeros(4), 0.0, 0.0, now)
    assert "already" in still


def test_plan_rows():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, max_moved=500_000)
    rows = plan_rows(ex.names, plan.moves)
    assert [r["To"] for r in rows] == ["Paid search"] * 3 + ["Digital video"] * 2
    assert all(r["Net conversions"] > 0 for r in rows)


def test_target_explanation():
    text = target_explanation(0.5, 6_445_422.0, 3_900_000.0, 2_100_000.0)
    assert "at least 500 conversions" in text
    assert "\\$6.45M" in text and "\\$2.55M more than today" in text
    assert "2,100,000 extra" in text
    fewer = target_explanation(2.0, 1e6, 3.9e6, -5e5)
    assert "less than today" in fewer and "fewer conversions" in fewer
