"""Attribution maps as pictures: per-pixel maps of one sign, and how much falls inside a mask."""

from __future__ import annotations

import numpy as np

SIGNS = ("positive", "negative", "absolute")


def pixel_map(attributions: np.ndarray, sign: str = "absolute") -> np.ndarray:
    """Collapse (H, W, C) attributions to a non-negative (H, W) map of the chosen sign.

    Channels are summed first (a pixel's attribution is the sum over its colour channels), then
    ``positive`` keeps the part that raises the output, ``negative`` the magnitude of the part
    that lowers it, ``absolute`` the magnitude of both.

    Parameters
    ----------
    attributions : numpy.ndarray
        Shape (H, W, C) or (H, W).
    sign : str, default "absolute"
        One of :data:`SIGNS`.

    Returns
    -------
    numpy.ndarray
        Non-negative map of shape (H, W).

    Raises
    ------
    ValueError
        For an unknown sign.
    """
    a = np.asarray(attributions, dtype=float)
    per_pixel = a.sum(axis=-1) if a.ndim == 3 else a
    if sign == "positive":
        return np.maximum(per_pixel, 0.0)
    if sign == "negative":
        return np.maximum(-per_pixel, 0.0)
    if sign == "absolute":
        return np.abs(per_pixel)
    raise ValueError(f"Unknown sign {sign!r}; use one of {SIGNS}.")


def mass_inside(heat: np.ndarray, mask: np.ndarray) -> float:
    r"""Share of a non-negative attribution map's mass that falls inside a mask.

    .. math:: \text{share} = \frac{\sum_{p \in M} h_p}{\sum_p h_p}

    A map that ignores the image scores about the mask's area fraction; a perfect one scores 1.

    Parameters
    ----------
    heat : numpy.ndarray
        Non-negative map, e.g. from :func:`pixel_map`.
    mask : numpy.ndarray
        Boolean mask of the same shape.

    Returns
    -------
    float
        Share in [0, 1]; the mask's area fraction when the map is all zero.
    """
    heat = np.asarray(heat, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    total = heat.sum()
    if total <= 0:
        return float(mask.mean())
    return float(heat[mask].sum() / total)


def random_map(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """A random non-negative map: the "no information" reference for :func:`mass_inside`.

    Parameters
    ----------
    shape : tuple of int
        Shape of the map.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    numpy.ndarray
        Uniform [0, 1) values.
    """
    return np.random.default_rng(seed).random(shape)
