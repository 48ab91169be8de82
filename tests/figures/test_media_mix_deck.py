"""The PowerPoint deck, read back with python-pptx: the client's channels in native charts."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess

import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from core.mmm import (
    Briefing,
    CurveBank,
    FitSource,
    channels_from_rows,
    optimize_budget,
    reallocation_plan,
)
from core.mmm.briefing import assumption_rows, explanation
from core.mmm.report import summary_rows
from figures.media_mix_deck import deck_bytes
from figures.media_mix_report import markdown_to_text
from tests.fixtures import media_client


def _brief(**changes) -> Briefing:
    channels = channels_from_rows(media_client.rows())
    bank = CurveBank(channels.curves)
    plan = reallocation_plan(bank, channels.spend, 100_000, 500_000)
    best = optimize_budget(bank, channels.total)
    brief = Briefing(channels, plan.spend, plan.moves, plan.gain,
                     best.total_response - float(bank.response(channels.spend).sum()),
                     best.level, best.spend, (False,) * 5, client="Acme Foods",
                     date="4 December 2026")
    return dataclasses.replace(brief, **changes)


def _deck(brief: Briefing) -> bytes:
    channels = brief.channels
    summary = summary_rows(channels.names, channels.curves, channels.spend, brief.plan_spend)
    return deck_bytes(brief, explanation(brief), summary, assumption_rows(brief))


def _texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def deck():
    return Presentation(io.BytesIO(_deck(_brief())))


def test_seven_slides_in_order(deck):
    titles = [_texts(s).split("\n")[0] for s in deck.slides]
    assert titles == [
        "Media plan for Acme Foods", "Our recommendation",
        "Budget per channel: today and in the plan", "The moves: $500K to where it brings more",
        "What the next $1,000 brings, in conversions", "The plan, channel by channel",
        "Assumptions and method",
    ]
    assert "4 December 2026" in _texts(deck.slides[0])
    assert deck.slide_width > deck.slide_height  # 16:9


def test_the_recommendation_is_the_pages_explanation(deck):
    words = _texts(deck.slides[1])
    for paragraph in explanation(_brief()):
        for line in markdown_to_text(paragraph).split("\n"):
            assert line.removeprefix("- ") in words
    assert "$300K from TV to Search" in words and "\\$" not in words and "**" not in words


def test_the_charts_are_native_and_hold_the_clients_channels(deck):
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 3
    allocation, moves, returns = charts
    assert allocation.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(allocation.plots[0].categories) == list(media_client.NAMES)
    today, plan = (list(s.values) for s in allocation.plots[0].series)
    assert today == list(media_client.SPEND)
    assert sum(plan) == pytest.approx(sum(today))
    assert moves.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(moves.plots[0].series[0].values) == pytest.approx(
        list(np.subtract(plan, today)))
    assert [s.name for s in returns.plots[0].series] == ["Today", "In the plan",
                                                         "Balanced budget"]
    assert list(returns.plots[0].series[0].values) == pytest.approx(
        [1000 * m for m in media_client.MARGINAL])
    labels = [p.data_label.text_frame.text for p in moves.plots[0].series[0].points]
    assert labels[0] == "-$300K" and "+$400K" in labels


def test_plan_table_and_assumptions(deck):
    plan = _texts(deck.slides[5])
    assert all(name in plan for name in media_client.NAMES)
    assert "$1.5M" in plan and "-$300K" in plan and "None" not in plan
    method = _texts(deck.slides[6])
    assert "typed in, shape assumed" in method and "elasticity 0.5" in method
    assert "Curves: marginal returns typed in" in method


def test_fitted_curves_and_uncertainty_reach_the_method_slide():
    rows = [dict(r, curve="Power (log-log)", shape=r.get("shape", 0.5)) for r in
            media_client.rows()]
    fit = FitSource("weekly_sample.csv, 156 weeks", 0.083,
                    tuple(FitSource.key(r) for r in rows))
    brief = _brief(fitted=(True,) * 5, fit=fit, uncertainty="The gain could be 20 % lower.")
    slides = Presentation(io.BytesIO(_deck(brief))).slides
    method = _texts(slides[6])
    assert "fitted on weekly_sample.csv, 156 weeks; hold-out error 8 %" in method
    assert "The gain could be 20 % lower." in method
    assert "The gain could be 20 % lower." in _texts(slides[1])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_deck(tmp_path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(_deck(_brief()))
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=240, env=env)
    pdf = (tmp_path / "deck.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 7
