"""``.env`` files that both a POSIX shell and uv's ``--env-file`` read the same way, and ``.gitignore``.

Values are written bare when they only hold ``[A-Za-z0-9_./:@+-]`` and in
single quotes otherwise: inside single quotes neither ``sh`` (``set -a; . ./.env``)
nor dotenvy (uv's reader) expands ``$``, backslashes or ``#``. A value with a
single quote or a line break has no spelling both agree on, so it is refused.
uv stops reading an env file at the first line dotenvy cannot parse (with only
a warning), so every spelling here is checked against the real uv in the tests.
"""

from __future__ import annotations

import re

from ar_wizard.errors import UserError
from ar_wizard.targets.text import newline_of

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BARE = re.compile(r"[A-Za-z0-9_./:@+-]*\Z")
# As in sh, a space right after "=" ends the (empty) value.
_ASSIGNMENT = re.compile(r"[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)[ \t]*=")
_TRAILER = re.compile(r"[ \t]*(?:#[^\r\n]*)?\r?(?:\n|\Z)")


def quote(value: str) -> str:
    """The spelling of ``value`` that sh and dotenvy both read back exactly."""
    # dotenvy takes a backslash right before the closing quote as escaping it
    # (then fails on the whole file), so trailing backslashes go after the
    # quotes, each escaped, which both readers turn back into one backslash.
    body = value.rstrip("\\")
    tail = "\\\\" * (len(value) - len(body))
    if _BARE.match(body):
        return body + tail
    return f"'{body}'{tail}"


def set_vars(text: str, *, path: object, values: dict[str, str]) -> str:
    """Set each ``KEY=value``: existing lines (``export`` ones too) in place, new ones at the end."""
    for key, value in values.items():
        if not _NAME.match(key):
            raise UserError(f"{key!r} cannot name a variable in {path}; use letters, digits and '_'")
        if any(c in value for c in "'\n\r\0"):
            raise UserError(
                f"The value for {key} cannot be stored in {path} because it contains a single quote "
                "or a line break; choose another store"
            )
    found = set()
    for assignment in reversed(_assignments(text)):  # from the end, so offsets stay valid
        key = assignment[0]
        if key not in values:
            continue
        found.add(key)
        _, start, end, _ = assignment
        trailer = _TRAILER.match(text, end)
        if trailer is None:  # "KEY=a b": no reader agrees on it; replace up to the line end
            end = text.find("\n", end)
            end = len(text) if end == -1 else end
            if text[:end].endswith("\r"):
                end -= 1
        text = text[:start] + quote(values[key]) + text[end:]
    missing = [key for key in values if key not in found]
    if missing:
        newline = newline_of(text)
        if text and not text.endswith("\n"):
            text += newline
        text += "".join(f"{key}={quote(values[key])}{newline}" for key in missing)
    return text


def rename_var(text: str, *, path: object, old: str, new: str) -> str:
    """Every assignment of ``old`` renamed to ``new``; values, ``export`` and comments kept."""
    if not _NAME.match(new):
        raise UserError(f"{new!r} cannot name a variable in {path}; use letters, digits and '_'")
    pattern = re.compile(rf"^([ \t]*(?:export[ \t]+)?){re.escape(old)}(?=[ \t]*=)", re.MULTILINE)
    return pattern.sub(lambda m: m.group(1) + new, text)


def read_vars(text: str) -> dict[str, str]:
    """The variables a shell would set from ``text`` (``$`` is not expanded); the last one wins."""
    return {key: value for key, _, _, value in _assignments(text)}


def _assignments(text: str) -> list[tuple[str, int, int, str]]:
    """``(key, value start, value end, value)`` for every assignment line."""
    found = []
    pos = 0
    while pos < len(text):
        match = _ASSIGNMENT.match(text, pos)
        end = pos
        if match:
            end, value = _read_value(text, match.end())
            found.append((match.group("key"), match.end(), end, value))
        newline = text.find("\n", end)
        pos = len(text) if newline == -1 else newline + 1
    return found


def _read_value(text: str, i: int) -> tuple[int, str]:
    """Read one shell word: bare characters, '…' and "…" parts, backslash escapes."""
    out = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            close = text.find("'", i + 1)
            close = n if close == -1 else close
            out.append(text[i + 1 : close])
            i = close + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '\\"$`\n':
                    if text[i + 1] != "\n":
                        out.append(text[i + 1])
                    i += 2
                else:
                    out.append(text[i])
                    i += 1
            i += 1
        elif c in " \t\r\n":
            break
        elif c == "\\" and i + 1 < n:
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return min(i, n), "".join(out)


def ensure_ignored(text: str, *, entry: str = ".env") -> str:
    """``.gitignore`` text that ignores ``entry`` at the top of the repository."""
    name = entry.lstrip("/")
    ignored = False
    for line in text.split("\n"):
        pattern = line.rstrip()
        if pattern in (name, "/" + name):
            ignored = True
        elif pattern in ("!" + name, "!/" + name):
            ignored = False
    if ignored:
        return text
    newline = newline_of(text)
    if text and not text.endswith("\n"):
        text += newline
    return text + entry + newline
