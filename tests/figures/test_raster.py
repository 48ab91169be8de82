"""The contour picture: a valid PNG, level lines where the levels are, the right way up."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from figures.raster import LINE_PX, contour_image, contour_pixels, png


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


@pytest.mark.parametrize("shape", [(7, 5), (40, 33, 2), (1, 1)])
def test_png_round_trips_through_a_real_decoder(shape):
    pixels = np.random.default_rng(3).integers(0, 256, shape, dtype=np.uint8)
    np.testing.assert_array_equal(decode(png(pixels)), pixels)


def test_png_refuses_colour_images():
    with pytest.raises(ValueError):
        png(np.zeros((4, 4, 3), np.uint8))


def radial(n=201):
    xs = np.linspace(-1, 1, n)
    return xs, xs[None, :] ** 2 + xs[:, None] ** 2  # z[iy, ix] = x^2 + y^2


def test_level_lines_lie_on_the_levels():
    xs, z = radial()
    levels = 10
    alpha = contour_pixels(z, levels, fill_alpha=0.0, line_alpha=1.0)[::-1]  # rows from bottom
    v = (z - z.min()) / (z.max() - z.min()) * levels
    gy, gx = np.gradient(v)
    with np.errstate(divide="ignore", invalid="ignore"):  # flat at the very centre
        distance = np.abs(v - np.round(v)) / np.hypot(gx, gy)
    on_line = alpha >= 128
    assert on_line.any()
    assert distance[on_line].max() <= LINE_PX / 2 + 0.5  # every inked pixel is on a level
    assert np.all(alpha[distance > LINE_PX / 2 + 0.5] == 0)  # and nothing else is inked
    r = np.sqrt(z)
    for level in range(1, levels // 2):  # each full circle inside the square gets its line
        ring = np.abs(v - level) < 0.05
        assert (on_line & ring).sum() > 0.5 * ring.sum(), level
        assert on_line[np.abs(r - np.sqrt(level / levels * 2)) < 0.004].any()


def test_fill_grows_with_the_value_and_the_image_is_upright():
    xs = np.linspace(0, 1, 50)
    z = np.repeat(xs[:, None], 30, axis=1)  # grows with y (row index)
    alpha = contour_pixels(z, 5, fill_alpha=0.4, line_alpha=0.0)
    assert alpha[0].mean() > alpha[-1].mean()  # top row = largest y = most fill
    assert alpha[-1].max() == 0 and alpha[0].max() == pytest.approx(0.4 * 255, abs=9)  # 16 alpha steps


def test_undefined_values_are_transparent():
    _, z = radial(41)
    z[:10, :10] = np.nan
    alpha = contour_pixels(z)[::-1]
    assert np.all(alpha[:10, :10] == 0) and alpha[20:, 20:].any()
    assert not contour_pixels(np.full((5, 5), np.nan)).any()


def test_contour_image_covers_the_window():
    _, z = radial(31)
    image = contour_image(z, (-2.0, 4.0), (1.0, 3.0), color=0x40)
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-2.0, 3.0, 6.0, 2.0)
    assert (image["xanchor"], image["yanchor"], image["sizing"]) == ("left", "top", "stretch")
    pixels = decode(base64.b64decode(image["source"].split(",", 1)[1]))
    assert pixels.shape == (31, 31, 2) and np.all(pixels[..., 0] == 0x40)
