"""Media-mix figures: one money format on axes and labels, user text escaped, report offline."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from core.mmm import CPG_EXAMPLE, HillCurve, optimize_budget, reallocation_plan
from figures.media_mix import (
    allocation_figure,
    budget_line_figure,
    marginal_figure,
    money_axis,
    shift_figure,
)
from figures.media_mix_report import html_report, markdown_to_text
from figures.theme import PRESENTER_MIN_FONT, presenter_layout
from tests.app.helpers import decode_array

EX = CPG_EXAMPLE
EVIL = "<a href='http://evil'>TV</a>"


def _valid(fig: go.Figure) -> dict:
    """The figure passes Plotly's own validation (the builders skip it for speed); its JSON."""
    return decode_array(json.loads(go.Figure(fig.to_dict()).to_json()))


def test_money_axis_ticks_read_like_the_labels():
    axis = money_axis(-850_000, 850_000, ticks=4, signed=True)
    assert axis["ticktext"] == ["-$500K", "$0", "+$500K"]
    assert money_axis(0, 2_400_000)["ticktext"] == ["$0", "$500K", "$1M", "$1.5M", "$2M"]
    assert not any("−" in t or "k" in t for t in money_axis(0, 3e6)["ticktext"])


def test_marginal_figure_draws_the_balanced_return_per_thousand():
    best = optimize_budget(EX.curves, EX.spend.sum())
    fig = marginal_figure(EX.names, EX.spend, EX.curves, best.level, best.spend)
    spec = _valid(fig)
    level = next(t for t in spec["data"] if t.get("name") == "Balanced return")
    np.testing.assert_allclose(level["y"], 1000 * best.level)
    diamonds = next(t for t in spec["data"] if t.get("name") == "Balanced budget")
    np.testing.assert_allclose(diamonds["y"], 1000 * best.level, rtol=1e-9)
    now = next(t for t in spec["data"] if t.get("mode") == "markers" and not t.get("showlegend"))
    np.testing.assert_allclose(now["y"], [420, 890, 610, 1230], rtol=1e-12)
    assert "λ" not in str(spec) and spec["layout"]["xaxis"]["ticktext"][0] == "$0"
    learner = marginal_figure(EX.names, EX.spend, EX.curves, best.level, best.spend,
                              level_name="Balanced return (λ)")
    assert any(t.name == "Balanced return (λ)" for t in learner.data)


@pytest.mark.parametrize("scenarios", [2, 3, 4])
def test_every_bar_keeps_its_money_label(scenarios):
    plan = reallocation_plan(EX.curves, EX.spend, max_moved=500_000)
    series = dict(list({"Today": EX.spend, "Plan": plan.spend, "Balanced": EX.spend * 1.1,
                        "Target return": EX.spend * 1.3}.items())[:scenarios])
    spec = _valid(allocation_figure(EX.names, series))
    assert [t["name"] for t in spec["data"]] == list(series)
    assert spec["data"][1]["text"] == ["$1.6M", "$1M", "$600K", "$700K"]
    assert all(t["constraintext"] == "none" and t["textangle"] == -90 for t in spec["data"])
    assert "uniformtext" not in spec["layout"]  # never shrunk out of sight
    assert spec["layout"]["yaxis"]["ticktext"][-1].startswith("$")


def test_shift_labels_and_axis_agree():
    plan = reallocation_plan(EX.curves, EX.spend, max_moved=500_000)
    spec = _valid(shift_figure(EX.names, plan.shift))
    bar = spec["data"][0]
    assert bar["text"] == ["-$500K", "+$200K", "unchanged", "+$300K"]
    assert "-$500K" in spec["layout"]["xaxis"]["ticktext"]
    assert bar["marker"]["color"][0] != bar["marker"]["color"][1]


def test_presenter_mode_makes_every_text_at_least_18_px():
    plan = reallocation_plan(EX.curves, EX.spend, max_moved=500_000)
    for fig in (allocation_figure(EX.names, {"Today": EX.spend, "Plan": plan.spend}),
                shift_figure(EX.names, plan.shift),
                marginal_figure(EX.names, EX.spend, EX.curves, 0.5, EX.spend)):
        spec = presenter_layout(fig, 640).to_dict()
        layout = spec["layout"]
        assert layout["font"]["size"] >= PRESENTER_MIN_FONT
        for axis in ("xaxis", "yaxis"):
            assert layout[axis]["tickfont"]["size"] >= PRESENTER_MIN_FONT
        for trace in spec["data"]:
            if "text" in trace:
                assert trace["textfont"]["size"] >= PRESENTER_MIN_FONT
        for note in layout.get("annotations", []):
            assert note["font"]["size"] >= PRESENTER_MIN_FONT
        assert presenter_layout(fig, 640) is presenter_layout(fig, 640)  # enlarged once


def test_budget_line():
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
        marginal_figure(names, EX.spend, EX.curves),
        allocation_figure(names, {"Today": EX.spend}),
        shift_figure(names, np.zeros(4)),
    ):
        text = fig.to_json()
        assert "<a href" not in text and "&lt;a href" in text


def test_html_report_is_self_contained_escaped_and_formatted():
    figs = [marginal_figure(EX.names, EX.spend, EX.curves), shift_figure(EX.names, np.ones(4))]
    page = html_report(
        "Plan <b>",
        "**Television** costs \\$5 <script>x</script>\n- \\$300K from A to B\n- second",
        [("Moves", [{"From": EVIL, "Amount ($)": 100_000, "Change ($)": 0,
                     "Net conversions": 2_634.4, "Note": None}])],
        figs,
        header=[("Client", "Acme <Foods>"), ("Date", "4 December 2026")],
    )
    assert page.startswith("<!DOCTYPE html>") and "width=device-width" in page
    assert not re.search(r"<script[^>]+src=", page)  # no external script
    assert len(page) > 3_000_000  # plotly.js itself is inside
    assert "<script>x</script>" not in page and "&lt;script&gt;x" in page
    assert EVIL not in page and "&lt;a href=&#x27;http://evil&#x27;&gt;" in page
    assert "Television costs $5" in page and "<li>$300K from A to B</li>" in page
    assert "<dt>Client</dt><dd>Acme &lt;Foods&gt;</dd>" in page
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert cells == ["&lt;a href=&#x27;http://evil&#x27;&gt;TV&lt;/a&gt;", "$100K", "$0",
                     "2,630", ""]
    assert "None" not in cells and "0.00" not in cells


def test_markdown_to_text():
    assert markdown_to_text("**a** *b* \\$1 \\*") == "a b $1 *"
