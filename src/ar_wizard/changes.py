"""A FileChange for a file on disk: its bytes as they are, and after an edit of its text.

Below the orchestration: planning, rotation, doctor's fixes and snippets all build their
changes here, so none of them imports another to do it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UserError
from .model import FileChange
from .targets import text


def edit_file(path: Path, edit, *, holds_secret: bool = False, summary: str = "") -> FileChange:
    """Read ``path`` (missing is empty), apply ``edit`` to its text, keep BOM and line endings."""
    before = read_bytes(path)
    content, style = text.decode(before or b"", path)
    if before is None:
        style = text.TextStyle(bom=False, newline=os.linesep if os.linesep == "\r\n" else "\n")
    after = text.encode(edit(content), style)
    return FileChange(path=path, before=before, after=after, holds_secret=holds_secret, summary=summary)


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UserError(f"{path} is a directory, not a file: move it aside and run again.") from None
    except NotADirectoryError:
        raise UserError(
            f"{path} cannot be read: a file stands where a directory belongs in its path; move that file aside "
            "and run again."
        ) from None
    except PermissionError:
        raise UserError(f"{path} cannot be read (permission denied): fix its permissions and run again.") from None
