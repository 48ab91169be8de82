"""A media-mix model fitted on a client's weekly spend and conversions.

- :mod:`~core.mmm.fit.source`: bytes in, text out: size cap, encodings, file-type checks.
- :mod:`~core.mmm.fit.layout`: where the table sits: delimiter, title lines, footers, decimals.
- :mod:`~core.mmm.fit.table`: the weekly CSV text parsed into typed columns with clear errors.
- :mod:`~core.mmm.fit.roles`: each column's role (date, target, channel, control) guessed.
- :mod:`~core.mmm.fit.reader`: the pandas boundary: :func:`read_weekly_csv`, :func:`guess_roles`.
- :mod:`~core.mmm.fit.adstock`: the carry-over (geometric adstock) transform and its start.
- :mod:`~core.mmm.fit.least_squares`: ordinary least squares, rank checks, t-quantiles.
- :mod:`~core.mmm.fit.covariance`: classical and Newey-West (HAC) covariance from a Jacobian.
- :mod:`~core.mmm.fit.search`: the search over carry-over rates and start states.
- :mod:`~core.mmm.fit.estimation`: the log-log model's least squares and intervals.
- :mod:`~core.mmm.fit.readout`: decomposition, marginal returns, the first weeks' diagnostics.
- :mod:`~core.mmm.fit.model`: :func:`fit_media_mix` and :class:`MediaMixFit`.
- :mod:`~core.mmm.fit.checks`: warnings a careful analyst would raise about a fit.
- :mod:`~core.mmm.fit.handoff`: the fitted curves handed to the budget optimizer.
- :mod:`~core.mmm.fit.uncertainty`: how sure a plan made from those curves is.
"""

from core.mmm.fit.checks import fit_warnings
from core.mmm.fit.handoff import CurveHandoff, SamplingDistribution, response_curves
from core.mmm.fit.model import HoldoutScore, MediaMixFit, fit_media_mix
from core.mmm.fit.reader import guess_roles, read_weekly_csv, roles_from_choices
from core.mmm.fit.roles import ROLES
from core.mmm.fit.source import MAX_BYTES
from core.mmm.fit.uncertainty import PlanUncertainty, plan_uncertainty

__all__ = [
    "MAX_BYTES", "ROLES", "CurveHandoff", "HoldoutScore", "MediaMixFit", "PlanUncertainty",
    "SamplingDistribution", "fit_media_mix", "fit_warnings", "guess_roles", "plan_uncertainty",
    "read_weekly_csv", "response_curves", "roles_from_choices",
]
