"""Raw bytes of a weekly CSV: size limit, old workbooks and UTF-16 in disguise, UTF-8 decoding.

Stdlib only. Messages name the row and column where the bytes go wrong.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Largest accepted file, the same as ``server.maxUploadSize`` in ``.streamlit/config.toml``.
MAX_BYTES = 5 * 1024 * 1024


def read_source_bytes(source) -> bytes | str:
    """Return the raw content of a path, bytes, or file-like object (e.g. a Streamlit upload).

    Parameters
    ----------
    source : str, os.PathLike, bytes or file-like
        Where the CSV comes from.

    Returns
    -------
    bytes or str
        The content (``str`` only for text-mode file objects).
    """
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"File not found: {path.name}")
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(_too_big(path.stat().st_size))
        return path.read_bytes()
    if hasattr(source, "getvalue"):
        return source.getvalue()
    if hasattr(source, "read"):
        return source.read()
    raise ValueError("Expected a file path or an uploaded file")


def _too_big(size: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
        "Weekly data for a few years is only a few kB: check that this is the right file."
    )


def decode_text(data: bytes | str) -> str:
    """Decode bytes as UTF-8, with specific messages for spreadsheets and other encodings.

    Parameters
    ----------
    data : bytes or str
        Raw file content.

    Returns
    -------
    str
        The text, without a byte-order mark.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ValueError(_too_big(len(data)))
    if not data.strip():
        raise ValueError("The file is empty: no header and no rows.")
    _check_magic(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise ValueError("The file contains NUL bytes: it is a binary file, not a CSV text file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(_encoding_message(data, err.start)) from None


def _check_magic(data: bytes) -> None:
    """Recognise old workbooks and UTF-16 text (an .xlsx workbook never reaches here)."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(
            "This is an old Excel workbook (.xls) or a password-protected one, which cannot be "
            "read here. In Excel use File > Save As > 'Excel Workbook (.xlsx)' without a "
            "password, or 'CSV UTF-8 (comma delimited)'."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(
            "The file is UTF-16 text (Excel's 'Unicode Text'), not UTF-8. "
            "Save it as 'CSV UTF-8 (comma delimited)'."
        )


def _encoding_message(data: bytes, pos: int) -> str:
    line_start = data.rfind(b"\n", 0, pos) + 1
    row = data.count(b"\n", 0, pos) + 1
    col = data[line_start:pos].count(b",") + 1
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").split(",")
    where = f"column '{header[col - 1].strip()}'" if col <= len(header) else f"column {col}"
    return (
        f"Row {row}, {where}: byte 0x{data[pos]:02X} is not UTF-8 text. The file was probably "
        "saved in a Windows/Latin-1 encoding; save it as 'CSV UTF-8' and upload it again."
    )
