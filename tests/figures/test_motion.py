"""The shared motion builder: frames, a scrubber that animates to them, Play / Pause."""

import plotly.graph_objects as go
import pytest

from figures.motion import animate, below_axis_title, frame, play_pause, scrubber
from figures.theme import presenter_layout


def _fig(n: int = 5, active: int = 2) -> go.Figure:
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 1]), go.Scatter(x=[active], y=[active])])
    frames = [frame(f"f{i}", [{"x": [i], "y": [i]}], [1]) for i in range(n)]
    return animate(fig, frames, [f"step {i}" for i in range(n)], active=active, prefix="at ",
                   play=True)


def test_every_step_animates_to_its_own_frame_without_a_redraw():
    fig = _fig()
    steps = fig.layout.sliders[0].steps
    assert [list(s.args[0]) for s in steps] == [[f"f{i}"] for i in range(5)]
    assert all(s.method == "animate" and s.args[1]["frame"]["redraw"] is False for s in steps)
    assert fig.layout.sliders[0].active == 2
    assert [f.traces for f in fig.frames] == [(1,)] * 5  # only the moving trace is re-sent


def test_play_and_pause_buttons():
    buttons = _fig().layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["▶ Play", "❚❚ Pause"]
    assert buttons[0].args[0] is None and list(buttons[1].args[0]) == [None]
    assert play_pause(40)["buttons"][0]["args"][1]["frame"]["duration"] == 40


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        frame("a", [{"x": [1]}], [1, 2])
    with pytest.raises(ValueError):
        scrubber(["a", "b"], ["only one label"])
    with pytest.raises(ValueError):
        _fig(n=3, active=3)


def test_presenter_mode_enlarges_the_scrubber_and_buttons():
    big = presenter_layout(_fig(), 640)
    assert big.layout.sliders[0].currentvalue.font.size >= 18
    assert big.layout.updatemenus[0].font.size >= 18
    assert len(big.frames) == 5


def test_the_scrubber_moves_below_the_axis_title():
    fig = _fig()
    before = (fig.layout.sliders[0].pad.t, fig.layout.updatemenus[0].pad.t, fig.layout.margin.b)
    below_axis_title(fig, 25)
    after = (fig.layout.sliders[0].pad.t, fig.layout.updatemenus[0].pad.t, fig.layout.margin.b)
    assert [a - b for a, b in zip(after, before, strict=True)] == [25, 25, 25]
