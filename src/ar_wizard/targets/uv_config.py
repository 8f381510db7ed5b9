"""uv's index settings: ``[[tool.uv.index]]`` in pyproject.toml, ``[[index]]`` in uv.toml.

tomlkit keeps every byte it parses, but it places what it adds where no person
would: a key added to a table lands after the table's trailing blank lines and
under the next table's comment, a new ``[[…index]]`` entry is glued to the next
header, a top-level key goes straight under the file's first comment. So the
edits here are made on the text: a small TOML scanner finds each header, key
and value span, new lines go where a person would put them, and existing values
are replaced span for span. tomllib validates the file first and re-reads the
result, which must differ from the original in exactly the intended keys.
tomlkit spells the new string values.
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass, field

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from ar_wizard.errors import UserError
from ar_wizard.targets.text import newline_of

_PYPROJECT_BASE = ("tool", "uv")
_KEYRING = "keyring-provider"
_SUBPROCESS = "subprocess"


# -- reading ---------------------------------------------------------------------


def load_toml(text: str, path: object) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        if match:
            line = int(match.group(1))
            message = message[: match.start()]
        else:
            line = max(1, len(text.splitlines()))
            message = re.sub(r"\s*\(at end of document\)$", "", message)
        reason = message[:1].lower() + message[1:]
        raise UserError(f"{path} is not valid TOML (line {line}): {reason}; fix it and run again") from None


def _base(in_pyproject: bool) -> tuple[str, ...]:
    return _PYPROJECT_BASE if in_pyproject else ()


def _get(doc: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def read_indexes(text: str, *, path: object, in_pyproject: bool) -> list[dict]:
    """The index entries (``name``, ``url``, ``publish-url``, …) in file order."""
    entries = _get(load_toml(text, path), _base(in_pyproject) + ("index",))
    if not isinstance(entries, list):
        return []
    return [dict(entry) for entry in entries if isinstance(entry, dict)]


def pip_index_urls(text: str, *, path: object, in_pyproject: bool) -> list[str]:
    """``[tool.uv.pip]`` index URLs: only the ``uv pip`` commands read them."""
    section = _get(load_toml(text, path), _base(in_pyproject) + ("pip",))
    if not isinstance(section, dict):
        return []
    urls = [section.get("index-url")] + list(section.get("extra-index-url") or [])
    return [url for url in urls if isinstance(url, str) and url]


def keyring_provider(text: str, *, path: object, in_pyproject: bool) -> str | None:
    """The ``keyring-provider`` uv reads from this file, if set."""
    value = _get(load_toml(text, path), _base(in_pyproject) + (_KEYRING,))
    return value if isinstance(value, str) else None


# -- the scanner -----------------------------------------------------------------


@dataclass(frozen=True)
class _Stmt:
    kind: str  # "header", "keyval", "comment" or "blank"
    start: int  # start of its first line
    end: int  # just after its last line ending (or the end of the text)
    key: tuple[str, ...] = ()  # a header's table path, a keyval's dotted key
    value_start: int = 0
    value_end: int = 0


@dataclass
class _Section:
    """The root table or one ``[header]``/``[[header]]`` and the lines up to the next."""

    path: tuple[str, ...]
    array: bool
    header: _Stmt | None
    stmts: list[_Stmt] = field(default_factory=list)

    def lines(self) -> list[_Stmt]:
        return ([self.header] if self.header else []) + self.stmts

    def keyvals(self) -> list[_Stmt]:
        return [stmt for stmt in self.stmts if stmt.kind == "keyval"]


class _ScanError(Exception):
    pass


class _Scanner:
    """Just enough TOML lexing to find statements in a document tomllib accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    def char(self, i: int) -> str:
        if i >= self.n:
            raise _ScanError(i)
        return self.text[i]

    def spaces(self, i: int) -> int:
        while i < self.n and self.text[i] in " \t":
            i += 1
        return i

    def gaps(self, i: int) -> int:
        """Skip whitespace, line endings and comments (inside arrays and inline tables)."""
        while i < self.n:
            c = self.text[i]
            if c in " \t\r\n":
                i += 1
            elif c == "#":
                i = self.line_end(i)
            else:
                break
        return i

    def line_end(self, i: int) -> int:
        """The index of the ``\\n`` ending the line at ``i`` (or the end of the text)."""
        j = self.text.find("\n", i)
        return self.n if j == -1 else j

    def next_line(self, i: int) -> int:
        return min(self.line_end(i) + 1, self.n)

    def key(self, i: int) -> tuple[int, tuple[str, ...]]:
        parts = []
        while True:
            i = self.spaces(i)
            c = self.char(i)
            if c == '"':
                j = self.basic_end(i)
                parts.append(tomllib.loads(f"k = {self.text[i:j]}")["k"])
            elif c == "'":
                j = self.text.index("'", i + 1) + 1
                parts.append(self.text[i + 1 : j - 1])
            else:
                j = i
                while j < self.n and self.text[j].isascii() and (self.text[j].isalnum() or self.text[j] in "-_"):
                    j += 1
                if j == i:
                    raise _ScanError(i)
                parts.append(self.text[i:j])
            i = self.spaces(j)
            if self.char(i) != ".":
                return i, tuple(parts)
            i += 1

    def basic_end(self, i: int) -> int:
        j = i + 1
        while self.char(j) != '"':
            j += 2 if self.text[j] == "\\" else 1
        return j + 1

    def multiline_end(self, i: int, quote: str) -> int:
        j = i + 3
        while True:
            c = self.char(j)
            if c == "\\" and quote == '"':
                j += 2
            elif self.text.startswith(quote * 3, j):
                while j < self.n and self.text[j] == quote:  # up to two quotes may end the content
                    j += 1
                return j
            else:
                j += 1

    def value(self, i: int) -> int:
        """The end of the value starting at ``i``."""
        text = self.text
        c = self.char(i)
        if text.startswith('"""', i) or text.startswith("'''", i):
            return self.multiline_end(i, c)
        if c == '"':
            return self.basic_end(i)
        if c == "'":
            return text.index("'", i + 1) + 1
        if c in "[{":
            close = "]" if c == "[" else "}"
            i += 1
            while True:
                i = self.gaps(i)
                if self.char(i) == close:
                    return i + 1
                if close == "}":
                    i, _ = self.key(i)
                    if self.char(i) != "=":
                        raise _ScanError(i)
                    i = self.gaps(i + 1)
                i = self.gaps(self.value(i))
                if self.char(i) == ",":
                    i += 1
        j = i
        while j < self.n and text[j] not in ",]}#\r\n":
            j += 1
        while j > i and text[j - 1] in " \t":
            j -= 1
        if j == i:
            raise _ScanError(i)
        return j


def _scan(text: str) -> list[_Section]:
    scanner = _Scanner(text)
    sections = [_Section((), False, None)]
    i = 0
    while i < len(text):
        j = scanner.spaces(i)
        c = text[j] if j < len(text) else "\n"
        if c in "\r\n":
            stmt = _Stmt("blank", i, scanner.next_line(j))
        elif c == "#":
            stmt = _Stmt("comment", i, scanner.next_line(j))
        elif c == "[":
            array = text.startswith("[[", j)
            k, path = scanner.key(j + (2 if array else 1))
            stmt = _Stmt("header", i, scanner.next_line(k), path)
            sections.append(_Section(path, array, stmt))
            i = stmt.end
            continue
        else:
            k, key = scanner.key(j)
            if scanner.char(k) != "=":
                raise _ScanError(k)
            value_start = scanner.spaces(k + 1)
            value_end = scanner.value(value_start)
            stmt = _Stmt("keyval", i, scanner.next_line(value_end), key, value_start, value_end)
        sections[-1].stmts.append(stmt)
        i = stmt.end
    return sections


def _sections(text: str, path: object) -> list[_Section]:
    try:
        return _scan(text)
    except (_ScanError, ValueError, IndexError, tomllib.TOMLDecodeError):
        raise _cannot_edit(path) from None


def _cannot_edit(path: object) -> UserError:
    return UserError(
        f"{path} is laid out in a way ar-wizard cannot edit safely; make the change by hand and run again"
    )


def _content_end(sections: list[_Section], idx: int) -> int | None:
    """Where a new key of this section goes: after its last key and the comments stuck to it."""
    lines = sections[idx].lines()
    if idx + 1 < len(sections):
        while lines and lines[-1].kind == "comment":  # they lead into the next header
            lines = lines[:-1]
    end = None
    attached = False
    for stmt in lines:
        if stmt.kind in ("header", "keyval"):
            end, attached = stmt.end, True
        elif stmt.kind == "comment" and attached:
            end = stmt.end
        else:
            attached = False
    return end


def _key_end(sections: list[_Section], idx: int) -> int:
    """``_content_end`` of a section that holds a header or a key, so it has an end."""
    end = _content_end(sections, idx)
    assert end is not None  # the empty root section is the only one without
    return end


def _leading_start(sections: list[_Section], idx: int) -> int:
    """The start of a header together with the comment lines directly above it."""
    header = sections[idx].header
    assert header is not None  # only the root section (index 0) has none
    at = header.start
    for stmt in reversed(sections[idx - 1].lines()):
        if stmt.kind != "comment":
            break
        at = stmt.start
    return at


def _indent(text: str, stmt: _Stmt | None) -> str:
    if stmt is None or stmt.kind != "keyval":
        return ""
    line = text[stmt.start : stmt.end]
    return line[: len(line) - len(line.lstrip(" \t"))]


# -- editing ---------------------------------------------------------------------

# An edit is (start, end, replacement); edits of one step never overlap.
_Edit = tuple[int, int, str]


def _insertion(text: str, at: int, lines: list[str], *, blank_before: bool = False, blank_after: bool = False) -> _Edit:
    """Insert whole lines at a line start (or at the end of the text)."""
    newline = newline_of(text)
    before = ""
    if at > 0 and text[at - 1] != "\n":
        before = newline  # the text ended without a line ending
    if blank_before and at > 0:
        previous = text[text.rfind("\n", 0, at - 1) + 1 : at]
        if before or previous.strip():
            before += newline
    after = ""
    if blank_after and at < len(text):
        following = text[at:].split("\n", 1)[0]
        if following.strip():
            after = newline
    return (at, at, before + newline.join(lines) + newline + after)


def _apply(text: str, edits: list[_Edit]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _toml_string(value: str) -> str:
    # Deferred: tomlkit costs ~70 ms to import and only the write path needs it.
    import tomlkit

    return tomlkit.string(value).as_string()


def _header(keys: tuple[str, ...], array: bool) -> str:
    name = ".".join(keys)
    return f"[[{name}]]" if array else f"[{name}]"


def _refuse_inline(sections: list[_Section], keys: tuple[str, ...], path: object) -> None:
    """A key path we must extend may not be written as a value (``index = [...]``, ``uv = {...}``)."""
    for section in sections:
        for stmt in section.keyvals():
            full = section.path + stmt.key
            if full == keys[: len(full)]:
                dotted = ".".join(full)
                example = _header(full, full[-1] == "index")
                raise UserError(
                    f"{path} sets {dotted} as an inline value, which ar-wizard cannot extend; "
                    f"rewrite it with {example} table headers and run again"
                )


def set_index(
    text: str,
    *,
    path: object,
    in_pyproject: bool,
    name: str,
    url: str,
    publish_url: str | None = None,
    keyring_subprocess: bool = False,
    authenticate: str | None = None,
) -> str:
    """Add the index ``name`` or update its URLs in place; optionally ``keyring-provider = "subprocess"``,
    and ``authenticate`` (``"always"`` for a server that never asks for credentials)."""
    old = load_toml(text, path)
    base = _base(in_pyproject)
    extra = {k: v for k, v in (("publish-url", publish_url), ("authenticate", authenticate)) if v is not None}
    new_text = _set_entry(text, path, base, name, url, extra)
    if keyring_subprocess:
        new_text = _set_keyring(new_text, path, base)
    expected = _expected(old, base, name, url, extra, keyring_subprocess)
    try:
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        raise _cannot_edit(path) from None
    if not _same(new, expected):
        raise _cannot_edit(path)
    return new_text


def _set_entry(
    text: str, path: object, base: tuple[str, ...], name: str, url: str, extra: dict[str, str], leaf: str = "index"
) -> str:
    """Add or update the ``[[BASE.LEAF]]`` entry called ``name`` (``leaf`` is ``source`` for Poetry and PDM)."""
    table = base + (leaf,)
    sections = _sections(text, path)
    _refuse_inline(sections, table, path)
    entries = [i for i, section in enumerate(sections) if section.array and section.path == table]
    listed = _get(load_toml(text, path), table) or []
    if not isinstance(listed, list) or len(listed) != len(entries):
        raise _cannot_edit(path)
    for position, idx in enumerate(entries):
        entry = listed[position]
        if isinstance(entry, dict) and entry.get("name") == name:
            return _apply(text, _update_entry(text, sections[idx], entry, url, extra))

    lines = [_header(table, True), f"name = {_toml_string(name)}", f"url = {_toml_string(url)}"]
    lines += [f"{key} = {_toml_string(value)}" for key, value in extra.items()]
    if not entries:
        return _apply(text, [_insertion(text, len(text), lines, blank_before=True)])
    last = entries[-1]
    while (
        last + 1 < len(sections)
        and sections[last + 1].path[: len(table)] == table
        and len(sections[last + 1].path) > len(table)
    ):
        last += 1  # sub-tables of the last entry belong to it
    at = _key_end(sections, last)
    return _apply(text, [_insertion(text, at, lines, blank_before=True, blank_after=True)])


def _update_entry(text: str, section: _Section, entry: dict, url: str, extra: dict[str, str]) -> list[_Edit]:
    keyvals = {stmt.key: stmt for stmt in section.keyvals()}
    edits: list[_Edit] = []
    new_lines: list[str] = []
    url_stmt = keyvals.get(("url",))
    if url_stmt is None:
        new_lines.append(f"url = {_toml_string(url)}")
    elif entry.get("url") != url:
        edits.append((url_stmt.value_start, url_stmt.value_end, _toml_string(url)))
    for key, value in extra.items():
        stmt = keyvals.get((key,))
        if stmt is None:
            new_lines.append(f"{key} = {_toml_string(value)}")
        elif entry.get(key) != value:
            edits.append((stmt.value_start, stmt.value_end, _toml_string(value)))
    if new_lines:
        anchor = url_stmt or keyvals.get(("name",))
        indent = _indent(text, anchor)
        at = anchor.end if anchor is not None else _key_end([section], 0)
        edits.append(_insertion(text, at, [indent + line for line in new_lines]))
    return edits


def _set_keyring(text: str, path: object, base: tuple[str, ...]) -> str:
    target = base + (_KEYRING,)
    if _get(load_toml(text, path), target) == _SUBPROCESS:
        return text
    sections = _sections(text, path)
    value = _toml_string(_SUBPROCESS)
    for section in sections:
        for stmt in section.keyvals():
            if section.path + stmt.key == target:
                return _apply(text, [(stmt.value_start, stmt.value_end, value)])
    _refuse_inline(sections, target, path)

    def add_key(idx: int, key: tuple[str, ...]) -> str:
        keyvals = sections[idx].keyvals()
        indent = _indent(text, keyvals[-1] if keyvals else None)
        line = f"{indent}{'.'.join(key)} = {value}"
        return _apply(text, [_insertion(text, _key_end(sections, idx), [line])])

    if not base:  # uv.toml: a top-level key, which must come before the first table
        if _content_end(sections, 0) is not None:
            return add_key(0, (_KEYRING,))
        at = _leading_start(sections, 1) if len(sections) > 1 else len(text)
        return _apply(text, [_insertion(text, at, [f"{_KEYRING} = {value}"], blank_after=True)])

    for idx, section in enumerate(sections):
        if section.path == base and not section.array and section.header is not None:
            return add_key(idx, (_KEYRING,))
    for idx, section in enumerate(sections):  # tool.uv made by dotted keys: `[tool]  uv.x = 1`
        if len(section.path) < len(base):
            for stmt in section.keyvals():
                full = section.path + stmt.key
                if len(full) > len(base) and full[: len(base)] == base:
                    return add_key(idx, base[len(section.path) :] + (_KEYRING,))
    lines = [_header(base, False), f"{_KEYRING} = {value}"]
    for idx, section in enumerate(sections):
        if section.header is not None and section.path[: len(base)] == base:
            at = _leading_start(sections, idx)
            return _apply(text, [_insertion(text, at, lines, blank_before=True, blank_after=True)])
    return _apply(text, [_insertion(text, len(text), lines, blank_before=True)])


def rename_index(text: str, *, path: object, in_pyproject: bool, old: str, new: str) -> str:
    """The index ``old`` renamed ``new``, and every ``[tool.uv.sources]`` entry that names it."""
    doc = load_toml(text, path)
    base = _base(in_pyproject)
    sections = _sections(text, path)
    naming = re.compile(r"(\bindex\s*=\s*)(\"" + re.escape(old) + r"\"|'" + re.escape(old) + r"')")
    edits: list[_Edit] = []
    for section in sections:
        for stmt in section.keyvals():
            span = text[stmt.value_start : stmt.value_end]
            if section.array and section.path == base + ("index",) and stmt.key == ("name",):
                if tomllib.loads(f"v = {span}")["v"] == old:
                    edits.append((stmt.value_start, stmt.value_end, _toml_string(new)))
            elif (section.path + stmt.key)[: len(base) + 1] == base + ("sources",):
                if (section.path + stmt.key)[-1] == "index" and tomllib.loads(f"v = {span}")["v"] == old:
                    edits.append((stmt.value_start, stmt.value_end, _toml_string(new)))
                else:  # inline tables: pkg = { index = "old" }, or a list of them
                    edits += [(stmt.value_start + m.start(2), stmt.value_start + m.end(2), _toml_string(new))
                              for m in naming.finditer(span)]
    new_text = _apply(text, edits)
    try:
        renamed = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        raise _cannot_edit(path) from None
    if not _same(renamed, _renamed(doc, base, old, new)):
        raise _cannot_edit(path)
    return new_text


def _renamed(doc: dict, base: tuple[str, ...], old: str, new: str) -> dict:
    doc = copy.deepcopy(doc)
    node = _get(doc, base) or {}
    for entry in node.get("index", []) if isinstance(node, dict) else []:
        if isinstance(entry, dict) and entry.get("name") == old:
            entry["name"] = new
    sources = node.get("sources", {}) if isinstance(node, dict) else {}
    for value in sources.values() if isinstance(sources, dict) else []:
        for source in value if isinstance(value, list) else [value]:
            if isinstance(source, dict) and source.get("index") == old:
                source["index"] = new
    return doc


# -- checking the result ---------------------------------------------------------


def _expected(
    old: dict,
    base: tuple[str, ...],
    name: str,
    url: str,
    extra: dict[str, str],
    keyring_subprocess: bool,
) -> dict | None:
    doc = copy.deepcopy(old)
    node = doc
    for key in base:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return None
    entries = node.setdefault("index", [])
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == name:
            break
    else:
        entry = {"name": name}
        entries.append(entry)
    entry["url"] = url
    entry.update(extra)
    if keyring_subprocess:
        node[_KEYRING] = _SUBPROCESS
    return doc


def _same(a: object, b: object) -> bool:
    """Equality of parsed TOML, where a NaN equals a NaN."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b
