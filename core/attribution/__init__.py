"""Gradient attribution: which inputs of a model's prediction matter, and how much.

- :mod:`~core.attribution.smoothgrad`: SmoothGrad, gradients averaged over noisy copies.
- :mod:`~core.attribution.path`: the straight path from a baseline, its quadrature rules (Captum's
  names; textbook or Captum's weights) and the walk along it with the running attribution sum.
- :mod:`~core.attribution.methods`: saliency, gradient × input, Integrated Gradients, SmoothGrad
  applied to Integrated Gradients, and :func:`attribute` by name.
- :mod:`~core.attribution.maps`: attributions as pixel maps, scored against a mask.
- :mod:`~core.attribution.creatives`: synthetic ad creatives whose true CTR drivers are known.
- :mod:`~core.attribution.ctr_models`: the CTR models (pixels and tabular features).
"""

from core.attribution.maps import SIGNS, mass_inside, pixel_map, random_map
from core.attribution.methods import (
    METHODS,
    IGResult,
    attribute,
    completeness_gaps,
    gradient_saliency,
    gradient_x_input,
    integrated_gradients,
    smooth_integrated_gradients,
)
from core.attribution.path import (
    CONVENTIONS,
    IG_METHODS,
    PathWalk,
    path_gradients,
    path_points,
    path_rule,
    path_walk,
)
from core.attribution.smoothgrad import noisy_copies, smoothgrad

__all__ = [
    "CONVENTIONS", "IG_METHODS", "METHODS", "SIGNS", "IGResult", "PathWalk", "attribute",
    "completeness_gaps", "gradient_saliency", "gradient_x_input", "integrated_gradients",
    "mass_inside", "noisy_copies", "path_gradients", "path_points", "path_rule", "path_walk",
    "pixel_map", "random_map", "smooth_integrated_gradients", "smoothgrad",
]
