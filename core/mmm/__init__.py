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
- :mod:`~core.mmm.report`: money formatting, CSV rows and the client's explanation.
- :mod:`~core.mmm.example`: the worked CPG example.
- :mod:`core.mmm.fit`: response curves fitted on a client's weekly data.
"""

from core.mmm.bank import CurveBank
from core.mmm.channels import (
    COLUMNS,
    CURVE_KINDS,
    ChannelSet,
    channels_from_rows,
    rows_from_channels,
)
from core.mmm.curves import ExponentialCurve, HillCurve, PowerCurve, ResponseCurve
from core.mmm.example import CPG_EXAMPLE, MediaMixExample
from core.mmm.optimize import Allocation, optimize_budget, resolve_bounds
from core.mmm.plan import Move, Plan, TargetBudget, reallocation_plan, target_marginal_budget

__all__ = [
    "COLUMNS", "CPG_EXAMPLE", "CURVE_KINDS", "Allocation", "ChannelSet", "CurveBank",
    "ExponentialCurve", "HillCurve", "MediaMixExample", "Move", "Plan", "PowerCurve",
    "ResponseCurve", "TargetBudget", "channels_from_rows", "optimize_budget",
    "reallocation_plan", "resolve_bounds", "rows_from_channels", "target_marginal_budget",
]
