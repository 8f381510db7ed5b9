"""Bytes of a config file to text and back, keeping its BOM and line endings.

The editors in this package work on ``str`` with ``"\\n"`` line endings. A file
written with CRLF throughout is handed to them normalised and turned back into
CRLF on the way out; a file with mixed endings is passed through untouched, so
``encode(*decode(data)) == data`` for every UTF-8 file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ar_wizard.errors import UserError

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class TextStyle:
    """How a file's text was stored: a leading UTF-8 BOM and its line ending."""

    bom: bool = False
    newline: str = "\n"  # "\n" or "\r\n"


def newline_of(text: str) -> str:
    """``"\\r\\n"`` when every line of ``text`` ends with CRLF, else ``"\\n"``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def decode(data: bytes, path: object) -> tuple[str, TextStyle]:
    """The text of a file and how to store it again; refuses bytes that are not UTF-8."""
    bom = data.startswith(_BOM)
    if bom:
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(
            f"{path} is not UTF-8 text; convert it to UTF-8 or leave it out"
        ) from None
    newline = newline_of(text)
    if newline == "\r\n":
        text = text.replace("\r\n", "\n")
    return text, TextStyle(bom=bom, newline=newline)


def encode(text: str, style: TextStyle) -> bytes:
    """The bytes to write for ``text`` in the file's original ``style``."""
    if style.newline == "\r\n":
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return _BOM + data if style.bom else data
