"""Every command ar-wizard prints, in each shell's form: POSIX forms run in sh, PowerShell forms go
through a real PowerShell parser (tree-sitter-powershell), cmd forms through the grammar below."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_wizard import plan as plan_module
from ar_wizard import shells
from ar_wizard.credentials import keyring_setup
from ar_wizard.model import Draft, Secret, SecretWrite
from ar_wizard.paths import Platform
from ar_wizard.targets import env_file

URL = "https://pypi.acme.example/simple/"


def powershell_errors(source: str) -> list[str]:
    """The parts of ``source`` PowerShell's grammar rejects (none: it parses)."""
    import tree_sitter
    import tree_sitter_powershell

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    tree = parser.parse(source.encode())
    bad: list[str] = []

    def walk(node) -> None:
        if node.type == "ERROR" or node.is_missing:
            bad.append(source.encode()[node.start_byte:node.end_byte].decode() or f"missing {node.type}")
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return bad


# cmd has no parser to install here; its forms are few and are held to this grammar: a plain command
# line with nothing cmd treats specially outside double quotes, `set "NAME=VALUE"`, `set NAME=`,
# an optional `& rem NOTE` trailer, and the one `for /f` line that loads .env.
_CMD_SPECIAL = re.compile(r'[&|<>^%()]')


def cmd_problems(line: str) -> list[str]:
    body, _, note = line.partition("   & rem ")
    problems = []
    if note and _CMD_SPECIAL.search(note):
        problems.append(f"rem note with a special character: {note!r}")
    if body.startswith("for /f "):
        match = re.fullmatch(
            r'for /f "usebackq tokens=1,\* delims==" %A in \(`powershell -NoProfile -Command "([^"]*)"`\) '
            r'do @set "%A=%B"', body)
        if not match:
            return [f"not the .env loader's form: {body!r}"]
        return problems + powershell_errors(match[1])
    if body.count('"') % 2:
        problems.append(f"unbalanced quotes: {body!r}")
    outside = "".join(part for i, part in enumerate(body.split('"')) if i % 2 == 0)
    if _CMD_SPECIAL.search(outside):
        problems.append(f"special character outside quotes: {body!r}")
    return problems


def draft(store: str = "env", targets: tuple[str, ...] = ("uv", "pip", "twine"), name: str = "acme") -> Draft:
    return Draft(fields={"url": URL}, index_name=name, username="alice", secret=Secret("s3cret"), store=store,
                 targets=targets, publish=True, project_dir=Path("/nonexistent"))


def every_printed_command(shell: shells.Shell) -> list[str]:
    out = []
    for store in ("env", "uv", "keyring", "netrc"):
        d = draft(store, name="my-index.v2")
        out += plan_module._next_steps(d, plan_module.resolve(d), shell)
    out.append(shells.unset_variable(shell, "PYTHON_KEYRING_BACKEND"))
    out.append(shells.set_variable(shell, "UV_INDEX_ACME_USERNAME", "alice"))
    out.append(" ".join(keyring_setup.install_command("keyrings.google-artifactregistry-auth")))
    for store in ("uv", "keyring"):
        write = SecretWrite(store, "https://h.example/a b/simple/", "o'brien", Secret("x"))
        out.append(_summary_in(shell, write))
    return out


def _summary_in(shell: shells.Shell, write: SecretWrite) -> str:
    original = shells.detect
    shells.detect = lambda platform=None: shell
    try:
        return write.summary
    finally:
        shells.detect = original


# --- which shell ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("os_", "env", "expected"), [
    ("linux", {"SHELL": "/bin/bash"}, "posix"),
    ("macos", {"SHELL": "/bin/zsh"}, "posix"),
    ("linux", {}, "posix"),
    ("linux", {"PSModulePath": "/opt/microsoft/powershell/7/Modules"}, "powershell"),
    # Windows sets PSModulePath for every process; PowerShell adds the user's Documents module folder.
    ("windows", {"PSModulePath": r"C:\Program Files\WindowsPowerShell\Modules", "PROMPT": "$P$G"}, "cmd"),
    ("windows", {"PSModulePath": r"C:\Users\a\Documents\PowerShell\Modules;C:\Program Files\PowerShell\Modules"},
     "powershell"),
    ("windows", {"Psmodulepath": r"C:\Users\a\Documents\WindowsPowerShell\Modules"}, "powershell"),
    ("windows", {"SHELL": "/usr/bin/bash", "MSYSTEM": "MINGW64"}, "posix"),  # Git Bash
    ("windows", {}, "powershell"),  # uv's default on Windows
    ("windows", {"PROMPT": "$P$G"}, "cmd"),
])
def test_the_users_shell_is_read_from_the_environment_as_uv_reads_it(os_, env, expected):
    assert shells.detect(Platform(os_, env)) == expected


# --- POSIX: run as printed -----------------------------------------------------------------------

_VALUES = st.text(
    # the plan refuses control characters in a secret for .env before anything is written
    alphabet=st.characters(blacklist_characters="'", blacklist_categories=("Cs", "Cc"), max_codepoint=0x2FF),
    max_size=40,
)


@given(value=_VALUES)
def test_the_powershell_env_loader_reads_each_value_back_as_sh_does(value):
    """The loader's pattern, applied by Python's `re` (it uses nothing .NET reads differently), turns each
    line ar-wizard writes back into the exact value, as `set -a; . ./.env` does in sh (tested below)."""
    line = env_file.set_vars("", path=".env", values={"UV_INDEX_ACME_PASSWORD": value}).splitlines()[0]
    match = re.match(shells.ENV_LINE, line)
    assert match, line
    decoded = (match[2] or "") + (match[3] or "") + match[4].replace("\\\\", "\\")
    assert (match[1], decoded) == ("UV_INDEX_ACME_PASSWORD", value)


def test_the_posix_env_loader_runs_in_sh_and_loads_what_ar_wizard_wrote(tmp_path):
    values = {"UV_INDEX_A_PASSWORD": "p a$s#s\\", "UV_INDEX_A_USERNAME": "alice"}
    (tmp_path / ".env").write_text("# made by ar-wizard\n" + env_file.set_vars("", path=".env", values=values))
    script = shells.load_env_file("posix") + '; printf "%s\\0%s" "$UV_INDEX_A_PASSWORD" "$UV_INDEX_A_USERNAME"'
    out = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert out.split("\0") == [values["UV_INDEX_A_PASSWORD"], "alice"]


def test_every_posix_command_is_valid_sh():
    for command in every_printed_command("posix"):
        checked = subprocess.run(["sh", "-n", "-c", command], capture_output=True, text=True)
        assert checked.returncode == 0, (command, checked.stderr)


# --- PowerShell and cmd --------------------------------------------------------------------------

def test_every_powershell_command_parses_in_powershells_grammar():
    commands = every_printed_command("powershell")
    assert any(c.startswith("Get-Content .env") for c in commands)
    assert any(c.startswith("$env:UV_INDEX_ACME_USERNAME = ") for c in commands)
    for command in commands:
        assert powershell_errors(command) == [], command


def test_the_powershell_parser_rejects_a_broken_command():
    # The control for the test above: the grammar does find errors.
    assert powershell_errors("Get-Content .env | ForEach-Object { if ($_ -match 'x' { }")


def test_every_cmd_command_holds_to_cmds_grammar():
    commands = every_printed_command("cmd")
    assert any(c.startswith("for /f ") for c in commands)
    for command in commands:
        assert cmd_problems(command) == [], command
    assert cmd_problems("uv add a|b") and cmd_problems('set "A=b')


def test_no_posix_only_syntax_reaches_powershell_or_cmd():
    for shell in shells.SHELLS[1:]:
        joined = "\n".join(every_printed_command(shell))
        assert "set -a" not in joined and "export " not in joined and "unset " not in joined
        assert "'\\''" not in joined  # sh's way of quoting a quote


def test_a_name_with_a_quote_is_quoted_for_each_shell():
    assert shells.quote("posix", "o'brien") == "'o'\\''brien'"
    assert shells.quote("powershell", "o'brien") == "'o''brien'"
    assert shells.quote("cmd", "a b") == '"a b"'
