"""Bytes of config files to text and back: BOM and line endings survive."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_wizard.errors import UserError
from ar_wizard.targets.text import TextStyle, decode, encode, newline_of

FAST = settings(max_examples=200, deadline=None)

lines = st.lists(
    st.tuples(
        st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=12),
        st.sampled_from(["\n", "\r\n", "\r", ""]),
    ),
    max_size=8,
)


@FAST
@given(lines=lines, bom=st.booleans())
def test_decoding_and_encoding_gives_back_the_same_bytes(lines, bom):
    data = ("\ufeff" if bom else "").encode() + "".join(a + b for a, b in lines).encode()
    assert encode(*decode(data, "f")) == data


@FAST
@given(st.binary(max_size=40))
def test_any_utf8_bytes_round_trip(data):
    try:
        decoded = decode(data, "f")
    except UserError:
        return
    assert encode(*decoded) == data


def test_a_crlf_file_is_handed_over_with_lf_and_written_back_with_crlf():
    text, style = decode(b"[global]\r\ntimeout = 1\r\n", "pip.conf")
    assert text == "[global]\ntimeout = 1\n"
    assert style == TextStyle(bom=False, newline="\r\n")
    assert encode(text + "extra = 2\n", style) == b"[global]\r\ntimeout = 1\r\nextra = 2\r\n"


def test_a_file_with_mixed_line_endings_is_handed_over_untouched():
    text, style = decode(b"a\r\nb\nc\r\n", "f")
    assert text == "a\r\nb\nc\r\n"
    assert style.newline == "\n"


def test_a_bom_is_remembered_and_written_back():
    text, style = decode(b"\xef\xbb\xbf[global]\n", "pip.conf")
    assert text == "[global]\n"
    assert style.bom
    assert encode(text, style) == b"\xef\xbb\xbf[global]\n"


def test_bytes_that_are_not_utf8_are_refused_with_the_file_name():
    with pytest.raises(UserError, match=r"^~/.pypirc is not UTF-8 text; convert it to UTF-8 or leave it out$"):
        decode(b"[pypi]\npassword = caf\xe9\n", "~/.pypirc")


def test_newline_of_sees_crlf_only_when_every_line_uses_it():
    assert newline_of("a\r\nb\r\n") == "\r\n"
    assert newline_of("a\r\nb\n") == "\n"
    assert newline_of("") == "\n"
    assert newline_of("no ending") == "\n"
