import plotly.graph_objects as go
import pytest

from figures import theme
from figures.lesson_map import CONCEPTS, LINKS, lesson_map


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_palette_is_okabe_ito_and_distinct():
    okabe_ito = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"}
    assert set(theme.SEQUENCE) - {"#666666"} <= okabe_ito
    assert len(set(theme.SEQUENCE)) == len(theme.SEQUENCE)


@pytest.mark.parametrize("name", ["blue", "vermillion", "green", "grey"])
def test_line_colours_contrast_with_white_background(name):
    # WCAG graphical-object contrast is 3:1 against the white plot background.
    contrast = 1.05 / (relative_luminance(theme.COLORS[name]) + 0.05)
    assert contrast >= 3.0


def test_new_figure_uses_projector_sized_fonts():
    fig = theme.new_figure(title="T", xaxis_title="Spend")
    assert isinstance(fig, go.Figure)
    assert fig.layout.template.layout.font.size >= 16
    assert fig.layout.title.text == "T" and fig.layout.xaxis.title.text == "Spend"


def test_presenter_layout_enlarges_without_touching_the_original():
    fig = theme.new_figure(title="T")
    big = theme.presenter_layout(fig, 700)
    assert big.layout.height == 700 and big.layout.font.size > theme.FONT_SIZE
    assert fig.layout.height is None


def test_hover_formats_say_dollars_and_units():
    assert theme.money_hover("x", "TV") == "TV: %{x:$,.0f}"
    assert theme.rate_hover("y", "Marginal return", "conversions per $").endswith(
        "conversions per $"
    )


def test_lesson_map_draws_every_concept_and_link():
    fig = lesson_map()
    texts = [a.text for a in fig.layout.annotations]
    for name, *_ in CONCEPTS:
        assert f"<b>{name}</b>" in texts
    for *_, label in LINKS:
        assert f"<i>{label}</i>" in texts
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len(LINKS)


def test_tangent_idea_frames_slide_the_tangent_along_the_curve():
    import numpy as np

    from core.calculus import tangent_segments
    from figures.home import tangent_idea

    spend = np.linspace(1.0, 10.0, 50)
    at = np.linspace(1.5, 9.5, 17)
    value, slope = np.sqrt(at), 0.5 / np.sqrt(at)  # slope from the closed form, not from core
    xs, ys = tangent_segments(at, value, slope, 2.0, (1.0, 10.0))
    fig = tangent_idea(spend, np.sqrt(spend), at, xs, ys, value, slope, active=4)
    curve, tangent, point = fig.data
    assert np.allclose(curve.y, np.sqrt(spend))
    assert tuple(point.x) == (at[4],) and tuple(point.y) == (value[4],)
    frames = fig.to_dict()["frames"]
    assert len(frames) == len(at) and fig.layout.sliders[0].active == 4
    go.Figure(fig.to_dict())  # the plain specification is a valid Plotly figure
    for k, f in enumerate(frames):
        seg, dot = (go.Scatter(d) for d in f["data"])
        assert np.allclose(np.diff(seg.y) / np.diff(seg.x), 0.5 / np.sqrt(at[k]))
        assert np.isclose(dot.y[0], np.sqrt(dot.x[0]))  # the point stays on the curve
        assert 1.0 <= seg.x[0] < at[k] < seg.x[1] <= 10.0


def test_compact_halves_ordinary_lines_and_keeps_typos_where_they_are():
    import warnings

    import numpy as np

    ordinary = theme.compact([0.0, 1.5e6, np.inf])
    assert ordinary.dtype == np.float32 and ordinary[1] == np.float32(1.5e6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        typo = theme.compact([1.0, 4e38])
    assert typo.dtype == np.float64 and typo[1] == 4e38  # beyond float32: drawn, not infinite
