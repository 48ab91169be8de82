"""Figure builders of the partial-derivatives lesson: valid Plotly, and the geometry is right."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.calculus import PRESETS, SALES, analyse_point, scan_point
from core.calculus import surface_grid as make_grid
from core.formula import parse
from figures import partials as pf
from figures import partials_numbers as pn
from tests.app.helpers import decode_array

R = (-2.0, 2.0)


def setup(text: str, x0: float = 0.6, y0: float = -0.4, n: int = 40):
    e = parse(text)
    grid = make_grid(e, R, R, n)
    point = analyse_point(e, e.diff("x"), e.diff("y"), x0, y0, R, R, n=60)
    return e, grid, point


def validated(fig: go.Figure) -> dict:
    """Re-build with full Plotly validation (the builders skip it for speed): typos raise."""
    return decode_array(go.Figure(fig.to_dict()).to_dict())


def trace(fig_dict: dict, name_start: str) -> dict:
    matches = [t for t in fig_dict["data"] if str(t.get("name", "")).startswith(name_start)]
    assert matches, f"no trace named {name_start!r}"
    return matches[0]


@pytest.mark.parametrize("key", list(PRESETS))
def test_surface_geometry_for_every_preset(key):
    preset = PRESETS[key]
    _, grid, point = setup(preset.formula)
    fig = validated(pf.surface_figure(grid, point, planes=True, tangent_plane=True))
    surf = fig["data"][0]
    assert surf["type"] == "surface"
    np.testing.assert_allclose(
        np.asarray(surf["z"], dtype=float),
        preset.f(grid.x[None, :], grid.y[:, None]), rtol=1e-6, atol=1e-6,
    )  # fmt: skip
    sx = trace(fig, "slice y")
    np.testing.assert_allclose(sx["y"], point.y0)
    lift = pf.SLICE_LIFT * np.ptp(fig["layout"]["scene"]["zaxis"]["range"])
    expected = preset.f(np.asarray(sx["x"]), point.y0) + lift
    np.testing.assert_allclose(sx["z"], expected, rtol=1e-9, atol=1e-9)
    sy = trace(fig, "slice x")
    np.testing.assert_allclose(sy["x"], point.x0)
    for name, axis, exact in (
        ("tangent, slope ∂f/∂x", "x", preset.fx),
        ("tangent, slope ∂f/∂y", "y", preset.fy),
    ):  # noqa: E501
        t = trace(fig, name)
        run = np.diff(np.asarray(t[axis], dtype=float))[0]
        rise = np.diff(np.asarray(t["z"], dtype=float))[0]
        assert rise / run == pytest.approx(exact(point.x0, point.y0), rel=1e-9, abs=1e-9)
        # The tangent passes through (x0, y0, f0).
        assert np.mean(t["z"]) == pytest.approx(point.f0)
    assert trace(fig, "tangent plane")
    assert sum(t["name"].startswith("plane") for t in fig["data"]) == 2


def test_surface_toggles_and_uirevision():
    _, grid, point = setup("x^2 - y^2")
    plain = validated(
        pf.surface_figure(grid, point, planes=False, tangent_plane=False, revision="r")
    )
    names = [t.get("name", "") for t in plain["data"]]
    assert not any(n.startswith("plane") or n == "tangent plane" for n in names)
    assert plain["layout"]["uirevision"] == "r"
    assert plain["layout"]["scene"]["zaxis"]["range"][0] < -3.5  # f spans [-4, 4]


def test_tangent_plane_is_the_linearisation():
    _, grid, point = setup("sin(x)*cos(y)")
    fig = validated(pf.surface_figure(grid, point, tangent_plane=True))
    plane = trace(fig, "tangent plane")
    x, y, z = (np.asarray(plane[k], dtype=float) for k in ("x", "y", "z"))
    fx, fy = point.exact
    np.testing.assert_allclose(z, point.f0 + fx * (x - point.x0) + fy * (y - point.y0))


def test_undefined_point_draws_no_tangents():
    _, grid, point = setup("log(x) + y", x0=-1.0, y0=0.5)
    fig = validated(pf.surface_figure(grid, point, tangent_plane=True))
    assert not any("tangent" in t.get("name", "") for t in fig["data"])


def test_error_figure():
    preset = PRESETS["ripple"]
    scan = scan_point(parse(preset.formula), 0.5, 0.2, preset.fx(0.5, 0.2))
    fig = validated(pn.error_figure(scan))
    lines = [t for t in fig["data"] if t["mode"] == "lines"]
    assert len(lines) == 3
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["yaxis"]["type"] == "log"
    complex_line = trace(fig, "complex step")
    assert min(complex_line["y"]) >= pn.EXACT_FLOOR  # exact zeros drawn at the floor
    assert "slope +1.0" in trace(fig, "forward")["name"]


def test_sales_figure():
    tv = np.linspace(0, 100, 11)
    curves = {f"digital {d}": SALES.d_tv(tv, d, 1.0) for d in (0, 50)}
    fig = validated(pn.sales_marginal_figure(tv, curves, (40.0, float(SALES.d_tv(40, 30, 1)))))
    assert len(fig["data"]) == 3
    assert trace(fig, "digital 50")["y"][0] > trace(fig, "digital 0")["y"][0]  # synergy
    assert fig["layout"]["shapes"][0]["y0"] == 1.0
    assert trace(fig, "your plan")["x"][0] == 40_000


def test_error_figure_has_no_nan_at_the_domain_edge():
    # At x = 2, steps below 2 * 2.2e-16 leave x unchanged: no estimate, so no point is drawn.
    preset = PRESETS["ripple"]
    scan = scan_point(parse(preset.formula), 2.0, -2.0, preset.fx(2.0, -2.0))
    assert not np.all(np.isfinite(scan.errors["forward"]))
    fig = validated(pn.error_figure(scan))
    for t in fig["data"]:
        assert np.all(np.isfinite(np.asarray(t["y"], dtype=float))), t["name"]
