"""Line-exact edits of INI files, read the way pip and twine read them.

pip and twine both load their files with ``configparser.RawConfigParser``.
configparser itself drops comments and layout when it writes, and configupdater
re-renders every option it touches and misreads comment lines inside
multi-line values, so this module keeps the text as lines and finds sections,
options and value lines with the same rules configparser's ``_read`` applies:
``#``/``;`` full-line comments, ``=``/``:`` delimiters, continuation lines
indented deeper than their option, blank and comment lines allowed inside a
value. Every edit inserts, replaces or removes whole lines or one value span,
so all other bytes stay as they were.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ar_wizard.errors import UserError
from ar_wizard.targets.text import newline_of

_SECTCRE = configparser.RawConfigParser.SECTCRE
_OPTCRE = configparser.RawConfigParser.OPTCRE
_TOKEN = re.compile(r"\S+")
_COMMENT_PREFIXES = ("#", ";")
CONTINUATION_INDENT = "    "


@dataclass
class Option:
    """One option: its line, the last line holding part of its value, where the value starts."""

    name: str  # as configparser stores it (lower-cased)
    line: int
    last: int
    value_col: int  # column of the value on the option line
    indent: int


@dataclass
class Section:
    name: str
    line: int  # the header line
    last: int  # the last line holding the header, an option or a value line
    options: list[Option] = field(default_factory=list)

    def option(self, name: str, normalize=str.lower) -> Option | None:
        """The last option whose name normalises to ``name`` (the one readers keep)."""
        found = None
        for opt in self.options:
            if normalize(opt.name) == name:
                found = opt
        return found


@dataclass(frozen=True)
class Token:
    """A whitespace-separated word of a value, with where it sits."""

    line: int
    start: int
    end: int
    text: str


def _indent_width(line: str) -> int:
    """How many whitespace characters (``str.isspace``, as configparser's ``\\S`` reads them) lead ``line``."""
    return len(line) - len(line.lstrip())


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on ``"\\n"`` only (as configparser's read_string does)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class IniFile:
    """The layout of an INI text: lines, sections, options. Built fresh for each edit."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = newline_of(text)
        self.lines = split_lines(text)
        self.sections: list[Section] = []
        self._scan()

    def _scan(self) -> None:
        section: Section | None = None
        option: Option | None = None
        indent_level = 0
        for i, line in enumerate(self.lines):
            stripped = line.strip()
            if not stripped or stripped.startswith(_COMMENT_PREFIXES):
                continue  # blank and comment lines never end a value
            indent = _indent_width(line)
            if section is not None and option is not None and indent > indent_level:
                option.last = section.last = i
                continue
            indent_level = indent
            match = _SECTCRE.match(stripped)
            if match:
                section = Section(match.group("header"), i, i)
                self.sections.append(section)
                option = None
                continue
            match = _OPTCRE.match(stripped) if section is not None else None
            if section is None or not match or not match.group("option"):
                # parse() has already refused such files; keep the scan total.
                option = None
                continue
            option = Option(
                name=match.group("option").rstrip().lower(),
                line=i,
                last=i,
                value_col=indent + match.start("value"),
                indent=indent,
            )
            section.options.append(option)
            section.last = i

    # -- reading ---------------------------------------------------------------

    def section(self, name: str) -> Section | None:
        for section in self.sections:
            if section.name == name:
                return section
        return None

    def tokens(self, option: Option) -> list[Token]:
        """The words of an option's value, on its own line and its continuation lines."""
        found = []
        for i in range(option.line, option.last + 1):
            line = self.lines[i]
            if i == option.line:
                start = option.value_col
            else:
                stripped = line.strip()
                if not stripped or stripped.startswith(_COMMENT_PREFIXES):
                    continue
                start = 0
            for match in _TOKEN.finditer(line, start):
                found.append(Token(i, match.start(), match.end(), match.group()))
        return found

    def value(self, option: Option) -> str:
        """The value as configparser returns it."""
        parts = [self.lines[option.line][option.value_col :].strip()]
        for i in range(option.line + 1, option.last + 1):
            stripped = self.lines[i].strip()
            if stripped.startswith(_COMMENT_PREFIXES):
                continue
            parts.append(stripped)
        return "\n".join(parts).rstrip()

    def leading_comments_start(self, line: int) -> int:
        """The first line of the comment block directly above ``line`` (or ``line``)."""
        while line > 0 and self.lines[line - 1].strip().startswith(_COMMENT_PREFIXES):
            line -= 1
        return line

    # -- editing: each returns the new text --------------------------------------

    def _with_lines(self, lines: list[str]) -> str:
        return "".join(lines)

    def _terminated(self) -> list[str]:
        """The lines, the last one given a line ending if it had none."""
        lines = list(self.lines)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += self.newline
        return lines

    def insert_lines(self, at: int, new: list[str]) -> str:
        """Insert whole lines (given without endings) before line ``at``."""
        lines = self._terminated() if at >= len(self.lines) else list(self.lines)
        lines[at:at] = [line + self.newline for line in new]
        return self._with_lines(lines)

    def replace_span(self, line: int, start: int, end: int, new: str) -> str:
        lines = list(self.lines)
        lines[line] = lines[line][:start] + new + lines[line][end:]
        return self._with_lines(lines)

    def add_option(self, section: Section, name: str, value: str | list[str]) -> str:
        """Add an option after the section's last one; a list value goes one word per line."""
        indent = ""
        if section.options:  # the same indentation as its neighbour, so it is not a continuation
            neighbour = section.options[-1]
            indent = self.lines[neighbour.line][: neighbour.indent]
        return self.insert_lines(section.last + 1, [indent + line for line in _render_option(name, value)])

    def set_value(self, option: Option, value: str) -> str:
        """Give an option a one-line value, keeping its name, delimiter and spacing."""
        line = self.lines[option.line]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        head = body[: option.value_col]
        if not head[-1:].isspace():
            head += " "
        lines = list(self.lines)
        lines[option.line : option.last + 1] = [head + value + ending]
        return self._with_lines(lines)

    def append_word(self, option: Option, word: str) -> str:
        """Add a word to a whitespace-separated value, in the layout the value already has."""
        line = self.lines[option.line]
        empty = len(line.rstrip()) <= option.value_col
        if not word.startswith(_COMMENT_PREFIXES):  # such a word would read as a comment line
            if option.last > option.line:
                last = self.lines[option.last]
                indent = last[: _indent_width(last)]
                return self.insert_lines(option.last + 1, [indent + word])
            if empty:  # "name =" with the values to come on their own lines
                indent = line[: option.indent] + CONTINUATION_INDENT
                return self.insert_lines(option.line + 1, [indent + word])
        end = len(self.lines[option.last].rstrip())
        return self.replace_span(option.last, end, end, " " + word)

    def remove_option(self, option: Option) -> str:
        lines = list(self.lines)
        del lines[option.line : option.last + 1]
        return self._with_lines(lines)

    def append_section(self, name: str, options: Sequence[tuple[str, str | list[str]]]) -> str:
        """Add a section at the end of the file, after one blank line."""
        return self.insert_lines(len(self.lines), self._blank_before() + _render_section(name, options))

    def insert_section_first(self, name: str, options: list[tuple[str, str | list[str]]]) -> str:
        """Add a section before the first one (and the comments that lead into it)."""
        if not self.sections:
            return self.append_section(name, options)
        at = self.leading_comments_start(self.sections[0].line)
        return self.insert_lines(at, _render_section(name, options) + [""])

    def _blank_before(self) -> list[str]:
        if not self.lines or not self.lines[-1].strip():
            return []
        return [""]


def _render_option(name: str, value: str | list[str]) -> list[str]:
    if isinstance(value, str):
        return [f"{name} = {value}"]
    return [f"{name} ="] + [CONTINUATION_INDENT + word for word in value]


def _render_section(name: str, options: Sequence[tuple[str, str | list[str]]]) -> list[str]:
    lines = [f"[{name}]"]
    for option, value in options:
        lines += _render_option(option, value)
    return lines


def parse(text: str, path: object) -> tuple[IniFile, configparser.RawConfigParser]:
    """The layout and the values of an INI text; a file configparser refuses is a UserError."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error as err:
        raise UserError(f"{path} is not a valid INI file ({_describe(err)}); fix it and run again") from None
    return IniFile(text), parser


def _describe(err: configparser.Error) -> str:
    # Lines are not quoted back: pip.conf and .pypirc lines can hold secrets.
    if isinstance(err, configparser.MissingSectionHeaderError):
        return f"line {err.lineno}: a setting comes before the first [section] header"
    if isinstance(err, configparser.DuplicateSectionError):
        return f"line {err.lineno}: section [{err.section}] appears twice"
    if isinstance(err, configparser.DuplicateOptionError):
        return f"line {err.lineno}: {err.option!r} appears twice in [{err.section}]"
    if isinstance(err, configparser.ParsingError) and err.errors:
        return f"line {err.errors[0][0]}: a line is neither a [section], a setting nor a comment"
    return type(err).__name__


def check_value(value: str, *, what: str, path: object) -> None:
    """Refuse a value an INI file cannot hold exactly: configparser strips it and splits lines."""
    if value != value.strip() or any(c in value for c in "\r\n") or not value:
        raise UserError(
            f"The {what} for {path} is empty, spans lines or starts or ends with a space, "
            "which an INI file cannot store; check the value and run again"
        )
