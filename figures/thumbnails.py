"""Tiny heat maps as PNG images, for pictures drawn inside a chart (a neuron's output, say).

Plotly draws dozens of small heat maps slowly (one subplot each) and re-sends every cell as a
number; a 24×24 PNG is a few hundred bytes and one ``layout.images`` entry. The colours are
the theme's diverging scale, so a thumbnail reads like the large heat map beside it.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

from figures.theme import COLORS

NEGATIVE = COLORS["blue"]
POSITIVE = COLORS["vermillion"]
MIDDLE = "#F7F7F7"


def hex_rgb(colour: str) -> np.ndarray:
    """``"#D55E00"`` as float RGB in [0, 255]."""
    colour = colour.lstrip("#")
    return np.array([int(colour[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)


def diverging_rgb(values: np.ndarray, low: str = NEGATIVE, high: str = POSITIVE) -> np.ndarray:
    """Colours of values in [-1, 1] (clipped): ``low`` at -1, light grey at 0, ``high`` at +1.

    Parameters
    ----------
    values : numpy.ndarray
        Any shape.
    low, high : str
        Hex colours of the two ends.

    Returns
    -------
    numpy.ndarray
        ``values.shape + (3,)`` of uint8.
    """
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=float)), -1.0, 1.0)[..., None]
    mid = hex_rgb(MIDDLE)
    end = np.where(v < 0, hex_rgb(low), hex_rgb(high))
    return np.rint(mid + np.abs(v) * (end - mid)).astype(np.uint8)


def blend_rgb(colours: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Each colour mixed with the light middle grey: ``strength`` 0 gives grey, 1 the colour.

    Parameters
    ----------
    colours : numpy.ndarray
        Shape ``(..., 3)``, RGB in [0, 255].
    strength : numpy.ndarray
        Shape ``(...)``, in [0, 1].

    Returns
    -------
    numpy.ndarray
        Shape ``(..., 3)`` of uint8.
    """
    s = np.clip(np.asarray(strength, dtype=float), 0.0, 1.0)[..., None]
    mid = hex_rgb(MIDDLE)
    return np.rint(mid + s * (np.asarray(colours, dtype=float) - mid)).astype(np.uint8)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_data_uri(rgb: np.ndarray) -> str:
    """An RGB image as a ``data:image/png;base64,...`` URI (rows top to bottom).

    Parameters
    ----------
    rgb : numpy.ndarray
        Shape ``(height, width, 3)``, uint8.

    Returns
    -------
    str
        A data URI Plotly's ``layout.images`` accepts as ``source``.
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width, channels = rgb.shape
    if channels != 3:
        raise ValueError("png_data_uri needs an RGB image of shape (height, width, 3).")
    rows = np.concatenate([np.zeros((height, 1), np.uint8), rgb.reshape(height, -1)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
           + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
