"""Media-mix figures: tangents match marginal returns, user text escaped, report offline."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.mmm import CPG_EXAMPLE, HillCurve, optimize_budget, reallocation_plan
from figures.media_mix import (
    allocation_figure,
    budget_line_figure,
    linear_figure,
    marginal_figure,
    response_figure,
    shift_figure,
)
from figures.media_mix_report import html_report, markdown_to_text

EX = CPG_EXAMPLE
EVIL = "<a href='http://evil'>TV</a>"


def test_tangent_slopes_are_the_marginal_returns():
    fig = response_figure(EX.names, EX.spend, EX.curves)
    tangents = next(t for t in fig.data if t.name == "tangents")
    x = np.array(tangents.x, dtype=float).reshape(4, 3)[:, :2]
    y = np.array(tangents.y, dtype=float).reshape(4, 3)[:, :2]
    for xs, ys, m, s, curve in zip(x, y, EX.marginal, EX.spend, EX.curves, strict=True):
        assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(m, rel=1e-12)
        assert np.interp(s, xs, ys) == pytest.approx(float(curve.response(s)), rel=1e-12)
    labels = [a.text for a in fig.layout.annotations]
    assert labels[0] == "Television: each extra $1K brings ≈ 420"


def test_marginal_figure_draws_the_common_level():
    best = optimize_budget(EX.curves, EX.spend.sum())
    fig = marginal_figure(EX.names, EX.spend, EX.curves, best.level, best.spend)
    level = next(t for t in fig.data if t.name == "Balanced level λ")
    np.testing.assert_allclose(level.y, best.level)
    diamonds = next(t for t in fig.data if t.name == "Balanced budget")
    np.testing.assert_allclose(diamonds.y, best.level, rtol=1e-9)
    now = next(t for t in fig.data if t.mode == "markers" and not t.showlegend)
    np.testing.assert_allclose(now.y, [0.42, 0.89, 0.61, 1.23], rtol=1e-12)


def test_bars_and_shift():
    plan = reallocation_plan(EX.curves, EX.spend, max_moved=500_000)
    fig = allocation_figure(EX.names, {"Today": EX.spend, "Plan": plan.spend})
    assert [t.name for t in fig.data] == ["Today", "Plan"]
    assert list(fig.data[1].text) == ["$1.6M", "$1M", "$600K", "$700K"]
    shift = shift_figure(EX.names, plan.shift)
    assert list(shift.data[0].text) == ["-$500K", "+$200K", "unchanged", "+$300K"]
    colors = shift.data[0].marker.color
    assert colors[0] != colors[1]


def test_linear_figure_and_budget_line():
    fig = linear_figure(np.array([0.0, 1.0]), np.array([0.0, 2.0]), np.array([0.0, 1.5]), 0.5)
    assert len(fig.data) == 2 and len(fig.layout.shapes) == 1
    line = budget_line_figure(HillCurve(100.0, 1.0, 3.0), 1.2)
    y = np.asarray(line.data[0].y)
    marks = {t.name: t for t in line.data[1:]}
    stall = marks["Equal split: where a local solver stops"]
    assert float(stall.y[0]) == pytest.approx(y.min(), rel=1e-6)  # the worst split
    best = [t for name, t in marks.items() if name.startswith("Global optimum")][0]
    assert float(best.y[0]) >= y.max() - 1e-9


def test_user_text_is_escaped_in_figures():
    names = (EVIL, "b", "c", "d")
    for fig in (
        response_figure(names, EX.spend, EX.curves),
        allocation_figure(names, {"Today": EX.spend}),
        shift_figure(names, np.zeros(4)),
    ):
        text = fig.to_json()
        assert "<a href" not in text and "&lt;a href" in text


def test_html_report_is_self_contained_and_escaped():
    figs = [response_figure(EX.names, EX.spend, EX.curves), shift_figure(EX.names, np.ones(4))]
    page = html_report(
        "Plan <b>",
        "**Television** costs \\$5 <script>x</script>",
        [("Moves", [{"From": EVIL, "$": 1.0}])],
        figs,
    )
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=", page)  # no external script
    assert page.count("plotly.js v") == 1 or page.count("Plotly") > 10  # library inlined once
    assert len(page) > 3_000_000  # plotly.js itself is inside
    assert "<script>x</script>" not in page and "&lt;script&gt;x" in page
    assert EVIL not in page and "&lt;a href=&#x27;http://evil&#x27;&gt;" in page
    assert "Television costs $5" in page


def test_markdown_to_text():
    assert markdown_to_text("**a** *b* \\$1 \\*") == "a b $1 *"
