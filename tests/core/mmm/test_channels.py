"""The channel table: rows without a curve get visible defaults; implausible values get a word."""

from __future__ import annotations

import numpy as np
import pytest

from core.mmm import (
    DEFAULT_CURVE,
    DEFAULT_ELASTICITY,
    ExponentialCurve,
    HillCurve,
    PowerCurve,
    channels_from_rows,
    curve_shape,
    fill_defaults,
    implausible,
)
from tests.fixtures import media_client


def test_a_row_with_name_spend_and_marginal_is_planned_with_the_defaults():
    channels = channels_from_rows(media_client.rows())
    assert channels.names == media_client.NAMES
    audio = channels.curves[-1]
    assert isinstance(audio, PowerCurve) and audio.elasticity == DEFAULT_ELASTICITY
    assert float(audio.marginal(200_000.0)) == pytest.approx(0.045, rel=1e-12)


def test_fill_defaults_names_every_assumed_cell():
    rows, filled = fill_defaults(media_client.rows())
    assert rows[-1]["curve"] == DEFAULT_CURVE and rows[-1]["shape"] == DEFAULT_ELASTICITY
    assert [(d.row, d.name, d.column) for d in filled] == [(4, "Audio", "curve"),
                                                         (4, "Audio", "shape")]
    assert rows[:4] == media_client.rows()[:4]  # rows with a curve are left alone


def test_fill_defaults_leaves_blank_rows_and_explicit_curves_alone():
    blank = {"name": None, "spend": None, "marginal": float("nan"), "curve": ""}
    hill = {"name": "Social", "spend": 1.0, "marginal": 1.0, "curve": "Hill (S-curve)"}
    rows, filled = fill_defaults([blank, hill])
    assert rows == [blank, hill] and filled == ()


def test_a_power_row_without_elasticity_gets_the_default_but_a_hill_row_needs_its_slope():
    rows = media_client.rows()
    rows[0] = rows[0] | {"shape": None}
    assert channels_from_rows(rows).curves[0].elasticity == DEFAULT_ELASTICITY
    rows[0] = rows[0] | {"curve": "Hill (S-curve)", "saturation": 2e6}
    with pytest.raises(ValueError, match="row 1 \\(TV\\), Elasticity / slope: a number"):
        channels_from_rows(rows)


def test_curve_shape_describes_each_family():
    assert curve_shape(PowerCurve(3.0, 0.4)) == ("Power (log-log)", 0.4, None)
    assert curve_shape(HillCurve(9.0, 5e5, 2.5)) == ("Hill (S-curve)", 2.5, 5e5)
    assert curve_shape(ExponentialCurve(9.0, 3e5)) == ("Exponential", None, 3e5)
    with pytest.raises(ValueError, match="unsupported"):
        curve_shape(object())


def test_the_client_table_is_plausible():
    assert implausible(channels_from_rows(media_client.rows())) == []


def test_a_one_dollar_typo_gets_a_soft_warning():
    rows = media_client.rows()
    rows[0]["spend"] = 1.0
    notes = implausible(channels_from_rows(rows))
    assert len(notes) == 1 and notes[0].startswith("TV: a spend of $1 is under 1 %")


@pytest.mark.parametrize(("value", "word"), [(2.0, "above"), (0.001, "below")])
def test_a_marginal_return_twenty_times_off_gets_a_soft_warning(value, word):
    rows = media_client.rows()
    rows[3]["marginal"] = value  # Search, against a median of 0.055
    notes = implausible(channels_from_rows(rows))
    assert len(notes) == 1 and notes[0].startswith("Search:") and word in notes[0]
    assert "per dollar, not per $1,000" in notes[0]


def test_just_inside_the_limits_is_quiet():
    rows = media_client.rows()
    median = float(np.median([r["marginal"] for r in rows]))
    rows[3]["marginal"] = 19.9 * median
    rows[4]["spend"] = 0.011 * 700_000.0  # median spend of the five channels
    assert implausible(channels_from_rows(rows)) == []
