"""The PowerPoint deck of a media plan, built with python-pptx: native, editable charts.

Seven 16:9 slides (eight with fitted curves): title (client and date), the recommendation
in plain words (the page's own explanation), budget per channel today and in the plan, the
moves, what the next $1,000 brings (today, in the plan, at the balanced budget), the plan
table, how sure the plan is (fitted curves only: the interval and who gives), and assumptions
and method. Charts are PowerPoint charts with their data inside (right-click, *Edit data*), not
pictures. Every number on a slide is written by the app's money and count formatters; the
value axes are hidden so that no second number format appears next to the labels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from core.mmm import Briefing, CurveBank
from core.mmm.report import count, formatted, money
from figures.media_mix_report import markdown_to_text
from figures.theme import COLORS

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
INK = RGBColor(0x1A, 0x1A, 0x1A)
SHADES = ("grey", "blue", "green", "orange")


def _rgb(name: str) -> RGBColor:
    return RGBColor.from_string(COLORS[name].lstrip("#"))


def _text(slide, text: str, top, height, size: int, *, bold=False, color=INK, left=MARGIN):
    box = slide.shapes.add_textbox(left, top, WIDTH - left - MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    for k, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        bullet = line.startswith("- ")
        paragraph.text = ("•  " + line[2:]) if bullet else line
        paragraph.level = 1 if bullet else 0
        paragraph.space_after = Pt(8)
        paragraph.font.size, paragraph.font.bold = Pt(size), bold
        paragraph.font.color.rgb = color
    return box


def _slide(prs, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text(slide, title, Inches(0.35), Inches(0.9), 30, bold=True)
    return slide


def _bar_chart(slide, kind, names, series: dict, labels: dict, colors: Sequence[str]):
    data = CategoryChartData()
    data.categories = list(names)
    for name, values in series.items():
        data.add_series(name, [float(v) for v in values])
    shape = slide.shapes.add_chart(kind, MARGIN, Inches(1.35), WIDTH - 2 * MARGIN,
                                   HEIGHT - Inches(1.9), data)
    chart = shape.chart
    chart.font.size, chart.font.color.rgb = Pt(16), INK
    chart.has_title = False
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    chart.value_axis.visible = False
    chart.value_axis.has_major_gridlines = False
    chart.category_axis.tick_labels.font.size = Pt(16)
    for plot_series, name, color in zip(chart.plots[0].series, series, colors, strict=True):
        plot_series.invert_if_negative = False
        plot_series.format.fill.solid()
        plot_series.format.fill.fore_color.rgb = _rgb(color)
        for point, text in zip(plot_series.points, labels[name], strict=True):
            label = point.data_label
            label.has_text_frame = True
            label.text_frame.text = text
            label.text_frame.paragraphs[0].font.size = Pt(14 if len(series) > 2 else 16)
            label.position = XL_LABEL_POSITION.OUTSIDE_END
    chart.plots[0].gap_width = 60
    return chart


def _allocation(prs, b: Briefing) -> None:
    series = {"Today": b.channels.spend, "Plan": b.plan_spend}
    if b.target is not None and b.target.spend:
        series["Target return"] = np.asarray(b.target.spend)
    slide = _slide(prs, "Budget per channel: today and in the plan")
    labels = {k: [money(v) for v in vals] for k, vals in series.items()}
    _bar_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, b.channels.names, series, labels,
               [SHADES[0], SHADES[1], SHADES[3]][: len(series)])


def _moves(prs, b: Briefing) -> None:
    slide = _slide(prs, f"The moves: {money(b.moved)} to where it brings more")
    shift = b.shift
    text = [money(v, signed=True) if round(v) else "unchanged" for v in shift]
    chart = _bar_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, b.channels.names,
                       {"Change of spend": shift}, {"Change of spend": text}, ["blue"])
    for point, value in zip(chart.plots[0].series[0].points, shift, strict=True):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb("vermillion" if value < 0 else "blue")
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # clear of the bars


def _returns(prs, b: Briefing) -> None:
    bank = CurveBank(b.channels.curves)
    series = {
        "Today": 1000 * b.channels.marginal,
        "In the plan": 1000 * bank.marginal(b.plan_spend),
        "Balanced budget": 1000 * bank.marginal(b.balanced_spend),
    }
    level = count(1000 * b.balanced_level) if np.isfinite(b.balanced_level) else "the same"
    slide = _slide(prs, "What the next $1,000 brings, in conversions")
    labels = {k: [count(v) for v in vals] for k, vals in series.items()}
    _bar_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, b.channels.names, series, labels,
               ["grey", "blue", "green"])
    _text(slide, f"Balanced return: at the balanced budget every channel's next $1,000 "
          f"brings about {level} conversions (channels held at a minimum or maximum apart).",
          HEIGHT - Inches(0.65), Inches(0.5), 14, color=_rgb("grey"))


ROW = Inches(0.5)


def _table(slide, rows: Sequence[dict], top, size: int = 16, widths=None) -> None:
    shown = formatted(rows)
    columns = list(shown[0])
    shape = slide.shapes.add_table(len(shown) + 1, len(columns), MARGIN, top,
                                   WIDTH - 2 * MARGIN, ROW * (len(shown) + 1))
    table = shape.table
    for c, inches in enumerate(widths or ()):
        table.columns[c].width = Inches(inches)
    for c, name in enumerate(columns):
        table.cell(0, c).text = name
    for r, row in enumerate(shown, start=1):
        for c, name in enumerate(columns):
            table.cell(r, c).text = row[name]
    for r in range(len(shown) + 1):
        for c in range(len(columns)):
            paragraph = table.cell(r, c).text_frame.paragraphs[0]
            paragraph.font.size = Pt(size)
            paragraph.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT


def _title(prs, b: Briefing) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text(slide, "Media plan" + (f" for {b.client}" if b.client else ""), Inches(2.3),
          Inches(1.3), 40, bold=True)
    _text(slide, b.date, Inches(3.6), Inches(0.6), 24, color=_rgb("grey"))
    _text(slide, f"Total budget {money(b.channels.total)} across {len(b.channels.names)} "
          f"channels · {money(b.moved)} moved · about {count(b.plan_gain)} extra conversions",
          Inches(4.3), Inches(0.6), 20)
    _text(slide, "Prepared with Marginal Lab", HEIGHT - Inches(1.0), Inches(0.5), 14,
          color=_rgb("grey"))


def _method(b: Briefing, rows: Sequence[dict]) -> str:
    basis = [r["Basis"] for r in rows]
    source = ("Curves: fitted on the client's data" if all("fitted" in x for x in basis) else
              "Curves: marginal returns typed in, curve shapes assumed (listed above)")
    if b.fit is not None and any(b.fitted):
        source = f"Curves: fitted on {b.fit.label}" + ("" if all(b.fitted) else
                                                       "; the other channels typed in")
        if b.fit.holdout_mape is not None:
            source += f"; hold-out error {100 * b.fit.holdout_mape:.0f} % on unseen weeks"
    lines = [
        source + ".",
        "Method: each channel's response curve passes through its marginal return at today's "
        "spend. The plan moves money step by step from where it costs the fewest conversions "
        "to where it brings the most, while a step still pays; gains are exact along the "
        "curves. The balanced budget is where every channel's next dollar brings the same.",
    ]
    if b.uncertainty and not b.certainty_rows:  # else it has a slide of its own
        lines.append(b.uncertainty)
    return "\n".join(lines)


def _certainty(prs, b: Briefing) -> None:
    """With fitted curves: how sure the plan is, and who gives in the balanced budget."""
    slide = _slide(prs, "How sure is the plan?")
    words = markdown_to_text(b.uncertainty or "")
    _text(slide, words, Inches(1.25), Inches(1.9), 17)
    _table(slide, list(b.certainty_rows), Inches(3.3), widths=(3.2, 4.6, 4.33))


def deck_bytes(b: Briefing, story: Sequence[str], summary: Sequence[dict],
               assumptions: Sequence[dict]) -> bytes:
    """Build the deck and return the ``.pptx`` file's bytes.

    Parameters
    ----------
    b : Briefing
        The facts (client, date, channels, plan, fit, uncertainty).
    story : sequence of str
        The explanation's paragraphs (Markdown), as shown on the page.
    summary : sequence of dict
        The plan per channel (:func:`core.mmm.report.summary_rows`).
    assumptions : sequence of dict
        The curve behind each channel (:func:`core.mmm.briefing.assumption_rows`).
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _title(prs, b)
    slide = _slide(prs, "Our recommendation")
    if b.certainty_rows:  # how sure the plan is has a slide of its own
        story = [p for p in story if p != b.uncertainty]
    words = markdown_to_text("\n".join(story))
    _text(slide, words, Inches(1.3), HEIGHT - Inches(1.6), 16 if len(words) > 1100 else 18)
    _allocation(prs, b)
    _moves(prs, b)
    _returns(prs, b)
    slide = _slide(prs, "The plan, channel by channel")
    _table(slide, summary, Inches(1.4))
    if b.certainty_rows:
        _certainty(prs, b)
    slide = _slide(prs, "Assumptions and method")
    _table(slide, assumptions, Inches(1.3), size=14, widths=(2.2, 2.0, 2.0, 2.4, 3.53))
    _text(slide, _method(b, assumptions), Inches(1.6) + ROW * (len(assumptions) + 1),
          Inches(2.2), 15)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
