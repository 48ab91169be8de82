"""What the client is told: every donor and receiver with its return, only known claims."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from core.mmm import (
    CPG_EXAMPLE,
    Briefing,
    CurveBank,
    FitSource,
    TargetSummary,
    channels_from_rows,
    optimize_budget,
    reallocation_plan,
    rows_from_channels,
)
from core.mmm.briefing import assumption_rows, assumptions_text, explanation, fitted_flags
from tests.fixtures import media_client


def _briefing(rows, step=100_000, moved=500_000, fitted=None, fit=None) -> Briefing:
    channels = channels_from_rows(rows)
    bank = CurveBank(channels.curves)
    plan = reallocation_plan(bank, channels.spend, step, moved)
    best = optimize_budget(bank, channels.total)
    return Briefing(
        channels=channels, plan_spend=plan.spend, moves=plan.moves, plan_gain=plan.gain,
        optimum_gain=best.total_response - float(bank.response(channels.spend).sum()),
        balanced_level=best.level, balanced_spend=best.spend,
        fitted=fitted or (False,) * len(rows), fit=fit,
    )


@pytest.fixture
def client() -> Briefing:
    return _briefing(media_client.rows())


def test_every_donor_and_receiver_is_named_with_its_return_per_thousand(client):
    text = "\n\n".join(explanation(client))
    givers = [n for n, d in zip(client.channels.names, client.shift, strict=True) if d < 0]
    takers = [n for n, d in zip(client.channels.names, client.shift, strict=True) if d > 0]
    assert givers == ["TV", "Meta", "Audio"] and takers == ["YouTube", "Search"]
    for name in givers:
        marginal = 1000 * client.channels.marginal[client.channels.names.index(name)]
        assert re.search(rf"last \\\$1,000 on {name} brings about {marginal:.0f} conversions", text)
    for name in takers:
        marginal = 1000 * client.channels.marginal[client.channels.names.index(name)]
        assert re.search(rf"next \\\$1,000 on {name} about {marginal:.0f}", text)
    assert text.count("so the move pays") == 3  # TV→Search, Audio→Search, Meta→YouTube


def test_it_lists_what_the_next_thousand_brings_everywhere_today(client):
    first = explanation(client)[0]
    assert "Search 80, YouTube 62, Meta 55, TV 49, Audio 45 conversions" in first
    assert "the marginal returns entered in the table" in first


def test_no_claim_rests_on_total_contribution_or_hides_its_assumptions(client):
    text = " ".join(explanation(client)).lower()
    assert "drives the most" not in text and "most conversions today" not in text
    assert "assumed curve shapes: tv elasticity 0.4" in text
    assert "audio elasticity 0.5" in text and "the size of the gain depends on" in text
    assert "$$" not in text and "\\frac" not in text and "λ" not in text


def test_the_gain_and_the_balanced_level_are_the_plans(client):
    text = " ".join(explanation(client))
    assert f"about **{6_440:,} extra conversions**" in text
    assert "every channel's next \\$1,000 brings about 58" in text
    assert "\\$500K" in text and "\\$3.9M" in text


def test_fitted_curves_say_so_with_the_fit_figures():
    ex = CPG_EXAMPLE
    rows = rows_from_channels(ex.names, ex.spend, ex.curves)
    fit = FitSource("weekly_sample.csv, 156 weeks", 0.083, tuple(FitSource.key(r) for r in rows))
    brief = _briefing(rows, fitted=fitted_flags(rows, fit), fit=fit)
    text = " ".join(explanation(brief))
    assert "fitted on your data" in text and "weekly\\_sample\\.csv, 156 weeks" in text
    assert "off by 8 % on average" in text and "assumed" not in text
    edited = [rows[0] | {"shape": 0.45}, *rows[1:]]
    assert fitted_flags(edited, fit) == (False, True, True, True)
    mixed = assumptions_text(_briefing(edited).channels, fitted_flags(edited, fit), fit)
    assert "curves of Digital video, Display, Paid search were fitted" in mixed
    assert "other channels are as typed in" in mixed and "Television elasticity 0.45" in mixed


def test_no_move_says_the_budget_is_balanced():
    text = explanation(_briefing(media_client.rows(), step=2_000_000))
    assert any("already close to balanced" in p for p in text)
    assert not any("We recommend" in p for p in text)


def test_target_and_uncertainty_are_added_in_one_place(client):
    with_target = dataclasses.replace(
        client, target=TargetSummary(0.05, 4_600_000.0, 9_000.0),
        uncertainty="The plan's gain lies between 4,000 and 8,000 conversions in 9 of 10 cases.")
    text = explanation(with_target)
    assert "still brings at least 50 conversions" in text[-2] and "\\$700K more" in text[-2]
    assert text[-1].startswith("The plan's gain lies between")


def test_assumption_rows_list_every_channel(client):
    rows = assumption_rows(client)
    assert [r["Channel"] for r in rows] == list(media_client.NAMES)
    assert rows[-1]["Shape"] == "elasticity 0.5"
    assert rows[0]["Basis"] == "typed in, shape assumed"
    assert rows[3]["Conversions per extra $1K today"] == pytest.approx(80.0)
    assert np.all(np.isfinite([r["Conversions per extra $1K today"] for r in rows]))
