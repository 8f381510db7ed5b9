"""~/.netrc: one ``machine HOST login USER password SECRET`` entry, every other byte kept.

Tokens are read the way Python's ``netrc`` module (and so pip, through
requests) reads them: separated by any whitespace, ``"…"`` quoting and
backslash escapes, ``#`` comments to the end of the line, ``macdef`` bodies up
to the next empty line. Parsers disagree on quoting, so values we write must be
plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ar_wizard.errors import UserError
from ar_wizard.targets.text import newline_of

_WHITESPACE = " \t\r\n"
_KEYWORDS = ("machine", "default", "macdef")
_FIELDS = {"login": "login", "user": "login", "account": "account", "password": "password"}


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    value: str
    line: int


@dataclass
class _Entry:
    host: str | None  # None for ``default``
    start: int  # where the ``machine``/``default`` keyword starts
    name_end: int  # end of the host token (or of ``default``)
    fields: list[tuple[str, _Token, _Token]] = field(default_factory=list)

    def values(self, name: str) -> list[_Token]:
        return [value for field_name, _, value in self.fields if field_name == name]


@dataclass
class _Netrc:
    entries: list[_Entry]
    open_macro: bool  # the text ends inside a macdef body that no empty line closes


class _Lexer:
    def __init__(self, text: str, path: object) -> None:
        self.text = text
        self.path = path
        self.pos = 0

    def line_at(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def next(self, *, comments: bool = True) -> _Token | None:
        """The next token, skipping whitespace (and comments where a keyword goes); None at the end."""
        text, n = self.text, len(self.text)
        while True:
            while self.pos < n and text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos >= n:
                return None
            if not comments or text[self.pos] != "#":
                break
            newline = text.find("\n", self.pos)
            self.pos = n if newline == -1 else newline + 1
        start = i = self.pos
        out = []
        if text[i] == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                out.append(text[i])
                i += 1
            i = min(i + 1, n)
        else:
            while i < n and text[i] not in _WHITESPACE:
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                out.append(text[i])
                i += 1
        self.pos = i
        return _Token(start, i, "".join(out), self.line_at(start))

    def skip_macro_body(self) -> bool:
        """Skip past the body of a macdef; False when no empty line ends it."""
        text = self.text
        # Python's netrc reads the body with readline() right after the name's
        # terminating character; the body ends at the first empty line.
        if text.startswith("\r\n", self.pos):
            self.pos += 2  # Python reads files with universal newlines: CRLF is one character
        elif self.pos < len(text) and text[self.pos] in _WHITESPACE:
            self.pos += 1
        while self.pos < len(text):
            newline = text.find("\n", self.pos)
            line = text[self.pos :] if newline == -1 else text[self.pos : newline + 1]
            self.pos += len(line)
            if line.strip("\r\n") == "" and line.endswith("\n"):
                return True
        return False

    def fail(self, token: _Token | None, what: str) -> UserError:
        line = token.line if token else self.line_at(len(self.text))
        return UserError(f"{self.path} is not a valid netrc file (line {line}: {what}); fix it and run again")


def _parse(text: str, path: object) -> _Netrc:
    lexer = _Lexer(text, path)
    entries: list[_Entry] = []
    open_macro = False
    token = lexer.next()
    while token is not None:
        if token.value == "macdef":
            if lexer.next(comments=False) is None:
                raise lexer.fail(token, "macdef without a name")
            open_macro = not lexer.skip_macro_body()
            token = lexer.next()
            continue
        if token.value == "machine":
            host = lexer.next(comments=False)
            if host is None:
                raise lexer.fail(token, "machine without a host name")
            entry = _Entry(host.value, token.start, host.end)
        elif token.value == "default":
            entry = _Entry(None, token.start, token.end)
        else:
            raise lexer.fail(token, "expected machine, default or macdef")
        entries.append(entry)
        token = lexer.next()
        while token is not None and token.value not in _KEYWORDS:
            name = _FIELDS.get(token.value)
            if name is None:
                raise lexer.fail(token, "expected login, account or password")
            value = lexer.next(comments=False)
            if value is None:
                raise lexer.fail(token, f"{token.value} without a value")
            entry.fields.append((name, token, value))
            token = lexer.next()
    return _Netrc(entries, open_macro)


def _check(value: str, what: str, host: str, path: object) -> None:
    if not value or any(c.isspace() or c in '"#\\' for c in value):
        raise UserError(
            f"The {what} for {host} cannot be stored in {path}: it is empty or contains a space, "
            "a quote, '#' or a backslash, which netrc readers handle differently; choose another store"
        )


def set_machine(text: str, *, path: object, host: str, login: str, password: str) -> str:
    """``machine host`` with this login and password: updated in place, or added."""
    _check(host, "host name", host, path)
    _check(login, "login", host, path)
    _check(password, "password", host, path)
    netrc = _parse(text, path)
    matches = [entry for entry in netrc.entries if entry.host == host]
    if not matches:
        return _add(text, netrc, f"machine {host} login {login} password {password}")

    edits: list[tuple[int, int, str]] = []
    for entry in matches:  # every one: Python's netrc keeps the last, curl and uv the first
        logins, passwords = entry.values("login"), entry.values("password")
        edits += [(t.start, t.end, login) for t in logins if t.value != login]
        edits += [(t.start, t.end, password) for t in passwords if t.value != password]
        missing = ""
        if not logins:
            missing += f" login {login}"
        if not passwords:
            missing += f" password {password}"
        if missing:
            after = logins[-1].end if logins else entry.name_end
            edits.append((after, after, missing))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _add(text: str, netrc: _Netrc, line: str) -> str:
    newline = newline_of(text)
    default = next((entry for entry in netrc.entries if entry.host is None), None)
    if default is not None:  # lookups stop at ``default``: go before it
        at = default.start
        before = "" if at == 0 or text[at - 1] == "\n" else newline
        return text[:at] + before + line + newline + text[at:]
    if text and not text.endswith("\n"):
        text += newline
    if netrc.open_macro:
        text += newline  # the empty line that ends the macro body
    return text + line + newline


def lookup(text: str, host: str, *, path: object = ".netrc") -> tuple[str, str] | None:
    """``(login, password)`` for ``host``: its first entry, else ``default``, else None."""
    netrc = _parse(text, path)
    entry = next((e for e in netrc.entries if e.host == host), None)
    if entry is None:
        entry = next((e for e in netrc.entries if e.host is None), None)
    if entry is None:
        return None
    logins, passwords = entry.values("login"), entry.values("password")
    return (logins[-1].value if logins else "", passwords[-1].value if passwords else "")
