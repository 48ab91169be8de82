"""Synthetic ad creatives with a known click-through rate and masks of the regions that matter.

A creative is a 32×32 RGB image (floats in [0, 1]) on the brand's off-white background with
five kinds of element at fixed slots (jittered by a pixel or two):

- headline bars (top left) and a logo (top right): present, but with **no effect** on the CTR;
- a product block (centre) and a call-to-action button (bottom): they **drive** the CTR;
- clutter, small squares scattered in the free space: they **lower** the CTR.

The ground-truth CTR is a function of the image's content (see :func:`true_logit`), so the
regions that truly matter are known pixel by pixel: the test bed for attribution methods.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

SIZE = 32
LUMA = np.array([0.2126, 0.7152, 0.0722])
REGIONS = ("headline", "logo", "product", "cta", "clutter")
DRIVERS = ("product", "cta", "clutter")
CLUTTER_MAX = 10

Color = tuple[float, float, float]
BACKGROUND: Color = (0.93, 0.93, 0.9)


@dataclass(frozen=True)
class Creative:
    """Parameters of one synthetic ad creative.

    Attributes
    ----------
    background, product_color, cta_color, logo_color, headline_color : tuple of float
        RGB colours in [0, 1].
    product_size : int
        Side of the square product block, 4–12 px.
    cta_width, cta_height : int
        Button size, 4–24 by 2–5 px (larger values may overlap).
    logo_size : int
        Side of the square logo, 2–7 px.
    headline_bars : int
        Number of headline bars, 0–3.
    clutter : int
        Number of 2×2 clutter squares, 0–10.
    seed : int
        Seed for the jitter of the elements and the clutter positions and colours.
    """

    background: Color = BACKGROUND
    product_color: Color = (0.8, 0.3, 0.1)
    product_size: int = 10
    cta_color: Color = (0.0, 0.35, 0.7)
    cta_width: int = 16
    cta_height: int = 5
    logo_color: Color = (0.2, 0.2, 0.2)
    logo_size: int = 4
    headline_color: Color = (0.25, 0.25, 0.3)
    headline_bars: int = 2
    clutter: int = 0
    seed: int = 0


PRESETS: dict[str, Creative] = {
    "Strong call to action": Creative(),
    "Washed-out button": Creative(cta_color=(0.82, 0.85, 0.88), seed=1),
    "Tiny product": Creative(product_size=4, seed=2),
    "Cluttered": Creative(clutter=10, seed=3),
    "Big logo, long headline": Creative(logo_size=7, headline_bars=3, cta_width=8, seed=4),
}


def luminance(rgb: np.ndarray) -> np.ndarray:
    r"""Luminance of RGB colours (Rec. 709 weights on the stored values).

    .. math:: L = 0.2126\,R + 0.7152\,G + 0.0722\,B

    Parameters
    ----------
    rgb : numpy.ndarray
        Array whose last axis holds R, G, B in [0, 1].

    Returns
    -------
    numpy.ndarray
        Luminance, the shape of ``rgb`` without its last axis.
    """
    return np.asarray(rgb, dtype=float) @ LUMA


def _boxes(c: Creative) -> dict[str, list[tuple[int, int, int, int]]]:
    """Rectangles (row, col, height, width) of each element, jittered by the creative's seed."""
    rng = np.random.default_rng([c.seed, 1])
    dr, dc = rng.integers(-1, 2, size=2)
    headline = [(2 + 3 * k, 2, 2, [14, 10, 12][k]) for k in range(c.headline_bars)]
    logo = [(2, SIZE - 2 - c.logo_size, c.logo_size, c.logo_size)]
    p = c.product_size
    product = [(17 - p // 2 + dr, 16 - p // 2 + dc, p, p)]
    cta = [(29 - c.cta_height, 16 - c.cta_width // 2 + dc, c.cta_height, c.cta_width)]
    return {"headline": headline, "logo": logo, "product": product, "cta": cta}


def _clutter_boxes(c: Creative, taken: np.ndarray) -> tuple[list, np.ndarray]:
    """Up to ``c.clutter`` 2×2 squares in free space (one-pixel margin) and their colours."""
    rng = np.random.default_rng([c.seed, 2])
    grown = taken.copy()
    grown[1:] |= taken[:-1]
    grown[:-1] |= taken[1:]
    grown[:, 1:] |= grown[:, :-1].copy()
    grown[:, :-1] |= grown[:, 1:].copy()
    free = ~grown
    cand = [(r, q) for r in range(1, SIZE - 2) for q in range(1, SIZE - 2) if free[r:r + 2, q:q + 2].all()]
    order = rng.permutation(len(cand))
    boxes = []
    for i in order:
        if len(boxes) >= c.clutter:
            break
        r, q = cand[i]
        if all(abs(r - r2) > 2 or abs(q - q2) > 2 for r2, q2, _, _ in boxes):
            boxes.append((r, q, 2, 2))
    colours = rng.uniform(0.0, 1.0, size=(len(boxes), 3))
    return boxes, colours


def render_with_masks(c: Creative) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Draw a creative and return the boolean pixel mask of every region.

    Parameters
    ----------
    c : Creative
        The creative's parameters.

    Returns
    -------
    image : numpy.ndarray
        Shape (32, 32, 3), floats in [0, 1].
    masks : dict of str to numpy.ndarray
        Boolean (32, 32) masks for ``"headline"``, ``"logo"``, ``"product"``, ``"cta"`` and
        ``"clutter"``.
    """
    img = np.empty((SIZE, SIZE, 3))
    img[:] = c.background
    masks = {name: np.zeros((SIZE, SIZE), bool) for name in REGIONS}
    colours = {"headline": c.headline_color, "logo": c.logo_color,
               "product": c.product_color, "cta": c.cta_color}
    for name, boxes in _boxes(c).items():
        for r, q, h, w in boxes:
            masks[name][max(r, 0):r + h, max(q, 0):q + w] = True
        img[masks[name]] = colours[name]
    taken = np.logical_or.reduce([masks[n] for n in ("headline", "logo", "product", "cta")])
    boxes, clutter_colours = _clutter_boxes(c, taken)
    for (r, q, h, w), colour in zip(boxes, clutter_colours, strict=True):
        masks["clutter"][r:r + h, q:q + w] = True
        img[r:r + h, q:q + w] = colour
    return img, masks


def render(c: Creative) -> np.ndarray:
    """Draw a creative as a (32, 32, 3) RGB array in [0, 1].

    Parameters
    ----------
    c : Creative
        The creative's parameters.

    Returns
    -------
    numpy.ndarray
        The image.
    """
    return render_with_masks(c)[0]


def truth_mask(c: Creative) -> np.ndarray:
    """Pixels that drive the ground-truth CTR: product, call to action and clutter.

    Parameters
    ----------
    c : Creative
        The creative's parameters.

    Returns
    -------
    numpy.ndarray
        Boolean (32, 32) mask.
    """
    masks = render_with_masks(c)[1]
    return masks["product"] | masks["cta"] | masks["clutter"]


def drivers(c: Creative) -> dict[str, float]:
    r"""The creative's CTR drivers, each in about [0, 1].

    - ``cta_ink``: button area × luminance contrast with the background, over 60 px;
    - ``product_ink``: product area × contrast, over 80 px;
    - ``clutter``: number of clutter squares over 10.

    .. math:: \text{ink} = \text{area} \cdot |L_{\text{element}} - L_{\text{background}}|

    Parameters
    ----------
    c : Creative
        The creative's parameters.

    Returns
    -------
    dict of str to float
        ``cta_ink``, ``product_ink`` and ``clutter``.
    """
    bg = luminance(np.array(c.background))
    cta = c.cta_width * c.cta_height * abs(luminance(np.array(c.cta_color)) - bg)
    product = c.product_size**2 * abs(luminance(np.array(c.product_color)) - bg)
    return {"cta_ink": float(cta) / 60.0, "product_ink": float(product) / 80.0,
            "clutter": c.clutter / CLUTTER_MAX}


def true_logit(c: Creative) -> float:
    r"""Ground-truth log-odds of a click.

    .. math:: \operatorname{logit} \mathrm{CTR} = -4.8 + 1.8 \tanh(\text{cta\_ink})
              + 1.2 \tanh(\text{product\_ink}) - 1.2\,\text{clutter}

    The tanh terms saturate: past a point a bigger or bolder button adds little, which is
    where plain gradients under-credit a feature and Integrated Gradients does not.
    Headline and logo do not appear: they are decoys.

    Parameters
    ----------
    c : Creative
        The creative's parameters.

    Returns
    -------
    float
        Log-odds of the click-through rate.
    """
    d = drivers(c)
    return (-4.8 + 1.8 * np.tanh(d["cta_ink"]) + 1.2 * np.tanh(d["product_ink"])
            - 1.2 * d["clutter"])


def true_ctr(c: Creative) -> float:
    r"""Ground-truth click-through rate, :math:`\sigma(\operatorname{logit})`, in [0, 1].

    Parameters
    ----------
    c : Creative
        The creative's parameters.

    Returns
    -------
    float
        Click-through rate (about 0.8 % to 5 %).
    """
    return float(1.0 / (1.0 + np.exp(-true_logit(c))))


def random_creative(seed: int) -> Creative:
    """Draw a random creative; the same seed gives the same creative.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator``.

    Returns
    -------
    Creative
        The brand's off-white background (the same for every random creative, so that the
        background carries no information), random colours, sizes, headline, logo and clutter.
    """
    rng = np.random.default_rng([seed, 0])

    def colour() -> Color:
        return tuple(float(v) for v in rng.uniform(0.0, 1.0, 3))

    return Creative(
        background=BACKGROUND, product_color=colour(), product_size=int(rng.integers(4, 13)),
        cta_color=colour(), cta_width=int(rng.integers(4, 25)), cta_height=int(rng.integers(2, 6)),
        logo_color=colour(), logo_size=int(rng.integers(2, 8)), headline_color=colour(),
        headline_bars=int(rng.integers(0, 4)), clutter=int(rng.integers(0, CLUTTER_MAX + 1)),
        seed=int(seed),
    )


def dataset(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random creatives with their true log-odds and driver masks, for training and scoring.

    Parameters
    ----------
    n : int
        Number of creatives.
    seed : int, default 0
        Seed; creative ``i`` is ``random_creative(seed * 1_000_003 + i)``.

    Returns
    -------
    images : numpy.ndarray
        Shape (n, 32, 32, 3).
    logits : numpy.ndarray
        Shape (n,), the true log-odds.
    masks : numpy.ndarray
        Shape (n, 32, 32), boolean driver masks (:func:`truth_mask`).
    """
    creatives = [random_creative(seed * 1_000_003 + i) for i in range(n)]
    images, masks = zip(*(render_with_masks(c) for c in creatives), strict=True)
    truth = [m["product"] | m["cta"] | m["clutter"] for m in masks]
    return np.stack(images), np.array([true_logit(c) for c in creatives]), np.stack(truth)


def blur(image: np.ndarray, sigma: float = 3.0) -> np.ndarray:
    r"""Gaussian blur of an (H, W, C) image, separable, with edge padding.

    .. math:: k(t) \propto e^{-t^2 / (2\sigma^2)}, \quad |t| \le \lceil 3\sigma \rceil

    Parameters
    ----------
    image : numpy.ndarray
        Shape (H, W, C).
    sigma : float, default 3.0
        Standard deviation of the kernel in pixels; 0 returns a copy.

    Returns
    -------
    numpy.ndarray
        The blurred image, same shape; a constant image is unchanged.
    """
    image = np.asarray(image, dtype=float)
    if sigma <= 0:
        return image.copy()
    r = int(np.ceil(3 * sigma))
    t = np.arange(-r, r + 1)
    k = np.exp(-(t**2) / (2 * sigma**2))
    k /= k.sum()
    padded = np.pad(image, ((r, r), (r, r), (0, 0)), mode="edge")
    rows = sum(k[i] * padded[i:i + image.shape[0]] for i in range(2 * r + 1))
    return sum(k[i] * rows[:, i:i + image.shape[1]] for i in range(2 * r + 1))


def with_changes(c: Creative, **changes) -> Creative:
    """A copy of a creative with some fields changed (``dataclasses.replace``).

    Parameters
    ----------
    c : Creative
        The original.
    **changes
        Field values to change.

    Returns
    -------
    Creative
        The modified copy.
    """
    return replace(c, **changes)


BASELINES = ("black", "blurred", "mean")


def baseline_image(kind: str, image: np.ndarray, mean_image: np.ndarray | None = None) -> np.ndarray:
    """The reference image Integrated Gradients starts its path from.

    Parameters
    ----------
    kind : str
        ``"black"`` (all zeros), ``"blurred"`` (the creative blurred with σ = 3 px, which keeps
        its colours but removes its shapes) or ``"mean"`` (the average creative).
    image : numpy.ndarray
        The creative, shape (32, 32, 3).
    mean_image : numpy.ndarray or None, default None
        The average creative; required for ``"mean"``.

    Returns
    -------
    numpy.ndarray
        Baseline of the same shape as ``image``.

    Raises
    ------
    ValueError
        For an unknown kind, or ``"mean"`` without a mean image.
    """
    if kind == "black":
        return np.zeros_like(np.asarray(image, dtype=float))
    if kind == "blurred":
        return blur(image, 3.0)
    if kind == "mean" and mean_image is not None:
        return np.asarray(mean_image, dtype=float)
    raise ValueError(f"Unknown baseline {kind!r} (or no mean image); use one of {BASELINES}.")
