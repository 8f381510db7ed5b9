"""The INI layout model reads files exactly as configparser (pip's and twine's reader) does."""

from __future__ import annotations

import configparser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_wizard.errors import UserError
from ar_wizard.targets import ini

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

indents = st.sampled_from(["", "", "", " ", "  ", "\t"])
deeper = st.sampled_from(["    ", "  ", "\t", "        "])
delimiters = st.sampled_from(["=", " = ", ":", " : ", "=  ", "\t=\t"])
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:/.#;=%[]", min_size=1, max_size=10)
comments = st.builds(lambda p, w: p + w, st.sampled_from(["#", ";", "  #", "    ; ", "# "]), words)
blanks = st.sampled_from(["", "   "])


@st.composite
def ini_text(draw):
    """Any layout configparser accepts: indented keys, continuation lines, comments and blanks inside values."""
    lines = []
    lines += draw(st.lists(st.one_of(comments, blanks), max_size=2))
    section_names = draw(st.lists(st.sampled_from(["global", "install", "pypi", "corp", "a b", "x.y"]), unique=True, max_size=4))
    for name in section_names:
        lines.append(draw(indents) + f"[{name}]" + draw(st.sampled_from(["", "  "])))
        keys = draw(st.lists(st.sampled_from(["extra-index-url", "timeout", "user name", "password", "Key"]), unique_by=str.lower, max_size=4))
        for key in keys:
            indent = draw(indents)
            first = " ".join(draw(st.lists(words, max_size=2)))
            lines.append(f"{indent}{key}{draw(delimiters)}{first}")
            for _ in range(draw(st.integers(0, 3))):
                kind = draw(st.integers(0, 4))
                if kind == 0:
                    lines.append(draw(comments))
                elif kind == 1:
                    lines.append(draw(blanks))
                else:
                    lines.append(indent + draw(deeper) + " ".join(draw(st.lists(words, min_size=1, max_size=2))))
        lines += draw(st.lists(st.one_of(comments, blanks), max_size=2))
    text = "\n".join(lines)
    if lines and draw(st.booleans()):
        text += "\n"
    return text


def _parser(text):
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return parser


@PROPERTY
@given(text=ini_text())
def test_the_layout_finds_the_sections_options_and_values_configparser_finds(text):
    try:
        parser = _parser(text)
    except configparser.Error:  # e.g. a duplicate key that indentation turned into an option
        return
    layout = ini.IniFile(text)
    assert [section.name for section in layout.sections] == parser.sections()
    for section in layout.sections:
        found = {option.name: layout.value(option) for option in section.options}
        assert found == dict(parser.items(section.name, raw=True))
        for option in section.options:
            assert [t.text for t in layout.tokens(option)] == parser.get(section.name, option.name).split()


@PROPERTY
@given(text=ini_text(), word=words)
def test_appending_a_word_adds_it_to_the_value_and_changes_nothing_else(text, word):
    try:
        parser = _parser(text)
    except configparser.Error:
        return
    layout = ini.IniFile(text)
    for section in layout.sections:
        for option in section.options:
            new = layout.append_word(option, word)
            after = _parser(new)
            assert after.get(section.name, option.name).split() == parser.get(section.name, option.name).split() + [word]
            for other in parser.sections():
                for key, value in parser.items(other, raw=True):
                    if (other, key) != (section.name, option.name):
                        assert after.get(other, key) == value
            prefix = next(i for i in range(len(new) + 1) if i == len(text) or new[i] != text[i])
            assert new[: prefix] + new[prefix + len(new) - len(text) :] == text  # one inserted run


def test_a_comment_line_inside_a_multi_line_value_does_not_end_it():
    text = "[global]\nextra-index-url =\n    https://a/\n# https://old/\n    https://b/\ntimeout = 5\n"
    layout = ini.IniFile(text)
    option = option_in(layout, "global", "extra-index-url")
    assert [t.text for t in layout.tokens(option)] == ["https://a/", "https://b/"]
    assert layout.value(option) == _parser(text).get("global", "extra-index-url")


def test_an_indented_line_after_an_option_continues_it_even_if_it_looks_like_a_section():
    text = "[global]\ntimeout = 5\n  [install]\n"
    layout = ini.IniFile(text)
    assert [s.name for s in layout.sections] == ["global"]
    assert layout.value(option_in(layout, "global", "timeout")) == "5\n[install]"


def option_in(layout: ini.IniFile, section: str, name: str) -> ini.Option:
    found = layout.section(section)
    assert found is not None, f"no [{section}]"
    option = found.option(name)
    assert option is not None, f"no {name} in [{section}]"
    return option


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timeout = 5\n", r"line 1: a setting comes before the first \[section\] header"),
        ("[global]\n[global]\n", r"line 2: section \[global\] appears twice"),
        ("[global]\na = 1\nA = 2\n", r"line 3: 'a' appears twice in \[global\]"),
        ("[global]\nnot an option\n", r"line 2: a line is neither"),
    ],
)
def test_files_configparser_refuses_are_refused_with_the_path_and_line(text, expected):
    with pytest.raises(UserError, match=rf"^~/.pypirc is not a valid INI file \({expected}.*\); fix it and run again$"):
        ini.parse(text, "~/.pypirc")


def test_a_refusal_never_quotes_the_offending_line_which_may_hold_a_secret():
    with pytest.raises(UserError) as err:
        ini.parse("[pypi]\npassword hunter2\n", "~/.pypirc")
    assert "hunter2" not in str(err.value)
