"""Taking a change back out of a file edited since: the three-way line merge undo uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_wizard.merge import Conflict, take_back

BEFORE = b'[project]\nname = "demo"\ndependencies = []\n\n[tool.ruff]\nline-length = 100\n'
INDEX = b'\n[[tool.uv.index]]\nname = "acme"\nurl = "https://registry.example/simple/"\n'
AFTER = BEFORE + INDEX


def test_a_file_not_edited_since_gets_its_old_bytes_back():
    assert take_back(BEFORE, AFTER, AFTER) == BEFORE


def test_an_edit_elsewhere_since_is_kept_and_the_change_taken_out():
    now = AFTER.replace(b"dependencies = []", b'dependencies = [\n    "six>=1.16",\n]')
    assert take_back(BEFORE, AFTER, now) == BEFORE.replace(b"dependencies = []", b'dependencies = [\n    "six>=1.16",\n]')


def test_lines_appended_after_the_changes_own_last_lines_are_kept():
    now = AFTER + b'\n[tool.uv.sources]\nsix = { index = "acme" }\n'
    assert take_back(BEFORE, AFTER, now) == BEFORE + b'\n[tool.uv.sources]\nsix = { index = "acme" }\n'


def test_an_edit_of_the_changes_own_lines_is_a_conflict_naming_them_in_the_file_as_it_is():
    now = b"# a line on top\n" + AFTER.replace(b'name = "acme"', b'name = "acme-2"')
    with pytest.raises(Conflict) as raised:
        take_back(BEFORE, AFTER, now)
    assert raised.value.lines() == "line 10"
    assert now.splitlines()[9] == b'name = "acme-2"'


def test_a_file_the_change_made_keeps_only_the_lines_added_since():
    assert take_back(b"", b"UV_INDEX_ACME_PASSWORD=s\n", b"UV_INDEX_ACME_PASSWORD=s\nMINE=1\n") == b"MINE=1\n"


def test_line_endings_and_a_byte_order_mark_are_kept():
    before = b"\xef\xbb\xbfa = 1\r\nb = 2\r\n"
    after = before + b"c = 3\r\n"
    now = before.replace(b"a = 1", b"a = 10") + b"c = 3\r\n"
    assert take_back(before, after, now) == b"\xef\xbb\xbfa = 10\r\nb = 2\r\n"


lines = st.lists(st.sampled_from([b"a\n", b"b\n", b"c\n", b"[x]\n", b"\n"]), max_size=8)


@given(lines, lines, lines)
def test_taking_a_change_out_never_loses_an_edit_since_nor_keeps_a_line_of_the_change(head, added, tail):
    before = b"".join(head + tail)
    after = b"".join(head + [b"CHANGE\n"] + added + tail)
    now = after + b"MINE\n"
    try:
        merged = take_back(before, after, now)
    except Conflict:
        return  # refusing is always allowed; what it must never do is merge wrongly
    assert b"CHANGE" not in merged and merged.endswith(b"MINE\n")
    assert merged == before + b"MINE\n"
