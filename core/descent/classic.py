"""The classic optimizer test surfaces, a saddle and a cliff, with hand-derived derivatives.

Every function returns a :class:`core.descent.surface.Surface`; the tests check each gradient and
Hessian against finite differences.
"""

from __future__ import annotations

import numpy as np

from core.descent.surface import Surface


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    r"""Rosenbrock's banana valley: easy to find, slow to follow.

    .. math::

        f = (a - x)^2 + b\,(y - x^2)^2, \qquad \min f = f(a, a^2) = 0

    Parameters
    ----------
    a : float, default 1.0
        Position of the minimum along :math:`x`.
    b : float, default 100.0
        Steepness of the valley walls.

    Returns
    -------
    Surface
        The Rosenbrock surface.
    """

    def value(x, y):
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(x, y):
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    def hessian(x, y):
        return 2.0 - 4.0 * b * (y - x * x) + 8.0 * b * x * x, -4.0 * b * x, 2.0 * b + 0 * x

    return Surface(
        "rosenbrock",
        "Rosenbrock valley",
        rf"(1 - x)^2 + {b:g}\,(y - x^2)^2",
        value,
        gradient,
        hessian,
        (-2.0, 2.0),
        (-1.0, 3.0),
        (-1.2, 1.0),
        ((a, a * a),),
        0.0,
        "A long curved valley: the walls are steep, the floor almost flat, so plain descent "
        "zig-zags and crawls while momentum and Adam follow the floor.",
    )


_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)


def himmelblau() -> Surface:
    r"""Himmelblau's function: four equally deep minima.

    .. math::

        f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2

    Returns
    -------
    Surface
        The Himmelblau surface; which minimum a run ends in depends on start and method.
    """

    def value(x, y):
        return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2

    def gradient(x, y):
        u, v = x * x + y - 11.0, x + y * y - 7.0
        return 4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v

    def hessian(x, y):
        return 12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 4.0 * x + 12.0 * y * y - 26.0

    return Surface(
        "himmelblau",
        "Himmelblau (four minima)",
        r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        value,
        gradient,
        hessian,
        (-5.0, 5.0),
        (-5.0, 5.0),
        (-0.5, -0.5),
        _HIMMELBLAU_MINIMA,
        0.0,
        "Four equally good minima: the start point and the optimizer decide which one you reach.",
    )


def saddle() -> Surface:
    r"""A saddle at the origin between two valleys.

    .. math::

        f = x^2 + \tfrac14 y^4 - \tfrac12 y^2, \qquad
        \nabla f(0, 0) = 0, \quad \min f = f(0, \pm 1) = -\tfrac14

    Returns
    -------
    Surface
        The saddle surface; a start with small :math:`y` stalls near the saddle first.
    """

    def value(x, y):
        return x * x + 0.25 * y**4 - 0.5 * y * y

    def gradient(x, y):
        return 2.0 * x, y**3 - y

    def hessian(x, y):
        return 2.0 + 0 * x, 0.0 * x, 3.0 * y * y - 1.0

    return Surface(
        "saddle",
        "Saddle point",
        r"x^2 + \tfrac14 y^4 - \tfrac12 y^2",
        value,
        gradient,
        hessian,
        (-2.0, 2.0),
        (-1.6, 1.6),
        (1.8, 0.01),
        ((0.0, 1.0), (0.0, -1.0)),
        -0.25,
        "Near the saddle the gradient almost vanishes: plain descent stalls before it "
        "escapes, momentum escapes sooner.",
    )


_CAMEL_X, _CAMEL_Y = 0.08984201368301331, -0.7126564032704135
_CAMEL_MIN = -1.0316284534898774


def six_hump_camel() -> Surface:
    r"""The six-hump camel function: two global and four local minima.

    .. math::

        f = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right) x^2 + xy + (4y^2 - 4)\, y^2,
        \qquad \min f \approx -1.0316

    Returns
    -------
    Surface
        The six-hump camel surface.
    """

    def value(x, y):
        return (4.0 - 2.1 * x * x + x**4 / 3.0) * x * x + x * y + (4.0 * y * y - 4.0) * y * y

    def gradient(x, y):
        return 8.0 * x - 8.4 * x**3 + 2.0 * x**5 + y, x - 8.0 * y + 16.0 * y**3

    def hessian(x, y):
        return 8.0 - 25.2 * x * x + 10.0 * x**4, 1.0 + 0 * x, -8.0 + 48.0 * y * y

    return Surface(
        "camel",
        "Six-hump camel",
        r"(4 - 2.1x^2 + x^4/3)\,x^2 + xy + (4y^2 - 4)\,y^2",
        value,
        gradient,
        hessian,
        (-2.0, 2.0),
        (-1.2, 1.2),
        (-1.5, 0.9),
        ((_CAMEL_X, _CAMEL_Y), (-_CAMEL_X, -_CAMEL_Y)),
        _CAMEL_MIN,
        "Several valleys: a local method only finds the bottom of the one it starts in.",
    )


def beale() -> Surface:
    r"""Beale's function: a flat basin with very steep corners.

    .. math::

        f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2,
        \qquad \min f = f(3, 0.5) = 0

    Returns
    -------
    Surface
        The Beale surface.
    """

    def parts(x, y):
        u = (1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y**3)
        du_dx = (y - 1.0, y * y - 1.0, y**3 - 1.0)
        du_dy = (x, 2.0 * x * y, 3.0 * x * y * y)
        return u, du_dx, du_dy

    def value(x, y):
        u, _, _ = parts(x, y)
        return u[0] ** 2 + u[1] ** 2 + u[2] ** 2

    def gradient(x, y):
        u, ux, uy = parts(x, y)
        gx = u[0] * ux[0] + u[1] * ux[1] + u[2] * ux[2]
        gy = u[0] * uy[0] + u[1] * uy[1] + u[2] * uy[2]
        return 2.0 * gx, 2.0 * gy

    def hessian(x, y):
        u, ux, uy = parts(x, y)
        uyy = (0.0, 2.0 * x, 6.0 * x * y)
        uxy = (1.0, 2.0 * y, 3.0 * y * y)
        hxx = 2.0 * sum(a * a for a in ux)
        hxy = 2.0 * sum(ux[i] * uy[i] + u[i] * uxy[i] for i in range(3))
        hyy = 2.0 * sum(uy[i] ** 2 + u[i] * uyy[i] for i in range(3))
        return hxx, hxy, hyy

    return Surface(
        "beale",
        "Beale (steep corners)",
        r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        value,
        gradient,
        hessian,
        (-4.5, 4.5),
        (-4.5, 4.5),
        (1.0, 1.5),
        ((3.0, 0.5),),
        0.0,
        "A flat basin ringed by cliffs: gradients range over six orders of magnitude, which "
        "adaptive methods (Adam, RMSprop) absorb.",
    )


def cliff(k: float = 3.0) -> Surface:
    r"""A gentle bowl in :math:`x` with an exponential wall in :math:`y`: one exploding direction.

    .. math::

        f = \tfrac12 x^2 + \frac{e^{k y} - k y - 1}{k}, \qquad
        \nabla f = \left(x,\; e^{k y} - 1\right), \qquad \min f = f(0, 0) = 0

    For :math:`y > 0` the :math:`y`-gradient grows like :math:`e^{ky}`, so a single step can
    throw the point far away; gradient clipping keeps the step bounded.

    Parameters
    ----------
    k : float, default 3.0
        Steepness of the wall.

    Returns
    -------
    Surface
        The cliff surface.
    """

    def value(x, y):
        return 0.5 * x * x + (np.exp(k * y) - k * y - 1.0) / k

    def gradient(x, y):
        return x, np.expm1(k * y)

    def hessian(x, y):
        return 1.0 + 0 * x, 0.0 * x, k * np.exp(k * y)

    return Surface(
        "cliff",
        "Cliff (exploding gradient)",
        rf"\tfrac12 x^2 + (e^{{{k:g}y}} - {k:g}y - 1)/{k:g}",
        value,
        gradient,
        hessian,
        (-3.0, 3.0),
        (-3.0, 2.0),
        (2.5, 1.6),
        ((0.0, 0.0),),
        0.0,
        "Above the valley the wall's gradient grows exponentially: one unclipped step can "
        "catapult the point far away.",
    )
