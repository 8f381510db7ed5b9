""".env files that sh and uv read back exactly, and the .gitignore line that keeps them out of git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_wizard.errors import UserError
from ar_wizard.targets.env_file import ensure_ignored, quote, read_vars, set_vars

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = ".env"

storable = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="'\n\r\0"), max_size=20)
TRICKY = [
    "$HOME",
    "${HOME}",
    "two words",
    "back\\slash\\",
    "\\",
    "ends in two\\\\",
    "#not-a-comment",
    "ends with #",
    'double "quotes"',
    "tab\there",
    "`echo hi`",
    "$(echo hi)",
    "~/x:~/y",
    "*",
    "",
    "a=b",
    "!bang",
    "per%cent",
    "x;y&z|w<v>",
    "ünïcödé",
    "oauth2accesstoken",
    "ya29.a0AfH6SM-_/+=:@",
]


def shell_reads(env_text: str, keys: list[str], tmp_path) -> list[str]:
    (tmp_path / ".env").write_text(env_text)
    script = "set -a; . ./.env; printf '%s\\0' " + " ".join(f'"${key}"' for key in keys)
    out = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, check=True, env={"PATH": os.environ["PATH"]})
    return out.stdout.decode().split("\0")[:-1]


@PROPERTY
@given(values=st.lists(storable, min_size=1, max_size=4))
def test_values_read_back_exactly_by_a_posix_shell(values, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("env")
    keys = [f"UV_INDEX_K{n}_PASSWORD" for n in range(len(values))]
    text = set_vars("# secrets\n", path=PATH, values=dict(zip(keys, values)))
    assert shell_reads(text, keys, tmp_path) == values
    assert read_vars(text) == dict(zip(keys, values))


def test_tricky_values_read_back_exactly_by_a_posix_shell(tmp_path):
    keys = [f"K{n}" for n in range(len(TRICKY))]
    text = set_vars("", path=PATH, values=dict(zip(keys, TRICKY)))
    assert shell_reads(text, keys, tmp_path) == TRICKY


def uv_reads(env_text: str, keys: list[str], tmp_path) -> list[str | None]:
    """What ``uv run --env-file`` (dotenvy) puts in the environment for ``keys``."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    (tmp_path / ".env").write_text(env_text)
    script = "import json, os, sys; print(json.dumps([os.environ.get(k) for k in sys.argv[1:]]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AR_WIZARD_TEST_")}
    command = [uv, "run", "--no-project", "--offline", "--python", sys.executable, "--env-file", ".env"]
    out = subprocess.run([*command, "python", "-c", script, *keys], cwd=tmp_path, capture_output=True, check=True, env=env)
    assert b"Failed to parse" not in out.stderr  # uv only warns, then ignores the rest of the file
    return json.loads(out.stdout)


def test_tricky_values_read_back_exactly_by_uv_env_file(tmp_path):
    keys = [f"AR_WIZARD_TEST_K{n}" for n in range(len(TRICKY))]
    text = set_vars("", path=PATH, values=dict(zip(keys, TRICKY)))
    assert uv_reads(text, keys, tmp_path) == TRICKY


@settings(max_examples=5, deadline=None)
@given(values=st.lists(storable, min_size=20, max_size=20))
def test_any_storable_values_read_back_exactly_by_uv_env_file(values, tmp_path_factory):
    keys = [f"AR_WIZARD_TEST_K{n}" for n in range(len(values))]
    text = set_vars("", path=PATH, values=dict(zip(keys, values)))
    assert uv_reads(text, keys, tmp_path_factory.mktemp("env")) == values


def test_plain_values_are_written_bare_and_others_in_single_quotes():
    assert quote("https://u@h.example.com:8443/a_b-c.d+e/") == "https://u@h.example.com:8443/a_b-c.d+e/"
    assert quote("") == ""
    assert quote("a b") == "'a b'"
    assert quote("$X") == "'$X'"
    assert quote("a b\\") == "'a b'\\\\"  # a backslash before the closing quote breaks dotenvy
    assert quote("\\") == "\\\\"


# -- layout ----------------------------------------------------------------------

ENV = """\
# registry credentials
export UV_INDEX_CORP_USERNAME=deploy   # the CI user
UV_INDEX_CORP_PASSWORD='old secret'
OTHER="keep \\"me\\""
MULTI="line one
line two"
"""


def test_existing_lines_are_updated_in_place_keeping_export_and_comments():
    new = set_vars(ENV, path=PATH, values={"UV_INDEX_CORP_USERNAME": "oauth2accesstoken", "UV_INDEX_CORP_PASSWORD": "n$w"})
    assert new == ENV.replace("=deploy ", "=oauth2accesstoken ").replace("'old secret'", "'n$w'")
    assert read_vars(new)["OTHER"] == 'keep "me"'
    assert read_vars(new)["MULTI"] == "line one\nline two"


def test_missing_keys_are_appended_after_a_final_newline_is_added():
    assert set_vars("A=1", path=PATH, values={"B": "2", "A": "1"}) == "A=1\nB=2\n"
    assert set_vars("", path=PATH, values={"B": "x y"}) == "B='x y'\n"
    assert set_vars("A=1\r\n", path=PATH, values={"B": "2"}) == "A=1\r\nB=2\r\n"


def test_every_assignment_of_a_key_is_updated_so_whichever_reader_wins_sees_the_new_value():
    assert set_vars("A=1\nB=2\nA=3\n", path=PATH, values={"A": "new"}) == "A=new\nB=2\nA=new\n"


def test_an_assignment_that_no_reader_agrees_on_is_replaced_up_to_the_end_of_its_line():
    assert set_vars("A=one two\nB=2\n", path=PATH, values={"A": "x"}) == "A=x\nB=2\n"


def test_lines_that_only_mention_the_key_are_left_alone():
    text = "# A=commented\nNOT_A=1\necho A=2\n"
    assert set_vars(text, path=PATH, values={"A": "x"}) == text + "A=x\n"


@PROPERTY
@given(
    lines=st.lists(
        st.one_of(
            st.sampled_from(["", "# comment", "  # indented comment", "export KEEP=1", "KEEP2='a b'  # note", 'KEEP3="x y"']),
            st.builds(lambda v: f"TARGET={quote(v)}", storable),
            st.builds(lambda v: f"export TARGET={quote(v)} # old", storable),
        ),
        max_size=8,
    ),
    value=storable,
    final_newline=st.booleans(),
)
def test_setting_a_variable_changes_only_its_own_lines_and_is_idempotent(lines, value, final_newline):
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    new = set_vars(text, path=PATH, values={"TARGET": value})
    old_lines, new_lines = text.split("\n"), new.split("\n")
    targets = [i for i, line in enumerate(old_lines) if "TARGET=" in line]
    if targets:
        assert len(new_lines) == len(old_lines)
        for i, (old, line) in enumerate(zip(old_lines, new_lines)):
            if i in targets:
                prefix = old[: old.index("=") + 1]
                assert line.startswith(prefix + quote(value))
                assert line.endswith(" # old") == old.endswith(" # old")
            else:
                assert line == old
    else:
        assert new.startswith(text)
    assert read_vars(new)["TARGET"] == value
    assert {k: v for k, v in read_vars(new).items() if k != "TARGET"} == {
        k: v for k, v in read_vars(text).items() if k != "TARGET"
    }
    assert set_vars(new, path=PATH, values={"TARGET": value}) == new


@pytest.mark.parametrize("value", ["it's", "two\nlines", "cr\r", "nul\0"])
def test_a_value_no_env_file_spelling_can_hold_is_refused(value):
    with pytest.raises(UserError, match=r"^The value for TOKEN cannot be stored in \.env .*choose another store$"):
        set_vars("", path=PATH, values={"TOKEN": value})


def test_a_name_that_is_not_a_variable_name_is_refused():
    with pytest.raises(UserError, match="cannot name a variable"):
        set_vars("", path=PATH, values={"MY-INDEX": "x"})


# -- .gitignore --------------------------------------------------------------------


def test_the_env_file_is_added_to_gitignore_on_its_own_line():
    assert ensure_ignored("") == ".env\n"
    assert ensure_ignored("__pycache__/\n") == "__pycache__/\n.env\n"
    assert ensure_ignored("__pycache__/") == "__pycache__/\n.env\n"
    assert ensure_ignored("dist\r\n") == "dist\r\n.env\r\n"


@pytest.mark.parametrize("text", [".env\n", "/.env", "build/\n.env   \n", "!.env\n.env\n"])
def test_a_gitignore_that_already_ignores_the_file_is_left_alone(text):
    assert ensure_ignored(text) == text


@pytest.mark.parametrize("text", [".env.example\n", "# .env\n", ".env\n!.env\n", "sub/.env\n"])
def test_lines_that_do_not_ignore_exactly_this_file_do_not_count(text):
    assert ensure_ignored(text) == text + ".env\n"


def test_ensuring_twice_is_the_same_as_once():
    once = ensure_ignored("dist/", entry=".env.ar-wizard")
    assert ensure_ignored(once, entry=".env.ar-wizard") == once == "dist/\n.env.ar-wizard\n"
