r"""Media-mix reallocation: response curves, marginal returns and budget optimisation.

The marginal return of channel :math:`i` is the partial derivative of total conversions
with respect to that channel's spend, all other spends held fixed:

.. math:: \frac{\partial}{\partial s_i} \sum_j R_j(s_j) = R_i'(s_i)

A budget is allocated optimally when these partial derivatives are equal across the
channels that are not held at a minimum or maximum spend.

- :mod:`~core.mmm.curves`: power, Hill and exponential response curves, each family's
  formulas written once and vectorised.
- :mod:`~core.mmm.bank`: :class:`CurveBank`, which evaluates many channels (and many
  levels) at once, one NumPy call per family.
- :mod:`~core.mmm.optimize`: :func:`optimize_budget`, the budget optimum and its bounds.
- :mod:`~core.mmm.kkt`: the KKT conditions and the one solver for concave curves.
- :mod:`~core.mmm.global_search`: the global optimum with S-shaped curves.
- :mod:`~core.mmm.plan`: a quarter's greedy plan and the budget at a target return.
- :mod:`~core.mmm.channels`: the lesson's editable channel table, validated.
- :mod:`~core.mmm.report`: the money formatter, the plan as rows, safe CSV.
- :mod:`~core.mmm.briefing`: what a client is told: explanation and assumptions.
- :mod:`~core.mmm.link`: the channel table in a link (compact, validated).
- :mod:`~core.mmm.draws`: a plan scored over many draws of fitted curves.
- :mod:`~core.mmm.motion`: states of the lesson's motions (the plan's path along the curves).
- :mod:`~core.mmm.example`: the worked CPG example.
- :mod:`core.mmm.fit`: response curves fitted on a client's weekly data.
"""

from core.mmm.bank import CurveBank
from core.mmm.briefing import Briefing, FitSource, TargetSummary
from core.mmm.channels import (
    COLUMNS,
    CURVE_KINDS,
    DEFAULT_CURVE,
    DEFAULT_ELASTICITY,
    ChannelSet,
    Default,
    channels_from_rows,
    curve_shape,
    fill_defaults,
    implausible,
    rows_from_channels,
)
from core.mmm.curves import ExponentialCurve, HillCurve, PowerCurve, ResponseCurve
from core.mmm.draws import CurveDraws, GainSpread
from core.mmm.example import CPG_EXAMPLE, MediaMixExample
from core.mmm.link import decode_scenario, encode_scenario
from core.mmm.motion import curve_states, plan_path
from core.mmm.optimize import Allocation, optimize_budget, resolve_bounds
from core.mmm.plan import Move, Plan, TargetBudget, reallocation_plan, target_marginal_budget

__all__ = [
    "COLUMNS", "CPG_EXAMPLE", "CURVE_KINDS", "Allocation", "ChannelSet", "CurveBank",
    "ExponentialCurve", "HillCurve", "MediaMixExample", "Move", "Plan", "PowerCurve",
    "ResponseCurve", "TargetBudget", "channels_from_rows", "optimize_budget",
    "reallocation_plan", "resolve_bounds", "rows_from_channels", "target_marginal_budget",
    # the media-mix lesson's table, link, briefing and motions
    "DEFAULT_CURVE", "DEFAULT_ELASTICITY", "Briefing", "Default", "FitSource", "TargetSummary",
    "CurveDraws", "GainSpread", "curve_shape", "curve_states", "decode_scenario",
    "encode_scenario", "fill_defaults", "implausible", "plan_path",
]
